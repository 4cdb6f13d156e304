"""PIL / numpy kernels of ``vision.py_transforms`` (0.1's ``py_transforms_util``), written for msnn."""
import colorsys
import io
import math
import numbers

import numpy as np

try:
    from PIL import Image, ImageEnhance, ImageOps
except ImportError:  # the msnn[vision] extra is not installed
    Image = ImageEnhance = ImageOps = None

from .utils import Inter, Border

PIL_ERROR = "an image of type PIL Image (use Decode() for encoded data or ToPIL() for decoded data)"


def require():
    if Image is None:
        raise ImportError("msnn.dataset.transforms.vision.py_transforms needs Pillow: pip install 'msnn[vision]'")


def pil_filter(mode):
    return {Inter.NEAREST: Image.Resampling.NEAREST, Inter.LINEAR: Image.Resampling.BILINEAR,
            Inter.CUBIC: Image.Resampling.BICUBIC}[mode]


def is_pil(img):
    return Image is not None and isinstance(img, Image.Image)


def check_pil(img, cls_name):
    if not is_pil(img):
        raise TypeError(f"For '{cls_name}', the input must be {PIL_ERROR}, but got {type(img).__name__}.")
    return img


def check_numpy(img, cls_name, what="a numpy array"):
    if not isinstance(img, np.ndarray):
        raise TypeError(f"For '{cls_name}', the input must be {what}, but got {type(img).__name__}.")
    return img


def hwc_to_chw(img, cls_name):
    check_numpy(img, cls_name, "a numpy <H,W,C> array")
    if img.ndim != 3:
        raise ValueError(f"For '{cls_name}', the input must be a <H,W,C> array, but got shape {img.shape}.")
    return np.ascontiguousarray(img.transpose(2, 0, 1))


def to_tensor(img, output_type, cls_name):
    if not (is_pil(img) or isinstance(img, np.ndarray)):
        raise TypeError(f"For '{cls_name}', the input must be a PIL Image or a numpy array, but got "
                        f"{type(img).__name__}.")
    arr = np.asarray(img)
    if arr.ndim not in (2, 3):
        raise ValueError(f"For '{cls_name}', the image must have 2 or 3 dimensions, but got {arr.ndim}.")
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return (arr.transpose(2, 0, 1) / 255.).astype(output_type)


def crop(img, top, left, height, width):
    return img.crop((left, top, left + width, top + height))


def resize(img, size, resample):
    """0.1's PIL resize: an int makes the smaller edge ``size``, the other ``int(size * aspect)``."""
    if isinstance(size, int):
        w, h = img.size
        if (w <= h and w == size) or (h <= w and h == size):
            return img
        if w < h:
            return img.resize((size, int(size / (w / h))), resample)
        return img.resize((int(size * (w / h)), size), resample)
    return img.resize((size[1], size[0]), resample)


def center_crop(img, size):
    w, h = img.size
    ch, cw = size
    return crop(img, int(round((h - ch) / 2.)), int(round((w - cw) / 2.)), ch, cw)


def pad(img, padding, fill_value, padding_mode):
    """``padding`` is (left, top, right, bottom)."""
    left, top, right, bottom = padding
    if padding_mode == Border.CONSTANT:
        out = ImageOps.expand(img, border=(left, top, right, bottom), fill=fill_value)
        if img.mode == "P":
            out.putpalette(img.getpalette())
        return out
    arr = np.asarray(img)
    width = ((top, bottom), (left, right)) + (((0, 0),) if arr.ndim == 3 else ())
    out = Image.fromarray(np.pad(arr, width, padding_mode.value))
    if img.mode == "P":
        out.putpalette(img.getpalette())
    return out


def random_resize_crop_box(rnd, img, scale, ratio, max_attempts):
    """0.1's Python RandomResizedCrop box: area uniform, aspect (width/height) log-uniform."""
    w, h = img.size
    area = w * h
    for _ in range(max_attempts):
        target = rnd.uniform(scale[0], scale[1]) * area
        aspect = math.exp(rnd.uniform(math.log(ratio[0]), math.log(ratio[1])))
        cw = int(round(math.sqrt(target * aspect)))
        ch = int(round(cw / aspect))
        if 0 < cw <= w and 0 < ch <= h:
            return rnd.randint(0, h - ch), rnd.randint(0, w - cw), ch, cw
    img_ratio = w / h
    if img_ratio < ratio[0]:
        cw, ch = w, int(round(w / ratio[0]))
    elif img_ratio > ratio[1]:
        ch, cw = h, int(round(h * ratio[1]))
    else:
        cw, ch = w, h
    return int(round((h - ch) / 2.)), int(round((w - cw) / 2.)), ch, cw


def adjust_hue(img, hue_factor):
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"For 'RandomColorAdjust', the hue factor must be in [-0.5, 0.5], but got {hue_factor}.")
    if img.mode in {"L", "1", "I", "F"}:
        return img
    mode = img.mode
    h, s, v = img.convert("HSV").split()
    shift = np.uint8(int(hue_factor * 255) & 0xFF)
    np_h = np.asarray(h, dtype=np.uint8) + shift  # wraps modulo 256
    return Image.merge("HSV", (Image.fromarray(np_h, "L"), s, v)).convert(mode)


def grayscale(img, num_output_channels):
    gray = img.convert("L")
    if num_output_channels == 1:
        return gray
    arr = np.asarray(gray, dtype=np.uint8)
    return Image.fromarray(np.dstack([arr, arr, arr]), "RGB")


def five_crop(img, size, cls_name):
    w, h = img.size
    ch, cw = size
    if ch > h or cw > w:
        raise ValueError(f"For '{cls_name}', the crop size {size} must not exceed the image size {(h, w)}.")
    return (img.crop((0, 0, cw, ch)), img.crop((w - cw, 0, w, ch)), img.crop((0, h - ch, cw, h)),
            img.crop((w - cw, h - ch, w, h)), center_crop(img, (ch, cw)))


def perspective_coeffs(start_points, end_points):
    """Solve for the 8 coefficients mapping output points (end) to input points (start)."""
    rows = []
    for (x, y), (u, v) in zip(end_points, start_points):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array(start_points, dtype=np.float64).reshape(8)
    return np.linalg.lstsq(a, b, rcond=None)[0].tolist()


def perspective_points(rnd, img, distortion_scale):
    w, h = img.size
    dw = int(w / 2 * distortion_scale)
    dh = int(h / 2 * distortion_scale)
    top_left = (rnd.randint(0, dw), rnd.randint(0, dh))
    top_right = (rnd.randint(w - dw - 1, w - 1), rnd.randint(0, dh))
    bottom_right = (rnd.randint(w - dw - 1, w - 1), rnd.randint(h - dh - 1, h - 1))
    bottom_left = (rnd.randint(0, dw), rnd.randint(h - dh - 1, h - 1))
    start = [(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)]
    return start, [top_left, top_right, bottom_right, bottom_left]


def erase_params(rnd, nprng, np_img, scale, ratio, value, bounded, max_attempts):
    """0.1's erase box for RandomErasing (bounded) and Cutout (centred, clipped) on a <C,H,W> array."""
    c, h, w = np_img.shape
    area = h * w
    for _ in range(max_attempts):
        erase_area = rnd.uniform(scale[0], scale[1]) * area
        aspect = rnd.uniform(ratio[0], ratio[1])
        ew = int(round(math.sqrt(erase_area * aspect)))
        eh = int(round(ew / aspect))
        if eh < h and ew < w:
            if bounded:
                i = rnd.randint(0, h - eh)
                j = rnd.randint(0, w - ew)
            else:
                x = rnd.randint(0, w)
                y = rnd.randint(0, h)
                x1, x2 = min(max(x - ew // 2, 0), w), min(max(x + ew // 2, 0), w)
                y1, y2 = min(max(y - eh // 2, 0), h), min(max(y + eh // 2, 0), h)
                i, j, eh, ew = y1, x1, y2 - y1, x2 - x1
            if isinstance(value, numbers.Number):
                erase_value = value
            elif isinstance(value, (str, bytes)):
                erase_value = nprng.normal(0.0, 1.0, size=(c, eh, ew))
            else:
                erase_value = np.ones((c, eh, ew)) * np.asarray(value)[:, None, None]
            return i, j, eh, ew, erase_value
    return 0, 0, h, w, np_img


def erase(np_img, i, j, height, width, value, inplace=False):
    if not inplace:
        np_img = np_img.copy()
    np_img[:, i:i + height, j:j + width] = value
    return np_img


def affine_matrix(img, angle, translations, scale, shear):
    """The inverse affine matrix (rotation, scale, shear about the centre, then translation) that
    0.1 handed to PIL's Image.transform."""
    cx, cy = img.size[0] * 0.5 + 0.5, img.size[1] * 0.5 + 0.5
    angle = math.radians(angle)
    if isinstance(shear, (tuple, list)) and len(shear) == 2:
        sx, sy = (math.radians(s) for s in shear)
    else:
        sx, sy = math.radians(shear), 0.0
    inv_scale = 1.0 / scale
    d = math.cos(angle + sx) * math.cos(angle + sy) + math.sin(angle + sx) * math.sin(angle + sy)
    m = [math.cos(angle + sx), math.sin(angle + sx), 0.0, -math.sin(angle + sy), math.cos(angle + sy), 0.0]
    m = [inv_scale / d * v for v in m]
    tx, ty = -cx - translations[0], -cy - translations[1]
    m[2] += m[0] * tx + m[1] * ty + cx
    m[5] += m[3] * tx + m[4] * ty + cy
    return m


def _colorsys_map(fn, img, is_hwc):
    img = np.asarray(img, dtype=np.float64)  # 2020's numpy promoted colorsys' arithmetic to float64
    a, b, c = (img[:, :, 0], img[:, :, 1], img[:, :, 2]) if is_hwc else (img[0], img[1], img[2])
    x, y, z = np.vectorize(fn)(a, b, c)
    return np.stack((x, y, z), axis=2 if is_hwc else 0)


def convert_colors(fn, imgs, is_hwc, cls_name):
    check_numpy(imgs, cls_name)
    if imgs.ndim not in (3, 4):
        raise TypeError(f"For '{cls_name}', the images must be (H, W, C), (N, H, W, C), (C, H, W) or "
                        f"(N, C, H, W), but got shape {imgs.shape}.")
    channels = imgs.shape[-1] if is_hwc else imgs.shape[-3]
    if channels != 3:
        raise TypeError(f"For '{cls_name}', the images must have 3 channels, but got {channels}.")
    if imgs.ndim == 3:
        return _colorsys_map(fn, imgs, is_hwc)
    return np.array([_colorsys_map(fn, img, is_hwc) for img in imgs])


RGB_TO_HSV = colorsys.rgb_to_hsv
HSV_TO_RGB = colorsys.hsv_to_rgb
