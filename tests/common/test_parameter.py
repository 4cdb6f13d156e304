import copy
import pickle

import numpy as np
import pytest
import torch

import msnn
from msnn import Parameter, ParameterTuple, Tensor


def ones(*shape):
    return Tensor(np.ones(shape), msnn.float32)


def test_Parameter_repr_and_name():
    p = Parameter(ones(2), name='  w  ')
    assert p.name == 'w'
    assert repr(p) == 'Parameter (name=w)'
    assert isinstance(p, torch.nn.Parameter) and p.requires_grad
    assert p.layerwise_parallel is False


@pytest.mark.parametrize("name", [None, '', '   '])
def test_Parameter_default_name(name):
    assert Parameter(ones(1), name=name).name == 'Parameter'


def test_Parameter_name_errors():
    with pytest.raises(ValueError, match="name"):
        Parameter(ones(1), name='x' * 1025)
    with pytest.raises(ValueError, match="name"):
        Parameter(ones(1), name=3)
    Parameter(ones(1), name='x' * 1024)


@pytest.mark.parametrize("data", [True, "abc", {"a": 1}, None, (1, 2)])
def test_Parameter_bad_data_raises_value_error(data):
    with pytest.raises(ValueError, match="default_input"):
        Parameter(data, name='p')


@pytest.mark.parametrize("data,dtype,shape", [
    (1.5, torch.float32, ()), (3, torch.int64, ()), ([1.0, 2.0], torch.float64, (2,)),
    (np.zeros((2, 2), np.float32), torch.float32, (2, 2)), (np.float32(2.0), torch.float32, ()),
])
def test_Parameter_data_kinds(data, dtype, shape):
    p = Parameter(data, name='p')
    assert p.dtype == dtype and tuple(p.shape) == shape


def test_Parameter_non_numeric_list_is_accepted_and_fails_on_use():
    p = Parameter([1, '2', True], name='odd', requires_grad=False)  # 0.1 kept the list raw
    assert isinstance(p, Parameter) and repr(p) == 'Parameter (name=odd)'
    cell = msnn.Cell()
    cell.odd = p
    assert list(cell.parameters_dict()) == ['odd']
    for use in (lambda: p.asnumpy(), lambda: p.shape, lambda: torch.add(p, 1), lambda: p + 1):
        with pytest.raises(TypeError):
            use()
    with pytest.raises(TypeError, match="'odd'.*numeric"):
        p.default_input
    p.set_parameter_data(Tensor(np.array([1.0, 2.0]), msnn.float32))
    assert type(p) is Parameter and p.requires_grad is False
    assert (p * 2).tolist() == [2.0, 4.0]


def test_Parameter_integer_data_never_requires_grad():
    p = Parameter(Tensor(np.array([0]), msnn.int32), name='global_step')
    assert not p.requires_grad and p.dtype == torch.int32


def test_Parameter_copies_tensor_input():
    src = ones(2)
    p = Parameter(src, name='p')
    src.add_(1)
    np.testing.assert_array_equal(p.asnumpy(), [1, 1])


def test_Parameter_flag_type_errors():
    with pytest.raises(TypeError, match="requires_grad"):
        Parameter(ones(1), name='p', requires_grad=1)
    with pytest.raises(TypeError, match="layerwise_parallel"):
        Parameter(ones(1), name='p', layerwise_parallel=1)
    p = Parameter(ones(1), name='p')
    with pytest.raises(TypeError, match="requires_grad"):
        p.requires_grad = 1
    p.requires_grad = False
    assert not p.requires_grad and not torch.Tensor.requires_grad.__get__(p)


def test_Parameter_clone_with_init():
    p = Parameter(ones(2, 3), name='fc.weight', requires_grad=False)
    c = p.clone('moments', init='zeros')
    assert c.name == 'moments.fc.weight' and p.name == 'fc.weight'
    assert not c.requires_grad and c.is_init is False
    np.testing.assert_array_equal(c.asnumpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(p.asnumpy(), np.ones((2, 3)))


def test_Parameter_clone_same_aliases_data():
    p = Parameter(ones(2), name='w')
    c = p.clone('copy')
    with torch.no_grad():
        p.mul_(5)
    np.testing.assert_array_equal(c.asnumpy(), [5, 5])
    assert c is not p and c.name == 'copy.w'


@pytest.mark.parametrize("prefix", ['', 'a b', '.x', 3])
def test_Parameter_clone_bad_prefix(prefix):
    with pytest.raises(ValueError, match="prefix"):
        Parameter(ones(1), name='w').clone(prefix)


def test_Parameter_deepcopy_pickle_to_keep_name():
    p = Parameter(ones(2), name='fc.weight', layerwise_parallel=True)
    for c in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(c) is Parameter and c.name == 'fc.weight' and c.layerwise_parallel
        assert c.requires_grad
        np.testing.assert_array_equal(c.asnumpy(), [1, 1])
    d = copy.deepcopy(p)
    with torch.no_grad():
        d.zero_()
    np.testing.assert_array_equal(p.asnumpy(), [1, 1])


def test_Parameter_default_input_and_set_data():
    p = Parameter(ones(2), name='w')
    assert p.default_input.shape() == (2,)
    p.default_input = Tensor(np.arange(3), msnn.float32)
    np.testing.assert_array_equal(p.asnumpy(), [0, 1, 2])
    assert p.name == 'w'


def test_ParameterTuple_validation_and_clone():
    a, b = Parameter(ones(1), name='a'), Parameter(ones(2), name='b')
    pt = ParameterTuple([a, b])
    assert isinstance(pt, tuple) and pt[1] is b
    c = pt.clone('moments', 'zeros')
    assert isinstance(c, ParameterTuple) and [x.name for x in c] == ['moments.a', 'moments.b']
    with pytest.raises(ValueError, match="Parameter"):
        ParameterTuple([a, torch.ones(1)])
    with pytest.raises(ValueError):
        pt.clone('')


def test_ParameterTuple_of_a_single_parameter_or_a_number_is_a_type_error():
    p = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="p")
    for bad in (p, 3):
        with pytest.raises(TypeError, match="For 'ParameterTuple', the 'iterable' must be an iterable of Parameter"):
            msnn.ParameterTuple(bad)
    with pytest.raises(ValueError, match="a collection of Parameter"):
        msnn.ParameterTuple("[2,3]")
