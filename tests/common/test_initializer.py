import math

import numpy as np
import pytest
import torch

import msnn
from msnn import Tensor
from msnn.common import initializer as init_mod
from msnn.common.initializer import (HeUniform, Normal, One, TruncatedNormal, Uniform, XavierUniform,
                                     Zero, initializer)


def test_initializer_seed_doc_example():
    t = initializer('ones', [1, 2, 3], msnn.float32)
    assert t.shape() == (1, 2, 3) and t.dtype == msnn.float32
    np.testing.assert_array_equal(t.asnumpy(), np.ones((1, 2, 3)))


@pytest.mark.parametrize("alias,cls", [
    ('zeros', Zero), ('zero', Zero), ('ones', One), ('one', One), ('normal', Normal), ('NoRmAl', Normal),
    ('truncatednormal', TruncatedNormal), ('uniform', Uniform), ('xavier_uniform', XavierUniform),
    ('xavieruniform', XavierUniform), ('he_uniform', HeUniform), ('HeUniform', HeUniform),
])
def test_initializer_aliases(alias, cls):
    assert init_mod._INITIALIZER_ALIAS[alias.lower()] is cls
    assert initializer(alias, (4, 4)).shape() == (4, 4)


def test_initializer_unknown_alias_raises_key_error():
    with pytest.raises(KeyError):
        initializer('truncated_normal', (2, 2))


def test_initializer_bad_type_raises_type_error():
    with pytest.raises(TypeError, match="Unsupported init type"):
        initializer([1, 2], (2,))


def test_initializer_constant_and_dtype():
    t = initializer(2.5, (2, 2), msnn.float16)
    assert t.dtype == msnn.float16
    np.testing.assert_array_equal(t.asnumpy(), np.full((2, 2), 2.5, np.float16))
    assert initializer(True, [2]).asnumpy().tolist() == [1.0, 1.0]


def test_initializer_tensor_returned_as_is():
    src = Tensor(np.ones((2, 3)), msnn.float32)
    assert initializer(src, (2, 3)) is src
    assert initializer(src, [2, 3]) is src
    with pytest.raises(ValueError, match="shape"):
        initializer(src, (3, 2))
    with pytest.raises(ValueError, match="shape"):
        initializer(src)  # 0.1 compares against [None]


def test_initializer_bad_shape_raises_value_error():
    with pytest.raises(ValueError, match="shape"):
        initializer('zeros', (-1, 2))


def test_initializer_reproducible_under_numpy_seed():
    np.random.seed(7)
    a = initializer('normal', (5, 4)).asnumpy()
    b = initializer(Uniform(), (3,)).asnumpy()
    np.random.seed(7)
    np.testing.assert_array_equal(a, np.random.normal(0, 0.01, (5, 4)).astype(np.float32))
    np.testing.assert_array_equal(b, np.random.uniform(-0.07, 0.07, (3,)).astype(np.float32))


def test_Normal_statistics():
    x = initializer(Normal(0.5), (200, 500)).asnumpy()
    assert abs(x.mean()) < 0.005 and abs(x.std() - 0.5) < 0.005
    y = initializer('normal', (200, 500)).asnumpy()
    assert abs(y.std() - 0.01) < 1e-4


def test_Uniform_bounds():
    x = initializer(Uniform(0.3), (200, 500)).asnumpy()
    assert x.min() >= -0.3 and x.max() <= 0.3 and x.max() > 0.299 and abs(x.std() - 0.3 / math.sqrt(3)) < 1e-3


def test_XavierUniform_bound_from_fans():
    x = initializer(XavierUniform(gain=2), (64, 32, 3, 3)).asnumpy()
    bound = 2 * math.sqrt(6.0 / (32 * 9 + 64 * 9))
    assert x.max() <= bound and x.min() >= -bound and x.max() > 0.99 * bound


def test_HeUniform_bound_from_fan_in():
    x = initializer('he_uniform', (64, 32, 3, 3)).asnumpy()
    bound = math.sqrt(6.0 / (32 * 9))
    assert x.max() <= bound and x.max() > 0.99 * bound and abs(x.std() - bound / math.sqrt(3)) < 2e-3


@pytest.mark.parametrize("init", ['xavier_uniform', 'he_uniform'])
def test_XavierUniform_needs_2d(init):
    with pytest.raises(ValueError):
        initializer(init, (5,))


def test_TruncatedNormal_range_and_std():
    x = initializer('truncatednormal', (400, 500)).asnumpy().astype(np.float64)
    assert x.min() >= -0.02 and x.max() <= 0.02
    # variance factor of N(0,1) truncated to [-2, 2]: 1 - 2*2*phi(2)/(Phi(2)-Phi(-2))
    phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
    z = math.erf(2 / math.sqrt(2))
    assert abs(x.std() - 0.01 * math.sqrt(1 - 4 * phi2 / z)) < 5e-5
    assert abs(x.mean()) < 5e-5


def test_TruncatedNormal_draws_inverse_cdf_of_numpy_uniforms():
    np.random.seed(3)
    x = initializer(TruncatedNormal(1.0), (6,), msnn.float64).asnumpy()
    np.random.seed(3)
    q = np.random.uniform(0.0, 1.0, (6,))
    lo, hi = 0.5 * (1 + math.erf(-2 / math.sqrt(2))), 0.5 * (1 + math.erf(2 / math.sqrt(2)))
    expected = torch.special.ndtri(torch.from_numpy(lo + q * (hi - lo))).numpy()
    np.testing.assert_allclose(x, expected, rtol=1e-12)


def test_One_fill():
    np.testing.assert_array_equal(initializer(One(), (2,)).asnumpy(), [1, 1])


def test_Zero_fill():
    np.testing.assert_array_equal(initializer(Zero(), (2,)).asnumpy(), [0, 0])
