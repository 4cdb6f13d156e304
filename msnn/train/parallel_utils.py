"""``mindspore.train.parallel_utils``: the parallel mode names, and where ``Model`` reads them.

msnn runs data parallelism on ``torch.distributed``. The mode, device number and rank come from
``msnn.context``'s auto-parallel context when it has one, else from the process group (a group of
world size > 1 is data parallel), else stand-alone.
"""
from .._api import ms_api

__all__ = ["ParallelMode"]


@ms_api("mindspore.train.parallel_utils.ParallelMode", torch="strings (torch.distributed has no mode enum)")
class ParallelMode:
    """Parallel mode options: the strings ``context.set_auto_parallel_context(parallel_mode=...)``
    takes.

    - STAND_ALONE (``"stand_alone"``): one processor.
    - DATA_PARALLEL (``"data_parallel"``): data distributed across processors.
    - HYBRID_PARALLEL (``"hybrid_parallel"``): data and model parallelism set up by hand.
    - SEMI_AUTO_PARALLEL (``"semi_auto_parallel"``): parallel strategies set on operators.
    - AUTO_PARALLEL (``"auto_parallel"``): found automatically.

    ``MODE_LIST`` lists the five, in that order.

    Examples:
        >>> from msnn.train import ParallelMode
        >>> ParallelMode.DATA_PARALLEL, len(ParallelMode.MODE_LIST)
        ('data_parallel', 5)
    """

    STAND_ALONE = "stand_alone"
    DATA_PARALLEL = "data_parallel"
    HYBRID_PARALLEL = "hybrid_parallel"
    SEMI_AUTO_PARALLEL = "semi_auto_parallel"
    AUTO_PARALLEL = "auto_parallel"
    MODE_LIST = [STAND_ALONE, DATA_PARALLEL, HYBRID_PARALLEL, SEMI_AUTO_PARALLEL, AUTO_PARALLEL]


def _auto_parallel(key):
    """A key of msnn.context's auto-parallel context, or None where there is none."""
    from .. import context  # pylint: disable=import-outside-toplevel
    getter = getattr(context, "get_auto_parallel_context", None)
    if getter is None:
        return None
    try:
        return getter(key)
    except (ValueError, KeyError, TypeError):
        return None


def _world():
    import torch.distributed as dist  # pylint: disable=import-outside-toplevel
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size(), dist.get_rank()
    return 1, 0


def _get_parallel_mode():
    """The parallel mode string (context first, then the torch process group)."""
    mode = _auto_parallel("parallel_mode")
    if mode:
        return mode
    return ParallelMode.DATA_PARALLEL if _world()[0] > 1 else ParallelMode.STAND_ALONE


def _get_device_num():
    """1 when stand-alone, else the processes that really share the work (the torch world size).

    0.1 read the context's ``device_num``; msnn reads the process group, since a process that
    trains alone must not divide its loss scale by devices that do not exist.
    """
    if _get_parallel_mode() == ParallelMode.STAND_ALONE:
        return 1
    return _world()[0]


def _get_global_rank():
    """0 when stand-alone, else the process rank."""
    if _get_parallel_mode() == ParallelMode.STAND_ALONE:
        return 0
    return _world()[1]


def _get_parameter_broadcast():
    """0.1's default: broadcast in data/hybrid parallel mode unless the context says otherwise."""
    mode = _get_parallel_mode()
    if mode == ParallelMode.STAND_ALONE:
        return False
    value = _auto_parallel("parameter_broadcast")
    if isinstance(value, bool):
        return value
    return mode in (ParallelMode.DATA_PARALLEL, ParallelMode.HYBRID_PARALLEL)
