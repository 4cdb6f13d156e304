"""Activations: MindSpore 2.10 goldens (tools/record_goldens_layers_b.py) where 0.1's behaviour is
unchanged, NumPy references of spec §6.14 elsewhere, exception types, names and reprs."""
import os

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor

GOLD = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "layers_b_activation.npz"))
RTOL, ATOL = 1e-5, 1e-6
# MindSpore 2.10's CPU kernels approximate tanh (abs error up to ~7e-5 in y, ~1.2e-4 in dy) and exp/log in
# LogSoftmax (~4e-6); those goldens get a looser atol and a tight float64 NumPy test beside them.
LOOSE_ATOL = {"Tanh": 2e-4, "LogSoftmax": 1e-5}


def _configs(prefix):
    return sorted({k.split("/")[0] for k in GOLD.files if k.startswith(prefix)})


def check_golden(cell, cfg, inputs, device):
    """Forward output and gradients (inputs + trainable params) against the recorded golden."""
    atol = LOOSE_ATOL.get(cfg.split("_")[0], ATOL)
    cell.to(device)
    xs = [torch.tensor(a, device=device, requires_grad=a.dtype.kind == "f") for a in inputs]
    out = cell(*xs)
    np.testing.assert_allclose(out.detach().cpu().numpy(), GOLD[f"{cfg}/out"], rtol=RTOL, atol=atol)
    leaves = [x for x in xs if x.requires_grad]
    params = cell.trainable_params()
    grads = torch.autograd.grad(out, leaves + params, torch.tensor(GOLD[f"{cfg}/dout"], device=device))
    names = [f"d_in{i}" for i, x in enumerate(xs) if x.requires_grad] + ["d_" + p.name for p in params]
    for name, g in zip(names, grads):
        np.testing.assert_allclose(g.cpu().numpy(), GOLD[f"{cfg}/{name}"], rtol=RTOL, atol=atol,
                                   err_msg=f"{cfg} {name}")


def test_ReLU_golden(device):
    check_golden(nn.ReLU(), "ReLU", [GOLD["ReLU/x"]], device)


def test_ReLU6_golden_crosses_six(device):
    assert (GOLD["ReLU6/x"] > 6).any()
    check_golden(nn.ReLU6(), "ReLU6", [GOLD["ReLU6/x"]], device)


def test_Tanh_golden(device):
    check_golden(nn.Tanh(), "Tanh", [GOLD["Tanh/x"]], device)


def test_Tanh_float64_reference(device):
    x = np.linspace(-8, 8, 97)
    xt = torch.tensor(x, dtype=torch.float32, device=device, requires_grad=True)
    out = nn.Tanh()(xt)
    np.testing.assert_allclose(out.detach().cpu().numpy(), np.tanh(x), rtol=1e-6, atol=1e-7)
    (dx,) = torch.autograd.grad(out.sum(), xt)
    np.testing.assert_allclose(dx.cpu().numpy(), 1 - np.tanh(x) ** 2, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_LogSoftmax_float64_reference(axis, device):
    x = GOLD["LogSoftmax_axis-1/x"].astype(np.float64)
    m = x.max(axis=axis, keepdims=True)
    ref = x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))
    out = nn.LogSoftmax(axis)(torch.tensor(x, dtype=torch.float32, device=device))
    np.testing.assert_allclose(out.cpu().numpy(), ref, rtol=1e-6, atol=1e-6)


def test_Sigmoid_golden(device):
    check_golden(nn.Sigmoid(), "Sigmoid", [GOLD["Sigmoid/x"]], device)


def test_GELU_golden_tanh_form(device):
    check_golden(nn.GELU(), "GELU", [GOLD["GELU/x"]], device)


def test_GELU_is_tanh_approximation_not_erf():
    x = np.linspace(-4, 4, 41).astype(np.float32)
    out = nn.GELU()(Tensor(x)).asnumpy()
    tanh_form = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    np.testing.assert_allclose(out, tanh_form, rtol=1e-5, atol=1e-6)
    erf_form = torch.nn.functional.gelu(torch.tensor(x)).numpy()
    assert np.abs(out - erf_form).max() > 1e-4


@pytest.mark.parametrize("cfg", _configs("Softmax_axis"))
def test_Softmax_golden(cfg, device):
    check_golden(nn.Softmax(int(cfg.split("axis")[1])), cfg, [GOLD[f"{cfg}/x"]], device)


@pytest.mark.parametrize("cfg", _configs("LogSoftmax_axis"))
def test_LogSoftmax_golden(cfg, device):
    check_golden(nn.LogSoftmax(int(cfg.split("axis")[1])), cfg, [GOLD[f"{cfg}/x"]], device)


@pytest.mark.parametrize("axis", [(0, 1), (1, 2), (-1, 0), (0, 1, 2), (2,)])
def test_Softmax_tuple_axis_is_one_joint_softmax(axis, device):
    x = np.random.randn(2, 3, 4).astype(np.float32) * 3
    dout = np.random.randn(2, 3, 4).astype(np.float32)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    ref = e / e.sum(axis=axis, keepdims=True)
    ref_dx = ref * (dout - (dout * ref).sum(axis=axis, keepdims=True))
    xt = torch.tensor(x, device=device, requires_grad=True)
    out = nn.Softmax(axis)(xt)
    np.testing.assert_allclose(out.detach().cpu().numpy(), ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.detach().cpu().numpy().sum(axis=axis), 1.0, rtol=1e-5)
    (dx,) = torch.autograd.grad(out, xt, torch.tensor(dout, device=device))
    np.testing.assert_allclose(dx.cpu().numpy(), ref_dx, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("axis", ["1", 1.0, [0], (0, "1"), (0, 1.5), True, ()])
def test_Softmax_bad_axis_raises_ValueError(axis):
    with pytest.raises(ValueError, match="Softmax"):
        nn.Softmax(axis)


@pytest.mark.parametrize("axis", [3, -4, (0, 3)])
def test_Softmax_axis_out_of_range_raises_ValueError(axis):
    with pytest.raises(ValueError, match="axis"):
        nn.Softmax(axis)(Tensor(np.ones((2, 3, 4)), msnn.float32))


@pytest.mark.parametrize("axis", [(0,), 1.0, "0", None, True])
def test_LogSoftmax_bad_axis_raises_ValueError(axis):
    with pytest.raises(ValueError, match="LogSoftmax"):
        nn.LogSoftmax(axis)


def test_LogSoftmax_axis_out_of_range_raises_ValueError():
    with pytest.raises(ValueError, match="axis"):
        nn.LogSoftmax(2)(Tensor(np.ones((2, 3)), msnn.float32))


@pytest.mark.parametrize("cfg", _configs("LeakyReLU_"))
def test_LeakyReLU_golden(cfg, device):
    check_golden(nn.LeakyReLU(float(GOLD[f"{cfg}/alpha"])), cfg, [GOLD[f"{cfg}/x"]], device)


def test_LeakyReLU_default_alpha():
    assert nn.LeakyReLU().alpha == 0.2
    out = nn.LeakyReLU()(Tensor(np.array([-1.0, 2.0]), msnn.float32)).asnumpy()
    np.testing.assert_allclose(out, [-0.2, 2.0], rtol=1e-6)


@pytest.mark.parametrize("cfg", _configs("PReLU_"))
def test_PReLU_golden_positive_slopes(cfg, device):
    w = GOLD[f"{cfg}/w"]
    check_golden(nn.PReLU(len(w), Tensor(w)), cfg, [GOLD[f"{cfg}/x"]], device)


def test_PReLU_negative_slopes_clamped_to_zero(device):
    # 2.10 dropped 0.1's relu(w): NumPy reference of spec §6.14
    w = np.array([-0.5, 0.3, -0.1], np.float32)
    x = np.random.randn(2, 3, 4).astype(np.float32)
    dout = np.random.randn(2, 3, 4).astype(np.float32)
    net = nn.PReLU(3, list(w)).to(device)
    xt = torch.tensor(x, device=device, requires_grad=True)
    out = net(xt)
    u = np.maximum(w, 0)[None, :, None]
    np.testing.assert_allclose(out.detach().cpu().numpy(), np.maximum(x, 0) + u * np.minimum(x, 0), rtol=1e-6)
    dx, dw = torch.autograd.grad(out, [xt, net.w], torch.tensor(dout, device=device))
    np.testing.assert_allclose(dx.cpu().numpy(), dout * np.where(x > 0, 1.0, u), rtol=1e-6)
    ref_dw = (dout * np.minimum(x, 0)).sum(axis=(0, 2)) * (w > 0)
    np.testing.assert_allclose(dw.cpu().numpy(), ref_dw, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(net.w.detach().cpu().numpy(), w)  # not training: w untouched


def test_PReLU_training_writes_clamped_w_back(device):
    net = nn.PReLU(2, [-0.5, 0.25]).to(device)
    net.set_train()
    out = net(torch.tensor([[-2.0, -2.0]], device=device))
    np.testing.assert_allclose(out.detach().cpu().numpy(), [[0.0, -0.5]])
    np.testing.assert_array_equal(net.w.detach().cpu().numpy(), [0.0, 0.25])


def test_PReLU_training_backward_after_writeback(device):
    net = nn.PReLU(2, [-0.5, 0.25]).to(device)
    net.set_train()
    x = torch.tensor([[-2.0, -4.0]], device=device, requires_grad=True)
    net(x).sum().backward()
    np.testing.assert_allclose(net.w.grad.cpu().numpy(), [0.0, -4.0])
    np.testing.assert_allclose(x.grad.cpu().numpy(), [[0.0, 0.25]])


@pytest.mark.parametrize("w,expected", [
    (0.25, [0.25, 0.25, 0.25]), (np.float32(0.5), [0.5, 0.5, 0.5]), ([0.1, 0.2, 0.3], [0.1, 0.2, 0.3]),
    (Tensor(np.array([1.0, 2.0, 3.0]), msnn.float32), [1.0, 2.0, 3.0]),
])
def test_PReLU_w_forms(w, expected):
    net = nn.PReLU(3, w)
    np.testing.assert_allclose(net.w.detach().numpy(), expected, rtol=1e-6)
    assert net.w.dtype == torch.float32


def test_PReLU_parameter_name_shape_and_nesting():
    net = nn.PReLU(4)
    params = list(net.get_parameters())
    assert [(p.name, tuple(p.shape), p.requires_grad) for p in params] == [("a", (4,), True)]
    np.testing.assert_array_equal(params[0].detach().numpy(), np.full(4, 0.25, np.float32))

    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.pr = nn.PReLU()

        def construct(self, x):
            return self.pr(x)

    assert [p.name for p in Net().get_parameters()] == ["pr.w"]
    assert list(Net().state_dict()) == ["pr.w"]


@pytest.mark.parametrize("w", [1, True, "0.25", None, np.float16(0.25), (0.25,)])
def test_PReLU_bad_w_raises_TypeError(w):
    with pytest.raises(TypeError, match="PReLU"):
        nn.PReLU(1, w)


@pytest.mark.parametrize("channel,w", [(2, [0.1, 0.2, 0.3]), (3, Tensor(np.ones(2), msnn.float32)),
                                       (1, Tensor(np.ones((1, 1)), msnn.float32))])
def test_PReLU_w_shape_mismatch_raises_ValueError(channel, w):
    with pytest.raises(ValueError, match="PReLU"):
        nn.PReLU(channel, w)


@pytest.mark.parametrize("shape", [(2, 4, 3), (3,)])
def test_PReLU_channel_mismatch_at_run_raises_ValueError(shape):
    with pytest.raises(ValueError, match="PReLU"):
        nn.PReLU(3)(Tensor(np.ones(shape), msnn.float32))


@pytest.mark.parametrize("channel,exc", [(0, ValueError), (1.0, TypeError), (True, TypeError)])
def test_PReLU_bad_channel(channel, exc):
    with pytest.raises(exc):
        nn.PReLU(channel)


ACT_TABLE = {'softmax': nn.Softmax, 'logsoftmax': nn.LogSoftmax, 'relu': nn.ReLU, 'tanh': nn.Tanh,
             'gelu': nn.GELU, 'sigmoid': nn.Sigmoid, 'prelu': nn.PReLU, 'leakyrelu': nn.LeakyReLU}


@pytest.mark.parametrize("name", sorted(ACT_TABLE))
def test_get_activation_table(name):
    act = nn.get_activation(name)
    assert type(act) is ACT_TABLE[name]
    assert nn.get_activation(name) is not act  # a new instance each time


@pytest.mark.parametrize("name", ["relu6", "ReLU", "elu", "Sigmoid", 3])
def test_get_activation_unknown_raises_KeyError(name):
    with pytest.raises(KeyError, match="Unknown activation type"):
        nn.get_activation(name)


@pytest.mark.parametrize("name", [None, "", 0, False])
def test_get_activation_falsy_gives_None(name):
    assert nn.get_activation(name) is None


def test_get_activation_doc_example():
    sigmoid = nn.get_activation('sigmoid')
    assert isinstance(sigmoid, nn.Sigmoid)
    np.testing.assert_allclose(sigmoid(Tensor(np.array([0.0]), msnn.float32)).asnumpy(), [0.5])


@pytest.mark.parametrize("cls", [nn.ReLU, nn.ReLU6, nn.Tanh, nn.Sigmoid, nn.GELU, nn.Softmax, nn.LogSoftmax,
                                 nn.LeakyReLU, nn.PReLU])
def test_activation_repr_and_no_params(cls):
    cell = cls()
    assert repr(cell) == cls.__name__ + "<>"
    assert cell.training is False
    if cls is not nn.PReLU:
        assert list(cell.get_parameters()) == []


def test_ReLU_repr():
    assert repr(nn.ReLU()) == "ReLU<>"


def test_Softmax_keeps_dtype_and_shape():
    x = Tensor(np.random.randn(2, 5), msnn.float16)
    out = nn.Softmax()(x)
    assert out.dtype == msnn.float16 and out.shape() == (2, 5)


def test_ReLU6_kinks_have_zero_gradient(device):
    x = torch.tensor([-1.0, 0.0, 3.0, 6.0, 7.0], device=device, requires_grad=True)
    out = nn.ReLU6()(x)
    np.testing.assert_array_equal(out.detach().cpu().numpy(), [0.0, 0.0, 3.0, 6.0, 6.0])
    (dx,) = torch.autograd.grad(out.sum(), x)
    np.testing.assert_array_equal(dx.cpu().numpy(), [0.0, 0.0, 1.0, 0.0, 0.0])  # dy/dx = 1 only on (0, 6)


def test_Sigmoid_float64_reference(device):
    x = np.linspace(-10, 10, 81)
    xt = torch.tensor(x, dtype=torch.float32, device=device, requires_grad=True)
    out = nn.Sigmoid()(xt)
    ref = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(out.detach().cpu().numpy(), ref, rtol=1e-6, atol=1e-7)
    (dx,) = torch.autograd.grad(out.sum(), xt)
    np.testing.assert_allclose(dx.cpu().numpy(), ref * (1 - ref), rtol=1e-5, atol=1e-7)


def test_ReLU_zero_has_zero_gradient():
    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    (dx,) = torch.autograd.grad(nn.ReLU()(x).sum(), x)
    np.testing.assert_array_equal(dx.numpy(), [0.0, 0.0, 1.0])


def test_LeakyReLU_is_max_of_alpha_x_and_x_for_any_alpha():
    x = np.linspace(-3, 3, 13).astype(np.float32)
    for alpha in (0.2, 1.0, 3.0, -0.5, 0):
        out = nn.LeakyReLU(alpha)(Tensor(x)).asnumpy()
        ms = np.maximum(alpha * x, x) if alpha <= 1 else np.minimum(alpha * x, x)
        np.testing.assert_allclose(out, ms, rtol=1e-6)
