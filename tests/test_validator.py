import pytest

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


def test_validator_wrong_type_option_mirrors_param_validator():
    with pytest.raises(ValueError):
        V.check_bool('x', 'nesterov', 'SGD', wrong_type=ValueError)


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
        V.check_in('full', ('same', 'valid'), 'pad_mode', 'Conv2d')


def test_validator_unsupported_is_not_implemented_error():
    with pytest.raises(NotImplementedError, match="use_locking"):
        V.check_unsupported(True, False, 'use_locking', 'Adam', 'torch updates are not locked')
    assert issubclass(V.UnsupportedError, NotImplementedError)


def test_validator_check_ndim():
    import torch  # pylint: disable=import-outside-toplevel
    x = torch.ones(2, 3)
    assert V.check_ndim(x, 2, 'input', 'Dense') is x
    with pytest.raises(ValueError) as info:
        V.check_ndim(x, 4, 'input', 'Conv2d', what="a 4-D (N, C, H, W) Tensor")
    assert str(info.value) == "For 'Conv2d', the 'input' must be a 4-D (N, C, H, W) Tensor, but got (2, 3)."
