"""One optimizer step over BERT-base's parameter list: msnn against torch.optim (foreach).

The parameter list has BERT-base's structure (embeddings, 12 encoder layers with q/k/v/output,
two LayerNorms, intermediate/output dense, pooler: 199 tensors named as in MindSpore's BERT) with
the hidden size scaled down from 768 to ``--hidden`` (default 32; intermediate 4*hidden, vocab
30522) so that a step runs in milliseconds on a 2-core CPU (1.2M floats at hidden 32, 6.4M at
128, instead of ~110M). On a CPU, torch's foreach kernels are a C++ loop over the same per-tensor
kernels, so the foreach gain is the Python overhead saved: it shrinks as the hidden size grows.

Pairs (same parameters, same gradients, torch-style ``step()`` reading ``p.grad``):

* Momentum vs torch SGD(momentum=0.9, foreach); SGD(momentum=0.9) vs the same;
  Adam vs torch Adam(foreach); AdamWeightDecay vs torch AdamW(foreach)   -- goal <= 1.1
* Lamb and LARS(Momentum) vs the same msnn maths as a per-tensor Python loop
  (``group['foreach'] = False``)                                          -- goal >= 2x faster

Timing is interleaved in one process (msnn block, reference block, alternating order per round);
it prints the median of the per-round time ratios.

    python bench/optim.py [--hidden 32] [--rounds 31] [--iters 5] [--threads 1] [--only Lamb,LARS]
"""
import argparse
import statistics
import time

import numpy as np
import torch

import msnn as nn


def bert_shapes(hidden, layers=12, vocab=30522, max_pos=512, type_vocab=2):
    inter = 4 * hidden
    out = [("bert.embeddings.word_embeddings.embedding_table", (vocab, hidden)),
           ("bert.embeddings.position_embeddings.embedding_table", (max_pos, hidden)),
           ("bert.embeddings.token_type_embeddings.embedding_table", (type_vocab, hidden)),
           ("bert.embeddings.LayerNorm.gamma", (hidden,)), ("bert.embeddings.LayerNorm.beta", (hidden,))]
    for i in range(layers):
        p = f"bert.encoder.layer.{i}."
        for name in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            out += [(p + name + ".weight", (hidden, hidden)), (p + name + ".bias", (hidden,))]
        out += [(p + "attention.output.LayerNorm.gamma", (hidden,)), (p + "attention.output.LayerNorm.beta", (hidden,)),
                (p + "intermediate.dense.weight", (inter, hidden)), (p + "intermediate.dense.bias", (inter,)),
                (p + "output.dense.weight", (hidden, inter)), (p + "output.dense.bias", (hidden,)),
                (p + "output.LayerNorm.gamma", (hidden,)), (p + "output.LayerNorm.beta", (hidden,))]
    out += [("bert.pooler.dense.weight", (hidden, hidden)), ("bert.pooler.dense.bias", (hidden,))]
    return out


def make_params(shapes, seed=0):
    g = torch.Generator().manual_seed(seed)
    params = []
    for name, shape in shapes:
        p = nn.Parameter(torch.randn(shape, generator=g) * 0.02, name=name)
        p.grad = torch.randn(shape, generator=g) * 0.01
        params.append(p)
    return params


def _foreach_off(opt):
    for grp in opt.param_groups:
        grp["foreach"] = False
    return opt


PAIRS = {
    "Momentum": (lambda p: nn.Momentum(p, 0.01, 0.9), lambda p: torch.optim.SGD(p, 0.01, momentum=0.9, foreach=True),
                 "torch SGD(momentum)"),
    "SGD": (lambda p: nn.SGD(p, 0.01, 0.9), lambda p: torch.optim.SGD(p, 0.01, momentum=0.9, foreach=True),
            "torch SGD(momentum)"),
    "Adam": (lambda p: nn.Adam(p, 1e-3), lambda p: torch.optim.Adam(p, 1e-3, foreach=True), "torch Adam"),
    "AdamWeightDecay": (lambda p: nn.AdamWeightDecay(p, 1e-3, weight_decay=0.01),
                        lambda p: torch.optim.AdamW(p, 1e-3, weight_decay=0.01, foreach=True), "torch AdamW"),
    "Lamb": (lambda p: nn.Lamb(p, 1000, weight_decay=0.01),
             lambda p: _foreach_off(nn.Lamb(p, 1000, weight_decay=0.01)), "per-tensor loop"),
    "LARS": (lambda p: nn.LARS(nn.Momentum(p, 0.01, 0.9), weight_decay=0.01, use_clip=True),
             lambda p: _foreach_off(nn.LARS(nn.Momentum(p, 0.01, 0.9), weight_decay=0.01, use_clip=True)),
             "per-tensor loop"),
}


def _time(opt, iters):
    t0 = time.perf_counter()
    for _ in range(iters):
        opt.step()
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=31)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (1: stable timings "
                    "on a shared 2-core box)")
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(PAIRS))
    args = ap.parse_args()
    only = [n for n in args.only.split(",") if n]
    unknown = sorted(set(only) - set(PAIRS))
    if unknown:
        ap.error(f"--only: unknown {unknown}; choose from {list(PAIRS)}")
    torch.set_num_threads(args.threads)
    shapes = bert_shapes(args.hidden)
    n = sum(int(np.prod(s)) for _, s in shapes)
    print(f"BERT-base parameter list: {len(shapes)} tensors, hidden {args.hidden} -> {n / 1e6:.2f}M floats; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, (make_ms, make_ref, ref_name) in PAIRS.items():
        if only and name not in only:
            continue
        ms_opt, ref_opt = make_ms(make_params(shapes)), make_ref(make_params(shapes))
        _time(ms_opt, 2), _time(ref_opt, 2)          # warm-up (state, allocator)
        ratios, ms_t = [], []
        for r in range(args.rounds):
            if r % 2:
                b = _time(ref_opt, args.iters)
                a = _time(ms_opt, args.iters)
            else:
                a = _time(ms_opt, args.iters)
                b = _time(ref_opt, args.iters)
            ratios.append(a / b)
            ms_t.append(a / args.iters)
        ratio = statistics.median(ratios)
        goal = "goal >= 2x faster" if ref_name == "per-tensor loop" else "goal <= 1.1"
        extra = f" ({1 / ratio:.2f}x faster)" if ref_name == "per-tensor loop" else ""
        print(f"{name:16s} msnn/{ref_name:20s} median ratio {ratio:.3f}{extra}  "
              f"[msnn step {statistics.median(ms_t) * 1e3:.2f} ms; {goal}]")


if __name__ == "__main__":
    main()
