"""mindspore.nn.optim.lars: ``LARS``, a gradient transform wrapped around another optimizer."""
import torch

from .._api import ms_api
from .. import _validator as V
from . import _functional as F
from .optimizer import Optimizer, _OptimizerCell, _check_loss_scale, _filter_flags

__all__ = ["LARS"]


def _delegate(name):
    def get(self):
        return getattr(self.opt, name)

    def set_(self, value):
        if "opt" in self.__dict__:
            setattr(self.opt, name, value)
    return property(get, set_)


@ms_api("mindspore.nn.LARS", torch="custom foreach gradient transform around the wrapped optimizer",
        deviations=(
            "The learning rate that use_clip divides by is the wrapped optimizer's current one "
            "(0.1 gathered lr[lars_global_step], which only worked for a dynamic learning rate).",
            "loss_scale <= 0 raises ValueError (0.1 failed with ZeroDivisionError or divided by a "
            "negative scale).",
        ))
class LARS(_OptimizerCell):
    r"""Implements the LARS algorithm: rescales each gradient, then runs the wrapped optimizer.

    Per step: ``g /= loss_scale``; for parameters passing ``lars_filter``, with
    ``wd = weight_decay * loss_scale`` if ``decay_filter`` else 0:
    ``coeff = hyperpara * ||w|| / (||g|| + wd * ||w|| + epsilon)``, with ``use_clip``
    ``coeff = clamp(coeff / lr, 0, 1)``, ``g = coeff * (g + wd * w)``; then
    ``optimizer(gradients)``.

    Args:
        optimizer (Optimizer): The msnn optimizer to wrap.
        epsilon (float): Added to the denominator. Default: 1e-05.
        hyperpara (float): Trust coefficient. Default: 0.001.
        weight_decay (float): L2 penalty. Default: 0.0.
        use_clip (bool): Clip the local learning rate. Default: False.
        decay_filter (Function): Which parameters get weight decay. Default:
            ``lambda x: 'LayerNorm' not in x.name and 'bias' not in x.name``.
        lars_filter (Function): Which parameters get the LARS rescaling. Default: as decay_filter.
        loss_scale (float): The static loss scale. Default: 1.0.

    Inputs:
        - **gradients** (tuple[Tensor]) - The gradients of the wrapped optimizer's parameters.

    Outputs:
        The wrapped optimizer's output.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> w = nn.Parameter(nn.Tensor(np.ones(4), nn.float32), name='conv.weight')
        >>> opt = nn.Momentum([w], 0.1, 0.9)
        >>> opt_lars = nn.LARS(opt, epsilon=1e-08, hyperpara=0.02)
        >>> opt_lars((nn.Tensor(np.ones(4), nn.float32),))
        (True,)
        >>> round(float(w.asnumpy()[0]), 6)
        0.998

    Note:
        As in 0.1, the gradients are un-scaled *before* ``weight_decay * loss_scale`` is added, so
        with ``loss_scale != 1`` the decay is effectively multiplied by ``loss_scale``. LARS is a
        ``torch.optim.Optimizer`` sharing the wrapped optimizer's parameter groups and state:
        ``step()``, ``zero_grad()``, schedulers and ``GradScaler`` work on it. In a GRAPH_MODE
        train step its update runs eagerly (the loss network is compiled).
    """

    param_groups = _delegate("param_groups")
    state = _delegate("state")
    defaults = _delegate("defaults")

    def __init__(self, optimizer, epsilon=1e-05, hyperpara=0.001, weight_decay=0.0, use_clip=False,
                 decay_filter=lambda x: 'LayerNorm' not in x.name and 'bias' not in x.name,
                 lars_filter=lambda x: 'LayerNorm' not in x.name and 'bias' not in x.name,
                 loss_scale=1.0):
        self._init_cell()
        cls_name = type(self).__name__
        V.check_type(optimizer, "optimizer", cls_name, Optimizer, what="an msnn Optimizer")
        V.check_float(epsilon, "epsilon", cls_name, lower=0.0, lower_open=True)
        V.check_float(hyperpara, "hyperpara", cls_name, lower=0.0, lower_open=True)
        V.check_bool(use_clip, "use_clip", cls_name, exc=ValueError)
        weight_decay = float(V.check_number(weight_decay, "weight_decay", cls_name, lower=0.0))
        loss_scale = _check_loss_scale(loss_scale, cls_name)
        self.__dict__["opt"] = optimizer
        self.parameters = optimizer.parameters
        for p in self.parameters:
            self._register(p)
        self._register(optimizer._lr, "learning_rate")
        self._add_host("lars_global_step", torch.zeros(1, dtype=torch.int32), 0, optimizer._device)
        self.epsilon = epsilon
        self.hyperpara = hyperpara
        self.use_clip = use_clip
        self.reciprocal_scale = 1.0 / loss_scale
        self.weight_decay = weight_decay * loss_scale
        self.decay_flag = _filter_flags(decay_filter, self.parameters, "decay_filter", cls_name)
        self.lars_flag = _filter_flags(lars_filter, self.parameters, "lars_filter", cls_name)
        # LARS buckets: (decay flag, wrapped optimizer's group) -> parameter indices
        group_of = {}
        for gi, idx in enumerate(optimizer._group_idx):
            for i in idx:
                group_of[i] = gi
        buckets = {}
        for i, p in enumerate(self.parameters):
            if self.lars_flag[i]:
                buckets.setdefault((self.decay_flag[i], group_of[i]), []).append(i)
        self._buckets = [(decay, gi, idx) for (decay, gi), idx in buckets.items()]
        # torch.optim.Optimizer bookkeeping (hooks); groups and state are the wrapped optimizer's
        self._opt_state_init()

    def _opt_state_init(self):
        torch.optim.Optimizer.__setstate__(self, {})

    @property
    def learning_rate(self):
        return self.opt.learning_rate

    def _run(self, gradients):
        params = self.parameters
        if gradients is None:
            grads = [p.grad for p in params]
        else:
            if not isinstance(gradients, (tuple, list)):
                V.fail(type(self).__name__, "gradients", "a tuple of Tensors (one per parameter)",
                       V._Raw(type(gradients).__name__), exc=TypeError)
            if len(gradients) != len(params):
                V.fail(type(self).__name__, "gradients", f"a tuple of {len(params)} tensors (one per parameter)", f"{len(gradients)} values")
            grads = list(gradients)
        with torch.no_grad():
            lrs = self.opt._lrs()
            if self.reciprocal_scale != 1.0:
                keep = [i for i, g in enumerate(grads) if g is not None]
                scaled = torch._foreach_mul([grads[i] for i in keep], self.reciprocal_scale)
                for i, g in zip(keep, scaled):
                    grads[i] = g
            for decay, gi, idx in self._buckets:
                idx = [i for i in idx if grads[i] is not None]
                if not idx:
                    continue
                group = self.opt.param_groups[gi]
                new = F.lars_gradients([params[i] for i in idx], [grads[i] for i in idx],
                                       weight_decay=self.weight_decay if decay else 0.0, lr=lrs[gi],
                                       epsilon=self.epsilon, hyperpara=self.hyperpara,
                                       use_clip=self.use_clip, foreach=group["foreach"])
                for i, g in zip(idx, new):
                    grads[i] = g
            step = self._host["lars_global_step"]
            step.set(step.get() + 1)
        if gradients is None:
            return self.opt._run(grads)
        return self.opt(tuple(grads))

    def construct(self, gradients):
        """Rescales ``gradients`` and applies the wrapped optimizer."""
        return self._run(gradients)

    def parameters_and_names(self, name_prefix='', expand=True):
        """The LARS counter, then the wrapped optimizer's parameters and state (MindSpore names)."""
        seen = set()
        for name, param in super().parameters_and_names(name_prefix, expand):
            seen.add(param)
            yield name, param
        if expand:
            for name, param in self.opt.parameters_and_names(name_prefix, expand):
                if param not in seen:
                    yield name, param

    def __repr__(self):
        return 'LARS<\n  (opt): ' + repr(self.opt) + '\n  >'

    def zero_grad(self, set_to_none=True):
        self.opt.zero_grad(set_to_none)

    def state_dict(self):
        sd = self.opt.state_dict()
        sd["ms_state"] = dict(sd.get("ms_state", {}), **self._ms_state_dict())
        return sd

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        ms_state = dict(state_dict.get("ms_state", {}))
        own = {k: ms_state.pop(k) for k in list(ms_state) if k in self._host}
        state_dict["ms_state"] = ms_state
        self.opt.load_state_dict(state_dict)
        self._load_ms_state_dict(own)
