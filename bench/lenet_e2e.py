"""The LeNet example end to end: msnn (0.1's API through the alias) against MindSpore 2.10, same files.

Both sides train what 0.1's example/lenet_mnist/train.py trains, one epoch of 1875 steps:
MnistDataset (the first 60000 images of MNIST_Data/train, one worker) -> TypeCast(int32) on the
label, Resize(32, 32) bilinear, Rescale(1/255), Rescale(1/0.3081, -0.1307/0.3081), HWC2CHW ->
shuffle(10000) -> batch(32, drop_remainder=True); LeNet-5 with TruncatedNormal(0.02) weights,
SoftmaxCrossEntropyWithLogits(sparse, mean), Momentum(0.01, 0.9), Model.train(1, ...,
callbacks=[ModelCheckpoint(save_checkpoint_steps=1875, keep_checkpoint_max=10), LossMonitor()],
dataset_sink_mode=False), printing MindSpore's loss line every step (to a file).

  msnn side      -- written in 0.1's API (``import mindspore`` resolved to msnn by msnn.install_alias),
                    torch threads = --threads (0.1's example sets nothing; ``python -m msnn --threads``);
  MindSpore side -- the same program in MindSpore 2.10's API, every argument passed explicitly
                    (2.x changed defaults: Conv2d/Dense weight_init, has_bias, MnistDataset usage),
                    GRAPH_MODE on the CPU, run by --mindspore-python (a python with MindSpore 2.10).

Each side runs in a fresh process; rounds alternate which goes first. Printed per side: the
process's wall time (interpreter start to exit: imports, dataset, 1875 steps, checkpoint), the
time of Model.train alone, and the last loss; then the ratio MindSpore / msnn (goal >= 5).

    python tools/make_dataset_files.py --out /tmp/msnn-bench-data --full --repeat 42   # 60396 images
    python bench/lenet_e2e.py --data /tmp/msnn-bench-data --mindspore-python PATH [--rounds 3] [--threads 2]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH = 32
IMAGES = int(os.environ.get("MSNN_BENCH_IMAGES", "60000"))  # 1875 steps; smaller for a smoke test
STEPS = IMAGES // BATCH


def _pipeline(ds, CV, C, mstype, inter, data, **mnist_kwargs):
    d = ds.MnistDataset(os.path.join(data, "MNIST_Data", "train"), num_samples=IMAGES, num_parallel_workers=1,
                        **mnist_kwargs)
    d = d.map(input_columns="label", operations=C.TypeCast(mstype.int32), num_parallel_workers=1)
    for op in (CV.Resize((32, 32), interpolation=inter), CV.Rescale(1.0 / 255.0, 0.0),
               CV.Rescale(1 / 0.3081, -1 * 0.1307 / 0.3081), CV.HWC2CHW()):
        d = d.map(input_columns="image", operations=op, num_parallel_workers=1)
    return d.shuffle(buffer_size=10000).batch(BATCH, drop_remainder=True)


def side_msnn(data, ckpt):
    """0.1's API, through the alias."""
    import msnn  # pylint: disable=import-outside-toplevel
    msnn.install_alias()
    # pylint: disable=import-outside-toplevel,import-error
    import mindspore.nn as nn
    from mindspore import context
    import mindspore.dataset as ds
    import mindspore.dataset.transforms.vision.c_transforms as CV
    import mindspore.dataset.transforms.c_transforms as C
    from mindspore.dataset.transforms.vision import Inter
    from mindspore.common import dtype as mstype
    from mindspore.model_zoo.lenet import LeNet5
    from mindspore.nn.metrics import Accuracy
    from mindspore.train import Model
    from mindspore.train.callback import CheckpointConfig, LossMonitor, ModelCheckpoint
    context.set_context(mode=context.GRAPH_MODE, device_target="CPU")
    dataset = _pipeline(ds, CV, C, mstype, Inter.LINEAR, data)
    net = LeNet5(10)
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    opt = nn.Momentum(net.trainable_params(), 0.01, 0.9)
    model = Model(net, loss, opt, metrics={"Accuracy": Accuracy()})
    config = CheckpointConfig(save_checkpoint_steps=STEPS, keep_checkpoint_max=10)
    callbacks = [ModelCheckpoint(prefix="checkpoint_lenet", directory=ckpt, config=config), LossMonitor()]
    return model, dataset, callbacks


def side_mindspore(data, ckpt):
    """The same program in MindSpore 2.10's API, every argument explicit."""
    # pylint: disable=import-outside-toplevel,import-error
    import mindspore as ms
    from mindspore import nn
    import mindspore.dataset as ds
    import mindspore.dataset.vision as CV
    import mindspore.dataset.transforms as C
    from mindspore.dataset.vision import Inter
    from mindspore.common import dtype as mstype
    from mindspore.common.initializer import TruncatedNormal
    from mindspore.train import Accuracy, CheckpointConfig, LossMonitor, Model, ModelCheckpoint
    ms.set_context(mode=ms.GRAPH_MODE)
    ms.set_device("CPU")
    dataset = _pipeline(ds, CV, C, mstype, Inter.LINEAR, data, usage="train", shuffle=None)

    class LeNet5(nn.Cell):
        def __init__(self, num_class=10):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, kernel_size=5, stride=1, pad_mode="valid", padding=0,
                                   weight_init=TruncatedNormal(0.02), has_bias=False)
            self.conv2 = nn.Conv2d(6, 16, kernel_size=5, stride=1, pad_mode="valid", padding=0,
                                   weight_init=TruncatedNormal(0.02), has_bias=False)
            self.fc1 = nn.Dense(400, 120, weight_init=TruncatedNormal(0.02), bias_init=TruncatedNormal(0.02),
                                has_bias=True)
            self.fc2 = nn.Dense(120, 84, weight_init=TruncatedNormal(0.02), bias_init=TruncatedNormal(0.02),
                                has_bias=True)
            self.fc3 = nn.Dense(84, num_class, weight_init=TruncatedNormal(0.02),
                                bias_init=TruncatedNormal(0.02), has_bias=True)
            self.relu = nn.ReLU()
            self.max_pool2d = nn.MaxPool2d(kernel_size=2, stride=2, pad_mode="valid")
            self.flatten = nn.Flatten()

        def construct(self, x):
            x = self.max_pool2d(self.relu(self.conv1(x)))
            x = self.max_pool2d(self.relu(self.conv2(x)))
            x = self.flatten(x)
            x = self.relu(self.fc1(x))
            x = self.relu(self.fc2(x))
            return self.fc3(x)

    net = LeNet5(10)
    loss = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.01, momentum=0.9, weight_decay=0.0,
                      loss_scale=1.0, use_nesterov=False)
    model = Model(net, loss_fn=loss, optimizer=opt, metrics={"Accuracy": Accuracy()})
    config = CheckpointConfig(save_checkpoint_steps=STEPS, keep_checkpoint_max=10)
    callbacks = [ModelCheckpoint(prefix="checkpoint_lenet", directory=ckpt, config=config),
                 LossMonitor(per_print_times=1)]
    return model, dataset, callbacks


def child(side, data, out, start):
    """One training run; writes {wall, train, last_loss, steps} to ``out``."""
    with tempfile.TemporaryDirectory() as ckpt:
        model, dataset, callbacks = (side_msnn if side == "msnn" else side_mindspore)(data, ckpt)
        log = os.path.join(ckpt, "log.txt")
        saved = os.dup(1)
        with open(log, "w", encoding="utf-8") as f:
            sys.stdout.flush()
            os.dup2(f.fileno(), 1)
            try:
                t0 = time.time()
                model.train(1, dataset, callbacks=callbacks, dataset_sink_mode=False)
                train = time.time() - t0
                sys.stdout.flush()
            finally:
                os.dup2(saved, 1)
        with open(log, encoding="utf-8") as f:
            lines = [l for l in f if "loss is" in l]
    result = {"wall": time.time() - start, "train": train, "steps": len(lines),
              "last_loss": lines[-1].split("loss is")[-1].strip() if lines else None}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)


def run_side(python, side, args):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    cmd = [python, os.path.abspath(__file__), "--child", side, "--data", args.data, "--out", out,
           "--start", repr(time.time())]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    if side == "msnn":
        env["MSNN_BENCH_THREADS"] = str(args.threads)
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out, encoding="utf-8") as f:
        result = json.load(f)
    os.remove(out)
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="/tmp/msnn-bench-data")
    p.add_argument("--mindspore-python", help="a python with MindSpore 2.10 (without it: msnn only)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=2, help="torch threads of the msnn side")
    p.add_argument("--images", type=int, default=IMAGES, help="training images (60000: 1875 steps)")
    p.add_argument("--child", choices=("msnn", "mindspore"), help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--start", type=float, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    os.environ["MSNN_BENCH_IMAGES"] = str(args.images)
    if args.child:
        if args.child == "msnn":
            import torch  # pylint: disable=import-outside-toplevel
            torch.set_num_threads(int(os.environ.get("MSNN_BENCH_THREADS", "2")))
        child(args.child, args.data, args.out, args.start)
        return 0
    if not os.path.isdir(os.path.join(args.data, "MNIST_Data")):
        subprocess.check_call([sys.executable, os.path.join(ROOT, "tools", "make_dataset_files.py"),
                               "--out", args.data, "--full", "--repeat", "42"])
    sides = [("msnn", sys.executable)] + ([("mindspore", args.mindspore_python)] if args.mindspore_python else [])
    print(f"LeNet example end to end, {args.images // BATCH} steps of batch {BATCH}, {os.cpu_count()} CPUs, "
          f"msnn torch threads {args.threads}; {args.rounds} rounds")
    results = {side: [] for side, _ in sides}
    for r in range(args.rounds):
        order = sides if r % 2 == 0 else sides[::-1]
        for side, python in order:
            res = run_side(python, side, args)
            results[side].append(res)
            print(f"  round {r + 1} {side:9s} wall {res['wall']:7.1f} s  train {res['train']:7.1f} s  "
                  f"steps {res['steps']}  last loss {res['last_loss']}", flush=True)
    for side, rs in results.items():
        walls, trains = [x["wall"] for x in rs], [x["train"] for x in rs]
        print(f"{side:9s} wall {min(walls):.1f}-{max(walls):.1f} s (median {statistics.median(walls):.1f}), "
              f"Model.train {min(trains):.1f}-{max(trains):.1f} s (median {statistics.median(trains):.1f})")
    if len(results) == 2:
        for key in ("wall", "train"):
            ratios = [m[key] / n[key] for m, n in zip(results["mindspore"], results["msnn"])]
            print(f"MindSpore / msnn ({key}): {min(ratios):.2f}-{max(ratios):.2f} "
                  f"(median {statistics.median(ratios):.2f}; goal >= 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
