"""``mindspore.ops.composite.clip_ops``: clipping values to a range."""
import torch

from ..._api import ms_api
from ... import _validator as V

__all__ = ["clip_by_value"]


@ms_api("mindspore.ops.composite.clip_by_value", torch="torch.clamp_max / torch.clamp_min")
def clip_by_value(x, clip_value_min, clip_value_max):
    """Clips ``x`` to ``[clip_value_min, clip_value_max]``: ``Maximum(Minimum(x, max), min)``.

    Args:
        x (Tensor): Input data.
        clip_value_min (Union[Tensor, Number]): The minimum value (broadcast against ``x``).
        clip_value_max (Union[Tensor, Number]): The maximum value (broadcast against ``x``).

    Returns:
        Tensor, clipped, with the dtype of ``x``.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import composite as C
        >>> x = msnn.Tensor(np.array([-2.0, 0.5, 3.0], np.float32))
        >>> C.clip_by_value(x, msnn.Tensor(np.array([-1.0], np.float32)), 1.0).tolist()
        [-1.0, 0.5, 1.0]

    Note:
        When ``clip_value_min > clip_value_max`` every element becomes ``clip_value_min``
        (the max is applied last, as in 0.1; ``torch.clamp`` would give the max).
    """
    V.check_tensor(x, "x", "clip_by_value")
    out = torch.clamp_min(torch.clamp_max(x, clip_value_max), clip_value_min)
    return out if out.dtype == x.dtype else out.to(x.dtype)
