"""Record MindSpore 2.10 (CPU) outputs of the math/nn primitives whose semantics did not change
since 0.1, as goldens for tests/ops/test_math_ops.py and tests/ops/test_nn_ops.py.

Run with the oracle python (see /work/shared/tools/oracle-env.sh):

    python tools/record_goldens_ops_mathnn.py   # writes tests/data/ops_mathnn.npz

Inputs are generated here from a fixed seed and stored next to the outputs.
"""
import os

import numpy as np
import mindspore as ms
from mindspore import Parameter, Tensor, ops
from mindspore.ops import operations as P

ms.set_context(mode=ms.PYNATIVE_MODE, device_target="CPU")
rng = np.random.RandomState(7)
out = {}


def f32(*shape):
    return rng.randn(*shape).astype(np.float32)


def put(key, value):
    out[key] = np.asarray(value.asnumpy() if hasattr(value, "asnumpy") else value)


# binary arithmetic with broadcasting
a, b = f32(3, 1, 4), f32(2, 4)
b[0, 1] = a[0, 0, 1]  # a tie for Maximum/Minimum
out["bin_a"], out["bin_b"] = a, b
for name, op in (("TensorAdd", P.Add()), ("Sub", P.Sub()), ("Mul", P.Mul()), ("Maximum", P.Maximum()),
                 ("Minimum", P.Minimum()), ("RealDiv", P.RealDiv()), ("Equal", P.Equal()),
                 ("LessEqual", P.LessEqual()), ("Greater", P.Greater())):
    put("bin_" + name, op(Tensor(a), Tensor(b)))
ia, ib = rng.randint(-9, 9, (4, 5)).astype(np.int32), rng.randint(1, 5, (5,)).astype(np.int32)
out["int_a"], out["int_b"] = ia, ib
put("int_FloorDiv", P.FloorDiv()(Tensor(ia), Tensor(ib)))
put("int_Sub", P.Sub()(Tensor(ia), Tensor(ib)))

# unary
u = f32(3, 5)
out["un_x"] = u
pos = np.abs(u) + 0.1
out["un_pos"] = pos
for name, op, x in (("Exp", P.Exp(), u), ("Log", P.Log(), pos), ("Neg", P.Neg(), u), ("Reciprocal", P.Reciprocal(), pos),
                    ("Square", P.Square(), u), ("Sqrt", P.Sqrt(), pos), ("Rsqrt", P.Rsqrt(), pos),
                    ("Floor", P.Floor(), u), ("Round", P.Round(), u * 3), ("Abs", P.Abs(), u), ("Sign", P.Sign(), u),
                    ("Cos", P.Cos(), u), ("Sin", P.Sin(), u), ("ACos", P.ACos(), np.tanh(u)),
                    ("ReLU", P.ReLU(), u), ("ReLU6", P.ReLU6(), u * 5), ("Sigmoid", P.Sigmoid(), u),
                    ("Tanh", P.Tanh(), u)):
    put("un_" + name, op(Tensor(x)))

# reductions
r = f32(2, 3, 4)
r[0, 1, 2] = r[0, 1, 3]
out["red_x"] = r
for name, op in (("ReduceSum", P.ReduceSum), ("ReduceMean", P.ReduceMean), ("ReduceMax", P.ReduceMax),
                 ("ReduceMin", P.ReduceMin), ("ReduceProd", P.ReduceProd)):
    put(f"red_{name}_all", op()(Tensor(r)))
    put(f"red_{name}_1_keep", op(keep_dims=True)(Tensor(r), 1))
    put(f"red_{name}_02", op()(Tensor(r), (0, 2)))
for excl in (False, True):
    for rev in (False, True):
        put(f"cum_CumSum_{int(excl)}{int(rev)}", P.CumSum(excl, rev)(Tensor(r), 1))
        put(f"cum_CumProd_{int(excl)}{int(rev)}", P.CumProd(excl, rev)(Tensor(r), 2))

# matmul
m1, m2, m3 = f32(3, 4), f32(4, 5), f32(2, 3, 4, 5)
out["mm_a"], out["mm_b"], out["mm_c"] = m1, m2, m3
put("mm_MatMul", P.MatMul()(Tensor(m1), Tensor(m2)))
put("mm_MatMul_tt", P.MatMul(True, True)(Tensor(m2), Tensor(m1)))
m4 = f32(2, 3, 5, 6)
out["mm_d"] = m4
put("mm_BatchMatMul", P.BatchMatMul()(Tensor(m3), Tensor(m4)))
put("mm_BatchMatMul_tb", P.BatchMatMul(transpose_b=True)(Tensor(m3), Tensor(m3)))

# nn
logits, onehot = f32(4, 6), np.eye(6, dtype=np.float32)[[1, 0, 5, 2]]
out["ce_logits"], out["ce_labels"] = logits, onehot
loss, dlogits = P.SoftmaxCrossEntropyWithLogits()(Tensor(logits), Tensor(onehot))
put("ce_loss", loss)
put("ce_dlogits", dlogits)
put("ce_sparse", P.SparseSoftmaxCrossEntropyWithLogits()(Tensor(logits), Tensor(np.array([1, 0, 5, 2], np.int32))))
lab = (rng.rand(3, 5) > 0.5).astype(np.float32)
out["sce_labels"] = lab
put("sce_loss", P.SigmoidCrossEntropyWithLogits()(Tensor(u), Tensor(lab)))
put("softmax", P.Softmax()(Tensor(u)))
put("softmax_0", P.Softmax(0)(Tensor(u)))
put("logsoftmax", P.LogSoftmax()(Tensor(u)))
put("logsoftmax_0", P.LogSoftmax(0)(Tensor(u)))
bias = f32(5)
out["bias"] = bias
put("biasadd", P.BiasAdd()(Tensor(u), Tensor(bias)))
x4 = f32(2, 3, 4, 4)
out["bias4_x"] = x4
put("biasadd4", P.BiasAdd()(Tensor(x4), Tensor(bias[:3])))
put("pad", P.Pad(((1, 2), (0, 3)))(Tensor(u)))
idx = np.array([[0, 3], [2, 5]], np.int32)
for axis in (-1, 0, 1):
    put(f"onehot_{axis}", P.OneHot(axis)(Tensor(idx), 4, Tensor(2.0, ms.float32), Tensor(-1.0, ms.float32)))
img, w = f32(2, 3, 7, 6), f32(4, 3, 3, 2)
out["conv_x"], out["conv_w"] = img, w
for mode, pad, stride, dil in (("valid", 0, 1, 1), ("same", 0, 2, 1), ("pad", 1, 2, 1), ("same", 0, 3, 2)):
    put(f"conv_{mode}_{pad}_{stride}_{dil}",
        P.Conv2D(4, (3, 2), pad_mode=mode, pad=pad, stride=stride, dilation=dil)(Tensor(img), Tensor(w)))
for pad_mode in ("VALID", "SAME"):
    put(f"maxpool_{pad_mode}", P.MaxPool(3, 2, pad_mode)(Tensor(img)))
    put(f"avgpool_{pad_mode}", P.AvgPool(3, 2, pad_mode)(Tensor(img)))
put("l2norm_0", P.L2Normalize(axis=0)(Tensor(u)))
put("l2norm_1", P.L2Normalize(axis=1, epsilon=1e-4)(Tensor(u * 1e-3)))
feat = f32(2, 3, 8, 8)
rois = np.array([[0, 1.0, 1.5, 5.0, 6.0], [1, 0.2, 0.3, 2.2, 1.3], [1, 3.0, 3.0, 12.0, 9.0], [0, 0, 0, 0.5, 0.4]],
                np.float32)
out["roi_feat"], out["roi_rois"] = feat, rois
put("roi_2", P.ROIAlign(2, 3, 0.5, 2, roi_end_mode=1)(Tensor(feat), Tensor(rois)))
put("roi_0", P.ROIAlign(2, 2, 1.0, 0, roi_end_mode=1)(Tensor(feat), Tensor(rois)))
gamma, beta = f32(4, 4), f32(4, 4)
out["ln_gamma"], out["ln_beta"] = gamma, beta
y, mean, var = P.LayerNorm(2, 2, epsilon=1e-12)(Tensor(x4), Tensor(gamma), Tensor(beta))
put("ln_y", y)
put("ln_mean", mean)
put("ln_var", var)
vals, inds = P.TopK(sorted=True)(Tensor(u), 3)
put("topk_values", vals)
put("topk_indices", inds)


# more nn primitives whose 2.10 form keeps 0.1's semantics
img2 = f32(1, 2, 5, 7)
out["rb_x"] = img2
put("rb_3_4", P.ResizeBilinearV2()(Tensor(img2), (3, 4)))
put("rb_8_11", P.ResizeBilinearV2()(Tensor(img2), (8, 11)))
put("rb_8_11_ac", P.ResizeBilinearV2(align_corners=True)(Tensor(img2), (8, 11)))
cw = f32(4, 3, 3, 3)
out["cbi_w"] = cw
for mode, pad, stride, hw in (("valid", 0, 1, 7), ("same", 0, 2, 7), ("same", 0, 2, 8), ("pad", 1, 2, 7)):
    xs = (2, 3, hw, hw)
    h_out = {"valid": hw - 2, "same": -(-hw // stride), "pad": (hw + 2 - 3) // stride + 1}[mode]
    d = f32(2, 4, h_out, h_out)
    out[f"cbi_dout_{mode}_{stride}_{hw}"] = d
    put(f"cbi_{mode}_{stride}_{hw}", P.Conv2DBackpropInput(4, 3, pad_mode=mode, pad=pad, stride=stride)(
        Tensor(d), Tensor(cw), xs))
o, am = P.MaxPoolWithArgmax(kernel_size=3, strides=2, pad_mode="same")(Tensor(img))
put("mpa_out", o)
put("mpa_argmax", am)
o, am = P.MaxPoolWithArgmax(kernel_size=2, strides=2, pad_mode="valid")(Tensor(img))
put("mpa_valid_out", o)
put("mpa_valid_argmax", am)
v0, a0, g0 = f32(5), np.abs(f32(5)), f32(5)
out["opt_v"], out["opt_a"], out["opt_g"] = v0, a0, g0
for nest in (False, True):
    var, acc = Parameter(Tensor(v0.copy())), Parameter(Tensor(a0.copy()))
    P.ApplyMomentum(use_nesterov=nest)(var, acc, Tensor(0.1, ms.float32), Tensor(g0), Tensor(0.9, ms.float32))
    put(f"mom_var_{int(nest)}", var)
    put(f"mom_acc_{int(nest)}", acc)
for nest in (False, True):
    var, acc, stat = Parameter(Tensor(v0.copy())), Parameter(Tensor(a0.copy())), Parameter(Tensor(np.ones(5, np.float32)))
    sgd = P.SGD(dampening=0.0 if nest else 0.2, weight_decay=0.05, nesterov=nest)
    for _ in range(2):
        sgd(var, Tensor(g0), Tensor(0.1, ms.float32), acc, Tensor(0.9, ms.float32), stat)
    put(f"sgd_var_{int(nest)}", var)
    put(f"sgd_acc_{int(nest)}", acc)
for nest in (False, True):
    var, m, v = Parameter(Tensor(v0.copy())), Parameter(Tensor(a0.copy())), Parameter(Tensor(a0.copy() * 2))
    scal = [Tensor(np.float32(z)) for z in (0.81, 0.998, 0.01, 0.9, 0.999, 1e-8)]
    P.Adam(use_nesterov=nest)(var, m, v, *scal, Tensor(g0))
    put(f"adam_var_{int(nest)}", var)
    put(f"adam_m_{int(nest)}", m)
    put(f"adam_v_{int(nest)}", v)
var, acc = Parameter(Tensor(np.ones((4, 2), np.float32))), Parameter(Tensor(np.full((4, 2), 0.5, np.float32)))
sg = f32(2, 2)
out["sag_g"] = sg
P.SparseApplyAdagrad(lr=0.3)(var, acc, Tensor(sg), Tensor(np.array([3, 1], np.int32)))
put("sag_var", var)
put("sag_acc", acc)
pa, pb = f32(3, 5) * 2, f32(3, 5) * 2
out["sl1_a"], out["sl1_b"] = pa, pb
for sigma in (1.0, 0.5):
    put(f"sl1_{sigma}", P.SmoothL1Loss(sigma)(Tensor(pa), Tensor(pb)))
prob = rng.uniform(0.05, 0.95, (3, 5)).astype(np.float32)
wts = rng.uniform(0.5, 2, (3, 5)).astype(np.float32)
out["bce_x"], out["bce_w"] = prob, wts
for red in ("none", "mean", "sum"):
    put(f"bce_{red}", P.BinaryCrossEntropy(red)(Tensor(prob), Tensor(lab), Tensor(wts)))
pw = np.abs(f32(3)) * 0.3
out["prelu_w"] = pw
put("prelu", P.PReLU()(Tensor(x4), Tensor(pw)))
put("gelu", P.GeLU()(Tensor(u)))
put("pow_scalar", P.Pow()(Tensor(pos), 2.5))
put("pow_tensor", P.Pow()(Tensor(pos), Tensor(u)))

# gradients (bprops unchanged since 0.1)
def grad_all(fn, *xs):
    return ms.grad(fn, grad_position=tuple(range(len(xs))))(*[Tensor(x) for x in xs])


ga, gb = grad_all(lambda x, y: P.Maximum()(x, y).sum(), a, b)
put("grad_Maximum_a", ga)
put("grad_Maximum_b", gb)
ga, gb = grad_all(lambda x, y: P.Minimum()(x, y).sum(), a, b)
put("grad_Minimum_a", ga)
put("grad_Minimum_b", gb)
put("grad_ReduceMax", ms.grad(lambda x: (P.ReduceMax()(x, 2) * Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))).sum())(Tensor(r)))
put("grad_ce", ms.grad(lambda x: (P.SoftmaxCrossEntropyWithLogits()(x, Tensor(onehot))[0] * Tensor(np.arange(4, dtype=np.float32))).sum())(Tensor(logits)))

path = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "ops_mathnn.npz")
np.savez_compressed(path, **out)
print("wrote", os.path.normpath(path), len(out), "arrays")
