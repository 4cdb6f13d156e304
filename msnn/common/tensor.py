"""``mindspore.Tensor`` on torch.

``msnn.Tensor(input_data, dtype=None)`` builds a ``torch.Tensor`` (a subclass with torch-function
dispatch disabled, so every torch op on it runs at plain-torch speed and returns a plain
``torch.Tensor``) that also answers MindSpore 0.1's method-style API: ``asnumpy()``, ``shape()``,
``dtype()``, ``dim()``, ``size()``. A top-level Cell call returns the same kind of tensor.

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

__all__ = ["Tensor", "Shape", "DType"]


class Shape(tuple):
    """A shape: a tuple of ints that can also be called, as 0.1's ``Tensor.shape()`` is.

    Both ``t.shape == (2, 3)`` and ``t.shape() == (2, 3)`` hold; torch accepts it wherever it
    takes a size.
    """

    __slots__ = ()

    def __call__(self):
        return tuple(self)

    def numel(self):
        n = 1
        for d in self:
            n *= d
        return n


class DType:
    """A tensor's dtype that can also be called, as 0.1's ``Tensor.dtype()`` is.

    It compares and hashes equal to the torch dtype and forwards its attributes
    (``is_floating_point``, ``itemsize``, ...). Calling it gives the torch dtype itself
    (``t.dtype() is msnn.float32``), which is what to pass where torch requires a ``torch.dtype``.
    """

    __slots__ = ("_dtype",)

    def __init__(self, dtype):
        self._dtype = dtype

    def __call__(self):
        return self._dtype

    def __eq__(self, other):
        return self._dtype == (other._dtype if isinstance(other, DType) else other)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self._dtype)

    def __getattr__(self, name):
        return getattr(self._dtype, name)

    def __repr__(self):
        return repr(self._dtype)


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
            "dtype is a DType proxy equal to the torch dtype; where torch needs a real "
            "torch.dtype (tensor.to, dtype= arguments) pass t.dtype().",
            "size() with no argument returns the element count (MindSpore); size(dim) is torch's.",
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
        >>> t1.shape() == (1, 2, 3) and t1.dtype() == msnn.float32
        True
        >>> msnn.Tensor(0.1).dtype() == msnn.float64
        True

    Note:
        Operators follow torch: ``t1 == t2`` is elementwise, ``t.size()`` with no argument counts
        elements as in MindSpore, and ``t.dtype`` is a :class:`DType` that compares equal to the
        torch dtype; call it (``t.dtype()``) where torch insists on a real ``torch.dtype``.
    """

    __torch_function__ = torch._C._disabled_torch_function_impl

    def __new__(cls, input_data, dtype=None):
        return to_torch(input_data, dtype).as_subclass(cls)

    def __init__(self, input_data, dtype=None):  # pylint: disable=super-init-not-called
        pass

    @property
    def shape(self):
        return Shape(torch._C.TensorBase.shape.__get__(self))

    @property
    def dtype(self):
        return DType(torch._C.TensorBase.dtype.__get__(self))

    def size(self, dim=None):
        """Number of elements (MindSpore); with ``dim``, that dimension's length (torch)."""
        if dim is None:
            if torch.compiler.is_compiling():  # torch.compile traces with torch's meaning
                return torch._C.TensorBase.size(self)
            return self.numel()
        return torch._C.TensorBase.size(self, dim)

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


def wrap_output(out):
    """Give a top-level Cell output MindSpore's Tensor API (tensors inside tuples/lists too)."""
    if isinstance(out, torch.Tensor):
        return out.as_subclass(Tensor) if type(out) is torch.Tensor else out
    if type(out) is tuple:
        return tuple(wrap_output(o) for o in out)
    if type(out) is list:
        return [wrap_output(o) for o in out]
    return out


def unwrap(x):
    """A plain torch view of an msnn Tensor (anything else is returned as is)."""
    return x.as_subclass(torch.Tensor) if type(x) is Tensor else x


def unwrap_input(x):
    """:func:`unwrap` for eager inputs: a cheaper ``detach()`` when no gradient is wanted."""
    if type(x) is not Tensor:
        return x
    return x.as_subclass(torch.Tensor) if x.requires_grad else x.detach()
