"""mindspore.nn.metrics.recall: ``Recall``."""
from .._api import ms_api
from .evaluation import _RateBase

__all__ = ["Recall"]


@ms_api("mindspore.nn.Recall", torch="(none: numpy on the host)",
        deviations=("Multilabel per-sample values are kept as one float64 per sample (what "
                    "eval(average=False) returns), not two growing arrays re-concatenated on "
                    "every update.",),
        doc_errors=("The doc allows (N, 1) class-index labels; 0.1 raises ValueError for them "
                    "(use shape (N,)), as msnn does.",
                    "eval() returns a numpy array (per class, or per sample for multilabel) "
                    "unless average=True, not a float."))
class Recall(_RateBase):
    r"""Calculate recall for classification and multilabel data.

    .. math::
        \text{recall} = \frac{\text{true_positive}}{\text{true_positive} + \text{false_negative}}

    classification: one value per class, ``TP_c / (actual_c + eps)`` over all updates (labels must
    be integer class indices, or one-hot). multilabel: one value per sample,
    ``TP / (actual positives + eps)``. ``eps = sys.float_info.min``, so 0/0 gives 0.

    Note:
        In the multi-label cases, the elements of :math:`y` and :math:`y_{pred}` should be 0 or 1.

    Args:
        eval_type (str): Metric to calculate the recall over a dataset, for classification or
            multilabel. Default: 'classification'.

    Raises:
        TypeError: If ``eval_type`` is not 'classification' or 'multilabel'.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> x = Tensor(np.array([[0.2, 0.5], [0.3, 0.1], [0.9, 0.6]]))
        >>> y = Tensor(np.array([1, 0, 1]))
        >>> metric = nn.Recall('classification')
        >>> metric.clear()
        >>> metric.update(x, y)
        >>> print(metric.eval())
        [1.  0.5]
    """

    _actual = True
