"""PIL-based image transforms (``mindspore.dataset.transforms.vision.py_transforms``).

As in MindSpore 0.1, these run in Python on PIL images (``Decode``/``ToPIL`` produce one) and on
numpy <C,H,W> arrays after ``ToTensor``; ``ComposeOp`` chains them into one callable for
``Dataset.map``. Random transforms draw from a ``random.Random`` per transform, seeded from the
dataset config seed when one is set (0.1 used Python's global ``random``).

Examples:
    >>> import numpy as np
    >>> import msnn.dataset.transforms.vision.py_transforms as py_vision
    >>> compose = py_vision.ComposeOp([py_vision.ToPIL(), py_vision.Resize((4, 6)), py_vision.ToTensor()])
    >>> compose()(np.zeros((8, 8, 3), np.uint8)).shape
    (3, 4, 6)
"""
import io
import numbers

import numpy as np

from msnn._api import ms_api
from .. import _checks as C
from .._random import new_generator, python_random
from . import py_transforms_util as util
from .utils import Inter, Border

__all__ = ["ComposeOp", "ToTensor", "ToType", "HWC2CHW", "ToPIL", "Decode", "Normalize", "RandomCrop",
           "RandomHorizontalFlip", "RandomVerticalFlip", "Resize", "RandomResizedCrop", "CenterCrop",
           "RandomColorAdjust", "RandomRotation", "RandomOrder", "RandomApply", "RandomChoice", "FiveCrop",
           "TenCrop", "Grayscale", "RandomGrayscale", "Pad", "RandomPerspective", "RandomErasing", "Cutout",
           "LinearTransformation", "RandomAffine", "MixUp", "RgbToHsv", "HsvToRgb"]

_P = "mindspore.dataset.transforms.vision.py_transforms."
_PIL = "PIL (Pillow), as MindSpore 0.1"
_RNG = ("Draws come from a random.Random per transform, seeded from the dataset config seed when set; "
        "0.1 used Python's global random module.")


class _PyOp:
    def __new__(cls, *args, **kwargs):  # pylint: disable=unused-argument
        util.require()
        return super().__new__(cls)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


class _RandomPyOp(_PyOp):
    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls, *args, **kwargs)
        obj._rnd = python_random()
        return obj


@ms_api(_P + "ComposeOp", torch="function composition")
class ComposeOp(_PyOp):
    """Chain transforms: ``ComposeOp(transforms)()`` is a callable taking a numpy image and returning
    the numpy output of the last transform.

    Args:
        transforms (list): Transforms (or any callables) to apply in order.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision import py_transforms as P
        >>> P.ComposeOp([P.ToPIL(), P.ToTensor()])()(np.zeros((2, 3, 3), np.uint8)).shape
        (3, 2, 3)
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self):
        return _Composed(self.transforms)


class _Composed:
    """The callable ``ComposeOp(...)()`` returns (an object, so that the dataset engine can reach and
    reseed the random transforms it holds in each worker)."""

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        if not isinstance(img, np.ndarray):
            raise TypeError(f"For 'ComposeOp', the input must be a numpy array, but got {type(img).__name__}.")
        for transform in self.transforms:
            img = transform(img)
        if not isinstance(img, np.ndarray):
            raise TypeError(f"For 'ComposeOp', the last transform must return a numpy array (append "
                            f"ToTensor()), but it returned {type(img).__name__}.")
        return img


@ms_api(_P + "ToTensor", torch="numpy")
class ToTensor(_PyOp):
    """Convert a PIL image or <H,W,C> array to a <C,H,W> array divided by 255, of ``output_type``.

    Args:
        output_type (numpy dtype): Output dtype (default=np.float32).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import ToTensor
        >>> ToTensor()(np.full((1, 1, 3), 255, np.uint8)).ravel()
        array([1., 1., 1.], dtype=float32)
    """

    def __init__(self, output_type=np.float32):
        self.output_type = output_type

    def __call__(self, img):
        return util.to_tensor(img, self.output_type, "ToTensor")


@ms_api(_P + "ToType", torch="numpy.ndarray.astype")
class ToType(_PyOp):
    """Cast a numpy array to ``output_type``.

    Args:
        output_type (numpy dtype): Output dtype, e.g. np.float32.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import ToType
        >>> ToType(np.int16)(np.zeros(2, np.uint8)).dtype
        dtype('int16')
    """

    def __init__(self, output_type):
        self.output_type = output_type

    def __call__(self, img):
        return util.check_numpy(img, "ToType").astype(self.output_type)


@ms_api(_P + "HWC2CHW", torch="numpy transpose")
class HWC2CHW(_PyOp):
    """Transpose a numpy <H,W,C> array to <C,H,W>.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import HWC2CHW
        >>> HWC2CHW()(np.zeros((4, 5, 3))).shape
        (3, 4, 5)
    """

    def __init__(self):
        pass

    def __call__(self, img):
        return util.hwc_to_chw(img, "HWC2CHW")


@ms_api(_P + "ToPIL", torch="PIL.Image.fromarray")
class ToPIL(_PyOp):
    """Convert a decoded numpy image to a PIL image (a PIL image passes through).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import ToPIL
        >>> ToPIL()(np.zeros((4, 5, 3), np.uint8)).size
        (5, 4)
    """

    def __init__(self):
        pass

    def __call__(self, img):
        if util.is_pil(img):
            return img
        return util.Image.fromarray(util.check_numpy(img, "ToPIL"))


@ms_api(_P + "Decode", torch="PIL.Image.open")
class Decode(_PyOp):
    """Decode encoded image bytes to an RGB PIL image.

    Examples:
        >>> import io, numpy as np
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import Decode
        >>> buf = io.BytesIO(); Image.new("L", (5, 4)).save(buf, "PNG")
        >>> img = Decode()(np.frombuffer(buf.getvalue(), np.uint8)); img.mode, img.size
        ('RGB', (5, 4))
    """

    def __init__(self):
        pass

    def __call__(self, img):
        try:
            data = io.BytesIO(img)
            return util.Image.open(data).convert("RGB")
        except (OSError, TypeError, AttributeError) as e:
            raise ValueError(f"For 'Decode', the input could not be decoded as an image: {e}") from None


@ms_api(_P + "Normalize", torch="numpy")
class Normalize(_PyOp):
    """Normalize a <C,H,W> array: ``(img - mean[c]) / std[c]`` in the array's dtype.

    Args:
        mean (list): Channel means, each in [0, 1] (one value is used for every channel).
        std (list): Channel standard deviations, each in [0, 1].

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import Normalize
        >>> Normalize([0.5], [0.25])(np.ones((2, 1, 1), np.float32)).ravel()
        array([2., 2.], dtype=float32)
    """

    def __init__(self, mean, std):
        C.required(mean, "mean", "Normalize")
        C.required(std, "std", "Normalize")
        if len(mean) != len(std):
            raise ValueError(f"For 'Normalize', the lengths of 'mean' and 'std' must be equal, but got "
                             f"{len(mean)} and {len(std)}.")
        for name, v in (("mean", mean), ("std", std)):
            for x in v:
                C.value_in(x, 0., 1., name, "Normalize", what="made of numbers")
        self.mean = mean
        self.std = std

    def __call__(self, img):
        util.check_numpy(img, "Normalize", "a numpy <C,H,W> array")
        c = img.shape[0]
        mean, std = list(self.mean), list(self.std)
        if len(mean) == 1:
            mean, std = mean * c, std * c
        elif len(mean) != c:
            raise ValueError(f"For 'Normalize', mean and std must have 1 or {c} values (the channels of a "
                             f"<C,H,W> image), but got {len(mean)}.")
        mean = np.array(mean, dtype=img.dtype)[:, None, None]
        std = np.array(std, dtype=img.dtype)[:, None, None]
        return (img - mean) / std


@ms_api(_P + "RandomCrop", torch=_PIL, deviations=(_RNG,))
class RandomCrop(_RandomPyOp):
    """Crop a PIL image at a random location, after optional padding.

    Args:
        size (int or sequence): Output size, an int (square) or (height, width).
        padding (int or sequence, optional): Padding (left, top, right, bottom), 2 values (left/right,
            top/bottom) or one int (default=None).
        pad_if_needed (bool): Pad when the image is smaller than ``size`` (default=False).
        fill_value (int or tuple): Constant border value (default=0).
        padding_mode (Border): Border.CONSTANT (default), EDGE, REFLECT or SYMMETRIC.

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomCrop
        >>> RandomCrop(4, padding=2)(Image.new("RGB", (6, 6))).size
        (4, 4)
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill_value=0, padding_mode=Border.CONSTANT):
        self.size = C.crop_size(size, "RandomCrop")
        self.padding = None if padding is None else C.padding(padding, "RandomCrop")
        self.pad_if_needed = C.bool_(pad_if_needed, "pad_if_needed", "RandomCrop", exc=TypeError)
        C.fill_value(fill_value, "RandomCrop")
        self.fill_value = fill_value
        self.padding_mode = C.border_type(padding_mode, "RandomCrop")

    def __call__(self, img):
        util.check_pil(img, "RandomCrop")
        ch, cw = self.size
        if self.padding is not None:
            img = util.pad(img, self.padding, self.fill_value, self.padding_mode)
        if self.pad_if_needed and img.size[0] < cw:
            d = cw - img.size[0]
            img = util.pad(img, (d, 0, d, 0), self.fill_value, self.padding_mode)
        if self.pad_if_needed and img.size[1] < ch:
            d = ch - img.size[1]
            img = util.pad(img, (0, d, 0, d), self.fill_value, self.padding_mode)
        w, h = img.size
        if (w, h) == (cw, ch):
            return util.crop(img, 0, 0, h, w)
        if h < ch or w < cw:
            raise ValueError(f"For 'RandomCrop', the crop size {self.size} must not exceed the (padded) image "
                             f"size {(h, w)}.")
        top = self._rnd.randint(0, h - ch)
        left = self._rnd.randint(0, w - cw)
        return util.crop(img, top, left, ch, cw)


class _PyFlip(_RandomPyOp):
    _method = 0

    def __init__(self, prob=0.5):
        self.prob = C.prob(prob, type(self).__name__)

    def __call__(self, img):
        util.check_pil(img, type(self).__name__)
        if self.prob > self._rnd.random():
            return img.transpose(self._method)
        return img


@ms_api(_P + "RandomHorizontalFlip", torch=_PIL, deviations=(_RNG,))
class RandomHorizontalFlip(_PyFlip):
    """Flip a PIL image left-right with probability ``prob`` (default=0.5).

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomHorizontalFlip
        >>> RandomHorizontalFlip(1.0)(Image.new("L", (3, 2))).size
        (3, 2)
    """
    _method = 0  # Image.Transpose.FLIP_LEFT_RIGHT


@ms_api(_P + "RandomVerticalFlip", torch=_PIL, deviations=(_RNG,))
class RandomVerticalFlip(_PyFlip):
    """Flip a PIL image top-bottom with probability ``prob`` (default=0.5).

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomVerticalFlip
        >>> RandomVerticalFlip(1.0)(Image.new("L", (3, 2))).size
        (3, 2)
    """
    _method = 1  # Image.Transpose.FLIP_TOP_BOTTOM


@ms_api(_P + "Resize", torch=_PIL + " (Image.resize)")
class Resize(_PyOp):
    """Resize a PIL image to (height, width), or its smaller edge to an int ``size`` (the other edge
    is ``int(size * aspect)``, truncated, as in 0.1).

    Args:
        size (int or sequence): Output size.
        interpolation (Inter): Inter.BILINEAR (default), Inter.NEAREST or Inter.BICUBIC.

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import Resize
        >>> Resize(16)(Image.new("RGB", (23, 37))).size
        (16, 25)
    """

    def __init__(self, size, interpolation=Inter.BILINEAR):
        self.size = C.resize_size(size, "Resize")
        self.interpolation = C.inter_mode(interpolation, "Resize")

    def __call__(self, img):
        return util.resize(util.check_pil(img, "Resize"), self.size, util.pil_filter(self.interpolation))


@ms_api(_P + "RandomResizedCrop", torch=_PIL, deviations=(_RNG,))
class RandomResizedCrop(_RandomPyOp):
    """Crop a random area (``scale`` of the area, width/height aspect log-uniform in ``ratio``) of a
    PIL image and resize it to ``size``.

    Args:
        size (int or sequence): Output size.
        scale (tuple): Area range (default=(0.08, 1.0)).
        ratio (tuple): Aspect range (default=(3/4, 4/3)).
        interpolation (Inter): Inter.BILINEAR (default), Inter.NEAREST or Inter.BICUBIC.
        max_attempts (int): Tries before a centre crop (default=10).

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomResizedCrop
        >>> RandomResizedCrop((4, 6))(Image.new("RGB", (20, 20))).size
        (6, 4)
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3. / 4., 4. / 3.), interpolation=Inter.BILINEAR,
                 max_attempts=10):
        self.size = C.crop_size(size, "RandomResizedCrop")
        self.scale = C.range_pair(scale, 0, C.FLOAT_MAX_INTEGER, "scale", "RandomResizedCrop")
        self.ratio = C.range_pair(ratio, 0, C.FLOAT_MAX_INTEGER, "ratio", "RandomResizedCrop")
        self.interpolation = C.inter_mode(interpolation, "RandomResizedCrop")
        self.max_attempts = C.pos_int32(max_attempts, "max_attempts", "RandomResizedCrop")

    def __call__(self, img):
        util.check_pil(img, "RandomResizedCrop")
        top, left, h, w = util.random_resize_crop_box(self._rnd, img, self.scale, self.ratio, self.max_attempts)
        return util.resize(util.crop(img, top, left, h, w), self.size, util.pil_filter(self.interpolation))


@ms_api(_P + "CenterCrop", torch=_PIL + " (Image.crop)")
class CenterCrop(_PyOp):
    """Crop the centre of a PIL image to ``size`` (PIL fills any part outside the image with 0).

    Args:
        size (int or sequence): Output size.

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import CenterCrop
        >>> CenterCrop((2, 3))(Image.new("RGB", (8, 8))).size
        (3, 2)
    """

    def __init__(self, size):
        self.size = C.crop_size(size, "CenterCrop")

    def __call__(self, img):
        return util.center_crop(util.check_pil(img, "CenterCrop"), self.size)


@ms_api(_P + "RandomColorAdjust", torch=_PIL + " (ImageEnhance)", deviations=(_RNG,))
class RandomColorAdjust(_RandomPyOp):
    """Adjust brightness, contrast, saturation (PIL ImageEnhance) and hue of a PIL image by random
    factors, in a random order.

    Args:
        brightness, contrast, saturation (float or tuple): Factor ranges (default=(1, 1)).
        hue (float or tuple): Hue shift range within [-0.5, 0.5] (default=(0, 0)).

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomColorAdjust
        >>> RandomColorAdjust(brightness=(0.5, 0.5))(Image.new("RGB", (1, 1), (100, 100, 100))).getpixel((0, 0))
        (50, 50, 50)
    """

    def __init__(self, brightness=(1, 1), contrast=(1, 1), saturation=(1, 1), hue=(0, 0)):
        self.brightness = C.color_factor(brightness, "brightness", "RandomColorAdjust")
        self.contrast = C.color_factor(contrast, "contrast", "RandomColorAdjust")
        self.saturation = C.color_factor(saturation, "saturation", "RandomColorAdjust")
        self.hue = C.color_factor(hue, "hue", "RandomColorAdjust", center=0, bound=(-0.5, 0.5),
                                  non_negative=False)

    def __call__(self, img):
        util.check_pil(img, "RandomColorAdjust")
        b = self._rnd.uniform(*self.brightness)
        c = self._rnd.uniform(*self.contrast)
        s = self._rnd.uniform(*self.saturation)
        h = self._rnd.uniform(*self.hue)
        steps = [lambda im: util.ImageEnhance.Brightness(im).enhance(b),
                 lambda im: util.ImageEnhance.Contrast(im).enhance(c),
                 lambda im: util.ImageEnhance.Color(im).enhance(s),
                 lambda im: util.adjust_hue(im, h)]
        self._rnd.shuffle(steps)
        for step in steps:
            img = step(img)
        return img


@ms_api(_P + "RandomRotation", torch=_PIL + " (Image.rotate)", deviations=(_RNG,))
class RandomRotation(_RandomPyOp):
    """Rotate a PIL image by a random angle (degrees, counter-clockwise).

    Args:
        degrees (number or sequence): Range (min, max), or d for (-d, d).
        resample (Inter): Inter.NEAREST (default), Inter.BILINEAR or Inter.BICUBIC.
        expand (bool): Grow the output to hold the whole rotated image (default=False).
        center (tuple, optional): (x, y) rotation centre (default=None: the image centre).
        fill_value (int or tuple): Fill outside the rotated image (default=0).

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomRotation
        >>> RandomRotation((90, 90), expand=True)(Image.new("RGB", (6, 4))).size
        (4, 6)
    """

    def __init__(self, degrees, resample=Inter.NEAREST, expand=False, center=None, fill_value=0):
        self.degrees = C.degrees(degrees, "RandomRotation")
        self.resample = C.inter_mode(resample, "RandomRotation", "resample")
        self.expand = C.bool_(expand, "expand", "RandomRotation")
        if center is not None and not (isinstance(center, tuple) and len(center) == 2):
            C.fail(ValueError, "RandomRotation", "center", "a 2-tuple (x, y)", center)
        self.center = center
        C.fill_value(fill_value, "RandomRotation")
        self.fill_value = fill_value

    def __call__(self, img):
        util.check_pil(img, "RandomRotation")
        angle = self._rnd.uniform(self.degrees[0], self.degrees[1])
        fill = (self.fill_value,) * 3 if isinstance(self.fill_value, int) else self.fill_value
        if img.mode in ("L", "1", "I", "F", "P"):
            fill = fill[0]
        return img.rotate(angle, util.pil_filter(self.resample), self.expand, self.center, fillcolor=fill)


def _check_transforms(transforms, cls_name):
    return C.transforms_list(transforms, cls_name)


@ms_api(_P + "RandomOrder", torch="random.shuffle", deviations=(_RNG,))
class RandomOrder(_RandomPyOp):
    """Apply ``transforms`` in a random order.

    Args:
        transforms (list): Transforms to apply.

    Note:
        0.1 shuffled the list itself; msnn shuffles a copy.

    Examples:
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomOrder
        >>> RandomOrder([lambda x: x + 1, lambda x: x * 2])(1) in (3, 4)
        True
    """

    def __init__(self, transforms):
        self.transforms = _check_transforms(transforms, "RandomOrder")

    def __call__(self, img):
        order = list(self.transforms)
        self._rnd.shuffle(order)
        for transform in order:
            img = transform(img)
        return img


@ms_api(_P + "RandomApply", torch="random", deviations=(_RNG,))
class RandomApply(_RandomPyOp):
    """Apply all ``transforms`` with probability ``prob``, else none.

    Args:
        transforms (list): Transforms to apply.
        prob (float): Probability, in [0, 1] (default=0.5).

    Examples:
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomApply
        >>> RandomApply([lambda x: x + 1], prob=1.0)(1)
        2
    """

    def __init__(self, transforms, prob=0.5):
        self.transforms = _check_transforms(transforms, "RandomApply")
        self.prob = C.prob(prob, "RandomApply")

    def __call__(self, img):
        if self.prob < self._rnd.random():
            return img
        for transform in self.transforms:
            img = transform(img)
        return img


@ms_api(_P + "RandomChoice", torch="random.choice", deviations=(_RNG,))
class RandomChoice(_RandomPyOp):
    """Apply one of ``transforms``, chosen at random.

    Args:
        transforms (list): Transforms to choose from.

    Examples:
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomChoice
        >>> RandomChoice([lambda x: x + 1, lambda x: x + 2])(1) in (2, 3)
        True
    """

    def __init__(self, transforms):
        self.transforms = _check_transforms(transforms, "RandomChoice")

    def __call__(self, img):
        return self._rnd.choice(self.transforms)(img)


@ms_api(_P + "FiveCrop", torch=_PIL)
class FiveCrop(_PyOp):
    """The four corner crops and the centre crop of a PIL image:
    (top_left, top_right, bottom_left, bottom_right, center).

    Args:
        size (int or sequence): Crop size.

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import FiveCrop
        >>> [im.size for im in FiveCrop(2)(Image.new("RGB", (4, 4)))]
        [(2, 2), (2, 2), (2, 2), (2, 2), (2, 2)]
    """

    def __init__(self, size):
        self.size = C.crop_size(size, "FiveCrop")

    def __call__(self, img):
        return util.five_crop(util.check_pil(img, "FiveCrop"), self.size, "FiveCrop")


@ms_api(_P + "TenCrop", torch=_PIL)
class TenCrop(_PyOp):
    """:class:`FiveCrop` of the image, then of its flipped copy (10 PIL images).

    Args:
        size (int or sequence): Crop size.
        use_vertical_flip (bool): Flip top-bottom instead of left-right (default=False).

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import TenCrop
        >>> len(TenCrop(2)(Image.new("RGB", (4, 4))))
        10
    """

    def __init__(self, size, use_vertical_flip=False):
        self.size = C.crop_size(size, "TenCrop")
        self.use_vertical_flip = C.bool_(use_vertical_flip, "use_vertical_flip", "TenCrop")

    def __call__(self, img):
        util.check_pil(img, "TenCrop")
        flipped = img.transpose(1 if self.use_vertical_flip else 0)
        return util.five_crop(img, self.size, "TenCrop") + util.five_crop(flipped, self.size, "TenCrop")


@ms_api(_P + "Grayscale", torch=_PIL + " (Image.convert('L'))")
class Grayscale(_PyOp):
    """Convert a PIL image to grey, with 1 or 3 (identical) channels.

    Args:
        num_output_channels (int): 1 (default) or 3.

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import Grayscale
        >>> Grayscale(3)(Image.new("RGB", (2, 2), (255, 0, 0))).getpixel((0, 0))
        (76, 76, 76)
    """

    def __init__(self, num_output_channels=1):
        if num_output_channels not in (1, 3) or isinstance(num_output_channels, bool):
            C.fail(ValueError, "Grayscale", "num_output_channels", "1 or 3", num_output_channels)
        self.num_output_channels = num_output_channels

    def __call__(self, img):
        return util.grayscale(util.check_pil(img, "Grayscale"), self.num_output_channels)


@ms_api(_P + "RandomGrayscale", torch=_PIL, deviations=(_RNG,))
class RandomGrayscale(_RandomPyOp):
    """Convert a PIL image to grey with probability ``prob``, keeping its number of channels.

    Args:
        prob (float): Probability, in [0, 1] (default=0.1).

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomGrayscale
        >>> RandomGrayscale(1.0)(Image.new("RGB", (2, 2), (255, 0, 0))).getpixel((0, 0))
        (76, 76, 76)
    """

    def __init__(self, prob=0.1):
        self.prob = C.prob(prob, "RandomGrayscale")

    def __call__(self, img):
        util.check_pil(img, "RandomGrayscale")
        channels = 1 if img.mode == "L" else 3
        if self.prob > self._rnd.random():
            return util.grayscale(img, channels)
        return img


@ms_api(_P + "Pad", torch=_PIL + " (ImageOps.expand) / numpy.pad")
class Pad(_PyOp):
    """Pad a PIL image: ``padding`` is an int, (left/right, top/bottom) or (left, top, right, bottom).

    Args:
        padding (int or sequence): The padding.
        fill_value (int or tuple): Constant border value (default=0).
        padding_mode (Border): Border.CONSTANT (default), EDGE, REFLECT or SYMMETRIC.

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import Pad
        >>> Pad((1, 2, 3, 4))(Image.new("RGB", (5, 5))).size
        (9, 11)
    """

    def __init__(self, padding, fill_value=0, padding_mode=Border.CONSTANT):
        self.padding = C.padding(padding, "Pad")
        C.fill_value(fill_value, "Pad")
        self.fill_value = fill_value
        self.padding_mode = C.border_type(padding_mode, "Pad")

    def __call__(self, img):
        return util.pad(util.check_pil(img, "Pad"), self.padding, self.fill_value, self.padding_mode)


@ms_api(_P + "RandomPerspective", torch=_PIL + " (Image.transform PERSPECTIVE)", deviations=(_RNG,))
class RandomPerspective(_RandomPyOp):
    """Apply a random perspective warp to a PIL image with probability ``prob``.

    Args:
        distortion_scale (float): Distortion, in [0, 1] (default=0.5).
        prob (float): Probability, in [0, 1] (default=0.5).
        interpolation (Inter): Inter.BICUBIC (default), Inter.BILINEAR or Inter.NEAREST.

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomPerspective
        >>> RandomPerspective(prob=1.0)(Image.new("RGB", (8, 6))).size
        (8, 6)
    """

    def __init__(self, distortion_scale=0.5, prob=0.5, interpolation=Inter.BICUBIC):
        self.distortion_scale = C.value_in(distortion_scale, 0., 1., "distortion_scale", "RandomPerspective")
        self.prob = C.prob(prob, "RandomPerspective")
        self.interpolation = C.inter_mode(interpolation, "RandomPerspective")

    def __call__(self, img):
        util.check_pil(img, "RandomPerspective")
        if self.prob > self._rnd.random():
            start, end = util.perspective_points(self._rnd, img, self.distortion_scale)
            coeffs = util.perspective_coeffs(start, end)
            return img.transform(img.size, util.Image.Transform.PERSPECTIVE, coeffs,
                                 util.pil_filter(self.interpolation))
        return img


def _check_erase_value(value, cls_name):
    if not (C._is_number(value) or isinstance(value, (str, bytes))  # pylint: disable=protected-access
            or (isinstance(value, (tuple, list)) and len(value) == 3)):
        C.fail(ValueError, cls_name, "value", "a number, the string 'random' or a sequence of 3 values", value)
    return value


@ms_api(_P + "RandomErasing", torch="numpy", deviations=(_RNG,))
class RandomErasing(_RandomPyOp):
    """With probability ``prob``, set a random rectangle of a <C,H,W> array to ``value``.

    Args:
        prob (float): Probability, in [0, 1] (default=0.5).
        scale (sequence): Range of the erased area fraction (default=(0.02, 0.33)).
        ratio (sequence): Range of its aspect ratio (default=(0.3, 3.3)).
        value (int, sequence or str): Fill: a number, 3 channel values or 'random' (normal noise) (default=0).
        inplace (bool): Erase in place (default=False).
        max_attempts (int): Tries to find a box that fits (default=10).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomErasing
        >>> RandomErasing(prob=1.0)(np.ones((3, 8, 8), np.float32)).shape
        (3, 8, 8)
    """

    def __init__(self, prob=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False, max_attempts=10):
        self.prob = C.prob(prob, "RandomErasing")
        self.scale = C.range_pair(scale, 0, C.FLOAT_MAX_INTEGER, "scale", "RandomErasing")
        self.ratio = C.range_pair(ratio, 0, C.FLOAT_MAX_INTEGER, "ratio", "RandomErasing")
        self.value = _check_erase_value(value, "RandomErasing")
        self.inplace = C.bool_(inplace, "inplace", "RandomErasing")
        self.max_attempts = C.pos_int32(max_attempts, "max_attempts", "RandomErasing")
        self._nprng = new_generator()

    def __call__(self, np_img):
        util.check_numpy(np_img, "RandomErasing", "a numpy <C,H,W> array")
        if self.prob > self._rnd.random():
            i, j, h, w, v = util.erase_params(self._rnd, self._nprng, np_img, self.scale, self.ratio, self.value,
                                              True, self.max_attempts)
            return util.erase(np_img, i, j, h, w, v, self.inplace)
        return np_img


@ms_api(_P + "Cutout", torch="numpy", deviations=(_RNG,))
class Cutout(_RandomPyOp):
    """Set ``num_patches`` random ``length`` x ``length`` squares of a <C,H,W> array to 0 (clipped at
    the border).

    Args:
        length (int): Square side.
        num_patches (int): Number of squares (default=1).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import Cutout
        >>> Cutout(2)(np.ones((3, 8, 8), np.float32)).shape
        (3, 8, 8)
    """

    def __init__(self, length, num_patches=1):
        C.required(length, "length", "Cutout")
        self.length = C.pos_int32(length, "length", "Cutout")
        self.num_patches = C.pos_int32(num_patches, "num_patches", "Cutout")
        self._nprng = new_generator()

    def __call__(self, np_img):
        util.check_numpy(np_img, "Cutout", "a numpy <C,H,W> array")
        _, h, w = np_img.shape
        scale = (self.length * self.length) / (h * w)
        for _ in range(self.num_patches):
            i, j, eh, ew, v = util.erase_params(self._rnd, self._nprng, np_img, (scale, scale), (1, 1), 0, False, 1)
            np_img = util.erase(np_img, i, j, eh, ew, v)
        return np_img


@ms_api(_P + "LinearTransformation", torch="numpy.dot")
class LinearTransformation(_PyOp):
    """Flatten a <C,H,W> array, subtract ``mean_vector``, multiply by ``transformation_matrix`` and
    restore the shape.

    Args:
        transformation_matrix (numpy.ndarray): A (D, D) matrix, D = C*H*W.
        mean_vector (numpy.ndarray): A (D,) vector.

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import LinearTransformation
        >>> LinearTransformation(2 * np.eye(4), np.ones(4))(np.ones((1, 2, 2))).ravel()
        array([0., 0., 0., 0.])
    """

    def __init__(self, transformation_matrix, mean_vector):
        C.required(transformation_matrix, "transformation_matrix", "LinearTransformation")
        C.required(mean_vector, "mean_vector", "LinearTransformation")
        m = transformation_matrix
        if m.ndim != 2 or m.shape[0] != m.shape[1]:
            C.fail(ValueError, "LinearTransformation", "transformation_matrix", "a square matrix", m.shape)
        if mean_vector.shape[0] != m.shape[0]:
            C.fail(ValueError, "LinearTransformation", "mean_vector", f"of length {m.shape[0]}", mean_vector.shape)
        self.transformation_matrix = transformation_matrix
        self.mean_vector = mean_vector

    def __call__(self, np_img):
        util.check_numpy(np_img, "LinearTransformation")
        if np_img.size != self.transformation_matrix.shape[0]:
            raise ValueError(f"For 'LinearTransformation', the image of shape {np_img.shape} does not match the "
                             f"transformation matrix of shape {self.transformation_matrix.shape}.")
        flat = np_img.reshape(1, -1) - self.mean_vector
        return np.dot(flat, self.transformation_matrix).reshape(np_img.shape)


@ms_api(_P + "RandomAffine", torch=_PIL + " (Image.transform AFFINE)", deviations=(_RNG,))
class RandomAffine(_RandomPyOp):
    """Random affine transform of a PIL image: rotation, translation, scale and shear about the centre.

    Args:
        degrees (number or sequence): Rotation range (min, max), or d for (-d, d).
        translate (sequence, optional): Maximum (tx, ty) shifts as fractions of width/height (default=None).
        scale (sequence, optional): Scale range (default=None: 1).
        shear (number or sequence, optional): x shear range, or (x_min, x_max, y_min, y_max) (default=None).
        resample (Inter): Inter.NEAREST (default), Inter.BILINEAR or Inter.BICUBIC.
        fill_value (int or tuple): Fill outside the image (default=0).

    Examples:
        >>> from PIL import Image
        >>> from msnn.dataset.transforms.vision.py_transforms import RandomAffine
        >>> RandomAffine(15, translate=(0.1, 0.1), scale=(0.9, 1.1))(Image.new("RGB", (8, 6))).size
        (8, 6)
    """

    def __init__(self, degrees, translate=None, scale=None, shear=None, resample=Inter.NEAREST, fill_value=0):
        name = "RandomAffine"
        self.degrees = C.degrees(degrees, name)
        if translate is not None:
            if not (isinstance(translate, (tuple, list)) and len(translate) == 2):
                C.fail(TypeError, name, "translate", "a list or tuple of length 2", translate)
            for t in translate:
                C.value_in(t, 0.0, 1.0, "translate", name, what="made of numbers")
        self.translate = translate
        if scale is not None:
            if not (isinstance(scale, (tuple, list)) and len(scale) == 2):
                C.fail(TypeError, name, "scale", "a list or tuple of length 2", scale)
            if any(not C._is_number(s) or s <= 0 for s in scale):  # pylint: disable=protected-access
                C.fail(ValueError, name, "scale", "made of positive numbers", scale)
        self.scale_ranges = scale
        if shear is not None:
            if C._is_number(shear):  # pylint: disable=protected-access
                if shear < 0:
                    C.fail(ValueError, name, "shear", "non-negative when it is a single number", shear)
                shear = [-shear, shear, 0., 0.]
            elif isinstance(shear, (tuple, list)) and len(shear) in (2, 4):
                shear = [shear[0], shear[1], 0., 0.] if len(shear) == 2 else list(shear)
            else:
                C.fail(TypeError, name, "shear", "a number or a list/tuple of length 2 or 4", shear)
        self.shear = shear
        self.resample = C.inter_mode(resample, name, "resample")
        C.fill_value(fill_value, name)
        self.fill_value = fill_value

    def __call__(self, img):
        util.check_pil(img, "RandomAffine")
        angle = self._rnd.uniform(self.degrees[0], self.degrees[1])
        if self.translate is not None:
            max_dx = self.translate[0] * img.size[0]
            max_dy = self.translate[1] * img.size[1]
            translations = (np.round(self._rnd.uniform(-max_dx, max_dx)),
                            np.round(self._rnd.uniform(-max_dy, max_dy)))
        else:
            translations = (0, 0)
        scale = 1.0 if self.scale_ranges is None else self._rnd.uniform(*self.scale_ranges)
        if self.shear is None:
            shear = 0.0
        else:
            shear = [self._rnd.uniform(self.shear[0], self.shear[1]), self._rnd.uniform(self.shear[2], self.shear[3])]
        matrix = util.affine_matrix(img, angle, translations, scale, shear)
        return img.transform(img.size, util.Image.Transform.AFFINE, matrix, util.pil_filter(self.resample),
                             fillcolor=self.fill_value)


@ms_api(_P + "MixUp", torch="numpy", deviations=("Mixing weights come from a numpy Generator per transform "
                                                  "(0.1: numpy's global RNG).",))
class MixUp(_PyOp):
    """Mix a batch of images and labels with Beta(alpha, alpha) weights: with ``is_single`` each sample
    is mixed with the next one in the batch, else with the previous batch's output.

    Args:
        batch_size (int): Batch size.
        alpha (float): Beta distribution parameter (> 0).
        is_single (bool): Mix within one batch (default=True).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import MixUp
        >>> img, label = MixUp(2, 0.2)(np.ones((2, 3, 4, 4)), np.eye(2))
        >>> img.shape, label.shape
        ((2, 3, 4, 4), (2, 2))
    """

    def __init__(self, batch_size, alpha, is_single=True):
        C.required(batch_size, "batch_size", "MixUp")
        self.batch_size = C.pos_int32(batch_size, "batch_size", "MixUp")
        C.required(alpha, "alpha", "MixUp")
        if not C._is_number(alpha) or alpha <= 0:  # pylint: disable=protected-access
            C.fail(ValueError, "MixUp", "alpha", "a number > 0", alpha)
        self.alpha = alpha
        self.is_single = C.bool_(is_single, "is_single", "MixUp")
        self.image = 0
        self.label = 0
        self.is_first = True
        self._nprng = new_generator()

    def __call__(self, image, label):
        n = self.batch_size
        lam = self._nprng.beta(self.alpha, self.alpha, n)
        if self.is_single:
            shift = list(range(1, n)) + [0]
            other_img, other_label = image[shift, ...], label[shift, ...]
        else:
            if self.is_first:
                lam = np.ones(n)
                self.is_first = False
            other_img, other_label = self.image, self.label
        lam_img = lam.reshape((n, 1, 1, 1))
        lam_label = lam.reshape((n, 1))
        mix_img = lam_img * image + (1 - lam_img) * other_img
        mix_label = lam_label * label + (1 - lam_label) * other_label
        if not self.is_single:
            self.image, self.label = mix_img, mix_label
        return mix_img, mix_label


@ms_api(_P + "RgbToHsv", torch="colorsys")
class RgbToHsv(_PyOp):
    """Convert RGB images (<H,W,C>/<N,H,W,C> when ``is_hwc``, else <C,H,W>/<N,C,H,W>) to HSV with colorsys.

    Args:
        is_hwc (bool): Channel-last layout (default=False).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import RgbToHsv
        >>> RgbToHsv(is_hwc=True)(np.array([[[1.0, 0.0, 0.0]]])).ravel()
        array([0., 1., 1.])
    """

    def __init__(self, is_hwc=False):
        self.is_hwc = is_hwc

    def __call__(self, rgb_imgs):
        return util.convert_colors(util.RGB_TO_HSV, rgb_imgs, self.is_hwc, "RgbToHsv")


@ms_api(_P + "HsvToRgb", torch="colorsys")
class HsvToRgb(_PyOp):
    """Convert HSV images back to RGB with colorsys (layouts as :class:`RgbToHsv`).

    Args:
        is_hwc (bool): Channel-last layout (default=False).

    Examples:
        >>> import numpy as np
        >>> from msnn.dataset.transforms.vision.py_transforms import HsvToRgb
        >>> HsvToRgb(is_hwc=True)(np.array([[[0.0, 1.0, 1.0]]])).ravel()
        array([1., 0., 0.])
    """

    def __init__(self, is_hwc=False):
        self.is_hwc = is_hwc

    def __call__(self, hsv_imgs):
        return util.convert_colors(util.HSV_TO_RGB, hsv_imgs, self.is_hwc, "HsvToRgb")
