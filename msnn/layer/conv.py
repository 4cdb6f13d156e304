"""mindspore.nn.layer.conv: Conv2d, Conv2dTranspose."""
import logging

import torch
import torch.nn.functional as F

from .._api import ms_api
from .. import _translate as T
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from ..common.initializer import make_tensor
from ..common.parameter import Parameter

__all__ = ["Conv2d", "Conv2dTranspose"]

_logger = logging.getLogger("msnn")
_PAD_MODES = ("valid", "same", "pad")


def conv2d(x, weight, bias, kernel, stride2, dilation2, group, same, padding):
    """MindSpore 0.1's 2-D convolution (shared by ``nn.Conv2d`` and ``P.Conv2D``): 'same' pads
    TF-style (the extra row/column at the bottom/right, any stride), else ``padding`` on every side."""
    if same:
        pad, extra = T.same_padding_2d(x.shape[2], x.shape[3], kernel, stride2, dilation2)
        if extra is not None:
            x = F.pad(x, extra)
        return F.conv2d(x, weight, bias, stride2, pad, dilation2, group)
    return F.conv2d(x, weight, bias, stride2, padding, dilation2, group)


class _Conv(Cell):
    """Shared validation and parameters of Conv2d / Conv2dTranspose, in MindSpore 0.1's order.

    ``transpose``: 0.1 built Conv2dTranspose's base with the channel counts swapped, so they are
    checked out-first and the weight is ``(in, out // group, kh, kw)``.
    """

    def _init_conv(self, in_channels, out_channels, kernel_size, stride, pad_mode, padding, dilation, group,
                   has_bias, weight_init, bias_init, transpose):
        name = type(self).__name__
        kernel = V.check_int_pair(kernel_size, "kernel_size", name, positive=False)
        channels = (("in_channels", in_channels), ("out_channels", out_channels))
        if transpose:  # 0.1 built the base with the channel counts swapped
            channels = channels[::-1]
        for arg, value in channels:
            V.check_positive_int(value, arg, name)
        V.check_positive_int(stride, "stride", name)
        V.check_non_negative_int(padding, "padding", name)
        V.check_int(dilation, "dilation", name)
        V.check_positive_int(group, "group", name)
        if min(kernel) < 1:
            V.fail(name, "kernel_size", "an int or a tuple of 2 ints >= 1", kernel_size)
        for arg, value in channels:
            if value % group:
                V.fail(name, arg, f"divisible by 'group' ({group})", value)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel
        self.stride = stride
        self.pad_mode = pad_mode
        self.padding = padding
        self.dilation = dilation
        self.group = group
        self.has_bias = has_bias
        w_out, w_in = channels[1][1], channels[0][1]
        self.weight = Parameter(make_tensor(weight_init, [w_out, w_in // group, *kernel], mstype.float32, name,
                                            "weight_init", "in_channels/out_channels/kernel_size"), name="weight")
        if V.check_bool(has_bias, "has_bias", name):
            if transpose and not isinstance(bias_init, torch.Tensor):
                # 0.1's throw-away base bias: keeps numpy's RNG stream
                make_tensor(bias_init, [in_channels], mstype.float32, name, "bias_init", "in_channels")
            self.bias = Parameter(make_tensor(bias_init, [out_channels], mstype.float32, name, "bias_init",
                                              "out_channels"), name="bias")
        else:
            if not (isinstance(bias_init, str) and bias_init == "zeros"):
                _logger.warning("Value of 'has_bias' is False, value of 'bias_init' will be ignored.")
            self.bias = None

    def _check_primitive(self):
        """The checks of 0.1's Conv2D / Conv2DBackpropInput primitives (all ValueError)."""
        name = type(self).__name__
        V.check_in(self.pad_mode, "pad_mode", name, _PAD_MODES)
        if self.pad_mode != "pad" and self.padding != 0:
            V.fail(name, "padding", f"0 when pad_mode is {self.pad_mode!r}", self.padding)
        V.check_int(self.dilation, "dilation", name, lower=1)

    def _check_input(self, x):
        """A 4-D NCHW Tensor of the weight's dtype with in_channels channels (0.1's inference checks)."""
        V.check_ndim(x, "input", type(self).__name__, 4, what="a 4-D (N, C, H, W) Tensor")
        if x.dtype is not self.weight.dtype:
            V.check_input(x, "input", type(self).__name__, self.weight.dtype)
        if x.shape[1] != self.in_channels:
            V.fail(type(self).__name__, "input", f"a Tensor of in_channels={self.in_channels} channels (dim 1)",
                   V._Raw(f"shape {tuple(x.shape)}"))

    def construct(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__} must override this method.")

    def extend_repr(self):
        return ('input_channels={}, output_channels={}, kernel_size={},stride={},  pad_mode={}, padding={}, '
                'dilation={}, group={}, has_bias={},weight_init={}, bias_init={}').format(
                    self.in_channels, self.out_channels, self.kernel_size, self.stride, self.pad_mode,
                    self.padding, self.dilation, self.group, self.has_bias, self.weight, self.bias)


@ms_api("mindspore.nn.Conv2d", torch="torch.nn.functional.conv2d",
        doc_errors=("The example prints (1, 240, 1024, 637); the default pad_mode='same' gives "
                    "(1, 240, 1024, 640) in 0.1's code and in msnn (637 is the 'valid' width).",))
class Conv2d(_Conv):
    r"""2D convolution layer: :math:`out_j = \sum_{i} ccor(W_{ij}, X_i) + b_j` over an NCHW input.

    The weight has shape :math:`(C_{out}, C_{in} // \text{group}, \text{ks_h}, \text{ks_w})`.

    Args:
        in_channels (int): The number of input channel :math:`C_{in}`.
        out_channels (int): The number of output channel :math:`C_{out}`.
        kernel_size (Union[int, tuple]): An int or a tuple of 2 ints: the height and width of the
            2D convolution window.
        stride (int): The stride for all spatial dimensions (a tuple is refused, as in 0.1). Default: 1.
        pad_mode (str): "same", "valid" or "pad". Default: "same".

            - same: output height and width are ``ceil(input / stride)``; the total padding is spread
              over top and bottom (left and right), the extra row (column) going to the bottom
              (right). `padding` must be 0.
            - valid: no padding; output ``floor((H - dilation*(ks_h - 1) - 1) / stride) + 1``.
              `padding` must be 0.
            - pad: `padding` zeros on all four sides.
        padding (int): Implicit paddings on both sides of the input (pad_mode 'pad'). Default: 0.
        dilation (int): The dilation rate (>= 1). Default: 1.
        group (int): Split filter into groups; in_channels and out_channels must be divisible by
            it. Default: 1.
        has_bias (bool): Specifies whether the layer uses a bias vector. Default: False.
        weight_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for the
            kernel. Default: 'normal' (N(0, 0.01) drawn from numpy's global RNG).
        bias_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for the bias
            vector. Default: 'zeros'.

    Raises:
        TypeError: If kernel_size is not an int or a tuple of 2 ints, in_channels, out_channels,
            stride, padding, dilation or group is not an int, or has_bias is not a bool.
        ValueError: If a channel count, stride or group is < 1, padding < 0, kernel_size < 1,
            a channel count is not divisible by group, pad_mode is not one of 'same', 'valid',
            'pad', padding != 0 with pad_mode other than 'pad', or dilation < 1.

    Inputs:
        - **input** (Tensor) - Tensor of shape :math:`(N, C_{in}, H_{in}, W_{in})`.

    Outputs:
        Tensor of shape :math:`(N, C_{out}, H_{out}, W_{out})`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> net = nn.Conv2d(120, 240, 4, has_bias=False, weight_init='normal')
        >>> input = Tensor(np.ones([1, 120, 1024, 640]), mindspore.float32)
        >>> net(input).shape()
        (1, 240, 1024, 640)

    Note:
        The seed's example shows a width of 637; 0.1's code (and msnn) give 640 with the default
        'same' padding. 'same' runs torch's own symmetric ``padding=`` and pads explicitly (one
        extra bottom row / right column) only when MindSpore's pads are asymmetric.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0,
                 dilation=1, group=1, has_bias=False, weight_init='normal', bias_init='zeros'):
        super().__init__()
        self._init_conv(in_channels, out_channels, kernel_size, stride, pad_mode, padding, dilation, group,
                        has_bias, weight_init, bias_init, False)
        self._check_primitive()
        self._same = pad_mode == "same"
        self._stride2 = (stride, stride)
        self._dilation2 = (dilation, dilation)
        self._padding = T.conv_padding(pad_mode, padding)

    def construct(self, x):
        self._check_input(x)
        return conv2d(x, self.weight, self.bias, self.kernel_size, self._stride2, self._dilation2, self.group,
                      self._same, self._padding)

    def extend_repr(self):
        s = super().extend_repr()
        if self.has_bias:
            s += ', bias={}'.format(self.bias)
        return s


@ms_api("mindspore.nn.Conv2dTranspose", torch="torch.nn.functional.conv_transpose2d",
        deviations=("A Tensor bias_init of shape (out_channels,) is accepted when in_channels != "
                    "out_channels; 0.1 first built a throw-away bias of shape (in_channels,) from it "
                    "and raised ValueError (its random draw for a string/Initializer bias_init is "
                    "reproduced, so numpy's RNG stream matches).",))
class Conv2dTranspose(_Conv):
    r"""2D transposed convolution layer (the gradient of a Conv2D with respect to its input).

    The weight has shape :math:`(C_{in}, C_{out} // \text{group}, \text{ks_h}, \text{ks_w})`
    (torch's ConvTranspose2d layout). Output length per spatial dim (L input length, k kernel,
    s stride, p padding, d dilation):

    - valid: :math:`L s + \max(k - s, 0)` (dilation ignored); trailing rows the transposed
      convolution does not reach (k < s) are zeros (plus bias).
    - same: :math:`L s`; the full result is cropped by ``floor(max(0, k - s) / 2)`` at the top/left.
    - pad: :math:`(L - 1) s - 2p + d (k - 1) + 1`.

    Args:
        in_channels (int): The number of channels in the input space.
        out_channels (int): The number of channels in the output space.
        kernel_size (Union[int, tuple]): An int or a tuple of 2 ints: the height and width of the
            2D convolution window.
        stride (int): The same stride for all spatial dimensions. Default: 1.
        pad_mode (str): "pad", "same" or "valid". Default: "same".
        padding (int): Implicit paddings on both sides of the input (pad_mode 'pad'). Default: 0.
        dilation (int): The dilation rate. Default: 1.
        group (int): Split filter into groups; in_channels and out_channels must be divisible by
            it. Default: 1.
        has_bias (bool): Specifies whether the layer uses a bias vector. Default: False.
        weight_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for the
            kernel. Default: 'normal' (N(0, 0.01) drawn from numpy's global RNG).
        bias_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for the bias
            vector. Default: 'zeros'.

    Raises:
        TypeError: As Conv2d.
        ValueError: As Conv2d.

    Inputs:
        - **input** (Tensor) - Tensor of shape :math:`(N, C_{in}, H_{in}, W_{in})`.

    Outputs:
        Tensor of shape :math:`(N, C_{out}, H_{out}, W_{out})`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> net = nn.Conv2dTranspose(3, 64, 4, has_bias=False, weight_init='normal')
        >>> input = Tensor(np.ones([1, 3, 16, 50]), mindspore.float32)
        >>> net(input).shape()
        (1, 64, 16, 50)

    Note:
        msnn accepts a Tensor ``bias_init`` of shape (out_channels,) when in_channels !=
        out_channels, where 0.1 raised ValueError (it first built a throw-away bias of shape
        (in_channels,)).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0,
                 dilation=1, group=1, has_bias=False, weight_init='normal', bias_init='zeros'):
        super().__init__()
        name = type(self).__name__
        self._init_conv(in_channels, out_channels, kernel_size, stride, pad_mode, padding, dilation, group,
                        has_bias, weight_init, bias_init, True)
        V.check_in(pad_mode, "pad_mode", name, _PAD_MODES)
        self._check_primitive()
        self._stride2 = (stride, stride)
        self._dilation2 = (dilation, dilation)

    def construct(self, x):
        self._check_input(x)
        (kh, kw), s, d = self.kernel_size, self.stride, self.dilation
        ph, oph, th = T.conv_transpose_plan(x.shape[2], kh, s, self.pad_mode, self.padding, d)
        pw, opw, tw = T.conv_transpose_plan(x.shape[3], kw, s, self.pad_mode, self.padding, d)
        late_bias = th > 0 or tw > 0
        y = F.conv_transpose2d(x, self.weight, None if late_bias else self.bias, self._stride2, (ph, pw),
                               (oph, opw), self.group, self._dilation2)
        if th < 0 or tw < 0:
            y = y[:, :, :y.shape[2] + min(th, 0), :y.shape[3] + min(tw, 0)]
        if late_bias:
            y = F.pad(y, (0, max(tw, 0), 0, max(th, 0)))
            if self.bias is not None:
                y = y + self.bias.view(-1, 1, 1)
        return y
