"""``mindspore.ops.operations`` (P): the primitive operator classes.

Minimal version (array/comm/control/debug/other/random/inner primitives, and math/nn from the
ops-mathnn branch); the ops-core branch owns the full file.
"""
from .array_ops import *  # noqa: F401,F403
from .comm_ops import *  # noqa: F401,F403
from .control_ops import *  # noqa: F401,F403
from .debug_ops import *  # noqa: F401,F403
from .other_ops import *  # noqa: F401,F403
from .random_ops import *  # noqa: F401,F403
from .inner_ops import *  # noqa: F401,F403
from .math_ops import *  # noqa: F401,F403
from .nn_ops import *  # noqa: F401,F403
from . import array_ops, comm_ops, control_ops, debug_ops, other_ops, random_ops, inner_ops, math_ops, nn_ops

__all__ = [n for m in (array_ops, comm_ops, control_ops, debug_ops, other_ops, random_ops, inner_ops, math_ops,
                       nn_ops)
           for n in m.__all__ if not n.startswith("_")]
