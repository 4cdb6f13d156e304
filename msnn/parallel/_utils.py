"""``mindspore.parallel._utils``: what 0.1's training code asks of the parallel context."""
from .. import context

__all__ = ["_get_parallel_mode", "_get_mirror_mean", "_get_device_num", "_get_global_rank",
           "_get_parameter_broadcast"]

_REPLICATED = ("data_parallel", "hybrid_parallel")


def _get_parallel_mode():
    return context.get_auto_parallel_context("parallel_mode")


def _get_mirror_mean():
    return context.get_auto_parallel_context("mirror_mean")


def _get_device_num():
    """1 stand-alone; else the device_num the script set, or the started group's size."""
    if _get_parallel_mode() == "stand_alone":
        return 1
    return context.get_auto_parallel_context("device_num")


def _get_global_rank():
    """0 stand-alone; else the global_rank the script set, or this process's rank."""
    if _get_parallel_mode() == "stand_alone":
        return 0
    return context.get_auto_parallel_context("global_rank")


def _get_parameter_broadcast():
    """Whether initial parameters are broadcast: the set value, else True in data/hybrid parallel."""
    mode = _get_parallel_mode()
    if mode == "stand_alone":
        return False
    if context._parallel_extra.get("parameter_broadcast_is_set"):  # pylint: disable=protected-access
        return context.get_auto_parallel_context("parameter_broadcast")
    return mode in _REPLICATED
