"""``mindspore.nn.wrap``."""
from .cell_wrapper import *  # noqa: F401,F403
from .loss_scale import *  # noqa: F401,F403
from .grad_reducer import *  # noqa: F401,F403
from . import cell_wrapper, loss_scale, grad_reducer

__all__ = cell_wrapper.__all__ + loss_scale.__all__ + grad_reducer.__all__
