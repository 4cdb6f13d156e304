"""LSTM call-time input checks (reliability finding 1): every shape/dtype mismatch the fused kernel
would read or write out of bounds on raises before it runs -- ValueError for shapes, TypeError for
dtypes and non-tensors -- naming LSTM and the argument."""
import re

import numpy as np
import pytest
import torch

import msnn as nn


def _x(*shape, dtype=torch.float32):
    return torch.ones(*shape, dtype=dtype)


# (lstm kwargs, x shape, h shape, c shape, exception, argument named)
CASES = [
    (dict(), (5, 2, 3), (1, 1, 4), (1, 1, 4), ValueError, "hx[0]"),           # hx batch 1, x batch 2 (heap corruption)
    (dict(), (5, 2, 3), (1, 2, 64), (1, 2, 64), ValueError, "hx[0]"),         # hidden 64 for hidden 4
    (dict(), (2, 1, 200), (1, 1, 4), (1, 1, 4), ValueError, "input"),         # input_size 200 for 3
    (dict(), (2, 1, 2), (1, 1, 4), (1, 1, 4), ValueError, "input"),           # input_size 2
    (dict(), (2, 1, 5), (1, 1, 4), (1, 1, 4), ValueError, "input"),           # input_size 5
    (dict(), (2, 1, 3), (2, 1, 4), (2, 1, 4), ValueError, "hx[0]"),           # hx of 2 layers
    (dict(), (2, 1, 3), (1, 3, 4), (1, 3, 4), ValueError, "hx[0]"),           # hx batch 3
    (dict(), (2, 1, 3), (1, 1, 4), (1, 2, 4), ValueError, "hx[1]"),           # c batch differs from h
    (dict(), (2, 1, 3), (1, 1, 4), (1, 1, 5), ValueError, "hx[1]"),           # c hidden differs
    (dict(), (1, 3), (1, 1, 4), (1, 1, 4), ValueError, "input"),              # 2-D input
    (dict(), (2, 1, 1, 3), (1, 1, 4), (1, 1, 4), ValueError, "input"),        # 4-D input
    (dict(), (2, 1, 3), (1, 4), (1, 4), ValueError, "hx[0]"),                 # 2-D h
    (dict(bidirectional=True), (2, 1, 3), (1, 1, 4), (1, 1, 4), ValueError, "hx[0]"),  # needs 2 directions
    (dict(num_layers=2), (2, 1, 3), (1, 1, 4), (1, 1, 4), ValueError, "hx[0]"),
    (dict(batch_first=True), (2, 5, 3), (1, 5, 4), (1, 5, 4), ValueError, "hx[0]"),  # batch is dim 0 here
]


@pytest.mark.parametrize("kwargs, xs, hs, cs, exc, arg", CASES)
def test_LSTM_input_shape_mismatch_raises(kwargs, xs, hs, cs, exc, arg):
    net = nn.LSTM(3, 4, **kwargs)
    with pytest.raises(exc, match=rf"^For 'LSTM', the '{re.escape(arg)}'.*shape"):
        net(_x(*xs), (_x(*hs), _x(*cs)))


def test_LSTM_batch_first_accepts_its_own_layout():
    net = nn.LSTM(3, 4, batch_first=True)
    y, (h, c) = net(_x(2, 5, 3), (_x(1, 2, 4), _x(1, 2, 4)))
    assert tuple(y.shape) == (2, 5, 4) and tuple(h.shape) == tuple(c.shape) == (1, 2, 4)


@pytest.mark.parametrize("which", ["input", "hx[0]", "hx[1]"])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float16, torch.int32])
def test_LSTM_input_dtype_mismatch_raises(which, dtype):
    net = nn.LSTM(3, 4)
    args = {"input": _x(2, 1, 3), "hx[0]": _x(1, 1, 4), "hx[1]": _x(1, 1, 4)}
    args[which] = args[which].to(dtype)
    with pytest.raises(TypeError, match=rf"^For 'LSTM', the '{re.escape(which)}'.*dtype"):
        net(args["input"], (args["hx[0]"], args["hx[1]"]))


@pytest.mark.parametrize("x, hx, arg", [
    (np.ones((2, 1, 3), np.float32), (_x(1, 1, 4), _x(1, 1, 4)), "input"),
    ([[[1.0, 2.0, 3.0]]], (_x(1, 1, 4), _x(1, 1, 4)), "input"),
    (None, (_x(1, 1, 4), _x(1, 1, 4)), "input"),
    (_x(2, 1, 3), None, "hx"),
    (_x(2, 1, 3), _x(1, 1, 4), "hx"),
    (_x(2, 1, 3), (_x(1, 1, 4),), "hx"),
    (_x(2, 1, 3), (np.ones((1, 1, 4), np.float32), _x(1, 1, 4)), "hx[0]"),
    (_x(2, 1, 3), (_x(1, 1, 4), 0.0), "hx[1]"),
])
def test_LSTM_non_tensor_inputs_raise_type_error(x, hx, arg):
    with pytest.raises(TypeError, match=rf"^For 'LSTM', the '{re.escape(arg)}'"):
        nn.LSTM(3, 4)(x, hx)


def test_LSTM_valid_call_after_a_refused_one_is_unchanged():
    net = nn.LSTM(3, 4)
    with pytest.raises(ValueError):
        net(_x(5, 2, 3), (_x(1, 1, 4), _x(1, 1, 4)))
    y, (h, c) = net(_x(5, 2, 3), (_x(1, 2, 4), _x(1, 2, 4)))
    assert tuple(y.shape) == (5, 2, 4)
    # zero weights: every gate is sigmoid(0) = 0.5, g = tanh(0) = 0 -> c_t = 0.5 c_{t-1}, h_t = 0.5 tanh(c_t)
    c_ref = 1.0 * 0.5 ** 5
    np.testing.assert_allclose(c.detach().numpy(), np.full((1, 2, 4), c_ref, np.float32), rtol=1e-6)
