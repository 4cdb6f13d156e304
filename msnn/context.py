"""``mindspore.context``: run mode and device selection.

``set_context(device_target='GPU', device_id=k)`` makes msnn build Parameters and Tensors on
``cuda:k``; ``'CPU'`` (and ``'Ascend'``, which has no torch backend) on the CPU. A GPU target on a
machine without CUDA warns once and stays on the CPU. Graph and PyNative mode both run eagerly.
"""
import warnings

import torch

from ._api import ms_api
from . import _validator as V

__all__ = ["GRAPH_MODE", "PYNATIVE_MODE", "set_context", "get_context"]

GRAPH_MODE = 0
PYNATIVE_MODE = 1

_DEFAULTS = {
    "mode": GRAPH_MODE, "device_target": "CPU", "device_id": 0, "save_graphs": False,
    "save_graphs_path": ".", "save_ms_model": False, "save_ms_model_path": "./model.ms",
    "enable_task_sink": True, "enable_loop_sink": True, "enable_mem_reuse": True,
    "enable_dump": False, "save_dump_path": ".", "enable_reduce_precision": True,
    "enable_gpu_summary": True, "enable_auto_mixed_precision": True,
    "reserve_class_name_in_scope": True, "check_bprop": False,
}
_context = dict(_DEFAULTS)
_device = torch.device("cpu")


def _resolve_device():
    global _device  # pylint: disable=global-statement
    target = _context["device_target"]
    if target == "GPU":
        if torch.cuda.is_available():
            _device = torch.device("cuda", _context["device_id"])
            return
        warnings.warn("msnn: device_target='GPU' but CUDA is not available; running on the CPU.",
                      RuntimeWarning, stacklevel=3)
    _device = torch.device("cpu")


def device():
    """The torch device that new Parameters and Tensors are placed on."""
    return _device


@ms_api("mindspore.context.set_context", torch="torch.device / torch.cuda.set_device",
        deviations=("Graph mode runs eagerly like PyNative; graph, dump and sink switches are "
                    "recorded but change nothing.",))
def set_context(**kwargs):
    """Set context keys (``mode``, ``device_target``, ``device_id``, ...).

    Examples:
        >>> from msnn import context
        >>> context.set_context(mode=context.GRAPH_MODE, device_target="CPU")
        >>> context.get_context("device_target")
        'CPU'
    """
    for key, value in kwargs.items():
        if key not in _DEFAULTS:
            V.fail("set_context", "key", "one of " + ", ".join(sorted(_DEFAULTS)), key)
        if key == "device_target":
            V.check_in(value, "device_target", "set_context", ("Ascend", "GPU", "CPU", "Davinci"))
        if key == "device_id":
            V.check_non_negative_int(value, "device_id", "set_context")
        if key == "mode":
            V.check_in(value, "mode", "set_context", (GRAPH_MODE, PYNATIVE_MODE))
        _context[key] = value
    if "device_target" in kwargs or "device_id" in kwargs:
        _resolve_device()


@ms_api("mindspore.context.get_context")
def get_context(attr_key):
    """The value of one context key."""
    if attr_key not in _context:
        V.fail("get_context", "attr_key", "a context key", attr_key)
    return _context[attr_key]
