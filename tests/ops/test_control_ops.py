"""ControlDepend, GeSwitch, Merge."""
import pytest
import torch

import msnn
from msnn import _validator as V
from msnn.ops import operations as P


def test_ControlDepend_returns_src_and_records_mode():
    data, step = torch.ones(2), torch.zeros(1)
    op = P.ControlDepend(depend_mode=1)
    assert op(data, step) is data and op.depend_mode == 1
    assert P.ControlDepend().depend_mode == 0
    assert P.ControlDepend()((data, step), step) == (data, step)


def test_ControlDepend_doc_example_global_step_order():
    global_step = msnn.Parameter(msnn.Tensor([0.0], msnn.float32), name="global_step")
    x = torch.tensor([1.0])
    data = 0.2 * global_step + x
    added = global_step + 1
    out = P.ControlDepend()(data, added)
    assert torch.allclose(out, torch.tensor([1.0])) and added.item() == 1.0


def test_GeSwitch_refuses_and_infers():
    op = P.GeSwitch()
    with pytest.raises(V.UnsupportedError, match="For 'GeSwitch'.*Python `if`"):
        op(torch.ones(2), torch.tensor(True))
    assert op.infer_shape([2, 3], []) == ([2, 3], [2, 3])
    assert op.infer_dtype(msnn.float32, msnn.bool_) == (msnn.float32, msnn.float32)
    with pytest.raises(ValueError, match="For 'GeSwitch', the 'pred' must be of shape \\(\\)"):
        op.infer_shape([2], [1])
    with pytest.raises(ValueError, match="the 'pred' must be of dtype Bool"):
        op.infer_dtype(msnn.float32, msnn.int32)


def test_Merge_refuses_and_infers():
    with pytest.raises(NotImplementedError, match="For 'Merge'"):
        P.Merge()((torch.ones(1), torch.ones(1)))
    assert P.Merge().infer_shape(([2], [2])) == ([2], [1])
    assert P.Merge().infer_dtype((msnn.float32, msnn.float32)) == (msnn.float32, msnn.int32)
