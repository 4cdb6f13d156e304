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
"""
import os

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


if __name__ == "__main__":
    record_l1_mse()
    record_smooth_l1()
    record_sce()
    print("recorded with MindSpore", ms.__version__)
