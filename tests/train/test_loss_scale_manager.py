"""Loss-scale managers: 0.1's host-side rules, and how Model wires them (against the wrap cells
driven by hand)."""
import numpy as np
import pytest
import torch

import msnn as nn
from msnn.train import Model
from msnn.train.callback import Callback
from msnn.train.loss_scale_manager import DynamicLossScaleManager, FixedLossScaleManager, LossScaleManager

from _helpers import TinyNet, dev, make_rows, manual_train, new_model


def _reference_dynamic(init, factor, window, overflows):
    """0.1's DynamicLossScaleManager.update_loss_scale, written out."""
    scale, cur, last, out = init, 1, 0, []
    for ov in overflows:
        if ov:
            scale, last = max(scale / factor, 1), cur
        elif (cur - last) % window == 0:
            scale *= factor
        cur += 1
        out.append(scale)
    return out


def test_DynamicLossScaleManager_rule():
    rng = np.random.RandomState(1)
    overflows = list(rng.rand(60) < 0.3)
    m = DynamicLossScaleManager(init_loss_scale=2 ** 10, scale_factor=2, scale_window=3)
    got = []
    for ov in overflows:
        m.update_loss_scale(ov)
        got.append(m.get_loss_scale())
    assert got == _reference_dynamic(2 ** 10, 2, 3, overflows)
    assert m.get_drop_overflow_update() is True
    m = DynamicLossScaleManager(init_loss_scale=4)
    for _ in range(5):
        m.update_loss_scale(True)
    assert m.get_loss_scale() == 1  # floor at 1
    with pytest.raises(RuntimeError, match="1001 steps in a row"):
        for _ in range(1000):
            m.update_loss_scale(True)


def test_DynamicLossScaleManager_checks_and_update_cell():
    cell = DynamicLossScaleManager(2 ** 12, 4, 100).get_update_cell()
    assert isinstance(cell, nn.DynamicLossScaleUpdateCell) and cell.get_loss_scale() == 2 ** 12
    assert int(cell.scale_window) == 100 and float(cell.scale_factor) == 4
    with pytest.raises(ValueError, match="'init_loss_scale'"):
        DynamicLossScaleManager(init_loss_scale=0.5)
    with pytest.raises(ValueError, match="'scale_window'"):
        DynamicLossScaleManager(scale_window=0)
    with pytest.raises(ValueError, match="'scale_window'"):
        DynamicLossScaleManager(scale_window=2.0)
    with pytest.raises(ValueError, match="'scale_factor'"):
        DynamicLossScaleManager(scale_factor=0)


def test_FixedLossScaleManager_basics():
    m = FixedLossScaleManager()
    assert (m.get_loss_scale(), m.get_drop_overflow_update()) == (128.0, True)
    m.update_loss_scale(True)
    assert m.get_loss_scale() == 128.0
    assert isinstance(m.get_update_cell(), nn.FixedLossScaleUpdateCell)
    assert FixedLossScaleManager(1024, drop_overflow_update=False).get_update_cell() is None
    assert isinstance(m, LossScaleManager)
    with pytest.raises(ValueError, match="'loss_scale'"):
        FixedLossScaleManager(0.5)
    with pytest.raises(TypeError, match="'drop_overflow_update'"):
        FixedLossScaleManager(2, drop_overflow_update=1)


def test_FixedLossScaleManager_no_drop_is_train_one_step_with_sens():
    rows = make_rows(3)
    net, _, model = new_model(loss_scale_manager=FixedLossScaleManager(1024, drop_overflow_update=False))
    assert type(model._train_network) is nn.TrainOneStepCell and model._train_network.sens == 1024
    model.train(2, rows * 1, dataset_sink_mode=False)
    ref, _ = manual_train(rows, 2, sens=1024)
    np.testing.assert_allclose(net.fc.weight.asnumpy(), ref.fc.weight.asnumpy(), rtol=1e-6)


def test_FixedLossScaleManager_no_drop_with_optimizer_loss_scale_trains_as_unscaled():
    rows = make_rows(3)
    net = TinyNet()
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    opt = nn.Momentum(net.trainable_params(), 0.1, 0.9, 0.0, 1024.0)  # the resnet50 example's call
    model = Model(net, loss, opt, loss_scale_manager=FixedLossScaleManager(1024, drop_overflow_update=False))
    model.train(2, rows, dataset_sink_mode=False)
    ref, _ = manual_train(rows, 2)
    np.testing.assert_allclose(net.fc.weight.asnumpy(), ref.fc.weight.asnumpy(), rtol=1e-5, atol=1e-6)


class _Outputs(Callback):
    def __init__(self):
        super().__init__()
        self.outputs = []

    def step_end(self, run_context):
        loss, overflow, scale = run_context.original_args().net_outputs
        self.outputs.append((float(loss.asnumpy()), bool(overflow.asnumpy()), float(scale.asnumpy())))


def _rows_with_overflow():
    rows = make_rows(5)
    rows[2] = (np.full((2, 4), np.inf, np.float32), rows[2][1])  # non-finite gradients
    return rows


def _manual_loss_scale(rows, manager):
    """0.1's GE path by hand: TrainOneStepWithLossScaleCell fed the manager's scale as sens."""
    net = TinyNet()
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
    step = nn.TrainOneStepWithLossScaleCell(nn.WithLossCell(net, loss), opt,
                                            scale_update_cell=manager.get_update_cell()).set_train()
    outs = []
    for data, label in rows:
        sens = torch.tensor(manager.get_loss_scale(), dtype=torch.float32)
        l, ov, s = step(dev(data), dev(label), sens)
        manager.update_loss_scale(bool(ov.asnumpy()))
        outs.append((float(l.asnumpy()), bool(ov.asnumpy()), float(s.asnumpy())))
    return net, outs


def test_DynamicLossScaleManager_in_Model_matches_the_wrap_cells():
    rows = _rows_with_overflow()
    manager = DynamicLossScaleManager(init_loss_scale=2 ** 10, scale_factor=2, scale_window=2)
    net, _, model = new_model(loss_scale_manager=manager)
    assert type(model._train_network) is nn.TrainOneStepWithLossScaleCell
    rec = _Outputs()
    model.train(1, rows, callbacks=rec, dataset_sink_mode=False)
    assert [o[1] for o in rec.outputs] == [False, False, True, False, False]
    assert [o[2] for o in rec.outputs] == [1024, 1024, 2048, 1024, 1024]  # the scale fed each step
    assert manager.get_loss_scale() == 2048
    ref, ref_outs = _manual_loss_scale(rows, DynamicLossScaleManager(2 ** 10, 2, 2))
    np.testing.assert_array_equal(np.array(rec.outputs, dtype=np.float64), np.array(ref_outs, dtype=np.float64))
    np.testing.assert_array_equal(net.fc.weight.asnumpy(), ref.fc.weight.asnumpy())


def test_FixedLossScaleManager_drop_skips_overflowed_steps():
    rows = _rows_with_overflow()
    net, _, model = new_model(loss_scale_manager=FixedLossScaleManager(256.0))
    rec = _Outputs()
    model.train(1, rows, callbacks=rec, dataset_sink_mode=False)
    assert [o[1:] for o in rec.outputs] == [(False, 256.0)] * 2 + [(True, 256.0)] + [(False, 256.0)] * 2
    ref, _ = _manual_loss_scale(rows, FixedLossScaleManager(256.0))
    np.testing.assert_array_equal(net.fc.weight.asnumpy(), ref.fc.weight.asnumpy())
    # the overflowed row changed nothing: the same run without it gives the same weights
    ref2, _ = _manual_loss_scale(rows[:2] + rows[3:], FixedLossScaleManager(256.0))
    np.testing.assert_array_equal(net.fc.weight.asnumpy(), ref2.fc.weight.asnumpy())


def test_LossScaleManager_interface():
    m = LossScaleManager()
    assert m.get_loss_scale() is None and m.update_loss_scale(True) is None and m.get_update_cell() is None

    class Halving(LossScaleManager):
        def __init__(self):
            self.scale = 64.0

        def get_loss_scale(self):
            return self.scale

        def get_drop_overflow_update(self):
            return True

        def update_loss_scale(self, overflow):
            self.scale /= 2

        def get_update_cell(self):
            return nn.FixedLossScaleUpdateCell(self.scale)
    manager = Halving()
    _, _, model = new_model(loss_scale_manager=manager)
    rec = _Outputs()
    model.train(1, make_rows(3), callbacks=rec, dataset_sink_mode=False)
    assert [o[2] for o in rec.outputs] == [64.0, 32.0, 16.0] and manager.scale == 8.0
