"""``mindspore.parallel._auto_parallel_context``: the object behind ``context.set_auto_parallel_context``.

One state: this object reads and writes the same values as ``msnn.context``'s auto-parallel
functions.
"""
from .._api import ms_api
from .. import _validator as V
from .. import context

__all__ = ["auto_parallel_context"]


@ms_api("mindspore.parallel._auto_parallel_context._AutoParallelContext", torch="torch.distributed",
        unsupported={"all_reduce_fusion_split_indices": "recorded and returned; gradients are "
                     "all-reduced in msnn's own buckets (the split changes speed, never results)"})
class _AutoParallelContext:
    """0.1's auto-parallel context object (``auto_parallel_context()``).

    Examples:
        >>> from msnn.parallel._auto_parallel_context import auto_parallel_context
        >>> ctx = auto_parallel_context()
        >>> ctx.get_parallel_mode(), ctx.get_device_num_is_set()
        ('stand_alone', False)
    """

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    @staticmethod
    def _set(**kwargs):
        context.set_auto_parallel_context(**kwargs)

    def set_device_num(self, device_num):
        self._set(device_num=device_num)

    def get_device_num(self):
        return context.get_auto_parallel_context("device_num")

    def set_global_rank(self, global_rank):
        self._set(global_rank=global_rank)

    def get_global_rank(self):
        return context.get_auto_parallel_context("global_rank")

    def set_mirror_mean(self, mirror_mean):
        self._set(mirror_mean=mirror_mean)

    def get_mirror_mean(self):
        return context.get_auto_parallel_context("mirror_mean")

    def set_cast_before_mirror(self, cast_before_mirror):
        self._set(cast_before_mirror=cast_before_mirror)

    def get_cast_before_mirror(self):
        return context.get_auto_parallel_context("cast_before_mirror")

    def set_parallel_mode(self, parallel_mode):
        self._set(parallel_mode=parallel_mode)

    def get_parallel_mode(self):
        return context.get_auto_parallel_context("parallel_mode")

    def set_parameter_broadcast(self, parameter_broadcast):
        self._set(parameter_broadcast=parameter_broadcast)
        context._parallel_extra["parameter_broadcast_is_set"] = True  # pylint: disable=protected-access

    def get_parameter_broadcast(self):
        return context.get_auto_parallel_context("parameter_broadcast")

    def get_parameter_broadcast_is_set(self):
        return context._parallel_extra.get("parameter_broadcast_is_set", False)  # pylint: disable=protected-access

    def set_communication_backend(self, communication_backend):
        V.check_in(communication_backend, "communication_backend", "set_communication_backend", ("hccl", "nccl"))
        context._parallel_extra["communication_backend"] = communication_backend  # pylint: disable=protected-access

    def get_communication_backend(self):
        return context._parallel_extra.get("communication_backend", "hccl")  # pylint: disable=protected-access

    def set_all_reduce_fusion_split_indices(self, indices):
        """Records gradient all-reduce split indices (TypeError for a non-int item)."""
        V.check_type(indices, "indices", "set_all_reduce_fusion_split_indices", (list, tuple))
        for index in indices:
            V.check_type(index, "indices", "set_all_reduce_fusion_split_indices", int)
        V.check_unsupported(list(indices), "all_reduce_fusion_split_indices", "_AutoParallelContext", [])
        context._parallel_extra["all_reduce_fusion_split_indices"] = list(indices)  # pylint: disable=protected-access

    def get_all_reduce_fusion_split_indices(self):
        return list(context._parallel_extra["all_reduce_fusion_split_indices"])  # pylint: disable=protected-access

    def get_device_num_is_set(self):
        return context._parallel_extra["device_num_is_set"]  # pylint: disable=protected-access

    def get_global_rank_is_set(self):
        return context._parallel_extra["global_rank_is_set"]  # pylint: disable=protected-access

    def reset(self):
        context.reset_auto_parallel_context()


@ms_api("mindspore.parallel._auto_parallel_context.auto_parallel_context")
def auto_parallel_context():
    """The auto-parallel context object (one per process).

    Examples:
        >>> from msnn.parallel._auto_parallel_context import auto_parallel_context
        >>> auto_parallel_context() is auto_parallel_context()
        True
    """
    return _AutoParallelContext()
