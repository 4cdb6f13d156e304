"""Peak memory of a training run: msnn against the same model in plain torch, each in its own process.

Runs: LeNet-5 (b64, Momentum) and ResNet-small (b32, BatchNorm, Momentum) from bench/models.py --
msnn ``TrainOneStepCell``, msnn ``TrainOneStepWithLossScaleCell`` (dynamic loss scale), plain torch,
plain torch with ``torch.amp.GradScaler`` (the loss-scale path's counterpart). Each run is a fresh
interpreter that builds the model, records its resident set size (RSS), trains ``--steps`` steps and
reports the peak RSS (``resource.getrusage(...).ru_maxrss``) and the growth over the RSS after setup
(what training adds: activations, gradients, optimizer state, allocator caching). RSS moves in
pages and with the allocator, so ``--repeats`` runs each give the median. msnn runs in
PYNATIVE_MODE; ``msnn-graph`` is GRAPH_MODE (0.1's default: torch.compile after a few calls, whose
compiler and generated code take their own memory).

    python bench/memory.py [--steps 30] [--repeats 3] [--only lenet,resnet]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = r'''
import json, resource, sys
sys.path.insert(0, {bench!r})
import torch
torch.set_num_threads(1)
import models
import msnn as nn
from msnn import context

model, side, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (resource.getpagesize() // 1024)


torch.manual_seed(0)
if model == "lenet":
    x, y = torch.randn(64, 1, 32, 32), torch.randint(0, 10, (64,))
    mn_factory, tn_factory = models.MsLeNet, models.torch_lenet
else:
    x, y = torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,))
    mn_factory, tn_factory = models.MsResNetSmall, models.torch_resnet_small
if side.startswith("msnn"):
    context.set_context(mode=context.GRAPH_MODE if side == "msnn-graph" else context.PYNATIVE_MODE)
    net = mn_factory()
    opt = nn.Momentum(net.trainable_params(), 0.01, 0.9)
    loss_net = nn.WithLossCell(net, nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction="mean"))
    if side == "msnn-loss-scale":
        step = nn.TrainOneStepWithLossScaleCell(loss_net, opt, nn.DynamicLossScaleUpdateCell(2.0 ** 10, 2, 1000))
    else:
        step = nn.TrainOneStepCell(loss_net, opt)
    step.set_train()
    args = (x, y.int())
    run = lambda: step(*args)
    params = list(net.trainable_params())
else:
    net = tn_factory()
    net.train()
    opt = torch.optim.SGD(net.parameters(), 0.01, momentum=0.9, foreach=True)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0 ** 10) if side == "torch-grad-scaler" else None

    def run():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(x), y)
        if scaler is None:
            loss.backward()
            opt.step()
        else:
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        return loss.detach()
    params = list(net.parameters())
setup = rss_kb()
for _ in range(steps):
    run()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"peak_kb": peak, "setup_kb": setup,
                   "param_bytes": sum(p.numel() * p.element_size() for p in params)}}))
'''

SIDES = ("torch", "msnn", "torch-grad-scaler", "msnn-loss-scale", "msnn-graph")


def child(model, side, steps):
    code = CHILD.format(bench=os.path.join(ROOT, "bench"))
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-c", code, model, side, str(steps)], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=False)
    if res.returncode != 0:
        raise RuntimeError(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="lenet,resnet")
    args = parser.parse_args()
    print(f"peak RSS (MiB), its growth over the RSS after setup (MiB), parameter bytes (KiB); "
          f"median of {args.repeats} processes, {args.steps} steps each")
    print(f"{'model':8s} {'side':18s} {'peak RSS':>9s} {'growth':>8s} {'params':>8s}")
    for model in args.only.split(","):
        for side in SIDES:
            runs = [child(model, side, args.steps) for _ in range(args.repeats)]
            peak = statistics.median(r["peak_kb"] for r in runs) / 1024
            growth = statistics.median(r["peak_kb"] - r["setup_kb"] for r in runs) / 1024
            print(f"{model:8s} {side:18s} {peak:9.1f} {growth:8.1f} {runs[0]['param_bytes'] / 1024:8.1f}",
                  flush=True)


if __name__ == "__main__":
    main()
