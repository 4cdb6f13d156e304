"""OpenCV kernels of ``vision.c_transforms``: 0.1's C++ image ops (``image_utils.cc``) in cv2 calls.

Every function takes and returns a numpy HWC (or HW) array and keeps a trailing channel axis of 1,
which cv2 drops.
"""
import math

import numpy as np

from .utils import Inter, Border

try:
    import cv2
except ImportError:  # the msnn[vision] extra is not installed: transforms refuse to be built
    cv2 = None
else:
    cv2.setNumThreads(1)  # one image per call: OpenCV's own threads only add overhead here

# 0.1's InterpolationMode (cv::INTER_*): Inter values, plus AREA which only RandomResize draws.
AREA = 3
CV_INTER = {Inter.NEAREST: 0, Inter.LINEAR: 1, Inter.CUBIC: 2, AREA: 3}
# cv::BORDER_CONSTANT, REPLICATE, REFLECT_101, REFLECT
CV_BORDER = {Border.CONSTANT: 0, Border.EDGE: 1, Border.REFLECT: 4, Border.SYMMETRIC: 2}


def require():
    """ImportError naming the extra when OpenCV is missing."""
    if cv2 is None:
        raise ImportError("msnn.dataset.transforms.vision.c_transforms needs OpenCV: "
                          "pip install 'msnn[vision]' (opencv-python-headless)")


def keep_channels(out, img):
    if img.ndim == 3 and out.ndim == 2:
        return out[:, :, None]
    return out


def resize(img, height, width, interpolation):
    out = cv2.resize(img, (width, height), interpolation=CV_INTER[interpolation])
    return keep_channels(out, img)


def smaller_edge_size(in_h, in_w, size):
    """0.1's ResizeOp with one size: the smaller edge becomes ``size``; float32 ratio, lround."""
    if in_h < in_w:
        return size, _lround(np.float32(np.float32(in_w) / np.float32(in_h)) * np.float32(size))
    return _lround(np.float32(np.float32(in_h) / np.float32(in_w)) * np.float32(size)), size


def _lround(x):
    x = float(x)
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


_CV_DEPTHS = {np.dtype(t) for t in (np.uint8, np.int8, np.uint16, np.int16, np.int32, np.float32, np.float64)}


def flip(img, axis):
    """``cv::flip`` around ``axis`` (0: top-bottom, 1: left-right); numpy for what cv2 cannot take."""
    if img.dtype in _CV_DEPTHS and (img.ndim == 2 or img.shape[2] <= 4):
        try:
            return keep_channels(cv2.flip(img, axis), img)
        except cv2.error:  # pragma: no cover - an array layout cv2 refuses
            pass
    return np.ascontiguousarray(np.flip(img, axis))


def cv_round(x):
    """cvRound: round half to even."""
    return int(np.rint(x))


def pad(img, top, bottom, left, right, border, fill_rgb):
    """0.1's Pad kernel. Its constant colour was ``cv::Scalar(fill_b, fill_g, fill_r)`` on an RGB
    image, so channel 0 gets fill_value[2] and channel 2 gets fill_value[0]."""
    if top == bottom == left == right == 0:
        return img
    fill_r, fill_g, fill_b = fill_rgb
    value = (fill_b, fill_g, fill_r, 0)
    if border == Border.CONSTANT:
        out = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=value)
    else:
        out = cv2.copyMakeBorder(img, top, bottom, left, right, CV_BORDER[border])
    return keep_channels(out, img)


_U8 = np.arange(256, dtype=np.float64)


def convert_scale(img, alpha, beta, lut=None):
    """``cv::Mat::convertTo(CV_32F, alpha, beta)``: float32(x * float32(alpha) + float32(beta)), one
    rounding (OpenCV fuses the multiply-add). ``lut``: the 256 results for uint8 input."""
    if lut is not None and img.dtype == np.uint8:
        return lookup(img, lut)
    return affine_f32(img, np.float64(np.float32(alpha)), np.float64(np.float32(beta)))


_BLOCK = 3 << 13  # elements per float64 block of affine_f32 (192 KB: stays in cache; a multiple of 1, 2, 3, 4)


def affine_f32(img, alpha, beta):
    """``float32(float64(x) * alpha + beta)`` elementwise, ``alpha``/``beta`` float64 scalars or one
    value per channel (the last axis); computed in cache-sized float64 blocks (the same values as
    one pass over a float64 copy, without its memory traffic)."""
    out = np.empty(img.shape, np.float32)
    n = img.size
    if n == 0:
        return out
    src = np.ascontiguousarray(img).reshape(-1)
    dst = out.reshape(-1)
    per_channel = np.ndim(alpha) > 0
    if per_channel:
        c = img.shape[-1]
        block = _BLOCK - _BLOCK % c if _BLOCK >= c else c
        a = np.tile(np.asarray(alpha, np.float64), block // c)
        b = np.tile(np.asarray(beta, np.float64), block // c)
    else:
        block, a, b = _BLOCK, alpha, beta
    buf = np.empty(min(block, n), np.float64)
    for start in range(0, n, block):
        m = min(block, n - start)
        t = buf[:m]
        np.copyto(t, src[start:start + m], casting="unsafe")
        if per_channel:
            np.multiply(t, a[:m], out=t)
            np.add(t, b[:m], out=t)
        else:
            t *= a
            t += b
        np.copyto(dst[start:start + m], t, casting="unsafe")
    return out


def convert_scale_lut(alpha, beta):
    return convert_scale(_U8, alpha, beta)


def lookup(img, lut):
    """``lut[img]`` for a uint8 array of any shape and a 256-entry table (``cv::LUT``: one pass)."""
    if img.size == 0 or img.ndim == 0:
        return np.take(lut, img)
    flat = np.ascontiguousarray(img).reshape(-1, img.shape[-1])  # 2-D: one channel for cv2
    return cv2.LUT(flat, lut).reshape(img.shape)


def lookup_channels(img, tables):
    """``tables[c][img[..., c]]`` for a uint8 <..., C> array (C <= 4) and a <C, 256> float32 table."""
    c = img.shape[-1]
    flat = np.ascontiguousarray(img).reshape(-1, 1, c)
    return cv2.LUT(flat, np.ascontiguousarray(tables.T).reshape(1, 256, c)).reshape(img.shape)


def normalize_coefficients(mean, std):
    """0.1's Normalize: per channel ``convertTo(CV_32F, 1.0 / std_c, -mean_c / std_c)`` with float32
    mean/std, the offset divided in float32."""
    mean = np.asarray(mean, np.float32)
    std = np.asarray(std, np.float32)
    alpha = (1.0 / std.astype(np.float64)).astype(np.float32).astype(np.float64)
    beta = (-(mean / std)).astype(np.float32).astype(np.float64)
    return alpha, beta


def normalize_lut(alpha, beta):
    """The <3, 256> results of :func:`normalize` for uint8 input."""
    return np.ascontiguousarray(normalize(np.repeat(_U8[:, None], 3, axis=1), alpha, beta).T)


def normalize(img, alpha, beta, lut=None):
    if lut is not None and img.dtype == np.uint8 and img.size:
        return lookup_channels(img, lut)
    return affine_f32(img, alpha, beta)


def adjust_brightness(img, alpha):
    """``input_img * alpha``: convertTo(same type, alpha), saturated and rounded half to even."""
    if img.dtype == np.uint8 and alpha >= 0:  # x * alpha >= 0: convertScaleAbs is that convertTo
        return keep_channels(cv2.convertScaleAbs(img, alpha=float(np.float32(alpha))), img)
    return _saturate_like(img.astype(np.float32) * np.float32(alpha), img.dtype)


def _saturate_like(values, dtype):
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        values = np.clip(np.rint(values), info.min, info.max)
    return values.astype(dtype)


def _add_weighted(a, alpha, b, beta, like):
    out = cv2.addWeighted(a, float(alpha), b, float(beta), 0.0)
    return keep_channels(out, like)


def adjust_contrast(img, alpha):
    """Blend with the rounded mean of the grey image: ``mean*(1-alpha) + img*alpha``."""
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    mean = int(cv2.mean(gray)[0] + 0.5)
    flat = np.full(img.shape, mean, dtype=img.dtype)
    return _add_weighted(flat, 1.0 - float(np.float32(alpha)), img, float(np.float32(alpha)), img)


def adjust_saturation(img, alpha):
    """Blend with the grey image: ``gray*(1-alpha) + img*alpha``."""
    gray = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    return _add_weighted(gray, 1.0 - float(np.float32(alpha)), img, float(np.float32(alpha)), img)


def adjust_hue(img, hue):
    """Shift H of HSV_FULL by ``uint8(hue * 255)`` (truncated, wrapping), as 0.1's AdjustHue."""
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV_FULL)
    hsv[:, :, 0] += np.uint8(int(np.float32(hue) * np.float32(255)) & 0xFF)  # uint8: wraps modulo 256
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB_FULL)


def rotate(img, center_x, center_y, degree, interpolation, expand, fill_rgb):
    """0.1's Rotate kernel (getRotationMatrix2D + warpAffine, constant border)."""
    rows, cols = img.shape[:2]
    if center_x == -1 and center_y == -1:
        center_x = (cols - 1) / 2.0
        center_y = (rows - 1) / 2.0
    fill_r, fill_g, fill_b = fill_rgb
    value = (fill_b, fill_g, fill_r, 0)
    center = (float(np.float32(center_x)), float(np.float32(center_y)))
    rot = cv2.getRotationMatrix2D(center, float(np.float32(degree)), 1.0)
    flags = CV_INTER[interpolation]
    if not expand:
        out = cv2.warpAffine(img, rot, (cols, rows), flags=flags, borderMode=cv2.BORDER_CONSTANT,
                             borderValue=value)
        return keep_channels(out, img)
    pts = cv2.boxPoints(((0.0, 0.0), (float(cols), float(rows)), float(np.float32(degree))))
    bw = np.float32(pts[:, 0].max() - pts[:, 0].min())
    bh = np.float32(pts[:, 1].max() - pts[:, 1].min())
    rot[0, 2] += float(bw) / 2.0 - cols / 2.0
    rot[1, 2] += float(bh) / 2.0 - rows / 2.0
    out = cv2.warpAffine(img, rot, (cv_round(bw), cv_round(bh)), flags=flags,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=value)
    return keep_channels(out, img)


def decode(buf):
    """0.1's Decode: JPEG through libjpeg (RGB), anything else through cv::imdecode + BGR2RGB."""
    out = cv2.imdecode(buf, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if out is None:
        return None
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB)
