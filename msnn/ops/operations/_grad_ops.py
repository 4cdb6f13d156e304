"""``mindspore.ops.operations._grad_ops`` (imported as ``G``): the gradient primitives.

0.1's bprop functions (``mindspore/ops/_grad``) were written with these operators; its unit tests
and some user bprops call them directly. In msnn gradients come from torch autograd, so these
primitives exist for code that calls them: each returns the gradient of its forward primitive,
computed with torch -- a closed formula for the elementwise ones, otherwise the vector-Jacobian
product of msnn's own forward primitive (``torch.autograd.grad`` on a re-run of the forward, so it
is the gradient msnn's forward has, 0.1's bprop included). Inputs are taken in 0.1's order.

Where 0.1 passed saved statistics or kernel workspaces (``BatchNormGrad``'s reserves,
``LayerNormGrad``'s mean and variance, ``MaxPoolGradWithArgmax``'s argmax), msnn recomputes them
from ``x``; the results are gradients, not differentiable again.
"""
import torch

from ..._api import ms_api
from ... import _validator as V
from ..primitive import Primitive, PrimitiveWithInfer, prim_attr_register
from . import _common as C
from . import array_ops, math_ops, nn_ops

_G = "mindspore.ops.operations._grad_ops."
_VJP = "the vector-Jacobian product of msnn's forward primitive (torch.autograd.grad)"
_RECOMPUTE = "Saved statistics/workspaces passed by 0.1's bprop are recomputed from x."

__all__ = [
    "AbsGrad", "ACosGrad", "BatchNormGrad", "BiasAddGrad", "BinaryCrossEntropyGrad",
    "Conv2DBackpropFilter", "DepthwiseConv2dNativeBackpropFilter", "DepthwiseConv2dNativeBackpropInput",
    "FlattenGrad", "FusedBatchNormGrad", "GeluGrad", "AvgPoolGrad", "AvgPoolGradGpu", "MaxPoolGrad",
    "MaximumGrad", "MaxPoolGradWithArgmax", "MinimumGrad", "L2NormalizeGrad", "LayerNormGrad",
    "LogSoftmaxGrad", "LSTMGradData", "LSTMGradWeight", "PReLUGrad", "ReluGrad", "ReLU6Grad",
    "ResizeBilinearGrad", "ResizeNearestNeighborGrad", "ROIAlignGrad", "SigmoidGrad",
    "SigmoidCrossEntropyWithLogitsGrad", "SliceGrad", "SmoothL1LossGrad", "StridedSliceGrad",
    "TanhGrad", "RefToEmbed",
]


def _t(name, arg, value, allowed=C.FLOAT):
    return C.tensor_in(name, arg, value, allowed, TypeError)


def _vjp(fn, args, wrt, dout):
    """Gradients of ``fn(*args)`` with respect to ``args[i]`` for ``i`` in ``wrt``, given ``dout``."""
    args = list(args)
    leaves = []
    with torch.enable_grad():
        for i in wrt:
            leaf = args[i].detach().requires_grad_(True)
            args[i] = leaf
            leaves.append(leaf)
        out = fn(*args)
        if isinstance(out, tuple):
            pairs = [(o, d) for o, d in zip(out, dout) if d is not None and o.requires_grad]
            outs, douts = [o for o, _ in pairs], [d for _, d in pairs]
        else:
            if out.shape != dout.shape:
                V.fail(fn.name if hasattr(fn, "name") else "grad", "dout",
                       f"of the forward output's shape {tuple(out.shape)}", C.Raw(f"shape {tuple(dout.shape)}"))
            outs, douts = [out], [dout.to(out.dtype)]
        grads = torch.autograd.grad(outs, leaves, douts, allow_unused=True)
    return tuple(torch.zeros_like(l) if g is None else g.detach() for g, l in zip(grads, leaves))


def _shape(name, arg, value):
    if not isinstance(value, (tuple, list)) or not all(isinstance(d, int) and not isinstance(d, bool) for d in value):
        V.fail(name, arg, "a tuple of ints", value, TypeError)
    return tuple(value)


# -- elementwise ----------------------------------------------------------------------------------
@ms_api(_G + "AbsGrad", torch="dy * sign(y)")
class AbsGrad(PrimitiveWithInfer):
    """Gradient of Abs: ``dy * sign(y)`` for the forward input ``y``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.AbsGrad()(torch.tensor([-2.0, 0.0, 3.0]), torch.tensor([1.0, 1.0, 2.0])).tolist()
        [-1.0, 0.0, 2.0]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, y, dy):
        return _t(self.name, "dy", dy, C.NUMBER) * torch.sign(_t(self.name, "y", y, C.NUMBER))


@ms_api(_G + "ACosGrad", torch="-dout / sqrt(1 - x^2)")
class ACosGrad(PrimitiveWithInfer):
    """Gradient of ACos: ``-dout / sqrt(1 - x^2)``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> round(G.ACosGrad()(torch.tensor([0.6]), torch.tensor([1.0])).item(), 4)
        -1.25
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x, dout):
        _t(self.name, "x", x)
        C.same_shape(self.name, "x", x, "dout", _t(self.name, "dout", dout))
        return -dout * torch.rsqrt(1 - x * x)


@ms_api(_G + "ReluGrad", torch="y_backprop * (x > 0)")
class ReluGrad(Primitive):
    """Gradient of ReLU: ``y_backprop`` where ``x > 0`` (0.1's bprop passes ReLU's output as ``x``).

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.ReluGrad()(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([-1.0, 0.0, 5.0])).tolist()
        [0.0, 0.0, 3.0]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['y_backprop', 'x'], outputs=['output'])

    def __call__(self, y_backprop, x):
        return _t(self.name, "y_backprop", y_backprop, C.NUMBER) * (_t(self.name, "x", x, C.NUMBER) > 0)


@ms_api(_G + "ReLU6Grad", torch="y_grad * (0 < x < 6)")
class ReLU6Grad(PrimitiveWithInfer):
    """Gradient of ReLU6: ``y_grad`` where ``0 < x < 6``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.ReLU6Grad()(torch.ones(3), torch.tensor([-1.0, 3.0, 7.0])).tolist()
        [0.0, 1.0, 0.0]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['y_grad', 'x'], outputs=['output'])

    def __call__(self, y_grad, x):
        _t(self.name, "y_grad", y_grad, C.F16_32)
        _t(self.name, "x", x, C.F16_32)
        return y_grad * ((x > 0) & (x < 6))


@ms_api(_G + "SigmoidGrad", torch="dout * out * (1 - out)")
class SigmoidGrad(PrimitiveWithInfer):
    """Gradient of Sigmoid from its output: ``dout * out * (1 - out)``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.SigmoidGrad()(torch.tensor([0.5]), torch.tensor([2.0])).tolist()
        [0.5]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, out, dout):
        _t(self.name, "out", out, C.F16_32, )
        _t(self.name, "dout", dout, C.F16_32)
        return dout * out * (1 - out)


@ms_api(_G + "TanhGrad", torch="dout * (1 - out^2)")
class TanhGrad(PrimitiveWithInfer):
    """Gradient of Tanh from its output: ``dout * (1 - out^2)``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.TanhGrad()(torch.tensor([0.5]), torch.tensor([2.0])).tolist()
        [1.5]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, out, dout):
        _t(self.name, "out", out, C.NUMBER)
        _t(self.name, "dout", dout, C.NUMBER)
        if C.dtype_of(out) is not C.dtype_of(dout):
            C.same_dtype(self.name, "out", out, "dout", dout)
        return dout * (1 - out * out)


@ms_api(_G + "GeluGrad", torch=_VJP)
class GeluGrad(PrimitiveWithInfer):
    """Gradient of Gelu (0.1's tanh approximation) at ``x``; inputs ``(y_backprop, x, y)``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.GeluGrad()(torch.tensor([1.0]), torch.tensor([0.0]), torch.tensor([0.0])).tolist()
        [0.5]
    """

    @prim_attr_register
    def __init__(self):
        self._gelu = nn_ops.Gelu()

    def __call__(self, y_backprop, x, y):
        for arg, v in (("y_backprop", y_backprop), ("x", x), ("y", y)):
            _t(self.name, arg, v, C.F16_32)
        return _vjp(self._gelu, (x,), (0,), y_backprop)[0]


@ms_api(_G + "LogSoftmaxGrad", torch="dout - exp(out) * sum(dout, axis)")
class LogSoftmaxGrad(PrimitiveWithInfer):
    """Gradient of LogSoftmax from its output: ``dout - exp(out) * sum(dout, axis)``;
    inputs ``(out, dout)`` as 0.1's bprop passes them.

    Args:
        axis (int): The axis of the LogSoftmax. Default: -1.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> out = torch.log(torch.tensor([[0.25, 0.75]]))
        >>> G.LogSoftmaxGrad()(out, torch.tensor([[1.0, 0.0]])).tolist()
        [[0.75, -0.75]]
    """

    @prim_attr_register
    def __init__(self, axis=-1):
        V.check_int(axis, "axis", "LogSoftmaxGrad", exc=ValueError)

    def __call__(self, out, dout):
        _t(self.name, "out", out)
        _t(self.name, "dout", dout)
        V.check_axis(self.axis, out.dim(), "axis", self.name)
        return dout - torch.exp(out) * dout.sum(self.axis, keepdim=True)


@ms_api(_G + "SigmoidCrossEntropyWithLogitsGrad", torch="dout * (sigmoid(x) - y)")
class SigmoidCrossEntropyWithLogitsGrad(PrimitiveWithInfer):
    """Gradient of SigmoidCrossEntropyWithLogits with respect to the logits: ``dout * (sigmoid(x) - y)``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.SigmoidCrossEntropyWithLogitsGrad()(torch.zeros(1), torch.ones(1), torch.full((1,), 2.0)).tolist()
        [-1.0]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'y', 'dout'], outputs=['x_grad'])

    def __call__(self, x, y, dout):
        for arg, v in (("x", x), ("y", y), ("dout", dout)):
            _t(self.name, arg, v)
        C.same_shape(self.name, "x", x, "y", y)
        C.same_shape(self.name, "x", x, "dout", dout)
        return dout * (torch.sigmoid(x) - y)


class _BinaryGrad(Primitive):
    """Maximum/MinimumGrad: the gradients of ``x`` and ``y``, reduced to their shapes."""

    _forward = None

    def __call__(self, x, y, dout):
        dx, dy = _vjp(self._forward, (x, y), (0, 1), _t(self.name, "dout", dout))
        return (dx if self.grad_x else torch.zeros_like(x)), (dy if self.grad_y else torch.zeros_like(y))


@ms_api(_G + "MaximumGrad", torch=_VJP)
class MaximumGrad(_BinaryGrad):
    """Gradients of Maximum: ``(dx, dy)``, ``dout`` going to the larger input.

    Args:
        grad_x (bool): Compute ``dx`` (else zeros). Default: True.
        grad_y (bool): Compute ``dy`` (else zeros). Default: True.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> dx, dy = G.MaximumGrad()(torch.tensor([1.0, 5.0]), torch.tensor([3.0, 2.0]), torch.ones(2))
        >>> dx.tolist(), dy.tolist()
        ([0.0, 1.0], [1.0, 0.0])
    """

    @prim_attr_register
    def __init__(self, grad_x=True, grad_y=True):
        self._forward = math_ops.Maximum()


@ms_api(_G + "MinimumGrad", torch=_VJP)
class MinimumGrad(_BinaryGrad):
    """Gradients of Minimum: ``(dx, dy)``, ``dout`` going to the smaller input.

    Args:
        grad_x (bool): Compute ``dx`` (else zeros). Default: True.
        grad_y (bool): Compute ``dy`` (else zeros). Default: True.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> dx, dy = G.MinimumGrad()(torch.tensor([1.0, 5.0]), torch.tensor([3.0, 2.0]), torch.ones(2))
        >>> dx.tolist(), dy.tolist()
        ([1.0, 0.0], [0.0, 1.0])
    """

    @prim_attr_register
    def __init__(self, grad_x=True, grad_y=True):
        self._forward = math_ops.Minimum()


@ms_api(_G + "BiasAddGrad", torch="torch.sum over every axis but 1")
class BiasAddGrad(Primitive):
    """Gradient of BiasAdd's bias: ``dout`` summed over every axis but the channel axis 1.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.BiasAddGrad()(torch.ones(2, 3, 4, 4)).tolist()
        [32.0, 32.0, 32.0]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['dout'], outputs=['output'])
        self.add_prim_attr('data_format', 'NCHW')

    def __call__(self, d_output):
        _t(self.name, "dout", d_output, C.NUMBER)
        if d_output.dim() < 2:
            V.fail(self.name, "dout", "a Tensor of rank >= 2", C.Raw(f"shape {tuple(d_output.shape)}"))
        return d_output.sum([d for d in range(d_output.dim()) if d != 1])


@ms_api(_G + "FlattenGrad", torch="torch.reshape")
class FlattenGrad(PrimitiveWithInfer):
    """Gradient of Flatten: ``dout`` reshaped to the input's shape ``(x, shape)``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.FlattenGrad()(torch.ones(2, 6), (2, 3, 2)).shape
        torch.Size([2, 3, 2])
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'shape'], outputs=['output'])

    def __call__(self, x, shape):
        return torch.reshape(_t(self.name, "x", x, C.NUMBER | C.BOOL), _shape(self.name, "shape", shape))


@ms_api(_G + "SliceGrad", torch="zeros with dy written at [begin, begin + size)")
class SliceGrad(PrimitiveWithInfer):
    """Gradient of Slice: zeros of ``x``'s shape with ``dy`` at ``[begin, begin + size)``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.SliceGrad()(torch.ones(1, 2), torch.zeros(2, 3), (1, 1), (1, 2)).tolist()
        [[0.0, 0.0, 0.0], [0.0, 1.0, 1.0]]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['dy', 'x', 'begin', 'size'], outputs=['dx'])

    def __call__(self, dy, x, begin, size):
        _t(self.name, "dy", dy, C.NUMBER)
        _t(self.name, "x", x, C.NUMBER | C.BOOL)
        begin, size = _shape(self.name, "begin", begin), _shape(self.name, "size", size)
        if len(size) != dy.dim() or tuple(dy.shape) != size or any(
                d > s for d, s in zip(dy.shape, x.shape)):
            V.fail(self.name, "dy", f"of shape 'size' {size}, within x's shape {tuple(x.shape)}",
                   C.Raw(f"shape {tuple(dy.shape)}"))
        dx = torch.zeros(x.shape, dtype=x.dtype, device=x.device)
        dx[tuple(slice(b, b + s) for b, s in zip(begin, size))] = dy.to(x.dtype)
        return dx


@ms_api(_G + "StridedSliceGrad", torch=_VJP)
class StridedSliceGrad(PrimitiveWithInfer):
    """Gradient of StridedSlice: ``dy`` scattered into zeros of shape ``shapex``;
    inputs ``(dy, shapex, begin, end, strides)`` and StridedSlice's masks as arguments.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.StridedSliceGrad()(torch.ones(1, 2), (2, 4), (1, 0), (2, 4), (1, 2)).tolist()
        [[0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 1.0, 0.0]]
    """

    @prim_attr_register
    def __init__(self, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0):
        for arg in ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"):
            V.check_int(getattr(self, arg), arg, "StridedSliceGrad", exc=ValueError)
        self.init_prim_io_names(inputs=['dy', 'shapex', 'begin', 'end', 'strides'], outputs=['output'])
        self._slice = array_ops.StridedSlice(begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)

    def __call__(self, dy, shapex, begin, end, strides):
        _t(self.name, "dy", dy)
        zeros = torch.zeros(_shape(self.name, "shapex", shapex), dtype=dy.dtype, device=dy.device)
        return _vjp(lambda x: self._slice(x, begin, end, strides), (zeros,), (0,), dy)[0]


# -- pooling, resize -----------------------------------------------------------------------------
class _PoolGrad(PrimitiveWithInfer):
    """The max/avg pool gradients: the arguments of the forward pool."""

    _forward_cls = None

    def __init__(self, ksize=1, strides=1, padding="VALID"):
        self.init_prim_io_names(inputs=['x_origin', 'out_origin', 'grad'], outputs=['output'])
        self._pool = self._forward_cls(ksize, strides, padding)  # pylint: disable=not-callable
        self.add_prim_attr("padding", self._pool.padding)

    def _grad(self, x, grad):
        _t(self.name, "grad", grad)
        return _vjp(self._pool, (x,), (0,), grad)[0]


@ms_api(_G + "MaxPoolGrad", torch=_VJP)
class MaxPoolGrad(_PoolGrad):
    """Gradient of MaxPool at ``x_origin``; inputs ``(x_origin, out_origin, grad)``.

    Args:
        ksize, strides, padding: MaxPool's.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> x = torch.arange(16.0).reshape(1, 1, 4, 4)
        >>> G.MaxPoolGrad(2, 2)(x, None, torch.ones(1, 1, 2, 2))[0, 0].tolist()
        [[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
    """
    _forward_cls = nn_ops.MaxPool

    @prim_attr_register
    def __init__(self, ksize=1, strides=1, padding="VALID"):
        super().__init__(ksize, strides, padding)

    def __call__(self, x_origin, out_origin, grad):
        return self._grad(_t(self.name, "x_origin", x_origin), grad)


@ms_api(_G + "AvgPoolGradGpu", torch=_VJP)
class AvgPoolGradGpu(MaxPoolGrad):
    """Gradient of AvgPool at ``x_origin`` (0.1's GPU form); inputs ``(x_origin, out_origin, grad)``.

    Args:
        ksize, strides, padding: AvgPool's.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.AvgPoolGradGpu(2, 2)(torch.zeros(1, 1, 2, 2), None, torch.ones(1, 1, 1, 1))[0, 0].tolist()
        [[0.25, 0.25], [0.25, 0.25]]
    """
    _forward_cls = nn_ops.AvgPool

    @prim_attr_register
    def __init__(self, ksize=1, strides=1, padding="VALID"):
        _PoolGrad.__init__(self, ksize, strides, padding)


@ms_api(_G + "AvgPoolGrad", torch=_VJP)
class AvgPoolGrad(_PoolGrad):
    """Gradient of AvgPool; inputs ``(x_origin_shape, grad)`` (0.1's Ascend/CPU form).

    Args:
        ksize, strides, padding: AvgPool's.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.AvgPoolGrad(2, 2)((1, 1, 2, 2), torch.ones(1, 1, 1, 1))[0, 0].tolist()
        [[0.25, 0.25], [0.25, 0.25]]
    """
    _forward_cls = nn_ops.AvgPool

    @prim_attr_register
    def __init__(self, ksize=1, strides=1, padding="VALID"):
        super().__init__(ksize, strides, padding)

    def __call__(self, origin_input, dout):
        _t(self.name, "dout", dout)
        x = torch.zeros(_shape(self.name, "origin_input", origin_input), dtype=dout.dtype, device=dout.device)
        return self._grad(x, dout)


@ms_api(_G + "MaxPoolGradWithArgmax", torch=_VJP, deviations=(_RECOMPUTE,))
class MaxPoolGradWithArgmax(PrimitiveWithInfer):
    """Gradient of MaxPoolWithArgmax at ``x``; inputs ``(x, grad, argmax)`` (the max positions
    are recomputed from ``x``).

    Args:
        pad_mode, window, pad, stride, data_mode, ceil_mode, alpha, beta: MaxPoolWithArgmax's.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> x = torch.tensor([[[[1.0, 4.0], [3.0, 2.0]]]])
        >>> G.MaxPoolGradWithArgmax(window=2, stride=2)(x, torch.ones(1, 1, 1, 1), None)[0, 0].tolist()
        [[0.0, 1.0], [0.0, 0.0]]
    """

    @prim_attr_register
    def __init__(self, pad_mode="valid", window=0, pad=0, stride=1, data_mode=1, ceil_mode=0, alpha=1.0, beta=0.0):
        self.init_prim_io_names(inputs=['x', 'grad', 'argmax'], outputs=['output'])
        self._pool = nn_ops.MaxPoolWithArgmax(pad_mode, window, pad, stride, data_mode, ceil_mode, alpha, beta)

    def __call__(self, x, grad, argmax):
        if not isinstance(grad, torch.Tensor):
            V.fail(self.name, "grad", "a Tensor", C.Raw(type(grad).__name__), TypeError)
        _t(self.name, "x", x)
        return _vjp(lambda t: self._pool(t)[0], (x,), (0,), grad)[0]


@ms_api(_G + "ResizeBilinearGrad", torch=_VJP)
class ResizeBilinearGrad(PrimitiveWithInfer):
    """Gradient of ResizeBilinear (0.1's corner-aligned sampling, ``src = dst * in / out`` when
    ``align_corners`` is False); inputs ``(dout, original_image)``.

    Args:
        align_corners (bool): ResizeBilinear's. Default: False.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.ResizeBilinearGrad()(torch.ones(1, 1, 4, 4), torch.zeros(1, 1, 2, 2))[0, 0].tolist()
        [[2.25, 3.75], [3.75, 6.25]]
    """

    @prim_attr_register
    def __init__(self, align_corners=False):
        pass

    def __call__(self, dout, orig):
        _t(self.name, "dout", dout)
        _t(self.name, "orig", orig)
        op = nn_ops.ResizeBilinear(tuple(dout.shape[-2:]), self.align_corners)
        return _vjp(op, (orig.to(dout.dtype),), (0,), dout)[0]


@ms_api(_G + "ResizeNearestNeighborGrad", torch=_VJP)
class ResizeNearestNeighborGrad(PrimitiveWithInfer):
    """Gradient of ResizeNearestNeighbor; inputs ``(grads, size)``, ``size`` the input's (H, W).

    Args:
        align_corners (bool): ResizeNearestNeighbor's. Default: False.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.ResizeNearestNeighborGrad()(torch.ones(1, 1, 4, 4), (2, 2))[0, 0].tolist()
        [[4.0, 4.0], [4.0, 4.0]]
    """

    @prim_attr_register
    def __init__(self, align_corners=False):
        self.init_prim_io_names(inputs=['grads', 'size'], outputs=['y'])

    def __call__(self, grads, size):
        _t(self.name, "grads", grads)
        size = _shape(self.name, "size", size)
        op = array_ops.ResizeNearestNeighbor(tuple(grads.shape[-2:]), self.align_corners)
        zeros = torch.zeros(tuple(grads.shape[:2]) + size, dtype=grads.dtype, device=grads.device)
        return _vjp(op, (zeros,), (0,), grads)[0]


@ms_api(_G + "ROIAlignGrad", torch=_VJP)
class ROIAlignGrad(PrimitiveWithInfer):
    """Gradient of ROIAlign with respect to the features (of shape ``xdiff_shape``); inputs ``(ydiff, rois)``.

    Args:
        xdiff_shape (tuple): The features' shape.
        pooled_height, pooled_width, spatial_scale, sample_num: ROIAlign's.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> rois = torch.tensor([[0.0, 0.0, 0.0, 3.0, 3.0]])
        >>> dx = G.ROIAlignGrad((1, 1, 4, 4), 1, 1, 1.0)(torch.ones(1, 1, 1, 1), rois)
        >>> dx.shape, round(dx.sum().item(), 4)
        (torch.Size([1, 1, 4, 4]), 1.0)
    """

    @prim_attr_register
    def __init__(self, xdiff_shape, pooled_height, pooled_width, spatial_scale, sample_num=2):
        V.check_type(pooled_height, "pooled_height", "ROIAlignGrad", int, exc=ValueError)
        V.check_type(pooled_width, "pooled_width", "ROIAlignGrad", int, exc=ValueError)
        V.check_type(spatial_scale, "spatial_scale", "ROIAlignGrad", float, exc=ValueError)
        V.check_type(sample_num, "sample_num", "ROIAlignGrad", int, exc=ValueError)
        V.check_type(xdiff_shape, "xdiff_shape", "ROIAlignGrad", tuple, exc=ValueError)
        self._roi = nn_ops.ROIAlign(pooled_height, pooled_width, spatial_scale, sample_num)

    def __call__(self, ydiff, rois):
        _t(self.name, "ydiff", ydiff)
        zeros = torch.zeros(self.xdiff_shape, dtype=ydiff.dtype, device=ydiff.device)
        return _vjp(lambda f: self._roi(f, rois.to(ydiff.dtype)), (zeros,), (0,), ydiff)[0]


# -- convolution ----------------------------------------------------------------------------------
@ms_api(_G + "Conv2DBackpropFilter", torch=_VJP)
class Conv2DBackpropFilter(PrimitiveWithInfer):
    """Gradient of Conv2D with respect to the filter; inputs ``(out_backprop, input, filter_sizes)``.

    Args:
        out_channel, kernel_size, pad_mode, pad, pad_list, mode, stride, dilation, group: Conv2D's
            (``pad_list`` is the padding 0.1 derived from them; msnn derives it again).

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> dw = G.Conv2DBackpropFilter(1, 2)(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 3, 3), (1, 1, 2, 2))
        >>> dw.tolist()
        [[[[4.0, 4.0], [4.0, 4.0]]]]
    """

    @prim_attr_register
    def __init__(self, out_channel, kernel_size, pad_mode="valid", pad=0, pad_list=(0, 0, 0, 0), mode=1,
                 stride=1, dilation=1, group=1):
        self.init_prim_io_names(inputs=['out_backprop', 'input', 'filter_sizes'], outputs=['output'])
        self._conv = nn_ops.Conv2D(out_channel, kernel_size, mode, pad_mode, pad, stride, dilation, group)
        self.add_prim_attr('pad_mode', pad_mode.upper())

    def __call__(self, doutput, x, w_size):
        _t(self.name, "x", x)
        C.same_dtype(self.name, "x", x, "out_backprop", _t(self.name, "out_backprop", doutput))
        w = torch.zeros(_shape(self.name, "w_size", w_size), dtype=x.dtype, device=x.device)
        return _vjp(self._conv, (x, w), (1,), doutput)[0]


class _DepthwiseGrad(PrimitiveWithInfer):
    def __init__(self, channel_multiplier, kernel_size, pad_mode, pad, mode, stride, dilation, group):
        self._conv = nn_ops.DepthwiseConv2dNative(channel_multiplier, kernel_size, mode, pad_mode, pad, stride,
                                                  dilation, group)


@ms_api(_G + "DepthwiseConv2dNativeBackpropFilter", torch=_VJP)
class DepthwiseConv2dNativeBackpropFilter(_DepthwiseGrad):
    """Gradient of DepthwiseConv2dNative with respect to the filter; inputs ``(input, filter_size, dout)``.

    Args:
        channel_multiplier, kernel_size, pad_mode, pad, pads, mode, stride, dilation, group:
            DepthwiseConv2dNative's (``pads`` is derived again).

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> op = G.DepthwiseConv2dNativeBackpropFilter(1, 2)
        >>> op(torch.ones(1, 2, 3, 3), (1, 2, 2, 2), torch.ones(1, 2, 2, 2))[0, 0].tolist()
        [[4.0, 4.0], [4.0, 4.0]]
    """

    @prim_attr_register
    def __init__(self, channel_multiplier, kernel_size, pad_mode="valid", pad=0, pads=(0, 0, 0, 0), mode=3,
                 stride=1, dilation=1, group=1):
        self.init_prim_io_names(inputs=['input', 'filter_size', 'dout'], outputs=['output'])
        super().__init__(channel_multiplier, kernel_size, pad_mode, pad, mode, stride, dilation, group)

    def __call__(self, x, w_size, dout):
        _t(self.name, "input", x, C.NUMBER)
        C.same_dtype(self.name, "input", x, "dout", _t(self.name, "dout", dout, C.NUMBER))
        w = torch.zeros(_shape(self.name, "filter_size", w_size), dtype=x.dtype, device=x.device)
        return _vjp(self._conv, (x, w), (1,), dout)[0]


@ms_api(_G + "DepthwiseConv2dNativeBackpropInput", torch=_VJP)
class DepthwiseConv2dNativeBackpropInput(_DepthwiseGrad):
    """Gradient of DepthwiseConv2dNative with respect to the input; inputs ``(input_size, filter, dout)``.

    Args:
        channel_multiplier, kernel_size, pad_mode, pad, pads, mode, stride, dilation, group:
            DepthwiseConv2dNative's (``pads`` is derived again).

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> op = G.DepthwiseConv2dNativeBackpropInput(1, 2)
        >>> op((1, 1, 3, 3), torch.ones(1, 1, 2, 2), torch.ones(1, 1, 2, 2))[0, 0].tolist()
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """

    @prim_attr_register
    def __init__(self, channel_multiplier, kernel_size, pad_mode="valid", pad=0, pads=(0, 0, 0, 0), mode=3,
                 stride=1, dilation=1, group=1):
        self.init_prim_io_names(inputs=['input_size', 'filter', 'dout'], outputs=['output'])
        super().__init__(channel_multiplier, kernel_size, pad_mode, pad, mode, stride, dilation, group)

    def __call__(self, x_size, w, dout):
        _t(self.name, "filter", w, C.NUMBER)
        C.same_dtype(self.name, "filter", w, "dout", _t(self.name, "dout", dout, C.NUMBER))
        x = torch.zeros(_shape(self.name, "input_size", x_size), dtype=w.dtype, device=w.device)
        return _vjp(self._conv, (x, w), (0,), dout)[0]


# -- normalisation ----------------------------------------------------------------------------------
def _bn_train_grad(dy, x, scale, eps):
    """Gradients of training-mode batch norm (batch statistics) for x, scale and bias."""
    dims = [0] + list(range(2, x.dim()))
    view = (1, -1) + (1,) * (x.dim() - 2)

    def bn(a, s, b):
        var, mean = torch.var_mean(a, dims, correction=0, keepdim=True)
        return (a - mean) * torch.rsqrt(var + eps) * s.reshape(view) + b.reshape(view)
    return _vjp(bn, (x, scale, torch.zeros_like(scale)), (0, 1, 2), dy)


@ms_api(_G + "BatchNormGrad", torch=_VJP, deviations=(_RECOMPUTE,))
class BatchNormGrad(PrimitiveWithInfer):
    """Gradients of BatchNorm: ``(dx, dscale, dbias, reserve_4, reserve_5)``; inputs
    ``(dy, x, scale, reserve_1, reserve_2, reserve_3)``. In inference (``is_training=False``)
    ``reserve_1``/``reserve_2`` are the moving mean and variance; in training the batch statistics
    are recomputed from ``x``. The two reserve outputs are zeros.

    Args:
        is_training (bool): Default: False.
        epsilon (float): In (0, 1]. Default: 1e-5.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> one = torch.ones(1)
        >>> out = G.BatchNormGrad()(torch.ones(2, 1, 1, 1), torch.zeros(2, 1, 1, 1), one, one * 0, one * 3, one)
        >>> [round(t.sum().item(), 3) for t in out[:3]]
        [1.155, 0.0, 2.0]
    """

    @prim_attr_register
    def __init__(self, is_training=False, epsilon=1e-5):
        V.check_bool(is_training, "is_training", "BatchNormGrad", exc=ValueError)
        V.check_number(epsilon, "epsilon", "BatchNormGrad", lower=0, upper=1, lower_open=True, exc=ValueError)
        self.add_prim_attr('data_format', "NCHW")

    def __call__(self, dy, x, scale, reserve_1, reserve_2, reserve_3):
        C.same_shape(self.name, "x", _t(self.name, "x", x), "y_backprop", _t(self.name, "y_backprop", dy))
        _t(self.name, "scale", scale)
        view = (1, -1) + (1,) * (x.dim() - 2)
        if self.is_training:
            dx, dscale, dbias = _bn_train_grad(dy, x, scale, self.epsilon)
        else:
            inv = torch.rsqrt(reserve_2 + self.epsilon)
            axes = [d for d in range(x.dim()) if d != 1]
            dx = dy * (scale * inv).reshape(view)
            dscale = (dy * (x - reserve_1.reshape(view)) * inv.reshape(view)).sum(axes)
            dbias = dy.sum(axes)
        return dx, dscale, dbias, torch.zeros_like(reserve_1), torch.zeros_like(reserve_2)


@ms_api(_G + "FusedBatchNormGrad", torch=_VJP, deviations=(_RECOMPUTE,))
class FusedBatchNormGrad(Primitive):
    """Gradients of FusedBatchNorm (training, batch statistics): ``(dx, dscale, dbias)``; inputs
    ``(dy, x, scale, save_mean, save_inv_variance)``, the statistics recomputed from ``x``.

    Args:
        epsilon (float): Default: 0.0.
        momentum (float): Default: 0.1.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> x = torch.tensor([[[[1.0]]], [[[3.0]]]])
        >>> dx, dscale, dbias = G.FusedBatchNormGrad(1e-5)(torch.tensor([[[[1.0]]], [[[0.0]]]]), x,
        ...                                               torch.ones(1), None, None)
        >>> [round(abs(v), 3) for v in dx.flatten().tolist()], round(dscale.item(), 3), dbias.item()
        ([0.0, 0.0], -1.0, 1.0)
    """

    @prim_attr_register
    def __init__(self, epsilon=0.0, momentum=0.1):
        self.init_prim_io_names(inputs=['dy', 'x', 'scale', 'save_mean', 'save_inv_variance'],
                                outputs=['dx', 'bn_scale', 'bn_bias'])

    def __call__(self, dy, x, scale, save_mean, save_inv_variance):
        C.same_shape(self.name, "x", _t(self.name, "x", x), "dy", _t(self.name, "dy", dy))
        return _bn_train_grad(dy, x, _t(self.name, "scale", scale), self.epsilon)


@ms_api(_G + "LayerNormGrad", torch=_VJP, deviations=(_RECOMPUTE,))
class LayerNormGrad(Primitive):
    """Gradients of LayerNorm: ``(dx, dgamma, dbeta)``; inputs ``(x, dy, variance, mean, gamma)``,
    the statistics recomputed from ``x``.

    Args:
        begin_norm_axis (int): Default: 1.
        begin_params_axis (int): Default: 1.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> x = torch.tensor([[1.0, 3.0]])
        >>> dx, dg, db = G.LayerNormGrad()(x, torch.tensor([[1.0, 0.0]]), None, None, torch.ones(2))
        >>> dg.tolist(), db.tolist()
        ([-1.0, 0.0], [1.0, 0.0])
    """

    @prim_attr_register
    def __init__(self, begin_norm_axis=1, begin_params_axis=1):
        V.check_type(begin_norm_axis, "begin_norm_axis", "LayerNormGrad", int, exc=ValueError)
        V.check_type(begin_params_axis, "begin_params_axis", "LayerNormGrad", int, exc=ValueError)
        self._ln = nn_ops.LayerNorm(begin_norm_axis, begin_params_axis)

    def __call__(self, x, dy, variance, mean, gamma):
        _t(self.name, "x", x)
        _t(self.name, "gamma", gamma)
        return _vjp(lambda a, g, b: self._ln(a, g, b)[0], (x, gamma, torch.zeros_like(gamma)), (0, 1, 2),
                    _t(self.name, "dy", dy))


@ms_api(_G + "L2NormalizeGrad", torch=_VJP)
class L2NormalizeGrad(PrimitiveWithInfer):
    """Gradient of L2Normalize at ``input_x``; inputs ``(input_x, out, dout)``.

    Args:
        axis (int): Default: 0.
        epsilon (float): Default: 1e-4.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> x = torch.tensor([3.0, 4.0])
        >>> [round(v, 4) for v in G.L2NormalizeGrad()(x, x / 5, torch.tensor([1.0, 0.0])).tolist()]
        [0.128, -0.096]
    """

    @prim_attr_register
    def __init__(self, axis=0, epsilon=1e-4):
        V.check_type(axis, "axis", "L2NormalizeGrad", int, exc=ValueError)
        V.check_type(epsilon, "epsilon", "L2NormalizeGrad", (int, float), exc=ValueError)
        self._norm = nn_ops.L2Normalize(axis, epsilon)

    def __call__(self, input_x, out, dout):
        _t(self.name, "input_x", input_x)
        C.same_shape(self.name, "input_x", input_x, "out", _t(self.name, "out", out))
        C.same_shape(self.name, "input_x", input_x, "dout", _t(self.name, "dout", dout))
        return _vjp(self._norm, (input_x,), (0,), dout)[0]


# -- losses, PReLU -----------------------------------------------------------------------------------
@ms_api(_G + "SmoothL1LossGrad", torch=_VJP)
class SmoothL1LossGrad(PrimitiveWithInfer):
    """Gradient of SmoothL1Loss with respect to the prediction; inputs ``(prediction, target, dloss)``.

    Args:
        sigma (float): Default: 1.0.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.SmoothL1LossGrad()(torch.tensor([0.5, 3.0]), torch.zeros(2), torch.ones(2)).tolist()
        [0.5, 1.0]
    """

    @prim_attr_register
    def __init__(self, sigma=1.0):
        self._loss = nn_ops.SmoothL1Loss(sigma)

    def __call__(self, prediction, target, dloss):
        _t(self.name, "prediction", prediction)
        C.same_shape(self.name, "prediction", prediction, "target", _t(self.name, "target", target))
        C.same_shape(self.name, "prediction", prediction, "dloss", _t(self.name, "dloss", dloss))
        return _vjp(self._loss, (prediction, target), (0,), dloss)[0]


@ms_api(_G + "BinaryCrossEntropyGrad", torch=_VJP)
class BinaryCrossEntropyGrad(PrimitiveWithInfer):
    """Gradient of BinaryCrossEntropy with respect to ``x``; inputs ``(x, y, dout, weight)``.

    Args:
        reduction (str): 'none', 'mean' or 'sum'. Default: 'mean'.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.BinaryCrossEntropyGrad('sum')(torch.tensor([0.5]), torch.ones(1), torch.tensor(1.0), None).tolist()
        [-2.0]
    """

    @prim_attr_register
    def __init__(self, reduction='mean'):
        V.check_in(reduction, "reduction", "BinaryCrossEntropyGrad", ('none', 'mean', 'sum'))
        self._loss = nn_ops.BinaryCrossEntropy(reduction)

    def __call__(self, x, y, dout, weight):
        _t(self.name, "x", x, C.F16_32)
        C.same_shape(self.name, "x", x, "y", _t(self.name, "y", y, C.F16_32))
        return _vjp(lambda a: self._loss(a, y, weight), (x,), (0,), _t(self.name, "dout", dout, C.F16_32))[0]


@ms_api(_G + "PReLUGrad", torch=_VJP)
class PReLUGrad(PrimitiveWithInfer):
    """Gradients of PReLU: ``(dx, dw)``; inputs ``(y_backprop, input_x, weight)``.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations import _grad_ops as G
        >>> x = torch.tensor([[-2.0, 3.0]]).reshape(1, 2, 1)
        >>> dx, dw = G.PReLUGrad()(torch.ones(1, 2, 1), x, torch.tensor([0.25, 0.5]))
        >>> dx.flatten().tolist(), dw.tolist()
        ([0.25, 1.0], [-2.0, 0.0])
    """

    @prim_attr_register
    def __init__(self):
        self._prelu = nn_ops.PReLU()

    def __call__(self, y_backprop, input_x, weight):
        for arg, v in (("y_backprop", y_backprop), ("A", input_x), ("w", weight)):
            _t(self.name, arg, v, C.F16_32)
        return _vjp(self._prelu, (input_x, weight), (0, 1), y_backprop)


# -- LSTM, RefToEmbed -----------------------------------------------------------------------------
class _LSTMGrad(PrimitiveWithInfer):
    def __init__(self, input_size, hidden_size, num_layers, has_bias, bidirectional, dropout):
        name = type(self).__name__
        V.check_positive_int(input_size, "input_size", name)
        V.check_positive_int(hidden_size, "hidden_size", name)
        V.check_positive_int(num_layers, "num_layers", name)
        V.check_bool(has_bias, "has_bias", name)
        V.check_bool(bidirectional, "bidirectional", name)
        V.check_type(dropout, "dropout", name, float, exc=ValueError)
        V.check_number(dropout, "dropout", name, lower=0, upper=1, exc=ValueError)
        self.num_directions = 2 if bidirectional else 1

    def __call__(self, *args):
        V.refuse(self.name, "inputs", "the reserve workspace",
                 "0.1's cuDNN LSTM gradient reads the forward's reserve workspace, which msnn's LSTM "
                 "does not produce; gradients of P.LSTM come from torch autograd")


@ms_api(_G + "LSTMGradData", torch="torch autograd of P.LSTM",
        deviations=("Calling it raises UnsupportedError: it needs the cuDNN reserve workspace.",))
class LSTMGradData(_LSTMGrad):
    """Gradients of LSTM's inputs from the cuDNN reserve workspace (not produced by msnn: calling
    it raises UnsupportedError; use autograd through ``P.LSTM``).

    Args:
        input_size, hidden_size, num_layers, has_bias, bidirectional, dropout: LSTM's.

    Examples:
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.LSTMGradData(3, 2, 1, True, False, 0.0).num_directions
        1
    """

    @prim_attr_register
    def __init__(self, input_size, hidden_size, num_layers, has_bias, bidirectional, dropout):
        super().__init__(input_size, hidden_size, num_layers, has_bias, bidirectional, dropout)


@ms_api(_G + "LSTMGradWeight", torch="torch autograd of P.LSTM",
        deviations=("Calling it raises UnsupportedError: it needs the cuDNN reserve workspace.",))
class LSTMGradWeight(_LSTMGrad):
    """Gradient of LSTM's flat weight from the cuDNN reserve workspace (not produced by msnn:
    calling it raises UnsupportedError; use autograd through ``P.LSTM``).

    Args:
        input_size, hidden_size, num_layers, has_bias, bidirectional, dropout: LSTM's.

    Examples:
        >>> from msnn.ops.operations import _grad_ops as G
        >>> G.LSTMGradWeight(3, 2, 1, True, True, 0.0).num_directions
        2
    """

    @prim_attr_register
    def __init__(self, input_size, hidden_size, num_layers, has_bias, bidirectional, dropout):
        super().__init__(input_size, hidden_size, num_layers, has_bias, bidirectional, dropout)


@ms_api(_G + "RefToEmbed", torch="",
        deviations=("The key is the object's id(), as msnn.ops.functional.ref_to_embed.",))
class RefToEmbed(Primitive):
    """Makes a key standing for a Parameter in a gradient environment (0.1's symbolic key):
    msnn uses the object's ``id()``, as ``F.ref_to_embed`` and ``F.embed`` do.

    Examples:
        >>> import msnn
        >>> from msnn.ops import functional as F
        >>> from msnn.ops.operations import _grad_ops as G
        >>> w = msnn.Parameter(msnn.Tensor([1.0]), 'w')
        >>> G.RefToEmbed()(w) == F.ref_to_embed(w) == id(w)
        True
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, variable):
        return id(variable)
