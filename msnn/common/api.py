"""``mindspore.common.api``: ``ms_function`` and the graph executor ``_executor``.

In GRAPH_MODE ``ms_function`` compiles its function with ``torch.compile`` (see :mod:`msnn._graph`);
no MindSpore graph is built. What 0.1's compilation *checked* is kept:

* ``_executor.compile(net, *inputs, phase=...)`` refuses duplicate parameter names (ValueError,
  as 0.1's ``Cell.check_names``), then runs the network once on the inputs on a deep copy with the
  random state restored -- the shape and type errors 0.1's type inference raised at compile time
  are raised here, and the network, its parameters and the random stream are left untouched.
  A cell whose 0.1 graph inferred less than its run checks (``nn.ParameterUpdate``: 0.1's
  ``Assign`` took the parameter's shape) defines ``_compile_check(*inputs)``, run instead.
* ``ms_function(fn, input_signature=...)`` checks the inputs against the signature and runs ``fn``
  (compiled in GRAPH_MODE, eager in PYNATIVE_MODE).
"""
import copy
import functools
import types
from collections import OrderedDict

import torch

from .._api import ms_api
from .. import _graph
from .. import _validator as V
from .. import context
from .tensor import unwrap, wrap_output

__all__ = ["ms_function"]


def _spec(x):
    """(shape, dtype) of a tensor or MetaTensor-like object; None for anything else."""
    shape = getattr(x, "shape", None)
    dtype = getattr(x, "dtype", None)
    if shape is None or dtype is None:
        return None
    shape = tuple(shape() if callable(shape) and not isinstance(shape, tuple) else shape)
    dtype = dtype() if callable(dtype) and not isinstance(dtype, torch.dtype) else dtype
    return shape, dtype


def _show(specs):
    return "[" + ", ".join(f"({s[0]}, {str(s[1]).replace('torch.', '')})" if isinstance(s, tuple) else s
                           for s in specs) + "]"


def _check_signature(input_signature, args):
    specs = []
    for sig in input_signature:
        spec = _spec(sig)
        if spec is None:
            raise TypeError(f"For 'ms_function', each element of 'input_signature' must be a MetaTensor "
                            f"(dtype and shape), but got {type(sig).__name__}.")
        specs.append(spec)
    got = [_spec(a) if isinstance(a, torch.Tensor) else type(a).__name__ for a in args]
    if len(specs) != len(args) or any(s != g for s, g in zip(specs, got)):
        raise ValueError(f"For 'ms_function', the inputs must match the input signature {_show(specs)}, "
                         f"but got {_show(got)}.")


@ms_api("mindspore.common.api.ms_function", torch="torch.compile(fn, fullgraph=True)",
        deviations=("In GRAPH_MODE the function is compiled with torch.compile after a timed eager "
                    "warm-up and kept compiled only if faster (a failure runs it eagerly with a "
                    "one-line warning); in PYNATIVE_MODE it runs eagerly. input_signature is checked "
                    "before each call.",))
def ms_function(fn=None, obj=None, input_signature=None):
    """Marks a function to run as a graph: in GRAPH_MODE msnn compiles it with ``torch.compile``.

    Args:
        fn (Function): The function. Default: None (returns a decorator).
        obj (Object): The object owning the function (kept for 0.1 compatibility). Default: None.
        input_signature (tuple[MetaTensor]): The dtype and shape of each input; a call with
            other inputs raises ValueError. Default: None.

    Returns:
        Function: calls ``fn`` and returns its result, tensors given MindSpore's Tensor API. Its
        ``graph_step`` attribute tells whether it runs compiled (``graph_step.state``).

    Note:
        In GRAPH_MODE the first calls run eagerly and are timed, then ``fn`` is compiled with
        ``torch.compile(fullgraph=True)`` and kept compiled only if it is faster (environment
        variable ``MSNN_GRAPH_POLICY``: ``auto``, ``compile``, ``eager``); a function that cannot
        be compiled as one graph runs eagerly, with a one-line warning. Results equal eager
        results within float rounding. In PYNATIVE_MODE ``fn`` runs eagerly.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.common.api import ms_function
        >>> @ms_function
        ... def add(x, y):
        ...     return x + y
        >>> add(msnn.Tensor(np.ones(2, np.float32)), msnn.Tensor(np.ones(2, np.float32))).asnumpy()
        array([2., 2.], dtype=float32)
        >>> sig = (msnn.Tensor(np.ones(2, np.float32)), msnn.Tensor(np.ones(2, np.float32)))
        >>> add_sig = ms_function(lambda x, y: x * y, input_signature=sig)
        >>> add_sig(*sig).asnumpy()
        array([1., 1.], dtype=float32)
    """
    if input_signature is not None and not isinstance(input_signature, (tuple, list)):
        input_signature = (input_signature,)

    def wrap(func):
        if not callable(func):
            V.fail("ms_function", "fn", "a function", type(func).__name__, exc=TypeError)

        def build(_):
            fn = func
            if isinstance(fn, types.FunctionType):
                fn = _graph.fresh_function(fn, f"ms_function_{fn.__name__}")
            compiled = _graph.compile_fn(fn)
            return lambda _, *args: compiled(*[unwrap(a) for a in args])

        unit = _graph.GraphStep(f"ms_function {getattr(func, '__name__', type(func).__name__)}",
                                lambda _, *args: func(*args), build)

        @functools.wraps(func)
        def staged(*args):
            if torch.compiler.is_compiling():  # inside a compiled train step: traced inline
                return func(*args)
            args = tuple(getattr(a, "default_input", a) if not isinstance(a, torch.Tensor) else a for a in args)
            if input_signature is not None:
                owner = obj is not None or (args and not isinstance(args[0], torch.Tensor)
                                            and hasattr(args[0], func.__name__))
                _check_signature(input_signature, args[1:] if owner and obj is None else args)
            return wrap_output(unit(None, *args))
        staged.__wrapped__ = func
        staged.graph_step = unit
        return staged
    return wrap(fn) if fn is not None else wrap


def _check_names(obj):
    """0.1's ``Cell.check_names`` (ValueError for two parameters sharing a name)."""
    if hasattr(obj, "check_names"):
        obj.check_names()
        return
    names = set()
    for path, param in obj.parameters_and_names():
        if param.name in names:
            V.fail(type(obj).__name__, f"name of parameter {path}", "unique", param.name)
        names.add(param.name)


def _state_tensors(obj):
    """Every parameter, buffer and optimizer-state tensor of a module (each once)."""
    if not isinstance(obj, torch.nn.Module):
        return []
    seen, out = set(), []
    tensors = list(obj.parameters()) + list(obj.buffers())
    for module in obj.modules():
        if isinstance(module, torch.optim.Optimizer):
            for state in module.state.values():
                tensors.extend(v for v in state.values() if isinstance(v, torch.Tensor))
    for t in tensors:
        if id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out


def _arg_key(x):
    if isinstance(x, torch.Tensor):
        return ("T", tuple(x.shape), x.dtype, x.device)
    if isinstance(x, (tuple, list)):
        return (type(x).__name__,) + tuple(_arg_key(v) for v in x)
    return (type(x).__name__, repr(x))


class _Executor:
    """The graph executor: ``compile`` checks a network as 0.1's compiler did, ``__call__`` runs it.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.common.api import _executor
        >>> net = msnn.Dense(3, 2)
        >>> x = msnn.Tensor(np.ones((1, 3), np.float32))
        >>> phase, first = _executor.compile(net, x)
        >>> first, _executor.compile(net, x)[1], _executor(net, x).shape
        (True, False, (1, 2))
    """

    def __init__(self):
        self.compile_cache = {}
        self.phase_prefix = ""

    def compile(self, obj, *args, phase='predict', params=None):
        """Checks ``obj`` on ``args`` as 0.1's graph compilation did.

        Raises ValueError for duplicate parameter names, TypeError for ``params`` that is not
        None or an OrderedDict, and whatever running the network on ``args`` raises (shape and
        type errors), leaving the network, its parameters and the random state untouched.

        Returns:
            tuple: ``(phase, True)`` on the first compile of these input shapes, ``(phase, False)`` after.
        """
        if not hasattr(obj, "construct"):
            raise AttributeError(f"For '_Executor.compile', the object to compile must have a 'construct' "
                                 f"method, but got {type(obj).__name__}.")
        if params is not None and not isinstance(params, OrderedDict):
            V.fail("_Executor.compile", "params", "None or an OrderedDict", type(params).__name__, exc=TypeError)
        V.check_type(phase, "phase", "_Executor.compile", str)
        if hasattr(obj, "parameters_and_names"):
            _check_names(obj)
        full_phase = phase + '.' + str(getattr(obj, "create_time", id(obj)))
        key = (full_phase, _arg_key(args))
        if key in self.compile_cache:
            return full_phase, False
        compile_check = getattr(obj, "_compile_check", None)
        if compile_check is not None:  # a cell whose 0.1 graph checked less than its run does
            compile_check(*args)
        else:
            self._trial_run(obj, args)
        self.compile_cache[key] = full_phase
        self.compile_cache.setdefault(full_phase, full_phase)
        return full_phase, True

    @staticmethod
    def _trial_run(obj, args):
        """Runs ``obj(*args)`` without lasting effects: on a deep copy, with the random state restored.

        An object that does not deep-copy faithfully (a ``torch.optim.Optimizer`` pickles only its
        torch state) may fail on its copy; then it runs in place and its parameters, buffers and
        optimizer state are restored afterwards, so only an error the original raises too is raised.
        """
        devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
        try:
            trial, trial_args = copy.deepcopy(obj), copy.deepcopy(args)
        except Exception:  # pylint: disable=broad-except
            trial = None
        if trial is not None:
            try:
                with torch.random.fork_rng(devices=devices):
                    trial(*trial_args)
                return
            except Exception:  # pylint: disable=broad-except
                pass  # confirm on the original: the copy may be incomplete
        saved = [(t, t.detach().clone()) for t in _state_tensors(obj)]
        try:
            with torch.random.fork_rng(devices=devices):
                obj(*args)
        finally:
            with torch.no_grad():
                for t, value in saved:
                    if t.shape == value.shape:
                        t.copy_(value)

    def has_compiled(self, phase='predict'):
        """Whether a graph of ``phase`` (the full phase returned by :meth:`compile`) was compiled."""
        return phase in self.compile_cache

    def __call__(self, obj, *args, phase='predict'):
        return self.run(obj, *args, phase=phase)

    def run(self, obj, *args, phase='predict'):
        """Runs ``obj(*args)`` once ``compile`` has seen it under ``phase`` (KeyError otherwise)."""
        if phase == 'save':
            return None
        full_phase = phase + '.' + str(getattr(obj, "create_time", id(obj)))
        if full_phase not in self.compile_cache:
            raise KeyError(f"For '_Executor.run', the graph {full_phase!r} does not exist: call compile first.")
        return obj(*args)

    def del_net_res(self, net_id):
        """Forgets the compiled phases of the network whose ``create_time`` is ``net_id``."""
        suffix = '.' + str(net_id)
        for key in [k for k in self.compile_cache if (k[0] if isinstance(k, tuple) else k).endswith(suffix)]:
            del self.compile_cache[key]

    def _get_func_graph_proto(self, exec_id, ir_type="onnx_ir", use_prefix=False):
        """None: msnn builds no graph."""
        return None

    def _get_strategy(self, obj):
        return None

    def _get_allreduce_fusion(self, obj):
        return None

    def export(self, net, file_name, file_format='GEIR'):
        """Exporting a graph (GEIR/ONNX) needs 0.1's graph compiler: raises UnsupportedError."""
        V.refuse("_Executor.export", "file_format", file_format,
                 "msnn builds no MindSpore graph (use torch.onnx.export on the Cell, a torch.nn.Module)")


_executor = _Executor()
ms_api("mindspore.common.api._executor", torch="",
       deviations=("compile runs the network once on a deep copy to raise the errors 0.1's graph "
                   "compilation raised; no graph is built.",))(_executor)
