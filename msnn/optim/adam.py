"""mindspore.nn.optim.adam: ``Adam`` (TF ApplyAdam), ``AdamWeightDecay`` and
``AdamWeightDecayDynamicLR`` (no bias correction, decoupled decay)."""
import numpy as np
import torch

from .._api import ms_api
from .. import _validator as V
from . import _functional as F
from .optimizer import Optimizer, f32

__all__ = ["Adam", "AdamWeightDecay", "AdamWeightDecayDynamicLR"]


def _check_param_value(beta1, beta2, eps, weight_decay, cls_name):
    """0.1's ParamValidator checks (ValueError for wrong types too)."""
    V.check_float(beta1, "beta1", cls_name, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    V.check_float(beta2, "beta2", cls_name, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    V.check_float(eps, "eps", cls_name, lower=0.0, lower_open=True)
    V.check_float(weight_decay, "weight_decay", cls_name, lower=0.0)


def _fixed_lr(opt, cls_name):
    if opt.dynamic_lr:
        V.refuse(cls_name, "learning_rate", "a dynamic learning rate",
                 "0.1 used learning_rate as one fixed value here; pass a float")


@ms_api("mindspore.nn.Adam", torch="custom foreach kernel (torch.optim.Adam adds eps after the "
        "bias correction, this one before)",
        deviations=(
            "weight_decay > 0 is the L2 penalty g += weight_decay*loss_scale*w (before un-scaling) "
            "on parameters whose names contain neither 'beta' nor 'gamma'; 0.1 crashed at the "
            "first step (undefined decay_tf).",
        ),
        unsupported={"use_locking": "eager updates never race, so there is nothing to lock "
                                    "(results are the same either way)"},
        doc_errors=("learning_rate may also be an Iterable or a 1-d Tensor (dynamic), as in 0.1's "
                    "code.", "weight_decay > 0 crashed in 0.1; msnn implements the intended L2."))
class Adam(Optimizer):
    r"""Updates gradients by the Adaptive Moment Estimation (Adam) algorithm (TF's ApplyAdam).

    Per step ``t`` (1-based): ``beta1_power *= beta1``, ``beta2_power *= beta2``,
    ``l = learning_rate * sqrt(1 - beta2_power) / (1 - beta1_power)``,
    ``m = beta1*m + (1-beta1)*g``, ``v = beta2*v + (1-beta2)*g*g``,
    ``w -= l * m / (sqrt(v) + eps)`` -- ``eps`` is added to the un-corrected ``sqrt(v)``.
    With ``use_nesterov`` the numerator is ``beta1*m + (1-beta1)*g``.

    Args:
        params (list[Parameter]): The parameters to update.
        learning_rate (Union[float, Tensor, Iterable]): Learning rate. Default: 1e-3.
        beta1 (float): Decay of the first moment, in (0, 1). Default: 0.9.
        beta2 (float): Decay of the second moment, in (0, 1). Default: 0.999.
        eps (float): Added to the denominator, > 0. Default: 1e-8.
        use_locking (bool): Lock the updates (no effect in eager msnn). Default: False.
        use_nesterov (bool): Nesterov-style numerator. Default: False.
        weight_decay (float): L2 penalty (parameters without 'beta'/'gamma' in their name).
            Default: 0.0.
        loss_scale (float): The static loss scale, >= 1.0. Default: 1.0.

    Inputs:
        - **gradients** (tuple[Tensor]) - The gradients of ``params``, same shapes.

    Outputs:
        tuple[bool], True for each parameter.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> w = nn.Parameter(nn.Tensor(np.ones(2), nn.float32), name='w')
        >>> optim = nn.Adam(params=[w], learning_rate=0.1)
        >>> optim((nn.Tensor(np.ones(2), nn.float32),))
        (True,)
        >>> round(float(w.asnumpy()[0]), 4), [name for name, _ in optim.parameters_and_names()][2:]
        (0.9, ['beta1_power', 'beta2_power', 'moment1.w', 'moment2.w'])

    Note:
        ``weight_decay > 0`` crashed in MindSpore 0.1; msnn applies the intended L2 penalty
        ``g += weight_decay * loss_scale * w`` before un-scaling, on parameters whose names contain
        neither 'beta' nor 'gamma' (Momentum's filter), as the next releases did.
        ``use_locking`` has no effect. Also a ``torch.optim.Optimizer`` (see :class:`Optimizer`).
    """

    def __init__(self, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, use_locking=False,
                 use_nesterov=False, weight_decay=0.0, loss_scale=1.0):
        super().__init__(learning_rate, params)
        cls_name = type(self).__name__
        _check_param_value(beta1, beta2, eps, weight_decay, cls_name)
        V.check_bool(use_locking, "use_locking", cls_name, exc=ValueError)
        V.check_bool(use_nesterov, "use_nesterov", cls_name, exc=ValueError)
        V.check_float(loss_scale, "loss_scale", cls_name, lower=1.0)
        flags = tuple('beta' not in p.name and 'gamma' not in p.name for p in self.parameters)
        defaults = {"lr": self.param_groups[0]["lr"], "betas": (beta1, beta2), "eps": eps,
                    "weight_decay": weight_decay, "loss_scale": loss_scale,
                    "use_nesterov": use_nesterov}
        self._set_groups(defaults, flags if weight_decay > 0 else None,
                         {"weight_decay": weight_decay}, {"weight_decay": 0.0})
        self.use_locking = use_locking
        self.use_nesterov = use_nesterov
        if self.dynamic_lr:
            self._add_global_step()
        one = torch.ones(1, dtype=torch.float32)
        self._b1p = self._add_host("beta1_power", one, 1.0, self._device)
        self._b2p = self._add_host("beta2_power", one, 1.0, self._device)
        self._add_state("moment1", "zeros", "moment1")
        self._add_state("moment2", "zeros", "moment2")
        self.decay_tf = flags

    def _begin(self):
        ctx = super()._begin()
        beta1, beta2 = self.param_groups[0]["betas"]
        b1p = f32(self._b1p.get()) * f32(beta1)      # float32, updated before use
        b2p = f32(self._b2p.get()) * f32(beta2)
        ctx["powers"] = (b1p, b2p)
        # the bias-corrected rate of each group, on the host (a 0-d tensor in a compiled update)
        ctx["lrs_eff"] = [float(f32(lr) * np.sqrt(f32(1.0) - b2p) / (f32(1.0) - b1p)) for lr in ctx["lrs"]]
        return ctx

    def _update(self, group, lr, params, grads, states, ctx):
        beta1, beta2 = group["betas"]
        lr_t = lr  # ctx["lrs_eff"]: computed in _begin
        F.adam(params, grads, states["moment1"], states["moment2"], lr_t=lr_t, beta1=beta1,
               beta2=beta2, eps=group["eps"], use_nesterov=group["use_nesterov"],
               weight_decay=group["weight_decay"], loss_scale=group["loss_scale"],
               foreach=group["foreach"])

    def _end(self, ctx):
        self._b1p.set(float(ctx["powers"][0]))
        self._b2p.set(float(ctx["powers"][1]))
        return super()._end(ctx)


class _AdamWeightDecayBase(Optimizer):
    """Shared state and update of AdamWeightDecay and AdamWeightDecayDynamicLR."""

    def _init_adam_wd(self, beta1, beta2, eps, weight_decay):
        defaults = {"lr": self.param_groups[0]["lr"], "betas": (beta1, beta2), "eps": eps,
                    "weight_decay": weight_decay}
        self._set_groups(defaults)

    def _add_moments(self):
        self.params = self.parameters
        self._add_state("adam_m", "zeros", "moments1")
        self._add_state("adam_v", "zeros", "moments2")

    def _update(self, group, lr, params, grads, states, ctx):
        beta1, beta2 = group["betas"]
        F.adam_weight_decay(params, grads, states["adam_m"], states["adam_v"], lr=lr, beta1=beta1,
                            beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
                            foreach=group["foreach"])

    def _end(self, ctx):
        super()._end(ctx)
        return self._state_tuples["adam_v"]


@ms_api("mindspore.nn.AdamWeightDecay", torch="torch.optim.AdamW-like custom foreach kernel "
        "(no bias correction)",
        deviations=("learning_rate must be fixed (float or 0-d Tensor): a dynamic one raises "
                    "UnsupportedError (0.1 accepted it and then failed or broadcast it).",),
        doc_errors=("weight_decay is a decoupled decay (w -= lr*wd*w) on every parameter, not an "
                    "L2 penalty; there is no bias correction.",))
class AdamWeightDecay(_AdamWeightDecayBase):
    r"""Implements the Adam algorithm with the weight decay fix (no bias correction).

    Per step: ``m = beta1*m + (1-beta1)*g``, ``v = beta2*v + (1-beta2)*g*g``,
    ``u = m / (sqrt(v) + eps) + weight_decay * w``, ``w -= learning_rate * u``.

    Args:
        params (list[Parameter]): The parameters to update.
        learning_rate (float): Learning rate. Default: 1e-3.
        beta1 (float): Decay of the first moment, in (0, 1). Default: 0.9.
        beta2 (float): Decay of the second moment, in (0, 1). Default: 0.999.
        eps (float): Added to the denominator, > 0. Default: 1e-6.
        weight_decay (float): Decoupled weight decay on every parameter, >= 0. Default: 0.0.

    Inputs:
        - **gradients** (tuple[Tensor]) - The gradients of ``params``, same shapes.

    Outputs:
        tuple[Parameter], the updated second moments ``adam_v.*``.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> w = nn.Parameter(nn.Tensor(np.ones(2), nn.float32), name='w')
        >>> optim = nn.AdamWeightDecay(params=[w], learning_rate=0.1)
        >>> v = optim((nn.Tensor(np.ones(2), nn.float32),))
        >>> v[0].name, round(float(v[0].asnumpy()[0]), 6), round(float(w.asnumpy()[0]), 4)
        ('adam_v.w', 0.001, 0.6838)

    Note:
        The returned second moments are the state Parameters themselves (the next step updates
        them in place). Also a ``torch.optim.Optimizer`` (see :class:`Optimizer`); a torch LR
        scheduler drives ``group['lr']``.
    """

    def __init__(self, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0):
        super().__init__(learning_rate, params)
        cls_name = type(self).__name__
        _check_param_value(beta1, beta2, eps, weight_decay, cls_name)
        _fixed_lr(self, cls_name)
        self._init_adam_wd(beta1, beta2, eps, weight_decay)
        self._add_moments()


@ms_api("mindspore.nn.AdamWeightDecayDynamicLR", torch="custom foreach kernel with a polynomial "
        "decay schedule (like torch.optim.lr_scheduler.PolynomialLR)",
        deviations=("learning_rate must be a float (or 0-d Tensor); 0.1 raised TypeError for a "
                    "list only when computing the schedule.",),
        doc_errors=("weight_decay is a decoupled decay on every parameter, not an L2 penalty; "
                    "there is no bias correction.",))
class AdamWeightDecayDynamicLR(_AdamWeightDecayBase):
    r"""AdamWeightDecay with a polynomial learning-rate decay.

    At step ``t`` (0-based, the ``global_step`` before it is incremented):
    ``lr_t = (learning_rate - end_learning_rate) * (1 - min(t, decay_steps) / decay_steps) ** power
    + end_learning_rate``, then the AdamWeightDecay update with ``lr_t``.

    Args:
        params (list[Parameter]): The parameters to update.
        decay_steps (int): The steps of the decay.
        learning_rate (float): Start learning rate. Default: 0.001.
        end_learning_rate (float): End learning rate. Default: 0.0001.
        power (float): Power of the polynomial. Default: 10.0.
        beta1 (float): Decay of the first moment, in (0, 1). Default: 0.9.
        beta2 (float): Decay of the second moment, in (0, 1). Default: 0.999.
        eps (float): Added to the denominator, > 0. Default: 1e-6.
        weight_decay (float): Decoupled weight decay on every parameter, >= 0. Default: 0.0.

    Inputs:
        - **gradients** (tuple[Tensor]) - The gradients of ``params``, same shapes.

    Outputs:
        tuple[Parameter], the updated second moments ``adam_v.*``.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> w = nn.Parameter(nn.Tensor(np.ones(2), nn.float32), name='w')
        >>> optim = nn.AdamWeightDecayDynamicLR(params=[w], decay_steps=10)
        >>> v = optim((nn.Tensor(np.ones(2), nn.float32),))
        >>> float(optim.global_step[0]), optim.param_groups[0]['lr']
        (1.0, 0.0010000000474974513)

    Note:
        The schedule wins over torch LR schedulers: each step writes the learning rate it used
        into ``group['lr']``. decay_steps, end_learning_rate and power are not validated (as in
        0.1: ``decay_steps=0`` gives a NaN learning rate).
    """

    def __init__(self, params, decay_steps, learning_rate=0.001, end_learning_rate=0.0001, power=10.0,
                 beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0):
        super().__init__(learning_rate, params)
        cls_name = type(self).__name__
        _check_param_value(beta1, beta2, eps, weight_decay, cls_name)
        if self.dynamic_lr:
            V.fail(cls_name, "learning_rate", "a float", learning_rate, exc=TypeError)
        V.check_int(decay_steps, "decay_steps", cls_name, lower=1)
        V.check_number(end_learning_rate, "end_learning_rate", cls_name, lower=0.0)
        V.check_number(power, "power", cls_name, lower=0.0)
        self._init_adam_wd(beta1, beta2, eps, weight_decay)
        self._add_global_step(dtype=torch.float32)
        self._schedule = _PolySchedule(self._lr.value, end_learning_rate, decay_steps, power)
        self._add_moments()

    def _lrs(self):
        lr = self._schedule(self._step_host.get())
        return [lr] * len(self.param_groups)

    def _end(self, ctx):
        for g, lr in zip(self.param_groups, ctx["lrs"]):
            g["lr"] = lr
        self._step_host.set(self._step_host.get() + 1)
        return self._state_tuples["adam_v"]


class _PolySchedule:
    """0.1's polynomial decay in float32: ``(start-end) * (1 - min(t,T)/T)**power + end``."""

    def __init__(self, start, end, decay_steps, power):
        self.diff = f32(start - end)
        self.end = f32(end)
        self.decay_steps = f32(decay_steps)
        self.power = f32(power)

    def __call__(self, t):
        with np.errstate(all="ignore"):
            p = min(f32(t), self.decay_steps) / self.decay_steps
            return float(self.diff * np.power(f32(1.0) - p, self.power) + self.end)
