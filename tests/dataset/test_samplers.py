"""Samplers: counts, orders, sharding (0.1's index rule), argument checks."""
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import msnn.dataset as ds

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
MNIST = os.path.join(DATA, "mnist", "train")


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 200), shards=st.integers(1, 9), shuffle=st.booleans(), seed=st.integers(0, 2 ** 31))
def test_DistributedSampler_shards_cover_every_row_with_equal_counts(rows, shards, shuffle, seed):
    per = -(-rows // shards)
    seen = []
    for sid in range(shards):
        s = ds.DistributedSampler(shards, sid, shuffle=shuffle)
        ids = s._indices(rows, rows, np.random.default_rng(seed))
        assert len(ids) == per == s._count(rows, rows)
        seen += ids
    assert set(seen) == set(range(rows))  # every row in some shard; the last shards wrap around
    if not shuffle:
        assert ds.DistributedSampler(shards, 0, shuffle=False)._indices(rows, rows, None) == \
            [(shards * k) % rows for k in range(per)]


def test_DistributedSampler_argument_checks():
    with pytest.raises(ValueError, match="num_shards"):
        ds.DistributedSampler(0, 0)
    with pytest.raises(ValueError, match="shard_id"):
        ds.DistributedSampler(2, 2)
    with pytest.raises(ValueError, match="shuffle"):
        ds.DistributedSampler(2, 1, shuffle=1)


def test_RandomSampler_permutation_and_replacement():
    rng = np.random.default_rng(0)
    assert sorted(ds.RandomSampler()._indices(10, 10, rng)) == list(range(10))
    draws = ds.RandomSampler(replacement=True, num_samples=50)._indices(10, 10, rng)
    assert len(draws) == 10 and all(0 <= i < 10 for i in draws)
    assert ds.RandomSampler(num_samples=4)._count(10, 10) == 4
    with pytest.raises(ValueError, match="replacement"):
        ds.RandomSampler(replacement=1)
    with pytest.raises(ValueError, match="num_samples"):
        ds.RandomSampler(num_samples=0)


def test_SubsetRandomSampler_order_is_random_each_epoch():
    s = ds.SubsetRandomSampler([3, 1, 2, 0, 7])
    orders = {tuple(s._indices(8, 8, np.random.default_rng(k))) for k in range(6)}
    assert all(sorted(o) == [0, 1, 2, 3, 7] for o in orders) and len(orders) > 1
    assert ds.SubsetRandomSampler(4).indices == [4]


def test_SequentialSampler_and_SubsetRandomSampler_on_a_source():
    d = ds.MnistDataset(MNIST, sampler=ds.SequentialSampler())
    assert d.get_dataset_size() == 64
    labels = [int(r[1]) for r in d]
    assert labels == [int(r[1]) for r in ds.MnistDataset(MNIST, shuffle=False)]
    sub = ds.MnistDataset(MNIST, sampler=ds.SubsetRandomSampler([5, 1, 9]))
    assert sub.get_dataset_size() == 3
    assert sorted(int(r[1]) for r in sub) == sorted(labels[i] for i in (5, 1, 9))
    with pytest.raises(RuntimeError, match="out of bound"):
        list(ds.MnistDataset(MNIST, sampler=ds.SubsetRandomSampler([64])))
    with pytest.raises(ValueError):
        ds.SubsetRandomSampler([-1])


def test_PKSampler_draws_k_per_class():
    d = ds.MnistDataset(MNIST, sampler=ds.PKSampler(2))
    labels = [int(r[1]) for r in d]
    classes = sorted(set(int(r[1]) for r in ds.MnistDataset(MNIST, shuffle=False)))
    assert d.get_dataset_size() == 2 * len(classes) == len(labels)
    assert labels == [c for c in classes for _ in range(2)]
    with pytest.raises(NotImplementedError):
        ds.PKSampler(2, num_class=3)
    with pytest.raises(ValueError):
        ds.PKSampler(0)


def test_WeightedRandomSampler_follows_weights():
    d = ds.MnistDataset(MNIST, sampler=ds.WeightedRandomSampler([0.0] * 10 + [1.0], 20))
    assert d.get_dataset_size() == 20
    first = int(next(iter(ds.MnistDataset(MNIST, sampler=ds.SubsetRandomSampler([10]))))[1])
    assert [int(r[1]) for r in d] == [first] * 20
    no_repl = ds.WeightedRandomSampler([1, 1, 1], 3, replacement=False)._indices(5, 5, np.random.default_rng(1))
    assert sorted(no_repl) == [0, 1, 2]
    with pytest.raises(ValueError):
        ds.WeightedRandomSampler([-1, 2], 1)
    with pytest.raises(ValueError):
        ds.WeightedRandomSampler([1], 0)


def test_DistributedSampler_shards_of_separate_processes_agree_without_a_seed():
    """Each shard lives in its own process with its own entropy; their shuffled shards must still
    partition the data (0.1 seeded the shard permutation deterministically)."""
    labels = []
    for sid in range(3):
        d = ds.MnistDataset(MNIST, num_shards=3, shard_id=sid)  # default shuffle=None: shuffled shards
        ds.engine.datasets.config.set_seed(5489)
        ids = d._epoch_indices(np.random.default_rng())  # a fresh rng per "process"
        labels.append(ids)
    flat = [i for ids in labels for i in ids]
    assert len(flat) == 66 and len(set(flat)) == 64  # 22 per shard, 2 wrap-around repeats
