"""Whole training steps: msnn (TrainOneStepCell + msnn optimizer) against the same model in plain
torch (torch.nn + torch.optim, zero_grad / backward / step), interleaved in one process.

Models: LeNet-5 (batch 64, Momentum), ResNet-small (batch 32, BatchNorm, Momentum), 2-layer LSTM
(batch 32, Adam), BERT-small encoder (batch 16, AdamWeightDecay against AdamW). A torch-against-torch
row gives the noise floor.

"The same model" means the same function from the same weights, so both sides do the same
arithmetic: the torch side is what a hand-port of the MindSpore model computes (convolutions without
bias, as MindSpore's Conv2d default; 'same' padding with its extra bottom/right row as ``F.pad``),
and the torch model's initial weights are copied into the msnn model (MindSpore's own initialisers
differ -- e.g. the LSTM weight starts at zero, which keeps Adam's second moments at exactly 0, and
torch's CPU ``sqrt`` is ~15x slower on zeros than on other values: that would be measured as
"msnn" cost though both would pay it on equal weights). ``resnet-sym`` times msnn's ResNet against
torch's symmetric ``padding=1`` instead (a different function): it names the price of MindSpore's
'same' padding.

Timing: one step of each, alternating which goes first, ``--pairs`` times; the ratio of the two
adjacent steps is one sample, and the row shows the median ratio and its quartiles (adjacent steps
see the same machine load, so other processes cancel out far better than in long blocks). The
clock is the process CPU time by default (time spent descheduled on a shared machine does not
count; ``--clock wall`` for wall time). Goal: <= 1.02 for every model.

msnn runs in PYNATIVE_MODE (eager; ``--graph``: GRAPH_MODE, torch.compile, against eager torch).

``--fixed`` adds msnn's fixed cost per step: the same two steps at batch 2, where kernels are tiny
and what remains is per-step work (Python, dispatch, small tensors), as microseconds over torch's
step (blocks of 40 steps alternating 30 times, median difference). At the benchmark's batch sizes
that cost divided by the torch step is the ratio msnn must reach when the kernels are identical.

    python bench/models.py [--pairs 200] [--only lenet,lstm] [--threads 1] [--clock cpu|wall] [--graph] [--fixed]
"""
import argparse
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

import msnn as nn
from msnn import Tensor, context


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
        torch.nn.Conv2d(1, 6, 5, bias=False), torch.nn.ReLU(), torch.nn.MaxPool2d(2, 2),
        torch.nn.Conv2d(6, 16, 5, bias=False), torch.nn.ReLU(), torch.nn.MaxPool2d(2, 2), torch.nn.Flatten(),
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
    """``same_pad``: MindSpore's 'same' (a stride-2 3x3 conv on an even size pads one row/column at
    the bottom/right only: ``F.pad`` then an unpadded conv); else torch's symmetric ``padding=1``."""

    def __init__(self, cin, cout, stride, same_pad=True):
        super().__init__()
        self.pad = same_pad and stride == 2
        self.conv1 = torch.nn.Conv2d(cin, cout, 3, stride, padding=0 if self.pad else 1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.conv2 = torch.nn.Conv2d(cout, cout, 3, 1, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = torch.nn.Sequential(torch.nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            torch.nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.down is None else self.down(x)
        out = F.relu(self.bn1(self.conv1(F.pad(x, (0, 1, 0, 1)) if self.pad else x)))
        return F.relu(self.bn2(self.conv2(out)) + identity)


def torch_resnet_small(same_pad=True):
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, 1, padding=1, bias=False),
                                            torch.nn.BatchNorm2d(16), torch.nn.ReLU())
            self.layers = torch.nn.Sequential(TorchBlock(16, 16, 1, same_pad), TorchBlock(16, 32, 2, same_pad),
                                              TorchBlock(32, 64, 2, same_pad))
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
        out, _ = self.lstm(x, (torch.zeros(2, x.shape[0], 64), torch.zeros(2, x.shape[0], 64)))
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
        self.ln1 = torch.nn.LayerNorm(H, eps=1e-12)
        self.ff1 = torch.nn.Linear(H, 4 * H)
        self.ff2 = torch.nn.Linear(4 * H, H)
        self.ln2 = torch.nn.LayerNorm(H, eps=1e-12)

    def forward(self, x):
        b, s, h = x.shape
        flat = x.reshape(b * s, h)
        q, k, v = self.qkv(flat).reshape(b, s, 3, HEADS, h // HEADS).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) * (1.0 / (h // HEADS) ** 0.5), -1)
        c = (a @ v).transpose(1, 2).reshape(b * s, h)
        flat = self.ln1(flat + self.out(c))
        return self.ln2(flat + self.ff2(F.gelu(self.ff1(flat), approximate="tanh"))).reshape(b, s, h)


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


def copy_weights(ms_net, torch_net):
    """The torch model's initial weights into the msnn model (same order, same sizes; the LSTM's flat
    weight through its per-matrix views), so both sides do the same arithmetic."""
    with torch.no_grad():
        if isinstance(ms_net, MsLSTMNet):
            for dst, src in zip(ms_net.lstm._flat_weights(), torch_net.lstm._flat_weights):
                dst.copy_(src)
            pairs = [(ms_net.fc.weight, torch_net.fc.weight), (ms_net.fc.bias, torch_net.fc.bias)]
        else:
            pairs = list(zip(ms_net.trainable_params(), torch_net.parameters()))
            assert len(pairs) == len(ms_net.trainable_params()) == len(list(torch_net.parameters()))
        for dst, src in pairs:
            assert dst.numel() == src.numel(), (dst.name, tuple(dst.shape), tuple(src.shape))
            dst.copy_(src.reshape(dst.shape))


def batches(make, n=32):
    """``n`` (msnn inputs, torch inputs) pairs: the same data, msnn's labels int32 (MindSpore's
    sparse labels), torch's int64. The steps cycle through them, so the loss does not collapse to
    ~0 on one memorised batch (tiny gradients run torch's kernels in another numeric regime)."""
    out = []
    for _ in range(n):
        x, y = make()
        out.append(((x.int() if x.dtype == torch.int64 else x, y.int()), (x, y)))
    return out


def case(name):
    """(msnn step, torch step, batches) for one model."""
    np.random.seed(0)
    torch.manual_seed(0)
    sce = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction="mean")
    if name in ("lenet", "floor"):
        data = batches(lambda: (torch.randn(64, 1, 32, 32), torch.randint(0, 10, (64,))))
        tn = torch_lenet()
        ts = torch_step(tn, torch.optim.SGD(tn.parameters(), 0.01, momentum=0.9, foreach=True))
        if name == "floor":
            tn2 = torch_lenet()
            tn2.load_state_dict(tn.state_dict())
            ts2 = torch_step(tn2, torch.optim.SGD(tn2.parameters(), 0.01, momentum=0.9, foreach=True))
            return ts, ts2, [(b, b) for _, b in data]
        mn = MsLeNet()
        copy_weights(mn, tn)
        return ms_step(mn, nn.Momentum(mn.trainable_params(), 0.01, 0.9), sce), ts, data
    if name in ("resnet", "resnet-sym"):
        data = batches(lambda: (torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,))))
        mn, tn = MsResNetSmall(), torch_resnet_small(same_pad=name == "resnet")
        copy_weights(mn, tn)
        return (ms_step(mn, nn.Momentum(mn.trainable_params(), 0.01, 0.9), sce),
                torch_step(tn, torch.optim.SGD(tn.parameters(), 0.01, momentum=0.9, foreach=True)), data)
    if name == "lstm":
        data = batches(lambda: (torch.randn(32, 20, 32), torch.randint(0, 10, (32,))))
        mn, tn = MsLSTMNet(), TorchLSTMNet()
        copy_weights(mn, tn)
        return (ms_step(mn, nn.Adam(mn.trainable_params(), 1e-3), sce),
                torch_step(tn, torch.optim.Adam(tn.parameters(), 1e-3, foreach=True)), data)
    if name == "bert":
        data = batches(lambda: (torch.randint(0, 1000, (16, SEQ)), torch.randint(0, 2, (16,))))
        mn, tn = MsBert(), TorchBert()
        copy_weights(mn, tn)
        return (ms_step(mn, nn.AdamWeightDecay(mn.trainable_params(), 1e-4, weight_decay=0.01), sce),
                torch_step(tn, torch.optim.AdamW(tn.parameters(), 1e-4, weight_decay=0.01, foreach=True)), data)
    raise ValueError(name)


def compare(name, pairs, clock, warmup=8):
    """Median and quartiles of the msnn/torch ratio of adjacent steps, and torch's median step."""
    ms, th, data = case(name)
    for i in range(warmup):
        ms(*data[i % len(data)][0])
        th(*data[i % len(data)][1])
    ratios, per_step = [], []
    for r in range(pairs):
        ms_args, th_args = data[r % len(data)]
        if r % 2:
            t0 = clock()
            ms(*ms_args)
            t1 = clock()
            th(*th_args)
            t2 = clock()
            a, b = t1 - t0, t2 - t1
        else:
            t0 = clock()
            th(*th_args)
            t1 = clock()
            ms(*ms_args)
            t2 = clock()
            a, b = t2 - t1, t1 - t0
        if b > 0:
            ratios.append(a / b)
            per_step.append(b)
    q = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), q[0], q[2], statistics.median(per_step)


def fixed_cost(name, rounds=30, steps=40, batch=2):
    """msnn's fixed cost per step in microseconds: the same models at batch ``batch``, where the
    kernels are tiny and what is left is per-step work (Python, dispatch, small tensors). Blocks of
    ``steps`` msnn steps and ``steps`` torch steps alternate ``rounds`` times; the median of the
    per-round differences of the mean step times, and the torch step time."""
    ms, th, data = case(name)
    small = [((m[0][:batch], m[1][:batch]), (t[0][:batch], t[1][:batch])) for m, t in data]
    if name == "lstm":  # the msnn model's initial state is sized for batch 32
        ms.network._backbone.h = ms.network._backbone.h[:, :batch]
        ms.network._backbone.c = ms.network._backbone.c[:, :batch]
    for i in range(10):
        ms(*small[i % len(small)][0])
        th(*small[i % len(small)][1])
    diffs, torch_steps = [], []
    for r in range(rounds):
        times = {}
        for side, fn in (((0, ms), (1, th)) if r % 2 else ((1, th), (0, ms))):
            t0 = time.process_time()
            for i in range(steps):
                fn(*small[i % len(small)][side])
            times[side] = (time.process_time() - t0) / steps
        diffs.append(times[0] - times[1])
        torch_steps.append(times[1])
    return statistics.median(diffs), statistics.median(torch_steps)


LABELS = {"floor": "noise floor: torch LeNet against torch LeNet", "lenet": "LeNet-5 b64, Momentum",
          "resnet": "ResNet-small b32, BatchNorm, Momentum", "lstm": "2-layer LSTM b32, Adam",
          "bert": "BERT-small (2 layers, h128, seq 64) b16, AdamWeightDecay",
          "resnet-sym": "ResNet-small against torch's symmetric padding=1"}
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu")
    parser.add_argument("--only", default="floor,lenet,resnet,lstm,bert")
    parser.add_argument("--fixed", action="store_true",
                        help="also msnn's fixed cost per step (microseconds, at batch 2)")
    parser.add_argument("--graph", action="store_true",
                        help="msnn in GRAPH_MODE (torch.compile) instead of PYNATIVE_MODE (eager)")
    args = parser.parse_args()
    # 0.1's default mode is GRAPH_MODE (compiled after a few calls): the eager comparison says PYNATIVE
    context.set_context(mode=context.GRAPH_MODE if args.graph else context.PYNATIVE_MODE)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # both sides: no denormal slow paths when gradients get tiny
    print(f"torch {torch.__version__}, {args.threads} thread(s), {args.pairs} interleaved step pairs, "
          f"{args.clock} clock, msnn in {'GRAPH' if args.graph else 'PYNATIVE'}_MODE")
    print(f"{'model':58s} {'median msnn/torch':>18s} {'quartiles':>14s} {'torch step':>11s}"
          + (f" {'fixed cost (batch 2)':>24s}" if args.fixed else ""))
    for name in args.only.split(","):
        med, q1, q3, step = compare(name, args.pairs, CLOCKS[args.clock])
        line = f"{LABELS[name]:58s} {med:18.3f} {q1:6.3f}-{q3:6.3f} {step * 1e3:9.2f}ms"
        if args.fixed:
            extra, small_step = fixed_cost(name)
            line += f" {extra * 1e6:+7.0f} us of {small_step * 1e3:5.2f}ms"
        print(line, flush=True)


if __name__ == "__main__":
    main()
