"""LSTM: MindSpore 0.1.0-alpha's own GPU test vectors (tests/data/layers_a_lstm01.npz, extracted by
tools/record_goldens_layers_a.py lstm: forward y/h_n/c_n and dx/dh0/dc0 for 1-layer, bidirectional and
2-layer bidirectional nets), torch.nn.LSTM equivalence through the spec §6.13 layout (written out
independently here) over layers/directions/batch_first/bias, parameters, errors, the seed example."""
import os

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
V01 = dict(np.load(os.path.join(DATA, "layers_a_lstm01.npz")))


def _lstm_from_cfg(cfg):
    input_size, hidden, layers, has_bias, bidirectional, dropout = cfg
    return nn.LSTM(int(input_size), int(hidden), int(layers), bool(has_bias), False, float(dropout),
                   bool(bidirectional))


def _set_weight(net, w):
    with torch.no_grad():
        net.weight.copy_(torch.as_tensor(w))


# ------------------------------------------------------------------------ 0.1's own GPU test vectors
@pytest.mark.parametrize("cfg", ["lstm", "bilstm", "multi_layer_bilstm", "lstm_dropout"])
def test_LSTM_mindspore01_vectors(cfg, device):
    g = lambda k: V01[f"{cfg}/{k}"]  # noqa: E731
    net = _lstm_from_cfg(g("cfg")).to(device)
    _set_weight(net, g("w"))
    if cfg == "lstm_dropout":
        net.set_train()  # dropout=1.0 with ONE layer: nothing to drop (only between layers)
    x, h0, c0 = (torch.tensor(g(k), device=device) for k in ("x", "h0", "c0"))
    y, (h_n, c_n) = net(x, (h0, c0))
    np.testing.assert_allclose(y.detach().cpu().numpy(), g("y"), atol=1e-4)  # 0.1's own tolerance
    if cfg != "lstm_dropout":
        np.testing.assert_allclose(h_n.detach().cpu().numpy(), g("h_n"), atol=1e-4)
        np.testing.assert_allclose(c_n.detach().cpu().numpy(), g("c_n"), atol=1e-3)  # 0.1 checked c to 1e-3


def test_LSTM_mindspore01_gradients(device):
    g = lambda k: V01[f"grad/{k}"]  # noqa: E731
    net = _lstm_from_cfg(g("cfg")).to(device)
    _set_weight(net, g("w"))
    x, h0, c0 = (torch.tensor(g(k), device=device, requires_grad=True) for k in ("x", "h0", "c0"))
    y, _ = net(x, (h0, c0))
    dx, dh0, dc0 = torch.autograd.grad(y, [x, h0, c0], torch.tensor(g("dy"), device=device))
    np.testing.assert_allclose(dx.cpu().numpy(), g("dx"), atol=1e-4)
    np.testing.assert_allclose(dh0.cpu().numpy(), g("dh0"), atol=1e-4)
    np.testing.assert_allclose(dc0.cpu().numpy(), g("dc0"), atol=1e-4)


# ------------------------------------------------------------------- torch.nn.LSTM equivalence (§6.13)
def _torch_lstm_from_flat(flat, input_size, hidden, layers, has_bias, batch_first, bidirectional):
    """Spec §6.13 written out: all W_ih/W_hh for (layer, dir) pairs first, then all b_ih/b_hh."""
    ref = torch.nn.LSTM(input_size, hidden, layers, has_bias, batch_first, 0.0, bidirectional).double()
    dirs = 2 if bidirectional else 1
    pos = 0
    names = []
    for layer in range(layers):
        for d in range(dirs):
            sfx = f"l{layer}" + ("_reverse" if d else "")
            names += [f"weight_ih_{sfx}", f"weight_hh_{sfx}"]
    if has_bias:
        for layer in range(layers):
            for d in range(dirs):
                sfx = f"l{layer}" + ("_reverse" if d else "")
                names += [f"bias_ih_{sfx}", f"bias_hh_{sfx}"]
    with torch.no_grad():
        for name in names:
            p = getattr(ref, name)
            p.copy_(torch.as_tensor(flat[pos:pos + p.numel()]).view_as(p))
            pos += p.numel()
    assert pos == flat.size
    return ref, names


@pytest.mark.parametrize("layers,bidirectional,batch_first,has_bias", [
    (1, False, False, True), (1, False, False, False), (1, True, False, True), (1, False, True, True),
    (2, False, False, True), (2, True, False, True), (2, True, True, False), (2, False, True, False),
    (3, True, False, True),
])
def test_LSTM_matches_torch_lstm_layout(layers, bidirectional, batch_first, has_bias, device):
    input_size, hidden, seq, batch = 3, 4, 5, 2
    dirs = 2 if bidirectional else 1
    net = nn.LSTM(input_size, hidden, layers, has_bias, batch_first, 0.0, bidirectional).to(device)
    flat = np.random.uniform(-0.5, 0.5, net.weight.shape[0])
    _set_weight(net, flat.reshape(-1, 1, 1).astype(np.float32))
    ref, names = _torch_lstm_from_flat(flat.astype(np.float32).astype(np.float64), input_size, hidden, layers,
                                       has_bias, batch_first, bidirectional)
    xs = (batch, seq, input_size) if batch_first else (seq, batch, input_size)
    x = np.random.randn(*xs)
    h0, c0 = np.random.randn(2, layers * dirs, batch, hidden)
    tx, th, tc = (torch.tensor(a, dtype=torch.float32, device=device, requires_grad=True) for a in (x, h0, c0))
    y, (h_n, c_n) = net(tx, (th, tc))
    rx, rh, rc = (torch.tensor(a, requires_grad=True) for a in (x, h0, c0))
    ry, (rh_n, rc_n) = ref(rx, (rh, rc))
    assert tuple(y.shape) == ((batch, seq, dirs * hidden) if batch_first else (seq, batch, dirs * hidden))
    for got, want in ((y, ry), (h_n, rh_n), (c_n, rc_n)):
        np.testing.assert_allclose(got.detach().cpu().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-5)
    dy, dh, dc = np.random.randn(*ry.shape), np.random.randn(*rh_n.shape), np.random.randn(*rc_n.shape)
    got = torch.autograd.grad((y, h_n, c_n), [tx, th, tc, net.weight],
                              [torch.tensor(a, dtype=torch.float32, device=device) for a in (dy, dh, dc)])
    params = [getattr(ref, n) for n in names]
    want = torch.autograd.grad((ry, rh_n, rc_n), [rx, rh, rc] + params, [torch.tensor(a) for a in (dy, dh, dc)])
    for a, b in zip(got[:3], want[:3]):
        np.testing.assert_allclose(a.cpu().numpy(), b.numpy(), rtol=1e-4, atol=1e-5)
    dflat = np.concatenate([g.numpy().ravel() for g in want[3:]])
    assert tuple(got[3].shape) == tuple(net.weight.shape)
    np.testing.assert_allclose(got[3].cpu().numpy().ravel(), dflat, rtol=1e-4, atol=1e-5)


# --------------------------------------------------------------------------------- cell behaviour
@pytest.mark.parametrize("args,size", [
    ((10, 12), 4 * 12 * 10 + 4 * 12 * 12 + 8 * 12),
    ((10, 12, 2, True, False, 0, True),
     2 * (4 * 12 * 10 + 4 * 12 * 12 + 8 * 12) + 2 * (4 * 12 * 24 + 4 * 12 * 12 + 8 * 12)),
    ((3, 2, 3, False), 4 * 2 * 3 + 4 * 2 * 2 + 2 * (4 * 2 * 2 + 4 * 2 * 2)),
])
def test_LSTM_single_flat_zero_weight(args, size):
    net = nn.LSTM(*args)
    params = list(net.get_parameters())
    assert [(p.name, tuple(p.shape), p.requires_grad) for p in params] == [("weight", (size, 1, 1), True)]
    assert not params[0].detach().any()
    assert list(net.state_dict()) == ["weight"]


def test_LSTM_seed_example():
    class LstmNet(nn.Cell):
        def __init__(self, input_size, hidden_size, num_layers, has_bias, batch_first, bidirectional):
            super(LstmNet, self).__init__()
            self.lstm = nn.LSTM(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                                has_bias=has_bias, batch_first=batch_first, bidirectional=bidirectional,
                                dropout=0.0)

        def construct(self, inp, h0, c0):
            return self.lstm(inp, (h0, c0))

    net = LstmNet(10, 12, 2, has_bias=True, batch_first=True, bidirectional=False)
    assert [p.name for p in net.get_parameters()] == ["lstm.weight"]
    input = Tensor(np.ones([3, 5, 10]).astype(np.float32))  # pylint: disable=redefined-builtin
    h0 = Tensor(np.ones([1 * 2, 3, 12]).astype(np.float32))
    c0 = Tensor(np.ones([1 * 2, 3, 12]).astype(np.float32))
    output, (hn, cn) = net(input, h0, c0)
    assert (output.shape(), hn.shape(), cn.shape()) == ((3, 5, 12), (2, 3, 12), (2, 3, 12))
    # zero weights: every gate is sigmoid(0) = 0.5, g = 0: c = 0.5 * c_prev, h = 0.5 * tanh(c)
    np.testing.assert_allclose(cn.asnumpy(), np.full([2, 3, 12], 0.5 ** 5, np.float32), rtol=1e-6)
    np.testing.assert_allclose(output.asnumpy()[:, -1], 0.5 * np.tanh(0.5 ** 5) * np.ones([3, 12]), rtol=1e-6)


def test_LSTM_dropout_only_in_training():
    net = nn.LSTM(3, 4, 2, dropout=0.5)
    _set_weight(net, np.random.uniform(-1, 1, (net.weight.shape[0], 1, 1)).astype(np.float32))
    x, h = torch.randn(4, 2, 3), torch.zeros(2, 2, 4)
    a, _ = net(x, (h, h))
    b, _ = net(x, (h, h))
    torch.testing.assert_close(a, b)  # a new cell is not training: no dropout
    net.set_train()
    torch.manual_seed(1)
    c, _ = net(x, (h, h))
    assert not torch.allclose(a, c)
    assert net.dropout == 0.5 and isinstance(net.dropout, float)


def test_LSTM_repr():
    assert repr(nn.LSTM(3, 4)) == "LSTM<>"


@pytest.mark.parametrize("kwargs,exc", [
    (dict(batch_first=1), ValueError), (dict(batch_first='x', input_size=0), ValueError),
    (dict(dropout='x'), ValueError), (dict(dropout=None), TypeError), (dict(dropout=1.5), ValueError),
    (dict(dropout=-0.1), ValueError),
    (dict(input_size=0), ValueError), (dict(input_size=2.0), TypeError), (dict(hidden_size=True), TypeError),
    (dict(num_layers=0), ValueError), (dict(has_bias=1), TypeError), (dict(bidirectional='yes'), TypeError),
    # 0.1's order: batch_first, float(dropout), then the primitive's input/hidden/layers/bool checks, dropout range
    (dict(input_size=0, dropout=2.0), ValueError), (dict(has_bias=1, dropout=2.0), TypeError),
])
def test_LSTM_errors(kwargs, exc):
    args = dict(input_size=3, hidden_size=4)
    args.update(kwargs)
    with pytest.raises(exc, match="LSTM"):
        nn.LSTM(**args)


def test_LSTM_dropout_string_number_accepted():
    assert nn.LSTM(3, 4, dropout='0.25').dropout == 0.25  # 0.1 called float(dropout)


def test_LSTM_float64_dtype_kept():
    net = nn.LSTM(2, 3).to(torch.float64)
    y, (h, c) = net(torch.ones(2, 1, 2, dtype=torch.float64), (torch.zeros(1, 1, 3, dtype=torch.float64),) * 2)
    assert y.dtype == h.dtype == c.dtype == torch.float64
    assert msnn.LSTM is nn.LSTM


def test_LSTM_flat_layout_translation():
    """msnn._translate.lstm_flat_layout: matrices of every (layer, dir) first, then the biases."""
    from msnn import _translate as T
    sizes, shapes, order = T.lstm_flat_layout(3, 2, 2, True, True)
    assert shapes[:8] == [(8, 3), (8, 2), (8, 3), (8, 2), (8, 4), (8, 2), (8, 4), (8, 2)]
    assert shapes[8:] == [(8,)] * 8 and sizes == [24, 16, 24, 16, 32, 16, 32, 16] + [8] * 8
    assert order == [0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15]
    assert T.lstm_flat_layout(3, 2, 1, False, False) == ([24, 16], [(8, 3), (8, 2)], [0, 1])
