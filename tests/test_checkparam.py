"""msnn._checkparam: 0.1's checks, exception types and messages naming the argument and value."""
import numpy as np
import pytest

import msnn
from msnn import _checkparam as cp
from msnn._checkparam import ParamValidator as PV, Rel


def test_check_int():
    assert cp.check_int(0) == 0 and cp.check_int(-3) == -3
    for bad in (3.3, 'str', True, False):
        with pytest.raises(TypeError, match="check_int.*'input_param' must be an int"):
            cp.check_int(bad)


def test_check_int_positive():
    assert cp.check_int_positive(1) == 1
    with pytest.raises(ValueError, match="check_int_positive.*positive.*-1"):
        cp.check_int_positive(-1)
    for bad in (True, 1.0):
        with pytest.raises(TypeError):
            cp.check_int_positive(bad)


def test_check_int_non_negative():
    assert cp.check_int_non_negative(0) == 0
    with pytest.raises(ValueError, match="non-negative.*-2"):
        cp.check_int_non_negative(-2)
    with pytest.raises(TypeError):
        cp.check_int_non_negative(False)


def test_check_int_zero_one():
    assert cp.check_int_zero_one(0) == 0
    with pytest.raises(ValueError, match="check_int_zero_one.*2"):
        cp.check_int_zero_one(2)


def test_check_bool():
    assert cp.check_bool(True) is True and cp.check_bool(False) is False
    for bad in ('str', 1, 3.5):
        with pytest.raises(TypeError, match="check_bool.*a bool"):
            cp.check_bool(bad)


def test_check_input_format():
    assert cp.check_input_format("NCHW") == "NCHW"
    with pytest.raises(ValueError, match="check_input_format.*'rt'"):
        cp.check_input_format("rt")


def test_check_padding():
    assert cp.check_padding(2) == 2
    with pytest.raises(ValueError, match="padding.*-1"):
        cp.check_padding(-1)


def test_check_padmode():
    assert cp.check_padmode("pad") == "pad"
    with pytest.raises(ValueError, match="check_padmode.*'mode'.*'full'"):
        cp.check_padmode("full")


def test_check_tensor_supported_type():
    assert cp.check_tensor_supported_type(msnn.float32) is msnn.float32
    with pytest.raises(ValueError, match="dtype"):
        cp.check_tensor_supported_type(msnn.float16)


def test_twice():
    assert cp.twice(3) == (3, 3) and cp.twice((3, 4)) == (3, 4)
    assert cp.once(2) == (2,) and cp.triple(1) == (1, 1, 1)
    for bad in (0.5, "str", (1, 2, 3), (3.3, 4)):
        with pytest.raises(TypeError, match="twice"):
            cp.twice(bad)


def test_check_input_data():
    cp.check_input_data(msnn.Tensor(np.ones(2)), [msnn.Tensor(np.ones(1))], data_class=msnn.Tensor)
    with pytest.raises(ValueError, match="check_input_data.*'data'.*ndarray"):
        cp.check_input_data(np.ones(2), data_class=msnn.Tensor)
    with pytest.raises(ValueError, match="non-empty"):
        cp.check_input_data(msnn.Tensor(np.ones(0)), data_class=msnn.Tensor)


def test_check_output_data():
    cp.check_output_data([1])
    with pytest.raises(RuntimeError, match="check_output_data"):
        cp.check_output_data(())


def test_check_axis_type_int():
    cp.check_axis_type_int(-1)
    with pytest.raises(TypeError, match="axis.*1.0"):
        cp.check_axis_type_int(1.0)


def test_check_axis_range():
    cp.check_axis_range(-3, 3)
    with pytest.raises(ValueError, match=r"axis.*\[-3, 3\).*3"):
        cp.check_axis_range(3, 3)


def test_check_attr_int():
    cp.check_attr_int("k", 2)
    with pytest.raises(TypeError, match="'k' must be an int"):
        cp.check_attr_int("k", "2")


def test_check_t_in_range():
    cp.check_t_in_range(msnn.int64)
    with pytest.raises(ValueError, match="T"):
        cp.check_t_in_range(msnn.uint8)


def test_check_type():
    assert cp.check_type('x', 1, [int]) == 'int'
    assert cp.check_type('x', [1.0, 2.0], [int]) == 'ndarray'  # numeric sequences pass through numpy
    with pytest.raises(TypeError, match="'x' must be of type int, but got bool"):
        cp.check_type('x', True, [int])
    with pytest.raises(TypeError, match="one of \\['int', 'float'\\].*str"):
        cp.check_type('x', 'a', [int, float])


def test_check_typename():
    assert cp.check_typename('t', msnn.int32, (msnn.int32,)) is msnn.int32
    with pytest.raises(TypeError, match="'t' must be of type"):
        cp.check_typename('t', msnn.float16, (msnn.int32, msnn.float32))


def test_check_shape():
    cp.check_shape('shape', (2, 3))
    with pytest.raises(TypeError, match="'shape' must be a tuple"):
        cp.check_shape('shape', [2, 3])
    with pytest.raises(ValueError, match="non-empty"):
        cp.check_shape('shape', ())
    with pytest.raises(ValueError, match="positive ints"):
        cp.check_shape('shape', (2, 0))


def test__check_str_by_regular():
    assert cp._check_str_by_regular("conv1.weight_0") is True
    for bad in ("", "12 3", ".a", "a b", "中文"):
        with pytest.raises(ValueError, match="_check_str_by_regular"):
            cp._check_str_by_regular(bad)
    assert cp._check_str_by_regular("abc", reg=r"^a") is True


def test_ParamValidator():
    assert PV.check_integer('k', 2, 0, Rel.GE) == 2
    with pytest.raises(ValueError, match="'k' must be an int greater or equal to 0, but got -1"):
        PV.check_integer('k', -1, 0, Rel.GE)
    with pytest.raises(ValueError, match="'k'"):
        PV.check_integer('k', True, 0, Rel.GE)
    assert PV.check_int_range('r', 3, 1, 3, Rel.INC_BOTH) == 3
    with pytest.raises(ValueError, match=r"'r' must be an int in range \[1, 3\), but got 3"):
        PV.check_int_range('r', 3, 1, 3, Rel.INC_LEFT)
    assert PV.check_number_range('p', 0.5, 0.0, 1.0, Rel.INC_NEITHER) == 0.5
    with pytest.raises(ValueError, match=r"'p' must be in range \(0.0, 1.0\], but got 0.0"):
        PV.check_number_range('p', 0.0, 0.0, 1.0, Rel.INC_RIGHT)
    assert PV.check_string('mode', 'same', ['same', 'valid']) == 'same'
    with pytest.raises(ValueError, match="'mode' must be a str in \\['same', 'valid'\\], but got 'x'"):
        PV.check_string('mode', 'x', ['same', 'valid'])
    assert PV.check_type('x', 1.0, [float]) == 1.0
    with pytest.raises(ValueError, match="'x' must be of type float, but got int"):
        PV.check_type('x', 1, [float])
    assert PV.check_typename('d', msnn.float32, (msnn.float32,)) is msnn.float32
    with pytest.raises(ValueError, match="'d'"):
        PV.check_typename('d', msnn.int32, (msnn.float32, msnn.float16))
    PV.check_subclass('x', msnn.float16, msnn.common.dtype.float_type)
    with pytest.raises(TypeError, match="type of x.*subclass"):
        PV.check_subclass('x', msnn.int32, msnn.common.dtype.float_type)
    PV.check_type_same({'a': msnn.float32, 'b': msnn.float32}, (msnn.float32,))
    with pytest.raises(TypeError, match="'b' must be the same as 'a'"):
        PV.check_type_same({'a': msnn.float32, 'b': msnn.float16}, (msnn.float32, msnn.float16))
    with pytest.raises(TypeError, match="'y' must be of the type of 'x'"):
        PV.check_two_types_same('x', int, 'y', float)
    with pytest.raises(ValueError, match="'b' must be equal to 'a' \\(1\\)"):
        PV.check_param_equal('a', 1, 'b', 2)
    with pytest.raises(ValueError, match="const input"):
        PV.check_const_input('c', None)
    assert PV.check_float_positive('f', 0.1) == 0.1
    with pytest.raises(TypeError):
        PV.check_float_positive('f', 1)
    with pytest.raises(ValueError, match="'Conv2D'.*'padding' must be 0 when pad_mode is 'same'"):
        PV.check_pad_value_by_mode('Conv2D', 'same', 1)
    with pytest.raises(ValueError, match="zero dimensions"):
        PV.check_empty_shape_input('s', (2, 0))
    with pytest.raises(ValueError, match="scalar shape"):
        PV.check_scalar_shape_input('s', [1])
    PV.check('n', 2, 'm', 2)
    with pytest.raises(ValueError, match="'n' must be equal to m: 3, but got 2"):
        PV.check('n', 2, 'm', 3)
    with pytest.raises(ValueError, match="'x' must be an instance of"):
        PV.check_isinstance('x', 1, (str,))
    with pytest.raises(TypeError, match="'t' must be a Tensor"):
        PV.check_args_tensor({'t': 1})
