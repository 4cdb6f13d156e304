"""``mindspore.ops.operations.nn_ops``: MindSpore 0.1's neural-network primitives on torch.

Constructors keep 0.1's signatures and checks (0.1 used ``ParamValidator``: ValueError for every
bad attribute, type or value, unless noted). Calls check the inputs as 0.1's ``infer_shape`` /
``infer_dtype`` did and run the same torch code as the matching msnn layer: Conv2D, the pools,
Conv2DBackpropInput and LSTM share ``nn.Conv2d``'s, ``nn.MaxPool2d``/``nn.AvgPool2d``'s,
``nn.Conv2dTranspose``'s (``_translate.conv_transpose_crop``) and ``nn.LSTM``'s translations.
Optimizer primitives (ApplyMomentum, SGD, Adam, SparseApplyAdagrad) update their Parameters in
place and return the updated variable, as 0.1's did.
"""
import math

import torch
import torch.nn.functional as F

from ..._api import ms_api
from ... import _translate as T
from ... import _validator as V
from ...common.tensor import unwrap as _plain
from ...layer.conv import conv2d as _conv2d
from ...loss.loss import _sparse_kernel_path
from ...layer.lstm import lstm as _lstm
from ...layer.pooling import avg_pool2d as _avg_pool2d, max_pool2d as _max_pool2d
from ..primitive import Primitive, PrimitiveWithInfer, prim_attr_register, graph_outputs
from . import _common as C
from ._common import Tensor, dtype_of
from .math_ops import _Unary

__all__ = [
    "Flatten", "Softmax", "LogSoftmax", "ReLU", "ReLU6", "Sigmoid", "Tanh", "FusedBatchNorm",
    "BatchNorm", "Conv2D", "DepthwiseConv2dNative", "MaxPoolWithArgmax", "MaxPool", "AvgPool",
    "Conv2DBackpropInput", "BiasAdd", "TopK", "SoftmaxCrossEntropyWithLogits",
    "SparseSoftmaxCrossEntropyWithLogits", "ApplyMomentum", "SmoothL1Loss", "SGD", "LayerNorm",
    "L2Normalize", "DropoutGenMask", "DropoutDoMask", "ResizeBilinear", "OneHot", "Gelu", "GetNext",
    "PReLU", "LSTM", "SigmoidCrossEntropyWithLogits", "Pad", "ROIAlign", "Adam",
    "BinaryCrossEntropy", "SparseApplyAdagrad", "LARSUpdate",
]

_P = "mindspore.ops.operations."
_BF16 = "bfloat16 (which 0.1 lacked) is accepted wherever float16 is."
_LAYER_NORM_EPS = 1e-12


def _shape_text(t):
    return C.Raw(f"shape {tuple(t.shape)}")


def _int_ge(value, arg, name, low):
    """0.1's check_integer(arg, value, low, GE): ValueError for a non-int too."""
    return V.check_int(value, arg, name, lower=low, exc=ValueError)


def _int_eq(value, arg, name, expected):
    if not isinstance(value, int) or isinstance(value, bool) or value != expected:
        V.fail(name, arg, f"an int equal to {expected}", value)
    return value


def _check_pad_mode(name, pad_mode, pad, modes=("valid", "same", "pad")):
    """0.1's pad checks of the convolutions (ValueError throughout)."""
    if isinstance(pad, bool) or not isinstance(pad, int):
        V.fail(name, "pad", "an int", pad)
    V.check_in(pad_mode, "pad_mode", name, modes)
    if pad_mode != "pad" and pad != 0:
        V.fail(name, "pad", f"0 when pad_mode is {pad_mode!r}", pad)
    if pad_mode == "pad":
        _int_ge(pad, "pad", name, 0)


def _kernel_pair(name, arg, kernel_size):
    """An int >= 1 or a tuple of 2 ints >= 1 (ValueError), returned as a pair."""
    V.check_type(kernel_size, arg, name, (int, tuple), exc=ValueError)
    pair = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    if len(pair) != 2 or not all(isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in pair):
        V.fail(name, arg, "an int or a tuple of 2 ints, each >= 1", kernel_size)
    return tuple(pair)


# ----------------------------------------------------------------------------------------------
# Activations
# ----------------------------------------------------------------------------------------------
class _Activation(_Unary):
    """Elementwise activation: math_ops' one-input operator with 0.1's output name and any Tensor
    dtype unless ``_allowed`` says otherwise."""

    _allowed = None

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x'], outputs=['output'])


def _activation(name, fn, torch_name, what, x, out, allowed=None, deviations=(_BF16,), note=""):
    doc = f"""Computes {what} element-wise.

    Inputs:
        - **input_x** (Tensor) - The input tensor.

    Outputs:
        Tensor of the shape and dtype of ``input_x``.

    Raises:
        TypeError: If ``input_x`` is not a Tensor.
        ValueError: If its dtype is not allowed (0.1's check_typename).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array({x}), msnn.float32)
        >>> [round(v, 4) for v in P.{name}()(x).tolist()]
        {out}
""" + note
    cls = type(name, (_Activation,), {"__doc__": doc, "_fn": staticmethod(fn), "_allowed": allowed,
                                      "__module__": __name__, "__qualname__": name})
    return ms_api(_P + name, torch=torch_name, deviations=deviations)(cls)


ReLU = _activation("ReLU", torch.relu, "torch.relu", "max(x, 0)", [-1.0, 4.0, 0.0, 2.0], [0.0, 4.0, 0.0, 2.0],
                   allowed=C.NUMBER, note="""
    Note:
        The gradient at 0 is 0 (0.1's ReluGrad: ``dout`` where the output is positive).
""")
ReLU6 = _activation("ReLU6", F.relu6, "torch.nn.functional.relu6", "min(max(x, 0), 6)", [-1.0, 4.0, 9.0],
                    [0.0, 4.0, 6.0], allowed=C.F16_32)
Sigmoid = _activation("Sigmoid", torch.sigmoid, "torch.sigmoid", "the sigmoid 1 / (1 + exp(-x))", [0.0, 2.0],
                      [0.5, 0.8808], allowed=C.F16_32)
Tanh = _activation("Tanh", torch.tanh, "torch.tanh", "the hyperbolic tangent", [0.0, 1.0], [0.0, 0.7616])


def _gelu(x):
    return F.gelu(x, approximate="tanh")


Gelu = _activation(
    "Gelu", _gelu, "torch.nn.functional.gelu(approximate='tanh')",
    "the GELU activation (tanh approximation, as 0.1's kernels)", [1.0, 2.0, 3.0], [0.8412, 1.9546, 2.9964],
    allowed=C.F16_32,
    deviations=("The doc formula is the exact erf form; 0.1's kernels (and nn.GELU in msnn) use "
                "the tanh approximation.", _BF16))


@ms_api(_P + "Flatten", torch="torch.Tensor.reshape(N, -1)")
class Flatten(PrimitiveWithInfer):
    """Flattens a tensor to ``(N, X)`` keeping the batch axis 0.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> tuple(P.Flatten()(msnn.Tensor(np.ones(shape=[1, 2, 3, 4]), msnn.float32)).shape)
        (1, 24)
    """

    @prim_attr_register
    def __init__(self):
        pass

    def infer_shape(self, input_x):
        return input_x[0], math.prod(input_x[1:])

    def infer_dtype(self, input_x):
        return input_x

    def __call__(self, input_x):
        if not isinstance(input_x, Tensor):
            C.not_tensor(self.name, "input_x", input_x)
        if input_x.dim() < 1:
            V.fail(self.name, "input_x", "a Tensor of rank >= 1", _shape_text(input_x))
        return input_x.reshape(input_x.shape[0], -1)


@ms_api(_P + "Softmax", torch="torch.softmax")
class Softmax(PrimitiveWithInfer):
    """Softmax over ``axis`` (an int or a tuple of ints: the softmax over all of them).

    Args:
        axis (Union[int, tuple]): The axis. Default: -1.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1.0, 2.0, 3.0]), msnn.float32)
        >>> [round(v, 4) for v in P.Softmax()(x).tolist()]
        [0.09, 0.2447, 0.6652]
    """

    @prim_attr_register
    def __init__(self, axis=-1):
        self.init_prim_io_names(inputs=['x'], outputs=['output'])
        V.check_type(axis, "axis", self.name, (int, tuple), exc=ValueError)
        if isinstance(axis, int):
            self.add_prim_attr('axis', (axis,))
        if not self.axis:
            V.fail(self.name, "axis", "an int or a non-empty tuple of ints", axis)
        for item in self.axis:
            V.check_type(item, "item of axis", self.name, int, exc=ValueError)

    def infer_shape(self, logits):
        return logits

    def infer_dtype(self, logits):
        return logits

    def __call__(self, logits):
        if not isinstance(logits, Tensor):
            C.not_tensor(self.name, "logits", logits)
        rank = logits.dim()
        axis = self.axis
        for a in axis:
            if not -rank <= a < rank:
                V.fail(self.name, "axis", f"in range [{-rank}, {rank})", a)
        if len(axis) == 1:
            return torch.softmax(logits, axis[0])
        return torch.exp(logits - torch.logsumexp(logits, axis, keepdim=True))


@ms_api(_P + "LogSoftmax", torch="torch.log_softmax")
class LogSoftmax(PrimitiveWithInfer):
    """Log-softmax over ``axis``.

    Args:
        axis (int): The axis. Default: -1.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1.0, 2.0, 3.0]), msnn.float32)
        >>> [round(v, 4) for v in P.LogSoftmax()(x).tolist()]
        [-2.4076, -1.4076, -0.4076]
    """

    @prim_attr_register
    def __init__(self, axis=-1):
        V.check_type(axis, "axis", self.name, int, exc=ValueError)

    def infer_shape(self, logits):
        return logits

    def infer_dtype(self, logits):
        return logits

    def __call__(self, logits):
        if not isinstance(logits, Tensor):
            C.not_tensor(self.name, "logits", logits)
        rank = logits.dim()
        if not -rank <= self.axis < max(rank, 1):
            V.fail(self.name, "axis", f"in range [{-rank}, {rank})", self.axis)
        return torch.log_softmax(logits, self.axis)


# ----------------------------------------------------------------------------------------------
# Normalization
# ----------------------------------------------------------------------------------------------
def _bn_inputs(name, x, scale, bias, mean, variance, need_stats):
    C.tensor_in(name, "input_x", x, C.F16_32)
    if x.dim() < 2:
        V.fail(name, "input_x", "a Tensor of rank >= 2 (N, C, ...)", _shape_text(x))
    C.tensor_in(name, "scale", scale, C.F16_32, TypeError)
    C.tensor_in(name, "bias", bias, C.F16_32, TypeError)
    C.same_dtype(name, "scale", scale, "bias", bias)
    if scale.dim() != 1 or scale.shape[0] != x.shape[1]:
        V.fail(name, "scale", f"a 1-D Tensor of length input_x.shape[1] = {x.shape[1]}", _shape_text(scale))
    C.same_shape(name, "scale", scale, "bias", bias)
    if need_stats or mean is not None or variance is not None:
        for arg, t in (("mean", mean), ("variance", variance)):
            C.tensor_in(name, arg, t, C.F16_32, TypeError)
            C.same_shape(name, "scale", scale, arg, t)
        C.same_dtype(name, "mean", mean, "variance", variance)


@ms_api(_P + "FusedBatchNorm", torch="torch.nn.functional.batch_norm(training=True)")
class FusedBatchNorm(Primitive):
    r"""Batch normalization with batch statistics, updating the moving mean and variance.

    :math:`y = \frac{x - mean}{\sqrt{variance + \epsilon}} * \gamma + \beta` over axis 1, with the
    batch mean and (biased) variance; the moving statistics become
    ``(1 - momentum) * moving + momentum * batch`` (unbiased batch variance), in place.

    Args:
        mode (int): 0 or 1. Default: 0.
        epsilon (float): Added to the variance, in (0, 1]. Default: 1e-5.
        momentum (float): The weight of the batch statistics in the update, in [0, 1].
            Default: 0.1.

    Inputs:
        - **input_x** (Tensor) - :math:`(N, C, ...)`.
        - **scale**, **bias**, **mean**, **variance** (Tensor) - :math:`(C,)`; ``mean`` and
          ``variance`` (Parameters) are updated in place.

    Outputs:
        Tuple of 5 Tensors: ``y``, the updated ``mean`` and ``variance`` (the input tensors
        themselves), the batch mean and the batch's inverse standard deviation
        :math:`1 / \sqrt{var + \epsilon}`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[1.0, 2.0], [3.0, 6.0]]), msnn.float32)
        >>> ones, zeros = msnn.Tensor(np.ones(2), msnn.float32), msnn.Tensor(np.zeros(2), msnn.float32)
        >>> mean, var = msnn.Tensor(np.zeros(2), msnn.float32), msnn.Tensor(np.ones(2), msnn.float32)
        >>> y, m, v, _, _ = P.FusedBatchNorm(momentum=0.5)(x, ones, zeros, mean, var)
        >>> [round(a, 4) for a in y[:, 0].tolist()], m.tolist(), v.tolist()
        ([-1.0, 1.0], [1.0, 2.0], [1.5, 4.5])

    Note:
        0.1's kernel (cuDNN's ``exponentialAverageFactor``) weights the batch statistics with
        ``momentum``, exactly torch's ``batch_norm`` momentum (``nn.BatchNorm2d`` passes
        ``1 - momentum``).
    """

    @prim_attr_register
    def __init__(self, mode=0, epsilon=1e-5, momentum=0.1):
        self.init_prim_io_names(inputs=['x', 'scale', 'b', 'mean', 'variance'],
                                outputs=['y', 'running_mean', 'running_variance', 'save_mean', 'save_inv_variance'])
        name = self.name
        V.check_int(mode, "mode", name, exc=ValueError)
        V.check_in(mode, "mode", name, (0, 1))
        V.check_number(epsilon, "epsilon", name, lower=0, upper=1, lower_open=True, exc=ValueError)
        V.check_number(momentum, "momentum", name, lower=0, upper=1, exc=ValueError)

    def __call__(self, input_x, scale, bias, mean, variance):
        _bn_inputs(self.name, input_x, scale, bias, mean, variance, True)
        if mean.requires_grad or variance.requires_grad:  # 0.1's bprop: zero gradients for them
            mean, variance = mean.detach(), variance.detach()
        y = F.batch_norm(_plain(input_x), mean, variance, scale, bias, True, self.momentum, self.epsilon)
        with torch.no_grad():
            dims = [0] + list(range(2, input_x.dim()))
            batch_var, batch_mean = torch.var_mean(input_x.detach(), dims, correction=0)
            inv = torch.rsqrt(batch_var + self.epsilon)
        return y, mean, variance, batch_mean, inv


@ms_api(_P + "BatchNorm", torch="torch.nn.functional.batch_norm",
        deviations=("Returns 0.1's six outputs (its infer_shape): y, batch mean, batch variance "
                    "(unbiased), and reserve spaces 1-3 = batch mean, biased batch variance, "
                    "inverse standard deviation; in inference mode batch mean/variance are the "
                    "given mean/variance.", _BF16))
class BatchNorm(PrimitiveWithInfer):
    r"""Batch normalization (training: batch statistics; inference: the given mean/variance).

    Args:
        is_training (bool): Use the batch statistics. Default: False.
        epsilon (float): Added to the variance, in (0, 1]. Default: 1e-5.

    Inputs:
        - **input_x** (Tensor) - :math:`(N, C, ...)`.
        - **scale**, **bias** (Tensor) - :math:`(C,)`.
        - **mean**, **variance** (Tensor) - :math:`(C,)` (may be None when ``is_training``).

    Outputs:
        Tuple of 6 Tensors: ``y``, ``batch_mean``, ``batch_variance``, ``reserve_space_1..3``.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[1.0, 2.0], [3.0, 6.0]]), msnn.float32)
        >>> ones, zeros = msnn.Tensor(np.ones(2), msnn.float32), msnn.Tensor(np.zeros(2), msnn.float32)
        >>> out = P.BatchNorm()(x, ones, zeros, zeros, ones)
        >>> len(out), [round(a, 4) for a in out[0][1].tolist()]
        (6, [3.0, 6.0])

    Note:
        0.1's BatchNorm has six outputs (``infer_shape``); its gradient is torch's (equal to
        0.1's BatchNormGrad in both modes).
    """

    @prim_attr_register
    def __init__(self, is_training=False, epsilon=1e-5):
        V.check_bool(is_training, "is_training", self.name, exc=ValueError)
        V.check_number(epsilon, "epsilon", self.name, lower=0, upper=1, lower_open=True, exc=ValueError)
        self.add_prim_attr('data_format', "NCHW")
        self.init_prim_io_names(inputs=['x', 'scale', 'offset', 'mean', 'variance'],
                                outputs=['y', 'batch_mean', 'batch_variance', 'reserve_space_1', 'reserve_space_2',
                                         'reserve_space_3'])

    def infer_shape(self, input_x, scale, bias, mean, variance):
        return (input_x, scale, scale, scale, scale, scale)

    def infer_dtype(self, input_x, scale, bias, mean, variance):
        return (input_x, scale, bias, input_x, input_x, input_x)

    def __call__(self, input_x, scale, bias, mean=None, variance=None):
        _bn_inputs(self.name, input_x, scale, bias, mean, variance, not self.is_training)
        eps = self.epsilon
        if not self.is_training:
            if mean.requires_grad or variance.requires_grad:  # 0.1's bprop: zero gradients for them
                mean, variance = mean.detach(), variance.detach()
            y = F.batch_norm(_plain(input_x), mean, variance, scale, bias, False, 0.0, eps)
            inv = torch.rsqrt(variance.detach() + eps)
            return y, mean, variance, mean, variance, inv
        dims = [0] + list(range(2, input_x.dim()))
        y = F.batch_norm(_plain(input_x), None, None, scale, bias, True, 0.0, eps)
        with torch.no_grad():
            var, avg = torch.var_mean(input_x.detach(), dims, correction=0)
            n = input_x.numel() // input_x.shape[1]
            unbiased = var * (n / max(n - 1, 1))
        return y, avg, unbiased, avg, var, torch.rsqrt(var + eps)


@ms_api(_P + "LayerNorm", torch="torch.nn.functional.layer_norm (mean/variance outputs in torch)",
        deviations=("epsilon is 1e-12, the TBE kernel's default (0.1's primitive had no epsilon "
                    "argument), as in nn.LayerNorm.", _BF16))
class LayerNorm(Primitive):
    r"""Layer normalization over the axes from ``begin_norm_axis`` on.

    :math:`y = \frac{x - mean}{\sqrt{variance + \epsilon}} * \gamma + \beta`, with ``gamma`` and
    ``beta`` of shape ``input_x.shape[begin_params_axis:]``.

    Args:
        begin_norm_axis (int): The first normalized axis, in [-1, rank). Default: 1.
        begin_params_axis (int): The first axis of ``gamma``/``beta``, in [-1, rank). Default: 1.

    Outputs:
        Tuple of 3 Tensors: ``y``, the ``mean`` and the (biased) ``variance``, both of shape
        ``input_x.shape[:begin_norm_axis]`` followed by ones.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[1.0, 3.0], [2.0, 2.0]]), msnn.float32)
        >>> g, b = msnn.Tensor(np.ones(2), msnn.float32), msnn.Tensor(np.zeros(2), msnn.float32)
        >>> y, mean, var = P.LayerNorm()(x, g, b)
        >>> [[round(v, 4) for v in r] for r in y.tolist()], mean.tolist(), var.tolist()
        ([[-1.0, 1.0], [0.0, 0.0]], [[2.0], [2.0]], [[1.0], [0.0]])
    """

    @prim_attr_register
    def __init__(self, begin_norm_axis=1, begin_params_axis=1):
        V.check_type(begin_norm_axis, "begin_norm_axis", self.name, int, exc=ValueError)
        V.check_type(begin_params_axis, "begin_params_axis", self.name, int, exc=ValueError)

    def __call__(self, input_x, gamma, beta):
        name = self.name
        C.tensor_in(name, "input_x", input_x, C.F16_32)
        rank = input_x.dim()
        axes = []
        for arg, a in (("begin_norm_axis", self.begin_norm_axis), ("begin_params_axis", self.begin_params_axis)):
            if not -1 <= a < rank:
                V.fail(name, arg, f"in range [-1, {rank})", a)
            axes.append(a % rank)
        norm_axis, params_axis = axes
        params_shape = input_x.shape[params_axis:]
        for arg, t in (("gamma", gamma), ("beta", beta)):
            C.tensor_in(name, arg, t, C.F16_32, TypeError)
            if t.shape != params_shape:
                V.fail(name, arg, f"of shape input_x.shape[begin_params_axis:] = {tuple(params_shape)}",
                       _shape_text(t))
        dims = tuple(range(norm_axis, rank))
        var, mean = torch.var_mean(input_x, dims, correction=0, keepdim=True)
        if norm_axis == params_axis:
            y = F.layer_norm(input_x, params_shape, gamma, beta, _LAYER_NORM_EPS)
        else:
            y = (input_x - mean) * torch.rsqrt(var + _LAYER_NORM_EPS) * gamma + beta
        return y, mean, var


@ms_api(_P + "L2Normalize", torch="x / sqrt(max(sum(x ** 2, axis), epsilon))")
class L2Normalize(PrimitiveWithInfer):
    r"""L2 normalization along ``axis``: :math:`x / \sqrt{\max(\sum x^2, \epsilon)}`.

    Args:
        axis (int): The axis. Default: 0.
        epsilon (float): The lower bound of the sum of squares. Default: 1e-4.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[3.0, 0.0], [4.0, 0.0]]), msnn.float32)
        >>> P.L2Normalize()(x).tolist()
        [[0.6000000238418579, 0.0], [0.800000011920929, 0.0]]
    """

    @prim_attr_register
    def __init__(self, axis=0, epsilon=1e-4):
        V.check_type(axis, "axis", self.name, int, exc=ValueError)
        V.check_type(epsilon, "epsilon", self.name, (int, float), exc=ValueError)

    def infer_shape(self, input_x):
        return input_x

    def infer_dtype(self, input_x):
        return input_x

    def __call__(self, input_x):
        if not isinstance(input_x, Tensor):
            C.not_tensor(self.name, "input_x", input_x)
        rank = input_x.dim()
        if not -rank <= self.axis < max(rank, 1):
            V.fail(self.name, "axis", f"in range [{-rank}, {rank})", self.axis)
        sq = torch.sum(input_x * input_x, self.axis, keepdim=True)
        return input_x * torch.rsqrt(torch.clamp_min(sq, self.epsilon))


# ----------------------------------------------------------------------------------------------
# Convolution and pooling
# ----------------------------------------------------------------------------------------------
_CONV_DTYPES = C.F16_32 | {torch.int8, torch.int32}


def _conv_out_check(name, x, out_h, out_w):
    if out_h <= 0 or out_w <= 0:
        V.fail(name, "input", "large enough for the kernel (a positive output size)", _shape_text(x))


@ms_api(_P + "Conv2D", torch="torch.nn.functional.conv2d",
        deviations=("'same' pads TF-style (extra row/column at the bottom/right) through the code "
                    "of nn.Conv2d.", _BF16))
class Conv2D(PrimitiveWithInfer):
    r"""2D convolution of an NCHW input with a weight :math:`(C_{out}, C_{in} / group, K_1, K_2)`.

    Args:
        out_channel (int): The number of output channels.
        kernel_size (Union[int, tuple[int]]): The kernel size.
        mode (int): Must be 1 (cross-correlation). Default: 1.
        pad_mode (str): "valid", "same" or "pad". Default: "valid".
        pad (int): The padding on every side with pad_mode "pad". Default: 0.
        stride (int): The stride. Default: 1.
        dilation (int): The dilation. Default: 1.
        group (int): The number of groups. Default: 1.

    Inputs:
        - **input** (Tensor) - :math:`(N, C_{in}, H_{in}, W_{in})`.
        - **weight** (Tensor) - :math:`(C_{out}, C_{in} / group, K_1, K_2)`.

    Outputs:
        Tensor of shape :math:`(N, C_{out}, H_{out}, W_{out})`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.ones([10, 32, 32, 32]), msnn.float32)
        >>> w = msnn.Tensor(np.ones([32, 32, 3, 3]), msnn.float32)
        >>> out = P.Conv2D(out_channel=32, kernel_size=3)(x, w)
        >>> tuple(out.shape), float(out[0, 0, 0, 0])
        ((10, 32, 30, 30), 288.0)
    """

    @prim_attr_register
    def __init__(self, out_channel, kernel_size, mode=1, pad_mode="valid", pad=0, stride=1, dilation=1, group=1):
        self.init_prim_io_names(inputs=['x', 'w'], outputs=['output'])
        name = self.name
        self._kernel = _kernel_pair(name, "kernel_size", kernel_size)
        _check_pad_mode(name, pad_mode, pad)
        _int_eq(mode, "mode", name, 1)
        self.add_prim_attr('data_format', "NCHW")
        _int_ge(out_channel, "out_channel", name, 1)
        _int_ge(group, "group", name, 1)
        _int_ge(dilation, "dilation", name, 1)
        _int_ge(stride, "stride", name, 1)
        self._stride2 = (stride, stride)
        self._dilation2 = (dilation, dilation)
        self._same = pad_mode == "same"
        self._pad = pad if pad_mode == "pad" else 0

    def _check(self, x, w):
        name = self.name
        C.ndim_is(name, "input", x, 4, "a 4-D (N, C, H, W) Tensor")
        C.ndim_is(name, "weight", w, 4, "a 4-D Tensor")
        if x.shape[1] // self.group != w.shape[1]:
            V.fail(name, "weight", f"a Tensor with shape[1] == input channels // group = {x.shape[1] // self.group}",
                   _shape_text(w))
        if w.shape[0] != self.out_channel:
            V.fail(name, "weight", f"a Tensor with shape[0] == out_channel = {self.out_channel}", _shape_text(w))
        if tuple(w.shape[2:]) != self._kernel:
            V.fail(name, "weight", f"a Tensor with shape[2:4] == kernel_size = {self._kernel}", _shape_text(w))
        dt = dtype_of(x)
        if dtype_of(w) is not dt:
            C.same_dtype(name, "input", x, "weight", w)
        if dt not in _CONV_DTYPES:
            C.bad_dtype(name, "input", x, _CONV_DTYPES, TypeError)

    def __call__(self, x, w):
        self._check(x, w)
        if not self._same:
            d, s, p = self.dilation, self.stride, self._pad
            _conv_out_check(self.name, x, (x.shape[2] + 2 * p - d * (w.shape[2] - 1) - 1) // s + 1,
                            (x.shape[3] + 2 * p - d * (w.shape[3] - 1) - 1) // s + 1)
        return _conv2d(x, w, None, self._kernel, self._stride2, self._dilation2, self.group, self._same, self._pad)


@ms_api(_P + "DepthwiseConv2dNative", torch="torch.nn.functional.conv2d(groups=C_in)",
        deviations=("The weight's first dimension must equal channel_multiplier (0.1 did not "
                    "check it).", _BF16))
class DepthwiseConv2dNative(PrimitiveWithInfer):
    r"""Depthwise convolution: each input channel convolved with ``channel_multiplier`` filters.

    The weight has shape :math:`(\text{channel_multiplier}, C_{in}, K_1, K_2)`; output channel
    ``c * channel_multiplier + m`` is input channel ``c`` convolved with ``weight[m, c]``.

    Args:
        channel_multiplier (int): Filters per input channel.
        kernel_size (Union[int, tuple[int]]): The kernel size.
        mode (int): Must be 3. Default: 3.
        pad_mode (str): "valid", "same" or "pad". Default: "valid".
        pad (int): The padding with pad_mode "pad". Default: 0.
        stride (int): The stride. Default: 1.
        dilation (int): The dilation. Default: 1.
        group (int): Validated (> 0); the grouping is by channel. Default: 1.

    Outputs:
        Tensor of shape :math:`(N, C_{in} * \text{channel_multiplier}, H_{out}, W_{out})`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.ones([10, 32, 32, 32]), msnn.float32)
        >>> w = msnn.Tensor(np.ones([1, 32, 3, 3]), msnn.float32)
        >>> out = P.DepthwiseConv2dNative(channel_multiplier=1, kernel_size=(3, 3))(x, w)
        >>> tuple(out.shape), float(out[0, 0, 0, 0])
        ((10, 32, 30, 30), 9.0)
    """

    @prim_attr_register
    def __init__(self, channel_multiplier, kernel_size, mode=3, pad_mode="valid", pad=0, stride=1, dilation=1,
                 group=1):
        name = self.name
        _check_pad_mode(name, pad_mode, pad)
        self._kernel = _kernel_pair(name, "kernel_size", kernel_size)
        _int_eq(mode, "mode", name, 3)
        self.add_prim_attr('data_format', "NCHW")
        _int_ge(channel_multiplier, "channel_multiplier", name, 1)
        _int_ge(group, "group", name, 1)
        _int_ge(dilation, "dilation", name, 1)
        _int_ge(stride, "stride", name, 1)
        self._stride2 = (stride, stride)
        self._dilation2 = (dilation, dilation)
        self._same = pad_mode == "same"
        self._pad = pad if pad_mode == "pad" else 0

    def __call__(self, x, w):
        name = self.name
        C.ndim_is(name, "input", x, 4, "a 4-D (N, C, H, W) Tensor")
        C.ndim_is(name, "weight", w, 4, "a 4-D Tensor")
        if w.shape[1] != x.shape[1] or w.shape[0] != self.channel_multiplier or tuple(w.shape[2:]) != self._kernel:
            V.fail(name, "weight", f"of shape (channel_multiplier, C_in, *kernel_size) = "
                   f"{(self.channel_multiplier, x.shape[1]) + self._kernel}", _shape_text(w))
        C.same_dtype(name, "input", x, "weight", w)
        C.tensor_in(name, "input", x, C.NUMBER, TypeError)
        cin = x.shape[1]
        weight = w.transpose(0, 1).reshape(cin * self.channel_multiplier, 1, *self._kernel)
        return _conv2d(x, weight, None, self._kernel, self._stride2, self._dilation2, cin, self._same, self._pad)


@ms_api(_P + "Conv2DBackpropInput", torch="torch.nn.functional.conv_transpose2d",
        deviations=("Crops/zero-fills through _translate.conv_transpose_crop, the plan of "
                    "nn.Conv2dTranspose.", _BF16))
class Conv2DBackpropInput(PrimitiveWithInfer):
    """The gradient of a convolution with respect to its input (a transposed convolution).

    Args:
        out_channel (int): The convolution's output channels.
        kernel_size (Union[int, tuple[int]]): The kernel size.
        pad_mode (str): "valid", "same" or "pad". Default: "valid".
        pad (int): The padding with pad_mode "pad". Default: 0.
        pad_list (tuple): Explicit ``(top, bottom, left, right)`` padding. Default: None.
        mode (int): Must be 1. Default: 1.
        stride (int): The stride. Default: 1.
        dilation (int): The dilation. Default: 1.
        group (int): The number of groups. Default: 1.

    Inputs:
        - **out_backprop** (Tensor) - :math:`(N, C_{out}, H_{out}, W_{out})`.
        - **filter** (Tensor) - The convolution's weight :math:`(C_{out}, C_{in} / group, K_1, K_2)`.
        - **input_sizes** (tuple[int]) - The input's shape :math:`(N, C_{in}, H, W)`.

    Outputs:
        Tensor of shape ``input_sizes``.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> dout = msnn.Tensor(np.ones([10, 32, 30, 30]), msnn.float32)
        >>> w = msnn.Tensor(np.ones([32, 32, 3, 3]), msnn.float32)
        >>> dx = P.Conv2DBackpropInput(out_channel=32, kernel_size=3)(dout, w, (10, 32, 32, 32))
        >>> tuple(dx.shape), float(dx[0, 0, 0, 0]), float(dx[0, 0, 2, 2])
        ((10, 32, 32, 32), 32.0, 288.0)

    Note:
        With pad_mode 'same' and no ``pad_list`` the padding is computed as 0.1 did, from the
        undilated kernel.
    """

    @prim_attr_register
    def __init__(self, out_channel, kernel_size, pad_mode="valid", pad=0, pad_list=None, mode=1, stride=1,
                 dilation=1, group=1):
        self.init_prim_io_names(inputs=['out_backprop', 'filter', 'input_sizes'], outputs=['output'])
        name = self.name
        _int_ge(out_channel, "out_channel", name, 1)
        self._kernel = _kernel_pair(name, "kernel_size", kernel_size)
        _check_pad_mode(name, pad_mode, pad)
        _int_eq(mode, "mode", name, 1)
        _int_ge(group, "group", name, 1)
        _int_ge(dilation, "dilation", name, 1)
        _int_ge(stride, "stride", name, 1)
        self.add_prim_attr('data_format', "NCHW")
        if pad_list:
            if not isinstance(pad_list, (tuple, list)) or len(pad_list) != 4:
                V.fail(name, "pad_list", "a tuple of 4 ints >= 0", pad_list)
            for p in pad_list:
                _int_ge(p, "pad_list", name, 0)

    def __call__(self, out_backprop, filter, input_sizes):  # pylint: disable=redefined-builtin
        name = self.name
        dout, w = out_backprop, filter
        C.ndim_is(name, "out_backprop", dout, 4, "a 4-D (N, C, H, W) Tensor")
        C.ndim_is(name, "filter", w, 4, "a 4-D Tensor")
        V.check_type(input_sizes, "input_sizes", name, tuple, exc=ValueError)
        if len(input_sizes) != 4:
            V.fail(name, "input_sizes", "a tuple of 4 ints", input_sizes)
        for i, d in enumerate(input_sizes):
            V.check_type(d, f"input_sizes[{i}]", name, int, exc=ValueError)
        C.tensor_in(name, "filter", w, _CONV_DTYPES)
        if dtype_of(dout) is not dtype_of(w):
            C.same_dtype(name, "filter", w, "out_backprop", dout)
        (kh, kw), s, d = self._kernel, self.stride, self.dilation
        h, wd = input_sizes[2], input_sizes[3]
        if self.pad_list:
            top, left = self.pad_list[0], self.pad_list[2]
        elif self.pad_mode == "same":
            top = max(0, (dout.shape[2] - 1) * s + kh - h) // 2
            left = max(0, (dout.shape[3] - 1) * s + kw - wd) // 2
        else:
            top = left = self.pad if self.pad_mode == "pad" else 0
        ph, oph, th = T.conv_transpose_crop(dout.shape[2], kh, s, d, top, h)
        pw, opw, tw = T.conv_transpose_crop(dout.shape[3], kw, s, d, left, wd)
        y = F.conv_transpose2d(dout, w, None, s, (ph, pw), (oph, opw), self.group, d)
        if th < 0 or tw < 0:
            y = y[:, :, :y.shape[2] + min(th, 0), :y.shape[3] + min(tw, 0)]
        if th > 0 or tw > 0:
            y = F.pad(y, (0, max(tw, 0), 0, max(th, 0)))
        if tuple(y.shape) != tuple(input_sizes):
            V.fail(name, "input_sizes", f"consistent with out_backprop {tuple(dout.shape)} and filter "
                   f"{tuple(w.shape)}", input_sizes)
        return y


def _pool_pair(name, arg, value):
    V.check_type(value, arg, name, (int, tuple), exc=ValueError)
    pair = (value, value) if isinstance(value, int) else value
    if len(pair) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in pair):
        V.fail(name, arg, "an int or a tuple of 2 ints, each >= 1", value)
    return tuple(pair)


class _Pool(PrimitiveWithInfer):
    """Max/average pooling over NCHW: ``ksize``, ``strides``, ``padding`` ('VALID' or 'SAME')."""

    @prim_attr_register
    def __init__(self, ksize=1, strides=1, padding="VALID"):
        self.init_prim_io_names(inputs=['x'], outputs=['output'])
        name = self.name
        V.check_type(padding, "padding", name, str, exc=ValueError)
        self._kernel = _pool_pair(name, "ksize", ksize)
        self._stride = _pool_pair(name, "strides", strides)
        self._same = V.check_in(padding.upper(), "padding", name, ("VALID", "SAME")) == "SAME"
        self.add_prim_attr("padding", padding.upper())
        self.add_prim_attr('data_format', "NCHW")

    def _check(self, x):
        C.ndim_is(self.name, "input", x, 4, "a 4-D (N, C, H, W) Tensor")
        if not self._same and (x.shape[2] < self._kernel[0] or x.shape[3] < self._kernel[1]):
            V.fail(self.name, "input", f"at least ksize={self._kernel} in H and W for padding 'VALID'",
                   _shape_text(x))


@ms_api(_P + "MaxPool", torch="torch.nn.functional.max_pool2d",
        deviations=("'SAME' pads TF-style with -inf (extra row/column bottom/right), the code of "
                    "nn.MaxPool2d.",))
class MaxPool(_Pool):
    """Max pooling over the H, W planes of an NCHW input.

    Args:
        ksize (Union[int, tuple[int]]): The window. Default: 1.
        strides (Union[int, tuple[int]]): The stride. Default: 1.
        padding (str): "VALID" or "SAME" (case-insensitive). Default: "VALID".

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.arange(16).reshape(1, 1, 4, 4), msnn.float32)
        >>> P.MaxPool(ksize=2, strides=2)(x).tolist()
        [[[[5.0, 7.0], [13.0, 15.0]]]]
    """

    @prim_attr_register
    def __init__(self, ksize=1, strides=1, padding="VALID"):
        _Pool.__init__.decorated_func(self, ksize, strides, padding)

    def __call__(self, input):  # pylint: disable=redefined-builtin
        self._check(input)
        return _max_pool2d(input, self._kernel, self._stride, self._same)


@ms_api(_P + "AvgPool", torch="torch.nn.functional.avg_pool2d",
        deviations=("'SAME' divides by the number of real elements in each window (0.1's Ascend "
                    "kernel; its GPU kernel counted the padding), the code of nn.AvgPool2d.",))
class AvgPool(_Pool):
    """Average pooling over the H, W planes of an NCHW input.

    Args:
        ksize (Union[int, tuple[int]]): The window. Default: 1.
        strides (Union[int, tuple[int]]): The stride. Default: 1.
        padding (str): "VALID" or "SAME" (case-insensitive). Default: "VALID".

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.arange(16).reshape(1, 1, 4, 4), msnn.float32)
        >>> P.AvgPool(ksize=2, strides=2)(x).tolist()
        [[[[2.5, 4.5], [10.5, 12.5]]]]
    """

    @prim_attr_register
    def __init__(self, ksize=1, strides=1, padding="VALID"):
        _Pool.__init__.decorated_func(self, ksize, strides, padding)

    def __call__(self, input):  # pylint: disable=redefined-builtin
        self._check(input)
        return _avg_pool2d(input, self._kernel, self._stride, self._same)


@ms_api(_P + "MaxPoolWithArgmax", torch="torch.nn.functional.max_pool2d(return_indices=True)",
        deviations=("'same' pads TF-style (extra row/column bottom/right), as nn.MaxPool2d; 0.1's "
                    "shape inference used a symmetric (window - 1) // 2, which agrees for odd windows.",
                    "argmax is the index of each maximum in its sample's flattened (C, H, W) input, "
                    "MindSpore's CPU/GPU form (0.1 only had Ascend's bit mask, read by its own "
                    "gradient).", _BF16))
class MaxPoolWithArgmax(PrimitiveWithInfer):
    """Max pooling returning the maxima and where they are.

    Args:
        pad_mode (str): "valid", "same" or "pad". Default: "valid".
        window (Union[int, tuple[int]]): The window. Default: 1.
        pad (int): The padding on every side with pad_mode "pad". Default: 0.
        stride (int): The stride. Default: 1.
        data_mode (int): Must be 1. Default: 1.
        ceil_mode (int): Must be 0. Default: 0.
        alpha (Union[int, float]): Validated; no effect. Default: 1.0.
        beta (Union[int, float]): Validated; no effect. Default: 0.0.

    Outputs:
        Tuple of 2 Tensors: the pooled output and the int32 ``argmax`` of the same shape, the
        index of each maximum in its sample's flattened :math:`(C, H, W)` input.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.arange(32).reshape(1, 2, 4, 4), msnn.float32)
        >>> out, argmax = P.MaxPoolWithArgmax(window=2, stride=2)(x)
        >>> out[0, 1].tolist(), argmax[0, 1].tolist()
        ([[21.0, 23.0], [29.0, 31.0]], [[21, 23], [29, 31]])
    """

    @prim_attr_register
    def __init__(self, pad_mode="valid", window=1, pad=0, stride=1, data_mode=1, ceil_mode=0, alpha=1.0,
                 beta=0.0):
        self.init_prim_io_names(inputs=['x'], outputs=['output', 'argmax'])
        name = self.name
        self._kernel = _pool_pair(name, "window", window)
        V.check_in(pad_mode, "pad_mode", name, ("valid", "same", "pad"))
        self._pad = _int_ge(pad, "pad", name, 0) if pad_mode == "pad" else 0
        _int_eq(data_mode, "data_mode", name, 1)
        _int_eq(ceil_mode, "ceil_mode", name, 0)
        _int_ge(stride, "stride", name, 1)
        V.check_type(alpha, "alpha", name, (int, float), exc=ValueError)
        V.check_type(beta, "beta", name, (int, float), exc=ValueError)
        self._stride = (stride, stride)
        self._offsets = {}

    def __call__(self, x):
        name = self.name
        C.ndim_is(name, "x", x, 4, "a 4-D (N, C, H, W) Tensor")
        C.tensor_in(name, "x", x, C.F16_32)
        if self.pad_mode == "same":
            out, idx = _max_pool2d(x, self._kernel, self._stride, True, return_indices=True)
        else:
            p = self._pad
            (kh, kw), s = self._kernel, self.stride
            _conv_out_check(name, x, (x.shape[2] + 2 * p - kh) // s + 1, (x.shape[3] + 2 * p - kw) // s + 1)
            out, idx = F.max_pool2d(x, self._kernel, self._stride, p, return_indices=True)
        plane = x.shape[2] * x.shape[3]  # MindSpore's argmax counts over (C, H, W): add c * H * W
        offsets = self._offsets.get((x.shape[1], plane, idx.device))
        if offsets is None:
            offsets = self._offsets[(x.shape[1], plane, idx.device)] = (
                torch.arange(x.shape[1], device=idx.device) * plane).view(1, -1, 1, 1)
        return out, (idx + offsets).to(torch.int32)


@ms_api(_P + "BiasAdd", torch="x + bias.view(C, 1, ...)", deviations=(_BF16,))
class BiasAdd(PrimitiveWithInfer):
    """Adds a 1-D bias along axis 1 of ``input_x`` (:math:`(N, C)` or :math:`(N, C, H, W)`).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.zeros([2, 3]), msnn.float32)
        >>> P.BiasAdd()(x, msnn.Tensor(np.array([1.0, 2.0, 3.0]), msnn.float32)).tolist()
        [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]
    """

    _dtypes = C.F16_32 | {torch.int8, torch.int32}

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'b'], outputs=['output'])
        self.add_prim_attr('data_format', 'NCHW')
        self._views = C.Cache(lambda ndim: (-1,) + (1,) * (ndim - 2))

    def infer_shape(self, x_shape, b_shape):
        return x_shape

    def infer_dtype(self, x_type, b_type):
        return x_type

    def __call__(self, input_x, bias):
        if not (isinstance(input_x, Tensor) and isinstance(bias, Tensor)):
            C.not_tensor(self.name, "input_x" if not isinstance(input_x, Tensor) else "bias",
                         input_x if not isinstance(input_x, Tensor) else bias)
        ndim = input_x.ndim
        if bias.ndim != 1 or ndim < 2 or bias.shape[0] != input_x.shape[1]:
            V.fail(self.name, "bias", f"a 1-D Tensor of length input_x.shape[1] (input_x of shape "
                   f"{tuple(input_x.shape)}, rank >= 2)", _shape_text(bias))
        dt = input_x.dtype
        if dt != bias.dtype or dt not in self._dtypes:
            C.same_dtype(self.name, "input_x", input_x, "bias", bias)
            C.bad_dtype(self.name, "input_x", input_x, self._dtypes, TypeError)
        if ndim == 2:
            return input_x + bias
        return input_x + bias.view(self._views[ndim])


@ms_api(_P + "TopK", torch="torch.topk", deviations=(
    "The values are always sorted in descending order (0.1 left the order unspecified with sorted=False).",))
class TopK(PrimitiveWithInfer):
    """The ``k`` largest entries along the last dimension and their indices (int32).

    Args:
        sorted (bool): Sort the results in descending order. Default: False.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3, 4, 5]).astype(np.float16))
        >>> values, indices = P.TopK(sorted=True)(x, 3)
        >>> values.tolist(), indices.tolist()
        ([5.0, 4.0, 3.0], [4, 3, 2])
    """

    _dtypes = (torch.float16, torch.float32, torch.int32, torch.bfloat16)

    @prim_attr_register
    def __init__(self, sorted=False):  # pylint: disable=redefined-builtin
        V.check_type(sorted, "sorted", self.name, bool, exc=ValueError)
        self.init_prim_io_names(inputs=['input', 'k'], outputs=['values', 'indices'])

    def __call__(self, input_x, k):
        name = self.name
        C.tensor_in(name, "input_x", input_x, self._dtypes)
        if isinstance(k, bool) or not isinstance(k, int):
            V.fail(name, "k", "an int", k)
        if not 0 <= k <= (input_x.shape[-1] if input_x.dim() else 1):
            V.fail(name, "k", f"in [0, {input_x.shape[-1] if input_x.dim() else 1}]", k)
        values, indices = torch.topk(input_x, k, -1, True, True)
        return values, indices.to(torch.int32)


# ----------------------------------------------------------------------------------------------
# Losses
# ----------------------------------------------------------------------------------------------
class _SoftmaxCEFn(torch.autograd.Function):
    """0.1's SoftmaxCrossEntropyWithLogits: loss and ``dlogits = softmax - labels``; the bprop is
    ``dlogits * dloss`` (the gradient reaching ``dlogits`` is ignored, labels get none)."""

    @staticmethod
    def forward(ctx, logits, labels, gpu):  # pylint: disable=arguments-differ
        log_p = torch.log_softmax(logits, -1)
        if gpu:  # 0.1's GPU kernel: the class whose label is 1, and dlogits divided by the batch size
            labels = (labels - 1.0).abs().le(1e-8).to(log_p.dtype)
            loss = -(labels * log_p).sum(-1)
            dlogits = (torch.exp(log_p) - labels) / max(1, logits.numel() // max(1, logits.shape[-1]))
        else:
            loss = -(labels * log_p).sum(-1)
            dlogits = torch.exp(log_p) - labels
        ctx.save_for_backward(dlogits)
        ctx.mark_non_differentiable(dlogits)
        return loss, dlogits

    @staticmethod
    def backward(ctx, dloss, _ddlogits):  # pylint: disable=arguments-differ
        dlogits, = ctx.saved_tensors
        return dlogits * dloss.unsqueeze(-1), None, None


@ms_api(_P + "SoftmaxCrossEntropyWithLogits", torch="torch.log_softmax (custom autograd.Function)",
        deviations=("Follows the device_target named when the primitive is built, as 0.1's kernels "
                    "differed: 'GPU' takes the loss at the class whose label is 1 and divides dlogits "
                    "(and so the gradient) by the batch size; elsewhere (Ascend) dlogits is softmax - "
                    "labels.",
                    "The gradient is 0.1's bprop: dlogits * dloss; a gradient flowing into the "
                    "dlogits output is ignored, as in 0.1.",
                    "Logits that are not 2-D keep the classes on the last axis and give a loss of shape "
                    "logits.shape[:-1] (0.1 declared (logits.shape[0],) but computed one value per row).",
                    _BF16))
class SoftmaxCrossEntropyWithLogits(PrimitiveWithInfer):
    r"""Softmax cross entropy of logits and (one-hot or soft) labels, per sample.

    :math:`loss_i = -\sum_j Y_{ij} \ln softmax(X)_{ij}`.

    Inputs:
        - **logits** (Tensor) - :math:`(N, C)`, float16/float32.
        - **labels** (Tensor) - :math:`(N, C)`, the dtype of ``logits``.

    Outputs:
        Tuple of 2 Tensors: ``loss`` :math:`(N,)` and ``dlogits`` :math:`(N, C)` (the gradient
        ``softmax(logits) - labels``). Logits of another rank keep the classes on the last axis:
        1-D :math:`(C,)` logits are one sample (a 0-d ``loss``), as in 0.1's GPU kernel.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> logits = msnn.Tensor(np.array([[2.0, 4.0, 1.0]]), msnn.float32)
        >>> labels = msnn.Tensor(np.array([[0.0, 1.0, 0.0]]), msnn.float32)
        >>> loss, dlogits = P.SoftmaxCrossEntropyWithLogits()(logits, labels)
        >>> [round(v, 4) for v in loss.tolist()], [round(v, 4) for v in dlogits[0].tolist()]
        ([0.1698], [0.1142, -0.1562, 0.042])

    Note:
        The gradient with respect to ``logits`` is 0.1's bprop, ``dlogits * dloss``; what flows
        back into the ``dlogits`` output is ignored and ``labels`` get no gradient. With
        ``device_target`` 'GPU' (when the primitive is built) msnn runs 0.1's GPU kernel: the loss
        of the class whose label is 1 and ``dlogits = (softmax - onehot) / N``. For logits that are
        not 2-D, 0.1's shape inference declared a loss of shape ``(logits.shape[0],)`` while its
        kernel computed one value per row of the leading axes; msnn returns ``logits.shape[:-1]``.
    """

    @prim_attr_register
    def __init__(self):
        from ... import context  # pylint: disable=import-outside-toplevel
        self._gpu = context.semantics_target() == "GPU"

    def __call__(self, logits, labels):
        name = self.name
        C.tensor_in(name, "logits", logits, C.F16_32, TypeError)
        C.tensor_in(name, "labels", labels, None)
        C.same_shape(name, "logits", logits, "labels", labels)
        if dtype_of(labels) is not dtype_of(logits):
            C.same_dtype(name, "logits", logits, "labels", labels)
        if logits.dim() == 0:
            V.fail(name, "logits", "a Tensor of rank >= 1 (classes on the last axis)", _shape_text(logits))
        return _SoftmaxCEFn.apply(logits, labels, self._gpu)


@ms_api(_P + "SparseSoftmaxCrossEntropyWithLogits", torch="torch.nn.functional.cross_entropy",
        deviations=("The output with is_grad=True ((softmax - onehot) / N) carries no gradient.",
                    "The code of nn.SoftmaxCrossEntropyWithLogits(sparse=True) on CPU/GPU: a label "
                    "outside [0, C) raises RuntimeError with device_target 'CPU' (as 0.1's CPU kernel) "
                    "and gives loss 0 elsewhere.", _BF16))
class SparseSoftmaxCrossEntropyWithLogits(PrimitiveWithInfer):
    r"""Softmax cross entropy of logits :math:`(N, C)` and class indices :math:`(N,)`.

    Args:
        is_grad (bool): Return the gradient ``(softmax - onehot) / N`` instead of the loss.
            Default: False.

    Outputs:
        A scalar Tensor, the mean over the batch of :math:`-\ln softmax(X)_{i, y_i}`; with
        ``is_grad`` a Tensor of the shape of ``logits``.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> logits = msnn.Tensor(np.array([[2.0, 4.0, 1.0], [1.0, 1.0, 1.0]]), msnn.float32)
        >>> labels = msnn.Tensor(np.array([1, 0]), msnn.int32)
        >>> round(float(P.SparseSoftmaxCrossEntropyWithLogits()(logits, labels)), 4)
        0.6342
    """

    @prim_attr_register
    def __init__(self, is_grad=False):
        self.init_prim_io_names(inputs=['features', 'labels'], outputs=['output'])
        V.check_bool(is_grad, "is_grad", self.name, exc=ValueError)
        self.add_prim_attr('sens', 1.0)
        from ... import context  # pylint: disable=import-outside-toplevel
        self._check_labels = context.semantics_target() == "CPU"

    def __call__(self, logits, labels):
        name = self.name
        C.tensor_in(name, "logits", logits, C.F16_32)
        C.tensor_in(name, "labels", labels, (torch.int32, torch.int64))
        if logits.dim() != 2:
            V.fail(name, "logits", "a 2-D (N, C) Tensor", _shape_text(logits))
        if labels.dim() != 1 or labels.shape[0] != logits.shape[0]:
            V.fail(name, "labels", f"a 1-D Tensor of length logits.shape[0] = {logits.shape[0]}", _shape_text(labels))
        if not self.is_grad:
            return _sparse_kernel_path(logits, labels, False, self._check_labels)
        with torch.no_grad():
            return _sparse_kernel_path(logits, labels, True, self._check_labels)


@ms_api(_P + "SigmoidCrossEntropyWithLogits", torch="torch.nn.functional.binary_cross_entropy_with_logits",
        deviations=(_BF16,))
class SigmoidCrossEntropyWithLogits(PrimitiveWithInfer):
    r"""Element-wise sigmoid cross entropy:
    :math:`-[Y \ln \sigma(X) + (1 - Y) \ln(1 - \sigma(X))]`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[-0.8, 1.2, 0.7]]), msnn.float32)
        >>> y = msnn.Tensor(np.array([[0.0, 1.0, 0.0]]), msnn.float32)
        >>> [round(v, 4) for v in P.SigmoidCrossEntropyWithLogits()(x, y)[0].tolist()]
        [0.3711, 0.2633, 1.1032]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['predict', 'target'], outputs=['loss'])

    def __call__(self, logits, label):
        name = self.name
        C.tensor_in(name, "logits", logits, C.NUMBER, TypeError)
        C.tensor_in(name, "label", label, None)
        C.same_shape(name, "logits", logits, "label", label)
        if dtype_of(label) is not dtype_of(logits):
            C.same_dtype(name, "logits", logits, "label", label)
        return F.binary_cross_entropy_with_logits(_plain(logits), _plain(label), reduction="none")


@ms_api(_P + "SmoothL1Loss", torch="torch.nn.functional.smooth_l1_loss(beta=sigma)",
        deviations=("The formula is torch's with beta = sigma (0.5 x^2 / sigma below sigma, |x| - "
                    "0.5 sigma above), the one nn.SmoothL1Loss uses; the doc's formula is only "
                    "continuous for sigma = 1.", _BF16))
class SmoothL1Loss(PrimitiveWithInfer):
    """Element-wise smooth L1 loss of ``prediction`` and ``target``.

    Args:
        sigma (float): Where the loss changes from quadratic to linear (> 0). Default: 1.0.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1.0, 2.0, 3.0]), msnn.float32)
        >>> y = msnn.Tensor(np.array([1.0, 2.5, 5.0]), msnn.float32)
        >>> P.SmoothL1Loss()(x, y).tolist()
        [0.0, 0.125, 1.5]
    """

    @prim_attr_register
    def __init__(self, sigma=1.0):
        V.check_type(sigma, "sigma", self.name, float, exc=ValueError)
        V.check_number(sigma, "sigma", self.name, lower=0, lower_open=True, exc=ValueError)
        self.init_prim_io_names(inputs=['prediction', 'target'], outputs=['output'])

    def __call__(self, prediction, target):
        name = self.name
        C.tensor_in(name, "prediction", prediction, C.F16_32, TypeError)
        C.tensor_in(name, "target", target, None)
        C.same_shape(name, "prediction", prediction, "target", target)
        if dtype_of(target) is not dtype_of(prediction):
            C.same_dtype(name, "prediction", prediction, "target", target)
        return F.smooth_l1_loss(_plain(prediction), _plain(target), reduction="none", beta=self.sigma)


@ms_api(_P + "BinaryCrossEntropy", torch="torch.nn.functional.binary_cross_entropy",
        deviations=("torch clamps each log at -100, so a probability of exactly 0 or 1 gives a "
                    "finite loss where 0.1's kernel gave inf.", _BF16))
class BinaryCrossEntropy(PrimitiveWithInfer):
    r"""Binary cross entropy :math:`-w [y \ln x + (1 - y) \ln(1 - x)]`, reduced by ``reduction``.

    Args:
        reduction (str): 'none', 'mean' or 'sum'. Default: 'mean'.

    Inputs:
        - **input_x** (Tensor) - Probabilities.
        - **input_y** (Tensor) - Labels of the same shape and dtype.
        - **weight** (Tensor) - Per-element weights of the same shape, or None. Default: None.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([0.2, 0.7, 0.1]), msnn.float32)
        >>> y = msnn.Tensor(np.array([0.0, 1.0, 0.0]), msnn.float32)
        >>> w = msnn.Tensor(np.array([1.0, 2.0, 2.0]), msnn.float32)
        >>> round(float(P.BinaryCrossEntropy()(x, y, w)), 4)
        0.3824
    """

    @prim_attr_register
    def __init__(self, reduction='mean'):
        V.check_in(reduction, "reduction", self.name, ("none", "mean", "sum"))

    def __call__(self, input_x, input_y, weight=None):
        name = self.name
        C.tensor_in(name, "input_x", input_x, C.F16_32, TypeError)
        C.tensor_in(name, "input_y", input_y, None)
        C.same_shape(name, "input_x", input_x, "input_y", input_y)
        C.same_dtype(name, "input_x", input_x, "input_y", input_y)
        if weight is not None:
            C.tensor_in(name, "weight", weight, None)
            C.same_shape(name, "input_y", input_y, "weight", weight)
            C.same_dtype(name, "input_x", input_x, "weight", weight)
        # 0.1's bprop gives input_y and weight zero gradients
        return F.binary_cross_entropy(_plain(input_x), input_y.detach(), None if weight is None else weight.detach(),
                                      reduction=self.reduction)


# ----------------------------------------------------------------------------------------------
# Optimizer updates
# ----------------------------------------------------------------------------------------------
_OPT_FLOATS = C.FLOAT


def _opt_scalar(name, arg, value, allowed):
    """A learning rate / momentum style input: a number or a Tensor of a float dtype."""
    if isinstance(value, Tensor):
        if dtype_of(value) not in allowed:
            C.bad_dtype(name, arg, value, allowed)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        V.fail(name, arg, "a number or a float Tensor", C.Raw(type(value).__name__))
    return value


@ms_api(_P + "ApplyMomentum", torch="in-place torch ops: accum.mul_(momentum).add_(grad); var -= lr * accum",
        deviations=("use_nesterov=True follows TensorFlow's ApplyMomentum (0.1's TBE kernel): var -= "
                    "lr * grad + lr * momentum * accum; MindSpore 2.10's CPU kernel ignores the flag.",),
        unsupported={"use_locking": "torch's in-place updates run in program order; there is no lock to take",
                     "gradient_scale": "0.1's kernels never read it"})
class ApplyMomentum(PrimitiveWithInfer):
    """Momentum update in place: ``accum = accum * momentum + gradient``; ``variable -= lr * accum``
    (Nesterov: ``variable -= lr * gradient + lr * momentum * accum``).

    Args:
        use_nesterov (bool): Nesterov momentum. Default: False.
        use_locking (bool): Accepted with no effect. Default: False.
        gradient_scale (float): Accepted with no effect. Default: 1.0.

    Inputs:
        - **variable** (Parameter) - Updated in place.
        - **accumulation** (Parameter) - Updated in place.
        - **learning_rate** (Union[float, Tensor]) - The learning rate.
        - **gradient** (Tensor) - The gradient.
        - **momentum** (Union[float, Tensor]) - The momentum.

    Outputs:
        Tensor, ``variable`` (updated).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> w = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="w")
        >>> acc = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="acc")
        >>> g = msnn.Tensor(np.array([1.0, 2.0]), msnn.float32)
        >>> [round(v, 4) for v in P.ApplyMomentum()(w, acc, 0.1, g, 0.9).tolist()]
        [0.81, 0.71]
    """

    @prim_attr_register
    def __init__(self, use_nesterov=False, use_locking=False, gradient_scale=1.0):
        self.init_prim_io_names(inputs=['variable', 'accumulation', 'learning_rate', 'gradient', 'momentum'],
                                outputs=['output'])
        V.check_unsupported(use_locking, "use_locking", self.name, False)
        V.check_unsupported(gradient_scale, "gradient_scale", self.name, 1.0)

    def __call__(self, variable, accumulation, learning_rate, gradient, momentum):
        name = self.name
        C.tensor_in(name, "variable", variable, _OPT_FLOATS)
        C.tensor_in(name, "accumulation", accumulation, _OPT_FLOATS)
        C.tensor_in(name, "gradient", gradient, _OPT_FLOATS)
        lr = _opt_scalar(name, "learning_rate", learning_rate, _OPT_FLOATS)
        mom = _opt_scalar(name, "momentum", momentum, _OPT_FLOATS)
        if variable.dim() == 0 or accumulation.dim() == 0:
            V.fail(name, "variable", "a Tensor of rank >= 1", _shape_text(variable))
        with torch.no_grad():
            accumulation.mul_(mom).add_(gradient)
            if self.use_nesterov:
                variable.sub_(gradient * lr + accumulation * mom * lr)
            else:
                variable.sub_(accumulation * lr)
        return variable


@ms_api(_P + "SGD", torch="in-place torch ops (torch.optim.SGD's update, element-wise stat)")
class SGD(PrimitiveWithInfer):
    """Stochastic gradient descent update in place (``nn.SGD``'s step).

    ``g = gradient + weight_decay * parameters``; with ``momentum > 0`` the buffer ``accum``
    becomes ``g`` where ``stat > 0`` (the first step) and ``momentum * accum + (1 - dampening) * g``
    elsewhere, then ``g = g + momentum * accum`` (Nesterov) or ``accum``; ``parameters -= lr * g``;
    ``stat`` is set to 0.

    Args:
        dampening (float): Default: 0.0.
        weight_decay (float): Default: 0.0.
        nesterov (bool): Default: False.

    Inputs:
        - **parameters**, **gradient**, **learning_rate**, **accum**, **momentum**, **stat**.

    Outputs:
        Tensor, ``parameters`` (updated).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> w = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="w")
        >>> acc = msnn.Parameter(msnn.Tensor(np.zeros(2), msnn.float32), name="acc")
        >>> stat = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="stat")
        >>> g = msnn.Tensor(np.array([1.0, 2.0]), msnn.float32)
        >>> lr, mom = msnn.Tensor(0.1, msnn.float32), msnn.Tensor(0.9, msnn.float32)
        >>> [round(v, 4) for v in P.SGD()(w, g, lr, acc, mom, stat).tolist()], stat.tolist()
        ([0.9, 0.8], [0.0, 0.0])
    """

    @prim_attr_register
    def __init__(self, dampening=0.0, weight_decay=0.0, nesterov=False):
        self.init_prim_io_names(inputs=['parameters', 'gradient', 'learning_rate', 'accum', 'momentum', 'stat'],
                                outputs=['output'])
        V.check_number(dampening, "dampening", self.name, exc=ValueError)
        V.check_number(weight_decay, "weight_decay", self.name, exc=ValueError)
        V.check_bool(nesterov, "nesterov", self.name, exc=ValueError)

    def __call__(self, parameters, gradient, learning_rate, accum, momentum, stat):
        name = self.name
        f16_32 = C.F16_32
        C.tensor_in(name, "parameters", parameters, f16_32)
        C.tensor_in(name, "gradient", gradient, f16_32)
        C.tensor_in(name, "accum", accum, f16_32)
        C.tensor_in(name, "stat", stat, f16_32)
        lr = _opt_scalar(name, "learning_rate", learning_rate, f16_32)
        mom = _opt_scalar(name, "momentum", momentum, f16_32)
        C.same_shape(name, "gradient", gradient, "stat", stat)
        with torch.no_grad():
            g = gradient + parameters * self.weight_decay if self.weight_decay else gradient
            if (mom > 0) if not isinstance(mom, Tensor) else True:
                mom_t = torch.as_tensor(mom, dtype=dtype_of(accum), device=accum.device)
                first = stat > 0
                new = torch.where(first, g, accum * mom_t + g * (1.0 - self.dampening))
                accum.copy_(torch.where(mom_t > 0, new, accum))
                step = g + accum * mom_t if self.nesterov else accum
                g = torch.where(mom_t > 0, step, g)
            parameters.sub_(g * lr)
            stat.zero_()
        return parameters


@ms_api(_P + "Adam", torch="in-place torch ops (TensorFlow's ApplyAdam)",
        unsupported={"use_locking": "torch's in-place updates run in program order; there is no lock to take"})
class Adam(PrimitiveWithInfer):
    r"""Adam update in place (TensorFlow's ApplyAdam):

    :math:`m = m + (g - m)(1 - \beta_1)`, :math:`v = v + (g^2 - v)(1 - \beta_2)`,
    :math:`l = lr \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)`, :math:`w = w - l\, m / (\sqrt{v} + \epsilon)`
    (Nesterov: numerator :math:`m \beta_1 + (1 - \beta_1) g`).

    Args:
        use_locking (bool): Accepted with no effect. Default: False.
        use_nesterov (bool): Nesterov variant. Default: False.

    Inputs:
        - **var**, **m**, **v** (Parameter) - Updated in place.
        - **beta1_power**, **beta2_power**, **lr**, **beta1**, **beta2**, **epsilon**
          (Union[float, Tensor]) - Scalars.
        - **gradient** (Tensor) - The gradient.

    Outputs:
        Tensor, ``var`` (updated).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> w = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="w")
        >>> m = msnn.Parameter(msnn.Tensor(np.zeros(2), msnn.float32), name="m")
        >>> v = msnn.Parameter(msnn.Tensor(np.zeros(2), msnn.float32), name="v")
        >>> g = msnn.Tensor(np.array([1.0, -2.0]), msnn.float32)
        >>> out = P.Adam()(w, m, v, 0.9, 0.999, 0.001, 0.9, 0.999, 1e-8, g)
        >>> [round(x, 4) for x in out.tolist()]
        [0.999, 1.001]
    """

    @prim_attr_register
    def __init__(self, use_locking=False, use_nesterov=False):
        V.check_bool(use_locking, "use_locking", self.name, exc=ValueError)
        V.check_bool(use_nesterov, "use_nesterov", self.name, exc=ValueError)
        V.check_unsupported(use_locking, "use_locking", self.name, False)

    def __call__(self, var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, gradient):
        name = self.name
        C.tensor_in(name, "var", var, C.NUMBER, TypeError)
        for arg, t in (("m", m), ("v", v), ("gradient", gradient)):
            C.tensor_in(name, arg, t, None)
            C.same_dtype(name, "var", var, arg, t)
            C.same_shape(name, "var", var, arg, t)
        scalars = [_opt_scalar(name, arg, val, C.F16_32) for arg, val in (
            ("beta1_power", beta1_power), ("beta2_power", beta2_power), ("lr", lr), ("beta1", beta1),
            ("beta2", beta2), ("epsilon", epsilon))]
        b1p, b2p, lr, b1, b2, eps = scalars
        with torch.no_grad():
            lr_t = lr * torch.sqrt(torch.as_tensor(1.0 - b2p, dtype=torch.float32)) / (1.0 - b1p)
            m.add_((gradient - m) * (1.0 - b1))
            v.add_((gradient * gradient - v) * (1.0 - b2))
            num = m * b1 + gradient * (1.0 - b1) if self.use_nesterov else m
            var.sub_((lr_t * num / (torch.sqrt(v) + eps)).to(dtype_of(var)))
        return var


@ms_api(_P + "SparseApplyAdagrad", torch="index_add_ (in place)",
        unsupported={"use_locking": "torch's in-place updates run in program order; there is no lock to take"},
        deviations=("Repeated indices accumulate all their squared gradients into accum before the "
                    "update (0.1 did not define the order).",))
class SparseApplyAdagrad(PrimitiveWithInfer):
    """Adagrad on the rows ``indices`` of ``var`` and ``accum`` (in place):
    ``accum += grad * grad``; ``var -= lr * grad / sqrt(accum)``.

    Args:
        lr (float): The learning rate.
        use_locking (bool): Accepted with no effect. Default: False.

    Inputs:
        - **var**, **accum** (Parameter) - float32, updated in place.
        - **grad** (Tensor) - float32, ``var``'s shape except the first dimension (len(indices)).
        - **indices** (Tensor) - int32 1-D row indices.

    Outputs:
        Tensor, ``var`` (updated).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> var = msnn.Parameter(msnn.Tensor(np.ones([3, 1]), msnn.float32), name="var")
        >>> acc = msnn.Parameter(msnn.Tensor(np.zeros([3, 1]), msnn.float32), name="acc")
        >>> g = msnn.Tensor(np.array([[2.0]]), msnn.float32)
        >>> P.SparseApplyAdagrad(lr=0.5)(var, acc, g, msnn.Tensor(np.array([1]), msnn.int32)).tolist()
        [[1.0], [0.5], [1.0]]
    """

    @prim_attr_register
    def __init__(self, lr, use_locking=False):
        V.check_type(lr, "lr", self.name, float, exc=ValueError)
        V.check_bool(use_locking, "use_locking", self.name, exc=ValueError)
        V.check_unsupported(use_locking, "use_locking", self.name, False)

    def __call__(self, var, accum, grad, indices):
        name = self.name
        f32 = (torch.float32,)
        C.tensor_in(name, "var", var, f32, TypeError)
        C.tensor_in(name, "accum", accum, f32, TypeError)
        C.tensor_in(name, "grad", grad, f32, TypeError)
        C.tensor_in(name, "indices", indices, (torch.int32,))
        C.same_shape(name, "var", var, "accum", accum)
        if grad.dim() != var.dim() or grad.shape[1:] != var.shape[1:]:
            V.fail(name, "grad", f"of shape (len(indices),) + var.shape[1:] = {tuple(var.shape[1:])}", _shape_text(grad))
        if indices.dim() != 1 or indices.shape[0] != grad.shape[0]:
            V.fail(name, "indices", f"a 1-D Tensor of length grad.shape[0] = {grad.shape[0]}", _shape_text(indices))
        idx = indices.long()
        with torch.no_grad():
            accum.index_add_(0, idx, grad * grad)
            var.index_add_(0, idx, -self.lr * grad * torch.rsqrt(accum.index_select(0, idx)))
        return var


@ms_api(_P + "LARSUpdate", torch="the LARS gradient of msnn.LARS (torch ops)")
class LARSUpdate(PrimitiveWithInfer):
    """The LARS gradient: ``coeff = hyperpara * ||w|| / (||g|| + weight_decay * ||w|| + epsilon)``
    (``||w||``, ``||g||`` the square roots of ``norm_weight``, ``norm_gradient``); with
    ``use_clip`` ``coeff = clamp(coeff / learning_rate, 0, 1)``; returns
    ``coeff * (gradient + weight_decay * weight)``.

    Args:
        epsilon (float): Default: 1e-05.
        hyperpara (float): The trust coefficient. Default: 0.001.
        use_clip (bool): Default: False.

    Inputs:
        - **weight**, **gradient** (Tensor) - Same shape and dtype.
        - **norm_weight**, **norm_gradient** (Tensor) - The square sums of weight and gradient.
        - **weight_decay**, **learning_rate** (Union[Number, Tensor]) - Scalars.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> w = msnn.Tensor(np.array([3.0, 4.0]), msnn.float32)
        >>> g = msnn.Tensor(np.array([0.6, 0.8]), msnn.float32)
        >>> nw, ng = (w * w).sum(), (g * g).sum()
        >>> [round(v, 4) for v in P.LARSUpdate(hyperpara=0.1)(w, g, nw, ng, 0.0, 0.1).tolist()]
        [0.3, 0.4]
    """

    @prim_attr_register
    def __init__(self, epsilon=1e-05, hyperpara=0.001, use_clip=False):
        V.check_type(epsilon, "epsilon", self.name, float, exc=ValueError)
        V.check_type(hyperpara, "hyperpara", self.name, float, exc=ValueError)
        V.check_type(use_clip, "use_clip", self.name, bool, exc=ValueError)

    def __call__(self, weight, gradient, norm_weight, norm_gradient, weight_decay, learning_rate):
        from ...optim._functional import _lars_coeff  # pylint: disable=import-outside-toplevel
        name = self.name
        allowed = (torch.float16, torch.float32, torch.int16, torch.int32, torch.bfloat16)
        C.tensor_in(name, "weight", weight, allowed, TypeError)
        for arg, t in (("gradient", gradient), ("norm_weight", norm_weight), ("norm_gradient", norm_gradient)):
            C.tensor_in(name, arg, t, None)
            C.same_dtype(name, "weight", weight, arg, t)
        C.same_shape(name, "weight", weight, "gradient", gradient)
        C.same_shape(name, "norm_weight", norm_weight, "norm_gradient", norm_gradient)
        wd = _opt_scalar(name, "weight_decay", weight_decay, _OPT_FLOATS)
        lr = _opt_scalar(name, "learning_rate", learning_rate, _OPT_FLOATS)
        for arg, t in (("weight_decay", wd), ("learning_rate", lr)):
            if isinstance(t, Tensor) and (t.dim() > 1 or t.numel() != 1):
                V.fail(name, arg, "a scalar or a Tensor of shape () or (1,)", _shape_text(t))
        coeff = _lars_coeff(torch.sqrt(norm_weight), torch.sqrt(norm_gradient), weight_decay=wd, lr=lr,
                            epsilon=self.epsilon, hyperpara=self.hyperpara, use_clip=self.use_clip)
        g = gradient + weight * wd if (isinstance(wd, Tensor) or wd != 0) else gradient
        return g * coeff


# ----------------------------------------------------------------------------------------------
# Dropout
# ----------------------------------------------------------------------------------------------
_BIT_WEIGHTS = {}


def _bit_weights(device):
    w = _BIT_WEIGHTS.get(device)
    if w is None:
        w = _BIT_WEIGHTS[device] = torch.tensor([1, 2, 4, 8, 16, 32, 64, 128], dtype=torch.uint8, device=device)
    return w


def _keep_prob_value(name, keep_prob):
    if isinstance(keep_prob, Tensor):
        if keep_prob.dim() != 0:
            V.fail(name, "keep_prob", "a scalar Tensor", _shape_text(keep_prob))
        return keep_prob
    return V.check_number(keep_prob, "keep_prob", name, lower=0, upper=1, exc=ValueError)


@ms_api(_P + "DropoutGenMask", torch="torch.Tensor.bernoulli_ (bits packed into uint8)",
        deviations=("The mask packs one bit per element, element i in bit i % 8 of byte i // 8, "
                    "padded to a multiple of 128 elements; only DropoutDoMask reads it.",
                    "(Seed0, Seed1) != (0, 0) seeds a private torch.Generator, as nn.Dropout does."))
class DropoutGenMask(Primitive):
    """Generates a dropout mask for ``shape`` keeping each element with probability ``keep_prob``.

    Args:
        Seed0 (int): Seed0 value for random generating. Default: 0.
        Seed1 (int): Seed1 value for random generating. Default: 0.

    Inputs:
        - **shape** (tuple[int]) - The shape of the masked tensor.
        - **keep_prob** (Tensor) - The keep rate, a scalar in [0, 1].

    Outputs:
        A 1-D uint8 Tensor (8 mask bits per byte).

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> mask = P.DropoutGenMask()((20, 16, 50), msnn.Tensor(0.5, msnn.float32))
        >>> tuple(mask.shape), mask.dtype == msnn.uint8
        ((2000,), True)
    """

    @prim_attr_register
    def __init__(self, Seed0=0, Seed1=0):  # pylint: disable=invalid-name
        self.init_prim_io_names(inputs=['shape', 'keep_prob'], outputs=['output'])
        V.check_type(Seed0, "Seed0", self.name, int, exc=ValueError)
        V.check_type(Seed1, "Seed1", self.name, int, exc=ValueError)
        self._seed = T.dropout_seeds_to_torch(Seed0, Seed1)
        self._generators = {}

    def __call__(self, shape, keep_prob):
        from ... import context  # pylint: disable=import-outside-toplevel
        name = self.name
        V.check_type(shape, "shape", name, tuple, exc=ValueError)
        for i, d in enumerate(shape):
            _int_ge(d, f"shape[{i}]", name, 0)
        keep = _keep_prob_value(name, keep_prob)
        device = keep.device if isinstance(keep, Tensor) else context.device()
        n = math.prod(shape)
        padded = -(-n // 128) * 128
        gen = None
        if self._seed is not None:
            gen = self._generators.get(device)
            if gen is None:
                gen = self._generators[device] = torch.Generator(device=device)
                gen.manual_seed(self._seed)
        bits = torch.rand(padded, device=device, generator=gen) < keep
        return (bits.view(-1, 8).to(torch.uint8) * _bit_weights(device)).sum(1, dtype=torch.uint8)


@ms_api(_P + "DropoutDoMask", torch="x * mask / keep_prob")
class DropoutDoMask(PrimitiveWithInfer):
    """Applies a :class:`DropoutGenMask` mask: ``x * mask / keep_prob``.

    Inputs:
        - **input_x** (Tensor) - The input tensor.
        - **mask** (Tensor) - The uint8 mask from :class:`DropoutGenMask` for ``input_x``'s shape.
        - **keep_prob** (Tensor) - The keep rate given to :class:`DropoutGenMask`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.ones([20, 16, 50]), msnn.float32)
        >>> keep_prob = msnn.Tensor(0.5, msnn.float32)
        >>> mask = P.DropoutGenMask()((20, 16, 50), keep_prob)
        >>> out = P.DropoutDoMask()(x, mask, keep_prob)
        >>> tuple(out.shape), sorted(set(out.reshape(-1).tolist()))
        ((20, 16, 50), [0.0, 2.0])
    """

    _dtypes = (torch.float32, torch.float16, torch.int32, torch.bfloat16)

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, input_x, mask, keep_prob):
        name = self.name
        C.tensor_in(name, "input_x", input_x, self._dtypes)
        C.tensor_in(name, "mask", mask, (torch.uint8,))
        n = input_x.numel()
        if mask.dim() != 1 or mask.shape[0] * 8 < n:
            V.fail(name, "mask", f"a 1-D uint8 Tensor of at least ceil({n} / 8) bytes", _shape_text(mask))
        keep = _keep_prob_value(name, keep_prob)
        bits = torch.bitwise_and(mask.unsqueeze(1), _bit_weights(mask.device)).ne(0).reshape(-1)[:n]
        scale = bits.view(input_x.shape).to(dtype_of(input_x)) / keep
        return input_x * scale


# ----------------------------------------------------------------------------------------------
# Other
# ----------------------------------------------------------------------------------------------
def _resize_index(out_len, in_len, align_corners, device):
    if align_corners and out_len > 1:
        src = torch.arange(out_len, device=device, dtype=torch.float32) * ((in_len - 1) / (out_len - 1))
    else:
        src = torch.arange(out_len, device=device, dtype=torch.float32) * (in_len / out_len)
    lo = src.floor().clamp_max(in_len - 1)
    frac = src - lo
    lo = lo.long()
    hi = (lo + 1).clamp_max(in_len - 1)
    return lo, hi, frac


@ms_api(_P + "ResizeBilinear", torch="bilinear gather in torch (TensorFlow's legacy pixel mapping)",
        deviations=("With align_corners=False the source pixel is dst * in / out (TensorFlow 1's "
                    "ResizeBilinear, 0.1's kernel), not torch's half-pixel mapping.",))
class ResizeBilinear(PrimitiveWithInfer):
    """Resizes the last two dimensions to ``size`` by bilinear interpolation (float32 output).

    Args:
        size (tuple[int]): ``(new_height, new_width)``.
        align_corners (bool): Map the corner pixels onto each other. Default: False.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor([[[[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]]], msnn.int32)
        >>> out = P.ResizeBilinear((5, 5))(x)
        >>> tuple(out.shape), out[0, 0, 0].tolist()
        ((1, 1, 5, 5), [1.0, 2.0, 3.0, 4.0, 5.0])
    """

    @prim_attr_register
    def __init__(self, size, align_corners=False):
        V.check_type(size, "size", self.name, (tuple, list), exc=ValueError)
        if len(size) != 2:
            V.fail(self.name, "size", "a tuple of 2 ints", size)
        for i, s in enumerate(size):
            _int_ge(s, f"size[{i}]", self.name, 1)
        V.check_bool(align_corners, "align_corners", self.name, exc=ValueError)

    def __call__(self, input):  # pylint: disable=redefined-builtin
        name = self.name
        if not isinstance(input, Tensor):
            C.not_tensor(name, "input", input)
        if input.dim() != 4:
            V.fail(name, "input", "a 4-D (N, C, H, W) Tensor", _shape_text(input))
        x = input if dtype_of(input) is torch.float32 else input.to(torch.float32)
        (oh, ow), (ih, iw) = self.size, x.shape[2:]
        y0, y1, fy = _resize_index(oh, ih, self.align_corners, x.device)
        x0, x1, fx = _resize_index(ow, iw, self.align_corners, x.device)
        top = x[:, :, y0]
        bottom = x[:, :, y1]
        fy = fy.view(-1, 1)
        rows = top + (bottom - top) * fy
        left, right = rows[..., x0], rows[..., x1]
        return left + (right - left) * fx


_ONEHOT_INDEX = C.INT


@ms_api(_P + "OneHot", torch="indices.unsqueeze(axis) == arange(depth), torch.where(on, off)",
        deviations=("Any integer index dtype is accepted (0.1: int32); an index outside [0, depth) "
                    "gives an all-off row.", _BF16))
class OneHot(PrimitiveWithInfer):
    """One-hot encoding: ``on_value`` where ``indices == i`` along a new axis ``axis``, else
    ``off_value``.

    Args:
        axis (int): Where the new axis of length ``depth`` goes, in [-1, rank]. Default: -1.

    Inputs:
        - **indices** (Tensor) - int32 indices.
        - **depth** (int) - The number of classes.
        - **on_value**, **off_value** (Tensor) - float16/float32 scalars.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> indices = msnn.Tensor(np.array([0, 1, 2]), msnn.int32)
        >>> on, off = msnn.Tensor(1.0, msnn.float32), msnn.Tensor(0.0, msnn.float32)
        >>> P.OneHot()(indices, 3, on, off).tolist()
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """

    @prim_attr_register
    def __init__(self, axis=-1):
        self.init_prim_io_names(inputs=['indices', 'depth', 'on_value', 'off_value'], outputs=['output'])
        V.check_type(axis, "axis", self.name, int, exc=ValueError)
        self._ranges = {}
        self._last = {}  # depth -> the classes tensor last used, for axis -1 (the happy path)

    def __call__(self, indices, depth, on_value, off_value):
        # happy path (axis -1, a depth seen before, int indices, float16/32 on/off values of one
        # dtype): one comparison and one where; torch raises on a device mismatch, which takes the
        # checked path
        try:
            classes = self._last.get(depth)
            if (classes is not None and indices.dtype in _ONEHOT_INDEX and on_value.dtype in C.F16_32
                    and off_value.dtype is on_value.dtype and type(depth) is int):
                return torch.where(torch.eq(indices.unsqueeze(-1), classes), on_value, off_value)
        except Exception:  # pylint: disable=broad-except
            pass
        return self._checked(indices, depth, on_value, off_value)

    def _checked(self, indices, depth, on_value, off_value):
        name = self.name
        if not isinstance(indices, Tensor):
            C.not_tensor(name, "indices", indices)
        if not V.is_int_tensor(indices):
            C.bad_dtype(name, "indices", indices, (torch.int32,))
        if isinstance(depth, bool) or not isinstance(depth, int):
            V.fail(name, "depth", "an int", depth)
        if depth < 0:
            V.fail(name, "depth", "an int >= 0", depth)
        C.tensor_in(name, "on_value", on_value, C.F16_32, TypeError)
        C.tensor_in(name, "off_value", off_value, None)
        if dtype_of(off_value) is not dtype_of(on_value):
            C.same_dtype(name, "on_value", on_value, "off_value", off_value)
        rank = indices.dim()
        axis = self.axis
        if not -1 <= axis <= rank:
            V.fail(name, "axis", f"in range [-1, {rank}]", axis)
        key = (depth, indices.device)
        classes = self._ranges.get(key)
        if classes is None:
            classes = self._ranges[key] = torch.arange(depth, device=indices.device)
        if axis == -1 or axis == rank:
            if axis == -1 and indices.dtype in _ONEHOT_INDEX:
                self._last[depth] = classes
            hot = indices.unsqueeze(-1) == classes
        else:
            hot = indices.unsqueeze(axis) == classes.view((-1,) + (1,) * (rank - axis))
        return torch.where(hot, on_value, off_value)


@ms_api(_P + "GetNext", torch="msnn.train.dataset_helper.pull (a named Python iterator)",
        deviations=("Pulls from the channel connected with msnn.train.dataset_helper.connect_dataset under "
                    "shared_name (msnn has no device queue).",))
class GetNext(PrimitiveWithInfer):
    """Returns the next element of the dataset queue ``shared_name`` as a tuple of Tensors.

    Args:
        types (list[:class:`msnn.dtype`]): The dtypes of the outputs.
        shapes (list[tuple[int]]): The shapes of the outputs.
        output_num (int): The number of outputs.
        shared_name (str): The queue name.

    Examples:
        >>> import torch
        >>> import msnn
        >>> from msnn.train.dataset_helper import connect_dataset
        >>> from msnn.ops import operations as P
        >>> connect_dataset("getnext_doc", [(torch.ones(2, 3), torch.zeros(2))])
        >>> feature, label = P.GetNext([msnn.float32, msnn.int32], [[2, 3], [2]], 2, "getnext_doc")()
        >>> tuple(feature.shape), label.dtype == msnn.int32
        ((2, 3), True)
    """

    @prim_attr_register
    def __init__(self, types, shapes, output_num, shared_name):
        name = self.name
        V.check_type(types, "types", name, (list, tuple), exc=ValueError)
        V.check_type(shapes, "shapes", name, (list, tuple), exc=ValueError)
        if len(types) != len(shapes):
            V.fail(name, "shapes", f"of the length of types ({len(types)})", shapes)
        V.check_type(output_num, "output_num", name, int, exc=ValueError)

    def infer_shape(self):
        return tuple(self.shapes)

    def infer_dtype(self):
        return tuple(self.types)

    def __call__(self):
        from ...train.dataset_helper import pull  # pylint: disable=import-outside-toplevel
        return tuple(pull(self.shared_name, self.types, self.shapes))


@ms_api(_P + "PReLU", torch="torch.nn.functional.prelu", deviations=(_BF16,))
class PReLU(PrimitiveWithInfer):
    r"""Parametric ReLU: :math:`\max(0, x) + \min(0, w x)`, ``weight`` per channel (axis 1) or
    one value.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[-2.0, 3.0], [4.0, -1.0]]), msnn.float32)
        >>> P.PReLU()(x, msnn.Tensor(np.array([0.5, 0.25]), msnn.float32)).tolist()
        [[-1.0, 3.0], [4.0, -0.25]]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, input_x, weight):
        name = self.name
        C.tensor_in(name, "input_x", input_x, C.F16_32)
        C.tensor_in(name, "weight", weight, C.F16_32)
        if weight.dim() != 1:
            V.fail(name, "weight", "a 1-D Tensor", _shape_text(weight))
        channels = 1 if input_x.dim() == 1 else input_x.shape[1]
        if weight.shape[0] not in (1, channels):
            V.fail(name, "weight", f"of length 1 or the channel count {channels}", _shape_text(weight))
        return F.prelu(input_x, weight)


@ms_api(_P + "LSTM", torch="torch._VF.lstm (the code of nn.LSTM)",
        deviations=("dropout > 0 drops between layers on every call (0.1's kernel had no training "
                    "flag); reserve and state outputs are empty (1, 1) tensors.", _BF16))
class LSTM(PrimitiveWithInfer):
    """Multi-layer LSTM with MindSpore's flat weight (cuDNN layout), sequence-major input.

    Args:
        input_size (int): Input features.
        hidden_size (int): Hidden features.
        num_layers (int): Stacked layers.
        has_bias (bool): Use biases.
        bidirectional (bool): Bidirectional.
        dropout (float): Dropout between layers, in [0, 1].

    Inputs:
        - **x** (Tensor) - :math:`(seq, batch, input\\_size)`.
        - **h**, **c** (Tensor) - :math:`(num\\_layers * directions, batch, hidden\\_size)`.
        - **w** (Tensor) - The flat weight (all matrices, then all biases).

    Outputs:
        Tuple of 5 Tensors: ``y`` :math:`(seq, batch, directions * hidden)`, ``h_n``, ``c_n``,
        ``reserve`` and ``state``.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> lstm = P.LSTM(3, 2, 1, True, False, 0.0)
        >>> x = msnn.Tensor(np.ones([5, 4, 3]), msnn.float32)
        >>> h = msnn.Tensor(np.zeros([1, 4, 2]), msnn.float32)
        >>> w = msnn.Tensor(np.full([56, 1, 1], 0.1), msnn.float32)
        >>> y, hn, cn, _, _ = lstm(x, h, h, w)
        >>> tuple(y.shape), tuple(hn.shape)
        ((5, 4, 2), (1, 4, 2))
    """

    @prim_attr_register
    def __init__(self, input_size, hidden_size, num_layers, has_bias, bidirectional, dropout):
        name = self.name
        V.check_positive_int(input_size, "input_size", name)
        V.check_positive_int(hidden_size, "hidden_size", name)
        V.check_positive_int(num_layers, "num_layers", name)
        V.check_bool(has_bias, "has_bias", name)
        V.check_bool(bidirectional, "bidirectional", name)
        V.check_type(dropout, "dropout", name, float, exc=ValueError)
        V.check_number(dropout, "dropout", name, lower=0, upper=1, exc=ValueError)
        self.num_directions = 2 if bidirectional else 1
        self._layout = T.lstm_flat_layout(input_size, hidden_size, num_layers, has_bias, bidirectional)

    def __call__(self, x, h, c, w):
        name = self.name
        for arg, t in (("x", x), ("h", h), ("c", c)):
            C.ndim_is(name, arg, t, 3)
        C.same_shape(name, "h", h, "c", c)
        expected = (self.num_layers * self.num_directions, x.shape[1], self.hidden_size)
        if tuple(h.shape) != expected:
            V.fail(name, "h", f"of shape (num_layers * directions, batch, hidden_size) = {expected}", _shape_text(h))
        if x.shape[2] != self.input_size:
            V.fail(name, "x", f"a Tensor with input_size = {self.input_size} features", _shape_text(x))
        for arg, t in (("x", x), ("h", h), ("c", c), ("w", w)):
            C.tensor_in(name, arg, t, C.F16_32)
        for arg, t in (("h", h), ("c", c), ("w", w)):
            C.same_dtype(name, "x", x, arg, t)
        sizes, shapes, order = self._layout
        if w.numel() != sum(sizes):
            V.fail(name, "w", f"a flat weight of {sum(sizes)} elements", _shape_text(w))
        y, hn, cn = _lstm(x, (h, c), w, sizes, shapes, order, self.has_bias, self.num_layers, self.dropout,
                          self.dropout > 0, self.bidirectional, False)
        empty = x.new_zeros((1, 1))
        return graph_outputs((y, hn, cn, empty, empty))


@ms_api(_P + "Pad", torch="torch.nn.functional.pad (constant 0)")
class Pad(PrimitiveWithInfer):
    """Zero-pads ``input_x``: ``paddings[D] = (before, after)`` for each dimension D.

    Args:
        paddings (tuple): :math:`(N, 2)` ints >= 0, N the input's rank.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]]), msnn.float32)
        >>> out = P.Pad(((1, 2), (2, 1)))(x)
        >>> tuple(out.shape), [round(v, 2) for v in out[1].tolist()]
        ((5, 6), [0.0, 0.0, -0.1, 0.3, 3.6, 0.0])
    """

    @prim_attr_register
    def __init__(self, paddings):
        self.init_prim_io_names(inputs=['x'], outputs=['y'])
        name = self.name
        if not isinstance(paddings, tuple):
            V.fail(name, "paddings", "a tuple", paddings, TypeError)
        for item in paddings:
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                V.fail(name, "paddings", "of shape (n, 2)", paddings)
            for p in item:
                V.check_int(p, "paddings", name, exc=ValueError)
        self._torch_pad = tuple(p for item in reversed(paddings) for p in item)
        self._negative = any(p < 0 for item in paddings for p in item)

    def infer_shape(self, x):
        return tuple(d + a + b for d, (a, b) in zip(x, self.paddings))

    def infer_dtype(self, x):
        return x

    def __call__(self, input_x):
        name = self.name
        if not isinstance(input_x, Tensor):
            C.not_tensor(name, "input_x", input_x)
        if len(self.paddings) != input_x.dim():
            V.fail(name, "paddings", f"of shape ({input_x.dim()}, 2) for an input of shape {tuple(input_x.shape)}",
                   self.paddings)
        if self._negative:
            V.fail(name, "paddings", "all >= 0", self.paddings)
        return F.pad(input_x, self._torch_pad)


def _roi_bilinear(feat, y, x):
    """Bilinear samples of ``feat`` (C, H, W) at points ``y``, ``x`` (same shape S), Caffe2's
    border rule (outside [-1, size] gives 0). Returns (C, *S)."""
    h, w = feat.shape[1], feat.shape[2]
    outside = (y < -1.0) | (y > h) | (x < -1.0) | (x > w)
    y = y.clamp_min(0)
    x = x.clamp_min(0)
    y0 = y.floor().long().clamp_max(h - 1)
    x0 = x.floor().long().clamp_max(w - 1)
    y1 = (y0 + 1).clamp_max(h - 1)
    x1 = (x0 + 1).clamp_max(w - 1)
    y = torch.where(y0 >= h - 1, y0.to(y.dtype), y)
    x = torch.where(x0 >= w - 1, x0.to(x.dtype), x)
    ly, lx = y - y0, x - x0
    hy, hx = 1 - ly, 1 - lx
    v = (feat[:, y0, x0] * (hy * hx) + feat[:, y0, x1] * (hy * lx)
         + feat[:, y1, x0] * (ly * hx) + feat[:, y1, x1] * (ly * lx))
    return torch.where(outside, torch.zeros((), dtype=v.dtype, device=v.device), v)


@ms_api(_P + "ROIAlign", torch="bilinear sampling in torch (Caffe2/Detectron ROIAlign)",
        deviations=("Loops over the RoIs in Python (one host read per RoI for the adaptive "
                    "sampling grid); meant for detection heads of modest RoI counts.",))
class ROIAlign(PrimitiveWithInfer):
    """Region of Interest Align: average of bilinear samples in each output bin.

    A RoI ``(image_index, x1, y1, x2, y2)`` covers ``[x1 * s, (x2 + 1) * s]`` and
    ``[y1 * s, (y2 + 1) * s]`` of the feature map (``s`` = ``spatial_scale``); each of the
    ``pooled_height x pooled_width`` bins averages ``sample_num`` x ``sample_num`` bilinear samples
    (``sample_num <= 0``: ``floor(bin size)`` per side, NaN for a bin smaller than 1, as
    MindSpore's kernel).

    Args:
        pooled_height (int): The output height.
        pooled_width (int): The output width.
        spatial_scale (float): Image coordinates to feature-map coordinates.
        sample_num (int): Samples per bin side. Default: 2.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[[[1., 2.], [3., 4.]]]]), msnn.float32)
        >>> rois = msnn.Tensor(np.array([[0, 0.2, 0.3, 0.2, 0.3]]), msnn.float32)
        >>> [round(v, 4) for v in P.ROIAlign(1, 1, 0.5, 2)(x, rois).reshape(-1).tolist()]
        [2.15]
    """

    @prim_attr_register
    def __init__(self, pooled_height, pooled_width, spatial_scale, sample_num=2):
        name = self.name
        V.check_type(pooled_height, "pooled_height", name, int, exc=ValueError)
        V.check_type(pooled_width, "pooled_width", name, int, exc=ValueError)
        V.check_type(spatial_scale, "spatial_scale", name, float, exc=ValueError)
        V.check_type(sample_num, "sample_num", name, int, exc=ValueError)

    def __call__(self, features, rois):
        name = self.name
        C.ndim_is(name, "features", features, 4, "a 4-D (N, C, H, W) Tensor")
        C.ndim_is(name, "rois", rois, 2, "a 2-D (rois_n, 5) Tensor")
        if rois.shape[1] != 5:
            V.fail(name, "rois", "a Tensor of shape (rois_n, 5)", _shape_text(rois))
        C.tensor_in(name, "features", features, C.F16_32)
        ph, pw, scale = self.pooled_height, self.pooled_width, self.spatial_scale
        boxes = rois.detach().double().cpu().tolist()
        outs = []
        dev, dt = features.device, dtype_of(features)
        for idx, x1, y1, x2, y2 in boxes:
            sx, sy = x1 * scale, y1 * scale
            rw, rh = (x2 + 1) * scale - sx, (y2 + 1) * scale - sy
            bh, bw = rh / ph, rw / pw
            gh = self.sample_num if self.sample_num > 0 else int(bh + 1e-6)
            gw = self.sample_num if self.sample_num > 0 else int(bw + 1e-6)
            if gh <= 0 or gw <= 0:  # an empty sampling grid: 0 / 0, as MindSpore's kernel gives
                outs.append(features.new_full((features.shape[1], ph, pw), float("nan")))
                continue
            iy = (torch.arange(ph, device=dev, dtype=torch.float64).view(-1, 1) * bh
                  + (torch.arange(gh, device=dev, dtype=torch.float64) + 0.5) * (bh / gh) + sy).reshape(-1)
            ix = (torch.arange(pw, device=dev, dtype=torch.float64).view(-1, 1) * bw
                  + (torch.arange(gw, device=dev, dtype=torch.float64) + 0.5) * (bw / gw) + sx).reshape(-1)
            yy = iy.view(-1, 1).expand(ph * gh, pw * gw).to(dt)
            xx = ix.view(1, -1).expand(ph * gh, pw * gw).to(dt)
            v = _roi_bilinear(features[int(idx)], yy, xx)
            outs.append(v.view(-1, ph, gh, pw, gw).mean((2, 4)))
        if not outs:
            return features.new_zeros((0, features.shape[1], ph, pw))
        return torch.stack(outs)
