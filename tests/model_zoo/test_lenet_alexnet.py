"""model_zoo LeNet5 and AlexNet: 0.1's parameter lists, forward shapes, initialisers, training."""
import numpy as np

import msnn
import msnn as nn
from msnn import Tensor
from msnn.model_zoo import alexnet
from msnn.model_zoo.alexnet import AlexNet
from msnn.model_zoo.lenet import LeNet5

from .conftest import expected_params, listing


def _train(net, x, y, steps, lr=0.05):
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    opt = nn.Momentum(net.trainable_params(), learning_rate=lr, momentum=0.9)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, loss), opt)
    train.set_train()
    return [float(train(x, y).asnumpy()) for _ in range(steps)]


def test_LeNet5_parameters_match_0_1():
    assert listing(LeNet5()) == expected_params("lenet.LeNet5()")


def test_LeNet5_forward_initialisers_and_training():
    net = LeNet5(num_class=10)
    assert net.num_class == 10 and net.batch_size == 32
    w = net.fc1.weight.asnumpy()
    # TruncatedNormal(0.02): cut at 2 sigma, std 0.02 * 0.8796
    assert np.abs(w).max() <= 0.04 and abs(w.std() - 0.02 * 0.87962566) < 1e-3
    assert abs(net.fc1.bias.asnumpy().std() - 0.0176) < 6e-3 and net.conv1.bias is None
    x = Tensor(np.random.normal(0, 1, (8, 1, 32, 32)), msnn.float32)
    y = Tensor(np.arange(8) % 10, msnn.int32)
    assert net(x).shape() == (8, 10)
    losses = _train(net, x, y, 15, lr=0.1)
    assert losses[-1] < losses[0] - 0.05, losses


def test_AlexNet_parameters_forward(fast_init):
    net = AlexNet(num_classes=10)
    assert listing(net) == expected_params("alexnet.AlexNet()")
    assert net.batch_size == 32
    assert net(Tensor(np.ones([1, 3, 227, 227]), msnn.float32)).shape() == (1, 10)


def test_AlexNet_initialiser():
    np.random.seed(1)
    net = alexnet._conv(3, 96, 11, stride=4)
    w = net.weight.asnumpy()
    assert np.abs(w).max() <= 0.04 and abs(w.std() - 0.0176) < 1e-3
