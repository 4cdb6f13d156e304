"""mindspore.nn.metrics.error: ``MAE`` and ``MSE``.

Both sum the error over ALL elements but divide by the accumulated first-dimension size of ``y``
(the batch size), as MindSpore 0.1 did -- not by the element count.
"""
import numpy as np

from .._api import ms_api
from .. import _validator as V
from .metric import Metric

__all__ = ["MAE", "MSE"]

_BATCH_DIVISOR = ("The doc divides by n (elements); 0.1 divides the sum over all elements by the "
                  "accumulated batch size (y.shape[0]), as msnn does.",)


class _ErrorBase(Metric):
    """Sum of ``error(y.reshape(y_pred.shape) - y_pred)`` over all elements / Σ ``y.shape[0]``."""

    def __init__(self):
        super().__init__()
        self.clear()

    def clear(self):
        """Clears the internal evaluation result."""
        self._error_sum = np.float64(0.0)
        self._samples_num = 0

    @staticmethod
    def _error(diff):
        raise NotImplementedError("subclasses define the per-element error")

    def update(self, *inputs):
        """Updates the internal evaluation result :math:`y_{pred}` and :math:`y`.

        Args:
            inputs: Input `y_pred` and `y`; `y` is reshaped to the shape of `y_pred`.

        Raises:
            ValueError: If the number of the inputs is not 2.
        """
        y_pred, y = self._pair(inputs, onehot_to_index=False)
        if y.size != y_pred.size:
            V.fail(type(self).__name__, "y", f"{y_pred.size} values (the shape of 'y_pred' {y_pred.shape})",
                   V._Raw(f"shape {y.shape}"))
        error = self._error(y.reshape(y_pred.shape) - y_pred)
        self._error_sum += error.sum()
        self._samples_num += y.shape[0]

    def eval(self):
        """The error sum divided by the number of samples (the accumulated batch size).

        Raises:
            RuntimeError: If the number of samples is 0.
        """
        if self._samples_num == 0:
            raise RuntimeError(f"For '{type(self).__name__}', the total number of samples must not "
                               "be 0: call update() before eval().")
        return self._error_sum / self._samples_num


@ms_api("mindspore.nn.MAE", torch="(none: numpy on the host)", doc_errors=_BATCH_DIVISOR)
class MAE(_ErrorBase):
    r"""Calculates the mean absolute error.

    .. math::
        \text{MAE} = \frac{\sum_{i} |y_i - x_i|}{N}

    where the sum runs over all elements and :math:`N` is the total batch size (first dimension
    of `y` as given, before it is reshaped to `y_pred`'s shape) of all updates.

    Note:
        The method `update` must be called with the form `update(y_pred, y)`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> x = Tensor(np.array([0.1, 0.2, 0.6, 0.9]), mindspore.float32)
        >>> y = Tensor(np.array([0.1, 0.25, 0.7, 0.9]), mindspore.float32)
        >>> error = nn.MAE()
        >>> error.clear()
        >>> error.update(x, y)
        >>> print(error.eval())
        0.037499990314245224
    """

    @staticmethod
    def _error(diff):
        return np.abs(diff)


@ms_api("mindspore.nn.MSE", torch="(none: numpy on the host)", doc_errors=_BATCH_DIVISOR)
class MSE(_ErrorBase):
    r"""Measures the mean squared error.

    .. math::
        \text{MSE}(x,\ y) = \frac{\sum_{i}(y_i - x_i)^2}{N}

    where the sum runs over all elements and :math:`N` is the total batch size (first dimension
    of `y` as given, before it is reshaped to `y_pred`'s shape) of all updates.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> x = Tensor(np.array([0.1, 0.2, 0.6, 0.9]), mindspore.float32)
        >>> y = Tensor(np.array([0.1, 0.25, 0.5, 0.9]), mindspore.float32)
        >>> error = nn.MSE()
        >>> error.clear()
        >>> error.update(x, y)
        >>> print(error.eval())
        0.0031250009778887033
    """

    @staticmethod
    def _error(diff):
        return np.power(diff, 2)
