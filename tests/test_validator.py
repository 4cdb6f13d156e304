import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from msnn import _validator as V


@pytest.mark.parametrize("check,value,exc", [
    (V.check_bool, 1, TypeError), (V.check_positive_int, 0, ValueError), (V.check_positive_int, True, TypeError),
    (V.check_positive_int, 2.0, TypeError), (V.check_non_negative_int, -1, ValueError),
    (V.check_int, "3", TypeError), (V.check_float, 1, ValueError),
])
def test_validator_exception_types(check, value, exc):
    with pytest.raises(exc):
        check(value, 'arg', 'Dense')


def test_validator_message_names_class_argument_value():
    with pytest.raises(TypeError) as info:
        V.check_positive_int((1, 1), 'stride', 'Conv2d')
    assert str(info.value) == "For 'Conv2d', the 'stride' must be a positive int, but got (1, 1)."


def test_validator_exc_option_mirrors_param_validator():
    with pytest.raises(ValueError):
        V.check_bool('x', 'nesterov', 'SGD', exc=ValueError)


@pytest.mark.parametrize("value,lower,upper,lo_open,hi_open,ok", [
    (0.5, 0.0, 1.0, True, True, True), (0.0, 0.0, 1.0, True, True, False), (1.0, 0.0, 1.0, False, False, True),
    (1.5, 0.0, 1.0, False, False, False),
])
def test_validator_float_ranges(value, lower, upper, lo_open, hi_open, ok):
    call = lambda: V.check_float(value, 'beta1', 'Adam', lower=lower, upper=upper, lower_open=lo_open,
                                 upper_open=hi_open)
    if ok:
        assert call() == value
    else:
        with pytest.raises(ValueError, match="beta1"):
            call()


def test_validator_int_pair_and_name_and_in():
    assert V.check_int_pair(3, 'kernel_size', 'MaxPool2d') == (3, 3)
    assert V.check_int_pair((2, 3), 'kernel_size', 'MaxPool2d') == (2, 3)
    with pytest.raises(TypeError):
        V.check_int_pair([2, 3], 'kernel_size', 'MaxPool2d')
    with pytest.raises(ValueError):
        V.check_int_pair((0, 3), 'kernel_size', 'MaxPool2d')
    assert V.check_name('a.b_1', 'prefix', 'Cell') == 'a.b_1'
    with pytest.raises(ValueError):
        V.check_name('', 'prefix', 'Cell')
    with pytest.raises(ValueError, match="pad_mode"):
        V.check_in('full', 'pad_mode', 'Conv2d', ('same', 'valid'))


def test_validator_refuse_is_not_implemented_error():
    with pytest.raises(NotImplementedError, match="use_locking"):
        V.refuse('Adam', 'use_locking', True, 'torch updates are not locked')
    assert issubclass(V.UnsupportedError, NotImplementedError)


def test_validator_check_ndim():
    x = torch.ones(2, 3)
    assert V.check_ndim(x, 'input', 'Dense', 2) is x
    assert V.check_ndim(x, 'input', 'Dense', (1, 2)) is x
    with pytest.raises(ValueError) as info:
        V.check_ndim(x, 'input', 'Conv2d', 4, what="a 4-D (N, C, H, W) Tensor")
    assert str(info.value) == "For 'Conv2d', the 'input' must be a 4-D (N, C, H, W) Tensor, but got shape (2, 3)."
    with pytest.raises(TypeError, match="For 'Conv2d', the 'input' must be a Tensor, but got ndarray"):
        V.check_ndim(np.ones((2, 3)), 'input', 'Conv2d', 4)


def test_validator_fail_convention():
    with pytest.raises(KeyError) as info:
        V.fail('Dense', 'weight_init', 'an initializer', 'abc', exc=KeyError)
    assert "For 'Dense', the 'weight_init' must be an initializer, but got 'abc'." in str(info.value)
    with pytest.raises(ValueError):
        V.fail('Dense', 'x', 'y', 1)


NON_FINITE = [float('nan'), float('inf'), float('-inf')]


@pytest.mark.parametrize("value", NON_FINITE)
@pytest.mark.parametrize("kwargs", [{}, {"lower": 0.0}, {"upper": 1.0}, {"lower": 0.0, "upper": 1.0},
                                    {"lower": 0.0, "lower_open": True}])
def test_validator_non_finite_fails_every_number_check(value, kwargs):
    with pytest.raises(ValueError, match="the 'momentum' must be a finite"):
        V.check_number(value, 'momentum', 'Momentum', **kwargs)
    with pytest.raises(ValueError, match="the 'momentum' must be a finite float"):
        V.check_float(value, 'momentum', 'Momentum', **kwargs)


@given(st.floats(allow_nan=True, allow_infinity=True),
       st.one_of(st.none(), st.floats(-10, 10)), st.one_of(st.none(), st.floats(-10, 10)),
       st.booleans(), st.booleans())
def test_validator_check_number_accepts_exactly_the_finite_values_in_range(value, lower, upper, lo_open, hi_open):
    in_range = (math.isfinite(value)
                and (lower is None or (value > lower if lo_open else value >= lower))
                and (upper is None or (value < upper if hi_open else value <= upper)))
    call = lambda: V.check_number(value, 'x', 'Cls', lower=lower, upper=upper, lower_open=lo_open,
                                  upper_open=hi_open)
    if in_range:
        assert call() == value
    else:
        with pytest.raises(ValueError, match="For 'Cls', the 'x' must be"):
            call()


def test_validator_tensor_checks():
    x = torch.ones(2, 3)
    assert V.check_tensor_dtype(x, 'x', 'Dense', 'float') is x
    with pytest.raises(TypeError, match="For 'Embedding', the 'input' must be an integer Tensor, but got dtype float32"):
        V.check_tensor_dtype(x, 'input', 'Embedding', 'int')
    with pytest.raises(TypeError, match="a Tensor of dtype float16 or float32"):
        V.check_tensor_dtype(x.double(), 'x', 'Dense', (torch.float16, torch.float32))
    assert V.is_int_tensor(torch.ones(2, dtype=torch.int32)) and not V.is_int_tensor(torch.ones(2, dtype=torch.bool))
    assert V.check_axis(-1, 3, 'axis', 'Softmax') == 2
    with pytest.raises(ValueError, match=r"in range \[-3, 3\)"):
        V.check_axis(3, 3, 'axis', 'Softmax')


def test_validator_check_unsupported_warns_once_with_the_declared_reason():
    from msnn._api import ms_api  # pylint: disable=import-outside-toplevel

    @ms_api("mindspore.nn._ValidatorProbe", unsupported={"use_locking": "eager updates never race"})
    class _ValidatorProbe:  # pylint: disable=too-few-public-methods
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            V.check_unsupported(False, 'use_locking', '_ValidatorProbe', False)  # default: silent
        with pytest.warns(V.UnsupportedWarning, match="'use_locking'=True has no effect in msnn: eager updates never race"):
            V.check_unsupported(True, 'use_locking', '_ValidatorProbe', False)
        with pytest.raises(RuntimeError, match="not declared"):
            V.check_unsupported(True, 'other', '_ValidatorProbe', False)
    finally:
        from msnn import _api  # pylint: disable=import-outside-toplevel
        del _api.REGISTRY["mindspore.nn._ValidatorProbe"]
