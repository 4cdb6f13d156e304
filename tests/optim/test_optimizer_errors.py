"""Optimizer argument and call errors: 0.1's exception types (its own unit tests expected
NotImplementedError from the base construct(), TypeError for Adam.construct(Tensor) and SGD(Tensor)),
messages naming the class and the argument the user passed."""
import numpy as np
import pytest
import torch

import msnn as nn
from msnn import Parameter, Tensor


class _Counting:
    """An iterable (not a list) of Parameters, as 0.1's own tests passed."""

    def __iter__(self):
        for k in range(1, 4):
            yield Parameter(Tensor(np.full((2,), k, np.float32)), name=f"p{k}")


def test_Optimizer_base_construct_raises_not_implemented():
    opt = nn.Optimizer(0.5, _Counting())
    with pytest.raises(NotImplementedError):
        opt.construct()
    with pytest.raises(NotImplementedError):
        opt.construct((torch.ones(2),) * 3)


def test_Adam_construct_with_a_tensor_raises_type_error():
    adam = nn.Adam(_Counting(), learning_rate=1e-3)
    with pytest.raises(TypeError, match="^For 'Adam', the 'gradients'"):
        adam.construct(Tensor(np.zeros([1, 2, 3])))
    with pytest.raises(TypeError, match="^For 'Adam', the 'gradients'"):
        adam.construct()
    with pytest.raises(ValueError, match="^For 'Adam', the 'gradients'"):
        adam.construct((torch.ones(2),))


def test_LARS_construct_with_a_tensor_raises_type_error():
    lars = nn.LARS(nn.Momentum(list(_Counting()), 0.1, 0.9))
    with pytest.raises(TypeError, match="^For 'LARS', the 'gradients'"):
        lars(torch.ones(2))


@pytest.mark.parametrize("make, arg", [
    (lambda p: nn.SGD(p), "params"), (lambda p: nn.Adam(p), "params"), (lambda p: nn.AdamWeightDecay(p), "params"),
    (lambda p: nn.AdamWeightDecayDynamicLR(p, 10), "params"), (lambda p: nn.Lamb(p, 10), "params"),
    (lambda p: nn.Momentum(p, 0.1, 0.9), "params"), (lambda p: nn.Optimizer(0.1, p), "parameters"),
])
@pytest.mark.parametrize("value, exc", [
    (Tensor(np.zeros([1, 2, 3])), TypeError), (None, TypeError), (9, TypeError), (0.5, TypeError),
    ("abc", TypeError), ((1, 2, 3), ValueError), ([], ValueError), ([Tensor(np.ones(2))], ValueError),
])
def test_Optimizer_params_errors_name_the_argument(make, arg, value, exc):
    name = make([Parameter(Tensor(np.ones(2, np.float32)), name="w")]).__class__.__name__
    with pytest.raises(exc, match=rf"^For '{name}', the '{arg}'"):
        make(value)


@pytest.mark.parametrize("lr", [float("nan"), float("inf"), -0.1])
@pytest.mark.parametrize("form", ["float", "tensor", "list", "tensor1d"])
def test_Optimizer_learning_rate_refuses_nan_inf_negative(lr, form):
    value = {"float": lr, "tensor": torch.tensor(lr), "list": [0.1, lr], "tensor1d": torch.tensor([0.1, lr])}[form]
    with pytest.raises(ValueError, match="^For 'Momentum', the 'learning_rate'"):
        nn.Momentum([Parameter(Tensor(np.ones(2, np.float32)), name="w")], value, 0.9)


def test_Lamb_start_learning_rate_errors_name_it():
    params = [Parameter(Tensor(np.ones(2, np.float32)), name="w")]
    with pytest.raises(TypeError, match="^For 'Lamb', the 'start_learning_rate'"):
        nn.Lamb(params, 10, start_learning_rate="x")
    with pytest.raises(ValueError, match="^For 'Lamb', the 'start_learning_rate'"):
        nn.Lamb(params, 10, start_learning_rate=float("nan"))


@pytest.mark.parametrize("make, arg", [
    (lambda p, f: nn.Momentum(p, 0.1, 0.9, decay_filter=f), "decay_filter"),
    (lambda p, f: nn.Lamb(p, 10, decay_filter=f), "decay_filter"),
    (lambda p, f: nn.LARS(nn.Momentum(p, 0.1, 0.9), decay_filter=f), "decay_filter"),
    (lambda p, f: nn.LARS(nn.Momentum(p, 0.1, 0.9), lars_filter=f), "lars_filter"),
])
@pytest.mark.parametrize("bad", [None, 1.0, "bias", (), torch.ones(1)])
def test_Optimizer_filters_must_be_callable(make, arg, bad):
    params = [Parameter(Tensor(np.ones(2, np.float32)), name="w")]
    with pytest.raises(TypeError, match=rf"the '{arg}' must be a function"):
        make(params, bad)


@pytest.mark.parametrize("make, arg", [
    (lambda p, v: nn.Momentum(p, 0.1, 0.9, weight_decay=v), "weight_decay"),
    (lambda p, v: nn.LARS(nn.Momentum(p, 0.1, 0.9), weight_decay=v), "weight_decay"),
    (lambda p, v: nn.LARS(nn.Momentum(p, 0.1, 0.9), epsilon=v), "epsilon"),
    (lambda p, v: nn.Lamb(p, 10, end_learning_rate=v), "end_learning_rate"),
    (lambda p, v: nn.Lamb(p, 10, power=v), "power"),
    (lambda p, v: nn.AdamWeightDecayDynamicLR(p, 10, end_learning_rate=v), "end_learning_rate"),
    (lambda p, v: nn.AdamWeightDecayDynamicLR(p, 10, power=v), "power"),
])
@pytest.mark.parametrize("value", [-0.5, float("nan"), float("inf")])
def test_Optimizer_negative_or_non_finite_hyper_parameters_refused(make, arg, value):
    params = [Parameter(Tensor(np.ones(2, np.float32)), name="w")]
    with pytest.raises(ValueError, match=rf"the '{arg}'"):
        make(params, value)


@pytest.mark.parametrize("value, exc", [(0, ValueError), (-3, ValueError), (2.5, TypeError), (None, TypeError)])
def test_AdamWeightDecayDynamicLR_decay_steps(value, exc):
    with pytest.raises(exc, match="^For 'AdamWeightDecayDynamicLR', the 'decay_steps'"):
        nn.AdamWeightDecayDynamicLR([Parameter(Tensor(np.ones(2, np.float32)), name="w")], value)
