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

:class:`DatasetHelper` (what ``Model.train``/``Model.eval`` iterate) feeds a CUDA device from
page-locked host memory filled by a background thread, like a DataLoader with ``pin_memory=True``.
"""
import queue
import threading
import warnings

import numpy as np
import torch

from .._api import ms_api
from .. import context
from .. import _validator as V

__all__ = ["DatasetHelper", "connect_dataset", "disconnect_dataset", "dataset_queue_names", "get_next"]

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


# -- DatasetHelper: one epoch of host-fed rows per iteration ---------------------------------------

def _is_ms_dataset(dataset):
    return hasattr(dataset, "create_tuple_iterator") and hasattr(dataset, "get_dataset_size")


def _dataset_size(dataset, cls_name, arg_name):
    """Steps per epoch: ``get_dataset_size()`` of a dataset, ``len()`` of any other iterable."""
    if _is_ms_dataset(dataset):
        size = dataset.get_dataset_size()
    else:
        if not hasattr(dataset, "__iter__"):
            V.fail(cls_name, arg_name, "a dataset (create_tuple_iterator/get_dataset_size) or an iterable "
                   "of rows such as a torch DataLoader", type(dataset).__name__, exc=TypeError)
        try:
            size = len(dataset)
        except TypeError:
            size = None
        if size is None:
            V.fail(cls_name, arg_name, "a dataset or an iterable with a length (steps per epoch); wrap a "
                   "generator in a list or a torch DataLoader over a map-style dataset",
                   type(dataset).__name__, exc=TypeError)
    if size is None:
        V.fail(cls_name, f"{arg_name}.get_dataset_size()", "known (the steps per epoch): give the source a "
               "__len__ or call set_dataset_size(n) on the dataset", size, exc=TypeError)
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        V.fail(cls_name, f"{arg_name}.get_dataset_size()", "a non-negative int", size, exc=TypeError)
    return int(size)


def _repeat_count(dataset):
    """``get_repeat_count()`` of a dataset (-1 for repeat forever), 1 for any other iterable."""
    getter = getattr(dataset, "get_repeat_count", None)
    return getter() if _is_ms_dataset(dataset) and getter is not None else 1


def _to_device_tensor(value, device):
    if isinstance(value, torch.Tensor):
        return value if value.device == device else value.to(device, non_blocking=True)
    if isinstance(value, np.ndarray):
        if not value.flags.writeable:
            value = value.copy()
        t = torch.from_numpy(value)
        return t if device.type == "cpu" else t.to(device, non_blocking=True)
    if isinstance(value, np.generic):
        return torch.as_tensor(np.asarray(value), device=device)
    return value


def _row_to_tensors(row, device):
    """One row as a tuple of tensors on ``device`` (numpy arrays and tensors converted, other
    values as they are); a dict gives its values in order, a single array a 1-tuple."""
    if isinstance(row, dict):
        row = tuple(row.values())
    elif not isinstance(row, (tuple, list)):
        row = (row,)
    return tuple(_to_device_tensor(x, device) for x in row)


# -- page-locked host rows for a CUDA feed ---------------------------------------------------------

PIN_QUEUE_SIZE = 2  # rows pinned ahead of the training loop
PIN_JOIN_S = 5.0  # how long closing a feed waits for its pin thread to leave a pull in progress
_END = object()


class _PinError:
    """An exception raised in the pin thread (by the dataset or by pinning), to raise in the caller."""

    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


def _pins(device):
    """Whether a feed to ``device`` pins its host rows before copying them (CUDA only: a
    ``non_blocking`` copy overlaps compute only from page-locked memory)."""
    return device.type == "cuda"


def _bind_thread_device(index):
    """Runs first in the pin thread: the feed's CUDA device becomes the thread's current one, so
    the page-locked blocks belong to its context (as torch's DataLoader pin thread does)."""
    if index is not None:
        torch.cuda.set_device(index)


def _copy_to_device(tensor, device):
    """The host-to-device copy of a pinned tensor (asynchronous on the current stream)."""
    return tensor.to(device, non_blocking=True)


def _pin_value(value):
    """A numpy array or CPU tensor as a page-locked tensor (once: a pinned tensor is kept as it is);
    any other value as it is."""
    if isinstance(value, np.ndarray):
        if not value.flags.writeable:  # torch.from_numpy refuses to wrap a read-only array silently
            value = value.copy()
        return torch.from_numpy(value).pin_memory()
    if isinstance(value, torch.Tensor) and value.device.type == "cpu" and not value.is_pinned():
        return value.pin_memory()
    return value


def _pin_row(row):
    if isinstance(row, dict):
        row = tuple(row.values())
    elif not isinstance(row, (tuple, list)):
        row = (row,)
    return tuple(_pin_value(x) for x in row)


def _put(out, item, stop):
    """Put ``item`` in the bounded queue ``out``, giving up when ``stop`` is set."""
    while not stop.is_set():
        try:
            out.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _pin_loop(source, first, limit, out, stop, device_index):
    """The pin thread: pin ``first`` and the next rows of ``source`` (``limit`` rows in all, None:
    no limit) into ``out``, then the end marker; an exception is put as a :class:`_PinError`.
    Holds no reference to the feed, so dropping the feed stops it."""
    row = first
    try:
        _bind_thread_device(device_index)
        count = 0
        while True:
            item = _pin_row(row)
            row = None
            if not _put(out, item, stop):
                return
            item = None
            count += 1
            if (limit is not None and count >= limit) or stop.is_set():
                break
            row = next(source)
        end = _END
    except StopIteration:
        end = _END
    except BaseException as err:  # pylint: disable=broad-except
        end = _PinError(err)
    _put(out, end, stop)


class _Pinner:
    """A background thread that pins the rows of one dataset iterator (``PIN_QUEUE_SIZE`` ahead of
    the caller) -- torch DataLoader's pin-memory thread for msnn's feed."""

    def __init__(self, source, first, limit, device):
        self.queue = queue.Queue(PIN_QUEUE_SIZE)
        self.stop = threading.Event()
        self.done = False
        index = None
        if device.type == "cuda":
            index = device.index if device.index is not None else torch.cuda.current_device()
        self.thread = threading.Thread(
            target=_pin_loop, args=(source, first, limit, self.queue, self.stop, index),
            name="msnn-pin-memory", daemon=True)
        self.thread.start()

    def get(self):
        """The next pinned row; StopIteration at the end; the thread's exception raised here."""
        if self.done:
            raise StopIteration
        while True:
            try:
                item = self.queue.get(timeout=1.0)
                break
            except queue.Empty:
                if not self.thread.is_alive() and self.queue.empty():  # pragma: no cover - a bug guard
                    self.done = True
                    raise RuntimeError("DatasetHelper: the pin-memory thread ended without its end marker.") \
                        from None
        if item is _END:
            self.done = True
            raise StopIteration
        if isinstance(item, _PinError):
            self.done = True
            raise item.error
        return item

    def close(self):
        """Stop the thread (after the pull in progress, if any) and drop the rows pinned ahead."""
        self.stop.set()
        self.done = True
        try:
            while True:
                self.queue.get_nowait()
        except queue.Empty:
            pass
        if self.thread is not threading.current_thread():
            self.thread.join(PIN_JOIN_S)

    def __del__(self):
        try:
            self.close()
        except Exception:  # pylint: disable=broad-except
            pass


def _pinned_to_device(row, device):
    """A pinned row on ``device``: each CPU tensor copied without blocking, other values as
    :func:`_to_device_tensor` makes them."""
    out = []
    for x in row:
        if isinstance(x, torch.Tensor):
            out.append(_copy_to_device(x, device) if x.device.type == "cpu" and device.type != "cpu" else x)
        elif isinstance(x, np.generic):
            out.append(_copy_to_device(torch.as_tensor(np.asarray(x)), device))
        else:
            out.append(_to_device_tensor(x, device))
    return tuple(out)


class _DatasetIterFeed:
    """0.1's host feed: each pass is one epoch of ``get_dataset_size()`` rows, and one iterator of
    the dataset serves ``get_repeat_count()`` consecutive epochs before a new one is made.

    Feeding a CUDA device, the rows of each iterator are pinned by a :class:`_Pinner` thread and
    copied with ``non_blocking=True``; on the CPU rows are converted in the caller, nothing else."""

    def __init__(self, dataset, cls_name="DatasetHelper", arg_name="dataset"):
        self.dataset = dataset
        self.loop_count = _dataset_size(dataset, cls_name, arg_name)
        self.repeat_count = _repeat_count(dataset)
        self.repeat_ind = 0
        self.ind = 0
        self.iter = None
        self._device = context.device()
        self._pinner = None
        self._via_pin = False
        self._rows_left = None  # rows the current iterator may still give (None: no end)
        self._iter_start = 0  # repeat_ind of the current iterator's first pass

    def __iter__(self):
        if self.iter is None or self.repeat_ind % self.repeat_count == 0:
            self.close()
            dataset = self.dataset
            self.iter = iter(dataset.create_tuple_iterator() if _is_ms_dataset(dataset) else dataset)
            self._rows_left = None if self.repeat_count == -1 else self.loop_count * self.repeat_count
            self._iter_start = self.repeat_ind + 1
        self.repeat_ind += 1
        self.ind = 0
        self._device = context.device()
        self._via_pin = self._pinner is not None or _pins(self._device)
        return self

    def _ran_out(self):
        warnings.warn(f"The dataset ran out after {self.ind} of the {self.loop_count} rows of this epoch "
                      f"(get_dataset_size()); the epoch ends early, as in MindSpore 0.1.",
                      RuntimeWarning, stacklevel=3)

    def __next__(self):
        if self.ind >= self.loop_count:
            raise StopIteration
        if self._via_pin:
            return self._next_pinned()
        try:
            row = next(self.iter)
        except StopIteration:
            self._ran_out()
            raise
        self.ind += 1
        return _row_to_tensors(row, self._device)

    def _next_pinned(self):
        pinner = self._pinner
        try:
            if pinner is None:
                # the iterator's first pull runs here, so its worker processes fork from this thread
                fresh = self.ind == 0 and self.repeat_ind == self._iter_start
                first = next(self.iter)
                pinner = self._pinner = _Pinner(self.iter, first, self._rows_left if fresh else None,
                                                self._device)
            row = pinner.get()
        except StopIteration:
            self._ran_out()
            raise
        self.ind += 1
        return _pinned_to_device(row, self._device)

    def close(self):
        """Drop the current dataset iterator and stop its pin thread, if any (the next pass starts a
        new iterator)."""
        self.iter = None
        pinner = self._pinner
        if pinner is not None:
            self._pinner = None
            pinner.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pylint: disable=broad-except
            pass


@ms_api("mindspore.train.dataset_helper.DatasetHelper", torch="iter(DataLoader), one epoch per pass",
        deviations=(
            "dataset_sink_mode=True iterates on the host like dataset_sink_mode=False (msnn has no "
            "device queue), so loop_size() is 1.",
            "Besides a dataset, any sized iterable of rows (a torch DataLoader, a list) is accepted.",
            "A dataset that runs out before get_dataset_size() rows warns (RuntimeWarning) and ends the pass "
            "early (0.1 ended it silently).",
        ))
class DatasetHelper:
    """Iterates a dataset one epoch at a time, each row as a tuple of tensors.

    Each ``for`` pass gives ``dataset.get_dataset_size()`` rows (``len()`` of any other iterable).
    One iterator of the dataset serves ``get_repeat_count()`` consecutive passes -- a dataset
    repeated ``n`` times gives ``n`` epochs -- and then a new one is made. numpy arrays become
    torch tensors on the context device.

    Args:
        dataset (Dataset): A dataset, or any iterable of rows with a length.
        dataset_sink_mode (bool): Accepted for MindSpore; both modes feed rows from the host.
            Default: True.

    Raises:
        TypeError: If `dataset_sink_mode` is not a bool, or `dataset` has no size.

    Examples:
        >>> import numpy as np
        >>> from msnn.train import DatasetHelper
        >>> rows = [(np.ones((2, 3), np.float32), np.zeros(2, np.int32))] * 4
        >>> helper = DatasetHelper(rows, dataset_sink_mode=False)
        >>> [tuple(x.shape) for x in next(iter(helper))]
        [(2, 3), (2,)]

    Note:
        msnn has no device queue: sink mode feeds rows from the host exactly as non-sink mode,
        and :meth:`loop_size` is 1. When the context device is CUDA, a background thread
        (``msnn-pin-memory``, one per dataset iterator, ``PIN_QUEUE_SIZE`` rows ahead) pulls the rows
        and copies their arrays into page-locked tensors, and each row is copied to the GPU with
        ``non_blocking=True``, so the copy overlaps the computation (torch DataLoader's
        ``pin_memory=True``); tensors already pinned are not pinned again. An error raised while
        pulling or pinning is raised by the next ``next()``. The thread stops after the iterator's
        last epoch, or when the helper (or ``Model.train``/``Model.eval``) is done with it. On the
        CPU rows are converted in the caller: no thread, no pinning.
    """

    def __init__(self, dataset, dataset_sink_mode=True):
        V.check_bool(dataset_sink_mode, "dataset_sink_mode", "DatasetHelper")
        self.iter = _DatasetIterFeed(dataset)

    def __iter__(self):
        return self.iter.__iter__()

    def types_shapes(self):
        """The dataset's column types (msnn dtypes) and shapes, from its ``output_types()`` and
        ``output_shapes()``."""
        from ..common import dtype as mstype  # pylint: disable=import-outside-toplevel
        dataset = self.iter.dataset
        if not hasattr(dataset, "output_types") or not hasattr(dataset, "output_shapes"):
            V.fail("DatasetHelper", "dataset", "a dataset with output_types() and output_shapes()",
                   type(dataset).__name__, exc=TypeError)
        types = [mstype.np_to_dtype(np.dtype(t)) if not mstype.is_dtype(t) else t for t in dataset.output_types()]
        return types, [list(s) for s in dataset.output_shapes()]

    def loop_size(self):
        """Steps per call of the network: always 1 (host feed)."""
        return 1
