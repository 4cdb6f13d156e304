import importlib.util
import pathlib

import numpy as np
import pytest
import torch

import msnn as nn

_spec = importlib.util.spec_from_file_location("optim_reference", pathlib.Path(__file__).with_name("_reference.py"))
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)


@pytest.mark.parametrize("lr", [0.1, [0.1, 0.05, 0.2]])
@pytest.mark.parametrize("weight_decay,use_clip,loss_scale", [(0.0, False, 1.0), (0.2, False, 1.0),
                                                              (0.2, True, 1.0), (0.1, True, 4.0)])
def test_LARS_trajectory_reference(lr, weight_decay, use_clip, loss_scale, device):
    w0, grads = R.make_case()
    inner = nn.Momentum(R.make_params(w0, R.NAMES, device), lr, 0.9)
    opt = nn.LARS(inner, 1e-3, 0.05, weight_decay, use_clip, loss_scale=loss_scale)
    ref = R.LARS(R.Momentum(w0, R.NAMES, lr, 0.9), 1e-3, 0.05, weight_decay, use_clip, loss_scale)
    R.assert_traj(R.run_ms(opt, grads, device, loss_scale), R.run_ref(ref, grads, loss_scale))


def test_LARS_double_scaling_quirk(device):
    """weight_decay*loss_scale is added after un-scaling: loss_scale changes the result."""
    w0, grads = R.make_case()
    a = nn.LARS(nn.Momentum(R.make_params(w0, R.NAMES, device), 0.1, 0.9), weight_decay=0.5, loss_scale=1.0)
    b = nn.LARS(nn.Momentum(R.make_params(w0, R.NAMES, device), 0.1, 0.9), weight_decay=0.5, loss_scale=8.0)
    ta, tb = R.run_ms(a, grads, device, 1.0), R.run_ms(b, grads, device, 8.0)
    assert max(np.abs(x - y).max() for x, y in zip(ta[-1], tb[-1])) > 1e-4


@pytest.mark.parametrize("foreach", [True, False])
def test_LARS_interfaces_and_paths_identical(foreach, device):
    w0, grads = R.make_case()
    a = nn.LARS(nn.SGD(R.make_params(w0, R.NAMES, device), [0.1, 0.2], 0.9), weight_decay=0.1, use_clip=True)
    pb = R.make_params(w0, R.NAMES, device)
    b = nn.LARS(nn.SGD(pb, [0.1, 0.2], 0.9), weight_decay=0.1, use_clip=True)
    for g in b.param_groups:
        g["foreach"] = foreach
    R.assert_traj(R.run_ms(a, grads, device), R.run_torch(b, pb, grads, device), rtol=1e-6, atol=1e-7)


def test_LARS_wraps_lamb_and_adam(device):
    w0, grads = R.make_case()
    opt = nn.LARS(nn.Lamb(R.make_params(w0, R.NAMES, device), 4, eps=0.1), weight_decay=0.1, use_clip=True)
    out = opt(tuple(torch.tensor(g, device=device) for g in grads[0]))
    assert [v.name for v in out] == ["lamb_v." + n for n in R.NAMES]
    opt = nn.LARS(nn.Adam(R.make_params(w0, R.NAMES, device), 0.1, eps=0.1))
    assert opt(tuple(torch.tensor(g, device=device) for g in grads[0])) == (True,) * 5


def test_LARS_names_repr_and_filters(device):
    w0, grads = R.make_case(steps=2)
    opt = nn.LARS(nn.Momentum(R.make_params(w0, R.NAMES, device), 0.1, 0.9))
    assert opt.decay_flag == opt.lars_flag == (True, False, False, True, True)
    R.run_ms(opt, grads, device)
    names = [n for n, _ in opt.parameters_and_names()]
    assert names == R.NAMES + ["learning_rate", "lars_global_step", "momentum"] + ["moments." + n for n in R.NAMES]
    assert opt.lars_global_step.tolist() == [2] and opt.lars_global_step.dtype == torch.int32
    assert repr(opt) == "LARS<\n  (opt): Momentum<>\n  >"
    assert opt.learning_rate is opt.opt.learning_rate


@pytest.mark.parametrize("kw,exc", [({"epsilon": 1}, ValueError), ({"hyperpara": "x"}, ValueError),
                                    ({"use_clip": 0}, ValueError), ({"loss_scale": 0.0}, ValueError)])
def test_LARS_bad_arguments(kw, exc):
    w0, _ = R.make_case(steps=1)
    with pytest.raises(exc):
        nn.LARS(nn.Momentum(R.make_params(w0, R.NAMES, "cpu"), 0.1, 0.9), **kw)


def test_LARS_bad_optimizer():
    with pytest.raises(TypeError, match="optimizer"):
        nn.LARS(object())
