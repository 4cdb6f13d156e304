"""``mindspore.train.parallel_utils``: the parallel mode names (``Model`` reads the mode, device
number and rank from :mod:`msnn.parallel._utils`, as 0.1's did)."""
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
