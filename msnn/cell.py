"""``mindspore.nn.Cell`` as a ``torch.nn.Module``.

A Cell keeps MindSpore's rules -- a new cell is in inference mode, parameter names are attribute
paths written when a cell is assigned into an ``auto_prefix`` parent, ``construct`` defines the
computation -- while staying an ordinary torch module: ``state_dict``, ``.to(device)``,
``torch.compile``, DDP and ``torch.save`` work unchanged.

Cost model: ``forward`` *is* the subclass's ``construct`` (bound at class creation), so a nested
cell call costs what a torch module call costs. Only the outermost call does extra work: it hands
msnn Tensors to the network as plain torch tensors and gives the result MindSpore's Tensor API
(``asnumpy()``, ``shape()``) -- in place when the result is a fresh tensor nobody else holds.
"""
import sys
import threading
import time
from collections import OrderedDict

import torch

from ._api import ms_api
from . import _validator as V
from .common import dtype as mstype
from .common.parameter import Parameter, ParameterTuple
from .common.tensor import Tensor, unwrap, unwrap_input, wrap_output
from . import context

__all__ = ["Cell"]

_call_state = threading.local()  # .active: a top-level Cell call is running in this thread


class _Bprop(torch.autograd.Function):
    """Runs ``construct`` forward and the cell's user-defined ``bprop`` backward."""

    @staticmethod
    def forward(ctx, cell, *inputs):  # pylint: disable=arguments-differ
        out = type(cell).construct(cell, *inputs)
        ctx.cell = cell
        ctx.is_tensor = [isinstance(x, torch.Tensor) for x in inputs]
        ctx.others = [None if t else x for x, t in zip(inputs, ctx.is_tensor)]
        outs = out if isinstance(out, tuple) else (out,)
        ctx.out_is_tuple = isinstance(out, tuple)
        ctx.save_for_backward(*[x for x, t in zip(inputs, ctx.is_tensor) if t], *outs)
        ctx.n_out = len(outs)
        return out

    @staticmethod
    def backward(ctx, *douts):
        saved = list(ctx.saved_tensors)
        outs = saved[len(saved) - ctx.n_out:]
        tensors = iter(saved[:len(saved) - ctx.n_out])
        inputs = [next(tensors) if t else x for x, t in zip(ctx.others, ctx.is_tensor)]
        out = tuple(outs) if ctx.out_is_tuple else outs[0]
        dout = tuple(douts) if ctx.out_is_tuple else douts[0]
        grads = ctx.cell.bprop(*inputs, out, dout)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(inputs):
            V.fail(type(ctx.cell).__name__, "bprop", f"a tuple of {len(inputs)} gradients (one per input)", f"{len(grads)} values")
        return (None,) + tuple(g if t else None for g, t in zip(grads, ctx.is_tensor))


def _bprop_forward(self, *inputs):
    return _Bprop.apply(self, *inputs)


def _cast(x, dst):
    return x.to(dst) if isinstance(x, torch.Tensor) and x.is_floating_point() else x


def _cast_enter(cell, args, kwargs):
    """Forward pre-hook of a ``to_float`` cell: floating inputs in the compute dtype, and the
    trainable parameters read as casts until the forward ends (see ``Cell.__getattr__``)."""
    d = cell.__dict__
    dst = d["_cast_dtype"]
    d["_cast_active"] = dst
    return tuple(_cast(x, dst) for x in args), {k: _cast(v, dst) for k, v in kwargs.items()}


def _cast_exit(cell, args, kwargs, output):  # pylint: disable=unused-argument
    cell.__dict__["_cast_active"] = None


@ms_api("mindspore.nn.Cell", torch="torch.nn.Module",
        deviations=(
            "Graph mode runs eagerly (construct is called directly); compile_and_run calls the "
            "cell, exec_checkpoint_graph and load_parameter_slice have no graph to act on, "
            "get_func_graph_proto returns None.",
            "state_dict() keys are attribute paths; they equal MindSpore's parameter names for "
            "every cell nested in a network, but a standalone BatchNorm's moving statistics are "
            "named 'mean'/'variance' in MindSpore and keyed 'moving_mean'/'moving_variance'.",
            "Tensor attributes that are not Parameters are kept as non-persistent buffers so "
            ".to(device) moves them.",
        ),
        doc_errors=("The repr example prints on one line; 0.1's code prints one child per line.",))
class Cell(torch.nn.Module):
    """Base class for all neural networks: a ``torch.nn.Module`` with MindSpore's rules.

    Args:
        auto_prefix (bool): Whether assigning a child cell renames its parameters with the
            attribute path. Default: True.

    Examples:
        >>> import msnn as nn
        >>> class Net(nn.Cell):
        ...     def __init__(self):
        ...         super(Net, self).__init__()
        ...         self.fc = nn.Dense(3, 2)
        ...         self.relu = nn.ReLU()
        ...     def construct(self, x):
        ...         return self.relu(self.fc(x))
        >>> net = Net()
        >>> net.training, [p.name for p in net.get_parameters()]
        (False, ['fc.weight', 'fc.bias'])

    Note:
        ``forward`` is ``construct``; graph mode runs eagerly. A Cell starts in inference mode
        (``training == False``), unlike a torch module: call ``set_train()`` to train.
    """

    def __init__(self, auto_prefix=True):
        super().__init__()
        V.check_bool(auto_prefix, "auto_prefix", type(self).__name__)
        d = self.__dict__
        d["training"] = False
        d["pynative"] = False
        d["_auto_prefix"] = auto_prefix
        d["_scope"] = None
        d["_phase"] = "train"
        d["_parameter_layout_dict"] = {}
        d["_create_time"] = int(time.time() * 1e9)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__
        if "bprop" in own:
            cls.forward = _bprop_forward
        elif "construct" in own and "forward" not in own:
            cls.forward = own["construct"]
        elif "forward" in own and "construct" not in own:
            cls.construct = own["forward"]

    # -- calling ------------------------------------------------------------------------------
    def construct(self, *inputs):
        """Defines the computation; every subclass overrides it."""
        raise NotImplementedError(f"For '{type(self).__name__}', construct() must be overridden.")

    forward = construct

    def __call__(self, *inputs, **kwargs):
        impl = self._compiled_call_impl or self._call_impl
        state = _call_state
        if getattr(state, "active", False):
            return impl(*inputs, **kwargs)
        if torch.compiler.is_compiling():  # traced by torch.compile: plain tensors in and out
            return impl(*[unwrap(x) for x in inputs], **kwargs)
        for x in inputs:
            if type(x) is Tensor:
                inputs = [unwrap_input(x) for x in inputs]
                break
        state.active = True
        try:
            out = impl(*inputs, **kwargs)
        finally:
            state.active = False
        if type(out) is torch.Tensor and sys.getrefcount(out) == 2:
            # a fresh result nobody else holds: give it MindSpore's Tensor API in place, which
            # costs neither a new tensor object nor an autograd alias node
            out.__class__ = Tensor
            return out
        if type(out) is list and any(out is x for x in inputs):
            return out  # an input list passed through stays the caller's list (0.1 did not convert it)
        return wrap_output(out)

    def compile_and_run(self, *inputs):
        """Runs the cell (msnn has no graph to compile: this is ``self(*inputs)``)."""
        return self(*inputs)

    def exec_checkpoint_graph(self):
        """No-op: eager parameters are always up to date, there is no checkpoint graph to run."""

    def get_func_graph_proto(self):
        """Returns None: msnn runs eagerly and builds no MindSpore graph."""
        return None

    def load_parameter_slice(self, params):
        """Validates ``params`` (None or OrderedDict); eager msnn holds whole tensors, nothing to slice."""
        if params is not None and not isinstance(params, OrderedDict):
            V.fail(type(self).__name__, "params", "None or an OrderedDict", type(params).__name__, exc=TypeError)

    # -- attribute registration (MindSpore's rules) ---------------------------------------------
    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        cells = d.get("_modules")
        cls_name = type(self).__name__
        if name == "construct" and callable(value):
            # `net.construct = fn` on an instance (0.1's test framework does it): calls run fn
            d["construct"] = d["forward"] = value
            return
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError(f"For '{cls_name}', cannot assign Parameter '{name}' before "
                                     f"Cell.__init__() call.")
            if name in d:
                if d[name] is not None:
                    V.fail(cls_name, name, "a plain attribute (it is not a Parameter)", value, exc=TypeError)
                del d[name]
            if cells and name in cells:
                V.fail(cls_name, name, "a Cell (it is a child cell)", value, exc=TypeError)
            self.insert_param_to_cell(name, value)
        elif isinstance(value, ParameterTuple):
            if params is None:
                raise AttributeError(f"For '{cls_name}', cannot assign ParameterTuple '{name}' before "
                                     f"Cell.__init__() call.")
            for item in value:
                self.insert_param_to_cell(item.name, item, check_name=False)
            object.__setattr__(self, name, value)
        elif isinstance(value, torch.nn.Module):
            if cells is None:
                raise AttributeError(f"For '{cls_name}', cannot assign cell '{name}' before "
                                     f"Cell.__init__() call.")
            d.pop(name, None)
            if params and name in params:
                V.fail(cls_name, name, "a Parameter (it is a parameter)", value, exc=TypeError)
            if self._auto_prefix and isinstance(value, Cell):
                value.update_parameters_name(name + '.')
            self._buffers.pop(name, None)
            cells[name] = value
        elif params and name in params:
            if value is not None:
                V.fail(cls_name, name, "a Parameter or None", type(value).__name__, exc=TypeError)
            params[name] = None
        elif cells and name in cells:
            if value is not None:
                V.fail(cls_name, name, "a Cell or None", type(value).__name__, exc=TypeError)
            cells[name] = None
        elif (isinstance(value, torch.Tensor) and not isinstance(value, torch.nn.Parameter)
              and "_buffers" in d and name not in d):
            self._buffers[name] = unwrap(value)
            self._non_persistent_buffers_set.add(name)
        else:
            buffers = d.get("_buffers")
            if buffers and name in buffers and value is not None and not isinstance(value, torch.Tensor):
                # a Tensor attribute replaced by a plain value (0.1: an ordinary attribute)
                del buffers[name]
                self._non_persistent_buffers_set.discard(name)
            super().__setattr__(name, value)

    @property
    def _params(self):
        return self._parameters

    @property
    def _cells(self):
        return self._modules

    def insert_param_to_cell(self, param_name, param, check_name=True):
        """Adds ``param`` under ``param_name`` (KeyError for an empty, dotted or duplicate name)."""
        cls_name = type(self).__name__
        if not param_name:
            raise KeyError(f"For '{cls_name}', the parameter name must not be empty, but got {param_name!r}.")
        if check_name and '.' in param_name:
            raise KeyError(f"For '{cls_name}', the parameter name must not contain '.', but got {param_name!r}.")
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"For '{cls_name}', call Cell.__init__() before inserting parameter "
                                 f"{param_name!r}.")
        if hasattr(self, param_name) and param_name not in self._parameters:
            raise KeyError(f"For '{cls_name}', duplicated parameter name {param_name!r}.")
        if not isinstance(param, Parameter) and param is not None:
            V.fail(cls_name, "param", "a Parameter or None", type(param).__name__, exc=TypeError)
        self._parameters[param_name] = param

    def insert_child_to_cell(self, child_name, child):
        """Adds ``child`` under ``child_name`` without renaming its parameters."""
        cls_name = type(self).__name__
        if not child_name or '.' in child_name:
            raise KeyError(f"For '{cls_name}', the child cell name is incorrect: {child_name!r}.")
        if hasattr(self, child_name) and child_name not in self._modules:
            raise KeyError(f"For '{cls_name}', duplicate child name {child_name!r}.")
        if not isinstance(child, Cell) and child is not None:
            V.fail(cls_name, "child", "a Cell or None", type(child).__name__, exc=TypeError)
        self._modules[child_name] = child

    # -- traversal ---------------------------------------------------------------------------------
    def cells_and_names(self, cells=None, name_prefix=''):
        """Pre-order iterator of ``(path, cell)`` over this cell and every sub-cell, each once."""
        seen = cells if cells else set()
        if self in seen:
            return
        seen.add(self)
        yield name_prefix, self
        for name, cell in self._modules.items():
            if cell is not None:
                path = name_prefix + '.' + name if name_prefix else name
                if isinstance(cell, Cell):
                    yield from cell.cells_and_names(seen, path)
                elif cell not in seen:
                    seen.add(cell)
                    for sub_path, sub in cell.named_modules(prefix=path, memo=seen):
                        yield sub_path, sub

    def name_cells(self):
        """OrderedDict of the direct, non-None children, each once."""
        out = OrderedDict()
        seen = set()
        for name, cell in self._modules.items():
            if cell is not None and cell not in seen:
                seen.add(cell)
                out[name] = cell
        return out

    def cells(self):
        """The direct children (values of :meth:`name_cells`)."""
        return self.name_cells().values()

    def check_names(self):
        """ValueError when two parameters share a ``name`` (0.1 ran this before compiling a graph).

        Examples:
            >>> import msnn as nn
            >>> nn.SequentialCell([nn.Dense(2, 2), nn.Dense(2, 2)]).check_names()
            Traceback (most recent call last):
            ...
            ValueError: For 'SequentialCell', the 'name of parameter 1.weight' must be unique (it is already the name of parameter 0.weight), but got 'weight'.
        """
        seen = {}
        for path, param in self.parameters_and_names():
            name = getattr(param, "name", path)
            if name in seen:
                V.fail(type(self).__name__, f"name of parameter {path}",
                       f"unique (it is already the name of parameter {seen[name]})", name)
            seen[name] = path

    def parameters_and_names(self, name_prefix='', expand=True):
        """Iterator of ``(path, parameter)``; each parameter once, in registration order.

        An optimizer held by a cell (``TrainOneStepCell.optimizer``) was a sub-cell in 0.1, so its
        state (``learning_rate``, ``moments.*``, ...) is listed too, after the cell's own parameters.
        """
        cells = self.cells_and_names(name_prefix=name_prefix) if expand else [(name_prefix, self)]
        seen = set()
        for cell_name, cell in cells:
            for par_name, par in cell._parameters.items():
                if par is not None and par not in seen:
                    seen.add(par)
                    yield (cell_name + '.' + par_name if cell_name else par_name), par
            if not expand:
                continue
            for attr, value in vars(cell).items():
                if isinstance(value, torch.optim.Optimizer) and hasattr(value, "parameters_and_names"):
                    prefix = cell_name + '.' + attr if cell_name else attr
                    for par_name, par in value.parameters_and_names():
                        if par not in seen:
                            seen.add(par)
                            yield prefix + '.' + par_name, par

    def get_parameters(self, expand=True):
        """Iterator over the parameters (of sub-cells too when ``expand``)."""
        for _, param in self.parameters_and_names(expand=expand):
            yield param

    def trainable_params(self, recurse=True):
        """List of the parameters with ``requires_grad``."""
        return [p for p in self.get_parameters(expand=recurse) if p.requires_grad]

    def untrainable_params(self, recurse=True):
        """List of the parameters without ``requires_grad`` (e.g. BatchNorm moving statistics)."""
        return [p for p in self.get_parameters(expand=recurse) if not p.requires_grad]

    def parameters_dict(self, recurse=True):
        """OrderedDict keyed by each parameter's ``name`` (a later duplicate name overwrites)."""
        return OrderedDict((p.name, p) for p in self.get_parameters(expand=recurse))

    def parameters_broadcast_dict(self, recurse=True):
        """Like :meth:`parameters_dict` without ``layerwise_parallel`` parameters; None if empty."""
        out = OrderedDict((p.name, p) for p in self.get_parameters(expand=recurse)
                          if not getattr(p, "layerwise_parallel", False))
        return out or None

    def update_parameters_name(self, prefix='', recurse=True):
        """Sets every parameter's name to ``prefix + attribute path`` (ValueError for ``''``)."""
        V.check_name(prefix, "prefix", type(self).__name__)
        for name, param in self.parameters_and_names(expand=recurse):
            if isinstance(param, Parameter):
                param.is_init = False
                param.name = prefix + name

    # -- flags and modes ---------------------------------------------------------------------------
    @property
    def phase(self):
        return self._phase

    @phase.setter
    def phase(self, value):
        V.check_type(value, "phase", type(self).__name__, str)
        self.__dict__["_phase"] = value

    @property
    def parameter_layout_dict(self):
        return self._parameter_layout_dict

    @parameter_layout_dict.setter
    def parameter_layout_dict(self, value):
        V.check_type(value, "parameter_layout_dict", type(self).__name__, dict)
        self.__dict__["_parameter_layout_dict"] = value

    @property
    def cell_init_args(self):
        return self.__dict__.get("_cell_init_args")

    @cell_init_args.setter
    def cell_init_args(self, value):
        V.check_type(value, "cell_init_args", type(self).__name__, str)
        self.__dict__["_cell_init_args"] = value

    @property
    def create_time(self):
        return self._create_time

    def add_flags(self, **flags):
        """Sets boolean flags as attributes (TypeError for a non-bool value)."""
        for key, value in flags.items():
            V.check_bool(value, key, type(self).__name__)
        d = self.__dict__
        d.setdefault("_mindspore_flags", {}).update(flags)
        d.update(flags)
        return self

    def add_flags_recursive(self, **flags):
        """:meth:`add_flags` on this cell and every sub-cell."""
        self.add_flags(**flags)
        for cell in self.cells():
            if isinstance(cell, Cell):
                cell.add_flags_recursive(**flags)
            elif "training" in flags:
                cell.train(flags["training"])
        return self

    def set_train(self, mode=True):
        """Sets training mode on this cell and every sub-cell (TypeError for a non-bool)."""
        self.__dict__["_phase"] = "predict" if mode is False else "train"
        self.add_flags_recursive(training=mode)
        return self

    def set_broadcast_flag(self, mode=True):
        """Sets the ``broadcast_flag`` (used by parallel training) recursively."""
        self.add_flags_recursive(broadcast_flag=mode)
        return self

    def to_float(self, dst_type):
        """Runs this cell and its sub-cells with floating inputs and parameters cast to ``dst_type``.

        Args:
            dst_type (msnn.dtype): ``float16`` or ``float32`` (ValueError otherwise).

        Note:
            Parameters stay in their own dtype (the cast copy is differentiable, so gradients
            reach the float32 master weights); only trainable parameters are cast, so
            BatchNorm's moving statistics keep being updated in place.
        """
        if dst_type not in (mstype.float16, mstype.float32):
            V.fail(type(self).__name__, "dst_type", "float16 or float32", dst_type)
        self.add_flags_recursive(fp16=dst_type == mstype.float16, fp32=dst_type == mstype.float32)
        for _, cell in self.cells_and_names():
            if isinstance(cell, Cell):
                d = cell.__dict__
                d["_cast_dtype"] = dst_type
                if "_cast_hooks" not in d:
                    d["_cast_hooks"] = (cell.register_forward_pre_hook(_cast_enter, with_kwargs=True),
                                        cell.register_forward_hook(_cast_exit, with_kwargs=True,
                                                                   always_call=True))
        return self

    def __getattr__(self, name):
        # torch.nn.Module.__getattr__ with one addition: a to_float cell reads its trainable
        # parameters as differentiable casts (the master weights keep their dtype)
        d = self.__dict__
        params = d.get("_parameters")
        if params is not None and name in params:
            p = params[name]
            dst = d.get("_cast_active")
            if dst is not None and p is not None and p.requires_grad and p.dtype != dst:
                return p.to(dst)
            return p
        buffers = d.get("_buffers")
        if buffers is not None and name in buffers:
            return buffers[name]
        modules = d.get("_modules")
        if modules is not None and name in modules:
            return modules[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # -- scopes and repr ---------------------------------------------------------------------------
    def _children_scope_recursive(self, parent_prefix='Default'):
        keep_class = context.get_context("reserve_class_name_in_scope")
        for name, cell in self.name_cells().items():
            yield parent_prefix + "/" + name + ("-" + type(cell).__name__ if keep_class else ""), cell
        for name, cell in self.name_cells().items():
            if isinstance(cell, Cell):
                yield from cell._children_scope_recursive(
                    parent_prefix + "/" + name + ("-" + type(cell).__name__ if keep_class else ""))

    def generate_scope(self):
        """Sets each sub-cell's scope to ``Default/<attr>-<Class>/...`` (first call wins)."""
        for scope, cell in self._children_scope_recursive():
            if isinstance(cell, Cell) and cell._scope is None:
                cell.__dict__["_scope"] = scope

    def get_scope(self):
        """The scope string set by :meth:`generate_scope` (None before)."""
        return self._scope

    def extend_repr(self):
        """Extra text printed between ``<`` and ``>``; override in subclasses."""
        return ''

    def __repr__(self):
        extra = self.extend_repr()
        text = type(self).__name__ + '<'
        if self._modules:
            sub = '\n'
            if extra:
                sub += extra + '\n'
            for key, value in self._modules.items():
                sub += f'({key}): {value!r}\n'
            return text + sub.replace('\n', '\n  ') + '>'
        return text + extra + '>'
