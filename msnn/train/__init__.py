"""``mindspore.train``: ``Model``, callbacks, checkpoint serialization, loss scale managers, mixed
precision and the dataset channels.

Each name loads its module on first use (``from msnn.train import Model`` imports the model and
callback modules only).
"""
import importlib

__all__ = ["Model", "ParallelMode", "DatasetHelper", "amp", "dataset_helper", "serialization", "callback",
           "loss_scale_manager", "parallel_utils", "model", "summary", "save_checkpoint", "load_checkpoint",
           "load_param_into_net"]

_SUBMODULES = ("amp", "dataset_helper", "serialization", "callback", "loss_scale_manager", "parallel_utils",
               "model", "summary")
_NAMES = {"Model": "model", "ParallelMode": "parallel_utils", "DatasetHelper": "dataset_helper",
          "save_checkpoint": "serialization", "load_checkpoint": "serialization",
          "load_param_into_net": "serialization"}


def __getattr__(name):
    if name in _SUBMODULES:
        value = importlib.import_module("." + name, __name__)
    elif name in _NAMES:
        value = getattr(importlib.import_module("." + _NAMES[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
