"""MaxPool2d, AvgPool2d: MindSpore 2.10 goldens (tools/record_goldens_layers_a.py; the pooling
primitives are unchanged since 0.1, incl. 'same' padding at the bottom/right and AvgPool 'same'
dividing by the real elements), NumPy references, exception types, reprs and the seed's examples."""
import os

import numpy as np
import pytest
import torch

import msnn
from msnn import _validator as V
import msnn as nn
from msnn import Tensor

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
POOL = dict(np.load(os.path.join(DATA, "layers_a_pool.npz")))
RTOL, ATOL = 1e-5, 1e-6


def _configs(prefix):
    return sorted({k.split("/")[0] for k in POOL if k.startswith(prefix) and "/" in k})


def _pair(a):
    return int(a) if a.ndim == 0 else tuple(int(v) for v in a)


def check_golden(cls, cfg, device):
    kernel, stride = _pair(POOL[f"{cfg}/kernel"]), _pair(POOL[f"{cfg}/stride"])
    pad_mode = str(POOL[f"{cfg}/pad_mode"])
    net = cls(kernel, stride, pad_mode.upper() if isinstance(kernel, int) else pad_mode)  # case-insensitive
    x = torch.tensor(POOL["input/x"], device=device, requires_grad=True)
    out = net(x)
    want = POOL[f"{cfg}/out"]
    assert tuple(out.shape) == want.shape
    np.testing.assert_allclose(out.detach().cpu().numpy(), want, rtol=RTOL, atol=ATOL)
    (dx,) = torch.autograd.grad(out, [x], torch.tensor(POOL[f"{cfg}/dout"], device=device))
    np.testing.assert_allclose(dx.cpu().numpy(), POOL[f"{cfg}/d_in0"], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("cfg", _configs("MaxPool2d"))
def test_MaxPool2d_golden(cfg, device):
    check_golden(nn.MaxPool2d, cfg, device)


@pytest.mark.parametrize("cfg", _configs("AvgPool2d"))
def test_AvgPool2d_golden(cfg, device):
    check_golden(nn.AvgPool2d, cfg, device)


def _np_pool(x, k, s, same, op):
    """NumPy reference: TF pads (extra bottom/right); op over the REAL elements of each window."""
    h, w = x.shape
    if same:
        oh, ow = -(-h // s[0]), -(-w // s[1])
        th = max(0, (oh - 1) * s[0] + k[0] - h) // 2
        tw = max(0, (ow - 1) * s[1] + k[1] - w) // 2
    else:
        oh, ow, th, tw = -(-(h - k[0] + 1) // s[0]), -(-(w - k[1] + 1) // s[1]), 0, 0
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s[0] - th, j * s[1] - tw
            win = x[max(r0, 0):min(r0 + k[0], h), max(c0, 0):min(c0 + k[1], w)]
            out[i, j] = op(win)
    return out


@pytest.mark.parametrize("h,w,k,s", [(5, 6, (2, 2), (2, 2)), (6, 5, (3, 2), (1, 3)), (4, 4, (4, 4), (3, 3)),
                                     (7, 7, (2, 3), (2, 1))])
@pytest.mark.parametrize("same", [True, False])
def test_AvgPool2d_same_divides_by_real_elements(h, w, k, s, same):
    x = np.random.randn(1, 1, h, w).astype(np.float32)
    out = nn.AvgPool2d(k, s, 'same' if same else 'valid')(Tensor(x)).asnumpy()
    np.testing.assert_allclose(out[0, 0], _np_pool(x[0, 0], k, s, same, np.mean), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("h,w,k,s", [(5, 6, (2, 2), (2, 2)), (6, 5, (3, 2), (1, 3)), (4, 4, (4, 4), (3, 3))])
def test_MaxPool2d_same_padding_never_wins(h, w, k, s):
    x = -np.abs(np.random.randn(1, 1, h, w)).astype(np.float32) - 1  # all negative: a zero pad would win
    out = nn.MaxPool2d(k, s, 'SAME')(Tensor(x)).asnumpy()
    np.testing.assert_array_equal(out[0, 0], _np_pool(x[0, 0], k, s, True, np.max).astype(np.float32))


def test_MaxPool2d_seed_example():
    x = Tensor(np.array([[[[1., 5., 5., 1.], [0., 3., 4., 8.], [4., 2., 7., 6.], [4., 9., 0., 1.]],
                          [[3., 6., 2., 6.], [4., 4., 7., 8.], [0., 0., 4., 0.], [1., 8., 7., 0.]]]]), msnn.float32)
    output = nn.MaxPool2d(kernel_size=3, stride=1)(x)
    assert output.shape() == (1, 2, 2, 2)
    np.testing.assert_array_equal(output.asnumpy(), [[[[7., 8.], [9., 9.]], [[7., 8.], [8., 8.]]]])


def test_AvgPool2d_seed_example():
    x = Tensor(np.array([[[[5., 5., 9., 9.], [8., 4., 3., 0.], [2., 7., 1., 2.], [1., 8., 3., 3.]],
                          [[6., 8., 2., 4.], [3., 0., 2., 1.], [0., 8., 9., 7.], [2., 1., 4., 9.]]]]), msnn.float32)
    output = nn.AvgPool2d(kernel_size=3, stride=1)(x)
    assert output.shape() == (1, 2, 2, 2)
    np.testing.assert_allclose(output.asnumpy(), [[[[4.888889, 4.4444447], [4.111111, 3.4444444]],
                                                   [[4.2222223, 4.5555553], [3.2222223, 4.5555553]]]], rtol=1e-6)


@pytest.mark.parametrize("cls", ["MaxPool2d", "AvgPool2d"])
def test_MaxPool2d_defaults_and_repr(cls):
    pool = getattr(nn, cls)()
    assert (pool.kernel_size, pool.stride, pool.pad_mode, pool.padding) == (1, 1, 'VALID', 0)
    assert repr(pool) == f"{cls}<kernel_size=1, stride=1, pad_mode=VALID>"
    assert repr(getattr(nn, cls)((2, 3), (1, 2), 'same')) == f"{cls}<kernel_size=(2, 3), stride=(1, 2), pad_mode=same>"
    assert list(pool.get_parameters()) == []
    x = Tensor(np.random.randn(1, 2, 3, 3), msnn.float32)
    np.testing.assert_array_equal(pool(x).asnumpy(), x.asnumpy())  # default: identity


@pytest.mark.parametrize("cls", ["MaxPool2d", "AvgPool2d"])
def test_AvgPool2d_padding_is_validated_then_ignored(cls):
    x = Tensor(np.random.randn(1, 1, 5, 5), msnn.float32)
    V._warned.discard((cls, "padding"))  # pylint: disable=protected-access
    with pytest.warns(V.UnsupportedWarning, match=f"For '{cls}', 'padding'=2 has no effect in msnn: validated"):
        pool = getattr(nn, cls)(3, 1, 'valid', padding=2)
    a = pool(x)
    b = getattr(nn, cls)(3, 1, 'valid', padding=0)(x)
    assert a.shape() == (1, 1, 3, 3)
    np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())


@pytest.mark.parametrize("kwargs", [
    dict(kernel_size='3'), dict(kernel_size=3.0), dict(kernel_size=True), dict(kernel_size=0),
    dict(kernel_size=(3,)), dict(kernel_size=(3, 0)), dict(kernel_size=[3, 3]),
    dict(stride=0), dict(stride=(1, 2, 3)), dict(stride=1.0), dict(stride=(0, 1)),
    dict(pad_mode='pad'), dict(pad_mode='full'), dict(pad_mode=1), dict(pad_mode=None),
    dict(padding=-1), dict(padding=1.0), dict(padding=True),
])
@pytest.mark.parametrize("cls", ["MaxPool2d", "AvgPool2d"])
def test_MaxPool2d_errors(cls, kwargs):
    """0.1's pooling checks are ParamValidator's: ValueError even for a wrong type."""
    with pytest.raises(ValueError, match=cls):
        getattr(nn, cls)(**kwargs)


@pytest.mark.parametrize("cls", ["MaxPool2d", "AvgPool2d"])
def test_AvgPool2d_valid_too_small_input(cls):
    with pytest.raises(ValueError, match=cls):
        getattr(nn, cls)(4)(Tensor(np.ones([1, 1, 3, 5]), msnn.float32))


@pytest.mark.parametrize("cls", ["MaxPool2d", "AvgPool2d"])
def test_MaxPool2d_nested_in_network(cls):
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)
            self.pool = getattr(nn, cls)(kernel_size=2, stride=2)

        def construct(self, x):
            return self.pool(self.conv(x))
    net = Net()
    assert [p.name for p in net.get_parameters()] == ["conv.weight"]
    assert net(Tensor(np.ones([1, 1, 8, 8]), msnn.float32)).shape() == (1, 2, 4, 4)


@pytest.mark.parametrize("cls", ["MaxPool2d", "AvgPool2d", "Conv2d", "Conv2dTranspose"])
def test_MaxPool2d_input_must_be_4d(cls):
    net = getattr(nn, cls)(1, 1, 1) if cls.startswith("Conv") else getattr(nn, cls)(1)
    with pytest.raises(ValueError, match=cls):
        net(Tensor(np.ones([1, 3, 3]), msnn.float32))
