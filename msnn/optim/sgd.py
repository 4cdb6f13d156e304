"""mindspore.nn.optim.sgd: ``SGD`` (torch's SGD rule on un-scaled gradients)."""
import torch

from .._api import ms_api
from .. import _validator as V
from . import _functional as F
from .optimizer import Optimizer, _check_loss_scale
from .momentum import _check_momentum

__all__ = ["SGD"]


@ms_api("mindspore.nn.SGD", torch="torch.optim.SGD",
        deviations=(
            "A 0-d Tensor learning_rate is a fixed learning rate (0.1 took the dynamic path and "
            "failed).",
            "loss_scale <= 0 raises ValueError (0.1 failed with ZeroDivisionError or divided by a "
            "negative scale).",
        ))
class SGD(Optimizer):
    r"""Implements stochastic gradient descent (optionally with momentum), torch's rule.

    Per step: ``g /= loss_scale``; ``g += weight_decay * w`` (every parameter); with
    ``momentum > 0`` the buffer ``accum`` is ``g`` on the first step and
    ``momentum * accum + (1 - dampening) * g`` afterwards, and ``g`` becomes
    ``g + momentum * accum`` (nesterov) or ``accum``; ``w -= learning_rate * g``.

    Args:
        params (list[Parameter]): The parameters to update.
        learning_rate (Union[float, Tensor, Iterable]): Learning rate. Default: 0.1.
        momentum (float): Momentum. Default: 0.0.
        dampening (float): Dampening of the momentum. Default: 0.0.
        weight_decay (float): L2 penalty, on every parameter. Default: 0.0.
        nesterov (bool): Nesterov momentum. Default: False.
        loss_scale (float): The static loss scale the gradients are divided by. Default: 1.0.

    Inputs:
        - **gradients** (tuple[Tensor]) - The gradients of ``params``, same shapes.

    Outputs:
        tuple[bool], True for each parameter.

    Raises:
        ValueError: If ``momentum`` (a float), ``dampening`` or ``weight_decay`` is < 0.0, or
            ``nesterov`` is not a bool.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> w = nn.Parameter(nn.Tensor(np.ones(3), nn.float32), name='w')
        >>> optim = nn.SGD(params=[w], momentum=0.9)
        >>> optim((nn.Tensor(np.ones(3), nn.float32),))
        (True,)
        >>> round(float(w.asnumpy()[0]), 6), [t.name for t in optim.accum + optim.stat]
        (0.9, ['accum.w', 'stat.w'])

    Note:
        Also a ``torch.optim.Optimizer`` (see :class:`Optimizer`); its numbers equal
        ``torch.optim.SGD`` on ``grad / loss_scale``.
    """

    def __init__(self, params, learning_rate=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False, loss_scale=1.0):
        super().__init__(learning_rate, params)
        cls_name = type(self).__name__
        momentum = _check_momentum(momentum, cls_name)
        dampening = float(V.check_number(dampening, "dampening", cls_name, lower=0.0))
        weight_decay = float(V.check_number(weight_decay, "weight_decay", cls_name, lower=0.0))
        V.check_bool(nesterov, "nesterov", cls_name, exc=ValueError)
        loss_scale = _check_loss_scale(loss_scale, cls_name)
        defaults = {"lr": self.param_groups[0]["lr"], "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "loss_scale": loss_scale}
        self._set_groups(defaults)
        self.dampening = dampening
        self.nesterov = nesterov
        if self.dynamic_lr:
            self._add_global_step()
        self._add_momentum(momentum)
        self.params = self.parameters
        self._add_state("accum", "zeros", "accum")
        self._add_state("stat", "ones", "stat")
        self._first = True
        self._stat_stamp = self._stamp_stat()

    def _stamp_stat(self):
        t = self._state_tuples["stat"][0]
        return t._version, t.data_ptr()

    def _begin(self):
        ctx = super()._begin()
        if self._stat_stamp != self._stamp_stat():   # stat written from outside: read it once
            self._first = bool(self._state_tuples["stat"][0].reshape(-1)[0] > 0)
            self._stat_stamp = self._stamp_stat()
        return ctx

    def _update(self, group, lr, params, grads, states, ctx):
        F.sgd(params, grads, states["accum"], first_step=self._first, lr=lr,
              momentum=group["momentum"], dampening=group["dampening"],
              weight_decay=group["weight_decay"], nesterov=group["nesterov"],
              loss_scale=group["loss_scale"], foreach=group["foreach"])

    def _end(self, ctx):
        if self._first and any(g["momentum"] > 0 for g in self.param_groups):
            torch._foreach_zero_([t.detach() for t in self._state_tuples["stat"]])
            self._first = False
            self._stat_stamp = self._stamp_stat()
        return super()._end(ctx)
