"""Record loss goldens (values and input gradients) from real MindSpore 2.10 CPU.

Run with the oracle venv (``bash /work/shared/tools/oracle-env.sh`` prints its python)::

    ~/.cache/msnn-oracle/bin/python tools/record_goldens_loss.py

MindSpore version: 2.10.0 (CPU), PYNATIVE mode. Only losses whose semantics did not change since
0.1.0-alpha are recorded, every argument passed explicitly:

* ``L1Loss`` / ``MSELoss`` (reduction over all elements, broadcasting),
* ``SmoothL1Loss(beta=sigma, reduction='none')`` == 0.1's Ascend (sigma-scaled) kernel,
* ``SoftmaxCrossEntropyWithLogits(sparse, reduction)``: 2.10's dense and sparse paths equal 0.1's
  Ascend path (per-sample loss, then the reduction).

Each case stores the inputs, a random output gradient ``sens``, the loss and the gradient of
``sum(loss * sens)`` with respect to each floating input, in ``tests/data/loss_<name>.npz``.

Metrics (``tests/data/loss_metrics_v01.npz``): MindSpore 2.x moved and changed the metrics, so the
oracle for them is the 0.1.0-alpha metric code itself (commit 576a73b4, read from a git mirror of
github.com/leonwanghui/mindspore, ``MSNN_MS01_GIT``), executed -- never copied into msnn -- under
this venv's numpy 1.26 (2020-era type promotion), with its two MindSpore imports stubbed. Each
case stores the updates and every ``eval`` result with its dtype and Python type name.
"""
import json
import os
import subprocess
import sys
import tempfile
import types

import numpy as np
import mindspore as ms
from mindspore import Tensor, nn, ops

assert ms.__version__.startswith("2.10"), ms.__version__
ms.set_context(mode=ms.PYNATIVE_MODE)
ms.set_device("CPU")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")
rng = np.random.RandomState(20200327)


def _grads(net, inputs, n_grad):
    """Loss and the gradient of sum(loss * sens) w.r.t. the first ``n_grad`` inputs."""
    out = net(*[Tensor(a) for a in inputs])
    sens = rng.standard_normal(out.shape).astype(np.float32)
    grad_fn = ops.GradOperation(get_all=True, sens_param=True)(net)
    grads = grad_fn(*[Tensor(a) for a in inputs], Tensor(sens))
    return out.asnumpy(), sens, [g.asnumpy() for g in grads[:n_grad]]


def record_l1_mse():
    for name, cls in (("l1", nn.L1Loss), ("mse", nn.MSELoss)):
        data = {}
        for reduction in ("mean", "sum", "none"):
            for shape_x, shape_y in (((3, 4, 5), (3, 4, 5)), ((3, 4), (4,))):
                key = f"{reduction}_{'x'.join(map(str, shape_x))}_{'x'.join(map(str, shape_y))}"
                x = rng.standard_normal(shape_x).astype(np.float32)
                y = rng.standard_normal(shape_y).astype(np.float32)
                out, sens, (gx, gy) = _grads(cls(reduction=reduction), [x, y], 2)
                data.update({f"{key}_x": x, f"{key}_y": y, f"{key}_sens": sens, f"{key}_out": out,
                             f"{key}_gx": gx, f"{key}_gy": gy})
        np.savez(os.path.join(OUT, f"loss_{name}.npz"), **data)


def record_smooth_l1():
    data = {}
    for sigma in (1.0, 0.5, 2.0, 0.1):
        key = f"sigma{sigma}"
        x = (rng.standard_normal((4, 6)) * 2).astype(np.float32)
        y = (rng.standard_normal((4, 6)) * 2).astype(np.float32)
        out, sens, (gx, gy) = _grads(nn.SmoothL1Loss(beta=sigma, reduction="none"), [x, y], 2)
        data.update({f"{key}_x": x, f"{key}_y": y, f"{key}_sens": sens, f"{key}_out": out,
                     f"{key}_gx": gx, f"{key}_gy": gy})
    np.savez(os.path.join(OUT, "loss_smoothl1.npz"), **data)


def record_sce():
    data = {}
    n, c = 6, 5
    for scale in (1.0, 1000.0):
        for reduction in ("none", "mean", "sum"):
            logits = (rng.standard_normal((n, c)) * scale).astype(np.float32)
            # dense soft labels
            key = f"dense_{reduction}_s{int(scale)}"
            soft = rng.random_sample((n, c)).astype(np.float32)
            soft /= soft.sum(axis=1, keepdims=True)
            net = nn.SoftmaxCrossEntropyWithLogits(sparse=False, reduction=reduction)
            out, sens, (gl,) = _grads(net, [logits, soft], 1)
            data.update({f"{key}_logits": logits, f"{key}_labels": soft, f"{key}_sens": sens,
                         f"{key}_out": out, f"{key}_glogits": gl})
            # sparse int32 labels; 2.10 routes sparse 'mean' to the CPU SparseSoftmaxCrossEntropy
            # kernel, which overflows to inf for large logits (0.1's Ascend path and 2.10's other
            # reductions use the stable one-hot op): that case is recorded at scale 1 only.
            if reduction == "mean" and scale > 1:
                continue
            key = f"sparse_{reduction}_s{int(scale)}"
            labels = rng.randint(0, c, size=(n,)).astype(np.int32)
            net = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction=reduction)
            out, sens, (gl,) = _grads(net, [logits, labels], 1)
            data.update({f"{key}_logits": logits, f"{key}_labels": labels, f"{key}_sens": sens,
                         f"{key}_out": out, f"{key}_glogits": gl})
    np.savez(os.path.join(OUT, "loss_sce.npz"), **data)


MS01_GIT = os.environ.get("MSNN_MS01_GIT", "/work/.mirror/leonwanghui+mindspore/repo")
MS01_COMMIT = "576a73b42a34a32b6bda6af262df1735a47d2e98"


def _load_metrics_v01():
    """Import 0.1.0-alpha's nn/metrics modules from the git mirror as package ``ms01metrics``."""
    class _Validator:  # stands in for mindspore._checkparam.ParamValidator.check_type
        @staticmethod
        def check_type(name, value, valid_types):
            if isinstance(value, bool) and bool not in valid_types or not isinstance(value, tuple(valid_types)):
                raise ValueError(name)
            return value
    stub = types.ModuleType("ms01stub")
    stub.validator = _Validator
    stub.Tensor = type("Tensor", (), {})
    sys.modules["ms01stub"] = stub
    root = tempfile.mkdtemp()
    pkg = os.path.join(root, "ms01metrics")
    os.mkdir(pkg)
    open(os.path.join(pkg, "__init__.py"), "w").close()
    for mod in ("metric", "evaluation", "accuracy", "precision", "recall", "fbeta", "error", "topk", "loss"):
        src = subprocess.run(["git", f"--git-dir={MS01_GIT}", "show",
                              f"{MS01_COMMIT}:mindspore/nn/metrics/{mod}.py"],
                             check=True, capture_output=True, text=True).stdout
        src = src.replace("from mindspore.common.tensor import Tensor", "from ms01stub import Tensor")
        src = src.replace("from mindspore._checkparam import ParamValidator as validator",
                          "from ms01stub import validator")
        with open(os.path.join(pkg, mod + ".py"), "w") as f:
            f.write(src)
    sys.path.insert(0, root)
    import importlib  # pylint: disable=import-outside-toplevel
    m = {mod: importlib.import_module("ms01metrics." + mod)
         for mod in ("accuracy", "precision", "recall", "fbeta", "error", "topk", "loss")}
    return {"Accuracy": m["accuracy"].Accuracy, "Precision": m["precision"].Precision,
            "Recall": m["recall"].Recall, "Fbeta": m["fbeta"].Fbeta,
            "TopKCategoricalAccuracy": m["topk"].TopKCategoricalAccuracy, "MAE": m["error"].MAE,
            "MSE": m["error"].MSE, "Loss": m["loss"].Loss}


def _metric_cases():
    r = np.random.RandomState(7)
    cases = []
    for dt in (np.float32, np.float64):
        for c in (2, 5, 30):
            ups = [(r.rand(n, c).astype(dt), r.randint(0, c, n)) for n in (7, 1, 13)]
            onehot = [(p, np.eye(c)[y].astype(dt)) for p, y in ups]
            cases += [("Accuracy", ["classification"], ups, [[]]),
                      ("Accuracy", ["classification"], onehot, [[]]),
                      ("Precision", ["classification"], ups, [[False], [True]]),
                      ("Recall", ["classification"], onehot, [[False], [True]]),
                      ("Fbeta", [0.5], ups, [[False], [True]]),
                      ("Fbeta", [2], onehot, [[False], [True]]),
                      ("TopKCategoricalAccuracy", [min(3, c)], ups, [[]])]
            if c <= 16:  # ties: 0.1's numpy quicksort is stable only below 17 elements
                ties = [(r.randint(0, 3, (n, c)).astype(dt), r.randint(0, c, n)) for n in (9, 4)]
                cases += [("TopKCategoricalAccuracy", [1], ties, [[]]),
                          ("TopKCategoricalAccuracy", [2], ties, [[]])]
            ml = [(r.randint(0, 2, (n, c)).astype(dt), r.randint(0, 2, (n, c)).astype(dt)) for n in (6, 3)]
            mli = [(a.astype(np.int64), b.astype(np.int64)) for a, b in ml]
            cases += [("Accuracy", ["multilabel"], ml, [[]]),
                      ("Precision", ["multilabel"], ml, [[False], [True]]),
                      ("Recall", ["multilabel"], ml, [[False], [True]]),
                      ("Precision", ["multilabel"], mli, [[False], [True]]),
                      ("Recall", ["multilabel"], mli, [[False], [True]])]
        err = [(r.randn(n, 3).astype(dt), r.randn(n * 3).astype(dt)) for n in (4, 2)]
        cases += [("MAE", [], err, [[]]), ("MSE", [], err, [[]]),
                  ("Loss", [], [(r.rand(5).astype(dt),), (np.array(0.3, dt),), (r.rand(2).astype(dt),)], [[]])]
    return cases


def record_metrics_v01():
    classes = _load_metrics_v01()
    data = {}
    for i, (name, ctor, updates, evals) in enumerate(_metric_cases()):
        metric = classes[name](*ctor)
        for j, inputs in enumerate(updates):
            metric.update(*inputs)
            for a, arr in enumerate(inputs):
                data[f"c{i}_u{j}_{a}"] = arr
        results = []
        for e, args in enumerate(evals):
            value = metric.eval(*args)
            data[f"c{i}_r{e}"] = np.asarray(value)
            results.append(type(value).__name__)
        data[f"c{i}_meta"] = np.array(json.dumps({"name": name, "ctor": ctor, "updates": len(updates),
                                                  "inputs": len(updates[0]), "evals": evals,
                                                  "types": results}))
    np.savez_compressed(os.path.join(OUT, "loss_metrics_v01.npz"), **data)


if __name__ == "__main__":
    record_metrics_v01()
    record_l1_mse()
    record_smooth_l1()
    record_sce()
    print("recorded with MindSpore", ms.__version__)
