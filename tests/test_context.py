import warnings

import pytest
import torch

import msnn
from msnn import _validator as V
from msnn import context


def test_set_context_defaults_are_0_1s():
    fresh = context._defaults()  # pylint: disable=protected-access
    assert fresh["device_target"] == "Ascend" and fresh["mode"] == context.GRAPH_MODE
    assert fresh["enable_loop_sink"] is False and fresh["enable_task_sink"] is True
    assert fresh["enable_hccl"] is False and fresh["save_ms_model_path"] == "./model.ms"
    assert fresh["graph_memory_max_size"] == "0" and fresh["reserve_class_name_in_scope"] is True
    assert len(fresh) == 22


def test_set_context_accepts_every_0_1_keyword():
    context.set_context(enable_hccl=True, enable_loop_sink=True, enable_task_sink=False,
                        enable_ir_fusion=False, enable_mem_reuse=False, enable_gpu_summary=False,
                        enable_auto_mixed_precision=False, enable_reduce_precision=False,
                        enable_dynamic_memory=True, graph_memory_max_size="25GB",
                        variable_memory_max_size="0.5GB", save_graphs_path="/tmp", save_dump_path="/tmp",
                        save_ms_model_path="/tmp/m.ms", reserve_class_name_in_scope=False)
    assert context.get_context("enable_hccl") is True and context.get_context("graph_memory_max_size") == "25GB"
    context.set_context(enable_hccl=None)  # None is accepted and changes nothing, as in 0.1
    assert context.get_context("enable_hccl") is True
    context.set_context(**{k: d for k, d in context._defaults().items()  # pylint: disable=protected-access
                           if k not in ("device_target", "device_id", "graph_memory_max_size",
                                        "variable_memory_max_size")})


def test_set_context_errors():
    with pytest.raises(ValueError, match="For 'set_context', the 'key'"):
        context.set_context(no_such_key=1)
    with pytest.raises(ValueError, match="device_target"):
        context.set_context(device_target="TPU")
    with pytest.raises(TypeError, match="For 'set_context', the 'enable_hccl' must be of type bool, but got 1"):
        context.set_context(enable_hccl=1)
    with pytest.raises(ValueError, match="device_id"):
        context.set_context(device_id=4096)
    with pytest.raises(RuntimeError, match="mode"):
        context.set_context(mode=2)
    with pytest.raises(ValueError, match="graph_memory_max_size"):
        context.set_context(graph_memory_max_size="26G")
    with pytest.raises(ValueError):
        context.get_context("nope")
    # a failed call changes nothing
    assert context.get_context("device_id") == 0


def test_set_context_no_effect_switches_warn():
    for key in ("save_graphs", "enable_dump", "precompile_only", "save_ms_model"):
        V._warned.discard(("set_context", key))  # pylint: disable=protected-access
        with pytest.warns(V.UnsupportedWarning, match=f"'{key}'=True has no effect in msnn"):
            context.set_context(**{key: True})
        assert context.get_context(key) is True
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            context.set_context(**{key: False})


def test_get_context_reads_what_set_context_wrote():
    context.set_context(mode=context.PYNATIVE_MODE, device_target="CPU")
    assert context.get_context("mode") == 1 and context.device() == torch.device("cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # no CUDA here: the one clear warning
        context.set_context(device_target="Davinci")  # 0.1's alias of Ascend
    assert context.get_context("device_target") == "Ascend"


@pytest.mark.parametrize("target", ["GPU", "Ascend"])
def test_set_context_gpu_and_ascend_targets(target):
    if torch.cuda.is_available():
        context.set_context(device_target=target, device_id=0)
        assert context.device() == torch.device("cuda", 0)
        assert msnn.Tensor([1.0]).device.type == "cuda"
    else:
        with pytest.warns(RuntimeWarning, match="CUDA is not available; running on the CPU"):
            context.set_context(device_target=target)
        assert context.device() == torch.device("cpu")
        assert msnn.Tensor([1.0]).device.type == "cpu"


def test_set_auto_parallel_context_values_and_errors():
    assert context.get_auto_parallel_context("parallel_mode") == "stand_alone"
    context.set_auto_parallel_context(device_num=8, global_rank=3, mirror_mean=True,
                                      cast_before_mirror=False, parallel_mode="data_parallel",
                                      parameter_broadcast=True)
    assert [context.get_auto_parallel_context(k) for k in ("device_num", "global_rank", "mirror_mean")] == [8, 3, True]
    with pytest.raises(TypeError, match="device_num"):
        context.set_auto_parallel_context(device_num="8")
    with pytest.raises(ValueError, match="device_num"):
        context.set_auto_parallel_context(device_num=0)
    with pytest.raises(ValueError, match="parallel_mode"):
        context.set_auto_parallel_context(parallel_mode="model_parallel")
    with pytest.raises(NotImplementedError, match="semi_auto_parallel"):
        context.set_auto_parallel_context(parallel_mode="semi_auto_parallel")
    with pytest.raises(ValueError, match="attr_key"):
        context.get_auto_parallel_context("nope")


def test_get_auto_parallel_context_after_reset():
    context.set_auto_parallel_context(device_num=4)
    context.reset_auto_parallel_context()
    assert context.get_auto_parallel_context("device_num") == 1
    assert context.get_auto_parallel_context("cast_before_mirror") is True


def test_reset_auto_parallel_context_restores_0_1_defaults():
    context.set_auto_parallel_context(mirror_mean=True, parameter_broadcast=True)
    context.reset_auto_parallel_context()
    assert context.get_auto_parallel_context("mirror_mean") is False
    assert context.get_auto_parallel_context("parameter_broadcast") is False
