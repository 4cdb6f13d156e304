"""mindspore.nn.optim.momentum: ``Momentum`` (heavy-ball SGD with MindSpore's filtered L2)."""
import torch

from .._api import ms_api
from .. import _validator as V
from . import _functional as F
from .optimizer import Optimizer, _check_loss_scale, _filter_flags

__all__ = ["Momentum"]


def _check_momentum(momentum, cls_name):
    """0.1 raised ValueError only for a float < 0 (a negative int slipped through); anything that
    is not a number could not become the ``momentum`` Parameter (ValueError)."""
    if isinstance(momentum, torch.Tensor) and momentum.numel() == 1:
        momentum = float(momentum)
    V.check_number(momentum, "momentum", cls_name, exc=ValueError)
    if momentum < 0:  # 0.1 let a negative int through; msnn refuses every negative momentum
        V.fail(cls_name, "momentum", "a float >= 0.0", momentum)
    return float(momentum)


@ms_api("mindspore.nn.Momentum", torch="torch.optim.SGD(momentum=m) maths (custom foreach kernel)",
        deviations=(
            "loss_scale <= 0 raises ValueError (0.1 failed with ZeroDivisionError or divided by a "
            "negative scale).",
            "A negative momentum of any type and a negative weight_decay raise ValueError, a "
            "decay_filter that is not callable TypeError (0.1 let a negative int momentum and any "
            "weight_decay through).",
        ))
class Momentum(Optimizer):
    r"""Implements the Momentum algorithm.

    Per step, for each parameter ``w`` with gradient ``g``:
    ``g += (weight_decay * loss_scale) * w`` (only if ``weight_decay > 0`` and ``decay_filter(w)``),
    ``g /= loss_scale``, ``v = momentum * v + g``, ``w -= learning_rate * v``.

    Args:
        params (list[Parameter]): The parameters to update.
        learning_rate (Union[float, Tensor, Iterable]): Fixed (float, 0-d Tensor) or dynamic
            (Iterable, 1-d Tensor: the i-th step uses the i-th value) learning rate.
        momentum (float): Weight of the old velocity. Must be >= 0.0.
        weight_decay (float): L2 penalty. Default: 0.0.
        loss_scale (float): The static loss scale the gradients are divided by. Default: 1.0.
        decay_filter (Function): Which parameters get weight decay. Default:
            ``lambda x: 'beta' not in x.name and 'gamma' not in x.name`` (evaluated once, at
            construction, on the parameter names).

    Inputs:
        - **gradients** (tuple[Tensor]) - The gradients of ``params``, same shapes.

    Outputs:
        tuple[bool], True for each parameter.

    Raises:
        ValueError: If ``momentum`` is a float < 0.0.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> w = nn.Parameter(nn.Tensor(np.ones((2, 2)), nn.float32), name='fc.weight')
        >>> optim = nn.Momentum(params=[w], learning_rate=0.1, momentum=0.9)
        >>> optim((nn.Tensor(np.ones((2, 2)), nn.float32),))
        (True,)
        >>> round(float(w.asnumpy()[0, 0]), 6), optim.moments[0].name
        (0.9, 'moments.fc.weight')

    Note:
        Also a ``torch.optim.Optimizer`` (see :class:`Optimizer`): the parameters passing
        ``decay_filter`` form one parameter group (``weight_decay``), the others a second group
        (``weight_decay=0``) when ``weight_decay > 0``.
    """

    def __init__(self, params, learning_rate, momentum, weight_decay=0.0, loss_scale=1.0,
                 decay_filter=lambda x: 'beta' not in x.name and 'gamma' not in x.name):
        super().__init__(learning_rate, params)
        cls_name = type(self).__name__
        momentum = _check_momentum(momentum, cls_name)
        weight_decay = float(V.check_number(weight_decay, "weight_decay", cls_name, lower=0.0))
        loss_scale = _check_loss_scale(loss_scale, cls_name)
        flags = _filter_flags(decay_filter, self.parameters, "decay_filter", cls_name)
        defaults = {"lr": self.param_groups[0]["lr"], "momentum": momentum,
                    "weight_decay": weight_decay, "loss_scale": loss_scale}
        self._set_groups(defaults, flags if weight_decay > 0 else None,
                         {"weight_decay": weight_decay}, {"weight_decay": 0.0})
        if self.dynamic_lr:
            self._add_global_step()
        self._add_momentum(momentum)
        self.params = self.parameters
        self._add_state("moments", "zeros", "moments")
        self.decay_tf = flags

    def _update(self, group, lr, params, grads, states, ctx):
        F.momentum(params, grads, states["moments"], lr=lr, momentum=group["momentum"],
                   weight_decay=group["weight_decay"], loss_scale=group["loss_scale"],
                   foreach=group["foreach"])
