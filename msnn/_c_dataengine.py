"""``mindspore._c_dataengine``: the few names of 0.1's C++ dataset module that scripts import.

The BERT example does ``import mindspore._c_dataengine as deMap`` and maps
``deMap.TypeCastOp("int32")`` over its columns.
"""
import numpy as np

from ._api import ms_api

__all__ = ["DataType", "TypeCastOp"]

_TYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64")


@ms_api("mindspore._c_dataengine.DataType", torch="numpy.dtype")
class DataType:
    """A dataset element type named by a string ('int32', 'float32', ...).

    Examples:
        >>> from msnn._c_dataengine import DataType
        >>> str(DataType("int32")), DataType("int32").to_numpy()
        ('int32', dtype('int32'))
    """

    def __init__(self, type_str):
        if not isinstance(type_str, str) or type_str.lower().replace("de_", "") not in _TYPES:
            raise TypeError(f"For 'DataType', the 'type_str' must be one of {', '.join(_TYPES)}, but got {type_str!r}.")
        self._np = np.dtype(type_str.lower().replace("de_", ""))

    def to_numpy(self):
        """The numpy dtype."""
        return self._np

    def __eq__(self, other):
        return isinstance(other, DataType) and other._np == self._np

    def __hash__(self):
        return hash(self._np)

    def __str__(self):
        return str(self._np)

    __repr__ = __str__


@ms_api("mindspore._c_dataengine.TypeCastOp", torch="numpy astype")
class TypeCastOp:
    """Cast a column to the type named by ``data_type`` (a map operation).

    Examples:
        >>> import numpy as np
        >>> from msnn._c_dataengine import TypeCastOp
        >>> TypeCastOp("int32")(np.array([1, 2], dtype=np.int64)).dtype
        dtype('int32')
    """

    def __init__(self, data_type):
        self.data_type = DataType(data_type) if isinstance(data_type, str) else data_type
        if not isinstance(self.data_type, DataType):
            raise TypeError(f"For 'TypeCastOp', the 'data_type' must be a type name or a DataType, but got {data_type!r}.")

    def __call__(self, array):
        return np.asarray(array).astype(self.data_type.to_numpy())
