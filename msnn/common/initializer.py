"""``mindspore.common.initializer``: numpy-drawn initial values, as in MindSpore 0.1.

Every random draw comes from numpy's global RNG in construction order, so ``np.random.seed(k)``
before building a network reproduces its initial weights.
"""
import math
import numbers
import os

import numpy as np
import torch

from .._api import ms_api
from .. import _validator as V
from . import dtype as mstype
from .tensor import Tensor

__all__ = ["Initializer", "initializer", "TruncatedNormal", "Normal", "Uniform", "HeUniform",
           "XavierUniform", "One", "Zero"]

_INITIALIZER_ALIAS = {}


class Initializer:
    """Base class of initializers: ``init(arr)`` fills the float64 numpy array ``arr`` in place.

    Args:
        kwargs (dict): Keyword arguments kept on the instance.
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs

    def _initialize(self, arr):
        raise NotImplementedError(f"{type(self).__name__} must override _initialize")

    def __call__(self, arr):
        return self._initialize(arr)


def _register(*aliases):
    def alias_reg(cls):
        for alias in (cls.__name__.lower(),) + aliases:
            _INITIALIZER_ALIAS.setdefault(alias, cls)
        return cls
    return alias_reg


def _assign(arr, value):
    arr[...] = value


def _fans(arr):
    if arr.ndim < 2:
        V.fail("initializer", "shape", "at least 2-D to compute fan_in/fan_out (xavier_uniform, he_uniform)", arr.shape)
    receptive = int(np.prod(arr.shape[2:])) if arr.ndim > 2 else 1
    return arr.shape[1] * receptive, arr.shape[0] * receptive


@ms_api("mindspore.common.initializer.Zero", torch="torch.nn.init.zeros_")
@_register('zeros')
class Zero(Initializer):
    """Fill with 0 (alias ``'zeros'``, ``'zero'``)."""

    def _initialize(self, arr):
        _assign(arr, 0)


@ms_api("mindspore.common.initializer.One", torch="torch.nn.init.ones_")
@_register('ones')
class One(Initializer):
    """Fill with 1 (alias ``'ones'``, ``'one'``)."""

    def _initialize(self, arr):
        _assign(arr, 1)


@ms_api("mindspore.common.initializer.XavierUniform", torch="torch.nn.init.xavier_uniform_")
@_register('xavier_uniform')
class XavierUniform(Initializer):
    """U(-b, b) with ``b = gain * sqrt(6 / (fan_in + fan_out))``; needs a >= 2-D shape."""

    def __init__(self, gain=1):
        super().__init__(gain=gain)
        self.gain = gain

    def _initialize(self, arr):
        n_in, n_out = _fans(arr)
        bound = self.gain * math.sqrt(6.0 / (n_in + n_out))
        _assign(arr, np.random.uniform(-bound, bound, arr.shape))


@ms_api("mindspore.common.initializer.HeUniform", torch="torch.nn.init.kaiming_uniform_")
@_register('he_uniform')
class HeUniform(Initializer):
    """U(-b, b) with ``b = sqrt(6 / fan_in)``; needs a >= 2-D shape."""

    def _initialize(self, arr):
        n_in, _ = _fans(arr)
        bound = math.sqrt(6.0 / n_in)
        _assign(arr, np.random.uniform(-bound, bound, arr.shape))


class _Constant(Initializer):
    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _initialize(self, arr):
        _assign(arr, self.value)


@ms_api("mindspore.common.initializer.Uniform", torch="torch.nn.init.uniform_")
@_register()
class Uniform(Initializer):
    """U(-scale, scale); ``'uniform'`` gives scale 0.07."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _initialize(self, arr):
        _assign(arr, np.random.uniform(-self.scale, self.scale, arr.shape))


@ms_api("mindspore.common.initializer.Normal", torch="torch.nn.init.normal_")
@_register()
class Normal(Initializer):
    """N(0, sigma²); ``'normal'`` gives sigma 0.01 (the default weight init of Dense and Conv2d)."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _initialize(self, arr):
        _assign(arr, np.random.normal(0, self.sigma, arr.shape))


_PHI_M2 = 0.5 * (1.0 + math.erf(-2.0 / math.sqrt(2.0)))
_PHI_P2 = 0.5 * (1.0 + math.erf(2.0 / math.sqrt(2.0)))


@ms_api("mindspore.common.initializer.TruncatedNormal", torch="torch.nn.init.trunc_normal_",
        deviations=("Drawn by inverse CDF from numpy's global uniform stream (as scipy's truncnorm "
                    "did in 2020) instead of calling scipy, which msnn does not depend on.",))
@_register()
class TruncatedNormal(Initializer):
    """N(0, sigma²) truncated to ±2·sigma; ``'truncatednormal'`` gives sigma 0.01.

    Note:
        msnn draws ``q ~ U(0, 1)`` from numpy's global RNG and returns
        ``sigma * ndtri(Φ(-2) + q·(Φ(2) - Φ(-2)))``, the inverse-CDF method scipy's
        ``truncnorm.rvs`` used, without depending on scipy.
    """

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _initialize(self, arr):
        q = np.asarray(np.random.uniform(0.0, 1.0, arr.shape), dtype=np.float64)
        p = torch.from_numpy(q * _PHI_P2 + _PHI_M2 * (1.0 - q))
        _assign(arr, self.sigma * torch.special.ndtri(p).numpy())


@ms_api("mindspore.common.initializer.initializer", torch="torch.empty + torch.nn.init")
def initializer(init, shape=None, dtype=mstype.float32):
    """Create and initialize a tensor.

    Args:
        init (Tensor, str, Initializer, numbers.Number): The values, an alias
            ('normal', 'zeros', 'ones', 'truncatednormal', 'uniform', 'xavier_uniform',
            'he_uniform', case-insensitive), an initializer or a constant.
        shape (tuple, list, int): The shape of the result. Default: None.
        dtype (msnn.dtype): The dtype of the result. Default: float32.

    Returns:
        Tensor, initialized tensor (a Tensor ``init`` is returned as is).

    Examples:
        >>> import msnn
        >>> from msnn.common.initializer import initializer
        >>> initializer('ones', [1, 2, 3], msnn.float32).shape()
        (1, 2, 3)
    """
    return make_tensor(init, shape, dtype, "initializer", "init", "shape")


def _memory_bytes():
    """This machine's physical memory (the most any allocation could get), or 2**40 if unknown."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return 1 << 40


def _quoted(names):
    parts = [f"'{n}'" for n in names.split("/")]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def check_alloc(dims, cls_name, arg_name, shape_args, itemsize=8):
    """The element count of ``dims``; ValueError naming the class, the size arguments and the size
    when the array (float64 by default: 0.1 drew values in float64) would exceed this machine's
    memory -- a clean error before any allocation, instead of a MemoryError."""
    count = math.prod(int(d) for d in dims)
    limit = _memory_bytes()
    if count * itemsize > limit:
        raise ValueError(f"For '{cls_name}', the {_quoted(shape_args)} ask for a '{arg_name}' of shape "
                         f"{tuple(int(d) for d in dims)} ({count} elements, {count * itemsize} bytes), "
                         f"more than this machine's memory ({limit} bytes).")
    return count


def make_tensor(init, shape, dtype, cls_name, arg_name, shape_args):
    """:func:`initializer` for a class: every error names ``cls_name`` and the argument the user
    passed (``arg_name`` for ``init``; ``shape_args``, e.g. ``'in_channels/out_channels'``, for a
    shape built from the user's sizes).

    Refuses what 0.1 accepted and could not use: a non-finite constant or Tensor (ValueError) and
    a shape whose float64 staging array would exceed this machine's memory (ValueError naming the
    size, instead of a MemoryError or an allocation that swaps the machine).
    """
    if not isinstance(init, (torch.Tensor, numbers.Number, str, Initializer)):
        V.fail(cls_name, arg_name, "a Tensor, str, Initializer or number (Unsupported init type)",
               V._Raw(type(init).__name__), exc=TypeError)
    if isinstance(init, torch.Tensor):
        expected = list(shape) if isinstance(shape, (tuple, list)) else [shape]
        if list(init.shape) != expected:
            V.fail(cls_name, arg_name, f"a Tensor of shape {tuple(expected)}", init)
        if (init.is_floating_point() or init.is_complex()) and not bool(torch.isfinite(init).all()):
            V.fail(cls_name, arg_name, "a Tensor of finite values", init)
        return init
    if isinstance(init, numbers.Number) and not isinstance(init, bool):
        try:
            finite = math.isfinite(init)
        except (TypeError, OverflowError):
            finite = True
        if not finite:
            V.fail(cls_name, arg_name, "a finite number", init)
    dims = list(shape) if isinstance(shape, (tuple, list)) else [shape]
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in dims):
        V.fail(cls_name, shape_args, "sizes that make a valid shape", V._Raw(f"shape {shape}"))
    count = check_alloc(dims, cls_name, arg_name, shape_args)
    if isinstance(init, str):
        key = init.lower()
        if key not in _INITIALIZER_ALIAS:
            raise KeyError(f"For '{cls_name}', the '{arg_name}' must be one of "
                           f"{sorted(_INITIALIZER_ALIAS)}, but got {init!r}.")
        init_obj = _INITIALIZER_ALIAS[key]()
    elif isinstance(init, numbers.Number):
        init_obj = _Constant(init)
    else:
        init_obj = init
    try:
        arr = np.ndarray([int(d) for d in dims])
    except MemoryError:
        raise ValueError(f"For '{cls_name}', the {_quoted(shape_args)} ask for a '{arg_name}' of shape "
                         f"{tuple(dims)} ({count} elements): not enough memory.") from None
    if isinstance(init_obj, (HeUniform, XavierUniform)) and arr.ndim < 2:
        V.fail(cls_name, arg_name, "an initializer that works on this shape (xavier_uniform and he_uniform "
               "need at least 2-D to compute fan_in/fan_out)", init)
    init_obj(arr)
    return Tensor(arr, dtype=dtype)
