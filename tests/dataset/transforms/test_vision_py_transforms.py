"""vision.py_transforms: PIL/numpy references of 0.1's Python transforms, random families, errors."""
import colorsys
import inspect
import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from PIL import Image

import msnn.dataset.transforms.vision.py_transforms as P
from msnn.dataset.transforms import _random
from msnn.dataset.transforms.vision import Inter, Border

RNG = np.random.RandomState(3)
ARR = RNG.randint(0, 256, (12, 10, 3)).astype(np.uint8)
IMG = Image.fromarray(ARR)


def test_ComposeOp_chain_and_errors():
    fn = P.ComposeOp([P.ToPIL(), P.RandomHorizontalFlip(1.0), P.ToTensor()])()
    out = fn(ARR)
    np.testing.assert_allclose(out, (ARR[:, ::-1].transpose(2, 0, 1) / 255.).astype(np.float32))
    with pytest.raises(TypeError, match="ComposeOp.*ToTensor"):
        P.ComposeOp([P.ToPIL()])()(ARR)
    with pytest.raises(TypeError, match="ComposeOp.*numpy"):
        P.ComposeOp([P.ToTensor()])()(IMG)


def test_ToType_casts_numpy():
    assert P.ToType(np.int16)(ARR).dtype == np.int16
    np.testing.assert_array_equal(P.ToType(np.float32)(ARR), ARR.astype(np.float32))


def test_ToTensor_ToType_HWC2CHW():
    out = P.ToTensor()(IMG)
    assert out.dtype == np.float32 and out.shape == (3, 12, 10)
    np.testing.assert_array_equal(out, (ARR.transpose(2, 0, 1) / 255.).astype(np.float32))
    assert P.ToTensor(np.float64)(ARR[:, :, 0]).shape == (1, 12, 10)
    np.testing.assert_array_equal(P.HWC2CHW()(ARR), ARR.transpose(2, 0, 1))
    with pytest.raises(TypeError, match="ToTensor"):
        P.ToTensor()([1, 2])
    with pytest.raises(TypeError, match="ToType"):
        P.ToType(np.int16)(IMG)
    with pytest.raises(ValueError, match="HWC2CHW"):
        P.HWC2CHW()(ARR[:, :, 0])


def test_ToPIL_Decode():
    assert P.ToPIL()(ARR).size == (10, 12) and P.ToPIL()(IMG) is IMG
    buf = io.BytesIO()
    IMG.save(buf, "PNG")
    out = P.Decode()(np.frombuffer(buf.getvalue(), np.uint8))
    assert out.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(out), ARR)
    with pytest.raises(ValueError, match="Decode"):
        P.Decode()(np.arange(5, dtype=np.uint8))


def test_Normalize_py_reference_and_errors():
    chw = RNG.rand(3, 4, 5).astype(np.float32)
    out = P.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.5])(chw)
    np.testing.assert_allclose(out, (chw - np.float32([0.5, 0.4, 0.3])[:, None, None]) /
                               np.float32([0.2, 0.25, 0.5])[:, None, None], rtol=1e-6)
    np.testing.assert_allclose(P.Normalize([0.5], [0.5])(chw), (chw - 0.5) / 0.5, rtol=1e-6)
    with pytest.raises(ValueError, match="Normalize"):
        P.Normalize([0.5, 0.5], [0.5, 0.5])(chw)
    with pytest.raises(ValueError, match="mean"):
        P.Normalize([1.5, 0, 0], [1, 1, 1])
    with pytest.raises(ValueError, match="lengths"):
        P.Normalize([0.5], [0.5, 0.5])


def test_Resize_py_smaller_edge_truncates():
    assert P.Resize(16)(Image.new("RGB", (23, 37))).size == (16, 25)  # int(16 * 37 / 23) = 25
    assert P.Resize(10)(Image.new("RGB", (10, 37))) is not None
    out = P.Resize((6, 4), Inter.NEAREST)(IMG)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(IMG.resize((4, 6), Image.Resampling.NEAREST)))
    with pytest.raises(TypeError, match="Resize.*PIL"):
        P.Resize(4)(ARR)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 16), st.integers(2, 16), st.integers(1, 10), st.integers(1, 10), st.integers(0, 3))
def test_RandomCrop_py_window(h, w, ch, cw, pad):
    arr = np.arange(h * w, dtype=np.uint8).reshape(h, w)
    op = P.RandomCrop((ch, cw), padding=pad, pad_if_needed=True)
    out = np.asarray(op(Image.fromarray(arr)))
    assert out.shape == (ch, cw)
    padded = np.pad(arr, pad)
    if padded.shape[0] >= ch and padded.shape[1] >= cw:
        assert any(np.array_equal(padded[y:y + ch, x:x + cw], out)
                   for y in range(padded.shape[0] - ch + 1) for x in range(padded.shape[1] - cw + 1))


def test_RandomHorizontalFlip_py_involution():
    for cls, method in ((P.RandomHorizontalFlip, np.fliplr), (P.RandomVerticalFlip, np.flipud)):
        op = cls(1.0)
        np.testing.assert_array_equal(np.asarray(op(IMG)), method(ARR))
        np.testing.assert_array_equal(np.asarray(op(op(IMG))), ARR)
        assert cls(0.0)(IMG) is IMG


def test_RandomVerticalFlip_py_rejects_numpy():
    with pytest.raises(TypeError, match="RandomVerticalFlip.*PIL"):
        P.RandomVerticalFlip()(ARR)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.floats(0.05, 1.0), st.floats(0.5, 2.0))
def test_RandomResizedCrop_py_shape(h, w, s, r):
    out = P.RandomResizedCrop((h, w), scale=(s / 2, s), ratio=(r / 2, r))(IMG)
    assert out.size == (w, h)


def test_CenterCrop_py_reference():
    np.testing.assert_array_equal(np.asarray(P.CenterCrop((4, 6))(IMG)), ARR[4:8, 2:8])


def test_RandomColorAdjust_py_factors():
    out = P.RandomColorAdjust(brightness=(0.5, 0.5))(Image.new("RGB", (2, 2), (100, 60, 20)))
    assert out.getpixel((0, 0)) == (50, 30, 10)
    # as in 0.1 every adjustment runs, hue 0 included: only PIL's HSV round trip changes the image
    np.testing.assert_array_equal(np.asarray(P.RandomColorAdjust()(IMG)), np.asarray(IMG.convert("HSV").convert("RGB")))
    with pytest.raises(ValueError, match="hue"):
        P.RandomColorAdjust(hue=(0.2, 0.7))


def test_RandomRotation_py():
    assert P.RandomRotation((90, 90), expand=True)(Image.new("RGB", (6, 4))).size == (4, 6)
    out = P.RandomRotation((180, 180))(IMG)
    np.testing.assert_array_equal(np.asarray(out), ARR[::-1, ::-1])
    with pytest.raises(ValueError, match="degrees"):
        P.RandomRotation(-1)


def test_RandomOrder_both_orders():
    order = P.RandomOrder([lambda x: x + [1], lambda x: x + [2]])
    assert {tuple(order([])) for _ in range(40)} == {(1, 2), (2, 1)}
    with pytest.raises(ValueError, match="transforms"):
        P.RandomOrder((lambda x: x,))


def test_RandomApply_probability():
    apply_ = P.RandomApply([lambda x: x + 1, lambda x: x * 10], prob=0.5)
    assert {apply_(0) for _ in range(40)} == {0, 10}
    assert P.RandomApply([lambda x: x + 1], prob=0.0)(0) == 0
    with pytest.raises(ValueError, match="prob"):
        P.RandomApply([lambda x: x], prob=2)


def test_RandomChoice_picks_one():
    choice = P.RandomChoice([lambda x: 1, lambda x: 2])
    assert {choice(0) for _ in range(40)} == {1, 2}


def test_RandomChoice_seeded_sequences_repeat():
    _random.set_seed(11)
    a, b = P.RandomChoice([lambda x: 1, lambda x: 2]), P.RandomChoice([lambda x: 1, lambda x: 2])
    _random.set_seed(None)
    assert [a(0) for _ in range(20)] == [b(0) for _ in range(20)]


def test_FiveCrop_corners_and_centre():
    crops = [np.asarray(c) for c in P.FiveCrop((4, 3))(IMG)]
    for got, want in zip(crops, (ARR[:4, :3], ARR[:4, -3:], ARR[-4:, :3], ARR[-4:, -3:], ARR[4:8, 4:7])):
        np.testing.assert_array_equal(got, want)


def test_TenCrop_flipped_half():
    ten = P.TenCrop((4, 3), use_vertical_flip=True)(IMG)
    assert len(ten) == 10
    np.testing.assert_array_equal(np.asarray(ten[5]), ARR[::-1][:4, :3])
    with pytest.raises(ValueError, match="FiveCrop"):
        P.FiveCrop(20)(IMG)


def test_Grayscale_one_or_three_channels():
    gray = np.asarray(P.Grayscale()(IMG))
    np.testing.assert_array_equal(gray, np.asarray(IMG.convert("L")))
    three = np.asarray(P.Grayscale(3)(IMG))
    assert three.shape == (12, 10, 3) and (three == gray[:, :, None]).all()
    with pytest.raises(ValueError, match="num_output_channels"):
        P.Grayscale(2)


def test_RandomGrayscale_keeps_channels():
    out = np.asarray(P.RandomGrayscale(1.0)(IMG))
    assert out.shape == (12, 10, 3)
    np.testing.assert_array_equal(out[:, :, 0], np.asarray(IMG.convert("L")))
    assert P.RandomGrayscale(0.0)(IMG) is IMG
    gray = IMG.convert("L")
    assert P.RandomGrayscale(1.0)(gray).mode == "L"


@pytest.mark.parametrize("mode", list(Border))
def test_Pad_py_modes(mode):
    out = np.asarray(P.Pad((1, 2, 3, 4), padding_mode=mode)(IMG))  # (left, top, right, bottom)
    want = np.pad(ARR, ((2, 4), (1, 3), (0, 0)), mode.value)
    np.testing.assert_array_equal(out, want)


def test_RandomPerspective_identity_and_shape():
    assert np.array_equal(np.asarray(P.RandomPerspective(0.0, 1.0, Inter.NEAREST)(IMG)), ARR)
    assert P.RandomPerspective(0.8, 1.0)(IMG).size == (10, 12)
    assert P.RandomPerspective(0.5, 0.0)(IMG) is IMG


def test_RandomErasing_fills_a_box():
    chw = np.ones((3, 20, 20), np.float32)
    out = P.RandomErasing(prob=1.0, value=(1, 2, 3))(chw)
    changed = np.any(out != chw, axis=0)
    assert changed.any() and np.all(out[0][changed] == 1) and np.all(out[2][changed] == 3)
    assert np.all(chw == 1)  # not in place by default
    ys, xs = np.nonzero(changed)
    assert changed.sum() == (ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1)  # one rectangle


def test_Cutout_zeroes_clipped_squares():
    chw = np.ones((3, 20, 20), np.float32)
    out = P.Cutout(4, 2)(chw)
    assert ((out == 0).all(axis=0)).sum() <= 32
    with pytest.raises(ValueError, match="value"):
        P.RandomErasing(value=(1, 2))
    with pytest.raises(TypeError, match="Cutout"):
        P.Cutout(4)(IMG)


def test_LinearTransformation_reference():
    x = RNG.rand(1, 2, 3)
    m, mu = RNG.rand(6, 6), RNG.rand(6)
    np.testing.assert_allclose(P.LinearTransformation(m, mu)(x), ((x.reshape(1, -1) - mu) @ m).reshape(x.shape))
    with pytest.raises(ValueError, match="transformation_matrix"):
        P.LinearTransformation(np.ones((2, 3)), np.ones(2))


def test_RandomAffine_identity_and_checks():
    np.testing.assert_array_equal(np.asarray(P.RandomAffine(0)(IMG)), ARR)
    assert P.RandomAffine(15, translate=(0.1, 0.2), scale=(0.9, 1.1), shear=10)(IMG).size == (10, 12)
    assert P.RandomAffine(5, shear=(1, 2)).shear == [1, 2, 0., 0.]
    with pytest.raises(ValueError, match="translate"):
        P.RandomAffine(5, translate=(0.1, 1.5))
    with pytest.raises(TypeError, match="scale"):
        P.RandomAffine(5, scale=0.5)
    with pytest.raises(TypeError, match="shear"):
        P.RandomAffine(5, shear=(1, 2, 3))


def test_MixUp_formula():
    img = RNG.rand(3, 2, 2, 2)
    label = np.eye(3)
    op = P.MixUp(3, 0.4)
    mixed, mixed_label = op(img, label)
    lam = mixed_label[np.arange(3), np.arange(3)]  # weight of each sample's own label
    np.testing.assert_allclose(mixed, lam[:, None, None, None] * img +
                               (1 - lam[:, None, None, None]) * img[[1, 2, 0]])
    multi = P.MixUp(3, 0.4, is_single=False)
    first, _ = multi(img, label)
    np.testing.assert_allclose(first, img)  # the first batch has no predecessor
    with pytest.raises(ValueError, match="alpha"):
        P.MixUp(3, 0)


def test_HsvToRgb_reference():
    hsv = RNG.rand(4, 5, 3)
    out = P.HsvToRgb(is_hwc=True)(hsv)
    np.testing.assert_allclose(out[2, 3], colorsys.hsv_to_rgb(*hsv[2, 3]))


def test_RgbToHsv_HsvToRgb_roundtrip():
    chw = RNG.rand(3, 4, 5)
    hsv = P.RgbToHsv()(chw)
    assert hsv.shape == chw.shape
    np.testing.assert_allclose(hsv[:, 1, 2], colorsys.rgb_to_hsv(*chw[:, 1, 2]))
    np.testing.assert_allclose(P.HsvToRgb()(hsv), chw, atol=1e-12)
    batch = np.stack([chw.transpose(1, 2, 0)] * 2)
    assert P.RgbToHsv(is_hwc=True)(batch).shape == (2, 4, 5, 3)
    with pytest.raises(TypeError, match="3 channels"):
        P.RgbToHsv()(np.zeros((2, 4, 4)))


_PY_SIGNATURES = {
    "ComposeOp": ["transforms"], "ToTensor": ["output_type"], "ToType": ["output_type"], "HWC2CHW": [],
    "ToPIL": [], "Decode": [], "Normalize": ["mean", "std"],
    "RandomCrop": ["size", "padding", "pad_if_needed", "fill_value", "padding_mode"],
    "RandomHorizontalFlip": ["prob"], "RandomVerticalFlip": ["prob"], "Resize": ["size", "interpolation"],
    "RandomResizedCrop": ["size", "scale", "ratio", "interpolation", "max_attempts"], "CenterCrop": ["size"],
    "RandomColorAdjust": ["brightness", "contrast", "saturation", "hue"],
    "RandomRotation": ["degrees", "resample", "expand", "center", "fill_value"], "RandomOrder": ["transforms"],
    "RandomApply": ["transforms", "prob"], "RandomChoice": ["transforms"], "FiveCrop": ["size"],
    "TenCrop": ["size", "use_vertical_flip"], "Grayscale": ["num_output_channels"], "RandomGrayscale": ["prob"],
    "Pad": ["padding", "fill_value", "padding_mode"], "RandomPerspective": ["distortion_scale", "prob", "interpolation"],
    "RandomErasing": ["prob", "scale", "ratio", "value", "inplace", "max_attempts"], "Cutout": ["length", "num_patches"],
    "LinearTransformation": ["transformation_matrix", "mean_vector"],
    "RandomAffine": ["degrees", "translate", "scale", "shear", "resample", "fill_value"],
    "MixUp": ["batch_size", "alpha", "is_single"], "RgbToHsv": ["is_hwc"], "HsvToRgb": ["is_hwc"]}


def test_ComposeOp_and_all_py_signatures_as_01():
    assert sorted(P.__all__) == sorted(_PY_SIGNATURES)
    for name, want in _PY_SIGNATURES.items():
        assert list(inspect.signature(getattr(P, name)).parameters) == want, name
    assert inspect.signature(P.RandomPerspective).parameters["interpolation"].default is Inter.BICUBIC
    assert inspect.signature(P.RandomGrayscale).parameters["prob"].default == 0.1
