"""``mindspore.train.summary.summary_record``: ``SummaryRecord``, writing TensorBoard event files.

The summary operators (``ScalarSummary``, ``TensorSummary``, ``ImageSummary``, ``HistogramSummary``)
call :func:`_record` while the network runs; the values wait in one cache until
:meth:`SummaryRecord.record` writes them as one event at the given step. Nothing is cached while no
SummaryRecord is open.
"""
import os
import socket
import threading
import time
import warnings

import torch

from ..._api import ms_api
from ... import _validator as V
from . import _event_writer as ew

__all__ = ["SummaryRecord"]

_lock = threading.Lock()
_cache = []       # [(kind, tag, detached tensor or value)] waiting for the next record()
_open_records = []  # SummaryRecords not yet closed: _record is a no-op when empty

_WRITERS = {"scalar": ew.scalar_value, "tensor": ew.tensor_value, "image": ew.image_value,
            "histogram": ew.histogram_value}

EVENT_FILE_NAME_MARK = ".out.tfevents."


def _record(kind, name, value):
    """Hook for the summary operators: keep ``value`` under tag ``name`` for the next
    :meth:`SummaryRecord.record` (no-op when no SummaryRecord is open).

    Args:
        kind (str): "scalar", "tensor", "image" or "histogram".
        name (str): The tag.
        value (Tensor): The value; detached and copied (on its device) now, read at record time.
    """
    if kind not in _WRITERS:
        V.fail("_record", "kind", "one of " + ", ".join(map(repr, _WRITERS)), kind)
    if not _open_records:
        return
    if isinstance(value, torch.Tensor):
        value = value.detach().clone()
    with _lock:
        _cache.append((kind, name, value))


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        if value.dtype == torch.bfloat16:
            value = value.float()
        return value.cpu().numpy()
    import numpy as np  # pylint: disable=import-outside-toplevel
    return np.asarray(value)


def _event_file_name(prefix, suffix):
    return f"{prefix}{EVENT_FILE_NAME_MARK}{int(time.time())}.{socket.gethostname()}{suffix}"


def _check_affix(value, arg_name):
    if not isinstance(value, str):
        V.fail("SummaryRecord", arg_name, "a str", value, exc=TypeError)
    V.check_name(value, arg_name, "SummaryRecord")


@ms_api("mindspore.train.summary.SummaryRecord",
        torch="torch.utils.tensorboard.SummaryWriter (event files written with protobuf, no tensorboard "
              "dependency)",
        deviations=(
            "Writes TensorBoard event files (TensorBoard's Event/Summary protobuf, TFRecord framing), "
            "not MindInsight's: the file is named <file_prefix>.out.tfevents.<time>.<host><file_suffix> "
            "(0.1: <file_prefix>.out.events.summary.<time>.<host><file_suffix>) so TensorBoard finds it.",
            "No graph is written (msnn has no graph; 0.1 logged an error when it could not get one either).",
            "queue_max_size has no effect beyond 0.1's warning (values are written at record()).",
        ),
        unsupported={"network": "msnn runs eagerly and has no graph to write (0.1 wrote the network's graph "
                                "once, for MindInsight)"})
class SummaryRecord:
    """Writes the values of the summary operators to a TensorBoard event file.

    Args:
        log_dir (str): The directory of the event file (created if missing).
        queue_max_size (int): Reserved; a negative value becomes 0. Default: 0.
        flush_time (int): Flush to disk at most every this many seconds (a value <= 0 becomes
            120). Default: 120.
        file_prefix (str): The prefix of the file name. Default: "events".
        file_suffix (str): The suffix of the file name. Default: "_MS".
        network (Cell): Accepted for MindSpore (msnn writes no graph). Default: None.

    Raises:
        TypeError: If `queue_max_size` or `flush_time` is not an int, `file_prefix` or
            `file_suffix` not a str, or `log_dir` not a usable path.
        ValueError: If `file_prefix` or `file_suffix` is not a plain name.

    Examples:
        >>> import tempfile
        >>> from msnn.train.summary import SummaryRecord, _record
        >>> import torch
        >>> with SummaryRecord(tempfile.mkdtemp()) as summary_record:
        ...     _record("scalar", "loss", torch.tensor(0.5))
        ...     summary_record.record(1)
        True

    Note:
        msnn writes TensorBoard's event format (``tensorboard --logdir <log_dir>`` reads it) with
        the protobuf package alone; the file name contains ``.out.tfevents.`` where 0.1 wrote
        ``.out.events.summary.`` for MindInsight. No graph is written.
    """

    def __init__(self, log_dir, queue_max_size=0, flush_time=120, file_prefix="events", file_suffix="_MS",
                 network=None):
        V.check_unsupported(network, "network", "SummaryRecord", None)
        _check_affix(file_prefix, "file_prefix")
        _check_affix(file_suffix, "file_suffix")
        from ..callback import _make_directory  # pylint: disable=import-outside-toplevel
        self.log_path = _make_directory(log_dir, "SummaryRecord", "log_dir")
        for name, value in (("queue_max_size", queue_max_size), ("flush_time", flush_time)):
            if isinstance(value, bool) or not isinstance(value, int):
                V.fail("SummaryRecord", name, "an int", value, exc=TypeError)
        self.queue_max_size = queue_max_size
        if queue_max_size < 0:
            warnings.warn(f"SummaryRecord: queue_max_size={queue_max_size} is negative; using 0.", stacklevel=2)
            self.queue_max_size = 0
        self.flush_time = flush_time
        if flush_time <= 0:
            warnings.warn(f"SummaryRecord: flush_time={flush_time} is not positive; using 120.", stacklevel=2)
            self.flush_time = 120
        self.prefix = file_prefix
        self.suffix = file_suffix
        self.event_file_name = _event_file_name(file_prefix, file_suffix)
        self.full_file_name = os.path.realpath(os.path.join(self.log_path, self.event_file_name))
        self._writer = ew.EventFileWriter(self.full_file_name, time.time())
        self._next_flush = time.time() + self.flush_time
        self.step = 0
        self.network = network
        self.has_graph = False
        self._closed = False
        _open_records.append(self)

    def record(self, step, train_network=None):
        """Writes the values the summary operators gave since the last record, at ``step``.

        Args:
            step (int): The training step.
            train_network (Cell): Accepted for MindSpore (no graph is written). Default: None.

        Returns:
            bool, whether anything was written (False when closed or nothing is pending).

        Raises:
            ValueError: If `step` is not an int.
        """
        if self._closed:
            return False
        if isinstance(step, bool) or not isinstance(step, int):
            V.fail("SummaryRecord.record", "step", "an int", step)
        self.step = step
        with _lock:
            data = list(_cache)
            _cache.clear()
        if not data:
            return False
        if self.queue_max_size > 0 and len(data) > self.queue_max_size:
            warnings.warn(f"SummaryRecord: {len(data)} values at step {step}, more than queue_max_size "
                          f"{self.queue_max_size}.", stacklevel=2)
        event = ew.Event(wall_time=time.time(), step=step)
        for kind, tag, value in data:
            _WRITERS[kind](event.summary.value.add(), tag, _to_numpy(value))
        self._writer.write(event)
        now = time.time()
        if now >= self._next_flush:
            self._writer.flush()
            self._next_flush = now + self.flush_time
        return True

    @property
    def log_dir(self):
        """The full path of the event file (as 0.1 returned)."""
        return self.full_file_name

    def flush(self):
        """Flush the event file to disk."""
        if not self._closed:
            self._writer.flush()

    def close(self):
        """Write what is pending, flush and close the event file."""
        if self._closed:
            return
        if _cache:
            self.record(self.step)
        self._writer.close()
        self._closed = True
        if self in _open_records:
            _open_records.remove(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_writer", None) is not None and not getattr(self, "_closed", True):
            self.close()
