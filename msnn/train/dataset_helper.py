"""``mindspore.train.dataset_helper``: dataset channels (MindSpore's device queues) fed from any
Python iterable.

In MindSpore 0.1 this module fed a dataset to a device queue named ``queue_name``
(``DatasetHelper``) and the graph pulled one element per step with the ``GetNext`` primitive
(:class:`msnn.DataWrapper`, :class:`msnn.GetNextSingleOp`). msnn has no device queue: a channel is a Python iterator registered
under a name. Anything iterable feeds it -- a ``torch.utils.data.DataLoader``, a generator, a list
of ``(data, label)`` tuples.

Connecting a torch DataLoader::

    >>> import torch
    >>> import msnn
    >>> from msnn.train.dataset_helper import connect_dataset
    >>> ds = torch.utils.data.TensorDataset(torch.ones(8, 3), torch.zeros(8, dtype=torch.int32))
    >>> loader = torch.utils.data.DataLoader(ds, batch_size=4, drop_last=True)
    >>> connect_dataset("train_queue", loader, num_epochs=2)
    >>> get_next = msnn.GetNextSingleOp([msnn.float32, msnn.int32], [[4, 3], [4]], "train_queue")
    >>> [t.shape() for t in get_next()]
    [(4, 3), (4,)]

Each element of the iterable is one step's tuple: a tuple/list of tensors (or numpy arrays, numbers),
a dict (its values, in order) or a single tensor. Every pulled tensor is cast to the declared
dtype and moved to :func:`msnn.context.device` (the device ``context.set_context(device_target=...)``
selected). When the iterable runs dry after ``num_epochs`` passes, the next pull raises a
``RuntimeError`` naming the queue (a ``StopIteration`` would be swallowed by Python and torch
machinery).
"""
import threading

import numpy as np
import torch

from .. import context
from .. import _validator as V

__all__ = ["connect_dataset", "disconnect_dataset", "dataset_queue_names", "get_next"]

_channels = {}
_lock = threading.Lock()


class _Channel:
    """One named queue: the iterable, its live iterator and how many passes are left."""

    __slots__ = ("name", "iterable", "iterator", "epochs_left", "pulled", "pulled_this_pass")

    def __init__(self, name, iterable, num_epochs):
        self.name = name
        self.iterable = iterable
        self.iterator = None
        self.epochs_left = num_epochs  # None: forever
        self.pulled = 0
        self.pulled_this_pass = 0

    def _dry(self, why):
        raise RuntimeError(
            f"GetNext: the dataset queue {self.name!r} {why} after {self.pulled} elements; connect it "
            f"again with msnn.train.dataset_helper.connect_dataset({self.name!r}, iterable, num_epochs).")

    def next(self):
        while True:
            if self.iterator is None:
                if self.epochs_left is not None:
                    if self.epochs_left <= 0:
                        self._dry("is exhausted")
                    self.epochs_left -= 1
                self.iterator = iter(self.iterable)
                self.pulled_this_pass = 0
            try:
                item = next(self.iterator)
            except StopIteration:
                self.iterator = None
                if self.pulled_this_pass == 0:  # an empty pass (or a one-shot iterator re-iterated)
                    self.epochs_left = 0
                    self._dry("ran dry (a pass over its iterable gave nothing)")
                continue
            self.pulled += 1
            self.pulled_this_pass += 1
            return item


def connect_dataset(queue_name, iterable, num_epochs=1):
    """Registers ``iterable`` as the dataset channel ``queue_name`` (replacing any earlier one).

    Args:
        queue_name (str): The channel name that :class:`msnn.DataWrapper` /
            :class:`msnn.GetNextSingleOp` pull from.
        iterable (Iterable): Yields one step's elements per item (tuple/list, dict or tensor).
            ``iter()`` is called once per pass, so a DataLoader reshuffles every pass.
        num_epochs (int): How many passes over ``iterable`` the channel serves; None for no end.
            Default: 1.

    Examples:
        >>> from msnn.train.dataset_helper import connect_dataset, get_next
        >>> connect_dataset("q", [(1.0, 2)])
        >>> get_next("q")
        (1.0, 2)
    """
    V.check_type(queue_name, "queue_name", "connect_dataset", str)
    if not hasattr(iterable, "__iter__"):
        V.fail("connect_dataset", "iterable", "an iterable", type(iterable).__name__, exc=TypeError)
    if num_epochs is not None:
        V.check_positive_int(num_epochs, "num_epochs", "connect_dataset")
    with _lock:
        _channels[queue_name] = _Channel(queue_name, iterable, num_epochs)


def disconnect_dataset(queue_name):
    """Removes the channel ``queue_name`` (no error if it does not exist)."""
    with _lock:
        _channels.pop(queue_name, None)


def dataset_queue_names():
    """The names of the connected channels, sorted."""
    return sorted(_channels)


def get_next(queue_name):
    """The next raw element of channel ``queue_name`` as a tuple (RuntimeError if unknown or dry)."""
    channel = _channels.get(queue_name)
    if channel is None:
        raise RuntimeError(
            f"GetNext: no dataset is connected to the queue {queue_name!r} (connected: "
            f"{dataset_queue_names()}); call "
            f"msnn.train.dataset_helper.connect_dataset({queue_name!r}, iterable) first.")
    item = channel.next()
    if isinstance(item, dict):
        return tuple(item.values())
    if isinstance(item, (tuple, list)):
        return tuple(item)
    return (item,)


def _to_tensor(value, dtype, device):
    if isinstance(value, torch.Tensor):
        return value.to(device=device, dtype=dtype, non_blocking=True)
    return torch.as_tensor(np.asarray(value), device=device).to(dtype)


def pull(queue_name, dataset_types, dataset_shapes):
    """One step's tensors from ``queue_name``, checked against the declared types and shapes.

    Elements are cast to ``dataset_types`` and moved to the context device; a wrong element count
    or shape raises RuntimeError naming the queue (MindSpore's queues carry fixed shapes, so use
    ``drop_last=True`` on a DataLoader).
    """
    item = get_next(queue_name)
    if len(item) != len(dataset_types):
        raise RuntimeError(
            f"GetNext: the dataset queue {queue_name!r} gave {len(item)} elements but "
            f"{len(dataset_types)} were declared (dataset_types={list(dataset_types)}).")
    device = context.device()
    out = []
    for i, (value, dtype, shape) in enumerate(zip(item, dataset_types, dataset_shapes)):
        t = _to_tensor(value, dtype, device)
        if tuple(t.shape) != tuple(shape):
            raise RuntimeError(
                f"GetNext: element {i} from the dataset queue {queue_name!r} has shape {tuple(t.shape)} "
                f"but {tuple(shape)} was declared.")
        out.append(t)
    return tuple(out)
