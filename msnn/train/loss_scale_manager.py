"""``mindspore.train.loss_scale_manager``: the host-side loss-scale policies ``Model`` uses.

A manager hands ``Model`` its loss scale and, through :meth:`get_update_cell`, the update cell of
:class:`msnn.TrainOneStepWithLossScaleCell`. When it drops overflowed updates, ``Model`` feeds the
manager's scale to the training cell every step as ``sens`` and calls
:meth:`update_loss_scale` with the step's overflow flag, as 0.1 did.
"""
from .._api import ms_api
from .. import _validator as V

__all__ = ["LossScaleManager", "FixedLossScaleManager", "DynamicLossScaleManager"]


@ms_api("mindspore.train.loss_scale_manager.LossScaleManager", torch="torch.amp.GradScaler (interface)")
class LossScaleManager:
    """Loss scale manager abstract class: :meth:`get_loss_scale`, :meth:`update_loss_scale`,
    :meth:`get_update_cell`.

    Examples:
        >>> from msnn.train.loss_scale_manager import LossScaleManager, FixedLossScaleManager
        >>> isinstance(FixedLossScaleManager(), LossScaleManager)
        True
    """

    def get_loss_scale(self):
        """Get loss scale value."""

    def update_loss_scale(self, overflow):
        """Update loss scale value.

        Args:
            overflow (bool): Whether it overflows.
        """

    def get_update_cell(self):
        """Get the loss scaling update logic cell."""


@ms_api("mindspore.train.loss_scale_manager.FixedLossScaleManager",
        torch="torch.amp.GradScaler(init_scale=loss_scale, growth_factor=1, backoff_factor=1)",
        deviations=("loss_scale must be a finite number (TypeError otherwise) and drop_overflow_update a "
                    "bool (TypeError); 0.1 only compared loss_scale with 1.",))
class FixedLossScaleManager(LossScaleManager):
    """Fixed loss-scale manager.

    Args:
        loss_scale (float): Loss scale. Default: 128.0.
        drop_overflow_update (bool): whether to skip the optimizer update on a step whose
            gradients overflow. Default: True.

    Raises:
        ValueError: If `loss_scale` is less than 1.

    Examples:
        >>> from msnn.train.loss_scale_manager import FixedLossScaleManager
        >>> manager = FixedLossScaleManager(1024, drop_overflow_update=False)
        >>> manager.get_loss_scale(), manager.get_update_cell() is None
        (1024, True)

    Note:
        With ``drop_overflow_update=False`` ``Model`` trains with ``TrainOneStepCell(sens=loss_scale)``
        (give the optimizer the same ``loss_scale`` to undo it); with True it trains with
        :class:`msnn.TrainOneStepWithLossScaleCell`, skipping steps whose gradients overflow.
    """

    def __init__(self, loss_scale=128.0, drop_overflow_update=True):
        V.check_number(loss_scale, "loss_scale", "FixedLossScaleManager", lower=1)
        V.check_bool(drop_overflow_update, "drop_overflow_update", "FixedLossScaleManager")
        self._loss_scale = loss_scale
        self._drop_overflow_update = drop_overflow_update

    def get_loss_scale(self):
        """Get loss scale value."""
        return self._loss_scale

    def get_drop_overflow_update(self):
        """Whether the optimizer update is dropped on a step that overflows."""
        return self._drop_overflow_update

    def update_loss_scale(self, overflow):
        """The scale is fixed: nothing to update.

        Args:
            overflow (bool): Whether it overflows.
        """

    def get_update_cell(self):
        """A :class:`msnn.FixedLossScaleUpdateCell`, or None when overflowed updates are not dropped."""
        if not self._drop_overflow_update:
            return None
        from ..wrap.loss_scale import FixedLossScaleUpdateCell  # pylint: disable=import-outside-toplevel
        return FixedLossScaleUpdateCell(self._loss_scale)


@ms_api("mindspore.train.loss_scale_manager.DynamicLossScaleManager",
        torch="torch.amp.GradScaler (MindSpore's host-side rule: floor 1, growth when the steps since "
              "the last overflow are a multiple of scale_window)",
        deviations=("init_loss_scale and scale_factor must be finite numbers (TypeError otherwise); "
                    "0.1 only compared them.",))
class DynamicLossScaleManager(LossScaleManager):
    """Dynamic loss-scale manager.

    On a step that overflows the scale becomes ``max(scale / scale_factor, 1)``; on a clean step
    at iteration ``i`` (counted from 1) it is multiplied by ``scale_factor`` when
    ``i - last_overflow_iteration`` is a multiple of ``scale_window``. More than 1000 overflows in
    a row raise RuntimeError.

    Args:
        init_loss_scale (float): Init loss scale. Default: 2**24.
        scale_factor (int): Coefficient of increase and decrease. Default: 2.
        scale_window (int): Maximum continuous normal steps when there is no overflow. Default: 2000.

    Raises:
        ValueError: If `init_loss_scale` < 1, `scale_factor` <= 0 or `scale_window` is not a
            positive int.

    Examples:
        >>> from msnn.train.loss_scale_manager import DynamicLossScaleManager
        >>> manager = DynamicLossScaleManager(init_loss_scale=8, scale_factor=2, scale_window=2)
        >>> for overflow in (False, False, True):
        ...     manager.update_loss_scale(overflow)
        >>> manager.get_loss_scale()
        8.0
    """

    def __init__(self, init_loss_scale=2 ** 24, scale_factor=2, scale_window=2000):
        cls = "DynamicLossScaleManager"
        V.check_number(init_loss_scale, "init_loss_scale", cls, lower=1.0)
        V.check_int(scale_window, "scale_window", cls, lower=1, exc=ValueError)
        V.check_number(scale_factor, "scale_factor", cls, lower=0, lower_open=True)
        self.loss_scale = init_loss_scale
        self.scale_window = scale_window
        self.scale_factor = scale_factor
        self.increase_ratio = scale_factor
        self.decrease_ratio = 1 / scale_factor
        self.cur_iter = 1
        self.last_overflow_iter = 0
        self.bad_step_max = 1000
        self.bad_step = 0

    def get_loss_scale(self):
        """Get loss scale value."""
        return self.loss_scale

    def update_loss_scale(self, overflow):
        """Update loss scale value.

        Args:
            overflow (bool): Whether it overflows.

        Raises:
            RuntimeError: After more than 1000 overflows in a row.
        """
        if overflow:
            self.loss_scale = max(self.loss_scale * self.decrease_ratio, 1)
            self.last_overflow_iter = self.cur_iter
            self.bad_step += 1
        else:
            if (self.cur_iter - self.last_overflow_iter) % self.scale_window == 0:
                self.loss_scale *= self.increase_ratio
            self.bad_step = 0
        if self.bad_step > self.bad_step_max:
            raise RuntimeError(f"For 'DynamicLossScaleManager', the loss scale overflowed {self.bad_step} "
                               f"steps in a row (more than {self.bad_step_max}); training stops.")
        self.cur_iter += 1

    def get_drop_overflow_update(self):
        """Always True: a step that overflows does not update the weights."""
        return True

    def get_update_cell(self):
        """A :class:`msnn.DynamicLossScaleUpdateCell` starting from the current scale."""
        from ..wrap.loss_scale import DynamicLossScaleUpdateCell  # pylint: disable=import-outside-toplevel
        return DynamicLossScaleUpdateCell(self.loss_scale, self.scale_factor, self.scale_window)
