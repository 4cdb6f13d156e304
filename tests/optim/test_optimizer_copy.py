"""Optimizers and the cells holding them survive copy.deepcopy, copy.copy and pickling (reliability
finding 6: torch's Optimizer.__getstate__ keeps only defaults/state/param_groups and lost
``parameters``): a copy trains exactly like the original from the same state."""
import copy
import pickle

import numpy as np
import pytest
import torch

import msnn as nn
from msnn import Tensor

OPTIMIZERS = {
    "Momentum": lambda ps: nn.Momentum(ps, 0.1, 0.9, weight_decay=0.01),
    "SGD": lambda ps: nn.SGD(ps, 0.1, momentum=0.9, nesterov=True),
    "Adam": lambda ps: nn.Adam(ps, 0.01),
    "AdamWeightDecay": lambda ps: nn.AdamWeightDecay(ps, 0.01, weight_decay=0.1),
    "AdamWeightDecayDynamicLR": lambda ps: nn.AdamWeightDecayDynamicLR(ps, 10, 0.01),
    "Lamb": lambda ps: nn.Lamb(ps, 10, warmup_steps=2),
    "LARS": lambda ps: nn.LARS(nn.Momentum(ps, [0.1, 0.05, 0.02], 0.9)),
}

COPIES = {
    "deepcopy": copy.deepcopy,
    "pickle": lambda o: pickle.loads(pickle.dumps(o)),
}


class _Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Dense(4, 3)
        self.fc2 = nn.Dense(3, 2)

    def construct(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def _data(step):
    rng = np.random.RandomState(step)
    return Tensor(rng.randn(5, 4).astype(np.float32)), Tensor(rng.randn(5, 2).astype(np.float32))


def _weights(cell):
    return {k: v.detach().clone() for k, v in cell.parameters_dict().items()}


@pytest.mark.parametrize("how", sorted(COPIES))
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_Optimizer_copy_of_TrainOneStepCell_trains_identically(name, how):
    net = _Net()
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), OPTIMIZERS[name](net.trainable_params()))
    train.set_train()
    train(*_data(0))                        # the copy starts from a state with moments and a step count
    twin = COPIES[how](train)
    assert twin.optimizer.parameters[0] is twin.network.trainable_params()[0]  # shares the copy's weights
    for step in range(1, 4):
        a, b = train(*_data(step)), twin(*_data(step))
        assert float(a) == float(b)
    wa, wb = _weights(train), _weights(twin)
    assert sorted(wa) == sorted(wb)
    for k in wa:
        assert torch.equal(wa[k], wb[k]), k
    # the original and the copy are independent
    for p in twin.network.trainable_params():
        assert all(p is not q for q in train.network.trainable_params())


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_Optimizer_shallow_copy_keeps_parameters(name):
    net = _Net()
    opt = OPTIMIZERS[name](net.trainable_params())
    twin = copy.copy(opt)
    assert [p is q for p, q in zip(twin.parameters, opt.parameters)] == [True] * 4
    before = net.fc1.weight.detach().clone()
    for _ in range(3):  # Lamb's warm-up learning rate is 0 at the first step
        twin(tuple(torch.ones_like(p) for p in twin.parameters))
    assert not torch.equal(before, net.fc1.weight.detach())  # the shallow copy updates the same weights


def test_Optimizer_deepcopy_keeps_named_state():
    net = _Net()
    opt = nn.Adam(net.trainable_params(), 0.01)
    opt(tuple(torch.ones_like(p) for p in opt.parameters))
    twin = copy.deepcopy(opt)
    assert [n for n, _ in twin.parameters_and_names()] == [n for n, _ in opt.parameters_and_names()]
    for (_, p), (_, q) in zip(opt.parameters_and_names(), twin.parameters_and_names()):
        assert torch.equal(p.detach(), q.detach()) and p is not q
    assert float(twin.beta1_power) == pytest.approx(0.9)
