import importlib.util
import pathlib

import numpy as np
import pytest
import torch

import msnn as nn

_spec = importlib.util.spec_from_file_location("optim_reference", pathlib.Path(__file__).with_name("_reference.py"))
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)

CONFIGS = [  # momentum, dampening, weight_decay, nesterov, loss_scale
    (0.0, 0.0, 0.0, False, 1.0),
    (0.9, 0.0, 0.0, False, 1.0),
    (0.9, 0.3, 0.2, False, 4.0),
    (0.8, 0.0, 0.5, True, 2.0),
    (0.0, 0.0, 0.3, False, 8.0),
]


@pytest.mark.parametrize("momentum,dampening,weight_decay,nesterov,loss_scale", CONFIGS)
def test_SGD_trajectory_reference_and_torch(momentum, dampening, weight_decay, nesterov, loss_scale, device):
    w0, grads = R.make_case()
    opt = nn.SGD(R.make_params(w0, R.NAMES, device), 0.1, momentum, dampening, weight_decay, nesterov,
                 loss_scale)
    got = R.run_ms(opt, grads, device, loss_scale)
    ref = R.SGD(w0, R.NAMES, 0.1, momentum, dampening, weight_decay, nesterov, loss_scale)
    R.assert_traj(got, R.run_ref(ref, grads, loss_scale))
    # torch.optim.SGD on the un-scaled gradients: weight decay on every parameter
    tp = [torch.nn.Parameter(torch.tensor(w, device=device)) for w in w0]
    topt = torch.optim.SGD(tp, lr=0.1, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                           nesterov=nesterov, foreach=True)
    R.assert_traj(got, R.run_torch(topt, tp, grads, device), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("foreach", [True, False])
def test_SGD_interfaces_and_paths_identical(foreach, device):
    w0, grads = R.make_case()
    a = nn.SGD(R.make_params(w0, R.NAMES, device), [0.1, 0.2, 0.05], 0.9, 0.1, 0.1, False, 2.0)
    pb = R.make_params(w0, R.NAMES, device)
    b = nn.SGD(pb, [0.1, 0.2, 0.05], 0.9, 0.1, 0.1, False, 2.0)
    for g in b.param_groups:
        g["foreach"] = foreach
    R.assert_traj(R.run_ms(a, grads, device, 2.0), R.run_torch(b, pb, grads, device, 2.0), rtol=1e-6, atol=1e-7)


def test_SGD_state_names_stat_and_dynamic_lr(device):
    w0, grads = R.make_case(steps=2)
    opt = nn.SGD(R.make_params(w0, R.NAMES, device), np.array([0.1, 0.01]), momentum=0.9)
    names = [n for n, _ in opt.parameters_and_names()]
    assert names == (["learning_rate"] + R.NAMES + ["global_step", "momentum"] + ["accum." + n for n in R.NAMES]
                     + ["stat." + n for n in R.NAMES])
    assert all(float(s.min()) == 1.0 for s in opt.stat)
    R.run_ms(opt, grads[:1], device)
    assert all(float(s.max()) == 0.0 for s in opt.stat)
    assert opt.global_step.tolist() == [1]


def test_SGD_stat_reloaded_restarts_buffer(device):
    """Writing stat back to ones (e.g. a checkpoint) makes the next step take buf = g again."""
    w0, grads = R.make_case(steps=4)
    opt = nn.SGD(R.make_params(w0, R.NAMES, device), 0.1, momentum=0.9, dampening=0.5)
    R.run_ms(opt, grads[:2], device)
    with torch.no_grad():
        for s, a in zip(opt.stat, opt.accum):
            s.fill_(1.0)
            a.zero_()
    got = R.run_ms(opt, grads[2:], device)
    ref = R.SGD([p.detach().cpu().numpy() for p in R.make_params(w0, R.NAMES, "cpu")], R.NAMES, 0.1, 0.9, 0.5)
    ref.w = [w.astype(np.float64) for w in R.run_ms(nn.SGD(R.make_params(w0, R.NAMES, device), 0.1, 0.9, 0.5),
                                                    grads[:2], device)[-1]]
    R.assert_traj(got, R.run_ref(ref, grads[2:]))


@pytest.mark.parametrize("kw,exc", [
    ({"momentum": -0.5}, ValueError), ({"dampening": -0.1}, ValueError), ({"weight_decay": -0.1}, ValueError),
    ({"nesterov": 1}, ValueError), ({"nesterov": "x"}, ValueError), ({"dampening": "x"}, TypeError),
    ({"learning_rate": 1}, TypeError), ({"learning_rate": -0.1}, ValueError)])
def test_SGD_bad_arguments(kw, exc):
    w0, _ = R.make_case(steps=1)
    with pytest.raises(exc):
        nn.SGD(R.make_params(w0, R.NAMES, "cpu"), **kw)


@pytest.mark.parametrize("case,kw", [
    ("sgd_plain", dict(learning_rate=0.1, momentum=0.0, dampening=0.0, nesterov=False, loss_scale=1.0)),
    ("sgd_momentum_dampening", dict(learning_rate=0.1, momentum=0.9, dampening=0.3, nesterov=False, loss_scale=2.0)),
    ("sgd_nesterov_dynamic", dict(learning_rate=[0.1, 0.05, 0.2, 0.01, 0.3, 0.02], momentum=0.9, dampening=0.0,
                                  nesterov=True, loss_scale=1.0)),
    ("sgd_kernel_wd", dict(learning_rate=0.1, momentum=0.9, dampening=0.1, weight_decay=0.3)),
    ("sgd_kernel_wd_nesterov", dict(learning_rate=0.2, momentum=0.5, weight_decay=0.5, nesterov=True)),
])
def test_SGD_golden_mindspore(case, kw, device):
    g = np.load(pathlib.Path(__file__).parents[1] / "data" / "optim_goldens.npz")
    n = 1 if "kernel" in case else 2
    names = ["conv.weight", "fc.bias"][:n]
    params = R.make_params([g[f"{case}/w0_{i}"] for i in range(n)], names, device)
    opt = nn.SGD(params, **kw)
    scale = np.float32(kw.get("loss_scale", 1.0))
    for t in range(6):
        opt(tuple(torch.tensor(g[f"{case}/g_{t}_{i}"] * scale, device=device) for i in range(n)))
        for i, p in enumerate(params):
            np.testing.assert_allclose(p.detach().cpu().numpy(), g[f"{case}/w_{t}_{i}"], rtol=1e-6, atol=1e-6)
