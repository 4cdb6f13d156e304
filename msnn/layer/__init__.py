"""``mindspore.nn.layer``: the documented layers, by documentation category."""
from .container import SequentialCell, CellList

__all__ = ["SequentialCell", "CellList"]
