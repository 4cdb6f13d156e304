"""``mindspore.train.amp``: mixed-precision training networks (``build_train_network``).

Level ``O2`` runs the network in half precision through :meth:`msnn.Cell.to_float` (each cell
casts its floating inputs and reads its trainable parameters as casts; the float32 parameters stay
the master weights and receive float32 gradients), keeps BatchNorm in float32, computes the loss in
float32 and trains with dynamic loss scaling. The half type is float16 on CUDA and bfloat16 on the
CPU (float16 kernels on the CPU are slow and partly missing; bfloat16 is the CPU's native reduced
precision, with float32's exponent range).
"""
import torch

from .._api import ms_api
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from .loss_scale_manager import DynamicLossScaleManager, LossScaleManager

__all__ = ["build_train_network"]

_LEVELS = ("O0", "O2")
_KWARGS = ("cast_model_type", "keep_batchnorm_fp32", "loss_scale_manager")


def _config_level(level):
    if level == "O2":
        return {"keep_batchnorm_fp32": True, "cast_model_type": mstype.float16,
                "loss_scale_manager": DynamicLossScaleManager()}
    return {"keep_batchnorm_fp32": False, "cast_model_type": mstype.float32, "loss_scale_manager": None}


def _half_type(network):
    """float16 where the network's parameters live on CUDA, bfloat16 on the CPU."""
    for p in network.parameters():
        return torch.float16 if p.device.type == "cuda" else torch.bfloat16
    from .. import context  # pylint: disable=import-outside-toplevel
    return torch.float16 if context.device().type == "cuda" else torch.bfloat16


def _batchnorm_types():
    from ..layer.normalization import BatchNorm1d, BatchNorm2d  # pylint: disable=import-outside-toplevel
    return BatchNorm1d, BatchNorm2d


def _cast_floats(inputs, dst):
    return tuple(x.to(dst) if isinstance(x, torch.Tensor) and x.is_floating_point() else x for x in inputs)


def _output_to(dst):
    def hook(cell, inputs, output):  # pylint: disable=unused-argument
        return output.to(dst) if isinstance(output, torch.Tensor) and output.is_floating_point() else output
    return hook


def _inputs_to(dst):
    def hook(cell, inputs):  # pylint: disable=unused-argument
        return _cast_floats(inputs, dst)
    return hook


def _drop_to_float(cell):
    """Undo ``Cell.to_float`` on one cell (its hooks and compute dtype)."""
    d = cell.__dict__
    for handle in d.pop("_cast_hooks", ()):
        handle.remove()
    d.pop("_cast_dtype", None)
    d.pop("_cast_active", None)


def _cast_network(network, low, keep_batchnorm_fp32):
    """``network.to_float(float16)`` with ``low`` as the half type (bfloat16 on the CPU).

    BatchNorm cells either run in float32 with a half output (``keep_batchnorm_fp32``, 0.1's
    OutputTo16), or take a half input with float32 affine parameters and statistics (torch's
    mixed-precision batch_norm: casting gamma/beta alone would mix dtypes it refuses).
    """
    network.to_float(mstype.float16)
    batchnorms = _batchnorm_types()
    for _, cell in network.cells_and_names():
        if not isinstance(cell, Cell):
            continue
        if isinstance(cell, batchnorms):
            if keep_batchnorm_fp32:
                cell.to_float(mstype.float32)
                cell.register_forward_hook(_output_to(low))
            else:
                _drop_to_float(cell)
                cell.register_forward_pre_hook(_inputs_to(low))
        elif "_cast_dtype" in cell.__dict__:
            cell.__dict__["_cast_dtype"] = low


class _AmpWithLossCell(Cell):
    """``WithLossCell`` for a half-precision backbone: the loss is computed in float32."""

    def __init__(self, backbone, loss_fn):
        super(_AmpWithLossCell, self).__init__(auto_prefix=False)
        self._backbone = backbone
        self._loss_fn = loss_fn

    def construct(self, data, label):
        out = self._backbone(data)
        if isinstance(label, torch.Tensor) and label.is_floating_point():
            label = label.float()
        return self._loss_fn(out.float(), label)

    @property
    def backbone_network(self):
        """The backbone network."""
        return self._backbone


def _check_kwargs(kwargs):
    cls = "build_train_network"
    for arg in kwargs:
        if arg not in _KWARGS:
            V.fail(cls, "kwargs", "among " + ", ".join(_KWARGS), arg)
    if "cast_model_type" in kwargs and not any(kwargs["cast_model_type"] is t for t in (mstype.float16,
                                                                                         mstype.float32)):
        V.fail(cls, "cast_model_type", "float16 or float32", kwargs["cast_model_type"])
    if "keep_batchnorm_fp32" in kwargs:
        V.check_bool(kwargs["keep_batchnorm_fp32"], "keep_batchnorm_fp32", cls, exc=ValueError)
    manager = kwargs.get("loss_scale_manager")
    if manager is not None:
        V.check_type(manager, "loss_scale_manager", cls, LossScaleManager, exc=ValueError)


@ms_api("mindspore.train.amp.build_train_network",
        torch="Cell.to_float casts (float16 on CUDA, bfloat16 on CPU) + TrainOneStep[WithLossScale]Cell",
        deviations=(
            "O2 (cast_model_type=float16) runs in float16 on CUDA but in bfloat16 on the CPU (float16 CPU "
            "kernels are slow and partly missing).",
            "keep_batchnorm_fp32 makes the BatchNorm cells run in float32 without wrapping them, so "
            "parameter names and state_dict keys do not change.",
            "A loss_scale_manager with an update cell (DynamicLossScaleManager, the O2 default, or "
            "FixedLossScaleManager(drop_overflow_update=True)) builds TrainOneStepWithLossScaleCell on every "
            "device, as 0.1 did only with GE; 0.1 raised ValueError elsewhere.",
        ))
def build_train_network(network, optimizer, loss_fn=None, level='O0', **kwargs):
    """Builds the (mixed-precision) training cell.

    ``O0`` changes nothing: ``TrainOneStepCell(WithLossCell(network, loss_fn), optimizer, 1.0)``.
    ``O2`` casts the network to half precision, keeps BatchNorm in float32 and the loss in
    float32, and scales the loss dynamically (``DynamicLossScaleManager()``), training with
    :class:`msnn.TrainOneStepWithLossScaleCell`. A keyword overrides its level's setting.

    Args:
        network (Cell): Definition of the network.
        optimizer (Optimizer): Optimizer to update the Parameter.
        loss_fn (Union[None, Cell]): Definition of the loss_fn. If None, the `network` should
            have the loss inside. Default: None.
        level (str): Supports [O0, O2]. Default: "O0".
        cast_model_type (:class:`msnn.dtype`): float16 or float32; overrides the level.
        keep_batchnorm_fp32 (bool): Keep BatchNorm in float32; overrides the level.
        loss_scale_manager (Union[None, LossScaleManager]): The loss-scale policy; overrides the level.
            A manager without an update cell (``FixedLossScaleManager(drop_overflow_update=False)``)
            gives ``TrainOneStepCell(..., sens=loss_scale)``.

    Raises:
        ValueError: If an argument has the wrong type or value, or an unknown keyword is given.

    Examples:
        >>> import msnn as nn
        >>> from msnn.train.amp import build_train_network
        >>> net = nn.Dense(3, 2)
        >>> opt = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
        >>> train_net = build_train_network(net, opt, nn.MSELoss(), level="O0")
        >>> type(train_net).__name__, train_net.training
        ('TrainOneStepCell', True)

    Note:
        msnn's half type for O2 is float16 on CUDA and bfloat16 on the CPU. BatchNorm cells keep
        their place in the network (their forward runs in float32), so parameter names do not
        change.
    """
    from ..optim.optimizer import Optimizer  # pylint: disable=import-outside-toplevel
    from ..wrap.cell_wrapper import WithLossCell, TrainOneStepCell  # pylint: disable=import-outside-toplevel
    from ..wrap.loss_scale import TrainOneStepWithLossScaleCell  # pylint: disable=import-outside-toplevel
    cls = "build_train_network"
    V.check_type(network, "network", cls, Cell, exc=ValueError)
    V.check_type(optimizer, "optimizer", cls, Optimizer, exc=ValueError)
    V.check_in(level, "level", cls, _LEVELS)
    _check_kwargs(kwargs)
    config = dict(_config_level(level), **kwargs)

    half = config["cast_model_type"] is mstype.float16
    if half:
        _cast_network(network, _half_type(network), config["keep_batchnorm_fp32"])
    if loss_fn:
        V.check_type(loss_fn, "loss_fn", cls, Cell, exc=ValueError)
        network = _AmpWithLossCell(network, loss_fn) if half else WithLossCell(network, loss_fn)

    loss_scale = 1.0
    manager = config["loss_scale_manager"]
    if manager is not None:
        loss_scale = manager.get_loss_scale()
        update_cell = manager.get_update_cell()
        if update_cell is not None:
            return TrainOneStepWithLossScaleCell(network, optimizer, scale_update_cell=update_cell).set_train()
    return TrainOneStepCell(network, optimizer, loss_scale).set_train()
