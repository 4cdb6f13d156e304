"""What a Cell costs: a 3-layer MLP as msnn Cells against the same network as torch.nn.Module.

Forward + backward, batch 64, interleaved in one process (msnn block, torch block, repeated);
prints the median of the per-round time ratios msnn/torch. Goal: <= 1.02.

    python bench/cell_call.py [--rounds 41] [--iters 200]
"""
import argparse
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

import msnn as nn

SIZES = (784, 512, 256, 10)


class MsLinear(nn.Cell):
    """A hand-written Cell (Cell machinery only)."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(nn.Tensor(np.random.normal(0, 0.01, (n_out, n_in)), nn.float32), name='weight')
        self.bias = nn.Parameter(nn.Tensor(np.zeros(n_out), nn.float32), name='bias')

    def construct(self, x):
        return F.linear(x, self.weight, self.bias)


class MsMLP(nn.Cell):
    def __init__(self, dense):
        super().__init__()
        self.fc1 = dense(SIZES[0], SIZES[1])
        self.fc2 = dense(SIZES[1], SIZES[2])
        self.fc3 = dense(SIZES[2], SIZES[3])
        self.relu = nn.ReLU() if hasattr(nn, "ReLU") else None

    def construct(self, x):
        act = self.relu if self.relu is not None else torch.relu
        return self.fc3(act(self.fc2(act(self.fc1(x)))))


class TorchMLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(SIZES[0], SIZES[1])
        self.fc2 = torch.nn.Linear(SIZES[1], SIZES[2])
        self.fc3 = torch.nn.Linear(SIZES[2], SIZES[3])
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        return self.fc3(self.relu(self.fc2(self.relu(self.fc1(x)))))


def step(net, x):
    out = net(x)
    out.sum().backward()


def timed(net, x, iters):
    start = time.perf_counter()
    for _ in range(iters):
        step(net, x)
    return time.perf_counter() - start


def compare(ms_net, torch_net, ms_x, torch_x, rounds, iters):
    with torch.no_grad():
        for p, q in zip(ms_net.parameters(), torch_net.parameters()):
            q.copy_(p)
    for _ in range(3):
        timed(ms_net, ms_x, iters // 4)
        timed(torch_net, torch_x, iters // 4)
    ratios = []
    for r in range(rounds):
        if r % 2:
            t_ms = timed(ms_net, ms_x, iters)
            t_torch = timed(torch_net, torch_x, iters)
        else:
            t_torch = timed(torch_net, torch_x, iters)
            t_ms = timed(ms_net, ms_x, iters)
        ratios.append(t_ms / t_torch)
    quart = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), (quart[0], quart[2]), t_torch / iters


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=81)
    parser.add_argument("--iters", type=int, default=60)
    args = parser.parse_args()
    torch.set_num_threads(1)
    np.random.seed(0)
    torch_x = torch.randn(64, SIZES[0])
    ms_x = nn.Tensor(torch_x.numpy(), nn.float32)
    print(f"torch {torch.__version__}, 1 thread, batch 64, MLP {SIZES}, forward+backward, "
          f"{args.rounds} interleaved rounds x {args.iters} steps")
    cases = [("hand-written Cells (msnn.Tensor input)", MsLinear, ms_x),
             ("hand-written Cells (torch.Tensor input)", MsLinear, torch_x)]
    if hasattr(nn, "Dense"):
        cases.append(("msnn.Dense + msnn.ReLU (msnn.Tensor input)", nn.Dense, ms_x))
    print(f"{'case':46s} {'median ratio msnn/torch':>24s} {'quartiles':>14s} {'torch step':>11s}")
    ratio, (q1, q3), per_step = compare(TorchMLP(), TorchMLP(), torch_x, torch_x, args.rounds, args.iters)
    print(f"{'noise floor: torch against torch':46s} {ratio:24.3f} {q1:6.3f}-{q3:6.3f} {per_step * 1e6:9.1f}us")
    for label, dense, x in cases:
        ratio, (q1, q3), per_step = compare(MsMLP(dense), TorchMLP(), x, torch_x, args.rounds, args.iters)
        print(f"{label:46s} {ratio:24.3f} {q1:6.3f}-{q3:6.3f} {per_step * 1e6:9.1f}us")


if __name__ == "__main__":
    main()
