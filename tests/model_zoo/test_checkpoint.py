"""model_zoo networks through MindSpore's .ckpt format: the file holds 0.1's parameter names in
0.1's order, and loads back into a fresh network."""
import numpy as np
import torch

import msnn
from msnn import Tensor
from msnn.model_zoo import Bert_NEZHA as B
from msnn.model_zoo.lenet import LeNet5
from msnn.model_zoo.yolov3 import yolov3_resnet18
from msnn.train.serialization import load_checkpoint, load_param_into_net, save_checkpoint

from .conftest import expected_params, tiny_bert_kwargs
from .test_yolov3 import ConfigYOLOV3ResNet18


def _roundtrip(net, fresh, path):
    save_checkpoint(net, str(path))
    params = load_checkpoint(str(path))
    load_param_into_net(fresh, params)
    for (name, a), (name_b, b) in zip(net.parameters_and_names(), fresh.parameters_and_names()):
        assert name == name_b and torch.equal(a.detach(), b.detach()), name
    return list(params)


def test_LeNet5_checkpoint_names_are_0_1s(tmp_path):
    names = _roundtrip(LeNet5(), LeNet5(), tmp_path / "lenet.ckpt")
    assert names == [n for n, _, _ in expected_params("lenet.LeNet5()")]


def test_BertNetworkWithLoss_checkpoint_names_are_0_1s(tmp_path):
    cfg = B.BertConfig(**tiny_bert_kwargs())
    names = _roundtrip(B.BertNetworkWithLoss(cfg, True), B.BertNetworkWithLoss(cfg, True), tmp_path / "bert.ckpt")
    assert names == [n for n, _, _ in expected_params("Bert_NEZHA.BertNetworkWithLoss(TINY, True)")]


def test_yolov3_resnet18_checkpoint_loads_into_eval_network(tmp_path, fast_init):
    net = yolov3_resnet18(ConfigYOLOV3ResNet18())
    with torch.no_grad():
        for p in net.get_parameters():
            p.fill_(0.5)
    names = _roundtrip(net, yolov3_resnet18(ConfigYOLOV3ResNet18()), tmp_path / "yolo.ckpt")
    assert names == [n for n, _, _ in expected_params("yolov3.yolov3_resnet18(ConfigYOLOV3ResNet18())")]
    assert isinstance(Tensor(np.zeros(1)), torch.Tensor) and msnn.float32 == torch.float32
