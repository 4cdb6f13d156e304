"""Tensor transforms on numpy arrays (``mindspore.dataset.transforms.c_transforms``): OneHot, TypeCast.

Each transform is a callable ``op(array) -> array``, which is how ``Dataset.map`` applies it.
"""
import numpy as np

from msnn._api import ms_api
from msnn.common import dtype as mstype
from . import _checks as C

__all__ = ["OneHot", "TypeCast"]

_P = "mindspore.dataset.transforms.c_transforms."


@ms_api(_P + "OneHot", torch="numpy indexing")
class OneHot:
    """One-hot encode an integer label (a scalar or a 1-D array) into ``num_classes`` columns,
    keeping the label's dtype; as in 0.1, size-1 axes of the input and of the output are squeezed.

    Args:
        num_classes (int): Number of classes, in [1, 2147483647].

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.c_transforms import OneHot
        >>> OneHot(4)(np.array(2, np.int32))
        array([0, 0, 1, 0], dtype=int32)
    """

    def __init__(self, num_classes):
        C.required(num_classes, "num_classes", "OneHot")
        self.num_classes = C.pos_int32(num_classes, "num_classes", "OneHot")

    def __call__(self, label):
        label = np.squeeze(np.asarray(label))
        if label.ndim > 1:
            raise RuntimeError(f"For 'OneHot', the input must be a scalar or a 1-D array, but got shape "
                               f"{label.shape}.")
        if label.dtype.kind not in "iu":
            raise RuntimeError(f"For 'OneHot', the input must be an integer array, but got dtype {label.dtype}.")
        flat = label.reshape(-1)
        if flat.size and (flat.min() < 0 or flat.max() >= self.num_classes):
            raise RuntimeError(f"For 'OneHot', the label values must be in [0, {self.num_classes}), but got "
                               f"{flat.tolist()}.")
        out = np.zeros((flat.size, self.num_classes), dtype=label.dtype)
        out[np.arange(flat.size), flat] = 1
        return np.squeeze(out)  # 0.1 squeezed both its input and its output

    def __repr__(self):
        return f"OneHot(num_classes={self.num_classes})"


@ms_api(_P + "TypeCast", torch="numpy.ndarray.astype",
        deviations=("msnn's dtypes are torch dtypes; mindspore.uint16/32/64 do not exist in msnn.",))
class TypeCast:
    """Cast an array to a MindSpore dtype (``mindspore.int32`` etc.), with numpy's C-style cast.

    Args:
        data_type (mindspore.dtype): The dtype to cast to.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.dataset.transforms.c_transforms import TypeCast
        >>> TypeCast(msnn.int32)(np.array(7, np.uint32)).dtype
        dtype('int32')
    """

    _elementwise = True  # one value in, one out: the map fuses it with its neighbours

    def __init__(self, data_type):
        C.required(data_type, "data_type", "TypeCast")
        if not mstype.is_dtype(data_type):
            C.fail(TypeError, "TypeCast", "data_type", "a MindSpore data type (e.g. mindspore.int32)", data_type)
        self.data_type = data_type
        self._np = np.dtype(mstype.dtype_to_nptype(data_type))

    def __call__(self, array):
        if not isinstance(array, np.ndarray):
            if isinstance(array, (bytes, str)) or not np.isscalar(array):
                raise RuntimeError(f"For 'TypeCast', the input must be a numeric numpy array, but got "
                                   f"{type(array).__name__}.")
            array = np.asarray(array)
        if array.dtype.kind not in "biuf":
            raise RuntimeError(f"For 'TypeCast', the input must be a numeric numpy array, but got dtype "
                               f"{array.dtype}.")
        return array.astype(self._np)

    batch = __call__

    def __repr__(self):
        return f"TypeCast(data_type={mstype.dtype_name(self.data_type)})"
