"""LeNet-5 training step: msnn (PyNative = eager, GRAPH_MODE = torch.compile) and plain torch against
real MindSpore 2.10 (CPU build) in its PYNATIVE and GRAPH modes, at batch 32 and 256.

MindSpore runs in a subprocess with the oracle interpreter (``--ms-python``, default: the one
``shared/tools/oracle-env.sh`` installs, /root/.cache/msnn-oracle/bin/python); its side is written
against the 2.10 API with every argument explicit. Without that interpreter its rows are skipped
with a message. Each side runs ``--warmup`` steps (GRAPH compiles there), then ``--steps`` timed
steps, ``--repeats`` times; a row prints the median ms per step and the range over the repeats,
and the ratio to plain torch. Same network on every side: LeNet-5 (32x32x1 input, 'valid'
convolutions without bias, Dense layers with bias), sparse softmax cross-entropy, Momentum(0.01,
0.9), random data, 1 CPU thread where the framework lets us set it.

    python bench/vs_mindspore.py [--batches 32,256] [--steps 20] [--repeats 3] [--ms-python PATH]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import models  # noqa: E402  pylint: disable=wrong-import-position  (the same LeNet-5 as bench/models.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORACLE = "/root/.cache/msnn-oracle/bin/python"

MS_SIDE = r'''
import json, sys, time
import numpy as np
import mindspore as ms
from mindspore import nn, Tensor

mode_name, batch, warmup, steps, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ms.set_context(mode=ms.GRAPH_MODE if mode_name == "GRAPH" else ms.PYNATIVE_MODE, device_target="CPU")
try:
    ms.set_context(runtime_num_threads=1)
except Exception:  # older builds: no such key
    pass


class LeNet5(nn.Cell):
    def __init__(self):
        super().__init__(auto_prefix=True)
        self.conv1 = nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5, stride=1, pad_mode="valid",
                               padding=0, dilation=1, group=1, has_bias=False, weight_init="normal")
        self.conv2 = nn.Conv2d(in_channels=6, out_channels=16, kernel_size=5, stride=1, pad_mode="valid",
                               padding=0, dilation=1, group=1, has_bias=False, weight_init="normal")
        self.fc1 = nn.Dense(in_channels=400, out_channels=120, weight_init="normal", bias_init="zeros",
                            has_bias=True, activation=None)
        self.fc2 = nn.Dense(in_channels=120, out_channels=84, weight_init="normal", bias_init="zeros",
                            has_bias=True, activation=None)
        self.fc3 = nn.Dense(in_channels=84, out_channels=10, weight_init="normal", bias_init="zeros",
                            has_bias=True, activation=None)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2, pad_mode="valid", data_format="NCHW")
        self.flatten = nn.Flatten(start_dim=1, end_dim=-1)

    def construct(self, x):
        x = self.pool(self.relu(self.conv1(x)))
        x = self.pool(self.relu(self.conv2(x)))
        x = self.flatten(x)
        return self.fc3(self.relu(self.fc2(self.relu(self.fc1(x)))))


net = LeNet5()
loss_fn = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")
opt = nn.Momentum(params=net.trainable_params(), learning_rate=0.01, momentum=0.9, weight_decay=0.0,
                  loss_scale=1.0, use_nesterov=False)
step = nn.TrainOneStepCell(network=nn.WithLossCell(backbone=net, loss_fn=loss_fn), optimizer=opt, sens=1.0)
step.set_train(mode=True)
rng = np.random.default_rng(0)
x = Tensor(rng.standard_normal((batch, 1, 32, 32)).astype(np.float32), dtype=ms.float32)
y = Tensor(rng.integers(0, 10, (batch,)).astype(np.int32), dtype=ms.int32)
for _ in range(warmup):
    step(x, y).asnumpy()
per_step = []
for _ in range(repeats):
    start = time.perf_counter()
    for _ in range(steps):
        loss = step(x, y)
    loss.asnumpy()
    per_step.append((time.perf_counter() - start) / steps)
print(json.dumps(per_step))
'''


def msnn_side(mode, batch, warmup, steps, repeats):
    import numpy as np  # pylint: disable=import-outside-toplevel
    import msnn as nn  # pylint: disable=import-outside-toplevel
    from msnn import context  # pylint: disable=import-outside-toplevel
    context.set_context(mode=context.GRAPH_MODE if mode == "GRAPH" else context.PYNATIVE_MODE, device_target="CPU")
    try:
        net = models.MsLeNet()
        loss_fn = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction="mean")
        opt = nn.Momentum(net.trainable_params(), 0.01, 0.9)
        step = nn.TrainOneStepCell(nn.WithLossCell(net, loss_fn), opt)
        step.set_train()
        rng = np.random.default_rng(0)
        x = nn.Tensor(rng.standard_normal((batch, 1, 32, 32)).astype(np.float32))
        y = nn.Tensor(rng.integers(0, 10, (batch,)).astype(np.int32))
        return _time(lambda: step(x, y), warmup * (3 if mode == "GRAPH" else 1), steps, repeats)
    finally:
        context.set_context(mode=context.PYNATIVE_MODE)


def torch_side(batch, warmup, steps, repeats):
    import torch  # pylint: disable=import-outside-toplevel
    net = models.torch_lenet()
    opt = torch.optim.SGD(net.parameters(), 0.01, momentum=0.9, foreach=True)
    x, y = torch.randn(batch, 1, 32, 32), torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss.detach()
    return _time(step, warmup, steps, repeats)


def _time(step, warmup, steps, repeats):
    for _ in range(warmup):
        float(step())
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            loss = step()
        float(loss)
        out.append((time.perf_counter() - start) / steps)
    return out


def mindspore_side(python, mode, batch, warmup, steps, repeats):
    # GRAPH mode reads the network's source: the script must be a file
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "ms_lenet.py")
        with open(script, "w", encoding="utf-8") as f:
            f.write(MS_SIDE)
        return _run_ms(python, script, mode, batch, warmup, steps, repeats)


def _run_ms(python, script, mode, batch, warmup, steps, repeats):
    res = subprocess.run([python, script, mode, str(batch), str(warmup), str(steps), str(repeats)],
                         capture_output=True, text=True, check=False, env=dict(os.environ, OMP_NUM_THREADS="1"))
    if res.returncode != 0:
        print(f"  MindSpore {mode} b{batch} failed: {res.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", default="32,256")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--ms-python", default=ORACLE)
    args = parser.parse_args()
    import torch  # pylint: disable=import-outside-toplevel
    torch.set_num_threads(args.threads)
    have_ms = os.path.exists(args.ms_python)
    if not have_ms:
        print(f"MindSpore rows skipped: no interpreter at {args.ms_python} (run shared/tools/oracle-env.sh "
              "or pass --ms-python)")
    print(f"LeNet-5 train step, ms per step: median over {args.repeats} repeats of {args.steps} steps "
          f"(range), ratio to plain torch; torch {torch.__version__}, {args.threads} thread(s)")
    for batch in map(int, args.batches.split(",")):
        rows = [("plain torch (eager)", torch_side(batch, args.warmup, args.steps, args.repeats)),
                ("msnn PYNATIVE (eager)", msnn_side("PYNATIVE", batch, args.warmup, args.steps, args.repeats)),
                ("msnn GRAPH (torch.compile)", msnn_side("GRAPH", batch, args.warmup, args.steps, args.repeats))]
        if have_ms:
            for mode in ("PYNATIVE", "GRAPH"):
                rows.append((f"MindSpore 2.10 {mode}",
                             mindspore_side(args.ms_python, mode, batch, args.warmup, args.steps, args.repeats)))
        base = statistics.median(rows[0][1])
        print(f"batch {batch}")
        for label, times in rows:
            if times is None:
                continue
            med = statistics.median(times)
            print(f"  {label:30s} {med * 1e3:8.2f} ms ({min(times) * 1e3:.2f}-{max(times) * 1e3:.2f})  "
                  f"x{med / base:6.2f}", flush=True)


if __name__ == "__main__":
    main()
