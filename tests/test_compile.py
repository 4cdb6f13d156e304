"""torch.compile sees through msnn: graph and break counts pinned with torch._dynamo.explain."""
import numpy as np
import pytest
import torch
import torch._dynamo as dynamo

import msnn as nn


class LeNet(nn.Cell):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, pad_mode='valid')
        self.conv2 = nn.Conv2d(6, 16, 5, pad_mode='valid')
        self.fc1 = nn.Dense(16 * 5 * 5, 120)
        self.fc2 = nn.Dense(120, 84)
        self.fc3 = nn.Dense(84, 10)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2, 2)
        self.flatten = nn.Flatten()

    def construct(self, x):
        x = self.pool(self.relu(self.conv1(x)))
        x = self.pool(self.relu(self.conv2(x)))
        x = self.flatten(x)
        return self.fc3(self.relu(self.fc2(self.relu(self.fc1(x)))))


class Encoder(nn.Cell):
    """One BERT-style encoder layer (attention + feed-forward, LayerNorm, Dropout, GELU)."""

    def __init__(self, h=32, heads=4):
        super().__init__()
        self.q, self.k, self.v, self.o = nn.Dense(h, h), nn.Dense(h, h), nn.Dense(h, h), nn.Dense(h, h)
        self.ln1 = nn.LayerNorm((h,), -1, -1)
        self.ln2 = nn.LayerNorm((h,), -1, -1)
        self.ff1 = nn.Dense(h, 4 * h, activation='gelu')
        self.ff2 = nn.Dense(4 * h, h)
        self.softmax = nn.Softmax(-1)
        self.drop = nn.Dropout(0.9)
        self.heads = heads

    def construct(self, x):
        b, s, h = x.shape
        x = x.reshape(b * s, h)
        q = self.q(x).reshape(b, s, self.heads, -1).transpose(1, 2)
        k = self.k(x).reshape(b, s, self.heads, -1).transpose(1, 2)
        v = self.v(x).reshape(b, s, self.heads, -1).transpose(1, 2)
        a = self.softmax(q @ k.transpose(-1, -2) / 8.0)
        c = (a @ v).transpose(1, 2).reshape(b * s, h)
        x = self.ln1(x + self.drop(self.o(c)))
        return self.ln2(x + self.ff2(self.ff1(x))).reshape(b, s, h)


def _explain(fn, *args):
    dynamo.reset()
    e = dynamo.explain(fn)(*args)
    return e.graph_count, e.graph_break_count


@pytest.fixture(autouse=True)
def _reset():
    yield
    dynamo.reset()


def test_compile_explain_lenet_train_step():
    np.random.seed(0)
    net = LeNet()
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True)
    step = nn.TrainOneStepCell(nn.WithLossCell(net, loss), nn.Momentum(net.trainable_params(), 0.01, 0.9))
    step.set_train()
    x = torch.randn(4, 1, 32, 32)
    y = torch.randint(0, 10, (4,), dtype=torch.int32)
    assert _explain(net, x) == (1, 0)
    # forward and gradient trace into one graph; the step breaks once, at the optimizer's
    # parameter-view cache (a data-pointer comparison)
    assert _explain(step, x, y) == (2, 1)


def test_compile_explain_bert_style_encoder_forward():
    enc = Encoder().set_train()
    assert _explain(enc, torch.randn(2, 8, 32)) == (1, 0)


def test_Cell_to_float_compiles_to_one_graph_and_matches_eager():
    np.random.seed(1)
    net = LeNet().to_float(nn.float16)
    x = torch.randn(2, 1, 32, 32)
    assert _explain(net, x) == (1, 0)
    eager = net(x)
    compiled = torch.compile(net, backend="eager")(x)
    assert eager.dtype == torch.float16 and compiled.dtype == torch.float16
    torch.testing.assert_close(compiled, eager)
    assert net.fc1.weight.dtype == torch.float32  # master weights untouched
