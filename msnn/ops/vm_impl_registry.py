"""``mindspore.ops.vm_impl_registry``: Python implementations registered for primitives."""
from .._api import ms_api
from ._register_for_op import Registry

__all__ = ["vm_impl_registry", "get_vm_impl_fn"]

vm_impl_registry = Registry()
ms_api("mindspore.ops.vm_impl_registry", torch="dict",
       deviations=("msnn primitives run their own __call__; a registered implementation is "
                   "returned by get_vm_impl_fn but never replaces a primitive's call.",))(vm_impl_registry)


@ms_api("mindspore.ops.get_vm_impl_fn", torch="")
def get_vm_impl_fn(prim):
    """The Python implementation registered for ``prim`` (a Primitive or a name), or None.

    The registered function is a factory: it receives the primitive and returns the callable.

    Examples:
        >>> from msnn.ops import vm_impl_registry, get_vm_impl_fn, Primitive
        >>> @vm_impl_registry.register('my_identity')
        ... def vm_impl_identity(self):
        ...     return lambda x: x
        >>> get_vm_impl_fn(Primitive('my_identity'))(3)
        3
        >>> get_vm_impl_fn('not_registered') is None
        True
    """
    out = vm_impl_registry.get(prim, None)
    return out(prim) if out else None
