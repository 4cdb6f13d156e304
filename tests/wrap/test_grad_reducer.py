"""DistributedGradReducer on torch.distributed: argument checks, bucketing, and a 2-process gloo run
(torch.multiprocessing spawn) against one process training on the full batch."""
import copy
import os
import socket

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

import msnn
import msnn as nn
from msnn import Parameter, ParameterTuple, Tensor
from msnn.wrap.grad_reducer import _buckets

WORLD = 2
STEPS = 5


class Linear(nn.Cell):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = Parameter(Tensor(np.random.normal(0, 0.5, (n_out, n_in)), msnn.float32), name='weight')
        self.bias = Parameter(Tensor(np.random.normal(0, 0.1, (n_out,)), msnn.float32), name='bias')

    def construct(self, x):
        return F.linear(x, self.weight, self.bias)


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.fc1 = Linear(4, 8)
        self.fc2 = Linear(8, 3)

    def construct(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


class MSE(nn.Cell):
    def construct(self, logits, label):
        return ((logits - label) ** 2).mean()


class SGDStandIn(nn.Cell):
    def __init__(self, params, learning_rate=0.05, momentum=0.9):
        super().__init__(auto_prefix=False)
        self.parameters = ParameterTuple(params)
        self.lr = learning_rate
        self.momentum = momentum
        self.moments = [torch.zeros_like(p) for p in self.parameters]

    def construct(self, gradients):
        with torch.no_grad():
            for p, v, g in zip(self.parameters, self.moments, gradients):
                v.mul_(self.momentum).add_(g)
                p.sub_(self.lr * v)
        return tuple(True for _ in self.parameters)


def _data(step, inject=False):
    rng = np.random.RandomState(50 + step)
    x = rng.normal(size=(16, 4)).astype(np.float32)
    y = rng.normal(size=(16, 3)).astype(np.float32)
    if inject:
        x[12, 1] = np.inf  # lands in rank 1's half only
    return torch.tensor(x), torch.tensor(y)


def _fresh_net():
    np.random.seed(3)
    return Net()


def _train_plain(net, shard):
    train = nn.TrainOneStepCell(nn.WithLossCell(net, MSE()), SGDStandIn(net.trainable_params()))
    losses = []
    for step in range(STEPS):
        x, y = _data(step)
        losses.append(float(train(x[shard], y[shard])))
    return train, losses


def _train_scaled(net, shard):
    manager = nn.DynamicLossScaleUpdateCell(2.0 ** 6, 2, 2)
    train = nn.TrainOneStepWithLossScaleCell(nn.WithLossCell(net, MSE()), SGDStandIn(net.trainable_params()),
                                             manager)
    trace = []
    for step in range(STEPS):
        x, y = _data(step, inject=step == 2)
        _, overflow, scale = train(x[shard], y[shard])
        trace.append((bool(overflow), float(scale)))
    return train, trace


def _flat(net):
    return torch.cat([p.detach().reshape(-1) for p in net.trainable_params()]).numpy()


def _worker(rank, world, port, out_dir):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        shard = slice(rank * 8, rank * 8 + 8)
        net = _fresh_net()
        train, _ = _train_plain(net, shard)
        assert train.reducer_flag and train.grad_reducer.degree == world and train.grad_reducer.mean
        plain = _flat(net)

        net2 = _fresh_net()
        train2, trace = _train_scaled(net2, shard)
        assert train2.reducer_flag
        scaled = _flat(net2)

        # explicit reducer: layerwise_parallel left alone, mean=False sums, several buckets
        params = [Parameter(Tensor(np.zeros(3), msnn.float32), name=f"p{i}") for i in range(4)]
        params[2].layerwise_parallel = True
        grads = tuple(torch.full((3,), float(rank + 1) * (i + 1), dtype=torch.float16 if i == 3 else torch.float32)
                      for i in range(4))
        reducer = nn.DistributedGradReducer(params, mean=False)
        reducer._buckets = _buckets(params, reducer.allreduce_filter, cap=12)  # one tensor per bucket
        summed = reducer(grads)
        mean = nn.DistributedGradReducer(params, degree=4)(grads)
        np.savez(os.path.join(out_dir, f"rank{rank}.npz"), plain=plain, scaled=scaled,
                 trace=np.array(trace, dtype=np.float64),
                 summed=np.stack([g.float().numpy() for g in summed]),
                 summed_dtype3=str(summed[3].dtype),
                 mean=np.stack([g.float().numpy() for g in mean]))
    finally:
        dist.destroy_process_group()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not dist.is_available(), reason="torch.distributed unavailable")
def test_DistributedGradReducer_two_gloo_processes_equal_full_batch(tmp_path):
    mp.spawn(_worker, args=(WORLD, _free_port(), str(tmp_path)), nprocs=WORLD, join=True)
    r0, r1 = (np.load(tmp_path / f"rank{r}.npz") for r in range(WORLD))
    # one process, full batch
    net = _fresh_net()
    _train_plain(net, slice(0, 16))
    net2 = _fresh_net()
    _, trace = _train_scaled(net2, slice(0, 16))
    for key in ("plain", "scaled", "trace"):
        np.testing.assert_array_equal(r0[key], r1[key])  # identical on both ranks
    np.testing.assert_allclose(r0["plain"], _flat(net), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r0["scaled"], _flat(net2), rtol=1e-5, atol=1e-6)
    # the inf in rank 1's half makes both ranks overflow and skip, like the full batch does
    np.testing.assert_array_equal(r0["trace"], np.array(trace, dtype=np.float64))
    assert r0["trace"][2, 0] == 1.0 and r0["trace"][:, 0].sum() == 1.0
    # explicit reducer, grads (rank+1)*(i+1): SUM over ranks, the layerwise_parallel one (i=2) untouched
    np.testing.assert_array_equal(r0["summed"][:, 0], [3.0, 6.0, 3.0, 12.0])
    np.testing.assert_array_equal(r1["summed"][:, 0], [3.0, 6.0, 6.0, 12.0])
    assert str(r0["summed_dtype3"]) == "torch.float16"  # reduced in float32, cast back
    np.testing.assert_array_equal(r0["mean"][:, 0], [0.75, 1.5, 3.0, 3.0])  # x 1/degree (4)
    np.testing.assert_array_equal(r1["mean"][:, 0], [0.75, 1.5, 6.0, 3.0])


def test_DistributedGradReducer_identity_without_process_group():
    """Without a process group the reducer is the identity (even with mean and a degree)."""
    params = [Parameter(Tensor(np.zeros(2), msnn.float32), name="w"),
              Parameter(Tensor(np.zeros(2), msnn.float32), name="b", layerwise_parallel=True)]
    reducer = nn.DistributedGradReducer(params, True, 8)
    grads = (torch.ones(2), torch.full((2,), 2.0))
    out = reducer(grads)
    assert isinstance(out, tuple)
    assert all(torch.equal(o, g) for o, g in zip(out, grads))
    assert reducer.allreduce_filter == (True, False)
    assert reducer.degree == 8 and reducer.mean is True


def test_DistributedGradReducer_defaults():
    reducer = nn.DistributedGradReducer([Parameter(Tensor(np.zeros(2), msnn.float32), name="w")])
    assert reducer.mean is True and reducer.degree == 1  # no process group: world size 1
    assert reducer._auto_prefix is False


@pytest.mark.parametrize("degree", [0, -1, 1.5, "2", True])
def test_DistributedGradReducer_bad_degree_value_error(degree):
    with pytest.raises(ValueError, match="DistributedGradReducer.*degree"):
        nn.DistributedGradReducer([Parameter(Tensor(np.zeros(2), msnn.float32), name="w")], degree=degree)


def test_DistributedGradReducer_buckets_pack_in_order():
    params = [Parameter(Tensor(np.zeros(n), msnn.float32), name=f"p{i}") for i, n in enumerate([3, 3, 10, 1, 1])]
    assert _buckets(params, [True] * 5, cap=32) == ((0, 1), (2,), (3, 4))
    assert _buckets(params, [True, False, True, True, True], cap=48) == ((0,), (2, 3, 4))
    assert _buckets(params, [True] * 5) == ((0, 1, 2, 3, 4),)  # 25 MB default
