"""``add`` (a MultitypeFuncGraph) and ``hyper_add`` (its HyperMap over nested sequences)."""
import torch

from ...._api import ms_api
from ..base import MultitypeFuncGraph, HyperMap

__all__ = ["add", "hyper_add"]

add = MultitypeFuncGraph('add')
_add_backward = MultitypeFuncGraph('add_backward')


@add.register("Number", "Number")
@_add_backward.register("Number", "Number")
def _scalar_add_scalar(x, y):
    return x + y


@add.register("Number", "Tensor")
def _scalar_add_tensor(x, y):
    return torch.add(y, x)


@add.register("Tensor", "Number")
def _tensor_add_scalar(x, y):
    return torch.add(x, y)


@add.register("Tensor", "Tensor")
@_add_backward.register("Tensor", "Tensor")
def _tensor_add_tensor(x, y):
    return torch.add(x, y)


@add.register("Tuple", "Tuple")
def _tuple_add_tuple(x, y):
    return tuple(x) + tuple(y)


@_add_backward.register("EnvType", "EnvType")
def _env_add(x, y):
    out = type(x)(x)
    for key, value in y.items():
        out[key] = out[key] + value if key in out else value
    return out


hyper_add = HyperMap(_add_backward)
ms_api("mindspore.ops.composite.hyper_add", torch="torch.add over nested sequences")(hyper_add)
hyper_add.__doc__ = """Adds two (nested) sequences of tensors or numbers element by element.

Examples:
    >>> import torch
    >>> from msnn.ops import composite as C
    >>> C.hyper_add((1, (torch.ones(2),)), (2, (torch.ones(2),)))
    (3, (tensor([2., 2.]),))
"""
