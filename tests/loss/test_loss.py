"""Losses: MindSpore 2.10 CPU goldens (values and input gradients) where 0.1's semantics did not
change, NumPy references of spec §7 elsewhere, the seed examples and every error case."""
import os
import warnings

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor

DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def _golden(name):
    return np.load(os.path.join(DATA, f"loss_{name}.npz"))


def _cases(data, suffix="_out"):
    return sorted(k[:-len(suffix)] for k in data.files if k.endswith(suffix))


def _run(loss_fn, inputs, sens, device, n_grad):
    """Loss value and the gradients of sum(loss * sens) w.r.t. the first n_grad inputs."""
    ts = [torch.tensor(a, device=device, requires_grad=i < n_grad and a.dtype.kind == "f")
          for i, a in enumerate(inputs)]
    out = loss_fn(*ts)
    (out * torch.tensor(sens, device=device)).sum().backward()
    return out.detach().cpu().numpy(), [t.grad.cpu().numpy() for t in ts[:n_grad]]


# -- NumPy references of spec §7 ---------------------------------------------------------------
def _reduce(x, reduction):
    return {"mean": np.mean, "sum": np.sum}.get(reduction, lambda v: v)(x)


def _np_log_softmax(x):
    x = x.astype(np.float64)
    s = x - x.max(-1, keepdims=True)
    return s - np.log(np.exp(s).sum(-1, keepdims=True))


def _np_smooth_l1(x, y, sigma):
    d = np.abs(x.astype(np.float64) - y)
    return np.where(d < sigma, 0.5 * d * d / sigma, d - 0.5 * sigma)


# -- goldens ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,cls", [("l1", nn.L1Loss), ("mse", nn.MSELoss)])
def test_L1Loss_MSELoss_match_mindspore_goldens(name, cls, device):
    data = _golden(name)
    cases = _cases(data)
    assert len(cases) == 6
    for key in cases:
        reduction = key.split("_")[0]
        out, (gx, gy) = _run(cls(reduction), [data[key + "_x"], data[key + "_y"]],
                             data[key + "_sens"], device, 2)
        np.testing.assert_allclose(out, data[key + "_out"], rtol=1e-5, atol=1e-6, err_msg=key)
        np.testing.assert_allclose(gx, data[key + "_gx"], rtol=1e-5, atol=1e-6, err_msg=key)
        np.testing.assert_allclose(gy, data[key + "_gy"], rtol=1e-5, atol=1e-6, err_msg=key)


def test_MSELoss_matches_mindspore_goldens(device):
    data = _golden("mse")
    key = "mean_3x4_4"
    out, _ = _run(nn.MSELoss(), [data[key + "_x"], data[key + "_y"]], data[key + "_sens"], device, 2)
    np.testing.assert_allclose(out, data[key + "_out"], rtol=1e-6)


@pytest.mark.parametrize("sigma", [1.0, 0.5, 2.0, 0.1])
def test_SmoothL1Loss_matches_mindspore_goldens(sigma, device):
    data = _golden("smoothl1")
    key = f"sigma{sigma}"
    out, (gx, gy) = _run(nn.SmoothL1Loss(sigma), [data[key + "_x"], data[key + "_y"]],
                         data[key + "_sens"], device, 2)
    np.testing.assert_allclose(out, data[key + "_out"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(gx, data[key + "_gx"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(gy, data[key + "_gy"], rtol=1e-6, atol=1e-7)


def test_SoftmaxCrossEntropyWithLogits_matches_mindspore_goldens(device):
    data = _golden("sce")
    cases = _cases(data)
    assert len(cases) == 11
    for key in cases:
        kind, reduction = key.split("_")[:2]
        loss = nn.SoftmaxCrossEntropyWithLogits(sparse=kind == "sparse", reduction=reduction)
        out, (gl,) = _run(loss, [data[key + "_logits"], data[key + "_labels"]],
                          data[key + "_sens"], device, 1)
        assert out.shape == data[key + "_out"].shape, key
        np.testing.assert_allclose(out, data[key + "_out"], rtol=2e-6, atol=1e-6, err_msg=key)
        np.testing.assert_allclose(gl, data[key + "_glogits"], rtol=1e-5, atol=1e-6, err_msg=key)


# -- NumPy references ---------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none", None])
@pytest.mark.parametrize("shape_x,shape_y", [((2, 3, 4), (2, 3, 4)), ((5, 3), (3,)), ((4, 1), (1, 6))])
def test_L1Loss_reference_all_elements(reduction, shape_x, shape_y, device):
    x, y = np.random.randn(*shape_x).astype(np.float32), np.random.randn(*shape_y).astype(np.float32)
    expect = _reduce(np.abs(x.astype(np.float64) - y), reduction)
    out = nn.L1Loss(reduction)(torch.tensor(x, device=device), torch.tensor(y, device=device))
    np.testing.assert_allclose(out.cpu().numpy(), expect, rtol=1e-5, atol=1e-6)
    assert out.shape == np.shape(expect)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", None])
@pytest.mark.parametrize("shape_x,shape_y", [((2, 3, 4), (2, 3, 4)), ((5, 3), (3,)), ((4, 1), (1, 6))])
def test_MSELoss_reference_all_elements(reduction, shape_x, shape_y, device):
    x, y = np.random.randn(*shape_x).astype(np.float32), np.random.randn(*shape_y).astype(np.float32)
    expect = _reduce((x.astype(np.float64) - y) ** 2, reduction)
    out = nn.MSELoss(reduction)(torch.tensor(x, device=device), torch.tensor(y, device=device))
    np.testing.assert_allclose(out.cpu().numpy(), expect, rtol=1e-5, atol=1e-6)
    assert out.shape == np.shape(expect)


@pytest.mark.parametrize("sigma", [1.0, 0.3, 2.5])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_SmoothL1Loss_reference_sigma_scaled_never_reduced(sigma, dtype, device):
    x, y = np.random.randn(3, 7).astype(np.float32) * 2, np.random.randn(3, 7).astype(np.float32)
    out = nn.SmoothL1Loss(sigma)(torch.tensor(x, device=device, dtype=dtype),
                                 torch.tensor(y, device=device, dtype=dtype))
    assert out.shape == (3, 7) and out.dtype == dtype
    xr, yr = x.astype(np.float16 if dtype == torch.float16 else np.float32), y
    yr = yr.astype(xr.dtype)
    tol = 2e-3 if dtype == torch.float16 else 1e-6
    np.testing.assert_allclose(out.float().cpu().numpy(), _np_smooth_l1(xr, yr, sigma), rtol=tol, atol=tol)


def test_SmoothL1Loss_gradient_is_clipped_difference_over_sigma():
    x = torch.tensor([0.0, 0.2, -0.3, 1.5, -4.0], requires_grad=True)
    nn.SmoothL1Loss(0.5)(x, torch.zeros(5)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.4, -0.6, 1.0, -1.0], rtol=1e-6)


@pytest.mark.parametrize("reduction", [None, "none", "mean", "sum"])
def test_SoftmaxCrossEntropyWithLogits_dense_soft_labels_reference(reduction, device):
    logits = np.random.randn(8, 6).astype(np.float32) * 3
    labels = np.random.rand(8, 6).astype(np.float32)
    labels /= labels.sum(1, keepdims=True)
    expect = _reduce(-(labels * _np_log_softmax(logits)).sum(-1), reduction)
    for is_grad in (True, False):
        out = nn.SoftmaxCrossEntropyWithLogits(is_grad, False, reduction)(
            torch.tensor(logits, device=device), torch.tensor(labels, device=device))
        assert out.shape == np.shape(expect)
        np.testing.assert_allclose(out.cpu().numpy(), expect, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("label_dtype", [torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8])
@pytest.mark.parametrize("reduction", [None, "mean", "sum"])
def test_SoftmaxCrossEntropyWithLogits_sparse_any_int_labels(label_dtype, reduction, device):
    logits = np.random.randn(7, 5).astype(np.float32)
    labels = np.random.randint(0, 5, size=7)
    expect = _reduce(-_np_log_softmax(logits)[np.arange(7), labels], reduction)
    for is_grad in (True, False):  # is_grad never turns the loss into a gradient
        out = nn.SoftmaxCrossEntropyWithLogits(is_grad=is_grad, sparse=True, reduction=reduction)(
            torch.tensor(logits, device=device), torch.tensor(labels, dtype=label_dtype, device=device))
        assert out.shape == np.shape(expect)
        np.testing.assert_allclose(out.cpu().numpy(), expect, rtol=1e-5, atol=1e-6)


def test_SoftmaxCrossEntropyWithLogits_sparse_equals_dense_one_hot_with_gradient(device):
    logits = torch.randn(6, 4, device=device, requires_grad=True)
    labels = torch.tensor([0, 3, 1, 1, 2, 0], device=device)
    loss = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")(logits, labels)
    grad_sparse, = torch.autograd.grad(loss, logits)
    onehot = torch.nn.functional.one_hot(labels, 4).float()
    dense = nn.SoftmaxCrossEntropyWithLogits(sparse=False, reduction="mean")(logits, onehot)
    grad_dense, = torch.autograd.grad(dense, logits)
    torch.testing.assert_close(loss, dense)
    torch.testing.assert_close(grad_sparse, grad_dense)
    # (softmax - onehot) / N: the gradient 0.1 CPU/GPU returned as its *output* for is_grad=True
    torch.testing.assert_close(grad_sparse, (torch.softmax(logits, -1) - onehot).detach() / 6)


def test_SoftmaxCrossEntropyWithLogits_sparse_out_of_range_label_gives_zero(device):
    logits = torch.randn(4, 3, device=device, requires_grad=True)
    labels = torch.tensor([0, -1, 3, 2], device=device)
    out = nn.SoftmaxCrossEntropyWithLogits(sparse=True)(logits, labels)
    assert out[1].item() == 0.0 and out[2].item() == 0.0
    assert out[0].item() > 0 and out[3].item() > 0
    out.sum().backward()
    assert torch.all(logits.grad[1:3] == 0)


@pytest.mark.parametrize("sparse", [False, True])
def test_SoftmaxCrossEntropyWithLogits_large_logits_stay_finite(sparse, device):
    logits = torch.tensor([[1e4, -1e4, 0.0], [-3e4, 3e4, 5.0]], device=device, requires_grad=True)
    labels = torch.tensor([1, 0], device=device)
    if not sparse:
        labels = torch.nn.functional.one_hot(labels, 3).float()
    out = nn.SoftmaxCrossEntropyWithLogits(sparse=sparse)(logits, labels)
    np.testing.assert_allclose(out.detach().cpu().numpy(), [2e4, 6e4], rtol=1e-6)
    out.sum().backward()
    assert torch.isfinite(logits.grad).all()


@pytest.mark.parametrize("sparse", [False, True])
def test_SoftmaxCrossEntropyExpand_reference_mean_over_batch(sparse, device):
    logits = np.random.randn(9, 5).astype(np.float32)
    idx = np.random.randint(0, 5, size=9)
    onehot = np.eye(5, dtype=np.float32)[idx]
    expect = np.mean(-(onehot * _np_log_softmax(logits)).sum(-1))
    label = torch.tensor(idx, dtype=torch.int32) if sparse else torch.tensor(onehot)
    out = nn.SoftmaxCrossEntropyExpand(sparse)(torch.tensor(logits, device=device), label.to(device))
    assert out.shape == ()
    np.testing.assert_allclose(out.cpu().numpy(), expect, rtol=1e-5)


def test_SoftmaxCrossEntropyExpand_3d_means_over_last_remaining_axis():
    logits = np.random.randn(2, 3, 4).astype(np.float32)
    labels = np.random.rand(2, 3, 4).astype(np.float32)
    expect = (-(labels * _np_log_softmax(logits)).sum(-1)).mean(-1)
    out = nn.SoftmaxCrossEntropyExpand()(torch.tensor(logits), torch.tensor(labels))
    assert out.shape == (2,)
    np.testing.assert_allclose(out.numpy(), expect, rtol=1e-5)


def test_SoftmaxCrossEntropyExpand_underflowing_probability_stays_finite():
    # 0.1's log(exp(x - max) / sum) gave 0 * log(0) = NaN here; msnn's log-softmax is finite
    logits = torch.tensor([[0.0, -200.0, 5.0]], requires_grad=True)
    out = nn.SoftmaxCrossEntropyExpand()(logits, torch.tensor([[1.0, 0.0, 0.0]]))
    assert torch.isfinite(out)
    np.testing.assert_allclose(out.item(), -_np_log_softmax(logits.detach().numpy())[0, 0], rtol=1e-6)
    out.backward()
    assert torch.isfinite(logits.grad).all()


def test_SoftmaxCrossEntropyExpand_sparse_out_of_range_gives_zero_row():
    logits = torch.zeros(2, 4)
    out = nn.SoftmaxCrossEntropyExpand(sparse=True)(logits, torch.tensor([1, 9]))
    np.testing.assert_allclose(out.item(), np.log(4) / 2, rtol=1e-6)


# -- no host sync: every forward runs on meta tensors (no values exist there) --------------------
@pytest.mark.parametrize("loss_fn,labels", [
    (nn.L1Loss(), "same"), (nn.MSELoss("sum"), "same"), (nn.SmoothL1Loss(0.5), "same"),
    (nn.SoftmaxCrossEntropyWithLogits(), "same"),
    (nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean"), "index"),
    (nn.SoftmaxCrossEntropyExpand(), "same"), (nn.SoftmaxCrossEntropyExpand(True), "index"),
])
def test_SoftmaxCrossEntropyWithLogits_L1Loss_MSELoss_SmoothL1Loss_no_host_sync(loss_fn, labels):
    x = torch.empty(4, 3, device="meta")
    y = torch.empty(4, 3, device="meta") if labels == "same" else torch.empty(4, dtype=torch.int32, device="meta")
    assert loss_fn.construct(x, y).device.type == "meta"


# -- seed examples ------------------------------------------------------------------------------
def test_L1Loss_seed_example():
    a = Tensor(np.array([1, 2, 3]), msnn.float32)
    b = Tensor(np.array([1, 2, 2]), msnn.float32)
    out = nn.L1Loss()(a, b)
    assert out.shape() == () and str(out) == "0.33333334"
    assert nn.MSELoss()(a, b).asnumpy() == np.float32(1 / 3)
    np.testing.assert_array_equal(nn.SmoothL1Loss()(a, b).asnumpy(), [0.0, 0.0, 0.5])


def test_SoftmaxCrossEntropyWithLogits_seed_example():
    loss = nn.SoftmaxCrossEntropyWithLogits(sparse=False)
    logits_np = np.random.randint(0, 9, [1, 10]).astype(np.float32)
    labels_np = np.zeros([1, 10]).astype(np.float32)
    labels_np[0][0] = 1
    out = loss(Tensor(logits_np, msnn.float32), Tensor(labels_np))
    assert out.shape() == (1,)
    np.testing.assert_allclose(out.asnumpy(), -_np_log_softmax(logits_np)[:, 0], rtol=1e-6)


def test_SoftmaxCrossEntropyExpand_seed_example():
    loss = nn.SoftmaxCrossEntropyExpand(sparse=True)
    out = loss(Tensor(np.ones([64, 512]), dtype=msnn.float32), Tensor(np.ones([64]), dtype=msnn.int32))
    assert out.shape() == ()
    np.testing.assert_allclose(out.asnumpy(), np.log(512), rtol=1e-6)


# -- construction, signatures, errors -----------------------------------------------------------
def test_L1Loss_positional_and_keyword_and_flags():
    assert nn.L1Loss("sum")._reduction == "sum" and nn.MSELoss(reduction=None)._reduction == "none"
    loss = nn.SoftmaxCrossEntropyWithLogits(False, True, "mean")
    assert (loss.is_grad, loss.sparse, loss.reduce, loss.average) == (False, True, True, True)
    assert nn.L1Loss("sum").average is False and nn.L1Loss("none").reduce is False
    assert nn.SmoothL1Loss(2.0).sigma == 2.0
    assert nn.loss.L1Loss is nn.L1Loss and msnn.loss.SoftmaxCrossEntropyExpand is nn.SoftmaxCrossEntropyExpand
    assert isinstance(nn.L1Loss(), nn.Cell) and repr(nn.L1Loss()) == "L1Loss<>"


@pytest.mark.parametrize("cls", [nn.L1Loss, nn.MSELoss, nn.SoftmaxCrossEntropyWithLogits])
@pytest.mark.parametrize("reduction,exc", [("avg", ValueError), ("MEAN", ValueError), ("", ValueError),
                                           (1, AttributeError), (["mean"], AttributeError)])
def test_L1Loss_MSELoss_bad_reduction(cls, reduction, exc):
    with pytest.raises(exc, match="reduction"):
        if cls is nn.SoftmaxCrossEntropyWithLogits:
            cls(reduction=reduction)
        else:
            cls(reduction)


@pytest.mark.parametrize("sigma", [1, 0.0, -1.0, True, "1.0", None])
def test_SmoothL1Loss_bad_sigma_raises_ValueError(sigma):
    with pytest.raises(ValueError, match="sigma"):
        nn.SmoothL1Loss(sigma)


def test_SmoothL1Loss_input_checks():
    loss = nn.SmoothL1Loss()
    with pytest.raises(ValueError, match="shape"):
        loss(torch.zeros(2, 3), torch.zeros(3))
    with pytest.raises(TypeError, match="dtype"):
        loss(torch.zeros(3), torch.zeros(3, dtype=torch.float16))
    with pytest.raises(TypeError, match="Float32"):
        loss(torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64))
    with pytest.raises(TypeError):
        loss(torch.zeros(3, dtype=torch.int32), torch.zeros(3, dtype=torch.int32))


def test_SoftmaxCrossEntropyWithLogits_input_checks():
    dense = nn.SoftmaxCrossEntropyWithLogits()
    sparse = nn.SoftmaxCrossEntropyWithLogits(sparse=True)
    with pytest.raises(ValueError, match="labels"):
        dense(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(TypeError, match="labels"):
        dense(torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.float16))
    with pytest.raises(TypeError, match="logits"):
        dense(torch.zeros(2, 3, dtype=torch.float64), torch.zeros(2, 3, dtype=torch.float64))
    with pytest.raises(TypeError, match="integer"):
        sparse(torch.zeros(2, 3), torch.zeros(2))
    with pytest.raises(ValueError, match="labels"):
        sparse(torch.zeros(2, 3), torch.zeros(3, dtype=torch.int32))
    with pytest.raises(ValueError, match="labels"):
        sparse(torch.zeros(2, 3), torch.zeros(2, 1, dtype=torch.int32))


def test_SoftmaxCrossEntropyWithLogits_SmoothL1Loss_accept_bfloat16_for_autocast():
    logits = torch.randn(3, 4)
    labels = torch.tensor([0, 3, 1])
    out = nn.SoftmaxCrossEntropyWithLogits(sparse=True).construct(logits.bfloat16(), labels)
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out.float(), nn.SoftmaxCrossEntropyWithLogits(sparse=True).construct(logits, labels),
                               rtol=2e-2, atol=2e-2)
    assert nn.SmoothL1Loss().construct(logits.bfloat16(), logits.bfloat16()).dtype == torch.bfloat16


def _sce_on(target, **kwargs):
    """The loss built while ``device_target`` is ``target`` (set quietly: no CUDA warning)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "msnn: device_target", RuntimeWarning)
        msnn.context.set_context(device_target=target)
    return nn.SoftmaxCrossEntropyWithLogits(**kwargs)


_LOGITS = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0], [2.0, 2.0, 2.0], [0.0, 1.0, -1.0]], np.float32)
_LABELS = np.array([1, 2, 0, 1], np.int32)


def _np_sce(logits, labels):
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return -logp[np.arange(len(labels)), labels], np.exp(logp)


@pytest.mark.parametrize("target", ["CPU", "GPU"])
@pytest.mark.parametrize("reduction", [None, "none", "sum", "mean"])
def test_SoftmaxCrossEntropyWithLogits_sparse_cpu_gpu_is_the_batch_mean_whatever_reduction(target, reduction):
    loss = _sce_on(target, is_grad=False, sparse=True, reduction=reduction)
    out = loss(Tensor(_LOGITS), Tensor(_LABELS))
    per_sample, _ = _np_sce(_LOGITS, _LABELS)
    assert out.shape == ()
    np.testing.assert_allclose(out.asnumpy(), per_sample.mean(), rtol=1e-6)


@pytest.mark.parametrize("target", ["CPU", "GPU"])
def test_SoftmaxCrossEntropyWithLogits_sparse_cpu_gpu_is_grad_returns_the_gradient(target):
    with pytest.warns(UserWarning, match="returns the gradient"):
        loss = _sce_on(target, sparse=True)  # is_grad=True is 0.1's default
    out = loss(Tensor(_LOGITS), Tensor(_LABELS))
    _, prob = _np_sce(_LOGITS, _LABELS)
    onehot = np.eye(3, dtype=np.float32)[_LABELS]
    np.testing.assert_allclose(out.asnumpy(), (prob - onehot) / 4, rtol=1e-6, atol=1e-7)


def test_SoftmaxCrossEntropyWithLogits_sparse_ascend_keeps_per_sample_and_reduction():
    loss = _sce_on("Ascend", sparse=True, reduction=None)
    per_sample, _ = _np_sce(_LOGITS, _LABELS)
    np.testing.assert_allclose(loss(Tensor(_LOGITS), Tensor(_LABELS)).asnumpy(), per_sample, rtol=1e-6)
    loss = _sce_on("Ascend", sparse=True, is_grad=False, reduction="sum")
    np.testing.assert_allclose(loss(Tensor(_LOGITS), Tensor(_LABELS)).asnumpy(), per_sample.sum(), rtol=1e-6)


@pytest.mark.parametrize("bad", [-1, 3])
def test_SoftmaxCrossEntropyWithLogits_sparse_cpu_refuses_labels_out_of_range(bad):
    loss = _sce_on("CPU", is_grad=False, sparse=True)
    labels = _LABELS.copy()
    labels[2] = bad
    with pytest.raises(RuntimeError, match=f"For 'SoftmaxCrossEntropyWithLogits', the 'labels' must be in \\[0, 3\\) on device_target 'CPU', but got {bad}"):
        loss(Tensor(_LOGITS), Tensor(labels))
    # GPU: no check in 0.1; the out-of-range row counts 0 in the mean
    gpu = _sce_on("GPU", is_grad=False, sparse=True)
    per_sample, _ = _np_sce(_LOGITS, _LABELS)
    per_sample[2] = 0.0
    np.testing.assert_allclose(gpu(Tensor(_LOGITS), Tensor(labels)).asnumpy(), per_sample.mean(), rtol=1e-6)


@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
def test_SoftmaxCrossEntropyWithLogits_sparse_cpu_gradient_of_the_mean_any_rank(label_dtype):
    # the CPU path's one fused call: (N, T, C) logits, the mean over N * T and its gradient
    loss = _sce_on("CPU", is_grad=False, sparse=True)
    logits = torch.tensor(np.stack([_LOGITS, _LOGITS[::-1]]), requires_grad=True)  # (2, 4, 3)
    labels = np.stack([_LABELS, _LABELS[::-1]]).astype(label_dtype)
    out = loss(logits, Tensor(labels))
    out.backward()
    per_sample, prob = _np_sce(logits.detach().numpy().reshape(-1, 3), labels.reshape(-1))
    np.testing.assert_allclose(out.asnumpy(), per_sample.mean(), rtol=1e-6)
    onehot = np.eye(3, dtype=np.float32)[labels.reshape(-1)]
    np.testing.assert_allclose(logits.grad.numpy().reshape(-1, 3), (prob - onehot) / 8, rtol=1e-5, atol=1e-7)
    labels[1, 3] = 3
    with pytest.raises(RuntimeError, match="must be in \\[0, 3\\) on device_target 'CPU', but got 3"):
        loss(logits, Tensor(labels))


def test_SoftmaxCrossEntropyWithLogits_sparse_cpu_trains_on_the_scalar_mean():
    """TrainOneStepCell's gradient on the CPU path is that of the batch mean (not N times larger)."""
    np.random.seed(0)
    net = nn.Dense(3, 3)
    w0, b0 = net.weight.detach().clone(), net.bias.detach().clone()
    step = nn.TrainOneStepCell(nn.WithLossCell(net, _sce_on("CPU", is_grad=False, sparse=True)),
                               nn.SGD(net.trainable_params(), 1.0))
    step.set_train()
    step(Tensor(_LOGITS), Tensor(_LABELS))
    x = torch.tensor(_LOGITS)
    w = w0.clone().requires_grad_()
    torch.nn.functional.cross_entropy(x @ w.t() + b0, torch.tensor(_LABELS).long()).backward()
    torch.testing.assert_close(net.weight.detach(), w0 - w.grad, rtol=1e-5, atol=1e-6)


def test_SoftmaxCrossEntropyExpand_broadcasts_labels_as_0_1s_mul():
    logits = np.random.RandomState(0).randn(4, 3).astype(np.float32)
    labels = np.array([0.2, 0.3, 0.5], np.float32)
    out = nn.SoftmaxCrossEntropyExpand()(Tensor(logits), Tensor(labels))
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    np.testing.assert_allclose(out.asnumpy(), (-(labels * logp).sum(-1)).mean(), rtol=1e-5)
    with pytest.raises(ValueError, match="broadcastable"):
        nn.SoftmaxCrossEntropyExpand()(Tensor(logits), Tensor(np.ones((2,), np.float32)))


def test_SoftmaxCrossEntropyWithLogits_sparse_cpu_mean_is_the_per_sample_mean():
    # CPU target: labels are range-checked first, so the fused batch mean needs no validity mask;
    # it equals the mean of the per-sample losses (reduction='none' path)
    from msnn import context  # pylint: disable=import-outside-toplevel
    context.set_context(device_target="CPU")
    rng = np.random.default_rng(3)
    logits = Tensor(rng.standard_normal((6, 2, 5)).astype(np.float32))
    labels = Tensor(rng.integers(0, 5, (6, 2)).astype(np.int32))
    mean = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction="mean")(logits, labels)
    x = logits.asnumpy().reshape(-1, 5)
    lse = np.log(np.exp(x - x.max(1, keepdims=True)).sum(1)) + x.max(1)
    want = (lse - x[np.arange(12), labels.asnumpy().reshape(-1)]).mean()
    assert mean.shape() == () and abs(float(mean.asnumpy()) - want) < 1e-6


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_SoftmaxCrossEntropyWithLogits_sparse_ascend_any_rank_fused_and_zero_paths(reduction):
    # every label valid: the fused call; one invalid label: the zero-loss path. Same numbers as the
    # per-sample reference either way, 'mean' over all N * T samples, 'none' in the labels' shape
    loss = _sce_on("Ascend", sparse=True, is_grad=False, reduction=reduction)
    logits = torch.tensor(np.stack([_LOGITS, _LOGITS[::-1]]), requires_grad=True)  # (2, 4, 3)
    labels = np.stack([_LABELS, _LABELS[::-1]]).astype(np.int32)
    for bad in (None, -1, 3):
        if bad is not None:
            labels[1, 2] = bad
        per_sample, _ = _np_sce(logits.detach().numpy().reshape(-1, 3), np.clip(labels.reshape(-1), 0, 2))
        per_sample = per_sample.reshape(2, 4)
        if bad is not None:
            per_sample[1, 2] = 0.0
        expect = {"none": per_sample, "mean": per_sample.mean(), "sum": per_sample.sum()}[reduction]
        out = loss(logits, Tensor(labels))
        assert out.shape == np.shape(expect)
        np.testing.assert_allclose(out.detach().numpy(), expect, rtol=1e-6)
