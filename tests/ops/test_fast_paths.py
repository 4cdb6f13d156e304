"""The one-call happy paths of the hot primitives give 0.1's results, and 0.1's errors for bad input
even right after a successful call (the checks run when torch refuses or the input is unusual)."""
import numpy as np
import pytest
import torch

import msnn
from msnn.ops import operations as P


def T(a, dtype=msnn.float32):
    return msnn.Tensor(np.asarray(a), dtype)


def test_MatMul_fast_path_results_and_errors():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.arange(12, dtype=np.float32).reshape(3, 4)
    for ta, tb in ((False, False), (True, False), (False, True), (True, True)):
        op = P.MatMul(ta, tb)
        x, y = (a.T.copy() if ta else a), (b.T.copy() if tb else b)
        np.testing.assert_allclose(op(T(x), T(y)).numpy(), a @ b)
    op = P.MatMul()
    assert op(T(a, msnn.int32), T(b, msnn.int32)).tolist() == (a @ b).astype(int).tolist()
    with pytest.raises(ValueError, match="'MatMul'.*'input_x'.*2-D"):
        op(T(np.ones((2, 2, 3))), T(b))
    with pytest.raises(ValueError, match="'MatMul'.*'input_y'.*contracted"):
        op(T(a), T(np.ones((4, 4))))
    with pytest.raises(TypeError, match="'MatMul'.*dtype"):
        op(T(a), T(b, msnn.float16))
    with pytest.raises(TypeError, match="'MatMul'.*dtype"):
        op(T(a, msnn.bool_), T(b, msnn.bool_))
    with pytest.raises(TypeError, match="'MatMul'.*Tensor"):
        op(a, T(b))


def test_BatchMatMul_fast_path_rank3_rank4_and_errors():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    b = np.arange(40, dtype=np.float32).reshape(2, 4, 5)
    np.testing.assert_allclose(P.BatchMatMul()(T(a), T(b)).numpy(), a @ b)
    np.testing.assert_allclose(P.BatchMatMul(transpose_b=True)(T(a), T(b.transpose(0, 2, 1).copy())).numpy(), a @ b)
    a4, b4 = a.reshape(1, 2, 3, 4), b.reshape(1, 2, 4, 5)
    np.testing.assert_allclose(P.BatchMatMul()(T(a4), T(b4)).numpy(), a4 @ b4)
    with pytest.raises(ValueError, match="'BatchMatMul'.*batch dimensions"):
        P.BatchMatMul()(T(a), T(np.ones((1, 4, 5))))  # torch.matmul would broadcast
    with pytest.raises(ValueError, match="'BatchMatMul'.*rank"):
        P.BatchMatMul()(T(a[0]), T(b[0]))


def test_ReduceSum_fast_path_and_0_1_rules():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    op = P.ReduceSum()
    assert op(T(x), 1).tolist() == [3.0, 12.0]
    assert op(T(x), (1, 1)).tolist() == [3.0, 12.0]  # 0.1 collapses repeated axes
    assert op(T(x), [0]).tolist() == [3.0, 5.0, 7.0]
    assert float(op(T(x))) == 15.0
    assert op(T(x, msnn.int32), 1).dtype == torch.int32  # 0.1 keeps the integer dtype
    assert float(op(T(np.float32(2.0)), 0)) == 2.0
    for bad in (2, (0, 2), None, 1.0, True):
        with pytest.raises(ValueError, match="'ReduceSum'.*'axis'"):
            op(T(x), bad)
    with pytest.raises(ValueError, match="'ReduceSum'.*'axis'"):
        op(T(np.float32(2.0)), -1)  # torch accepts -1 on a 0-d tensor; 0.1 did not
    with pytest.raises(TypeError, match="'ReduceSum'.*Tensor"):
        op(x, 1)


def test_ReduceMean_ReduceMax_ReduceMin_fast_paths():
    x = np.array([[1.0, 4.0], [3.0, 2.0]], np.float32)
    assert P.ReduceMean(keep_dims=True)(T(x), 1).tolist() == [[2.5], [2.5]]
    assert P.ReduceMax()(T(x), ()).item() == 4.0 and P.ReduceMin()(T(x), 0).tolist() == [1.0, 2.0]
    assert P.ReduceMean()(T(x, msnn.int32), 0).tolist() == [2, 3]
    assert P.ReduceProd()(T(x), (0, 1)).item() == 24.0


def test_OneHot_fast_path_after_first_call_keeps_errors():
    op = P.OneHot()
    on, off = T(np.float32(5.0)), T(np.float32(-1.0))
    idx = T(np.array([0, 2, 7, -1]), msnn.int32)
    want = [[5, -1, -1], [-1, -1, 5], [-1, -1, -1], [-1, -1, -1]]
    assert op(idx, 3, on, off).tolist() == want
    assert op(idx, 3, on, off).tolist() == want  # the cached happy path
    with pytest.raises(TypeError, match="'OneHot'.*'off_value'"):
        op(idx, 3, on, off.double())
    with pytest.raises(ValueError, match="'OneHot'.*'indices'"):
        op(T(np.array([0.0])), 3, on, off)
    with pytest.raises(ValueError, match="'OneHot'.*'depth'"):
        op(idx, True, on, off)
    with pytest.raises(ValueError, match="'OneHot'.*'depth'"):
        op(idx, -1, on, off)


def test_Squeeze_one_axis_fast_path_and_errors():
    x = T(np.ones((2, 1, 3)))
    assert tuple(P.Squeeze(1)(x).shape) == (2, 3) and tuple(P.Squeeze(-2)(x).shape) == (2, 3)
    with pytest.raises(ValueError, match="'Squeeze'.*length 1"):
        P.Squeeze(0)(x)  # torch.squeeze would leave it as is
    with pytest.raises(ValueError, match="'Squeeze'.*'axis'"):
        P.Squeeze(3)(x)


def test_Concat_fast_path_refuses_mixed_dtypes():
    a, b = T(np.ones((1, 2))), T(np.zeros((1, 2)))
    assert P.Concat(1)((a, b)).tolist() == [[1.0, 1.0, 0.0, 0.0]]
    assert P.Concat()([a, b, a]).shape == (3, 2)
    with pytest.raises(ValueError, match="'Concat'.*'input_x\\[1\\]'.*dtype"):
        P.Concat()((a, b.double()))  # torch.cat would promote
    with pytest.raises(ValueError, match="'Concat'.*'input_x\\[1\\]'.*dtype"):
        P.Concat()((a, b.half(), a))


def test_TupleToArray_fast_path_and_checked_inputs():
    f = P.TupleToArray()
    out = f((1.0, 2.5))
    assert out.dtype == torch.float32 and out.tolist() == [1.0, 2.5]
    assert f((1, 2)).dtype == torch.int32
    assert f((True, False)).tolist() == [1, 0]  # bools take the checked path, as ints
    with pytest.raises(TypeError, match="TupleToArray"):
        f((1, 2.0))
    with pytest.raises(ValueError, match="TupleToArray"):
        f(())
    with pytest.raises(ValueError, match="TupleToArray"):
        f([1.0])


def test_TensorAdd_fast_path_and_number_rules():
    x = T(np.array([1.0, 2.0]))
    assert P.TensorAdd()(x, x).tolist() == [2.0, 4.0]
    assert P.TensorAdd()(x, 1).tolist() == [2.0, 3.0]
    assert P.TensorAdd()(T(np.array([1, 2]), msnn.int32), 1.7).tolist() == [2, 3]  # the number takes int32
    with pytest.raises(TypeError, match="'TensorAdd'.*'y'.*dtype"):
        P.TensorAdd()(x, T(np.array([1, 2]), msnn.int32))
    with pytest.raises(ValueError, match="'TensorAdd'.*broadcastable"):
        P.TensorAdd()(x, T(np.ones(3)))
    with pytest.raises(TypeError, match="'TensorAdd'"):
        P.TensorAdd()(x, T(np.array([True, False]), msnn.bool_))


def test_Transpose_known_permutation_and_errors_after_it():
    x = T(np.arange(6).reshape(2, 3))
    op = P.Transpose()
    assert op(x, (1, 0)).tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    with pytest.raises(ValueError, match="'Transpose'.*'input_perm\\[0\\]'"):
        op(x, (True, False))  # equal to (1, 0) as a set key, refused as 0.1 did
    with pytest.raises(ValueError, match="'Transpose'.*'input_perm'"):
        op(T(np.ones((2, 3, 4))), (1, 0))
