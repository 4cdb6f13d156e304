"""The one validation module: every argument check in msnn goes through these helpers.

One calling convention: ``check_x(value, arg_name, cls_name, *options, exc=...) -> value``
(possibly normalised), and ``fail(cls_name, arg_name, what, value, exc=ValueError)``. ``cls_name``
is the class or function the user called, never an internal helper. Every message reads
``For 'Conv2d', the 'stride' must be <what>, but got <value>.``

Exception types follow MindSpore 0.1, which had two families of checks:

* module-level checks (``check_int_positive``, ``check_bool``, ...) raise ``TypeError`` for a wrong
  type and ``ValueError`` for a bad value -- the default here;
* ``ParamValidator`` (used by primitives, pooling, optimizers, metrics) raises ``ValueError`` even
  for a wrong type: call sites that mirror it pass ``exc=ValueError``.

NaN and infinity fail every number check (a bound compares False with NaN, so each check tests
finiteness first). An argument msnn cannot honour raises :class:`UnsupportedError` (a
``NotImplementedError``) through :func:`refuse`; one accepted with no effect is declared once with
``@ms_api(unsupported=...)`` and reported by :func:`check_unsupported`.
"""
import math
import re
import warnings

import torch

__all__ = [
    "UnsupportedError", "UnsupportedWarning", "fail", "refuse", "check_bool", "check_int",
    "check_positive_int", "check_non_negative_int", "check_float", "check_number", "check_in",
    "check_type", "check_int_pair", "check_ndim", "check_name", "check_unsupported", "check_dtype",
    "check_tensor", "check_tensor_dtype", "check_axis", "is_int_tensor", "check_input",
]

_NAME_RE = re.compile(r"^\w+[0-9a-zA-Z_.]*$", re.ASCII)


class UnsupportedError(NotImplementedError):
    """A documented MindSpore argument value that msnn cannot honour."""


class UnsupportedWarning(UserWarning):
    """An argument msnn accepts that has no effect here (declared with ``@ms_api(unsupported=...)``)."""


def _prefix(cls_name):
    return f"For '{cls_name}', " if cls_name else ""


class _Raw(str):
    """Message text shown as is (not quoted)."""
    __repr__ = str.__str__


def _show(value):
    if isinstance(value, torch.Tensor):
        return f"Tensor(shape={tuple(value.shape)}, dtype={value.dtype})"
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def fail(cls_name, arg_name, what, value, exc=ValueError):
    """Raise ``exc`` with msnn's one message format."""
    raise exc(f"{_prefix(cls_name)}the '{arg_name}' must be {what}, but got {_show(value)}.")


def refuse(cls_name, arg_name, value, why):
    """Raise :class:`UnsupportedError` for a value msnn cannot honour (never accept and ignore)."""
    raise UnsupportedError(f"For '{cls_name}', '{arg_name}'={_show(value)} is not supported by msnn: {why}")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check_bool(value, arg_name, cls_name, *, exc=TypeError):
    """``value`` must be a real ``bool`` (0/1 are refused, as in MindSpore)."""
    if not isinstance(value, bool):
        fail(cls_name, arg_name, "a bool", value, exc)
    return value


def check_int(value, arg_name, cls_name, *, lower=None, upper=None, exc=TypeError):
    """``value`` must be an int (bool refused) within ``[lower, upper]`` (bounds optional)."""
    if not _is_int(value):
        fail(cls_name, arg_name, "an int", value, exc)
    if lower is not None and value < lower:
        fail(cls_name, arg_name, f"an int >= {lower}", value)
    if upper is not None and value > upper:
        fail(cls_name, arg_name, f"an int <= {upper}", value)
    return value


def check_positive_int(value, arg_name, cls_name, *, exc=TypeError):
    """``value`` must be an int > 0."""
    if not _is_int(value):
        fail(cls_name, arg_name, "a positive int", value, exc)
    if value <= 0:
        fail(cls_name, arg_name, "a positive int", value)
    return value


def check_non_negative_int(value, arg_name, cls_name, *, exc=TypeError):
    """``value`` must be an int >= 0."""
    if not _is_int(value):
        fail(cls_name, arg_name, "a non-negative int", value, exc)
    if value < 0:
        fail(cls_name, arg_name, "a non-negative int", value)
    return value


def _range_text(lower, upper, lower_open, upper_open):
    parts = []
    if lower is not None:
        parts.append(f"{'>' if lower_open else '>='} {lower}")
    if upper is not None:
        parts.append(f"{'<' if upper_open else '<='} {upper}")
    return " and ".join(parts)


def check_number(value, arg_name, cls_name, *, lower=None, upper=None, lower_open=False,
                 upper_open=False, exc=TypeError, what="a number"):
    """``value`` must be a finite int or float (bool refused) within the given bounds.

    NaN and +-inf are refused with ValueError (every bound compares False with NaN).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(cls_name, arg_name, what, value, exc)
    bounds = _range_text(lower, upper, lower_open, upper_open)
    if isinstance(value, float) and not math.isfinite(value):
        fail(cls_name, arg_name, f"a finite {what[2:] if what.startswith('a ') else what}"
             + (f" {bounds}" if bounds else ""), value)
    bad_low = lower is not None and (value <= lower if lower_open else value < lower)
    bad_high = upper is not None and (value >= upper if upper_open else value > upper)
    if bad_low or bad_high:
        fail(cls_name, arg_name, f"{what} {bounds}", value)
    return value


def check_float(value, arg_name, cls_name, *, lower=None, upper=None, lower_open=False,
                upper_open=False, exc=ValueError):
    """``value`` must be a finite Python float (an int is refused) within the given bounds.

    The default ``exc`` is ValueError: MindSpore 0.1 checked floats with ParamValidator.
    """
    if not isinstance(value, float):
        fail(cls_name, arg_name, "a float", value, exc)
    return check_number(value, arg_name, cls_name, lower=lower, upper=upper, lower_open=lower_open,
                        upper_open=upper_open, what="a float")


def check_in(value, arg_name, cls_name, allowed, *, exc=ValueError):
    """``value`` must be one of ``allowed``."""
    try:
        ok = value in allowed
    except TypeError:  # unhashable value against a set
        ok = False
    if not ok:
        fail(cls_name, arg_name, "one of " + ", ".join(repr(a) for a in allowed), value, exc)
    return value


def check_type(value, arg_name, cls_name, types, *, exc=TypeError, what=None):
    """``value`` must be an instance of ``types`` (bool is not accepted as an int)."""
    types = types if isinstance(types, tuple) else (types,)
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        fail(cls_name, arg_name, what or "of type " + " or ".join(t.__name__ for t in types), value, exc)
    return value


def check_int_pair(value, arg_name, cls_name, *, exc=TypeError, allow_tuple=True, positive=True):
    """An int or a 2-tuple of ints, each >= 1, returned as a 2-tuple.

    ``positive=False`` checks the types only (a caller that must check the values later, in
    MindSpore's order, does so itself).
    """
    if _is_int(value):
        pair = (value, value)
    elif allow_tuple and isinstance(value, tuple) and len(value) == 2 and all(_is_int(v) for v in value):
        pair = value
    else:
        fail(cls_name, arg_name, "an int or a tuple of 2 ints" if allow_tuple else "an int", value, exc)
    if positive and min(pair) < 1:
        fail(cls_name, arg_name, "positive", value)
    return pair


def check_tensor(value, arg_name, cls_name):
    """``value`` must be a Tensor (TypeError, as 0.1's type inference raised for non-tensors)."""
    if not isinstance(value, torch.Tensor):
        fail(cls_name, arg_name, "a Tensor", _Raw(type(value).__name__), TypeError)
    return value


def check_ndim(tensor, arg_name, cls_name, ndim, *, what=None):
    """``tensor`` must be a Tensor (TypeError) with ``ndim`` dimensions (ValueError, as 0.1's shape
    inference raised); ``ndim`` may be a tuple of allowed ranks."""
    check_tensor(tensor, arg_name, cls_name)
    allowed = ndim if isinstance(ndim, tuple) else (ndim,)
    if tensor.dim() not in allowed:
        fail(cls_name, arg_name, what or f"a {' or '.join(map(str, allowed))}-D Tensor",
             _Raw(f"shape {tuple(tensor.shape)}"))
    return tensor


def is_int_tensor(tensor):
    """True for integer (not bool) tensors."""
    return not tensor.is_floating_point() and not tensor.is_complex() and tensor.dtype is not torch.bool


def check_tensor_dtype(tensor, arg_name, cls_name, allowed, *, what=None):
    """``tensor`` must be a Tensor whose dtype is in ``allowed`` (TypeError, as 0.1's dtype
    inference raised). ``allowed`` is a tuple of torch dtypes or one of the strings 'float', 'int'."""
    check_tensor(tensor, arg_name, cls_name)
    if allowed == "float":
        ok, text = tensor.is_floating_point(), "a floating-point Tensor"
    elif allowed == "int":
        ok, text = is_int_tensor(tensor), "an integer Tensor"
    else:
        ok = tensor.dtype in allowed
        text = "a Tensor of dtype " + " or ".join(str(d).replace("torch.", "") for d in allowed)
    if not ok:
        fail(cls_name, arg_name, what or text, _Raw(f"dtype {str(tensor.dtype).replace('torch.', '')}"), TypeError)
    return tensor


def check_axis(axis, ndim, arg_name, cls_name):
    """An int axis in ``[-ndim, ndim)`` (ValueError), returned non-negative."""
    check_int(axis, arg_name, cls_name)
    if not -ndim <= axis < max(ndim, 1):
        fail(cls_name, arg_name, f"in range [{-ndim}, {ndim})", axis)
    return axis % max(ndim, 1)


def check_name(value, arg_name, cls_name):
    """A MindSpore name/prefix: ``^\\w+[0-9a-zA-Z_.]*$`` (ASCII); the empty string fails."""
    if not isinstance(value, str) or not _NAME_RE.match(value):
        fail(cls_name, arg_name, r"a string matching '^\w+[0-9a-zA-Z_.]*$'", value)
    return value


_warned = set()


def check_unsupported(value, arg_name, cls_name, default):
    """Report an argument declared ``@ms_api(unsupported={arg_name: why})`` on ``cls_name``.

    Warns (:class:`UnsupportedWarning`, once per class and argument) when ``value`` differs from
    ``default``: msnn accepts the argument, as MindSpore did, but it has no effect here.
    """
    from ._api import unsupported_reason  # pylint: disable=import-outside-toplevel
    why = unsupported_reason(cls_name, arg_name)
    if value is not default and value != default and (cls_name, arg_name) not in _warned:
        _warned.add((cls_name, arg_name))
        warnings.warn(f"For '{cls_name}', '{arg_name}'={_show(value)} has no effect in msnn: {why}",
                      UnsupportedWarning, stacklevel=3)
    return value


def check_dtype(value, arg_name, cls_name, allowed, *, exc=TypeError):
    """``value`` must be one of the msnn dtypes ``allowed`` (MindSpore's check_subclass: TypeError).

    The message names the allowed dtypes the way MindSpore prints them (``Float32``).
    """
    from .common.dtype import dtype_name  # pylint: disable=import-outside-toplevel
    if not any(value is a for a in allowed):
        fail(cls_name, arg_name, "one of " + ", ".join(dtype_name(a) for a in allowed),
             dtype_name(value) if isinstance(value, type(allowed[0])) else value, exc)
    return value


def check_input(x, arg_name, cls_name, kind=None, ndim=None):  # pylint: disable=too-many-branches
    """A call input: a Tensor (TypeError), of dtype ``kind`` (TypeError: 'float' = floating point,
    'number' = not bool, 'int' = integer, or a torch dtype it must equal) and with ``ndim``
    dimensions (ValueError; an int, or a tuple of allowed ranks). 0.1's type inference raised
    TypeError, its shape inference ValueError. A few attribute reads: cheap enough for every call."""
    if not isinstance(x, torch.Tensor):
        fail(cls_name, arg_name, "a Tensor", _Raw(type(x).__name__), TypeError)
    if kind is not None:
        dtype = x.dtype
        if kind == "float":
            ok = dtype.is_floating_point
        elif kind == "number":
            ok = dtype is not torch.bool and not dtype.is_complex
        elif kind == "int":
            ok = not dtype.is_floating_point and not dtype.is_complex and dtype is not torch.bool
        else:  # the dtype of a weight: another float dtype is fine under torch.autocast
            ok = dtype is kind or (dtype.is_floating_point and torch.is_autocast_enabled(x.device.type))
        if not ok:
            text = {"float": "a floating-point Tensor", "number": "a numeric (not bool) Tensor",
                    "int": "an integer Tensor"}.get(kind) or f"a Tensor of dtype {str(kind)[6:]}"
            fail(cls_name, arg_name, text, _Raw(f"dtype {str(dtype)[6:]}"), TypeError)
    if ndim is not None and x.dim() != ndim and (not isinstance(ndim, tuple) or x.dim() not in ndim):
        allowed = ndim if isinstance(ndim, tuple) else (ndim,)
        fail(cls_name, arg_name, f"a {' or '.join(map(str, allowed))}-D Tensor", _Raw(f"shape {tuple(x.shape)}"))
    return x
