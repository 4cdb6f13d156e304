"""Model.train / eval / predict: 0.1's non-sink loop (steps, epochs, iterators, callbacks) and the
training numbers against the wrap cells driven by hand."""
import warnings

import numpy as np
import pytest
import torch

import msnn as nn
from msnn.train import Model
from msnn.train.callback import Callback

from _helpers import TinyNet, ListDataset, Recorder, dev, make_rows, manual_train, new_model


def _expected_events(epochs, steps):
    ev = [("begin", None, 0)]
    n = 0
    for e in range(1, epochs + 1):
        ev.append(("epoch_begin", e, n))
        for _ in range(steps):
            n += 1
            ev += [("step_begin", e, n), ("step_end", e, n)]
        ev.append(("epoch_end", e, n))
    ev.append(("end", epochs, n))
    return ev


def test_Model_train_steps_epochs_and_callback_params():
    rows = make_rows(3)
    ds = ListDataset(rows, repeat=2)
    net, opt, model = new_model()
    rec = Recorder()
    model.train(2, ds, callbacks=rec, dataset_sink_mode=False)
    assert rec.events == _expected_events(2, 3)
    p = rec.params
    assert (p.epoch_num, p.batch_num, p.mode, p.parallel_mode, p.device_number) == (2, 3, "train", "stand_alone", 1)
    assert p.train_network is model._train_network and p.optimizer is opt and p.train_dataset is ds
    assert p.loss_fn is model._loss_fn and p.list_callback is not None
    assert p.cur_epoch_num == 2 and p.cur_step_num == 6
    # one iterator serves the two epochs of repeat(2); reset() after each epoch
    assert ds.iterators == 1 and ds.pulled == [(1, i) for i in range(3)] * 2 and ds.resets == 2


def test_Model_train_one_iterator_per_repeat_count_epochs():
    rows = make_rows(2)
    ds = ListDataset(rows, repeat=2)
    _, _, model = new_model()
    with pytest.warns(UserWarning, match="epoch_size 3 is not the same with dataset repeat_count 2"):
        model.train(3, ds, dataset_sink_mode=False)
    # epochs 1-2 from iterator 1, epoch 3 from a fresh iterator 2
    assert ds.iterators == 2 and ds.pulled == [(1, 0), (1, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    ds = ListDataset(rows, repeat=3)
    with pytest.warns(UserWarning, match="epoch_size 1"):
        model.train(1, ds, dataset_sink_mode=False)
    assert ds.pulled == [(1, 0), (1, 1)]  # one epoch = get_dataset_size() rows, the rest unused


def test_Model_train_numbers_match_train_one_step_cell():
    rows = make_rows(4)
    net, _, model = new_model()
    rec = Recorder()
    model.train(2, ListDataset(rows, repeat=2), callbacks=[rec], dataset_sink_mode=False)
    ref, ref_losses = manual_train(rows, 2)
    np.testing.assert_allclose(rec.losses, ref_losses, rtol=1e-6)
    np.testing.assert_allclose(net.fc.weight.asnumpy(), ref.fc.weight.asnumpy(), rtol=1e-6)


def test_Model_train_sink_mode_runs_the_same_loop():
    rows = make_rows(3)
    net, _, model = new_model()
    rec = Recorder()
    model.train(2, ListDataset(rows, repeat=2), callbacks=rec)  # dataset_sink_mode=True
    assert rec.events == _expected_events(2, 3)
    ref, _ = manual_train(rows, 2)
    np.testing.assert_allclose(net.fc.weight.asnumpy(), ref.fc.weight.asnumpy(), rtol=1e-6)


def test_Model_train_torch_dataloader():
    rows = make_rows(1, batch=12)
    data, label = torch.from_numpy(rows[0][0]), torch.from_numpy(rows[0][1])
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(data, label), batch_size=4)
    net, _, model = new_model()
    rec = Recorder()
    model.train(2, loader, callbacks=rec, dataset_sink_mode=False)
    assert rec.events == _expected_events(2, 3) and rec.params.batch_num == 3
    batches = [(data[i:i + 4].numpy(), label[i:i + 4].numpy()) for i in range(0, 12, 4)]
    ref, ref_losses = manual_train(batches, 2)
    np.testing.assert_allclose(rec.losses, ref_losses, rtol=1e-6)
    np.testing.assert_allclose(net.fc.weight.asnumpy(), ref.fc.weight.asnumpy(), rtol=1e-6)


def test_Model_train_list_of_rows_and_errors():
    _, _, model = new_model()
    rows = make_rows(2)
    model.train(1, rows, dataset_sink_mode=False)
    with pytest.raises(ValueError, match="two columns"):
        model.train(1, [(r[0], r[1], r[1]) for r in rows], dataset_sink_mode=False)
    with pytest.raises(TypeError, match="with a length"):
        model.train(1, (r for r in rows), dataset_sink_mode=False)
    with pytest.raises(TypeError, match="'epoch'"):
        model.train(1.0, rows)
    with pytest.raises(ValueError, match="'epoch'"):
        model.train(0, rows)
    with pytest.raises(TypeError, match="'dataset_sink_mode'"):
        model.train(1, rows, dataset_sink_mode=0)
    with pytest.raises(TypeError, match="not a tuple"):
        model.train(1, rows, callbacks=(Recorder(),))
    with pytest.raises(TypeError, match="Callback"):
        model.train(1, rows, callbacks=[object()])


def test_Model_train_without_loss_fn_checks_row_arity():
    net = TinyNet()
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    train_net = nn.TrainOneStepCell(nn.WithLossCell(net, loss), opt)
    model = Model(train_net)
    rows = make_rows(2)
    model.train(1, rows, dataset_sink_mode=False)
    with pytest.raises(ValueError, match=r"rows of 2 columns \(the inputs of TrainOneStepCell\).*1 columns"):
        model.train(1, [(r[0],) for r in rows], dataset_sink_mode=False)


def test_Model_train_request_stop():
    rec = Recorder(stop_at=2)
    _, _, model = new_model()
    model.train(3, make_rows(3), callbacks=rec, dataset_sink_mode=False)
    assert rec.events == [("begin", None, 0), ("epoch_begin", 1, 0), ("step_begin", 1, 1), ("step_end", 1, 1),
                          ("step_begin", 1, 2), ("step_end", 1, 2), ("epoch_end", 1, 2), ("end", 1, 2)]


def test_Model_kwargs_and_metrics_checks():
    net = TinyNet()
    with pytest.raises(ValueError, match="'kwargs'"):
        Model(net, loss_scale=2)
    with pytest.raises(ValueError, match="'amp_level'"):
        Model(net, amp_level="O1")
    with pytest.raises(ValueError, match="'loss_fn'"):
        Model(net, metrics={'acc'})
    with pytest.raises(ValueError, match="'eval_indexes'"):
        Model(net, metrics={'acc'}, eval_network=net, eval_indexes=[0, 1])
    with pytest.raises(TypeError):
        Model(net, metrics=['acc'])
    with pytest.raises(ValueError, match="'metrics'"):
        Model(net).eval(make_rows(1))


def _accuracy(net, rows):
    hits = total = 0
    for data, label in rows:
        pred = net(dev(data)).asnumpy().argmax(1)
        hits += (pred == label).sum()
        total += len(label)
    return hits / total


def test_Model_eval_metrics():
    rows = make_rows(5, batch=4, seed=3)
    net, _, model = new_model(metrics={'acc', 'loss'})
    model.train(1, rows, dataset_sink_mode=False)
    rec = Recorder()
    result = model.eval(ListDataset(rows), callbacks=rec, dataset_sink_mode=False)
    assert set(result) == {'acc', 'loss'}
    np.testing.assert_allclose(result['acc'], _accuracy(net, rows))
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    ref_loss = np.mean([float(loss(net(dev(d)), dev(l)).asnumpy()) for d, l in rows])
    np.testing.assert_allclose(result['loss'], ref_loss, rtol=1e-6)
    # 0.1's eval calls begin/step_begin/step_end/end and leaves cur_step_num at 0
    assert [e[0] for e in rec.events] == ["begin"] + ["step_begin", "step_end"] * 5 + ["end"]
    assert rec.params.mode == "eval" and rec.params.metrics == result and rec.params.batch_num == 5
    assert not net.training


class _EvalNet(nn.Cell):
    """Returns (label, prediction, loss): eval_indexes [2, 1, 0] picks them."""

    def __init__(self, net):
        super().__init__()
        self.net = net
        self.loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')

    def construct(self, data, label):
        out = self.net(data)
        return label, out, self.loss(out, label)


def test_Model_eval_network_and_indexes():
    rows = make_rows(3, batch=4, seed=5)
    net = TinyNet()
    model = Model(net, metrics={'acc': nn.Accuracy()}, eval_network=_EvalNet(net), eval_indexes=[2, 1, 0])
    result = model.eval(rows, dataset_sink_mode=False)
    np.testing.assert_allclose(result['acc'], _accuracy(net, rows))

    class Pair(nn.Cell):
        def construct(self, data, label):
            return net(data), label
    model = Model(net, metrics={'acc': nn.Accuracy()}, eval_network=Pair())  # indexes None: update(*outputs)
    np.testing.assert_allclose(model.eval(rows)['acc'], _accuracy(net, rows))


def test_Model_predict():
    net = TinyNet()
    model = Model(net)
    x = nn.Tensor(np.ones((2, 4)), nn.float32)
    np.testing.assert_allclose(model.predict(x).asnumpy(), net(x).asnumpy())
    assert not net.training
    with pytest.raises(ValueError, match="'predict_data'"):
        model.predict(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match="non-empty"):
        model.predict(nn.Tensor(np.ones((0, 4)), nn.float32))


def test_Model_train_loop_sink_on_cpu_or_gpu_raises():
    from msnn import context
    _, _, model = new_model()
    context.set_context(device_target="CPU", enable_loop_sink=True)
    with pytest.raises(ValueError, match="'enable_loop_sink'"):
        model.train(1, make_rows(1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # no CUDA here: Ascend runs on the CPU
        context.set_context(device_target="Ascend")  # 0.1's Ascend ran loop sink: msnn runs the host loop
    model.train(1, make_rows(1))


class _Source:
    """A random-access source of 10 rows (GeneratorDataset knows its size from __len__)."""

    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i >= 10:
            raise IndexError(i)
        return (np.full((4,), i / 10, np.float32), np.array(i % 3, np.int32))


def test_Model_train_msnn_dataset_repeat_and_batch():
    import msnn.dataset as ds
    if not hasattr(ds, "GeneratorDataset"):
        pytest.skip("msnn.dataset's engine is not here yet")
    data = ds.GeneratorDataset(_Source(), ["data", "label"]).batch(2).repeat(2)
    assert (data.get_dataset_size(), data.get_repeat_count()) == (5, 2)
    _, _, model = new_model(metrics={'acc'})
    rec = Recorder()
    model.train(2, data, callbacks=rec, dataset_sink_mode=False)
    assert rec.events == _expected_events(2, 5)
    rows = [(np.stack([_Source()[i][0] for i in (k, k + 1)]), np.stack([_Source()[i][1] for i in (k, k + 1)]))
            for k in range(0, 10, 2)]
    _, ref_losses = manual_train(rows, 2)
    np.testing.assert_allclose(rec.losses, ref_losses, rtol=1e-6)
    assert set(model.eval(ds.GeneratorDataset(_Source(), ["data", "label"]).batch(2))) == {'acc'}
