"""Tests of msnn.ops.operations.nn_ops: MindSpore 2.10 goldens (tests/data/ops_mathnn.npz) where the
op did not change since 0.1, the matching msnn layers (Conv2d, MaxPool2d, AvgPool2d,
Conv2dTranspose, LSTM), numpy references of 0.1's formulas, 0.1's bprops and input checks."""
import os

import numpy as np
import pytest
import torch

import msnn
from msnn.ops import operations as P

G = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "ops_mathnn.npz"))


def t(a, device="cpu", grad=False):
    x = torch.tensor(np.asarray(a), device=device)
    return x.requires_grad_(True) if grad else x


def mt(a):
    """An msnn.Tensor (on the context's device, like the Parameters built from them)."""
    return msnn.Tensor(np.asarray(a))


def close(got, want, rtol=1e-5, atol=1e-6):
    got = got.detach().cpu().numpy() if isinstance(got, torch.Tensor) else np.asarray(got)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


# ---------------------------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------------------------
def test_ReLU_golden_and_grad_at_zero(device):
    close(P.ReLU()(t(G["un_x"], device)), G["un_ReLU"])
    x = t(np.array([-1.0, 0.0, 2.0], np.float32), device, True)
    P.ReLU()(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]  # 0.1's ReluGrad: dout where out > 0
    assert P.ReLU()(t(np.array([-2, 3], np.int32))).tolist() == [0, 3]
    with pytest.raises(ValueError, match="'ReLU'.*'input_x'.*bool"):
        P.ReLU()(torch.ones(2, dtype=torch.bool))
    with pytest.raises(TypeError, match="'ReLU'.*'input_x'"):
        P.ReLU()([1.0])


def test_ReLU6_golden_and_grad():
    close(P.ReLU6()(t(G["un_x"] * 5)), G["un_ReLU6"])
    x = t(np.array([-1.0, 0.0, 3.0, 6.0, 7.0], np.float32), grad=True)
    P.ReLU6()(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="'ReLU6'"):
        P.ReLU6()(torch.ones(2, dtype=torch.int32))


def test_Sigmoid_golden():
    close(P.Sigmoid()(t(G["un_x"])), G["un_Sigmoid"])


def test_Tanh_golden():
    close(P.Tanh()(t(G["un_x"])), G["un_Tanh"])


def test_Gelu_tanh_approximation():
    x = np.array([-1.0, 0.5, 1.0, 2.0, 3.0], np.float32)
    want = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    close(P.Gelu()(t(x)), want, rtol=1e-5)
    layer = msnn.GELU()
    close(P.Gelu()(t(x)), layer(msnn.Tensor(x)).asnumpy())


def test_Softmax_golden_and_tuple_axis(device):
    close(P.Softmax()(t(G["un_x"], device)), G["softmax"])
    close(P.Softmax(0)(t(G["un_x"], device)), G["softmax_0"])
    x = G["un_x"]
    both = np.exp(x) / np.exp(x).sum()
    close(P.Softmax((0, 1))(t(x, device)), both, rtol=1e-5)
    assert P.Softmax().axis == (-1,)
    with pytest.raises(ValueError, match="'Softmax'.*'axis'"):
        P.Softmax(1.0)
    with pytest.raises(ValueError, match="'Softmax'.*'axis'.*\\[-2, 2\\)"):
        P.Softmax(2)(t(x))


def test_Softmax_grad_is_bprop():
    x = t(G["un_x"], grad=True)
    dout = np.arange(15, dtype=np.float32).reshape(3, 5)
    out = P.Softmax()(x)
    out.backward(torch.tensor(dout))
    o = out.detach().numpy()
    close(x.grad, (dout - (dout * o).sum(-1, keepdims=True)) * o, rtol=1e-5, atol=1e-6)


def test_LogSoftmax_golden():
    close(P.LogSoftmax()(t(G["un_x"])), G["logsoftmax"])
    close(P.LogSoftmax(0)(t(G["un_x"])), G["logsoftmax_0"])
    with pytest.raises(ValueError, match="'LogSoftmax'.*'axis'"):
        P.LogSoftmax((1,))


def test_PReLU_example_and_errors():
    x = t(np.array([[-2.0, 3.0], [4.0, -1.0]], np.float32), grad=True)
    w = t(np.array([0.5, 0.25], np.float32), grad=True)
    out = P.PReLU()(x, w)
    assert out.tolist() == [[-1.0, 3.0], [4.0, -0.25]]
    out.sum().backward()
    assert x.grad.tolist() == [[0.5, 1.0], [1.0, 0.25]] and w.grad.tolist() == [-2.0, -1.0]
    with pytest.raises(ValueError, match="'PReLU'.*'weight'"):
        P.PReLU()(x, t(np.ones(3, np.float32)))


def test_Flatten_example():
    assert P.Flatten()(torch.ones(1, 2, 3, 4)).shape == (1, 24)
    assert P.Flatten()(torch.ones(3)).shape == (3, 1)
    with pytest.raises(ValueError, match="'Flatten'"):
        P.Flatten()(torch.tensor(1.0))


# ---------------------------------------------------------------------------------------------
# normalization
# ---------------------------------------------------------------------------------------------
def _bn_ref(x, eps):
    mean = x.mean((0, 2, 3))
    var = x.var((0, 2, 3))
    return mean, var


def test_FusedBatchNorm_updates_moving_stats():
    x = np.random.RandomState(1).randn(4, 3, 2, 2).astype(np.float32)
    mean, var = t(np.zeros(3, np.float32)), t(np.ones(3, np.float32))
    y, m, v, save_mean, save_inv = P.FusedBatchNorm(momentum=0.1, epsilon=1e-5)(
        t(x), t(np.ones(3, np.float32)), t(np.zeros(3, np.float32)), mean, var)
    bm, bv = x.mean((0, 2, 3)), x.var((0, 2, 3))
    close(y, (x - bm[:, None, None]) / np.sqrt(bv[:, None, None] + 1e-5), rtol=1e-4, atol=1e-5)
    assert m is mean and v is var
    close(mean, 0.1 * bm, rtol=1e-5)
    close(var, 0.9 + 0.1 * x.var((0, 2, 3), ddof=1), rtol=1e-5)
    close(save_mean, bm, rtol=1e-5)
    close(save_inv, 1 / np.sqrt(bv + 1e-5), rtol=1e-5)
    with pytest.raises(ValueError, match="'FusedBatchNorm'.*'momentum'"):
        P.FusedBatchNorm(momentum=1.5)
    with pytest.raises(ValueError, match="'FusedBatchNorm'.*'mode'"):
        P.FusedBatchNorm(mode=2)


def test_FusedBatchNorm_matches_BatchNorm2d_training():
    x = np.random.RandomState(2).randn(4, 3, 5, 5).astype(np.float32)
    bn = msnn.BatchNorm2d(3, momentum=0.9).set_train()
    want = bn(msnn.Tensor(x)).asnumpy()
    mean, var = t(np.zeros(3, np.float32)), t(np.ones(3, np.float32))
    y = P.FusedBatchNorm(mode=1, epsilon=1e-5, momentum=0.1)(t(x), t(np.ones(3, np.float32)),
                                                               t(np.zeros(3, np.float32)), mean, var)[0]
    close(y, want, rtol=1e-5, atol=1e-5)
    close(mean, bn.moving_mean.detach().cpu().numpy(), rtol=1e-5, atol=1e-7)
    close(var, bn.moving_variance.detach().cpu().numpy(), rtol=1e-5)


def test_BatchNorm_inference_and_training():
    x = np.random.RandomState(3).randn(4, 3, 2, 2).astype(np.float32)
    scale, bias = np.array([1.0, 2.0, 0.5], np.float32), np.array([0.0, 1.0, -1.0], np.float32)
    mean, var = np.array([0.1, -0.2, 0.3], np.float32), np.array([1.0, 2.0, 0.5], np.float32)
    out = P.BatchNorm()(t(x), t(scale), t(bias), t(mean), t(var))
    assert len(out) == 6
    shape = (1, 3, 1, 1)
    want = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + 1e-5) * scale.reshape(shape) + bias.reshape(shape)
    close(out[0], want, rtol=1e-5, atol=1e-5)
    y, bm, bv, r1, r2, _ = P.BatchNorm(is_training=True)(t(x), t(scale), t(bias), None, None)
    close(bm, x.mean((0, 2, 3)), rtol=1e-5, atol=1e-6)
    close(bv, x.var((0, 2, 3), ddof=1), rtol=1e-5)
    close(r2, x.var((0, 2, 3)), rtol=1e-5)
    with pytest.raises(ValueError, match="'BatchNorm'.*'scale'"):
        P.BatchNorm()(t(x), t(scale[:2]), t(bias[:2]), t(mean), t(var))
    with pytest.raises(ValueError, match="'BatchNorm'.*'input_x'.*int32"):
        P.BatchNorm()(t(x).int(), t(scale), t(bias), t(mean), t(var))
    with pytest.raises(ValueError, match="'BatchNorm'.*'is_training'"):
        P.BatchNorm(is_training=1)


def test_LayerNorm_golden_outputs():
    y, mean, var = P.LayerNorm(2, 2)(t(G["bias4_x"]), t(G["ln_gamma"]), t(G["ln_beta"]))
    close(y, G["ln_y"], rtol=1e-4, atol=1e-5)
    close(mean, G["ln_mean"], rtol=1e-5, atol=1e-6)
    close(var, G["ln_var"], rtol=1e-5)
    x = t(G["bias4_x"])
    y2 = P.LayerNorm(1, 2)(x, t(G["ln_gamma"]), t(G["ln_beta"]))[0]
    xn = (G["bias4_x"] - G["bias4_x"].mean((1, 2, 3), keepdims=True)) / np.sqrt(
        G["bias4_x"].var((1, 2, 3), keepdims=True) + 1e-12)
    close(y2, xn * G["ln_gamma"] + G["ln_beta"], rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="'LayerNorm'.*'gamma'"):
        P.LayerNorm(2, 2)(x, t(np.ones(4, np.float32)), t(G["ln_beta"]))


def test_L2Normalize_golden():
    close(P.L2Normalize(axis=0)(t(G["un_x"])), G["l2norm_0"])
    close(P.L2Normalize(axis=1, epsilon=1e-4)(t(G["un_x"] * 1e-3)), G["l2norm_1"])
    with pytest.raises(ValueError, match="'L2Normalize'.*'axis'"):
        P.L2Normalize(axis=2)(t(G["un_x"]))


# ---------------------------------------------------------------------------------------------
# convolution and pooling
# ---------------------------------------------------------------------------------------------
CONV_CASES = (("valid", 0, 1, 1), ("same", 0, 2, 1), ("pad", 1, 2, 1), ("same", 0, 3, 2))


@pytest.mark.parametrize("mode,pad,stride,dil", CONV_CASES)
def test_Conv2D_golden_and_layer(mode, pad, stride, dil, device):
    x, w = t(G["conv_x"], device), t(G["conv_w"], device)
    out = P.Conv2D(4, (3, 2), pad_mode=mode, pad=pad, stride=stride, dilation=dil)(x, w)
    close(out, G[f"conv_{mode}_{pad}_{stride}_{dil}"], rtol=1e-4, atol=1e-5)
    layer = msnn.Conv2d(3, 4, (3, 2), stride, mode, pad, dil).to(device)
    with torch.no_grad():
        layer.weight.copy_(w)
    assert torch.equal(layer(x), out)


def test_Conv2D_errors():
    with pytest.raises(ValueError, match="'Conv2D'.*'pad'"):
        P.Conv2D(4, 3, pad_mode="same", pad=1)
    with pytest.raises(ValueError, match="'Conv2D'.*'pad_mode'"):
        P.Conv2D(4, 3, pad_mode="SAME")
    with pytest.raises(ValueError, match="'Conv2D'.*'mode'"):
        P.Conv2D(4, 3, mode=0)
    with pytest.raises(ValueError, match="'Conv2D'.*'kernel_size'"):
        P.Conv2D(4, (3, 0))
    with pytest.raises(ValueError, match="'Conv2D'.*'out_channel'"):
        P.Conv2D(0, 3)
    op = P.Conv2D(4, (3, 2))
    with pytest.raises(ValueError, match="'Conv2D'.*'weight'.*out_channel"):
        op(t(G["conv_x"]), t(G["conv_w"][:2]))
    with pytest.raises(ValueError, match="'Conv2D'.*'input'.*4-D"):
        op(t(G["conv_x"][0]), t(G["conv_w"]))
    with pytest.raises(TypeError, match="'Conv2D'.*'weight'.*float64"):
        op(t(G["conv_x"]), t(G["conv_w"]).double())


def test_Conv2D_grad_matches_backprop_input():
    x, w = t(G["conv_x"], grad=True), t(G["conv_w"])
    out = P.Conv2D(4, (3, 2), pad_mode="same", stride=2)(x, w)
    dout = torch.randn(out.shape)
    out.backward(dout)
    dx = P.Conv2DBackpropInput(4, (3, 2), pad_mode="same", stride=2)(dout, w, tuple(x.shape))
    close(x.grad, dx.numpy(), rtol=1e-4, atol=1e-5)
    dx = P.Conv2DBackpropInput(4, (3, 2), pad_mode="same", stride=2, pad_list=(1, 1, 0, 0))(dout, w, tuple(x.shape))
    close(x.grad, dx.numpy(), rtol=1e-4, atol=1e-5)


def test_DepthwiseConv2dNative_channel_order():
    x = np.random.RandomState(4).randn(2, 3, 5, 5).astype(np.float32)
    w = np.random.RandomState(5).randn(2, 3, 3, 3).astype(np.float32)
    out = P.DepthwiseConv2dNative(2, 3)(t(x), t(w)).numpy()
    assert out.shape == (2, 6, 3, 3)
    for c in range(3):
        for m in range(2):
            ref = P.Conv2D(1, 3)(t(x[:, c:c + 1]), t(w[m:m + 1, c:c + 1])).numpy()
            close(out[:, c * 2 + m:c * 2 + m + 1], ref, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="'DepthwiseConv2dNative'.*'weight'"):
        P.DepthwiseConv2dNative(2, 3)(t(x), t(w[:, :2]))
    with pytest.raises(ValueError, match="'DepthwiseConv2dNative'.*'mode'"):
        P.DepthwiseConv2dNative(2, 3, mode=1)


@pytest.mark.parametrize("pad_mode", ["same", "valid", "pad"])
def test_Conv2DBackpropInput_matches_Conv2dTranspose(pad_mode, device):
    rng = np.random.RandomState(6)
    x = rng.randn(2, 4, 5, 6).astype(np.float32)
    layer = msnn.Conv2dTranspose(4, 3, 3, stride=2, pad_mode=pad_mode, padding=1 if pad_mode == "pad" else 0).to(device)
    want = layer(t(x, device))
    op = P.Conv2DBackpropInput(3, 3, pad_mode=pad_mode, pad=1 if pad_mode == "pad" else 0, stride=2)
    got = op(t(x, device), layer.weight, tuple(want.shape))
    assert torch.equal(got, want)


def test_Conv2DBackpropInput_is_conv_gradient():
    x, w = t(G["conv_x"], grad=True), t(G["conv_w"])
    out = P.Conv2D(4, (3, 2), pad_mode="pad", pad=1, stride=2)(x, w)
    dout = torch.randn(out.shape)
    out.backward(dout)
    dx = P.Conv2DBackpropInput(4, (3, 2), pad_mode="pad", pad=1, stride=2)(dout, w, tuple(x.shape))
    close(dx, x.grad.numpy(), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="'Conv2DBackpropInput'.*'input_sizes'"):
        P.Conv2DBackpropInput(4, (3, 2))(dout, w, [2, 3, 7, 6])


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_MaxPool_golden_and_layer(padding, device):
    x = t(G["conv_x"], device)
    out = P.MaxPool(3, 2, padding)(x)
    close(out, G[f"maxpool_{padding}"])
    assert torch.equal(out, msnn.MaxPool2d(3, 2, padding)(x))


def test_MaxPool_errors():
    with pytest.raises(ValueError, match="'MaxPool'.*'padding'"):
        P.MaxPool(2, 2, "pad")
    with pytest.raises(ValueError, match="'MaxPool'.*'ksize'"):
        P.MaxPool((2, 0))
    with pytest.raises(ValueError, match="'MaxPool'.*'input'"):
        P.MaxPool(8)(t(G["conv_x"]))


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_AvgPool_golden_and_layer(padding, device):
    x = t(G["conv_x"], device)
    out = P.AvgPool(3, 2, padding)(x)
    close(out, G[f"avgpool_{padding}"], rtol=1e-5)
    assert torch.equal(out, msnn.AvgPool2d(3, 2, padding)(x))


def test_MaxPoolWithArgmax_same_matches_MaxPool2d(device):
    x = t(G["conv_x"], device, True)
    out, argmax = P.MaxPoolWithArgmax(pad_mode="same", window=3, stride=2)(x)
    assert torch.equal(out, msnn.MaxPool2d(3, 2, "same")(x))
    assert argmax.dtype == torch.int32 and argmax.shape == out.shape
    flat = x.detach().reshape(2, -1)  # argmax indexes each sample's flattened (C, H, W)
    assert torch.equal(torch.gather(flat, 1, argmax.long().reshape(2, -1)).reshape(out.shape), out.detach())
    out.sum().backward()  # the gradient goes to the argmax positions
    counts = torch.zeros_like(flat).scatter_add_(1, argmax.long().reshape(2, -1), torch.ones_like(flat[:, :36]))
    close(x.grad.reshape(2, -1), counts.cpu().numpy())


def test_MaxPoolWithArgmax_valid_golden():
    out, argmax = P.MaxPoolWithArgmax(window=2, stride=2)(t(G["conv_x"]))
    close(out, G["mpa_valid_out"])
    assert np.array_equal(argmax.numpy(), G["mpa_valid_argmax"])


def test_MaxPoolWithArgmax_valid_pad_and_errors():
    x = t(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4))
    out, argmax = P.MaxPoolWithArgmax(window=2, stride=2)(x)
    assert out.tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]] and argmax.tolist() == [[[[5, 7], [13, 15]]]]
    assert P.MaxPoolWithArgmax(window=2, stride=2)(torch.cat([x, x], 1))[1][0, 1].tolist() == [[21, 23], [29, 31]]
    out, argmax = P.MaxPoolWithArgmax(pad_mode="pad", window=3, pad=1, stride=2)(x)
    assert out.tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    with pytest.raises(ValueError, match="'MaxPoolWithArgmax'.*'pad_mode'"):
        P.MaxPoolWithArgmax(pad_mode="SAME")
    with pytest.raises(ValueError, match="'MaxPoolWithArgmax'.*'x'.*int32"):
        P.MaxPoolWithArgmax()(x.int())


def test_BiasAdd_golden_and_grad(device):
    close(P.BiasAdd()(t(G["un_x"], device), t(G["bias"], device)), G["biasadd"])
    close(P.BiasAdd()(t(G["bias4_x"], device), t(G["bias"][:3], device)), G["biasadd4"])
    b = t(G["bias"][:3], grad=True)
    P.BiasAdd()(t(G["bias4_x"]), b).sum().backward()
    assert b.grad.tolist() == [32.0] * 3  # 0.1's BiasAddGrad: dout summed over all but axis 1
    with pytest.raises(ValueError, match="'BiasAdd'.*'bias'"):
        P.BiasAdd()(t(G["un_x"]), t(G["bias"][:3]))
    with pytest.raises(TypeError, match="'BiasAdd'.*'bias'"):
        P.BiasAdd()(t(G["un_x"]), t(G["bias"]).double())


def test_TopK_golden_and_example():
    values, indices = P.TopK(sorted=True)(t(G["un_x"]), 3)
    close(values, G["topk_values"])
    assert indices.dtype == torch.int32 and np.array_equal(indices.numpy(), G["topk_indices"])
    v, i = P.TopK(sorted=True)(t(np.array([1, 2, 3, 4, 5], np.float16)), 3)
    assert v.tolist() == [5.0, 4.0, 3.0] and i.tolist() == [4, 3, 2]
    with pytest.raises(ValueError, match="'TopK'.*'k'"):
        P.TopK()(t(G["un_x"]), 2.0)
    with pytest.raises(ValueError, match="'TopK'.*'input_x'"):
        P.TopK()(t(G["un_x"]).double(), 2)


def test_Pad_golden_example_and_bprop():
    close(P.Pad(((1, 2), (0, 3)))(t(G["un_x"])), G["pad"])
    x = t(np.array([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]], np.float32), grad=True)
    out = P.Pad(((1, 2), (2, 1)))(x)
    want = np.zeros((5, 6), np.float32)
    want[1:3, 2:5] = x.detach().numpy()
    close(out, want)
    out.backward(torch.arange(30.0).reshape(5, 6))
    close(x.grad, np.arange(30.0).reshape(5, 6)[1:3, 2:5])  # 0.1's bprop: the slice of dout
    with pytest.raises(TypeError, match="'Pad'.*'paddings'"):
        P.Pad([[1, 1]])
    with pytest.raises(ValueError, match="'Pad'.*'paddings'"):
        P.Pad(((1, 2, 3),))
    with pytest.raises(ValueError, match="'Pad'.*'paddings'"):
        P.Pad(((1, 1),))(x)
    with pytest.raises(ValueError, match="'Pad'.*>= 0"):
        P.Pad(((1, -1), (0, 0)))(x)


def test_ResizeBilinear_legacy_mapping():
    x = np.arange(10, dtype=np.float32).reshape(1, 1, 2, 5)
    out = P.ResizeBilinear((3, 7))(t(x)).numpy()
    # TensorFlow 1 (align_corners=False, no half pixel): src = dst * in / out
    ys, xs = np.arange(3) * 2 / 3, np.arange(7) * 5 / 7
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, 1), np.minimum(x0 + 1, 4)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    img = x[0, 0]
    top = img[y0][:, x0] * (1 - fx) + img[y0][:, x1] * fx
    bot = img[y1][:, x0] * (1 - fx) + img[y1][:, x1] * fx
    close(out[0, 0], top * (1 - fy) + bot * fy, rtol=1e-6)
    ac = P.ResizeBilinear((3, 9), align_corners=True)(t(x))
    close(ac, torch.nn.functional.interpolate(t(x), (3, 9), mode="bilinear", align_corners=True), rtol=1e-6)
    r = P.ResizeBilinear((5, 5))(t(np.array([[[[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]]], np.int32)))
    assert r.dtype == torch.float32 and r.shape == (1, 1, 5, 5)


def test_OneHot_golden_axes_and_errors():
    idx = t(G["onehot_-1"].argmax(-1).astype(np.int32))
    on, off = t(np.float32(2.0)), t(np.float32(-1.0))
    for axis in (-1, 0, 1):
        close(P.OneHot(axis)(t(np.array([[0, 3], [2, 5]], np.int32)), 4, on, off), G[f"onehot_{axis}"])
    assert idx.shape == (2, 2)
    with pytest.raises(ValueError, match="'OneHot'.*'indices'"):
        P.OneHot()(t(np.array([0.0])), 3, on, off)
    with pytest.raises(TypeError, match="'OneHot'.*'off_value'"):
        P.OneHot()(t(np.array([0], np.int32)), 3, on, off.double())
    with pytest.raises(ValueError, match="'OneHot'.*'axis'"):
        P.OneHot(3)(t(np.array([0], np.int32)), 3, on, off)


# ---------------------------------------------------------------------------------------------
# losses
# ---------------------------------------------------------------------------------------------
def test_SoftmaxCrossEntropyWithLogits_golden_and_bprop(device):
    logits = t(G["ce_logits"], device, True)
    loss, dlogits = P.SoftmaxCrossEntropyWithLogits()(logits, t(G["ce_labels"], device))
    close(loss, G["ce_loss"], rtol=1e-5)
    close(dlogits, G["ce_dlogits"], rtol=1e-5, atol=1e-6)
    (loss * torch.arange(4.0, device=device)).sum().backward()
    close(logits.grad, G["grad_ce"], rtol=1e-5, atol=1e-6)


def test_SoftmaxCrossEntropyWithLogits_bprop_is_dlogits_times_dloss():
    logits = t(G["ce_logits"], grad=True)
    soft = np.full((4, 6), 0.5, np.float32)  # labels summing to 3: not the mathematical gradient
    loss, dlogits = P.SoftmaxCrossEntropyWithLogits()(logits, t(soft))
    loss.sum().backward()
    close(logits.grad, _softmax(G["ce_logits"]) - soft, rtol=1e-5, atol=1e-6)
    assert not dlogits.requires_grad
    with pytest.raises(ValueError, match="'SoftmaxCrossEntropyWithLogits'.*'labels'"):
        P.SoftmaxCrossEntropyWithLogits()(logits, t(soft[:2]))
    with pytest.raises(TypeError, match="'SoftmaxCrossEntropyWithLogits'.*'labels'.*float64"):
        P.SoftmaxCrossEntropyWithLogits()(logits, t(soft).double())


def test_SoftmaxCrossEntropyWithLogits_other_ranks_keep_classes_last():
    x = np.array([0.5, -1.0, 2.0], np.float32)
    y = np.array([0.0, 1.0, 0.0], np.float32)
    logits = t(x, grad=True)
    loss, dlogits = P.SoftmaxCrossEntropyWithLogits()(logits, t(y))  # one unbatched sample
    p = np.exp(x) / np.exp(x).sum()
    assert loss.shape == () and dlogits.shape == (3,)
    close(loss, -np.log(p[1]), rtol=1e-6)
    close(dlogits, p - y, rtol=1e-5, atol=1e-7)
    loss.backward()
    close(logits.grad, p - y, rtol=1e-5, atol=1e-7)
    x3 = np.stack([np.stack([x, x[::-1]])] * 2)  # (2, 2, 3)
    loss3, _ = P.SoftmaxCrossEntropyWithLogits()(t(x3), t(np.broadcast_to(y, x3.shape).copy()))
    assert loss3.shape == (2, 2)
    close(loss3[0, 1], -np.log(p[::-1][1]), rtol=1e-6)
    with pytest.raises(ValueError, match="'SoftmaxCrossEntropyWithLogits'.*'logits'.*rank"):
        P.SoftmaxCrossEntropyWithLogits()(t(np.float32(1.0)), t(np.float32(1.0)))


def test_SparseSoftmaxCrossEntropyWithLogits_golden_and_is_grad():
    logits = t(G["ce_logits"], grad=True)
    labels = t(np.array([1, 0, 5, 2], np.int32))
    loss = P.SparseSoftmaxCrossEntropyWithLogits()(logits, labels)
    close(loss, G["ce_sparse"], rtol=1e-5)
    loss.backward()
    grad = P.SparseSoftmaxCrossEntropyWithLogits(is_grad=True)(logits, labels)
    close(logits.grad, grad.numpy(), rtol=1e-5, atol=1e-7)  # 0.1's bprop: the is_grad output * dout
    close(grad, (_softmax(G["ce_logits"]) - G["ce_labels"]) / 4, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="'SparseSoftmaxCrossEntropyWithLogits'.*'labels'"):
        P.SparseSoftmaxCrossEntropyWithLogits()(logits, labels.float())
    with pytest.raises(ValueError, match="'SparseSoftmaxCrossEntropyWithLogits'.*'labels'"):
        P.SparseSoftmaxCrossEntropyWithLogits()(logits, labels[:3])


def test_SigmoidCrossEntropyWithLogits_golden_and_grad():
    x = t(G["un_x"], grad=True)
    y = t(G["sce_labels"])
    loss = P.SigmoidCrossEntropyWithLogits()(x, y)
    close(loss, G["sce_loss"], rtol=1e-5)
    loss.sum().backward()
    close(x.grad, 1 / (1 + np.exp(-G["un_x"])) - G["sce_labels"], rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError, match="'SigmoidCrossEntropyWithLogits'.*'label'"):
        P.SigmoidCrossEntropyWithLogits()(x, y.double())


def test_SmoothL1Loss_matches_layer():
    x, y = np.array([1.0, 2.0, 3.0, -1.0], np.float32), np.array([1.0, 2.5, 5.0, 0.5], np.float32)
    for sigma in (1.0, 0.5, 2.0):
        want = msnn.SmoothL1Loss(sigma)(msnn.Tensor(x), msnn.Tensor(y)).asnumpy()
        close(P.SmoothL1Loss(sigma)(msnn.Tensor(x), msnn.Tensor(y)), want)
    with pytest.raises(ValueError, match="'SmoothL1Loss'.*'sigma'"):
        P.SmoothL1Loss(1)
    with pytest.raises(ValueError, match="'SmoothL1Loss'.*'sigma'"):
        P.SmoothL1Loss(-1.0)


def test_BinaryCrossEntropy_reductions():
    x = np.array([0.2, 0.7, 0.1], np.float32)
    y = np.array([0.0, 1.0, 0.0], np.float32)
    w = np.array([1.0, 2.0, 2.0], np.float32)
    per = -w * (y * np.log(x) + (1 - y) * np.log(1 - x))
    close(P.BinaryCrossEntropy("none")(t(x), t(y), t(w)), per, rtol=1e-5)
    close(P.BinaryCrossEntropy()(t(x), t(y), t(w)), per.mean(), rtol=1e-5)
    close(P.BinaryCrossEntropy("sum")(t(x), t(y)), (per / w).sum(), rtol=1e-5)
    with pytest.raises(ValueError, match="'BinaryCrossEntropy'.*'reduction'"):
        P.BinaryCrossEntropy("avg")


# ---------------------------------------------------------------------------------------------
# optimizer updates
# ---------------------------------------------------------------------------------------------
def test_ApplyMomentum_update_in_place():
    w = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="w")
    acc = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="acc")
    g = mt(np.array([1.0, 2.0], np.float32))
    out = P.ApplyMomentum()(w, acc, mt(np.float32(0.1)), g, mt(np.float32(0.9)))
    assert out is w
    close(acc, [1.9, 2.9])
    close(w, [1 - 0.19, 1 - 0.29])
    w2 = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="w2")
    acc2 = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="acc2")
    P.ApplyMomentum(use_nesterov=True)(w2, acc2, 0.1, g, 0.9)
    close(w2, 1 - (0.1 * np.array([1.0, 2.0]) + 0.1 * 0.9 * np.array([1.9, 2.9])), rtol=1e-6)
    with pytest.raises(ValueError, match="'ApplyMomentum'.*'gradient'"):
        P.ApplyMomentum()(w, acc, 0.1, g.int(), 0.9)


def test_ApplyMomentum_matches_nn_Momentum():
    rng = np.random.RandomState(8)
    w0, g = rng.randn(3).astype(np.float32), rng.randn(3).astype(np.float32)
    p = msnn.Parameter(msnn.Tensor(w0), name="p")
    opt = msnn.Momentum([p], learning_rate=0.05, momentum=0.9)
    w = msnn.Parameter(msnn.Tensor(w0), name="w")
    acc = msnn.Parameter(msnn.Tensor(np.zeros(3), msnn.float32), name="acc")
    for _ in range(3):
        opt((mt(g),))
        P.ApplyMomentum()(w, acc, 0.05, mt(g), 0.9)
    close(w, p.detach().cpu().numpy(), rtol=1e-6)


def test_ApplyMomentum_unsupported_warns():
    with pytest.warns(msnn._validator.UnsupportedWarning, match="gradient_scale"):
        P.ApplyMomentum(gradient_scale=2.0)


def test_SGD_first_step_then_momentum():
    w = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="w")
    acc = msnn.Parameter(msnn.Tensor(np.zeros(2), msnn.float32), name="acc")
    stat = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="stat")
    g = mt(np.array([1.0, 2.0], np.float32))
    lr, mom = mt(np.float32(0.1)), mt(np.float32(0.9))
    P.SGD(dampening=0.5)(w, g, lr, acc, mom, stat)
    close(w, [0.9, 0.8])
    close(acc, [1.0, 2.0])
    assert stat.tolist() == [0.0, 0.0]
    P.SGD(dampening=0.5)(w, g, lr, acc, mom, stat)
    close(acc, [0.9 + 0.5, 1.8 + 1.0])
    close(w, [0.9 - 0.14, 0.8 - 0.28], rtol=1e-6)
    w3 = msnn.Parameter(msnn.Tensor(np.ones(2), msnn.float32), name="w3")
    P.SGD(weight_decay=0.1, nesterov=True)(w3, g, lr, acc.detach().clone(), mom, stat)
    g2 = np.array([1.1, 2.1])
    acc2 = np.array([1.4, 2.8]) * 0.9 + g2
    close(w3, 1 - 0.1 * (g2 + 0.9 * acc2), rtol=1e-6)


def test_Adam_update_formula():
    rng = np.random.RandomState(9)
    w0, g = rng.randn(3).astype(np.float32), rng.randn(3).astype(np.float32)
    m0, v0 = rng.rand(3).astype(np.float32), rng.rand(3).astype(np.float32)
    for nesterov in (False, True):
        w = msnn.Parameter(msnn.Tensor(w0), name="w")
        m = msnn.Parameter(msnn.Tensor(m0), name="m")
        v = msnn.Parameter(msnn.Tensor(v0), name="v")
        P.Adam(use_nesterov=nesterov)(w, m, v, 0.81, 0.998, 0.01, 0.9, 0.999, 1e-8, mt(g))
        m1 = m0 + (g - m0) * 0.1
        v1 = v0 + (g * g - v0) * 0.001
        lr = 0.01 * np.sqrt(1 - 0.998) / (1 - 0.81)
        num = m1 * 0.9 + 0.1 * g if nesterov else m1
        close(m, m1, rtol=1e-6)
        close(v, v1, rtol=1e-6)
        close(w, w0 - lr * num / (np.sqrt(v1) + 1e-8), rtol=1e-5)
    with pytest.raises(ValueError, match="'Adam'.*'m'"):
        P.Adam()(w, mt(np.zeros(2, np.float32)), v, 0.9, 0.9, 0.1, 0.9, 0.9, 1e-8, mt(g))


def test_SparseApplyAdagrad_rows():
    var = msnn.Parameter(msnn.Tensor(np.ones([3, 2]), msnn.float32), name="var")
    acc = msnn.Parameter(msnn.Tensor(np.full([3, 2], 1.0), msnn.float32), name="acc")
    g = mt(np.array([[1.0, 2.0], [3.0, 0.0]], np.float32))
    out = P.SparseApplyAdagrad(lr=0.5)(var, acc, g, mt(np.array([2, 0], np.int32)))
    assert out is var
    close(acc, [[10.0, 1.0], [1.0, 1.0], [2.0, 5.0]])
    close(var, [[1 - 0.5 * 3 / np.sqrt(10), 1.0], [1.0, 1.0], [1 - 0.5 / np.sqrt(2), 1 - 1 / np.sqrt(5)]], rtol=1e-6)
    with pytest.raises(ValueError, match="'SparseApplyAdagrad'.*'lr'"):
        P.SparseApplyAdagrad(lr=1)
    with pytest.raises(ValueError, match="'SparseApplyAdagrad'.*'indices'"):
        P.SparseApplyAdagrad(lr=0.5)(var, acc, g, mt(np.array([2, 0])))


def test_LARSUpdate_matches_formula():
    w, g = np.array([3.0, 4.0], np.float32), np.array([0.6, 0.8], np.float32)
    for use_clip, wd, lr in ((False, 0.0, 0.1), (True, 0.01, 0.5), (False, 0.1, 1.0)):
        op = P.LARSUpdate(epsilon=1e-5, hyperpara=0.1, use_clip=use_clip)
        out = op(t(w), t(g), t(np.float32((w * w).sum())), t(np.float32((g * g).sum())), wd, lr)
        coeff = 0.1 * 5.0 / (1.0 + wd * 5.0 + 1e-5)
        if use_clip:
            coeff = min(max(coeff / lr, 0.0), 1.0)
        close(out, coeff * (g + wd * w), rtol=1e-5)
    with pytest.raises(ValueError, match="'LARSUpdate'.*'epsilon'"):
        P.LARSUpdate(epsilon=0)


# ---------------------------------------------------------------------------------------------
# dropout, LSTM, others
# ---------------------------------------------------------------------------------------------
def test_DropoutGenMask_DropoutDoMask_round_trip():
    keep = t(np.float32(0.5))
    mask = P.DropoutGenMask(1, 2)((20, 16, 50), keep)
    assert mask.dtype == torch.uint8 and mask.shape == (2000,)
    x = torch.ones(20, 16, 50)
    out = P.DropoutDoMask()(x, mask, keep)
    vals = set(out.reshape(-1).tolist())
    assert vals == {0.0, 2.0} and 0.4 < (out > 0).float().mean() < 0.6
    again = P.DropoutDoMask()(x, P.DropoutGenMask(1, 2)((20, 16, 50), keep), keep)
    assert torch.equal(out, again)  # seeded masks repeat
    xg = x.clone().requires_grad_(True)
    P.DropoutDoMask()(xg, mask, keep).sum().backward()
    assert torch.equal(xg.grad, out)  # 0.1's bprop: the same mask on dout


def test_DropoutGenMask_errors():
    with pytest.raises(ValueError, match="'DropoutGenMask'.*'Seed0'"):
        P.DropoutGenMask(Seed0=1.0)
    with pytest.raises(ValueError, match="'DropoutDoMask'.*'mask'"):
        P.DropoutDoMask()(torch.ones(100), torch.zeros(3, dtype=torch.uint8), t(np.float32(0.5)))


def test_DropoutDoMask_keep_all():
    mask = P.DropoutGenMask()((3, 5), 1.0)
    ones = torch.ones(3, 5, device=mask.device)
    assert torch.equal(P.DropoutDoMask()(ones, mask, 1.0), ones)


def test_LSTM_matches_nn_LSTM(device):
    torch.manual_seed(3)
    for bidirectional, has_bias in ((False, True), (True, False)):
        layer = msnn.LSTM(3, 4, num_layers=2, has_bias=has_bias, bidirectional=bidirectional).to(device)
        with torch.no_grad():
            layer.weight.uniform_(-0.3, 0.3)
        dirs = 2 if bidirectional else 1
        x = torch.randn(5, 2, 3, device=device)
        h, c = torch.randn(2 * dirs, 2, 4, device=device), torch.randn(2 * dirs, 2, 4, device=device)
        want, (hn, cn) = layer(x, (h, c))
        y, hn2, cn2, reserve, state = P.LSTM(3, 4, 2, has_bias, bidirectional, 0.0)(x, h, c, layer.weight)
        assert torch.equal(y, want) and torch.equal(hn2, hn) and torch.equal(cn2, cn)
        assert reserve.shape == state.shape == (1, 1)


def test_LSTM_errors():
    with pytest.raises(TypeError):
        P.LSTM(3.0, 4, 1, True, False, 0.0)
    with pytest.raises(ValueError, match="'LSTM'.*'dropout'"):
        P.LSTM(3, 4, 1, True, False, 0)
    with pytest.raises(TypeError, match="'LSTM'.*'has_bias'"):
        P.LSTM(3, 4, 1, 1, False, 0.0)
    op = P.LSTM(3, 4, 1, True, False, 0.0)
    x, h = torch.zeros(5, 2, 3), torch.zeros(1, 2, 4)
    with pytest.raises(ValueError, match="'LSTM'.*'h'"):
        op(x, torch.zeros(2, 2, 4), torch.zeros(2, 2, 4), torch.zeros(112))
    with pytest.raises(ValueError, match="'LSTM'.*'w'"):
        op(x, h, h, torch.zeros(10))


def test_ROIAlign_golden_and_example():
    close(P.ROIAlign(2, 3, 0.5, 2)(t(G["roi_feat"]), t(G["roi_rois"])), G["roi_2"], rtol=1e-5, atol=1e-6)
    close(P.ROIAlign(2, 2, 1.0, 0)(t(G["roi_feat"]), t(G["roi_rois"])), G["roi_0"], rtol=1e-5, atol=1e-6)
    x = t(np.array([[[[1., 2.], [3., 4.]]]], np.float32))
    close(P.ROIAlign(1, 1, 0.5, 2)(x, t(np.array([[0, 0.2, 0.3, 0.2, 0.3]], np.float32))), [[[[2.15]]]], rtol=1e-6)
    with pytest.raises(ValueError, match="'ROIAlign'.*'spatial_scale'"):
        P.ROIAlign(1, 1, 1, 2)


def test_GetNext_pulls_from_queue():
    from msnn.train.dataset_helper import connect_dataset  # pylint: disable=import-outside-toplevel
    connect_dataset("ops_getnext_test", [(np.ones((2, 3)), np.zeros(2))], num_epochs=1)
    feature, label = P.GetNext([msnn.float32, msnn.int32], [[2, 3], [2]], 2, "ops_getnext_test")()
    assert feature.dtype == torch.float32 and label.dtype == torch.int32 and feature.shape == (2, 3)
    with pytest.raises(ValueError, match="'GetNext'.*'shapes'"):
        P.GetNext([msnn.float32], [[2], [3]], 1, "q")


def test_SoftmaxCrossEntropyWithLogits_gpu_target_kernel():
    import warnings  # pylint: disable=import-outside-toplevel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        msnn.context.set_context(device_target="GPU")
    op = P.SoftmaxCrossEntropyWithLogits()
    logits = t(G["ce_logits"], grad=True)
    loss, dlogits = op(logits, t(G["ce_labels"]))
    close(loss, G["ce_loss"], rtol=1e-5)
    close(dlogits, (_softmax(G["ce_logits"]) - G["ce_labels"]) / 4, rtol=1e-5, atol=1e-7)
    loss.sum().backward()
    close(logits.grad, dlogits.numpy(), rtol=1e-6)  # 0.1's GPU gradient is divided by the batch size


def test_SparseSoftmaxCrossEntropyWithLogits_cpu_target_checks_labels():
    import warnings  # pylint: disable=import-outside-toplevel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        msnn.context.set_context(device_target="CPU")
    op = P.SparseSoftmaxCrossEntropyWithLogits()
    with pytest.raises(RuntimeError, match="labels"):
        op(t(G["ce_logits"]), t(np.array([1, 0, 6, 2], np.int32)))


def test_ResizeBilinear_golden():
    close(P.ResizeBilinear((3, 4))(t(G["rb_x"])), G["rb_3_4"])
    close(P.ResizeBilinear((8, 11))(t(G["rb_x"])), G["rb_8_11"])
    close(P.ResizeBilinear((8, 11), align_corners=True)(t(G["rb_x"])), G["rb_8_11_ac"])


@pytest.mark.parametrize("mode,pad,stride,hw", [("valid", 0, 1, 7), ("same", 0, 2, 7), ("same", 0, 2, 8), ("pad", 1, 2, 7)])
def test_Conv2DBackpropInput_golden(mode, pad, stride, hw):
    op = P.Conv2DBackpropInput(4, 3, pad_mode=mode, pad=pad, stride=stride)
    out = op(t(G[f"cbi_dout_{mode}_{stride}_{hw}"]), t(G["cbi_w"]), (2, 3, hw, hw))
    close(out, G[f"cbi_{mode}_{stride}_{hw}"], rtol=1e-5, atol=1e-5)


def test_ApplyMomentum_SGD_Adam_goldens():
    g, lr, mom = t(G["opt_g"]), t(np.float32(0.1)), t(np.float32(0.9))
    v, a = t(G["opt_v"]).clone(), t(G["opt_a"]).clone()
    P.ApplyMomentum()(v, a, lr, g, mom)
    close(v, G["mom_var_0"])
    close(a, G["mom_acc_0"])
    for nest in (0, 1):
        v, a, stat = t(G["opt_v"]).clone(), t(G["opt_a"]).clone(), torch.ones(5)
        op = P.SGD(0.0 if nest else 0.2, 0.05, bool(nest))
        for _ in range(2):
            op(v, g, lr, a, mom, stat)
        close(v, G[f"sgd_var_{nest}"])
        close(a, G[f"sgd_acc_{nest}"])
        v, m, vv = t(G["opt_v"]).clone(), t(G["opt_a"]).clone(), t(G["opt_a"]).clone() * 2
        scalars = [t(np.float32(z)) for z in (0.81, 0.998, 0.01, 0.9, 0.999, 1e-8)]
        P.Adam(use_nesterov=bool(nest))(v, m, vv, *scalars, g)
        close(v, G[f"adam_var_{nest}"])
        close(m, G[f"adam_m_{nest}"])
        close(vv, G[f"adam_v_{nest}"])


def test_SparseApplyAdagrad_golden():
    v, a = torch.ones(4, 2), torch.full((4, 2), 0.5)
    P.SparseApplyAdagrad(0.3)(v, a, t(G["sag_g"]), t(np.array([3, 1], np.int32)))
    close(v, G["sag_var"])
    close(a, G["sag_acc"])


def test_SmoothL1Loss_golden():
    for sigma in (1.0, 0.5):
        close(P.SmoothL1Loss(sigma)(t(G["sl1_a"]), t(G["sl1_b"])), G[f"sl1_{sigma}"])


def test_BinaryCrossEntropy_golden():
    for red in ("none", "mean", "sum"):
        close(P.BinaryCrossEntropy(red)(t(G["bce_x"]), t(G["sce_labels"]), t(G["bce_w"])), G[f"bce_{red}"])


def test_PReLU_golden():
    close(P.PReLU()(t(G["bias4_x"]), t(G["prelu_w"])), G["prelu"])


def test_Gelu_golden():
    close(P.Gelu()(t(G["un_x"])), G["gelu"])


def test_BatchNorm_mean_variance_inputs_get_zero_gradients_as_0_1():
    x = t(np.array([[1.0, 2.0], [3.0, 6.0]], np.float32), grad=True)
    scale, bias = t(np.ones(2, np.float32), grad=True), t(np.zeros(2, np.float32))
    mean, var = t(np.zeros(2, np.float32), grad=True), t(np.ones(2, np.float32), grad=True)
    y = P.BatchNorm()(x, scale, bias, mean, var)[0]
    gx, gm, gv = torch.autograd.grad(y.sum(), (x, mean, var), allow_unused=True, materialize_grads=True)
    close(gx, np.full((2, 2), 1 / np.sqrt(1 + 1e-5)), rtol=1e-6)
    assert gm.abs().sum() == 0 and gv.abs().sum() == 0
    mean2, var2 = t(np.zeros(2, np.float32), grad=True), t(np.ones(2, np.float32), grad=True)
    out = P.FusedBatchNorm(momentum=0.5)(x, scale, bias, mean2, var2)
    assert torch.autograd.grad(out[0].sum(), mean2, allow_unused=True) == (None,)
    close(mean2.detach(), [1.0, 2.0])  # the running mean is still updated


def test_BinaryCrossEntropy_label_and_weight_get_no_gradient_as_0_1():
    x = t(np.array([0.25, 0.5], np.float32), grad=True)
    y = t(np.array([1.0, 0.0], np.float32), grad=True)
    w = t(np.array([2.0, 1.0], np.float32), grad=True)
    loss = P.BinaryCrossEntropy('sum')(x, y, w)
    close(loss, -2 * np.log(0.25) - np.log(0.5), rtol=1e-6)
    gx, gy, gw = torch.autograd.grad(loss, (x, y, w), allow_unused=True, materialize_grads=True)
    close(gx, [-2 / 0.25, 1 / 0.5], rtol=1e-6)
    assert gy.abs().sum() == 0 and gw.abs().sum() == 0


def test_LSTM_graph_mode_unpacks_into_fewer_names():
    # 0.1's graph compiler took the first outputs for `output, hidden = lstm(...)`
    # (tests/st/networks/test_gpu_lstm.py); PYNATIVE_MODE is Python's unpacking
    op = P.LSTM(3, 2, 1, True, False, 0.0)
    x, h = torch.ones(5, 4, 3), torch.zeros(1, 4, 2)
    w = torch.full((56, 1, 1), 0.1)
    msnn.context.set_context(mode=msnn.context.GRAPH_MODE)
    y, hn = op(x, h, h, w)
    first, *rest = op(x, h, h, w)
    out = op(x, h, h, w)
    assert len(out) == len(list(out)) == 5 and len(rest) == 4 and torch.equal(first, y)
    assert tuple(y.shape) == (5, 4, 2) and tuple(hn.shape) == (1, 4, 2)
    assert torch.equal(y, out[0]) and torch.equal(hn, out[1]) and torch.equal(hn[0], y[-1])
    with pytest.raises(ValueError, match="not enough values"):
        _a, _b, _c, _d, _e, _f = op(x, h, h, w)
    msnn.context.set_context(mode=msnn.context.PYNATIVE_MODE)
    with pytest.raises(ValueError, match="too many values"):
        y, hn = op(x, h, h, w)
