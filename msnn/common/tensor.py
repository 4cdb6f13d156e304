"""``mindspore.Tensor`` on torch.

``msnn.Tensor(input_data, dtype=None)`` builds a ``torch.Tensor`` (a subclass with torch-function
dispatch disabled, so every torch op on it runs at plain-torch speed and returns a plain
``torch.Tensor``) that also answers MindSpore 0.1's ``asnumpy()``, callable ``shape()`` and
``dim()``. A top-level Cell call returns the same kind of tensor. Where the two APIs collide torch
wins: ``t.dtype`` is a ``torch.dtype`` and ``t.size()`` is torch's.

``isinstance(x, msnn.Tensor)`` is true for every torch tensor, so ported code that checks for a
MindSpore Tensor accepts the plain tensors that flow inside a network.
"""
import numbers

import numpy as np
import torch

from .._api import ms_api
from .. import _validator as V
from .. import context
from . import dtype as mstype

__all__ = ["Tensor", "Shape"]


class Shape(tuple):
    """A shape: a tuple of ints that can also be called, as 0.1's ``Tensor.shape()`` is.

    Both ``t.shape == (2, 3)`` and ``t.shape() == (2, 3)`` hold; torch accepts it wherever it
    takes a size, and it answers ``torch.Size``'s ``numel()``; slicing and ``+`` give shapes too.
    """

    __slots__ = ()

    def __call__(self):
        return tuple(self)

    def numel(self):
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, index):
        out = tuple.__getitem__(self, index)
        return Shape(out) if isinstance(index, slice) else out

    def __add__(self, other):
        return Shape(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Shape(tuple(other) + tuple(self))


class _TensorMeta(type(torch.Tensor)):
    def __instancecheck__(cls, obj):
        if cls is Tensor:
            return isinstance(obj, torch.Tensor)
        return super().__instancecheck__(obj)


def to_torch(input_data, dtype=None, cls_name="Tensor"):
    """Build a plain torch tensor from MindSpore Tensor input, with 0.1's dtype rules.

    A dtype-less Python float becomes float64 and an int int64 (numpy's inference, as 0.1 did).
    New data goes to the device that ``context.set_context(device_target=...)`` selected.
    """
    if dtype is not None and not (mstype.is_dtype(dtype)):
        V.fail(cls_name, "dtype", "a number type or bool_ of msnn.common.dtype", dtype, exc=TypeError)
    if isinstance(input_data, torch.Tensor):
        data = input_data.detach()
        return data if dtype is None else data.to(dtype)
    return _to_device(_from_data(input_data, dtype, cls_name))


def _to_device(data):
    dev = context.device()
    return data if dev.type == "cpu" else data.to(dev)


def _from_data(input_data, dtype, cls_name):
    if not isinstance(input_data, (numbers.Number, np.generic, np.ndarray, list, tuple)):
        V.fail(cls_name, "input_data", "a Tensor, float, int, bool, tuple, list or numpy.ndarray", type(input_data).__name__, exc=TypeError)
    arr = np.asarray(input_data)
    if arr.dtype == object or arr.dtype.kind in "USV":
        V.fail(cls_name, "input_data", "numeric data", input_data, exc=TypeError)
    if dtype is not None:
        arr = arr.astype(mstype.dtype_to_nptype(dtype))
    return torch.tensor(arr)


@ms_api("mindspore.Tensor", torch="torch.Tensor",
        deviations=(
            "A torch.Tensor subclass: torch operators on it return plain torch tensors and keep "
            "torch semantics (== is elementwise, + broadcasts between dtypes).",
            "dtype is torch's attribute (a torch.dtype), not 0.1's method: t.dtype() raises; use "
            "t.dtype or P.DType()(t).",
            "size() is torch's (a torch.Size); 0.1's element count is t.numel() or P.Size()(t).",
            "shape is a tuple that can also be called (t.shape() as in 0.1); it equals the "
            "torch.Size but isinstance(t.shape, torch.Size) is False.",
        ))
class Tensor(torch.Tensor, metaclass=_TensorMeta):
    """Tensor for data storage: a torch tensor that also speaks MindSpore 0.1's Tensor API.

    Args:
        input_data (Tensor, float, int, bool, tuple, list, numpy.ndarray): Input data.
        dtype (msnn.dtype): None, bool_ or a number type. Default: None (inferred as numpy does,
            so ``Tensor(0.1)`` is float64 and ``Tensor(1)`` int64).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> t1 = msnn.Tensor(np.zeros([1, 2, 3]), msnn.float32)
        >>> t1.shape() == (1, 2, 3) and t1.dtype == msnn.float32
        True
        >>> msnn.Tensor(0.1).dtype == msnn.float64
        True

    Note:
        Where MindSpore's Tensor API and torch's collide, torch wins: ``t1 == t2`` is elementwise,
        ``t.dtype`` is an attribute holding a ``torch.dtype`` (0.1's ``t.dtype()`` becomes
        ``t.dtype`` or ``P.DType()(t)``) and ``t.size()`` is torch's ``torch.Size`` (0.1's
        element count is ``t.numel()`` or ``P.Size()(t)``). ``t.shape`` is a tuple that can be
        called, so both ``t.shape`` and 0.1's ``t.shape()`` work.
    """

    __torch_function__ = torch._C._disabled_torch_function_impl

    def __new__(cls, input_data, dtype=None):
        return to_torch(input_data, dtype).as_subclass(cls)

    def __init__(self, input_data, dtype=None):  # pylint: disable=super-init-not-called
        pass

    @property
    def shape(self):
        return Shape(torch._C.TensorBase.shape.__get__(self))

    def asnumpy(self):
        """The values as a numpy array (copied to the host when the tensor is on a GPU).

        bfloat16, which numpy lacks, comes back as float32.
        """
        data = self.detach()
        if data.dtype == torch.bfloat16:
            data = data.float()
        return data.cpu().numpy()

    def __repr__(self, *, tensor_contents=None):
        return str(self.asnumpy())

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (_rebuild_tensor, (torch.Tensor(self.as_subclass(torch.Tensor)),))

    def __deepcopy__(self, memo):
        return self.as_subclass(torch.Tensor).clone().as_subclass(Tensor)


def _rebuild_tensor(data):
    return data.as_subclass(Tensor)


if hasattr(torch.serialization, "add_safe_globals"):  # torch.load(weights_only=True) of an output
    torch.serialization.add_safe_globals([Tensor, _rebuild_tensor])


def wrap_output(out):
    """Give a top-level Cell output MindSpore's Tensor API (tensors inside tuples/lists too; a list
    becomes a tuple, as 0.1's graph outputs were)."""
    if isinstance(out, torch.Tensor):
        return out.as_subclass(Tensor) if type(out) is torch.Tensor else out
    if type(out) is tuple:
        return tuple(wrap_output(o) for o in out)
    if type(out) is list:  # 0.1's graph outputs were tuples: a returned list comes back as one
        return tuple(wrap_output(o) for o in out)
    return out


def unwrap(x):
    """A plain torch view of an msnn Tensor (anything else is returned as is)."""
    return x.as_subclass(torch.Tensor) if type(x) is Tensor else x


def unwrap_input(x):
    """:func:`unwrap` for eager inputs: a cheaper ``detach()`` when no gradient is wanted."""
    if type(x) is not Tensor:
        return x
    return x.as_subclass(torch.Tensor) if x.requires_grad else x.detach()
