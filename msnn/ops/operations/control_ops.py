"""``mindspore.ops.operations.control_ops``: execution-order and switch primitives.

msnn runs eagerly, in program order: ControlDepend's order edge always holds, so it returns its
first input. GeSwitch/Merge route data between the branches of a 0.1 *graph* (dead and live
outputs); eager code uses a Python ``if``, and they raise ``NotImplementedError`` when called, as
their 0.1 PyNative ``__call__`` did.
"""
from ..._api import ms_api
from ... import _validator as V
from ...common import dtype as mstype
from ..primitive import Primitive, PrimitiveWithInfer, prim_attr_register

__all__ = ["ControlDepend", "GeSwitch", "Merge"]

_P = "mindspore.ops.operations."


@ms_api(_P + "ControlDepend", torch="(program order)",
        deviations=("Eager execution already runs src before dst; the call returns src.",))
class ControlDepend(Primitive):
    """Orders two computations: ``src`` runs before ``dst``; returns ``src``.

    Args:
        depend_mode (int): 0 (depend on the operation) or 1 (on the operations using a parameter).
            Recorded; eager execution needs neither. Default: 0.

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> data, step = torch.ones(2), torch.zeros(1)
        >>> P.ControlDepend(depend_mode=1)(data, step) is data
        True

    Note:
        msnn executes eagerly in program order, so ``src`` already ran before ``dst``:
        the call only returns ``src``.
    """

    @prim_attr_register
    def __init__(self, depend_mode=0):
        pass

    def __call__(self, src, dst):
        return src


@ms_api(_P + "GeSwitch", torch="(Python if)",
        deviations=("Calling it raises NotImplementedError, as 0.1's PyNative call did; write the "
                    "branch as a Python if.",))
class GeSwitch(PrimitiveWithInfer):
    """Routes ``data`` to the false or true branch of a graph by the scalar bool ``pred``.

    Outputs ``(false_output, true_output)`` in a 0.1 graph; msnn has no dead branches to route, so
    the call raises ``NotImplementedError`` (as 0.1's PyNative call did). ``infer_shape`` and
    ``infer_dtype`` work.

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> P.GeSwitch().infer_shape([2, 3], [])
        ([2, 3], [2, 3])

    Note:
        Calling it raises ``NotImplementedError`` (an ``UnsupportedError``): write the
        branch as a Python ``if``.
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, data, pred):
        V.refuse("GeSwitch", "data", data, "msnn runs eagerly: write the switch as a Python `if` "
                 "(0.1's PyNative mode raised NotImplementedError too)")

    def infer_shape(self, data, pred):
        """``(data, data)``; ``pred`` must have shape ()."""
        if list(pred) != []:
            V.fail("GeSwitch", "pred", "of shape ()", pred)
        return (data, data)

    def infer_dtype(self, data_type, pred_type):
        """``(data_type, data_type)``; ``pred`` must be bool."""
        if pred_type is not mstype.bool_:
            V.fail("GeSwitch", "pred", "of dtype Bool", pred_type)
        return (data_type, data_type)


@ms_api(_P + "Merge", torch="(Python if)",
        deviations=("Calling it raises NotImplementedError, as 0.1's PyNative call did.",))
class Merge(PrimitiveWithInfer):
    """Merges the live input of a graph's branches: ``(data, output_index)``.

    The call raises ``NotImplementedError`` (0.1's PyNative call did too); ``infer_shape`` and
    ``infer_dtype`` work.

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> P.Merge().infer_dtype((msnn.float32, msnn.float32))
        (torch.float32, torch.int32)

    Note:
        Calling it raises ``NotImplementedError`` (an ``UnsupportedError``).
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, *args):
        V.refuse("Merge", "inputs", args, "msnn runs eagerly: write the branches as a Python `if` "
                 "(0.1's PyNative mode raised NotImplementedError too)")

    def infer_shape(self, inputs):
        """``(inputs[0], [1])``."""
        return (inputs[0], [1])

    def infer_dtype(self, inputs):
        """``(inputs[0], int32)``."""
        return (inputs[0], mstype.int32)
