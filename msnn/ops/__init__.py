"""``mindspore.ops``: operators usable in a Cell's ``construct``.

``from msnn.ops import operations as P`` (primitives, instantiated before use),
``functional as F`` (pre-instantiated primitives and helpers) and ``composite as C``
(GradOperation, HyperMap, MultitypeFuncGraph, clip_by_value, ...).
"""
from .primitive import Primitive, PrimitiveWithInfer, prim_attr_register, constexpr

__all__ = ["Primitive", "PrimitiveWithInfer", "prim_attr_register", "constexpr"]
