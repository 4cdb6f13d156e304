"""Data transforms (``mindspore.dataset.transforms``).

``c_transforms`` and ``vision.c_transforms`` are 0.1's OpenCV-backed C++ ops, here cv2 calls on
numpy arrays; ``py_transforms`` and ``vision.py_transforms`` are 0.1's PIL-based Python ops.
"""
from . import vision
from . import c_transforms
from . import py_transforms
