"""Record MindSpore goldens for Conv2d, Conv2dTranspose, MaxPool2d, AvgPool2d, BatchNorm1d/2d, LayerNorm.

Run with the oracle venv (real MindSpore 2.10 CPU, see /work/shared/tools/oracle-env.sh):

    ~/.cache/msnn-oracle/bin/python tools/record_goldens_layers_a.py

It writes tests/data/layers_a_<group>.npz (the MindSpore version is stored under the key
``mindspore_version``). Each configuration is stored under the key prefix ``<config>/``: the fixed
numpy inputs and weights, the forward output, the output gradient (``dout``, the sensitivity fed to
GradOperation) and the gradients w.r.t. the input and every trainable parameter. Every constructor
argument is passed explicitly (2.10's defaults differ from 0.1's: Conv2d's weight_init, LayerNorm's
epsilon, pooling's pad_mode spelling...).

Only behaviour that did not change between 0.1.0-alpha and 2.10 is recorded (spec §0, §6):
the Conv2D / Conv2DBackpropInput / pooling / BatchNorm / LayerNorm primitives. Not recorded here,
and tested against NumPy references of the spec's formulas instead:

* Conv2dTranspose 'valid'/'same' with dilation > 1: 0.1 ignored the dilation in the output length
  and in the 'same' crop, 2.10 does not;
* LayerNorm with begin_norm_axis < -1 (0.1's shape inference refused it);
* LSTM: 2.10's nn.LSTM holds per-layer parameters, not 0.1's flat cuDNN-ordered ``weight``.
  Instead ``python tools/record_goldens_layers_a.py lstm`` (plain Python, no MindSpore needed)
  extracts the test vectors of MindSpore 0.1.0-alpha's own GPU LSTM test
  (tests/st/ops/gpu/test_lstm_op.py @ 576a73b4: inputs, flat weight, expected y/h_n/c_n and
  dx/dh0/dc0, written by MindSpore's authors from their 0.1 GPU kernel) by running that file
  with stub mindspore modules, into tests/data/layers_a_lstm01.npz.
"""
import os
import subprocess
import sys
import types

import numpy as np

if __name__ == "__main__" and sys.argv[1:] != ["lstm"]:
    import mindspore as ms
    from mindspore import nn, ops, Tensor, ParameterTuple
    ms.set_context(mode=ms.PYNATIVE_MODE, device_target="CPU")
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")
RNG = np.random.RandomState(20200327)


def f32(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def grads(net, inputs, dout):
    """Gradients w.r.t. the inputs and the trainable parameters for the sensitivity ``dout``."""
    params = net.trainable_params()
    grad = ops.GradOperation(get_all=True, get_by_list=True, sens_param=True)(net, ParameterTuple(params))
    d_in, d_params = grad(*[Tensor(a) for a in inputs], Tensor(dout))
    rec = {f"d_in{i}": g.asnumpy() for i, g in enumerate(d_in)}
    for p, g in zip(params, d_params):
        rec["d_" + p.name] = g.asnumpy()
    return rec


def run(net, inputs):
    """Forward output, a fixed dout, and the gradients (inference mode: no state changes)."""
    net.set_train(False)
    out = net(*[Tensor(a) for a in inputs]).asnumpy()
    dout = f32(*out.shape)
    rec = {"out": out, "dout": dout}
    rec.update(grads(net, inputs, dout))
    return rec


def save(group, records):
    flat = {"mindspore_version": np.array(ms.__version__)}
    for cfg, rec in records.items():
        for key, value in rec.items():
            flat[f"{cfg}/{key}"] = np.asarray(value)
    path = os.path.join(OUT_DIR, f"layers_a_{group}.npz")
    np.savez_compressed(path, **flat)
    print(f"{path}: {len(records)} configurations, {os.path.getsize(path)} bytes")


def kname(k):
    return f"{k[0]}x{k[1]}" if isinstance(k, tuple) else str(k)


def conv2d():
    recs = {}
    cases = []
    for pad_mode, padding in (("same", 0), ("valid", 0), ("pad", 1), ("pad", 2)):
        for stride in (1, 2, 3):
            for dilation in (1, 2):
                for kernel in (3, 4, (2, 3)):
                    cases.append((pad_mode, padding, stride, dilation, kernel, 1, (stride + dilation) % 2 == 0))
    for pad_mode in ("same", "valid", "pad"):  # grouped / depthwise
        cases.append((pad_mode, 1 if pad_mode == "pad" else 0, 2, 1, 3, 2, True))
        cases.append((pad_mode, 1 if pad_mode == "pad" else 0, 1, 2, (3, 2), 4, False))
    for pad_mode, padding, stride, dilation, kernel, group, has_bias in cases:
        cin, cout = (2, 3) if group == 1 else (4, 4 if group == 4 else 6)
        kh, kw = kernel if isinstance(kernel, tuple) else (kernel, kernel)
        x, w, b = f32(2, cin, 7, 8), f32(cout, cin // group, kh, kw), f32(cout)
        net = nn.Conv2d(cin, cout, kernel, stride=stride, pad_mode=pad_mode, padding=padding, dilation=dilation,
                        group=group, has_bias=has_bias, weight_init=Tensor(w), bias_init=Tensor(b),
                        data_format="NCHW", dtype=ms.float32)
        cfg = f"{pad_mode}{padding if pad_mode == 'pad' else ''}_s{stride}_d{dilation}_k{kname(kernel)}_g{group}" \
              f"{'_bias' if has_bias else ''}"
        rec = run(net, [x])
        rec.update(x=x, w=w, b=b, cfg=np.array([cin, cout, kh, kw, stride, padding, dilation, group, int(has_bias)]),
                   pad_mode=np.array(pad_mode))
        recs[cfg] = rec
    save("conv2d", recs)


def conv2d_transpose():
    recs = {}
    cases = []
    for pad_mode in ("same", "valid"):
        for stride in (1, 2, 3):
            for kernel in (2, 3, 5, (2, 4)):
                cases.append((pad_mode, 0, stride, 1, kernel, 1, stride != 2))
    for padding in (0, 1):
        for stride in (1, 2, 3):
            for dilation in (1, 2):
                cases.append(("pad", padding, stride, dilation, 3, 1, dilation == 2))
    cases += [("same", 0, 2, 1, 3, 2, True), ("valid", 0, 3, 1, 2, 2, False), ("pad", 1, 2, 1, 4, 2, True)]
    for pad_mode, padding, stride, dilation, kernel, group, has_bias in cases:
        cin, cout = (3, 2) if group == 1 else (4, 6)
        kh, kw = kernel if isinstance(kernel, tuple) else (kernel, kernel)
        x, w, b = f32(2, cin, 4, 5), f32(cin, cout // group, kh, kw), f32(cout)
        net = nn.Conv2dTranspose(cin, cout, kernel, stride=stride, pad_mode=pad_mode, padding=padding,
                                 output_padding=0, dilation=dilation, group=group, has_bias=has_bias,
                                 weight_init=Tensor(w), bias_init=Tensor(b), dtype=ms.float32)
        cfg = f"{pad_mode}{padding if pad_mode == 'pad' else ''}_s{stride}_d{dilation}_k{kname(kernel)}_g{group}" \
              f"{'_bias' if has_bias else ''}"
        rec = run(net, [x])
        rec.update(x=x, w=w, b=b, cfg=np.array([cin, cout, kh, kw, stride, padding, dilation, group, int(has_bias)]),
                   pad_mode=np.array(pad_mode))
        recs[cfg] = rec
    save("conv2d_transpose", recs)


def pools():
    recs = {}
    x = f32(2, 3, 7, 8)
    for pool in ("MaxPool2d", "AvgPool2d"):
        for pad_mode in ("valid", "same"):
            for kernel in (2, 3, (2, 3), (3, 1)):
                for stride in (1, 2, 3, (1, 2), (3, 2)):
                    if pool == "MaxPool2d":
                        net = nn.MaxPool2d(kernel_size=kernel, stride=stride, pad_mode=pad_mode, padding=0,
                                           dilation=1, return_indices=False, ceil_mode=False, data_format="NCHW")
                    else:
                        net = nn.AvgPool2d(kernel_size=kernel, stride=stride, pad_mode=pad_mode, padding=0,
                                           ceil_mode=False, count_include_pad=True, divisor_override=None,
                                           data_format="NCHW")
                    cfg = f"{pool}_{pad_mode}_k{kname(kernel)}_s{kname(stride)}"
                    rec = run(net, [x])
                    rec.update(kernel=np.array(kernel), stride=np.array(stride), pad_mode=np.array(pad_mode))
                    recs[cfg] = rec
    recs["input"] = {"x": x}  # one input for every configuration
    save("pool", recs)


def batchnorm():
    """Several training steps: per step the output, the gradients and the moving statistics after it;
    then inference with the final moving statistics, and use_batch_statistics=False in training."""
    recs = {}
    for cfg, (cls, shape, momentum, eps) in {
        "bn2d_m0.9": (nn.BatchNorm2d, (4, 3, 5, 6), 0.9, 1e-5),
        "bn2d_m0.7_eps0.1": (nn.BatchNorm2d, (2, 3, 3, 4), 0.7, 0.1),
        "bn1d_m0.9": (nn.BatchNorm1d, (6, 5), 0.9, 1e-5),
        "bn1d_m0.5": (nn.BatchNorm1d, (3, 4), 0.5, 1e-3),
    }.items():
        c = shape[1]
        gamma, beta = f32(c) + 1.0, f32(c)
        mean0, var0 = f32(c), np.abs(f32(c)) + 0.5
        net = cls(c, eps=eps, momentum=momentum, affine=True, gamma_init=Tensor(gamma), beta_init=Tensor(beta),
                  moving_mean_init=Tensor(mean0), moving_var_init=Tensor(var0), use_batch_statistics=None,
                  data_format="NCHW", dtype=ms.float32)
        rec = dict(gamma=gamma, beta=beta, mean0=mean0, var0=var0, momentum=np.float64(momentum),
                   eps=np.float64(eps))
        net.set_train(True)
        for step in range(3):
            x = (f32(*shape, scale=2.0) + step).astype(np.float32)
            out = net(Tensor(x)).asnumpy()
            mean, var = net.moving_mean.asnumpy().copy(), net.moving_variance.asnumpy().copy()
            dout = f32(*out.shape)
            g = grads(net, [x], dout)  # runs the forward again: restore the statistics after
            net.moving_mean.set_data(Tensor(mean))
            net.moving_variance.set_data(Tensor(var))
            rec.update({f"step{step}/x": x, f"step{step}/out": out, f"step{step}/dout": dout,
                        f"step{step}/mean": mean, f"step{step}/var": var})
            rec.update({f"step{step}/{k}": v for k, v in g.items()})
        x = f32(*shape)
        net.set_train(False)
        rec.update({"eval/" + k: v for k, v in run(net, [x]).items()}, **{"eval/x": x})
        frozen = cls(c, eps=eps, momentum=momentum, affine=True, gamma_init=Tensor(gamma), beta_init=Tensor(beta),
                     moving_mean_init=Tensor(mean0), moving_var_init=Tensor(var0), use_batch_statistics=False,
                     data_format="NCHW", dtype=ms.float32)
        frozen.set_train(True)
        rec["frozen/out"] = frozen(Tensor(x)).asnumpy()
        rec["frozen/mean"] = frozen.moving_mean.asnumpy()
        recs[cfg] = rec
    save("batchnorm", recs)


def layernorm():
    recs = {}
    x = f32(2, 3, 4, 5, scale=3.0)
    for cfg, (bna, bpa) in {"n-1_p-1": (-1, -1), "n1_p1": (1, 1), "n2_p2": (2, 2), "n1_p2": (1, 2),
                            "n0_p0": (0, 0), "n3_p1": (3, 1), "n1_p3": (1, 3)}.items():
        pshape = x.shape[bpa:]
        gamma, beta = f32(*pshape) + 1.0, f32(*pshape)
        net = nn.LayerNorm(pshape, begin_norm_axis=bna, begin_params_axis=bpa, gamma_init=Tensor(gamma),
                           beta_init=Tensor(beta), epsilon=1e-12, dtype=ms.float32)
        rec = run(net, [x])
        rec.update(x=x, gamma=gamma, beta=beta, axes=np.array([bna, bpa]))
        recs[cfg] = rec
    save("layernorm", recs)


MIRROR = "/work/.mirror/leonwanghui+mindspore/repo"  # a clone of github.com/leonwanghui/mindspore


def lstm01():
    """Run 0.1's tests/st/ops/gpu/test_lstm_op.py against stub mindspore modules and keep its data."""
    src = subprocess.check_output(["git", "--git-dir", MIRROR, "show",
                                   "576a73b4:tests/st/ops/gpu/test_lstm_op.py"]).decode()
    captured, calls = [], []

    class Cap:
        shape = ()

        def asnumpy(self):
            return self

        def __sub__(self, expect):  # `out.asnumpy() - expect_out`: keep the expected array
            captured.append(np.asarray(expect, np.float32))
            return np.zeros_like(expect)

    class LSTMStub:
        def __init__(self, *args):
            self.args = args

        def __call__(self, x, h, c, w):
            calls.append(dict(cfg=np.array([int(v) for v in self.args[:5]] + [float(self.args[5])]),
                              x=x, h0=h, c0=c, w=w))
            return Cap(), Cap(), Cap(), None, None

    class Cell:
        def __init__(self, *args, **kwargs):
            pass

        def __call__(self, *args):
            return self.construct(*args)

        def trainable_params(self):
            return []

    class GradOperation:
        def __init__(self, *args, **kwargs):
            pass

        def __call__(self, network, weights):
            def run(sens):
                calls[-1:] = []
                network()
                calls[-1]["dy"] = np.asarray(sens)
                return Cap(), Cap(), Cap(), Cap()
            return run

    stubs = {
        "mindspore": {}, "mindspore.nn": dict(Cell=Cell), "mindspore.common": {},
        "mindspore.common.api": dict(ms_function=lambda f: f),
        "mindspore.context": dict(set_context=lambda **kw: None),
        "mindspore.common.initializer": dict(initializer=lambda t, shape: np.asarray(t)),
        "mindspore.ops": {}, "mindspore.ops.functional": {},
        "mindspore.ops.composite": dict(GradOperation=GradOperation),
        "mindspore.ops.operations": dict(LSTM=LSTMStub),
        "mindspore.common.tensor": dict(Tensor=lambda a: np.asarray(a, np.float32)),
        "mindspore.common.parameter": dict(Parameter=lambda t, name: np.asarray(t), ParameterTuple=tuple),
    }
    saved = {k: sys.modules.get(k) for k in stubs}
    for name, attrs in stubs.items():
        mod = types.ModuleType(name)
        mod.__dict__.update(attrs)
        sys.modules[name] = mod
    for parent in ("mindspore", "mindspore.common", "mindspore.ops"):
        for name in stubs:
            if name.startswith(parent + ".") and "." not in name[len(parent) + 1:]:
                setattr(sys.modules[parent], name.rsplit(".", 1)[1], sys.modules[name])
    try:
        scope = {"__name__": "test_lstm_op_01"}
        exec(compile(src, "test_lstm_op.py@576a73b4", "exec"), scope)  # pylint: disable=exec-used
        recs = {}
        for test in ("test_lstm", "test_bilstm", "test_multi_layer_bilstm", "test_grad", "test_lstm_dropout"):
            captured.clear()
            calls.clear()
            scope[test]()
            rec = dict(calls[-1])
            names = ("dx", "dh0", "dc0") if test == "test_grad" else ("y", "h_n", "c_n")
            assert len(captured) == (1 if test == "test_lstm_dropout" else 3), (test, len(captured))
            rec.update(zip(names, captured))  # the dropout test checks y only
            recs[test[len("test_"):]] = rec
    finally:
        for name, mod in saved.items():
            if mod is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = mod
    flat = {"source": np.array("mindspore 0.1.0-alpha tests/st/ops/gpu/test_lstm_op.py @ 576a73b4")}
    for cfg, rec in recs.items():
        for key, value in rec.items():
            flat[f"{cfg}/{key}"] = np.asarray(value)
    path = os.path.join(OUT_DIR, "layers_a_lstm01.npz")
    np.savez_compressed(path, **flat)
    print(f"{path}: {len(recs)} configurations, {os.path.getsize(path)} bytes")


if __name__ == "__main__" and sys.argv[1:] == ["lstm"]:
    lstm01()
elif __name__ == "__main__":
    print("MindSpore", ms.__version__)
    conv2d()
    conv2d_transpose()
    pools()
    batchnorm()
    layernorm()
