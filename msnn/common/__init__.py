"""Companions that 2020 scripts import next to ``nn``: Tensor, Parameter, initializer, dtype."""
from . import dtype
from .dtype import (bool_, int8, int16, int32, int64, uint8, float16, float32, float64,
                    number_type, int_type, float_type)
from .tensor import Tensor
from .parameter import Parameter, ParameterTuple
from . import initializer
from .api import ms_function

__all__ = ["Tensor", "Parameter", "ParameterTuple", "dtype", "initializer", "ms_function",
           "bool_", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64",
           "number_type", "int_type", "float_type"]
