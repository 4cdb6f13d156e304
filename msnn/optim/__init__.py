"""``mindspore.nn.optim``."""
from .optimizer import *  # noqa: F401,F403
from .momentum import *  # noqa: F401,F403
from .sgd import *  # noqa: F401,F403
from .adam import *  # noqa: F401,F403
from .lamb import *  # noqa: F401,F403
from .lars import *  # noqa: F401,F403
from . import optimizer, momentum, sgd, adam, lamb, lars

__all__ = (optimizer.__all__ + momentum.__all__ + sgd.__all__ + adam.__all__ + lamb.__all__
           + lars.__all__)
