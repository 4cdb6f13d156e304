"""``mindspore.context``: run mode, device selection and the auto-parallel context.

Devices: ``set_context(device_target='GPU', device_id=k)`` places new Parameters and Tensors on
``cuda:k``; ``'CPU'`` on the CPU. ``'Ascend'`` -- 0.1's default -- (and its alias ``'Davinci'``)
has no torch backend: it runs on CUDA when CUDA is present, else on the CPU. A GPU or Ascend target
named explicitly on a machine without CUDA warns once and runs on the CPU. Where 0.1 behaved
differently per device (sparse ``SoftmaxCrossEntropyWithLogits``), msnn follows the target the
script names (:func:`semantics_target`).

Modes: ``PYNATIVE_MODE`` runs eagerly. ``GRAPH_MODE`` (0.1's default) compiles the train steps
(``TrainOneStepCell``, ``TrainOneStepWithLossScaleCell``, hence ``Model.train``) and ``ms_function``
functions with ``torch.compile`` after a timed eager warm-up, and keeps the compiled version only
where it is faster; any other cell runs eagerly (see :mod:`msnn._graph`).

Every 0.1 ``set_context`` keyword is accepted with 0.1's types and checks. The switches that drive
MindSpore's graph compiler, memory planner and dump files have nothing to drive here: they are
recorded and returned by ``get_context``, and the ones whose absence a user would notice (graph or
model files, dumps, precompile-only) warn when set.
"""
import os
import re
import warnings

import torch

from ._api import ms_api
from . import _validator as V

__all__ = ["GRAPH_MODE", "PYNATIVE_MODE", "set_context", "get_context", "set_auto_parallel_context",
           "get_auto_parallel_context", "reset_auto_parallel_context"]

GRAPH_MODE = 0
PYNATIVE_MODE = 1

# key -> (type, 0.1's default); DEVICE_ID from the environment, as 0.1's context read it
_TYPES_DEFAULTS = {
    "mode": (int, GRAPH_MODE), "precompile_only": (bool, False), "device_target": (str, "Ascend"),
    "device_id": (int, 0), "enable_ir_fusion": (bool, True), "save_graphs": (bool, False),
    "enable_hccl": (bool, False), "enable_task_sink": (bool, True), "save_graphs_path": (str, "."),
    "enable_loop_sink": (bool, False), "enable_mem_reuse": (bool, True), "save_ms_model": (bool, False),
    "save_ms_model_path": (str, "./model.ms"), "enable_gpu_summary": (bool, True),
    "enable_auto_mixed_precision": (bool, True), "enable_dump": (bool, False),
    "save_dump_path": (str, "."), "enable_reduce_precision": (bool, True),
    "enable_dynamic_memory": (bool, False), "graph_memory_max_size": (str, "0"),
    "variable_memory_max_size": (str, "0"), "reserve_class_name_in_scope": (bool, True),
}
_NO_EFFECT = {
    "precompile_only": "msnn compiles nothing ahead of running; the network runs",
    "save_graphs": "msnn builds no MindSpore IR graphs to save",
    "save_ms_model": "msnn converts no .ms model files",
    "enable_dump": "msnn writes no MindSpore dump files",
}
_WARN_WHEN = {"precompile_only": True, "save_graphs": True, "save_ms_model": True, "enable_dump": True}
_TARGETS = ("Ascend", "GPU", "CPU", "Davinci")
_MEMORY_RE = re.compile(r'[1-9][0-9]*(\.)?[0-9]*GB|0\.[0-9]*GB')


def _defaults():
    out = {k: d for k, (_, d) in _TYPES_DEFAULTS.items()}
    env = os.environ.get("DEVICE_ID", "")
    if env.isdigit():
        out["device_id"] = int(env)
    return out


_context = _defaults()
_device = None  # resolved lazily: the first tensor msnn builds decides


def _resolve_device(explicit=False):
    global _device  # pylint: disable=global-statement
    target = _context["device_target"]
    if target in ("GPU", "Ascend") and torch.cuda.is_available():
        _device = torch.device("cuda", _context["device_id"] if target == "GPU" else 0)
        if explicit and target == "Ascend":
            warnings.warn("msnn: device_target='Ascend' has no torch backend; running on CUDA "
                          f"({_device}).", RuntimeWarning, stacklevel=3)
        return
    if explicit and target in ("GPU", "Ascend"):
        warnings.warn(f"msnn: device_target={target!r} but CUDA is not available; running on the CPU.",
                      RuntimeWarning, stacklevel=3)
    _device = torch.device("cpu")


def device():
    """The torch device that new Parameters and Tensors are placed on."""
    if _device is None:
        _resolve_device()
    return _device


def semantics_target():
    """The device whose 0.1 semantics apply where 0.1 differed per device: 'Ascend', 'GPU' or 'CPU'."""
    return _context["device_target"]


@ms_api("mindspore.context.set_context", torch="torch.device / torch.cuda.set_device",
        deviations=("GRAPH_MODE compiles only the train steps (TrainOneStepCell, "
                    "TrainOneStepWithLossScaleCell, so Model.train) and ms_function functions, with "
                    "torch.compile, and only where the compiled step is faster than eager after a timed "
                    "warm-up (policy: environment variable MSNN_GRAPH_POLICY=auto|compile|eager); "
                    "everything else runs eagerly as in PyNative mode. Results equal eager mode within "
                    "float rounding.",
                    "'Ascend' (the default) runs on CUDA when present, else the CPU.",),
        unsupported=_NO_EFFECT)
def set_context(**kwargs):
    """Set context keys: ``mode``, ``device_target``, ``device_id`` and 0.1's other switches.

    Raises:
        TypeError: A value of the wrong type (None is accepted and ignored, as 0.1's check did).
        ValueError: An unknown key, an invalid device target, a device id outside [0, 4095] or a
            memory size not written like "26GB".
        RuntimeError: A mode other than GRAPH_MODE (0) or PYNATIVE_MODE (1).

    Examples:
        >>> from msnn import context
        >>> context.set_context(mode=context.GRAPH_MODE, device_target="CPU")
        >>> context.get_context("device_target")
        'CPU'

    Note:
        ``mode=GRAPH_MODE`` (the default) compiles train steps (``TrainOneStepCell``,
        ``TrainOneStepWithLossScaleCell``, so ``Model.train``) and ``ms_function`` functions with
        ``torch.compile``: the first 5 steps run eagerly and are timed, the next compiles, and the
        compiled step is kept only if it is faster (``MSNN_GRAPH_POLICY=compile`` keeps it always,
        ``=eager`` never compiles); ``Model.train`` compiles only a run that would take at least
        5 minutes eagerly (``MSNN_GRAPH_MIN_RUN_SECONDS``), since compiling takes tens of seconds
        on a CPU. A compilation failure runs the step eagerly with a one-line warning. Other cells run eagerly in both modes, and both modes give the same numbers
        within float rounding. precompile_only, save_graphs, save_ms_model and enable_dump have
        no effect in msnn and warn when switched on; the other graph, memory and sink switches
        are recorded only.
    """
    for key, value in kwargs.items():
        if key not in _TYPES_DEFAULTS:
            V.fail("set_context", "key", "one of " + ", ".join(_TYPES_DEFAULTS), key)
        if value is not None:
            V.check_type(value, key, "set_context", _TYPES_DEFAULTS[key][0])
    for key, value in kwargs.items():
        if value is None:
            continue
        if key == "device_target":
            V.check_in(value, key, "set_context", _TARGETS)
            value = "Ascend" if value == "Davinci" else value
        elif key == "device_id":
            V.check_int(value, key, "set_context", lower=0, upper=4095)
        elif key == "mode" and value not in (GRAPH_MODE, PYNATIVE_MODE):
            V.fail("set_context", key, "GRAPH_MODE (0) or PYNATIVE_MODE (1)", value, exc=RuntimeError)
        elif key in ("graph_memory_max_size", "variable_memory_max_size") and not _MEMORY_RE.match(value):
            V.fail("set_context", key, 'a size such as "26GB"', value)
        elif key in _WARN_WHEN and value == _WARN_WHEN[key]:
            V.check_unsupported(value, key, "set_context", not _WARN_WHEN[key])
        _context[key] = value
    if kwargs.get("device_target") is not None or kwargs.get("device_id") is not None:
        _resolve_device(explicit=True)


@ms_api("mindspore.context.get_context")
def get_context(attr_key):
    """The value of one context key (ValueError for an unknown key).

    Examples:
        >>> from msnn import context
        >>> context.get_context("enable_loop_sink")
        False
    """
    if attr_key not in _context:
        V.fail("get_context", "attr_key", "a context key", attr_key)
    return _context[attr_key]


# -- auto-parallel context ----------------------------------------------------------------------
_PARALLEL_TYPES_DEFAULTS = {
    "device_num": (int, 1), "global_rank": (int, 0), "mirror_mean": (bool, False),
    "cast_before_mirror": (bool, True), "parallel_mode": (str, "stand_alone"),
    "parameter_broadcast": (bool, False),
}
_PARALLEL_MODES = ("stand_alone", "data_parallel", "hybrid_parallel", "semi_auto_parallel", "auto_parallel")
_parallel = {k: d for k, (_, d) in _PARALLEL_TYPES_DEFAULTS.items()}
# what scripts set through mindspore.parallel._auto_parallel_context (kept with the rest)
_parallel_extra = {"all_reduce_fusion_split_indices": [], "device_num_is_set": False,
                   "global_rank_is_set": False, "parameter_broadcast_is_set": False}


@ms_api("mindspore.context.set_auto_parallel_context", torch="torch.distributed",
        deviations=("semi_auto_parallel and auto_parallel raise UnsupportedError: msnn shards no "
                    "operators; data_parallel and hybrid_parallel replicate the network.",))
def set_auto_parallel_context(**kwargs):
    """Set the parallel context: ``device_num``, ``global_rank``, ``mirror_mean``,
    ``cast_before_mirror``, ``parallel_mode``, ``parameter_broadcast``.

    Raises:
        TypeError: A value of the wrong type.
        ValueError: An unknown key, ``device_num`` outside [1, 4096], ``global_rank`` outside
            [0, 4095] or an unknown ``parallel_mode``.

    Examples:
        >>> from msnn import context
        >>> context.set_auto_parallel_context(parallel_mode="data_parallel", mirror_mean=True)
        >>> context.get_auto_parallel_context("parallel_mode")
        'data_parallel'
        >>> context.reset_auto_parallel_context()
    """
    cls = "set_auto_parallel_context"
    for key, value in kwargs.items():
        if key not in _PARALLEL_TYPES_DEFAULTS:
            V.fail(cls, "key", "one of " + ", ".join(_PARALLEL_TYPES_DEFAULTS), key)
        if value is not None:
            V.check_type(value, key, cls, _PARALLEL_TYPES_DEFAULTS[key][0])
    for key, value in kwargs.items():
        if value is None:
            continue
        if key == "device_num":
            V.check_int(value, key, cls, lower=1, upper=4096)
            _parallel_extra["device_num_is_set"] = True
        elif key == "global_rank":
            V.check_int(value, key, cls, lower=0, upper=4095)
            _parallel_extra["global_rank_is_set"] = True
        elif key == "parameter_broadcast":
            _parallel_extra["parameter_broadcast_is_set"] = True
        elif key == "parallel_mode":
            V.check_in(value, key, cls, _PARALLEL_MODES)
            if value in ("semi_auto_parallel", "auto_parallel"):
                V.refuse(cls, key, value, "msnn replicates the network on every process "
                         "(data_parallel); it shards no operators")
        _parallel[key] = value


def _note_world(device_num, global_rank):
    """``communication.init``: the started group's size and rank, unless the script set them."""
    if not _parallel_extra["device_num_is_set"]:
        _parallel["device_num"] = device_num
    if not _parallel_extra["global_rank_is_set"]:
        _parallel["global_rank"] = global_rank


@ms_api("mindspore.context.get_auto_parallel_context")
def get_auto_parallel_context(attr_key):
    """The value of one auto-parallel context key (ValueError for an unknown key).

    Examples:
        >>> from msnn import context
        >>> context.get_auto_parallel_context("device_num")
        1
    """
    if attr_key not in _parallel:
        V.fail("get_auto_parallel_context", "attr_key", "an auto-parallel context key", attr_key)
    return _parallel[attr_key]


@ms_api("mindspore.context.reset_auto_parallel_context")
def reset_auto_parallel_context():
    """Reset the auto-parallel context to 0.1's defaults (device_num 1, global_rank 0,
    mirror_mean False, cast_before_mirror True, parallel_mode 'stand_alone', parameter_broadcast False).

    Examples:
        >>> from msnn import context
        >>> context.reset_auto_parallel_context()
        >>> context.get_auto_parallel_context("parallel_mode")
        'stand_alone'
    """
    _parallel.update({k: d for k, (_, d) in _PARALLEL_TYPES_DEFAULTS.items()})
    _parallel_extra.update(all_reduce_fusion_split_indices=[], device_num_is_set=False,
                           global_rank_is_set=False, parameter_broadcast_is_set=False)
