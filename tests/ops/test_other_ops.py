"""Assign, bounding boxes, CheckValid, IOU, MakeRefKey (goldens from MindSpore 2.10 CPU)."""
import os

import numpy as np
import pytest
import torch

import msnn
from msnn.ops import operations as P
from msnn.ops.operations.other_ops import RefKey

GOLDEN = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "ops_array.npz"))


def golden(case):
    return {k.split("/")[1]: GOLDEN[k] for k in GOLDEN.files if k.startswith(case + "/")}


def test_Assign_doc_example_in_place():
    y = msnn.Parameter(msnn.Tensor([1.0], msnn.float32), name="y")
    out = P.Assign()(y, msnn.Tensor([2.0], msnn.float32))
    assert y.tolist() == [2.0] and out.tolist() == [2.0]


def test_Assign_bprop_is_0_1s():
    var = torch.tensor([3.0, 4.0], requires_grad=True)
    value = torch.tensor([1.0, 5.0], requires_grad=True)
    out = P.Assign()(var, value)
    (out * torch.tensor([10.0, 10.0])).sum().backward()
    assert var.detach().tolist() == [1.0, 5.0]
    assert var.grad.tolist() == [1.0, 5.0]  # 0.1: the variable's gradient is the variable itself
    assert value.grad.tolist() == [0.0, 0.0]  # and the value's is zero


def test_Assign_errors():
    with pytest.raises(ValueError, match="For 'Assign', the 'value' must be a Tensor of the variable's shape \\(2,\\)"):
        P.Assign()(torch.zeros(2), torch.zeros(3))
    with pytest.raises(TypeError, match="For 'Assign', the 'variable' must be a Tensor"):
        P.Assign()([0.0], torch.zeros(1))


def test_BoundingBoxEncode_golden_and_doc_example():
    g = golden("BoundingBoxEncode_0")
    op = P.BoundingBoxEncode(means=tuple(map(float, g["means"])), stds=tuple(map(float, g["stds"])))
    assert np.allclose(op(torch.tensor(g["in0"]), torch.tensor(g["in1"])).numpy(), g["out"], atol=1e-5)
    out = P.BoundingBoxEncode()(torch.tensor([[0., 0., 10., 10.]]), torch.tensor([[1., 1., 9., 12.]]))
    assert np.allclose(out.numpy(), [[0.0, 1.5 / 11, np.log(9 / 11), np.log(12 / 11)]], atol=1e-6)


def test_BoundingBoxEncode_errors():
    with pytest.raises(ValueError, match="For 'BoundingBoxEncode', the 'means' must be a tuple of 4 numbers"):
        P.BoundingBoxEncode(means=(0.0, 0.0))
    with pytest.raises(ValueError, match="the 'stds' must be a tuple of 4 numbers, but got \\[1.0"):
        P.BoundingBoxEncode(stds=[1.0] * 4)
    with pytest.raises(ValueError, match="the 'groundtruth_box' must be a Tensor of shape \\(N, 4\\)"):
        P.BoundingBoxEncode()(torch.zeros(2, 4), torch.zeros(2, 3))
    with pytest.raises(TypeError, match="the 'groundtruth_box' must be of dtype Float32 like anchor_box"):
        P.BoundingBoxEncode()(torch.zeros(2, 4), torch.zeros(2, 4, dtype=torch.float64))


def test_BoundingBoxDecode_golden_and_doc_example():
    g = golden("BoundingBoxDecode_0")
    op = P.BoundingBoxDecode(max_shape=tuple(map(int, g["max_shape"])), means=tuple(map(float, g["means"])),
                             stds=tuple(map(float, g["stds"])), wh_ratio_clip=0.016)
    assert np.allclose(op(torch.tensor(g["in0"]), torch.tensor(g["in1"])).numpy(), g["out"], atol=1e-4)
    out = P.BoundingBoxDecode((12, 9))(torch.tensor([[0., 0., 10., 10.]]), torch.tensor([[0.1, 0.2, 0.3, -0.2]]))
    assert np.allclose(out.numpy(), [[0.0, 3.1969805, 9.0, 11.203019]], atol=1e-5)


def test_BoundingBoxDecode_errors():
    with pytest.raises(ValueError, match="For 'BoundingBoxDecode', the 'wh_ratio_clip' must be a float, but got 1"):
        P.BoundingBoxDecode((4, 4), wh_ratio_clip=1)
    with pytest.raises(ValueError, match="the 'max_shape' must be a tuple of 2 numbers"):
        P.BoundingBoxDecode((4, 4, 4))
    with pytest.raises(ValueError, match="the 'deltas' must be a Tensor of 2 rows like anchor_box"):
        P.BoundingBoxDecode((4, 4))(torch.zeros(2, 4), torch.zeros(3, 4))


def test_CheckValid_golden_and_doc_example():
    g = golden("CheckValid_0")
    assert P.CheckValid()(torch.tensor(g["in0"]), torch.tensor(g["in1"])).tolist() == g["out"].tolist()
    boxes = torch.tensor([[0., 0., 15., 11.], [0., 0., 16., 11.], [-1., 0., 3., 3.]])
    out = P.CheckValid()(boxes, torch.tensor([12., 16., 1.]))
    assert out.dtype == torch.bool and out.tolist() == [True, False, False]
    with pytest.raises(ValueError, match="For 'CheckValid', the 'img_metas' must be a Tensor of shape \\(3,\\)"):
        P.CheckValid()(boxes, torch.tensor([12., 16.]))


@pytest.mark.parametrize("mode", ["iou", "iof"])
def test_IOU_golden(mode):
    g = golden(f"IOU_{mode}")
    out = P.IOU(mode)(torch.tensor(g["in0"]), torch.tensor(g["in1"]))
    assert out.shape == (3, 3) and np.allclose(out.numpy(), g["out"], atol=1e-6)
    half = P.IOU(mode)(torch.tensor(g["in0"]).half(), torch.tensor(g["in1"]).half())
    assert half.dtype == torch.float16 and np.allclose(half.float().numpy(), g["out"], atol=2e-3)


def test_IOU_doc_example_and_errors():
    out = P.IOU()(torch.tensor([[0., 0., 10., 10.]]), torch.tensor([[1., 1., 9., 12.]]))
    assert abs(out.item() - 90 / 139) < 1e-6
    with pytest.raises(ValueError, match="For 'IOU', the 'mode' must be one of 'iou', 'iof', but got 'giou'"):
        P.IOU("giou")
    with pytest.raises(TypeError, match="For 'IOU', the 'anchor_boxes' must be a floating-point Tensor"):
        P.IOU()(torch.zeros(1, 4, dtype=torch.int32), torch.zeros(1, 4, dtype=torch.int32))


def test_MakeRefKey_doc_example():
    key = P.MakeRefKey("y")()
    assert key == RefKey("y") and key.tag == "y" and repr(key) == "RefKey('y')"
    with pytest.raises(ValueError, match="For 'MakeRefKey', the 'tag' must be a str, but got 1"):
        P.MakeRefKey(1)
