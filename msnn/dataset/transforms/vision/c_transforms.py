"""Image transforms on numpy HWC arrays (``mindspore.dataset.transforms.vision.c_transforms``).

MindSpore 0.1 ran these as C++ OpenCV kernels inside the dataset pipeline; msnn runs the same
OpenCV operations through ``cv2`` (the ``msnn[vision]`` extra). Each transform is a callable:
``op(image) -> image``, one numpy array in, one out, which is how ``Dataset.map`` applies it.
A bad image raises ``RuntimeError`` (0.1's pipeline error), naming the transform, what it got and
what it wanted; a bad argument raises 0.1's ``ValueError``/``TypeError`` when the transform is built.

Examples:
    >>> import numpy as np
    >>> import msnn.dataset.transforms.vision.c_transforms as vision
    >>> from msnn.dataset.transforms.vision import Inter
    >>> img = np.arange(28 * 28, dtype=np.uint8).reshape(28, 28, 1)
    >>> ops = [vision.Resize((32, 32), interpolation=Inter.LINEAR), vision.Rescale(1 / 255.0, 0.0),
    ...        vision.HWC2CHW()]
    >>> for op in ops:
    ...     img = op(img)
    >>> img.shape, img.dtype
    ((1, 32, 32), dtype('float32'))
"""
import numpy as np

from msnn._api import ms_api
from .. import _checks as C
from .._random import new_generator
from . import _cv
from .utils import Inter, Border

__all__ = ["Decode", "CutOut", "Normalize", "RandomCrop", "RandomHorizontalFlip", "RandomVerticalFlip",
           "Resize", "RandomResizedCrop", "CenterCrop", "RandomColorAdjust", "RandomRotation", "Rescale",
           "RandomResize", "HWC2CHW", "RandomCropDecodeResize", "Pad"]

_P = "mindspore.dataset.transforms.vision.c_transforms."
_CV = "cv2 (OpenCV), as MindSpore 0.1's C++ kernels"
_RNG = ("Random draws come from a numpy Generator per transform, seeded like 0.1's std::mt19937 "
        "(dataset config seed, else fresh entropy): same distributions, not the same sequence.")
_PAD_ORDER = ("padding follows 0.1's code, not its docstring: the 4 values (a, b, c, d) pad top=a, "
              "bottom=b, left=c, right=d (0.1 passed (left, top, right, bottom) positionally to a C++ "
              "op taking (top, bottom, left, right)); symmetric padding is unaffected.")
_FILL_ORDER = ("A 3-tuple fill_value fills channel 0 with its last value and channel 2 with its first, "
               "as 0.1's cv::Scalar(fill_b, fill_g, fill_r) did on RGB images.")


class _ImageOp:
    """Shared input checks of the image transforms."""

    def __new__(cls, *args, **kwargs):  # pylint: disable=unused-argument
        _cv.require()
        return super().__new__(cls)

    def _image(self, img, ndims=(2, 3), what="a <H,W> or <H,W,C> numpy array"):
        if not isinstance(img, np.ndarray) or img.ndim not in ndims or img.size == 0:
            C.image_error(type(self).__name__, what, img)
        return img

    def _cv_call(self, fn, img, *args):
        try:
            return fn(img, *args)
        except _cv.cv2.error as e:
            raise RuntimeError(f"For '{type(self).__name__}', OpenCV could not process an image of shape "
                               f"{tuple(img.shape)} and dtype {img.dtype}: {e.err}") from None

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


@ms_api(_P + "Decode", torch=_CV + " (cv2.imdecode)")
class Decode(_ImageOp):
    """Decode an encoded image (a 1-D uint8 array of its file bytes) to an RGB uint8 <H,W,3> array.

    Args:
        rgb (bool): Decode to RGB (default=True). ``False`` (BGR) raises RuntimeError when applied,
            as in 0.1 ("Decode BGR is deprecated").

    Note:
        JPEG goes through OpenCV's libjpeg decoder instead of 0.1's direct libjpeg calls (same pixels
        for baseline RGB/grey JPEG). ``bytes`` are accepted as well as a uint8 array.

    Examples:
        >>> import cv2, numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import Decode
        >>> png = np.frombuffer(cv2.imencode(".png", np.zeros((4, 5, 3), np.uint8))[1], np.uint8)
        >>> Decode()(png).shape
        (4, 5, 3)
    """

    def __init__(self, rgb=True):
        self.rgb = C.bool_(rgb, "rgb", "Decode", exc=TypeError)

    def __call__(self, img):
        if isinstance(img, (bytes, bytearray, memoryview)):
            img = np.frombuffer(img, np.uint8)
        if not (isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.ndim == 1 and img.size):
            C.image_error("Decode", "a 1-D uint8 array of encoded image bytes", img)
        if not self.rgb:
            raise RuntimeError("For 'Decode', decoding to BGR (rgb=False) is deprecated, as in MindSpore 0.1.")
        out = _cv.decode(img)
        if out is None:
            raise RuntimeError(f"For 'Decode', the input ({img.size} bytes) is not an image OpenCV can decode.")
        return out


@ms_api(_P + "CutOut", torch=_CV, deviations=(_RNG,))
class CutOut(_ImageOp):
    """Set ``num_patches`` random square patches of side ``length`` to 0 (patches may be clipped by
    the image border).

    Args:
        length (int): The side of each square patch.
        num_patches (int): Number of patches (default=1).

    Note:
        The input array is copied; 0.1 erased in place.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import CutOut
        >>> out = CutOut(4)(np.full((8, 8, 3), 7, np.uint8))
        >>> out.shape, int((out == 0).all(axis=2).sum()) <= 16
        ((8, 8, 3), True)
    """

    def __init__(self, length, num_patches=1):
        C.required(length, "length", "CutOut")
        self.length = C.pos_int32(length, "length", "CutOut")
        self.num_patches = C.pos_int32(num_patches, "num_patches", "CutOut")
        self._rng = new_generator()

    def __call__(self, img):
        img = self._image(img, (3,), "a <H,W,C> numpy array")
        h, w = img.shape[:2]
        if self.length > h or self.length > w:
            C.image_error("CutOut", f"at least {self.length}x{self.length} (the patch length)", img)
        out = img.copy()
        n = self.length
        for _ in range(self.num_patches):
            top = int(self._rng.integers(0, h + n + 1)) - n
            left = int(self._rng.integers(0, w + n + 1)) - n
            out[max(top, 0):min(top + n, h), max(left, 0):min(left + n, w)] = 0
        return out


@ms_api(_P + "Normalize", torch=_CV + " (convertTo per channel)",
        deviations=("MindSpore 2.x computes (x - mean) / std; msnn keeps 0.1's x * (1/std) + (-mean/std) "
                    "in float32, which can differ in the last bit.",))
class Normalize(_ImageOp):
    """Normalize a <H,W,3> image per channel: ``(x - mean[c]) / std[c]``, output float32.

    Args:
        mean (list): 3 channel means (each in [0, 16777216]).
        std (list): 3 channel standard deviations (each in [0, 16777216]).

    Note:
        Computed as 0.1 did, ``x * float32(1/std) + float32(-mean/std)`` with one rounding.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import Normalize
        >>> Normalize([100.0, 115.0, 121.0], [71.0, 68.0, 70.0])(np.full((1, 1, 3), 142, np.uint8)).ravel()
        array([0.5915492 , 0.39705887, 0.3       ], dtype=float32)
    """

    _elementwise = True  # one value in, one out, per channel: the map fuses it with its neighbours

    def __init__(self, mean, std):
        C.required(mean, "mean", "Normalize")
        C.required(std, "std", "Normalize")
        for name, v in (("mean", mean), ("std", std)):
            if not isinstance(v, (list, tuple)):
                C.fail(TypeError, "Normalize", name, "a list or tuple of 3 numbers", v)
        if len(mean) != len(std):
            raise ValueError(f"For 'Normalize', the lengths of 'mean' and 'std' must be equal, but got "
                             f"{len(mean)} and {len(std)}.")
        for name, v in (("mean", mean), ("std", std)):
            for x in v:
                C.value_in(x, 0, C.FLOAT_MAX_INTEGER, name, "Normalize", what="made of numbers")
            if len(v) != 3:
                C.fail(TypeError, "Normalize", name, "3 values, one per RGB channel", v)
        self.mean = mean
        self.std = std
        alpha, beta = _cv.normalize_coefficients(mean, std)
        self._alpha, self._beta = alpha, beta
        self._lut = _cv.normalize_lut(alpha, beta)  # uint8 input: a table lookup, same values

    def __call__(self, img):
        if not isinstance(img, np.ndarray) or img.ndim != 3 or img.shape[2] != 3:
            C.image_error("Normalize", "a <H,W,3> numpy array (3 channels, matching mean and std)", img)
        return _cv.normalize(img, self._alpha, self._beta, self._lut)

    def batch(self, images):
        """Normalize a stacked <N,H,W,3> batch at once (same values as one image at a time)."""
        if not isinstance(images, np.ndarray) or images.ndim != 4 or images.shape[3] != 3:
            C.image_error("Normalize", "a <N,H,W,3> numpy array", images)
        return _cv.normalize(images, self._alpha, self._beta, self._lut)


def _parse_pad(padding):
    """0.1's positional hand-over: (left, top, right, bottom) reached C++ as (top, bottom, left, right)."""
    return tuple(padding)  # (top, bottom, left, right) as the kernel reads them


@ms_api(_P + "RandomCrop", torch=_CV, deviations=(_RNG, _FILL_ORDER), doc_errors=(_PAD_ORDER,))
class RandomCrop(_ImageOp):
    """Crop the image at a random location, after optional padding.

    Args:
        size (int or sequence): Output size, an int (square) or (height, width).
        padding (int or sequence, optional): Pixels to pad first (default=None): an int for all
            borders, 2 values or 4 values (see Note).
        pad_if_needed (bool): Pad when the image is smaller than ``size`` (default=False); 0.1 padded
            both sides by the whole shortfall.
        fill_value (int or tuple): Constant border value, an int or a 3-tuple (default=0).
        padding_mode (Border): Border.CONSTANT (default), EDGE, REFLECT or SYMMETRIC.

    Note:
        As in 0.1's code, 4 padding values (a, b, c, d) pad top=a, bottom=b, left=c, right=d and
        2 values (a, b) pad top=a, bottom=b, left=a, right=b; a 3-tuple fill_value is applied in
        reverse channel order. Symmetric padding, as every 2020 script used, is unaffected.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import RandomCrop
        >>> RandomCrop((32, 32), (4, 4, 4, 4))(np.zeros((32, 32, 3), np.uint8)).shape
        (32, 32, 3)
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill_value=0, padding_mode=Border.CONSTANT):
        self.size = C.crop_size(size, "RandomCrop")
        self.padding = None if padding is None else C.padding(padding, "RandomCrop")
        self.pad_if_needed = C.bool_(pad_if_needed, "pad_if_needed", "RandomCrop", exc=TypeError)
        self._fill = C.fill_value(fill_value, "RandomCrop")
        self.fill_value = fill_value
        self.padding_mode = C.border_type(padding_mode, "RandomCrop").value
        self._border = padding_mode
        self._pads = (0, 0, 0, 0) if padding is None else _parse_pad(self.padding)
        self._rng = new_generator()

    def __call__(self, img):
        img = self._image(img)
        ch, cw = self.size
        top, bottom, left, right = self._pads
        img = self._cv_call(_cv.pad, img, top, bottom, left, right, self._border, self._fill)
        h, w = img.shape[:2]
        if h == ch and w == cw:
            return img
        if self.pad_if_needed:
            if h < ch:
                img = self._cv_call(_cv.pad, img, ch - h, ch - h, 0, 0, self._border, self._fill)
            if w < cw:
                img = self._cv_call(_cv.pad, img, 0, 0, cw - w, cw - w, self._border, self._fill)
            h, w = img.shape[:2]
        if h < ch or w < cw:
            C.image_error("RandomCrop", f"at least {ch}x{cw} (the crop size) after padding", img)
        x = int(self._rng.integers(0, w - cw + 1))
        y = int(self._rng.integers(0, h - ch + 1))
        return np.ascontiguousarray(img[y:y + ch, x:x + cw])


class _RandomFlip(_ImageOp):
    _axis = 1

    def __init__(self, prob=0.5):
        self.prob = C.prob(prob, type(self).__name__)
        self._rng = new_generator()

    def __call__(self, img):
        img = self._image(img)
        if self._rng.random() < self.prob:
            return _cv.flip(img, self._axis)
        return img


@ms_api(_P + "RandomHorizontalFlip", torch=_CV + " (cv2.flip)", deviations=(_RNG,))
class RandomHorizontalFlip(_RandomFlip):
    """Flip the image left-right with probability ``prob``.

    Args:
        prob (float): Probability of flipping, in [0, 1] (default=0.5).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import RandomHorizontalFlip
        >>> RandomHorizontalFlip(1.0)(np.array([[[1], [2], [3]]], np.uint8)).ravel()
        array([3, 2, 1], dtype=uint8)
    """
    _axis = 1


@ms_api(_P + "RandomVerticalFlip", torch=_CV + " (cv2.flip)", deviations=(_RNG,))
class RandomVerticalFlip(_RandomFlip):
    """Flip the image top-bottom with probability ``prob``.

    Args:
        prob (float): Probability of flipping, in [0, 1] (default=0.5).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import RandomVerticalFlip
        >>> RandomVerticalFlip(1.0)(np.array([[[1]], [[2]], [[3]]], np.uint8)).ravel()
        array([3, 2, 1], dtype=uint8)
    """
    _axis = 0


def _resize(op, img, size, interpolation):
    h, w = img.shape[:2]
    if isinstance(size, int):
        oh, ow = _cv.smaller_edge_size(h, w, size)
    else:
        oh, ow = size
    if oh == 0 or ow == 0 or oh > h * 1000 or ow > w * 1000:
        C.image_error(type(op).__name__, f"at least 1/1000 of the output size {(oh, ow)}", img)
    return op._cv_call(_cv.resize, img, oh, ow, interpolation)  # pylint: disable=protected-access


@ms_api(_P + "Resize", torch=_CV + " (cv2.resize)",
        deviations=("Inter.CUBIC is OpenCV's INTER_CUBIC as in 0.1; MindSpore 2.x's bicubic differs by "
                    "at most 1 on a few pixels.",))
class Resize(_ImageOp):
    """Resize the image.

    Args:
        size (int or sequence): (height, width), or an int: the smaller edge becomes ``size`` and
            the other keeps the aspect ratio.
        interpolation (Inter): Inter.LINEAR (default), Inter.NEAREST or Inter.BICUBIC.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import Resize
        >>> Resize(16)(np.zeros((37, 23, 3), np.uint8)).shape
        (26, 16, 3)
    """

    _plane_resize = True  # a map may resize a uint8 image plane by plane (same values) and fuse what follows

    def __init__(self, size, interpolation=Inter.LINEAR):
        size = C.resize_size(size, "Resize")
        self.size = size
        self.interpolation = C.inter_mode(interpolation, "Resize")

    def __call__(self, img):
        return _resize(self, self._image(img), self.size, self.interpolation)

    def _plane_size(self, img):
        """(height, width) of the output when ``img`` (uint8 <H,W,C>) can be resized one channel plane
        at a time with the same values as a whole (bilinear and nearest: each output value comes
        from its own channel only, in OpenCV's integer arithmetic); None otherwise."""
        if self.interpolation not in (Inter.LINEAR, Inter.NEAREST) or type(img) is not np.ndarray \
                or img.dtype != np.uint8 or img.ndim != 3 or img.size == 0:  # pylint: disable=unidiomatic-typecheck
            return None
        h, w = img.shape[:2]
        oh, ow = _cv.smaller_edge_size(h, w, self.size) if isinstance(self.size, int) else self.size
        if oh == 0 or ow == 0 or oh > h * 1000 or ow > w * 1000:
            return None
        return oh, ow

    def _resize_plane(self, plane, out):
        """Resize the uint8 <H,W> ``plane`` into ``out`` (<oh,ow> uint8, from :meth:`_plane_size`)."""
        _cv.cv2.resize(plane, (out.shape[1], out.shape[0]), dst=out, interpolation=_cv.CV_INTER[self.interpolation])

    def batch(self, images):
        """Resize a stacked <N,H,W,C> batch: uint8 images with Inter.LINEAR/NEAREST go through one cv2
        call per 512 channels (images stacked as channels; the same values as one image at a time),
        others one call per image."""
        if not isinstance(images, np.ndarray) or images.ndim != 4 or images.size == 0:
            C.image_error("Resize", "a <N,H,W,C> numpy array", images)
        n, h, w, c = images.shape
        if images.dtype != np.uint8 or self.interpolation == Inter.CUBIC or c > 512:
            return np.stack([self(img) for img in images])
        oh, ow = _cv.smaller_edge_size(h, w, self.size) if isinstance(self.size, int) else self.size
        if oh > h * 1000 or ow > w * 1000:
            C.image_error("Resize", f"at least 1/1000 of the output size {(oh, ow)}", images)
        out = np.empty((n, oh, ow, c), np.uint8)
        step = 512 // c
        for start in range(0, n, step):
            chunk = images[start:start + step]
            k = len(chunk)
            planes = np.ascontiguousarray(chunk.transpose(1, 2, 0, 3).reshape(h, w, k * c))
            res = _cv.resize(planes, oh, ow, self.interpolation).reshape(oh, ow, k, c)
            out[start:start + k] = res.transpose(2, 0, 1, 3)
        return out


def _crop_box(rng, h_in, w_in, scale, ratio, max_attempts):
    """0.1's RandomCropAndResizeOp::GetCropBox: scale and aspect (height/width) drawn uniformly."""
    for _ in range(max_attempts):
        s = float(np.float32(rng.uniform(scale[0], scale[1])))
        aspect = float(np.float32(rng.uniform(ratio[0], ratio[1])))
        cw = _cv._lround(np.sqrt(h_in * w_in * s / aspect))  # pylint: disable=protected-access
        chh = _cv._lround(cw * aspect)  # pylint: disable=protected-access
        if 0 < cw <= w_in and 0 < chh <= h_in:  # 0.1 also took an empty box, then failed to resize it
            break
    else:
        aspect = h_in / w_in
        s = float(np.float32(rng.uniform(scale[0], scale[1])))
        cw = _cv._lround(np.sqrt(h_in * w_in * s / aspect))  # pylint: disable=protected-access
        chh = max(1, min(_cv._lround(cw * aspect), h_in))  # pylint: disable=protected-access
        cw = max(1, min(cw, w_in))
    x = int(rng.integers(0, w_in - cw + 1))
    y = int(rng.integers(0, h_in - chh + 1))
    return x, y, chh, cw


def _check_random_resize_crop(self, size, scale, ratio, interpolation, max_attempts):
    name = type(self).__name__
    self.size = C.crop_size(size, name)
    self.scale = C.range_pair(scale, 0, C.FLOAT_MAX_INTEGER, "scale", name)
    self.ratio = C.range_pair(ratio, 0, C.FLOAT_MAX_INTEGER, "ratio", name)
    self.interpolation = C.inter_mode(interpolation, name)
    self.max_attempts = C.pos_int32(max_attempts, "max_attempts", name)
    self._rng = new_generator()


def _crop_and_resize(op, img):
    h, w = img.shape[:2]
    x, y, ch, cw = _crop_box(op._rng, h, w, op.scale, op.ratio, op.max_attempts)  # pylint: disable=protected-access
    th, tw = op.size
    if ch == 0 or cw == 0 or th > ch * 1000 or tw > cw * 1000:
        C.image_error(type(op).__name__, f"large enough for a crop of {(ch, cw)} resized to {(th, tw)}", img)
    return op._cv_call(_cv.resize, img[y:y + ch, x:x + cw], th, tw, op.interpolation)  # pylint: disable=protected-access


_RRC_NOTE = ("As in 0.1's C++ op, the aspect ratio is drawn uniformly from ratio (not log-uniformly) and "
             "read as height/width.")
_RRC_DEV = ("An attempt whose box rounds to 0 pixels is retried (0.1 accepted it and then failed to resize "
            "it).")


@ms_api(_P + "RandomResizedCrop", torch=_CV, deviations=(_RNG, _RRC_DEV), doc_errors=(_RRC_NOTE,))
class RandomResizedCrop(_ImageOp):
    """Crop a random area (``scale`` of the image area, aspect ``ratio``) and resize it to ``size``.

    Args:
        size (int or sequence): Output size, an int (square) or (height, width).
        scale (tuple): Range of the crop area as a fraction of the image (default=(0.08, 1.0)).
        ratio (tuple): Range of the crop aspect ratio (default=(3/4, 4/3)).
        interpolation (Inter): Inter.BILINEAR (default), Inter.NEAREST or Inter.BICUBIC.
        max_attempts (int): Tries before falling back to a crop of the image's own aspect (default=10).

    Note:
        As in 0.1's C++ op, the aspect ratio is drawn uniformly and read as height/width.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import RandomResizedCrop
        >>> RandomResizedCrop(8)(np.zeros((20, 30, 3), np.uint8)).shape
        (8, 8, 3)
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3. / 4., 4. / 3.), interpolation=Inter.BILINEAR,
                 max_attempts=10):
        _check_random_resize_crop(self, size, scale, ratio, interpolation, max_attempts)

    def __call__(self, img):
        return _crop_and_resize(self, self._image(img))


@ms_api(_P + "CenterCrop", torch="numpy slicing + cv2.copyMakeBorder")
class CenterCrop(_ImageOp):
    """Crop the centre of the image to ``size``; a smaller image is padded with zeros first.

    Args:
        size (int or sequence): Output size, an int (square) or (height, width).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import CenterCrop
        >>> CenterCrop(2)(np.arange(16, dtype=np.uint8).reshape(4, 4, 1))[..., 0]
        array([[ 5,  6],
               [ 9, 10]], dtype=uint8)
    """

    def __init__(self, size):
        self.size = C.crop_size(size, "CenterCrop")

    def __call__(self, img):
        img = self._image(img)
        ch, cw = self.size
        top = ch - img.shape[0]
        left = cw - img.shape[1]
        zero = (0, 0, 0)
        if top > 0 and left > 0:
            return self._cv_call(_cv.pad, img, top // 2 + top % 2, top // 2, left // 2 + left % 2, left // 2,
                                 Border.CONSTANT, zero)
        if top > 0:
            img = self._cv_call(_cv.pad, img, top // 2 + top % 2, top // 2, 0, 0, Border.CONSTANT, zero)
        elif left > 0:
            img = self._cv_call(_cv.pad, img, 0, 0, left // 2 + left % 2, left // 2, Border.CONSTANT, zero)
        x = (img.shape[1] - cw) // 2
        y = (img.shape[0] - ch) // 2
        return np.ascontiguousarray(img[y:y + ch, x:x + cw])


@ms_api(_P + "RandomColorAdjust", torch=_CV + " (addWeighted, cvtColor)", deviations=(_RNG,))
class RandomColorAdjust(_ImageOp):
    """Adjust brightness, contrast, saturation and hue by random factors, in a random order.

    Args:
        brightness (float or tuple): Factor range (default=(1, 1)); a number b means [max(0, 1-b), 1+b].
        contrast (float or tuple): Same, for contrast (default=(1, 1)).
        saturation (float or tuple): Same, for saturation (default=(1, 1)).
        hue (float or tuple): Hue shift range within [-0.5, 0.5] (default=(0, 0)); h means [-h, h].

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import RandomColorAdjust
        >>> RandomColorAdjust(brightness=(0.5, 0.5))(np.full((1, 1, 3), 100, np.uint8)).ravel()
        array([50, 50, 50], dtype=uint8)
    """

    def __init__(self, brightness=(1, 1), contrast=(1, 1), saturation=(1, 1), hue=(0, 0)):
        self.brightness = C.color_factor(brightness, "brightness", "RandomColorAdjust")
        self.contrast = C.color_factor(contrast, "contrast", "RandomColorAdjust")
        self.saturation = C.color_factor(saturation, "saturation", "RandomColorAdjust")
        self.hue = C.color_factor(hue, "hue", "RandomColorAdjust", center=0, bound=(-0.5, 0.5),
                                  non_negative=False)
        self._rng = new_generator()

    def _factor(self, pair):
        return float(np.float32(self._rng.uniform(pair[0], pair[1])))

    def __call__(self, img):
        if not isinstance(img, np.ndarray) or img.ndim != 3 or img.shape[2] != 3:
            C.image_error("RandomColorAdjust", "a <H,W,3> RGB numpy array", img)
        steps = [("brightness", self.brightness, 1.0, _cv.adjust_brightness),
                 ("contrast", self.contrast, 1.0, _cv.adjust_contrast),
                 ("saturation", self.saturation, 1.0, _cv.adjust_saturation),
                 ("hue", self.hue, 0.0, _cv.adjust_hue)]
        for i in self._rng.permutation(4):
            _, pair, neutral, fn = steps[i]
            lo, hi = float(np.float32(pair[0])), float(np.float32(pair[1]))
            if lo == hi == neutral:
                continue
            factor = self._factor(pair)
            if fn is _cv.adjust_hue and not -0.5 <= factor <= 0.5:
                raise RuntimeError(f"For 'RandomColorAdjust', the hue factor must be in [-0.5, 0.5], but got "
                                   f"{factor} (drawn from hue={self.hue}).")
            img = self._cv_call(fn, img, factor)
        return img


@ms_api(_P + "RandomRotation", torch=_CV + " (getRotationMatrix2D + warpAffine)",
        deviations=(_RNG, _FILL_ORDER))
class RandomRotation(_ImageOp):
    """Rotate the image by a random angle (degrees, counter-clockwise) about ``center``.

    Args:
        degrees (number or sequence): Range (min, max), or d for (-d, d).
        resample (Inter): Inter.NEAREST (default), Inter.BILINEAR or Inter.BICUBIC.
        expand (bool): Grow the output to hold the whole rotated image (default=False).
        center (tuple, optional): (x, y) rotation centre; None is the image centre (default=None).
        fill_value (int or tuple): Value outside the rotated image (default=0).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import RandomRotation
        >>> RandomRotation((90, 90), expand=True)(np.zeros((4, 6, 3), np.uint8)).shape
        (6, 4, 3)
    """

    def __init__(self, degrees, resample=Inter.NEAREST, expand=False, center=None, fill_value=0):
        self.degrees = C.degrees(degrees, "RandomRotation")
        self.resample = C.inter_mode(resample, "RandomRotation", "resample")
        self.expand = C.bool_(expand, "expand", "RandomRotation")
        if center is not None and not (isinstance(center, tuple) and len(center) == 2):
            C.fail(ValueError, "RandomRotation", "center", "a 2-tuple (x, y)", center)
        self.center = center
        self.fill_value = fill_value
        self._fill = C.fill_value(fill_value, "RandomRotation")
        self._rng = new_generator()

    def __call__(self, img):
        img = self._image(img)
        start, end = np.float32(self.degrees[0]), np.float32(self.degrees[1])
        draw = np.float32(self._rng.uniform(-1.0, 1.0))
        degree = (end + start) / np.float32(2) + draw * ((end - start) / np.float32(2))
        cx, cy = (-1, -1) if self.center is None else self.center
        return self._cv_call(_cv.rotate, img, cx, cy, degree, self.resample, self.expand, self._fill)


@ms_api(_P + "Rescale", torch="cv2.LUT on uint8, else numpy multiply-add (cv::Mat::convertTo in 0.1)")
class Rescale(_ImageOp):
    """``x * rescale + shift``, output float32.

    Args:
        rescale (float): Scale factor, in [0, 16777216].
        shift (float): Shift.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import Rescale
        >>> Rescale(1.0 / 255.0, 0.0)(np.array([[[0], [255]]], np.uint8)).ravel()
        array([0., 1.], dtype=float32)
    """

    _elementwise = True  # one value in, one out: the map fuses it with its neighbours

    def __init__(self, rescale, shift):
        C.required(rescale, "rescale", "Rescale")
        self.rescale = C.value_in(rescale, 0, C.FLOAT_MAX_INTEGER, "rescale", "Rescale")
        C.required(shift, "shift", "Rescale")
        if not C._is_number(shift):  # pylint: disable=protected-access
            C.fail(TypeError, "Rescale", "shift", "a number", shift)
        self.shift = shift
        self._lut = _cv.convert_scale_lut(rescale, shift)  # uint8 input: a table lookup, same values

    def __call__(self, img):
        if not isinstance(img, np.ndarray) or img.dtype.kind not in "uifb":
            C.image_error("Rescale", "a numeric numpy array", img)
        return _cv.convert_scale(img, self.rescale, self.shift, self._lut)

    batch = __call__


@ms_api(_P + "RandomResize", torch=_CV + " (cv2.resize)", deviations=(_RNG,))
class RandomResize(Resize):
    """Resize with an interpolation drawn at random among bilinear, nearest, bicubic and area.

    Args:
        size (int or sequence): As for :class:`Resize`.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import RandomResize
        >>> RandomResize((4, 6))(np.zeros((8, 8, 3), np.uint8)).shape
        (4, 6, 3)
    """
    _MODES = (Inter.LINEAR, Inter.NEAREST, Inter.CUBIC, _cv.AREA)
    _plane_resize = False  # its interpolation is drawn per image

    def __init__(self, size):  # pylint: disable=super-init-not-called
        self.size = C.resize_size(size, "RandomResize")
        self._rng = new_generator()

    def __call__(self, img):
        mode = self._MODES[int(self._rng.integers(0, 4))]
        return _resize(self, self._image(img), self.size, mode)


@ms_api(_P + "HWC2CHW", torch="numpy transpose",
        deviations=("An input that is not <H,W,C>, or that looks channel-first (first axis 1 or 3 and "
                    "last axis not 1, 3 or 4), raises RuntimeError; 0.1's check let some through.",))
class HWC2CHW(_ImageOp):
    """Transpose a <H,W,C> image to <C,H,W>.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import HWC2CHW
        >>> HWC2CHW()(np.zeros((32, 28, 3), np.uint8)).shape
        (3, 32, 28)
    """

    _hwc_to_chw = True  # after per-pixel operations the map writes CHW directly

    def __init__(self):
        pass

    def __call__(self, img):
        if not isinstance(img, np.ndarray) or img.ndim != 3:
            C.image_error("HWC2CHW", "a <H,W,C> numpy array", img)
        if img.shape[0] in (1, 3) and img.shape[2] not in (1, 3, 4):
            C.image_error("HWC2CHW", "a <H,W,C> numpy array (this one looks <C,H,W> already)", img)
        return np.ascontiguousarray(img.transpose(2, 0, 1))

    def batch(self, images):
        """Transpose a stacked <N,H,W,C> batch to <N,C,H,W>."""
        if not isinstance(images, np.ndarray) or images.ndim != 4:
            C.image_error("HWC2CHW", "a <N,H,W,C> numpy array", images)
        return np.ascontiguousarray(images.transpose(0, 3, 1, 2))


@ms_api(_P + "RandomCropDecodeResize", torch=_CV, deviations=(_RNG, _RRC_DEV), doc_errors=(_RRC_NOTE,))
class RandomCropDecodeResize(_ImageOp):
    """Decode an encoded image, then :class:`RandomResizedCrop` it.

    Args:
        size (int or sequence): Output size, an int (square) or (height, width).
        scale (tuple): Crop area range (default=(0.08, 1.0)).
        ratio (tuple): Crop aspect range (default=(3/4, 4/3)).
        interpolation (Inter): Inter.BILINEAR (default), Inter.NEAREST or Inter.BICUBIC.
        max_attempts (int): Tries before the fallback crop (default=10).

    Note:
        msnn decodes the whole image then crops; 0.1 decoded only the JPEG crop window.

    Examples:
        >>> import cv2, numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import RandomCropDecodeResize
        >>> png = np.frombuffer(cv2.imencode(".png", np.zeros((20, 30, 3), np.uint8))[1], np.uint8)
        >>> RandomCropDecodeResize((8, 6))(png).shape
        (8, 6, 3)
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3. / 4., 4. / 3.), interpolation=Inter.BILINEAR,
                 max_attempts=10):
        _check_random_resize_crop(self, size, scale, ratio, interpolation, max_attempts)
        self._decode = Decode()

    def __call__(self, img):
        if isinstance(img, np.ndarray) and img.ndim != 1:
            C.image_error("RandomCropDecodeResize", "a 1-D uint8 array of encoded image bytes", img)
        return _crop_and_resize(self, self._decode(img))


@ms_api(_P + "Pad", torch=_CV + " (cv2.copyMakeBorder)", deviations=(_FILL_ORDER,), doc_errors=(_PAD_ORDER,))
class Pad(_ImageOp):
    """Pad the image borders.

    Args:
        padding (int or sequence): An int for all borders, or 2 or 4 values (see Note).
        fill_value (int or tuple): Constant border value, an int or a 3-tuple (default=0).
        padding_mode (Border): Border.CONSTANT (default), EDGE, REFLECT or SYMMETRIC.

    Note:
        As in 0.1's code, 4 values (a, b, c, d) pad top=a, bottom=b, left=c, right=d; 2 values
        (a, b) pad top=a, bottom=b, left=a, right=b; a 3-tuple fill_value is applied in reverse
        channel order.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.c_transforms import Pad
        >>> Pad(2)(np.zeros((4, 5, 3), np.uint8)).shape
        (8, 9, 3)
    """

    def __init__(self, padding, fill_value=0, padding_mode=Border.CONSTANT):
        self.padding = C.padding(padding, "Pad")
        self._fill = C.fill_value(fill_value, "Pad")
        self.fill_value = fill_value
        self.padding_mode = C.border_type(padding_mode, "Pad")
        self._pads = _parse_pad(self.padding)

    def __call__(self, img):
        img = self._image(img)
        top, bottom, left, right = self._pads
        out = self._cv_call(_cv.pad, img, top, bottom, left, right, self.padding_mode, self._fill)
        return out.copy() if out is img else out
