"""Collective primitives: single-process results, argument checks, and a 2-process gloo run
(torch.distributed) checking values and 0.1's bprop (grad_comm_ops.py)."""
import os
import tempfile

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp

import msnn
from msnn.ops import operations as P
from msnn.ops.operations.comm_ops import (ReduceOp, _AlltoAll, _MirrorOperator, _VirtualDiv,
                                          _VirtualDataset, _GetTensorSlice)


def test_ReduceOp_values():
    assert (ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PROD) == ("sum", "max", "min", "prod")
    assert P.ReduceOp is ReduceOp


def test_AllReduce_single_process_is_identity_with_grad():
    x = torch.ones(2, 8, requires_grad=True)
    out = P.AllReduce(ReduceOp.SUM, group="nccl_world_group")(x)
    assert out is x
    assert P.AllReduce(ReduceOp.MAX).group == "hccl_world_group" and P.AllReduce().fusion == 0


def test_AllReduce_errors():
    with pytest.raises(TypeError, match="For 'AllReduce', the 'op' must be a str"):
        P.AllReduce(op=1)
    with pytest.raises(RuntimeError, match="ReduceOp.PROD is not supported"):
        P.AllReduce(ReduceOp.PROD)
    with pytest.raises(TypeError, match="For 'AllReduce', the 'group' must be a str"):
        P.AllReduce(group=0)
    with pytest.raises(TypeError, match="For 'AllReduce', the 'input_x' must be a Tensor of a number dtype, but got dtype Bool"):
        P.AllReduce()(torch.ones(2, dtype=torch.bool))
    with pytest.raises(TypeError, match="the 'input_x' must be a Tensor"):
        P.AllReduce()([1.0])


def test_AllGather_single_process():
    op = P.AllGather()
    assert (op.rank, op.rank_size) == (0, 1)
    x = msnn.Tensor(np.ones([2, 8]), msnn.float32)
    assert op(x) is x and op.infer_shape([2, 8]) == [2, 8]
    with pytest.raises(TypeError, match="For 'AllGather', the 'group' must be a str"):
        P.AllGather(group=None)


def test_ReduceScatter_single_process():
    x = msnn.Tensor(np.ones([2, 8]), msnn.float32)
    assert P.ReduceScatter(ReduceOp.MAX)(x) is x
    with pytest.raises(TypeError, match="For 'ReduceScatter', the 'op' must be a str"):
        P.ReduceScatter(op=None)
    with pytest.raises(ValueError, match="For 'ReduceScatter', the 'input_x' must be a Tensor whose dimension 0 is divisible"):
        P.ReduceScatter()(torch.tensor(1.0))


def test_Broadcast_single_process_and_errors():
    x = torch.ones(2, 8)
    out = P.Broadcast(1)((x,))
    assert isinstance(out, tuple) and out[0] is x
    assert P.Broadcast(0)(x) is x
    with pytest.raises(TypeError, match="For 'Broadcast', the 'root_rank' must be an int, but got 1.0"):
        P.Broadcast(1.0)
    with pytest.raises(TypeError, match="For 'Broadcast', the 'input_x\\[0\\]' must be a Tensor"):
        P.Broadcast(0)(([1.0],))


def test__AlltoAll_single_process():
    x = torch.arange(8.).reshape(2, 4)
    assert _AlltoAll(1, 0, 1)(x) is x
    assert _AlltoAll(2, 1, 0).infer_shape([2, 4]) == [4, 2]
    with pytest.raises(TypeError, match="For '_AlltoAll', the 'split_count' must be an int"):
        _AlltoAll("2", 0, 1)


def test__MirrorOperator_backward_mean():
    x = torch.ones(3, requires_grad=True)
    (_MirrorOperator(dev_num=4, mean_flag=True)(x) * torch.tensor([1., 2., 3.])).sum().backward()
    assert x.grad.tolist() == [0.25, 0.5, 0.75]
    y = torch.ones(2, requires_grad=True)
    _MirrorOperator()(y).sum().backward()
    assert y.grad.tolist() == [1.0, 1.0]


def test__VirtualDiv_backward_divides():
    x = torch.ones(2, requires_grad=True)
    (_VirtualDiv(4.0)(x) * 2).sum().backward()
    assert x.grad.tolist() == [0.5, 0.5]


def test__VirtualDataset_identity():
    a, b = torch.ones(1), torch.zeros(1)
    assert _VirtualDataset()(a) is a and _VirtualDataset()(a, b) == (a, b)


def test__GetTensorSlice_single_device_and_formula():
    x = torch.arange(32.).reshape(4, 8)
    assert torch.equal(_GetTensorSlice()(x, (1,), (0, -1)), x)
    from msnn.ops.operations.comm_ops import _tensor_slice  # pylint: disable=import-outside-toplevel
    # dev_mat (2, 4), tensor_map (1, 0): dim 0 split by dev_mat[0]=2, dim 1 by dev_mat[1]=4;
    # rank 6 has coordinate (1, 2): rows 2..4, columns 4..6
    assert torch.equal(_tensor_slice(x, (2, 4), (1, 0), 6), x[2:4, 4:6])
    assert torch.equal(_tensor_slice(x, (2, 4), (-1, 1), 5), x[:, 4:8])
    with pytest.raises(ValueError, match="For '_GetTensorSlice', the 'dev_mat' must be a tuple"):
        _GetTensorSlice()(x, [1], (0, -1))


def _worker(rank, init_file, results):
    try:
        torch.distributed.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=2)
        out = {}
        x = torch.tensor([1.0 + rank, 5.0 - 3 * rank], requires_grad=True)  # rank0 [1, 5], rank1 [2, 2]
        y = P.AllReduce(ReduceOp.SUM)(x)
        (y * torch.tensor([1.0, 2.0 + rank])).sum().backward()
        out["sum"], out["sum_grad"] = y.tolist(), x.grad.tolist()
        x.grad = None
        m = P.AllReduce(ReduceOp.MAX)(x)
        (m * torch.tensor([1.0, 1.0])).sum().backward()
        out["max"], out["max_grad"] = m.tolist(), x.grad.tolist()
        g = torch.full((1, 2), float(rank), requires_grad=True)
        ag = P.AllGather()(g)
        (ag * torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        out["gather"], out["gather_grad"] = ag.tolist(), g.grad.tolist()
        r = P.ReduceScatter()(torch.tensor([[1.0 + rank], [10.0 * (rank + 1)]]))
        out["scatter"] = r.tolist()
        b = torch.tensor([float(rank + 7)], requires_grad=True)
        (bo,) = P.Broadcast(1)((b,))
        (bo * 3).sum().backward()
        out["bcast"], out["bcast_grad"] = bo.tolist(), b.grad.tolist()
        results.put((rank, out))
        torch.distributed.destroy_process_group()
    except Exception as err:  # pylint: disable=broad-except
        results.put((rank, repr(err)))


def test_AllReduce_AllGather_ReduceScatter_Broadcast_two_processes():
    if not torch.distributed.is_available() or "fork" not in mp.get_all_start_methods():
        pytest.skip("needs torch.distributed and the fork start method")
    ctx = mp.get_context("fork")  # fork: the children reuse the imported torch/msnn (fast)
    with tempfile.TemporaryDirectory() as tmp:
        queue = ctx.Queue()
        procs = [ctx.Process(target=_worker, args=(rank, os.path.join(tmp, "init"), queue)) for rank in range(2)]
        for p in procs:
            p.start()
        results = dict(queue.get(timeout=120) for _ in range(2))
        for p in procs:
            p.join(60)
        r0, r1 = results[0], results[1]
    assert isinstance(r0, dict) and isinstance(r1, dict), (r0, r1)
    assert r0["sum"] == r1["sum"] == [3.0, 7.0]
    # 0.1's bprop: AllReduce(SUM) of dout -> [1+1, 2+3]
    assert r0["sum_grad"] == r1["sum_grad"] == [2.0, 5.0]
    assert r0["max"] == [2.0, 5.0]
    # MAX: AllReduce(SUM)(dout) * (x == out): rank0 x=[1,5] keeps dim 1, rank1 x=[2,2] dim 0
    assert r0["max_grad"] == [0.0, 2.0] and r1["max_grad"] == [2.0, 0.0]
    assert r0["gather"] == [[0.0, 0.0], [1.0, 1.0]]
    # AllGather bprop: ReduceScatter(SUM)(dout): each rank's dout is the same -> 2 * its rows
    assert r0["gather_grad"] == [[2.0, 4.0]] and r1["gather_grad"] == [[6.0, 8.0]]
    assert r0["scatter"] == [[3.0]] and r1["scatter"] == [[30.0]]
    assert r0["bcast"] == r1["bcast"] == [8.0]
    assert r0["bcast_grad"] == r1["bcast_grad"] == [3.0]  # 0.1's bprop: dout on every rank


def test_AllReduce_after_management_init_single_process():
    from msnn.communication import management  # pylint: disable=import-outside-toplevel
    management.init("nccl")
    try:
        x = torch.ones(3)
        assert P.AllReduce()(x) is x  # one rank: the one-rank sum
        op = P.AllGather(group="hccl_world_group")
        assert (op.rank, op.rank_size) == (0, 1) and op.group == "nccl_world_group"  # 0.1's get_group
        with pytest.raises(ValueError, match="the world group or a group made by create_group"):
            P.AllReduce(group="no_such_group")(x)
    finally:
        management.release()
