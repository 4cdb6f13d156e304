"""Forward+backward time of every issue-3 layer against the plain torch call it wraps.

    python bench/layers.py [--rounds N] [--threads T] [--device cpu|cuda]

For each layer the msnn cell and the torch reference get the same input, the same weights (copied
from the cell) and the same output gradient. One sample is ``reps`` repetitions of
``out = f(x); torch.autograd.grad(out, leaves, dout)`` (reps calibrated so a sample lasts ~2 ms);
msnn and torch samples alternate (order swapped every round) in one process, and the printed ratio
is median(msnn) / median(torch). Goal: <= 1.05. Layers not yet in msnn are skipped with a note.
Sizes are small but realistic so the whole run stays well under two minutes on 2 CPU cores.
Timings are never part of the test suite.
"""
import argparse
import statistics
import sys
import time
import os

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import msnn  # noqa: E402  pylint: disable=wrong-import-position


def _leaf(t, device):
    return t.detach().clone().to(device).requires_grad_(t.is_floating_point())


def _flat(out):
    """LSTM returns (output, (h, c)): flatten nested tuples."""
    if isinstance(out, tuple):
        res = ()
        for o in out:
            res += _flat(o)
        return res
    return (out,)


class Case:
    """One row: an msnn callable, a torch callable, their differentiable leaves and a dout."""

    def __init__(self, name, cell, args, ms_leaves, torch_fn, torch_leaves, note=""):
        self.name, self.note = name, note
        self.ms_fn = lambda: _flat(cell(*args))  # a top-level Cell call (msnn Tensor in and out)
        # what a layer costs inside a network: a nested Cell call is torch's Module._call_impl
        self.nested_fn = lambda: _flat(cell._call_impl(*args))
        self.torch_fn = lambda: _flat(torch_fn())
        self.ms_leaves = [t for t in ms_leaves if t.requires_grad]
        self.torch_leaves = [t for t in torch_leaves if t.requires_grad]
        self.outs, refs = self.ms_fn(), self.torch_fn()
        for a, b in zip(self.outs, refs):  # same computation, or the ratio means nothing
            torch.testing.assert_close(a.detach().as_subclass(torch.Tensor), b.detach(), rtol=1e-4, atol=1e-5)
        self.douts = [torch.randn_like(o) if o.is_floating_point() else None for o in self.outs]

    def _step(self, fn, leaves):
        outs = fn()
        if leaves:
            pairs = [(o, d) for o, d in zip(outs, self.douts) if d is not None and o.requires_grad]
            torch.autograd.grad([o for o, _ in pairs], leaves, [d for _, d in pairs])

    def ms_step(self):
        self._step(self.ms_fn, self.ms_leaves)

    def nested_step(self):
        self._step(self.nested_fn, self.ms_leaves)

    def torch_step(self):
        self._step(self.torch_fn, self.torch_leaves)


def _time(step, reps, sync):
    sync()
    t0 = time.perf_counter()
    for _ in range(reps):
        step()
    sync()
    return (time.perf_counter() - t0) / reps


def run_case(case, rounds, sync):
    """Median seconds per step: (top-level msnn call, nested msnn call, torch)."""
    steps = [case.ms_step, case.nested_step, case.torch_step]
    for _ in range(3):
        for step in steps:
            step()
    one = max(_time(step, 3, sync) for step in steps)
    reps = max(1, int(0.002 / max(one, 1e-7)))
    times = [[], [], []]
    for r in range(rounds):
        order = [0, 1, 2] if r % 2 == 0 else [2, 1, 0]
        for i in order:
            times[i].append(_time(steps[i], reps, sync))
    return [statistics.median(t) for t in times] + [min(t) for t in times]


# ------------------------------------------------------------------------------------------- cases
def build_cases(dev):
    """(name, builder) pairs; a builder returns a Case or raises to be reported and skipped."""
    nn = msnn
    g = torch.Generator().manual_seed(0)

    def rnd(*shape):
        return torch.randn(*shape, generator=g).to(dev)

    def unary(name, cell, torch_fn, shape):
        def build():
            c = cell().to(dev)
            x_ms, x_t = _leaf(rnd(*shape), dev), None
            x_t = _leaf(x_ms, dev)
            return Case(name, c, (x_ms,), [x_ms], lambda: torch_fn(x_t), [x_t])
        return name, build

    def dense():
        c = nn.Dense(512, 256).to(dev)
        x = _leaf(rnd(128, 512), dev)
        xt, w, b = _leaf(x, dev), _leaf(c.weight, dev), _leaf(c.bias, dev)
        return Case("Dense(512->256), x 128x512", c, (x,), [x] + c.trainable_params(),
                    lambda: F.linear(xt, w, b), [xt, w, b])

    def dense_relu():
        c = nn.Dense(512, 256, activation='relu').to(dev)
        x = _leaf(rnd(128, 512), dev)
        xt, w, b = _leaf(x, dev), _leaf(c.weight, dev), _leaf(c.bias, dev)
        return Case("Dense(512->256, 'relu')", c, (x,), [x] + c.trainable_params(),
                    lambda: F.relu(F.linear(xt, w, b)), [xt, w, b])

    def flatten():
        c = nn.Flatten()
        x = _leaf(rnd(64, 32, 8, 8), dev)
        xt = _leaf(x, dev)
        return Case("Flatten, x 64x32x8x8", c, (x,), [x], lambda: xt.reshape(xt.shape[0], -1), [xt],
                    note="a view: per-call overhead only")

    def dropout():
        c = nn.Dropout(0.8).set_train().to(dev)
        x = _leaf(rnd(128, 1024), dev)
        xt = _leaf(x, dev)

        def ref():
            return F.dropout(xt, 0.2, True)
        torch.manual_seed(0)
        c_out = c(x)  # outputs differ by RNG draw: compare the mask rate only
        assert abs((c_out != 0).float().mean().item() - 0.8) < 0.02
        case = Case.__new__(Case)
        case.name, case.note = "Dropout(0.8) training, x 128x1024", "masks differ (RNG), same work"
        case.ms_fn, case.nested_fn, case.ms_leaves = (lambda: (c(x),)), (lambda: (c._call_impl(x),)), [x]
        case.torch_fn, case.torch_leaves = (lambda: (ref(),)), [xt]
        case.outs = (c_out,)
        case.douts = [torch.randn_like(c_out)]
        return case

    def clip():
        c = nn.ClipByNorm()
        x = _leaf(rnd(256, 256), dev)
        xt = _leaf(x, dev)
        cn = torch.tensor([10.0], device=dev)
        return Case("ClipByNorm, x 256x256", c, (x, cn), [x],
                    lambda: xt * cn / torch.maximum(torch.linalg.vector_norm(xt), cn), [xt])

    def norm():
        c = nn.Norm(axis=1)
        x = _leaf(rnd(256, 256), dev)
        xt = _leaf(x, dev)
        return Case("Norm(axis=1), x 256x256", c, (x,), [x], lambda: torch.sqrt((xt * xt).sum(1)), [xt],
                    note="torch: sqrt(sum(x*x)) (MindSpore's NaN grad at 0)")

    def onehot():
        c = nn.OneHot(depth=512).to(dev)
        idx = torch.randint(0, 512, (1024,), generator=g).to(dev)
        return Case("OneHot(depth=512), 1024 ids (fwd only)", c, (idx,), [],
                    lambda: F.one_hot(idx, 512).to(torch.float32), [], note="torch: F.one_hot(...).float()")

    def embedding():
        c = nn.Embedding(2000, 128).to(dev)
        ids = torch.randint(0, 2000, (64, 20), generator=g).to(dev)
        table = _leaf(c.embedding_table, dev)
        return Case("Embedding(2000, 128), ids 64x20", c, (ids,), c.trainable_params(),
                    lambda: F.embedding(ids, table), [table], note="+ zero rows for out-of-range ids")

    def prelu():
        c = nn.PReLU(64, 0.25).to(dev)
        x = _leaf(rnd(32, 64, 16, 16), dev)
        xt, w = _leaf(x, dev), _leaf(c.w, dev)
        return Case("PReLU(64), x 32x64x16x16", c, (x,), [x] + c.trainable_params(),
                    lambda: F.prelu(xt, w), [xt, w], note="+ relu(w) slope clamp")

    shape = (128, 2048)
    cases = [
        ("Dense", dense), ("Dense+relu", dense_relu), ("Flatten", flatten), ("Dropout", dropout),
        ("ClipByNorm", clip), ("Norm", norm), ("OneHot", onehot), ("Embedding", embedding),
        unary("ReLU, x 128x2048", nn.ReLU, F.relu, shape),
        unary("ReLU6", nn.ReLU6, F.relu6, shape),
        unary("Tanh", nn.Tanh, torch.tanh, shape),
        unary("Sigmoid", nn.Sigmoid, torch.sigmoid, shape),
        unary("GELU", nn.GELU, lambda x: F.gelu(x, approximate="tanh"), shape),
        unary("Softmax(-1)", nn.Softmax, lambda x: F.softmax(x, -1), shape),
        unary("LogSoftmax(-1)", nn.LogSoftmax, lambda x: F.log_softmax(x, -1), shape),
        unary("LeakyReLU(0.2)", nn.LeakyReLU, lambda x: F.leaky_relu(x, 0.2), shape),
        ("PReLU", prelu),
    ]

    # ---- the other half of issue 3 (conv.py, pooling.py, normalization.py, lstm.py) ----------
    def conv2d():
        c = nn.Conv2d(16, 32, 3).to(dev)  # pad_mode='same', stride 1: symmetric pad 1
        x = _leaf(rnd(16, 16, 32, 32), dev)
        xt, w = _leaf(x, dev), _leaf(c.weight, dev)
        return Case("Conv2d(16->32, k3, same), x 16x16x32x32", c, (x,), [x] + c.trainable_params(),
                    lambda: F.conv2d(xt, w, None, 1, 1), [xt, w])

    def conv2d_t():
        c = nn.Conv2dTranspose(32, 16, 4, stride=2).to(dev)  # 'same', k-s = 2: crop 1 each side
        x = _leaf(rnd(16, 32, 16, 16), dev)
        xt, w = _leaf(x, dev), _leaf(c.weight, dev)
        return Case("Conv2dTranspose(32->16, k4, s2, same)", c, (x,), [x] + c.trainable_params(),
                    lambda: F.conv_transpose2d(xt, w, None, 2, 1), [xt, w])

    def pool(cls, fn, label):
        def build():
            c = cls(kernel_size=2, stride=2).to(dev)
            x = _leaf(rnd(32, 32, 32, 32), dev)
            xt = _leaf(x, dev)
            return Case(f"{label}(2, 2), x 32x32x32x32", c, (x,), [x], lambda: fn(xt, 2, 2), [xt])
        return build

    def batchnorm(cls, shape, label):
        def build():
            c = cls(shape[1]).set_train().to(dev)
            x = _leaf(rnd(*shape), dev)
            xt, gamma, beta = _leaf(x, dev), _leaf(c.gamma, dev), _leaf(c.beta, dev)
            rm, rv = c.moving_mean.detach().clone(), c.moving_variance.detach().clone()
            return Case(f"{label} training, x {'x'.join(map(str, shape))}", c, (x,),
                        [x] + c.trainable_params(),
                        lambda: F.batch_norm(xt, rm, rv, gamma, beta, True, 0.1, 1e-5), [xt, gamma, beta])
        return build

    def layernorm():
        c = nn.LayerNorm((512,)).to(dev)
        x = _leaf(rnd(128, 512), dev)
        xt, gamma, beta = _leaf(x, dev), _leaf(c.gamma, dev), _leaf(c.beta, dev)
        return Case("LayerNorm((512,)), x 128x512", c, (x,), [x] + c.trainable_params(),
                    lambda: F.layer_norm(xt, (512,), gamma, beta, 1e-12), [xt, gamma, beta])

    def lstm():
        ref = torch.nn.LSTM(64, 128).to(dev)
        c = nn.LSTM(64, 128).to(dev)
        flat = torch.cat([ref.weight_ih_l0.reshape(-1), ref.weight_hh_l0.reshape(-1), ref.bias_ih_l0,
                          ref.bias_hh_l0])
        with torch.no_grad():
            c.weight.copy_(flat.reshape(c.weight.shape))
        x = _leaf(rnd(32, 16, 64), dev)
        h0, c0 = torch.zeros(1, 16, 128, device=dev), torch.zeros(1, 16, 128, device=dev)
        xt = _leaf(x, dev)
        return Case("LSTM(64, 128), seq 32 x batch 16", c, (x, (h0, c0)), [x] + c.trainable_params(),
                    lambda: ref(xt, (h0, c0)), [xt] + list(ref.parameters()), note="torch: nn.LSTM")

    other = [
        ("Conv2d", conv2d), ("Conv2dTranspose", conv2d_t),
        ("MaxPool2d", lambda: pool(nn.MaxPool2d, F.max_pool2d, "MaxPool2d")()),
        ("AvgPool2d", lambda: pool(nn.AvgPool2d, F.avg_pool2d, "AvgPool2d")()),
        ("BatchNorm1d", lambda: batchnorm(nn.BatchNorm1d, (128, 256), "BatchNorm1d")()),
        ("BatchNorm2d", lambda: batchnorm(nn.BatchNorm2d, (16, 32, 32, 32), "BatchNorm2d")()),
        ("LayerNorm", layernorm), ("LSTM", lstm),
    ]
    for name, build in other:
        cls = name
        if not hasattr(msnn, cls):
            cases.append((name, None))
        else:
            cases.append((name, build))
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=61)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    np.random.seed(0)
    torch.manual_seed(0)
    print(f"msnn layers vs plain torch, forward+backward, torch {torch.__version__}, device {dev}, "
          f"{args.threads} threads, {args.rounds} interleaved rounds, median")
    print("ratio = msnn / torch; 'nested' = the cell called inside a network (Module._call_impl), "
          "'top' = a top-level Cell call (msnn Tensor wrapping of inputs/outputs)")
    print("(medians; 'nest-min' = ratio of the fastest samples, robust when the machine is shared)")
    print(f"{'layer':46s} {'torch us':>9s} {'nested':>8s} {'top':>8s} {'nest-min':>8s}  note")
    t_start = time.perf_counter()
    ratios = []
    for name, build in build_cases(dev):
        if build is None:
            print(f"{name:46s} {'-':>9s} {'-':>8s} {'-':>8s} {'-':>8s}  skipped: msnn.{name} not implemented yet")
            continue
        try:
            case = build()
        except Exception as exc:  # pylint: disable=broad-except
            print(f"{name:46s} {'-':>9s} {'-':>8s} {'-':>8s} {'-':>8s}  skipped: {type(exc).__name__}: {exc}"[:160])
            continue
        try:
            top_t, nested_t, torch_t, _, nested_min, torch_min = run_case(case, args.rounds, sync)
        except Exception as exc:  # pylint: disable=broad-except
            print(f"{case.name:46s} {'-':>9s} {'-':>8s} {'-':>8s} {'-':>8s}  failed: {type(exc).__name__}: {exc}"[:160])
            continue
        ratios.append((nested_t / torch_t, top_t / torch_t, nested_min / torch_min))
        print(f"{case.name:46s} {torch_t * 1e6:9.1f} {nested_t / torch_t:8.3f} {top_t / torch_t:8.3f} "
              f"{nested_min / torch_min:8.3f}  {case.note}")
    if ratios:
        gm = np.exp(np.mean(np.log(np.array(ratios)), axis=0))
        print(f"geometric mean over {len(ratios)} layers: nested {gm[0]:.3f}, top {gm[1]:.3f}, "
              f"nest-min {gm[2]:.3f}; "
              f"total {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
