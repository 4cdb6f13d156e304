"""``mindspore._c_expression``: the few names of 0.1's C++ extension that Python code imports.

0.1's test framework checks ``isinstance(x, _c_expression.Tensor)`` and primitives describe their
inputs with the signature enums; in msnn the Tensor is :class:`msnn.Tensor` (every torch tensor
passes the check) and the enums are :mod:`msnn.ops._signature`'s.
"""
from .common.tensor import Tensor
from .ops._signature import signature_rw, signature_kind, signature_dtype

__all__ = ["Tensor", "signature_rw", "signature_kind", "signature_dtype"]
