"""mindspore.nn.layer.lstm: LSTM."""
import warnings

import torch

from .._api import ms_api
from .. import _translate as T
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from ..common.initializer import check_alloc, make_tensor
from ..common.parameter import Parameter

__all__ = ["LSTM"]


@ms_api("mindspore.nn.LSTM", torch="torch._VF.lstm (the fused kernel behind torch.nn.LSTM)",
        deviations=("dropout between layers is applied only in training mode (set_train()); 0.1's "
                    "GPU kernel always ran cuDNN's training path and dropped in inference too.",
                    "On CUDA, torch copies the flat MindSpore-ordered weight into cuDNN's own layout "
                    "on every call (one small copy; the MindSpore layout is kept for checkpoints)."),
        doc_errors=("The doc gives no weight layout: the layer owns ONE zero-initialised Parameter "
                    "'weight' of shape (W, 1, 1) in cuDNN's canonical order.",))
class LSTM(Cell):
    r"""LSTM (Long Short-Term Memory) layer, run by torch's fused LSTM kernel.

    .. math::
        \begin{array}{ll}
        i_t = \sigma(W_{ix} x_t + b_{ix} + W_{ih} h_{(t-1)} + b_{ih}) \\
        f_t = \sigma(W_{fx} x_t + b_{fx} + W_{fh} h_{(t-1)} + b_{fh}) \\
        \tilde{c}_t = \tanh(W_{cx} x_t + b_{cx} + W_{ch} h_{(t-1)} + b_{ch}) \\
        o_t = \sigma(W_{ox} x_t + b_{ox} + W_{oh} h_{(t-1)} + b_{oh}) \\
        c_t = f_t * c_{(t-1)} + i_t * \tilde{c}_t \\
        h_t = o_t * \tanh(c_t)
        \end{array}

    All weights live in ONE Parameter ``weight`` of shape (W, 1, 1), initialised to zeros, in
    cuDNN's canonical order: first every matrix -- for (layer 0, forward), (layer 0, backward),
    (layer 1, forward), ...: ``W_ih`` (4H x in) then ``W_hh`` (4H x H) -- then every bias in the
    same order, ``b_ih`` then ``b_hh`` (4H each). Gate order i, f, g, o (torch's).

    Args:
        input_size (int): Number of features of input.
        hidden_size (int): Number of features of hidden layer.
        num_layers (int): Number of layers of stacked LSTM. Default: 1.
        has_bias (bool): Specifies whether has bias b_ih and b_hh. Default: True.
        batch_first (bool): Specifies whether the first dimension of input is batch_size.
            Default: False.
        dropout (float): The probability to DROP the outputs of each layer except the last, in
            [0.0, 1.0]. Default: 0.
        bidirectional (bool): Specifies whether this is a bidirectional LSTM. Default: False.

    Raises:
        TypeError: If input_size, hidden_size or num_layers is not an int, or has_bias or
            bidirectional is not a bool.
        ValueError: If batch_first is not a bool, input_size, hidden_size or num_layers < 1, or
            dropout is not a number in [0, 1].

    A call checks its inputs before the fused kernel runs (0.1's shape/dtype inference): a
    non-Tensor input, ``hx`` that is not a pair of Tensors, or a dtype other than the weight's
    raises TypeError; an input that is not 3-D or whose last dim is not ``input_size``, or an
    ``h_0``/``c_0`` whose shape is not (num_layers * num_directions, batch_size, hidden_size)
    raises ValueError.

    Inputs:
        - **input** (Tensor) - Tensor of shape (seq_len, batch_size, input_size), or
          (batch_size, seq_len, input_size) when batch_first.
        - **hx** (tuple) - A tuple of two Tensors (h_0, c_0), both of the dtype of input and
          shape (num_directions * num_layers, batch_size, hidden_size).

    Outputs:
        Tuple, a tuple contains (output, (h_n, c_n)).

        - **output** (Tensor) - Tensor of shape (seq_len, batch_size, num_directions * hidden_size)
          (batch first when batch_first).
        - **hx_n** (tuple) - A tuple of two Tensor (h_n, c_n) both of shape
          (num_directions * num_layers, batch_size, hidden_size).

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> class LstmNet(nn.Cell):
        ...     def __init__(self, input_size, hidden_size, num_layers, has_bias, batch_first, bidirectional):
        ...         super(LstmNet, self).__init__()
        ...         self.lstm = nn.LSTM(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
        ...                             has_bias=has_bias, batch_first=batch_first,
        ...                             bidirectional=bidirectional, dropout=0.0)
        ...     def construct(self, inp, h0, c0):
        ...         return self.lstm(inp, (h0, c0))
        >>> net = LstmNet(10, 12, 2, has_bias=True, batch_first=True, bidirectional=False)
        >>> input = Tensor(np.ones([3, 5, 10]).astype(np.float32))
        >>> h0 = Tensor(np.ones([1 * 2, 3, 12]).astype(np.float32))
        >>> c0 = Tensor(np.ones([1 * 2, 3, 12]).astype(np.float32))
        >>> output, (hn, cn) = net(input, h0, c0)
        >>> output.shape(), hn.shape()
        ((3, 5, 12), (2, 3, 12))

    Note:
        Dropout between layers is applied only in training mode (0.1's GPU kernel dropped in
        inference too). On CUDA torch copies the weight into cuDNN's layout on each call.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, has_bias=True, batch_first=False, dropout=0,
                 bidirectional=False):
        super().__init__()
        name = type(self).__name__
        self.batch_first = V.check_bool(batch_first, "batch_first", name, exc=ValueError)
        try:
            dropout = float(dropout)
        except (TypeError, ValueError) as err:
            V.fail(name, "dropout", "a number", dropout, exc=type(err))
        self.input_size = V.check_positive_int(input_size, "input_size", name)
        self.hidden_size = V.check_positive_int(hidden_size, "hidden_size", name)
        self.num_layers = V.check_positive_int(num_layers, "num_layers", name)
        self.has_bias = V.check_bool(has_bias, "has_bias", name)
        self.bidirectional = V.check_bool(bidirectional, "bidirectional", name)
        self.dropout = V.check_number(dropout, "dropout", name, lower=0, upper=1, exc=ValueError)
        dirs, gate = 2 if bidirectional else 1, 4 * hidden_size
        per_dir = [gate * ((input_size if k == 0 else hidden_size * dirs) + hidden_size + (2 if has_bias else 0))
                   for k in range(min(num_layers, 2))]  # layers >= 1 all have the size of layer 1
        check_alloc([dirs * (per_dir[0] + (num_layers - 1) * per_dir[-1])], name, "weight",
                    "input_size/hidden_size/num_layers")  # before the layout lists are built
        self._sizes, self._shapes, self._order = T.lstm_flat_layout(input_size, hidden_size, num_layers, has_bias,
                                                                    bidirectional)
        self.weight = Parameter(make_tensor(0.0, [sum(self._sizes), 1, 1], mstype.float32, name, "weight",
                                            "input_size/hidden_size/num_layers"), name='weight')

    def _flat_weights(self):
        chunks = self.weight.view(-1).split(self._sizes)
        return [chunks[i].view(self._shapes[i]) for i in self._order]

    def construct(self, x, hx):
        output, h_n, c_n = lstm(x, hx, self.weight, self._sizes, self._shapes, self._order, self.has_bias,
                                self.num_layers, self.dropout, self.training, self.bidirectional, self.batch_first)
        return output, (h_n, c_n)


def lstm(x, hx, weight, sizes, shapes, order, has_bias, num_layers, dropout, training, bidirectional,
         batch_first):
    """MindSpore's LSTM on torch's fused kernel (shared by ``nn.LSTM`` and ``P.LSTM``): ``weight``
    is MindSpore's flat weight, split by ``T.lstm_flat_layout``'s ``(sizes, shapes, order)``.
    Returns ``(output, h_n, c_n)``. The inputs are checked first (the kernel does not check them).
    """
    hx = _check_inputs(x, hx, weight, shapes, num_layers, bidirectional, batch_first)
    chunks = weight.reshape(-1).split(sizes)
    weights = [chunks[i].view(shapes[i]) for i in order]
    args = (x, hx, weights, has_bias, num_layers, dropout, training, bidirectional, batch_first)
    if x.is_cuda:  # cuDNN copies our views into its own layout and warns each new call site
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="RNN module weights are not part of single")
            return torch._VF.lstm(*args)  # pylint: disable=protected-access
    return torch._VF.lstm(*args)  # pylint: disable=protected-access


def _check_inputs(x, hx, weight, shapes, num_layers, bidirectional, batch_first):
    """0.1's LSTM shape/dtype inference, run before the fused kernel (which does not check, and reads
    or writes out of bounds on a mismatch): TypeError for non-tensors and dtypes, ValueError for
    shapes. ``shapes[0]`` is layer 0's W_ih (4H, input_size), ``shapes[1]`` its W_hh (4H, H)."""
    name = "LSTM"
    input_size, hidden_size = shapes[0][1], shapes[1][1]
    V.check_tensor(x, "input", name)
    if x.dim() != 3:
        V.fail(name, "input", "a 3-D Tensor", V._Raw(f"shape {tuple(x.shape)}"))
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        V.fail(name, "hx", "a tuple of two Tensors (h_0, c_0)", hx, exc=TypeError)
    h, c = hx
    V.check_tensor(h, "hx[0]", name)
    V.check_tensor(c, "hx[1]", name)
    w_dtype = weight.dtype
    for t, arg in ((x, "input"), (h, "hx[0]"), (c, "hx[1]")):
        if t.dtype is not w_dtype:
            V.fail(name, arg, f"a Tensor of the weight's dtype {str(w_dtype)[6:]}",
                   V._Raw(f"dtype {str(t.dtype)[6:]}"), exc=TypeError)
    if x.shape[2] != input_size:
        V.fail(name, "input", f"a Tensor with input_size {input_size} in its last dim", V._Raw(f"shape {tuple(x.shape)}"))
    batch = x.shape[0] if batch_first else x.shape[1]
    want = (num_layers * (2 if bidirectional else 1), batch, hidden_size)
    for t, arg in ((h, "hx[0]"), (c, "hx[1]")):
        if t.shape != want:
            V.fail(name, arg, f"of shape (num_layers * num_directions, batch_size, hidden_size) = {want}",
                   V._Raw(f"shape {tuple(t.shape)}"))
    if x.device != weight.device or h.device != x.device or c.device != x.device:
        V.fail(name, "input", f"on the weight's device {weight.device}", V._Raw(f"devices {x.device}, {h.device}, {c.device}"))
    return h, c
