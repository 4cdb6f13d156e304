"""msnn.ops.operations.array_ops against numpy, 0.1's bprop formulas and MindSpore 2.10 goldens.

Goldens: tests/data/ops_array.npz, recorded by tools/record_goldens_ops_array.py (MindSpore 2.10
CPU, primitives unchanged since 0.1). Gradient references are numpy versions of 0.1's bprop
(mindspore/ops/_grad/grad_array_ops.py at 576a73b4).
"""
import os

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import msnn
from msnn.common import dtype as mstype
from msnn.ops import operations as P

GOLDEN = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "ops_array.npz"))


def golden(case):
    prefix = case + "/"
    return {k[len(prefix):]: GOLDEN[k] for k in GOLDEN.files if k.startswith(prefix)}


def T(a, dtype=None):  # pylint: disable=invalid-name
    return msnn.Tensor(np.asarray(a), dtype)


def grad_of(fn, x, sens):
    """d(sum(fn(x) * sens))/dx through torch autograd."""
    x = torch.tensor(np.asarray(x), requires_grad=True)
    (fn(x) * torch.as_tensor(sens)).sum().backward()
    return x.grad.numpy()


rng = np.random.RandomState(7)


# ---------------------------------------------------------------- ExpandDims
def test_ExpandDims_values_axes_and_grad():
    x = rng.randn(2, 3).astype(np.float32)
    for axis in (-3, -1, 0, 1, 2):
        assert P.ExpandDims()(T(x), axis).numpy().shape == np.expand_dims(x, axis).shape
    sens = rng.randn(2, 1, 3).astype(np.float32)
    assert np.allclose(grad_of(lambda t: P.ExpandDims()(t, 1), x, sens), sens.reshape(2, 3))


def test_ExpandDims_doc_example():
    out = P.ExpandDims()(T([[2, 2], [2, 2]], msnn.float32), 0)
    assert out.shape == (1, 2, 2) and out.numpy().tolist() == [[[2, 2], [2, 2]]]


def test_ExpandDims_errors():
    with pytest.raises(ValueError, match="For 'ExpandDims', the 'axis' must be an int in \\[-3, 2\\], but got 3"):
        P.ExpandDims()(T(np.ones((2, 2))), 3)
    with pytest.raises(ValueError, match="'axis' must be an int, but got 1.0"):
        P.ExpandDims()(T(np.ones((2, 2))), 1.0)
    with pytest.raises(TypeError, match="For 'ExpandDims', the 'input_x' must be a Tensor, but got list"):
        P.ExpandDims()([1.0], 0)


# ---------------------------------------------------------------- DType / SameTypeShape / Cast
def test_DType_returns_the_msnn_dtype():
    assert P.DType()(T([[2, 2], [2, 2]], msnn.float32)) is msnn.float32
    assert P.DType()(torch.zeros(2, dtype=torch.int32)) is msnn.int32
    with pytest.raises(TypeError, match="For 'DType', the 'input_x' must be a Tensor"):
        P.DType()(1.0)


def test_SameTypeShape_returns_x_or_raises():
    x = T([[2, 2], [2, 2]], msnn.float32)
    assert P.SameTypeShape()(x, T(np.zeros((2, 2)), msnn.float32)) is x
    with pytest.raises(TypeError, match="For 'SameTypeShape', the 'input_y' must be of dtype Float32"):
        P.SameTypeShape()(x, T(np.zeros((2, 2)), msnn.int32))
    with pytest.raises(ValueError, match="the 'input_y' must be of shape \\(2, 2\\) like input_x, but got \\(2, 3\\)"):
        P.SameTypeShape()(x, T(np.zeros((2, 3)), msnn.float32))


def test_Cast_doc_example_and_numbers():
    x = rng.randn(2, 3, 4, 5).astype(np.float32)
    out = P.Cast()(T(x), msnn.int32)
    assert out.dtype == torch.int32 and np.array_equal(out.numpy(), x.astype(np.int32))
    c = P.Cast()(2.7, msnn.float16)
    assert c.dtype == torch.float16 and abs(c.item() - 2.7) < 1e-2
    assert P.Cast()(True, msnn.int32).item() == 1


def test_Cast_grad_is_dout_cast_back():
    x = torch.tensor([1.0, 2.0], dtype=torch.float32, requires_grad=True)
    y = P.Cast()(x, msnn.float16)
    (y * torch.tensor([3.0, 4.0], dtype=torch.float16)).sum().backward()
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [3.0, 4.0]


def test_Cast_errors():
    with pytest.raises(TypeError, match="For 'Cast', the 'type' must be an msnn number dtype or bool_, but got 'float32'"):
        P.Cast()(T([1.0]), "float32")
    with pytest.raises(TypeError, match="For 'Cast', the 'input_x' must be a Tensor or a number, but got str"):
        P.Cast()("1", msnn.float32)


# ---------------------------------------------------------------- IsSubClass / IsInstance
def test_IsSubClass_doc_example_and_families():
    assert P.IsSubClass()(mstype.int32, mstype.intc) is True
    assert P.IsSubClass()(mstype.float16, mstype.float_type) is True
    assert P.IsSubClass()(mstype.int32, mstype.float_type) is False
    with pytest.raises(ValueError, match="For 'IsSubClass', the 'type_' must be an msnn dtype"):
        P.IsSubClass()(mstype.int32, int)


def test_IsInstance_doc_example():
    assert P.IsInstance()(T(np.ones(2), msnn.int32), msnn.int32) is True
    assert P.IsInstance()(1, msnn.int64) is True and P.IsInstance()(1, msnn.int32) is False
    assert P.IsInstance()(1.0, mstype.float_type) is True
    with pytest.raises(ValueError, match="the 'type_' must be an msnn dtype"):
        P.IsInstance()(1, "int")


# ---------------------------------------------------------------- Reshape / Shape
def test_Reshape_doc_example_minus_one_and_grad():
    x = np.array([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]], np.float32)
    op = P.Reshape()
    assert np.array_equal(op(T(x), (3, 2)).numpy(), x.reshape(3, 2))
    assert op(T(x), (-1, 2)).shape == (3, 2) and op(T(x), (-1,)).shape == (6,)
    assert op(T(np.ones(12)), (-1, 2)).shape == (6, 2)  # cached shape re-checked against the size
    sens = rng.randn(3, 2).astype(np.float32)
    assert np.allclose(grad_of(lambda t: op(t, (3, 2)), x, sens), sens.reshape(2, 3))


def test_Reshape_errors():
    x = T(np.ones((2, 3)), msnn.float32)
    with pytest.raises(ValueError, match="For 'Reshape', the 'input_shape' must be a tuple with at most one -1"):
        P.Reshape()(x, (-1, -1))
    with pytest.raises(ValueError, match="product is > 0 and divides the input size 6, but got \\(4,\\)"):
        P.Reshape()(x, (4,))
    with pytest.raises(ValueError, match="the 'input_shape' must be a tuple of ints, but got \\[3, 2\\]"):
        P.Reshape()(x, [3, 2])
    with pytest.raises(ValueError, match="the 'input_shape\\[1\\]' must be an int, but got 2.0"):
        P.Reshape()(x, (3, 2.0))
    with pytest.raises(ValueError, match="product is > 0"):
        P.Reshape()(x, (0, 6))
    with pytest.raises(TypeError, match="For 'Reshape', the 'input_x' must be a Tensor"):
        P.Reshape()(np.ones(6), (6,))


def test_Shape_returns_a_python_tuple():
    out = P.Shape()(T(np.ones([3, 2, 1]), msnn.float32))
    assert out == (3, 2, 1) and type(out) is tuple  # pylint: disable=unidiomatic-typecheck
    assert P.Shape()(torch.tensor(1.0)) == ()
    with pytest.raises(TypeError, match="For 'Shape', the 'input_x' must be a Tensor"):
        P.Shape()((1, 2))


# ---------------------------------------------------------------- Squeeze
def test_Squeeze_doc_example_all_axes_and_grad():
    x = np.ones([3, 2, 1], np.float32)
    assert P.Squeeze(2)(T(x)).shape == (3, 2)
    assert P.Squeeze(2).axis == (2,)
    y = rng.randn(1, 3, 1, 2).astype(np.float32)
    assert P.Squeeze()(T(y)).shape == (3, 2)
    assert P.Squeeze((0, -2))(T(y)).shape == (3, 2)
    assert P.Squeeze(-1)(T(np.ones((2, 1)))).shape == (2,)
    sens = rng.randn(3, 2).astype(np.float32)
    assert np.allclose(grad_of(P.Squeeze((0, 2)), y, sens), sens.reshape(1, 3, 1, 2))
    assert P.Squeeze((0, 2)).infer_shape([1, 3, 1, 2]) == [3, 2]


def test_Squeeze_errors():
    with pytest.raises(ValueError, match="For 'Squeeze', the 'axis' must be a dimension of length 1"):
        P.Squeeze(0)(T(np.ones((2, 1))))
    with pytest.raises(ValueError, match="the 'axis' must be in \\[-2, 1\\], but got 2"):
        P.Squeeze(2)(T(np.ones((2, 1))))
    with pytest.raises(ValueError, match="the 'axis' must be an int, but got 1.0"):
        P.Squeeze(1.0)
    with pytest.raises(ValueError, match="the 'axis\\[1\\]' must be an int, but got 'a'"):
        P.Squeeze((0, "a"))


# ---------------------------------------------------------------- Transpose
def test_Transpose_doc_example_and_grad():
    x = np.array([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], np.float32)
    out = P.Transpose()(T(x), (0, 2, 1))
    assert out.numpy().tolist() == [[[1, 4], [2, 5], [3, 6]], [[7, 10], [8, 11], [9, 12]]]
    g = golden("Transpose_0")
    assert np.array_equal(P.Transpose()(T(g["in0"]), (2, 0, 1)).numpy(), g["out"])
    perm = (2, 0, 1)
    sens = rng.randn(4, 2, 3).astype(np.float32)
    inv = P.InvertPermutation()(perm)
    assert np.allclose(grad_of(lambda t: P.Transpose()(t, perm), g["in0"], sens), sens.transpose(inv))


def test_Transpose_errors():
    x = T(np.ones((2, 3)))
    with pytest.raises(ValueError, match="For 'Transpose', the 'input_perm' must be a permutation of length 2"):
        P.Transpose()(x, (0, 1, 2))
    with pytest.raises(ValueError, match="the 'input_perm\\[0\\]' must be an int in \\[0, 2\\), but got -1"):
        P.Transpose()(x, (-1, 0))
    with pytest.raises(ValueError, match="no repeated axis"):
        P.Transpose()(x, (1, 1))
    with pytest.raises(ValueError, match="the 'input_perm' must be a tuple of ints, but got \\[1, 0\\]"):
        P.Transpose()(x, [1, 0])


# ---------------------------------------------------------------- GatherV2
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_GatherV2_matches_mindspore_golden_and_bprop(axis):
    g = golden(f"GatherV2_{axis}")
    out = P.GatherV2()(T(g["in0"]), T(g["in1"]), axis)
    assert out.shape == g["out"].shape and np.allclose(out.numpy(), g["out"])
    assert np.allclose(grad_of(lambda p: P.GatherV2()(p, T(g["in1"]), axis), g["in0"], g["sens"]), g["grad"])
    # 0.1's bprop: unsorted segment sum of the output gradient over the indices
    ref = np.zeros_like(g["in0"])
    moved = np.moveaxis(ref, axis, 0)
    idx = g["in1"].reshape(-1)
    sens = np.moveaxis(g["sens"].reshape(g["in0"].shape[:axis % 3] + (idx.size,) + g["in0"].shape[axis % 3 + 1:]),
                       axis % 3, 0)
    np.add.at(moved, idx, sens)
    assert np.allclose(ref, g["grad"], atol=1e-6)


def test_GatherV2_doc_example():
    params = T([[1, 2, 7, 42], [3, 4, 54, 22], [2, 2, 55, 3]], msnn.float32)
    out = P.GatherV2()(params, T([1, 2], msnn.int32), 1)
    assert out.numpy().tolist() == [[2, 7], [4, 54], [2, 55]]
    assert P.GatherV2()(params, T([[2]], msnn.int8), 0).numpy().tolist() == [[[2, 2, 55, 3]]]


def test_GatherV2_errors():
    p = T(np.ones((3, 4)), msnn.float32)
    with pytest.raises(ValueError, match="For 'GatherV2', the 'input_indices' must be a Tensor of an integer dtype, but got dtype Float32"):
        P.GatherV2()(p, T([1.0], msnn.float32), 0)
    with pytest.raises(ValueError, match="the 'axis' must be an int in \\[-2, 2\\), but got 2"):
        P.GatherV2()(p, T([1], msnn.int32), 2)
    with pytest.raises(TypeError, match="the 'axis' must be an int, but got 1.0"):
        P.GatherV2()(p, T([1], msnn.int32), 1.0)
    with pytest.raises(TypeError, match="the 'input_indices' must be a Tensor, but got list"):
        P.GatherV2()(p, [1], 0)


# ---------------------------------------------------------------- Split / Rank / Size
def test_Split_doc_example_and_grad():
    a, b = P.Split(1, 2)(T([[1, 1, 1, 1], [2, 2, 2, 2]]))
    assert a.numpy().tolist() == [[1, 1], [2, 2]] and b.numpy().tolist() == [[1, 1], [2, 2]]
    x = rng.randn(2, 6).astype(np.float32)
    outs = P.Split(-1, 3)(T(x))
    assert isinstance(outs, tuple) and len(outs) == 3
    assert all(np.array_equal(o.numpy(), e) for o, e in zip(outs, np.split(x, 3, -1)))
    xt = torch.tensor(x, requires_grad=True)
    s = [torch.tensor(rng.randn(2, 2).astype(np.float32)) for _ in range(3)]
    sum((o * w).sum() for o, w in zip(P.Split(1, 3)(xt), s)).backward()
    assert np.allclose(xt.grad.numpy(), np.concatenate([w.numpy() for w in s], 1))  # 0.1: Concat(dout)


def test_Split_errors():
    with pytest.raises(ValueError, match="For 'Split', the 'output_num' must be a divisor of the length 4"):
        P.Split(1, 3)(T(np.ones((2, 4))))
    with pytest.raises(ValueError, match="the 'axis' must be an int in \\[-2, 2\\), but got 2"):
        P.Split(2, 1)(T(np.ones((2, 4))))
    with pytest.raises(ValueError, match="the 'output_num' must be an int > 0, but got 0"):
        P.Split(0, 0)(T(np.ones((2, 4))))
    with pytest.raises(ValueError, match="For 'Split', the 'axis' must be an int, but got 0.0"):
        P.Split(0.0, 1)


def test_Rank_doc_example():
    assert P.Rank()(T([[2, 2], [2, 2]], msnn.float32)) == 2
    assert P.Rank()(torch.tensor(3.0)) == 0
    with pytest.raises(TypeError, match="For 'Rank', the 'input_x' must be a Tensor"):
        P.Rank()(3.0)


def test_Size_doc_example_and_scalar_is_zero():
    assert P.Size()(T([[2, 2], [2, 2]], msnn.float32)) == 4
    assert P.Size()(torch.tensor(3.0)) == 0  # 0.1: shape () gives 0
    with pytest.raises(TypeError, match="For 'Size', the 'input_x' must be a Tensor"):
        P.Size()([1])


# ---------------------------------------------------------------- TruncatedNormal
def test_TruncatedNormal_doc_example_statistics_and_seed():
    out = P.TruncatedNormal()(T([1, 2, 3]))
    assert out.shape == (1, 2, 3) and out.dtype == torch.float32
    big = P.TruncatedNormal(dtype=msnn.float64)(T(np.array([20000], np.int32)))
    assert big.dtype == torch.float64 and float(big.abs().max()) <= 2.0
    # N(0, 1) truncated to [-2, 2]: std = sqrt(1 - 2*2*phi(2)/(2*Phi(2)-1)) = 0.8796
    assert abs(float(big.mean())) < 0.03 and abs(float(big.std()) - 0.8796) < 0.02
    a = P.TruncatedNormal(seed=5)(T([4]))
    b = P.TruncatedNormal(seed=5)(T([4]))
    assert torch.equal(a, b)


def test_TruncatedNormal_errors():
    with pytest.raises(ValueError, match="For 'TruncatedNormal', the 'shape' must be a 1-D Tensor"):
        P.TruncatedNormal()(T([[1, 2]]))
    with pytest.raises(TypeError, match="the 'shape' must be an int32 or int64 Tensor, but got Float32"):
        P.TruncatedNormal()(T([1.0, 2.0], msnn.float32))
    with pytest.raises(ValueError, match="the 'shape\\[1\\]' must be an int > 0, but got 0"):
        P.TruncatedNormal()(T([1, 0]))
    with pytest.raises(ValueError, match="the 'dtype' must be an msnn number dtype"):
        P.TruncatedNormal(dtype=msnn.bool_)
    with pytest.raises(ValueError, match="the 'seed' must be an int"):
        P.TruncatedNormal(seed=1.5)


# ---------------------------------------------------------------- Fill / OnesLike / ZerosLike
def test_Fill_doc_example_and_dtypes():
    x = T(np.ones((2, 2)), msnn.float32)
    out = P.Fill()(P.DType()(x), (2, 2), 1)
    assert out.dtype == torch.float32 and out.numpy().tolist() == [[1, 1], [1, 1]]
    assert P.Fill()(msnn.int32, (3,), 2.7).numpy().tolist() == [2, 2, 2]  # numpy astype
    assert P.Fill()(msnn.bool_, (1,), True).dtype == torch.bool


def test_Fill_errors():
    with pytest.raises(ValueError, match="For 'Fill', the 'shape\\[1\\]' must be an int > 0, but got 0"):
        P.Fill()(msnn.float32, (2, 0), 1)
    with pytest.raises(ValueError, match="the 'shape' must be a tuple of ints, but got \\[2, 2\\]"):
        P.Fill()(msnn.float32, [2, 2], 1)
    with pytest.raises(ValueError, match="the 'value' must be a number or bool, but got '1'"):
        P.Fill()(msnn.float32, (2,), "1")
    with pytest.raises(ValueError, match="the 'type' must be one of Bool, Int8"):
        P.Fill()(msnn.int16, (2,), 1)


def test_OnesLike_doc_example():
    out = P.OnesLike()(T(np.array([[0, 1], [2, 1]]).astype(np.int32)))
    assert out.dtype == torch.int32 and out.numpy().tolist() == [[1, 1], [1, 1]]
    with pytest.raises(TypeError, match="For 'OnesLike', the 'input_x' must be a Tensor"):
        P.OnesLike()([1])


def test_ZerosLike_doc_example():
    out = P.ZerosLike()(T(np.array([[0, 1], [2, 1]]).astype(np.int32)))
    assert out.dtype == torch.int32 and out.numpy().tolist() == [[0, 0], [0, 0]]
    with pytest.raises(ValueError, match="For 'ZerosLike', the 'input_x' must be a Tensor of a number dtype or bool_, but got dtype"):
        P.ZerosLike()(torch.zeros(2, dtype=torch.complex64))


# ---------------------------------------------------------------- TupleToArray / ScalarTo*
def test_TupleToArray_doc_example_and_dtypes():
    t = P.TupleToArray()((1, 2, 3))
    assert t.dtype == torch.int32 and t.numpy().tolist() == [1, 2, 3]
    assert P.TupleToArray()((1.5, 2.0)).dtype == torch.float32
    with pytest.raises(TypeError, match="For 'TupleToArray', the 'input_x' must be a tuple of numbers of one type"):
        P.TupleToArray()((1, 2.0))
    with pytest.raises(ValueError, match="the 'input_x' must be a non-empty tuple"):
        P.TupleToArray()(())
    with pytest.raises(ValueError, match="the 'input_x\\[1\\]' must be a number, but got 'a'"):
        P.TupleToArray()((1, "a"))


def test_ScalarToArray_doc_example():
    t = P.ScalarToArray()(1.0)
    assert t.shape == () and t.dtype == torch.float32 and t.item() == 1.0
    assert P.ScalarToArray()(3).dtype == torch.int32
    with pytest.raises(ValueError, match="For 'ScalarToArray', the 'input_x' must be an int or a float, but got True"):
        P.ScalarToArray()(True)


def test_ScalarToTensor_doc_example():
    t = P.ScalarToTensor()(1, msnn.float32)
    assert t.shape == () and t.dtype == torch.float32 and t.item() == 1.0
    assert P.ScalarToTensor()(2.5).dtype == torch.float32
    assert P.ScalarToTensor()(2.5, msnn.int64).item() == 2
    with pytest.raises(TypeError, match="For 'ScalarToTensor', the 'dtype' must be an msnn number dtype"):
        P.ScalarToTensor()(1, msnn.bool_)


def test_InvertPermutation_doc_example_and_errors():
    assert P.InvertPermutation()((3, 4, 0, 2, 1)) == (2, 4, 3, 0, 1)
    with pytest.raises(ValueError, match="For 'InvertPermutation', the 'input_x' must be a permutation of 0..2"):
        P.InvertPermutation()((0, 1, 1))
    with pytest.raises(ValueError, match="the 'input_x' must be a tuple of ints"):
        P.InvertPermutation()([0, 1])


# ---------------------------------------------------------------- Argmax / Argmin / *WithValue
def test_Argmax_doc_example_dtype_and_axis():
    out = P.Argmax()(T(np.array([2.0, 3.1, 1.2])))
    # 0.1 declared output_type=int64 but every kernel (CPU, GPU, Ascend) wrote int32 indices
    assert out.item() == 1 and out.dtype == torch.int32 and P.Argmax().output_type is msnn.int64
    x = rng.randn(3, 4, 5).astype(np.float32)
    out = P.Argmax(axis=1, output_type=msnn.int32)(T(x))
    assert out.dtype == torch.int32 and np.array_equal(out.numpy(), x.argmax(1))
    assert P.Argmax(output_type=msnn.int64).infer_dtype(msnn.float32) is msnn.int32
    assert P.Argmax(axis=1).infer_shape([3, 4, 5]) == [3, 5]


def test_Argmax_errors():
    with pytest.raises(ValueError, match="For 'Argmax', the 'output_type' must be one of Int32, Int64"):
        P.Argmax(output_type=msnn.float32)
    with pytest.raises(ValueError, match="the 'axis' must be an int in \\[-1, 1\\), but got 1"):
        P.Argmax(axis=1)(T([1.0, 2.0]))
    with pytest.raises(ValueError, match="the 'axis' must be an int, but got None"):
        P.Argmax(axis=None)


def test_Argmin_doc_example_and_axis():
    out = P.Argmin()(T(np.array([2.0, 3.1, 1.2])))
    assert out.item() == 2 and out.dtype == torch.int32
    x = rng.randn(3, 4).astype(np.float32)
    assert np.array_equal(P.Argmin(0)(T(x)).numpy(), x.argmin(0))
    with pytest.raises(ValueError, match="For 'Argmin', the 'axis' must be an int in"):
        P.Argmin(axis=-3)(T(x))


@pytest.mark.parametrize("keep_dims", [False, True])
def test_ArgMaxWithValue_values_and_bprop(keep_dims):
    x = rng.randn(3, 4, 5).astype(np.float32)
    index, value = P.ArgMaxWithValue(axis=1, keep_dims=keep_dims)(T(x))
    assert index.dtype == torch.int32
    assert np.array_equal(index.numpy(), x.argmax(1) if not keep_dims else x.argmax(1)[:, None])
    assert np.allclose(value.numpy(), x.max(1, keepdims=keep_dims))
    sens = rng.randn(*value.shape).astype(np.float32)
    g = grad_of(lambda t: P.ArgMaxWithValue(axis=1, keep_dims=keep_dims)(t)[1], x, sens)
    onehot = (np.arange(4)[None, :, None] == x.argmax(1)[:, None, :]).astype(np.float32)
    assert np.allclose(g, onehot * sens.reshape(3, 1, 5))  # 0.1: dout * OneHot(index)


def test_ArgMaxWithValue_doc_example_and_errors():
    index, value = P.ArgMaxWithValue()(T(np.array([0.5, 0.9, 0.1]), msnn.float32))
    assert index.item() == 1 and abs(value.item() - 0.9) < 1e-6
    with pytest.raises(ValueError, match="For 'ArgMaxWithValue', the 'keep_dims' must be a bool, but got 1"):
        P.ArgMaxWithValue(keep_dims=1)
    with pytest.raises(ValueError, match="For 'ArgMaxWithValue', the 'axis' must be an int in \\[-1, 1\\)"):
        P.ArgMaxWithValue(axis=2)(T([1.0, 2.0]))


def test_ArgMinWithValue_values_and_bprop():
    x = rng.randn(4, 3).astype(np.float32)
    index, value = P.ArgMinWithValue(axis=-1)(T(x))
    assert np.array_equal(index.numpy(), x.argmin(-1)) and np.allclose(value.numpy(), x.min(-1))
    sens = rng.randn(4).astype(np.float32)
    g = grad_of(lambda t: P.ArgMinWithValue(axis=-1)(t)[1], x, sens)
    assert np.allclose(g, (np.arange(3)[None] == x.argmin(-1)[:, None]) * sens[:, None])
    assert P.ArgMinWithValue(0, True).infer_shape([4, 3]) == ([1, 3], [1, 3])


# ---------------------------------------------------------------- Tile
@pytest.mark.parametrize("case", ["Tile_0", "Tile_1"])
def test_Tile_matches_mindspore_golden_and_bprop(case):
    g = golden(case)
    mult = tuple(int(m) for m in g["multiples"])
    out = P.Tile()(T(g["in0"]), mult)
    assert np.array_equal(out.numpy(), g["out"]) and np.array_equal(out.numpy(), np.tile(g["in0"], mult))
    got = grad_of(lambda t: P.Tile()(t, mult), g["in0"], g["sens"])
    assert np.allclose(got, g["grad"], atol=1e-5)
    # 0.1's bprop: reshape dout to interleaved (multiple, dim) axes and sum the multiples
    shape = (1,) * (len(mult) - 2) + g["in0"].shape
    r = [v for pair in zip(mult, shape) for v in pair]
    ref = g["sens"].reshape(r).sum(axis=tuple(range(0, len(r), 2))).reshape(g["in0"].shape)
    assert np.allclose(got, ref, atol=1e-5)


def test_Tile_errors():
    with pytest.raises(ValueError, match="For 'Tile', the 'multiples' must be a tuple of at least 2 ints"):
        P.Tile()(T(np.ones((2, 2))), (2,))
    with pytest.raises(ValueError, match="the 'multiples' must be a tuple of ints, but got \\[2, 2\\]"):
        P.Tile()(T(np.ones((2, 2))), [2, 2])
    with pytest.raises(ValueError, match="the 'multiples\\[1\\]' must be an int, but got 2.0"):
        P.Tile()(T(np.ones((2, 2))), (2, 2.0))


# ---------------------------------------------------------------- UnsortedSegmentSum
def test_UnsortedSegmentSum_golden_doc_example_and_grad():
    g = golden("UnsortedSegmentSum_0")
    out = P.UnsortedSegmentSum()(T(g["in0"]), T(g["in1"]), 5)
    assert np.allclose(out.numpy(), g["out"])
    assert np.allclose(grad_of(lambda t: P.UnsortedSegmentSum()(t, T(g["in1"]), 5), g["in0"], g["sens"]), g["grad"])
    doc = P.UnsortedSegmentSum()(T([1, 2, 3, 4], msnn.float32), T([0, 0, 1, 2], msnn.int32), 4)
    assert doc.numpy().tolist() == [3, 3, 4, 0]
    assert P.UnsortedSegmentSum()(T([1.0, 2.0, 3.0]), T([0, -1, 1]), 2).numpy().tolist() == [1.0, 3.0]


def test_UnsortedSegmentSum_errors():
    cls = "For 'UnsortedSegmentSum', "
    with pytest.raises(ValueError, match=cls + "the 'segment_ids' must be a Tensor whose shape is a leading part"):
        P.UnsortedSegmentSum()(T(np.ones((3, 2))), T([0, 1]), 2)
    with pytest.raises(ValueError, match=cls + "the 'num_segments' must be an int > 0, but got 0"):
        P.UnsortedSegmentSum()(T(np.ones(3)), T([0, 1, 0]), 0)
    with pytest.raises(ValueError, match=cls + "the 'num_segments' must be an int, but got 2.0"):
        P.UnsortedSegmentSum()(T(np.ones(3)), T([0, 1, 0]), 2.0)


# ---------------------------------------------------------------- Concat / ConcatOffset
def test_Concat_golden_doc_example_and_bprop():
    g = golden("Concat_1")
    assert np.array_equal(P.Concat(1)((T(g["in0"]), T(g["in1"]))).numpy(), g["out"])
    d = T(np.array([[0, 1], [2, 1]]).astype(np.int32))
    assert P.Concat()((d, d)).numpy().tolist() == [[0, 1], [2, 1], [0, 1], [2, 1]]
    assert P.Concat(-1)([d, d]).shape == (2, 4)
    a = torch.tensor(g["in0"], requires_grad=True)
    b = torch.tensor(g["in1"], requires_grad=True)
    sens = rng.randn(2, 8, 4).astype(np.float32)
    (P.Concat(1)((a, b)) * torch.tensor(sens)).sum().backward()
    # 0.1's bprop: Slice(dout, ConcatOffset, shape)
    off = P.ConcatOffset(2, 1)((a, b))
    assert off == ((0, 0, 0), (0, 3, 0))
    assert np.allclose(a.grad.numpy(), sens[:, :3]) and np.allclose(b.grad.numpy(), sens[:, 3:])


def test_Concat_errors():
    a = T(np.ones((2, 3)), msnn.float32)
    with pytest.raises(ValueError, match="For 'Concat', the 'input_x\\[1\\]' must be of dtype Float32 like input_x\\[0\\], but got Int32"):
        P.Concat()((a, T(np.ones((2, 3)), msnn.int32)))
    with pytest.raises(ValueError, match="the 'input_x\\[1\\]' must be of shape \\(2, 3\\) except along axis 0, but got \\(2, 4\\)"):
        P.Concat()((a, T(np.ones((2, 4)), msnn.float32)))
    with pytest.raises(ValueError, match="the 'axis' must be an int in \\[-2, 2\\), but got 2"):
        P.Concat(2)((a, a))
    with pytest.raises(ValueError, match="the 'input_x' must be a non-empty tuple or list of Tensors"):
        P.Concat()(())
    with pytest.raises(ValueError, match="For 'Concat', the 'axis' must be an int"):
        P.Concat(axis=0.5)


def test_ConcatOffset_values():
    a, b, c = T(np.ones((2, 3))), T(np.ones((2, 1))), T(np.ones((2, 4)))
    assert P.ConcatOffset(3, -1)((a, b, c)) == ((0, 0), (0, 3), (0, 4))


# ---------------------------------------------------------------- Slice
def test_Slice_golden_doc_example_and_bprop():
    g = golden("Slice_0")
    assert np.array_equal(P.Slice()(T(g["in0"]), (0, 1, 1), (2, 2, 3)).numpy(), g["out"])
    got = grad_of(lambda t: P.Slice()(t, (0, 1, 1), (2, 2, 3)), g["in0"], g["sens"])
    assert np.allclose(got, g["grad"])
    pad = np.pad(g["sens"], ((0, 0), (1, 0), (1, 0)))  # 0.1's bprop: Pad(dout)
    assert np.allclose(got, pad)
    data = T(np.arange(18).reshape(3, 2, 3).astype(np.int32))
    assert P.Slice()(data, (1, 0, 0), (1, 1, 3)).numpy().tolist() == [[[6, 7, 8]]]
    assert P.Slice()(data, (1, 0, 1), (-1, 2, -1)).shape == (2, 2, 2)


def test_Slice_errors():
    x = T(np.ones((3, 2)))
    with pytest.raises(ValueError, match="For 'Slice', the 'size' must be a slice inside the input shape \\(3, 2\\)"):
        P.Slice()(x, (2, 0), (2, 2))
    with pytest.raises(ValueError, match="the 'begin' must be a tuple of 2 ints \\(the input's rank\\), but got \\(0,\\)"):
        P.Slice()(x, (0,), (1, 1))
    with pytest.raises(ValueError, match="the 'size\\[0\\]' must be an int"):
        P.Slice()(x, (0, 0), (1.0, 1))


# ---------------------------------------------------------------- Select
def test_Select_doc_example_and_bprop():
    out = P.Select()(T([True, False]), T([2, 3], msnn.float32), T([1, 2], msnn.float32))
    assert out.numpy().tolist() == [2, 2]
    cond = rng.rand(3, 4) > 0.5
    x, y = rng.randn(3, 4).astype(np.float32), rng.randn(3, 4).astype(np.float32)
    xt, yt = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    sens = rng.randn(3, 4).astype(np.float32)
    (P.Select()(T(cond), xt, yt) * torch.tensor(sens)).sum().backward()
    assert np.allclose(xt.grad.numpy(), np.where(cond, sens, 0))  # 0.1: select(cond, dout, 0)
    assert np.allclose(yt.grad.numpy(), np.where(cond, 0, sens))


def test_Select_errors():
    c, x = T([True, False]), T([1.0, 2.0], msnn.float32)
    with pytest.raises(ValueError, match="For 'Select', the 'input_x, input_y and input_z' must be of the same shape"):
        P.Select()(T([True]), x, x)
    with pytest.raises(ValueError, match="the 'input_x' must be a bool Tensor, but got dtype Int64"):
        P.Select()(T([1, 0]), x, x)
    with pytest.raises(TypeError, match="the 'input_z' must be of dtype Float32 like input_y, but got Float64"):
        P.Select()(c, x, T([1.0, 2.0], msnn.float64))
    with pytest.raises(TypeError, match="the 'input_y' must be a Tensor"):
        P.Select()(c, [1.0, 2.0], x)


# ---------------------------------------------------------------- StridedSlice
def test_StridedSlice_doc_example():
    x = msnn.Tensor([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]], [[5, 5, 5], [6, 6, 6]]])
    out = P.StridedSlice()(x, (1, 0, 0), (2, 1, 3), (1, 1, 1))
    assert out.shape == (1, 1, 3) and out.numpy().tolist() == [[[3, 3, 3]]]


@pytest.mark.parametrize("case", [c.split("/")[0] for c in GOLDEN.files
                                  if c.startswith("StridedSlice_") and c.endswith("/out")])
def test_StridedSlice_matches_mindspore_golden(case):
    g = golden(case)
    op = P.StridedSlice(*(int(m) for m in g["masks"]))
    out = op(T(g["in0"]), *(tuple(int(v) for v in g[k]) for k in ("begin", "end", "strides")))
    assert out.shape == g["out"].shape and np.array_equal(out.numpy(), g["out"])


def _np_index(begin, end, strides, masks):
    bm, em, elm, nm, sm = masks
    index = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        if elm >> i & 1:
            index.append(Ellipsis)
        elif nm >> i & 1:
            index.append(None)
        elif sm >> i & 1:
            index.append(b)
        else:
            index.append(slice(None if bm >> i & 1 else b, None if em >> i & 1 else e, s))
    return tuple(index)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_StridedSlice_masks_match_numpy_indexing(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=4), "shape"))
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    m = data.draw(st.integers(1, 4), "m")
    begin = tuple(data.draw(st.lists(st.integers(-5, 5), min_size=m, max_size=m), "begin"))
    end = tuple(data.draw(st.lists(st.integers(-5, 5), min_size=m, max_size=m), "end"))
    strides = tuple(data.draw(st.lists(st.sampled_from([-3, -2, -1, 1, 2, 3]), min_size=m, max_size=m), "strides"))
    masks = tuple(data.draw(st.integers(0, 2 ** m - 1), name) for name in ("bm", "em", "elm", "nm", "sm"))
    if bin(masks[2]).count("1") > 1:
        masks = (masks[0], masks[1], masks[2] & -masks[2], masks[3], masks[4])
    try:
        want = x[_np_index(begin, end, strides, masks)]
    except IndexError:
        with pytest.raises(ValueError, match="For 'StridedSlice'"):
            P.StridedSlice(*masks)(T(x), begin, end, strides)
        return
    out = P.StridedSlice(*masks)(T(x), begin, end, strides)
    assert out.shape == want.shape and np.array_equal(out.numpy(), want)
    # gradient: the output gradient scattered back to the sliced positions (StridedSliceGrad)
    sens = np.arange(1, want.size + 1, dtype=np.float32).reshape(want.shape)
    ref = np.zeros_like(x)
    ref[_np_index(begin, end, strides, masks)] = sens
    assert np.array_equal(grad_of(lambda t: P.StridedSlice(*masks)(t, begin, end, strides), x, sens), ref)


def test_StridedSlice_errors():
    x = T(np.ones((3, 4)))
    with pytest.raises(ValueError, match="For 'StridedSlice', the 'strides\\[1\\]' must be non-zero, but got 0"):
        P.StridedSlice()(x, (0, 0), (1, 1), (1, 0))
    with pytest.raises(ValueError, match="the 'begin, end and strides' must be tuples of the same length"):
        P.StridedSlice()(x, (0, 0), (1,), (1, 1))
    with pytest.raises(ValueError, match="the 'begin\\[0\\]' must be an index in \\[-3, 3\\) \\(shrink_axis_mask\\), but got 3"):
        P.StridedSlice(shrink_axis_mask=1)(x, (3, 0), (4, 1), (1, 1))
    with pytest.raises(ValueError, match="the 'end' must be a tuple of ints, but got \\[1, 1\\]"):
        P.StridedSlice()(x, (0, 0), [1, 1], (1, 1))
    with pytest.raises(ValueError, match="the 'begin_mask' must be an int, but got 1.0"):
        P.StridedSlice(begin_mask=1.0)


# ---------------------------------------------------------------- Diag / DiagPart / Eye
def test_Diag_doc_example_rank2_and_bprop():
    assert P.Diag()(msnn.Tensor([1, 2, 3, 4])).numpy().tolist() == np.diag([1, 2, 3, 4]).tolist()
    x = rng.randn(2, 3).astype(np.float32)
    out = P.Diag()(T(x)).numpy()
    assert out.shape == (2, 3, 2, 3)
    ref = np.zeros((2, 3, 2, 3), np.float32)
    for i in range(2):
        for j in range(3):
            ref[i, j, i, j] = x[i, j]
    assert np.array_equal(out, ref)
    sens = rng.randn(2, 3, 2, 3).astype(np.float32)
    assert np.allclose(grad_of(P.Diag(), x, sens), P.DiagPart()(T(sens)).numpy())  # 0.1: DiagPart(dout)
    with pytest.raises(ValueError, match="For 'Diag', the 'input_x' must be a Tensor of rank >= 1"):
        P.Diag()(torch.tensor(1.0))


def test_DiagPart_doc_example_and_bprop():
    assert P.DiagPart()(T(np.diag([1, 2, 3, 4]))).numpy().tolist() == [1, 2, 3, 4]
    x = rng.randn(2, 3, 2, 3).astype(np.float32)
    out = P.DiagPart()(T(x)).numpy()
    assert np.allclose(out, np.array([[x[i, j, i, j] for j in range(3)] for i in range(2)]))
    sens = rng.randn(2, 3).astype(np.float32)
    assert np.allclose(grad_of(P.DiagPart(), x, sens), P.Diag()(T(sens)).numpy())  # 0.1: Diag(dout)
    with pytest.raises(ValueError, match="For 'DiagPart', the 'input_x' must be a Tensor of non-zero even rank"):
        P.DiagPart()(T(np.ones((2, 2, 2))))


def test_Eye_doc_example_and_errors():
    out = P.Eye()(2, 2, msnn.int32)
    assert out.dtype == torch.int32 and out.numpy().tolist() == [[1, 0], [0, 1]]
    assert np.array_equal(P.Eye()(2, 3, msnn.float32).numpy(), np.eye(2, 3))
    with pytest.raises(ValueError, match="For 'Eye', the 'n' must be an int > 0, but got 0"):
        P.Eye()(0, 2, msnn.int32)
    with pytest.raises(TypeError, match="For 'Eye', the 't' must be an msnn number dtype or bool_"):
        P.Eye()(2, 2, "int32")


# ---------------------------------------------------------------- ScatterNd / GatherNd / ScatterNdUpdate
def test_ScatterNd_golden_doc_example_and_bprop():
    g = golden("ScatterNd_dup")
    out = P.ScatterNd()(T(g["in0"]), T(g["in1"]), (3, 4, 5))
    assert np.allclose(out.numpy(), g["out"])  # duplicates add up
    upd = torch.tensor(g["in1"], requires_grad=True)
    sens = rng.randn(3, 4, 5).astype(np.float32)
    (P.ScatterNd()(T(g["in0"]), upd, (3, 4, 5)) * torch.tensor(sens)).sum().backward()
    assert np.allclose(upd.grad.numpy(), P.GatherNd()(T(sens), T(g["in0"])).numpy())  # 0.1: GatherNd(dout)
    doc = P.ScatterNd()(T([[0, 1], [1, 1]], msnn.int32), T([3.2, 1.1], msnn.float32), (3, 3))
    assert np.allclose(doc.numpy(), [[0, 3.2, 0], [0, 1.1, 0], [0, 0, 0]])


def test_ScatterNd_errors():
    idx, upd = T([[0, 1]], msnn.int32), T([1.0], msnn.float32)
    with pytest.raises(ValueError, match="For 'ScatterNd', the 'indices' must be a Tensor of an integer dtype"):
        P.ScatterNd()(T([[0.0, 1.0]]), upd, (2, 2))
    with pytest.raises(ValueError, match="the 'shape\\[0\\]' must be an int > 0, but got 0"):
        P.ScatterNd()(idx, upd, (0, 2))
    with pytest.raises(ValueError, match="the 'update' must be a Tensor whose first dimension equals indices'"):
        P.ScatterNd()(idx, T([1.0, 2.0]), (2, 2))


def test_GatherNd_golden_doc_example_and_bprop():
    g = golden("GatherNd_0")
    assert np.allclose(P.GatherNd()(T(g["in0"]), T(g["in1"])).numpy(), g["out"])
    got = grad_of(lambda t: P.GatherNd()(t, T(g["in1"])), g["in0"], g["sens"])
    assert np.allclose(got, g["grad"])
    assert np.allclose(got, P.ScatterNd()(T(g["in1"]), T(g["sens"]), (3, 4, 5)).numpy())  # 0.1: ScatterNd
    x = T([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]], msnn.float32)
    assert np.allclose(P.GatherNd()(x, T([[0, 0], [1, 1]], msnn.int32)).numpy(), [-0.1, 0.5])
    with pytest.raises(ValueError, match="For 'GatherNd', the 'indices' must be a Tensor whose last dimension is <= 2"):
        P.GatherNd()(x, T([[0, 0, 0]]))
    with pytest.raises(ValueError, match="For 'GatherNd', the 'indices' must be a Tensor of an integer dtype"):
        P.GatherNd()(x, T([[0.0, 0.0]]))


def test_ScatterNdUpdate_doc_example_in_place_and_bprop():
    x = T([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]], msnn.float32)
    idx = T([[0, 0], [1, 1]], msnn.int32)
    out = P.ScatterNdUpdate()(x, idx, T([1.0, 2.2], msnn.float32))
    assert np.allclose(out.numpy(), [[1.0, 0.3, 3.6], [0.4, 2.2, -3.2]])
    assert np.allclose(x.numpy(), out.numpy())  # the variable itself is updated
    p = msnn.Parameter(T(np.zeros((2, 3)), msnn.float32), name="p")
    upd = torch.tensor([1.0, 2.0], requires_grad=True)
    sens = torch.tensor(rng.randn(2, 3).astype(np.float32))
    (P.ScatterNdUpdate()(p, idx, upd) * sens).sum().backward()
    assert np.allclose(p.detach().numpy(), [[1, 0, 0], [0, 2, 0]])
    assert np.allclose(p.grad.numpy(), sens.numpy())  # 0.1's bprop: dout, not zeroed where updated
    assert np.allclose(upd.grad.numpy(), [sens[0, 0], sens[1, 1]])


def test_ScatterNdUpdate_errors():
    x, idx = T(np.zeros((2, 3)), msnn.float32), T([[0, 0]], msnn.int32)
    with pytest.raises(TypeError, match="For 'ScatterNdUpdate', the 'update' must be of dtype Float32 like input_x"):
        P.ScatterNdUpdate()(x, idx, T([1], msnn.int32))
    with pytest.raises(ValueError, match="the 'update' must be a Tensor of shape \\(1,\\)"):
        P.ScatterNdUpdate()(x, idx, T([1.0, 2.0], msnn.float32))
    with pytest.warns(msnn._validator.UnsupportedWarning, match="'use_locking'=False has no effect"):  # pylint: disable=protected-access
        P.ScatterNdUpdate(use_locking=False)


# ---------------------------------------------------------------- ResizeNearestNeighbor
@pytest.mark.parametrize("case", sorted({k.split("/")[0] for k in GOLDEN.files
                                         if k.startswith("ResizeNearestNeighbor_")}))
def test_ResizeNearestNeighbor_matches_mindspore_golden_and_grad(case):
    g = golden(case)
    op = P.ResizeNearestNeighbor(tuple(int(s) for s in g["size"]), bool(g["align_corners"]))
    assert np.array_equal(op(T(g["in0"])).numpy(), g["out"])
    assert np.allclose(grad_of(op, g["in0"], g["sens"]), g["grad"], atol=1e-5)


def test_ResizeNearestNeighbor_doc_example_and_errors():
    x = T([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]], msnn.float32)
    assert np.allclose(P.ResizeNearestNeighbor((2, 2))(x).numpy(), [[-0.1, 0.3], [0.4, 0.5]])
    assert P.ResizeNearestNeighbor([4, 6]).infer_shape((1, 3, 2, 3)) == (1, 3, 4, 6)
    with pytest.raises(ValueError, match="For 'ResizeNearestNeighbor', the 'size' must be a tuple or list of 2 positive ints"):
        P.ResizeNearestNeighbor((2, 0))
    with pytest.raises(TypeError, match="the 'align_corners' must be a bool"):
        P.ResizeNearestNeighbor((2, 2), align_corners=1)
    with pytest.raises(ValueError, match="the 'input_x' must be a Tensor of rank >= 2"):
        P.ResizeNearestNeighbor((2, 2))(T([1.0]))


# ---------------------------------------------------------------- SpaceToDepth / DepthToSpace
def test_SpaceToDepth_golden_doc_example_and_bprop():
    g = golden("SpaceToDepth_2")
    assert np.array_equal(P.SpaceToDepth(2)(T(g["in0"])).numpy(), g["out"])
    got = grad_of(P.SpaceToDepth(2), g["in0"], g["sens"])
    assert np.allclose(got, g["grad"]) and np.allclose(got, P.DepthToSpace(2)(T(g["sens"])).numpy())
    assert P.SpaceToDepth(2)(T(np.random.rand(1, 3, 2, 2), msnn.float32)).shape == (1, 12, 1, 1)
    with pytest.raises(ValueError, match="For 'SpaceToDepth', the 'x' must be a Tensor whose height and width are divisible by 2"):
        P.SpaceToDepth(2)(T(np.ones((1, 1, 3, 2))))
    with pytest.raises(ValueError, match="For 'SpaceToDepth', the 'block_size' must be an int >= 2, but got 1"):
        P.SpaceToDepth(1)


def test_DepthToSpace_golden_doc_example_and_bprop():
    g = golden("DepthToSpace_2")
    assert np.array_equal(P.DepthToSpace(2)(T(g["in0"])).numpy(), g["out"])
    got = grad_of(P.DepthToSpace(2), g["in0"], g["sens"])
    assert np.allclose(got, g["grad"]) and np.allclose(got, P.SpaceToDepth(2)(T(g["sens"])).numpy())
    assert P.DepthToSpace(2)(T(np.random.rand(1, 12, 1, 1), msnn.float32)).shape == (1, 3, 2, 2)
    with pytest.raises(ValueError, match="For 'DepthToSpace', the 'x' must be a 4-D Tensor \\(NCHW\\)"):
        P.DepthToSpace(2)(T(np.ones((4, 1, 1))))
    with pytest.raises(ValueError, match="For 'DepthToSpace', the 'block_size' must be an int, but got 2.0"):
        P.DepthToSpace(2.0)


def test_array_ops_primitive_attributes_are_recorded():
    op = P.StridedSlice(begin_mask=1, shrink_axis_mask=2)
    assert op.begin_mask == 1 and op.shrink_axis_mask == 2 and op.name == "StridedSlice"
    assert P.Concat(axis=1).attrs["axis"] == 1
    assert P.Split(1, 2).init_attrs == {"axis": 1, "output_num": 2}


def test_SpaceToDepth_DepthToSpace_infer_shape():
    assert P.SpaceToDepth(2).infer_shape([1, 3, 4, 6]) == [1, 12, 2, 3]
    assert P.DepthToSpace(2).infer_shape([1, 12, 2, 3]) == [1, 3, 4, 6]


def test_ScatterNdUpdate_infer_shape():
    assert P.ScatterNdUpdate().infer_shape([2, 3], [4, 2], [4]) == [2, 3]
    with pytest.raises(ValueError, match="For 'ScatterNdUpdate', the 'update' must be of a shape matching"):
        P.ScatterNdUpdate().infer_shape([2, 3], [4, 2], [4, 3])


def test_OnesLike_ZerosLike_give_no_gradient_to_x():
    x = torch.ones(2, requires_grad=True)
    y = (P.OnesLike()(x) + P.ZerosLike()(x) + x).sum()
    y.backward()
    assert x.grad.tolist() == [1.0, 1.0]  # 0.1: zeros_like(x) from both primitives


def test_ConcatOffset_errors():
    with pytest.raises(ValueError, match="For 'ConcatOffset', the 'axis' must be an int in \\[-2, 2\\), but got 2"):
        P.ConcatOffset(2, 2)((T(np.ones((2, 3))), T(np.ones((2, 3)))))
    with pytest.raises(ValueError, match="For 'ConcatOffset', the 'input_x\\[1\\]' must be of shape"):
        P.ConcatOffset(2, 0)((T(np.ones((2, 3))), T(np.ones((2, 4)))))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_Tile_and_Transpose_match_numpy(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=4), "shape"))
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    extra = data.draw(st.integers(0, 2), "extra")
    mult = tuple(data.draw(st.lists(st.integers(0, 3), min_size=len(shape) + extra,
                                    max_size=len(shape) + extra), "multiples"))
    assert np.array_equal(P.Tile()(T(x), mult).numpy(), np.tile(x, mult))
    perm = tuple(data.draw(st.permutations(range(len(shape))), "perm"))
    assert np.array_equal(P.Transpose()(T(x), perm).numpy(), x.transpose(perm))
    new = data.draw(st.sampled_from([(-1,), (x.size, -1), (-1, 1), (1, x.size)]), "reshape")
    assert np.array_equal(P.Reshape()(T(x), new).numpy(), x.reshape(new))
