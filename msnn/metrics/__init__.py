"""``mindspore.nn.metrics``."""
from .metric import *  # noqa: F401,F403
from .evaluation import *  # noqa: F401,F403
from .accuracy import *  # noqa: F401,F403
from .precision import *  # noqa: F401,F403
from .recall import *  # noqa: F401,F403
from .fbeta import *  # noqa: F401,F403
from .error import *  # noqa: F401,F403
from .topk import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from . import metric, evaluation, accuracy, precision, recall, fbeta, error, topk, loss
from . import _factory
from ._factory import *  # noqa: F401,F403

__all__ = (metric.__all__ + evaluation.__all__ + accuracy.__all__ + precision.__all__
           + recall.__all__ + fbeta.__all__ + error.__all__ + topk.__all__ + loss.__all__
           + _factory.__all__)
