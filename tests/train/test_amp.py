"""amp.build_train_network: O0 / O2, keep_batchnorm_fp32, the loss-scale cells, argument checks."""
import numpy as np
import pytest
import torch

import msnn as nn
from msnn import context
from msnn.train import Model
from msnn.train.amp import build_train_network
from msnn.train.loss_scale_manager import FixedLossScaleManager


class ConvBN(nn.Cell):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.flatten = nn.Flatten()
        self.fc = nn.Dense(4 * 6 * 6, 3)

    def construct(self, x):
        return self.fc(self.flatten(self.bn(self.conv(x))))


def _parts():
    net = ConvBN()
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.01, momentum=0.9)
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    return net, opt, loss


def _batch():
    rng = np.random.RandomState(0)
    device = context.device()
    return (torch.tensor(rng.normal(0, 1, (2, 3, 6, 6)), dtype=torch.float32, device=device),
            torch.tensor([0, 2], dtype=torch.int32, device=device))


def _half():
    """O2's half type: float16 on CUDA, bfloat16 on the CPU."""
    return torch.float16 if context.device().type == "cuda" else torch.bfloat16


def test_build_train_network_O0():
    net, opt, loss = _parts()
    names = [p.name for p in net.get_parameters()]
    train = build_train_network(net, opt, loss, level="O0")
    assert type(train) is nn.TrainOneStepCell and train.sens == 1.0 and train.training
    assert type(train.network) is nn.WithLossCell
    assert [p.name for p in net.get_parameters()] == names
    assert net(_batch()[0]).dtype == torch.float32


def test_build_train_network_O2_half_precision_and_batchnorm_fp32():
    net, opt, loss = _parts()
    names = [p.name for p in net.get_parameters()]
    keys = list(net.state_dict())
    train = build_train_network(net, opt, loss, level="O2")
    assert type(train) is nn.TrainOneStepWithLossScaleCell
    assert float(train.loss_scale.asnumpy()) == 2.0 ** 24
    assert [p.name for p in net.get_parameters()] == names and list(net.state_dict()) == keys
    half = _half()
    x, y = _batch()
    net.set_train(False)
    assert net(x).dtype == half and net.conv(x).dtype == half
    # BatchNorm: float32 inside, the half type out -- equal to the float32 BatchNorm, rounded
    h = net.conv(x)
    ref = nn.BatchNorm2d(4)
    ref.load_state_dict(net.bn.state_dict())
    np.testing.assert_array_equal(net.bn(h).asnumpy(), ref(h.float()).detach().to(half).float().cpu().numpy())
    # one training step: float32 master weights and statistics, a float32 loss
    before = net.fc.weight.detach().clone()
    loss_value, overflow, scale = train(x, y)
    assert loss_value.dtype == torch.float32
    assert all(p.dtype == torch.float32 for p in net.get_parameters())
    assert net.bn.moving_mean.dtype == torch.float32
    if half is torch.bfloat16:  # float32's range: 2**24 does not overflow, the step is taken
        assert not bool(overflow.asnumpy()) and not torch.equal(net.fc.weight.detach(), before)
    else:  # float16: the scaled gradients overflow, the step is skipped and the scale halves
        assert bool(overflow.asnumpy()) and torch.equal(net.fc.weight.detach(), before)
        assert float(scale.asnumpy()) == 2.0 ** 23


def test_build_train_network_O2_keyword_overrides():
    net, opt, loss = _parts()
    build_train_network(net, opt, loss, level="O2", keep_batchnorm_fp32=False)
    h = net.conv(_batch()[0])
    ref = nn.BatchNorm2d(4)
    ref.load_state_dict(net.bn.state_dict())
    ref.to_float(nn.float32)
    assert net.bn(h).dtype == _half()
    net, opt, loss = _parts()
    train = build_train_network(net, opt, loss, level="O2", cast_model_type=nn.float32,
                                loss_scale_manager=FixedLossScaleManager(8, drop_overflow_update=False))
    assert type(train) is nn.TrainOneStepCell and train.sens == 8
    assert net(_batch()[0]).dtype == torch.float32


def test_build_train_network_checks():
    net, opt, loss = _parts()
    with pytest.raises(ValueError, match="'level'"):
        build_train_network(net, opt, loss, level="O1")
    with pytest.raises(ValueError, match="'kwargs'"):
        build_train_network(net, opt, loss, loss_scale=2)
    with pytest.raises(ValueError, match="'cast_model_type'"):
        build_train_network(net, opt, loss, cast_model_type=nn.float64)
    with pytest.raises(ValueError, match="'keep_batchnorm_fp32'"):
        build_train_network(net, opt, loss, keep_batchnorm_fp32=1)
    with pytest.raises(ValueError, match="'loss_scale_manager'"):
        build_train_network(net, opt, loss, loss_scale_manager=2.0)
    with pytest.raises(ValueError, match="'network'"):
        build_train_network(torch.nn.Linear(2, 2), opt, loss)
    with pytest.raises(ValueError, match="'optimizer'"):
        build_train_network(net, torch.optim.SGD(net.parameters(), 0.1), loss)


def test_Model_amp_level_O2_trains():
    net, opt, loss = _parts()
    model = Model(net, loss, opt, amp_level="O2", keep_batchnorm_fp32=True)
    x, y = _batch()
    rows = [(x.cpu().numpy(), y.cpu().numpy())] * 3
    model.train(1, rows, dataset_sink_mode=False)
    assert type(model._train_network) is nn.TrainOneStepWithLossScaleCell
    assert all(p.dtype == torch.float32 for p in net.get_parameters())
    with pytest.raises(ValueError, match="'amp_level'"):
        Model(net, loss, opt, amp_level="O3")  # checked by Model itself
