"""``mindspore.ops.composite.multitype_ops``: type-dispatched building blocks of the composites."""
from .add_impl import add, hyper_add
from .zeros_like_impl import zeros_like
from .ones_like_impl import ones_like

__all__ = ["add", "hyper_add", "zeros_like", "ones_like"]
