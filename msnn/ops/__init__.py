"""``mindspore.ops``: operators usable in a Cell's ``construct``.

``from msnn.ops import operations as P`` (primitives, instantiated before use),
``functional as F`` (pre-instantiated primitives and helpers) and ``composite as C``
(GradOperation, HyperMap, MultitypeFuncGraph, clip_by_value, ...).
"""
from .primitive import Primitive, PrimitiveWithInfer, prim_attr_register, constexpr
from .vm_impl_registry import get_vm_impl_fn, vm_impl_registry
from .op_info_register import op_info_register
from ._signature import signature_rw, signature_kind
from . import operations, functional, composite

__primitive__ = ["prim_attr_register", "Primitive", "PrimitiveWithInfer", "signature_rw", "signature_kind"]

__all__ = ["get_vm_impl_fn", "vm_impl_registry", "op_info_register", "constexpr"]
__all__.extend(__primitive__)
