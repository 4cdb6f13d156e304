"""``mindspore.nn.loss``."""
from .loss import *  # noqa: F401,F403
from . import loss as _loss

__all__ = list(_loss.__all__)
