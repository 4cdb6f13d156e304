"""Image transforms (``mindspore.dataset.transforms.vision``): ``c_transforms`` (OpenCV on numpy HWC
arrays) and ``py_transforms`` (PIL images), with the ``Inter`` and ``Border`` enums."""
from . import c_transforms
from . import py_transforms
from .utils import Inter, Border
