"""Callbacks: LossMonitor's lines and NaN check, TimeMonitor, ModelCheckpoint's names, retention,
resume and fault behaviour, CheckpointConfig, RunContext."""
import os

import numpy as np
import pytest
import torch

import msnn as nn
from msnn.train import Model
from msnn.train import serialization
from msnn.train.callback import (Callback, CheckpointConfig, LossMonitor, ModelCheckpoint, RunContext,
                                 TimeMonitor, _chg_ckpt_file_name_if_same_exist, _InternalCallbackParam)
from msnn.train.serialization import load_checkpoint, load_param_into_net

from _helpers import ListDataset, TinyNet, make_rows, new_model


class MeanLoss(nn.Cell):
    """A 'training network' whose loss is the mean of the data row (known numbers to print)."""

    def construct(self, data, label):
        return data.mean()


def _value_rows(values):
    return [(np.full((2, 2), v, np.float32), np.zeros(2, np.int32)) for v in values]


def test_LossMonitor_lines(capsys):
    model = Model(MeanLoss())
    model.train(2, ListDataset(_value_rows([0.5, 1.25, -2.0]), repeat=2), callbacks=LossMonitor(),
                dataset_sink_mode=False)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["epoch: 1 step: 1, loss is 0.5", "epoch: 1 step: 2, loss is 1.25", "epoch: 1 step: 3, loss is -2.0",
                     "epoch: 2 step: 1, loss is 0.5", "epoch: 2 step: 2, loss is 1.25", "epoch: 2 step: 3, loss is -2.0"]


def test_LossMonitor_per_print_times_counts_global_steps(capsys):
    model = Model(MeanLoss())
    model.train(2, ListDataset(_value_rows([0.5, 1.25, 3.0]), repeat=2), callbacks=LossMonitor(2),
                dataset_sink_mode=False)
    assert capsys.readouterr().out.splitlines() == ["epoch: 1 step: 2, loss is 1.25", "epoch: 2 step: 1, loss is 0.5",
                                                    "epoch: 2 step: 3, loss is 3.0"]
    model.train(1, _value_rows([1.0]), callbacks=LossMonitor(0), dataset_sink_mode=False)
    assert capsys.readouterr().out == ""


def test_LossMonitor_tuple_outputs_print_the_first(capsys):
    cb_params = _InternalCallbackParam(cur_epoch_num=3, cur_step_num=7, batch_num=5,
                                       net_outputs=(torch.tensor([1.0, 2.0]), torch.tensor(False)))
    LossMonitor().step_end(RunContext(cb_params))
    assert capsys.readouterr().out == "epoch: 3 step: 2, loss is 1.5\n"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_LossMonitor_invalid_loss_stops_training(bad, tmp_path, capsys):
    _, _, model = new_model()
    ckpt = ModelCheckpoint(directory=str(tmp_path), config=CheckpointConfig(save_checkpoint_steps=1))
    with pytest.raises(ValueError, match=r"^epoch: 2 step: 1\. Invalid loss, terminating training\.$"):
        model.train(2, ListDataset(make_rows(2), repeat=2), callbacks=[_BadLossAt(3, bad), LossMonitor(), ckpt],
                    dataset_sink_mode=False)
    # the checkpoints of the steps before stay loadable
    assert sorted(os.listdir(tmp_path)) == ["CKP-1_1.ckpt", "CKP-1_2.ckpt"]
    assert "fc.weight" in load_checkpoint(str(tmp_path / "CKP-1_2.ckpt"))


class _BadLossAt(Callback):
    """Replaces the loss with ``value`` at one global step (before LossMonitor sees it)."""

    def __init__(self, step, value):
        super().__init__()
        self.step = step
        self.value = value

    def step_end(self, run_context):
        p = run_context.original_args()
        if p.cur_step_num == self.step:
            p.net_outputs = torch.tensor(self.value)


def test_LossMonitor_nan_data_from_the_network(capsys):
    _, _, model = new_model()
    with pytest.raises(ValueError, match=r"epoch: 1 step: 2\. Invalid loss"):
        model.train(1, make_rows(3, nan_at=1), callbacks=LossMonitor(), dataset_sink_mode=False)
    assert capsys.readouterr().out.startswith("epoch: 1 step: 1, loss is ")


def test_LossMonitor_argument_check():
    with pytest.raises(ValueError, match="'per_print_times'"):
        LossMonitor(-1)
    with pytest.raises(ValueError, match="'per_print_times'"):
        LossMonitor(1.5)


def test_TimeMonitor_lines(capsys):
    model = Model(MeanLoss())
    model.train(1, _value_rows([1.0, 2.0]), callbacks=TimeMonitor(data_size=2), dataset_sink_mode=False)
    lines = capsys.readouterr().out.splitlines()
    assert [l.split(" ")[:2] for l in lines[:2]] == [["step", "time"]] * 2
    assert lines[2].startswith("epoch time: ") and ", per step time: " in lines[2] and len(lines) == 3
    epoch_ms, per_step = (float(x.split(": ")[1]) for x in lines[2].split(", "))
    np.testing.assert_allclose(per_step, epoch_ms / 2)
    with pytest.raises(ValueError, match="'data_size'"):
        TimeMonitor(0)


def test_RunContext():
    ctx = RunContext({"a": 1})
    assert ctx.original_args() == {"a": 1} and not ctx.get_stop_requested()
    ctx.request_stop()
    assert ctx.get_stop_requested()
    with pytest.raises(TypeError, match="'original_args'"):
        RunContext([1])
    p = _InternalCallbackParam()
    p.cur_step_num = 3
    assert p["cur_step_num"] == 3
    with pytest.raises(AttributeError, match="cur_step_num"):
        _ = p.cur_epoch_num
    with pytest.raises(KeyError):  # 0.1 raised KeyError
        _ = p.cur_epoch_num
    assert getattr(p, "cur_epoch_num", None) is None


def test_CheckpointConfig_policy_and_checks():
    assert CheckpointConfig().get_checkpoint_policy() == {
        'save_checkpoint_steps': 1, 'save_checkpoint_seconds': None, 'keep_checkpoint_max': 5,
        'keep_checkpoint_per_n_minutes': None}
    c = CheckpointConfig(save_checkpoint_steps=0, save_checkpoint_seconds=30, keep_checkpoint_max=0,
                         keep_checkpoint_per_n_minutes=2)
    assert (c.save_checkpoint_seconds, c.keep_checkpoint_max, c.keep_checkpoint_per_n_minutes) == (30, 0, 2)
    c = CheckpointConfig(save_checkpoint_steps=3, keep_checkpoint_max=0)
    assert c.keep_checkpoint_max == 1  # neither a count nor minutes: one file
    with pytest.raises(ValueError, match="not all 0 or None"):
        CheckpointConfig(0, 0, 0, 0)
    with pytest.raises(ValueError, match="'save_checkpoint_steps'"):
        CheckpointConfig(save_checkpoint_steps=-1)
    with pytest.raises(TypeError, match="'keep_checkpoint_max'"):
        CheckpointConfig(keep_checkpoint_max=2.5)


def test_ModelCheckpoint_prefix_suffix_rule(tmp_path):
    d = str(tmp_path)
    assert _chg_ckpt_file_name_if_same_exist(d, "CKP") == "CKP"
    for name, expected in [("CKP-1_1.ckpt", "CKP_1"), ("CKP_1-1_1.ckpt", "CKP_2"), ("CKP_7-2_3.ckpt", "CKP_8"),
                           ("CKPX-1_1.ckpt", "CKP_8"), ("other-1_1.ckpt", "CKP_8")]:
        (tmp_path / name).write_bytes(b"")
        assert _chg_ckpt_file_name_if_same_exist(d, "CKP") == expected
    assert _chg_ckpt_file_name_if_same_exist(d, "other") == "other_1"
    (tmp_path / "net-graph.meta").write_bytes(b"")  # not a .ckpt: ignored
    assert _chg_ckpt_file_name_if_same_exist(d, "net") == "net"


def test_ModelCheckpoint_names_and_keep_max(tmp_path):
    d = str(tmp_path)
    _, _, model = new_model()
    rows = make_rows(3)
    cb = ModelCheckpoint(prefix="lenet", directory=d, config=CheckpointConfig(save_checkpoint_steps=2,
                                                                              keep_checkpoint_max=2))
    model.train(3, ListDataset(rows, repeat=3), callbacks=cb, dataset_sink_mode=False)
    # saves at global steps 2, 4, 6, 8 and at the end (9): the two newest are kept
    assert sorted(os.listdir(d)) == ["lenet-3_2.ckpt", "lenet-3_3.ckpt"]
    assert cb.latest_ckpt_file_name == os.path.join(os.path.realpath(d), "lenet-3_3.ckpt")
    # a second run in the same directory gets the prefix lenet_1, and keeps its own count
    cb2 = ModelCheckpoint(prefix="lenet", directory=d, config=CheckpointConfig(save_checkpoint_steps=3,
                                                                               keep_checkpoint_max=5))
    model.train(2, ListDataset(rows, repeat=2), callbacks=cb2, dataset_sink_mode=False)
    assert sorted(os.listdir(d)) == ["lenet-3_2.ckpt", "lenet-3_3.ckpt", "lenet_1-1_3.ckpt", "lenet_1-2_3.ckpt"]
    cb3 = ModelCheckpoint(prefix="lenet", directory=d)
    assert os.path.basename(cb3._prefix) == "lenet_2"


def test_ModelCheckpoint_keep_per_n_minutes(tmp_path):
    d = str(tmp_path)
    _, _, model = new_model()
    cb = ModelCheckpoint(directory=d, config=CheckpointConfig(save_checkpoint_steps=1, keep_checkpoint_max=0,
                                                              keep_checkpoint_per_n_minutes=1))
    model.train(1, make_rows(4), callbacks=cb, dataset_sink_mode=False)
    # every file was written within the same minute: only the oldest of those and the newest stay
    assert sorted(os.listdir(d)) == ["CKP-1_1.ckpt", "CKP-1_4.ckpt"]


def test_ModelCheckpoint_saves_the_last_step_and_argument_checks(tmp_path):
    d = str(tmp_path / "new" / "dir")
    _, _, model = new_model()
    cb = ModelCheckpoint(directory=d, config=CheckpointConfig(save_checkpoint_steps=0, save_checkpoint_seconds=0,
                                                              keep_checkpoint_max=3))
    model.train(2, ListDataset(make_rows(2), repeat=2), callbacks=cb, dataset_sink_mode=False)
    assert os.listdir(d) == ["CKP-2_2.ckpt"]
    with pytest.raises(ValueError, match="'prefix'"):
        ModelCheckpoint(prefix="a/b")
    with pytest.raises(TypeError, match="'config'"):
        ModelCheckpoint(config={"save_checkpoint_steps": 1})
    with pytest.raises(TypeError, match="'directory'"):
        ModelCheckpoint(directory=3)


def test_ModelCheckpoint_resume_with_optimizer_state(tmp_path):
    rows = make_rows(3)
    # 3 epochs straight
    net_c, _, model_c = new_model()
    model_c.train(3, ListDataset(rows, repeat=3), dataset_sink_mode=False)
    # 2 epochs, checkpointed, then a fresh model resumes from the file
    _, _, model_a = new_model()
    cb = ModelCheckpoint(prefix="run", directory=str(tmp_path), config=CheckpointConfig(save_checkpoint_steps=3))
    model_a.train(2, ListDataset(rows, repeat=2), callbacks=cb, dataset_sink_mode=False)
    params = load_checkpoint(cb.latest_ckpt_file_name)
    assert any(k.startswith("moments.") for k in params)  # the optimizer state is in the file
    net_b, opt_b, model_b = new_model()
    load_param_into_net(model_b._train_network, params)
    model_b.train(1, rows, dataset_sink_mode=False)
    np.testing.assert_allclose(net_b.fc.weight.asnumpy(), net_c.fc.weight.asnumpy(), rtol=1e-6, atol=1e-7)
    # the recipe of ModelCheckpoint's note: a TrainOneStepCell built by hand, then Model(train_net)
    net_e = TinyNet()
    opt_e = nn.Momentum(net_e.trainable_params(), learning_rate=0.1, momentum=0.9)
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    train_net = nn.TrainOneStepCell(nn.WithLossCell(net_e, loss), opt_e)
    load_param_into_net(train_net, load_checkpoint(cb.latest_ckpt_file_name))
    Model(train_net).train(1, rows, dataset_sink_mode=False)
    np.testing.assert_allclose(net_e.fc.weight.asnumpy(), net_c.fc.weight.asnumpy(), rtol=1e-6, atol=1e-7)
    # without the optimizer state the numbers differ (the test above is not vacuous)
    net_d, _, model_d = new_model()
    load_param_into_net(net_d, {k: v for k, v in params.items() if not k.startswith("moments.")})
    model_d.train(1, rows, dataset_sink_mode=False)
    assert not np.allclose(net_d.fc.weight.asnumpy(), net_c.fc.weight.asnumpy(), rtol=1e-6, atol=1e-7)


class _Interrupt(Callback):
    def __init__(self, step):
        super().__init__()
        self.step = step

    def step_end(self, run_context):
        if run_context.original_args().cur_step_num == self.step:
            raise KeyboardInterrupt


def test_ModelCheckpoint_keyboard_interrupt_mid_epoch(tmp_path):
    _, _, model = new_model()
    cb = ModelCheckpoint(directory=str(tmp_path), config=CheckpointConfig(save_checkpoint_steps=2))
    with pytest.raises(KeyboardInterrupt):
        model.train(2, ListDataset(make_rows(3), repeat=2), callbacks=[cb, _Interrupt(5)], dataset_sink_mode=False)
    assert sorted(os.listdir(tmp_path)) == ["CKP-1_2.ckpt", "CKP-2_1.ckpt"]
    assert "fc.weight" in load_checkpoint(str(tmp_path / "CKP-2_1.ckpt"))


@pytest.mark.parametrize("fault", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_ModelCheckpoint_fault_while_writing_keeps_old_checkpoints(tmp_path, monkeypatch, fault):
    _, _, model = new_model()
    cb = ModelCheckpoint(directory=str(tmp_path), config=CheckpointConfig(save_checkpoint_steps=1,
                                                                          keep_checkpoint_max=2))
    model.train(1, make_rows(2), callbacks=cb, dataset_sink_mode=False)
    before = {n: (tmp_path / n).read_bytes() for n in os.listdir(tmp_path)}
    assert sorted(before) == ["CKP-1_1.ckpt", "CKP-1_2.ckpt"]

    def broken_fsync(fd):
        raise fault
    monkeypatch.setattr(serialization.os, "fsync", broken_fsync)
    expected = KeyboardInterrupt if fault is KeyboardInterrupt else RuntimeError
    with pytest.raises(expected):
        model.train(2, ListDataset(make_rows(2), repeat=2), callbacks=cb, dataset_sink_mode=False)
    # nothing removed, nothing half-written, no temporary file left
    assert {n: (tmp_path / n).read_bytes() for n in os.listdir(tmp_path)} == before
    for name in before:
        load_checkpoint(str(tmp_path / name))


def test_Callback_base_hooks_do_nothing_and_subclasses_override_some():
    base = Callback()
    ctx = RunContext(_InternalCallbackParam(cur_step_num=1))
    for hook in ("begin", "epoch_begin", "epoch_end", "step_begin", "step_end", "end"):
        assert getattr(base, hook)(ctx) is None

    class EpochCounter(Callback):
        def __init__(self):
            super().__init__()
            self.epochs = []

        def epoch_end(self, run_context):
            p = run_context.original_args()
            self.epochs.append((p.cur_epoch_num, p.cur_step_num, p.batch_num, p.epoch_num))
    counter = EpochCounter()
    _, _, model = new_model()
    model.train(2, ListDataset(make_rows(2), repeat=2), callbacks=[base, counter], dataset_sink_mode=False)
    assert counter.epochs == [(1, 2, 2, 2), (2, 4, 2, 2)]
