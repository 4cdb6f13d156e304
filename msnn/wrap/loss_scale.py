"""mindspore.nn.wrap.loss_scale: loss-scaled training on torch's AMP machinery.

How this relates to ``torch.amp.GradScaler``: both multiply the backward pass's upstream gradient
by a scale S, unscale the gradients by 1/S, check them for inf/NaN with the fused kernel
``torch._amp_foreach_non_finite_check_and_unscale_`` (the one GradScaler uses), skip the optimizer
step when one is found, and adjust S. What differs is MindSpore's rule for S, which is kept here:

* On overflow S becomes ``max(S / scale_factor, 1.0)`` -- a floor at 1.0; GradScaler has no floor.
* S grows by ``scale_factor`` on the step that completes ``scale_window`` clean steps counted since
  the start or the last overflow/growth, with no cap; GradScaler refuses a growth that would make
  S non-finite. A ``scale_window <= 1`` grows on every clean step (``torch._amp_update_scale_``
  with ``growth_interval=0`` would never grow).
* The step counters are MindSpore's checkpointed int32 Parameters ``current_iterator_step`` and
  ``last_overflow_iterator_step`` rather than GradScaler's growth tracker.

Because of the floor and the uncapped growth, ``torch._amp_update_scale_`` cannot express the rule;
:class:`DynamicLossScaleUpdateCell` applies it with a few elementwise tensor ops (no host sync).
"""
import torch

from .._api import ms_api
from .. import _validator as V
from .. import context
from ..cell import Cell
from ..common.parameter import Parameter, ParameterTuple
from .cell_wrapper import _check_network, _check_optimizer, _graph_step, _weight_grads
from .grad_reducer import auto_reducer

__all__ = ["DynamicLossScaleUpdateCell", "FixedLossScaleUpdateCell", "TrainOneStepWithLossScaleCell"]


_F32_MAX = float(torch.finfo(torch.float32).max)


def _check_scale(value, arg_name, cls_name):
    """A loss scale: a finite number > 0 that float32 can hold."""
    return V.check_number(value, arg_name, cls_name, lower=0, upper=_F32_MAX, lower_open=True)


def _state_device(tensors):
    for t in tensors:
        return t.device
    return context.device()


@ms_api("mindspore.nn.DynamicLossScaleUpdateCell",
        torch="torch.amp.GradScaler's scale update (MindSpore's rule: floor 1.0, uncapped growth)",
        deviations=(
            "loss_scale_value must be a finite number > 0, scale_factor a finite number > 1 and "
            "scale_window an int >= 1 (TypeError for a wrong type, ValueError for a bad value); 0.1 "
            "did not validate them, and NaN/inf/0/negative values stalled training for good.",
            "The scale never grows past float32's largest finite value: a growth that would "
            "overflow to inf keeps the current scale (0.1 grew to inf, after which every step "
            "overflowed and max(inf / factor, 1) = inf never came back).",
        ),
        doc_errors=(
            "The doc's Inputs/Outputs (inputs, label -> scalar) are copy-paste noise: a call takes "
            "(loss_scale_param, overflow), updates the parameter in place and returns overflow.",
        ))
class DynamicLossScaleUpdateCell(Cell):
    r"""Dynamic Loss scale update cell.

    For loss scaling training, the initial loss scaling value will be set to be
    `loss_scale_value`. In every training step, the loss scaling value will be updated by loss
    scaling value/`scale_factor` when there is overflow (never below 1.0). And it will be
    increased by loss scaling value * `scale_factor` if there is no overflow for a continuous
    `scale_window` steps.

    With ``c`` = ``current_iterator_step`` (starts at 1) and ``l`` =
    ``last_overflow_iterator_step`` (starts at 0), one call does:

    1. ``s' = max(s / scale_factor, 1.0)`` if overflow else ``s``;
    2. ``grow = (c - l) >= scale_window``;
    3. if overflow or grow: ``l = c``;
    4. if grow and not overflow: ``s' = s' * scale_factor``;
    5. writes ``s'`` into the loss-scale parameter, ``c = c + 1``, and returns overflow.

    A growth whose float32 result would be inf keeps ``s`` (see the Note).

    Args:
        loss_scale_value (float): Init loss scale, a finite number > 0.
        scale_factor (int): Coefficient of increase and decrease, a finite number > 1.
        scale_window (int): Maximum continuous training steps that do not have overflow, an int >= 1.

    Raises:
        TypeError: If loss_scale_value or scale_factor is not a number, or scale_window not an int.
        ValueError: If loss_scale_value is not finite and > 0, scale_factor not finite and > 1, or
            scale_window < 1.

    Inputs:
        - **loss_scale** (Parameter) - The float32 loss-scale parameter, updated in place.
        - **overflow** (Tensor) - Bool scalar, True when this step's gradients overflowed.

    Outputs:
        Tensor, ``overflow``.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> net_with_loss = nn.WithLossCell(nn.Dense(16, 16), nn.MSELoss())
        >>> optimizer = nn.Momentum(net_with_loss.trainable_params(), learning_rate=0.1, momentum=0.9)
        >>> manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=2**12, scale_factor=2, scale_window=1000)
        >>> train_network = nn.TrainOneStepWithLossScaleCell(net_with_loss, optimizer, scale_update_cell=manager)
        >>> train_network = train_network.set_train()
        >>> inputs = Tensor(np.ones([16, 16]).astype(np.float32))
        >>> label = Tensor(np.zeros([16, 16]).astype(np.float32))
        >>> loss, overflow, scale = train_network(inputs, label)
        >>> bool(overflow), float(scale)
        (False, 4096.0)

    Note:
        ``torch._amp_update_scale_`` (GradScaler's update) is not used because MindSpore floors
        the scale at 1.0 on overflow; the rule above runs as elementwise tensor ops on the device,
        with no host synchronisation. Unlike 0.1, the scale is capped: a growth that would make it
        inf in float32 keeps the last finite scale, so training can always recover (0.1 reached
        inf after enough clean steps and then overflowed on every step for good).
    """

    def __init__(self, loss_scale_value, scale_factor, scale_window):
        super(DynamicLossScaleUpdateCell, self).__init__()
        cls = "DynamicLossScaleUpdateCell"
        _check_scale(loss_scale_value, "loss_scale_value", cls)
        V.check_number(scale_factor, "scale_factor", cls, lower=1, lower_open=True)
        V.check_int(scale_window, "scale_window", cls, lower=1, upper=2 ** 31 - 1)
        device = context.device()
        self.scale_window = torch.tensor(scale_window, dtype=torch.int32, device=device)
        self.scale_factor = torch.tensor(scale_factor, dtype=torch.float32, device=device)
        self.loss_scale_value = loss_scale_value
        self.cur_iter = Parameter(torch.tensor(1, dtype=torch.int32, device=device), name="current_iterator_step")
        self.last_overflow_iter = Parameter(torch.tensor(0, dtype=torch.int32, device=device),
                                            name="last_overflow_iterator_step")
        # MindSpore multiplied by Reciprocal(scale_factor) in float32: the same float32 value
        self._inv_factor = torch.reciprocal(self.scale_factor)

    def get_loss_scale(self):
        """The initial loss scale (``loss_scale_value``)."""
        return self.loss_scale_value

    def construct(self, loss_scale, overflow):
        cur, last = self.cur_iter, self.last_overflow_iter
        with torch.no_grad():
            scale = loss_scale.detach()
            grow = (cur - last) >= self.scale_window
            # overflow: max(s * (1/factor), 1.0); else grow: s * factor; else s  (steps 1, 2 and 4)
            grown = scale * self.scale_factor
            # capped: a growth into inf keeps the scale (see the Note); the counters still follow step 3
            new_scale = torch.where(overflow, torch.clamp_min(scale * self._inv_factor, 1.0),
                                    torch.where(grow & torch.isfinite(grown), grown, scale))
            last.copy_(torch.where(overflow | grow, cur, last))  # step 3
            loss_scale.copy_(new_scale)  # step 5
            cur.add_(1)
        return overflow


@ms_api("mindspore.nn.FixedLossScaleUpdateCell", torch="torch.amp.GradScaler(enabled scale, no update)",
        deviations=("loss_scale_value must be a finite number > 0 (TypeError for a wrong type, ValueError "
                    "for a bad value); 0.1 did not validate it.",))
class FixedLossScaleUpdateCell(Cell):
    """Static scale update cell, the loss scaling value will not be updated.

    For usage please refer to :class:`DynamicLossScaleUpdateCell`.

    Args:
        loss_scale_value (float): Init loss scale.

    Inputs:
        - **loss_scale** (Parameter) - The loss-scale parameter (left unchanged).
        - **overflow** (Tensor) - Bool scalar.

    Outputs:
        Tensor, ``overflow``.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> net_with_loss = nn.WithLossCell(nn.Dense(16, 16), nn.MSELoss())
        >>> optimizer = nn.Momentum(net_with_loss.trainable_params(), learning_rate=0.1, momentum=0.9)
        >>> manager = nn.FixedLossScaleUpdateCell(loss_scale_value=2**12)
        >>> train_network = nn.TrainOneStepWithLossScaleCell(net_with_loss, optimizer, scale_update_cell=manager)
        >>> train_network = train_network.set_train()
        >>> inputs = Tensor(np.ones([16, 16]).astype(np.float32))
        >>> label = Tensor(np.zeros([16, 16]).astype(np.float32))
        >>> output = train_network(inputs, label)
        >>> float(output[2])
        4096.0
    """

    def __init__(self, loss_scale_value):
        super(FixedLossScaleUpdateCell, self).__init__()
        _check_scale(loss_scale_value, "loss_scale_value", "FixedLossScaleUpdateCell")
        self.loss_scale_value = loss_scale_value

    def get_loss_scale(self):
        """The fixed loss scale (``loss_scale_value``)."""
        return self.loss_scale_value

    def construct(self, _, overflow):
        return overflow


@ms_api("mindspore.nn.TrainOneStepWithLossScaleCell",
        torch="torch.autograd.grad with upstream S + torch._amp_foreach_non_finite_check_and_unscale_ "
              "(GradScaler's unscale/inf check)",
        deviations=(
            "Overflow is 'any gradient is inf or NaN' (after the all-reduce when data-parallel), "
            "where Ascend read the NPU float-status flags of the whole backward pass.",
            "GRAPH_MODE compiles the step with torch.compile (the loss network, whose backward "
            "AOTAutograd compiles, and the optimizer update) after a timed eager warm-up, and keeps "
            "it only where it is faster than eager; results equal eager within float rounding.",
            "Skipping the optimizer on overflow costs one host sync per step (a bool read), as "
            "torch.amp.GradScaler.step does for non-fused optimizers.",
            "Calling it with sens=None and no scale_update_cell raises ValueError (0.1 failed in "
            "graph compilation).",
            "The returned loss is detached and the returned scale is a copy of the loss_scale "
            "parameter after this step's update (0.1 returned the parameter itself).",
        ),
        doc_errors=(
            "The example builds DynamicLossScaleUpdateCell(init_loss_scale=2**12, ...); the keyword "
            "is loss_scale_value, and init_loss_scale raises TypeError in 0.1 and in msnn.",
        ))
class TrainOneStepWithLossScaleCell(Cell):
    r"""Network training with loss scaling.

    This is a training step with loss scaling. It takes a network, an optimizer and possibly a
    scale update Cell as args. The `sens` is acting as loss scaling value. If you want to update
    it on host side, the value should be provided. If `sens` is not given, the loss scale update
    logic should be provided by `scale_update_cell`. If `scale_update_cell` is not None and `sens`
    is provided, the `scale_update_cell` will be ignored.

    One step: ``loss = network(data, label)``; gradients of ``loss`` with respect to the weights
    with the upstream gradient ``S`` (``sens``, or the ``loss_scale`` Parameter, cast to the loss
    dtype); each gradient times ``1/S``; all-reduce when data-parallel; ``overflow`` = any
    gradient holds inf or NaN; with ``sens=None`` the scale update cell updates ``loss_scale``;
    the optimizer runs only when there is no overflow.

    Args:
        network (Cell): The training network.
        optimizer (Cell): Optimizer for updating the weights.
        scale_update_cell (Cell): The loss scaling update logic cell. Default: None.

    Inputs:
        - **inputs** (Tensor) - Tensor of shape :math:`(N, \ldots)`.
        - **label** (Tensor) - Tensor of shape :math:`(N, \ldots)`.
        - **scaling_sens** (Tensor) - Tensor of shape :math:`()`. Default: None.

    Outputs:
        Tuple of 3 Tensor, the loss, overflow flag and current loss scaling value.

        - **loss** (Tensor) - Tensor with shape :math:`()`.
        - **overflow** (Tensor) - Tensor with shape :math:`()`, type is bool.
        - **loss_scale** (Tensor) - Tensor with shape :math:`()`: ``scaling_sens`` when given,
          else the loss scale after this step's update.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> net_with_loss = nn.WithLossCell(nn.Dense(16, 16), nn.MSELoss())
        >>> optimizer = nn.Momentum(net_with_loss.trainable_params(), learning_rate=0.1, momentum=0.9)
        >>> manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=2**12, scale_factor=2, scale_window=1000)
        >>> train_network = nn.TrainOneStepWithLossScaleCell(net_with_loss, optimizer, scale_update_cell=manager)
        >>> train_network = train_network.set_train()
        >>> inputs = Tensor(np.ones([16, 16]).astype(np.float32))
        >>> label = Tensor(np.zeros([16, 16]).astype(np.float32))
        >>> scaling_sens = Tensor(np.full((1), np.finfo(np.float32).max), dtype=nn.float32)
        >>> loss, overflow, scale = train_network(inputs, label, scaling_sens)
        >>> overflow.dtype == nn.bool_, overflow.shape()
        (True, ())

    Note:
        Built on torch's AMP machinery: the unscaled gradients are checked with
        ``torch._amp_foreach_non_finite_check_and_unscale_``, the fused kernel
        ``torch.amp.GradScaler`` uses (here with ``inv_scale=1`` because the unscale already ran
        as ``torch._foreach_mul``, which gives the fresh tensors the in-place kernel needs --
        ``torch.autograd.grad`` may return one tensor for several weights). Unlike GradScaler the
        scale follows MindSpore's rule (see :class:`DynamicLossScaleUpdateCell`). Skipping the
        optimizer reads the overflow flag on the host once per step, as ``GradScaler.step`` does;
        everything else stays on the device, so it runs unchanged on CUDA with float16 networks
        from ``Cell.to_float``. The doc example's ``init_loss_scale=`` keyword does not exist:
        use ``loss_scale_value=``. In GRAPH_MODE the loss network and the optimizer update are
        compiled as in :class:`TrainOneStepCell`; the unscale, the overflow check, the scale
        update and the skip of the update on overflow run between them, as in eager mode.
    """

    def __init__(self, network, optimizer, scale_update_cell=None):
        super(TrainOneStepWithLossScaleCell, self).__init__(auto_prefix=False)
        cls = "TrainOneStepWithLossScaleCell"
        _check_network(network, "network", cls, params=True)
        _check_optimizer(optimizer, cls)
        if scale_update_cell is not None and (not isinstance(scale_update_cell, Cell)
                                              or not callable(getattr(scale_update_cell, "get_loss_scale", None))):
            V.fail(cls, "scale_update_cell", "None or a loss-scale update Cell (with get_loss_scale())",
                   V._Raw(type(scale_update_cell).__name__), exc=TypeError)
        if scale_update_cell is not None:
            _check_scale(scale_update_cell.get_loss_scale(), "scale_update_cell", cls)
        self.network = network
        if isinstance(network, Cell):
            network.add_flags(defer_inline=True)
        self.weights = ParameterTuple(network.trainable_params())
        self.optimizer = optimizer
        self.grad_reducer = auto_reducer(optimizer.parameters, network)
        self.reducer_flag = self.grad_reducer is not None
        self.loss_scale = None
        self.loss_scaling_manager = scale_update_cell
        device = _state_device(self.weights)
        if scale_update_cell:
            self.loss_scale = Parameter(
                torch.tensor(scale_update_cell.get_loss_scale(), dtype=torch.float32, device=device),
                name="loss_scale")
        self._one = torch.ones(1, dtype=torch.float32, device=device)
        self._graph = _graph_step(self)

    def construct(self, data, label, sens=None):
        return self._graph(self, data, label, sens)

    def _step(self, network, optimizer, data, label, sens=None):
        """One step with ``network`` (the loss network or its compiled form) and ``optimizer``
        (the optimizer's call or its compiled update)."""
        loss = network(data, label)
        if sens is None:
            if self.loss_scale is None:
                V.fail("TrainOneStepWithLossScaleCell", "sens", "given when there is no scale_update_cell", sens)
            scale = self.loss_scale.detach()
        else:
            scale = torch.as_tensor(sens, dtype=torch.float32, device=loss.device)
        grads = _weight_grads(loss, self.weights, scale.to(loss.dtype).reshape(()).expand(loss.shape))
        grads = torch._foreach_mul(grads, torch.reciprocal(scale.float()).reshape(()))
        if self.reducer_flag:
            grads = self.grad_reducer(grads)
        found_inf = torch.zeros(1, dtype=torch.float32, device=self._one.device)
        if grads:
            _check_non_finite(grads, found_inf, self._one)
        cond = found_inf[0] > 0
        overflow = cond
        if sens is None:
            overflow = self.loss_scaling_manager(self.loss_scale, cond)
            scale = self.loss_scale.detach().clone()
        if not overflow:  # the one host sync per step: MindSpore skips the optimizer on overflow
            optimizer(grads)
        return loss.detach(), cond, scale if sens is None else sens


def _check_non_finite(grads, found_inf, one):
    """GradScaler's fused inf/NaN check (``inv_scale`` 1); grouped per device only if it must be."""
    try:
        torch._amp_foreach_non_finite_check_and_unscale_(grads, found_inf, one)
    except RuntimeError:  # gradients on several devices (model parallel): one call per device
        for dev in {g.device for g in grads}:
            flag = torch.zeros(1, dtype=torch.float32, device=dev)
            torch._amp_foreach_non_finite_check_and_unscale_([g for g in grads if g.device == dev], flag,
                                                             one.to(dev))
            found_inf.add_(flag.to(found_inf.device))
