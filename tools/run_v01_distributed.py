"""Run MindSpore 0.1's example/resnet50_cifar10/train.py data-parallel under torchrun, unmodified, on msnn.

The example is MindSpore's: it is read from a 0.1.0-alpha source tree the user fetched, never copied
into this project. This tool

1. copies ``example/resnet50_cifar10`` into a scratch directory; ``train.py``, ``dataset.py`` and
   ``lr_generator.py`` stay byte for byte 0.1's. ``config.py`` keeps its values except those the
   tool overrides by appending assignments to the copy (printed; by default ``epoch_size``, 90 in
   0.1, a day of CPU time at 224x224), as a user edits the example's config;
2. writes one CIFAR-10 binary file with ``nproc x 32 x steps`` images made from the digits
   (``tools/make_dataset_files.py``), so that each rank's shard (the example passes
   ``num_shards=DEVICE_NUM, shard_id=RANK_ID``) is ``steps`` batches of 32 per epoch;
3. runs, in the copy,

       torchrun --nproc_per_node 2 -m msnn train.py --run_distribute True --device_num 2 --dataset_path DATA

   (``python -m torch.distributed.run`` with a free port); ``python -m msnn`` sets 0.1's
   ``RANK_ID``/``DEVICE_NUM``/``DEVICE_ID`` from torchrun's environment, which the example reads;
4. checks that every rank finished (return code 0, the last epoch's loss line), that rank 0 alone
   wrote the example's ``resnet-<epoch>_<step>.ckpt`` files, and that the ranks end with identical
   parameters: a probe (a ``sitecustomize`` module put on the workers' PYTHONPATH by this tool only)
   saves each rank's training network after ``Model.train`` returns, and the two files are compared
   entry by entry. Weights and momenta must be bitwise equal; BatchNorm moving statistics are each
   rank's own (each rank normalises its own shard, as in 0.1) and are reported, not required equal.

    git --git-dir=<mirror of the 0.1 source> archive 576a73b4 example | tar -x -C /tmp/ms01
    python tools/run_v01_distributed.py /tmp/ms01 [--epochs 2] [--steps 1] [--image_size 224] [--nproc 2]

A step of ResNet-50 at 224x224, batch 32, takes 10-100 s per process on a small CPU: the defaults
(2 epochs of 1 step) run in a few minutes on 2 cores. ``--image_size 64`` overrides the example's
224x224 resize for a quicker run (the model ends in a global mean, so any size >= 32 trains).
"""
import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

_EASYDICT = '''class EasyDict(dict):
    def __getattr__(self, name):
        return self[name]
    __setattr__ = dict.__setitem__
'''

# The probe: active only in a torchrun worker (RANK set) of this tool's run (MSNN_V01_PARAMS_DIR set).
_PROBE = '''import os
if os.environ.get("MSNN_V01_PARAMS_DIR") and "RANK" in os.environ:
    import msnn.train.model as _model
    _train = _model.Model.train

    def _train_and_save(self, *args, **kwargs):
        result = _train(self, *args, **kwargs)
        from msnn.train.serialization import save_checkpoint
        save_checkpoint(self._train_network, os.path.join(os.environ["MSNN_V01_PARAMS_DIR"],
                                                          "rank%s.ckpt" % os.environ["RANK"]))
        return result
    _model.Model.train = _train_and_save
'''


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_cifar(directory, rows):
    """``rows`` CIFAR-10 binary records (label byte + 3x32x32 CHW) from the digits, in one file."""
    from tools.make_dataset_files import load_digits, cifar_images  # pylint: disable=import-outside-toplevel
    x, y, _, _ = load_digits()
    reps = -(-rows // len(x))
    x, y = np.concatenate([x] * reps)[:rows], np.concatenate([y] * reps)[:rows]
    os.makedirs(directory, exist_ok=True)
    rec = np.concatenate([y.astype(np.uint8)[:, None], cifar_images(x).reshape(rows, -1)], axis=1)
    rec.tofile(os.path.join(directory, "data_batch_1.bin"))


def compare(path0, path1):
    """(equal names, different names with their max abs difference) of two checkpoints."""
    from msnn.train.serialization import load_checkpoint  # pylint: disable=import-outside-toplevel
    a, b = load_checkpoint(path0), load_checkpoint(path1)
    if sorted(a) != sorted(b):
        raise SystemExit(f"the checkpoints hold different names: {sorted(set(a) ^ set(b))}")
    equal, different = [], {}
    for name in a:
        x, y = a[name].detach().numpy(), b[name].detach().numpy()
        if np.array_equal(x, y):
            equal.append(name)
        else:
            different[name] = float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64))))
    return equal, different


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("source", help="a 0.1.0-alpha source tree holding example/")
    p.add_argument("--nproc", type=int, default=2)
    p.add_argument("--epochs", type=int, default=2, help="config.epoch_size (0: keep the example's 90)")
    p.add_argument("--steps", type=int, default=1, help="steps per epoch of each rank (32 images each)")
    p.add_argument("--image_size", type=int, default=0, help="config.image_height/width (0: keep 224)")
    p.add_argument("--threads", type=int, default=1, help="torch threads per process")
    p.add_argument("--timeout", type=int, default=3600)
    p.add_argument("--work", default=None, help="scratch directory (default: a new temporary one)")
    args = p.parse_args(argv)
    example = os.path.join(args.source, "example", "resnet50_cifar10")
    if not os.path.isdir(example):
        p.error(f"{example} does not exist")
    work = args.work or tempfile.mkdtemp(prefix="msnn_v01_distributed_")
    run_dir = os.path.join(work, "resnet50_cifar10")
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(example, run_dir)
    overrides = {}
    if args.epochs:
        overrides["epoch_size"] = args.epochs
    if args.image_size:
        overrides["image_height"] = overrides["image_width"] = args.image_size
    with open(os.path.join(run_dir, "config.py"), "a", encoding="utf-8") as f:
        f.write("\n# run_v01_distributed.py overrides\n")
        for key, value in overrides.items():
            f.write(f"config.{key} = {value!r}\n")
    stub = os.path.join(work, "stubs")
    os.makedirs(stub, exist_ok=True)
    with open(os.path.join(stub, "sitecustomize.py"), "w", encoding="utf-8") as f:
        f.write(_PROBE)
    try:
        import easydict  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        with open(os.path.join(stub, "easydict.py"), "w", encoding="utf-8") as f:
            f.write(_EASYDICT)
    data = os.path.join(work, "cifar-10-batches-bin")
    shutil.rmtree(data, ignore_errors=True)
    write_cifar(data, args.nproc * 32 * args.steps)
    params = os.path.join(work, "params")
    shutil.rmtree(params, ignore_errors=True)
    os.makedirs(params)
    logs = os.path.join(work, "logs")
    shutil.rmtree(logs, ignore_errors=True)

    env = {k: v for k, v in os.environ.items() if k not in ("RANK_ID", "RANK_SIZE", "DEVICE_NUM", "DEVICE_ID")}
    env.update(PYTHONPATH=os.pathsep.join([stub, ROOT, os.environ.get("PYTHONPATH", "")]),
               MSNN_V01_PARAMS_DIR=params, OMP_NUM_THREADS=str(args.threads))
    script_args = ["train.py", "--run_distribute", "True", "--device_num", str(args.nproc), "--dataset_path", data]
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(args.nproc),
           "--master_port", str(_free_port()), "--log-dir", logs, "--redirects", "3",
           "-m", "msnn", "--threads", str(args.threads)] + script_args
    print(f"config.py overrides: {overrides or 'none'}; data: {args.nproc * 32 * args.steps} images "
          f"({args.steps} step(s) of 32 per rank per epoch)")
    print(f"cd {run_dir} && torchrun --nproc_per_node {args.nproc} -m msnn --threads {args.threads} "
          + " ".join(script_args), flush=True)
    start = time.time()
    try:
        res = subprocess.run(cmd, cwd=run_dir, env=env, capture_output=True, text=True, timeout=args.timeout)
        rc, launcher = res.returncode, (res.stdout + res.stderr).strip().splitlines()
    except subprocess.TimeoutExpired:
        rc, launcher = "timeout", []
    seconds = time.time() - start
    print(f"torchrun rc={rc} in {seconds:.0f}s")
    failures = []
    epochs = args.epochs or 90
    for rank in range(args.nproc):
        files = glob.glob(os.path.join(logs, "**", "attempt_*", str(rank), "std*.log"), recursive=True)
        text = "".join(open(f, encoding="utf-8", errors="replace").read() for f in sorted(files))
        lines = [line for line in text.splitlines() if line.strip()]
        losses = [line for line in lines if "loss is" in line]
        print(f"rank {rank}: " + (" | ".join(losses[-3:]) or " | ".join(lines[-5:]))[:600])
        if not any(line.startswith(f"epoch: {epochs} step: {args.steps},") for line in losses):
            failures.append(f"rank {rank} printed no loss line for epoch {epochs} step {args.steps}")
    if rc != 0:
        failures.append(f"torchrun returned {rc}: " + " | ".join(launcher[-5:])[:800])
    ckpts = sorted(os.path.basename(f) for f in glob.glob(os.path.join(run_dir, "*.ckpt")))
    print(f"checkpoints in the shared directory: {ckpts}")
    if ckpts != [f"resnet-{epochs}_{args.steps}.ckpt"]:
        failures.append(f"expected the example's one checkpoint resnet-{epochs}_{args.steps}.ckpt from rank 0")
    probes = [os.path.join(params, f"rank{r}.ckpt") for r in range(args.nproc)]
    if all(os.path.exists(f) for f in probes):
        for r in range(1, args.nproc):
            equal, different = compare(probes[0], probes[r])
            unexpected = {k: v for k, v in different.items() if "moving_" not in k}
            moving = [k for k in different if "moving_" in k]
            print(f"rank 0 vs rank {r}: {len(equal)} of {len(equal) + len(different)} entries bitwise equal; "
                  f"{len(moving)} BatchNorm moving statistics differ (each rank's own shard); "
                  f"other differences: {unexpected or 'none'}")
            if unexpected:
                failures.append(f"rank {r}'s parameters differ from rank 0's: {sorted(unexpected)[:5]}")
        if ckpts:
            equal, different = compare(os.path.join(run_dir, ckpts[-1]), probes[0])
            print(f"{ckpts[-1]} vs rank 0's final parameters: {len(equal)} equal, {len(different)} different")
            if different:
                failures.append(f"{ckpts[-1]} is not rank 0's final state")
    else:
        failures.append("a rank saved no final parameters (it did not finish Model.train)")
    print("OK: every rank finished with identical parameters" if not failures else "FAILED: " + "; ".join(failures))
    print(f"(work dir {work})")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
