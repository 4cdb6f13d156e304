"""The CUDA feed of DatasetHelper / Model pins host rows in a background thread before a
non-blocking copy. No GPU here: the device decision, Tensor.pin_memory and the copy are faked and
every call recorded."""
import gc
import threading

import numpy as np
import pytest
import torch

import msnn.dataset as ds
from msnn import context
from msnn.train import DatasetHelper
from msnn.train import dataset_helper as dh

from _helpers import ListDataset, make_rows, new_model


class FakeCuda:
    """Records every pin (thread, source values, the pinned tensor) and every copy (thread, tensor)."""

    def __init__(self, monkeypatch, fail_pin_at=None):
        self.pins, self.copies, self.binds = [], [], []
        self.fail_pin_at = fail_pin_at
        self.lock = threading.Lock()
        device = torch.device("cuda", 0)
        monkeypatch.setattr(context, "device", lambda: device)
        monkeypatch.setattr(torch.Tensor, "pin_memory", lambda t, *a: self.pin(t))
        monkeypatch.setattr(torch.Tensor, "is_pinned", lambda t: getattr(t, "_fake_pinned", False))
        monkeypatch.setattr(dh, "_copy_to_device", self.copy)
        monkeypatch.setattr(dh, "_bind_thread_device", lambda index: self.binds.append(
            (threading.current_thread(), index)))

    def pin(self, tensor):
        with self.lock:
            if self.fail_pin_at is not None and len(self.pins) == self.fail_pin_at:
                raise MemoryError("fake: cudaHostAlloc failed")
            out = tensor.clone()
            out._fake_pinned = True
            self.pins.append((threading.current_thread(), out))
            return out

    def copy(self, tensor, device):
        assert device == torch.device("cuda", 0)
        self.copies.append((threading.current_thread(), tensor))
        return tensor


def _values(rows):
    return [[t.tolist() for t in row] for row in rows]


def _pin_threads():
    return [t for t in threading.enumerate() if t.name == "msnn-pin-memory"]


def _passes(helper, n):
    return [list(helper) for _ in range(n)]


def _wait_gone(thread):
    thread.join(5)
    return not thread.is_alive()


def test_DatasetHelper_cuda_feed_pins_every_tensor_once_before_its_copy(monkeypatch):
    rows = make_rows(4)
    cpu_passes = _passes(DatasetHelper(ListDataset(rows, repeat=2)), 3)
    fake = FakeCuda(monkeypatch)

    class Longer(ListDataset):  # its iterators give a third pass that the feed never asks for
        def create_tuple_iterator(self):
            self.iterators += 1
            number = self.iterators
            for _ in range(3):
                for i, (d, lab) in enumerate(self.rows):
                    self.pulled.append((number, i))
                    yield [d, lab]
    data = Longer(rows, repeat=2)
    helper = DatasetHelper(data)
    cuda_passes = _passes(helper, 3)
    # same values, same order, same epoch boundaries as the CPU feed
    assert [_values(p) for p in cuda_passes] == [_values(p) for p in cpu_passes]
    assert [len(p) for p in cuda_passes] == [4, 4, 4]
    # each tensor of each row pinned exactly once, in order, and the copy takes that pinned tensor
    pinned = [t for _, t in fake.pins]
    copied = [t for _, t in fake.copies]
    assert len(copied) == 3 * 4 * 2
    assert all(c is p for c, p in zip(copied, pinned)) and len(set(map(id, pinned))) == len(pinned)
    assert all(t._fake_pinned for t in copied)
    assert [[t for t in row] for p in cuda_passes for row in p] == [
        copied[k:k + 2] for k in range(0, len(copied), 2)]
    # pins run off the training thread, copies on it; the thread is bound to the device first
    main = threading.current_thread()
    assert all(th is not main for th, _ in fake.pins) and all(th is main for th, _ in fake.copies)
    assert fake.binds and all(th is not main and index == 0 for th, index in fake.binds)
    # the first iterator was read for its 2 epochs, not ahead into rows the feed never takes
    assert [p for p in data.pulled if p[0] == 1] == [(1, i) for i in range(4)] * 2
    assert data.iterators == 2


def test_DatasetHelper_cuda_feed_keeps_rows_across_a_broken_epoch(monkeypatch):
    rows = make_rows(4)

    def run():
        helper = DatasetHelper(ListDataset(rows, repeat=2))
        first = []
        for row in helper:
            first.append(row)
            if len(first) == 2:
                break
        return [_values(first)] + [_values(p) for p in _passes(helper, 2)]
    cpu = run()
    FakeCuda(monkeypatch)
    assert run() == cpu  # rows pinned ahead are the next epoch's first rows, as on the CPU
    assert cpu[1] == [[d.tolist(), lab.tolist()] for d, lab in rows[2:] + rows[:2]]


def test_DatasetHelper_cuda_feed_thread_ends_with_the_epoch_and_with_the_helper(monkeypatch):
    FakeCuda(monkeypatch)
    helper = DatasetHelper(make_rows(3))  # a plain iterable: one iterator per epoch
    assert len(list(helper)) == 3
    thread = helper.iter._pinner.thread
    assert _wait_gone(thread)  # it stopped after the epoch's last row
    helper = DatasetHelper(make_rows(50))
    it = iter(helper)
    next(it)
    thread = helper.iter._pinner.thread
    assert thread.is_alive()  # blocked on its full queue
    del it, helper
    gc.collect()
    assert _wait_gone(thread)
    assert not _pin_threads()


def test_DatasetHelper_cuda_feed_dataset_error_surfaces_in_the_caller(monkeypatch):
    FakeCuda(monkeypatch)

    class Failing(ListDataset):
        def create_tuple_iterator(self):
            for i, (data, label) in enumerate(self.rows):
                if i == 2:
                    raise ValueError("bad row 2")
                yield [data, label]
    helper = DatasetHelper(Failing(make_rows(5)))
    got, errors = [], []

    def consume():
        try:
            for row in helper:
                got.append(row)
        except ValueError as err:
            errors.append(err)
    worker = threading.Thread(target=consume)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "the feed hung on an error in the pin thread"
    assert len(got) == 2 and [str(e) for e in errors] == ["bad row 2"]
    assert _wait_gone(helper.iter._pinner.thread)


def test_DatasetHelper_cuda_feed_pin_error_surfaces_in_the_caller(monkeypatch):
    FakeCuda(monkeypatch, fail_pin_at=3)  # the 4th tensor: row 1's label
    helper = DatasetHelper(make_rows(4))
    it = iter(helper)
    assert len(next(it)) == 2
    with pytest.raises(MemoryError, match="cudaHostAlloc"):
        next(it)
    with pytest.warns(RuntimeWarning, match="ran out after 1 of the 4 rows"):
        with pytest.raises(StopIteration):  # the iterator is finished, as a generator that raised
            next(it)


def test_DatasetHelper_cuda_feed_of_a_pipeline_and_of_pinned_tensors(monkeypatch):
    class Source:
        def __getitem__(self, i):
            if i >= 5:
                raise IndexError(i)
            return np.full((3,), i, np.float32), np.array(i, np.int32)

        def __len__(self):
            return 5

    def pipeline():
        return ds.GeneratorDataset(Source(), ["x", "y"]).batch(2).repeat(2)
    cpu = _passes(DatasetHelper(pipeline()), 2)
    fake = FakeCuda(monkeypatch)
    assert [_values(p) for p in _passes(DatasetHelper(pipeline()), 2)] == [_values(p) for p in cpu]
    assert [[row[1].tolist() for row in p] for p in cpu] == [[[0, 1], [2, 3], [4]]] * 2
    assert len(fake.pins) == len(fake.copies) == 2 * 3 * 2
    # tensors already pinned (a DataLoader(pin_memory=True)) are not pinned again; numbers stay numbers
    pinned = torch.arange(4.0)
    pinned._fake_pinned = True
    rows = [(pinned, np.int64(7), 1.5)]
    before = len(fake.pins)
    (out,) = list(DatasetHelper(rows))
    assert len(fake.pins) == before and fake.copies[-2][1] is pinned
    assert out[1].dtype == torch.int64 and int(out[1]) == 7 and out[2] == 1.5


def test_DatasetHelper_cpu_feed_never_pins(monkeypatch):
    def no_pin(tensor, *args):
        raise AssertionError("pinned on the CPU")
    monkeypatch.setattr(torch.Tensor, "pin_memory", no_pin)
    monkeypatch.setattr(dh, "_copy_to_device", no_pin)
    assert context.device().type == "cpu"
    helper = DatasetHelper(ListDataset(make_rows(3), repeat=2))
    passes = _passes(helper, 2)
    assert [len(p) for p in passes] == [3, 3] and helper.iter._pinner is None
    assert passes[0][0][0].device.type == "cpu" and not _pin_threads()


def test_Model_train_cuda_feed_pins_and_stops_its_thread(monkeypatch):
    rows = make_rows(3)
    net, _, model = new_model()
    fake = FakeCuda(monkeypatch)
    model.train(2, ListDataset(rows, repeat=2), dataset_sink_mode=False)
    assert len(fake.pins) == len(fake.copies) == 2 * 3 * 2
    assert not _pin_threads()  # Model.train closed its feed
    assert all(torch.isfinite(p).all() for p in net.trainable_params())
