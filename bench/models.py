"""Whole training steps: msnn (TrainOneStepCell + msnn optimizer) against the same model in plain
torch (torch.nn + torch.optim, zero_grad / backward / step), interleaved in one process.

Models: LeNet-5 (batch 64, Momentum), ResNet-small (batch 32, BatchNorm, Momentum), 2-layer LSTM
(batch 32, Adam), BERT-small encoder (batch 16, AdamWeightDecay against AdamW). A torch-against-torch
row gives the noise floor. Prints the median of the per-round time ratios msnn/torch and the
quartiles. Goal: <= 1.02 for every model.

    python bench/models.py [--rounds 21] [--iters 10] [--only lenet,lstm] [--threads 1]
"""
import argparse
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

import msnn as nn
from msnn import Tensor


# -- LeNet-5 ---------------------------------------------------------------------------------------
class MsLeNet(nn.Cell):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, pad_mode='valid')
        self.conv2 = nn.Conv2d(6, 16, 5, pad_mode='valid')
        self.fc1 = nn.Dense(400, 120)
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


def torch_lenet():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2, 2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2, 2), torch.nn.Flatten(),
        torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(),
        torch.nn.Linear(84, 10))


# -- ResNet-small ------------------------------------------------------------------------------------
class MsBlock(nn.Cell):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, pad_mode='same')
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, pad_mode='same')
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.SequentialCell([nn.Conv2d(cin, cout, 1, stride), nn.BatchNorm2d(cout)])

    def construct(self, x):
        identity = x if self.down is None else self.down(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


class MsResNetSmall(nn.Cell):
    def __init__(self):
        super().__init__()
        self.stem = nn.SequentialCell([nn.Conv2d(3, 16, 3, 1, pad_mode='same'), nn.BatchNorm2d(16), nn.ReLU()])
        self.layers = nn.SequentialCell([MsBlock(16, 16, 1), MsBlock(16, 32, 2), MsBlock(32, 64, 2)])
        self.fc = nn.Dense(64, 10)

    def construct(self, x):
        x = self.layers(self.stem(x))
        return self.fc(x.mean((2, 3)))


class TorchBlock(torch.nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(cin, cout, 3, stride, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.conv2 = torch.nn.Conv2d(cout, cout, 3, 1, padding=1)
        self.bn2 = torch.nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = torch.nn.Sequential(torch.nn.Conv2d(cin, cout, 1, stride), torch.nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.down is None else self.down(x)
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + identity)


def torch_resnet_small():
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, 1, padding=1), torch.nn.BatchNorm2d(16),
                                            torch.nn.ReLU())
            self.layers = torch.nn.Sequential(TorchBlock(16, 16, 1), TorchBlock(16, 32, 2), TorchBlock(32, 64, 2))
            self.fc = torch.nn.Linear(64, 10)

        def forward(self, x):
            return self.fc(self.layers(self.stem(x)).mean((2, 3)))
    return Net()


# -- LSTM ----------------------------------------------------------------------------------------------
class MsLSTMNet(nn.Cell):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(32, 64, num_layers=2, batch_first=True)
        self.fc = nn.Dense(64, 10)
        self.h = Tensor(np.zeros((2, 32, 64)), nn.float32)
        self.c = Tensor(np.zeros((2, 32, 64)), nn.float32)

    def construct(self, x):
        out, _ = self.lstm(x, (self.h, self.c))
        return self.fc(out[:, -1])


class TorchLSTMNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(32, 64, num_layers=2, batch_first=True)
        self.fc = torch.nn.Linear(64, 10)

    def forward(self, x):
        out, _ = self.lstm(x, (torch.zeros(2, 32, 64), torch.zeros(2, 32, 64)))
        return self.fc(out[:, -1])


# -- BERT-small encoder -----------------------------------------------------------------------------------
H, HEADS, SEQ, LAYERS = 128, 4, 64, 2


class MsEncoderLayer(nn.Cell):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Dense(H, 3 * H)
        self.out = nn.Dense(H, H)
        self.ln1 = nn.LayerNorm((H,), -1, -1)
        self.ff1 = nn.Dense(H, 4 * H, activation='gelu')
        self.ff2 = nn.Dense(4 * H, H)
        self.ln2 = nn.LayerNorm((H,), -1, -1)
        self.softmax = nn.Softmax(-1)

    def construct(self, x):
        b, s, h = x.shape
        flat = x.reshape(b * s, h)
        q, k, v = self.qkv(flat).reshape(b, s, 3, HEADS, h // HEADS).permute(2, 0, 3, 1, 4)
        a = self.softmax(q @ k.transpose(-1, -2) * (1.0 / (h // HEADS) ** 0.5))
        c = (a @ v).transpose(1, 2).reshape(b * s, h)
        flat = self.ln1(flat + self.out(c))
        return self.ln2(flat + self.ff2(self.ff1(flat))).reshape(b, s, h)


class MsBert(nn.Cell):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(1000, H)
        self.layers = nn.SequentialCell([MsEncoderLayer() for _ in range(LAYERS)])
        self.cls = nn.Dense(H, 2)

    def construct(self, ids):
        return self.cls(self.layers(self.embed(ids))[:, 0])


class TorchEncoderLayer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(H, 3 * H)
        self.out = torch.nn.Linear(H, H)
        self.ln1 = torch.nn.LayerNorm(H)
        self.ff1 = torch.nn.Linear(H, 4 * H)
        self.ff2 = torch.nn.Linear(4 * H, H)
        self.ln2 = torch.nn.LayerNorm(H)

    def forward(self, x):
        b, s, h = x.shape
        flat = x.reshape(b * s, h)
        q, k, v = self.qkv(flat).reshape(b, s, 3, HEADS, h // HEADS).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) * (1.0 / (h // HEADS) ** 0.5), -1)
        c = (a @ v).transpose(1, 2).reshape(b * s, h)
        flat = self.ln1(flat + self.out(c))
        return self.ln2(flat + self.ff2(F.gelu(self.ff1(flat)))).reshape(b, s, h)


class TorchBert(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(1000, H)
        self.layers = torch.nn.Sequential(*[TorchEncoderLayer() for _ in range(LAYERS)])
        self.cls = torch.nn.Linear(H, 2)

    def forward(self, ids):
        return self.cls(self.layers(self.embed(ids))[:, 0])


# -- harness ---------------------------------------------------------------------------------------------
def ms_step(net, opt, loss_fn):
    step = nn.TrainOneStepCell(nn.WithLossCell(net, loss_fn), opt)
    step.set_train()
    return step


def torch_step(net, opt):
    net.train()

    def run(x, y):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss.detach()
    return run


def case(name):
    """(msnn step, its inputs, torch step, its inputs) for one model."""
    np.random.seed(0)
    torch.manual_seed(0)
    sce = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction="mean")
    if name in ("lenet", "floor"):
        x, y = torch.randn(64, 1, 32, 32), torch.randint(0, 10, (64,))
        tn = torch_lenet()
        ts = torch_step(tn, torch.optim.SGD(tn.parameters(), 0.01, momentum=0.9, foreach=True))
        if name == "floor":
            tn2 = torch_lenet()
            return ts, (x, y), torch_step(tn2, torch.optim.SGD(tn2.parameters(), 0.01, momentum=0.9, foreach=True)), (x, y)
        mn = MsLeNet()
        return ms_step(mn, nn.Momentum(mn.trainable_params(), 0.01, 0.9), sce), (x, y.int()), ts, (x, y)
    if name == "resnet":
        x, y = torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,))
        mn, tn = MsResNetSmall(), torch_resnet_small()
        return (ms_step(mn, nn.Momentum(mn.trainable_params(), 0.01, 0.9), sce), (x, y.int()),
                torch_step(tn, torch.optim.SGD(tn.parameters(), 0.01, momentum=0.9, foreach=True)), (x, y))
    if name == "lstm":
        x, y = torch.randn(32, 20, 32), torch.randint(0, 10, (32,))
        mn, tn = MsLSTMNet(), TorchLSTMNet()
        return (ms_step(mn, nn.Adam(mn.trainable_params(), 1e-3), sce), (x, y.int()),
                torch_step(tn, torch.optim.Adam(tn.parameters(), 1e-3, foreach=True)), (x, y))
    if name == "bert":
        ids, y = torch.randint(0, 1000, (16, SEQ)), torch.randint(0, 2, (16,))
        mn, tn = MsBert(), TorchBert()
        return (ms_step(mn, nn.AdamWeightDecay(mn.trainable_params(), 1e-3, weight_decay=0.01), sce),
                (ids.int(), y.int()),
                torch_step(tn, torch.optim.AdamW(tn.parameters(), 1e-3, weight_decay=0.01, foreach=True)), (ids, y))
    raise ValueError(name)


def timed(fn, args, iters):
    start = time.perf_counter()
    for _ in range(iters):
        fn(*args)
    return time.perf_counter() - start


def compare(name, rounds, iters):
    ms, ms_args, th, th_args = case(name)
    for _ in range(2):
        timed(ms, ms_args, iters)
        timed(th, th_args, iters)
    ratios, per_step = [], []
    for r in range(rounds):
        if r % 2:
            a, b = timed(ms, ms_args, iters), timed(th, th_args, iters)
        else:
            b, a = timed(th, th_args, iters), timed(ms, ms_args, iters)
        ratios.append(a / b)
        per_step.append(b / iters)
    q = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), q[0], q[2], statistics.median(per_step)


LABELS = {"floor": "noise floor: torch LeNet against torch LeNet", "lenet": "LeNet-5 b64, Momentum",
          "resnet": "ResNet-small b32, BatchNorm, Momentum", "lstm": "2-layer LSTM b32, Adam",
          "bert": "BERT-small (2 layers, h128, seq 64) b16, AdamWeightDecay"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--iters", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", default="floor,lenet,resnet,lstm,bert")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), {args.rounds} interleaved rounds x {args.iters} steps")
    print(f"{'model':58s} {'median msnn/torch':>18s} {'quartiles':>14s} {'torch step':>11s}")
    for name in args.only.split(","):
        med, q1, q3, step = compare(name, args.rounds, args.iters)
        print(f"{LABELS[name]:58s} {med:18.3f} {q1:6.3f}-{q3:6.3f} {step * 1e3:9.2f}ms", flush=True)


if __name__ == "__main__":
    main()
