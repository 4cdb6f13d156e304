"""msnn: MindSpore 0.1.0-alpha's ``mindspore.nn`` on PyTorch.

``import msnn as nn`` gives every class and function of ``mindspore.nn``; the companions that
2020 scripts import beside it live in :mod:`msnn.common` (and at the top level: ``msnn.Tensor``,
``msnn.Parameter``, ``msnn.float32``, ...) and :mod:`msnn.context`.
"""
from ._validator import UnsupportedError
from ._alias import install_alias
from . import common, context
from .common import (Tensor, Parameter, ParameterTuple, dtype,
                     bool_, int8, int16, int32, int64, uint8, float16, float32, float64)
from .cell import Cell
from .common import ms_function
from .log import get_level, get_log_config  # 0.1's `mindspore` exports the log configuration
from . import layer, loss, metrics, optim, wrap, train
from .train.parallel_utils import ParallelMode  # mindspore.ParallelMode
# each sub-package's __all__ is the public surface of mindspore.nn
from .layer import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .metrics import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403
from .wrap import *  # noqa: F401,F403

__version__ = "0.1.0"
