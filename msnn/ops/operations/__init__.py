"""``mindspore.ops.operations`` (P): the primitive operator classes.

Minimal version (array/comm/control/debug/other/random/inner primitives); the ops-core branch
owns the full file.
"""
from .array_ops import *  # noqa: F401,F403
from . import array_ops

__all__ = list(array_ops.__all__)
