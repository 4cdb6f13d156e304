"""``mindspore.ops.primitive``: the base classes of every operator.

A primitive is a configured operator object: ``op = P.ReLU()`` records its constructor arguments
as attributes (``prim_attr_register``), and ``op(x)`` runs it. In msnn a built-in primitive's
``__call__`` is the torch call itself, so a primitive costs what the torch function costs plus a
Python method call. 0.1's input checks run in front of it, or -- for the hot primitives (MatMul,
the reductions, the binary math operators, OneHot, Transpose, Squeeze, Concat...) -- only when the
input is unusual or torch refuses it, so that bad input still gets 0.1's exception type and message
while the happy path stays one torch call. Gradients come from torch autograd, or from a
``torch.autograd.Function`` where 0.1's bprop is not the mathematical gradient.

User-defined primitives work as in 0.1: subclass :class:`PrimitiveWithInfer`, decorate
``__init__`` with :func:`prim_attr_register`, define ``infer_shape``/``infer_dtype`` and, since
msnn has no kernel registry, ``__call__`` (or ``infer_value`` for a constant-folding operator, as
:func:`constexpr` builds).
"""
import copy
import dis
import inspect
import sys

from .._api import ms_api
from .. import _validator as V
from .. import context

__all__ = ["Primitive", "PrimitiveWithInfer", "prim_attr_register", "constexpr"]

_UNPACK_SEQUENCE = dis.opmap["UNPACK_SEQUENCE"]


class GraphOutputs(tuple):
    """The outputs of a multi-output primitive called in GRAPH_MODE.

    0.1's graph compiler turned ``a, b = op(...)`` into one ``tuple_getitem`` per target, so a
    statement unpacking fewer names than the operator has outputs took the first ones (0.1's
    ``tests/st/networks/test_gpu_lstm.py`` does ``output, hidden = P.LSTM(...)(...)`` on its 5
    outputs). Python raises ``ValueError: too many values to unpack`` there: this tuple, iterated
    by such a statement, yields only as many items as it has targets. Any other use (indexing,
    ``len``, ``for``, ``list()``, starred unpacking) sees every output. In PYNATIVE_MODE
    primitives return plain tuples, as 0.1's eager Python did.
    """

    __slots__ = ()

    def __iter__(self):
        frame = sys._getframe(1)  # pylint: disable=protected-access
        code, at = frame.f_code.co_code, frame.f_lasti
        if 0 <= at < len(code) - 1 and code[at] == _UNPACK_SEQUENCE and code[at + 1] < len(self):
            return tuple.__iter__(self[:code[at + 1]])
        return tuple.__iter__(self)


def graph_outputs(outputs):
    """``outputs`` (a tuple) as :class:`GraphOutputs` in GRAPH_MODE, as is otherwise."""
    return GraphOutputs(outputs) if context.get_context("mode") == context.GRAPH_MODE else outputs


@ms_api("mindspore.ops.Primitive", torch="a Python callable",
        unsupported={"strategy": "set_strategy records the sharding strategy; msnn runs no "
                                 "semi-auto/auto parallel mode, so it changes nothing"})
class Primitive:
    """Base class of the primitive operators.

    Args:
        name (str): The operator's name.

    Examples:
        >>> from msnn.ops import Primitive, prim_attr_register
        >>> class Scale(Primitive):
        ...     @prim_attr_register
        ...     def __init__(self, factor=2.0):
        ...         pass
        ...     def __call__(self, x):
        ...         return x * self.factor
        >>> op = Scale(3.0)
        >>> op.attrs["factor"], op(2.0)
        (3.0, 6.0)

    Note:
        A primitive without a ``__call__`` of its own raises ``NotImplementedError`` when called:
        msnn runs no backend kernels, so a user-defined primitive defines its computation in Python.
        ``Primitive('<name>')`` with the name of one of 0.1's built-in graph primitives
        (``'scalar_add'``, ``'depend'``, ``'partial'``, ...) calls msnn.ops.functional's implementation.
    """

    def __init__(self, name):
        self.name = name
        self.attrs = {}
        self.init_attrs = {}
        self.instance_name = ""

    def add_prim_attr(self, name, value):
        """Adds an attribute (also readable as ``prim.<name>``). Returns the primitive."""
        self.__dict__[name] = value
        self.attrs[name] = value
        return self

    def set_strategy(self, strategy):
        """Records a parallel strategy (no effect in msnn: it warns). Returns the primitive."""
        V.check_unsupported(strategy, "strategy", "Primitive", None)
        return self.add_prim_attr("strategy", strategy)

    def set_prim_instance_name(self, instance_name):
        """Sets the instance name. Returns the primitive."""
        self.instance_name = instance_name
        return self

    def init_prim_io_names(self, inputs, outputs):
        """Records the input and output names (``input_names``/``output_names`` attributes)."""
        self.add_prim_attr("input_names", inputs)
        self.add_prim_attr("output_names", outputs)

    def __getattr__(self, item):
        attrs = self.__dict__.get("attrs")
        if attrs is not None and item in attrs:
            return attrs[item]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{item}'")

    def __call__(self, *args):
        if type(self) is Primitive:  # Primitive('scalar_add'): one of 0.1's built-in graph primitives
            from .functional import NAMED  # pylint: disable=import-outside-toplevel
            fn = NAMED.get(self.name)
            if fn is not None:
                return fn(*args)
        raise NotImplementedError(
            f"For '{self.name}', the primitive has no msnn implementation: define __call__ "
            "(msnn runs no backend kernels).")

    def _clone(self):
        """A copy re-initialised with the same constructor arguments and attributes."""
        cloned = copy.deepcopy(self)
        init = getattr(type(self).__init__, "decorated_func", None)
        if init is not None:
            params = list(inspect.signature(init).parameters)[1:]
            cloned.__init__(**{n: self.attrs[n] for n in params if n in self.attrs})
        for name, value in self.attrs.items():
            cloned.add_prim_attr(name, value)
        return cloned

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, d):
        self.__dict__.update(d)

    def __repr__(self):
        return f"Prim[{self.name}]" + (f"<{self.instance_name}>" if self.instance_name else "")


@ms_api("mindspore.ops.PrimitiveWithInfer", torch="a Python callable")
class PrimitiveWithInfer(Primitive):
    """A primitive with Python shape, dtype and value inference.

    ``infer_shape``, ``infer_dtype`` and ``infer_value`` receive the inputs' shapes, dtypes and
    values; ``__infer__`` combines them into ``{'shape', 'dtype', 'value'}``.

    Args:
        name (str): The operator's name.

    Examples:
        >>> import msnn
        >>> from msnn.ops import PrimitiveWithInfer, prim_attr_register
        >>> class AddOne(PrimitiveWithInfer):
        ...     @prim_attr_register
        ...     def __init__(self):
        ...         pass
        ...     def infer_shape(self, x):
        ...         return x
        ...     def infer_dtype(self, x):
        ...         return x
        ...     def __call__(self, x):
        ...         return x + 1
        >>> op = AddOne()
        >>> op.infer_shape((2, 3)), op(msnn.Tensor([1.0])).tolist()
        ((2, 3), [2.0])

    Note:
        Calling a PrimitiveWithInfer that defines no ``__call__`` runs ``infer_value`` on the
        inputs and returns its result when it is not None (what 0.1's constant folding did);
        otherwise it raises ``NotImplementedError``.
    """

    def infer_shape(self, *args):
        """The output shape from the input shapes (None: not inferred)."""
        return None

    def infer_dtype(self, *args):
        """The output dtype from the input dtypes (None: not inferred)."""
        return None

    def infer_value(self, *args):
        """The output value from constant inputs (None: not a constant)."""
        return None

    def __infer__(self, *args):
        return {track: getattr(self, "infer_" + track)(*(x[track] for x in args))
                for track in ("dtype", "shape", "value")}

    def __call__(self, *args):
        value = self.infer_value(*args)
        if value is None:
            return super().__call__(*args)
        return value


@ms_api("mindspore.ops.prim_attr_register", torch="")
def prim_attr_register(fn):
    """Decorator for a primitive's ``__init__``: records every argument as an attribute.

    The primitive is initialised with its class name first, then each bound argument (defaults
    included) becomes ``prim.attrs[name]``, ``prim.init_attrs[name]`` and ``prim.<name>``.

    Examples:
        >>> from msnn.ops import PrimitiveWithInfer, prim_attr_register
        >>> class Pow(PrimitiveWithInfer):
        ...     @prim_attr_register
        ...     def __init__(self, exponent=2):
        ...         pass
        >>> p = Pow()
        >>> p.name, p.exponent, p.init_attrs
        ('Pow', 2, {'exponent': 2})
    """
    signature = inspect.signature(fn)

    def deco(self, *args, **kwargs):
        Primitive.__init__(self, type(self).__name__)
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            self.add_prim_attr(name, value)
            self.init_attrs[name] = value
        fn(self, *args, **kwargs)
    deco.decorated_func = fn
    deco.__signature__ = signature
    deco.__doc__ = fn.__doc__
    deco.__name__ = fn.__name__
    deco.__qualname__ = fn.__qualname__
    return deco


@ms_api("mindspore.ops.constexpr", torch="")
def constexpr(fn=None, get_instance=True, name=None):
    """Makes a :class:`PrimitiveWithInfer` whose call is ``fn`` on constant inputs.

    Args:
        fn (function): The function computing the value.
        get_instance (bool): Return an instance of the operator (True) or its class.
        name (str): The operator's name. Default: ``fn.__name__``.

    Examples:
        >>> from msnn.ops import constexpr
        >>> @constexpr
        ... def tuple_len(x):
        ...     return len(x)
        >>> tuple_len((1, 2))
        2
        >>> @constexpr(get_instance=False, name="TupleLen")
        ... def tuple_len_class(x):
        ...     return len(x)
        >>> tuple_len_class()((1, 2, 3))
        3
    """
    def deco(func):
        op_name = name or func.__name__

        class CompileOp(PrimitiveWithInfer):
            def __init__(self):
                PrimitiveWithInfer.__init__(self, op_name)

            def infer_value(self, *args):
                return func(*args)

            def __call__(self, *args):
                return func(*args)
        CompileOp.__name__ = op_name
        return CompileOp() if get_instance else CompileOp
    if fn is not None:
        return deco(fn)
    return deco
