"""Argument checks of the dataset transforms, with MindSpore 0.1's exception types.

0.1's transform validators raised ``ValueError`` for most bad values (even for a non-int count:
``check_pos_int32``), ``TypeError`` where a size, padding, fill value or factor had the wrong
shape, and the C++ ops raised ``RuntimeError`` when the image itself was wrong. The messages here
use msnn's one format: ``For 'Resize', the 'size' must be ..., but got ....``
"""
import numbers

import numpy as np

from msnn import _validator as V

INT32_MAX = 2147483647
FLOAT_MAX_INTEGER = 16777216


def fail(exc, cls_name, arg_name, what, value):
    """Raise ``exc`` with msnn's one message format (``msnn._validator.fail``)."""
    V.fail(cls_name, arg_name, what, value, exc=exc)


def image_error(cls_name, what, img):
    """The RuntimeError a 0.1 C++ image op raised for a bad input, naming what it got."""
    got = f"an array of shape {tuple(img.shape)} and dtype {img.dtype}" if isinstance(img, np.ndarray) \
        else f"{type(img).__name__}"
    raise RuntimeError(f"For '{cls_name}', the input image must be {what}, but got {got}.")


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value):
    return isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_))


def required(value, arg_name, cls_name):
    if value is None:
        raise ValueError(f"For '{cls_name}', the '{arg_name}' is not provided.")


def pos_int32(value, arg_name, cls_name):
    """0.1's check_pos_int32: an int in [1, INT32_MAX]; ValueError for anything else."""
    if not _is_int(value):
        fail(ValueError, cls_name, arg_name, "an int", value)
    if not 1 <= value <= INT32_MAX:
        fail(ValueError, cls_name, arg_name, f"an int in [1, {INT32_MAX}]", value)
    return int(value)


def value_in(value, lower, upper, arg_name, cls_name, *, what="a number"):
    """0.1's check_value: lower <= value <= upper (ValueError); a non-number is a TypeError."""
    if not _is_number(value):
        fail(TypeError, cls_name, arg_name, what, value)
    if not (lower <= value <= upper) or value != value:
        fail(ValueError, cls_name, arg_name, f"{what} in [{lower}, {upper}]", value)
    return value


def prob(value, cls_name, arg_name="prob"):
    return value_in(value, 0., 1., arg_name, cls_name)


def bool_(value, arg_name, cls_name, exc=ValueError):
    if not isinstance(value, bool):
        fail(exc, cls_name, arg_name, "a bool", value)
    return value


def crop_size(size, cls_name, arg_name="size"):
    """0.1's check_crop_size: an int or a (height, width) list/tuple of ints in [1, INT32_MAX]."""
    required(size, arg_name, cls_name)
    if _is_int(size):
        pair = (size, size)
    elif isinstance(size, (tuple, list)) and len(size) == 2:
        pair = tuple(size)
    else:
        fail(TypeError, cls_name, arg_name, "an int or a list/tuple (h, w) of length 2", size)
    for v in pair:
        if not _is_int(v):
            fail(TypeError, cls_name, arg_name, "an int or a list/tuple (h, w) of 2 ints", size)
        if not 1 <= v <= INT32_MAX:
            fail(ValueError, cls_name, arg_name, f"made of ints in [1, {INT32_MAX}]", size)
    return tuple(int(v) for v in pair)


def resize_size(size, cls_name, arg_name="size"):
    """0.1's check_resize_size: an int (the smaller edge) or (height, width); returned unchanged
    except that a pair becomes a tuple of ints."""
    required(size, arg_name, cls_name)
    if _is_int(size):
        return pos_int32(size, arg_name, cls_name)
    return crop_size(size, cls_name, arg_name)


def inter_mode(mode, cls_name, arg_name="interpolation"):
    from .vision.utils import Inter  # pylint: disable=import-outside-toplevel
    if not isinstance(mode, Inter):
        fail(ValueError, cls_name, arg_name, "an Inter mode (Inter.NEAREST, Inter.LINEAR, Inter.CUBIC)", mode)
    return mode


def border_type(mode, cls_name, arg_name="padding_mode"):
    from .vision.utils import Border  # pylint: disable=import-outside-toplevel
    if not isinstance(mode, Border):
        fail(ValueError, cls_name, arg_name,
             "a Border mode (Border.CONSTANT, Border.EDGE, Border.REFLECT, Border.SYMMETRIC)", mode)
    return mode


def fill_value(value, cls_name, arg_name="fill_value"):
    """0.1's check_fill_value: an int in [0, 255] or a 3-tuple of them; returned as a 3-tuple."""
    if _is_int(value):
        value_in(value, 0, 255, arg_name, cls_name, what="an int")
        return (int(value),) * 3
    if isinstance(value, tuple) and len(value) == 3:
        for v in value:
            if not _is_int(v):
                fail(ValueError, cls_name, arg_name, "an int or a 3-tuple of ints in [0, 255]", value)
            value_in(v, 0, 255, arg_name, cls_name, what="made of ints")
        return tuple(int(v) for v in value)
    fail(TypeError, cls_name, arg_name, "a single integer or a 3-tuple", value)
    return None


def padding(value, cls_name, arg_name="padding"):
    """0.1's check_padding: a number, or a list/tuple of 2 or 4; returned as (left, top, right, bottom)."""
    required(value, arg_name, cls_name)
    if _is_number(value):
        left = top = right = bottom = value
    elif isinstance(value, (tuple, list)):
        if len(value) == 2:
            left = right = value[0]
            top = bottom = value[1]
        elif len(value) == 4:
            left, top, right, bottom = value
        else:
            fail(ValueError, cls_name, arg_name, "a list or tuple of size 2 or 4", value)
    else:
        fail(TypeError, cls_name, arg_name, "a number, or a tuple or list of size 2 or 4", value)
    out = (left, top, right, bottom)
    for v in out:
        if not _is_int(v):
            fail(TypeError, cls_name, arg_name, "made of ints", value)
        if v < 0:
            fail(ValueError, cls_name, arg_name, "made of non-negative ints", value)
    return tuple(int(v) for v in out)


def range_pair(value, lower, upper, arg_name, cls_name):
    """0.1's check_range: lower <= value[0] <= value[1] <= upper (ValueError)."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and all(_is_number(v) for v in value)):
        fail(TypeError, cls_name, arg_name, "a list/tuple (min, max) of 2 numbers", value)
    if not lower <= value[0] <= value[1] <= upper:
        fail(ValueError, cls_name, arg_name, f"a range (min, max) with {lower} <= min <= max <= {upper}", value)
    return tuple(value)


def color_factor(value, arg_name, cls_name, center=1, bound=(0, FLOAT_MAX_INTEGER), non_negative=True):
    """0.1's check_random_color_adjust_param: a number -> [center - v, center + v]; a range checked."""
    if _is_number(value):
        if value < 0:
            fail(ValueError, cls_name, arg_name, "a non-negative number", value)
        lo, hi = center - value, center + value
        if non_negative:
            lo = max(0, lo)
        return (lo, hi)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        if not all(_is_number(v) for v in value):
            fail(TypeError, cls_name, arg_name, "a list/tuple of 2 numbers", value)
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            fail(ValueError, cls_name, arg_name, f"a range (min, max) within the bound {bound}", value)
        return (value[0], value[1])
    fail(TypeError, cls_name, arg_name, "a single number or a list/tuple of length 2", value)
    return None


def degrees(value, cls_name, arg_name="degrees"):
    """0.1's check_degrees: a non-negative number d -> (-d, d), or a sequence (min, max)."""
    required(value, arg_name, cls_name)
    if _is_number(value):
        if value < 0:
            fail(ValueError, cls_name, arg_name, "a non-negative number when it is a single number", value)
        return (-value, value)
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            fail(ValueError, cls_name, arg_name, "a sequence of length 2", value)
        if not all(_is_number(v) for v in value):
            fail(TypeError, cls_name, arg_name, "a sequence of 2 numbers", value)
        return tuple(value)
    fail(TypeError, cls_name, arg_name, "a single non-negative number or a sequence", value)
    return None


def transforms_list(value, cls_name, arg_name="transforms"):
    required(value, arg_name, cls_name)
    if not isinstance(value, list):
        fail(ValueError, cls_name, arg_name, "a list", value)
    return value
