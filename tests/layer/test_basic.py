"""Dense, Flatten, Dropout, ClipByNorm, Norm, OneHot: MindSpore 2.10 goldens
(tools/record_goldens_layers_b.py) where 0.1 is unchanged, NumPy references of spec §6.1-§6.6
elsewhere, exception types, parameter names, reprs and the seed's examples."""
import copy
import os

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
DENSE = np.load(os.path.join(DATA, "layers_b_dense.npz"))
BASIC = np.load(os.path.join(DATA, "layers_b_basic.npz"))
RTOL, ATOL = 1e-5, 1e-6


def _configs(gold, prefix=""):
    return sorted({k.split("/")[0] for k in gold.files if k.startswith(prefix) and "/" in k})


def check_golden(gold, cell, cfg, inputs, device, grad_inputs=None):
    """Forward output and gradients (inputs + trainable params) against the recorded golden."""
    cell.to(device)
    if grad_inputs is None:
        grad_inputs = [a.dtype.kind == "f" for a in inputs]
    xs = [torch.tensor(a, device=device, requires_grad=g) for a, g in zip(inputs, grad_inputs)]
    out = cell(*xs)
    np.testing.assert_allclose(out.detach().cpu().numpy(), gold[f"{cfg}/out"], rtol=RTOL, atol=ATOL)
    assert tuple(out.shape) == gold[f"{cfg}/out"].shape
    if f"{cfg}/dout" not in gold.files:
        return out
    leaves = [x for x in xs if x.requires_grad]
    params = cell.trainable_params()
    grads = torch.autograd.grad(out, leaves + params, torch.tensor(gold[f"{cfg}/dout"], device=device))
    names = [f"d_in{i}" for i, x in enumerate(xs) if x.requires_grad] + ["d_" + p.name for p in params]
    for name, g in zip(names, grads):
        np.testing.assert_allclose(g.cpu().numpy(), gold[f"{cfg}/{name}"], rtol=RTOL, atol=ATOL,
                                   err_msg=f"{cfg} {name}")
    return out


# ---------------------------------------------------------------------------------------------- Dense
DENSE_ACT = {"bias": None, "nobias": None, "relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid",
             "gelu": "gelu", "softmax": "softmax", "logsoftmax": "logsoftmax", "leakyrelu": "leakyrelu"}


@pytest.mark.parametrize("cfg", sorted(DENSE_ACT))
def test_Dense_golden(cfg, device):
    w, b, x = DENSE[f"{cfg}/w"], DENSE[f"{cfg}/b"], DENSE[f"{cfg}/x"]
    has_bias = cfg != "nobias"
    net = nn.Dense(w.shape[1], w.shape[0], Tensor(w), Tensor(b), has_bias, DENSE_ACT[cfg])
    check_golden(DENSE, net, cfg, [x], device)


def test_Dense_parameters_and_default_init():
    np.random.seed(7)
    net = nn.Dense(3, 4)
    params = list(net.get_parameters())
    assert [(p.name, tuple(p.shape), p.requires_grad, p.dtype) for p in params] == [
        ("weight", (4, 3), True, torch.float32), ("bias", (4,), True, torch.float32)]
    np.random.seed(7)
    np.testing.assert_array_equal(params[0].detach().numpy(), np.random.normal(0, 0.01, (4, 3)).astype(np.float32))
    np.testing.assert_array_equal(params[1].detach().numpy(), np.zeros(4, np.float32))
    assert [p.name for p in nn.Dense(3, 4, has_bias=False).get_parameters()] == ["weight"]


def test_Dense_positional_signature():
    net = nn.Dense(2, 3, 'ones', 'zeros', True, 'relu')
    out = net(Tensor(np.array([[1.0, -2.0]]), msnn.float32)).asnumpy()
    np.testing.assert_array_equal(out, [[0.0, 0.0, 0.0]])
    net = nn.Dense(2, 3, 0.5, 1.0, True, None)
    np.testing.assert_allclose(net(Tensor(np.array([[1.0, 3.0]]), msnn.float32)).asnumpy(), [[3.0] * 3])


def test_Dense_nested_names():
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.fc = nn.Dense(3, 2)
            self.head = nn.Dense(2, 2, activation='prelu')

        def construct(self, x):
            return self.head(self.fc(x))

    net = Net()
    names = ["fc.weight", "fc.bias", "head.weight", "head.bias", "head.activation.w"]
    assert [p.name for p in net.get_parameters()] == names
    assert list(net.state_dict()) == names


@pytest.mark.parametrize("kwargs,exc", [
    (dict(in_channels=0, out_channels=2), ValueError),
    (dict(in_channels=3, out_channels=-1), ValueError),
    (dict(in_channels=3.0, out_channels=2), TypeError),
    (dict(in_channels=True, out_channels=2), TypeError),
    (dict(in_channels=3, out_channels="2"), TypeError),
    (dict(in_channels=3, out_channels=2, has_bias=1), TypeError),
    (dict(in_channels=3, out_channels=2, has_bias=None), TypeError),
    (dict(in_channels=3, out_channels=2, weight_init=Tensor(np.ones((3, 2)), msnn.float32)), ValueError),
    (dict(in_channels=3, out_channels=2, weight_init=Tensor(np.ones(6), msnn.float32)), ValueError),
    (dict(in_channels=3, out_channels=2, bias_init=Tensor(np.ones((2, 1)), msnn.float32)), ValueError),
    (dict(in_channels=3, out_channels=2, bias_init=Tensor(np.ones(3), msnn.float32)), ValueError),
    (dict(in_channels=3, out_channels=2, activation='relu6'), KeyError),
    (dict(in_channels=3, out_channels=2, activation='Relu'), KeyError),
    (dict(in_channels=3, out_channels=2, weight_init=[1.0]), TypeError),
])
def test_Dense_bad_arguments(kwargs, exc):
    with pytest.raises(exc, match="Dense|Unknown activation|init"):
        nn.Dense(**kwargs)


def test_Dense_bias_init_unchecked_without_bias():
    net = nn.Dense(3, 2, bias_init=Tensor(np.ones(5), msnn.float32), has_bias=False)
    assert net.bias is None


@pytest.mark.parametrize("shape", [(2, 3, 3), (3,), (2, 4)])
def test_Dense_input_must_be_2d_with_in_channels(shape):
    with pytest.raises(ValueError, match="Dense"):
        nn.Dense(3, 2)(Tensor(np.ones(shape), msnn.float32))


def test_Dense_repr():
    assert repr(nn.Dense(3, 4)) == ("Dense<in_channels=3, out_channels=4, weight=Parameter (name=weight), "
                                    "has_bias=True, bias=Parameter (name=bias)>")
    assert repr(nn.Dense(3, 4, has_bias=False)) == (
        "Dense<in_channels=3, out_channels=4, weight=Parameter (name=weight), has_bias=False>")
    assert repr(nn.Dense(3, 4, activation='relu')) == (
        "Dense<\n  in_channels=3, out_channels=4, weight=Parameter (name=weight), has_bias=True, "
        "bias=Parameter (name=bias), activation=ReLU<>\n  (activation): ReLU<>\n  >")


def test_Dense_doc_example():
    net = nn.Dense(3, 4)
    input = Tensor(np.random.randint(0, 255, [2, 3]), msnn.float32)
    out = net(input)
    assert out.shape() == (2, 4) and out.dtype == msnn.float32
    w = net.weight.detach().numpy()
    np.testing.assert_allclose(out.asnumpy(), input.asnumpy() @ w.T, rtol=1e-5)


# -------------------------------------------------------------------------------------------- Flatten
def test_Flatten_golden(device):
    check_golden(BASIC, nn.Flatten(), "Flatten_3d", [BASIC["Flatten_3d/x"]], device)


def test_Flatten_doc_example():
    net = nn.Flatten()
    input = Tensor(np.array([[[1.2, 1.2], [2.1, 2.1]], [[2.2, 2.2], [3.2, 3.2]]]), msnn.float32)
    assert input.shape() == (2, 2, 2)
    np.testing.assert_array_equal(net(input).asnumpy(),
                                  np.array([[1.2, 1.2, 2.1, 2.1], [2.2, 2.2, 3.2, 3.2]], np.float32))


@pytest.mark.parametrize("shape,expected", [((5,), (5, 1)), ((2, 3), (2, 3)), ((2, 3, 4, 5), (2, 60)),
                                            ((0, 3), (0, 3))])
def test_Flatten_shapes(shape, expected):
    assert nn.Flatten()(Tensor(np.ones(shape), msnn.float32)).shape() == expected
    assert repr(nn.Flatten()) == "Flatten<>"


# -------------------------------------------------------------------------------------------- Dropout
def test_Dropout_identity_when_not_training(device):
    net = nn.Dropout(0.5)
    assert net.training is False
    x = torch.randn(20, 30, device=device)
    assert torch.equal(net(x), x)


@pytest.mark.parametrize("keep_prob", [0.8, 0.5, 0.1])
def test_Dropout_training_mask_and_scale(keep_prob, device):
    net = nn.Dropout(keep_prob).set_train()
    x = torch.ones(200, 500, device=device, requires_grad=True)
    out = net(x)
    vals = out.detach().cpu().numpy()
    kept = vals != 0
    np.testing.assert_allclose(vals[kept], 1.0 / keep_prob, rtol=1e-6)
    assert abs(kept.mean() - keep_prob) < 0.01
    (dx,) = torch.autograd.grad(out, x, torch.ones_like(out))
    np.testing.assert_array_equal(dx.cpu().numpy(), vals)  # d(x*mask/keep)/dx = mask/keep
    assert not np.array_equal(net(x).detach().cpu().numpy(), vals)  # a new mask every call


def test_Dropout_keep_prob_one_is_identity_in_training(device):
    net = nn.Dropout(1.0).set_train()
    x = torch.randn(5, 7, device=device)
    assert torch.equal(net(x), x)
    assert torch.equal(nn.Dropout(1).set_train()(x), x)


def test_Dropout_seeds_deterministic(device):
    x = torch.ones(64, 64, device=device)
    a, b = nn.Dropout(0.5, 3, 4).set_train(), nn.Dropout(0.5, 3, 4).set_train()
    outs_a = [a(x) for _ in range(3)]
    torch.manual_seed(123)  # the private generator ignores the global RNG
    outs_b = [b(x) for _ in range(3)]
    for oa, ob in zip(outs_a, outs_b):
        assert torch.equal(oa, ob)
    assert not torch.equal(outs_a[0], outs_a[1])
    assert not torch.equal(nn.Dropout(0.5, 3, 5).set_train()(x), outs_a[0])


def test_Dropout_zero_seeds_use_global_rng(device):
    x = torch.ones(64, 64, device=device)
    net = nn.Dropout(0.5).set_train()
    torch.manual_seed(1)
    first = net(x)
    torch.manual_seed(1)
    assert torch.equal(net(x), first)


@pytest.mark.parametrize("kwargs,exc", [
    (dict(keep_prob=0), ValueError), (dict(keep_prob=0.0), ValueError), (dict(keep_prob=-0.5), ValueError),
    (dict(keep_prob=1.01), ValueError), (dict(keep_prob=2), ValueError),
    (dict(keep_prob="0.5"), TypeError), (dict(keep_prob=None), TypeError),
    (dict(dtype=msnn.bool_), TypeError), (dict(dtype="float32"), TypeError), (dict(dtype=np.float32), TypeError),
    (dict(seed0=1.0), ValueError), (dict(seed1="1"), ValueError), (dict(seed0=True), ValueError),
])
def test_Dropout_bad_arguments(kwargs, exc):
    with pytest.raises(exc, match="Dropout"):
        nn.Dropout(**kwargs)


@pytest.mark.parametrize("dtype", [msnn.float16, msnn.float32, msnn.float64, msnn.int32, msnn.uint8])
def test_Dropout_number_dtypes_accepted(dtype):
    assert nn.Dropout(0.9, dtype=dtype).dtype is dtype


def test_Dropout_numpy_keep_prob():
    assert repr(nn.Dropout(np.float32(0.5))) == "Dropout<keep_prob=0.5, Seed0=0, Seed1=0, dtype=Float32>"


def test_Dropout_repr():
    assert repr(nn.Dropout(keep_prob=0.8)) == "Dropout<keep_prob=0.8, Seed0=0, Seed1=0, dtype=Float32>"
    assert repr(nn.Dropout(1, 2, 3, msnn.float16)) == "Dropout<keep_prob=1, Seed0=2, Seed1=3, dtype=Float16>"
    assert float(nn.Dropout(0.8).keep_prob) == 0.8


def test_Dropout_doc_example():
    x = Tensor(np.ones([20, 16, 50]), msnn.float32)
    net = nn.Dropout(keep_prob=0.8)
    out = net(x)
    assert out.shape() == (20, 16, 50)
    np.testing.assert_array_equal(out.asnumpy(), x.asnumpy())  # inference: the input unchanged
    out = net.set_train()(x).asnumpy()
    assert set(np.unique(out).tolist()) <= {0.0, np.float32(1 / 0.8)}


def test_Dropout_deepcopy_after_use():
    net = nn.Dropout(0.5, 1, 1).set_train()
    net(torch.ones(3))
    clone = copy.deepcopy(net)
    assert repr(clone) == repr(net)


# ----------------------------------------------------------------------------------------- ClipByNorm
@pytest.mark.parametrize("cfg", _configs(BASIC, "ClipByNorm_"))
def test_ClipByNorm_golden(cfg, device):
    check_golden(BASIC, nn.ClipByNorm(), cfg, [BASIC[f"{cfg}/x"], BASIC[f"{cfg}/clip_norm"]], device)


def test_ClipByNorm_zero_input_unchanged_with_finite_gradient(device):
    x = torch.zeros(3, 4, device=device, requires_grad=True)
    out = nn.ClipByNorm()(x, torch.tensor([1.0], device=device))
    assert torch.equal(out, torch.zeros(3, 4, device=device))
    (dx,) = torch.autograd.grad(out.sum(), x)
    assert torch.equal(dx, torch.ones_like(dx))  # y = x*c/max(0, c): dy/dx = 1, no NaN from the norm


def test_ClipByNorm_output_is_float32():
    x = Tensor(np.full((2, 2), 3.0), msnn.float16)
    out = nn.ClipByNorm()(x, Tensor(np.array([1.0]), msnn.float16))
    assert out.dtype == msnn.float32
    np.testing.assert_allclose(out.asnumpy(), np.full((2, 2), 0.5), rtol=1e-3)


def test_ClipByNorm_numpy_reference():
    x = np.random.randn(3, 5).astype(np.float32) * 4
    for c in (0.5, 100.0):
        out = nn.ClipByNorm()(Tensor(x), Tensor(np.array([c], np.float32))).asnumpy()
        np.testing.assert_allclose(out, x * c / max(np.sqrt((x.astype(np.float64) ** 2).sum()), c), rtol=1e-5)


def test_ClipByNorm_doc_example():
    net = nn.ClipByNorm()
    input = Tensor(np.random.randint(0, 10, [4, 16]), msnn.float32)
    clip_norm = Tensor(np.array([100]).astype(np.float32))
    out = net(input, clip_norm)
    assert out.shape() == (4, 16) and out.dtype == msnn.float32
    x = input.asnumpy()
    np.testing.assert_allclose(out.asnumpy(), x * 100 / max(np.sqrt((x ** 2).sum()), 100), rtol=1e-5)
    assert repr(net) == "ClipByNorm<>"


# ----------------------------------------------------------------------------------------------- Norm
NORM_ARGS = {"all": ((), False), "all_keep": ((), True), "0": (0, False), "1_keep": (1, True),
             "t02": ((0, 2), False), "t12_keep": ((1, 2), True), "neg1": (-1, False)}


@pytest.mark.parametrize("cfg", sorted(NORM_ARGS))
def test_Norm_golden(cfg, device):
    axis, keep = NORM_ARGS[cfg]
    check_golden(BASIC, nn.Norm(axis, keep), f"Norm_{cfg}", [BASIC[f"Norm_{cfg}/x"]], device)


def test_Norm_default_reduces_all_to_0d():
    out = nn.Norm()(Tensor(np.full((1, 3, 1), 2.0), msnn.float32))
    assert out.shape() == ()
    np.testing.assert_allclose(out.asnumpy(), np.sqrt(12.0), rtol=1e-6)


def test_Norm_zero_vector_gradient_is_nan_like_mindspore():
    x = torch.zeros(2, 3, requires_grad=True)
    (dx,) = torch.autograd.grad(nn.Norm(1)(x).sum(), x)
    assert torch.isnan(dx).all()


@pytest.mark.parametrize("axis", [[0], "0", 0.0, (0, 1.0), None, (0, True)])
def test_Norm_bad_axis_raises_ValueError(axis):
    with pytest.raises(ValueError, match="Norm"):
        nn.Norm(axis)


@pytest.mark.parametrize("axis", [2, -3, (0, 5)])
def test_Norm_axis_out_of_range_raises_ValueError(axis):
    with pytest.raises(ValueError, match="Norm"):
        nn.Norm(axis)(Tensor(np.ones((2, 3)), msnn.float32))


def test_Norm_repr():
    assert repr(nn.Norm()) == "Norm<axis=(), keep_dims=False>"
    assert repr(nn.Norm((0, 1), True)) == "Norm<axis=(0, 1), keep_dims=True>"


def test_Norm_doc_example():
    net = nn.Norm(axis=0)
    input = Tensor(np.random.randint(0, 10, [4, 16]), msnn.float32)
    out = net(input)
    assert out.shape() == (16,)
    np.testing.assert_allclose(out.asnumpy(), np.sqrt((input.asnumpy() ** 2).sum(axis=0)), rtol=1e-6)


# --------------------------------------------------------------------------------------------- OneHot
ONEHOT_ARGS = {"last": (-1, 4, 1.0, 0.0), "axis0": (0, 5, 2.5, -1.0), "axis1": (1, 4, 1.0, 0.0),
               "axis2": (2, 3, 1.0, 0.5), "depth1": (-1, 1, 1.0, 0.0)}


@pytest.mark.parametrize("cfg", sorted(ONEHOT_ARGS))
def test_OneHot_golden_out_of_range_gives_off_value(cfg, device):
    axis, depth, on, off = ONEHOT_ARGS[cfg]
    idx = BASIC[f"OneHot_{cfg}/indices"]
    assert (idx < 0).any() and (idx >= depth).any()
    check_golden(BASIC, nn.OneHot(axis, depth, on, off, msnn.float32), f"OneHot_{cfg}", [idx], device)


def test_OneHot_doc_example():
    net = nn.OneHot(depth=4, axis=1)
    indices = Tensor([[1, 3], [0, 2]], dtype=msnn.int32)
    out = net(indices)
    expected = [[[0., 0.], [1., 0.], [0., 0.], [0., 1.]], [[1., 0.], [0., 0.], [0., 1.], [0., 0.]]]
    np.testing.assert_array_equal(out.asnumpy(), np.array(expected, np.float32))
    assert out.dtype == msnn.float32


def test_OneHot_defaults_depth_one():
    out = nn.OneHot()(Tensor(np.array([0, 1, -1]), msnn.int32))
    np.testing.assert_array_equal(out.asnumpy(), [[1.0], [0.0], [0.0]])


@pytest.mark.parametrize("dtype", [msnn.float16, msnn.float32])
def test_OneHot_dtype_and_int64_indices(dtype, device):
    out = nn.OneHot(-1, 3, 0.5, -2.0, dtype).to(device)(torch.tensor([2, 0, 9], device=device))
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.cpu().numpy(), [[-2, -2, 0.5], [0.5, -2, -2], [-2, -2, -2]])


@pytest.mark.parametrize("kwargs,exc", [
    (dict(axis=1.0), ValueError), (dict(axis="0"), ValueError), (dict(axis=True), ValueError),
    (dict(depth=-1), ValueError), (dict(depth=2.0), ValueError),
    (dict(dtype=msnn.int32), TypeError), (dict(dtype=msnn.float64), TypeError), (dict(dtype="f"), TypeError),
    (dict(on_value="1"), TypeError), (dict(off_value=None), TypeError),
])
def test_OneHot_bad_arguments(kwargs, exc):
    with pytest.raises(exc, match="OneHot"):
        nn.OneHot(**kwargs)


@pytest.mark.parametrize("axis", [3, -2])
def test_OneHot_axis_out_of_range_at_run_raises_ValueError(axis):
    with pytest.raises(ValueError, match="OneHot"):
        nn.OneHot(axis, 3)(Tensor(np.zeros((2, 2)), msnn.int32))


def test_OneHot_float_indices_raise_ValueError():
    with pytest.raises(ValueError, match="OneHot"):
        nn.OneHot(-1, 3)(Tensor(np.zeros(2), msnn.float32))


def test_OneHot_repr():
    assert repr(nn.OneHot()) == "OneHot<>"


def test_OneHot_int_values_beyond_int64_are_floats():
    op = nn.OneHot(depth=2, off_value=-2 ** 63 - 1)
    assert op.off_value.dtype == torch.float32 and float(op.off_value) == float(-2 ** 63 - 1)
