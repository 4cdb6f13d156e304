"""Loss-scale arguments that would stall training are refused, and the scale never grows into inf
(reliability finding 8)."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import msnn as nn
from msnn import Parameter

NAN, INF = float("nan"), float("inf")
F32_MAX = float(torch.finfo(torch.float32).max)


@pytest.mark.parametrize("kwargs, exc, arg", [
    (dict(loss_scale_value=INF), ValueError, "loss_scale_value"),
    (dict(loss_scale_value=NAN), ValueError, "loss_scale_value"),
    (dict(loss_scale_value=0.0), ValueError, "loss_scale_value"),
    (dict(loss_scale_value=-4.0), ValueError, "loss_scale_value"),
    (dict(loss_scale_value=1e39), ValueError, "loss_scale_value"),  # inf in float32
    (dict(loss_scale_value="1"), TypeError, "loss_scale_value"),
    (dict(scale_factor=0), ValueError, "scale_factor"),
    (dict(scale_factor=1), ValueError, "scale_factor"),
    (dict(scale_factor=0.5), ValueError, "scale_factor"),
    (dict(scale_factor=-2), ValueError, "scale_factor"),
    (dict(scale_factor=NAN), ValueError, "scale_factor"),
    (dict(scale_factor=INF), ValueError, "scale_factor"),
    (dict(scale_factor=None), TypeError, "scale_factor"),
    (dict(scale_window=0), ValueError, "scale_window"),
    (dict(scale_window=-1), ValueError, "scale_window"),
    (dict(scale_window=2.5), TypeError, "scale_window"),
    (dict(scale_window=True), TypeError, "scale_window"),
    (dict(scale_window=2 ** 40), ValueError, "scale_window"),
])
def test_DynamicLossScaleUpdateCell_refuses_stalling_arguments(kwargs, exc, arg):
    args = dict(loss_scale_value=1024.0, scale_factor=2, scale_window=10)
    args.update(kwargs)
    with pytest.raises(exc, match=rf"^For 'DynamicLossScaleUpdateCell', the '{arg}'"):
        nn.DynamicLossScaleUpdateCell(**args)


@pytest.mark.parametrize("value, exc", [(INF, ValueError), (NAN, ValueError), (0, ValueError), (-1.0, ValueError),
                                        (None, TypeError), ("8", TypeError), (1e39, ValueError)])
def test_FixedLossScaleUpdateCell_refuses_stalling_scale(value, exc):
    with pytest.raises(exc, match=r"^For 'FixedLossScaleUpdateCell', the 'loss_scale_value'"):
        nn.FixedLossScaleUpdateCell(value)


def test_DynamicLossScaleUpdateCell_growth_is_capped_below_inf():
    """From 2**100 with window 1 0.1 reached inf at step 27 and then overflowed for good."""
    manager = nn.DynamicLossScaleUpdateCell(2.0 ** 100, 2, 1)
    scale = Parameter(torch.tensor(2.0 ** 100), name="loss_scale")
    seen = []
    for _ in range(40):
        manager(scale, torch.tensor(False))
        seen.append(float(scale.detach()))
    assert all(math.isfinite(v) for v in seen)
    assert seen[26] == seen[-1] == 2.0 ** 127  # the largest power of two float32 holds
    manager(scale, torch.tensor(True))           # an overflow still backs off from the cap
    assert float(scale.detach()) == 2.0 ** 126


@settings(max_examples=40, deadline=None)
@given(init=st.floats(1.0, F32_MAX / 4), factor=st.floats(1.01, 1e6), window=st.integers(1, 4),
       pattern=st.lists(st.booleans(), min_size=1, max_size=40))
def test_DynamicLossScaleUpdateCell_scale_stays_finite_and_at_least_one(init, factor, window, pattern):
    manager = nn.DynamicLossScaleUpdateCell(init, factor, window)
    scale = Parameter(torch.tensor(init, dtype=torch.float32), name="loss_scale")
    for overflow in pattern:
        manager(scale, torch.tensor(overflow))
        value = float(scale.detach())
        assert math.isfinite(value) and value >= 1.0


def test_TrainOneStepWithLossScaleCell_recovers_after_reaching_the_cap():
    net = nn.Dense(3, 1)
    loss = nn.WithLossCell(net, nn.MSELoss())
    opt = nn.Momentum(net.trainable_params(), 0.01, 0.9)
    train = nn.TrainOneStepWithLossScaleCell(loss, opt, nn.DynamicLossScaleUpdateCell(2.0 ** 120, 2, 1))
    x, y = torch.ones(4, 3), torch.zeros(4, 1)
    before = net.weight.detach().clone()
    updated = 0
    for _ in range(30):
        _, overflow, scale = train(x, y)
        updated += not bool(overflow)
        assert math.isfinite(float(scale))
    assert updated > 0 and not torch.equal(before, net.weight.detach())
