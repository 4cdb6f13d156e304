"""Data-parallel scaling from 1 to 2 processes on the CPU (gloo): msnn's gradient reducer against
torch DDP, on the ResNet-small training step of bench/models.py.

Two worker processes (1 torch thread each, batch 32 per process: weak scaling) run, interleaved in
rounds whose order rotates:

- ``1 proc``: rank 0 alone trains its own replica (rank 1 waits in a barrier, idle), as one process
  would: msnn ``TrainOneStepCell`` (no reducer), and the same Cell trained torch-style
  (``loss.backward()``, msnn ``Momentum.step()``);
- ``2 proc, msnn reducer``: ``TrainOneStepCell`` in ``data_parallel`` mode (``DistributedGradReducer``:
  gradients flattened into ~25 MB buckets, all-reduced once backward is done), on both ranks;
- ``2 proc, torch DDP``: the same Cell wrapped in ``torch.nn.parallel.DistributedDataParallel``
  (all-reduce overlapped with backward), ``loss.backward()``, ``Momentum.step()``;
- ``2 proc, no communication``: both ranks train their own replica at the same time, no reducer:
  what the machine gives two processes at all (the ceiling for the two rows above).

Efficiency = (2-proc throughput) / (2 x 1-proc throughput) = (1-proc step time) / (2-proc step
time), per round, against the 1-proc time of the same training path; printed as the median and
quartiles over rounds, with median step times. The machine's load average is printed: on a small
shared CPU two processes compete with everything else, and efficiency falls with the load.

    python bench/distributed.py [--rounds 9] [--iters 5] [--batch 32] [--threads 1] [--watchdog 1800]
"""
import argparse
import faulthandler
import os
import socket
import statistics
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PATHS = ("msnn_1", "plain_1", "msnn_2", "ddp_2", "alone_2")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _models():
    import msnn as nn  # pylint: disable=import-outside-toplevel
    from models import MsResNetSmall  # pylint: disable=import-outside-toplevel
    torch.manual_seed(0)
    net = MsResNetSmall()
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction="mean")
    return nn, net, loss


def _msnn_step(nn, net, loss):
    step = nn.TrainOneStepCell(nn.WithLossCell(net, loss), nn.Momentum(net.trainable_params(), 0.01, 0.9))
    step.set_train()
    return step


def _torch_style_step(nn, net, loss, wrap=None):
    with_loss = nn.WithLossCell(net, loss)
    with_loss.set_train()
    module = wrap(with_loss) if wrap else with_loss
    opt = nn.Momentum(net.trainable_params(), 0.01, 0.9)

    def run(x, y):
        opt.zero_grad(set_to_none=True)
        out = module(x, y)
        out.backward()
        opt.step()
        return out.detach()
    return run


def _timed(fn, x, y, iters):
    start = time.perf_counter()
    for _ in range(iters):
        fn(x, y)
    return time.perf_counter() - start


def _worker(rank, world, port, args, queue):
    faulthandler.dump_traceback_later(args.watchdog, exit=True)  # a stuck worker prints where, and ends
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1",
                      MASTER_PORT=str(port))
    torch.set_num_threads(args.threads)
    nn, net1, loss1 = _models()
    single = {"msnn_1": _msnn_step(nn, net1, loss1)}            # built before init: no reducer
    _, net1b, loss1b = _models()
    single["plain_1"] = _torch_style_step(nn, net1b, loss1b)
    from msnn import context  # pylint: disable=import-outside-toplevel
    from msnn.communication import management  # pylint: disable=import-outside-toplevel
    management.init()
    context.set_auto_parallel_context(parallel_mode="data_parallel", mirror_mean=True)
    _, net2, loss2 = _models()
    reducer = _msnn_step(nn, net2, loss2)
    assert reducer.reducer_flag
    _, net3, loss3 = _models()
    ddp = _torch_style_step(nn, net3, loss3, wrap=torch.nn.parallel.DistributedDataParallel)
    steps = dict(single, msnn_2=reducer, ddp_2=ddp, alone_2=single["msnn_1"])
    gen = torch.Generator().manual_seed(rank)
    x = torch.randn(args.batch, 3, 32, 32, generator=gen)
    y = torch.randint(0, 10, (args.batch,), generator=gen)
    inputs = {name: (x, y.int()) for name in PATHS}

    def phase(name, iters):
        dist.barrier()
        cpu, wall = time.process_time(), time.perf_counter()
        if name.endswith("_1") and rank != 0:
            dist.barrier()                            # rank 1 idles while rank 0 trains alone
            return None, (time.process_time() - cpu) / (time.perf_counter() - wall)
        if name == "alone_2":                        # both ranks' steps done: the slower one counts
            start = time.perf_counter()
            _timed(steps[name], *inputs[name], iters)
            dist.barrier()
            return time.perf_counter() - start, None
        seconds = _timed(steps[name], *inputs[name], iters)
        if name.endswith("_1"):
            dist.barrier()
        return seconds, None

    for name in PATHS:                                # warm-up
        phase(name, 2)
    times = {name: [] for name in PATHS}
    idle_cpu = []
    for r in range(args.rounds):
        order = PATHS[r % len(PATHS):] + PATHS[:r % len(PATHS)]
        for name in order:
            seconds, cpu = phase(name, args.iters)
            if seconds is not None:
                times[name].append(seconds / args.iters)
            elif name == "msnn_1":
                idle_cpu.append(cpu)
    # the replicas trained data-parallel must be identical on both ranks
    same = True
    for params in (reducer.network.trainable_params(), net3.trainable_params()):
        flat = torch.cat([p.detach().reshape(-1) for p in params])
        other = flat.clone()
        dist.broadcast(other, 0)
        same = same and bool(torch.equal(flat, other))
    flags = [None] * world
    dist.all_gather_object(flags, same)
    if rank == 0:
        queue.put((times, all(flags)))
    elif idle_cpu:
        queue.put(("idle", statistics.median(idle_cpu)))
    management.release()


def _q(values):
    q = statistics.quantiles(values, n=4) if len(values) > 1 else (values[0], values[0], values[0])
    return statistics.median(values), q[0], q[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--iters", type=int, default=5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--watchdog", type=int, default=1800, help="seconds before a worker dumps its stack and exits")
    args = parser.parse_args()
    world = 2
    load0 = os.getloadavg()[0]
    ctx = mp.get_context("spawn")
    queue = ctx.SimpleQueue()
    mp.start_processes(_worker, args=(world, _free_port(), args, queue), nprocs=world, join=True,
                       start_method="spawn")
    results = [queue.get(), queue.get()]
    times, same = next(r for r in results if isinstance(r[0], dict))
    idle = next((r[1] for r in results if r[0] == "idle"), float("nan"))
    load1 = os.getloadavg()[0]
    print(f"torch {torch.__version__}, gloo, {world} processes x {args.threads} thread(s), ResNet-small "
          f"batch {args.batch} per process, {args.rounds} interleaved rounds x {args.iters} steps; "
          f"{os.cpu_count()} CPU(s), load average {load0:.1f} -> {load1:.1f}")
    print(f"{'training path':44s} {'1-proc step':>11s} {'2-proc step':>11s} {'efficiency (quartiles)':>24s}")
    for label, one, two in (("msnn TrainOneStepCell + DistributedGradReducer", "msnn_1", "msnn_2"),
                            ("torch DDP (same Cell, Momentum.step())", "plain_1", "ddp_2"),
                            ("2 independent processes, no communication", "msnn_1", "alone_2")):
        eff = [a / b for a, b in zip(times[one], times[two])]
        med, q1, q3 = _q(eff)
        print(f"{label:44s} {statistics.median(times[one]) * 1e3:9.1f}ms {statistics.median(times[two]) * 1e3:9.1f}ms "
              f"{med:10.2f} ({q1:.2f}-{q3:.2f})")
    ratio = [a / b for a, b in zip(times["msnn_2"], times["ddp_2"])]
    med, q1, q3 = _q(ratio)
    print(f"2-proc step time, msnn reducer / torch DDP: {med:.3f} ({q1:.3f}-{q3:.3f})")
    print(f"idle rank's CPU while the other trains alone: {idle:.0%} of a core; "
          f"replicas identical on both ranks after training: {same}")


if __name__ == "__main__":
    main()
