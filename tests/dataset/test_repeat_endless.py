"""An endless repeat (repeat(-1)) below a batch runs on the fused worker path (row indices through
the repeats and shuffles, one worker task per batch) and gives the rows of the unfused runners and
of the same pipeline with a finite repeat."""
import itertools
import os

import numpy as np
import pytest

import msnn.dataset as ds
import msnn.dataset.engine.datasets as de

MNIST = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "mnist", "train")  # 64 images
ROWS = 64


def base(shuffle=None):
    return ds.MnistDataset(MNIST, num_parallel_workers=2, shuffle=shuffle).map(
        input_columns="image", operations=lambda x: x[::2, ::2].astype(np.float32), num_parallel_workers=2)


PIPES = {  # count: -1 (endless) or the finite count; (batch size, rows that agree between the two)
    "shuffle_repeat_batch": (lambda c: base().shuffle(7).repeat(c).batch(5, drop_remainder=True), 5, 3 * ROWS),
    "repeat_shuffle_batch": (lambda c: base().repeat(c).shuffle(10).batch(7), 7, 3 * ROWS - 10),
    "repeat_repeat_batch": (lambda c: base().repeat(2).repeat(c).batch(6), 6, 6 * ROWS),
    "repeat_batch_repeat": (lambda c: base().repeat(c).batch(6, drop_remainder=True).repeat(2), 6, 3 * ROWS),
}


def _first(dataset, n):
    it = dataset.create_tuple_iterator()
    try:
        return list(itertools.islice(it, n)), it._runner  # pylint: disable=protected-access
    finally:
        it.stop()


@pytest.mark.parametrize("name", sorted(PIPES))
def test_RepeatDataset_endless_below_batch_runs_fused_with_the_finite_rows(monkeypatch, name):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)  # the worker pool, not the in-process path
    make, bs, agree = PIPES[name]
    k = agree // bs  # batches made only of rows that both pipelines give in the same order
    ds.config.set_seed(9)
    try:
        endless, runner = _first(make(-1), k + 3)
        fused = getattr(runner, "child", runner)
        assert isinstance(fused, de._FusedBatchRunner) and fused.endless  # pylint: disable=protected-access
        assert fused.pool is not None and fused.pool.restarts == 1 and fused.planned == 1
        finite, _ = _first(make(3), k)
        with monkeypatch.context() as m:
            m.setattr(de, "_fusable", lambda node: None)
            plain, plain_runner = _first(make(-1), k + 3)
            assert not isinstance(getattr(plain_runner, "child", plain_runner), de._FusedBatchRunner)
    finally:
        ds.config.set_seed(5489)
    assert len(endless) == len(plain) == k + 3 and len(finite) == k > 20
    for a, b in zip(endless, plain):  # the unfused runners' rows, past the finite pipeline's end too
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    for a, b in zip(endless, finite):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


def test_RepeatDataset_endless_fused_tasks_are_not_kept(monkeypatch):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)
    it = base(shuffle=False).repeat(-1).batch(4).create_tuple_iterator()
    try:
        labels = [row[1].tolist() for row in itertools.islice(it, 100)]  # 400 rows: six passes and more
        fused = it._runner  # pylint: disable=protected-access
        (_, tasks), = fused.pool.epochs
        assert tasks.base > 90 and len(tasks.made) < 20  # only the tasks not yet read are held
    finally:
        it.stop()
    one_pass = [int(row[1]) for row in base(shuffle=False).create_tuple_iterator()]
    assert sum(labels, []) == (one_pass * 7)[:400]


def test_RepeatDataset_endless_fused_over_an_empty_source_is_an_error():
    source = ds.GeneratorDataset([], ["x"], sampler=ds.SequentialSampler())  # random access, no row
    data = source.repeat(-1).batch(2)
    it = data.create_tuple_iterator()
    assert isinstance(it._runner, de._FusedBatchRunner)  # pylint: disable=protected-access
    with pytest.raises(RuntimeError, match="below an endless repeat produced no row"):
        next(it)
