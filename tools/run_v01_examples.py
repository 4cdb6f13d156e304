"""Run MindSpore 0.1's own example/ scripts, unmodified, on msnn (a conformance check, not a test).

The scripts are MindSpore's: they are read from a 0.1.0-alpha source tree the user fetched, never
copied into this project. This tool writes the data they read (MNIST-idx and CIFAR-10-binary files
made from the digits in examples/data, ``tools/make_dataset_files.py``), runs each ``train.py`` and
``eval.py`` with ``python -m msnn`` in a scratch copy of its example directory, and prints one line
per run (return code, seconds, the last lines of output).

    git --git-dir=<mirror of the 0.1 source> archive 576a73b4 example | tar -x -C /tmp/ms01
    python tools/run_v01_examples.py /tmp/ms01 [--only lenet,alexnet] [--quick] [--device_target CPU]
    python tools/run_v01_examples.py /tmp/ms01 --only bert,yolov3 [--max_steps 2]
    python tools/run_v01_examples.py /tmp/ms01 --only resnet50 --images 32 --test_images 32 --stream

``--quick`` writes a few hundred images instead of every digit, so each example runs its configured
number of epochs in seconds to minutes instead of hours. ``--images N`` keeps only the first N
CIFAR-10 training records in total (spread evenly over the ``data_batch_*.bin`` files, the first
records of each; every file keeps at least one when N allows) and ``--test_images M`` the first M
records of ``cifar-10-verify-bin/test_batch.bin``, so that resnet50_cifar10 and vgg16_cifar10 run
their configured epochs (90 and 70) in full at one or two steps an epoch: resnet50 batches 32 rows
with ``drop_remainder`` before its ``repeat``, so an epoch is ``N // 32`` steps (N >= 32); vgg16
repeats 70 times before it shuffles and batches 64 rows with ``drop_remainder``, so it runs
``70 * N // 64`` steps in all, ``N // 64`` an epoch (N >= 64); their eval.py batch the test records
the same way (M >= 32 and M >= 64). ``--stream`` prints every output line of the scripts as it
comes, with the seconds since the script started, and the checkpoint files each train.py wrote.
``easydict`` (imported by the examples' config files) is replaced by a four-line stand-in when it
is not installed, and so is ``matplotlib``
(yolov3's dataset.py imports ``rgb_to_hsv``/``hsv_to_rgb``, used only with ``do_hsv = True``,
which it is not; the stand-ins raise).

Bert_NEZHA_cnwiki reads a TFRecord file and its JSON schema (BERT pretraining features:
input_ids, input_mask, segment_ids, next_sentence_labels, masked_lm_positions, masked_lm_ids,
masked_lm_weights; ``tools/make_dataset_files.py`` writes them from the digits). Its config.py holds
placeholder paths (``/your/path/...``) that 0.1 tells the user to edit: the scratch copy gets the
paths of the written files, the only edit. The network is the example's (24 layers, hidden 1024,
float16 compute): minutes per step on a CPU. yolov3_coco2017 reads JPEG images and a COCO-style
annotation text file (``DIR/coco``: train2017/*.jpg and train.txt); ``--quick`` passes its own
``--batch_size 2 --epoch_size 1`` arguments. These two stop after ``--max_steps`` LossMonitor lines
(default 2; 0 runs them to the end).
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_MATPLOTLIB_COLORS = '''"""Stand-in written by msnn's tools/run_v01_examples.py (matplotlib is not installed)."""


def rgb_to_hsv(arr):
    raise NotImplementedError("matplotlib is not installed (stand-in of tools/run_v01_examples.py)")


hsv_to_rgb = rgb_to_hsv
'''

_EASYDICT = '''class EasyDict(dict):
    def __getattr__(self, name):
        return self[name]
    __setattr__ = dict.__setitem__
'''


def _env(stub_dir, extra=None):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, stub_dir, os.environ.get("PYTHONPATH", "")]),
               DEVICE_ID="0", DEVICE_NUM="1", RANK_ID="0", RANK_SIZE="1")
    env.update(extra or {})
    return env


def _run(name, cwd, args, env, timeout, stream=False):
    if stream:
        return _run_steps(name, cwd, args, env, timeout, 0, echo=True)
    start = time.time()
    try:
        res = subprocess.run([sys.executable, "-m", "msnn"] + args, cwd=cwd, env=env, capture_output=True,
                             text=True, timeout=timeout)
        rc, out = res.returncode, (res.stdout + res.stderr).strip().splitlines()
    except subprocess.TimeoutExpired as exc:
        rc, out = "timeout", (exc.stdout or b"").decode(errors="replace").strip().splitlines()
    print(f"{name:28s} rc={rc!s:8s} {time.time() - start:7.1f}s  | " + " | ".join(out[-3:])[:400], flush=True)
    return rc == 0, out


def _run_steps(name, cwd, args, env, timeout, max_steps, echo=False):
    """``_run`` for a long example: stop it once ``max_steps`` LossMonitor lines were printed (0: never);
    ``echo``: print every line (not only the loss lines) with the seconds since the start."""
    start = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "msnn"] + args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out, losses, rc = [], [], None
    try:
        for line in proc.stdout:
            out.append(line.rstrip())
            if echo and line.strip():
                print(f"    {name} [{time.time() - start:6.0f} s] {line.rstrip()}", flush=True)
            if "loss is" in line:
                losses.append(line.strip())
                if not echo:
                    print(f"    {name}: {line.strip()}  ({time.time() - start:.0f} s)", flush=True)
                if max_steps and len(losses) >= max_steps:
                    rc = f"stopped after {len(losses)} steps"
                    break
            if time.time() - start > timeout:
                rc = "timeout"
                break
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait()
    if rc is None:
        rc = proc.returncode
    ok = rc == 0 or (rc != "timeout" and max_steps and len(losses) >= max_steps)
    tail = [l for l in out if l.strip()][-3:]
    print(f"{name:28s} rc={rc!s:8s} {time.time() - start:7.1f}s  | " + " | ".join(tail)[:400], flush=True)
    return bool(ok), out


def _keep_first(path, count, record):
    """Keeps the first ``count`` records (``record`` bytes each) of the binary file ``path``."""
    import numpy as np  # pylint: disable=import-outside-toplevel
    rec = np.fromfile(path, np.uint8).reshape(-1, record)
    rec[:count].tofile(path)


def _keep_images(data, images, test_images):
    """``--images``/``--test_images``: the first records of the CIFAR-10 training files (N in all,
    spread evenly over the files) and of the test file."""
    if images is not None:
        files = sorted(glob.glob(os.path.join(data, "cifar-10-batches-bin", "*.bin")))
        for k, path in enumerate(files):
            _keep_first(path, images // len(files) + (k < images % len(files)), 3073)
    if test_images is not None:
        for path in glob.glob(os.path.join(data, "cifar-10-verify-bin", "*.bin")):
            _keep_first(path, test_images, 3073)


def _newest(pattern):
    files = sorted(glob.glob(pattern, recursive=True), key=os.path.getmtime)
    return files[-1] if files else ""


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("source", help="a 0.1.0-alpha source tree holding example/")
    p.add_argument("--only", default="lenet,alexnet,resnet50,vgg16")
    p.add_argument("--quick", action="store_true", help="small data files (seconds to minutes per example)")
    p.add_argument("--device_target", default="CPU")
    p.add_argument("--timeout", type=int, default=7200)
    p.add_argument("--max_steps", type=int, default=2, help="bert, yolov3: stop after N steps (0: run to the end)")
    p.add_argument("--images", type=int, default=None, metavar="N",
                   help="keep the first N CIFAR-10 training records in all (resnet50: N // 32 steps an epoch, "
                        "vgg16: 70 * N // 64 steps in all)")
    p.add_argument("--test_images", type=int, default=None, metavar="M",
                   help="keep the first M CIFAR-10 test records (cifar-10-verify-bin)")
    p.add_argument("--stream", action="store_true",
                   help="print the scripts' output as it comes (seconds since start) and the checkpoints written")
    args = p.parse_args(argv)
    for flag in ("images", "test_images"):
        if getattr(args, flag) is not None and getattr(args, flag) < 1:
            p.error(f"--{flag} must be a positive number of records, got {getattr(args, flag)}")
    example_root = os.path.join(args.source, "example")
    if not os.path.isdir(example_root):
        p.error(f"{example_root} does not exist")
    work = tempfile.mkdtemp(prefix="msnn_v01_examples_")
    stub = os.path.join(work, "stubs")
    os.makedirs(stub)
    try:
        import easydict  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        with open(os.path.join(stub, "easydict.py"), "w", encoding="utf-8") as f:
            f.write(_EASYDICT)
    try:
        import matplotlib.colors  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        os.makedirs(os.path.join(stub, "matplotlib"))
        with open(os.path.join(stub, "matplotlib", "__init__.py"), "w", encoding="utf-8") as f:
            f.write("")
        with open(os.path.join(stub, "matplotlib", "colors.py"), "w", encoding="utf-8") as f:
            f.write(_MATPLOTLIB_COLORS)
    data = os.path.join(work, "data")
    cmd = [sys.executable, os.path.join(ROOT, "tools", "make_dataset_files.py"), "--out", data, "--full",
           "--repeat", "1" if args.quick or args.images is not None else "8"]
    subprocess.run(cmd, check=True, capture_output=True)
    if args.quick:  # keep the first 256 training images of each set
        import numpy as np  # pylint: disable=import-outside-toplevel
        for path in glob.glob(os.path.join(data, "cifar-10-batches-bin", "*.bin")):
            rec = np.fromfile(path, np.uint8).reshape(-1, 3073)
            rec[:128].tofile(path)
    _keep_images(data, args.images, args.test_images)
    env = _env(stub)
    dev = ["--device_target", args.device_target]
    results = {}

    def copy(example):
        dst = os.path.join(work, example)
        shutil.copytree(os.path.join(example_root, example), dst)
        return dst

    def run(name, cwd, script_args, env, timeout):
        res = _run(name, cwd, script_args, env, timeout, stream=args.stream)
        if args.stream and script_args[0] == "train.py":
            ckpts = sorted(glob.glob(os.path.join(cwd, "**", "*.ckpt"), recursive=True), key=os.path.getmtime)
            print(f"    {name} checkpoints: " + ", ".join(os.path.relpath(c, cwd) for c in ckpts), flush=True)
        return res

    only = args.only.split(",")
    if "lenet" in only:
        d = copy("lenet_mnist")
        ok, _ = run("lenet_mnist/train.py", d, ["train.py", "--data_path", os.path.join(data, "MNIST_Data")] + dev,
                    env, args.timeout)
        ckpt = _newest(os.path.join(d, "**", "*.ckpt"))
        results["lenet train"] = ok
        results["lenet eval"], _ = run("lenet_mnist/eval.py", d, ["eval.py", "--data_path", os.path.join(data, "MNIST_Data"),
                                                              "--ckpt_path", ckpt] + dev, env, args.timeout)
    if "alexnet" in only:
        d = copy("alexnet_cifar10")
        gpu = ["--device_target", "GPU"] if args.device_target == "GPU" else []  # choices are Ascend/GPU
        results["alexnet train"], _ = run("alexnet_cifar10/train.py", d, ["train.py", "--data_path",
                                          os.path.join(data, "cifar-10-batches-bin"), "--ckpt_path", "ckpt"] + gpu,
                                          env, args.timeout)
        results["alexnet eval"], _ = run("alexnet_cifar10/eval.py", d, ["eval.py", "--data_path",
                                         os.path.join(data, "cifar-10-batches-bin"), "--ckpt_path",
                                         _newest(os.path.join(d, "ckpt", "*.ckpt"))] + gpu, env, args.timeout)
    if "resnet50" in only:
        d = copy("resnet50_cifar10")
        results["resnet50 train"], _ = run("resnet50_cifar10/train.py", d, ["train.py", "--dataset_path",
                                           os.path.join(data, "cifar-10-batches-bin")], env, args.timeout)
        results["resnet50 eval"], _ = run("resnet50_cifar10/eval.py", d, ["eval.py", "--dataset_path",
                                          os.path.join(data, "cifar-10-verify-bin"), "--checkpoint_path",
                                          _newest(os.path.join(d, "**", "*.ckpt"))], env, args.timeout)
    if "vgg16" in only:
        d = copy("vgg16_cifar10")
        # vgg16 switches loop sink on, which 0.1's Model refused on CPU/GPU: it runs as 'Ascend'
        # (msnn: CUDA when present, else the CPU), its default
        results["vgg16 train"], _ = run("vgg16_cifar10/train.py", d, ["train.py", "--data_path", data],
                                        env, args.timeout)
        results["vgg16 eval"], _ = run("vgg16_cifar10/eval.py", d, ["eval.py", "--data_path", data,
                                       "--checkpoint_path", _newest(os.path.join(d, "**", "*.ckpt"))],
                                       env, args.timeout)
    if "bert" in only:
        d = copy("Bert_NEZHA_cnwiki")
        cfg = os.path.join(d, "config.py")
        with open(cfg, encoding="utf-8") as f:
            text = f.read()
        for old, new in (("/your/path/examples.tfrecord", os.path.join(data, "bert", "examples.tfrecord")),
                         ("/your/path/datasetSchema.json", os.path.join(data, "bert", "datasetSchema.json"))):
            if old not in text:
                raise SystemExit(f"{cfg}: placeholder {old!r} not found")
            text = text.replace(old, new)
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(text)
        results["bert train"], _ = _run_steps("Bert_NEZHA_cnwiki/train.py", d, ["train.py"], env, args.timeout,
                                              args.max_steps)
    if "yolov3" in only:
        d = copy("yolov3_coco2017")
        coco = os.path.join(data, "coco")
        small = ["--batch_size", "2", "--epoch_size", "1"] if args.quick else []
        results["yolov3 train"], _ = _run_steps("yolov3_coco2017/train.py", d, [
            "train.py", "--image_dir", os.path.join(coco, "train2017"), "--anno_path",
            os.path.join(coco, "train.txt")] + small, env, args.timeout, args.max_steps)
    print(f"{sum(results.values())} passed, {len(results) - sum(results.values())} failed  (work dir {work})")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
