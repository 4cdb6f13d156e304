"""``mindspore.nn.Optimizer``: one object that is both a MindSpore optimizer cell and a
``torch.optim.Optimizer``.

Anatomy (torch's three-way split, MindSpore's words):

* the constructor speaks MindSpore (``learning_rate``, ``decay_filter``, ``loss_scale``),
  validates like 0.1, and creates the named MindSpore state (``moments.<name>``, ``global_step``,
  ``beta1_power``, ...);
* ``decay_filter`` becomes torch parameter groups (with / without weight decay); hyper-parameters
  live in the group dicts under torch's keys (``lr``, ``weight_decay``, ``momentum``...), so torch
  LR schedulers, ``GradScaler`` and ``state_dict()`` work;
* two call styles share one step: ``optimizer(gradients)`` (MindSpore: a tuple aligned with
  ``optimizer.parameters``) and ``optimizer.step()`` (torch: reads ``p.grad``);
* the maths is in :mod:`msnn.optim._functional` (``torch._foreach_*`` by default).

Scalar state (``learning_rate``, ``global_step``, ``beta1_power``, ...) is kept on the host as
Python numbers rounded as MindSpore's float32/int32 would be, so a step never reads the device;
the named Parameters are written when someone looks at them (attribute, ``parameters_dict()``,
``state_dict()``), and a write into them from outside (checkpoint load) is picked up at the next
step through the tensor's version counter.
"""
import logging
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
import torch

from .._api import ms_api
from .. import _validator as V
from .. import _graph
from ..common.parameter import Parameter, ParameterTuple

__all__ = ["Optimizer"]

logger = logging.getLogger("msnn.optim")

f32 = np.float32


class _HostValue:
    """A MindSpore state Parameter whose value the step keeps on the host (see module doc)."""

    __slots__ = ("param", "value", "_stamp", "_dirty", "_list")

    def __init__(self, param, value):
        self.param = param
        self.value = value
        self._list = isinstance(value, list)
        self._dirty = False
        self._stamp = self._stamp_now()

    def _stamp_now(self):
        p = self.param
        return p._version, p.data_ptr()

    def get(self):
        """The current value; re-read (one host sync) only if the Parameter was written from outside."""
        if self._stamp != self._stamp_now():
            data = self.param.detach().reshape(-1).tolist()
            self.value = data if self._list else data[0]
            self._dirty = False
            self._stamp = self._stamp_now()
        return self.value

    def set(self, value):
        self.get()
        self.value = value
        self._dirty = True

    def flush(self):
        """Write the host value into the Parameter (if it changed) and return the Parameter."""
        self.get()
        if self._dirty:
            p = self.param
            with torch.no_grad():
                if self._list:
                    p.copy_(torch.tensor(self.value, dtype=p.dtype))
                else:
                    p.fill_(self.value)
            self._dirty = False
            self._stamp = self._stamp_now()
        return self.param


def _f32(x):
    """``x`` rounded to float32, as a Python float (MindSpore keeps these scalars in float32)."""
    return float(f32(x))


def _plain(t):
    """A plain-tensor view of a state Parameter (so ``torch.load(weights_only=True)`` reads it)."""
    return t.detach().as_subclass(torch.Tensor) if isinstance(t, torch.Tensor) else t


class _ParamViews:
    """Detached views of a group's parameters (same storage, same version counter) for the update
    kernels: a torch op over ``Parameter`` subclasses pays a per-tensor subclass check that plain
    tensors skip. Rebuilt whenever a parameter's storage changed (``param.data = ...``,
    ``cell.to(device)``), which one ``data_ptr()`` per parameter tells."""

    __slots__ = ("params", "ptrs", "views")

    def __init__(self, params):
        self.params = params
        self.ptrs = None
        self.views = None

    def get(self):
        ptrs = [p.data_ptr() for p in self.params]
        if ptrs != self.ptrs:
            self.views = [p.detach() for p in self.params]
            self.ptrs = ptrs
        return self.views


def _compiled_update(opt, groups, params, gradients, states, ctx):
    """The traced body of :meth:`Optimizer._graph_run`: every tensor passed in, and the groups'
    hyper-parameters less the learning rate (ctx has it), so a new rate does not recompile."""
    for gi, (group, idx, group_params, group_states) in enumerate(zip(groups, opt._group_idx, params, states)):
        opt._update(group, opt._group_lr(ctx, gi), group_params, [gradients[i] for i in idx],
                    group_states, ctx)


def _check_learning_rate(learning_rate, cls_name, arg="learning_rate"):
    """0.1's rules: float >= 0 (fixed), Iterable (dynamic), Tensor 0-d (fixed) / 1-d (dynamic),
    anything else (int included) TypeError; msnn also refuses NaN, inf and negative values in a
    Tensor or Iterable (ValueError). Returns ``(tensor, host value, dynamic)``."""
    if isinstance(learning_rate, float):
        V.check_number(learning_rate, arg, cls_name, lower=0.0, what="a float")
        return torch.tensor(learning_rate, dtype=torch.float32), _f32(learning_rate), False
    if isinstance(learning_rate, torch.Tensor):
        if learning_rate.dim() > 1:
            V.fail(cls_name, arg, "a 0-d or 1-d Tensor", V._Raw(f"a {learning_rate.dim()}-d Tensor"))
        if not (learning_rate.is_floating_point() or V.is_int_tensor(learning_rate)):
            V.fail(cls_name, arg, "a Tensor of numbers", learning_rate, exc=TypeError)
        data = learning_rate.detach().to(torch.float32).cpu()
    elif isinstance(learning_rate, Iterable) and not isinstance(learning_rate, (str, bytes, dict)):
        items = list(learning_rate)
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (int, float, np.number)):
                V.fail(cls_name, arg, "an Iterable of numbers", learning_rate)
        data = torch.from_numpy(np.array(items, dtype=np.float64).astype(np.float32))
    else:
        V.fail(cls_name, arg, "a float, Tensor or Iterable", learning_rate, exc=TypeError)
    if data.numel() and not (bool(torch.isfinite(data).all()) and bool((data >= 0).all())):
        V.fail(cls_name, arg, "finite learning rates >= 0", learning_rate)
    if data.dim() == 0:
        return data, float(data), False
    if data.numel() == 0:
        V.fail(cls_name, arg, "a non-empty dynamic learning rate", learning_rate)
    if data.numel() < 2:
        logger.warning("If want to use the dynamic learning rate, please make sure that the number of "
                       "elements in the list, tuple or tensor passed is greater than 1.")
    return data, data.tolist(), True


def _check_params(parameters, cls_name, arg):
    """The parameters to update: an iterable (not a Tensor) of Parameters, at least one.

    0.1's types: a non-iterable or a Tensor raised TypeError, an element that is not a Parameter
    ValueError, an empty list ValueError.
    """
    if isinstance(parameters, (torch.Tensor, str, bytes, dict)) or not isinstance(parameters, Iterable):
        V.fail(cls_name, arg, "an iterable of Parameter (e.g. net.trainable_params())",
               V._Raw(type(parameters).__name__), exc=TypeError)
    items = tuple(parameters)
    for item in items:
        if not isinstance(item, Parameter):
            V.fail(cls_name, arg, "an iterable of Parameter", V._Raw(f"an element of type {type(item).__name__}"))
    if not items:
        raise ValueError(f"For '{cls_name}', the '{arg}' must not be empty: optimizer got an empty parameter list.")
    return ParameterTuple(items)


def _filter_flags(filter_fn, params, arg, cls_name):
    """``filter_fn(p)`` for each parameter; ``filter_fn`` must be callable (TypeError)."""
    if not callable(filter_fn) or isinstance(filter_fn, type):
        V.fail(cls_name, arg, "a function of a Parameter", V._Raw(type(filter_fn).__name__), exc=TypeError)
    return tuple(bool(filter_fn(p)) for p in params)


def _check_loss_scale(loss_scale, cls_name):
    """Momentum/SGD/LARS did not validate loss_scale (0.1 only computed ``1.0 / loss_scale``)."""
    V.check_number(loss_scale, "loss_scale", cls_name)
    if loss_scale <= 0:
        V.fail(cls_name, "loss_scale", "a number > 0", loss_scale)
    return float(loss_scale)


class _OptimizerCell(torch.optim.Optimizer):
    """The MindSpore-cell surface shared by :class:`Optimizer` and ``LARS`` (not a ``torch.nn.Module``:
    Module and Optimizer method names clash)."""

    _host_names = ()
    _graph_ok = False   # Optimizer (and its subclasses that trace) set True

    def _graph_run(self, gradients):
        """GRAPH_MODE's call; an optimizer whose update does not trace runs it eagerly."""
        return self(gradients)

    def _init_cell(self):
        d = self.__dict__
        d["training"] = False
        d["_ms_params"] = OrderedDict()   # MindSpore registration order: name -> Parameter/_HostValue
        d["_host"] = {}
        d["_true"] = None
        d["_views"] = None          # plain-tensor views of the state, per group (hot path)
        d["_state_attrs"] = {}      # MindSpore attribute name (moments, moment1...) -> state prefix

    def _register(self, item, name=None):
        self._ms_params[name or item.name] = item

    def _add_host(self, name, tensor, value, device):
        param = Parameter(tensor.to(device), name=name, requires_grad=False)
        host = _HostValue(param, value)
        self._host[name] = host
        self._register(host, name)
        return host

    # -- copy / pickle ----------------------------------------------------------------------------
    _CACHES = ("_views", "_param_views", "_true", "_graph_unit")

    def __getstate__(self):
        """The whole instance state (torch's ``Optimizer.__getstate__`` keeps only ``defaults``,
        ``state`` and ``param_groups``, which would lose ``parameters`` and the MindSpore state),
        less the caches of views into the parameters, rebuilt at the next step."""
        self._sync_out()  # host scalars (beta1_power, global_step...) into their Parameters
        state = dict(self.__dict__)
        for key in self._CACHES:
            state.pop(key, None)
        return state

    def __setstate__(self, state):
        state = dict(state)
        state.setdefault("_views", None)
        state.setdefault("_true", None)
        super().__setstate__(state)  # torch's: restores its hook dicts and the profiled step

    # -- MindSpore cell surface ---------------------------------------------------------------
    def __call__(self, gradients):
        self.__dict__["_opt_called"] = True  # a torch LR scheduler counts this as a step
        return self.construct(gradients)

    def construct(self, gradients=None):
        """Applies one update with ``gradients`` (a tuple aligned with ``self.parameters``)."""
        raise NotImplementedError(f"For '{type(self).__name__}', construct() must be overridden.")

    def _sync_out(self):
        """Bring the host-side scalar state into the named Parameters."""
        for host in self._host.values():
            host.flush()

    def parameters_and_names(self, name_prefix='', expand=True):
        """Iterator of ``(name, Parameter)`` over the network parameters and the optimizer state,
        in MindSpore's registration order; names are the parameters' MindSpore names."""
        self._sync_out()
        self.__dict__["_views"] = None   # the caller may replace a state Parameter's data
        seen = set()
        for name, item in self._ms_params.items():
            param = item.param if isinstance(item, _HostValue) else item
            if param not in seen:
                seen.add(param)
                yield (name_prefix + '.' + name if name_prefix else name), param

    def get_parameters(self, expand=True):
        """Iterator over every Parameter of the optimizer (network parameters and state)."""
        for _, param in self.parameters_and_names(expand=expand):
            yield param

    def parameters_dict(self, recurse=True):
        """OrderedDict ``name -> Parameter`` (what a checkpoint of the optimizer holds)."""
        return OrderedDict((p.name, p) for p in self.get_parameters(expand=recurse))

    def trainable_params(self, recurse=True):
        """The parameters with ``requires_grad`` (the network parameters; state is not trainable)."""
        return [p for p in self.get_parameters(expand=recurse) if p.requires_grad]

    def untrainable_params(self, recurse=True):
        """The parameters without ``requires_grad`` (the optimizer state)."""
        return [p for p in self.get_parameters(expand=recurse) if not p.requires_grad]

    def set_train(self, mode=True):
        """Sets the (unused) training flag, as on any MindSpore cell."""
        self.__dict__["training"] = mode
        return self

    def extend_repr(self):
        return ''

    def __repr__(self):
        return type(self).__name__ + '<' + self.extend_repr() + '>'

    def __getattr__(self, name):
        d = self.__dict__
        host = d.get("_host")
        if host is not None and name in host:
            self._sync_out()
            return host[name].param
        attrs = d.get("_state_attrs")
        if attrs and name in attrs:
            d["_views"] = None           # the caller may replace a state Parameter's data
            return d["_state_tuples"][attrs[name]]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # -- torch surface --------------------------------------------------------------------------
    def step(self, closure=None):
        """torch style: one update from each parameter's ``.grad`` (parameters without a gradient
        are skipped). Returns the closure's loss, if a closure is given."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        self._run(None)
        return loss

    def add_param_group(self, param_group):
        if self.__dict__.get("_built"):
            V.refuse(type(self).__name__, "param_group", param_group,
                     "msnn optimizers fix their parameters (and MindSpore state) at "
                     "construction, as MindSpore does; build a new optimizer")
        super().add_param_group(param_group)

    def _ms_state_dict(self):
        self._sync_out()
        return {name: _plain(host.param).clone() for name, host in self._host.items()}

    def _load_ms_state_dict(self, ms_state):
        with torch.no_grad():
            for name, value in ms_state.items():
                if name in self._host:
                    param = self._host[name].param
                    param.copy_(value.reshape(param.shape).to(param.dtype))

    def state_dict(self):
        """torch's state dict (per-parameter state under MindSpore's prefixes: ``moments``,
        ``moment1``...), plus ``'ms_state'``: the scalar MindSpore state by name."""
        sd = super().state_dict()
        sd["state"] = {k: {key: _plain(v) for key, v in entry.items()} for k, entry in sd["state"].items()}
        sd["ms_state"] = self._ms_state_dict()
        return sd


@ms_api("mindspore.nn.Optimizer", torch="torch.optim.Optimizer",
        deviations=(
            "A torch.optim.Optimizer, not a Cell/torch.nn.Module: it has the cell methods an "
            "optimizer needs (__call__, parameters_and_names, get_parameters, parameters_dict, "
            "set_train) and torch's (step, zero_grad, state_dict, param_groups).",
            "A dynamic learning rate past its last element keeps using the last value (0.1 left "
            "this undefined; its GPU gather returned 0.0).",
            "An empty dynamic learning rate raises ValueError (0.1 failed at the first step).",
            "parameters_and_names() names entries by the MindSpore parameter name (e.g. "
            "'moments.fc.weight'), never by a cell path.",
            "Optimizer state Parameters have requires_grad=False.",
        ),
        doc_errors=("learning_rate may be 0.0 (the doc says 'greater than 0'), an Iterable or a "
                    "Tensor, as 0.1's code allowed.",))
class Optimizer(_OptimizerCell):
    """Base class for all optimizers: a MindSpore optimizer cell and a ``torch.optim.Optimizer``.

    Args:
        learning_rate (Union[float, Tensor, Iterable]): A float >= 0 or a 0-d Tensor: fixed
            learning rate. An Iterable or a 1-d Tensor: dynamic learning rate, the i-th step uses
            the i-th value.
        parameters (list[Parameter]): The parameters to update.

    Raises:
        TypeError: If ``learning_rate`` is not a float, Tensor or Iterable (an int included).
        ValueError: If ``learning_rate`` is a negative float or a Tensor of more than 1 dim, or
            ``parameters`` is empty or holds something else than a Parameter.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> w = nn.Parameter(nn.Tensor(np.ones((2, 2)), nn.float32), name='fc.weight')
        >>> opt = nn.Momentum([w], learning_rate=[0.1, 0.01], momentum=0.9)
        >>> [name for name, _ in opt.parameters_and_names()]
        ['learning_rate', 'fc.weight', 'global_step', 'momentum', 'moments.fc.weight']

    Note:
        Two interfaces share one update: ``optimizer(gradients)`` (MindSpore; ``gradients`` is a
        tuple aligned with ``optimizer.parameters``) and ``optimizer.step()`` (torch; reads
        ``p.grad``, skips parameters whose ``grad`` is None). Hyper-parameters live in torch
        parameter groups (``decay_filter`` splits the parameters into a group with and a group
        without weight decay). With a fixed learning rate, torch LR schedulers drive
        ``group['lr']``. With a dynamic learning rate (or the built-in schedules of
        AdamWeightDecayDynamicLR and Lamb) the MindSpore schedule wins: each step writes the
        learning rate it used into ``group['lr']``, so a torch scheduler has no effect. Past
        the end of a dynamic learning rate the last value is used. Create the optimizer after
        moving the network to its device. In a GRAPH_MODE train step (``TrainOneStepCell``) the
        update is compiled with ``torch.compile``; the learning rate (and Adam's bias-corrected
        rate) enters it as a 0-d tensor, so schedules never recompile it.
    """

    _lr_arg = "learning_rate"    # the argument names a subclass's user passes (errors name them)
    _params_arg = "params"

    def __init__(self, learning_rate, parameters):
        self._init_cell()
        cls_name = type(self).__name__
        params_arg = "parameters" if type(self) is Optimizer else self._params_arg
        lr_tensor, lr_value, dynamic = _check_learning_rate(learning_rate, cls_name, self._lr_arg)
        params = _check_params(parameters, cls_name, params_arg)
        device = params[0].device
        self.dynamic_lr = dynamic
        self._lr = self._add_host("learning_rate", lr_tensor, lr_value, device)
        self._mirrors = {}
        self._seen = {}
        self.parameters = params
        for p in params:
            self._register(p)
        self._device = device
        self._step_host = None        # the global_step counter of the dynamic learning rate
        first_lr = lr_value[0] if dynamic else lr_value
        super().__init__(list(params), {"lr": first_lr, "weight_decay": 0.0, "foreach": True})
        self._group_idx = [list(range(len(params)))]
        self._group_states = [{}]
        self._state_tuples = OrderedDict()
        if not dynamic:
            self._mirror("learning_rate", "lr")

    # -- construction helpers for the subclasses -------------------------------------------------
    def _add_momentum(self, momentum):
        """The ``momentum`` Parameter (float32, kept on the host) mirrored into ``group['momentum']``."""
        self._add_host("momentum", torch.tensor(momentum, dtype=torch.float32), _f32(momentum), self._device)
        self._mirror("momentum", "momentum")

    def _add_global_step(self, name="global_step", dtype=torch.int32):
        self._step_host = self._add_host(name, torch.zeros(1, dtype=dtype), 0, self._device)

    def _set_groups(self, defaults, flags=None, on=None, off=None):
        """Rebuild the torch parameter groups: one group, or (``flags`` given) a group of the
        parameters whose flag is True with ``on`` overrides and one of the others with ``off``."""
        self.defaults = dict(defaults, foreach=True)
        self.param_groups = []
        self.state.clear()
        n = len(self.parameters)
        if flags is None:
            groups = [(list(range(n)), {})]
        else:
            groups = [([i for i in range(n) if flags[i]], on), ([i for i in range(n) if not flags[i]], off)]
            groups = [g for g in groups if g[0]]
        for idx, overrides in groups:
            self.add_param_group(dict(overrides, params=[self.parameters[i] for i in idx]))
        self._group_idx = [idx for idx, _ in groups]
        self._group_states = [{} for _ in groups]
        self.__dict__["_built"] = True

    def _add_state(self, prefix, init, attr):
        """``parameters.clone(prefix, init)``: named per-parameter state, also torch's ``state[p][prefix]``,
        readable as the attribute ``attr`` (MindSpore's: ``moments``, ``moment1``...)."""
        tup = self.parameters.clone(prefix=prefix, init=init)
        for t in tup:
            t.requires_grad_(False)
            self._register(t)
        for idx, states in zip(self._group_idx, self._group_states):
            states[prefix] = [tup[i] for i in idx]
        for p, t in zip(self.parameters, tup):
            self.state[p][prefix] = t
        self._state_tuples[prefix] = tup
        self._state_attrs[attr] = prefix
        self._views = None
        return tup

    def _state_views(self):
        """Per group ``{prefix: [plain view of each state tensor]}``: foreach kernels dispatch faster on
        plain tensors than on Parameter subclasses. Rebuilt after any access that could replace a
        state Parameter's data (attribute, parameters_and_names, load_state_dict)."""
        views = self._views
        if views is None:
            views = [{key: [t.detach() for t in lst] for key, lst in states.items()}
                     for states in self._group_states]
            self.__dict__["_views"] = views
        return views

    def _results_true(self):
        if self._true is None:
            self.__dict__["_true"] = (True,) * len(self.parameters)
        return self._true

    # -- host scalars mirrored into the groups (learning_rate, momentum) ----------------------------
    def _mirror(self, name, key):
        """The host scalar ``name`` mirrors ``group[key]`` of every group: torch code (schedulers)
        changes the groups, MindSpore code (checkpoint load, assign) changes the Parameter."""
        self._mirrors[name] = key
        self._seen[name] = self._host[name].value

    def _pull_mirrors(self):
        """A Parameter written from outside since the last step overrides the groups."""
        for name, key in self._mirrors.items():
            value = self._host[name].get()
            if value != self._seen[name]:
                for g in self.param_groups:
                    g[key] = value
                self._seen[name] = value

    def _lrs(self):
        """The learning rate of each group for the step about to run (no state change)."""
        self._pull_mirrors()
        if self.dynamic_lr:
            values = self._lr.get()
            lr = values[min(self._step_host.get(), len(values) - 1)]
            return [lr] * len(self.param_groups)
        return [g["lr"] for g in self.param_groups]

    def _sync_out(self):
        """Group values (possibly changed by torch code) into the named Parameters, then flush."""
        self._pull_mirrors()
        group = self.param_groups[0] if self.param_groups else {}
        for name, key in self._mirrors.items():
            value = group.get(key)
            if isinstance(value, (int, float)) and value != self._host[name].get():
                self._host[name].set(_f32(value))
                self._seen[name] = self._host[name].value
        super()._sync_out()

    def _advance_lr(self, lrs):
        if self.dynamic_lr:
            for g, lr in zip(self.param_groups, lrs):
                g["lr"] = lr
            self._step_host.set(self._step_host.get() + 1)

    # -- the step ---------------------------------------------------------------------------------
    def _run(self, gradients):
        """One update. ``gradients``: a sequence aligned with ``self.parameters``, or None for
        ``p.grad``. Parameters whose gradient is None are skipped."""
        self._check_gradients(gradients)
        with torch.no_grad():
            ctx = self._begin()
            views = self.__dict__.get("_param_views")
            if views is None:
                views = [_ParamViews(g["params"]) for g in self.param_groups]
                self.__dict__["_param_views"] = views
            for gi, (group, idx, states, pviews) in enumerate(zip(self.param_groups, self._group_idx,
                                                                  self._state_views(), views)):
                if gradients is None:
                    grads = [p.grad for p in group["params"]]
                else:
                    grads = [gradients[i] for i in idx]
                params = pviews.get()
                if any(g is None for g in grads):
                    keep = [k for k, g in enumerate(grads) if g is not None]
                    if not keep:
                        continue
                    params = [params[k] for k in keep]
                    grads = [grads[k] for k in keep]
                    states = {key: [lst[k] for k in keep] for key, lst in states.items()}
                self._update(group, self._group_lr(ctx, gi), params, grads, states, ctx)
            return self._end(ctx)

    def _check_gradients(self, gradients):
        if gradients is not None and not isinstance(gradients, (tuple, list)):
            V.fail(type(self).__name__, "gradients", "a tuple of Tensors (one per parameter)",
                   V._Raw(type(gradients).__name__), exc=TypeError)
        if gradients is not None and len(gradients) != len(self.parameters):
            V.fail(type(self).__name__, "gradients", f"a tuple of {len(self.parameters)} tensors (one per parameter)", f"{len(gradients)} values")

    @staticmethod
    def _group_lr(ctx, gi):
        """The rate ``_update`` receives for group ``gi`` (``ctx['lrs_eff']``: a subclass's
        effective rate, e.g. Adam's bias-corrected one, computed on the host)."""
        return ctx.get("lrs_eff", ctx["lrs"])[gi]

    # -- GRAPH_MODE: the update compiled ----------------------------------------------------------
    _graph_ok = True   # the update traces into one graph (tensor-valued learning rates accepted)

    def _graph_run(self, gradients):
        """``optimizer(gradients)`` with the update compiled (GRAPH_MODE train steps): the host-side
        prologue and epilogue (learning-rate schedule, powers, step counters) run eagerly and pass
        the step-varying rates to the compiled update as 0-d tensors, so they never recompile. A
        compilation failure runs this update eagerly and every later one, with a one-line note."""
        self.__dict__["_opt_called"] = True
        self._check_gradients(gradients)
        unit = self.__dict__.get("_graph_unit")
        if unit is False or not self._graph_ok or any(g is None for g in gradients):
            return self._run(gradients)
        if unit is None:
            unit = _graph.compile_fn(_graph.fresh_function(_compiled_update, f"{type(self).__name__}_update"))
            self.__dict__["_graph_unit"] = unit
        with torch.no_grad():
            ctx = self._begin()
            key = "lrs_eff" if "lrs_eff" in ctx else "lrs"
            gctx = dict(ctx)
            gctx[key] = [torch.tensor(lr, dtype=torch.float32, device=self._device) for lr in ctx[key]]
            params = [[p.detach() for p in g["params"]] for g in self.param_groups]
            groups = [{k: v for k, v in g.items() if k not in ("params", "lr", "initial_lr")}
                      for g in self.param_groups]
            try:
                unit(self, groups, params, list(gradients), self._state_views(), gctx)
            except Exception as err:  # pylint: disable=broad-except
                self.__dict__["_graph_unit"] = False
                _graph.note(f"the {type(self).__name__} update", err)
                return self._run(gradients)
            return self._end(ctx)

    def _begin(self):
        """Host-side per-step values (learning rates, powers...), computed before the update."""
        return {"lrs": self._lrs()}

    def _update(self, group, lr, params, grads, states, ctx):
        raise NotImplementedError(f"{type(self).__name__} must override this method.")

    def _end(self, ctx):
        self._advance_lr(ctx["lrs"])
        return self._results_true()

    def construct(self, gradients=None):
        """Applies one update with ``gradients`` (tuple aligned with ``self.parameters``).

        Raises:
            NotImplementedError: On the base class (0.1's ``Optimizer.construct``).
            TypeError: If ``gradients`` is not a tuple or list.
            ValueError: If it does not hold one entry per parameter.
        """
        if type(self)._update is Optimizer._update:
            raise NotImplementedError(f"For '{type(self).__name__}', construct() must be overridden.")
        if gradients is None:
            V.fail(type(self).__name__, "gradients", "a tuple of Tensors (one per parameter)", gradients,
                   exc=TypeError)
        return self._run(gradients)

    # -- torch state dict ---------------------------------------------------------------------------
    def load_state_dict(self, state_dict):
        """torch's ``load_state_dict``; the loaded values are copied into the MindSpore state."""
        state_dict = dict(state_dict)
        ms_state = state_dict.pop("ms_state", {})
        super().load_state_dict(state_dict)
        with torch.no_grad():
            for p, *own in zip(self.parameters, *self._state_tuples.values()):
                entry = self.state[p]
                for key, t in zip(self._state_tuples, own):
                    loaded = entry.get(key)
                    if loaded is not None and loaded is not t:
                        t.copy_(loaded)
                    entry[key] = t
        self._load_ms_state_dict(ms_state)
        self.__dict__["_views"] = None
