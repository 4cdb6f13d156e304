"""Conv2d, Conv2dTranspose: MindSpore 2.10 goldens (tools/record_goldens_layers_a.py) for the
Conv2D / Conv2DBackpropInput primitives (unchanged since 0.1), NumPy references of spec §6.9 where
0.1 differs from 2.10 (transpose 'same'/'valid' with dilation), exception types in 0.1's order,
parameters, reprs and the seed's examples."""
import os

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
CONV = dict(np.load(os.path.join(DATA, "layers_a_conv2d.npz")))
CONVT = dict(np.load(os.path.join(DATA, "layers_a_conv2d_transpose.npz")))
RTOL, ATOL = 1e-5, 1e-5


def _configs(gold):
    return sorted({k.split("/")[0] for k in gold if "/" in k})


def check_golden(gold, cell, cfg, x, device):
    """Forward output and gradients (input + trainable params) against the recorded golden."""
    cell.to(device)
    xt = torch.tensor(x, device=device, requires_grad=True)
    out = cell(xt)
    want = gold[f"{cfg}/out"]
    assert tuple(out.shape) == want.shape
    np.testing.assert_allclose(out.detach().cpu().numpy(), want, rtol=RTOL, atol=ATOL)
    params = cell.trainable_params()
    got = torch.autograd.grad(out, [xt] + params, torch.tensor(gold[f"{cfg}/dout"], device=device))
    for name, g in zip(["d_in0"] + ["d_" + p.name for p in params], got):
        np.testing.assert_allclose(g.cpu().numpy(), gold[f"{cfg}/{name}"], rtol=RTOL, atol=ATOL,
                                   err_msg=f"{cfg} {name}")


def _build(cls, gold, cfg):
    cin, cout, kh, kw, stride, padding, dilation, group, has_bias = (int(v) for v in gold[f"{cfg}/cfg"])
    kernel = kh if kh == kw else (kh, kw)
    return cls(cin, cout, kernel, stride, str(gold[f"{cfg}/pad_mode"]), padding, dilation, group, bool(has_bias),
               Tensor(gold[f"{cfg}/w"]), Tensor(gold[f"{cfg}/b"]))


# ------------------------------------------------------------------------------------------ Conv2d
@pytest.mark.parametrize("cfg", _configs(CONV))
def test_Conv2d_golden(cfg, device):
    check_golden(CONV, _build(nn.Conv2d, CONV, cfg), cfg, CONV[f"{cfg}/x"], device)


@pytest.mark.parametrize("h,w,k,s,d", [(7, 8, 3, 2, 1), (6, 6, 2, 1, 1), (9, 5, 4, 3, 2), (5, 5, 3, 1, 2)])
def test_Conv2d_same_extra_bottom_right(h, w, k, s, d):
    """'same' against an explicit NumPy cross-correlation with TF pads (extra row/col bottom/right)."""
    x = np.random.randn(1, 1, h, w).astype(np.float32)
    wt = np.random.randn(1, 1, k, k).astype(np.float32)
    net = nn.Conv2d(1, 1, k, s, 'same', 0, d, 1, False, Tensor(wt))
    out = net(Tensor(x)).asnumpy()
    keff = d * (k - 1) + 1

    def pads(n):
        o = -(-n // s)
        total = max(0, (o - 1) * s + keff - n)
        return total // 2, total - total // 2, o
    (t, b, oh), (l, r, ow) = pads(h), pads(w)
    xp = np.pad(x[0, 0], ((t, b), (l, r)))
    ref = np.array([[sum(xp[i * s + d * m, j * s + d * n] * wt[0, 0, m, n] for m in range(k) for n in range(k))
                     for j in range(ow)] for i in range(oh)])
    np.testing.assert_allclose(out[0, 0], ref, rtol=1e-5, atol=1e-5)


def test_Conv2d_seed_example():
    np.random.seed(1)
    net = nn.Conv2d(120, 240, 4, has_bias=False, weight_init='normal')
    out = net(Tensor(np.ones([1, 120, 32, 20]), msnn.float32))
    assert out.shape() == (1, 240, 32, 20)  # the doc's example (1024x640) prints 637: a doc error
    valid = nn.Conv2d(120, 240, 4, pad_mode='valid')
    assert valid(Tensor(np.ones([1, 120, 32, 20]), msnn.float32)).shape() == (1, 240, 29, 17)


def test_Conv2d_parameters_and_default_init():
    np.random.seed(3)
    net = nn.Conv2d(4, 6, (3, 2), group=2)
    params = list(net.get_parameters())
    assert [(p.name, tuple(p.shape), p.requires_grad) for p in params] == [("weight", (6, 2, 3, 2), True)]
    assert net.bias is None and net.has_bias is False
    np.random.seed(3)
    np.testing.assert_array_equal(params[0].detach().numpy(),
                                  np.random.normal(0, 0.01, (6, 2, 3, 2)).astype(np.float32))
    net = nn.Conv2d(2, 3, 3, has_bias=True, bias_init='ones')
    assert [(p.name, tuple(p.shape)) for p in net.get_parameters()] == [("weight", (3, 2, 3, 3)), ("bias", (3,))]
    np.testing.assert_array_equal(net.bias.detach().numpy(), np.ones(3, np.float32))


def test_Conv2d_nested_names():
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 2, 3, has_bias=True)
            self.conv2 = nn.Conv2dTranspose(2, 1, 3, has_bias=True)

        def construct(self, x):
            return self.conv2(self.conv1(x))
    net = Net()
    assert [p.name for p in net.get_parameters()] == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"]
    assert list(net.state_dict()) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"]
    assert net(Tensor(np.ones([1, 1, 5, 5]), msnn.float32)).shape() == (1, 1, 5, 5)


def test_Conv2d_repr():
    net = nn.Conv2d(3, 8, 3, has_bias=True)
    assert repr(net) == ("Conv2d<input_channels=3, output_channels=8, kernel_size=(3, 3),stride=1,  pad_mode=same, "
                         "padding=0, dilation=1, group=1, has_bias=True,weight_init=Parameter (name=weight), "
                         "bias_init=Parameter (name=bias), bias=Parameter (name=bias)>")
    net = nn.Conv2d(3, 8, (1, 2), 2, 'pad', 1)
    assert repr(net) == ("Conv2d<input_channels=3, output_channels=8, kernel_size=(1, 2),stride=2,  pad_mode=pad, "
                         "padding=1, dilation=1, group=1, has_bias=False,weight_init=Parameter (name=weight), "
                         "bias_init=None>")


def test_Conv2d_positional_signature():
    net = nn.Conv2d(1, 1, 3, 1, 'pad', 1, 1, 1, True, 'ones', 'ones')
    out = net(Tensor(np.ones([1, 1, 3, 3]), msnn.float32)).asnumpy()
    np.testing.assert_array_equal(out[0, 0], [[5, 7, 5], [7, 10, 7], [5, 7, 5]])


@pytest.mark.parametrize("kwargs,exc", [
    (dict(kernel_size=[3, 3]), TypeError),            # twice(): list
    (dict(kernel_size=(3, 3, 3)), TypeError),
    (dict(kernel_size=(3, 2.0)), TypeError),
    (dict(kernel_size=3.0), TypeError),
    (dict(in_channels=0), ValueError),
    (dict(in_channels=2.0), TypeError),
    (dict(out_channels=True), TypeError),
    (dict(stride=(1, 1)), TypeError),                 # tuple stride is refused for Conv2d
    (dict(stride=0), ValueError),
    (dict(padding=-1, pad_mode='pad'), ValueError),
    (dict(padding=1.0, pad_mode='pad'), TypeError),
    (dict(dilation=1.5), TypeError),
    (dict(dilation=0), ValueError),                   # primitive: dilation >= 1
    (dict(group=0), ValueError),
    (dict(kernel_size=0), ValueError),
    (dict(kernel_size=(2, 0)), ValueError),
    (dict(group=3), ValueError),                      # 4 % 3
    (dict(has_bias=1), TypeError),
    (dict(pad_mode='SAME'), ValueError),              # Conv pad_mode is case-sensitive
    (dict(pad_mode='full'), ValueError),
    (dict(pad_mode='same', padding=1), ValueError),
    (dict(pad_mode='valid', padding=2), ValueError),
    (dict(weight_init=Tensor(np.ones([6, 4, 2, 2]), msnn.float32)), ValueError),
    # 0.1's order: the stride TypeError comes before the kernel_size / group ValueErrors
    (dict(kernel_size=0, stride=(1, 1)), TypeError),
    (dict(group=3, dilation='x'), TypeError),
])
@pytest.mark.parametrize("cls", ["Conv2d", "Conv2dTranspose"])
def test_Conv2d_errors(cls, kwargs, exc):
    args = dict(in_channels=4, out_channels=6, kernel_size=3)
    args.update(kwargs)
    with pytest.raises(exc, match=f"{cls}|initializer"):  # a bad Tensor init fails in initializer()
        getattr(nn, cls)(**args)


def test_Conv2d_bias_init_without_bias_warns(caplog):
    with caplog.at_level("WARNING"):
        nn.Conv2d(1, 1, 3, has_bias=False, bias_init='ones')
    assert "has_bias" in caplog.text


# --------------------------------------------------------------------------------- Conv2dTranspose
@pytest.mark.parametrize("cfg", _configs(CONVT))
def test_Conv2dTranspose_golden(cfg, device):
    check_golden(CONVT, _build(nn.Conv2dTranspose, CONVT, cfg), cfg, CONVT[f"{cfg}/x"], device)


def _np_full_transpose(x, w, s, d):
    """Full (padding 0) transposed convolution of one image, NumPy: (Cin,H,W) x (Cin,Cout,k,k)."""
    cin, h, wd = x.shape
    _, cout, kh, kw = w.shape
    out = np.zeros((cout, (h - 1) * s + d * (kh - 1) + 1, (wd - 1) * s + d * (kw - 1) + 1))
    for i in range(h):
        for j in range(wd):
            for m in range(kh):
                for n in range(kw):
                    out[:, i * s + d * m, j * s + d * n] += x[:, i, j] @ w[:, :, m, n]
    return out


@pytest.mark.parametrize("pad_mode,k,s,d", [
    ("same", 3, 1, 2), ("same", 3, 2, 2), ("same", 4, 2, 3), ("same", 2, 3, 2), ("same", 5, 2, 1),
    ("valid", 3, 1, 2), ("valid", 2, 3, 2), ("valid", 4, 2, 2), ("valid", 2, 3, 1),
    ("pad", 3, 2, 2), ("pad", 5, 3, 1),
])
def test_Conv2dTranspose_spec_reference(pad_mode, k, s, d):
    """Spec §6.9: lengths valid L*s + max(k-s, 0) and same L*s (dilation ignored), pad
    (L-1)s - 2p + d(k-1) + 1; values = the full transposed result from floor(max(0, k-s)/2) ('same')
    or 0 ('valid') on, zero-filled at the end, plus bias everywhere."""
    x = np.random.randn(1, 2, 3, 4).astype(np.float32)
    w = np.random.randn(2, 3, k, k).astype(np.float32)
    b = np.random.randn(3).astype(np.float32)
    p = 1 if pad_mode == "pad" else 0
    net = nn.Conv2dTranspose(2, 3, k, s, pad_mode, p, d, 1, True, Tensor(w), Tensor(b))
    out = net(Tensor(x)).asnumpy()[0]
    full = _np_full_transpose(x[0].astype(np.float64), w.astype(np.float64), s, d)
    if pad_mode == "pad":
        ref = full[:, p:full.shape[1] - p, p:full.shape[2] - p]
    else:
        top = max(0, k - s) // 2 if pad_mode == "same" else 0
        lh = 3 * s + (max(k - s, 0) if pad_mode == "valid" else 0)
        lw = 4 * s + (max(k - s, 0) if pad_mode == "valid" else 0)
        ref = np.zeros((3, lh, lw))
        crop = full[:, top:top + lh, top:top + lw]
        ref[:, :crop.shape[1], :crop.shape[2]] = crop
    ref += b[:, None, None]
    assert out.shape == ref.shape
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)


def test_Conv2dTranspose_seed_example():
    np.random.seed(0)
    net = nn.Conv2dTranspose(3, 64, 4, has_bias=False, weight_init='normal')
    assert net(Tensor(np.ones([1, 3, 16, 50]), msnn.float32)).shape() == (1, 64, 32 // 2, 50)


def test_Conv2dTranspose_parameters_and_default_init():
    np.random.seed(5)
    net = nn.Conv2dTranspose(4, 6, (3, 2), group=2, has_bias=True, bias_init='normal')
    assert [(p.name, tuple(p.shape), p.requires_grad) for p in net.get_parameters()] == [
        ("weight", (4, 3, 3, 2), True), ("bias", (6,), True)]
    np.random.seed(5)
    w = np.random.normal(0, 0.01, (4, 3, 3, 2)).astype(np.float32)
    np.random.normal(0, 0.01, 4)  # 0.1 drew a throw-away bias of shape (in_channels,) first
    b = np.random.normal(0, 0.01, 6).astype(np.float32)
    np.testing.assert_array_equal(net.weight.detach().numpy(), w)
    np.testing.assert_array_equal(net.bias.detach().numpy(), b)
    # a Tensor bias_init of shape (out_channels,) is accepted (0.1 raised, see the deviation)
    net = nn.Conv2dTranspose(2, 3, 2, has_bias=True, bias_init=Tensor(np.ones(3), msnn.float32))
    assert tuple(net.bias.shape) == (3,)


def test_Conv2dTranspose_repr():
    net = nn.Conv2dTranspose(3, 8, 3, 2, 'valid', has_bias=True)
    assert repr(net) == ("Conv2dTranspose<input_channels=3, output_channels=8, kernel_size=(3, 3),stride=2,  "
                         "pad_mode=valid, padding=0, dilation=1, group=1, has_bias=True,"
                         "weight_init=Parameter (name=weight), bias_init=Parameter (name=bias)>")
    assert repr(nn.Conv2dTranspose(3, 8, 3)).endswith("bias_init=None>")


def test_Conv2dTranspose_checks_out_channels_first():
    """0.1 built the base with in/out swapped: out_channels is validated before in_channels."""
    with pytest.raises(TypeError, match="out_channels"):
        nn.Conv2dTranspose(0, 1.0, 3)
    with pytest.raises(ValueError, match="in_channels"):
        nn.Conv2d(0, 1.0, 3)


# ------------------------------------------------------------------------ translators (msnn._translate)
@pytest.mark.parametrize("h,w,k,s,d,padding,extra", [
    (7, 8, (3, 3), (1, 1), (1, 1), (1, 1), None),                 # symmetric: torch's own padding=
    (8, 8, (3, 3), (2, 2), (1, 1), (0, 0), (0, 1, 0, 1)),         # P=1: the extra row/col bottom/right
    (7, 8, (4, 4), (1, 1), (1, 1), (1, 1), (0, 1, 0, 1)),         # even kernel
    (7, 7, (3, 3), (2, 2), (2, 2), (2, 2), None),
    (6, 9, (2, 3), (3, 3), (1, 1), (0, 0), None),
    (6, 9, (3, 2), (3, 2), (1, 1), (0, 0), (0, 1, 0, 0)),             # extra column only
    (5, 5, (1, 1), (1, 1), (1, 1), (0, 0), None),
])
def test_Conv2d_same_padding_translation(h, w, k, s, d, padding, extra):
    from msnn import _translate as T
    assert T.same_padding_2d(h, w, k, s, d) == (padding, extra)


@pytest.mark.parametrize("args,plan", [
    ((4, 3, 2, "same"), (0, 0, -1)), ((4, 2, 3, "same"), (0, 1, 0)), ((4, 5, 2, "same"), (1, 0, -1)),
    ((4, 4, 2, "same"), (1, 0, 0)), ((4, 2, 3, "valid"), (0, 1, 0)), ((4, 3, 2, "valid"), (0, 0, 0)),
    ((4, 3, 2, "pad", 1, 2), (1, 0, 0)), ((3, 3, 2, "same", 0, 2), (0, 0, -3)),
])
def test_Conv2dTranspose_plan_translation(args, plan):
    from msnn import _translate as T
    assert T.conv_transpose_plan(*args) == plan


@pytest.mark.parametrize("cls,shape,k,s,pads", [
    ("Conv2d", (1, 1, 7, 7), 3, 1, 0), ("Conv2d", (1, 1, 8, 8), 3, 2, 1),
    ("MaxPool2d", (1, 1, 7, 7), 3, 1, 0), ("MaxPool2d", (1, 1, 8, 8), 3, 2, 1),
    ("AvgPool2d", (1, 1, 7, 7), 3, 1, 0), ("AvgPool2d", (1, 1, 8, 8), 2, 2, 0), ("AvgPool2d", (1, 1, 8, 8), 3, 2, 2),
])
def test_Conv2d_same_pads_explicitly_only_when_asymmetric(monkeypatch, cls, shape, k, s, pads):
    """Speed: symmetric 'same' pads go through torch's own padding= (no F.pad copy of the input)."""
    import torch.nn.functional as F
    from msnn.layer import conv, pooling
    calls = []
    pad = F.pad

    def spy(*args, **kwargs):
        calls.append(1)
        return pad(*args, **kwargs)
    monkeypatch.setattr(conv.F, "pad", spy)
    net = nn.Conv2d(1, 1, k, s) if cls == "Conv2d" else getattr(nn, cls)(k, s, 'same')
    net(torch.ones(shape))
    assert len(calls) == pads
    assert conv.F is pooling.F
