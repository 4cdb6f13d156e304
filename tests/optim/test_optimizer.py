import importlib.util
import io
import pathlib
import warnings

import numpy as np
import pytest
import torch

import msnn as nn

_spec = importlib.util.spec_from_file_location("optim_reference", pathlib.Path(__file__).with_name("_reference.py"))
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)


def _params(device="cpu"):
    w0, _ = R.make_case(steps=1)
    return R.make_params(w0, R.NAMES, device)


@pytest.mark.parametrize("lr,exc", [(1, TypeError), (True, TypeError), (None, TypeError), (np.float32(0.1), TypeError),
                                    (-0.1, ValueError), (torch.ones(2, 2), ValueError), ([], ValueError),
                                    (["a", "b"], ValueError)])
def test_Optimizer_bad_learning_rate(lr, exc):
    with pytest.raises(exc, match="learning_rate"):
        nn.Momentum(_params(), lr, 0.9)


def test_Optimizer_zero_learning_rate_allowed():
    opt = nn.Momentum(_params(), 0.0, 0.9)
    assert float(opt.learning_rate) == 0.0


def test_Optimizer_empty_and_non_parameter():
    with pytest.raises(ValueError, match="empty"):
        nn.Momentum([], 0.1, 0.9)
    with pytest.raises(ValueError):
        nn.Momentum([torch.nn.Parameter(torch.ones(2))], 0.1, 0.9)


def test_Optimizer_base_is_abstract():
    opt = nn.Optimizer(0.1, _params())
    with pytest.raises(NotImplementedError):
        opt(tuple(torch.ones_like(p) for p in opt.parameters))
    assert isinstance(opt.parameters, nn.ParameterTuple) and opt.learning_rate.name == "learning_rate"


def test_Optimizer_is_torch_optimizer_not_module():
    opt = nn.SGD(_params())
    assert isinstance(opt, torch.optim.Optimizer) and not isinstance(opt, torch.nn.Module)
    assert repr(opt) == "SGD<>" and opt.training is False
    assert opt.set_train() is opt and opt.training is True
    assert list(opt.parameters_dict()) == [n for n, _ in opt.parameters_and_names()]
    assert opt.trainable_params() == list(opt.parameters)
    assert all(not p.requires_grad for p in opt.untrainable_params())
    assert nn.optim.Momentum is nn.Momentum


def test_Optimizer_dynamic_lr_past_end_uses_last(device):
    w0, grads = R.make_case(steps=5)
    opt = nn.Momentum(R.make_params(w0, R.NAMES, device), [0.3, 0.2], 0.0)
    lrs = []
    for gs in grads:
        opt(tuple(torch.tensor(g, device=device) for g in gs))
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == pytest.approx([0.3, 0.2, 0.2, 0.2, 0.2])
    assert opt.global_step.tolist() == [5]


def test_Optimizer_wrong_number_of_gradients():
    opt = nn.Momentum(_params(), 0.1, 0.9)
    with pytest.raises(ValueError, match="gradients"):
        opt((torch.ones(4),))


def test_Optimizer_none_gradients_skip_params(device):
    w0, grads = R.make_case(steps=2)
    params = R.make_params(w0, R.NAMES, device)
    opt = nn.Adam(params, 0.1)
    gs = [torch.tensor(g, device=device) for g in grads[0]]
    gs[1] = None
    opt(tuple(gs))
    np.testing.assert_array_equal(params[1].detach().cpu().numpy(), w0[1])
    assert not np.allclose(params[0].detach().cpu().numpy(), w0[0])


def test_Optimizer_external_write_picked_up(device):
    """A checkpoint-style write into learning_rate / global_step takes effect at the next step."""
    w0, grads = R.make_case(steps=4)
    opt = nn.Momentum(R.make_params(w0, R.NAMES, device), [0.1, 0.2, 0.3, 0.4], 0.0)
    R.run_ms(opt, grads[:1], device)
    with torch.no_grad():
        opt.parameters_dict()["global_step"].fill_(3)
    R.run_ms(opt, grads[1:2], device)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.4)
    fixed = nn.Momentum(R.make_params(w0, R.NAMES, device), 0.1, 0.0)
    with torch.no_grad():
        fixed.learning_rate.fill_(0.5)
    R.run_ms(fixed, grads[:1], device)
    assert fixed.param_groups[0]["lr"] == pytest.approx(0.5)


@pytest.mark.parametrize("make", [
    lambda p: nn.Momentum(p, [0.1, 0.05, 0.2], 0.9, weight_decay=0.1),
    lambda p: nn.SGD(p, 0.1, 0.9, 0.1, 0.1),
    lambda p: nn.Adam(p, [0.1, 0.05], eps=0.1, weight_decay=0.1),
    lambda p: nn.AdamWeightDecay(p, 0.05, eps=0.1, weight_decay=0.1),
    lambda p: nn.AdamWeightDecayDynamicLR(p, 4, 0.1),
    lambda p: nn.Lamb(p, 4, 1, weight_decay=0.1),
    lambda p: nn.LARS(nn.Momentum(p, [0.1, 0.05], 0.9), weight_decay=0.1),
], ids=["Momentum", "SGD", "Adam", "AdamWeightDecay", "AdamWeightDecayDynamicLR", "Lamb", "LARS"])
def test_Optimizer_state_dict_round_trip(make, device):
    w0, grads = R.make_case()
    a = make(R.make_params(w0, R.NAMES, device))
    R.run_ms(a, grads[:3], device)
    buf = io.BytesIO()
    torch.save({"w": [p.detach() for p in a.parameters], "opt": a.state_dict()}, buf)
    buf.seek(0)
    saved = torch.load(buf, weights_only=True)
    b = make(R.make_params(w0, R.NAMES, device))
    with torch.no_grad():
        for p, w in zip(b.parameters, saved["w"]):
            p.copy_(w)
    b.load_state_dict(saved["opt"])
    assert {n: p.tolist() for n, p in a.parameters_and_names()} == {n: p.tolist() for n, p in b.parameters_and_names()}
    R.assert_traj(R.run_ms(b, grads[3:], device), R.run_ms(a, grads[3:], device), rtol=1e-6, atol=1e-7)
    key = next(iter(a.state_dict()["state"][0]))
    assert key in ("moments", "accum", "moment1", "adam_m", "lamb_m")


def test_Optimizer_torch_scheduler_drives_fixed_lr(device):
    w0, grads = R.make_case()
    params = R.make_params(w0, R.NAMES, device)
    opt = nn.Momentum(params, 0.1, 0.9, weight_decay=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # no "scheduler before optimizer" warning
        for gs in grads:
            lrs.append(opt.param_groups[0]["lr"])
            opt(tuple(torch.tensor(g, device=device) for g in gs))
            sched.step()
    assert lrs == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    assert float(opt.learning_rate) == pytest.approx(0.0125)
    ref = R.Momentum(w0, R.NAMES, lrs, 0.9, 0.1)
    R.assert_traj([[p.detach().cpu().numpy() for p in params]], [R.run_ref(ref, grads)[-1]])


def test_Optimizer_torch_scheduler_ignored_with_dynamic_lr(device):
    w0, grads = R.make_case()
    pa, pb = R.make_params(w0, R.NAMES, device), R.make_params(w0, R.NAMES, device)
    a = nn.SGD(pa, [0.1, 0.2, 0.05], 0.9)
    b = nn.SGD(pb, [0.1, 0.2, 0.05], 0.9)
    sched = torch.optim.lr_scheduler.ExponentialLR(b, gamma=0.1)
    R.run_ms(a, grads, device)
    for gs in grads:
        for p, g in zip(pb, gs):
            p.grad = torch.tensor(g, device=device)
        b.step()
        sched.step()
    for x, y in zip(pa, pb):
        torch.testing.assert_close(x, y)


@pytest.mark.parametrize("make", [lambda p: nn.Adam(p, 0.1, eps=0.1),
                                  lambda p: nn.LARS(nn.Momentum(p, 0.1, 0.9), use_clip=True)],
                         ids=["Adam", "LARS"])
def test_Optimizer_grad_scaler_step(make, device):
    w0, grads = R.make_case(steps=3)
    pa, pb = R.make_params(w0, R.NAMES, device), R.make_params(w0, R.NAMES, device)
    a, b = make(pa), make(pb)
    scaler = torch.amp.GradScaler(device.type, init_scale=1024.0)
    for step, gs in enumerate(grads):
        loss = sum((p * torch.tensor(g, device=device)).sum() for p, g in zip(pb, gs))
        scaler.scale(loss).backward()
        if step == 1:
            pb[0].grad[0] = float("inf")          # overflow: the scaler skips this step
        scaler.step(b)
        scaler.update()
        b.zero_grad()
        if step != 1:
            a(tuple(torch.tensor(g, device=device) for g in gs))
    for x, y in zip(pa, pb):
        torch.testing.assert_close(x, y, rtol=1e-5, atol=1e-6)
    assert scaler.get_scale() == 512.0


def test_Optimizer_add_param_group_unsupported():
    opt = nn.Momentum(_params(), 0.1, 0.9)
    with pytest.raises(nn.UnsupportedError, match="param_group"):
        opt.add_param_group({"params": [nn.Parameter(torch.ones(2), name="x")]})


def test_Optimizer_state_data_replaced_through_attribute(device):
    """A state Parameter whose data is replaced (checkpoint-style) keeps being the one updated."""
    w0, grads = R.make_case(steps=3)
    opt = nn.Adam(R.make_params(w0, R.NAMES, device), 0.1, beta1=0.5)
    R.run_ms(opt, grads[:2], device)
    opt.moment1[3].set_parameter_data(torch.zeros(w0[3].shape))
    R.run_ms(opt, grads[2:], device)
    np.testing.assert_allclose(opt.moment1[3].detach().cpu().numpy(), 0.5 * grads[2][3], rtol=1e-6)


def test_Optimizer_step_follows_parameter_storage_replaced_between_steps():
    msnn = nn
    w = msnn.Parameter(msnn.Tensor(np.ones(3), msnn.float32), name='w')
    opt = msnn.Momentum([w], learning_rate=0.5, momentum=0.0)
    opt((torch.ones(3),))
    np.testing.assert_allclose(w.asnumpy(), [0.5, 0.5, 0.5])
    w.data = torch.full((3,), 4.0)  # new storage, as Cell.to(device/dtype) or set_parameter_data do
    opt((torch.ones(3),))
    np.testing.assert_allclose(w.asnumpy(), [3.5, 3.5, 3.5])
    w.set_parameter_data(msnn.Tensor(np.zeros(3), msnn.float32))
    w.grad = torch.full((3,), 2.0)
    opt.step()
    np.testing.assert_allclose(w.asnumpy(), [-1.0, -1.0, -1.0])
