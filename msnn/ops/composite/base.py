"""``mindspore.ops.composite.base``: gradients, type-dispatched functions and maps over sequences.

* :class:`GradOperation` (and the pre-built ``grad``, ``grad_all``, ``grad_by_list``,
  ``grad_with_sens``, ``grad_all_with_sens``, ``grad_by_list_with_sens``) differentiate a Cell or
  a plain function with ``torch.autograd.grad``.
* :class:`MultitypeFuncGraph` picks an overload from the MindSpore type names of its arguments
  (``'Tensor'``, ``'Number'``, ``'Tuple'``, ...).
* :class:`HyperMap` applies a function element by element over (nested) tuples and lists.
* ``add_flags``, ``core``, ``tail``, ``zip_operation`` and ``env_get`` complete 0.1's set.
"""
import numbers

import numpy as np
import torch

from ..._api import ms_api
from ... import _validator as V
from ...cell import _call_state
from ...common.tensor import Tensor, wrap_output
from ..operations import math_ops as _float_status

__all__ = ["GradOperation", "HyperMap", "MultitypeFuncGraph", "EnvInstance", "add_flags", "core",
           "grad", "grad_all", "grad_by_list", "grad_with_sens", "grad_all_with_sens",
           "grad_by_list_with_sens", "tail", "zip_operation", "env_get", "type_names"]


@ms_api("mindspore.ops.composite.add_flags", torch="")
def add_flags(fn, **flags):
    """Adds boolean flags to a function or Cell (kept in ``fn._mindspore_flags``). Returns ``fn``.

    Args:
        fn (Function): The function or Cell.
        flags (bool): The flags, as keyword arguments.

    Examples:
        >>> from msnn.ops import composite as C
        >>> def f(x):
        ...     return x
        >>> C.add_flags(f, predict=True)._mindspore_flags
        {'predict': True}

    Note:
        0.1's graph compiler read the flags; msnn records them and nothing reads them, except
        a Cell's own :meth:`~msnn.Cell.add_flags`, which also sets the attributes.
    """
    for key, value in flags.items():
        V.check_bool(value, key, "add_flags")
    if not hasattr(fn, "_mindspore_flags"):
        fn._mindspore_flags = {}
    fn._mindspore_flags.update(flags)
    return fn


@ms_api("mindspore.ops.composite.core", torch="")
def core(fn=None, **flags):
    """Decorator marking a function as a core graph (``_mindspore_flags = {'core': True, ...}``).

    Examples:
        >>> from msnn.ops import composite as C
        >>> @C.core
        ... def f(x):
        ...     return x
        >>> f._mindspore_flags
        {'core': True}
    """
    def deco(func):
        func._mindspore_flags = {'core': True, **flags}
        return func
    return deco(fn) if fn is not None else deco


# -- gradients -----------------------------------------------------------------------------------

def _flatten(out, acc):
    if isinstance(out, (tuple, list)):
        for o in out:
            _flatten(o, acc)
    else:
        acc.append(out)
    return acc


def _zeros_like(x):
    if isinstance(x, torch.Tensor):
        return torch.zeros_like(x)
    if isinstance(x, (tuple, list)):
        return type(x)(_zeros_like(v) for v in x) if type(x) in (tuple, list) else tuple(_zeros_like(v) for v in x)
    if isinstance(x, bool):
        return False
    if isinstance(x, numbers.Number):
        return 0
    return None


def _plain(x):
    return x.as_subclass(torch.Tensor) if type(x) is Tensor else x


def _differentiable(x):
    """(the value handed to fn, the tensor to differentiate or None).

    A Python int or float is differentiated as 0.1 did scalars: it reaches ``fn`` as a 0-d float64
    tensor and its gradient comes back as a Python float."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        leaf = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
        return leaf, leaf
    if not isinstance(x, torch.Tensor):
        return x, None
    base = _plain(x)
    if not (base.is_floating_point() or base.is_complex()):
        return base, None
    if base.requires_grad:
        return base, base
    leaf = base.detach().requires_grad_()
    return leaf, leaf


class _GradFn:
    """``GradOperation(...)(fn[, weights])``: calling it returns the gradients."""

    __slots__ = ("op", "fn", "weights", "__wrapped__")

    def __init__(self, op, fn, weights):
        self.op = op
        self.fn = fn
        self.weights = weights
        self.__wrapped__ = fn

    def __call__(self, *args):
        op = self.op
        get_all, by_list = op.get_all, op.get_by_list
        sens = None
        if op.sens_param:
            if not args:
                V.fail(op.name, "inputs", "the network inputs followed by the sensitivity (sens_param=True)",
                       "no inputs")
            args, sens = args[:-1], args[-1]
        top = not getattr(_call_state, "active", False)
        nested = any(isinstance(a, torch.Tensor) and a.requires_grad for a in args) or (
            isinstance(sens, torch.Tensor) and sens.requires_grad)
        if get_all:
            pairs = [_differentiable(a) for a in args]
        elif not by_list:
            if not args:
                V.fail(op.name, "inputs", "at least one input to differentiate with respect to", "no inputs")
            pairs = [_differentiable(args[0])] + [(_plain(a), None) for a in args[1:]]
        else:
            pairs = None
        if pairs is None:
            inputs, in_targets = [_plain(a) for a in args], []
        else:
            inputs, in_targets = [p[0] for p in pairs], [p[1] for p in pairs]
        weights = self.weights if by_list else ()
        w_targets = [w if isinstance(w, torch.Tensor) and w.requires_grad else None for w in weights]
        with torch.enable_grad():
            out = self.fn(*inputs)
            outs = _flatten(out, [])
            if sens is None:
                sens_list = [torch.ones_like(o) if isinstance(o, torch.Tensor) else None for o in outs]
            else:
                sens_list = _flatten(sens, [])
                if len(sens_list) != len(outs):
                    V.fail(op.name, "sens", f"{len(outs)} value(s), one per output of the network",
                           f"{len(sens_list)} value(s)")
            ys, gys = [], []
            for o, s in zip(outs, sens_list):
                if isinstance(o, torch.Tensor) and o.requires_grad:
                    if not isinstance(s, torch.Tensor):
                        s = torch.full_like(o, s)
                    elif type(s) is Tensor:
                        s = s.as_subclass(torch.Tensor)
                    if s.shape != o.shape and s.numel() == 1 == o.numel():
                        s = s.reshape(o.shape)  # a (1,) sens of a 0-d output: 0.1's bprops reshaped it
                    ys.append(o)
                    gys.append(s)
            targets = [t for t in in_targets if t is not None]
            targets += [t for t in w_targets if t is not None]
            if ys and targets:
                grads = torch.autograd.grad(ys, targets, gys, allow_unused=True, materialize_grads=True,
                                            create_graph=nested)
                _float_status.record_gradients(grads)  # the emulated NPU overflow flag sees them
            else:
                grads = [torch.zeros_like(t) for t in targets]
        it = iter(grads)
        if pairs is not None:
            in_grads = [next(it) if t is not None else _zeros_like(x) for t, x in zip(in_targets, inputs)]
            in_grads = [g.item() if isinstance(a, (int, float)) and not isinstance(a, bool)
                        and isinstance(g, torch.Tensor) and not g.requires_grad else g
                        for g, a in zip(in_grads, args)]
        w_grads = tuple(next(it) if t is not None else torch.zeros_like(w) for t, w in zip(w_targets, weights))
        if get_all and by_list:
            res = (tuple(in_grads), w_grads)
        elif get_all:
            res = tuple(in_grads)
        elif by_list:
            res = w_grads
        else:
            res = in_grads[0]
        return wrap_output(res) if top else res


@ms_api("mindspore.ops.composite.GradOperation", torch="torch.autograd.grad",
        unsupported={"weights": "without get_by_list=True the gradient is not taken w.r.t. the "
                                "weights (0.1 ignored them too)"},
        deviations=(
            "The gradient of an integer tensor input is zeros (torch does not differentiate "
            "integers). Python int/float inputs are differentiated as 0-d float64 tensors (fn "
            "receives the tensor) and their gradients returned as Python floats.",
            "The gradient of a Parameter with requires_grad=False is zeros.",
            "Second-order gradients work (the graph is kept when an input already requires grad).",
        ))
class GradOperation:
    """Builds the gradient function of a network or function.

    ``GradOperation(name, get_all, get_by_list, sens_param)(fn[, weights])`` returns a function
    taking ``fn``'s inputs (then the sensitivity when ``sens_param``) and returning:

    * the gradient w.r.t. the first input (``get_all`` and ``get_by_list`` False);
    * a tuple over all inputs (``get_all``);
    * a tuple over ``weights``, a ParameterTuple (``get_by_list``);
    * ``((input gradients), (parameter gradients))`` when both are True.

    Without ``sens_param`` the sensitivity (``grad_outputs``) is ones shaped like each output.

    Args:
        name (str): The operation's name.
        get_all (bool): Gradients w.r.t. all inputs. Default: False.
        get_by_list (bool): Gradients w.r.t. the Parameters passed as ``weights``. Default: False.
        sens_param (bool): Whether the last input is the sensitivity. Default: False.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import composite as C
        >>> def f(x, y):
        ...     return x * x * y
        >>> x = msnn.Tensor(np.array([2.0], np.float32))
        >>> y = msnn.Tensor(np.array([3.0], np.float32))
        >>> C.grad_all(f)(x, y)
        ([12.], [4.])
        >>> C.GradOperation('g', sens_param=True)(f)(x, y, msnn.Tensor(np.array([0.5], np.float32)))
        [6.]

    Note:
        msnn differentiates with ``torch.autograd.grad`` (nothing accumulates in ``.grad``); a
        Cell with a ``bprop`` uses it. An input without ``requires_grad`` is differentiated
        through a detached copy; an integer tensor input gets a zero gradient; a Python int or
        float input reaches ``fn`` as a 0-d float64 tensor and its gradient is a Python float
        (0.1 differentiated scalars). Gradients of gradients work (the graph is kept when an
        input already requires grad).
    """

    def __init__(self, name, get_all=False, get_by_list=False, sens_param=False):
        V.check_type(name, "name", "GradOperation", str)
        self.name = name
        self.get_all = V.check_bool(get_all, "get_all", "GradOperation")
        self.get_by_list = V.check_bool(get_by_list, "get_by_list", "GradOperation")
        self.sens_param = V.check_bool(sens_param, "sens_param", "GradOperation")
        self.grad_fn = None
        self.fn = None
        self._weights = None

    def __call__(self, fn, weights=None):
        if self.grad_fn is not None and self.fn is fn and self._weights is weights:
            return self.grad_fn
        if not callable(fn):
            V.fail(self.name, "fn", "a Cell or a function", type(fn).__name__, exc=TypeError)
        if self.get_by_list:
            if isinstance(weights, torch.Tensor) or not isinstance(weights, (tuple, list)):
                V.fail(self.name, "weights", "a ParameterTuple (get_by_list=True)", type(weights).__name__,
                       exc=TypeError)
        elif weights is not None:  # 0.1 accepted and ignored them
            V.check_unsupported(weights, "weights", "GradOperation", None)
        self.grad_fn = _GradFn(self, fn, weights)
        self.fn = fn
        self._weights = weights
        return self.grad_fn

    def __repr__(self):
        return (f"GradOperation<{self.name}, get_all={self.get_all}, get_by_list={self.get_by_list}, "
                f"sens_param={self.sens_param}>")


grad = GradOperation('grad')
grad_all = GradOperation('get_all', get_all=True)
grad_by_list = GradOperation('get_by_list', get_by_list=True)
grad_with_sens = GradOperation('grad_with_sens', sens_param=True)
grad_all_with_sens = GradOperation('grad_all_with_sens', get_all=True, sens_param=True)
grad_by_list_with_sens = GradOperation('grad_by_list_with_sens', get_by_list=True, sens_param=True)
for _name, _obj in (("grad", grad), ("grad_all", grad_all), ("grad_by_list", grad_by_list),
                    ("grad_with_sens", grad_with_sens), ("grad_all_with_sens", grad_all_with_sens),
                    ("grad_by_list_with_sens", grad_by_list_with_sens)):
    ms_api("mindspore.ops.composite." + _name, torch="torch.autograd.grad")(_obj)


# -- type names and MultitypeFuncGraph ------------------------------------------------------------

@ms_api("mindspore.ops.composite.base.EnvInstance", torch="dict")
class EnvInstance(dict):
    """0.1's ``EnvType``: a gradient environment mapping a Parameter to a value.

    Examples:
        >>> import torch
        >>> from msnn.ops.composite import env_get
        >>> from msnn.ops.composite.base import EnvInstance
        >>> w = torch.ones(2)
        >>> env_get(EnvInstance({id(w): torch.full((2,), 3.0)}), w).tolist()
        [3.0, 3.0]
        >>> env_get(EnvInstance(), w).tolist()
        [0.0, 0.0]
    """


_TYPE_CACHE = {}


def _names_of_type(tp):
    if issubclass(tp, torch.Tensor):
        return ("Tensor",)
    if tp is bool or issubclass(tp, np.bool_):
        return ("Bool", "Number")
    if issubclass(tp, np.number):  # a numpy scalar: its own width (np.float16 -> 'Float16')
        kind = "Int" if issubclass(tp, np.signedinteger) else "UInt" if issubclass(tp, np.unsignedinteger) \
            else "Float"
        return (kind + str(np.dtype(tp).itemsize * 8), kind, "Number")
    if issubclass(tp, numbers.Integral):  # a Python int is an Int32 in 0.1's graphs
        return ("Int32", "Int", "Number")
    if issubclass(tp, numbers.Real):  # a Python float is a Float32
        return ("Float32", "Float", "Number")
    if issubclass(tp, numbers.Number):
        return ("Number",)
    if tp is type(None):
        return ("None",)
    if issubclass(tp, EnvInstance):
        return ("EnvType",)
    if issubclass(tp, tuple):
        return ("Tuple",)
    if issubclass(tp, list):
        return ("List",)
    if issubclass(tp, dict):
        return ("Dictionary",)
    if issubclass(tp, str):
        return ("String",)
    if issubclass(tp, slice):
        return ("Slice",)
    if issubclass(tp, (torch.dtype, type)):
        return ("TypeType",)
    if any("__call__" in k.__dict__ for k in tp.__mro__):
        return ("Function",)
    return (tp.__name__,)


def type_names(value):
    """The MindSpore 0.1 type names ``value`` matches, most specific first.

    Examples:
        >>> import torch
        >>> from msnn.ops.composite.base import type_names
        >>> type_names(torch.ones(1)), type_names(True), type_names(2.0), type_names((1,))
        (('Tensor',), ('Bool', 'Number'), ('Float32', 'Float', 'Number'), ('Tuple',))
    """
    tp = type(value)
    if issubclass(tp, torch.nn.Parameter) and value.dim() == 0:
        # 0.1 kept a Parameter made from a Python number (Parameter(0.1, 'lr')) a scalar; msnn holds
        # a 0-d tensor, which also matches the number names (after 'Tensor')
        kind = "Float" if value.is_floating_point() else "Bool" if value.dtype == torch.bool else "Int"
        return ("Tensor", kind, "Number")
    names = _TYPE_CACHE.get(tp)
    if names is None:
        names = _TYPE_CACHE[tp] = _names_of_type(tp)
    return names


@ms_api("mindspore.ops.composite.MultitypeFuncGraph", torch="Python dispatch on argument types",
        deviations=("When several overloads match, the one whose type names match most exactly "
                    "wins (0.1 took an unspecified one).",))
class MultitypeFuncGraph:
    """A function with overloads chosen by the MindSpore type names of its arguments.

    Type names: ``'Tensor'``, ``'Number'`` (with the narrower ``'Bool'``, ``'Int'``, ``'Float'`` and
    ``'Int32'``/``'Float32'``, the types of Python ints and floats in 0.1's graphs; a numpy scalar
    is ``'Float16'``, ``'Int64'``, ...),
    ``'Tuple'``, ``'List'``, ``'Dictionary'``, ``'String'``, ``'Slice'``, ``'None'``,
    ``'Function'`` (any callable), ``'TypeType'`` (a dtype), ``'EnvType'``.

    Args:
        name (str): Operator name.

    Raises:
        ValueError: No overload matches the arguments.

    Examples:
        >>> import torch
        >>> from msnn.ops import composite as C
        >>> add = C.MultitypeFuncGraph('add')
        >>> @add.register("Number", "Number")
        ... def _(x, y):
        ...     return x + y
        >>> @add.register("Tensor", "Tensor")
        ... def _(x, y):
        ...     return torch.add(x, y)
        >>> add(1, 2), add(torch.ones(2), torch.ones(2)).tolist()
        (3, [2.0, 2.0])
    """

    def __init__(self, name):
        V.check_type(name, "name", "MultitypeFuncGraph", str)
        self.name = name
        self.entries = []
        self._cache = {}

    def register(self, *type_names):
        """Decorator registering ``fn`` for the argument type names ``type_names``."""
        for t in type_names:
            if not isinstance(t, str):
                V.fail(self.name, "type_names", "strings", t, exc=TypeError)
        if any(sig == type_names for sig, _ in self.entries):
            raise ValueError(f"For '{self.name}', an overload for {type_names} is already registered.")

        def deco(fn):
            self.entries.append((type_names, fn))
            self._cache.clear()
            return fn
        return deco

    def _find(self, args):
        key = tuple(map(type, args))
        if any(issubclass(t, torch.nn.Parameter) for t in key):
            key += tuple(isinstance(a, torch.nn.Parameter) and a.dim() == 0 for a in args)
        fn = self._cache.get(key)
        if fn is None:
            best, best_score = None, None
            names = [type_names(a) for a in args]
            for sig, entry in self.entries:
                if len(sig) != len(args):
                    continue
                score = 0
                for want, have in zip(sig, names):
                    if want not in have:
                        break
                    score += have.index(want)
                else:
                    if best_score is None or score < best_score:
                        best, best_score = entry, score
            if best is None:
                raise ValueError(
                    f"For '{self.name}', no overload matches the argument types "
                    f"({', '.join(n[0] for n in names)}); registered: "
                    f"{[sig for sig, _ in self.entries]}.")
            fn = self._cache[key] = best
        return fn

    def __call__(self, *args):
        return self._find(args)(*args)

    def __repr__(self):
        return f"MultitypeFuncGraph<{self.name}>"


# -- HyperMap --------------------------------------------------------------------------------------

def _hyper_map(fn, args):
    seq = None
    for a in args:
        if isinstance(a, (tuple, list)):
            seq = a
            break
    if seq is None:
        return fn(*args)
    kind = list if isinstance(seq, list) else tuple
    n = len(seq)
    for a in args:
        if not isinstance(a, kind):
            raise TypeError(f"For 'HyperMap', the inputs must all be {kind.__name__}s or all leaves, but got "
                            f"{', '.join(type(x).__name__ for x in args)}.")
        if len(a) != n:
            raise ValueError(f"For 'HyperMap', the {kind.__name__}s must have the same length, but got "
                             f"lengths {[len(x) for x in args]}.")
    out = [_hyper_map(fn, [a[i] for a in args]) for i in range(n)]
    return out if kind is list else tuple(out)


@ms_api("mindspore.ops.composite.HyperMap", torch="nested map",
        deviations=("Returns the mapped (nested) tuple/list as 0.1's graph mode did (0.1's PyNative "
                    "fallback returned True).",))
class HyperMap:
    """Applies an operation element by element over (nested) tuples or lists.

    Args:
        ops (Union[MultitypeFuncGraph, Function, None]): The operation. When None, the first
            input of each call is the operation. Default: None.

    Inputs:
        - **args** - Sequences of the same structure (or leaves); element ``i`` of the output is
          ``op(args[0][i], args[1][i], ...)``, recursively for nested sequences.

    Outputs:
        The results, with the structure of the inputs (tuple or list).

    Raises:
        TypeError: Sequences mixed with leaves, or tuples with lists.
        ValueError: Sequences of different lengths.

    Examples:
        >>> from msnn.ops import composite as C
        >>> hyper_map = C.HyperMap()
        >>> hyper_map(lambda a, b: a * b, (1, (2, 3)), (4, (5, 6)))
        (4, (10, 18))
        >>> C.HyperMap(lambda a: -a)([1, 2])
        [-1, -2]
    """

    def __init__(self, ops=None):
        if ops is not None and not callable(ops):
            V.fail("HyperMap", "ops", "None or a callable", type(ops).__name__, exc=TypeError)
        self.ops = ops

    def __call__(self, *args):
        if self.ops is not None:
            return _hyper_map(self.ops, args)
        if not args or not callable(args[0]):
            V.fail("HyperMap", "args[0]", "the operation to apply (HyperMap(ops=None))",
                   type(args[0]).__name__ if args else "no inputs", exc=TypeError)
        return _hyper_map(args[0], args[1:])

    def __repr__(self):
        return f"HyperMap<{self.ops!r}>"


# -- tuple helpers ----------------------------------------------------------------------------------

@ms_api("mindspore.ops.composite.tail", torch="x[1:]")
def tail(x):
    """The elements of a tuple or list after the first (ValueError if it is empty).

    Examples:
        >>> from msnn.ops import composite as C
        >>> C.tail((1, 2, 3))
        (2, 3)
    """
    if not isinstance(x, (tuple, list)):
        V.fail("tail", "x", "a tuple or list", type(x).__name__, exc=TypeError)
    if not x:
        V.fail("tail", "x", "a non-empty tuple", x)
    return tuple(x[1:])


@ms_api("mindspore.ops.composite.zip_operation", torch="zip")
def zip_operation(*args):
    """A tuple of tuples zipping the input sequences (as Python's ``zip``).

    Examples:
        >>> from msnn.ops import composite as C
        >>> C.zip_operation((1, 2), (3, 4))
        ((1, 3), (2, 4))
    """
    if not args:
        V.fail("zip_operation", "args", "at least one sequence", "no inputs")
    for a in args:
        if not isinstance(a, (tuple, list)):
            V.fail("zip_operation", "args", "tuples or lists", type(a).__name__, exc=TypeError)
    return tuple(zip(*args))


env_get = MultitypeFuncGraph("env_get")
ms_api("mindspore.ops.composite.env_get", torch="dict.get")(env_get)


@env_get.register("EnvType", "Tensor")
def _tensor_env_get(env, parameter):
    """The value stored in ``env`` for ``parameter`` (zeros like it when absent)."""
    value = env.get(id(parameter))
    return torch.zeros_like(parameter) if value is None else value
