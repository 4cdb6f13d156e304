"""Containers: ``SequentialCell`` and ``CellList`` (``mindspore.nn.layer.container``)."""
from collections import OrderedDict

from .._api import ms_api
from .. import _validator as V
from ..cell import Cell

__all__ = ["SequentialCell", "CellList"]


def _valid_index(cell_num, index, cls_name):
    if isinstance(index, bool) or not isinstance(index, int):
        V.fail(cls_name, "index", "an int", index, exc=TypeError)
    if not -cell_num <= index < cell_num:
        V.fail(cls_name, "index", f"an int in range [{-cell_num}, {cell_num})", index, exc=IndexError)
    return index % cell_num


def _valid_cell(cell, cls_name):
    if not isinstance(cell, Cell):
        V.fail(cls_name, "cell", "a Cell", type(cell).__name__, exc=TypeError)
    return cell


@ms_api("mindspore.nn.SequentialCell", torch="torch.nn.Sequential",
        deviations=("Several positional cells are chained like torch.nn.Sequential; 0.1 silently "
                    "dropped every argument after the first.",))
class SequentialCell(Cell):
    """Sequential cell container: runs its cells in order on a single input.

    Args:
        args (list, OrderedDict): The cells, named ``'0', '1', ...`` or by the dict's keys.

    Raises:
        TypeError: If the argument is not a list or OrderedDict of cells.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> seq = nn.SequentialCell([nn.Dense(3, 2), nn.ReLU()])
        >>> seq(nn.Tensor(np.ones((1, 3)), nn.float32)).shape()
        (1, 2)

    Note:
        ``SequentialCell(a, b)`` chains ``a`` and ``b`` (0.1 ignored ``b``).
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and not isinstance(args[0], Cell):
            cells = args[0]
            if isinstance(cells, list):
                for index, cell in enumerate(cells):
                    self.insert_child_to_cell(str(index), cell)
            elif isinstance(cells, OrderedDict):
                for name, cell in cells.items():
                    self.insert_child_to_cell(name, cell)
            else:
                V.fail("SequentialCell", "args", "a list or OrderedDict of cells", type(cells).__name__, exc=TypeError)
        else:
            for index, cell in enumerate(args):
                self.insert_child_to_cell(str(index), cell)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(OrderedDict(list(self._modules.items())[index]))
        index = _valid_index(len(self), index, "SequentialCell")
        return list(self._modules.values())[index]

    def __setitem__(self, index, cell):
        _valid_cell(cell, "SequentialCell")
        index = _valid_index(len(self), index, "SequentialCell")
        self._modules[list(self._modules)[index]] = cell

    def __delitem__(self, index):
        if isinstance(index, slice):
            keys = list(self._modules)[index]
        else:
            keys = [list(self._modules)[_valid_index(len(self), index, "SequentialCell")]]
        for key in keys:
            del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def construct(self, input_data):
        for cell in self._modules.values():
            input_data = cell(input_data)
        return input_data


@ms_api("mindspore.nn.CellList", torch="torch.nn.ModuleList",
        deviations=("CellList(a, b) extends with both cells (0.1 dropped all but the first "
                    "argument); assigning a non-Cell by index raises TypeError (0.1 accepted it).",),
        doc_errors=("The repr example is printed on one line; the code prints one child per line.",))
class CellList(Cell):
    """Holds cells in a list, keyed ``'0', '1', ...``; a CellList is not callable.

    Args:
        args (list): The cells.

    Examples:
        >>> import msnn as nn
        >>> cells = nn.CellList([nn.ReLU()])
        >>> cells.append(nn.Tanh())
        CellList<
          (0): ReLU<>
          (1): Tanh<>
          >
        >>> len(cells)
        2
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and not isinstance(args[0], Cell):
            self.extend(args[0])
        elif args:
            self.extend(list(args))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(list(self._modules.values())[index])
        if isinstance(index, int):
            return self._modules[str(_valid_index(len(self), index, "CellList"))]
        V.fail("CellList", "index", "an int or a slice", index, exc=TypeError)

    def __setitem__(self, index, cell):
        index = _valid_index(len(self), index, "CellList")
        self._modules[str(index)] = _valid_cell(cell, "CellList")

    def __delitem__(self, index):
        if isinstance(index, slice):
            keys = list(self._modules)[index]
        elif isinstance(index, int):
            keys = [str(_valid_index(len(self), index, "CellList"))]
        else:
            V.fail("CellList", "index", "an int or a slice", index, exc=TypeError)
        for key in keys:
            del self._modules[key]
        cells = list(self._modules.values())
        self._modules.clear()
        for i, cell in enumerate(cells):
            self._modules[str(i)] = cell

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, cells):
        return self.extend(cells)

    def insert(self, index, cell):
        """Inserts ``cell`` before ``index``; later cells shift right."""
        idx = _valid_index(len(self), index, "CellList")
        _valid_cell(cell, "CellList")
        for i in range(len(self), idx, -1):
            self._modules[str(i)] = self._modules[str(i - 1)]
        self._modules[str(idx)] = cell
        return self

    def extend(self, cells):
        """Appends every cell of the list ``cells`` (TypeError for anything else)."""
        if not isinstance(cells, list):
            V.fail("CellList", "cells", "a list of cells", type(cells).__name__, exc=TypeError)
        for cell in cells:
            self._modules[str(len(self))] = _valid_cell(cell, "CellList")
        return self

    def append(self, cell):
        """Appends ``cell``."""
        self._modules[str(len(self))] = _valid_cell(cell, "CellList")
        return self

    def construct(self, *inputs):
        raise NotImplementedError("For 'CellList', a CellList is not callable; call its cells.")
