"""mindspore.nn.optim.lamb: ``Lamb`` (layer-wise adaptive moments with a polynomial schedule)."""
import numpy as np
import torch

from .._api import ms_api
from .. import _validator as V
from . import _functional as F
from .optimizer import Optimizer, _filter_flags, f32
from .adam import _PolySchedule

__all__ = ["Lamb"]


def _check_param_value(decay_steps, warmup_steps, start_learning_rate, end_learning_rate, power,
                       beta1, beta2, eps, weight_decay, cls_name):
    """0.1's ParamValidator checks: every failure is a ValueError, wrong types included."""
    V.check_int(decay_steps, "decay_steps", cls_name, exc=ValueError)
    V.check_int(warmup_steps, "warmup_steps", cls_name, exc=ValueError)
    for name, value in (("start_learning_rate", start_learning_rate),
                        ("end_learning_rate", end_learning_rate), ("power", power)):
        V.check_float(value, name, cls_name)
    V.check_float(beta1, "beta1", cls_name)
    V.check_float(beta2, "beta2", cls_name)
    V.check_float(eps, "eps", cls_name)
    V.check_float(weight_decay, "weight_decay", cls_name)
    V.check_int(decay_steps, "decay_steps", cls_name, lower=1, exc=ValueError)
    V.check_float(beta1, "beta1", cls_name, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    V.check_float(beta2, "beta2", cls_name, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    V.check_float(eps, "eps", cls_name, lower=0.0, lower_open=True)
    V.check_float(weight_decay, "weight_decay", cls_name, lower=0.0)
    # msnn: a schedule that 0.1 accepted and could not run sensibly (negative steps, rates or power)
    V.check_int(warmup_steps, "warmup_steps", cls_name, lower=0, exc=ValueError)
    V.check_float(end_learning_rate, "end_learning_rate", cls_name, lower=0.0)
    V.check_float(power, "power", cls_name, lower=0.0)


@ms_api("mindspore.nn.Lamb", torch="custom foreach kernel (torch has no LAMB)",
        deviations=("A dynamic start_learning_rate (list/Tensor) raises ValueError from the float "
                    "check, as in 0.1.",
                    "In GRAPH_MODE train steps the update runs eagerly (its bias corrections are "
                    "host scalars that change every step).",))
class Lamb(Optimizer):
    r"""Lamb: layer-wise adaptive large-batch optimizer with a polynomial learning-rate schedule.

    At step ``t`` (0-based ``global_step``): ``lr = (start - end) * (1 - min(t, decay_steps) /
    decay_steps) ** power + end``; while ``t < warmup_steps`` (if ``warmup_steps > 0``)
    ``lr = start * t / warmup_steps`` (0 at the first step). Per parameter:
    ``m = beta1*m + (1-beta1)*g``, ``v = beta2*v + (1-beta2)*g*g``,
    ``m_hat = m / (1 - beta1**(t+1))``, ``v_hat = v / (1 - beta2**(t+1))``,
    ``r = ||w|| / ||m_hat * rsqrt(v_hat + eps) + weight_decay*w||`` (1 if ``||w||`` or ``||g||``
    is 0; clipped to [0, 10]), ``u = m_hat / (sqrt(v_hat) + eps)`` (``+ weight_decay*w`` if
    ``decay_filter``), ``w -= r * lr * u``.

    Args:
        params (list[Parameter]): The parameters to update.
        decay_steps (int): The steps of the decay, >= 1.
        warmup_steps (int): The steps of the linear warm-up. Default: 0.
        start_learning_rate (float): Default: 0.1.
        end_learning_rate (float): Default: 0.0001.
        power (float): Power of the polynomial. Default: 1.0.
        beta1 (float): Decay of the first moment, in (0, 1). Default: 0.9.
        beta2 (float): Decay of the second moment, in (0, 1). Default: 0.999.
        eps (float): > 0. Default: 1e-6.
        weight_decay (float): >= 0. Default: 0.0.
        decay_filter (Function): Which parameters get ``weight_decay*w`` in their update. Default:
            ``lambda x: 'LayerNorm' not in x.name and 'bias' not in x.name``.

    Inputs:
        - **gradients** (tuple[Tensor]) - The gradients of ``params``, same shapes.

    Outputs:
        tuple[Parameter], the updated second moments ``lamb_v.*``.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> w = nn.Parameter(nn.Tensor(np.ones(2), nn.float32), name='w')
        >>> optim = nn.Lamb(params=[w], decay_steps=10)
        >>> v = optim((nn.Tensor(np.ones(2), nn.float32),))
        >>> v[0].name, round(float(w.asnumpy()[0]), 4)
        ('lamb_v.w', 0.9)

    Note:
        The trust-ratio denominator always includes ``weight_decay*w``, even for parameters the
        filter excludes (as 0.1 did). The schedule wins over torch LR schedulers: each step writes
        the learning rate it used into ``group['lr']``. Parameters passing ``decay_filter`` form
        one torch parameter group (``decay=True``), the others a second (``decay=False``). In a
        GRAPH_MODE train step the update runs eagerly (the loss network is compiled).
    """

    _lr_arg = "start_learning_rate"

    def __init__(self, params, decay_steps, warmup_steps=0, start_learning_rate=0.1,
                 end_learning_rate=0.0001, power=1.0, beta1=0.9, beta2=0.999, eps=1e-6,
                 weight_decay=0.0,
                 decay_filter=lambda x: 'LayerNorm' not in x.name and 'bias' not in x.name):
        super().__init__(start_learning_rate, params)
        cls_name = type(self).__name__
        _check_param_value(decay_steps, warmup_steps, start_learning_rate, end_learning_rate, power,
                           beta1, beta2, eps, weight_decay, cls_name)
        flags = _filter_flags(decay_filter, self.parameters, "decay_filter", cls_name)
        defaults = {"lr": self.param_groups[0]["lr"], "betas": (beta1, beta2), "eps": eps,
                    "weight_decay": weight_decay}
        self._set_groups(defaults, flags, {"decay": True}, {"decay": False})
        self._add_global_step(dtype=torch.float32)
        self._schedule = _PolySchedule(start_learning_rate, end_learning_rate, decay_steps, power)
        self._start = f32(start_learning_rate)
        self._warmup = f32(warmup_steps) if warmup_steps > 0 else None
        self.params = self.parameters
        self._add_state("lamb_m", "zeros", "moments1")
        self._add_state("lamb_v", "zeros", "moments2")
        self.decay_flag = flags

    def _lrs(self):
        t = self._step_host.get()
        if self._warmup is not None and self._warmup > f32(t):
            lr = float(self._start * (f32(t) / self._warmup))
        else:
            lr = self._schedule(t)
        return [lr] * len(self.param_groups)

    _graph_ok = False  # the bias corrections change every step: the update runs eagerly in GRAPH_MODE

    def _begin(self):
        ctx = super()._begin()
        beta1, beta2 = self.param_groups[0]["betas"]
        t1 = f32(self._step_host.get()) + f32(1.0)
        ctx["bias"] = (float(f32(1.0) - np.power(f32(beta1), t1)), float(f32(1.0) - np.power(f32(beta2), t1)))
        return ctx

    def _update(self, group, lr, params, grads, states, ctx):
        beta1, beta2 = group["betas"]
        F.lamb(params, grads, states["lamb_m"], states["lamb_v"], group["decay"], lr=lr, beta1=beta1,
               beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
               bias_c1=ctx["bias"][0], bias_c2=ctx["bias"][1], foreach=group["foreach"])

    def _end(self, ctx):
        for g, lr in zip(self.param_groups, ctx["lrs"]):
            g["lr"] = lr
        self._step_host.set(self._step_host.get() + 1)
        return self._state_tuples["lamb_v"]
