"""``mindspore.common._register_for_tensor``: the operator functions 0.1's Tensor looked up.

0.1's Tensor ``__add__``/``__mul__`` called the primitive registered here by ``ops.functional``.
msnn's Tensor is a torch tensor whose operators are torch's, so the registry is kept for code that
reads or fills it; nothing in msnn dispatches through it.
"""
from collections import UserDict

from .._api import ms_api
from .. import _validator as V

__all__ = ["Registry", "tensor_operator_registry"]


@ms_api("mindspore.common._register_for_tensor.Registry", torch="dict",
        deviations=("msnn's Tensor operators are torch's: the registry is not consulted.",))
class Registry(UserDict):
    """A dict of functions keyed by an operator name (``'__add__'``).

    Examples:
        >>> from msnn.common._register_for_tensor import Registry
        >>> reg = Registry()
        >>> reg.register('__add__', lambda x, y: x + y)
        >>> reg.get('__add__')(1, 2)
        3
    """

    def register(self, obj_str, obj):
        """Registers ``obj`` under the name ``obj_str`` (a non-str name is ignored, as in 0.1)."""
        if isinstance(obj_str, str):
            self[obj_str] = obj

    def get(self, obj_str):  # pylint: disable=arguments-differ
        """The function registered under ``obj_str`` (KeyError if none)."""
        if not isinstance(obj_str, str):
            V.fail("Registry.get", "obj_str", "a str", obj_str, TypeError)
        return self[obj_str]


tensor_operator_registry = Registry()
