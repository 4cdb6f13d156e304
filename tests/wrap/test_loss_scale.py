"""TrainOneStepWithLossScaleCell, DynamicLossScaleUpdateCell, FixedLossScaleUpdateCell against a
reference implementation of spec §9's loss-scale algorithm and manual autograd gradients."""
import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import msnn
import msnn as nn
from msnn import Parameter, ParameterTuple, Tensor


class Linear(nn.Cell):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = Parameter(Tensor(np.random.normal(0, 0.5, (n_out, n_in)), msnn.float32), name='weight')
        self.bias = Parameter(Tensor(np.zeros((n_out,)), msnn.float32), name='bias')

    def construct(self, x):
        return F.linear(x, self.weight, self.bias)


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.fc1 = Linear(4, 8)
        self.fc2 = Linear(8, 3)

    def construct(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


class MSE(nn.Cell):
    def construct(self, logits, label):
        return ((logits - label) ** 2).mean()


class SGDStandIn(nn.Cell):
    """MindSpore-style optimizer Cell (heavy-ball momentum) so a skipped step is visible in its state."""

    def __init__(self, params, learning_rate=0.05, momentum=0.9):
        super().__init__(auto_prefix=False)
        self.parameters = ParameterTuple(params)
        self.lr = learning_rate
        self.momentum = momentum
        self.moments = [torch.zeros_like(p) for p in self.parameters]
        self.steps = 0

    def construct(self, gradients):
        self.steps += 1
        with torch.no_grad():
            for p, v, g in zip(self.parameters, self.moments, gradients):
                v.mul_(self.momentum).add_(g)
                p.sub_(self.lr * v)
        return tuple(True for _ in self.parameters)


def reference_update(scale, cur, last, overflow, factor, window):
    """Spec §9, steps 1-5, in float32: returns (new scale, new cur_iter, new last_overflow_iter)."""
    f32 = np.float32
    s = f32(scale)
    on_overflow = max(f32(s * (f32(1) / f32(factor))), f32(1.0)) if overflow else s
    grow = (cur - last) >= int(window)
    if overflow or grow:
        last = cur
    if grow and not overflow:
        on_overflow = f32(on_overflow * f32(factor))
    return on_overflow, cur + 1, last


def _batch(step, device, bad=None):
    rng = np.random.RandomState(1000 + step)
    x = rng.normal(size=(8, 4)).astype(np.float32)
    y = rng.normal(size=(8, 3)).astype(np.float32)
    if bad is not None:
        x[rng.randint(8), rng.randint(4)] = bad
    return torch.tensor(x, device=device), torch.tensor(y, device=device)


INJECT = {2: np.inf, 5: np.nan, 6: -np.inf, 7: np.inf, 8: np.nan, 9: np.inf, 10: np.inf,
          17: np.nan, 25: np.inf, 26: np.nan, 33: -np.inf}


def test_TrainOneStepWithLossScaleCell_36_steps_with_injected_inf_nan(device):
    init_scale, factor, window = 2.0 ** 4, 2, 3
    net = Net().to(device)
    ref_net = copy.deepcopy(net)
    opt = SGDStandIn(net.trainable_params())
    ref_opt = SGDStandIn(ref_net.trainable_params())
    manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=init_scale, scale_factor=factor, scale_window=window)
    train = nn.TrainOneStepWithLossScaleCell(nn.WithLossCell(net, MSE()), opt, scale_update_cell=manager).to(device)
    train.set_train()
    scale, cur, last = np.float32(init_scale), 1, 0
    seen_scales, overflows = [], []
    for step in range(36):
        x, y = _batch(step, device, INJECT.get(step))
        before = [p.detach().clone() for p in net.trainable_params()]
        # reference: plain gradients (scaling by a power of 2 and back is exact), §9 update, skip
        ref_loss = MSE()(ref_net(x), y)
        ref_grads = torch.autograd.grad(ref_loss, list(ref_net.trainable_params()))
        ref_overflow = not all(bool(torch.isfinite(g).all()) for g in ref_grads)
        scale, cur, last = reference_update(scale, cur, last, ref_overflow, factor, window)
        if not ref_overflow:
            ref_opt(ref_grads)

        loss, overflow, loss_scale = train(x, y)
        assert overflow.dtype == torch.bool and overflow.shape == () and loss_scale.shape == ()
        torch.testing.assert_close(loss, ref_loss.detach(), equal_nan=True)
        assert bool(overflow) == ref_overflow == (step in INJECT), step
        assert float(loss_scale) == float(scale), (step, float(loss_scale), scale)
        assert int(manager.cur_iter) == cur and int(manager.last_overflow_iter) == last
        for p, r, b in zip(net.trainable_params(), ref_net.trainable_params(), before):
            assert bool(torch.isfinite(p).all())
            if ref_overflow:
                assert torch.equal(p.detach(), b)  # update skipped exactly
            torch.testing.assert_close(p, r, rtol=1e-6, atol=1e-6)
        seen_scales.append(float(loss_scale))
        overflows.append(bool(overflow))
    assert opt.steps == ref_opt.steps == 36 - len(INJECT)
    # the trajectory exercises the floor (1.0 after 5 consecutive overflows) and growth every 3 clean steps
    # by hand from §9: overflow at step 2 halves; 5 overflows in a row (5-10) hit the 1.0 floor;
    # the 3rd clean step after an overflow/growth (13, 16, 20, ...) multiplies by 2
    assert seen_scales[:17] == [16, 16, 8, 8, 8, 4, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 4]
    assert seen_scales[17:24] == [2, 2, 2, 4, 4, 4, 8]
    assert max(seen_scales) == 16 and min(seen_scales) == 1


def test_TrainOneStepWithLossScaleCell_parameter_names_and_state():
    net = Net()
    manager = nn.DynamicLossScaleUpdateCell(2 ** 12, 2, 1000)
    train = nn.TrainOneStepWithLossScaleCell(nn.WithLossCell(net, MSE()), SGDStandIn(net.trainable_params()),
                                             manager)
    names = [p.name for p in train.get_parameters()]
    assert names[:5] == ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'loss_scale']
    assert 'current_iterator_step' in names and 'last_overflow_iterator_step' in names
    assert train.loss_scale.dtype == torch.float32 and float(train.loss_scale.detach()) == 4096.0
    assert train.loss_scaling_manager is manager and manager.get_loss_scale() == 2 ** 12
    assert not train.training and train.reducer_flag is False


def test_TrainOneStepWithLossScaleCell_seed_example_max_sens_overflows():
    net = nn.WithLossCell(nn.Dense(16, 16), MSE())
    opt = SGDStandIn(net.trainable_params())
    manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=2 ** 12, scale_factor=2, scale_window=1000)
    train = nn.TrainOneStepWithLossScaleCell(net, opt, scale_update_cell=manager)
    train.set_train()
    inputs = Tensor(np.ones([16, 16]).astype(np.float32))
    label = Tensor(np.zeros([16, 16]).astype(np.float32))
    scaling_sens = Tensor(np.full((1), np.finfo(np.float32).max), dtype=msnn.float32)
    # the seed's call: overflow iff some gradient scaled by float32's max is not finite
    grads = torch.autograd.grad(net(inputs, label), list(net.trainable_params()),
                                torch.tensor(np.finfo(np.float32).max))
    expected = not all(bool(torch.isfinite(g).all()) for g in grads)
    loss, overflow, scale = train(inputs, label, scaling_sens)
    assert bool(overflow) == expected and torch.equal(scale, scaling_sens)
    # with labels 100 away the scaled gradients (~1e39) certainly overflow: the update is skipped
    steps = opt.steps
    before = [p.detach().clone() for p in net.trainable_params()]
    loss, overflow, scale = train(inputs, label + 100.0, scaling_sens)
    assert bool(overflow) and torch.equal(scale, scaling_sens) and opt.steps == steps
    assert all(torch.equal(p.detach(), b) for p, b in zip(net.trainable_params(), before))
    assert int(manager.cur_iter) == 1 and float(train.loss_scale.detach()) == 4096.0  # manager ignored
    loss, overflow, scale = train(inputs, label)  # no sens: the manager's scale
    assert not bool(overflow) and float(scale) == 4096.0 and opt.steps == steps + 1
    assert int(manager.cur_iter) == 2


def test_TrainOneStepWithLossScaleCell_sens_without_manager_matches_manual():
    net = Net()
    ref_net = copy.deepcopy(net)
    opt = SGDStandIn(net.trainable_params())
    ref_opt = SGDStandIn(ref_net.trainable_params())
    train = nn.TrainOneStepWithLossScaleCell(nn.WithLossCell(net, MSE()), opt)
    for step in range(4):
        x, y = _batch(step, "cpu")
        sens = Tensor(np.array(3.0), msnn.float32)  # not a power of 2: grads*3 then *(1/3)
        loss, overflow, scale = train(x, y, sens)
        ref_loss = MSE()(ref_net(x), y)
        grads = torch.autograd.grad(ref_loss, list(ref_net.trainable_params()), torch.tensor(3.0))
        ref_opt(tuple(g * (1 / torch.tensor(3.0)) for g in grads))
        assert not bool(overflow) and torch.equal(scale, sens)
        torch.testing.assert_close(loss, ref_loss.detach())
        for p, r in zip(net.trainable_params(), ref_net.trainable_params()):
            torch.testing.assert_close(p, r, rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="TrainOneStepWithLossScaleCell.*sens"):
        train(x, y)


def test_TrainOneStepWithLossScaleCell_to_float16_backs_off_until_scale_fits():
    net = Net()
    opt = SGDStandIn(net.trainable_params(), learning_rate=0.01)
    manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=2.0 ** 20, scale_factor=2, scale_window=1000)
    loss_net = nn.WithLossCell(net, MSE()).to_float(msnn.float16)  # the loss is float16 too
    train = nn.TrainOneStepWithLossScaleCell(loss_net, opt, manager)
    out = [train(*_batch(step, "cpu")) for step in range(8)]
    # 2**16 and above are inf in float16: the upstream overflows until the scale is 2**15
    assert [bool(o[1]) for o in out] == [True] * 5 + [False] * 3
    assert [float(o[2]) for o in out] == [2.0 ** 19, 2.0 ** 18, 2.0 ** 17, 2.0 ** 16, 2.0 ** 15] + [2.0 ** 15] * 3
    assert opt.steps == 3
    assert all(p.dtype == torch.float32 and bool(torch.isfinite(p).all()) for p in net.trainable_params())


def test_TrainOneStepWithLossScaleCell_seed_example_keyword_init_loss_scale_rejected():
    with pytest.raises(TypeError):
        nn.DynamicLossScaleUpdateCell(init_loss_scale=2 ** 12, scale_factor=2, scale_window=1000)  # pylint: disable=unexpected-keyword-arg


def test_FixedLossScaleUpdateCell_never_changes_and_skips_on_overflow():
    net = Net()
    ref_net = copy.deepcopy(net)
    opt = SGDStandIn(net.trainable_params())
    ref_opt = SGDStandIn(ref_net.trainable_params())
    manager = nn.FixedLossScaleUpdateCell(loss_scale_value=2 ** 10)
    assert manager.get_loss_scale() == 1024
    train = nn.TrainOneStepWithLossScaleCell(nn.WithLossCell(net, MSE()), opt, scale_update_cell=manager)
    inject = {1: np.inf, 4: np.nan, 5: np.inf}
    for step in range(10):
        x, y = _batch(step, "cpu", inject.get(step))
        loss, overflow, scale = train(x, y)
        assert float(scale) == 1024.0 and bool(overflow) == (step in inject)
        if step not in inject:
            ref_opt(torch.autograd.grad(MSE()(ref_net(x), y), list(ref_net.trainable_params())))
        for p, r in zip(net.trainable_params(), ref_net.trainable_params()):
            torch.testing.assert_close(p, r, rtol=1e-6, atol=1e-6)
    assert opt.steps == 7
    assert bool(manager(train.loss_scale, torch.tensor(True))) and float(train.loss_scale.detach()) == 1024.0
    with pytest.raises(TypeError, match="FixedLossScaleUpdateCell"):
        nn.FixedLossScaleUpdateCell("1024")


@pytest.mark.parametrize("init, factor, window", [
    (2.0 ** 12, 2, 1000), (2.0 ** 3, 2, 2), (16.0, 3, 4), (0.5, 2, 3), (4.0, 2, 1), (8.0, 2.5, 2),
])
def test_DynamicLossScaleUpdateCell_matches_reference_algorithm(init, factor, window):
    manager = nn.DynamicLossScaleUpdateCell(init, factor, window)
    scale = Parameter(torch.tensor(init, dtype=torch.float32), name="loss_scale")
    rng = np.random.RandomState(7)
    ref, cur, last = np.float32(init), 1, 0
    for _ in range(60):
        overflow = bool(rng.rand() < 0.25)
        out = manager(scale, torch.tensor(overflow))
        assert bool(out) == overflow
        ref, cur, last = reference_update(ref, cur, last, overflow, factor, window)
        assert float(scale.detach()) == float(ref)
        assert int(manager.cur_iter) == cur and int(manager.last_overflow_iter) == last


def test_DynamicLossScaleUpdateCell_floor_and_growth_vs_torch_amp_update_scale():
    """Where torch._amp_update_scale_ (GradScaler's rule) agrees with MindSpore's and where not."""
    manager = nn.DynamicLossScaleUpdateCell(4.0, 2, 3)
    ms_scale = Parameter(torch.tensor(4.0), name="loss_scale")
    t_scale, tracker = torch.tensor(4.0), torch.tensor(0, dtype=torch.int32)
    pattern = [False, False, False, True, False, False, False, True, True, True, True]
    ms, pt = [], []
    for overflow in pattern:
        manager(ms_scale, torch.tensor(overflow))
        torch._amp_update_scale_(t_scale, tracker, torch.tensor([float(overflow)]), 2.0, 0.5, 3)
        ms.append(float(ms_scale.detach()))
        pt.append(float(t_scale))
    assert ms[:9] == pt[:9] == [4, 4, 8, 4, 4, 4, 8, 4, 2]  # same growth step and back-off
    assert ms[9:] == [1, 1] and pt[9:] == [1, 0.5]  # MindSpore floors at 1.0, GradScaler does not


def test_DynamicLossScaleUpdateCell_state_names_and_validation():
    manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=1024.0, scale_factor=2, scale_window=10)
    assert [p.name for p in manager.get_parameters()] == ['current_iterator_step', 'last_overflow_iterator_step']
    assert manager.cur_iter.dtype == torch.int32 and int(manager.cur_iter) == 1
    assert int(manager.last_overflow_iter) == 0 and manager.get_loss_scale() == 1024.0
    for bad in ({"loss_scale_value": "1"}, {"scale_factor": None}, {"scale_window": [3]}):
        kwargs = {"loss_scale_value": 1.0, "scale_factor": 2, "scale_window": 3, **bad}
        with pytest.raises(TypeError, match="DynamicLossScaleUpdateCell"):
            nn.DynamicLossScaleUpdateCell(**kwargs)


def test_TrainOneStepWithLossScaleCell_with_Momentum_state_untouched_on_overflow():
    net = Net()
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.05, momentum=0.9)
    manager = nn.DynamicLossScaleUpdateCell(2.0 ** 8, 2, 2)
    train = nn.TrainOneStepWithLossScaleCell(nn.WithLossCell(net, MSE()), opt, manager)
    ref = [p.detach().clone() for p in net.trainable_params()]
    vel = [torch.zeros_like(p) for p in ref]
    inject = {1: np.nan, 2: np.inf, 6: np.inf}
    for step in range(10):
        x, y = _batch(step, "cpu", inject.get(step))
        moments = [m.detach().clone() for m in opt.moments]
        ref_net = copy.deepcopy(net)
        grads = torch.autograd.grad(MSE()(ref_net(x), y), list(ref_net.trainable_params()))
        _, overflow, _ = train(x, y)
        assert bool(overflow) == (step in inject)
        if step in inject:
            assert all(torch.equal(m.detach(), b) for m, b in zip(opt.moments, moments))
        else:
            for r, v, g in zip(ref, vel, grads):
                v.mul_(0.9).add_(g)
                r.sub_(0.05 * v)
        for p, r in zip(net.trainable_params(), ref):
            assert bool(torch.isfinite(p).all())
            torch.testing.assert_close(p.detach(), r, rtol=1e-6, atol=1e-6)
