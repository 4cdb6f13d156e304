"""``mindspore.ops.operations.inner_ops``: internal primitives."""
import torch

from ..._api import ms_api
from ... import _validator as V
from ...common import dtype as mstype
from ..primitive import PrimitiveWithInfer, prim_attr_register

__all__ = ["ScalarCast"]


def _pytype(dtype):
    if dtype is mstype.bool_:
        return bool
    if any(dtype is t for t in mstype.float_type):
        return float
    if any(dtype is t for t in mstype.int_type + (mstype.uint8,)):
        return int
    return None


@ms_api("mindspore.ops.operations.ScalarCast", torch="int() / float() / bool()")
class ScalarCast(PrimitiveWithInfer):
    """Casts a Python scalar to the Python type of an msnn dtype (int, float or bool).

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> P.ScalarCast()(255.0, msnn.int32), P.ScalarCast()(3, msnn.float32)
        (255, 3.0)
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x, t):
        to = _pytype(t)
        if to is None:
            V.fail("ScalarCast", "input_y", "an msnn number dtype or bool_", t, TypeError)
        if isinstance(x, torch.Tensor) and x.dim() == 0 and x.requires_grad:
            # a Python scalar being differentiated (GradOperation hands it over as a 0-d tensor):
            # the cast value, with 0.1's bprop (the gradient passes through unchanged)
            with torch.no_grad():
                target = torch.trunc(x) if to is int else (x != 0).to(x.dtype) if to is bool else x
            return x + (target - x).detach()
        if not isinstance(x, (int, float)):
            V.fail("ScalarCast", "input_x", "a scalar (int, float or bool)", x, TypeError)
        return to(x)

    infer_value = __call__
