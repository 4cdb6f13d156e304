"""``mindspore.ops.operations.debug_ops``: summary, print and gradient-hook primitives.

Summary primitives hand ``(kind, name, value)`` to ``msnn.train.summary._record`` when that module
exists (the SummaryRecord side collects them); without it they only check their inputs.
"""
import importlib

import torch

from ..._api import ms_api
from ... import _validator as V
from ...common import dtype as mstype
from ..primitive import Primitive, PrimitiveWithInfer, prim_attr_register

__all__ = ["ScalarSummary", "ImageSummary", "TensorSummary", "HistogramSummary", "InsertGradientOf", "Print"]

_P = "mindspore.ops.operations."


def _recorder():
    try:
        module = importlib.import_module("msnn.train.summary")
    except ImportError:
        return None
    return getattr(module, "_record", None)


class _Summary(Primitive):
    _kind = ""

    @prim_attr_register
    def __init__(self):
        pass

    def _check_value(self, value):
        pass

    def __call__(self, name, value):
        if not isinstance(name, str):
            V.fail(self.name, "name", "a str", name, TypeError)
        if not isinstance(value, torch.Tensor):
            V.check_tensor(value, "value", self.name)
        self._check_value(value)
        record = _recorder()
        if record is not None:
            record(self._kind, name, value.detach())


@ms_api(_P + "ScalarSummary", torch="(records a scalar)")
class ScalarSummary(_Summary):
    """Records a scalar tensor (shape () or (1,)) under ``name`` for the summary.

    Inputs:
        - **name** (str) - The tag.
        - **value** (Tensor) - The scalar (a Python int or float is taken as a float32 scalar).

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> P.ScalarSummary()("loss", torch.tensor(0.5))
        >>> P.ScalarSummary()("lr", 0.01)

    Note:
        The value goes to ``msnn.train.summary._record`` when that module exists;
        otherwise the call only checks its inputs.
    """

    _kind = "scalar"

    def __call__(self, name, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = torch.tensor(float(value))  # a Python number: 0.1's graph took it as a constant
        return super().__call__(name, value)

    def _check_value(self, value):
        if value.numel() != 1 or value.dim() > 1:
            V.fail("ScalarSummary", "value", "a scalar Tensor (shape () or (1,))",
                   V._Raw(f"shape {tuple(value.shape)}"))  # pylint: disable=protected-access


@ms_api(_P + "ImageSummary", torch="(records an image batch)")
class ImageSummary(_Summary):
    """Records a 4-D image tensor (NCHW) under ``name`` for the summary.

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> P.ImageSummary()("image", torch.zeros(1, 3, 4, 4))
    """

    _kind = "image"

    def _check_value(self, value):
        if value.dim() != 4:
            V.fail("ImageSummary", "value", "a 4-D Tensor (NCHW)", V._Raw(f"shape {tuple(value.shape)}"))  # pylint: disable=protected-access


@ms_api(_P + "TensorSummary", torch="(records a tensor)")
class TensorSummary(_Summary):
    """Records a tensor under ``name`` for the summary.

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> P.TensorSummary()("x", torch.ones(2, 2))
    """

    _kind = "tensor"


@ms_api(_P + "HistogramSummary", torch="(records a tensor's histogram)",
        deviations=("Not in MindSpore 0.1 (added in 0.2); msnn provides it for scripts that use "
                    "it with SummaryRecord.",))
class HistogramSummary(_Summary):
    """Records a tensor under ``name`` for a histogram in the summary.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations.debug_ops import HistogramSummary
        >>> HistogramSummary()("weights", torch.randn(10))

    Note:
        MindSpore 0.1 had no HistogramSummary (0.2 added it); msnn provides it because its
        SummaryRecord writes histograms.
    """

    _kind = "histogram"


class _InsertGradientFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, f):  # pylint: disable=arguments-differ
        ctx.f = f
        return x.view_as(x)

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        dx = ctx.f(dout)
        if not isinstance(dx, torch.Tensor):
            dx = torch.full_like(dout, dx)
        return dx.to(dout.dtype).expand_as(dout), None


@ms_api(_P + "InsertGradientOf", torch="torch.autograd.Function (backward = f(dout))")
class InsertGradientOf(PrimitiveWithInfer):
    """Identity forward; the gradient flowing back through it is replaced by ``f(dout)``.

    Args:
        f (Function): Called on the gradient; returns the new gradient (a tensor or a number).

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> clip = P.InsertGradientOf(lambda d: d.clamp(0.2, 1.0))
        >>> x, y = torch.tensor(1.1, requires_grad=True), torch.tensor(0.1, requires_grad=True)
        >>> (clip(x) * clip(y)).backward()
        >>> round(x.grad.item(), 4), round(y.grad.item(), 4)
        (0.2, 1.0)
    """

    @prim_attr_register
    def __init__(self, f):
        if not callable(f):
            V.fail("InsertGradientOf", "f", "a callable", f, TypeError)

    def __call__(self, x):
        if isinstance(x, torch.Tensor) and torch.is_grad_enabled() and x.requires_grad:
            return _InsertGradientFn.apply(x, self.f)
        return x

    def infer_shape(self, x_shape):
        """The output shape: the input's."""
        return x_shape

    def infer_dtype(self, x_type):
        """The output dtype: the input's."""
        return x_type


def _show(value):
    """One item as 0.1's device print wrote it (a tensor: shape, dtype and values)."""
    if isinstance(value, torch.Tensor):
        data = value.detach()
        if data.dtype == torch.bfloat16:
            data = data.float()
        dims = ", ".join(str(d) for d in data.shape)
        return (f"Tensor shape:[[const vector][{dims}]]{mstype.dtype_name(data.dtype)}\n"
                f"val:{data.cpu().numpy()}")
    return str(value)


@ms_api(_P + "Print", torch="print")
class Print(PrimitiveWithInfer):
    """Prints its inputs to stdout in 0.1's format: a string as is, a tensor as
    ``Tensor shape:[[const vector][d1, d2]]<Dtype>`` then ``val:<values>``, one item per line and
    an empty line after the call.

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> P.Print()("x:", torch.tensor([1, 2], dtype=torch.int32))
        x:
        Tensor shape:[[const vector][2]]Int32
        val:[1 2]
        <BLANKLINE>

    Note:
        It returns None (0.1 declared an int32 output that carried nothing). Values print
        with numpy's repr, which 0.1's Tensor printing also used.
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, *inputs):
        print("".join(_show(v) + "\n" for v in inputs))

    def infer_shape(self, *inputs):
        """``[1]`` (0.1's declared output)."""
        return [1]

    def infer_dtype(self, *inputs):
        """int32 (0.1's declared output)."""
        return mstype.int32
