"""model_zoo yolov3: 0.1's parameter lists, forward shapes, box decoding and loss against NumPy
references of 0.1's formulas, and the first training steps on synthetic inputs of the real format."""
import math

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor
from msnn.model_zoo import yolov3 as Y

from .conftest import expected_params, listing

ANCHORS = [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119), (116, 90), (156, 198), (163, 326)]


class ConfigYOLOV3ResNet18:
    """0.1's example configuration (example/yolov3_coco2017/config.py)."""
    img_shape = [352, 640]
    feature_shape = [32, 3, 352, 640]
    num_classes = 80
    backbone_input_shape = [64, 64, 128, 256]
    backbone_shape = [64, 128, 256, 512]
    backbone_layers = [2, 2, 2, 2]
    backbone_stride = [1, 2, 2, 2]
    ignore_threshold = 0.5
    anchor_scales = ANCHORS
    out_channel = int(len(ANCHORS) / 3 * (num_classes + 5))


class TinyConfig:
    img_shape = [64, 96]
    feature_shape = [2, 3, 64, 96]
    num_classes = 2
    backbone_input_shape = [64, 8, 16, 32]
    backbone_shape = [8, 16, 32, 64]
    backbone_layers = [2, 2, 2, 2]
    backbone_stride = [1, 2, 2, 2]
    ignore_threshold = 0.5
    anchor_scales = [(a // 4, b // 4) for a, b in ANCHORS]
    out_channel = 3 * (num_classes + 5)


class SmallConfig(TinyConfig):
    img_shape = [32, 64]
    feature_shape = [2, 3, 32, 64]


def test_yolov3_resnet18_parameters_match_0_1(fast_init):
    net = Y.yolov3_resnet18(ConfigYOLOV3ResNet18())
    assert listing(net) == expected_params("yolov3.yolov3_resnet18(ConfigYOLOV3ResNet18())")
    with_loss = Y.YoloWithLossCell(net, ConfigYOLOV3ResNet18())
    assert listing(with_loss) == expected_params("yolov3.YoloWithLossCell(...)")
    assert listing(Y.resnet18(10)) == expected_params("yolov3.resnet18(10)")


def test_BasicBlock_initialiser_and_padding():
    np.random.seed(2)
    block = Y.BasicBlock(16, 32, stride=2)
    w = block.conv1.conv.weight.asnumpy()  # TruncatedNormal(0.02)
    assert np.abs(w).max() <= 0.04 and abs(w.std() - 0.0176) < 1.5e-3
    assert block.downsample and block.bn1.momentum == pytest.approx(0.01)  # 0.1 keeps 1 - 0.99
    x = np.random.normal(0, 1, (1, 16, 7, 7)).astype(np.float32)
    assert block(Tensor(x)).shape() == (1, 32, 4, 4)
    # the 3x3 pad of _conv_with_pad is (1, 1) on each side: same as torch's padding=1
    ref = torch.nn.functional.conv2d(torch.tensor(x), block.conv1.conv.weight.detach(), stride=2, padding=1)
    np.testing.assert_allclose(block.conv1(Tensor(x)).asnumpy(), ref.numpy(), rtol=1e-5, atol=1e-6)
    assert Y.BasicBlock(16, 16, stride=2).down_sample_layer is None  # 0.1: only a channel change adds one


def test_YOLOv3_forward_shapes_eval_and_train():
    cfg = SmallConfig()
    net = Y.yolov3_resnet18(cfg)
    x = Tensor(np.random.normal(0, 1, (2, 3, 32, 64)), msnn.float32)
    outs = net(x)
    assert [o.shape() for o in outs] == [(2, 1, 2, 3, 7), (2, 2, 4, 3, 7), (2, 4, 8, 3, 7)]
    out = outs[0].asnumpy()
    assert ((out[..., 4:] > 0) & (out[..., 4:] < 1)).all()
    net.set_train()
    grid, pred, xy, wh = net(x)[1]
    assert grid.shape == (1, 2, 4, 1, 2) and pred.shape == (2, 2, 4, 3, 7) and xy.shape == wh.shape == (2, 2, 4, 3, 2)


def test_DetectionBlock_decoding_matches_numpy():
    cfg = TinyConfig()
    block = Y.DetectionBlock('m', cfg)
    raw = np.random.normal(0, 1, (2, 21, 4, 6)).astype(np.float32)
    out = block(Tensor(raw)).asnumpy()
    p = raw.reshape(2, 3, 7, 4, 6).transpose(0, 3, 4, 1, 2)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    gx, gy = np.meshgrid(np.arange(6), np.arange(4))
    grid = np.stack([gx, gy], -1)[None, :, :, None, :]
    np.testing.assert_allclose(out[..., :2], (sig(p[..., :2]) + grid) / np.array([6, 4]), rtol=1e-5)
    anchors = np.array(cfg.anchor_scales[3:6], np.float32)
    np.testing.assert_allclose(out[..., 2:4], np.exp(p[..., 2:4]) * anchors / np.array([96, 64]), rtol=1e-5)
    np.testing.assert_allclose(out[..., 4:], sig(p[..., 4:]), rtol=1e-5)
    with pytest.raises(KeyError, match="DetectionBlock"):
        Y.DetectionBlock('x', cfg)


def _np_bce(x, z):
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


def _synthetic_targets(cfg, batch, rng):
    """One box per image in the example's format: y_true per scale and padded gt boxes (x, y, w, h)."""
    h, w = cfg.img_shape
    grids = [(h // 32, w // 32), (h // 16, w // 16), (h // 8, w // 8)]
    masks = [[6, 7, 8], [3, 4, 5], [0, 1, 2]]
    y_true = [np.zeros((batch, gh, gw, 3, 5 + cfg.num_classes), np.float32) for gh, gw in grids]
    gts = [np.zeros((batch, 5, 4), np.float32) for _ in grids]
    for b in range(batch):
        n = rng.randint(9)
        layer = next(i for i, m in enumerate(masks) if n in m)
        bw, bh = cfg.anchor_scales[n]
        box = np.array([rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), bw / w, bh / h], np.float32)
        gh, gw = grids[layer]
        i, j = int(box[0] * gw), int(box[1] * gh)
        y_true[layer][b, j, i, masks[layer].index(n), :4] = box
        y_true[layer][b, j, i, masks[layer].index(n), 4] = 1.0
        y_true[layer][b, j, i, masks[layer].index(n), 5 + rng.randint(cfg.num_classes)] = 1.0
        gts[layer][b, 0] = box
    return y_true, gts


def test_YoloLossBlock_matches_numpy_reference():
    cfg = TinyConfig()
    rng = np.random.RandomState(4)
    y_true, gts = _synthetic_targets(cfg, 2, rng)
    detect = Y.DetectionBlock('s', cfg).set_train()
    raw = rng.normal(0, 1, (2, 21, 8, 12)).astype(np.float32)
    grid, pred, xy, wh = detect(Tensor(raw))
    loss = Y.YoloLossBlock('s', cfg)(grid, pred, xy, wh, Tensor(y_true[2]), Tensor(gts[2])).asnumpy()
    # NumPy reference of 0.1's formula
    p, g, yt, gt = pred.detach().numpy(), grid.detach().numpy(), y_true[2], gts[2]
    obj, cls = yt[..., 4:5], yt[..., 5:]
    anchors = np.array(cfg.anchor_scales[0:3], np.float32)
    true_xy = yt[..., :2] * np.array([12, 8]) - g
    twh = np.where(yt[..., 2:4] == 0, 1.0, yt[..., 2:4])
    true_wh = np.log(twh / anchors * np.array([96, 64]))
    scale = 2 - yt[..., 2:3] * yt[..., 3:4]
    boxes = np.concatenate([xy.detach().numpy(), wh.detach().numpy()], -1)[..., None, :]
    gtb = gt.reshape(2, 1, 1, 1, 5, 4)
    lo = np.maximum(boxes[..., :2] - boxes[..., 2:] / 2, gtb[..., :2] - gtb[..., 2:] / 2)
    hi = np.minimum(boxes[..., :2] + boxes[..., 2:] / 2, gtb[..., :2] + gtb[..., 2:] / 2)
    inter = np.prod(np.maximum(hi - lo, 0), -1)
    iou = inter / (np.prod(boxes[..., 2:], -1) + np.prod(gtb[..., 2:], -1) - inter)
    ignore = (iou.max(-1) < 0.5).astype(np.float32)[..., None]
    conf = _np_bce(p[..., 4:5], obj)
    ref = (np.sum(obj * scale * _np_bce(p[..., :2], true_xy)) + np.sum(obj * scale * 0.5 * (true_wh - p[..., 2:4]) ** 2)
           + np.sum(obj * conf + (1 - obj) * conf * ignore) + np.sum(obj * _np_bce(p[..., 5:], cls))) / 2
    np.testing.assert_allclose(loss, ref, rtol=1e-5)


def test_TrainingWrapper_first_steps_loss_falls():
    cfg = SmallConfig()
    rng = np.random.RandomState(0)
    net = Y.YoloWithLossCell(Y.yolov3_resnet18(cfg), cfg)
    opt = nn.Adam(filter(lambda x: x.requires_grad, net.get_parameters()), 1e-2, loss_scale=1024.0)
    train = Y.TrainingWrapper(net, opt, 1024.0).set_train()
    y_true, gts = _synthetic_targets(cfg, 2, rng)
    data = [Tensor(rng.normal(0, 1, (2, 3, 32, 64)), msnn.float32)] + [Tensor(t) for t in y_true + gts]
    losses = [float(train(*data).asnumpy()) for _ in range(4)]
    assert all(math.isfinite(v) for v in losses)
    assert losses[-1] < losses[0] * 0.9 and all(b < a for a, b in zip(losses, losses[1:])), losses


def test_yolov3_mindspore_import_path():
    msnn.install_alias()
    # pylint: disable=import-outside-toplevel
    from mindspore.model_zoo.yolov3 import yolov3_resnet18, YoloWithLossCell, TrainingWrapper
    assert yolov3_resnet18 is Y.yolov3_resnet18 and YoloWithLossCell is Y.YoloWithLossCell
    assert TrainingWrapper is Y.TrainingWrapper
    with pytest.raises(ValueError, match="ResNet"):
        Y.ResNet(Y.BasicBlock, [2, 2], [64, 8], [8, 16], [1, 2])


def test_resnet18_backbone_outputs(fast_init):
    net = Y.resnet18(10)
    c3, c4, logits = net(Tensor(np.ones([1, 3, 64, 64]), msnn.float32))
    assert c3.shape() == (1, 128, 8, 8) and c4.shape() == (1, 256, 4, 4) and logits.shape() == (1, 10)
    assert [len(getattr(net, f"layer{i}")) for i in range(1, 5)] == [2, 2, 2, 2]


def test_YoloBlock_layers_and_outputs():
    block = Y.YoloBlock(16, 8, 21)
    assert [type(c).__name__ for c in block.conv0] == ["Conv2d", "BatchNorm2d", "LeakyReLU"]
    assert block.conv0[2].alpha == 0.1 and block.conv1[0].weight.shape == (16, 8, 3, 3)
    c5, out = block(Tensor(np.random.normal(0, 1, (2, 16, 4, 6)), msnn.float32))
    assert c5.shape() == (2, 8, 4, 6) and out.shape() == (2, 21, 4, 6)


def test_Iou_of_centre_size_boxes():
    a = np.array([[0.5, 0.5, 1.0, 1.0], [0.0, 0.0, 2.0, 2.0]], np.float32).reshape(2, 1, 1, 1, 1, 4)
    b = np.array([[1.0, 0.5, 1.0, 1.0]], np.float32).reshape(1, 1, 1, 1, 1, 4)
    out = Y.Iou()(Tensor(a), Tensor(b)).asnumpy().reshape(-1)
    np.testing.assert_allclose(out, [0.5 / 1.5, 0.5 / 4.5], rtol=1e-6)


def test_YoloWithLossCell_sums_the_three_scales():
    cfg = SmallConfig()
    rng = np.random.RandomState(3)
    net = Y.YoloWithLossCell(Y.yolov3_resnet18(cfg), cfg).set_train()
    y_true, gts = _synthetic_targets(cfg, 2, rng)
    x = Tensor(rng.normal(0, 1, (2, 3, 32, 64)), msnn.float32)
    total = net(x, *[Tensor(t) for t in y_true + gts]).asnumpy()
    outs = net.yolo_network(x)
    parts = [blk(*o, Tensor(t), Tensor(g)).asnumpy() for blk, o, t, g in
             zip((net.loss_big, net.loss_me, net.loss_small), outs, y_true, gts)]
    np.testing.assert_allclose(total, sum(parts), rtol=1e-5)
