"""The one validation module: every argument check in msnn goes through these helpers.

Calling convention: ``check_x(value, arg_name, cls_name, *options) -> value`` (possibly
normalised). Every message reads ``For 'Conv2d', the 'stride' must be <what>, but got <value>.``

Exception types follow MindSpore 0.1, which had two families of checks:

* module-level checks (``check_int_positive``, ``check_bool``, ...) raise ``TypeError`` for a wrong
  type and ``ValueError`` for a bad value -- the default here;
* ``ParamValidator`` (used by primitives, pooling, optimizers, metrics) raises ``ValueError`` even
  for a wrong type: call sites that mirror it pass ``wrong_type=ValueError``.

An argument msnn cannot honour raises :class:`UnsupportedError` (a ``NotImplementedError``).
"""
import re

__all__ = [
    "UnsupportedError", "fail", "check_bool", "check_int", "check_positive_int",
    "check_non_negative_int", "check_float", "check_number", "check_in", "check_type",
    "check_int_pair", "check_ndim", "check_name", "check_unsupported", "check_dtype",
]

_NAME_RE = re.compile(r"^\w+[0-9a-zA-Z_.]*$", re.ASCII)


class UnsupportedError(NotImplementedError):
    """A documented MindSpore argument value that msnn cannot honour."""


def _prefix(cls_name):
    return f"For '{cls_name}', " if cls_name else ""


def fail(exc, cls_name, arg_name, what, value):
    """Raise ``exc`` with msnn's one message format."""
    raise exc(f"{_prefix(cls_name)}the '{arg_name}' must be {what}, but got {value!r}.")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check_bool(value, arg_name, cls_name, *, wrong_type=TypeError):
    """``value`` must be a real ``bool`` (0/1 are refused, as in MindSpore)."""
    if not isinstance(value, bool):
        fail(wrong_type, cls_name, arg_name, "a bool", value)
    return value


def check_int(value, arg_name, cls_name, *, lower=None, upper=None, wrong_type=TypeError):
    """``value`` must be an int (bool refused) within ``[lower, upper]`` (bounds optional)."""
    if not _is_int(value):
        fail(wrong_type, cls_name, arg_name, "an int", value)
    if lower is not None and value < lower:
        fail(ValueError, cls_name, arg_name, f"an int >= {lower}", value)
    if upper is not None and value > upper:
        fail(ValueError, cls_name, arg_name, f"an int <= {upper}", value)
    return value


def check_positive_int(value, arg_name, cls_name, *, wrong_type=TypeError):
    """``value`` must be an int > 0."""
    if not _is_int(value):
        fail(wrong_type, cls_name, arg_name, "a positive int", value)
    if value <= 0:
        fail(ValueError, cls_name, arg_name, "a positive int", value)
    return value


def check_non_negative_int(value, arg_name, cls_name, *, wrong_type=TypeError):
    """``value`` must be an int >= 0."""
    if not _is_int(value):
        fail(wrong_type, cls_name, arg_name, "a non-negative int", value)
    if value < 0:
        fail(ValueError, cls_name, arg_name, "a non-negative int", value)
    return value


def _range_text(lower, upper, lower_open, upper_open):
    parts = []
    if lower is not None:
        parts.append(f"{'>' if lower_open else '>='} {lower}")
    if upper is not None:
        parts.append(f"{'<' if upper_open else '<='} {upper}")
    return " and ".join(parts)


def check_number(value, arg_name, cls_name, *, lower=None, upper=None, lower_open=False,
                 upper_open=False, wrong_type=TypeError, kind="a number"):
    """``value`` must be an int or float (bool refused) within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(wrong_type, cls_name, arg_name, kind, value)
    bad_low = lower is not None and (value <= lower if lower_open else value < lower)
    bad_high = upper is not None and (value >= upper if upper_open else value > upper)
    if bad_low or bad_high:
        fail(ValueError, cls_name, arg_name,
             f"{kind} {_range_text(lower, upper, lower_open, upper_open)}", value)
    return value


def check_float(value, arg_name, cls_name, *, lower=None, upper=None, lower_open=False,
                upper_open=False, wrong_type=ValueError):
    """``value`` must be a Python float (an int is refused) within the given bounds.

    The default ``wrong_type`` is ValueError: MindSpore 0.1 checked floats with ParamValidator.
    """
    if not isinstance(value, float):
        fail(wrong_type, cls_name, arg_name, "a float", value)
    return check_number(value, arg_name, cls_name, lower=lower, upper=upper, lower_open=lower_open,
                        upper_open=upper_open, kind="a float")


def check_in(value, allowed, arg_name, cls_name, *, exc=ValueError):
    """``value`` must be one of ``allowed``."""
    if value not in allowed:
        fail(exc, cls_name, arg_name, "one of " + ", ".join(repr(a) for a in allowed), value)
    return value


def check_type(value, types, arg_name, cls_name, *, wrong_type=TypeError, what=None):
    """``value`` must be an instance of ``types`` (bool is not accepted as an int)."""
    types = types if isinstance(types, tuple) else (types,)
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        fail(wrong_type, cls_name, arg_name,
             what or "of type " + " or ".join(t.__name__ for t in types), value)
    return value


def check_int_pair(value, arg_name, cls_name, *, wrong_type=TypeError, allow_tuple=True, positive=True):
    """An int or a 2-tuple of ints, each >= 1, returned as a 2-tuple.

    ``positive=False`` checks the types only (a caller that must check the values later, in
    MindSpore's order, does so itself).
    """
    if _is_int(value):
        pair = (value, value)
    elif allow_tuple and isinstance(value, tuple) and len(value) == 2 and all(_is_int(v) for v in value):
        pair = value
    else:
        fail(wrong_type, cls_name, arg_name,
             "an int or a tuple of 2 ints" if allow_tuple else "an int", value)
    if positive and min(pair) < 1:
        fail(ValueError, cls_name, arg_name, "positive", value)
    return pair


def check_ndim(tensor, ndim, arg_name, cls_name, *, what=None):
    """``tensor`` must have ``ndim`` dimensions (ValueError, as 0.1's shape inference raised)."""
    if tensor.dim() != ndim:
        fail(ValueError, cls_name, arg_name, what or f"a {ndim}-D Tensor", tuple(tensor.shape))
    return tensor


def check_name(value, arg_name, cls_name):
    """A MindSpore name/prefix: ``^\\w+[0-9a-zA-Z_.]*$`` (ASCII); the empty string fails."""
    if not isinstance(value, str) or not _NAME_RE.match(value):
        fail(ValueError, cls_name, arg_name, r"a string matching '^\w+[0-9a-zA-Z_.]*$'", value)
    return value


def check_unsupported(value, default, arg_name, cls_name, why):
    """Refuse a value msnn cannot honour, naming the argument (never accept and ignore)."""
    if value != default:
        raise UnsupportedError(
            f"For '{cls_name}', '{arg_name}'={value!r} is not supported by msnn: {why}")
    return value


def check_dtype(value, allowed, arg_name, cls_name, *, exc=TypeError):
    """``value`` must be one of the msnn dtypes ``allowed`` (MindSpore's check_subclass: TypeError).

    The message names the allowed dtypes the way MindSpore prints them (``Float32``).
    """
    from .common.dtype import dtype_name  # pylint: disable=import-outside-toplevel
    if not any(value is a for a in allowed):
        fail(exc, cls_name, arg_name, "one of " + ", ".join(dtype_name(a) for a in allowed),
             dtype_name(value) if isinstance(value, type(allowed[0])) else value)
    return value
