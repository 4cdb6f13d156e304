"""vision.c_transforms: numpy references of 0.1's kernels, random families (hypothesis), bad inputs,
constructor checks and signatures."""
import inspect

import cv2
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import msnn.dataset.transforms.vision.c_transforms as V
from msnn.dataset.transforms import _random
from msnn.dataset.transforms.vision import Inter, Border

RNG = np.random.RandomState(7)
RGB = RNG.randint(0, 256, (12, 10, 3)).astype(np.uint8)
GRAY = RNG.randint(0, 256, (9, 11, 1)).astype(np.uint8)


@pytest.fixture
def seeded():
    _random.set_seed(1234)
    yield
    _random.set_seed(None)


def _images(min_side=1, max_side=20, channels=(1, 3)):
    return st.tuples(st.integers(min_side, max_side), st.integers(min_side, max_side), st.sampled_from(channels),
                     st.integers(0, 2 ** 31 - 1)).map(
        lambda t: np.random.RandomState(t[3]).randint(0, 256, (t[0], t[1], t[2])).astype(np.uint8))


def test_Inter_values_as_01():
    assert [int(m) for m in (Inter.NEAREST, Inter.LINEAR, Inter.CUBIC)] == [0, 1, 2]
    assert Inter.BILINEAR is Inter.LINEAR and Inter.BICUBIC is Inter.CUBIC and len(Inter) == 3


def test_Border_values_as_01():
    assert [b.value for b in Border] == ["constant", "edge", "reflect", "symmetric"]
    assert isinstance(Border.EDGE, str) and Border("reflect") is Border.REFLECT


# ---- numpy references of 0.1's formulas -------------------------------------------------------

def test_Rescale_matches_convertTo_reference():
    x = np.arange(256, dtype=np.uint8).reshape(16, 16, 1)
    a, b = 1 / 0.3081, -0.1307 / 0.3081
    ref = (x.astype(np.float64) * np.float64(np.float32(a)) + np.float64(np.float32(b))).astype(np.float32)
    out = V.Rescale(a, b)(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, ref)
    np.testing.assert_allclose(out, x * a + b, rtol=2e-7, atol=1e-6)


def test_Rescale_batch_equals_per_image():
    op = V.Rescale(1 / 255.0, 0.0)
    batch = np.stack([RGB, RGB[::-1]])
    np.testing.assert_array_equal(op.batch(batch), np.stack([op(RGB), op(RGB[::-1])]))


def test_Normalize_matches_01_formula():
    mean, std = [0.4914 * 255, 0.4822 * 255, 0.4465 * 255], [0.2023 * 255, 0.1994 * 255, 0.2010 * 255]
    out = V.Normalize(mean, std)(RGB)
    m, s = np.float32(mean), np.float32(std)
    alpha = (1.0 / s.astype(np.float64)).astype(np.float32).astype(np.float64)
    beta = (-(m / s)).astype(np.float64)
    np.testing.assert_array_equal(out, (RGB * alpha + beta).astype(np.float32))
    np.testing.assert_allclose(out, (RGB - m) / s, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(V.Normalize(mean, std).batch(np.stack([RGB, RGB])), np.stack([out, out]))


def test_HWC2CHW_values():
    out = V.HWC2CHW()(RGB)
    np.testing.assert_array_equal(out, RGB.transpose(2, 0, 1))
    assert out.flags.c_contiguous
    np.testing.assert_array_equal(V.HWC2CHW().batch(np.stack([RGB])), RGB.transpose(2, 0, 1)[None])


def test_Pad_01_argument_order_and_fill_order():
    # 0.1's code read (a, b, c, d) as top=a, bottom=b, left=c, right=d
    out = V.Pad((1, 2, 3, 4))(RGB)
    assert out.shape == (12 + 1 + 2, 10 + 3 + 4, 3)
    np.testing.assert_array_equal(out[1:13, 3:13], RGB)
    out = V.Pad((1, 2))(RGB)  # top=1, bottom=2, left=1, right=2
    assert out.shape == (15, 13, 3)
    np.testing.assert_array_equal(out[1:13, 1:11], RGB)
    # cv::Scalar(fill_b, fill_g, fill_r) on an RGB image: channel 0 gets the last value
    out = V.Pad(1, fill_value=(10, 20, 30))(RGB)
    np.testing.assert_array_equal(out[0, 0], [30, 20, 10])
    np.testing.assert_array_equal(V.Pad(1, fill_value=(10, 20, 30))(GRAY)[0, 0], [30])


@pytest.mark.parametrize("mode,np_mode", [(Border.EDGE, "edge"), (Border.REFLECT, "reflect"),
                                          (Border.SYMMETRIC, "symmetric"), (Border.CONSTANT, "constant")])
def test_Pad_modes_match_numpy(mode, np_mode):
    out = V.Pad(2, padding_mode=mode)(GRAY)
    np.testing.assert_array_equal(out, np.pad(GRAY, ((2, 2), (2, 2), (0, 0)), np_mode))


def test_CenterCrop_reference():
    np.testing.assert_array_equal(V.CenterCrop((4, 6))(RGB), RGB[4:8, 2:8])
    out = V.CenterCrop((15, 6))(RGB)  # pad rows (2 top, 1 bottom), then crop columns
    np.testing.assert_array_equal(out, np.pad(RGB, ((2, 1), (0, 0), (0, 0)))[:, 2:8])


@pytest.mark.parametrize("alpha", [0.0, 0.35, 0.5, 1.3, 1.75, 2.9])
def test_RandomColorAdjust_brightness_reference(alpha):
    out = V.RandomColorAdjust(brightness=(alpha, alpha))(RGB)
    np.testing.assert_array_equal(out, np.clip(np.rint(RGB.astype(np.float32) * np.float32(alpha)), 0, 255))


def test_RandomColorAdjust_identity_and_errors():
    np.testing.assert_array_equal(V.RandomColorAdjust()(RGB), RGB)
    with pytest.raises(RuntimeError, match=r"RandomColorAdjust.*<H,W,3>.*\(9, 11, 1\)"):
        V.RandomColorAdjust(brightness=0.5)(GRAY)
    with pytest.raises(ValueError, match="brightness"):
        V.RandomColorAdjust(brightness=-1)
    with pytest.raises(ValueError, match="hue"):
        V.RandomColorAdjust(hue=(0.2, 0.7))
    with pytest.raises(TypeError, match="contrast"):
        V.RandomColorAdjust(contrast="a")
    assert V.RandomColorAdjust(saturation=0.5).saturation == (0.5, 1.5)
    assert V.RandomColorAdjust(hue=0.2).hue == (-0.2, 0.2)


def test_Resize_smaller_edge_rounds_like_01():
    assert V.Resize(16)(np.zeros((37, 23, 3), np.uint8)).shape == (26, 16, 3)
    assert V.Resize(10)(np.zeros((8, 20, 1), np.uint8)).shape == (10, 25, 1)
    assert V.Resize((5, 7))(np.zeros((9, 9), np.uint8)).shape == (5, 7)
    out = V.Resize((32, 32), Inter.LINEAR)(GRAY)
    np.testing.assert_array_equal(out[:, :, 0], cv2.resize(GRAY[:, :, 0], (32, 32), interpolation=cv2.INTER_LINEAR))
    np.testing.assert_array_equal(V.Resize((4, 4)).batch(np.stack([RGB, RGB])), np.stack([V.Resize((4, 4))(RGB)] * 2))


@pytest.mark.parametrize("mode", list(Inter))
@pytest.mark.parametrize("shape,dtype", [((600, 28, 28, 1), np.uint8), ((5, 9, 11, 3), np.uint8),
                                         ((4, 9, 11, 3), np.float32)])
def test_Resize_batch_equals_per_image(mode, shape, dtype):
    batch = (np.random.RandomState(1).rand(*shape) * 255).astype(dtype)
    op = V.Resize((32, 30), mode)
    np.testing.assert_array_equal(op.batch(batch), np.stack([op(img) for img in batch]))
    assert V.Resize(16, mode).batch(batch[:2]).shape[1:3] == V.Resize(16, mode)(batch[0]).shape[:2]


# ---- random families -------------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(_images(), st.integers(1, 12), st.integers(1, 12), st.integers(0, 4))
def test_RandomCrop_window_of_padded_image(img, h, w, pad):
    op = V.RandomCrop((h, w), padding=pad, pad_if_needed=True)
    out = op(img)
    assert out.shape == (h, w, img.shape[2]) and out.dtype == img.dtype
    padded = np.pad(img, ((pad, pad), (pad, pad), (0, 0)))
    ph, pw = padded.shape[:2]
    if ph >= h and pw >= w:  # no pad_if_needed: the crop is a window of the padded image
        assert any(np.array_equal(padded[y:y + h, x:x + w], out)
                   for y in range(ph - h + 1) for x in range(pw - w + 1))


def test_RandomCrop_too_small_raises():
    with pytest.raises(RuntimeError, match=r"RandomCrop.*\(12, 10, 3\)"):
        V.RandomCrop(20)(RGB)


@settings(max_examples=25, deadline=None)
@given(_images(), st.sampled_from([V.RandomHorizontalFlip, V.RandomVerticalFlip]))
def test_RandomHorizontalFlip_involution(img, cls):
    op = cls(1.0)
    np.testing.assert_array_equal(op(op(img)), img)
    axis = 1 if cls is V.RandomHorizontalFlip else 0
    np.testing.assert_array_equal(op(img), np.flip(img, axis))
    np.testing.assert_array_equal(cls(0.0)(img), img)


def test_RandomVerticalFlip_probability(seeded):
    op = V.RandomVerticalFlip(0.3)
    flips = sum(not np.array_equal(op(RGB), RGB) for _ in range(2000))
    assert 500 < flips < 700


@settings(max_examples=30, deadline=None)
@given(_images(min_side=2), st.integers(1, 16), st.integers(1, 16),
       st.floats(0.05, 1.0), st.floats(0.3, 3.0), st.sampled_from(list(Inter)))
def test_RandomResizedCrop_shape_and_range(img, h, w, s, r, mode):
    op = V.RandomResizedCrop((h, w), scale=(s / 2, s), ratio=(r / 2, r), interpolation=mode)
    out = op(img)
    assert out.shape == (h, w, img.shape[2]) and out.dtype == np.uint8
    if mode == Inter.NEAREST:  # nearest picks existing pixel values only
        assert set(np.unique(out)) <= set(np.unique(img))


def test_RandomCropDecodeResize_shape():
    png = np.frombuffer(cv2.imencode(".png", RGB)[1], np.uint8)
    out = V.RandomCropDecodeResize((6, 5), scale=(1.0, 1.0), ratio=(1.2, 1.2))(png)
    assert out.shape == (6, 5, 3)
    with pytest.raises(RuntimeError, match="RandomCropDecodeResize"):
        V.RandomCropDecodeResize(4)(RGB)


@settings(max_examples=25, deadline=None)
@given(_images(min_side=3, channels=(3,)), st.integers(1, 3), st.integers(1, 3))
def test_CutOut_only_zeroes_patches(img, length, num):
    length = min(length, *img.shape[:2])
    out = V.CutOut(length, num)(img)
    changed = np.any(out != img, axis=2)
    assert out.shape == img.shape
    assert np.all(out[changed] == 0)
    assert changed.sum() <= length * length * num


def test_RandomResize_is_one_of_the_four_modes(seeded):
    op = V.RandomResize((7, 5))
    refs = [cv2.resize(RGB, (5, 7), interpolation=m) for m in (0, 1, 2, 3)]
    for _ in range(10):
        out = op(RGB)
        assert any(np.array_equal(out, r) for r in refs)


def test_RandomRotation_angle_range_and_expand(seeded):
    img = np.zeros((9, 9, 3), np.uint8)
    img[4, 7] = 255  # a dot right of the centre: rotation keeps its distance to the centre
    op = V.RandomRotation(90, resample=Inter.NEAREST)
    for _ in range(20):
        ys, xs = np.nonzero(op(img)[:, :, 0])
        if len(ys):
            assert np.allclose(np.hypot(ys - 4, xs - 4), 3, atol=1.5)
    assert V.RandomRotation((90, 90), expand=True)(np.zeros((4, 6, 1), np.uint8)).shape == (6, 4, 1)


def test_RandomRotation_seed_reproducible():
    _random.set_seed(5)
    op1, op2 = V.RandomRotation(45), V.RandomRotation(45)
    _random.set_seed(None)
    outs1 = [op1(RGB) for _ in range(3)]
    outs2 = [op2(RGB) for _ in range(3)]
    for a, b in zip(outs1, outs2):  # same seed, same sequence (as 0.1's per-op mt19937)
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(outs1[0], outs1[1])


# ---- bad inputs: RuntimeError naming the transform, what it got and wanted ------------------

def test_HWC2CHW_bad_layout():
    with pytest.raises(RuntimeError, match=r"HWC2CHW.*<C,H,W>.*\(3, 32, 32\)"):
        V.HWC2CHW()(np.zeros((3, 32, 32), np.uint8))
    with pytest.raises(RuntimeError, match=r"HWC2CHW.*<H,W,C>.*\(32, 32\)"):
        V.HWC2CHW()(np.zeros((32, 32), np.uint8))


def test_Normalize_bad_channels():
    with pytest.raises(RuntimeError, match=r"Normalize.*<H,W,3>.*\(9, 11, 1\)"):
        V.Normalize([1, 2, 3], [1, 1, 1])(GRAY)


def test_Decode_bad_input():
    with pytest.raises(RuntimeError, match=r"Decode.*1-D uint8.*\(12, 10, 3\)"):
        V.Decode()(RGB)
    with pytest.raises(RuntimeError, match="Decode.*float32"):
        V.Decode()(np.zeros(10, np.float32))
    with pytest.raises(RuntimeError, match="Decode.*not an image"):
        V.Decode()(np.arange(10, dtype=np.uint8))
    with pytest.raises(RuntimeError, match="BGR"):
        V.Decode(False)(np.frombuffer(cv2.imencode(".png", RGB)[1], np.uint8))
    assert V.Decode()(cv2.imencode(".png", RGB)[1].tobytes()).shape == (12, 10, 3)


def test_Resize_bad_input():
    with pytest.raises(RuntimeError, match=r"Resize.*\(1, 2, 3, 4\)"):
        V.Resize(4)(np.zeros((1, 2, 3, 4), np.uint8))
    with pytest.raises(RuntimeError, match="Resize.*OpenCV.*int64"):
        V.Resize(4)(np.zeros((5, 5, 1), np.int64))
    with pytest.raises(RuntimeError, match="Resize.*1/1000"):
        V.Resize((5000, 3))(np.zeros((2, 2, 1), np.uint8))
    with pytest.raises(RuntimeError, match="Rescale"):
        V.Rescale(1.0, 0.0)([1, 2])


# ---- constructor checks (0.1's exception types) ------------------------------------------------

@pytest.mark.parametrize("build,exc,match", [
    (lambda: V.Resize(0), ValueError, "size"), (lambda: V.Resize("a"), TypeError, "size"),
    (lambda: V.Resize((1, 2, 3)), TypeError, "size"), (lambda: V.Resize((0, 2)), ValueError, "size"),
    (lambda: V.Resize(None), ValueError, "not provided"),
    (lambda: V.Resize(10, interpolation=1), ValueError, "interpolation"),
    (lambda: V.RandomHorizontalFlip(1.5), ValueError, "prob"), (lambda: V.RandomVerticalFlip("x"), TypeError, "prob"),
    (lambda: V.Normalize([1, 2], [1]), ValueError, "lengths"),
    (lambda: V.Normalize([-1, 0, 0], [1, 1, 1]), ValueError, "mean"),
    (lambda: V.Normalize([1], [1]), TypeError, "3 values"),
    (lambda: V.Rescale(-1, 0), ValueError, "rescale"), (lambda: V.Rescale(1, "a"), TypeError, "shift"),
    (lambda: V.Rescale(None, 0), ValueError, "not provided"),
    (lambda: V.Pad([1, 2, 3]), ValueError, "padding"), (lambda: V.Pad("a"), TypeError, "padding"),
    (lambda: V.Pad(-1), ValueError, "padding"), (lambda: V.Pad(1, fill_value=256), ValueError, "fill_value"),
    (lambda: V.Pad(1, fill_value=(1, 2)), TypeError, "fill_value"),
    (lambda: V.Pad(1, padding_mode="constant"), ValueError, "padding_mode"),
    (lambda: V.RandomCrop(0), ValueError, "size"), (lambda: V.RandomCrop(4, pad_if_needed=1), TypeError, "pad_if_needed"),
    (lambda: V.RandomRotation(-5), ValueError, "degrees"), (lambda: V.RandomRotation((1, 2, 3)), ValueError, "degrees"),
    (lambda: V.RandomRotation("a"), TypeError, "degrees"), (lambda: V.RandomRotation(5, expand=1), ValueError, "expand"),
    (lambda: V.RandomRotation(5, center=[1, 2]), ValueError, "center"),
    (lambda: V.RandomRotation(5, resample="x"), ValueError, "resample"),
    (lambda: V.CutOut(0), ValueError, "length"), (lambda: V.CutOut(1.5), ValueError, "length"),
    (lambda: V.CutOut(2, num_patches=0), ValueError, "num_patches"),
    (lambda: V.RandomResizedCrop(4, scale=(1, 0.5)), ValueError, "scale"),
    (lambda: V.RandomResizedCrop(4, ratio=(-1, 1)), ValueError, "ratio"),
    (lambda: V.RandomResizedCrop(4, max_attempts=0), ValueError, "max_attempts"),
    (lambda: V.RandomCropDecodeResize("a"), TypeError, "size"), (lambda: V.CenterCrop(-2), ValueError, "size"),
    (lambda: V.RandomResize(0), ValueError, "size"), (lambda: V.Decode(1), TypeError, "rgb")])
def test_RandomCrop_and_friends_constructor_checks(build, exc, match):
    with pytest.raises(exc, match=match) as info:
        build()
    assert str(info.value).startswith("For '")


_SIGNATURES = {
    "Decode": [("rgb", True)], "CutOut": [("length", None), ("num_patches", 1)],
    "Normalize": [("mean", None), ("std", None)],
    "RandomCrop": [("size", None), ("padding", None), ("pad_if_needed", False), ("fill_value", 0),
                   ("padding_mode", Border.CONSTANT)],
    "RandomHorizontalFlip": [("prob", 0.5)], "RandomVerticalFlip": [("prob", 0.5)],
    "Resize": [("size", None), ("interpolation", Inter.LINEAR)],
    "RandomResizedCrop": [("size", None), ("scale", (0.08, 1.0)), ("ratio", (3. / 4., 4. / 3.)),
                          ("interpolation", Inter.BILINEAR), ("max_attempts", 10)],
    "CenterCrop": [("size", None)],
    "RandomColorAdjust": [("brightness", (1, 1)), ("contrast", (1, 1)), ("saturation", (1, 1)), ("hue", (0, 0))],
    "RandomRotation": [("degrees", None), ("resample", Inter.NEAREST), ("expand", False), ("center", None),
                       ("fill_value", 0)],
    "Rescale": [("rescale", None), ("shift", None)], "RandomResize": [("size", None)], "HWC2CHW": [],
    "RandomCropDecodeResize": [("size", None), ("scale", (0.08, 1.0)), ("ratio", (3. / 4., 4. / 3.)),
                               ("interpolation", Inter.BILINEAR), ("max_attempts", 10)],
    "Pad": [("padding", None), ("fill_value", 0), ("padding_mode", Border.CONSTANT)]}


@pytest.mark.parametrize("name", sorted(_SIGNATURES))
def test_HWC2CHW_and_all_signatures_as_01(name):
    params = list(inspect.signature(getattr(V, name)).parameters.values())
    got = [(p.name, None if p.default is p.empty else p.default) for p in params]
    assert got == _SIGNATURES[name]
    assert sorted(V.__all__) == sorted(_SIGNATURES)


def test_Resize_keeps_01_attributes():
    op = V.Resize([32, 30], Inter.NEAREST)
    assert op.size == (32, 30) and op.interpolation is Inter.NEAREST
    crop = V.RandomCrop(4, padding=(1, 2), padding_mode=Border.EDGE)
    assert crop.padding == (1, 2, 1, 2) and crop.padding_mode == "edge"
    assert "Resize(size=(32, 30)" in repr(op)


def test_RandomColorAdjust_hue_number_is_checked_when_drawn():
    op = V.RandomColorAdjust(hue=0.7)  # 0.1 bounded only a (min, max) pair, the kernel refused |hue| > 0.5
    assert op.hue == (-0.7, 0.7)
    with pytest.raises(RuntimeError, match="hue"):
        for _ in range(50):
            op(RGB)
