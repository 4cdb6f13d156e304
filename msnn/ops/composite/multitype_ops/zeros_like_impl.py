"""``zeros_like``: zeros shaped like each leaf of a (nested) sequence."""
import torch

from ...._api import ms_api
from ..base import MultitypeFuncGraph, HyperMap, EnvInstance

__all__ = ["zeros_like"]

zeros_like_leaf = MultitypeFuncGraph('zeros_like_leaf')


@zeros_like_leaf.register("Number")
def _zeros_like_number(x):
    return 0


@zeros_like_leaf.register("Tensor")
def _zeros_like_tensor(x):
    return torch.zeros_like(x)


@zeros_like_leaf.register("Function")
def _zeros_like_function(x):
    return EnvInstance()


@zeros_like_leaf.register("TypeType")
def _zeros_like_type(x):
    return x


@zeros_like_leaf.register("None")
def _zeros_like_none(x):
    return x


zeros_like = HyperMap(zeros_like_leaf)
ms_api("mindspore.ops.composite.zeros_like", torch="torch.zeros_like")(zeros_like)
