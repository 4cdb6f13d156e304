"""mindspore.ops.operations._grad_ops: each gradient primitive against numpy formulas or torch autograd
of the forward (0.1's inputs order)."""
import numpy as np
import pytest
import torch

import msnn
from msnn.ops import operations as P
from msnn.ops.operations import _grad_ops as G

RNG = np.random.RandomState(0)


def r(*shape):
    return torch.tensor(RNG.uniform(-1, 1, shape).astype(np.float32))


def autograd(fn, xs, wrt, dout):
    xs = [x.detach().clone().requires_grad_(i in wrt) for i, x in enumerate(xs)]
    out = fn(*xs)
    return torch.autograd.grad(out, [xs[i] for i in wrt], dout)


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a.detach() if isinstance(a, torch.Tensor) else a),
                               np.asarray(b.detach() if isinstance(b, torch.Tensor) else b), rtol=tol, atol=tol)


def test_AbsGrad_sign():
    y, dy = torch.tensor([-2.0, 0.0, 3.0]), torch.tensor([1.0, 5.0, 2.0])
    close(G.AbsGrad()(y, dy), [-1.0, 0.0, 2.0])


def test_ACosGrad_formula_and_shape_check():
    dy = torch.tensor([1.0, 5.0, 2.0])
    x = torch.tensor([0.0, 0.6])
    close(G.ACosGrad()(x, dy[:2]), -dy[:2].numpy() / np.sqrt(1 - x.numpy() ** 2))
    with pytest.raises(ValueError, match="'ACosGrad'"):
        G.ACosGrad()(x, dy)


X3, D3 = torch.tensor([-1.0, 0.5, 7.0]), torch.tensor([2.0, 3.0, 4.0])


def test_ReluGrad_mask():
    close(G.ReluGrad()(D3, X3), [0.0, 3.0, 4.0])


def test_ReLU6Grad_mask():
    close(G.ReLU6Grad()(D3, X3), [0.0, 3.0, 0.0])


def test_SigmoidGrad_from_output():
    x, d = X3, D3
    s = torch.sigmoid(x)
    close(G.SigmoidGrad()(s, d), autograd(torch.sigmoid, [x], [0], d)[0])


def test_TanhGrad_from_output():
    x, d = X3, D3
    t = torch.tanh(x)
    close(G.TanhGrad()(t, d), autograd(torch.tanh, [x], [0], d)[0])
    with pytest.raises(TypeError, match="'TanhGrad'"):
        G.TanhGrad()(t, d.double())


def test_GeluGrad_is_the_tanh_gelu_derivative():
    x, d = r(3, 4), r(3, 4)
    ref = autograd(lambda a: torch.nn.functional.gelu(a, approximate='tanh'), [x], [0], d)[0]
    close(G.GeluGrad()(d, x, P.Gelu()(x)), ref)


def test_LogSoftmaxGrad_from_output():
    x, d = r(2, 5), r(2, 5)
    out = torch.log_softmax(x, -1)
    close(G.LogSoftmaxGrad()(out, d), autograd(lambda a: torch.log_softmax(a, -1), [x], [0], d)[0])
    out0 = torch.log_softmax(x, 0)
    close(G.LogSoftmaxGrad(0)(out0, d), autograd(lambda a: torch.log_softmax(a, 0), [x], [0], d)[0])


def test_SigmoidCrossEntropyWithLogitsGrad():
    x, y, d = r(2, 3), torch.rand(2, 3), r(2, 3)
    ref = autograd(lambda a: torch.nn.functional.binary_cross_entropy_with_logits(a, y, reduction='none'),
                   [x], [0], d)[0]
    close(G.SigmoidCrossEntropyWithLogitsGrad()(x, y, d), ref)


XY = torch.tensor([[1.0, 5.0], [2.0, 2.0]]), torch.tensor([2.0, 2.0])


def test_MaximumGrad_broadcast_and_ties():
    x, y = XY
    dx, dy = G.MaximumGrad()(x, y, torch.ones(2, 2))
    close(dx, [[0.0, 1.0], [1.0, 1.0]])  # ties go to x (0.1's rule)
    close(dy, [1.0, 0.0])
    dx, dy = G.MaximumGrad(grad_x=False)(x, y, torch.ones(2, 2))
    close(dx, np.zeros((2, 2)))


def test_MinimumGrad_broadcast_and_ties():
    x, y = XY
    dx, dy = G.MinimumGrad()(x, y, torch.ones(2, 2))
    close(dx, [[1.0, 0.0], [1.0, 1.0]])
    close(dy, [0.0, 1.0])


def test_BiasAddGrad_sums_all_but_channels():
    d = r(2, 3, 4, 5)
    close(G.BiasAddGrad()(d), d.sum((0, 2, 3)))


def test_FlattenGrad_reshapes():
    d = r(2, 3, 4, 5)
    close(G.FlattenGrad()(d.reshape(2, 60), (2, 3, 4, 5)), d)


def test_SliceGrad_places_dy():
    dx = G.SliceGrad()(torch.ones(1, 2), torch.zeros(3, 3), (1, 0), (1, 2))
    close(dx, [[0, 0, 0], [1, 1, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match="'SliceGrad'"):
        G.SliceGrad()(torch.ones(2, 2), torch.zeros(3, 3), (1, 0), (1, 2))


def test_StridedSliceGrad_scatters_dy():
    dy = torch.tensor([[1.0, 2.0]])
    out = G.StridedSliceGrad()(dy, (2, 4), (1, 0), (2, 4), (1, 2))
    close(out, [[0, 0, 0, 0], [1, 0, 2, 0]])
    out = G.StridedSliceGrad(shrink_axis_mask=1)(torch.tensor([5.0, 6.0]), (2, 2), (1, 0), (2, 2), (1, 1))
    close(out, [[0, 0], [5, 6]])


def test_MaxPoolGrad_at_x():
    x, d = r(1, 2, 4, 4), r(1, 2, 2, 2)
    close(G.MaxPoolGrad(2, 2)(x, None, d), autograd(lambda a: torch.nn.functional.max_pool2d(a, 2, 2), [x], [0], d)[0])


def test_AvgPoolGrad_and_AvgPoolGradGpu():
    x, d = r(1, 2, 4, 4), r(1, 2, 2, 2)
    ref = autograd(lambda a: torch.nn.functional.avg_pool2d(a, 2, 2), [x], [0], d)[0]
    close(G.AvgPoolGrad(2, 2)((1, 2, 4, 4), d), ref)
    with pytest.raises(ValueError, match="'AvgPool'.*'dout'"):
        G.AvgPoolGrad(2, 2)((1, 2, 4, 4), r(1, 2, 4, 4))


def test_AvgPoolGradGpu_at_x():
    x, d = r(1, 2, 4, 4), r(1, 2, 2, 2)
    ref = autograd(lambda a: torch.nn.functional.avg_pool2d(a, 2, 2), [x], [0], d)[0]
    close(G.AvgPoolGradGpu(ksize=2, strides=2)(x, None, d), ref)


def test_MaxPoolGradWithArgmax():
    x, d = r(1, 1, 4, 4), r(1, 1, 2, 2)
    ref = autograd(lambda a: torch.nn.functional.max_pool2d(a, 2, 2), [x], [0], d)[0]
    close(G.MaxPoolGradWithArgmax(window=2, stride=2)(x, d, None), ref)


def test_ResizeBilinearGrad_vjp():
    x, d = r(1, 1, 2, 3), r(1, 1, 4, 6)
    ref = autograd(lambda a: P.ResizeBilinear((4, 6))(a), [x], [0], d)[0]
    close(G.ResizeBilinearGrad()(d, x), ref)
    close(G.ResizeBilinearGrad()(d, x).sum(), d.sum())


def test_ResizeNearestNeighborGrad_vjp():
    x, d = r(1, 1, 2, 3), r(1, 1, 4, 6)
    ref = autograd(lambda a: P.ResizeNearestNeighbor((4, 6))(a), [x], [0], d)[0]
    close(G.ResizeNearestNeighborGrad()(d, (2, 3)), ref)


def test_ROIAlignGrad_sums_to_dy_inside_the_image():
    rois = torch.tensor([[0.0, 0.5, 0.5, 2.5, 2.5]])
    d = r(1, 2, 2, 2)
    dx = G.ROIAlignGrad((1, 2, 4, 4), 2, 2, 1.0)(d, rois)
    ref = autograd(lambda f: P.ROIAlign(2, 2, 1.0)(f, rois), [torch.zeros(1, 2, 4, 4)], [0], d)[0]
    close(dx, ref)
    close(dx.sum((2, 3)), d.sum((2, 3)))


def test_Conv2DBackpropFilter():
    x, d = r(2, 3, 5, 5), r(2, 4, 3, 3)
    ref = autograd(lambda a, w: torch.nn.functional.conv2d(a, w), [x, torch.zeros(4, 3, 3, 3)], [1], d)[0]
    close(G.Conv2DBackpropFilter(4, 3)(d, x, (4, 3, 3, 3)), ref, 1e-4)


def test_DepthwiseConv2dNativeBackpropInput_and_Filter():
    x, w, d = r(1, 2, 4, 4), r(1, 2, 3, 3), r(1, 2, 2, 2)
    fwd = lambda a, k: torch.nn.functional.conv2d(a, k.reshape(2, 1, 3, 3), groups=2)  # noqa: E731
    dx_ref, dw_ref = autograd(fwd, [x, w], [0, 1], d)
    close(G.DepthwiseConv2dNativeBackpropFilter(1, 3)(x, (1, 2, 3, 3), d), dw_ref, 1e-4)
    close(G.DepthwiseConv2dNativeBackpropInput(1, 3)((1, 2, 4, 4), w, d), dx_ref, 1e-4)


def test_DepthwiseConv2dNativeBackpropFilter_stride_2():
    x, d = r(1, 2, 5, 5), r(1, 2, 2, 2)
    fwd = lambda a, k: torch.nn.functional.conv2d(a, k.reshape(2, 1, 3, 3), stride=2, groups=2)  # noqa: E731
    dw_ref = autograd(fwd, [x, torch.zeros(1, 2, 3, 3)], [1], d)[0]
    close(G.DepthwiseConv2dNativeBackpropFilter(1, 3, stride=2)(x, (1, 2, 3, 3), d), dw_ref, 1e-4)


def test_BatchNormGrad_inference_and_training():
    x, d = r(4, 3, 2, 2), r(4, 3, 2, 2)
    scale, mean, var = torch.rand(3) + 0.5, r(3), torch.rand(3) + 0.5
    fwd = lambda a, s, b: torch.nn.functional.batch_norm(a, mean, var, s, b, False, 0.0, 1e-5)  # noqa: E731
    ref = autograd(fwd, [x, scale, torch.zeros(3)], [0, 1, 2], d)
    out = G.BatchNormGrad()(d, x, scale, mean, var, var)
    assert len(out) == 5
    for a, b in zip(out[:3], ref):
        close(a, b, 1e-4)
    fwd_t = lambda a, s, b: torch.nn.functional.batch_norm(a, None, None, s, b, True, 0.0, 1e-5)  # noqa: E731
    ref_t = autograd(fwd_t, [x, scale, torch.zeros(3)], [0, 1, 2], d)
    for a, b in zip(G.BatchNormGrad(is_training=True)(d, x, scale, mean, var, var)[:3], ref_t):
        close(a, b, 1e-4)
    for a, b in zip(G.FusedBatchNormGrad(1e-5)(d, x, scale, None, None), ref_t):
        close(a, b, 1e-4)
    with pytest.raises(ValueError, match="'BatchNormGrad'.*'epsilon'"):
        G.BatchNormGrad(epsilon=0.0)


def test_FusedBatchNormGrad_default_epsilon_zero():
    x, d = r(4, 2, 1, 1), r(4, 2, 1, 1)
    dx, dscale, dbias = G.FusedBatchNormGrad()(d, x, torch.ones(2), None, None)
    close(dbias, d.sum((0, 2, 3)))
    xhat = (x - x.mean((0, 2, 3), keepdim=True)) / x.var((0, 2, 3), unbiased=False, keepdim=True).sqrt()
    close(dscale, (d * xhat).sum((0, 2, 3)), 1e-4)


def test_LayerNormGrad_recomputes_statistics():
    x, d, g = r(2, 6), r(2, 6), torch.rand(6) + 0.5
    fwd = lambda a, gg, b: torch.nn.functional.layer_norm(a, (6,), gg, b, 1e-7)  # noqa: E731
    ref = autograd(fwd, [x, g, torch.zeros(6)], [0, 1, 2], d)
    for a, b in zip(G.LayerNormGrad(1, 1)(x, d, None, None, g), ref):
        close(a, b, 1e-3)


def test_L2NormalizeGrad_vjp():
    y, dd = r(3, 4), r(3, 4)
    ref = autograd(lambda a: P.L2Normalize(1)(a), [y], [0], dd)[0]
    close(G.L2NormalizeGrad(1)(y, P.L2Normalize(1)(y), dd), ref)


def test_SmoothL1LossGrad_formula():
    p, t, d = r(5), r(5), r(5)
    diff = (p - t).numpy()
    close(G.SmoothL1LossGrad()(p, t, d), d.numpy() * np.where(np.abs(diff) < 1, diff, np.sign(diff)))


def test_BinaryCrossEntropyGrad_vjp():
    x, y = torch.rand(4) * 0.8 + 0.1, torch.rand(4)
    ref = autograd(lambda a: torch.nn.functional.binary_cross_entropy(a, y, reduction='sum'), [x], [0],
                   torch.tensor(2.0))[0]
    close(G.BinaryCrossEntropyGrad('sum')(x, y, torch.tensor(2.0), None), ref)


def test_PReLUGrad_formula():
    a, w, dy = r(2, 3, 4), torch.tensor([0.25, 0.5, 0.75]), r(2, 3, 4)
    dx, dw = G.PReLUGrad()(dy, a, w)
    close(dx, dy.numpy() * np.where(a.numpy() > 0, 1.0, w.numpy()[None, :, None]))
    close(dw, (dy.numpy() * np.where(a.numpy() > 0, 0.0, a.numpy())).sum((0, 2)))


def test_LSTMGradData_refuses_calls():
    op = G.LSTMGradData(3, 2, 1, True, False, 0.0)
    assert op.num_directions == 1 and G.LSTMGradWeight(3, 2, 2, True, True, 0.0).num_directions == 2
    with pytest.raises(msnn._validator.UnsupportedError, match="'LSTMGradData'"):  # pylint: disable=protected-access
        op(None)


def test_LSTMGradWeight_checks_arguments():
    with pytest.raises(ValueError, match="'LSTMGradWeight'.*'dropout'"):
        G.LSTMGradWeight(3, 2, 1, True, False, 2.0)


def test_RefToEmbed_is_the_functional_key():
    from msnn.ops import functional as F
    w = msnn.Parameter(msnn.Tensor([1.0]), 'w')
    assert G.RefToEmbed()(w) == F.ref_to_embed(w) == id(w)
