"""``mindspore._checkparam``: 0.1's argument checks, for code (and tests) that import them.

Two families, with 0.1's exception types:

* module-level checks of one value (``check_int``, ``check_bool``, ``check_int_positive``,
  ``twice``, ...): TypeError for a wrong type, ValueError for a bad value;
* :class:`ParamValidator`, checks that name the argument: ValueError even for a wrong type
  (``check_subclass``, ``check_type_same``, ... raise TypeError), with :class:`Rel` relations.

The checks with an equivalent in msnn's validator run on it (``msnn._validator``), so their
messages read ``For 'check_int', the 'input_param' must be an int, but got 3.3.``.
"""
import re
from collections.abc import Iterable
from enum import Enum

import numpy as np
import torch

from ._api import ms_api
from . import _validator as V
from .common import dtype as mstype

__all__ = ["Rel", "ParamValidator", "check_int", "check_int_positive", "check_int_non_negative",
           "check_int_zero_one", "check_bool", "check_input_format", "check_padding", "check_padmode",
           "check_tensor_supported_type", "check_input_data", "check_output_data", "check_axis_type_int",
           "check_axis_range", "check_attr_int", "check_t_in_range", "once", "twice", "triple",
           "valid_data_types", "check_type", "check_typename", "check_shape"]

_name_re = r"^\w+[0-9a-zA-Z\_\.]*$"


class Rel(Enum):
    """Relations checked by :class:`ParamValidator`: comparisons, ranges and membership.

    Examples:
        >>> from msnn._checkparam import Rel
        >>> Rel.get_fns(Rel.INC_LEFT)(1, 1, 3), Rel.get_strs(Rel.GE).format(0)
        (True, 'greater or equal to 0')
    """
    EQ = 1
    NE = 2
    LT = 3
    LE = 4
    GT = 5
    GE = 6
    INC_NEITHER = 7
    INC_LEFT = 8
    INC_RIGHT = 9
    INC_BOTH = 10
    IN = 11
    NOT_IN = 12

    @staticmethod
    def get_strs(rel):
        """The text of a relation, with ``{}`` for its bounds."""
        return _REL_STRS.get(rel, "")

    @staticmethod
    def get_fns(rel):
        """The predicate of a relation."""
        return _REL_FNS.get(rel, lambda *args: False)


_REL_FNS = {
    Rel.EQ: lambda x, y: x == y, Rel.NE: lambda x, y: x != y,
    Rel.LT: lambda x, y: x < y, Rel.LE: lambda x, y: x <= y,
    Rel.GT: lambda x, y: x > y, Rel.GE: lambda x, y: x >= y,
    Rel.INC_NEITHER: lambda x, lo, hi: lo < x < hi, Rel.INC_LEFT: lambda x, lo, hi: lo <= x < hi,
    Rel.INC_RIGHT: lambda x, lo, hi: lo < x <= hi, Rel.INC_BOTH: lambda x, lo, hi: lo <= x <= hi,
    Rel.IN: lambda x, y: x in y, Rel.NOT_IN: lambda x, y: x not in y,
}
_REL_STRS = {
    Rel.EQ: "equal to {}", Rel.NE: "not equal to {}", Rel.LT: "less than {}",
    Rel.LE: "less or equal to {}", Rel.GT: "greater than {}", Rel.GE: "greater or equal to {}",
    Rel.INC_NEITHER: "({}, {})", Rel.INC_LEFT: "[{}, {})", Rel.INC_RIGHT: "({}, {}]",
    Rel.INC_BOTH: "[{}, {}]", Rel.IN: "in {}", Rel.NOT_IN: "not in {}",
}
rel_fns = _REL_FNS
rel_strs = _REL_STRS


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _type_name(t):
    return getattr(t, "__name__", None) or str(t)


def _element_type(value):
    """A tensor's dtype stands for the tensor in type checks (0.1's ``element_type()``)."""
    return value.dtype if isinstance(value, torch.Tensor) else value


@ms_api("mindspore._checkparam.ParamValidator", torch="")
class ParamValidator:
    """Checks that name the argument; ValueError unless noted (0.1's convention for primitives).

    Examples:
        >>> from msnn._checkparam import ParamValidator, Rel
        >>> ParamValidator.check_integer('k', 3, 0, Rel.GT)
        3
        >>> try:
        ...     ParamValidator.check_integer('k', 0, 0, Rel.GT)
        ... except ValueError as err:
        ...     print(err)
        For 'ParamValidator', the 'k' must be an int greater than 0, but got 0.
    """

    @staticmethod
    def equal(arg_name, arg_value, cond_str, cond):
        """ValueError unless ``cond``."""
        if not cond:
            V.fail("ParamValidator", arg_name, cond_str, arg_value)

    @staticmethod
    def check(arg_name, arg_value, value_name, value, rel=Rel.EQ):
        """``arg_value rel value`` (ints)."""
        if not Rel.get_fns(rel)(arg_value, value):
            V.fail("ParamValidator", arg_name, Rel.get_strs(rel).format(f"{value_name}: {value}"), arg_value)
        return arg_value

    @staticmethod
    def check_integer(arg_name, arg_value, value, rel):
        """An int (bool refused) with ``arg_value rel value``."""
        if not _is_int(arg_value) or not Rel.get_fns(rel)(arg_value, value):
            V.fail("ParamValidator", arg_name, "an int " + Rel.get_strs(rel).format(value), arg_value)
        return arg_value

    @staticmethod
    def check_shape_length(arg_name, arg_value, value, rel):
        """A length (int) with ``arg_value rel value``."""
        if not isinstance(arg_value, int) or not Rel.get_fns(rel)(arg_value, value):
            V.fail("ParamValidator", f"length of {arg_name}", "an int " + Rel.get_strs(rel).format(value), arg_value)
        return arg_value

    @staticmethod
    def check_int_range(arg_name, arg_value, lower_limit, upper_limit, rel):
        """An int in the range ``rel`` of ``(lower_limit, upper_limit)``."""
        if not isinstance(arg_value, int) or not Rel.get_fns(rel)(arg_value, lower_limit, upper_limit):
            V.fail("ParamValidator", arg_name, "an int in range " + Rel.get_strs(rel).format(lower_limit, upper_limit),
                   arg_value)
        return arg_value

    @staticmethod
    def check_isinstance(arg_name, arg_value, classes):
        """An instance of ``classes``."""
        if not isinstance(arg_value, classes):
            V.fail("ParamValidator", arg_name, f"an instance of {classes}", arg_value)
        return arg_value

    @staticmethod
    def check_number_range(arg_name, arg_value, lower_limit, upper_limit, rel):
        """A number in the range ``rel`` of ``(lower_limit, upper_limit)``."""
        if not Rel.get_fns(rel)(arg_value, lower_limit, upper_limit):
            V.fail("ParamValidator", arg_name, "in range " + Rel.get_strs(rel).format(lower_limit, upper_limit),
                   arg_value)
        return arg_value

    @staticmethod
    def check_subclass(arg_name, type_, template_type, with_type_of=True):
        """TypeError unless the dtype ``type_`` is one of ``template_type`` (a dtype, a tuple of dtypes
        such as ``msnn.common.dtype.float_type``, or a class)."""
        templates = template_type if isinstance(template_type, Iterable) else (template_type,)
        flat = []
        for t in templates:
            flat.extend(t if isinstance(t, (tuple, list)) else (t,))
        ok = any(type_ == t or (isinstance(t, type) and isinstance(type_, type) and issubclass(type_, t))
                 for t in flat)
        if not ok:
            V.fail("ParamValidator", ("type of " if with_type_of else "") + arg_name,
                   "a subclass of " + ", ".join(str(t) for t in flat), type_, exc=TypeError)

    @staticmethod
    def check_args_tensor(args):
        """TypeError unless every value of the dict ``args`` is a tensor."""
        if not isinstance(args, dict):
            V.fail("ParamValidator", "args", "a dict", type(args).__name__, exc=TypeError)
        for name, value in args.items():
            if not isinstance(value, torch.Tensor):
                V.fail("ParamValidator", name, "a Tensor", type(value).__name__, exc=TypeError)

    @staticmethod
    def check_type(arg_name, arg_value, valid_types):
        """An instance of one of ``valid_types`` (bool is not an int unless listed)."""
        arg_value = _element_type(arg_value)
        valid = tuple(valid_types)
        if isinstance(arg_value, valid) and not (isinstance(arg_value, bool) and bool not in valid):
            return arg_value
        names = [_type_name(t) for t in valid]
        V.fail("ParamValidator", arg_name, "of type " + (names[0] if len(names) == 1 else "one of " + str(names)),
               V._Raw(type(arg_value).__name__))
        return None

    @staticmethod
    def check_typename(arg_name, arg_type, valid_types):
        """One of ``valid_types`` (types or dtypes)."""
        arg_type = _element_type(arg_type)
        if arg_type in valid_types:
            return arg_type
        names = [_type_name(t) for t in valid_types]
        V.fail("ParamValidator", arg_name, "of type " + (names[0] if len(names) == 1 else "one of " + str(names)),
               V._Raw(_type_name(arg_type)))
        return None

    @staticmethod
    def check_string(arg_name, arg_value, valid_values):
        """A str among ``valid_values``."""
        if isinstance(arg_value, str) and arg_value in valid_values:
            return arg_value
        V.fail("ParamValidator", arg_name,
               f"a str equal to {valid_values[0]!r}" if len(valid_values) == 1 else f"a str in {list(valid_values)}",
               arg_value)
        return None

    @staticmethod
    def check_type_same(args, valid_values):
        """TypeError unless every value of ``args`` is in ``valid_values`` and all are equal."""
        name, first = next(iter(args.items()))
        first = _element_type(first)
        for arg_name, arg_value in args.items():
            arg_value = _element_type(arg_value)
            if arg_value not in valid_values:
                V.fail("ParamValidator", arg_name, f"in {list(valid_values)}", arg_value, exc=TypeError)
            if arg_value != first:
                V.fail("ParamValidator", arg_name, f"the same as '{name}' ({first})", arg_value, exc=TypeError)

    @staticmethod
    def check_two_types_same(arg1_name, arg1_type, arg2_name, arg2_type):
        """TypeError unless the two types are equal."""
        if arg1_type != arg2_type:
            V.fail("ParamValidator", arg2_name, f"of the type of '{arg1_name}' ({arg1_type})", arg2_type, exc=TypeError)

    @staticmethod
    def check_value_on_integer(arg_name, arg_value, value, rel):
        """When ``arg_value`` is an int, ``arg_value rel value``."""
        if isinstance(arg_value, int) and not Rel.get_fns(rel)(arg_value, value):
            V.fail("ParamValidator", arg_name, "an int " + Rel.get_strs(rel).format(value), arg_value)
        return arg_value

    @staticmethod
    def check_param_equal(param1_name, param1_value, param2_name, param2_value):
        """The two values are equal."""
        if param1_value != param2_value:
            V.fail("ParamValidator", param2_name, f"equal to '{param1_name}' ({param1_value})", param2_value)

    @staticmethod
    def check_const_input(arg_name, arg_value):
        """Not None."""
        if arg_value is None:
            V.fail("ParamValidator", arg_name, "a const input", arg_value)

    @staticmethod
    def check_float_positive(arg_name, arg_value):
        """A float > 0 (TypeError for a non-float)."""
        return V.check_float(arg_value, arg_name, "ParamValidator", lower=0.0, lower_open=True, exc=TypeError)

    @staticmethod
    def check_pad_value_by_mode(op_name, pad_mode, padding):
        """``padding`` must be 0 unless ``pad_mode`` is 'pad'."""
        if pad_mode != 'pad' and padding != 0:
            V.fail(op_name, "padding", f"0 when pad_mode is {pad_mode!r}", padding)
        return padding

    @staticmethod
    def check_empty_shape_input(arg_name, arg_value):
        """A shape without a 0 dimension."""
        if 0 in arg_value:
            V.fail("ParamValidator", arg_name, "a shape without zero dimensions", arg_value)

    @staticmethod
    def check_scalar_shape_input(arg_name, arg_value):
        """The shape of a scalar (``[]``/``()``)."""
        if list(arg_value) != []:
            V.fail("ParamValidator", arg_name, "a scalar shape ()", arg_value)


@ms_api("mindspore._checkparam.check_int", torch="")
def check_int(input_param):
    """An int (bool refused): TypeError otherwise.

    Examples:
        >>> from msnn._checkparam import check_int
        >>> check_int(3)
        3
    """
    return V.check_int(input_param, "input_param", "check_int")


@ms_api("mindspore._checkparam.check_int_positive", torch="")
def check_int_positive(input_param):
    """An int > 0: TypeError for a non-int (bool included), ValueError for <= 0.

    Examples:
        >>> from msnn._checkparam import check_int_positive
        >>> check_int_positive(2)
        2
    """
    return V.check_positive_int(input_param, "input_param", "check_int_positive")


@ms_api("mindspore._checkparam.check_int_non_negative", torch="")
def check_int_non_negative(input_param):
    """An int >= 0: TypeError for a non-int (bool included), ValueError for < 0.

    Examples:
        >>> from msnn._checkparam import check_int_non_negative
        >>> check_int_non_negative(0)
        0
    """
    return V.check_non_negative_int(input_param, "input_param", "check_int_non_negative")


@ms_api("mindspore._checkparam.check_int_zero_one", torch="")
def check_int_zero_one(input_param):
    """0 or 1 (ValueError otherwise).

    Examples:
        >>> from msnn._checkparam import check_int_zero_one
        >>> check_int_zero_one(1)
        1
    """
    return V.check_in(input_param, "input_param", "check_int_zero_one", (0, 1))


@ms_api("mindspore._checkparam.check_bool", torch="")
def check_bool(input_param):
    """A bool (TypeError otherwise; 0 and 1 are refused).

    Examples:
        >>> from msnn._checkparam import check_bool
        >>> check_bool(False)
        False
    """
    return V.check_bool(input_param, "input_param", "check_bool")


@ms_api("mindspore._checkparam.check_input_format", torch="")
def check_input_format(input_param):
    """The data format 'NCHW' (ValueError otherwise).

    Examples:
        >>> from msnn._checkparam import check_input_format
        >>> check_input_format('NCHW')
        'NCHW'
    """
    return V.check_in(input_param, "input_param", "check_input_format", ("NCHW",))


@ms_api("mindspore._checkparam.check_padding", torch="")
def check_padding(padding):
    """A padding >= 0 (ValueError otherwise).

    Examples:
        >>> from msnn._checkparam import check_padding
        >>> check_padding(0)
        0
    """
    if not padding >= 0:
        V.fail("check_padding", "padding", ">= 0", padding)
    return padding


@ms_api("mindspore._checkparam.check_padmode", torch="")
def check_padmode(mode):
    """One of 'same', 'valid', 'pad' (ValueError otherwise).

    Examples:
        >>> from msnn._checkparam import check_padmode
        >>> check_padmode('same')
        'same'
    """
    return V.check_in(mode, "mode", "check_padmode", ("same", "valid", "pad"))


@ms_api("mindspore._checkparam.check_tensor_supported_type", torch="")
def check_tensor_supported_type(dtype):
    """int32 or float32 (ValueError otherwise).

    Examples:
        >>> import msnn
        >>> from msnn._checkparam import check_tensor_supported_type
        >>> check_tensor_supported_type(msnn.int32) is msnn.int32
        True
    """
    return V.check_in(dtype, "dtype", "check_tensor_supported_type", (mstype.int32, mstype.float32))


def _expand_tuple(n_dimensions):
    """A converter: an int becomes an ``n_dimensions``-tuple, a tuple must have that length."""
    def convert(m):
        if not isinstance(m, tuple):
            if isinstance(m, int):
                return (m,) * n_dimensions
            V.fail("twice" if n_dimensions == 2 else f"expand_tuple({n_dimensions})", "input",
                   f"an int or a tuple of {n_dimensions} ints", m, exc=TypeError)
        if len(m) != n_dimensions:
            V.fail("twice" if n_dimensions == 2 else f"expand_tuple({n_dimensions})", "input",
                   f"a tuple of {n_dimensions} ints", m, exc=TypeError)
        for i in m:
            if not isinstance(i, int):
                V.fail("twice" if n_dimensions == 2 else f"expand_tuple({n_dimensions})", "input",
                       f"a tuple of {n_dimensions} ints", m, exc=TypeError)
        return m
    return convert


once = _expand_tuple(1)
twice = _expand_tuple(2)
triple = _expand_tuple(3)
ms_api("mindspore._checkparam.twice", torch="")(twice)
twice.__doc__ = """An int -> (int, int); a tuple must hold 2 ints (TypeError otherwise).

    Examples:
        >>> from msnn._checkparam import twice
        >>> twice(3), twice((1, 2))
        ((3, 3), (1, 2))
    """


@ms_api("mindspore._checkparam.check_input_data", torch="")
def check_input_data(*data, data_class):
    """Every item (nested in lists/tuples) is a non-empty ``data_class`` (ValueError otherwise).

    Examples:
        >>> import msnn, numpy as np
        >>> from msnn._checkparam import check_input_data
        >>> check_input_data([msnn.Tensor(np.ones(2))], data_class=msnn.Tensor)
    """
    for item in data:
        if isinstance(item, (list, tuple)):
            for v in item:
                check_input_data(v, data_class=data_class)
        else:
            if not isinstance(item, data_class):
                V.fail("check_input_data", "data", f"a {data_class.__name__} or a list of them",
                       type(item).__name__)
            n = item.numel() if isinstance(item, torch.Tensor) else item.size()
            if n == 0:
                V.fail("check_input_data", "data", "non-empty", item)


@ms_api("mindspore._checkparam.check_output_data", torch="")
def check_output_data(data):
    """RuntimeError when the executor returned nothing.

    Examples:
        >>> from msnn._checkparam import check_output_data
        >>> check_output_data((1,))
    """
    if data is None or (isinstance(data, (tuple, list, dict)) and not data):
        raise RuntimeError(f"For 'check_output_data', the executor returned {data!r}: check the network and "
                           "its inputs.")


@ms_api("mindspore._checkparam.check_axis_type_int", torch="")
def check_axis_type_int(axis):
    """An int axis (TypeError otherwise).

    Examples:
        >>> from msnn._checkparam import check_axis_type_int
        >>> check_axis_type_int(1)
    """
    if not isinstance(axis, int):
        V.fail("check_axis_type_int", "axis", "an int", axis, exc=TypeError)


@ms_api("mindspore._checkparam.check_axis_range", torch="")
def check_axis_range(axis, rank):
    """``axis`` in ``[-rank, rank)`` (ValueError otherwise).

    Examples:
        >>> from msnn._checkparam import check_axis_range
        >>> check_axis_range(-1, 2)
    """
    if not -rank <= axis < rank:
        V.fail("check_axis_range", "axis", f"in range [{-rank}, {rank})", axis)


@ms_api("mindspore._checkparam.check_attr_int", torch="")
def check_attr_int(attr_name, attr):
    """An int attribute (TypeError otherwise).

    Examples:
        >>> from msnn._checkparam import check_attr_int
        >>> check_attr_int('axis', 0)
    """
    if not isinstance(attr, int):
        V.fail("check_attr_int", attr_name, "an int", attr, exc=TypeError)


@ms_api("mindspore._checkparam.check_t_in_range", torch="")
def check_t_in_range(t):
    """One of float16, float32, float64, int32, int64 (ValueError otherwise).

    Examples:
        >>> import msnn
        >>> from msnn._checkparam import check_t_in_range
        >>> check_t_in_range(msnn.float16)
    """
    V.check_in(t, "T", "check_t_in_range",
               (mstype.float16, mstype.float32, mstype.float64, mstype.int32, mstype.int64))


valid_data_types = (int, float, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                    np.uint64, np.float16, np.float32, np.float64, bool, np.bool_)


@ms_api("mindspore._checkparam.check_type", torch="")
def check_type(arg_name, arg_value, valid_types):
    """The type name of ``arg_value`` when it is one of ``valid_types`` (or an array/sequence of
    numbers); TypeError otherwise.

    Examples:
        >>> from msnn._checkparam import check_type
        >>> check_type('x', 1.0, [float]), check_type('x', [1, 2], [float])
        ('float', 'ndarray')
    """
    arg_value = _element_type(arg_value)
    valid = tuple(valid_types)
    if isinstance(arg_value, valid) and not (isinstance(arg_value, bool) and bool not in valid):
        return type(arg_value).__name__
    if isinstance(arg_value, (list, tuple)):
        arg_value = np.array(arg_value)
    ok = isinstance(arg_value, np.ndarray) and arg_value.dtype in valid_data_types
    if not ok:
        names = [_type_name(t) for t in valid]
        V.fail("check_type", arg_name, "of type " + (names[0] if len(names) == 1 else "one of " + str(names)),
               V._Raw(type(arg_value).__name__), exc=TypeError)
    return type(arg_value).__name__


@ms_api("mindspore._checkparam.check_typename", torch="")
def check_typename(arg_name, arg_type, valid_types):
    """``arg_type`` when it is (an instance of) one of ``valid_types``; TypeError otherwise.

    Examples:
        >>> import msnn
        >>> from msnn._checkparam import check_typename
        >>> check_typename('dtype', msnn.float32, (msnn.float16, msnn.float32)) is msnn.float32
        True
    """
    arg_type = _element_type(arg_type)
    if arg_type in valid_types:
        return arg_type
    classes = tuple(t for t in valid_types if isinstance(t, type))
    if classes and isinstance(arg_type, classes):
        return arg_type
    names = [_type_name(t) for t in valid_types]
    V.fail("check_typename", arg_name, "of type " + (names[0] if len(names) == 1 else "one of " + str(names)),
           V._Raw(_type_name(arg_type)), exc=TypeError)
    return None


@ms_api("mindspore._checkparam.check_shape", torch="")
def check_shape(arg_name, arg_value):
    """A non-empty tuple of positive ints: TypeError for a non-tuple, ValueError otherwise.

    Examples:
        >>> from msnn._checkparam import check_shape
        >>> check_shape('shape', (2, 3))
    """
    if not isinstance(arg_value, tuple):
        V.fail("check_shape", arg_name, "a tuple", type(arg_value).__name__, exc=TypeError)
    if not arg_value:
        V.fail("check_shape", arg_name, "a non-empty shape", arg_value)
    for dim in arg_value:
        if isinstance(dim, (tuple, list)):
            V.fail("check_shape", arg_name, "a 1-D shape", arg_value)
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim <= 0:
            V.fail("check_shape", arg_name, "a shape of positive ints", arg_value)


@ms_api("mindspore._checkparam._check_str_by_regular", torch="re.match")
def _check_str_by_regular(target, reg=None, flag=re.ASCII):
    """True when ``target`` matches ``reg`` (default: MindSpore's name pattern); ValueError otherwise.

    Examples:
        >>> from msnn._checkparam import _check_str_by_regular
        >>> _check_str_by_regular('conv1.weight')
        True
    """
    if reg is None:
        reg = _name_re
    if not isinstance(target, str) or re.match(reg, target, flag) is None:
        V.fail("_check_str_by_regular", "target", f"a str matching {reg!r}", target)
    return True
