import pytest

from msnn import context
from msnn import _validator as V
from msnn.parallel import _utils
from msnn.parallel._auto_parallel_context import auto_parallel_context, _AutoParallelContext


def test_auto_parallel_context_is_one_object_sharing_msnn_context_state():
    ctx = auto_parallel_context()
    assert ctx is auto_parallel_context() and isinstance(ctx, _AutoParallelContext)
    context.set_auto_parallel_context(device_num=4)
    assert ctx.get_device_num() == 4 and ctx.get_device_num_is_set() is True
    ctx.set_global_rank(2)
    assert context.get_auto_parallel_context("global_rank") == 2 and ctx.get_global_rank_is_set()
    ctx.reset()
    assert ctx.get_device_num() == 1 and not ctx.get_device_num_is_set()


def test__AutoParallelContext_setters_and_checks():
    ctx = auto_parallel_context()
    ctx.set_mirror_mean(True)
    ctx.set_cast_before_mirror(False)
    ctx.set_parallel_mode("data_parallel")
    assert (ctx.get_mirror_mean(), ctx.get_cast_before_mirror(), ctx.get_parallel_mode()) == (True, False, "data_parallel")
    with pytest.raises(TypeError, match="mirror_mean"):
        ctx.set_mirror_mean(1)
    with pytest.raises(TypeError, match="indices"):
        ctx.set_all_reduce_fusion_split_indices([1.5])
    V._warned.discard(("_AutoParallelContext", "all_reduce_fusion_split_indices"))  # pylint: disable=protected-access
    with pytest.warns(V.UnsupportedWarning, match="all_reduce_fusion_split_indices"):
        ctx.set_all_reduce_fusion_split_indices([140])
    assert ctx.get_all_reduce_fusion_split_indices() == [140]
    ctx.set_communication_backend("nccl")
    assert ctx.get_communication_backend() == "nccl"


def test__AutoParallelContext_parameter_broadcast_rule():
    assert _utils._get_parameter_broadcast() is False               # stand_alone
    context.set_auto_parallel_context(parallel_mode="data_parallel")
    assert _utils._get_parameter_broadcast() is True                # data_parallel default (0.1)
    assert _utils._get_device_num() == 1 and _utils._get_global_rank() == 0
    auto_parallel_context().set_parameter_broadcast(False)
    assert _utils._get_parameter_broadcast() is False and auto_parallel_context().get_parameter_broadcast_is_set()
