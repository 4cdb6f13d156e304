"""Interpolation modes and border (padding) types of ``mindspore.dataset.transforms.vision``."""
from enum import Enum, IntEnum

from msnn._api import ms_api

__all__ = ["Inter", "Border"]


@ms_api("mindspore.dataset.transforms.vision.Inter", torch="cv2.INTER_* / PIL.Image resampling filters")
class Inter(IntEnum):
    """Image interpolation mode.

    ``NEAREST`` (0), ``BILINEAR`` = ``LINEAR`` (1), ``BICUBIC`` = ``CUBIC`` (2), as in MindSpore 0.1.

    Examples:
        >>> from msnn.dataset.transforms.vision import Inter
        >>> Inter.LINEAR is Inter.BILINEAR, int(Inter.CUBIC)
        (True, 2)
    """
    NEAREST = 0
    BILINEAR = LINEAR = 1
    BICUBIC = CUBIC = 2


@ms_api("mindspore.dataset.transforms.vision.Border", torch="cv2.BORDER_* / numpy.pad modes")
class Border(str, Enum):
    """Padding mode: ``CONSTANT``, ``EDGE``, ``REFLECT`` (edge pixel not repeated), ``SYMMETRIC``
    (edge pixel repeated). A ``str`` enum, as in MindSpore 0.1.

    Examples:
        >>> from msnn.dataset.transforms.vision import Border
        >>> Border.REFLECT.value
        'reflect'
    """
    CONSTANT = "constant"
    EDGE = "edge"
    REFLECT = "reflect"
    SYMMETRIC = "symmetric"
