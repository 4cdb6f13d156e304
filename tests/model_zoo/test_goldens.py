"""model_zoo networks against MindSpore: 0.1's own model_zoo sources run in MindSpore 2.10 with the
same weights and inputs (tools/model_zoo_oracle.py goldens -> tests/data/model_zoo_goldens.npz)."""
import json
import os

import numpy as np
import pytest
import torch

import msnn
from msnn import Tensor
from msnn.model_zoo import Bert_NEZHA as B, yolov3 as Y
from msnn.model_zoo.lenet import LeNet5
from msnn.model_zoo.resnet import ResidualBlock, ResNet

from .conftest import tiny_bert_kwargs

_DATA = os.path.join(os.path.dirname(__file__), "..", "data")


@pytest.fixture(scope="module")
def golden():
    with np.load(os.path.join(_DATA, "model_zoo_goldens.npz")) as f:
        return dict(f)


def _set_weights(net, seed):
    """tools/model_zoo_oracle.py's rule: BN variances U[0.5, 1.5), gammas 1 + N(0, 0.01), the rest N(0, 0.01)."""
    rng = np.random.RandomState(seed)
    with torch.no_grad():
        for name, p in net.parameters_and_names():
            shape = tuple(p.shape)
            if name.endswith("moving_variance"):
                value = rng.uniform(0.5, 1.5, shape)
            elif name.endswith("gamma"):
                value = 1.0 + 0.1 * rng.normal(0, 1, shape)
            else:
                value = 0.1 * rng.normal(0, 1, shape)
            p.copy_(torch.tensor(value.astype(np.float32)))


class SmallYolo:
    img_shape = [32, 64]
    feature_shape = [2, 3, 32, 64]
    num_classes = 2
    backbone_input_shape = [64, 8, 16, 32]
    backbone_shape = [8, 16, 32, 64]
    backbone_layers = [2, 2, 2, 2]
    backbone_stride = [1, 2, 2, 2]
    ignore_threshold = 0.5
    anchor_scales = [(2, 3), (4, 7), (8, 5), (7, 15), (15, 11), (14, 29), (29, 22), (39, 49), (40, 81)]
    out_channel = 21


def test_LeNet5_matches_mindspore(golden):
    net = LeNet5()
    _set_weights(net, 1)
    np.testing.assert_allclose(net(Tensor(golden["lenet_x"])).asnumpy(), golden["lenet_out"], rtol=1e-4, atol=1e-5)


def test_ResNet_matches_mindspore(golden):
    net = ResNet(ResidualBlock, [1, 1, 1, 1], [64, 16, 32, 64], [16, 32, 64, 128], [1, 2, 2, 2], 4)
    _set_weights(net, 2)
    np.testing.assert_allclose(net(Tensor(golden["resnet_x"])).asnumpy(), golden["resnet_out"], rtol=1e-4, atol=1e-4)


def test_BertNetworkWithLoss_matches_mindspore(golden):
    with open(os.path.join(_DATA, "model_zoo_params.json"), encoding="utf-8") as f:
        assert json.load(f)["meta"]["tiny_bert"] == tiny_bert_kwargs()
    net = B.BertNetworkWithLoss(B.BertConfig(**tiny_bert_kwargs()), False)
    _set_weights(net, 3)
    cols = [Tensor(golden["bert_" + c]) for c in ("input_ids", "input_mask", "token_type_id", "next_sentence_labels",
                                                  "masked_lm_positions", "masked_lm_ids", "masked_lm_weights")]
    mlm, nsp = net.bert(cols[0], cols[1], cols[2], cols[4])
    np.testing.assert_allclose(mlm.detach().numpy(), golden["bert_mlm"], rtol=1e-4, atol=3e-5)
    np.testing.assert_allclose(nsp.detach().numpy(), golden["bert_nsp"], rtol=1e-4, atol=3e-5)
    np.testing.assert_allclose(net(*cols).asnumpy(), golden["bert_loss"], rtol=1e-5)


def test_BertModel_one_hot_lookups_match_mindspore(golden):
    # the one-hot path, with 0.1's off_value 0.1 in the token-type one-hot
    net = B.BertModel(B.BertConfig(**tiny_bert_kwargs()), False, True)
    _set_weights(net, 7)
    ids, mask, types = (Tensor(golden["bert_" + c]) for c in ("input_ids", "input_mask", "token_type_id"))
    seq, pooled, _ = net(ids, types, mask)
    np.testing.assert_allclose(seq.asnumpy(), golden["bert_onehot_seq"], rtol=1e-4, atol=3e-5)
    np.testing.assert_allclose(pooled.asnumpy(), golden["bert_onehot_pooled"], rtol=1e-4, atol=3e-5)


def test_yolov3_resnet18_and_YoloWithLossCell_match_mindspore(golden):
    net = Y.YoloWithLossCell(Y.yolov3_resnet18(SmallYolo()), SmallYolo())
    _set_weights(net, 4)
    outs = net.yolo_network(Tensor(golden["yolo_x"]))
    for k, out in enumerate(outs):
        np.testing.assert_allclose(out.asnumpy(), golden[f"yolo_eval_{k}"], rtol=1e-4, atol=1e-5)
    net.set_train()
    loss = net(Tensor(golden["yolo_x"]), *[Tensor(golden[f"yolo_y_true_{k}"]) for k in range(3)],
               *[Tensor(golden[f"yolo_gt_{k}"]) for k in range(3)])
    np.testing.assert_allclose(loss.asnumpy(), golden["yolo_loss"], rtol=1e-4)
    assert msnn.float32 == torch.float32


def _digest(net):
    rows = []
    for _, p in net.parameters_and_names():
        v = p.detach().numpy().astype(np.float64).reshape(-1)
        rows.append([v.sum(), (v * v).sum(), *v[:3]])
    return np.array(rows)


def test_BertTrainOneStepCell_steps_match_mindspore(golden):
    net = B.BertNetworkWithLoss(B.BertConfig(**tiny_bert_kwargs()), False)
    _set_weights(net, 5)
    train = B.BertTrainOneStepCell(net, msnn.Momentum(net.trainable_params(), 0.1, 0.9), sens=4.0).set_train()
    cols = [Tensor(golden["bert_" + c]) for c in ("input_ids", "input_mask", "token_type_id", "next_sentence_labels",
                                                  "masked_lm_positions", "masked_lm_ids", "masked_lm_weights")]
    losses = [float(train(*cols).asnumpy()[0]) for _ in range(2)]
    np.testing.assert_allclose(losses, golden["bert_train_losses"], rtol=1e-5)
    params = np.concatenate([p.detach().numpy().reshape(-1) for _, p in net.parameters_and_names()])
    np.testing.assert_allclose(params, golden["bert_train_params"], rtol=1e-4, atol=1e-5)


def test_TrainingWrapper_steps_match_mindspore(golden):
    net = Y.YoloWithLossCell(Y.yolov3_resnet18(SmallYolo()), SmallYolo())
    _set_weights(net, 6)
    train = Y.TrainingWrapper(net, msnn.Momentum(net.trainable_params(), 0.01, 0.9), 2.0).set_train()
    data = [Tensor(golden["yolo_x"])] + [Tensor(golden[f"yolo_y_true_{k}"]) for k in range(3)] + \
        [Tensor(golden[f"yolo_gt_{k}"]) for k in range(3)]
    losses = [float(train(*data).asnumpy())]
    # every parameter after one step, BatchNorm moving statistics (momentum 0.99, updated once a step
    # as in 0.1's graph mode) included; sums and values are compared against the parameter's L2 norm
    got, want = _digest(net), golden["yolo_train_digest"]
    losses.append(float(train(*data).asnumpy()))
    np.testing.assert_allclose(losses, golden["yolo_train_losses"], rtol=1e-4)
    norm = np.sqrt(want[:, 1:2])
    np.testing.assert_allclose(got[:, 1], want[:, 1], rtol=1e-3)
    assert np.all(np.abs(got[:, [0, 2, 3, 4]] - want[:, [0, 2, 3, 4]]) <= 1e-3 * norm + 1e-5)
