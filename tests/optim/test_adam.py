import importlib.util
import pathlib

import numpy as np
import pytest
import torch

import msnn as nn
from msnn import UnsupportedError

_spec = importlib.util.spec_from_file_location("optim_reference", pathlib.Path(__file__).with_name("_reference.py"))
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)

LR_LIST = [0.1, 0.05, 0.2, 0.01]


@pytest.mark.parametrize("lr", [0.1, LR_LIST, "tensor1d"])
@pytest.mark.parametrize("eps,use_nesterov,weight_decay,loss_scale", [
    (0.5, False, 0.0, 1.0), (1e-8, False, 0.0, 1.0), (0.1, True, 0.0, 4.0), (0.2, False, 0.3, 8.0),
    (0.2, True, 0.4, 1.0)])
def test_Adam_trajectory_reference(lr, eps, use_nesterov, weight_decay, loss_scale, device):
    w0, grads = R.make_case()
    lr_arg = torch.tensor(LR_LIST, device=device) if lr == "tensor1d" else lr
    opt = nn.Adam(R.make_params(w0, R.NAMES, device), lr_arg, 0.8, 0.9, eps, False, use_nesterov,
                  weight_decay, loss_scale)
    ref = R.Adam(w0, R.NAMES, LR_LIST if lr == "tensor1d" else lr, 0.8, 0.9, eps, use_nesterov,
                 weight_decay, loss_scale)
    R.assert_traj(R.run_ms(opt, grads, device, loss_scale), R.run_ref(ref, grads, loss_scale))


def test_Adam_differs_from_torch_adam(device):
    """eps outside the bias correction: torch.optim.Adam is a different rule."""
    w0, grads = R.make_case()
    opt = nn.Adam(R.make_params(w0, R.NAMES, device), 0.1, eps=0.5)
    tp = [torch.nn.Parameter(torch.tensor(w, device=device)) for w in w0]
    topt = torch.optim.Adam(tp, lr=0.1, eps=0.5)
    a = R.run_ms(opt, grads, device)[-1]
    b = R.run_torch(topt, tp, grads, device)[-1]
    assert max(np.abs(x - y).max() for x, y in zip(a, b)) > 1e-2


@pytest.mark.parametrize("foreach", [True, False])
def test_Adam_interfaces_and_paths_identical(foreach, device):
    w0, grads = R.make_case()
    a = nn.Adam(R.make_params(w0, R.NAMES, device), LR_LIST, eps=0.1, use_nesterov=True, weight_decay=0.1,
                loss_scale=2.0)
    pb = R.make_params(w0, R.NAMES, device)
    b = nn.Adam(pb, LR_LIST, eps=0.1, use_nesterov=True, weight_decay=0.1, loss_scale=2.0)
    for g in b.param_groups:
        g["foreach"] = foreach
    R.assert_traj(R.run_ms(a, grads, device, 2.0), R.run_torch(b, pb, grads, device, 2.0), rtol=1e-6, atol=1e-7)


def test_Adam_state_names_and_powers(device):
    w0, grads = R.make_case(steps=3)
    opt = nn.Adam(R.make_params(w0, R.NAMES, device), 0.1, beta1=0.8, beta2=0.9, weight_decay=0.1)
    assert opt.decay_tf == (False, True, True, True, False)
    names = [n for n, _ in opt.parameters_and_names()]
    assert names == (["learning_rate"] + R.NAMES + ["beta1_power", "beta2_power"]
                     + ["moment1." + n for n in R.NAMES] + ["moment2." + n for n in R.NAMES])
    assert opt(tuple(torch.tensor(g, device=device) for g in grads[0])) == (True,) * 5
    R.run_ms(opt, grads[1:], device)
    assert opt.beta1_power.dtype == torch.float32 and opt.beta1_power.shape == (1,)
    np.testing.assert_allclose(opt.beta1_power.cpu().numpy(), [0.8 ** 3], rtol=1e-6)
    np.testing.assert_allclose(opt.beta2_power.cpu().numpy(), [0.9 ** 3], rtol=1e-6)


@pytest.mark.parametrize("kw", [{"beta1": 1.0}, {"beta1": 1}, {"beta2": 0.0}, {"eps": 0.0}, {"eps": 1},
                                {"weight_decay": -0.1}, {"weight_decay": 0}, {"use_locking": 1},
                                {"use_nesterov": "x"}, {"loss_scale": 1}, {"loss_scale": 0.5}])
def test_Adam_bad_arguments(kw):
    w0, _ = R.make_case(steps=1)
    with pytest.raises(ValueError):
        nn.Adam(R.make_params(w0, R.NAMES, "cpu"), **kw)


@pytest.mark.parametrize("case,kw", [
    ("adam_large_eps", dict(learning_rate=0.1, beta1=0.9, beta2=0.999, eps=0.1)),
    ("adam_nesterov_scaled", dict(learning_rate=0.05, beta1=0.8, beta2=0.9, eps=1e-3, use_nesterov=True,
                                  loss_scale=8.0)),
    ("adam_dynamic", dict(learning_rate=[0.1, 0.05, 0.2, 0.01, 0.3, 0.02], beta1=0.9, beta2=0.99, eps=0.5)),
])
def test_Adam_golden_mindspore(case, kw, device):
    g = np.load(pathlib.Path(__file__).parents[1] / "data" / "optim_goldens.npz")
    names = ["conv.weight", "fc.bias"]
    params = R.make_params([g[f"{case}/w0_{i}"] for i in range(2)], names, device)
    opt = nn.Adam(params, **kw)
    scale = np.float32(kw.get("loss_scale", 1.0))
    for t in range(6):
        opt(tuple(torch.tensor(g[f"{case}/g_{t}_{i}"] * scale, device=device) for i in range(2)))
        for i, p in enumerate(params):
            np.testing.assert_allclose(p.detach().cpu().numpy(), g[f"{case}/w_{t}_{i}"], rtol=2e-6, atol=2e-6)


# -- AdamWeightDecay -------------------------------------------------------------------------------------
@pytest.mark.parametrize("eps,weight_decay", [(0.5, 0.0), (1e-6, 0.3), (0.2, 0.5)])
def test_AdamWeightDecay_trajectory_reference(eps, weight_decay, device):
    w0, grads = R.make_case()
    opt = nn.AdamWeightDecay(R.make_params(w0, R.NAMES, device), 0.05, 0.8, 0.9, eps, weight_decay)
    ref = R.AdamWeightDecay(w0, R.NAMES, 0.05, 0.8, 0.9, eps, weight_decay)
    R.assert_traj(R.run_ms(opt, grads, device), R.run_ref(ref, grads))


@pytest.mark.parametrize("foreach", [True, False])
def test_AdamWeightDecay_returns_v_and_interfaces_identical(foreach, device):
    w0, grads = R.make_case()
    a = nn.AdamWeightDecay(R.make_params(w0, R.NAMES, device), 0.05, eps=0.1, weight_decay=0.2)
    pb = R.make_params(w0, R.NAMES, device)
    b = nn.AdamWeightDecay(pb, 0.05, eps=0.1, weight_decay=0.2)
    for g in b.param_groups:
        g["foreach"] = foreach
    R.assert_traj(R.run_ms(a, grads, device), R.run_torch(b, pb, grads, device), rtol=1e-6, atol=1e-7)
    out = a(tuple(torch.tensor(g, device=device) for g in grads[0]))
    assert [v.name for v in out] == ["adam_v." + n for n in R.NAMES]
    assert [n for n, _ in a.parameters_and_names()] == (["learning_rate"] + R.NAMES + ["adam_m." + n for n in R.NAMES]
                                                       + ["adam_v." + n for n in R.NAMES])


def test_AdamWeightDecay_dynamic_lr_unsupported():
    w0, _ = R.make_case(steps=1)
    with pytest.raises(UnsupportedError, match="learning_rate"):
        nn.AdamWeightDecay(R.make_params(w0, R.NAMES, "cpu"), [0.1, 0.2])


@pytest.mark.parametrize("kw", [{"beta1": 0.0}, {"beta2": 1.5}, {"eps": -1.0}, {"weight_decay": 1}])
def test_AdamWeightDecay_bad_arguments(kw):
    w0, _ = R.make_case(steps=1)
    with pytest.raises(ValueError):
        nn.AdamWeightDecay(R.make_params(w0, R.NAMES, "cpu"), **kw)


# -- AdamWeightDecayDynamicLR ---------------------------------------------------------------------------
@pytest.mark.parametrize("decay_steps,power", [(4, 10.0), (3, 2.0), (10, 1.0)])
def test_AdamWeightDecayDynamicLR_trajectory_reference(decay_steps, power, device):
    w0, grads = R.make_case()
    opt = nn.AdamWeightDecayDynamicLR(R.make_params(w0, R.NAMES, device), decay_steps, 0.1, 0.01, power,
                                      0.8, 0.9, 0.1, 0.2)
    ref = R.AdamWeightDecay(w0, R.NAMES, None, 0.8, 0.9, 0.1, 0.2,
                            schedule=lambda t: R.poly_lr(0.1, 0.01, decay_steps, power, t))
    R.assert_traj(R.run_ms(opt, grads, device), R.run_ref(ref, grads))
    assert opt.global_step.dtype == torch.float32 and opt.global_step.tolist() == [6.0]
    assert opt.param_groups[0]["lr"] == pytest.approx(R.poly_lr(0.1, 0.01, decay_steps, power, 5), rel=1e-6)


def test_AdamWeightDecayDynamicLR_default_power_is_10(device):
    w0, grads = R.make_case(steps=2)
    opt = nn.AdamWeightDecayDynamicLR(R.make_params(w0, R.NAMES, device), 4)
    R.run_ms(opt, grads, device)
    assert opt.param_groups[0]["lr"] == pytest.approx(R.poly_lr(1e-3, 1e-4, 4, 10.0, 1), rel=1e-6)
    assert [n for n, _ in opt.parameters_and_names()][6] == "global_step"


def test_AdamWeightDecayDynamicLR_schedule_wins_over_torch_scheduler(device):
    w0, grads = R.make_case()
    pa, pb = R.make_params(w0, R.NAMES, device), R.make_params(w0, R.NAMES, device)
    a = nn.AdamWeightDecayDynamicLR(pa, 4, 0.1, 0.01, 2.0)
    b = nn.AdamWeightDecayDynamicLR(pb, 4, 0.1, 0.01, 2.0)
    sched = torch.optim.lr_scheduler.StepLR(b, step_size=1, gamma=0.1)
    for gs in grads:
        a(tuple(torch.tensor(g, device=device) for g in gs))
        b(tuple(torch.tensor(g, device=device) for g in gs))
        sched.step()
    for x, y in zip(pa, pb):
        torch.testing.assert_close(x, y)


def test_AdamWeightDecayDynamicLR_list_learning_rate_type_error():
    w0, _ = R.make_case(steps=1)
    with pytest.raises(TypeError):
        nn.AdamWeightDecayDynamicLR(R.make_params(w0, R.NAMES, "cpu"), 4, [0.1, 0.2])


def test_Adam_use_locking_is_declared_and_changes_nothing():
    from msnn._api import REGISTRY  # pylint: disable=import-outside-toplevel
    assert "use_locking" in REGISTRY["mindspore.nn.Adam"].unsupported
    w0, grads = R.make_case()
    outs = []
    for locking in (False, True):
        opt = nn.Adam(R.make_params(w0, R.NAMES, "cpu"), 0.1, 0.8, 0.9, 0.5, locking)
        assert opt.use_locking is locking
        outs.append(R.run_ms(opt, grads, "cpu", 1.0))
    R.assert_traj(outs[1], outs[0])
