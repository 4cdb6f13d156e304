"""Samplers: which rows of a random-access source an epoch reads, in which order.

A sampler is given to a source dataset (``MnistDataset(dir, sampler=...)``). Each epoch the source
asks it for the indices of that epoch; random samplers draw a new order every epoch from the
dataset seed (``mindspore.dataset.config.set_seed``).

Note:
    The random orders are numpy's (PCG64) draws, not the ``std::mt19937`` streams of MindSpore
    0.1: a seed gives reproducible orders, not 0.1's orders.
"""
import numpy as np

from ..._api import ms_api
from ... import _validator as V

__all__ = ["DistributedSampler", "PKSampler", "RandomSampler", "SequentialSampler",
           "SubsetRandomSampler", "WeightedRandomSampler"]


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


class _Sampler:
    """Base: ``_count(num_rows, num_samples)`` rows per epoch; ``_indices(...)`` one epoch's order."""

    def _count(self, num_rows, num_samples, labels=None):
        raise NotImplementedError(f"{type(self).__name__} must override _count")

    def _indices(self, num_rows, num_samples, rng, labels=None):
        raise NotImplementedError(f"{type(self).__name__} must override _indices")

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


@ms_api("mindspore.dataset.DistributedSampler", torch="torch.utils.data.DistributedSampler (same role)")
class DistributedSampler(_Sampler):
    """The shard ``shard_id`` of ``num_shards``: rows ``(num_shards * k + shard_id) % num_rows`` for
    k < ceil(num_rows / num_shards) (the last shards wrap around, so every shard has the same
    count), taken from a per-epoch permutation when ``shuffle``.

    Args:
        num_shards (int): Number of shards (> 0).
        shard_id (int): This shard, in [0, num_shards).
        shuffle (bool): Permute the rows each epoch (default True).

    Raises:
        ValueError: num_shards not positive, shard_id out of range, shuffle not a bool.

    Examples:
        >>> import msnn.dataset as ds
        >>> s = ds.DistributedSampler(3, 1, shuffle=False)
        >>> list(s._indices(7, 7, None))
        [1, 4, 0]
    """

    def __init__(self, num_shards, shard_id, shuffle=True):
        if not _is_int(num_shards) or num_shards <= 0:
            raise ValueError(f"For 'DistributedSampler', the 'num_shards' must be a positive int, but got {num_shards!r}.")
        if not _is_int(shard_id) or shard_id < 0 or shard_id >= num_shards:
            raise ValueError(f"For 'DistributedSampler', the 'shard_id' must be an int in [0, {num_shards}), "
                             f"but got {shard_id!r}.")
        if not isinstance(shuffle, bool):
            raise ValueError(f"For 'DistributedSampler', the 'shuffle' must be a bool, but got {shuffle!r}.")
        self.num_shards = int(num_shards)
        self.shard_id = int(shard_id)
        self.shuffle = shuffle

    def _count(self, num_rows, num_samples, labels=None):
        per = -(-num_rows // self.num_shards)
        return min(per, num_samples)

    def _indices(self, num_rows, num_samples, rng, labels=None):
        n = self._count(num_rows, num_samples)
        ids = (self.num_shards * np.arange(n, dtype=np.int64) + self.shard_id) % num_rows
        if self.shuffle:
            ids = rng.permutation(num_rows)[ids]
        return ids.tolist()


@ms_api("mindspore.dataset.PKSampler", torch="custom index sampler")
class PKSampler(_Sampler):
    """``num_val`` rows drawn at random (with replacement) from each class, classes in label order
    (shuffled when ``shuffle``).

    Args:
        num_val (int): Rows per class (> 0).
        num_class (int): Must be None (0.1 raised NotImplementedError otherwise).
        shuffle (bool): Shuffle the class order (default False).

    Examples:
        >>> import msnn.dataset as ds
        >>> s = ds.PKSampler(2)
        >>> s._count(10, 10, labels=[0, 1, 0, 1, 2, 2, 0, 1, 2, 0])
        6
    """

    def __init__(self, num_val, num_class=None, shuffle=False):
        if not _is_int(num_val) or num_val <= 0:
            raise ValueError(f"For 'PKSampler', the 'num_val' must be a positive int, but got {num_val!r}.")
        if num_class is not None:
            raise NotImplementedError("For 'PKSampler', 'num_class' must be None (as in MindSpore 0.1).")
        if not isinstance(shuffle, bool):
            raise ValueError(f"For 'PKSampler', the 'shuffle' must be a bool, but got {shuffle!r}.")
        self.num_val = int(num_val)
        self.shuffle = shuffle

    def _classes(self, labels):
        if labels is None:
            raise RuntimeError("PKSampler needs a dataset with a label column (MnistDataset, Cifar10Dataset, "
                               "Cifar100Dataset, ImageFolderDatasetV2).")
        labels = np.asarray(labels)
        return {int(c): np.flatnonzero(labels == c) for c in np.unique(labels)}

    def _count(self, num_rows, num_samples, labels=None):
        return self.num_val * len(self._classes(labels))

    def _indices(self, num_rows, num_samples, rng, labels=None):
        classes = self._classes(labels)
        order = sorted(classes)
        if self.shuffle:
            order = [order[i] for i in rng.permutation(len(order))]
        out = []
        for c in order:
            ids = classes[c]
            out.extend(ids[rng.integers(0, len(ids), self.num_val)].tolist())
        return out


@ms_api("mindspore.dataset.RandomSampler", torch="torch.utils.data.RandomSampler")
class RandomSampler(_Sampler):
    """A new random order each epoch: a permutation, or ``num_samples`` draws with replacement.

    Args:
        replacement (bool): Draw with replacement (default False).
        num_samples (int): Rows per epoch (default None: all rows).

    Raises:
        ValueError: replacement not a bool, num_samples not positive.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> sorted(ds.RandomSampler()._indices(5, 5, np.random.default_rng(0)))
        [0, 1, 2, 3, 4]
    """

    def __init__(self, replacement=False, num_samples=None):
        if not isinstance(replacement, bool):
            raise ValueError(f"For 'RandomSampler', the 'replacement' must be a bool, but got {replacement!r}.")
        if num_samples is not None and (not _is_int(num_samples) or num_samples <= 0):
            raise ValueError(f"For 'RandomSampler', the 'num_samples' must be a positive int, but got {num_samples!r}.")
        self.replacement = replacement
        self.num_samples = num_samples

    def _count(self, num_rows, num_samples, labels=None):
        n = min(num_rows, num_samples)
        return n if self.num_samples is None else min(self.num_samples, n)

    def _indices(self, num_rows, num_samples, rng, labels=None):
        n = self._count(num_rows, num_samples)
        if self.replacement:
            return rng.integers(0, num_rows, n).tolist()
        return rng.permutation(num_rows)[:n].tolist()


@ms_api("mindspore.dataset.SequentialSampler", torch="torch.utils.data.SequentialSampler")
class SequentialSampler(_Sampler):
    """Rows in file order, as if no sampler were given.

    Examples:
        >>> import msnn.dataset as ds
        >>> list(ds.SequentialSampler()._indices(4, 3, None))
        [0, 1, 2]
    """

    def _count(self, num_rows, num_samples, labels=None):
        return min(num_rows, num_samples)

    def _indices(self, num_rows, num_samples, rng, labels=None):
        return list(range(min(num_rows, num_samples)))


@ms_api("mindspore.dataset.SubsetRandomSampler", torch="torch.utils.data.SubsetRandomSampler")
class SubsetRandomSampler(_Sampler):
    """The given indices, in a new random order each epoch.

    Args:
        indices (list[int]): The rows to read (an int is taken as a list of one).

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> sorted(ds.SubsetRandomSampler([4, 0, 2])._indices(5, 5, np.random.default_rng(0)))
        [0, 2, 4]
    """

    def __init__(self, indices):
        if not isinstance(indices, list):
            indices = [indices]
        for i in indices:
            if not _is_int(i) or i < 0:
                raise ValueError(f"For 'SubsetRandomSampler', the 'indices' must be non-negative ints, but got {i!r}.")
        self.indices = [int(i) for i in indices]

    def _count(self, num_rows, num_samples, labels=None):
        return len(self.indices)

    def _indices(self, num_rows, num_samples, rng, labels=None):
        bad = [i for i in self.indices if i >= num_rows]
        if bad:
            raise RuntimeError(f"SubsetRandomSampler: index {bad[0]} is out of bound; the dataset has {num_rows} rows.")
        return [self.indices[i] for i in rng.permutation(len(self.indices))]


@ms_api("mindspore.dataset.WeightedRandomSampler", torch="torch.utils.data.WeightedRandomSampler")
class WeightedRandomSampler(_Sampler):
    """``num_samples`` rows drawn from [0, len(weights)) with probabilities proportional to ``weights``.

    Args:
        weights (list[float]): Non-negative weights, not necessarily summing to 1.
        num_samples (int): Rows per epoch (> 0).
        replacement (bool): Draw with replacement (default True).

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> ds.WeightedRandomSampler([0, 1, 0], 3)._indices(3, 3, np.random.default_rng(0))
        [1, 1, 1]
    """

    def __init__(self, weights, num_samples, replacement=True):
        if not isinstance(weights, list):
            weights = [weights]
        if not _is_int(num_samples) or num_samples <= 0:
            raise ValueError(f"For 'WeightedRandomSampler', the 'num_samples' must be a positive int, "
                             f"but got {num_samples!r}.")
        if not isinstance(replacement, bool):
            raise ValueError(f"For 'WeightedRandomSampler', the 'replacement' must be a bool, but got {replacement!r}.")
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError(f"For 'WeightedRandomSampler', the 'weights' must be finite non-negative numbers with a "
                             f"positive sum, but got {weights!r}.")
        self.weights = list(weights)
        self.num_samples = int(num_samples)
        self.replacement = replacement

    def _count(self, num_rows, num_samples, labels=None):
        return self.num_samples

    def _indices(self, num_rows, num_samples, rng, labels=None):
        if len(self.weights) > num_rows:
            raise RuntimeError(f"WeightedRandomSampler: {len(self.weights)} weights for a dataset of {num_rows} rows.")
        if not self.replacement and len(self.weights) < self.num_samples:
            raise RuntimeError("WeightedRandomSampler: without replacement, fewer weights than num_samples.")
        p = np.asarray(self.weights, dtype=np.float64)
        p = p / p.sum()
        return rng.choice(len(p), size=self.num_samples, replace=self.replacement, p=p).tolist()
