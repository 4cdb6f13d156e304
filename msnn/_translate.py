"""The one translation module: MindSpore 0.1 conventions -> torch arguments.

Each translator is a small pure function taking already-validated MindSpore values and returning
what torch needs. Layers, losses and optimizers call these and never translate inline.
"""
import math

__all__ = ["same_pad", "same_pads_2d", "ms_momentum_to_torch", "keep_prob_to_p", "dropout_seeds_to_torch",
           "norm_axis_to_dim"]


def same_pad(length, kernel, stride, dilation=1):
    """TF/MindSpore 'same' padding of one spatial dim: ``(before, after)``, extra after.

    ``out = ceil(length / stride)``; total ``P = max(0, (out-1)*stride + dilation*(kernel-1) + 1 - length)``;
    ``before = P // 2`` and ``after = P - before`` (the extra row/column goes bottom/right).
    """
    out = math.ceil(length / stride)
    total = max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - length)
    return total // 2, total - total // 2


def same_pads_2d(height, width, kernel, stride, dilation=(1, 1)):
    """``F.pad`` order ``(left, right, top, bottom)`` for 'same' over an (H, W) input."""
    top, bottom = same_pad(height, kernel[0], stride[0], dilation[0])
    left, right = same_pad(width, kernel[1], stride[1], dilation[1])
    return left, right, top, bottom


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


__all__ += ["loss_reduction_to_torch"]


def loss_reduction_to_torch(reduction):
    """MindSpore loss ``reduction`` (``None``, 'mean', 'sum' or 'none', already validated) -> torch's
    ``reduction``: ``None`` means no reduction. Both reduce over ALL elements, not just the batch."""
    return "none" if reduction is None else reduction
