"""msnn.ops.functional: 0.1's pre-instantiated primitives and built-in graph primitives."""
import math

import numpy as np
import pytest
import torch

import msnn
from msnn.ops import functional as F
from msnn.ops import operations as P
from msnn.ops import Primitive
from msnn.ops.composite.base import EnvInstance

# functional name -> the primitive class it instantiates in 0.1
PRE_INSTANTIATED = {
    "cast": "Cast", "dtype": "DType", "issubclass_": "IsSubClass", "isinstance_": "IsInstance",
    "fill": "Fill", "shape": "Shape", "rank": "Rank", "reshape": "Reshape",
    "control_depend": "ControlDepend", "merge": "Merge", "geswitch": "GeSwitch", "addn": "AddN",
    "tensor_add": "TensorAdd", "neg_tensor": "Neg", "tensor_lt": "Less", "tensor_le": "LessEqual",
    "tensor_sub": "Sub", "tensor_mul": "Mul", "tensor_div": "RealDiv", "strided_slice": "StridedSlice",
    "same_type_shape": "SameTypeShape", "equal": "Equal", "assign_sub": "AssignSub", "assign": "Assign",
    "square": "Square", "sqrt": "Sqrt", "scalar_to_array": "ScalarToArray",
    "scalar_to_tensor": "ScalarToTensor", "tuple_to_array": "TupleToArray", "scalar_cast": "ScalarCast",
}

# every other name 0.1's functional.py binds (Primitive('<name>') there)
BUILTINS = [
    "typeof", "hastype", "tuple_setitem", "tuple_getitem", "list_getitem", "dict_getitem", "tuple_div",
    "tuple_len", "tuple_reversed", "make_range", "make_tuple", "make_dict", "make_list", "make_slice",
    "tuple_equal", "list_equal", "make_ref", "scalar_add", "scalar_mul", "scalar_sub", "scalar_div",
    "scalar_log", "scalar_pow", "scalar_gt", "scalar_ge", "scalar_le", "scalar_lt", "scalar_eq", "scalar_ne",
    "scalar_uadd", "scalar_usub", "scalar_mod", "string_eq", "bool_not", "bool_or", "bool_and",
    "array_to_scalar", "is_", "is_not", "broadcast_gradient_args", "dot", "array_reduce", "partial",
    "zeros_like_tensor", "identity", "distribute", "depend", "embed", "ref_to_embed", "env_setitem",
    "env_getitem", "env_add", "J", "switch", "reduced_shape", "shape_mul", "stop_gradient",
]


def test_functional_binds_every_name_of_0_1():
    for name, cls_name in PRE_INSTANTIATED.items():
        obj = getattr(F, name)
        assert isinstance(obj, Primitive)
        assert obj.name == cls_name
        assert type(obj) is getattr(P, cls_name)  # the primitive itself is tested with operations
    for name in BUILTINS:
        assert isinstance(getattr(F, name), Primitive), name


def test_functional_primitive_by_name_runs_the_builtin():
    # 0.1 user code builds these by name: Primitive('scalar_add'), Primitive('partial')
    assert Primitive('scalar_add')(1, 2) == 3
    assert Primitive('string_equal')('a', 'a') is True
    assert Primitive('partial')(Primitive('scalar_sub'), 10)(4) == 6
    with pytest.raises(NotImplementedError, match="no_such_primitive"):
        Primitive('no_such_primitive')(1)


def test_typeof():
    assert F.typeof(torch.ones(2, dtype=torch.float16)) is msnn.float16
    assert F.typeof(1) is msnn.int64 and F.typeof(1.5) is msnn.float64 and F.typeof(True) is msnn.bool_
    assert F.typeof((1,)) is tuple


def test_hastype():
    assert F.hastype(torch.ones(1), msnn.float32)
    assert not F.hastype(torch.ones(1), msnn.int32)
    assert F.hastype([1], list) and not F.hastype((1,), list)


def test_tuple_setitem():
    assert F.tuple_setitem((1, 2, 3), 0, 'a') == ('a', 2, 3)
    with pytest.raises(IndexError, match="tuple_setitem.*index.*3"):
        F.tuple_setitem((1, 2, 3), 3, 0)
    with pytest.raises(TypeError, match="tuple_setitem.*data"):
        F.tuple_setitem([1], 0, 0)


def test_tuple_getitem():
    assert F.tuple_getitem((4, 5), -1) == 5
    with pytest.raises(IndexError, match="tuple_getitem"):
        F.tuple_getitem((4, 5), -3)
    with pytest.raises(TypeError, match="'index' must be an int"):
        F.tuple_getitem((4, 5), 1.0)


def test_list_getitem():
    assert F.list_getitem([4, 5], 1) == 5
    with pytest.raises(TypeError, match="list_getitem.*'data' must be a list"):
        F.list_getitem((4, 5), 1)


def test_dict_getitem():
    assert F.dict_getitem({'a': 1, 'b': 2}, 'b') == 2
    with pytest.raises(KeyError, match="'c'"):
        F.dict_getitem({'a': 1}, 'c')


def test_tuple_div():
    assert F.tuple_div((6, 8, 9), (3, 2, 9)) == (2, 4, 1)
    with pytest.raises(ValueError, match="tuple_div"):
        F.tuple_div((7,), (2,))
    with pytest.raises(ValueError, match="length 2"):
        F.tuple_div((6, 8), (3,))


def test_tuple_len():
    assert F.tuple_len((1, 2, 3)) == 3 and F.tuple_len([]) == 0
    with pytest.raises(TypeError, match="tuple_len"):
        F.tuple_len(torch.ones(3))


def test_tuple_reversed():
    assert F.tuple_reversed((1, 2, 3)) == (3, 2, 1)


def test_make_range():
    assert F.make_range(4) == (0, 1, 2, 3)
    assert F.make_range(2, 5) == (2, 3, 4)
    assert F.make_range(5, 0, -2) == (5, 3, 1)
    with pytest.raises(ValueError, match="make_range.*step.*0"):
        F.make_range(0, 4, 0)
    with pytest.raises(TypeError, match="make_range.*an int.*1.5"):
        F.make_range(1.5)
    with pytest.raises(ValueError, match="make_range"):
        F.make_range()


def test_make_tuple():
    t = torch.ones(1)
    out = F.make_tuple(t, 2)
    assert out == (t, 2) and type(out) is tuple


def test_make_list():
    assert F.make_list(1, 2) == [1, 2]


def test_make_dict():
    assert F.make_dict(('x', 'y'), (1, 2)) == {'x': 1, 'y': 2}
    with pytest.raises(ValueError, match="make_dict.*values"):
        F.make_dict(('x', 'y'), (1,))


def test_make_slice():
    assert list(range(10))[F.make_slice(1, 8, 3)] == [1, 4, 7]
    with pytest.raises(ValueError, match="make_slice.*step"):
        F.make_slice(0, 4, 0)


def test_tuple_equal():
    assert F.tuple_equal((1, 2), (1, 2)) and not F.tuple_equal((1, 2), (2, 1))


def test_list_equal():
    assert F.list_equal([1], [1]) and not F.list_equal([1], [1, 1])


def test_make_ref():
    t = torch.ones(1)
    assert F.make_ref('k', t, None) is t


def test_scalar_add():
    assert F.scalar_add(2, 3) == 5 and F.scalar_add(0.5, 0.25) == 0.75
    with pytest.raises(TypeError, match="scalar_add.*'y' must be a number"):
        F.scalar_add(1, 'a')


def test_scalar_mul():
    assert F.scalar_mul(3, 4) == 12


def test_scalar_sub():
    assert F.scalar_sub(3, 4) == -1


def test_scalar_div():
    # ints divide as C ints (0.1's constant folding), floats as floats
    assert F.scalar_div(7, 2) == 3 and F.scalar_div(-7, 2) == -3 and F.scalar_div(7, -2) == -3
    assert F.scalar_div(1.0, 4.0) == 0.25
    with pytest.raises(RuntimeError, match="scalar_div.*zero"):
        F.scalar_div(1, 0)


def test_scalar_mod():
    assert F.scalar_mod(7, 3) == 1 and F.scalar_mod(-7, 3) == -1 and F.scalar_mod(7, -3) == 1
    with pytest.raises(RuntimeError, match="scalar_mod.*float"):
        F.scalar_mod(7.0, 3)
    with pytest.raises(RuntimeError, match="scalar_mod.*zero"):
        F.scalar_mod(7, 0)


def test_scalar_log():
    assert F.scalar_log(math.e ** 2) == pytest.approx(2.0)
    assert F.scalar_log(0.0) == -math.inf and math.isnan(F.scalar_log(-1.0))  # C's log, as 0.1


def test_scalar_pow():
    assert F.scalar_pow(3, 3) == 27 and F.scalar_pow(4.0, 0.5) == 2.0


def test_scalar_gt():
    assert F.scalar_gt(2, 1) is True and F.scalar_gt(1, 1) is False


def test_scalar_ge():
    assert F.scalar_ge(1, 1) is True


def test_scalar_le():
    assert F.scalar_le(1, 2) is True and F.scalar_le(3, 2) is False


def test_scalar_lt():
    assert F.scalar_lt(1, 1) is False


def test_scalar_eq():
    assert F.scalar_eq(2, 2.0) is True


def test_scalar_ne():
    assert F.scalar_ne(2, 3) is True


def test_scalar_uadd():
    assert F.scalar_uadd(-4) == -4


def test_scalar_usub():
    assert F.scalar_usub(-4) == 4


def test_string_eq():
    assert F.string_eq('ab', 'ab') and not F.string_eq('ab', 'b')
    with pytest.raises(TypeError, match="string_eq"):
        F.string_eq('a', 1)


def test_bool_not():
    assert F.bool_not(False) is True
    with pytest.raises(TypeError, match="bool_not.*'x' must be a bool.*1"):
        F.bool_not(1)


def test_bool_and():
    assert F.bool_and(True, True) and not F.bool_and(True, False)


def test_bool_or():
    assert F.bool_or(False, True) and not F.bool_or(False, False)
    with pytest.raises(TypeError, match="bool_or.*'y'"):
        F.bool_or(False, 0)


def test_array_to_scalar():
    assert F.array_to_scalar(torch.tensor([[3]])) == 3
    with pytest.raises(ValueError, match="array_to_scalar.*one element"):
        F.array_to_scalar(torch.ones(2))


def test_is_():
    a = [1]
    assert F.is_(a, a) and not F.is_(a, [1])


def test_is_not():
    assert F.is_not(None, 0)


def test_broadcast_gradient_args():
    # numpy's broadcasting: sum each gradient over the axes its input was stretched along
    for xs, ys in (((2, 3), (3,)), ((4, 1, 5), (3, 1)), ((1,), (2, 2)), ((2, 2), (2, 2)), ((), (3,))):
        rx, ry = F.broadcast_gradient_args(xs, ys)
        g = np.ones(np.broadcast_shapes(xs, ys))
        assert g.sum(axis=rx).reshape(xs).shape == xs if xs else True
        assert g.sum(axis=ry).reshape(ys).shape == ys
        full = len(g.shape)
        assert all(a < full for a in rx + ry)
    assert F.broadcast_gradient_args((4, 1, 5), (3, 1)) == ((1,), (0, 2))
    with pytest.raises(ValueError, match="broadcast_gradient_args.*broadcastable"):
        F.broadcast_gradient_args((2, 3), (4,))


def test_dot():
    a, b = np.random.rand(2, 3).astype(np.float32), np.random.rand(3, 4).astype(np.float32)
    np.testing.assert_allclose(F.dot(torch.tensor(a), torch.tensor(b)).numpy(), a @ b, rtol=1e-6)
    with pytest.raises(ValueError, match="dot.*'x' must be a 2-D Tensor"):
        F.dot(torch.ones(3), torch.ones(3, 1))


def test_array_reduce():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) + 1
    out = F.array_reduce(F.scalar_add, torch.tensor(x), (3, 1))
    np.testing.assert_allclose(out.numpy(), x.sum(axis=(0, 2)).reshape(3, 1))
    out = F.array_reduce(F.scalar_mul, torch.tensor(x[0, :2, :2]), (1, 2))
    np.testing.assert_allclose(out.numpy(), x[0, :2, :2].prod(axis=0, keepdims=True))
    with pytest.raises(NotImplementedError, match="array_reduce"):
        F.array_reduce(max, torch.tensor(x), (1,))


def test_partial():
    sub = F.partial(F.scalar_sub, 10)
    assert sub(3) == 7
    with pytest.raises(TypeError, match="partial.*callable"):
        F.partial(3, 1)


def test_zeros_like_tensor():
    z = F.zeros_like_tensor(torch.ones(2, 3, dtype=torch.float16))
    assert z.dtype == torch.float16 and z.shape == (2, 3) and not z.any()


def test_identity():
    t = torch.ones(1)
    assert F.identity(t) is t


def test_distribute():
    out = F.distribute(torch.tensor([1.0, 2.0, 3.0]), (2, 3))
    np.testing.assert_array_equal(out.numpy(), [[1, 2, 3], [1, 2, 3]])


def test_depend():
    order = []
    value = torch.ones(1)
    assert F.depend(value, order.append('side effect')) is value
    assert order == ['side effect']


def test_embed():
    a, b = torch.ones(1), torch.ones(1)
    assert F.embed(a) == F.embed(a) != F.embed(b)


def test_ref_to_embed():
    w = msnn.Parameter(msnn.Tensor(np.ones(2, np.float32)), name='w')
    assert F.ref_to_embed(w) == F.embed(w)


def test_env_setitem():
    env = EnvInstance()
    new = F.env_setitem(env, 'k', 1)
    assert new == {'k': 1} and env == {} and isinstance(new, EnvInstance)


def test_env_getitem():
    assert F.env_getitem(EnvInstance({'k': 2}), 'k', 0) == 2
    assert F.env_getitem(EnvInstance(), 'k', 0) == 0
    with pytest.raises(TypeError, match="env_getitem"):
        F.env_getitem(1, 'k', 0)


def test_env_add():
    out = F.env_add(EnvInstance({'a': 1.0}), EnvInstance({'a': 2.0, 'b': 3.0}))
    assert out == {'a': 3.0, 'b': 3.0}


def test_J():
    with pytest.raises(NotImplementedError, match="'J'.*GradOperation"):
        F.J(abs)


def test_switch():
    assert F.switch(True, 1, 2) == 1 and F.switch(torch.tensor(False), 1, 2) == 2


def test_reduced_shape():
    assert F.reduced_shape((2, 3, 4), (0, -1)) == (1, 3, 1)
    assert F.reduced_shape((2, 3), ()) == (1, 1)
    with pytest.raises(ValueError, match="reduced_shape.*axis"):
        F.reduced_shape((2, 3), 2)


def test_shape_mul():
    assert F.shape_mul((2, 3, 4)) == 24 and F.shape_mul(()) == 1


def test_stop_gradient():
    w = torch.tensor([2.0], requires_grad=True)
    y = w * w + F.stop_gradient(w * w) * w
    (g,) = torch.autograd.grad(y, w)
    # d/dw [w^2 + c*w] with c = w^2 held constant: 2w + w^2 = 4 + 4
    assert g.item() == 8.0
    a, b = F.stop_gradient((w * 1, [w * 2]))
    assert not a.requires_grad and not b[0].requires_grad
