"""Images/s of the LeNet and ResNet-50 (CIFAR-10) example pipelines: msnn.dataset, plain torch, MindSpore.

LeNet (example/lenet_mnist/dataset.py): MnistDataset -> TypeCast(int32) on label, Resize(32, 32)
bilinear, Rescale(1/255), Rescale(1/0.3081, -0.1307/0.3081), HWC2CHW on image ->
shuffle(10000) -> batch(32, drop_remainder=True).
ResNet-50 (example/resnet50_cifar10/dataset.py, do_train): Cifar10Dataset -> TypeCast on label;
RandomCrop(32, pad 4), RandomHorizontalFlip, Resize(224, 224), Rescale, Normalize, HWC2CHW on image
-> shuffle -> batch(32, drop_remainder=True).
Every node gets num_parallel_workers=--workers (MindSpore also via config.set_num_parallel_workers):
msnn runs that many worker processes; MindSpore runs that many threads per node (more threads than
cores in all), so compare the CPU time per image as well as images/s.

The files come from ``tools/make_dataset_files.py --full --repeat 42`` (60396 MNIST-format
training images, 2x30198 CIFAR records); the bench writes them to --data when missing. MindSpore
reads the first 10000 records of each CIFAR file (20000 images per epoch), msnn all of them: the
figures are rates, each over that implementation's whole epochs.

Three implementations of the same pipeline, each timed over whole epochs, in this process:
  msnn   -- msnn.dataset with the transforms of msnn.dataset.transforms;
  torch  -- a torch.utils.data.Dataset over the same arrays with the same per-image transforms,
            DataLoader(batch_size=32, shuffle=True, num_workers=W, drop_last=True);
  ms     -- MindSpore 2.10 (--mindspore, run this file with the oracle's python): its C++ engine.

Then, for msnn, the time a training loop waits in next() per batch, with a sleeping step of
--step-ms (LeNet) / --resnet-step-ms (ResNet-50), over 3 epochs of one iterator (Model.train reads a
repeated dataset that way), and the worst wait on an epoch's first batch.

    python bench/dataset.py [--data /tmp/msnn-bench-data] [--workers 2] [--epochs 2] [--only lenet]
                            [--skip-torch] [--limit N]
    $(bash /work/shared/tools/oracle-env.sh) bench/dataset.py --mindspore
"""
import argparse
import gc
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def transforms():
    """The transform classes of msnn.dataset.transforms, by name."""
    import msnn.dataset.transforms.vision.c_transforms as CV  # pylint: disable=import-outside-toplevel
    import msnn.dataset.transforms.c_transforms as C  # pylint: disable=import-outside-toplevel
    import msnn  # pylint: disable=import-outside-toplevel
    return dict(Resize=CV.Resize, Rescale=CV.Rescale, Normalize=CV.Normalize, HWC2CHW=CV.HWC2CHW,
                RandomCrop=CV.RandomCrop, RandomHorizontalFlip=CV.RandomHorizontalFlip,
                TypeCast=lambda: C.TypeCast(msnn.int32))


def lenet_ops(T):
    return ([T["TypeCast"]()],
            [T["Resize"]((32, 32)), T["Rescale"](1.0 / 255.0, 0.0), T["Rescale"](1 / 0.3081, -1 * 0.1307 / 0.3081),
             T["HWC2CHW"]()])


def resnet_ops(T):
    return ([T["TypeCast"]()],
            [T["RandomCrop"]((32, 32), (4, 4, 4, 4)), T["RandomHorizontalFlip"](0.5), T["Resize"]((224, 224)),
             T["Rescale"](1.0 / 255.0, 0.0), T["Normalize"]([0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.2010]),
             T["HWC2CHW"]()])


def msnn_pipeline(ds, name, data, workers, T, limit=None):
    if name == "lenet":
        src = ds.MnistDataset(os.path.join(data, "MNIST_Data", "train"), num_parallel_workers=workers,
                              num_samples=limit, shuffle=True if limit else None)
        label_ops, image_ops = lenet_ops(T)
        buffer = 10000
    else:
        src = ds.Cifar10Dataset(os.path.join(data, "cifar-10-batches-bin"), num_parallel_workers=workers,
                                num_samples=limit, shuffle=True if limit else None)
        label_ops, image_ops = resnet_ops(T)
        buffer = 1000
    d = src.map(input_columns="label", operations=label_ops, num_parallel_workers=workers)
    if name == "lenet":
        for op in image_ops:  # one map per op, as the LeNet example does
            d = d.map(input_columns="image", operations=op, num_parallel_workers=workers)
    else:
        d = d.map(input_columns="image", operations=image_ops, num_parallel_workers=workers)
    return d.shuffle(buffer_size=buffer).batch(32, drop_remainder=True)


class _TorchSet:
    def __init__(self, images, labels, image_ops, label_ops):
        self.images, self.labels = images, labels
        self.image_ops, self.label_ops = image_ops, label_ops

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        img, lab = self.images[i], np.array(self.labels[i])
        for op in self.image_ops:
            img = op(img)
        for op in self.label_ops:
            lab = op(lab)
        return img, lab


def torch_loader(name, data, workers, T, limit=None):
    import torch  # pylint: disable=import-outside-toplevel
    from msnn.dataset.engine import _formats as F  # pylint: disable=import-outside-toplevel
    if name == "lenet":
        images, labels = F.read_mnist("bench", os.path.join(data, "MNIST_Data", "train"))
        label_ops, image_ops = lenet_ops(T)
    else:
        images, (labels,) = F.read_cifar("bench", os.path.join(data, "cifar-10-batches-bin"), False)
        label_ops, image_ops = resnet_ops(T)
    if limit:
        images, labels = images[:limit], labels[:limit]
    return torch.utils.data.DataLoader(_TorchSet(images, labels, image_ops, label_ops), batch_size=32, shuffle=True,
                                       num_workers=workers, drop_last=True, prefetch_factor=4 if workers else None,
                                       persistent_workers=False)


def _cpu():
    import resource  # pylint: disable=import-outside-toplevel
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def timed(make, epochs):
    """Best images/s over `epochs` epochs (each a fresh iterator, as a training loop does), and the CPU
    time per image of that epoch (this process + its finished worker processes): a figure the other
    load of a shared machine does not move much."""
    best, best_cpu = 0.0, 0.0
    for _ in range(epochs):
        it = make()
        n = 0
        t, c = time.perf_counter(), _cpu()
        for row in it:
            n += len(row[1])
        dt = time.perf_counter() - t
        del it
        gc.collect()  # shut the worker processes down so that their CPU time is counted
        dc = _cpu() - c
        if n / dt > best:
            best, best_cpu = n / dt, dc / n
    return best, n, best_cpu


def waits(make, step_s, epochs=3):
    """Time spent waiting in next() when each step takes step_s seconds (a sleeping step: it holds
    no GIL, like a torch step in C++ kernels), over `epochs` epochs of one iterator (a repeated
    pipeline, as Model.train reads it): median and 90th percentile over all batches, and the worst
    wait on the first batch of an epoch after the first."""
    data = make().repeat(epochs)
    per = data.get_dataset_size()
    it = iter(data.create_tuple_iterator())
    next(it)
    time.sleep(0.5)  # let the workers start and fill their prefetch
    out = []
    for _ in range(per * epochs - 1):
        t = time.perf_counter()
        try:
            next(it)
        except StopIteration:
            break
        out.append(time.perf_counter() - t)
        time.sleep(step_s)
    firsts = [out[e * per - 1] for e in range(1, epochs) if e * per - 1 < len(out)]  # out[k]: batch k + 2
    out.sort()
    return out[len(out) // 2], out[int(len(out) * 0.9)], max(firsts) if firsts else 0.0


def run_msnn(args):
    sys.path.insert(0, ROOT)
    import msnn.dataset as ds  # pylint: disable=import-outside-toplevel
    T = transforms()
    limit = args.limit
    print(f"msnn.dataset with msnn.dataset.transforms; workers: {args.workers}; cpus: {os.cpu_count()}")
    for name in args.only.split(","):
        ips, n, icpu = timed(lambda: msnn_pipeline(ds, name, args.data, args.workers, T, limit), args.epochs)
        line = f"{name:6s} msnn.dataset {ips:9.0f} img/s ({icpu * 1e6:.0f} CPU-us/img)"
        if not args.skip_torch:
            tps, _, tcpu = timed(lambda: torch_loader(name, args.data, args.workers, T, limit), args.epochs)
            line += (f"   plain torch DataLoader {tps:9.0f} img/s ({tcpu * 1e6:.0f} CPU-us/img)   "
                     f"ratio {ips / tps:.2f}")
        print(f"{line}   ({n} images/epoch)")
        step_ms = args.resnet_step_ms if name == "resnet" else args.step_ms
        if step_ms:
            step = step_ms / 1000
            wait_limit = args.wait_images if limit is None else min(limit, args.wait_images)
            med, p90, first = waits(lambda: msnn_pipeline(ds, name, args.data, args.workers, T, wait_limit), step)
            print(f"{name:6s} training loop with a {step_ms:g} ms step (3 epochs of {wait_limit} images, one "
                  f"iterator) waits {med * 1e6:.0f} us (median), {p90 * 1e6:.0f} us (90th pct) per batch in next(), "
                  f"{first * 1e6:.0f} us on the first batch of an epoch")


def run_mindspore(args):
    import mindspore.dataset as ds  # pylint: disable=import-outside-toplevel
    import mindspore.dataset.vision as CV  # pylint: disable=import-outside-toplevel
    import mindspore.dataset.transforms as C  # pylint: disable=import-outside-toplevel
    import mindspore.common.dtype as mstype  # pylint: disable=import-outside-toplevel
    import mindspore  # pylint: disable=import-outside-toplevel
    ds.config.set_num_parallel_workers(args.workers)
    T = dict(Resize=CV.Resize, Rescale=CV.Rescale, HWC2CHW=CV.HWC2CHW, RandomCrop=CV.RandomCrop,
             RandomHorizontalFlip=CV.RandomHorizontalFlip, TypeCast=lambda: C.TypeCast(mstype.int32),
             Normalize=CV.Normalize)
    print(f"MindSpore {mindspore.__version__} C++ engine; workers: {args.workers}; cpus: {os.cpu_count()}")
    for name in args.only.split(","):
        def make():
            d = msnn_pipeline(ds, name, args.data, args.workers, T, args.limit)
            return d.create_tuple_iterator(output_numpy=True, num_epochs=1)
        ips, n, cpu = timed(make, args.epochs)
        print(f"{name:6s} MindSpore {ips:9.0f} img/s ({cpu * 1e6:.0f} CPU-us/img)   ({n} images/epoch)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="/tmp/msnn-bench-data")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--only", default="lenet,resnet")
    p.add_argument("--limit", type=int, default=None, help="images per epoch (default: all)")
    p.add_argument("--step-ms", type=float, default=5.0,
                   help="simulated LeNet training step for the wait-in-next() figure (0: skip)")
    p.add_argument("--resnet-step-ms", type=float, default=40.0,
                   help="simulated ResNet-50 step (batch 32 on a GPU) for the wait-in-next() figure (0: skip)")
    p.add_argument("--wait-images", type=int, default=4096,
                   help="images per epoch of the wait-in-next() figure (3 epochs, one iterator)")
    p.add_argument("--skip-torch", action="store_true", help="do not time the plain torch DataLoader")
    p.add_argument("--mindspore", action="store_true", help="time MindSpore itself (run with the oracle's python)")
    args = p.parse_args(argv)
    if not os.path.isdir(os.path.join(args.data, "MNIST_Data")):
        subprocess.check_call([sys.executable, os.path.join(ROOT, "tools", "make_dataset_files.py"),
                               "--out", args.data, "--full", "--repeat", "42"])
    if args.mindspore:
        run_mindspore(args)
    else:
        run_msnn(args)


if __name__ == "__main__":
    main()
