"""Write MNIST-idx, CIFAR-10/100-binary and BERT-like TFRecord files from examples/data/digits.npz.

The 8x8 digits (grey levels 0..16) are upscaled deterministically: grey levels to 0..255
(``v * 255 // 16``); MNIST images are the digit repeated 3x3 (24x24) centred in 28x28 zeros;
CIFAR images are the digit repeated 4x4 (32x32) with three different channels (R = digit,
G = digit transposed, B = 255 - digit). Labels are the digits (CIFAR-100: coarse = digit // 2,
fine = 10 * digit + index % 10).

    python tools/make_dataset_files.py                 # the small files committed under tests/data/
    python tools/make_dataset_files.py --out DIR --full  # every digit: DIR/MNIST_Data/{train,test},
                                                         # DIR/cifar-10-batches-bin, ..., DIR/bert,
                                                         # DIR/coco (yolov3's JPEGs + annotations)

The full layout is what the 0.1 examples expect: ``MNIST_Data/train`` and ``MNIST_Data/test``
(lenet), ``cifar-10-batches-bin`` and ``cifar-10-verify-bin`` (vgg16; alexnet and resnet50 take the
directory itself).
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from msnn.dataset.engine._formats import encode_example, write_tfrecord  # noqa: E402


def load_digits():
    d = np.load(os.path.join(ROOT, "examples", "data", "digits.npz"))
    return d["x_train"], d["y_train"], d["x_test"], d["y_test"]


def grey(x):
    return (x.astype(np.uint32) * 255 // 16).astype(np.uint8)


def mnist_images(x, smooth=False, shift=(0, 0)):
    """28x28 MNIST-style images. ``smooth`` (the --full sets): bilinear 8->24 upscaling thresholded at
    half intensity, which survives MnistDataset's binarisation (every non-zero pixel becomes 255)
    better than blocks of grey; ``shift`` moves the digit inside its 2-pixel border."""
    if smooth:
        up = torch.nn.functional.interpolate(torch.from_numpy(x.astype(np.float32))[:, None] / 16.0,
                                             size=(24, 24), mode="bilinear", align_corners=False)
        big = np.where(up[:, 0].numpy() >= 0.5, 255, 0).astype(np.uint8)
    else:
        big = np.kron(grey(x), np.ones((3, 3), np.uint8))  # (N, 24, 24)
    out = np.zeros((len(x), 28, 28), np.uint8)
    dy, dx = shift
    out[:, 2 + dy:26 + dy, 2 + dx:26 + dx] = big
    return out


def cifar_images(x):
    g = np.kron(grey(x), np.ones((4, 4), np.uint8))  # (N, 32, 32)
    return np.stack([g, g.transpose(0, 2, 1), 255 - g], axis=1)  # (N, 3, 32, 32) CHW


def write_mnist(directory, prefix, x, y, images=None):
    os.makedirs(directory, exist_ok=True)
    images = mnist_images(x) if images is None else images
    with open(os.path.join(directory, f"{prefix}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, len(x), 28, 28) + images.tobytes())
    with open(os.path.join(directory, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, len(y)) + y.astype(np.uint8).tobytes())


def write_cifar10(path, x, y):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img = cifar_images(x).reshape(len(x), -1)
    rec = np.concatenate([y.astype(np.uint8)[:, None], img], axis=1)
    rec.tofile(path)


def write_cifar100(path, x, y, start):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img = cifar_images(x).reshape(len(x), -1)
    coarse = (y // 2).astype(np.uint8)
    fine = (10 * y.astype(np.int64) + (np.arange(start, start + len(y)) % 10)).astype(np.uint8)
    rec = np.concatenate([coarse[:, None], fine[:, None], img], axis=1)
    rec.tofile(path)


BERT_SCHEMA = {
    "datasetType": "TF",
    "numRows": 0,
    "columns": {
        "input_ids": {"type": "DE_INT64", "rank": 1, "shape": [128]},
        "input_mask": {"type": "DE_INT64", "rank": 1, "shape": [128]},
        "segment_ids": {"type": "DE_INT64", "rank": 1, "shape": [128]},
        "next_sentence_labels": {"type": "DE_INT64", "rank": 1, "shape": [1]},
        "masked_lm_positions": {"type": "DE_INT64", "rank": 1, "shape": [20]},
        "masked_lm_ids": {"type": "DE_INT64", "rank": 1, "shape": [20]},
        "masked_lm_weights": {"type": "DE_FLOAT32", "rank": 1, "shape": [20]},
    },
}


def bert_features(x, y, i):
    """One BERT-pretraining-shaped example from digit i: tokens are 1000 + grey levels."""
    tokens = (1000 + x.reshape(-1).astype(np.int64))  # 64 tokens
    n = 2 + len(tokens)  # [CLS] tokens [SEP]
    ids = np.zeros(128, np.int64)
    ids[:n] = np.concatenate([[101], tokens, [102]])
    mask = np.zeros(128, np.int64)
    mask[:n] = 1
    seg = np.zeros(128, np.int64)
    seg[34:n] = 1
    k = 1 + int(y) % 19
    pos = np.zeros(20, np.int64)
    pos[:k] = np.arange(1, 1 + 3 * k, 3)
    lm_ids = np.zeros(20, np.int64)
    lm_ids[:k] = ids[pos[:k]]
    w = np.zeros(20, np.float32)
    w[:k] = 1.0
    return {"input_ids": ids, "input_mask": mask, "segment_ids": seg,
            "next_sentence_labels": np.array([i % 2], np.int64), "masked_lm_positions": pos,
            "masked_lm_ids": lm_ids, "masked_lm_weights": w}


def write_bert(directory, x, y):
    os.makedirs(directory, exist_ok=True)
    payloads = [encode_example(bert_features(x[i], y[i], i)) for i in range(len(x))]
    write_tfrecord(os.path.join(directory, "examples.tfrecord"), payloads)
    schema = dict(BERT_SCHEMA, numRows=len(x))
    with open(os.path.join(directory, "datasetSchema.json"), "w", encoding="utf-8") as f:
        json.dump(schema, f, indent=2)
        f.write("\n")


def write_yolo(directory, x, y, count=8, seed=0):
    """COCO-style detection data as 0.1's yolov3_coco2017 example reads it: ``train2017/`` holding
    JPEG photos (640x480 RGB, grey noise with 1-3 digits upscaled 6-12x and pasted at random places)
    and ``train.txt``, one line per image: ``<image path> x1,y1,x2,y2,class ...`` (class = the digit,
    one of COCO's 80 ids). Needs Pillow."""
    from PIL import Image  # pylint: disable=import-outside-toplevel
    rng = np.random.RandomState(seed)
    images = os.path.join(directory, "train2017")
    os.makedirs(images, exist_ok=True)
    lines = []
    for n in range(count):
        canvas = rng.randint(90, 160, (480, 640, 3)).astype(np.uint8)
        boxes = []
        for _ in range(1 + n % 3):
            i = rng.randint(len(x))
            scale = rng.randint(6, 13)
            side = 8 * scale
            x1, y1 = rng.randint(0, 640 - side), rng.randint(0, 480 - side)
            digit = np.kron(grey(x[i]), np.ones((scale, scale), np.uint8))
            canvas[y1:y1 + side, x1:x1 + side] = np.stack([digit, 255 - digit, digit // 2], axis=-1)
            boxes.append(f"{x1},{y1},{x1 + side},{y1 + side},{int(y[i])}")
        name = f"{n:012d}.jpg"
        Image.fromarray(canvas).save(os.path.join(images, name), quality=90)
        lines.append(" ".join([f"dataset/coco/train2017/{name}"] + boxes))
    with open(os.path.join(directory, "train.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def write_imagefolder(directory, x, y):
    """Tiny class folders of raw PGM images (decoding is the vision transforms' job)."""
    for i in range(len(x)):
        folder = os.path.join(directory, f"class_{int(y[i])}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"img_{i:03d}.pgm"), "wb") as f:
            f.write(b"P5 8 8 255\n" + grey(x[i]).tobytes())


def small(out):
    xtr, ytr, xte, yte = load_digits()
    write_mnist(os.path.join(out, "mnist", "train"), "train", xtr[:64], ytr[:64])
    write_mnist(os.path.join(out, "mnist", "test"), "t10k", xte[:32], yte[:32])
    c10 = os.path.join(out, "cifar10")
    write_cifar10(os.path.join(c10, "data_batch_1.bin"), xtr[:16], ytr[:16])
    write_cifar10(os.path.join(c10, "data_batch_2.bin"), xtr[16:24], ytr[16:24])
    write_cifar10(os.path.join(c10, "test_batch.bin"), xte[:8], yte[:8])
    c100 = os.path.join(out, "cifar100")
    write_cifar100(os.path.join(c100, "train.bin"), xtr[:12], ytr[:12], 0)
    write_cifar100(os.path.join(c100, "test.bin"), xte[:8], yte[:8], 0)
    write_bert(os.path.join(out, "bert"), xtr[:16], ytr[:16])
    write_imagefolder(os.path.join(out, "imagefolder"), xtr[:4], np.array([0, 0, 1, 1]))


_SHIFTS = [(0, 0), (1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1), (2, 0), (0, 2),
           (-2, 0), (0, -2)]


def full(out, repeat):
    xtr0, ytr0, xte, yte = load_digits()
    xtr, ytr = np.concatenate([xtr0] * repeat), np.concatenate([ytr0] * repeat)
    # MNIST: each repetition of the training digits is shifted differently (a real augmentation)
    train_images = np.concatenate([mnist_images(xtr0, True, _SHIFTS[r % len(_SHIFTS)]) for r in range(repeat)])
    write_mnist(os.path.join(out, "MNIST_Data", "train"), "train", xtr, ytr, train_images)
    write_mnist(os.path.join(out, "MNIST_Data", "test"), "t10k", xte, yte, mnist_images(xte, True))
    tr = os.path.join(out, "cifar-10-batches-bin")
    half = len(xtr) // 2
    write_cifar10(os.path.join(tr, "data_batch_1.bin"), xtr[:half], ytr[:half])
    write_cifar10(os.path.join(tr, "data_batch_2.bin"), xtr[half:], ytr[half:])
    write_cifar10(os.path.join(out, "cifar-10-verify-bin", "test_batch.bin"), xte, yte)
    write_cifar100(os.path.join(out, "cifar-100-binary", "train.bin"), xtr, ytr, 0)
    write_cifar100(os.path.join(out, "cifar-100-binary", "test.bin"), xte, yte, 0)
    write_bert(os.path.join(out, "bert"), xtr[:1024], ytr[:1024])
    try:
        write_yolo(os.path.join(out, "coco"), xtr, ytr)
    except ImportError:
        print("Pillow is not installed: no COCO-style files (yolov3)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(ROOT, "tests", "data"))
    p.add_argument("--full", action="store_true", help="every digit, in the 0.1 examples' directory layout")
    p.add_argument("--repeat", type=int, default=1, help="with --full: repeat the training digits N times")
    args = p.parse_args(argv)
    if args.full:
        full(args.out, args.repeat)
    else:
        small(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
