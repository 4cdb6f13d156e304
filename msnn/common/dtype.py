"""MindSpore data types (``mindspore.dtype``).

msnn's dtypes *are* torch dtypes: ``msnn.float32 is torch.float32``. A MindSpore script that
passes ``mindspore.float16`` to ``Tensor`` or ``Cell.to_float`` therefore hands torch exactly
the dtype it needs, with no translation on any hot path.

Note:
    ``repr(msnn.float32)`` prints ``torch.float32``; MindSpore prints ``Float32``.
    :func:`dtype_name` gives MindSpore's spelling, used wherever msnn prints a dtype in a repr.
"""
import numpy as np
import torch

__all__ = [
    "int8", "byte", "int16", "short", "int32", "intc", "int64", "intp",
    "uint8", "ubyte", "float16", "half", "float32", "single", "float64", "double",
    "bool_", "number_type", "int_type", "float_type",
    "dtype_to_nptype", "pytype_to_dtype", "get_py_obj_dtype", "dtype_name", "is_dtype",
]

bool_ = torch.bool
int8 = byte = torch.int8
int16 = short = torch.int16
int32 = intc = torch.int32
int64 = intp = torch.int64
uint8 = ubyte = torch.uint8
float16 = half = torch.float16
float32 = single = torch.float32
float64 = double = torch.float64

int_type = (int8, int16, int32, int64)
float_type = (float16, float32, float64)
number_type = (int8, int16, int32, int64, uint8, float16, float32, float64)

_NP = {
    bool_: np.bool_, int8: np.int8, int16: np.int16, int32: np.int32, int64: np.int64,
    uint8: np.uint8, float16: np.float16, float32: np.float32, float64: np.float64,
}
_FROM_NP = {np.dtype(v): k for k, v in _NP.items()}
_PY = {bool: bool_, int: int64, float: float64}
_NAMES = {
    bool_: "Bool", int8: "Int8", int16: "Int16", int32: "Int32", int64: "Int64", uint8: "UInt8",
    float16: "Float16", float32: "Float32", float64: "Float64",
}


def is_dtype(obj):
    """True when ``obj`` is one of the dtypes above (a torch dtype msnn supports)."""
    return isinstance(obj, torch.dtype) and obj in _NP


def dtype_to_nptype(type_):
    """The numpy scalar type of a MindSpore dtype, e.g. ``np.float32`` for ``float32``."""
    return _NP[type_]


def pytype_to_dtype(obj):
    """The dtype of a Python or numpy type (``float`` -> ``float64``, ``np.int32`` -> ``int32``)."""
    if isinstance(obj, torch.dtype):
        return obj
    if isinstance(obj, np.dtype):
        return _FROM_NP[obj]
    if obj in _PY:
        return _PY[obj]
    return _FROM_NP[np.dtype(obj)]


def get_py_obj_dtype(obj):
    """The dtype of a value: a tensor's dtype, or the dtype of a Python/numpy scalar or type."""
    if isinstance(obj, torch.Tensor):
        return obj.dtype
    if isinstance(obj, (torch.dtype, type, np.dtype)):
        return pytype_to_dtype(obj)
    return pytype_to_dtype(type(obj))


def dtype_name(type_):
    """MindSpore's printed name of a dtype: ``Float32``, ``Int32``, ..."""
    return _NAMES.get(type_, str(type_))


def np_to_dtype(np_dtype):
    """The dtype matching a numpy dtype (numpy's float64 stays float64, as in MindSpore)."""
    return _FROM_NP[np.dtype(np_dtype)]
