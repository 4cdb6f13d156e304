"""BatchNorm1d, BatchNorm2d, LayerNorm: MindSpore 2.10 goldens (tools/record_goldens_layers_a.py;
the BatchNorm and LayerNorm primitives are unchanged since 0.1) over several training steps incl. the
moving statistics, NumPy references of spec §6.11/§6.12, exception types, names, reprs, examples."""
import os

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
BN = dict(np.load(os.path.join(DATA, "layers_a_batchnorm.npz")))
LN = dict(np.load(os.path.join(DATA, "layers_a_layernorm.npz")))
RTOL, ATOL = 1e-5, 1e-5


def _configs(gold):
    return sorted({k.split("/")[0] for k in gold if "/" in k})


def _bn(cfg, use_batch_statistics=True):
    cls = nn.BatchNorm2d if cfg.startswith("bn2d") else nn.BatchNorm1d
    g = {k: BN[f"{cfg}/{k}"] for k in ("gamma", "beta", "mean0", "var0")}
    return cls(len(g["gamma"]), float(BN[f"{cfg}/eps"]), float(BN[f"{cfg}/momentum"]), True, Tensor(g["gamma"]),
               Tensor(g["beta"]), Tensor(g["mean0"]), Tensor(g["var0"]), use_batch_statistics)


# --------------------------------------------------------------------------------------- BatchNorm
@pytest.mark.parametrize("cfg", _configs(BN))
def test_BatchNorm2d_golden_training_steps(cfg, device):
    """Three training steps: output, gradients (x, gamma, beta) and moving statistics after each;
    then inference with the final moving statistics (output and gradients)."""
    net = _bn(cfg).to(device)
    net.set_train()
    for step in range(3):
        g = lambda k: BN[f"{cfg}/step{step}/{k}"]  # noqa: E731
        x = torch.tensor(g("x"), device=device, requires_grad=True)
        out = net(x)
        np.testing.assert_allclose(out.detach().cpu().numpy(), g("out"), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(net.moving_mean.detach().cpu().numpy(), g("mean"), rtol=RTOL, atol=1e-6)
        np.testing.assert_allclose(net.moving_variance.detach().cpu().numpy(), g("var"), rtol=RTOL, atol=1e-6)
        dx, dgamma, dbeta = torch.autograd.grad(out, [x, net.gamma, net.beta], torch.tensor(g("dout"), device=device))
        np.testing.assert_allclose(dx.cpu().numpy(), g("d_in0"), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(dgamma.cpu().numpy(), g("d_gamma"), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(dbeta.cpu().numpy(), g("d_beta"), rtol=1e-4, atol=1e-5)
    net.set_train(False)
    x = torch.tensor(BN[f"{cfg}/eval/x"], device=device, requires_grad=True)
    out = net(x)
    np.testing.assert_allclose(out.detach().cpu().numpy(), BN[f"{cfg}/eval/out"], rtol=RTOL, atol=ATOL)
    dx, dgamma, dbeta = torch.autograd.grad(out, [x, net.gamma, net.beta],
                                            torch.tensor(BN[f"{cfg}/eval/dout"], device=device))
    for name, got in (("d_in0", dx), ("d_gamma", dgamma), ("d_beta", dbeta)):
        np.testing.assert_allclose(got.cpu().numpy(), BN[f"{cfg}/eval/{name}"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(net.moving_mean.detach().cpu().numpy(), BN[f"{cfg}/step2/mean"], rtol=RTOL)


@pytest.mark.parametrize("cfg", _configs(BN))
def test_BatchNorm2d_golden_use_batch_statistics_false(cfg, device):
    """use_batch_statistics=False normalises with the moving statistics even when training, no update."""
    net = _bn(cfg, use_batch_statistics=False).to(device)
    net.set_train()
    out = net(torch.tensor(BN[f"{cfg}/eval/x"], device=device))
    np.testing.assert_allclose(out.detach().cpu().numpy(), BN[f"{cfg}/frozen/out"], rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(net.moving_mean.detach().cpu().numpy(), BN[f"{cfg}/frozen/mean"])


@pytest.mark.parametrize("momentum", [0.9, 0.5, 0.0, 1.0])
@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (5, 3)), ("BatchNorm2d", (2, 3, 2, 3))])
def test_BatchNorm1d_momentum_weighs_old_value(cls, shape, momentum):
    """Spec §6.11 NumPy reference: moving = m*old + (1-m)*batch, variance unbiased; y uses biased var."""
    x = np.random.randn(*shape).astype(np.float32) * 2 + 1
    mean0, var0 = np.random.randn(3).astype(np.float32), np.random.rand(3).astype(np.float32) + 0.5
    net = getattr(nn, cls)(3, 1e-5, momentum, moving_mean_init=Tensor(mean0), moving_var_init=Tensor(var0))
    net.set_train()
    out = net(Tensor(x)).asnumpy()
    axes = (0,) if len(shape) == 2 else (0, 2, 3)
    n = x.size // 3
    mu, var = x.mean(axes), x.var(axes)
    bshape = (1, 3) + (1,) * (len(shape) - 2)
    np.testing.assert_allclose(out, (x - mu.reshape(bshape)) / np.sqrt(var.reshape(bshape) + 1e-5), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(net.moving_mean.detach().numpy(), momentum * mean0 + (1 - momentum) * mu,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(net.moving_variance.detach().numpy(),
                               momentum * var0 + (1 - momentum) * var * n / (n - 1), rtol=1e-5, atol=1e-6)


def test_BatchNorm2d_new_cell_uses_moving_statistics():
    net = nn.BatchNorm2d(2, moving_mean_init=Tensor(np.array([1., 2.]), msnn.float32),
                         moving_var_init=Tensor(np.array([4., 9.]), msnn.float32))
    assert net.training is False
    out = net(Tensor(np.full([1, 2, 1, 1], 3.0), msnn.float32)).asnumpy().ravel()
    np.testing.assert_allclose(out, [2 / np.sqrt(4 + 1e-5), 1 / np.sqrt(9 + 1e-5)], rtol=1e-6)
    np.testing.assert_array_equal(net.moving_mean.detach().numpy(), [1., 2.])


def test_BatchNorm2d_parameters_and_names():
    net = nn.BatchNorm2d(3)
    assert [(p.name, tuple(p.shape), p.requires_grad) for p in net.get_parameters()] == [
        ("mean", (3,), False), ("variance", (3,), False), ("gamma", (3,), True), ("beta", (3,), True)]
    assert [p.name for p in net.trainable_params()] == ["gamma", "beta"]
    assert [p.name for p in net.untrainable_params()] == ["mean", "variance"]
    for p, v in zip(net.get_parameters(), (0, 1, 1, 0)):
        np.testing.assert_array_equal(p.detach().numpy(), np.full(3, v, np.float32))

    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.bn = nn.BatchNorm2d(3)
            self.bn1d = nn.BatchNorm1d(4, affine=False)

        def construct(self, x):
            return self.bn(x)
    net = Net()
    assert [(p.name, p.requires_grad) for p in net.get_parameters()] == [
        ("bn.moving_mean", False), ("bn.moving_variance", False), ("bn.gamma", True), ("bn.beta", True),
        ("bn1d.moving_mean", False), ("bn1d.moving_variance", False), ("bn1d.gamma", False), ("bn1d.beta", False)]
    assert list(net.state_dict())[:4] == ["bn.moving_mean", "bn.moving_variance", "bn.gamma", "bn.beta"]


def test_BatchNorm1d_affine_false_keeps_frozen_gamma_beta():
    net = nn.BatchNorm1d(2, affine=False, gamma_init=2.0, beta_init=1.0)
    assert [p.requires_grad for p in net.get_parameters()] == [False] * 4
    out = net(Tensor(np.zeros([3, 2]), msnn.float32)).asnumpy()
    np.testing.assert_allclose(out, np.ones([3, 2]), rtol=1e-6)  # 2 * 0 / sqrt(1 + eps) + 1


def test_BatchNorm2d_repr():
    assert repr(nn.BatchNorm2d(3)) == (
        "BatchNorm2d<num_features=3, eps=1e-05, momentum=0.09999999999999998, gamma=Parameter (name=gamma), "
        "beta=Parameter (name=beta), moving_mean=Parameter (name=mean), moving_variance=Parameter (name=variance)>")
    assert repr(nn.BatchNorm1d(2, 0.001, 0.5)).startswith("BatchNorm1d<num_features=2, eps=0.001, momentum=0.5,")


def test_BatchNorm1d_seed_example():
    net = nn.BatchNorm1d(num_features=16)
    input = Tensor(np.random.randint(0, 255, [3, 16]), msnn.float32)  # pylint: disable=redefined-builtin
    out = net(input)
    assert out.shape() == (3, 16)
    np.testing.assert_allclose(out.asnumpy(), input.asnumpy() / np.sqrt(1 + 1e-5), rtol=1e-6)


def test_BatchNorm2d_seed_example():
    net = nn.BatchNorm2d(num_features=3)
    input = Tensor(np.random.randint(0, 255, [1, 3, 224, 224]), msnn.float32)  # pylint: disable=redefined-builtin
    out = net(input)
    assert out.shape() == (1, 3, 224, 224)
    np.testing.assert_allclose(out.asnumpy(), input.asnumpy() / np.sqrt(1 + 1e-5), rtol=1e-6)


@pytest.mark.parametrize("kwargs,exc", [
    (dict(num_features=0), ValueError), (dict(num_features='3'), TypeError), (dict(num_features=3.0), ValueError),
    (dict(momentum=1.1), ValueError), (dict(momentum=-0.1), ValueError), (dict(momentum='x'), TypeError),
    (dict(eps=0.0), ValueError), (dict(eps=1.5), ValueError), (dict(eps='x'), ValueError),
    (dict(affine=1), TypeError),
    (dict(gamma_init=Tensor(np.ones(2), msnn.float32)), ValueError),
    # 0.1's order: num_features, then momentum, then the initializers, then eps
    (dict(num_features=0, momentum=2.0), ValueError), (dict(momentum='x', eps=0.0), TypeError),
])
@pytest.mark.parametrize("cls", ["BatchNorm1d", "BatchNorm2d"])
def test_BatchNorm2d_errors(cls, kwargs, exc):
    args = dict(num_features=3)
    args.update(kwargs)
    with pytest.raises(exc):
        getattr(nn, cls)(**args)


# --------------------------------------------------------------------------------------- LayerNorm
@pytest.mark.parametrize("cfg", _configs(LN))
def test_LayerNorm_golden(cfg, device):
    bna, bpa = (int(v) for v in LN[f"{cfg}/axes"])
    gamma, beta = LN[f"{cfg}/gamma"], LN[f"{cfg}/beta"]
    net = nn.LayerNorm(gamma.shape, bna, bpa, Tensor(gamma), Tensor(beta)).to(device)
    x = torch.tensor(LN[f"{cfg}/x"], device=device, requires_grad=True)
    out = net(x)
    np.testing.assert_allclose(out.detach().cpu().numpy(), LN[f"{cfg}/out"], rtol=RTOL, atol=ATOL)
    got = torch.autograd.grad(out, [x, net.gamma, net.beta], torch.tensor(LN[f"{cfg}/dout"], device=device))
    for name, g in zip(("d_in0", "d_gamma", "d_beta"), got):
        np.testing.assert_allclose(g.cpu().numpy(), LN[f"{cfg}/{name}"], rtol=1e-4, atol=1e-4, err_msg=name)


def test_LayerNorm_eps_is_1e_12():
    """A nearly constant row: eps=1e-12 (0.1's TBE default) keeps the tiny variance visible."""
    x = np.array([[1.0, 1.0 + 2e-3, 1.0 - 2e-3, 1.0]], np.float64)
    out = nn.LayerNorm((4,))(Tensor(x.astype(np.float32))).asnumpy()
    xf = x.astype(np.float32).astype(np.float64)
    ref = (xf - xf.mean()) / np.sqrt(xf.var() + 1e-12)
    np.testing.assert_allclose(out, ref, rtol=1e-3, atol=2e-4)
    assert abs(out[0, 1]) > 1.4  # with torch's default eps=1e-5 it would be ~0.53


def test_LayerNorm_seed_example():
    x = Tensor(np.ones([20, 5, 10, 10], np.float32))
    shape1 = x.shape()[1:]
    m = nn.LayerNorm(shape1, begin_norm_axis=1, begin_params_axis=1)
    out = m(x)
    assert out.shape() == (20, 5, 10, 10)
    np.testing.assert_array_equal(out.asnumpy(), np.zeros([20, 5, 10, 10], np.float32))


def test_LayerNorm_parameters_and_repr():
    m = nn.LayerNorm([4, 5], 2, 2, 'ones', 'zeros')
    assert [(p.name, tuple(p.shape), p.requires_grad) for p in m.get_parameters()] == [
        ("gamma", (4, 5), True), ("beta", (4, 5), True)]
    assert repr(m) == ("LayerNorm<normalized_shape=[4, 5], begin_norm_axis=2, begin_params_axis=2, "
                       "gammaParameter (name=gamma), beta=Parameter (name=beta)>")

    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.ln = nn.LayerNorm((5,))

        def construct(self, x):
            return self.ln(x)
    assert [p.name for p in Net().get_parameters()] == ["ln.gamma", "ln.beta"]


def test_LayerNorm_errors():
    with pytest.raises(ValueError, match="begin_norm_axis"):
        nn.LayerNorm((5,), 1.0)
    with pytest.raises(ValueError, match="begin_params_axis"):
        nn.LayerNorm((5,), -1, True)
    x = Tensor(np.ones([2, 3, 4, 5]), msnn.float32)
    with pytest.raises(RuntimeError, match="begin_norm_axis"):  # 0.1's inference: axis in [-1, rank-1]
        nn.LayerNorm((4, 5), -2, -1)(x)
    with pytest.raises(RuntimeError, match="begin_params_axis"):
        nn.LayerNorm((5,), -1, 4)(x)
    with pytest.raises(RuntimeError, match="gamma"):  # gamma must start with input_shape[begin_params_axis:]
        nn.LayerNorm((3, 4, 5), 1, 2)(x)
