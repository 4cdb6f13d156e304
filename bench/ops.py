"""What a primitive costs: ``op(x)`` against the torch call it wraps, on small tensors.

For each census primitive (and a few functional/composite helpers) the primitive call and the plain
torch call are timed in alternating blocks in one process; the report gives the median per-call
time of each, their ratio and the absolute overhead in microseconds. The first row times two
identical torch calls against each other: its overhead is the noise floor. Small inputs make the
Python overhead visible (it is what a primitive adds; the kernel is torch's either way).
Goal: <= 1 us overhead per call. On a loaded machine, ``--stat min`` (the fastest block of each)
resolves sub-microsecond differences better than the median.

    python bench/ops.py [--rounds 15] [--iters 2000] [--only MatMul,ReLU] [--stat median|min]
"""
import argparse
import statistics
import time

import numpy as np
import torch

import msnn
from msnn.ops import operations as P
from msnn.ops import functional as F
from msnn.ops import composite as C


def _x(*shape, dtype=torch.float32):
    return torch.rand(*shape).to(dtype)


def cases():
    """(name, msnn callable, msnn args, torch callable, torch args); built lazily per primitive."""
    x = _x(4, 8)
    x4 = _x(2, 3, 4, 4)
    w = _x(8, 8)
    b3 = _x(2, 4, 8)
    idx = torch.tensor([0, 2, 1], dtype=torch.int32)
    idx64 = idx.long()
    on, off = torch.tensor(1.0), torch.tensor(0.0)

    def softmax_ref(t):
        return torch.softmax(t, -1)

    spec = [
        ("noise floor (torch vs torch)", None, lambda: (torch.add, (x, x)), (torch.add, (x, x))),
        ("Cast", "Cast", lambda op: (op, (x, msnn.float16)), (lambda t: t.to(torch.float16), (x,))),
        ("Reshape", "Reshape", lambda op: (op, (x, (8, 4))), (torch.reshape, (x, (8, 4)))),
        ("Transpose", "Transpose", lambda op: (op, (x4, (0, 2, 3, 1))), (torch.permute, (x4, (0, 2, 3, 1)))),
        ("MatMul", "MatMul", lambda op: (op, (x, w)), (torch.matmul, (x, w))),
        ("MatMul(transpose_b)", ("MatMul", {"transpose_b": True}), lambda op: (op, (x, w)),
         (lambda a, c: torch.matmul(a, c.t()), (x, w))),
        ("BatchMatMul", "BatchMatMul", lambda op: (op, (b3, b3.transpose(1, 2))), (torch.matmul, (b3, b3.transpose(1, 2)))),
        ("TensorAdd", "TensorAdd", lambda op: (op, (x, x)), (torch.add, (x, x))),
        ("Mul", "Mul", lambda op: (op, (x, x)), (torch.mul, (x, x))),
        ("Sub", "Sub", lambda op: (op, (x, x)), (torch.sub, (x, x))),
        ("Maximum", "Maximum", lambda op: (op, (x, x)), (torch.maximum, (x, x))),
        ("ReLU", "ReLU", lambda op: (op, (x,)), (torch.relu, (x,))),
        ("Softmax", "Softmax", lambda op: (op, (x,)), (softmax_ref, (x,))),
        ("ReduceMean(keep_dims)", ("ReduceMean", {"keep_dims": True}), lambda op: (op, (x, 1)),
         (lambda t: torch.mean(t, 1, keepdim=True), (x,))),
        ("ReduceSum", "ReduceSum", lambda op: (op, (x, (0, 1))), (lambda t: torch.sum(t, (0, 1)), (x,))),
        ("Concat", ("Concat", {"axis": 1}), lambda op: (op, ((x, x),)), (lambda a, c: torch.cat((a, c), 1), (x, x))),
        ("ExpandDims", "ExpandDims", lambda op: (op, (x, 1)), (torch.unsqueeze, (x, 1))),
        ("Squeeze", ("Squeeze", {"axis": 1}), lambda op: (op, (x4[:, :1],)), (lambda t: torch.squeeze(t, 1), (x4[:, :1],))),
        ("OneHot", "OneHot", lambda op: (op, (idx, 4, on, off)),
         (lambda i: torch.nn.functional.one_hot(i, 4).float(), (idx64,))),
        ("GatherV2", "GatherV2", lambda op: (op, (w, idx, 0)), (torch.index_select, (w, 0, idx64))),
        ("Exp", "Exp", lambda op: (op, (x,)), (torch.exp, (x,))),
        ("Square", "Square", lambda op: (op, (x,)), (torch.square, (x,))),
        ("Shape", "Shape", lambda op: (op, (x,)), (lambda t: tuple(t.shape), (x,))),
        ("DType", "DType", lambda op: (op, (x,)), (lambda t: t.dtype, (x,))),
        ("F.depend", None, lambda: (F.depend, (x, x)), (lambda a, c: a, (x, x))),
        ("F.tuple_to_array", None, lambda: (F.tuple_to_array, ((1.0, 2.0),)),
         (lambda t: torch.tensor(t, dtype=torch.float32), ((1.0, 2.0),))),
        ("C.clip_by_value", None, lambda: (C.clip_by_value, (x, 0.2, 0.8)),
         (lambda t: torch.clamp_min(torch.clamp_max(t, 0.8), 0.2), (x,))),
    ]
    net = msnn.Dense(8, 8)
    weights = msnn.ParameterTuple(net.trainable_params())
    sens = torch.ones(4, 8)
    grad_op = C.GradOperation('grad', get_by_list=True, sens_param=True)

    def torch_grad(inp, s):
        with torch.enable_grad():
            return torch.autograd.grad(net(inp), tuple(weights), s)
    spec.append(("C.GradOperation(by_list,sens)", None, lambda: (grad_op(net, weights), (x, sens)),
                 (torch_grad, (x, sens))))
    out = []
    for name, prim, make, ref in spec:
        if prim is None:
            out.append((name, make, ref))
            continue
        cls_name, kwargs = prim if isinstance(prim, tuple) else (prim, {})
        cls = getattr(P, cls_name, None)
        if cls is None:
            out.append((name, None, ref))
            continue
        op = cls(**kwargs)
        out.append((name, (lambda op=op, make=make: make(op)), ref))
    return out


def _block(fn, args, iters):
    start = time.perf_counter()
    for _ in range(iters):
        fn(*args)
    return (time.perf_counter() - start) / iters


def measure(fn, args, ref_fn, ref_args, rounds, iters, stat=statistics.median):
    """Per-call seconds of (fn, ref) over alternating blocks, summarised by ``stat`` (median)."""
    for _ in range(2):
        _block(fn, args, iters // 4)
        _block(ref_fn, ref_args, iters // 4)
    a, b = [], []
    for r in range(rounds):
        if r % 2:
            a.append(_block(fn, args, iters))
            b.append(_block(ref_fn, ref_args, iters))
        else:
            b.append(_block(ref_fn, ref_args, iters))
            a.append(_block(fn, args, iters))
    return stat(a), stat(b)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--only", default="", help="comma-separated case names (prefix match)")
    parser.add_argument("--stat", choices=("median", "min"), default="median",
                        help="summary of the blocks: median (default) or min (robust on a loaded machine)")
    args = parser.parse_args()
    stat = statistics.median if args.stat == "median" else min
    torch.set_num_threads(1)
    only = [s for s in args.only.split(",") if s]
    print(f"torch {torch.__version__}, 1 thread, {args.stat} of {args.rounds} alternating blocks of {args.iters} calls")
    print(f"{'op':30} {'msnn us':>9} {'torch us':>9} {'ratio':>7} {'overhead us':>12}")
    with torch.no_grad():
        for name, make, (ref_fn, ref_args) in cases():
            if only and not any(name.startswith(o) for o in only):
                continue
            if make is None:
                print(f"{name:30} {'(primitive not available)':>40}")
                continue
            fn, fn_args = make()
            t_ms, t_torch = measure(fn, fn_args, ref_fn, ref_args, args.rounds, args.iters, stat)
            print(f"{name:30} {t_ms * 1e6:9.2f} {t_torch * 1e6:9.2f} {t_ms / t_torch:7.3f} {(t_ms - t_torch) * 1e6:12.2f}")


if __name__ == "__main__":
    np.random.seed(0)
    main()
