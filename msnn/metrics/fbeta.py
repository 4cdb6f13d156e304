"""mindspore.nn.metrics.fbeta: ``Fbeta`` and ``F1``."""
import sys

import numpy as np

from .._api import ms_api
from .. import _validator as V
from .evaluation import _index_onehots
from .metric import Metric

__all__ = ["Fbeta", "F1"]


@ms_api("mindspore.nn.Fbeta", torch="(none: numpy on the host)",
        doc_errors=("eval() returns a numpy array with one value per class unless average=True, "
                    "not a float.",))
class Fbeta(Metric):
    r"""Calculates the fbeta score.

    Fbeta score is a weighted mean of precision and recall, per class and over all updates:

    .. math::
        F_\beta=\frac{(1+\beta^2) \cdot true\_positive}
                {(1+\beta^2) \cdot true\_positive +\beta^2 \cdot false\_negative + false\_positive}

    computed as ``(1+beta^2) TP_c / (beta^2 actual_c + predicted_c + eps)``,
    ``eps = sys.float_info.min``. Labels are integer class indices of shape (N,) or (N, 1), or
    one-hot (N, C).

    Args:
        beta (float): The weight of precision; must be > 0.

    Raises:
        ValueError: If ``beta`` is not greater than 0.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> x = Tensor(np.array([[0.2, 0.5], [0.3, 0.1], [0.9, 0.6]]))
        >>> y = Tensor(np.array([1, 0, 1]))
        >>> metric = nn.Fbeta(1)
        >>> metric.update(x, y)
        >>> print(metric.eval())
        [0.66666667 0.66666667]
    """

    def __init__(self, beta):
        super().__init__()
        self.eps = sys.float_info.min
        V.check_number(beta, "beta", type(self).__name__, lower=0, lower_open=True)
        self.beta = beta
        self.clear()

    def clear(self):
        """Clears the internal evaluation result."""
        self._true_positives = 0
        self._actual_positives = 0
        self._positives = 0
        self._class_num = 0

    def update(self, *inputs):
        """Updates the internal evaluation result with `y_pred` and `y`.

        Args:
            inputs: Input `y_pred` (N, C) and `y`: integer class indices (N,) or (N, 1), or one-hot
                (N, C); Tensor, list or numpy.ndarray.

        Raises:
            ValueError: If the number of inputs is not 2, the class count changes between updates,
                or a label is not below C.
        """
        y_pred, y = self._pair(inputs)
        self._fix_class_num(y_pred)
        y_pred, y = _index_onehots(y_pred, y, self._class_num, type(self).__name__)
        self._true_positives = self._true_positives + (y * y_pred).sum(axis=0)
        self._positives = self._positives + y_pred.sum(axis=0)
        self._actual_positives = self._actual_positives + y.sum(axis=0)

    def eval(self, average=False):
        """Computes the fbeta: a numpy array with one value per class, or their mean.

        Args:
            average (bool): Whether to calculate the average fbeta. Default value is False.

        Raises:
            ValueError: If ``average`` is not a bool (checked first).
            RuntimeError: If no sample was given since the last clear.
        """
        V.check_bool(average, "average", type(self).__name__, exc=ValueError)
        if self._class_num == 0:
            raise RuntimeError(f"For '{type(self).__name__}', the number of input samples can not "
                               "be 0: call update() before eval().")
        fbeta = (1.0 + self.beta ** 2) * self._true_positives / \
            (self.beta ** 2 * self._actual_positives + self._positives + self.eps)
        return fbeta.mean() if average else fbeta


@ms_api("mindspore.nn.F1", torch="(none: numpy on the host)",
        doc_errors=("eval() returns a numpy array with one value per class unless average=True, "
                    "not a float.",))
class F1(Fbeta):
    r"""Calculates the F1 score: Fbeta with beta = 1.

    .. math::
        F_1=\frac{2\cdot true\_positive}{2\cdot true\_positive + false\_negative + false\_positive}

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> x = Tensor(np.array([[0.2, 0.5], [0.3, 0.1], [0.9, 0.6]]))
        >>> y = Tensor(np.array([1, 0, 1]))
        >>> metric = nn.F1()
        >>> metric.update(x, y)
        >>> print(metric.eval())
        [0.66666667 0.66666667]
    """

    def __init__(self):
        super().__init__(1.0)
