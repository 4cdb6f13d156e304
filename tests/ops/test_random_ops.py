"""RandomChoiceWithMask."""
import numpy as np
import pytest
import torch

import msnn
from msnn.ops import operations as P


def test_RandomChoiceWithMask_doc_example_shapes():
    x = msnn.Tensor(np.ones(shape=[240000, 4]), msnn.bool_)
    index, mask = P.RandomChoiceWithMask()(x)
    assert index.shape == (256, 2) and index.dtype == torch.int32
    assert mask.shape == (256,) and mask.dtype == torch.bool and bool(mask.all())
    assert int(index[:, 0].max()) < 240000 and int(index[:, 1].max()) < 4
    assert len({tuple(r) for r in index.tolist()}) == 256  # without replacement


def test_RandomChoiceWithMask_fewer_true_than_count_and_seeds():
    x = np.zeros((4, 5), bool)
    x[1, 2] = x[3, 0] = x[0, 4] = True
    index, mask = P.RandomChoiceWithMask(count=5, seed=1, seed2=2)(msnn.Tensor(x))
    assert mask.tolist() == [True, True, True, False, False]
    assert sorted(map(tuple, index[mask].tolist())) == [(0, 4), (1, 2), (3, 0)]
    assert index[~mask].tolist() == [[0, 0], [0, 0]]
    again, _ = P.RandomChoiceWithMask(count=5, seed=1, seed2=2)(msnn.Tensor(x))
    assert torch.equal(index, again)
    picks = {tuple(map(tuple, P.RandomChoiceWithMask(3)(msnn.Tensor(x))[0].tolist())) for _ in range(30)}
    assert len(picks) > 1  # random order


def test_RandomChoiceWithMask_infer_and_errors():
    op = P.RandomChoiceWithMask(count=8)
    assert op.infer_shape([3, 4]) == ([8, 2], [8])
    assert op.infer_dtype(msnn.bool_) == (msnn.int32, msnn.bool_)
    with pytest.raises(ValueError, match="For 'RandomChoiceWithMask', the 'input_x' must be a bool Tensor, but got dtype float32"):
        op(torch.ones(2, 2))
    with pytest.raises(ValueError, match="the 'count' must be an int > 0, but got 0"):
        P.RandomChoiceWithMask(count=0)
    with pytest.raises(ValueError, match="the 'seed' must be an int, but got 1.0"):
        P.RandomChoiceWithMask(seed=1.0)
    with pytest.raises(ValueError, match="the 'input_x' must be a Tensor of rank >= 1"):
        op(torch.tensor(True))
