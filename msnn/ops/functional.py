"""``mindspore.ops.functional`` (``F``): pre-instantiated primitives and graph helpers.

Two kinds of names, as in 0.1:

* instances of ``mindspore.ops.operations`` primitives (``F.cast = P.Cast()``,
  ``F.tensor_add = P.TensorAdd()``, ``F.tuple_to_array = P.TupleToArray()``, ...);
* 0.1's built-in graph primitives (``Primitive('depend')``, ``Primitive('scalar_add')``, ...),
  which msnn implements in Python here. Each is a :class:`~msnn.ops.Primitive` whose call is the
  Python function itself, and ``Primitive('<0.1 name>')`` built by user code calls the same
  function (``Primitive('scalar_add')(1, 2) == 3``).
"""
import functools
import math
import numbers

import torch

from .._api import ms_api
from .. import _validator as V
from ..common import dtype as mstype
from ..common._register_for_tensor import tensor_operator_registry
from . import operations as P
from .operations import _grad_ops  # pylint: disable=unused-import
from .primitive import Primitive
from .composite.base import EnvInstance

# 0.1 primitive name -> the Python implementation (read by Primitive.__call__ for Primitive('name'))
NAMED = {}
# functional name -> its Primitive instance (bound as module attributes at the end of this file)
_BUILTINS = {}


def _builtin(name, prim_name=None, torch_name="", deviations=()):
    """Decorator: make ``fn`` the functional name ``name``, a Primitive whose call is ``fn``.

    The function itself is returned (its docstring examples run as doctests); the Primitive is
    bound to ``name`` at the end of the module."""
    def deco(fn):
        cls = type(name, (Primitive,), {"__call__": staticmethod(fn), "__doc__": fn.__doc__,
                                        "__module__": __name__})
        obj = cls(prim_name or name)
        NAMED[prim_name or name] = fn
        ms_api("mindspore.ops.functional." + name, torch=torch_name, deviations=deviations)(obj)
        _BUILTINS[name] = obj
        return fn
    return deco


# -- pre-instantiated primitives (defined in msnn.ops.operations) -------------------------------------
cast = P.Cast()
dtype = P.DType()
issubclass_ = P.IsSubClass()
isinstance_ = P.IsInstance()
fill = P.Fill()
shape = P.Shape()
rank = P.Rank()
reshape = P.Reshape()
control_depend = P.ControlDepend()
merge = P.Merge()
geswitch = P.GeSwitch()
addn = P.AddN()
tensor_add = P.TensorAdd()
neg_tensor = P.Neg()
tensor_lt = P.Less()
tensor_le = P.LessEqual()
tensor_sub = P.Sub()
tensor_mul = P.Mul()
tensor_operator_registry.register('__add__', tensor_add)  # as 0.1 (msnn's Tensor operators are torch's)
tensor_operator_registry.register('__mul__', tensor_mul)
tensor_div = P.RealDiv()
strided_slice = P.StridedSlice()
same_type_shape = P.SameTypeShape()
equal = P.Equal()
assign_sub = P.AssignSub()
assign = P.Assign()
square = P.Square()
sqrt = P.Sqrt()
scalar_to_array = P.ScalarToArray()
scalar_to_tensor = P.ScalarToTensor()
tuple_to_array = P.TupleToArray()
scalar_cast = P.ScalarCast()


# -- types ------------------------------------------------------------------------------------------
@_builtin("typeof", deviations=("Returns the msnn dtype (a torch dtype) of a tensor or scalar and the "
                                "Python type of anything else; 0.1 returned its own type objects "
                                "(Tensor[Float32], Int32, Tuple, ...).",))
def _typeof(x):
    """The type of ``x``: a tensor's dtype, a scalar's dtype (``int`` -> int64), else ``type(x)``.

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> F.typeof(torch.ones(1)), F.typeof(1.0), F.typeof((1,))
        (torch.float32, torch.float64, <class 'tuple'>)
    """
    if isinstance(x, torch.Tensor):
        return x.dtype
    if isinstance(x, (bool, int, float)):
        return mstype.pytype_to_dtype(type(x))
    return type(x)


@_builtin("hastype")
def _hastype(x, t):
    """Whether ``x`` has type ``t`` (a dtype compared with :func:`typeof`, or a Python class).

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> F.hastype(torch.ones(1), torch.float32), F.hastype((1,), tuple)
        (True, True)
    """
    if isinstance(t, type):
        return isinstance(x, t)
    return _typeof(x) == t


# -- tuples, lists, dicts -----------------------------------------------------------------------------
def _check_seq(x, arg, name, kinds=(tuple,), what="a tuple"):
    if not isinstance(x, kinds):
        V.fail(name, arg, what, type(x).__name__, exc=TypeError)


def _check_index(i, n, name):
    V.check_int(i, "index", name)
    if not -n <= i < n:
        raise IndexError(f"For '{name}', the 'index' must be in range [{-n}, {n}), but got {i}.")


@_builtin("tuple_setitem")
def _tuple_setitem(data, index, value):
    """A new tuple equal to ``data`` with element ``index`` replaced by ``value``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.tuple_setitem((1, 2, 3), -1, 9)
        (1, 2, 9)
    """
    _check_seq(data, "data", "tuple_setitem")
    _check_index(index, len(data), "tuple_setitem")
    out = list(data)
    out[index] = value
    return tuple(out)


@_builtin("tuple_getitem")
def _tuple_getitem(data, index):
    """Element ``index`` of a tuple (IndexError when out of range).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.tuple_getitem((1, 2, 3), 1)
        2
    """
    _check_seq(data, "data", "tuple_getitem")
    _check_index(index, len(data), "tuple_getitem")
    return data[index]


@_builtin("list_getitem")
def _list_getitem(data, index):
    """Element ``index`` of a list (IndexError when out of range).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.list_getitem([1, 2, 3], 0)
        1
    """
    _check_seq(data, "data", "list_getitem", (list,), "a list")
    _check_index(index, len(data), "list_getitem")
    return data[index]


@_builtin("dict_getitem")
def _dict_getitem(data, key):
    """``data[key]`` for a dict (KeyError naming the key when absent).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.dict_getitem({'a': 1}, 'a')
        1
    """
    _check_seq(data, "data", "dict_getitem", (dict,), "a dict")
    if key not in data:
        raise KeyError(f"For 'dict_getitem', the key {key!r} is not in the dict (keys: {list(data)}).")
    return data[key]


@_builtin("tuple_div")
def _tuple_div(x, y):
    """Element-wise division of two tuples of ints, each exactly divisible (ValueError otherwise).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.tuple_div((8, 6), (2, 3))
        (4, 2)
    """
    _check_seq(x, "x", "tuple_div")
    _check_seq(y, "y", "tuple_div")
    if len(x) != len(y):
        V.fail("tuple_div", "y", f"a tuple of length {len(x)} (as x)", y)
    for a, b in zip(x, y):
        V.check_int(a, "x", "tuple_div")
        V.check_int(b, "y", "tuple_div")
        if b == 0 or a % b:
            V.fail("tuple_div", "y", f"a divisor of {x} element by element", y)
    return tuple(a // b for a, b in zip(x, y))


@_builtin("tuple_len", torch_name="len")
def _tuple_len(x):
    """The length of a tuple or list.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.tuple_len((1, 2, 3))
        3
    """
    _check_seq(x, "x", "tuple_len", (tuple, list), "a tuple or list")
    return len(x)


@_builtin("tuple_reversed")
def _tuple_reversed(x):
    """The tuple in reverse order.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.tuple_reversed((1, 2, 3))
        (3, 2, 1)
    """
    _check_seq(x, "x", "tuple_reversed", (tuple, list), "a tuple or list")
    return tuple(reversed(x))


@_builtin("make_range", torch_name="range")
def _make_range(*args):
    """``tuple(range(...))`` from ``(stop)``, ``(start, stop)`` or ``(start, stop, step)`` ints.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.make_range(3), F.make_range(1, 7, 2)
        ((0, 1, 2), (1, 3, 5))
    """
    if not 1 <= len(args) <= 3:
        V.fail("make_range", "args", "1 to 3 ints (stop | start, stop | start, stop, step)", args)
    for a in args:
        V.check_int(a, "args", "make_range")
    if len(args) == 3 and args[2] == 0:
        V.fail("make_range", "step", "non-zero", 0)
    return tuple(range(*args))


@_builtin("make_tuple")
def _make_tuple(*args):
    """A tuple of the arguments.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.make_tuple(1, 'a')
        (1, 'a')
    """
    return args


@_builtin("make_list")
def _make_list(*args):
    """A list of the arguments.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.make_list(1, 2)
        [1, 2]
    """
    return list(args)


@_builtin("make_dict")
def _make_dict(keys, values):
    """A dict from a tuple of keys and a tuple of values of the same length.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.make_dict(('a', 'b'), (1, 2))
        {'a': 1, 'b': 2}
    """
    _check_seq(keys, "keys", "make_dict", (tuple, list), "a tuple or list")
    _check_seq(values, "values", "make_dict", (tuple, list), "a tuple or list")
    if len(keys) != len(values):
        V.fail("make_dict", "values", f"{len(keys)} values (one per key)", len(values))
    return dict(zip(keys, values))


@_builtin("make_slice", torch_name="slice")
def _make_slice(start, stop, step):
    """``slice(start, stop, step)`` (each an int or None).

    Examples:
        >>> from msnn.ops import functional as F
        >>> (0, 1, 2, 3)[F.make_slice(1, None, 2)]
        (1, 3)
    """
    for arg, v in (("start", start), ("stop", stop), ("step", step)):
        if v is not None:
            V.check_int(v, arg, "make_slice")
    if step == 0:
        V.fail("make_slice", "step", "non-zero", 0)
    return slice(start, stop, step)


@_builtin("tuple_equal")
def _tuple_equal(x, y):
    """Whether two tuples are equal.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.tuple_equal((1, 2), (1, 2))
        True
    """
    return tuple(x) == tuple(y)


@_builtin("list_equal")
def _list_equal(x, y):
    """Whether two lists are equal.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.list_equal([1], [2])
        False
    """
    return list(x) == list(y)


@_builtin("make_ref")
def _make_ref(key, value, ref):
    """A reference to ``value`` (msnn has no reference objects: returns ``value``).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.make_ref('w', 1.0, None)
        1.0
    """
    return value


# -- scalars ------------------------------------------------------------------------------------------
def _num(x, arg, name):
    if isinstance(x, torch.Tensor) or (isinstance(x, numbers.Number) and not isinstance(x, complex)):
        return x
    V.fail(name, arg, "a number", x, exc=TypeError)


def _scalar_binop(name, op, doc):
    def fn(x, y):
        return op(_num(x, "x", name), _num(y, "y", name))
    fn.__doc__ = doc
    fn.__name__ = "_" + name
    fn.__qualname__ = "_" + name
    return _builtin(name)(fn)


_scalar_add = _scalar_binop("scalar_add", lambda x, y: x + y, """``x + y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_add(1, 2)
        3
    """)
_scalar_mul = _scalar_binop("scalar_mul", lambda x, y: x * y, """``x * y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_mul(2, 3.5)
        7.0
    """)
_scalar_sub = _scalar_binop("scalar_sub", lambda x, y: x - y, """``x - y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_sub(1, 3)
        -2
    """)
_scalar_pow = _scalar_binop("scalar_pow", lambda x, y: x ** y, """``x ** y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_pow(2, 10)
        1024
    """)
_scalar_gt = _scalar_binop("scalar_gt", lambda x, y: x > y, """``x > y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_gt(2, 1)
        True
    """)
_scalar_ge = _scalar_binop("scalar_ge", lambda x, y: x >= y, """``x >= y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_ge(1, 1)
        True
    """)
_scalar_le = _scalar_binop("scalar_le", lambda x, y: x <= y, """``x <= y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_le(2, 1)
        False
    """)
_scalar_lt = _scalar_binop("scalar_lt", lambda x, y: x < y, """``x < y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_lt(1, 2)
        True
    """)
_scalar_eq = _scalar_binop("scalar_eq", lambda x, y: x == y, """``x == y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_eq(1, 1.0)
        True
    """)
_scalar_ne = _scalar_binop("scalar_ne", lambda x, y: x != y, """``x != y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_ne(1, 2)
        True
    """)


@_builtin("scalar_div", deviations=("An int and a float are divided as floats; 0.1 refused mixed "
                                    "scalar types.",))
def _scalar_div(x, y):
    """``x / y``; two ints divide as C ints (truncated toward zero), as in 0.1.

    Raises:
        RuntimeError: ``y`` is zero (0.1: "Divisor could not be zero").

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_div(7, 2), F.scalar_div(-7, 2), F.scalar_div(7.0, 2)
        (3, -3, 3.5)
    """
    _num(x, "x", "scalar_div")
    _num(y, "y", "scalar_div")
    if isinstance(x, torch.Tensor) or isinstance(y, torch.Tensor):
        return x / y
    if y == 0:
        raise RuntimeError(f"For 'scalar_div', the divisor 'y' must not be zero, but got {y!r}.")
    if isinstance(x, int) and isinstance(y, int):
        q = abs(x) // abs(y)
        return q if (x >= 0) == (y >= 0) else -q
    return x / y


@_builtin("scalar_mod")
def _scalar_mod(x, y):
    """``x % y`` for ints with C semantics (the sign of ``x``), as in 0.1.

    Raises:
        RuntimeError: ``y`` is zero, or a float operand (0.1: "Float does not support mod operator").

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_mod(7, 3), F.scalar_mod(-7, 3)
        (1, -1)
    """
    _num(x, "x", "scalar_mod")
    _num(y, "y", "scalar_mod")
    if not (isinstance(x, int) and isinstance(y, int)):
        raise RuntimeError(f"For 'scalar_mod', the inputs must be ints (float does not support mod), "
                           f"but got {x!r} and {y!r}.")
    if y == 0:
        raise RuntimeError(f"For 'scalar_mod', the divisor 'y' must not be zero, but got {y!r}.")
    return x - y * _scalar_div(x, y)


@_builtin("scalar_log", torch_name="math.log")
def _scalar_log(x):
    """The natural logarithm of a number, as C's ``log``: ``-inf`` at 0, ``nan`` below 0.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_log(1.0), F.scalar_log(0.0)
        (0.0, -inf)
    """
    if isinstance(_num(x, "x", "scalar_log"), torch.Tensor):
        return torch.log(x)
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


@_builtin("scalar_uadd")
def _scalar_uadd(x):
    """``+x``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_uadd(-2)
        -2
    """
    return +_num(x, "x", "scalar_uadd")


@_builtin("scalar_usub")
def _scalar_usub(x):
    """``-x``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.scalar_usub(2)
        -2
    """
    return -_num(x, "x", "scalar_usub")


@_builtin("string_eq", prim_name="string_equal")
def _string_eq(x, y):
    """Whether two strings are equal.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.string_eq('a', 'a')
        True
    """
    _check_seq(x, "x", "string_eq", (str,), "a string")
    _check_seq(y, "y", "string_eq", (str,), "a string")
    return x == y


def _bool(x, arg, name):
    if not isinstance(x, bool):
        V.fail(name, arg, "a bool", x, exc=TypeError)
    return x


@_builtin("bool_not")
def _bool_not(x):
    """``not x`` for a bool (TypeError otherwise).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.bool_not(True)
        False
    """
    return not _bool(x, "x", "bool_not")


@_builtin("bool_and")
def _bool_and(x, y):
    """``x and y`` for bools (TypeError otherwise).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.bool_and(True, False)
        False
    """
    return _bool(x, "x", "bool_and") and _bool(y, "y", "bool_and")


@_builtin("bool_or")
def _bool_or(x, y):
    """``x or y`` for bools (TypeError otherwise).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.bool_or(True, False)
        True
    """
    return _bool(x, "x", "bool_or") | _bool(y, "y", "bool_or")


@_builtin("array_to_scalar", torch_name="torch.Tensor.item")
def _array_to_scalar(x):
    """The Python number held by a one-element tensor (ValueError for more elements).

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> F.array_to_scalar(torch.tensor([2.5]))
        2.5
    """
    V.check_tensor(x, "x", "array_to_scalar")
    if x.numel() != 1:
        V.fail("array_to_scalar", "x", "a Tensor with one element", x)
    return x.item()


@_builtin("is_")
def _is(x, y):
    """``x is y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.is_(None, None)
        True
    """
    return x is y


@_builtin("is_not")
def _is_not(x, y):
    """``x is not y``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.is_not(1, None)
        True
    """
    return x is not y


# -- gradient plumbing and arrays ------------------------------------------------------------------
@_builtin("broadcast_gradient_args", prim_name="BroadcastGradientArgs")
def _broadcast_gradient_args(x_shape, y_shape):
    """The axes to sum each gradient over after ``x`` and ``y`` were broadcast together.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.broadcast_gradient_args((2, 3), (3,))
        ((), (0,))
        >>> F.broadcast_gradient_args((2, 1, 4), (3, 1))
        ((1,), (0, 2))
    """
    _check_seq(x_shape, "x_shape", "broadcast_gradient_args")
    _check_seq(y_shape, "y_shape", "broadcast_gradient_args")
    n = max(len(x_shape), len(y_shape))
    xs = (1,) * (n - len(x_shape)) + tuple(x_shape)
    ys = (1,) * (n - len(y_shape)) + tuple(y_shape)
    rx, ry = [], []
    for i, (a, b) in enumerate(zip(xs, ys)):
        if a != b and a != 1 and b != 1:
            V.fail("broadcast_gradient_args", "y_shape", f"broadcastable with {tuple(x_shape)}", y_shape)
        if a == 1 and b != 1:
            rx.append(i)
        elif b == 1 and a != 1:
            ry.append(i)
        elif a == 1 and b == 1:
            if i < n - len(x_shape):
                rx.append(i)
            if i < n - len(y_shape):
                ry.append(i)
    return tuple(rx), tuple(ry)


@_builtin("dot", torch_name="torch.matmul")
def _dot(x, y):
    """The matrix product of two 2-D tensors.

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> F.dot(torch.ones(2, 3), torch.ones(3, 1)).tolist()
        [[3.0], [3.0]]
    """
    V.check_ndim(x, "x", "dot", 2)
    V.check_ndim(y, "y", "dot", 2)
    return torch.matmul(x, y)


@_builtin("array_reduce", torch_name="torch.sum / torch.prod")
def _array_reduce(fn, x, shape):
    """Reduces ``x`` to ``shape`` (broadcast-compatible) with ``fn``: scalar_add sums, scalar_mul
    multiplies (other functions raise NotImplementedError).

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> F.array_reduce(F.scalar_add, torch.ones(2, 3), (1, 3)).tolist()
        [[2.0, 2.0, 2.0]]
    """
    V.check_tensor(x, "x", "array_reduce")
    shape = tuple(shape)
    lead = x.dim() - len(shape)
    if lead < 0:
        V.fail("array_reduce", "shape", f"at most {x.dim()} dimensions", shape)
    dims = list(range(lead)) + [lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1]
    if fn in (_BUILTINS["scalar_add"], _scalar_add):
        out = x.sum(dim=dims, keepdim=True) if dims else x
    elif fn in (_BUILTINS["scalar_mul"], _scalar_mul):
        out = x
        for d in sorted(dims, reverse=True):
            out = out.prod(dim=d, keepdim=True)
    else:
        V.refuse("array_reduce", "fn", fn, "only scalar_add and scalar_mul reductions are implemented")
    return out.reshape(shape)


@_builtin("partial", torch_name="functools.partial")
def _partial(fn, *args):
    """``fn`` with its first arguments bound to ``args``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.partial(F.scalar_sub, 10)(3)
        7
    """
    if not callable(fn):
        V.fail("partial", "fn", "a callable", type(fn).__name__, exc=TypeError)
    return functools.partial(fn, *args)


@_builtin("zeros_like_tensor", torch_name="torch.zeros_like")
def _zeros_like_tensor(x):
    """Zeros with the shape and dtype of a tensor.

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> F.zeros_like_tensor(torch.ones(2, dtype=torch.int32)).tolist()
        [0, 0]
    """
    V.check_tensor(x, "x", "zeros_like_tensor")
    return torch.zeros_like(x)


@_builtin("identity")
def _identity(x):
    """``x`` itself.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.identity(3)
        3
    """
    return x


@_builtin("distribute", torch_name="torch.broadcast_to")
def _distribute(x, shape):
    """``x`` broadcast to ``shape``.

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> F.distribute(torch.tensor([1.0, 2.0]), (2, 2)).tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """
    if not isinstance(x, torch.Tensor):
        x = torch.tensor(x)
    return torch.broadcast_to(x, tuple(shape))


@_builtin("depend")
def _depend(value, expr):
    """Returns ``value``; ``expr`` has already been evaluated (0.1 used it to order side effects).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.depend(1.5, print('update'))
        update
        1.5

    Note:
        msnn runs eagerly, so ``expr`` is evaluated before the call, as 0.1's graph guaranteed.
    """
    return value


@_builtin("embed")
def _embed(x):
    """A key standing for ``x`` in a gradient environment (:class:`EnvInstance`).

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> w = torch.ones(1)
        >>> F.embed(w) == F.embed(w)
        True
    """
    return id(x)


@_builtin("ref_to_embed", prim_name="RefToEmbed")
def _ref_to_embed(x):
    """A key standing for the Parameter ``x`` in a gradient environment (as :func:`embed`).

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> w = torch.ones(1)
        >>> F.ref_to_embed(w) == F.embed(w)
        True
    """
    return id(x)


@_builtin("env_setitem")
def _env_setitem(env, key, value):
    """A new environment equal to ``env`` with ``key`` bound to ``value``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> from msnn.ops.composite.base import EnvInstance
        >>> F.env_setitem(EnvInstance(), 'k', 1)
        {'k': 1}
    """
    if not isinstance(env, dict):
        V.fail("env_setitem", "env", "an EnvInstance", type(env).__name__, exc=TypeError)
    out = EnvInstance(env)
    out[key] = value
    return out


@_builtin("env_getitem")
def _env_getitem(env, key, default):
    """The value bound to ``key`` in ``env``, else ``default``.

    Examples:
        >>> from msnn.ops import functional as F
        >>> from msnn.ops.composite.base import EnvInstance
        >>> F.env_getitem(EnvInstance({'k': 1}), 'k', 0), F.env_getitem(EnvInstance(), 'k', 0)
        (1, 0)
    """
    if not isinstance(env, dict):
        V.fail("env_getitem", "env", "an EnvInstance", type(env).__name__, exc=TypeError)
    return env.get(key, default)


@_builtin("env_add")
def _env_add(x, y):
    """The sum of two environments (values of common keys are added).

    Examples:
        >>> from msnn.ops import functional as F
        >>> from msnn.ops.composite.base import EnvInstance
        >>> F.env_add(EnvInstance({'a': 1}), EnvInstance({'a': 2, 'b': 3}))
        {'a': 3, 'b': 3}
    """
    out = EnvInstance(x)
    for key, value in y.items():
        out[key] = out[key] + value if key in out else value
    return out


@_builtin("J")
def _j(fn):
    """0.1's internal forward/backward transform of a graph: msnn raises UnsupportedError.

    Examples:
        >>> from msnn.ops import functional as F
        >>> try:
        ...     F.J(abs)
        ... except NotImplementedError as err:
        ...     print(type(err).__name__)
        UnsupportedError
    """
    V.refuse("J", "fn", fn, "it is the graph compiler's internal differentiation transform; use "
                            "msnn.ops.composite.GradOperation")


@_builtin("switch")
def _switch(cond, true_branch, false_branch):
    """``true_branch`` if ``cond`` else ``false_branch`` (a one-element tensor counts as its value).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.switch(False, 'a', 'b')
        'b'
    """
    return true_branch if bool(cond) else false_branch


@_builtin("reduced_shape")
def _reduced_shape(shape, axis):
    """``shape`` with the dimensions in ``axis`` (an int or tuple; () for all) set to 1.

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.reduced_shape((2, 3, 4), 1), F.reduced_shape((2, 3), ())
        ((2, 1, 4), (1, 1))
    """
    n = len(shape)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if not axes:
        return (1,) * n
    axes = {V.check_axis(a, n, "axis", "reduced_shape") for a in axes}
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


@_builtin("shape_mul")
def _shape_mul(shape):
    """The product of the elements of a shape (1 for ``()``).

    Examples:
        >>> from msnn.ops import functional as F
        >>> F.shape_mul((2, 3, 4))
        24
    """
    _check_seq(shape, "shape", "shape_mul", (tuple, list), "a tuple")
    out = 1
    for s in shape:
        out *= s
    return out


@_builtin("stop_gradient", torch_name="torch.Tensor.detach")
def _stop_gradient(x):
    """``x`` cut from the gradient graph (tensors detached, tuples and lists element by element).

    Examples:
        >>> import torch
        >>> from msnn.ops import functional as F
        >>> w = torch.ones(2, requires_grad=True)
        >>> F.stop_gradient(w * 2).requires_grad
        False
    """
    if isinstance(x, torch.Tensor):
        return x.detach()
    if isinstance(x, (tuple, list)):
        return type(x)(_stop_gradient(v) for v in x) if type(x) in (tuple, list) else \
            tuple(_stop_gradient(v) for v in x)
    return x


globals().update(_BUILTINS)
