"""Shared pieces of the msnn.train tests: a tiny network and an in-memory dataset with 0.1's API."""
import numpy as np
import torch

import msnn as nn
from msnn import context
from msnn.train.callback import Callback


def dev(array):
    """A numpy array as a tensor on msnn's context device (CUDA by default where there is one)."""
    return torch.from_numpy(array).to(context.device())


class TinyNet(nn.Cell):
    """Dense(4, 3) with fixed weights (every instance starts from the same numbers)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Dense(4, 3)
        rng = np.random.RandomState(7)
        with torch.no_grad():
            self.fc.weight.copy_(torch.tensor(rng.normal(0, 0.5, (3, 4)), dtype=torch.float32))
            self.fc.bias.copy_(torch.tensor(rng.normal(0, 0.1, (3,)), dtype=torch.float32))

    def construct(self, x):
        return self.fc(x)


def make_rows(n, batch=2, seed=0, nan_at=None):
    """``n`` rows of (float32 [batch, 4] data, int32 [batch] label)."""
    rng = np.random.RandomState(seed)
    rows = []
    for i in range(n):
        data = rng.normal(0, 1, (batch, 4)).astype(np.float32)
        if nan_at is not None and i == nan_at:
            data[:] = np.nan
        rows.append((data, rng.randint(0, 3, (batch,)).astype(np.int32)))
    return rows


class ListDataset:
    """0.1's dataset surface over a list of rows: get_dataset_size() is one epoch (before repeat),
    create_tuple_iterator() runs through the rows get_repeat_count() times."""

    def __init__(self, rows, repeat=1):
        self.rows = rows
        self.repeat = repeat
        self.iterators = 0
        self.pulled = []  # (iterator number, row index) of every row handed out
        self.resets = 0

    def get_dataset_size(self):
        return len(self.rows)

    def get_repeat_count(self):
        return self.repeat

    def reset(self):
        self.resets += 1

    def create_tuple_iterator(self):
        self.iterators += 1
        number = self.iterators
        for _ in range(self.repeat):
            for i, (data, label) in enumerate(self.rows):
                self.pulled.append((number, i))
                yield [data, label]


def new_model(**kwargs):
    net = TinyNet()
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
    from msnn.train import Model
    return net, opt, Model(net, loss_fn=loss, optimizer=opt, **kwargs)


def manual_train(rows, epochs, sens=1.0):
    """The same training written with the wrap cells directly."""
    net = TinyNet()
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
    step = nn.TrainOneStepCell(nn.WithLossCell(net, loss), opt, sens).set_train()
    losses = []
    for _ in range(epochs):
        for data, label in rows:
            losses.append(float(step(dev(data), dev(label)).asnumpy()))
    return net, losses


class Recorder(Callback):
    """Records (hook, epoch, step) at every hook and the params it saw."""

    def __init__(self, stop_at=None):
        super().__init__()
        self.events = []
        self.params = None
        self.losses = []
        self.stop_at = stop_at

    def _note(self, hook, run_context):
        p = run_context.original_args()
        self.params = p
        self.events.append((hook, p.get("cur_epoch_num"), p.get("cur_step_num")))

    def begin(self, run_context):
        self._note("begin", run_context)

    def epoch_begin(self, run_context):
        self._note("epoch_begin", run_context)

    def epoch_end(self, run_context):
        self._note("epoch_end", run_context)

    def step_begin(self, run_context):
        self._note("step_begin", run_context)

    def step_end(self, run_context):
        self._note("step_end", run_context)
        out = run_context.original_args().net_outputs
        self.losses.append(float((out[0] if isinstance(out, tuple) else out).asnumpy()))
        if self.stop_at is not None and run_context.original_args().cur_step_num == self.stop_at:
            run_context.request_stop()

    def end(self, run_context):
        self._note("end", run_context)
