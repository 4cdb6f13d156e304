"""Record optimizer goldens from real MindSpore 2.10 CPU.

Run with the oracle venv (``bash /work/shared/tools/oracle-env.sh`` prints its python)::

    ~/.cache/msnn-oracle/bin/python tools/record_goldens_optim.py

MindSpore version: 2.10.0 (CPU), PYNATIVE mode. Only update rules that did not change since
0.1.0-alpha are recorded, every argument passed explicitly and without weight decay (2.x's
weight-decay filters differ from 0.1's):

* ``nn.Momentum`` (ApplyMomentum: ``v = m*v + g; w -= lr*v``), fixed and dynamic (list) learning
  rate, with a loss scale;
* ``nn.SGD`` (torch's rule): plain, momentum + dampening, nesterov, loss scale, dynamic lr;
  and the ``SGD`` primitive with its ``weight_decay`` (0.1's kernel applied it to every param);
* ``nn.Adam`` (TF ApplyAdam, eps outside the bias correction), with a large eps, nesterov, a loss
  scale and a dynamic lr.

Each case ``<case>/`` stores the initial parameters ``w0_<i>``, the gradients ``g_<step>_<i>`` and
the parameters after every step ``w_<step>_<i>``, in ``tests/data/optim_goldens.npz``.
"""
import os

import numpy as np
import mindspore as ms
from mindspore import nn, ops, Tensor, Parameter

ms.set_context(mode=ms.PYNATIVE_MODE, device_target="CPU")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "optim_goldens.npz")
RNG = np.random.RandomState(20200327)
SHAPES = [(3, 4), (5,)]
NAMES = ["conv.weight", "fc.bias"]
STEPS = 6

# case name -> (optimizer class name, kwargs); learning_rate lists are dynamic
CASES = {
    "momentum_fixed": ("Momentum", dict(learning_rate=0.1, momentum=0.9, weight_decay=0.0, loss_scale=1.0)),
    "momentum_dynamic_scaled": ("Momentum", dict(learning_rate=[0.1, 0.05, 0.2, 0.01, 0.3, 0.02],
                                                 momentum=0.8, weight_decay=0.0, loss_scale=4.0)),
    "sgd_plain": ("SGD", dict(learning_rate=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0,
                              nesterov=False, loss_scale=1.0)),
    "sgd_momentum_dampening": ("SGD", dict(learning_rate=0.1, momentum=0.9, dampening=0.3,
                                           weight_decay=0.0, nesterov=False, loss_scale=2.0)),
    "sgd_nesterov_dynamic": ("SGD", dict(learning_rate=[0.1, 0.05, 0.2, 0.01, 0.3, 0.02], momentum=0.9,
                                         dampening=0.0, weight_decay=0.0, nesterov=True, loss_scale=1.0)),
    "adam_large_eps": ("Adam", dict(learning_rate=0.1, beta1=0.9, beta2=0.999, eps=0.1, use_locking=False,
                                    use_nesterov=False, weight_decay=0.0, loss_scale=1.0)),
    "adam_nesterov_scaled": ("Adam", dict(learning_rate=0.05, beta1=0.8, beta2=0.9, eps=1e-3,
                                          use_locking=False, use_nesterov=True, weight_decay=0.0,
                                          loss_scale=8.0)),
    "adam_dynamic": ("Adam", dict(learning_rate=[0.1, 0.05, 0.2, 0.01, 0.3, 0.02], beta1=0.9, beta2=0.99,
                                  eps=0.5, use_locking=False, use_nesterov=False, weight_decay=0.0,
                                  loss_scale=1.0)),
}


def record_nn(out, case, cls_name, kwargs):
    w0 = [RNG.standard_normal(s).astype(np.float32) for s in SHAPES]
    grads = [[RNG.standard_normal(s).astype(np.float32) for s in SHAPES] for _ in range(STEPS)]
    params = [Parameter(Tensor(w.copy()), name=n) for w, n in zip(w0, NAMES)]
    kw = dict(kwargs)
    if isinstance(kw["learning_rate"], list):
        kw["learning_rate"] = list(kw["learning_rate"])
    opt = getattr(nn, cls_name)(params, **kw)
    scale = kwargs.get("loss_scale", 1.0)
    for i, w in enumerate(w0):
        out[f"{case}/w0_{i}"] = w
    for t, gs in enumerate(grads):
        # the optimizer divides by loss_scale: feed scaled gradients, store the unscaled ones
        opt(tuple(Tensor(g * np.float32(scale)) for g in gs))
        for i, (g, p) in enumerate(zip(gs, params)):
            out[f"{case}/g_{t}_{i}"] = g
            out[f"{case}/w_{t}_{i}"] = p.asnumpy().copy()


def record_sgd_primitive(out, case, dampening, weight_decay, nesterov, momentum, lr):
    """The SGD kernel on one tensor: weight decay on every element, torch's rule."""
    w0 = RNG.standard_normal((4, 3)).astype(np.float32)
    w = Parameter(Tensor(w0.copy()), name="w")
    accum = Parameter(Tensor(np.zeros_like(w0)), name="accum")
    stat = Parameter(Tensor(np.ones_like(w0)), name="stat")
    op = ops.SGD(dampening, weight_decay, nesterov)
    out[f"{case}/w0_0"] = w0
    for t in range(STEPS):
        g = RNG.standard_normal((4, 3)).astype(np.float32)
        op(w, Tensor(g), Tensor(np.float32(lr)), accum, Tensor(np.float32(momentum)), stat)
        out[f"{case}/g_{t}_0"] = g
        out[f"{case}/w_{t}_0"] = w.asnumpy().copy()


def main():
    out = {}
    for case, (cls_name, kwargs) in CASES.items():
        record_nn(out, case, cls_name, kwargs)
    record_sgd_primitive(out, "sgd_kernel_wd", dampening=0.1, weight_decay=0.3, nesterov=False,
                         momentum=0.9, lr=0.1)
    record_sgd_primitive(out, "sgd_kernel_wd_nesterov", dampening=0.0, weight_decay=0.5, nesterov=True,
                         momentum=0.5, lr=0.2)
    out["mindspore_version"] = np.array(ms.__version__)
    np.savez_compressed(OUT, **out)
    print("wrote", OUT, len(out), "arrays, MindSpore", ms.__version__)


if __name__ == "__main__":
    main()
