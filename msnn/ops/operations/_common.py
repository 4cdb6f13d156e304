"""Shared input checks of the math and nn primitives (MindSpore 0.1's infer_shape/infer_dtype).

0.1's primitives checked their inputs with ``ParamValidator``; the exception types are kept:

* an input that is not a Tensor (``check_subclass``) or two inputs of different dtypes
  (``check_type_same``): ``TypeError``;
* an input dtype outside the allowed list (``check_typename``): ``ValueError`` -- 0.1 raised
  ValueError there, and so does msnn;
* a shape that does not fit (``check``, ``check_integer``, ``check_param_equal``): ``ValueError``.

Everything here reads metadata only (dtype, shape), never values: no device sync.
"""
import numbers

import torch

from ... import _validator as V

# The raw dtype/shape getters: msnn.Tensor wraps ``.dtype``/``.shape`` for 0.1's call style; the
# primitives read the plain torch values (a C getter, no wrapper object).
dtype_of = torch._C.TensorBase.dtype.__get__  # pylint: disable=protected-access
Tensor = torch.Tensor
Raw = V._Raw  # pylint: disable=protected-access

# dtype sets are frozensets: membership is one hash lookup on the call path
INT = frozenset((torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8))
# bfloat16 did not exist in 0.1; it is accepted wherever float16 is (torch autocast produces it)
FLOAT = frozenset((torch.float16, torch.float32, torch.float64, torch.bfloat16))
NUMBER = INT | FLOAT
F16_32 = frozenset((torch.float16, torch.float32, torch.bfloat16))
BOOL = frozenset((torch.bool,))


def dtype_text(dtype):
    """``float32`` for ``torch.float32``."""
    return str(dtype).replace("torch.", "")


def not_tensor(name, arg, value):
    """0.1's check_subclass(..., tensor): TypeError."""
    V.fail(name, arg, "a Tensor", Raw(type(value).__name__), TypeError)


def bad_dtype(name, arg, tensor, allowed, exc=ValueError):
    """0.1's check_typename (ValueError) or check_type_same (TypeError) on one input."""
    V.fail(name, arg, "a Tensor of dtype " + " or ".join(sorted(dtype_text(d) for d in allowed)),
           Raw("dtype " + dtype_text(dtype_of(tensor))), exc)


def tensor_in(name, arg, value, allowed, exc=ValueError):
    """``value`` must be a Tensor (TypeError) whose dtype is in ``allowed`` (``exc``)."""
    if not isinstance(value, Tensor):
        not_tensor(name, arg, value)
    if allowed is not None and dtype_of(value) not in allowed:
        bad_dtype(name, arg, value, allowed, exc)
    return value


def same_dtype(name, ref_arg, ref, arg, value):
    """``value`` must have the dtype of ``ref`` (0.1's check_type_same: TypeError)."""
    if dtype_of(value) != dtype_of(ref):
        V.fail(name, arg, f"a Tensor with the dtype of '{ref_arg}' ({dtype_text(dtype_of(ref))})",
               Raw("dtype " + dtype_text(dtype_of(value))), TypeError)


def same_shape(name, ref_arg, ref, arg, value):
    """0.1's check_param_equal on two shapes (ValueError)."""
    if value.shape != ref.shape:
        V.fail(name, arg, f"of the shape of '{ref_arg}' {tuple(ref.shape)}", Raw(f"shape {tuple(value.shape)}"))


def ndim_is(name, arg, value, ndim, what=None):
    """A Tensor (TypeError) of rank ``ndim`` (ValueError)."""
    if not isinstance(value, Tensor):
        not_tensor(name, arg, value)
    if value.dim() != ndim:
        V.fail(name, arg, what or f"a {ndim}-D Tensor", Raw(f"shape {tuple(value.shape)}"))


def scalar_for(name, arg, value, dtype):
    """A Python number mixed with a Tensor of ``dtype``: 0.1's implicit conversion gives the number
    the tensor's dtype (a float meeting an integer tensor is truncated). Anything else: TypeError."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value if dtype.is_floating_point else int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        return scalar_for(name, arg, value.item() if hasattr(value, "item") else float(value), dtype)
    V.fail(name, arg, "a Tensor or a number", Raw(type(value).__name__), TypeError)
    return None


def binary(name, x, y, allowed):
    """0.1's binary-op inputs: two Tensors of one dtype in ``allowed`` (TypeError), or a Tensor
    and a Python number that takes the tensor's dtype. Returns ``(x, y)``."""
    if isinstance(x, Tensor):
        dt = dtype_of(x)
        if isinstance(y, Tensor):
            if dtype_of(y) is not dt:
                same_dtype(name, "x", x, "y", y)
        else:
            y = scalar_for(name, "y", y, dt)
        if dt not in allowed:
            bad_dtype(name, "x", x, allowed, TypeError)
        return x, y
    if isinstance(y, Tensor):
        dt = dtype_of(y)
        if dt not in allowed:
            bad_dtype(name, "y", y, allowed, TypeError)
        return scalar_for(name, "x", x, dt), y
    V.fail(name, "x", "a Tensor (at least one of 'x' and 'y' must be a Tensor)", Raw(type(x).__name__), TypeError)
    return None


def broadcast_fail(name, x, y):
    """After a torch RuntimeError: 0.1's _get_broadcast_shape ValueError naming both shapes when
    they do not broadcast (any other error, a device mismatch say, is left to propagate)."""
    try:
        torch.broadcast_shapes(x.shape, y.shape)
    except RuntimeError:
        V.fail(name, "y", f"broadcastable with 'x' of shape {tuple(x.shape)}", Raw(f"shape {tuple(y.shape)}"))


def sum_to(grad, shape):
    """Reduce a broadcast gradient back to ``shape`` (0.1's binop_grad_common)."""
    return grad if grad.shape == shape else grad.sum_to_size(shape)


class Cache(dict):
    """A dict that builds missing values with ``fn(key)`` (per-primitive memo of shape plans)."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
        value = self[key] = self.fn(key)
        return value
