"""What Model.train costs: LeNet-5 trained by msnn.train.Model with callbacks against the same
training written as a plain torch loop.

msnn: ``Model(net, SoftmaxCrossEntropyWithLogits, Momentum).train(1, rows, callbacks=[LossMonitor(),
ModelCheckpoint(every N steps, keep 5)], dataset_sink_mode=False)``. torch: ``for data, label``:
forward, cross-entropy, backward, ``SGD(momentum=0.9).step()``, print the loss (``loss.item()``), and
every N steps ``torch.save`` of the model and optimizer state, keeping the newest 5 files. Both print
to a null stream, get the same numpy batches and start from the same weights. One epoch per round,
rounds interleaved in one process (alternating which goes first); prints the median and quartiles
of the per-round time ratios, and a torch-against-torch row for the noise floor. Goal: <= 1.03.
The clock is the process CPU time (every thread's, so work moved to a feeding thread counts;
time spent descheduled on a shared machine does not); ``--clock wall`` for wall time.
msnn runs in PYNATIVE_MODE (eager, as the torch loop; bench/graph.py measures GRAPH_MODE).

    python bench/model.py [--rounds 31] [--steps 60] [--every 20] [--batch 32] [--device cpu|cuda] [--clock cpu|wall]
"""
import argparse
import contextlib
import os
import statistics
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

import msnn as nn
from msnn import context
from msnn.model_zoo.lenet import LeNet5 as MsLeNet5  # 0.1's model zoo LeNet-5 (32x32, 'valid')
from msnn.train import Model
from msnn.train.callback import CheckpointConfig, LossMonitor, ModelCheckpoint


class TorchLeNet5(torch.nn.Module):
    def __init__(self, num_class=10):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5, bias=False)
        self.conv2 = torch.nn.Conv2d(6, 16, 5, bias=False)
        self.fc1 = torch.nn.Linear(16 * 5 * 5, 120)
        self.fc2 = torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, num_class)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class MsRun:
    """One msnn Model and its callbacks; run() trains one epoch."""

    def __init__(self, rows, every, folder, save=True):
        self.net = MsLeNet5()
        loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
        opt = nn.Momentum(self.net.trainable_params(), learning_rate=0.01, momentum=0.9)
        self.model = Model(self.net, loss, opt, metrics={'acc'})
        config = CheckpointConfig(save_checkpoint_steps=every, keep_checkpoint_max=5)
        self.callbacks = [LossMonitor()]
        if save:
            self.callbacks.append(ModelCheckpoint(prefix="lenet", directory=folder, config=config))
        self.rows = rows

    def run(self):
        self.model.train(1, self.rows, callbacks=self.callbacks, dataset_sink_mode=False)


class MsCellsRun:
    """The msnn cells without Model: TrainOneStepCell in a hand-written loop, same printing, and
    save_checkpoint of the training network every N steps (what ModelCheckpoint writes)."""

    def __init__(self, rows, every, folder, device):
        self.net = MsLeNet5()
        loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
        opt = nn.Momentum(self.net.trainable_params(), learning_rate=0.01, momentum=0.9)
        self.step = nn.TrainOneStepCell(nn.WithLossCell(self.net, loss), opt).set_train()
        self.rows, self.every, self.device = rows, every, device
        self.folder = tempfile.mkdtemp(dir=folder)
        self.step_num, self.epoch = 0, 0

    def run(self):
        from msnn.train.serialization import save_checkpoint  # pylint: disable=import-outside-toplevel
        self.epoch += 1
        for i, (data, label) in enumerate(self.rows):
            loss = self.step(torch.from_numpy(data).to(self.device), torch.from_numpy(label).to(self.device))
            self.step_num += 1
            print("epoch: %s step: %s, loss is %s" % (self.epoch, i + 1, loss.item()), flush=True)
            if self.step_num % self.every == 0 or i + 1 == len(self.rows):
                save_checkpoint(self.step, os.path.join(self.folder, f"cells-{self.epoch}_{i + 1}.ckpt"))


class TorchRun:
    """The same training as a hand-written torch loop."""

    def __init__(self, rows, every, folder, init, device, save=True):
        self.net = TorchLeNet5().to(device)
        self.device, self.save = device, save
        with torch.no_grad():
            for q, p in zip(self.net.parameters(), init.parameters()):
                q.copy_(p)
        self.opt = torch.optim.SGD(self.net.parameters(), lr=0.01, momentum=0.9)
        self.rows, self.every = rows, every
        self.folder = tempfile.mkdtemp(dir=folder)
        self.step_num, self.epoch, self.kept = 0, 0, []
        self.net.train()

    def run(self):
        self.epoch += 1
        for i, (data, label) in enumerate(self.rows):
            x, y = torch.from_numpy(data).to(self.device), torch.from_numpy(label).to(self.device).long()
            loss = F.cross_entropy(self.net(x), y)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            self.step_num += 1
            print("epoch: %s step: %s, loss is %s" % (self.epoch, i + 1, loss.item()), flush=True)
            if self.save and (self.step_num % self.every == 0 or i + 1 == len(self.rows)):
                path = os.path.join(self.folder, f"torch-{self.epoch}_{i + 1}.pt")
                torch.save({"model": self.net.state_dict(), "opt": self.opt.state_dict()}, path)
                self.kept.append(path)
                if len(self.kept) > 5:
                    os.remove(self.kept.pop(0))


CLOCK = {"clock": time.process_time}


def timed(run, sink):
    clock = CLOCK["clock"]
    with contextlib.redirect_stdout(sink):
        start = clock()
        run.run()
        return clock() - start


def compare(a, b, rounds, sink):
    for _ in range(2):
        timed(a, sink)
        timed(b, sink)
    ratios = []
    for r in range(rounds):
        if r % 2:
            ta, tb = timed(a, sink), timed(b, sink)
        else:
            tb, ta = timed(b, sink), timed(a, sink)
        ratios.append(ta / tb)
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), q1, q3, tb


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--steps", type=int, default=60, help="steps per epoch (one epoch per round)")
    parser.add_argument("--every", type=int, default=20, help="checkpoint every this many steps")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--clock", default="cpu", choices=("cpu", "wall"),
                        help="process CPU time (all threads; default) or wall time")
    args = parser.parse_args()
    CLOCK["clock"] = time.process_time if args.clock == "cpu" else time.perf_counter
    torch.set_num_threads(1)
    context.set_context(device_target="GPU" if args.device == "cuda" else "CPU", mode=context.PYNATIVE_MODE)
    rng = np.random.RandomState(0)
    rows = [(rng.normal(0, 1, (args.batch, 1, 32, 32)).astype(np.float32),
             rng.randint(0, 10, (args.batch,)).astype(np.int32)) for _ in range(args.steps)]
    print(f"torch {torch.__version__}, {args.device}, 1 thread, LeNet-5, batch {args.batch}, {args.steps} steps per epoch, "
          f"LossMonitor every step + checkpoint every {args.every} steps (keep 5), {args.rounds} interleaved rounds")
    print(f"{'case':44s} {'median ratio':>13s} {'quartiles':>14s} {'torch step':>11s}")
    with tempfile.TemporaryDirectory() as folder, open(os.devnull, "w", encoding="utf-8") as sink:
        init = MsLeNet5()
        t1, t2 = (TorchRun(rows, args.every, folder, init, args.device) for _ in range(2))
        ratio, q1, q3, tb = compare(t1, t2, args.rounds, sink)
        print(f"{'noise floor: torch loop against torch loop':44s} {ratio:13.3f} {q1:6.3f}-{q3:6.3f} "
              f"{tb / args.steps * 1e3:9.2f}ms")
        cases = []
        ms = MsRun(rows, args.every, folder)
        cases.append(("Model.train + LossMonitor + ModelCheckpoint", ms,
                      TorchRun(rows, args.every, folder, ms.net, args.device)))
        ms = MsRun(rows, args.every, folder, save=False)
        cases.append(("Model.train + LossMonitor (no checkpoints)", ms,
                      TorchRun(rows, args.every, folder, ms.net, args.device, save=False)))
        cells = MsCellsRun(rows, args.every, folder, args.device)
        cases.append(("msnn cells in a hand loop (no Model)", cells,
                      TorchRun(rows, args.every, folder, cells.net, args.device)))
        for label, a, b in cases:
            ratio, q1, q3, tb = compare(a, b, args.rounds, sink)
            print(f"{label:44s} {ratio:13.3f} {q1:6.3f}-{q3:6.3f} {tb / args.steps * 1e3:9.2f}ms")

if __name__ == "__main__":
    main()
