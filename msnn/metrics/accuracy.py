"""mindspore.nn.metrics.accuracy: ``Accuracy``."""
import numpy as np

from .._api import ms_api
from .evaluation import EvaluationBase

__all__ = ["Accuracy"]


@ms_api("mindspore.nn.Accuracy", torch="(none: numpy on the host)",
        doc_errors=("The doc allows (N, 1) class-index labels; 0.1 raises ValueError for them "
                    "(use shape (N,)), as msnn does.",))
class Accuracy(EvaluationBase):
    r"""Calculates the accuracy for classification and multilabel data.

    The accuracy class keeps the number of correct samples and the number of samples; ``eval``
    divides them. classification: a sample is correct when ``argmax(y_pred, axis=1) == y``;
    multilabel: when all C entries match.

    Args:
        eval_type (str): Metric to calculate the accuracy over a dataset, for classification
            (single-label), and multilabel (multilabel classification). Default: 'classification'.

    Raises:
        TypeError: If ``eval_type`` is not 'classification' or 'multilabel'.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> x = Tensor(np.array([[0.2, 0.5], [0.3, 0.1], [0.9, 0.6]]), mindspore.float32)
        >>> y = Tensor(np.array([1, 0, 1]), mindspore.float32)
        >>> metric = nn.Accuracy('classification')
        >>> metric.clear()
        >>> metric.update(x, y)
        >>> print(metric.eval())
        0.6666666666666666
    """

    def __init__(self, eval_type="classification"):
        super().__init__(eval_type)
        self.clear()

    def clear(self):
        """Clears the internal evaluation result."""
        self._correct_num = 0
        self._total_num = 0
        self._class_num = 0

    def update(self, *inputs):
        """Updates the internal evaluation result with :math:`y_{pred}` and :math:`y`.

        Args:
            inputs: Input `y_pred` and `y`, each a Tensor, a list or a numpy.ndarray. `y_pred` has
                shape (N, C); `y` holds class indices of shape (N,) (not (N, 1)) or is one-hot
                (N, C). For 'multilabel' both are (N, C) with values 0 or 1.

        Raises:
            ValueError: If the number of the inputs is not 2, or the shapes, values or class count
                do not fit.
        """
        y_pred, y = self._prepare(inputs)
        if self._type == "classification":
            result = (np.equal(y_pred.argmax(axis=1), y) * 1).reshape(-1)
        else:
            last = y_pred.ndim - 1
            y_pred = y_pred.swapaxes(1, last).reshape(-1, self._class_num)
            y = y.swapaxes(1, last).reshape(-1, self._class_num)
            result = np.equal(y_pred, y).all(axis=1) * 1
        self._correct_num += result.sum()
        self._total_num += result.shape[0]

    def eval(self):
        """Computes the accuracy.

        Returns:
            Float, the computed result.

        Raises:
            RuntimeError: If the sample size is 0.
        """
        if self._total_num == 0:
            raise RuntimeError("For 'Accuracy', the accuracy can not be calculated because the "
                               "number of samples is 0.")
        return np.float64(self._correct_num / self._total_num)
