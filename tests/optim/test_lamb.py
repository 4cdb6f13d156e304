import importlib.util
import pathlib

import numpy as np
import pytest
import torch

import msnn as nn

_spec = importlib.util.spec_from_file_location("optim_reference", pathlib.Path(__file__).with_name("_reference.py"))
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)


@pytest.mark.parametrize("decay_steps,warmup_steps,power,eps,weight_decay", [
    (10, 0, 1.0, 1e-6, 0.0), (4, 2, 2.0, 0.1, 0.3), (3, 0, 0.5, 0.5, 0.1), (6, 3, 1.0, 1e-3, 0.5)])
def test_Lamb_trajectory_reference(decay_steps, warmup_steps, power, eps, weight_decay, device):
    w0, grads = R.make_case()
    opt = nn.Lamb(R.make_params(w0, R.NAMES, device), decay_steps, warmup_steps, 0.1, 0.01, power, 0.8, 0.9,
                  eps, weight_decay)
    ref = R.Lamb(w0, R.NAMES, decay_steps, warmup_steps, 0.1, 0.01, power, 0.8, 0.9, eps, weight_decay)
    R.assert_traj(R.run_ms(opt, grads, device), R.run_ref(ref, grads))


def test_Lamb_warmup_step0_lr_zero(device):
    w0, grads = R.make_case(steps=2)
    params = R.make_params(w0, R.NAMES, device)
    opt = nn.Lamb(params, 10, warmup_steps=2)
    R.run_ms(opt, grads[:1], device)
    assert opt.param_groups[0]["lr"] == 0.0
    for p, w in zip(params, w0):
        np.testing.assert_array_equal(p.detach().cpu().numpy(), w)
    R.run_ms(opt, grads[1:], device)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05)


def test_Lamb_trust_ratio_zero_weight_and_clip(device):
    """||w|| = 0 gives ratio 1; a tiny update direction gives a ratio clipped at 10."""
    names = ["zero.weight", "big.weight"]
    w0 = [np.zeros(4, np.float32), np.full(4, 100.0, np.float32)]
    grads = [[np.ones(4, np.float32), np.full(4, 1e-3, np.float32)] for _ in range(3)]
    opt = nn.Lamb(R.make_params(w0, names, device), 10, eps=1.0)
    ref = R.Lamb(w0, names, 10, eps=1.0)
    R.assert_traj(R.run_ms(opt, grads, device), R.run_ref(ref, grads))


@pytest.mark.parametrize("foreach", [True, False])
def test_Lamb_interfaces_and_paths_identical(foreach, device):
    w0, grads = R.make_case()
    a = nn.Lamb(R.make_params(w0, R.NAMES, device), 4, 1, eps=0.1, weight_decay=0.2)
    pb = R.make_params(w0, R.NAMES, device)
    b = nn.Lamb(pb, 4, 1, eps=0.1, weight_decay=0.2)
    for g in b.param_groups:
        g["foreach"] = foreach
    R.assert_traj(R.run_ms(a, grads, device), R.run_torch(b, pb, grads, device), rtol=1e-6, atol=1e-7)


def test_Lamb_filter_groups_names_and_return(device):
    w0, grads = R.make_case(steps=1)
    opt = nn.Lamb(R.make_params(w0, R.NAMES, device), 10, weight_decay=0.1)
    assert opt.decay_flag == (True, False, False, True, True)    # BN gamma/beta ARE decayed
    assert [g["decay"] for g in opt.param_groups] == [True, False]
    out = opt(tuple(torch.tensor(g, device=device) for g in grads[0]))
    assert [v.name for v in out] == ["lamb_v." + n for n in R.NAMES]
    assert [n for n, _ in opt.parameters_and_names()] == (["learning_rate"] + R.NAMES + ["global_step"]
                                                         + ["lamb_m." + n for n in R.NAMES]
                                                         + ["lamb_v." + n for n in R.NAMES])
    assert opt.global_step.dtype == torch.float32 and opt.global_step.tolist() == [1.0]


@pytest.mark.parametrize("kw,exc", [
    ({"decay_steps": 1.0}, ValueError), ({"decay_steps": 0}, ValueError), ({"warmup_steps": 1.5}, ValueError),
    ({"start_learning_rate": 1}, TypeError), ({"start_learning_rate": [0.1, 0.2]}, ValueError),
    ({"end_learning_rate": 0}, ValueError), ({"power": 1}, ValueError), ({"beta1": 1.0}, ValueError),
    ({"eps": 0.0}, ValueError), ({"weight_decay": -1.0}, ValueError)])
def test_Lamb_bad_arguments(kw, exc):
    w0, _ = R.make_case(steps=1)
    kw = dict({"decay_steps": 10}, **kw)
    with pytest.raises(exc):
        nn.Lamb(R.make_params(w0, R.NAMES, "cpu"), **kw)
