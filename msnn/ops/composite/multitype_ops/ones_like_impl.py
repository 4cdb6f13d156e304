"""``ones_like``: ones shaped like each leaf of a (nested) sequence."""
import torch

from ...._api import ms_api
from ..base import MultitypeFuncGraph, HyperMap

__all__ = ["ones_like"]

ones_like_leaf = MultitypeFuncGraph('ones_like_leaf')


@ones_like_leaf.register("Number")
def _ones_like_number(x):
    return type(x)(1)


@ones_like_leaf.register("Tensor")
def _ones_like_tensor(x):
    return torch.ones_like(x)


ones_like = HyperMap(ones_like_leaf)
ms_api("mindspore.ops.composite.ones_like", torch="torch.ones_like")(ones_like)
