import importlib.util
import pathlib

import numpy as np
import pytest
import torch

import msnn as nn

_spec = importlib.util.spec_from_file_location("optim_reference", pathlib.Path(__file__).with_name("_reference.py"))
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)

LR_LIST = [0.1, 0.05, 0.2, 0.01]   # shorter than the 6 steps: the last value is reused


def _lr(kind, device):
    return {"float": 0.1, "list": LR_LIST, "tuple": tuple(LR_LIST), "ndarray": np.array(LR_LIST),
            "tensor1d": torch.tensor(LR_LIST, device=device), "tensor0d": torch.tensor(0.1)}[kind]


def _ref_lr(kind):
    return 0.1 if kind in ("float", "tensor0d") else LR_LIST


@pytest.mark.parametrize("lr_kind", ["float", "list", "tuple", "ndarray", "tensor1d", "tensor0d"])
@pytest.mark.parametrize("weight_decay,loss_scale", [(0.0, 1.0), (0.3, 1.0), (0.3, 8.0)])
def test_Momentum_trajectory_reference(lr_kind, weight_decay, loss_scale, device):
    w0, grads = R.make_case()
    opt = nn.Momentum(R.make_params(w0, R.NAMES, device), _lr(lr_kind, device), 0.9,
                      weight_decay=weight_decay, loss_scale=loss_scale)
    ref = R.Momentum(w0, R.NAMES, _ref_lr(lr_kind), 0.9, weight_decay, loss_scale)
    R.assert_traj(R.run_ms(opt, grads, device, loss_scale), R.run_ref(ref, grads, loss_scale))


@pytest.mark.parametrize("foreach", [True, False])
def test_Momentum_interfaces_and_paths_identical(foreach, device):
    w0, grads = R.make_case()
    a = nn.Momentum(R.make_params(w0, R.NAMES, device), LR_LIST, 0.9, weight_decay=0.2, loss_scale=4.0)
    pb = R.make_params(w0, R.NAMES, device)
    b = nn.Momentum(pb, LR_LIST, 0.9, weight_decay=0.2, loss_scale=4.0)
    for g in b.param_groups:
        g["foreach"] = foreach
    ta = R.run_ms(a, grads, device, 4.0)
    tb = R.run_torch(b, pb, grads, device, 4.0)
    R.assert_traj(ta, tb, rtol=1e-6, atol=1e-7)
    assert int(a.global_step[0]) == int(b.global_step[0]) == len(grads)


def test_Momentum_decay_filter_names(device):
    w0, grads = R.make_case(steps=1)
    opt = nn.Momentum(R.make_params(w0, R.NAMES, device), 0.1, 0.9, weight_decay=0.1)
    assert opt.decay_tf == (False, True, True, True, False)
    assert [len(g["params"]) for g in opt.param_groups] == [3, 2]
    assert [g["weight_decay"] for g in opt.param_groups] == [0.1, 0.0]
    assert [p.name for p in opt.moments] == ["moments." + n for n in R.NAMES]


def test_Momentum_decay_filter_evaluated_once(device):
    w0, grads = R.make_case(steps=3)
    params = R.make_params(w0, R.NAMES, device)
    opt = nn.Momentum(params, 0.1, 0.9, weight_decay=0.5)
    params[0].name = "renamed"                   # now passes the filter, but flags were fixed
    ref = R.Momentum(w0, R.NAMES, 0.1, 0.9, 0.5)
    R.assert_traj(R.run_ms(opt, grads, device), R.run_ref(ref, grads))


def test_Momentum_custom_decay_filter(device):
    w0, grads = R.make_case()
    opt = nn.Momentum(R.make_params(w0, R.NAMES, device), 0.1, 0.9, weight_decay=0.5,
                      decay_filter=lambda x: 'conv' in x.name)
    ref = R.Momentum(w0, R.NAMES, 0.1, 0.9, 0.5, decay_filter=lambda n: 'conv' in n)
    R.assert_traj(R.run_ms(opt, grads, device), R.run_ref(ref, grads))


def test_Momentum_state_names_and_return(device):
    w0, grads = R.make_case(steps=1)
    opt = nn.Momentum(R.make_params(w0, R.NAMES, device), [0.1, 0.2], 0.9)
    out = opt(tuple(torch.tensor(g, device=device) for g in grads[0]))
    assert out == (True,) * len(R.NAMES)
    names = [n for n, _ in opt.parameters_and_names()]
    assert names == ["learning_rate"] + R.NAMES + ["global_step", "momentum"] + ["moments." + n for n in R.NAMES]
    assert opt.global_step.dtype == torch.int32 and opt.global_step.tolist() == [1]
    assert abs(float(opt.momentum) - 0.9) < 1e-7
    assert opt.learning_rate.tolist() == pytest.approx([0.1, 0.2])


@pytest.mark.parametrize("momentum", [-0.1, "a", None])
def test_Momentum_bad_momentum(momentum):
    w0, _ = R.make_case(steps=1)
    with pytest.raises(ValueError, match="momentum"):
        nn.Momentum(R.make_params(w0, R.NAMES, "cpu"), 0.1, momentum)


def test_Momentum_negative_int_momentum_refused():
    w0, _ = R.make_case(steps=1)
    with pytest.raises(ValueError, match="^For 'Momentum', the 'momentum'"):
        nn.Momentum(R.make_params(w0, R.NAMES, "cpu"), 0.1, -1)     # 0.1 only checked floats; msnn refuses


@pytest.mark.parametrize("kw,exc", [({"weight_decay": "x"}, TypeError), ({"loss_scale": 0.0}, ValueError),
                                    ({"loss_scale": "x"}, TypeError)])
def test_Momentum_bad_hyper_parameters(kw, exc):
    w0, _ = R.make_case(steps=1)
    with pytest.raises(exc):
        nn.Momentum(R.make_params(w0, R.NAMES, "cpu"), 0.1, 0.9, **kw)


@pytest.mark.parametrize("case", ["momentum_fixed", "momentum_dynamic_scaled"])
def test_Momentum_golden_mindspore(case, device):
    g = np.load(pathlib.Path(__file__).parents[1] / "data" / "optim_goldens.npz")
    kw = {"momentum_fixed": dict(learning_rate=0.1, momentum=0.9, loss_scale=1.0),
          "momentum_dynamic_scaled": dict(learning_rate=[0.1, 0.05, 0.2, 0.01, 0.3, 0.02], momentum=0.8,
                                          loss_scale=4.0)}[case]
    names = ["conv.weight", "fc.bias"]
    params = R.make_params([g[f"{case}/w0_{i}"] for i in range(2)], names, device)
    opt = nn.Momentum(params, **kw)
    for t in range(6):
        opt(tuple(torch.tensor(g[f"{case}/g_{t}_{i}"] * np.float32(kw["loss_scale"]), device=device)
                  for i in range(2)))
        for i, p in enumerate(params):
            np.testing.assert_allclose(p.detach().cpu().numpy(), g[f"{case}/w_{t}_{i}"], rtol=1e-6, atol=1e-6)
