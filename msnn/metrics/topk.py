"""mindspore.nn.metrics.topk: ``TopKCategoricalAccuracy``, ``Top1CategoricalAccuracy`` and
``Top5CategoricalAccuracy``."""
import numpy as np

from .._api import ms_api
from .. import _validator as V
from .metric import Metric

__all__ = ["TopKCategoricalAccuracy", "Top1CategoricalAccuracy", "Top5CategoricalAccuracy"]


@ms_api("mindspore.nn.TopKCategoricalAccuracy", torch="(none: numpy on the host)",
        deviations=("With fewer classes than k, 0.1 failed with a numpy broadcasting error (or "
                    "miscounted for C = 1); msnn raises ValueError naming k and C.",
                    "Tied scores always rank the lower class index first (a stable sort, the "
                    "documented rule); 0.1's numpy quicksort did so only below 17 classes.",))
class TopKCategoricalAccuracy(Metric):
    r"""Calculates the top-k categorical accuracy.

    A sample is correct when its label is among the k highest scores of `y_pred`. Ties are broken
    towards the lower class index ("the first sample will be chosen"): a stable sort of
    ``-y_pred``.

    Note:
        The method `update` must receive input of the form :math:`(y_{pred}, y)`.

    Args:
        k (int): Specifies the top-k categorical accuracy to compute.

    Raises:
        TypeError: If `k` is not int.
        ValueError: If `k` is less than 1.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> x = Tensor(np.array([[0.2, 0.5, 0.3, 0.6, 0.2], [0.1, 0.35, 0.5, 0.2, 0.],
        ...         [0.9, 0.6, 0.2, 0.01, 0.3]]), mindspore.float32)
        >>> y = Tensor(np.array([2, 0, 1]), mindspore.float32)
        >>> topk = nn.TopKCategoricalAccuracy(3)
        >>> topk.clear()
        >>> topk.update(x, y)
        >>> print(topk.eval())
        0.6666666666666666
    """

    def __init__(self, k):
        super().__init__()
        name = type(self).__name__
        # 0.1 tested isinstance(k, int): a bool passes the type check (True is k=1)
        V.check_type(k, "k", name, (int, bool), what="an int")
        if k < 1:
            V.fail(name, "k", "at least 1", k)
        self.k = k
        self.clear()

    def clear(self):
        """Clear the internal evaluation result."""
        self._correct_num = 0
        self._samples_num = 0

    def update(self, *inputs):
        """Updates the internal evaluation result y_pred and y.

        Args:
            inputs: Input `y_pred` (N, C) and `y`: class indices (N,) or (N, 1), or one-hot (N, C);
                Tensor, list or numpy.ndarray.

        Raises:
            ValueError: If the number of inputs is not 2, or `y_pred` has fewer than k classes.
        """
        y_pred, y = self._pair(inputs)
        name = type(self).__name__
        if y_pred.ndim != 2 or y_pred.dtype.kind not in "fiu":
            V.fail(name, "y_pred", "numeric scores of shape (N, C)", V._Raw(f"shape {y_pred.shape}, dtype {y_pred.dtype}"))
        if y.size != y_pred.shape[0]:
            V.fail(name, "y", f"{y_pred.shape[0]} labels (one per row of 'y_pred')", V._Raw(f"shape {y.shape}"))
        if y_pred.shape[1] < self.k:
            V.fail(type(self).__name__, "y_pred", f"of at least k={self.k} classes", f"{y_pred.shape[1]} classes")
        indices = np.argsort(-y_pred, axis=1, kind="stable")[:, :self.k]
        labels = y.reshape(-1, 1)
        self._correct_num += np.equal(indices, labels).sum()
        self._samples_num += labels.shape[0]

    def eval(self):
        """Computes the top-k categorical accuracy.

        Returns:
            Float, computed result.

        Raises:
            RuntimeError: If the number of samples is 0.
        """
        if self._samples_num == 0:
            raise RuntimeError(f"For '{type(self).__name__}', the total number of samples must not "
                               "be 0: call update() before eval().")
        return np.float64(self._correct_num / self._samples_num)


@ms_api("mindspore.nn.Top1CategoricalAccuracy", torch="(none: numpy on the host)")
class Top1CategoricalAccuracy(TopKCategoricalAccuracy):
    """Calculates the top-1 categorical accuracy (TopKCategoricalAccuracy with k = 1).

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> x = Tensor(np.array([[0.2, 0.5, 0.3, 0.6, 0.2], [0.1, 0.35, 0.5, 0.2, 0.],
        ...         [0.9, 0.6, 0.2, 0.01, 0.3]]), mindspore.float32)
        >>> y = Tensor(np.array([2, 0, 1]), mindspore.float32)
        >>> topk = nn.Top1CategoricalAccuracy()
        >>> topk.clear()
        >>> topk.update(x, y)
        >>> print(topk.eval())
        0.0
    """

    def __init__(self):
        super().__init__(1)


@ms_api("mindspore.nn.Top5CategoricalAccuracy", torch="(none: numpy on the host)")
class Top5CategoricalAccuracy(TopKCategoricalAccuracy):
    """Calculates the top-5 categorical accuracy (TopKCategoricalAccuracy with k = 5).

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> x = Tensor(np.array([[0.2, 0.5, 0.3, 0.6, 0.2], [0.1, 0.35, 0.5, 0.2, 0.],
        ...         [0.9, 0.6, 0.2, 0.01, 0.3]]), mindspore.float32)
        >>> y = Tensor(np.array([2, 0, 1]), mindspore.float32)
        >>> topk = nn.Top5CategoricalAccuracy()
        >>> topk.clear()
        >>> topk.update(x, y)
        >>> print(topk.eval())
        1.0
    """

    def __init__(self):
        super().__init__(5)
