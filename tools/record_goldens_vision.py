"""Record image-transform goldens from real MindSpore 2.10 CPU (``mindspore.dataset.vision``).

Run with the oracle venv (``bash /work/shared/tools/oracle-env.sh`` prints its python)::

    ~/.cache/msnn-oracle/bin/python tools/record_goldens_vision.py

MindSpore 2.x renamed ``mindspore.dataset.transforms.vision.c_transforms.X`` to
``mindspore.dataset.vision.X``; its kernels are still OpenCV for the deterministic cases recorded
here. Every argument is passed explicitly. Random transforms are recorded only with parameters
that make them deterministic (prob=1, a degenerate factor range, a crop equal to the padded image,
a fixed rotation angle). Inputs are synthetic (seeded numpy) or digits from examples/data/digits.npz
upscaled to 28x28 (MNIST-like). Where 2.10 changed 0.1's semantics (Normalize's formula, Rescale
on float input, bicubic Resize) the test compares with a tolerance or a numpy reference of 0.1's
code instead; see tests/dataset/transforms/test_vision_goldens.py.

msnn reproduces these with opencv-python-headless 4.x (4.14 measured): OpenCV 5.0 changed
warpAffine's rounding, and its RandomRotation outputs differ from these by up to 246 on edge pixels.

Output: tests/data/vision_goldens.npz, keys ``in_<name>`` (inputs) and ``out_<case>`` (outputs).
"""
import io
import os

import numpy as np
from PIL import Image
import mindspore as ms
import mindspore.dataset.vision as v
import mindspore.dataset.transforms as t
from mindspore.dataset.vision import Inter, Border

assert ms.__version__.startswith("2.10"), ms.__version__

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "data", "vision_goldens.npz")


def inputs():
    rng = np.random.RandomState(20200328)
    digits = np.load(os.path.join(ROOT, "examples", "data", "digits.npz"))["x_test"][:2]
    digit = np.minimum(digits[0].astype(np.int32) * 16, 255).astype(np.uint8)
    digit = np.pad(np.repeat(np.repeat(digit, 3, 0), 3, 1), 2)[:, :, None]  # (28, 28, 1)
    rgb = rng.randint(0, 256, (37, 23, 3)).astype(np.uint8)
    yy, xx = np.mgrid[0:16, 0:16]
    smooth = np.stack([xx * 15, yy * 15, (xx + yy) * 7 + 10], axis=2).astype(np.uint8)
    smooth = np.clip(smooth.astype(np.int32) + rng.randint(-10, 11, smooth.shape), 0, 255).astype(np.uint8)
    f32 = (rng.rand(20, 18, 3) * 100).astype(np.float32)
    chw = rng.rand(3, 6, 5).astype(np.float32)

    def encode(arr, fmt, **kw):
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, fmt, **kw)
        return np.frombuffer(buf.getvalue(), np.uint8)

    return {"digit": digit, "rgb": rgb, "smooth": smooth, "f32": f32, "chw": chw,
            "png": encode(rgb, "PNG"), "jpeg": encode(smooth, "JPEG", quality=90),
            "gray_png": encode(digit[:, :, 0], "PNG")}


def cases():
    """(case, input, transform): 2.10 spellings of the 0.1 transforms."""
    out = []
    for im, size in (("digit", (32, 32)), ("rgb", (50, 17)), ("rgb", (20, 11))):
        for mode in (Inter.LINEAR, Inter.NEAREST, Inter.CUBIC):
            out.append((f"Resize_{im}_{size[0]}x{size[1]}_{mode.name}", im, v.Resize(size, mode)))
    out += [("Resize_rgb_int16_LINEAR", "rgb", v.Resize(16, Inter.LINEAR)),
            ("Resize_rgb_int40_NEAREST", "rgb", v.Resize(40, Inter.NEAREST)),
            ("Resize_f32_32x32_LINEAR", "f32", v.Resize((32, 32), Inter.LINEAR)),
            ("Rescale_digit_mnist", "digit", v.Rescale(1.0 / 0.3081, -1 * 0.1307 / 0.3081)),
            ("Rescale_digit_255", "digit", v.Rescale(1.0 / 255.0, 0.0)),
            ("Rescale_f32", "f32", v.Rescale(2.5, -1.0)),
            ("Normalize_rgb", "rgb", v.Normalize([121.0, 115.0, 100.0], [70.0, 68.0, 71.0], True)),
            ("HWC2CHW_rgb", "rgb", v.HWC2CHW()),
            ("CenterCrop_rgb_10", "rgb", v.CenterCrop(10)),
            ("CenterCrop_rgb_40x20", "rgb", v.CenterCrop((40, 20))),
            ("CenterCrop_rgb_50x30", "rgb", v.CenterCrop((50, 30))),
            ("CenterCrop_digit_20", "digit", v.CenterCrop(20))]
    for mode in (Border.CONSTANT, Border.EDGE, Border.REFLECT, Border.SYMMETRIC):
        out.append((f"Pad_rgb_3_{mode.name}", "rgb", v.Pad(3, 0, mode)))
        out.append((f"RandomCrop_digit_pad4_{mode.name}", "digit",
                    v.RandomCrop((36, 36), [4, 4, 4, 4], False, 0, mode)))
    out += [("Pad_rgb_2_fill7", "rgb", v.Pad(2, 7, Border.CONSTANT)),
            ("Pad_digit_4", "digit", v.Pad(4, 0, Border.CONSTANT)),
            ("RandomCrop_rgb_pad2_fill9", "rgb", v.RandomCrop((41, 27), 2, False, 9, Border.CONSTANT)),
            ("RandomHorizontalFlip_rgb", "rgb", v.RandomHorizontalFlip(1.0)),
            ("RandomVerticalFlip_rgb", "rgb", v.RandomVerticalFlip(1.0)),
            ("RandomResizedCrop_smooth_full", "smooth",
             v.RandomResizedCrop((8, 12), (1.0, 1.0), (1.0, 1.0), Inter.LINEAR, 10))]
    for name, kw in (("b13", dict(brightness=(1.3, 1.3))), ("b06", dict(brightness=(0.6, 0.6))),
                     ("c15", dict(contrast=(1.5, 1.5))), ("c05", dict(contrast=(0.5, 0.5))),
                     ("s17", dict(saturation=(1.7, 1.7))), ("s03", dict(saturation=(0.3, 0.3))),
                     ("h01", dict(hue=(0.1, 0.1))), ("hm02", dict(hue=(-0.2, -0.2)))):
        args = dict(brightness=(1, 1), contrast=(1, 1), saturation=(1, 1), hue=(0, 0))
        args.update(kw)
        out.append((f"RandomColorAdjust_smooth_{name}", "smooth", v.RandomColorAdjust(**args)))
    out += [("RandomRotation_rgb_30_NEAREST", "rgb", v.RandomRotation((30, 30), Inter.NEAREST, False, None, 0)),
            ("RandomRotation_rgb_30_LINEAR", "rgb", v.RandomRotation((30, 30), Inter.LINEAR, False, None, 0)),
            ("RandomRotation_rgb_m20_expand", "rgb", v.RandomRotation((-20, -20), Inter.NEAREST, True, None, 0)),
            ("RandomRotation_rgb_45_center_fill", "rgb",
             v.RandomRotation((45, 45), Inter.LINEAR, False, (3, 4), 9)),
            ("Decode_png", "png", v.Decode(False)),
            ("Decode_jpeg", "jpeg", v.Decode(False)),
            ("Decode_gray_png", "gray_png", v.Decode(False))]
    return out


def py_cases():
    """PIL-path goldens for vision.py_transforms (2.10 runs the PIL kernels on PIL images)."""
    return [("py_ToTensor_smooth", "smooth", lambda a: v.ToTensor(np.float32)(a)),
            ("py_Resize_rgb_20x11", "rgb", lambda a: np.asarray(v.Resize((20, 11), Inter.BILINEAR)(Image.fromarray(a)))),
            ("py_CenterCrop_rgb_10", "rgb", lambda a: np.asarray(v.CenterCrop(10)(Image.fromarray(a)))),
            ("py_Pad_rgb_1234", "rgb", lambda a: np.asarray(v.Pad((1, 2, 3, 4), 0, Border.CONSTANT)(Image.fromarray(a)))),
            ("py_Pad_rgb_2_reflect", "rgb", lambda a: np.asarray(v.Pad(2, 0, Border.REFLECT)(Image.fromarray(a)))),
            ("py_Grayscale_rgb", "rgb", lambda a: np.asarray(v.Grayscale(3)(Image.fromarray(a)))),
            ("py_Normalize_chw", "chw", lambda a: v.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.5], False)(a)),
            ("py_RgbToHsv_chw", "chw", lambda a: v.RgbToHsv(False)(a))]


def main():
    ins = inputs()
    data = {f"in_{k}": a for k, a in ins.items()}
    for case, im, op in cases():
        data[f"out_{case}"] = np.asarray(op(ins[im]))
    for case, im, fn in py_cases():
        data[f"out_{case}"] = np.asarray(fn(ins[im]))
    # the example pipelines' deterministic image chains (lenet_mnist, resnet50/vgg16 cifar10 eval)
    lenet = [v.Resize((32, 32), Inter.LINEAR), v.Rescale(1.0 / 255.0, 0.0),
             v.Rescale(1 / 0.3081, -1 * 0.1307 / 0.3081), v.HWC2CHW()]
    cifar = [v.Resize((20, 16), Inter.LINEAR), v.Rescale(1.0 / 255.0, 0.0),
             v.Normalize([0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.2010], True), v.HWC2CHW()]
    for case, im, chain in (("chain_lenet_digit", "digit", lenet), ("chain_cifar_rgb", "rgb", cifar)):
        x = ins[im]
        for op in chain:
            x = op(x)
        data[f"out_{case}"] = np.asarray(x)
    data["out_OneHot_5"] = np.stack([t.OneHot(5)(np.array(k, np.int32)) for k in range(5)])
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT}: {len(data)} arrays, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
