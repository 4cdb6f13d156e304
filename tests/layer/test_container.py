from collections import OrderedDict

import numpy as np
import pytest
import torch

import msnn as nn
from msnn import Parameter, Tensor


class Affine(nn.Cell):
    def __init__(self, scale):
        super().__init__()
        self.weight = Parameter(Tensor(np.array([scale]), nn.float32), name='weight')
        self.bias = Parameter(Tensor(np.array([1.0]), nn.float32), name='bias')

    def construct(self, x):
        return x * self.weight + self.bias


class Holder(nn.Cell):
    def __init__(self, container):
        super().__init__()
        self.seq = container


def test_SequentialCell_runs_in_order():
    seq = nn.SequentialCell([Affine(2.0), Affine(3.0)])
    out = seq(Tensor(np.array([1.0, 2.0]), nn.float32))
    np.testing.assert_allclose(out.asnumpy(), [10.0, 16.0])  # (x*2+1)*3+1


def test_SequentialCell_names_top_level_duplicates_nested_paths():
    seq = nn.SequentialCell([Affine(2.0), Affine(3.0)])
    assert [p.name for p in seq.get_parameters()] == ['weight', 'bias', 'weight', 'bias']
    held = Holder(seq)
    assert [p.name for p in held.get_parameters()] == ['seq.0.weight', 'seq.0.bias', 'seq.1.weight', 'seq.1.bias']
    assert list(held.state_dict()) == ['seq.0.weight', 'seq.0.bias', 'seq.1.weight', 'seq.1.bias']


def test_SequentialCell_ordered_dict_keys():
    seq = nn.SequentialCell(OrderedDict([('a', Affine(1.0)), ('b', nn.Cell())]))
    assert list(seq._cells) == ['a', 'b']


@pytest.mark.parametrize("arg", [(Affine(1.0),), {"a": Affine(1.0)}, 3])
def test_SequentialCell_bad_argument_type_error(arg):
    with pytest.raises(TypeError):
        nn.SequentialCell(arg)


def test_SequentialCell_non_cell_element_type_error():
    with pytest.raises(TypeError):
        nn.SequentialCell([Affine(1.0), 3])


def test_SequentialCell_several_positional_cells_chain():
    seq = nn.SequentialCell(Affine(2.0), Affine(3.0))
    assert len(seq) == 2


def test_SequentialCell_indexing():
    a, b, c = Affine(1.0), Affine(2.0), Affine(3.0)
    seq = nn.SequentialCell([a, b, c])
    assert seq[0] is a and seq[-1] is c
    with pytest.raises(IndexError):
        seq[3]
    with pytest.raises(IndexError):
        seq[-4]
    with pytest.raises(TypeError):
        seq['0']
    sub = seq[1:]
    assert isinstance(sub, nn.SequentialCell) and list(sub._cells) == ['1', '2'] and sub[0] is b


def test_SequentialCell_setitem_and_delitem_keep_keys():
    seq = nn.SequentialCell([Affine(1.0), Affine(2.0), Affine(3.0)])
    new = Affine(9.0)
    seq[1] = new
    assert seq._cells['1'] is new
    with pytest.raises(TypeError):
        seq[0] = 3
    del seq[0]
    assert list(seq._cells) == ['1', '2'] and len(seq) == 2
    del seq[0:1]
    assert list(seq._cells) == ['2']


def test_SequentialCell_repr():
    seq = nn.SequentialCell([nn.Cell()])
    assert repr(seq) == 'SequentialCell<\n  (0): Cell<>\n  >'


def test_CellList_extend_append_insert():
    a, b, c = Affine(1.0), Affine(2.0), Affine(3.0)
    cl = nn.CellList([a])
    assert cl.append(c) is cl
    cl.insert(1, b)
    assert list(cl) == [a, b, c] and list(cl._cells) == ['0', '1', '2']
    cl.insert(-3, c)
    assert list(cl) == [c, a, b, c]
    with pytest.raises(IndexError):
        cl.insert(4, a)
    cl += [Affine(4.0)]
    assert len(cl) == 5


def test_CellList_errors():
    with pytest.raises(TypeError):
        nn.CellList((Affine(1.0),))
    with pytest.raises(TypeError):
        nn.CellList([3])
    cl = nn.CellList([Affine(1.0)])
    with pytest.raises(TypeError):
        cl.append(3)
    with pytest.raises(TypeError):
        cl['0']
    with pytest.raises(IndexError):
        cl[1]
    with pytest.raises(TypeError):
        cl[0] = 3
    with pytest.raises(NotImplementedError):
        cl(torch.ones(1))


def test_CellList_getitem_setitem_delitem_renumbers():
    cells = [Affine(float(i)) for i in range(4)]
    cl = nn.CellList(cells)
    assert cl[-1] is cells[3]
    sub = cl[1:3]
    assert isinstance(sub, nn.CellList) and list(sub) == cells[1:3]
    cl[0] = cells[3]
    assert cl[0] is cells[3]
    del cl[1]
    assert list(cl._cells) == ['0', '1', '2'] and list(cl) == [cells[3], cells[2], cells[3]]
    del cl[0:2]
    assert list(cl._cells) == ['0'] and cl[0] is cells[3]


def test_CellList_names_when_nested_and_appended_later():
    cl = nn.CellList([Affine(1.0)])
    held = Holder(cl)
    cl.append(Affine(2.0))
    assert [p.name for p in held.get_parameters()] == ['seq.0.weight', 'seq.0.bias', 'weight', 'bias']


def test_CellList_repr():
    cl = nn.CellList([nn.Cell(), nn.Cell()])
    assert repr(cl) == 'CellList<\n  (0): Cell<>\n  (1): Cell<>\n  >'
