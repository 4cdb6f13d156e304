"""mindspore.nn.layer.pooling: MaxPool2d, AvgPool2d."""

import torch.nn.functional as F

from .._api import ms_api
from .. import _translate as T
from .. import _validator as V
from ..cell import Cell

__all__ = ["MaxPool2d", "AvgPool2d"]

_PADDING_IGNORED = {"padding": "validated (an int >= 0, else ValueError) and then ignored, as in "
                               "MindSpore 0.1, whose pooling never used it (pad_mode='same' pads)"}


def max_pool2d(x, kernel, stride, same, return_indices=False):
    """MindSpore 0.1's max pooling (shared by ``nn.MaxPool2d`` and the pooling primitives): 'same'
    pads TF-style with -inf (the extra row/column at the bottom/right); else no padding.

    With ``return_indices`` also returns the flat ``H * W`` index of each maximum in ``x``.
    """
    if same:
        padding, extra = T.same_padding_2d(x.shape[2], x.shape[3], kernel, stride)
        if extra is not None:
            x_pad = F.pad(x, extra, value=float("-inf"))
            if not return_indices:
                return F.max_pool2d(x_pad, kernel, stride, padding)
            out, idx = F.max_pool2d(x_pad, kernel, stride, padding, return_indices=True)
            width = x.shape[3]
            if extra[1]:  # indices count the padded width: map back to the input's
                idx = idx // x_pad.shape[3] * width + idx % x_pad.shape[3]
            return out, idx
        return F.max_pool2d(x, kernel, stride, padding, return_indices=return_indices)
    return F.max_pool2d(x, kernel, stride, return_indices=return_indices)


def avg_pool2d(x, kernel, stride, same):
    """MindSpore 0.1's average pooling (shared by ``nn.AvgPool2d`` and ``P.AvgPool``): 'same'
    divides each window by its number of real (unpadded) elements."""
    if same:
        padding, extra = T.same_padding_2d(x.shape[2], x.shape[3], kernel, stride)
        if extra is None:
            return F.avg_pool2d(x, kernel, stride, padding, count_include_pad=False)
        # asymmetric: window sums over the zero-padded input / number of real elements per window
        full = (padding[1], padding[1] + extra[1], padding[0], padding[0] + extra[3])
        ones = x.new_ones((1, 1, x.shape[2], x.shape[3]))
        return (F.avg_pool2d(F.pad(x, full), kernel, stride)
                / F.avg_pool2d(F.pad(ones, full), kernel, stride))
    return F.avg_pool2d(x, kernel, stride)


class _PoolNd(Cell):
    """Validation of 0.1's pooling primitive (ParamValidator: ValueError for every bad argument)."""

    def __init__(self, kernel_size, stride, pad_mode, padding):
        super().__init__()
        name = type(self).__name__
        V.check_type(pad_mode, "pad_mode", name, str, exc=ValueError)
        V.check_type(kernel_size, "kernel_size", name, (int, tuple), exc=ValueError)
        V.check_type(stride, "stride", name, (int, tuple), exc=ValueError)
        mode = V.check_in(pad_mode.upper(), "pad_mode", name, ("VALID", "SAME"))
        self._kernel = V.check_int_pair(kernel_size, "kernel_size", name, exc=ValueError)
        self._stride = V.check_int_pair(stride, "stride", name, exc=ValueError)
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad_mode = pad_mode
        self.padding = V.check_non_negative_int(padding, "padding", name, exc=ValueError)
        V.check_unsupported(padding, "padding", name, 0)
        self._same = mode == "SAME"

    def _valid_check(self, x):
        """MindSpore's shape inference refuses an empty VALID output (ValueError)."""
        if x.shape[2] < self._kernel[0] or x.shape[3] < self._kernel[1]:
            V.fail(type(self).__name__, "input", f"at least kernel_size={self._kernel} in H and W for pad_mode 'VALID'", tuple(x.shape))

    def extend_repr(self):
        return 'kernel_size={}, stride={}, pad_mode={}'.format(self.kernel_size, self.stride, self.pad_mode)


@ms_api("mindspore.nn.MaxPool2d", torch="torch.nn.functional.max_pool2d",
        unsupported=_PADDING_IGNORED,
        doc_errors=("The doc says stride defaults to None and takes an int; the default is 1 and a "
                    "tuple of 2 ints is accepted. pad_mode is case-insensitive; 'pad' is refused.",))
class MaxPool2d(_PoolNd):
    r"""Max pooling over the :math:`(H_{in}, W_{in})` planes of an NCHW input.

    :math:`\text{output}(N_i, C_j, h, w) = \max_{m, n} \text{input}(N_i, C_j, s_0 h + m, s_1 w + n)`.

    Args:
        kernel_size (Union[int, tuple[int]]): The size of the window: an int, or a tuple of 2 ints
            (height, width). Default: 1.
        stride (Union[int, tuple[int]]): The stride of the window: an int, or a tuple of 2 ints.
            Default: 1.
        pad_mode (str): "same" or "valid", case-insensitive. Default: "VALID".

            - same: output ``ceil(H / stride)``; the total padding is spread over top and bottom
              (left and right), the extra row (column) going to the bottom (right). Padded
              positions never win.
            - valid: no padding; output ``ceil((H - kernel + 1) / stride)``.
        padding (int): Validated (an int >= 0) and ignored, as in MindSpore 0.1. Default: 0.

    Raises:
        ValueError: If kernel_size or stride is not an int / tuple of 2 ints >= 1, pad_mode is not
            a str or not 'same'/'valid', or padding is not an int >= 0.

    Inputs:
        - **input** (Tensor) - Tensor of shape :math:`(N, C_{in}, H_{in}, W_{in})`.

    Outputs:
        Tensor of shape :math:`(N, C_{out}, H_{out}, W_{out})`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> pool = nn.MaxPool2d(kernel_size=3, stride=1)
        >>> x = Tensor(np.array([[[[1, 5, 5, 1], [0, 3, 4, 8], [4, 2, 7, 6], [4, 9, 0, 1]],
        ...                       [[3, 6, 2, 6], [4, 4, 7, 8], [0, 0, 4, 0], [1, 8, 7, 0]]]]), mindspore.float32)
        >>> output = pool(x)
        >>> output.shape()
        (1, 2, 2, 2)
        >>> output
        [[[[7. 8.]
           [9. 9.]]
        <BLANKLINE>
          [[7. 8.]
           [8. 8.]]]]

    Note:
        ``padding`` is validated and then ignored, as in MindSpore 0.1 (its doc says "not
        supported"). 'same' runs torch's own symmetric ``padding=`` and pads with -inf explicitly
        only when MindSpore's pads are asymmetric.
    """

    def __init__(self, kernel_size=1, stride=1, pad_mode='VALID', padding=0):
        super().__init__(kernel_size, stride, pad_mode, padding)

    def construct(self, x):
        V.check_ndim(x, "input", type(self).__name__, 4, what="a 4-D (N, C, H, W) Tensor")
        if not x.is_floating_point():
            V.check_input(x, "input", type(self).__name__, "float")
        if not self._same:
            self._valid_check(x)
        return max_pool2d(x, self._kernel, self._stride, self._same)


@ms_api("mindspore.nn.AvgPool2d", torch="torch.nn.functional.avg_pool2d",
        unsupported=_PADDING_IGNORED,
        deviations=("pad_mode 'same' divides by the number of real (unpadded) elements in the window, "
                    "as 0.1's Ascend kernel and MindSpore 2.x do; 0.1's GPU kernel divided by "
                    "kernel_h * kernel_w."),
        doc_errors=("The doc says stride defaults to None and takes an int; the default is 1 and a "
                    "tuple of 2 ints is accepted. pad_mode is case-insensitive; 'pad' is refused.",
                    "The formula divides by h_ker * w_ker; with pad_mode 'same' the divisor is the "
                    "number of real elements in the window."))
class AvgPool2d(_PoolNd):
    r"""Average pooling over the :math:`(H_{in}, W_{in})` planes of an NCHW input.

    :math:`\text{output}(N_i, C_j, h, w) = \frac{1}{h_{ker} w_{ker}} \sum_{m, n}
    \text{input}(N_i, C_j, s_0 h + m, s_1 w + n)`; with pad_mode 'same' the divisor is the number
    of real (unpadded) elements in the window.

    Args:
        kernel_size (Union[int, tuple[int]]): The size of the window: an int, or a tuple of 2 ints
            (height, width). Default: 1.
        stride (Union[int, tuple[int]]): The stride of the window: an int, or a tuple of 2 ints.
            Default: 1.
        pad_mode (str): "same" or "valid", case-insensitive. Default: "VALID".
        padding (int): Validated (an int >= 0) and ignored, as in MindSpore 0.1. Default: 0.

    Raises:
        ValueError: If kernel_size or stride is not an int / tuple of 2 ints >= 1, pad_mode is not
            a str or not 'same'/'valid', or padding is not an int >= 0.

    Inputs:
        - **input** (Tensor) - Tensor of shape :math:`(N, C_{in}, H_{in}, W_{in})`.

    Outputs:
        Tensor of shape :math:`(N, C_{out}, H_{out}, W_{out})`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> pool = nn.AvgPool2d(kernel_size=3, stride=1)
        >>> x = Tensor(np.array([[[[5, 5, 9, 9], [8, 4, 3, 0], [2, 7, 1, 2], [1, 8, 3, 3]],
        ...                       [[6, 8, 2, 4], [3, 0, 2, 1], [0, 8, 9, 7], [2, 1, 4, 9]]]]), mindspore.float32)
        >>> output = pool(x)
        >>> output.shape()
        (1, 2, 2, 2)
        >>> output
        [[[[4.888889  4.4444447]
           [4.111111  3.4444444]]
        <BLANKLINE>
          [[4.2222223 4.5555553]
           [3.2222223 4.5555553]]]]

    Note:
        ``padding`` is validated and then ignored, as in MindSpore 0.1. 'same' divides by the
        count of real elements (0.1's Ascend kernel; its GPU kernel counted the padding). It runs
        torch's own symmetric ``padding=`` (``count_include_pad=False``) and pads explicitly only
        when MindSpore's pads are asymmetric.
    """

    def __init__(self, kernel_size=1, stride=1, pad_mode='VALID', padding=0):
        super().__init__(kernel_size, stride, pad_mode, padding)

    def construct(self, x):
        V.check_ndim(x, "input", type(self).__name__, 4, what="a 4-D (N, C, H, W) Tensor")
        if not x.is_floating_point():
            V.check_input(x, "input", type(self).__name__, "float")
        if not self._same:
            self._valid_check(x)
        return avg_pool2d(x, self._kernel, self._stride, self._same)
