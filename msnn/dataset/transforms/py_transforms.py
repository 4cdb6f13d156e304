"""Python label transforms (``mindspore.dataset.transforms.py_transforms``): OneHotOp."""
import numpy as np

from msnn._api import ms_api
from . import _checks as C

__all__ = ["OneHotOp"]


@ms_api("mindspore.dataset.transforms.py_transforms.OneHotOp", torch="numpy",
        deviations=("Labels must be integers below num_classes (0.1 accepted num_classes itself, then "
                    "failed on indexing).",))
class OneHotOp:
    """One-hot encode a label with label smoothing: ``(1 - smoothing_rate) * onehot + smoothing_rate / num_classes``.

    Args:
        num_classes (int): Number of classes, in [1, 2147483647].
        smoothing_rate (float): Label smoothing in [0, 1] (default=0.0).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.py_transforms import OneHotOp
        >>> OneHotOp(4, 0.2)(np.array(1))
        array([[0.05, 0.85, 0.05, 0.05]])
    """

    def __init__(self, num_classes, smoothing_rate=0.0):
        C.required(num_classes, "num_classes", "OneHotOp")
        self.num_classes = C.pos_int32(num_classes, "num_classes", "OneHotOp")
        self.smoothing_rate = C.value_in(smoothing_rate, 0., 1., "smoothing_rate", "OneHotOp")

    def __call__(self, label):
        label = np.asarray(label)
        flat = label.reshape(-1)
        if label.dtype.kind not in "iu" or (flat.size and (flat.min() < 0 or flat.max() >= self.num_classes)):
            raise ValueError(f"For 'OneHotOp', the label must be integers in [0, {self.num_classes}), but got "
                             f"{flat.tolist()}.")
        onehot = np.zeros((flat.size, self.num_classes), dtype=int)
        onehot[np.arange(flat.size), flat] = 1
        return (1 - self.smoothing_rate) * onehot + self.smoothing_rate / self.num_classes
