"""The one translation module: MindSpore 0.1 conventions -> torch arguments.

Each translator is a small pure function taking already-validated MindSpore values and returning
what torch needs. Layers, losses and optimizers call these and never translate inline.
"""
import math

__all__ = ["same_pad", "same_padding_2d", "conv_padding", "ms_momentum_to_torch", "keep_prob_to_p", "dropout_seeds_to_torch",
           "norm_axis_to_dim", "loss_reduction_to_torch", "conv_transpose_length", "conv_transpose_plan",
           "conv_transpose_crop",
           "lstm_flat_layout"]


def same_pad(length, kernel, stride, dilation=1):
    """TF/MindSpore 'same' padding of one spatial dim: ``(before, after)``, extra after.

    ``out = ceil(length / stride)``; total ``P = max(0, (out-1)*stride + dilation*(kernel-1) + 1 - length)``;
    ``before = P // 2`` and ``after = P - before`` (the extra row/column goes bottom/right).
    """
    out = math.ceil(length / stride)
    total = max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - length)
    return total // 2, total - total // 2


def conv_padding(pad_mode, padding):
    """MindSpore conv ``padding`` -> torch's symmetric ``padding``: used only with pad_mode 'pad'
    ('same' is computed per input by :func:`same_padding_2d`, 'valid' pads nothing)."""
    return padding if pad_mode == "pad" else 0


def ms_momentum_to_torch(momentum):
    """MindSpore BatchNorm momentum weighs the old running value; torch's weighs the new one."""
    return 1.0 - momentum


def keep_prob_to_p(keep_prob):
    """MindSpore Dropout keeps with ``keep_prob``; torch drops with ``p``."""
    return 1.0 - keep_prob


def dropout_seeds_to_torch(seed0, seed1):
    """MindSpore Dropout's ``(Seed0, Seed1)`` -> the seed of a private ``torch.Generator``.

    ``(0, 0)`` means "non-deterministic" (TF convention) and gives ``None`` (torch's global RNG);
    any other pair gives one 64-bit seed, ``seed0`` in the high and ``seed1`` in the low 32 bits.
    """
    if seed0 == 0 and seed1 == 0:
        return None
    return ((seed0 & 0xFFFFFFFF) << 32) | (seed1 & 0xFFFFFFFF)


def norm_axis_to_dim(axis):
    """MindSpore reduce ``axis`` -> torch ``dim``: ``()`` (all axes) is ``None``; an int or a
    non-empty tuple is passed through."""
    if isinstance(axis, tuple) and not axis:
        return None
    return axis


def loss_reduction_to_torch(reduction):
    """MindSpore loss ``reduction`` (``None``, 'mean', 'sum' or 'none', already validated) -> torch's
    ``reduction``: ``None`` means no reduction. Both reduce over ALL elements, not just the batch."""
    return "none" if reduction is None else reduction



def same_padding_2d(height, width, kernel, stride, dilation=(1, 1)):
    """MindSpore 'same' over an (H, W) input as torch arguments: ``(padding, extra)``.

    ``padding = (top, left)`` is the symmetric part, for torch's own ``padding=`` argument;
    ``extra`` is None when the pads are symmetric, else the ``F.pad`` tuple
    ``(0, right - left, 0, bottom - top)`` of the one extra column/row at the right/bottom.
    Pure Python ints from the input's shape (no device work).
    """
    top, bottom = same_pad(height, kernel[0], stride[0], dilation[0])
    left, right = same_pad(width, kernel[1], stride[1], dilation[1])
    if top == bottom and left == right:
        return (top, left), None
    return (top, left), (0, right - left, 0, bottom - top)


def conv_transpose_length(length, kernel, stride, pad_mode, padding=0, dilation=1):
    """Output length of MindSpore 0.1's Conv2dTranspose along one spatial dim.

    'valid': ``L*s + max(k - s, 0)`` and 'same': ``L*s`` (dilation ignored in both, as in 0.1);
    'pad': ``(L - 1)*s - 2p + d*(k - 1) + 1``.
    """
    if pad_mode == "valid":
        return length * stride + max(kernel - stride, 0)
    if pad_mode == "same":
        return length * stride
    return (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1


def conv_transpose_plan(length, kernel, stride, pad_mode, padding=0, dilation=1):
    """MindSpore 0.1's Conv2dTranspose along one dim as ``conv_transpose2d`` arguments.

    Returns ``(torch_padding, output_padding, tail)``: run ``conv_transpose2d`` with ``padding=
    torch_padding, output_padding=output_padding``, then drop ``-tail`` trailing rows when
    ``tail < 0`` or append ``tail`` zero rows when ``tail > 0``. MindSpore keeps
    ``full[top : top + target]`` of the full (padding 0) transposed convolution, zero-filled at the
    end when ``full`` is shorter; 'same' crops ``top = floor(max(0, k - s) / 2)`` (torch's symmetric
    rule would crop the ceil half at the top), 'valid' crops nothing.
    """
    if pad_mode == "pad":
        return padding, 0, 0
    target = conv_transpose_length(length, kernel, stride, pad_mode, padding, dilation)
    top = max(0, kernel - stride) // 2 if pad_mode == "same" else 0
    return conv_transpose_crop(length, kernel, stride, dilation, top, target)


def conv_transpose_crop(length, kernel, stride, dilation, top, target):
    """Rows ``full[top : top + target]`` of the full (padding 0) transposed convolution along one
    dim, zero-filled at the end when ``full`` is shorter, as ``conv_transpose2d`` arguments
    ``(torch_padding, output_padding, tail)`` (see :func:`conv_transpose_plan`). This is what 0.1's
    Conv2DBackpropInput computes for an input of length ``target`` with ``top`` rows of padding."""
    full = (length - 1) * stride + dilation * (kernel - 1) + 1
    diff = target - (full - 2 * top)
    if 0 <= diff < max(stride, dilation):
        return top, diff, 0
    return top, 0, diff


def lstm_flat_layout(input_size, hidden_size, num_layers, has_bias, bidirectional):
    """MindSpore's flat LSTM ``weight`` -> torch's per-layer weight list.

    MindSpore (cuDNN canonical order) packs all matrices first -- for each (layer, direction)
    ``W_ih`` (4H x in) then ``W_hh`` (4H x H) -- then all biases in the same order, ``b_ih`` then
    ``b_hh`` (4H each). Returns ``(sizes, shapes, order)``: split the flat weight into ``sizes``,
    view chunk ``i`` as ``shapes[i]``; ``order`` lists the chunk indices in torch's ``_flat_weights``
    order (per (layer, direction): w_ih, w_hh[, b_ih, b_hh]).
    """
    dirs = 2 if bidirectional else 1
    gate = 4 * hidden_size
    mats, biases = [], []
    for layer in range(num_layers):
        in_size = input_size if layer == 0 else hidden_size * dirs
        for _ in range(dirs):
            mats += [(gate, in_size), (gate, hidden_size)]
            if has_bias:
                biases += [(gate,), (gate,)]
    shapes = mats + biases
    sizes = [math.prod(s) for s in shapes]
    order = []
    n_pseudo = num_layers * dirs
    for k in range(n_pseudo):
        order += [2 * k, 2 * k + 1]
        if has_bias:
            order += [len(mats) + 2 * k, len(mats) + 2 * k + 1]
    return sizes, shapes, order
