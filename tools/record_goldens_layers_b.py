"""Record MindSpore goldens for Dense, Flatten, ClipByNorm, Norm, OneHot, Embedding and the activations.

Run with the oracle venv (real MindSpore 2.10 CPU, see /work/shared/tools/oracle-env.sh):

    ~/.cache/msnn-oracle/bin/python tools/record_goldens_layers_b.py

It writes tests/data/layers_b_<group>.npz. Each configuration is stored under the key prefix
``<config>/``: the fixed numpy inputs and weights, the forward output, the output gradient
(``dout``, the sensitivity fed to GradOperation) and the gradients w.r.t. every input and every
trainable parameter. Every constructor argument is passed explicitly (2.10's defaults differ from
0.1's for several layers, e.g. Dense's weight_init).

Only behaviour that did not change between 0.1.0-alpha and 2.10 is recorded here (spec §6):
Dense (2-D input), the elementwise activations, GELU (tanh form: 2.10 ``approximate=True``),
single-axis Softmax/LogSoftmax, LeakyReLU, PReLU with positive slopes (2.10 dropped 0.1's clamp
of negative slopes, so those are tested against NumPy), ClipByNorm, Norm, OneHot (incl.
out-of-range indices -> off_value) and Embedding (the one-hot path; 2.10's CPU Gather raises for
out-of-range ids where 0.1's kernel gave zero rows, so that case is NumPy-tested). Dropout is random
and Softmax over a tuple of axes is refused by 2.10: both are NumPy-tested.
"""
import os
import sys

import numpy as np
import mindspore as ms
from mindspore import nn, ops, Tensor, ParameterTuple

ms.set_context(mode=ms.PYNATIVE_MODE, device_target="CPU")
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")
RNG = np.random.RandomState(20200327)


def f32(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def run(net, inputs, grad_inputs=None):
    """Forward output, a fixed dout, and gradients w.r.t. the float inputs and the trainable params."""
    net.set_train(False)
    out = net(*[Tensor(a) for a in inputs]).asnumpy()
    rec = {"out": out}
    if grad_inputs is None:
        grad_inputs = [a.dtype.kind == "f" for a in inputs]
    if not any(grad_inputs) and not net.trainable_params():
        return rec
    dout = f32(*out.shape)
    params = net.trainable_params()
    grad = ops.GradOperation(get_all=True, get_by_list=True, sens_param=True)(net, ParameterTuple(params))
    d_in, d_params = grad(*[Tensor(a) for a in inputs], Tensor(dout))
    rec["dout"] = dout
    for i, (g, want) in enumerate(zip(d_in, grad_inputs)):
        if want:
            rec[f"d_in{i}"] = g.asnumpy()
    for p, g in zip(params, d_params):
        rec["d_" + p.name] = g.asnumpy()
    return rec


def save(group, records):
    flat = {"mindspore_version": np.array(ms.__version__)}
    for cfg, rec in records.items():
        for key, value in rec.items():
            flat[f"{cfg}/{key}"] = np.asarray(value)
    path = os.path.join(OUT_DIR, f"layers_b_{group}.npz")
    np.savez_compressed(path, **flat)
    print(f"{path}: {len(records)} configurations, {os.path.getsize(path)} bytes")


def dense():
    recs = {}
    for cfg, (cin, cout, has_bias, act) in {
        "bias": (3, 4, True, None),
        "nobias": (5, 2, False, None),
        "relu": (3, 4, True, "relu"),
        "tanh": (3, 4, True, "tanh"),
        "sigmoid": (3, 4, True, "sigmoid"),
        "gelu": (3, 4, True, "gelu"),
        "softmax": (3, 4, True, "softmax"),
        "logsoftmax": (3, 4, True, "logsoftmax"),
        "leakyrelu": (3, 4, True, "leakyrelu"),
    }.items():
        w, b, x = f32(cout, cin), f32(cout), f32(2, cin)
        net = nn.Dense(cin, cout, weight_init=Tensor(w), bias_init=Tensor(b), has_bias=has_bias,
                       activation=act)
        rec = run(net, [x])
        rec.update(x=x, w=w, b=b)
        recs[cfg] = rec
    save("dense", recs)


def activations():
    recs = {}
    x = f32(2, 3, 4, scale=2.0)
    x[np.abs(x) < 1e-2] = 0.5  # keep away from the kinks of relu/leaky relu
    x[np.abs(x - 6) < 1e-2] = 5.0
    x8 = (x * 4).astype(np.float32)  # also crosses relu6's upper kink
    x8[np.abs(x8 - 6) < 1e-2] = 5.0
    x8[np.abs(x8) < 1e-2] = 0.5
    simple = {"ReLU": nn.ReLU, "ReLU6": nn.ReLU6, "Tanh": nn.Tanh, "Sigmoid": nn.Sigmoid}
    for name, cls in simple.items():
        rec = run(cls(), [x8])
        rec["x"] = x8
        recs[name] = rec
    rec = run(nn.GELU(approximate=True), [x])
    rec["x"] = x
    recs["GELU"] = rec
    for axis in (-1, 0, 1, 2, -3):
        rec = run(nn.Softmax(axis=axis), [x])
        rec["x"] = x
        recs[f"Softmax_axis{axis}"] = rec
        rec = run(nn.LogSoftmax(axis=axis), [x])
        rec["x"] = x
        recs[f"LogSoftmax_axis{axis}"] = rec
    for alpha in (0.2, 0.01, 1.0, 1.5, -0.3):
        rec = run(nn.LeakyReLU(alpha=alpha), [x])
        rec.update(x=x, alpha=np.float64(alpha))
        recs[f"LeakyReLU_{alpha}"] = rec
    x4 = f32(2, 3, 2, 2)
    x4[np.abs(x4) < 1e-2] = 0.5
    x2 = f32(4, 3)
    x2[np.abs(x2) < 1e-2] = 0.5
    x1 = f32(5)
    x1[np.abs(x1) < 1e-2] = 0.5
    for cfg, (channel, w, xin) in {
        "c1_4d": (1, np.array([0.25], np.float32), x4),
        "c3_4d": (3, np.array([0.1, 0.5, 2.0], np.float32), x4),
        "c3_2d": (3, np.array([0.3, 0.05, 1.2], np.float32), x2),
        "c1_1d": (1, np.array([0.7], np.float32), x1),
    }.items():
        rec = run(nn.PReLU(channel=channel, w=Tensor(w)), [xin])
        rec.update(x=xin, w=w)
        recs[f"PReLU_{cfg}"] = rec
    save("activation", recs)


def basic():
    recs = {}
    x = f32(4, 16, scale=3.0)
    for cfg, (xin, c) in {
        "clip": (x, np.array([5.0], np.float32)),
        "noclip": (x, np.array([100.0], np.float32)),
        "scalar_clip": (x, np.array(2.5, np.float32)),
        "3d_clip": (f32(2, 3, 4), np.array([1.0], np.float32)),
    }.items():
        rec = run(nn.ClipByNorm(axis=None), [xin, c], grad_inputs=[True, True])
        rec.update(x=xin, clip_norm=c)
        recs[f"ClipByNorm_{cfg}"] = rec
    x3 = f32(2, 3, 4)
    for cfg, (axis, keep) in {
        "all": ((), False), "all_keep": ((), True), "0": (0, False), "1_keep": (1, True),
        "t02": ((0, 2), False), "t12_keep": ((1, 2), True), "neg1": (-1, False),
    }.items():
        rec = run(nn.Norm(axis=axis, keep_dims=keep), [x3])
        rec["x"] = x3
        recs[f"Norm_{cfg}"] = rec
    idx = np.array([[1, 3, -1], [0, 2, 7]], np.int32)
    for cfg, (axis, depth, on, off) in {
        "last": (-1, 4, 1.0, 0.0), "axis0": (0, 5, 2.5, -1.0), "axis1": (1, 4, 1.0, 0.0),
        "axis2": (2, 3, 1.0, 0.5), "depth1": (-1, 1, 1.0, 0.0),
    }.items():
        rec = run(nn.OneHot(axis=axis, depth=depth, on_value=on, off_value=off, dtype=ms.float32), [idx])
        rec["indices"] = idx
        recs[f"OneHot_{cfg}"] = rec
    xf = f32(2, 3, 2)
    rec = run(nn.Flatten(start_dim=1, end_dim=-1), [xf])
    rec["x"] = xf
    recs["Flatten_3d"] = rec
    save("basic", recs)


def embedding():
    recs = {}
    table = f32(10, 4)
    for cfg, (one_hot, ids) in {
        "gather": (False, np.array([[1, 3, 0], [9, 3, 3]], np.int32)),
        "gather_1d": (False, np.array([2, 2, 7, 5], np.int32)),
        "onehot": (True, np.array([[1, 3, 0], [9, 3, 3]], np.int32)),
        "onehot_oob": (True, np.array([[1, -1, 10], [12, 3, 3]], np.int32)),
    }.items():
        net = nn.Embedding(10, 4, use_one_hot=one_hot, embedding_table=Tensor(table), dtype=ms.float32,
                           padding_idx=None)
        rec = run(net, [ids])
        rec.update(ids=ids, table=table)
        recs[cfg] = rec
    save("embedding", recs)


if __name__ == "__main__":
    print("MindSpore", ms.__version__, "python", sys.version.split()[0])
    dense()
    activations()
    basic()
    embedding()
