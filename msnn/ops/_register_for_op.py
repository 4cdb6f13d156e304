"""``Registry``: a dict of functions keyed by a primitive class or a primitive name."""
from collections import UserDict

from .primitive import Primitive

__all__ = ["Registry"]


class Registry(UserDict):
    """Functions registered per primitive: ``@registry.register(P.ReLU)`` or ``register('relu')``.

    Examples:
        >>> from msnn.ops._register_for_op import Registry
        >>> from msnn.ops import Primitive
        >>> reg = Registry()
        >>> @reg.register('identity')
        ... def impl(prim):
        ...     return lambda x: x
        >>> reg.get(Primitive('identity'), None) is impl
        True
    """

    def register(self, prim):
        """Decorator registering a function for ``prim`` (a Primitive subclass or a name)."""
        def deco(fn):
            if isinstance(prim, str):
                self[prim] = fn
            elif isinstance(prim, type) and issubclass(prim, Primitive):
                self[id(prim)] = fn
            else:
                raise TypeError(f"For 'Registry.register', the 'prim' must be a Primitive subclass or a "
                                f"name, but got {prim!r}.")
            return fn
        return deco

    def get(self, prim_obj, default=None):  # pylint: disable=arguments-differ
        """The function registered for a Primitive (by class, then by name) or a name."""
        if isinstance(prim_obj, str):
            return self.data.get(prim_obj, default)
        if isinstance(prim_obj, Primitive):
            key = id(type(prim_obj))
            if key in self.data:
                return self.data[key]
            return self.data.get(prim_obj.name, default)
        return default
