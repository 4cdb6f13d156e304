"""model_zoo ResidualBlock / ResNet / resnet50: 0.1's parameter lists, initialisers, forward, training."""
import inspect

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor
from msnn.model_zoo import lenet, resnet
from msnn.model_zoo.alexnet import AlexNet
from msnn.model_zoo.lenet import LeNet5
from msnn.model_zoo.resnet import ResidualBlock, ResNet, resnet50, resnet101
from msnn.model_zoo.vgg import vgg16

from .conftest import expected_params, listing


def _train(net, x, y, steps, lr=0.05):
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    opt = nn.Momentum(net.trainable_params(), learning_rate=lr, momentum=0.9)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, loss), opt)
    train.set_train()
    return [float(train(x, y).asnumpy()) for _ in range(steps)]


def test_resnet50_parameters_match_0_1(fast_init):
    assert listing(resnet50(10)) == expected_params("resnet.resnet50(10)")


def test_resnet50_signature_as_the_0_1_example():
    assert str(inspect.signature(resnet50)) == "(class_num=10)"
    assert str(inspect.signature(ResNet)) == ("(block, layer_nums, in_channels, out_channels, strides, "
                                              "num_classes)")
    with pytest.raises(ValueError, match="ResNet"):
        ResNet(ResidualBlock, [1, 1, 1], [64, 8, 16], [8, 16, 32], [1, 2, 2], 10)


def test_resnet101_stages(fast_init):
    net = resnet101(10)
    assert [len(getattr(net, f"layer{i}")) for i in range(1, 5)] == [3, 4, 23, 3]


def test_ResidualBlock_parameters_initialisers_forward():
    np.random.seed(3)
    block = ResidualBlock(3, 256, stride=2)
    assert listing(block) == expected_params("resnet.ResidualBlock(3, 256, stride=2)")
    w = block.conv2.weight.asnumpy()  # N(0, 0.01^2)
    assert abs(w.std() - 0.01) < 1e-3 and abs(w.mean()) < 1e-3
    assert np.all(block.bn3.gamma.asnumpy() == 0) and np.all(block.bn1.gamma.asnumpy() == 1)
    assert block.bn1.eps == 1e-4 and abs(block.bn1.momentum - 0.1) < 1e-7  # 0.1 keeps 1 - momentum
    out = block(Tensor(np.ones([2, 3, 9, 9]), msnn.float32))
    assert out.shape() == (2, 256, 5, 5)  # 'same' padding: ceil(9 / 2)
    same = ResidualBlock(256, 256)
    assert same.down_sample is False and same.down_sample_layer is None


def test_ResNet_small_forward_and_training():
    np.random.seed(0)
    net = ResNet(ResidualBlock, [1, 1, 1, 1], [64, 16, 32, 64], [16, 32, 64, 128], [1, 2, 2, 2], 4)
    x = Tensor(np.random.normal(0, 1, (4, 3, 16, 16)), msnn.float32)
    y = Tensor(np.array([0, 1, 2, 3]), msnn.int32)
    assert net(x).shape() == (4, 4)
    # last BN gammas start at 0: each block starts as its shortcut; the loss still falls
    losses = _train(net, x, y, 8, lr=0.1)
    assert losses[-1] < losses[0], losses


def test_resnet50_mindspore_import_path():
    msnn.install_alias()
    from mindspore.model_zoo.resnet import resnet50 as ms_resnet50  # pylint: disable=import-outside-toplevel
    from mindspore.model_zoo.lenet import LeNet5 as ms_lenet  # pylint: disable=import-outside-toplevel
    from mindspore.model_zoo.vgg import vgg16 as ms_vgg16  # pylint: disable=import-outside-toplevel
    from mindspore.model_zoo.alexnet import AlexNet as ms_alexnet  # pylint: disable=import-outside-toplevel
    assert ms_resnet50 is resnet50 and ms_lenet is LeNet5 and ms_vgg16 is vgg16 and ms_alexnet is AlexNet
    assert lenet.__name__ == "msnn.model_zoo.lenet" and resnet.__name__ == "msnn.model_zoo.resnet"
    assert torch.is_tensor(LeNet5().conv1.weight)
