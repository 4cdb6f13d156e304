"""vision c_transforms / py_transforms against MindSpore 2.10 goldens (tools/record_goldens_vision.py).

Exact equality for uint8 kernels; float32 tolerance where 2.10's float arithmetic differs from 0.1's
(Normalize's formula, float resize, ToTensor's division); bicubic Resize within 1 (2.10 no longer
uses OpenCV's INTER_CUBIC, 0.1 did and msnn does).
"""
import os

import numpy as np
import pytest
from PIL import Image

import msnn.dataset.transforms.c_transforms as T
import msnn.dataset.transforms.vision.c_transforms as V
import msnn.dataset.transforms.vision.py_transforms as P
from msnn.dataset.transforms.vision import Inter, Border

G = np.load(os.path.join(os.path.dirname(__file__), "..", "..", "data", "vision_goldens.npz"))
IN = {k[3:]: G[k] for k in G.files if k.startswith("in_")}


def _check(case, image, op, atol=0, rtol=0):
    out = op(IN[image])
    want = G["out_" + case]
    assert out.shape == want.shape and out.dtype == want.dtype, (case, out.shape, out.dtype)
    if atol == 0 and rtol == 0:
        np.testing.assert_array_equal(out, want, err_msg=case)
    else:
        np.testing.assert_allclose(out.astype(np.float64), want.astype(np.float64), atol=atol, rtol=rtol,
                                   err_msg=case)


_RESIZE = [(f"Resize_{im}_{h}x{w}_{m.name}", im, (h, w), m)
           for im, (h, w) in (("digit", (32, 32)), ("rgb", (50, 17)), ("rgb", (20, 11)))
           for m in (Inter.LINEAR, Inter.NEAREST, Inter.CUBIC)]


@pytest.mark.parametrize("case,image,size,mode", _RESIZE)
def test_Resize_golden(case, image, size, mode):
    _check(case, image, V.Resize(size, mode), atol=1 if mode == Inter.CUBIC else 0)


def test_Resize_golden_smaller_edge_and_float():
    _check("Resize_rgb_int40_NEAREST", "rgb", V.Resize(40, Inter.NEAREST))
    _check("Resize_f32_32x32_LINEAR", "f32", V.Resize((32, 32), Inter.LINEAR), atol=2e-5, rtol=1e-6)
    # 0.1 rounds the long edge with lround (37/23*16 = 25.7 -> 26); 2.10 truncates to 25
    out = V.Resize(16, Inter.LINEAR)(IN["rgb"])
    assert out.shape == (26, 16, 3)
    assert G["out_Resize_rgb_int16_LINEAR"].shape == (25, 16, 3)


def test_Rescale_golden():
    _check("Rescale_digit_mnist", "digit", V.Rescale(1.0 / 0.3081, -1 * 0.1307 / 0.3081))
    _check("Rescale_digit_255", "digit", V.Rescale(1.0 / 255.0, 0.0))
    _check("Rescale_f32", "f32", V.Rescale(2.5, -1.0))


def test_Normalize_golden():
    _check("Normalize_rgb", "rgb", V.Normalize([121.0, 115.0, 100.0], [70.0, 68.0, 71.0]), atol=1e-6)


def test_HWC2CHW_golden():
    _check("HWC2CHW_rgb", "rgb", V.HWC2CHW())


@pytest.mark.parametrize("case,image,size", [("CenterCrop_rgb_10", "rgb", 10), ("CenterCrop_rgb_40x20", "rgb", (40, 20)),
                                             ("CenterCrop_rgb_50x30", "rgb", (50, 30)),
                                             ("CenterCrop_digit_20", "digit", 20)])
def test_CenterCrop_golden(case, image, size):
    _check(case, image, V.CenterCrop(size))


@pytest.mark.parametrize("mode", list(Border))
def test_Pad_golden(mode):
    _check(f"Pad_rgb_3_{mode.name}", "rgb", V.Pad(3, 0, mode))


def test_Pad_golden_fill():
    _check("Pad_rgb_2_fill7", "rgb", V.Pad(2, 7, Border.CONSTANT))
    _check("Pad_digit_4", "digit", V.Pad(4, 0, Border.CONSTANT))


@pytest.mark.parametrize("mode", list(Border))
def test_RandomCrop_golden_padding(mode):
    # crop size == padded size: no random draw, the output is the padded image
    _check(f"RandomCrop_digit_pad4_{mode.name}", "digit", V.RandomCrop((36, 36), [4, 4, 4, 4], False, 0, mode))


def test_RandomCrop_golden_fill():
    _check("RandomCrop_rgb_pad2_fill9", "rgb", V.RandomCrop((41, 27), 2, False, 9, Border.CONSTANT))


def test_RandomHorizontalFlip_golden():
    _check("RandomHorizontalFlip_rgb", "rgb", V.RandomHorizontalFlip(1.0))


def test_RandomVerticalFlip_golden():
    _check("RandomVerticalFlip_rgb", "rgb", V.RandomVerticalFlip(1.0))


def test_RandomResizedCrop_golden_full_crop():
    _check("RandomResizedCrop_smooth_full", "smooth",
           V.RandomResizedCrop((8, 12), (1.0, 1.0), (1.0, 1.0), Inter.LINEAR, 10))


@pytest.mark.parametrize("name,kw", [("b13", dict(brightness=(1.3, 1.3))), ("b06", dict(brightness=(0.6, 0.6))),
                                     ("c15", dict(contrast=(1.5, 1.5))), ("c05", dict(contrast=(0.5, 0.5))),
                                     ("s17", dict(saturation=(1.7, 1.7))), ("s03", dict(saturation=(0.3, 0.3))),
                                     ("h01", dict(hue=(0.1, 0.1))), ("hm02", dict(hue=(-0.2, -0.2)))])
def test_RandomColorAdjust_golden(name, kw):
    _check(f"RandomColorAdjust_smooth_{name}", "smooth", V.RandomColorAdjust(**kw))


@pytest.mark.parametrize("case,args", [
    ("RandomRotation_rgb_30_NEAREST", ((30, 30), Inter.NEAREST, False, None, 0)),
    ("RandomRotation_rgb_30_LINEAR", ((30, 30), Inter.LINEAR, False, None, 0)),
    ("RandomRotation_rgb_m20_expand", ((-20, -20), Inter.NEAREST, True, None, 0)),
    ("RandomRotation_rgb_45_center_fill", ((45, 45), Inter.LINEAR, False, (3, 4), 9))])
def test_RandomRotation_golden(case, args):
    _check(case, "rgb", V.RandomRotation(*args))


@pytest.mark.parametrize("case,image", [("Decode_png", "png"), ("Decode_jpeg", "jpeg"), ("Decode_gray_png", "gray_png")])
def test_Decode_golden(case, image):
    _check(case, image, V.Decode())


def test_OneHot_golden():
    out = np.stack([T.OneHot(5)(np.array(k, np.int32)) for k in range(5)])
    np.testing.assert_array_equal(out, G["out_OneHot_5"])
    assert out.dtype == G["out_OneHot_5"].dtype


def _pil(fn):
    return lambda a: np.asarray(fn(Image.fromarray(a)))


def test_ToTensor_golden_py():
    _check("py_ToTensor_smooth", "smooth", P.ToTensor(), atol=1e-7)


def test_Resize_golden_py():
    _check("py_Resize_rgb_20x11", "rgb", _pil(P.Resize((20, 11), Inter.BILINEAR)))


def test_CenterCrop_golden_py():
    _check("py_CenterCrop_rgb_10", "rgb", _pil(P.CenterCrop(10)))


def test_Pad_golden_py():
    _check("py_Pad_rgb_1234", "rgb", _pil(P.Pad((1, 2, 3, 4))))
    _check("py_Pad_rgb_2_reflect", "rgb", _pil(P.Pad(2, 0, Border.REFLECT)))


def test_Grayscale_golden_py():
    _check("py_Grayscale_rgb", "rgb", _pil(P.Grayscale(3)))


def test_Normalize_golden_py():
    _check("py_Normalize_chw", "chw", P.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.5]), atol=1e-6)


def test_RgbToHsv_golden_py():
    _check("py_RgbToHsv_chw", "chw", P.RgbToHsv(False), atol=1e-6)


def _chain(ops):
    def run(x):
        for op in ops:
            x = op(x)
        return x
    return run


def test_Rescale_golden_lenet_pipeline():
    # example/lenet_mnist/dataset.py's image ops, in order
    _check("chain_lenet_digit", "digit", _chain([V.Resize((32, 32), interpolation=Inter.LINEAR),
                                                 V.Rescale(1.0 / 255.0, 0.0),
                                                 V.Rescale(1 / 0.3081, -1 * 0.1307 / 0.3081), V.HWC2CHW()]))


def test_Normalize_golden_cifar_pipeline():
    # example/resnet50_cifar10/dataset.py's deterministic image ops (2.10's Normalize formula: tolerance)
    _check("chain_cifar_rgb", "rgb", _chain([V.Resize((20, 16)), V.Rescale(1.0 / 255.0, 0.0),
                                             V.Normalize([0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.2010]),
                                             V.HWC2CHW()]), atol=2e-6)
