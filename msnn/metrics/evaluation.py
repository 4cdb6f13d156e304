"""mindspore.nn.metrics.evaluation: ``EvaluationBase``, the checks shared by Accuracy, Precision
and Recall, and the class-count machinery of Precision/Recall."""
import sys

import numpy as np

from .._api import ms_api
from .. import _validator as V
from .metric import Metric

__all__ = ["EvaluationBase"]

_EVAL_TYPES = ("classification", "multilabel")


@ms_api("mindspore.nn.EvaluationBase", torch="(none: numpy on the host)")
class EvaluationBase(Metric):
    """Base class of evaluation.

    Args:
        eval_type (str): Type of evaluation must be in {'classification', 'multilabel'}.

    Raises:
        TypeError: If the input type is not classification or multilabel.

    Note:
        Please refer to the definition of class `Accuracy`.

    Examples:
        >>> import msnn as nn
        >>> nn.EvaluationBase('multilabel')._type
        'multilabel'
    """

    def __init__(self, eval_type):
        super().__init__()
        self._type = V.check_in(eval_type, "eval_type", type(self).__name__, _EVAL_TYPES, exc=TypeError)

    def _check_shape(self, y_pred, y):
        """classification: ``y_pred.ndim == y.ndim + 1`` and ``y.shape == (N,) + y_pred.shape[2:]``;
        multilabel: equal shapes. ValueError otherwise."""
        name = type(self).__name__
        if self._type == "classification":
            if y_pred.ndim != y.ndim + 1:
                V.fail(name, "y", f"of {y_pred.ndim - 1} dims ('y_pred' has {y_pred.ndim}) in the classification "
                       "case (use (N,) class indices or (N, C) one-hot)", y.shape)
            if y.shape != (y_pred.shape[0],) + y_pred.shape[2:]:
                V.fail(name, "y", f"of shape {(y_pred.shape[0],) + y_pred.shape[2:]} for 'y_pred' of shape "
                       f"{y_pred.shape} in the classification case", y.shape)
        elif y_pred.shape != y.shape:
            V.fail(name, "y", f"of the shape of 'y_pred' {y_pred.shape} in the "
                   f"{self._type} case", y.shape)

    def _check_value(self, y_pred, y):
        """multilabel: every value of ``y_pred`` and ``y`` must be 0 or 1 (ValueError)."""
        if self._type != "classification" and not (np.equal(y_pred ** 2, y_pred).all()
                                                    and np.equal(y ** 2, y).all()):
            V.fail(type(self).__name__, "inputs", "0 or 1 in the multilabel case", "other values")

    def _prepare(self, inputs):
        """The input handling shared by Accuracy, Precision and Recall: exactly 2 inputs, numpy
        conversion, a one-hot ``y`` turned into indices (classification), the shape and value
        checks, and the class count fixed by the first update."""
        y_pred, y = self._pair(inputs, onehot_to_index=self._type == "classification")
        self._check_shape(y_pred, y)
        self._check_value(y_pred, y)
        self._fix_class_num(y_pred)
        return y_pred, y

    def clear(self):
        """Clear the internal evaluation result. All subclasses should override this interface."""
        raise NotImplementedError(f"{type(self).__name__} must override this method.")

    def update(self, *inputs):
        """Update the internal evaluation result with (y_pred, y). All subclasses should override
        this interface."""
        raise NotImplementedError(f"{type(self).__name__} must override this method.")

    def eval(self):
        """Compute the evaluation result. All subclasses should override this interface."""
        raise NotImplementedError(f"{type(self).__name__} must override this method.")


def _index_onehots(y_pred, y, class_num, cls_name):
    """Classification counts as 0.1 made them: ``y`` (integer class indices, used to index an
    identity matrix, so float labels raise IndexError) and ``argmax(y_pred, axis=1)`` as one-hot
    rows of ``class_num`` classes."""
    if y_pred.ndim != 2:
        V.fail(cls_name, "y_pred", "of shape (N, C)", V._Raw(f"shape {y_pred.shape}"))
    if y.dtype.kind not in "iu":  # 0.1 indexed with the labels: IndexError for float or bool labels
        raise IndexError(f"For '{cls_name}', the 'y' must be integer class indices (or one-hot rows), "
                         f"but got dtype {y.dtype}.")
    if y.size != y_pred.shape[0]:
        V.fail(cls_name, "y", f"{y_pred.shape[0]} labels (one per row of 'y_pred')", V._Raw(f"shape {y.shape}"))
    if y.max() + 1 > class_num:
        V.fail(cls_name, "y", f"class indices below the {class_num} classes of 'y_pred'", f"a label of {y.max()}")
    eye = np.eye(class_num)
    return eye[y_pred.argmax(axis=1).reshape(-1)], eye[y.reshape(-1)]


class _RateBase(EvaluationBase):
    """Precision and Recall: ``TP / (denominator + eps)``, per class (classification) or per sample
    (multilabel), where the denominator is predicted positives (precision) or actual positives
    (recall). ``eps = sys.float_info.min``.

    Multilabel accumulates without re-concatenating: the per-sample values are kept as chunks
    (one float64 per sample, which ``eval(average=False)`` must return), and the average comes
    from a running sum and count.
    """

    _actual = False  # True for recall (actual positives), False for precision (predicted)

    def __init__(self, eval_type="classification"):
        super().__init__(eval_type)
        self.eps = sys.float_info.min
        self.clear()

    def clear(self):
        """Clears the internal evaluation result."""
        self._class_num = 0
        self._true_positives = 0
        self._denominator = 0
        self._sample_chunks = []
        self._sample_sum = np.float64(0.0)
        self._sample_count = 0

    def update(self, *inputs):
        """Updates the internal evaluation result with y_pred and y.

        Args:
            inputs: Input `y_pred` and `y`; Tensor, list or numpy.ndarray. classification: `y_pred`
                of shape (N, C) and `y` integer class indices of shape (N,) or one-hot (N, C).
                multilabel: both (N, C) with values 0 or 1.

        Raises:
            ValueError: If the number of inputs is not 2, or the shapes, values or class count do
                not fit.
        """
        y_pred, y = self._prepare(inputs)
        class_num = self._class_num
        if self._type == "classification":
            y_pred, y = _index_onehots(y_pred, y, class_num, type(self).__name__)
        else:
            y_pred = y_pred.swapaxes(1, 0).reshape(class_num, -1)
            y = y.swapaxes(1, 0).reshape(class_num, -1)
        denominator = (y if self._actual else y_pred).sum(axis=0)
        true_positives = (y * y_pred).sum(axis=0)
        if self._type == "multilabel":
            # the average sums per-sample ratios computed in the input dtype (0.1's numbers, NaN
            # included for float32 data with an all-zero denominator); the per-sample array
            # returned by eval() is computed in float64, where eps makes 0/0 -> 0, as 0.1 did.
            with np.errstate(invalid="ignore", divide="ignore"):
                self._sample_sum += np.float64(np.sum(true_positives / (denominator + self.eps)))
            self._sample_count += len(denominator)
            self._sample_chunks.append(true_positives.astype(np.float64)
                                       / (denominator.astype(np.float64) + self.eps))
        else:
            self._true_positives = self._true_positives + true_positives
            self._denominator = self._denominator + denominator

    def eval(self, average=False):
        """The per-class values (classification) or per-sample values (multilabel) as a numpy
        array, or their mean when ``average`` is True.

        Raises:
            RuntimeError: If no sample was given since the last clear.
            ValueError: If ``average`` is not a bool.
        """
        if self._class_num == 0:
            raise RuntimeError(f"For '{type(self).__name__}', the number of input samples can not "
                               "be 0: call update() before eval().")
        V.check_bool(average, "average", type(self).__name__, exc=ValueError)
        if self._type == "multilabel":
            if average:
                return np.float64(self._sample_sum / (self._sample_count + self.eps)).mean()
            if len(self._sample_chunks) > 1:
                self._sample_chunks = [np.concatenate(self._sample_chunks)]
            return self._sample_chunks[0].copy()
        result = self._true_positives / (self._denominator + self.eps)
        return result.mean() if average else result
