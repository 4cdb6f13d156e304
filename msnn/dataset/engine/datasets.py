"""Datasets: the nodes of a data pipeline (``mindspore.dataset.engine.datasets``).

A pipeline is built by chaining calls on a source (``MnistDataset(dir).map(...).shuffle(...)
.batch(32).repeat(2)``) and runs when it is iterated. Every row is a tuple of numpy arrays, one
per named column.

How it runs (msnn): each iteration opens a *runner* per node. The row-wise part directly above a
random-access source (the source, then any ``map``/``project``/``rename``) runs in
``torch.utils.data.DataLoader`` worker processes (forked, kept for all the epochs of one iterator)
when the pipeline asks for more than one parallel worker; small epochs (under 512 rows) run in the
calling process. Tasks come back in order, so a seed gives the same rows whatever the number of
workers. When a ``batch`` (int size, no per_batch_map) sits on that part, possibly through
``shuffle`` and ``repeat`` nodes (endless ones included), the shuffle buffers and repeats run on the row
indices (the order does not depend on the rows) and each worker task builds one whole batch; an operation with a ``batch`` method
(``op.batch(stacked array) -> stacked array``, the same values as one row at a time) is then called
once per batch, and the rows of a column's last ``map`` are written straight into the batch.
``shuffle``/``batch``/``repeat``/``zip`` otherwise run in the calling process.
Up to ``config.get_prefetch_size()`` rows per worker (at least 2 tasks) are computed ahead; under
a ``repeat`` the next epoch's tasks are queued behind the current ones, so the workers run on
into it (``Model.train`` over a repeated dataset never meets an empty pipeline at an epoch end).
Columns of 1 MB or more come back in shared-memory blocks that each worker reuses once the caller
has dropped every array (and view) of a batch. Random operations get a distinct stream per worker.
A worker that raises surfaces as a ``RuntimeError`` in the caller, naming the operation, the
columns and the original error.

Within one ``map``, consecutive per-pixel operations (``Rescale``, ``Normalize``, ``TypeCast``; after
a bilinear/nearest ``Resize``; before ``HWC2CHW``) run fused on uint8 images: one table lookup per
value, one channel plane at a time (``engine/_fuse.py``); the results are the same bits as
running them one by one, and anything else runs them one by one.

Size semantics are MindSpore 0.1's (``train.Model`` relies on them): ``get_dataset_size()`` is
the number of rows (batches after ``batch``) of ONE epoch, before ``repeat``;
``get_repeat_count()`` is the count of the outermost ``repeat`` (-1: forever).
"""
import builtins
import collections
import glob
import inspect
import itertools
import json
import math
import mmap
import os
import uuid
import logging
import weakref
from enum import Enum

import numpy as np
import torch

from ..._api import ms_api
from ... import _validator as V
from ..core.configuration import config, DEFAULT_SEED
from . import samplers
from . import _formats as F
from . import validators as CV
from ._fuse import SubOpError, fuse
from .iterators import DictIterator, TupleIterator

__all__ = ["Dataset", "SourceDataset", "DatasetOp", "BatchDataset", "BatchInfo", "ShuffleDataset",
           "MapDataset", "RepeatDataset", "ZipDataset", "RenameDataset", "ProjectDataset",
           "TransferDataset", "StorageDataset", "TFRecordDataset", "ImageFolderDatasetV2",
           "MnistDataset", "Cifar10Dataset", "Cifar100Dataset", "GeneratorDataset", "MindDataset",
           "ManifestDataset", "VOCDataset", "CelebADataset", "Schema", "Shuffle", "zip"]

_LOG = logging.getLogger("msnn.dataset")

_SAMPLER_TYPES = (samplers.DistributedSampler, samplers.PKSampler, samplers.RandomSampler,
                  samplers.SequentialSampler, samplers.SubsetRandomSampler, samplers.WeightedRandomSampler)

# Tuning of the parallel row stage (module attributes so tests and benches may change them).
WORKER_MIN_ROWS = 512  # epochs with fewer rows run in the calling process
CHUNK_ROWS = 64  # rows per worker task


class Shuffle(str, Enum):
    """Shuffle levels of TFRecordDataset: GLOBAL (files and rows) or FILES (file order only)."""
    GLOBAL: str = "global"
    FILES: str = "file"


# =============================================================================== runtime


class _Run:
    """Per-iterator state: the seed sequence every random node draws its generators from."""

    def __init__(self):
        seed = config.get_seed()
        self.seq = np.random.SeedSequence(None if seed == DEFAULT_SEED else seed)

    def child(self):
        return self.seq.spawn(1)[0]


def _new_rng(seq):
    return np.random.default_rng(seq.spawn(1)[0])


def _workers(value):
    n = config.get_num_parallel_workers() if value is None else value
    return max(1, min(int(n), CV.cpu_count()))


def _op_name(op):
    return getattr(op, "__name__", None) or type(op).__name__


def _final_outputs(res, op, where):
    """An operation's result as a list of arrays (a numpy array, or a tuple of them, as 0.1's PyFuncOp)."""
    if isinstance(res, np.ndarray):
        return [res]
    if isinstance(res, (np.generic, torch.Tensor)):
        return [_to_numpy(res)]
    if isinstance(res, tuple):
        out = []
        for r in res:
            if isinstance(r, np.ndarray):
                out.append(r)
            elif isinstance(r, (np.generic, torch.Tensor)):
                out.append(_to_numpy(r))
            else:
                raise RuntimeError(f"{where}: the operation {_op_name(op)} returned a tuple holding a "
                                   f"{type(r).__name__}; it should return a numpy array or a tuple of numpy arrays.")
        return out
    raise RuntimeError(f"{where}: the operation {_op_name(op)} returned a {type(res).__name__}; it should "
                       "return a numpy array or a tuple of numpy arrays.")


def _to_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _op_failed(where, op, err):
    """0.1 surfaced every failing operation as RuntimeError: (that error, its cause). An operation
    inside a fused run is reported by its own name."""
    if isinstance(err, SubOpError):
        op, err = err.op, err.error
    if isinstance(err, _MapResultError):  # a merged map's own check: its message as the map gave it
        return err.error, None
    return RuntimeError(f"{where}: the operation {_op_name(op)} failed: {type(err).__name__}: {err}"), err


class _MapResultError(Exception):
    """Raised by :class:`_OneColumn`: the map's own error, to surface as it is."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


class _OneColumn:
    """Between two merged one-column maps: what the first map made of its operations' result (its
    single output array; an array passes through as it is). Elementwise for the fusion, which
    does not count it."""

    _elementwise = True
    _passthrough = True

    def __init__(self, where, op):
        self.where = where
        self.op = op
        self.__name__ = _op_name(op)

    def __call__(self, *v):
        if len(v) == 1 and type(v[0]) is np.ndarray:  # pylint: disable=unidiomatic-typecheck
            return v[0]
        try:
            return _one_output(v[0] if len(v) == 1 else v, self.op, self.where)
        except RuntimeError as err:
            raise _MapResultError(err) from None

    def batch(self, col):
        return col


def _merge_maps(steps):
    """Consecutive one-column maps of the same column as one step (so that their operations fuse);
    the first map's result is still made into its one output column in between."""
    out = []
    for step in steps:
        prev = out[-1] if out else None
        if type(step) is _MapStep1 and type(prev) is _MapStep1 and prev.in_idx == step.in_idx \
                and prev.in_cols == step.in_cols and prev.raw_ops and step.raw_ops:  # pylint: disable=unidiomatic-typecheck
            ops = prev.raw_ops + [_OneColumn(prev.where, prev.raw_ops[-1])] + step.raw_ops
            out[-1] = _MapStep1(ops, step.in_idx, step.in_cols, 1, True, None, None)
        else:
            out.append(step)
    return out


def _apply(ops, v, where):
    """``v`` through ``ops`` (a tuple result is the next operation's arguments); the raw last result."""
    op = None
    try:
        for op in ops:
            v = op(*v) if type(v) is tuple else op(v)  # pylint: disable=unidiomatic-typecheck
    except Exception as err:  # pylint: disable=broad-except
        exc, cause = _op_failed(where, op, err)
        raise exc from cause
    return v


def _one_output(v, op, where):
    """The single output array of a one-column map."""
    if type(v) is np.ndarray:  # pylint: disable=unidiomatic-typecheck
        return v
    out = _final_outputs(v, op, where)
    if len(out) != 1:
        raise RuntimeError(f"{where}: the operations returned {len(out)} columns but 1 output column name is "
                           "given; the result of an operation doesn't match the output column names.")
    return out[0]


class _MapStep:
    """The row function of one ``map``: call the operations on the input columns, place the outputs.
    Runs of per-pixel operations are fused (``transforms._fuse``): same results, one table lookup."""

    def __init__(self, ops, in_idx, in_cols, n_out, replace, keep, proj):
        self.raw_ops = list(ops)
        self.ops = fuse(ops)
        self.in_idx = in_idx
        self.in_cols = in_cols
        self.n_out = n_out
        self.replace = replace
        self.keep = keep
        self.proj = proj
        self.where = f"map(input_columns={in_cols})"

    def __call__(self, row):
        args = [row[i] for i in self.in_idx]
        last = len(self.ops) - 1
        for k, op in enumerate(self.ops):
            try:
                res = op(*args)
            except Exception as err:  # pylint: disable=broad-except
                exc, cause = _op_failed(self.where, op, err)
                raise exc from cause
            if k < last:
                args = list(res) if isinstance(res, tuple) else [res]
            else:
                args = _final_outputs(res, op, self.where)
        if len(args) != self.n_out:
            raise RuntimeError(f"{self.where}: the operations returned {len(args)} column(s) but "
                               f"{self.n_out} output column name(s) are given; the result of an operation "
                               "doesn't match the output column names.")
        if self.replace:
            row = list(row)
            for i, v in builtins.zip(self.in_idx, args):
                row[i] = v
        else:
            row = args + [row[i] for i in self.keep]
        if self.proj is not None:
            row = [row[i] for i in self.proj]
        return tuple(row)


class _MapStep1(_MapStep):
    """The common case: one input column replaced by one output column."""

    def __call__(self, row):
        i = self.in_idx[0]
        ops = self.ops
        v = _one_output(_apply(ops, row[i], self.where), ops[-1] if ops else None, self.where)
        row = list(row)
        row[i] = v
        return tuple(row)


class _ProjectStep:
    def __init__(self, idx):
        self.idx = idx

    def __call__(self, row):
        return tuple(row[i] for i in self.idx)


def _identity_step(row):
    return row


def _check_unique(names, where):
    seen = set()
    for n in names:
        if n in seen:
            raise RuntimeError(f"{where}: the column name {n!r} appears twice in {names}.")
        seen.add(n)


class _RowFn:
    """source._read(i) followed by the row steps; what a DataLoader worker runs."""

    def __init__(self, source, steps):
        self.source = source
        self.steps = steps

    def __call__(self, i):
        row = self.source._read(i)
        for s in self.steps:
            row = s(row)
        return row


class _WorkerError:
    """An exception raised in a worker, carried back to the caller as text."""

    def __init__(self, err):
        self.message = f"{type(err).__name__}: {err}" if not isinstance(err, RuntimeError) else str(err)


# Columns from this size travel from the workers in shared memory (see _Slots); smaller ones are
# pickled through the pipe.
_SHM_BYTES = 1 << 20
# Without a free block, columns from this size travel as fresh torch tensors in shared memory (a
# descriptor round trip to the worker and fresh pages), smaller ones through the pipe.
_SHM_FRESH_BYTES = 4 << 20
_TORCH_OK = {np.dtype(t) for t in (np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32,
                                    np.float64, np.bool_)}
SLOTS_PER_WORKER = 4  # shared blocks a worker reuses, besides its prefetch depth

_SLOT_TABLES = weakref.WeakValueDictionary()  # token -> _Slots, in the process that receives
_SLOT_TOKENS = itertools.count()


def _np_alloc(shape, dtype):
    return np.empty(shape, dtype)


class _Slots:
    """Shared-memory blocks that carry large columns from the workers, reused from task to task.

    A fresh shared block per batch costs its page faults every time (tens of ms for a 19 MB ResNet
    batch), and torch sends a tensor's file descriptor through a round trip to the worker. Here each
    worker keeps up to ``per_worker`` blocks: a task writes its big columns straight into a free
    block, the block's tensor is sent once, later uses send only its number. The caller receives
    each use as an array owned by a small object; when that object is gone (every view of the array
    released) the block's flag in a shared byte array (made before the workers fork) marks it free.
    With every block in use a task falls back to a fresh block (torch's usual transfer).
    """

    def __init__(self, workers, per_worker):
        self.per = per_worker
        self.flags = np.frombuffer(mmap.mmap(-1, max(1, workers * per_worker)), np.uint8)  # 1: in use
        self.token = next(_SLOT_TOKENS)
        _SLOT_TABLES[self.token] = self
        self.held = {}  # receiver: slot -> its array
        self.mine = {}  # worker: slot -> [tensor, array, sent]
        self.taken = []  # worker: slots of the task being built

    def __getstate__(self):  # workers started without fork: no shared flags, no blocks
        return {"per": self.per, "flags": None, "token": self.token, "held": {}, "mine": {}, "taken": []}

    # ---- worker side
    def alloc(self, shape, dtype):
        """An array to fill with a column: a free shared block when the column is large."""
        dtype = np.dtype(dtype)
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        info = torch.utils.data.get_worker_info()
        if nbytes < _SHM_BYTES or dtype not in _TORCH_OK or info is None or self.flags is None:
            return np.empty(shape, dtype)
        shape = tuple(shape)
        base = info.id * self.per
        pick = spare = None
        for idx in range(base, base + self.per):
            if self.flags[idx]:
                continue
            slot = self.mine.get(idx)
            if slot is not None and slot[1].shape == shape and slot[1].dtype == dtype:
                pick = idx
                break
            if spare is None or (slot is None and self.mine.get(spare) is not None):
                spare = idx
        if pick is None:
            if spare is None:
                return np.empty(shape, dtype)  # every block in use: a one-off block
            try:
                storage = torch.UntypedStorage._new_shared(max(nbytes, 1))  # pylint: disable=protected-access
                tdtype = torch.from_numpy(np.empty(0, dtype)).dtype
                tensor = torch.empty(0, dtype=tdtype).set_(storage, 0, shape)
            except (RuntimeError, OSError):  # pragma: no cover - no shared memory here
                return np.empty(shape, dtype)
            self.mine[spare] = [tensor, tensor.numpy(), False]
            pick = spare
        self.flags[pick] = 1
        self.taken.append(pick)
        return self.mine[pick][1]

    def pack(self, cols):
        """The finished columns of one task as they travel: shared blocks by reference, other large
        arrays as tensors (torch's transfer), small ones pickled. Frees the blocks not used."""
        out = []
        used = set()
        for c in cols:
            idx = self._slot_of(c)
            if idx is None and isinstance(c, np.ndarray) and c.nbytes >= _SHM_BYTES and c.dtype in _TORCH_OK:
                buf = self.alloc(c.shape, c.dtype)
                idx = self._slot_of(buf)
                if idx is not None:
                    np.copyto(buf, c)
                elif c.nbytes >= _SHM_FRESH_BYTES:  # no free block: torch's own transfer
                    c = torch.from_numpy(c)
            if idx is not None:
                slot = self.mine[idx]
                out.append(_SlotRef(self.token, idx, None if slot[2] else slot[0]))
                slot[2] = True
                used.add(idx)
            else:
                out.append(c)
        self.release_taken(used)
        return out

    def release_taken(self, keep=()):
        for idx in self.taken:
            if idx not in keep:
                self.flags[idx] = 0
        self.taken = []

    def _slot_of(self, arr):
        for idx in self.taken:
            if self.mine[idx][1] is arr:
                return idx
        return None


class _SlotRef:
    """A shared block on its way to the receiver (the tensor only the first time)."""

    __slots__ = ("token", "idx", "tensor")

    def __init__(self, token, idx, tensor):
        self.token, self.idx, self.tensor = token, idx, tensor

    def __reduce__(self):
        return _open_slot, (self.token, self.idx, self.tensor)


class _SlotOwner:
    """Owns one delivery of a shared block: the array given out (and every view of it) keeps it alive."""

    __slots__ = ("arr", "__weakref__")

    def __init__(self, arr):
        self.arr = arr

    @property
    def __array_interface__(self):
        return self.arr.__array_interface__


def _free_slot(flags, idx):
    flags[idx] = 0


def _open_slot(token, idx, tensor):
    """Unpickled in the receiving process: the block as a numpy array whose release frees it."""
    slots = _SLOT_TABLES.get(token)
    if tensor is not None:
        arr = tensor.numpy()
        if slots is not None:
            slots.held[idx] = arr
    else:
        if slots is None or idx not in slots.held:  # pragma: no cover - the pool is gone
            raise RuntimeError("dataset worker: a shared block arrived after its pipeline was closed.")
        arr = slots.held[idx]
    if slots is None:  # pragma: no cover - the pool is gone: nothing to free
        return arr
    owner = _SlotOwner(arr)
    weakref.finalize(owner, _free_slot, slots.flags, idx).atexit = False
    return np.asarray(owner)


def _delivered(c):
    return c.numpy() if isinstance(c, torch.Tensor) else c


class _Chunk:
    """Rows computed by a worker, stacked per column when the shapes agree (cheaper to send)."""

    __slots__ = ("cols", "n")

    def __init__(self, rows, slots=None):
        self.n = len(rows)
        cols = []
        alloc = slots.alloc if slots is not None else _np_alloc
        for c in builtins.zip(*rows):
            first = c[0]
            if all(isinstance(a, np.ndarray) and a.shape == first.shape and a.dtype == first.dtype for a in c):
                block = alloc((len(c),) + first.shape, first.dtype)
                for k, a in enumerate(c):
                    block[k] = a
                cols.append(block)
            else:
                cols.append(list(c))
        self.cols = slots.pack(cols) if slots is not None else cols

    def rows(self):
        if not self.cols:
            return [()] * self.n
        return builtins.zip(*[_delivered(c) for c in self.cols])


class _ChunkDataset(torch.utils.data.Dataset):
    def __init__(self, fn, epoch_key):
        self.fn = fn
        self.epoch_key = epoch_key
        self.slots = None  # set by the pool

    def __getitem__(self, chunk):
        try:
            return _Chunk([self.fn(i) for i in chunk], self.slots)
        except Exception as err:  # carried to the caller, raised there
            if self.slots is not None:
                self.slots.release_taken()
            return _WorkerError(err)

    def __len__(self):  # pragma: no cover - a sampler drives it
        return 0


def _reseed(obj, key, seen):
    """Give each worker its own stream for every random generator an operation holds (forked
    workers would otherwise all draw the same numbers)."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    items = obj.items() if isinstance(obj, dict) else getattr(obj, "__dict__", {}).items()
    for name, value in list(items):
        if isinstance(value, np.random.Generator):
            fresh = np.random.default_rng([int(value.integers(2 ** 63))] + key)
            if isinstance(obj, dict):
                obj[name] = fresh
            else:
                setattr(obj, name, fresh)
        elif isinstance(value, np.random.RandomState):
            value.seed((int(value.randint(2 ** 31)) + 7919 * key[-1] + 104729 * key[-2]) % 2 ** 32)
        elif type(value).__name__ == "Random" and hasattr(value, "getrandbits"):
            value.seed(value.getrandbits(64) ^ hash(tuple(key)))
        elif isinstance(value, (list, tuple)):
            for v in value:
                if hasattr(v, "__dict__"):
                    _reseed(v, key, seen)
        elif hasattr(value, "__dict__") and not isinstance(value, (type, torch.nn.Module)) \
                and not inspect.ismodule(value) and not callable(getattr(value, "_read", None)):
            _reseed(value, key, seen)


def _worker_init(worker_id):
    info = torch.utils.data.get_worker_info()
    ds = info.dataset
    for step in ds.fn.steps:
        for op in getattr(step, "ops", ()):
            _reseed(op, list(ds.epoch_key) + [worker_id], set())


class _Runner:
    names = ()
    expected = 1  # epoch() calls this runner will get from its iterator (-1: no end)

    def epoch(self):  # pragma: no cover - overridden
        raise NotImplementedError(f"{type(self).__name__} must override epoch")

    def expect(self, n):
        """Tell the runner (and those below it) how many epochs its iterator will ask for."""
        self.expected = n
        child = getattr(self, "child", None)
        for c in ([child] if child is not None else getattr(self, "children", ())):
            c.expect(n)


class _Plan:
    __slots__ = ("rng", "tasks", "serial")

    def __init__(self, rng, tasks, serial):
        self.rng, self.tasks, self.serial = rng, tasks, serial


class _PooledRunner(_Runner):
    """A runner whose epochs run as tasks in worker processes. Epochs are planned in order; while
    one runs and another is expected, the next one is planned and queued behind it, so the
    workers go on into the next epoch instead of idling at the boundary."""

    pool = None

    def _init_plans(self):
        self.plans = {}
        self.started = 0
        self.planned = 0

    def _plan(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def _task(self, key):  # pragma: no cover - overridden
        raise NotImplementedError

    def _queue_next(self):
        eid = self.planned
        self.planned += 1
        plan = self._plan()
        self.plans[eid] = plan
        if not plan.serial:
            if self.pool is None:
                key = [int(plan.rng.integers(2 ** 31)), eid + 1]
                self.pool = _WorkerPool(self._task(key), self.workers, self.rows_per_task)
            self.pool.submit(eid, plan.tasks)

    def _epoch_plan(self):
        """Start the next epoch: its plan (made now or ahead), and the one after it queued."""
        eid = self.started
        self.started += 1
        while self.planned <= eid:
            self._queue_next()
        if (self.expected == -1 or eid + 1 < self.expected) and self.planned == eid + 1:
            self._queue_next()
        return eid, self.plans.pop(eid)


class _ChainRunner(_PooledRunner):
    """A random-access source and the row-wise nodes above it, run in worker processes."""

    def __init__(self, top, run):
        chain = []
        node = top
        while isinstance(node, (MapDataset, ProjectDataset, RenameDataset)):
            chain.append(node)
            node = node.input[0]
        self.source = node
        node._prepare()
        if hasattr(node, "_begin_pass"):
            node._begin_pass()
        names = node._names()
        steps = []
        workers = [node.num_parallel_workers]
        for n in reversed(chain):
            step, names = n._compile(names)
            if step is not _identity_step:
                steps.append(step)
            workers.append(n.num_parallel_workers)
        self.names = names
        self.fn = _RowFn(node, _merge_maps(steps))
        self.workers = max(_workers(w) for w in workers)
        self.rows_per_task = CHUNK_ROWS
        self.seq = run.child()
        self.epoch_no = 0
        self._init_plans()

    def _plan(self):
        rng = _new_rng(self.seq)
        self.epoch_no += 1
        idx = self.source._epoch_indices(rng)
        if self.workers <= 1 or len(idx) < WORKER_MIN_ROWS:
            return _Plan(rng, idx, True)
        return _Plan(rng, [idx[k:k + CHUNK_ROWS] for k in range(0, len(idx), CHUNK_ROWS)], False)

    def _task(self, key):
        return _ChunkDataset(self.fn, key)

    def epoch(self):
        eid, plan = self._epoch_plan()
        if plan.serial:
            fn = self.fn
            for i in plan.tasks:
                yield fn(i)
            return
        for res in self.pool.results(eid):
            if isinstance(res, _WorkerError):
                raise RuntimeError(res.message)
            yield from res.rows()


class _EpochTasks:
    """The tasks of one epoch, made as the workers need them (ordering rows through shuffle buffers
    costs Python time per row: spread over the epoch instead of paid at its start). ``n``: how
    many, when known in advance. ``forget``: tasks are read once, in order (an endless epoch), so
    those before the last one read are dropped."""

    def __init__(self, tasks, n=None, forget=False):
        self._it = iter(tasks)
        self.made = collections.deque() if forget else []
        self.base = 0  # the index of made[0]
        self.n = n
        self.forget = forget

    def has(self, k):
        """Whether the epoch has a task ``k`` (made now if need be)."""
        if self.n is not None:
            return k < self.n
        while self.base + len(self.made) <= k:
            try:
                self.made.append(next(self._it))
            except StopIteration:
                self.n = self.base + len(self.made)
                return False
        return True

    def __getitem__(self, k):
        while self.base + len(self.made) <= k:
            self.made.append(next(self._it))
        if self.forget:
            while self.base < k:
                self.made.popleft()
                self.base += 1
        return self.made[k - self.base]

    def __iter__(self):
        k = 0
        while self.has(k):
            yield self[k]
            k += 1


class _TaskQueue(torch.utils.data.Sampler):
    """The tasks the workers have yet to start, across epochs (the DataLoader's sampler)."""

    def __init__(self):
        super().__init__()
        self.epochs = collections.deque()  # [tasks, next position]
        self.pulled = 0

    def add(self, tasks):
        self.epochs.append([tasks, 0])

    def clear(self):
        self.epochs.clear()

    def __iter__(self):
        return self

    def __next__(self):
        epochs = self.epochs
        while epochs and not _has_task(epochs[0][0], epochs[0][1]):
            epochs.popleft()
        if not epochs:
            raise StopIteration
        front = epochs[0]
        task = front[0][front[1]]
        front[1] += 1
        self.pulled += 1
        return task

    def __len__(self):  # pragma: no cover - the DataLoader does not ask
        return sum(len(t) - k for t, k in self.epochs if not isinstance(t, _EpochTasks))


def _has_task(tasks, k):
    return tasks.has(k) if isinstance(tasks, _EpochTasks) else k < len(tasks)


class _WorkerPool:
    """Worker processes of one iterator, kept across its epochs (persistent DataLoader workers):
    no fork per epoch, random operations keep drawing from their per-worker streams, and the
    tasks of queued epochs follow on without a pause."""

    def __init__(self, task, workers, rows_per_task):
        self.queue = _TaskQueue()
        prefetch = max(2, -(-config.get_prefetch_size() // rows_per_task))
        task.slots = _Slots(workers, prefetch + SLOTS_PER_WORKER)
        self.loader = torch.utils.data.DataLoader(
            task, batch_size=None, sampler=self.queue, num_workers=workers, collate_fn=_no_collate,
            prefetch_factor=prefetch, worker_init_fn=_worker_init, persistent_workers=True,
            multiprocessing_context=_MP_CONTEXT)
        self.it = None
        self.received = 0
        self.restarts = 0  # times the workers' loop was (re)started: once while epochs follow on
        self.epochs = collections.deque()  # (epoch id, tasks) queued and not finished

    def submit(self, eid, tasks):
        """Queue the tasks of epoch ``eid`` behind those already queued."""
        self.epochs.append((eid, tasks))
        self.queue.add(tasks)

    def _drop_front(self):
        """Forget the oldest queued epoch (left unfinished): requeue the others from their start;
        what is in flight is drained when the workers next restart."""
        self.epochs.popleft()
        self.queue.clear()
        for _, tasks in self.epochs:
            self.queue.add(tasks)
        self.it = None

    def results(self, eid):
        """The results of epoch ``eid``'s tasks, in order."""
        while self.epochs and self.epochs[0][0] < eid:
            self._drop_front()
        if not self.epochs or self.epochs[0][0] != eid:  # pragma: no cover - a runner bug
            raise RuntimeError(f"dataset workers: epoch {eid} was not queued.")
        tasks = self.epochs[0][1]
        done = 0
        try:
            while _has_task(tasks, done):
                if self.it is None or self.queue.pulled == self.received:
                    # nothing in flight: (re)start the workers' loop, which drains stale results
                    pulled = self.queue.pulled
                    self.it = iter(self.loader)
                    self.received = pulled
                    self.restarts += 1
                res = next(self.it)
                self.received += 1
                done += 1
                yield res
        finally:  # (a generator left unfinished may be closed late: only its own epoch is touched)
            if self.epochs and self.epochs[0][0] == eid:
                if not _has_task(tasks, done):
                    self.epochs.popleft()
                else:
                    self._drop_front()


# Workers are forked: map operations (lambdas included) need no pickling.
_MP_CONTEXT = "fork" if "fork" in __import__("multiprocessing").get_all_start_methods() else None


def _no_collate(x):
    return x


class _SerialSourceRunner(_Runner):
    """A source that is not random-access (a Python generator)."""

    def __init__(self, node, run):
        node._prepare()
        self.node = node
        self.names = node._names()
        self.seq = run.child()

    def epoch(self):
        return self.node._serial_epoch(_new_rng(self.seq))


class _StepRunner(_Runner):
    """map / project / rename over a child that is not a random-access chain."""

    def __init__(self, node, run):
        self.child = node.input[0]._open(run)
        self.step, self.names = node._compile(self.child.names)

    def epoch(self):
        step = self.step
        for row in self.child.epoch():
            yield step(row)


class _ShuffleRunner(_Runner):
    def __init__(self, node, run):
        self.child = node.input[0]._open(run)
        self.names = self.child.names
        self.size = node.buffer_size
        self.seq = run.child()

    def epoch(self):
        return _buffer_shuffle(self.child.epoch(), self.size, _new_rng(self.seq))


def _buffer_shuffle(items, size, rng):
    """0.1's shuffle buffer: fill ``size`` items, then emit a random one and put the next input in its
    slot; at the end emit the rest in random order. The order depends only on the input order and
    ``rng``, so it may run on row indices as well as on rows."""
    buf = []
    draws = rng.random(4096)
    k = 0
    for item in items:
        if len(buf) < size:
            buf.append(item)
            continue
        if k == 4096:
            draws = rng.random(4096)
            k = 0
        j = int(draws[k] * size)
        k += 1
        out = buf[j]
        buf[j] = item
        yield out
    for j in rng.permutation(len(buf)):
        yield buf[j]


class BatchInfo:
    """What a ``batch_size`` / ``per_batch_map`` callable is told about the batch being built."""

    def __init__(self, batch_num=0, epoch_num=0):
        self._batch_num = batch_num
        self._epoch_num = epoch_num

    def get_batch_num(self):
        """The number of the batch being built in this epoch (from 0)."""
        return self._batch_num

    def get_epoch_num(self):
        """The number of the current epoch (from 0)."""
        return self._epoch_num


def _stack(col, name, alloc=_np_alloc):
    first = col[0]
    if isinstance(first, np.ndarray):
        shape, dtype = first.shape, first.dtype
        for a in col:
            if not isinstance(a, np.ndarray) or a.shape != shape:
                _shape_error(col, name)
            if a.dtype != dtype:
                return np.stack(col)  # numpy's type promotion
        out = alloc((len(col),) + shape, dtype)
        for k, a in enumerate(col):
            out[k] = a
        return out
    return np.asarray(col)


def _shape_error(col, name):
    shapes = sorted({tuple(np.shape(a)) for a in col})
    raise RuntimeError(f"batch: the rows of column {name!r} have different shapes {shapes}; every "
                       "row of a column must have the same shape to be batched.")


class _BatchRunner(_Runner):
    def __init__(self, node, run):
        self.child = node.input[0]._open(run)
        self.names = self.child.names
        self.node = node
        self.epoch_no = 0
        if node.input_columns is not None:
            missing = [c for c in node.input_columns if c not in self.names]
            if missing:
                raise RuntimeError(f"batch: input column {missing[0]!r} doesn't exist in the dataset columns "
                                   f"{list(self.names)}.")
            self.map_idx = [self.names.index(c) for c in node.input_columns]

    def _size(self, batch_num):
        bs = self.node.batch_size
        if callable(bs):
            bs = bs(BatchInfo(batch_num, self.epoch_no))
            if not CV.is_int(bs) or bs <= 0:
                raise RuntimeError(f"batch: the batch_size callable returned {bs!r}; it must return a positive int.")
        return bs

    def _make(self, rows, batch_num):
        cols = [list(c) for c in builtins.zip(*rows)]
        if self.node.per_batch_map is not None:
            args = [cols[i] for i in self.map_idx]
            try:
                res = self.node.per_batch_map(*args, BatchInfo(batch_num, self.epoch_no))
            except Exception as err:
                raise RuntimeError(f"batch: per_batch_map failed: {type(err).__name__}: {err}") from err
            if not isinstance(res, tuple) or len(res) != len(self.map_idx):
                raise RuntimeError(f"batch: per_batch_map must return a tuple of {len(self.map_idx)} lists "
                                   "(one per input column).")
            for i, col in builtins.zip(self.map_idx, res):
                cols[i] = list(col)
        return tuple(_stack(c, n) for c, n in builtins.zip(cols, self.names))

    def epoch(self):
        drop = self.node.drop_remainder
        batch_num = 0
        size = self._size(batch_num)
        batch = []
        for row in self.child.epoch():
            batch.append(row)
            if len(batch) == size:
                yield self._make(batch, batch_num)
                batch = []
                batch_num += 1
                size = self._size(batch_num)
        if batch and not drop:
            yield self._make(batch, batch_num)
        self.epoch_no += 1


def _batchable(op):
    return callable(getattr(op, "batch", None))


# An operation's batch() is used on stacked columns up to this size (small images: one call instead
# of N); larger columns run row by row, which is as fast and keeps each row in cache.
BATCH_OP_BYTES = 1 << 20


def _nbytes(col):
    if isinstance(col, np.ndarray):
        return col.nbytes
    return sum(getattr(v, "nbytes", 0) for v in col)


def _as_list(col):
    return list(col) if isinstance(col, np.ndarray) else col


def _final_step_of(steps):
    """{column: index of the last step} for the columns whose last step is a one-column map with
    nothing but such maps after it (its rows can be written straight into the batch)."""
    final = {}
    for k, step in enumerate(steps):
        if isinstance(step, _MapStep1):
            final[step.in_idx[0]] = k
        else:
            final = {}
    return final


def _rows_into_batch(step, ops, values, name, alloc):
    """``ops`` on each of ``values``, stacked into one array from ``alloc``: the last operation
    writes each row in place when it can (``op.into(x, out_row)``), the others are copied in.
    Returns the stacked array, or the list of rows when they do not stack into one array."""
    where = step.where
    pre, last = ops[:-1], ops[-1]
    into = getattr(last, "into", None)
    out = None
    n = len(values)
    for r, v in enumerate(values):
        x = _apply(pre, v, where) if pre else v
        if out is not None and into is not None and type(x) is np.ndarray:  # pylint: disable=unidiomatic-typecheck
            try:
                if into(x, out[r]):
                    continue
            except Exception as err:  # pylint: disable=broad-except
                exc, cause = _op_failed(where, last, err)
                raise exc from cause
        y = _one_output(_apply((last,), x, where), last, where)
        if out is None:
            out = alloc((n,) + y.shape, y.dtype)
        elif y.shape != out.shape[1:]:
            _shape_error(list(out[:r]) + [y], name)
        elif y.dtype != out.dtype:  # numpy's type promotion: stack the rows as they are
            rest = [_one_output(_apply(ops, w, where), last, where) for w in values[r + 1:]]
            return [out[k].copy() for k in range(r)] + [y] + rest
        out[r] = y
    return out


def _run_batch(fn, batch, names, alloc=_np_alloc):
    """Read, map and stack the rows ``batch``: the finished batch as one array per column.

    An operation with a ``batch`` method (``op.batch(stacked <N,...> array) -> stacked array``, the
    same values as calling ``op`` on each row) is called once on the stacked column when that column
    holds at most ``BATCH_OP_BYTES``; the others are called row by row, and the rows of a column's
    last map go straight into its batch array (from ``alloc(shape, dtype)``). The result is the same
    as mapping each row, then stacking.
    """
    steps = fn.steps
    if not any(isinstance(s, _MapStep1) for s in steps):
        rows = [fn(i) for i in batch]
        return [_stack(list(c), n, alloc) for c, n in builtins.zip(builtins.zip(*rows), names)]
    final = _final_step_of(steps)
    rows = [fn.source._read(i) for i in batch]  # pylint: disable=protected-access
    cols = [list(c) for c in builtins.zip(*rows)]
    for s, step in enumerate(steps):
        if isinstance(step, _MapStep1):
            i = step.in_idx[0]
            col = cols[i]
            ops = step.ops
            for k, op in enumerate(ops):
                if not (_batchable(op) and _nbytes(col) <= BATCH_OP_BYTES):
                    # the remaining operations run row by row, each row through all of them while
                    # it is in cache
                    if final.get(i) == s:
                        col = _rows_into_batch(step, ops[k:], _as_list(col), names[i], alloc)
                    else:
                        rest = ops[k:]
                        col = [_one_output(_apply(rest, v, step.where), rest[-1], step.where)
                               for v in _as_list(col)]
                    break
                if not isinstance(col, np.ndarray):
                    col = _stack(col, step.in_cols[0])
                try:
                    out = op.batch(col)
                except Exception as err:  # pylint: disable=broad-except
                    exc, cause = _op_failed(step.where, op, err)
                    raise exc from cause
                if not isinstance(out, np.ndarray) or len(out) != len(col):
                    raise RuntimeError(f"{step.where}: {_op_name(op)}.batch returned {type(out).__name__} "
                                       f"for a batch of {len(col)}; it must return a stacked numpy array.")
                col = out
            cols[i] = col
        elif isinstance(step, _ProjectStep):
            cols = [cols[k] for k in step.idx]
        else:
            rows = [step(r) for r in builtins.zip(*[_as_list(c) for c in cols])]
            cols = [list(c) for c in builtins.zip(*rows)]
    return [c if isinstance(c, np.ndarray) else _stack(c, n, alloc) for c, n in builtins.zip(cols, names)]


class _BatchTask(torch.utils.data.Dataset):
    """Worker task of the fused runner: read, map and stack the rows of one batch."""

    def __init__(self, fn, names, epoch_key):
        self.fn = fn
        self.names = names
        self.epoch_key = epoch_key
        self.slots = None  # set by the pool

    def __getitem__(self, batch):
        slots = self.slots
        try:
            cols = _run_batch(self.fn, batch, self.names, slots.alloc if slots is not None else _np_alloc)
            return slots.pack(cols) if slots is not None else cols
        except Exception as err:  # carried to the caller, raised there
            if slots is not None:
                slots.release_taken()
            return _WorkerError(err)

    def __len__(self):  # pragma: no cover - a sampler drives it
        return 0


class _FusedBatchRunner(_PooledRunner):
    """chain -> (shuffle | repeat)* -> batch with an int batch size: shuffle buffers and repeats run
    on the row indices (neither depends on the rows), and each worker task builds one whole batch,
    so the caller only receives finished batches. Same rows, same order as the unfused runners."""

    def __init__(self, node, between, chain_top, run):
        self.chain = _ChainRunner(chain_top, run)
        # the nodes between batch and chain, top first; seeds drawn bottom-up as the unfused runners do
        seqs = {id(n): run.child() for n in reversed(between) if isinstance(n, ShuffleDataset)}
        self.between = [("shuffle", n.buffer_size, seqs[id(n)]) if isinstance(n, ShuffleDataset)
                        else ("repeat", n.count, None) for n in between]
        # under an endless repeat the batch has one endless epoch: nothing to plan ahead of it
        self.endless = any(kind == "repeat" and arg == -1 for kind, arg, _ in self.between)
        self.names = self.chain.names
        self.node = node
        self.workers = self.chain.workers
        self.rows_per_task = node.batch_size
        self._init_plans()

    def expect(self, n):
        self.expected = 1 if self.endless else n

    def _chain_order(self, draws):
        """One epoch of the chain's row indices, from the next of its generators drawn ahead."""
        rng, idx = draws[None].popleft()
        if idx is None:
            idx = self.chain.source._epoch_indices(rng)  # pylint: disable=protected-access
        return iter(idx)

    def _order(self, level, draws):
        if level == len(self.between):
            return self._chain_order(draws)
        kind, arg, _ = self.between[level]
        if kind == "shuffle":
            return _buffer_shuffle(self._order(level + 1, draws), arg, draws[level].popleft())
        if arg == -1:
            return self._endless(level + 1, draws)
        return (i for _ in range(arg) for i in self._order(level + 1, draws))

    def _endless(self, level, draws):
        """An endless repeat of ``level`` (as :class:`_RepeatRunner`: an error if a pass is empty)."""
        while True:
            produced = False
            for i in self._order(level, draws):
                produced = True
                yield i
            if not produced:
                raise RuntimeError("repeat: the dataset below an endless repeat produced no row; it would "
                                   "loop forever.")

    def _plan(self):
        """The epoch's batches, made lazily; every random generator they use is drawn now, in the
        order the unfused runners draw them (the next epoch may be planned before this one is made).
        Under an endless repeat (an endless epoch, nothing planned after it) the generators below it
        are drawn as they are used, in the same order."""
        chain = self.chain
        times = 1  # how often the level runs per epoch: the product of the repeat counts above it (None: no end)
        draws = {}
        for level, (kind, arg, seq) in enumerate(self.between):
            if kind == "shuffle":
                draws[level] = (collections.deque(_new_rng(seq) for _ in range(times)) if times is not None
                                else _LazyDraws(lambda seq=seq: _new_rng(seq)))
            elif arg == -1:
                times = None
            elif times is not None:
                times *= arg
        rngs = [_new_rng(chain.seq) for _ in range(times if times is not None else 1)]
        chain.epoch_no += times if times is not None else 1
        idx = chain.source._epoch_indices(rngs[0])  # pylint: disable=protected-access
        first = [(rngs[0], idx)] + [(r, None) for r in rngs[1:]]
        if times is None:
            def more(seq=chain.seq):
                chain.epoch_no += 1
                return _new_rng(seq), None
            draws[None] = _LazyDraws(more, first)
        else:
            draws[None] = collections.deque(first)
        order = self._order(0, draws)
        bs = self.node.batch_size
        drop = self.node.drop_remainder
        n = None if times != 1 else (len(idx) // bs if drop else -(-len(idx) // bs))
        return _Plan(rngs[0], _EpochTasks(_batches_of(order, bs, drop), n, forget=times is None),
                     chain.workers <= 1 or len(idx) < WORKER_MIN_ROWS)

    def _task(self, key):
        return _BatchTask(self.chain.fn, self.names, key)

    def epoch(self):
        eid, plan = self._epoch_plan()
        if plan.serial:
            fn, names = self.chain.fn, self.names
            for b in plan.tasks:
                yield tuple(_run_batch(fn, b, names))
            return
        for res in self.pool.results(eid):
            if isinstance(res, _WorkerError):
                raise RuntimeError(res.message)
            yield tuple(_delivered(c) for c in res)


class _LazyDraws:
    """``first``, then ``make()`` for each further ``popleft()`` (the generators of an endless repeat)."""

    def __init__(self, make, first=()):
        self.make = make
        self.first = collections.deque(first)

    def popleft(self):
        return self.first.popleft() if self.first else self.make()


def _batches_of(order, bs, drop):
    batch = []
    for i in order:
        batch.append(i)
        if len(batch) == bs:
            yield batch
            batch = []
    if batch and not drop:
        yield batch


def _fusable(batch_node):
    """(shuffle/repeat nodes between, chain top) when ``batch_node`` can run as a
    _FusedBatchRunner, else None."""
    if callable(batch_node.batch_size) or batch_node.per_batch_map is not None:
        return None
    between = []
    node = batch_node.input[0]
    while isinstance(node, (ShuffleDataset, RepeatDataset)):
        between.append(node)
        node = node.input[0]
    if isinstance(node, (MapDataset, ProjectDataset, RenameDataset, SourceDataset)) and _is_chain_top(node):
        return between, node
    return None


class _RepeatRunner(_Runner):
    def __init__(self, node, run):
        self.child = node.input[0]._open(run)
        self.names = self.child.names
        self.count = node.count
        self.expect(1)

    def expect(self, n):
        self.expected = n
        self.child.expect(-1 if n == -1 or self.count == -1 else n * self.count)

    def epoch(self):
        k = 0
        while self.count == -1 or k < self.count:
            produced = False
            for row in self.child.epoch():
                produced = True
                yield row
            if not produced and self.count == -1:
                raise RuntimeError("repeat: the dataset below an endless repeat produced no row; it would "
                                   "loop forever.")
            k += 1


class _ZipRunner(_Runner):
    def __init__(self, node, run):
        self.children = [c._open(run) for c in node.input]
        self.names = [n for c in self.children for n in c.names]
        _check_unique(self.names, "zip")

    def epoch(self):
        for rows in builtins.zip(*[c.epoch() for c in self.children]):
            yield tuple(v for r in rows for v in r)


# =============================================================================== nodes


@ms_api("mindspore.dataset.engine.datasets.Dataset", torch="torch.utils.data (DataLoader workers)",
        deviations=("Nodes may be shared between pipelines (0.1 refused a graph that is not a tree).",))
class Dataset:
    """A node of a data pipeline; every method returns a new node on top of this one.

    Args:
        num_parallel_workers (int): Workers of this node (default None: ``config``'s, 4).

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> data = ds.GeneratorDataset(lambda: ((np.array(i),) for i in range(5)), ["x"])
        >>> data = data.map(input_columns="x", operations=lambda x: x * 10).batch(2).repeat(2)
        >>> [r[0].tolist() for r in data]
        [[0, 10], [20, 30], [40], [0, 10], [20, 30], [40]]
    """

    def __init__(self, num_parallel_workers=None):
        self.input = []
        self.output = []
        self.num_parallel_workers = num_parallel_workers
        self._input_indexs = ()
        self._output_types = None
        self._output_shapes = None
        self._dataset_size = None
        self._batch_size = None
        self._num_classes = None
        self._repeat_count = None

    def _attach(self, child):
        self.input.append(child)
        child.output.append(self)
        self._input_indexs = child.input_indexs

    # -------------------------------------------------------------- pipeline building

    def batch(self, batch_size, drop_remainder=False, num_parallel_workers=None, per_batch_map=None,
              input_columns=None):
        """Combine ``batch_size`` consecutive rows into one (each column stacked on a new first axis).

        Args:
            batch_size (int or callable): Rows per batch, or a callable taking a :class:`BatchInfo`.
            drop_remainder (bool): Drop the last, incomplete batch of an epoch (default False).
            num_parallel_workers (int): Workers (default None).
            per_batch_map (callable): Called with one list of arrays per ``input_columns`` and a
                BatchInfo; returns a tuple of lists that replace those columns.
            input_columns (list[str]): The columns given to ``per_batch_map``.

        Returns:
            BatchDataset.
        """
        return BatchDataset(self, batch_size, drop_remainder, num_parallel_workers, per_batch_map, input_columns)

    def shuffle(self, buffer_size):
        """Shuffle rows through a buffer of ``buffer_size`` rows (>= 2), reshuffled every epoch.

        Returns:
            ShuffleDataset.
        """
        return ShuffleDataset(self, buffer_size)

    def map(self, input_columns=None, operations=None, output_columns=None, columns_order=None,
            num_parallel_workers=None):
        """Apply ``operations`` in order to ``input_columns`` of every row.

        Each operation is any callable taking the input columns as numpy arrays and returning a numpy
        array or a tuple of them (the next operation's inputs).

        Args:
            input_columns (str or list[str]): Columns given to the first operation (default: the first column).
            operations (callable or list[callable]): The operations.
            output_columns (str or list[str]): Names of the last operation's outputs (default: input_columns).
            columns_order (list[str]): The columns to keep, in order (required when the number of
                input and output columns differ).
            num_parallel_workers (int): Worker processes (default None: ``config``'s).

        Returns:
            MapDataset.
        """
        return MapDataset(self, input_columns, operations, output_columns, columns_order, num_parallel_workers)

    def repeat(self, count=None):
        """Repeat the dataset ``count`` times (None or -1: forever).

        Returns:
            RepeatDataset.
        """
        return RepeatDataset(self, count)

    def zip(self, datasets):
        """Zip this dataset with ``datasets`` (a Dataset or a tuple of them); columns must not clash.

        Returns:
            ZipDataset.
        """
        if isinstance(datasets, tuple):
            datasets = (self, *datasets)
        elif isinstance(datasets, Dataset):
            datasets = (self, datasets)
        else:
            V.fail("Dataset.zip", "datasets", "a Dataset or a tuple of Datasets", datasets, ValueError)
        return ZipDataset(datasets)

    def rename(self, input_columns, output_columns):
        """Rename ``input_columns`` to ``output_columns``.

        Returns:
            RenameDataset.
        """
        return RenameDataset(self, input_columns, output_columns)

    def project(self, columns):
        """Keep only ``columns``, in that order.

        Returns:
            ProjectDataset.
        """
        return ProjectDataset(self, columns)

    def device_que(self, prefetch_size=None):
        """A :class:`TransferDataset` sending this pipeline to a named queue (see :meth:`to_device`)."""
        return self.to_device()

    def to_device(self, num_batch=None):
        """A :class:`TransferDataset`: ``send()`` connects this pipeline to msnn's named dataset
        channel ``queue_name``, which ``GetNext`` reads."""
        if num_batch is None:
            size, count = self.get_dataset_size(), self.get_repeat_count()
            num_batch = None if size is None or count == -1 else size * count
        return TransferDataset(self, str(uuid.uuid1()), 0, "CPU", num_batch)

    # -------------------------------------------------------------- iteration

    def create_tuple_iterator(self, columns=None):
        """An iterator over the rows as lists of numpy arrays (``columns``: which, in which order)."""
        return TupleIterator(self, columns)

    def create_dict_iterator(self):
        """An iterator over the rows as {column name: numpy array}."""
        return DictIterator(self)

    def __iter__(self):
        return self.create_tuple_iterator()

    def to_torch(self):
        """This pipeline as a ``torch.utils.data.IterableDataset`` yielding tuples of tensors.

        Unsigned 16/32/64-bit columns become int64 tensors (torch has few ops for them). Use it
        with ``DataLoader(data.to_torch(), batch_size=None)``: the pipeline batches, runs its own
        worker processes and prefetches. Under ``DataLoader(num_workers=n)`` each loader worker
        yields every n-th row (no row is duplicated, but every worker runs the whole pipeline).
        For a CUDA training loop, ``DataLoader(data.to_torch(), batch_size=None, pin_memory=True)``
        hands over page-locked batches (every tensor of every row; with ``num_workers=0`` torch pins
        them on the calling thread). ``Model.train``/``DatasetHelper`` given the dataset itself pin
        its batches on a background thread, ahead of the training loop.

        Note:
            msnn only (MindSpore 0.1 had no torch bridge).

        Examples:
            >>> import numpy as np
            >>> import msnn.dataset as ds
            >>> data = ds.GeneratorDataset(lambda: ((np.array([i, i]),) for i in range(3)), ["x"])
            >>> [t[0].tolist() for t in data.to_torch()]
            [[0, 0], [1, 1], [2, 2]]
        """
        return TorchIterable(self)

    def _open(self, run):
        """The runner of this node for one iteration."""
        raise NotImplementedError(f"{type(self).__name__} must override _open")

    def _column_names(self):
        """The output column names (opens the pipeline's runners without reading a row)."""
        return list(self._open(_Run()).names)

    # -------------------------------------------------------------- information

    @property
    def input_indexs(self):
        return self._input_indexs

    @input_indexs.setter
    def input_indexs(self, value):
        self._input_indexs = value

    def _get_pipeline_info(self):
        it = TupleIterator(self)
        try:
            row = it.get_next()
        finally:
            it.stop()
        if not row:
            raise RuntimeError(f"{type(self).__name__}: the pipeline produced no row; its output shapes and "
                               "types are unknown.")
        self._output_shapes = [list(a.shape) for a in row]
        self._output_types = [a.dtype for a in row]

    def output_shapes(self):
        """The shape of each output column (of the first row), as lists."""
        if self._output_shapes is None:
            self._get_pipeline_info()
        return self._output_shapes

    def output_types(self):
        """The numpy dtype of each output column."""
        if self._output_types is None:
            self._get_pipeline_info()
        return self._output_types

    def get_dataset_size(self):
        """Rows (batches after ``batch``) in one epoch, before ``repeat``; None when unknown."""
        if self.input:
            return self.input[0].get_dataset_size()
        return None

    def num_classes(self):
        """The number of classes (ImageFolderDatasetV2), else None."""
        if self.input:
            return self.input[0].num_classes()
        return None

    def get_batch_size(self):
        """The batch size of the last ``batch`` (1 without one)."""
        if self.input:
            return self.input[0].get_batch_size()
        return 1

    def get_repeat_count(self):
        """The count of the outermost ``repeat`` (-1: forever; 1 without one)."""
        if self.input:
            return self.input[0].get_repeat_count()
        return 1

    def get_class_indexing(self):
        """The {class name: label} map of ImageFolderDatasetV2, else None."""
        if self.input:
            return self.input[0].get_class_indexing()
        return None

    def reset(self):
        """Reset the dataset for the next epoch (nothing to do: each iteration starts afresh)."""


@ms_api("mindspore.dataset.engine.datasets.SourceDataset", torch="torch.utils.data.Dataset")
class SourceDataset(Dataset):
    """A node that produces rows (a file reader or a Python generator).

    Examples:
        >>> import msnn.dataset as ds
        >>> issubclass(ds.MnistDataset, ds.engine.datasets.SourceDataset)
        True
    """

    _random_access = True
    _label_column = None

    def _open(self, run):
        if self._random_access:
            return _ChainRunner(self, run)
        return _SerialSourceRunner(self, run)

    def _prepare(self):
        """Load what reading rows needs (called in the caller's process, before workers fork)."""

    def _names(self):
        raise NotImplementedError(f"{type(self).__name__} must override _names")


class _SampledSource(SourceDataset):
    """A random-access file source with 0.1's sampler / shuffle / sharding options."""

    def _init_sampling(self, cls_name, num_samples, num_parallel_workers, shuffle, sampler, num_shards, shard_id):
        CV.check_source_args(cls_name, num_samples, num_parallel_workers, shuffle, num_shards, shard_id)
        CV.check_sampler_options(cls_name, shuffle, sampler, num_shards, shard_id, _SAMPLER_TYPES)
        self.num_parallel_workers = num_parallel_workers
        self.sampler = _select_sampler(num_samples, sampler, shuffle, num_shards, shard_id)
        self.num_samples = num_samples
        self.shuffle_level = shuffle
        self.num_shards = num_shards
        self.shard_id = shard_id
        self._rows = None

    def _count_rows(self):
        raise NotImplementedError(f"{type(self).__name__} must override _count_rows")

    def _num_rows(self):
        if self._rows is None:
            self._rows = self._count_rows()
        return self._rows

    def _limit(self, num_rows):
        return num_rows if not self.num_samples else min(self.num_samples, num_rows)

    def _labels(self):
        return None

    def _begin_pass(self):
        """A new iterator starts (0.1's DistributedSampler.create() counted these)."""
        self._pass = getattr(self, "_pass", 0) + 1
        self._pass_epoch = 0

    def _epoch_indices(self, rng):
        num_rows = self._num_rows()
        limit = self._limit(num_rows)
        if isinstance(self.sampler, samplers.DistributedSampler):
            # Every shard (process) must draw the same permutation: derive it from the dataset seed,
            # the iterator count and the epoch only, never from fresh entropy (as 0.1 seeded it 1, 2, ...).
            self._pass_epoch = getattr(self, "_pass_epoch", 0) + 1
            seed = config.get_seed()
            rng = np.random.default_rng([0 if seed == DEFAULT_SEED else seed, getattr(self, "_pass", 1),
                                         self._pass_epoch])
        labels = self._labels() if isinstance(self.sampler, samplers.PKSampler) else None
        ids = self.sampler._indices(num_rows, limit, rng, labels)
        if not isinstance(self.sampler, (samplers.PKSampler, samplers.WeightedRandomSampler,
                                         samplers.SubsetRandomSampler)):
            ids = [i for i in ids if i < num_rows][:limit]
        return ids

    def get_dataset_size(self):
        """Rows of one epoch: the sampler's count over the files' rows (``num_samples``, sharding).

        Note:
            0.1 computed ``ceil(min(rows, num_samples) / num_shards)`` whatever the sampler; msnn
            counts what the sampler actually yields. The two agree except for a user-given sampler
            and for ``num_samples`` together with ``num_shards``, where 0.1's size was not the
            number of rows its epochs had.
        """
        num_rows = self._num_rows()
        labels = self._labels() if isinstance(self.sampler, samplers.PKSampler) else None
        return self.sampler._count(num_rows, self._limit(num_rows), labels)


def _select_sampler(num_samples, input_sampler, shuffle, num_shards, shard_id):
    """0.1's choice of sampler from shuffle / sampler / sharding / num_samples."""
    if shuffle is None and input_sampler is not None:
        return input_sampler
    if shuffle is None or shuffle is True:
        if num_shards is not None:
            return samplers.DistributedSampler(num_shards, shard_id, shuffle=True)
        if num_samples:
            return samplers.RandomSampler(replacement=True, num_samples=num_samples)
        return samplers.RandomSampler()
    if num_shards is not None:
        return samplers.DistributedSampler(num_shards, shard_id, shuffle=False)
    return samplers.SequentialSampler()


_SAMPLING_NOTE = ("Default order is random (shuffle=None); with num_samples and no shuffle/sampler "
                  "0.1 drew num_samples rows WITH replacement (RandomSampler(replacement=True)), and msnn does too.")


@ms_api("mindspore.dataset.MnistDataset", torch="numpy reader + torch.utils.data workers",
        deviations=("Random orders are numpy's draws from the dataset seed, not 0.1's mt19937 streams.",
                    "get_dataset_size() is the sampler's real count (0.1's formula ignored a user sampler).",
                    "num_parallel_workers above the CPU count is used as the CPU count (0.1 raised ValueError)."))
class MnistDataset(_SampledSource):
    """MNIST from the idx files of ``dataset_dir``: columns ``image`` (28, 28, 1) uint8 and
    ``label`` () uint32.

    The image files are every file whose name contains ``idx3-ubyte``, the label files those
    containing ``idx1-ubyte``; both lists are sorted and paired in order.

    Note:
        As in MindSpore 0.1 (``MnistOp::ReadImageAndLabel``), every non-zero pixel is read as
        255: the images are binarised. MindSpore 2.x returns the raw grey levels.
        Default order is random (shuffle=None). With ``num_samples`` and neither ``shuffle`` nor
        ``sampler``, 0.1 drew ``num_samples`` rows with replacement, and so does msnn.

    Args:
        dataset_dir (str): The directory holding the idx files.
        num_samples (int): Rows to read (default None or 0: all).
        num_parallel_workers (int): Worker processes (default None: ``config``'s).
        shuffle (bool): Random order (default None: random unless a sampler is given).
        sampler (Sampler): The order (exclusive with shuffle and sharding).
        num_shards (int): Number of shards.
        shard_id (int): This shard.

    Raises:
        ValueError: ``dataset_dir`` missing; bad shard_id.
        TypeError: wrongly typed arguments.
        RuntimeError: sampler with shuffle or sharding; num_shards without shard_id; no/truncated/
            wrong-magic idx files (when the size is asked or rows are read).

    Examples:
        >>> import msnn.dataset as ds
        >>> data = ds.MnistDataset("tests/data/mnist/train", shuffle=False)
        >>> data.get_dataset_size()
        64
        >>> image, label = next(iter(data))
        >>> image.shape, image.dtype, label.dtype, sorted(set(image.ravel().tolist()))
        ((28, 28, 1), dtype('uint8'), dtype('uint32'), [0, 255])
    """

    def __init__(self, dataset_dir, num_samples=None, num_parallel_workers=None, shuffle=None, sampler=None,
                 num_shards=None, shard_id=None):
        super().__init__(num_parallel_workers)
        self.dataset_dir = CV.check_dataset_dir(dataset_dir, "MnistDataset")
        self._init_sampling("MnistDataset", num_samples, num_parallel_workers, shuffle, sampler, num_shards, shard_id)
        self._data = None

    def _names(self):
        return ["image", "label"]

    def _count_rows(self):
        return F.count_mnist("MnistDataset", self.dataset_dir)

    def _prepare(self):
        if self._data is None:
            self._data = F.read_mnist("MnistDataset", self.dataset_dir)
            self._rows = len(self._data[1])

    def _labels(self):
        self._prepare()
        return self._data[1]

    def _read(self, i):
        images, labels = self._data
        return images[i].copy(), np.array(labels[i])


class _CifarBase(_SampledSource):
    _cifar100 = False
    _cls = "Cifar10Dataset"

    def __init__(self, dataset_dir, num_samples=None, num_parallel_workers=None, shuffle=None, sampler=None,
                 num_shards=None, shard_id=None):
        super().__init__(num_parallel_workers)
        self.dataset_dir = CV.check_dataset_dir(dataset_dir, self._cls)
        self._init_sampling(self._cls, num_samples, num_parallel_workers, shuffle, sampler, num_shards, shard_id)
        self._data = None

    def _count_rows(self):
        return F.count_cifar(self._cls, self.dataset_dir, self._cifar100)

    def _prepare(self):
        if self._data is None:
            self._data = F.CifarRecords(self._cls, self.dataset_dir, self._cifar100)
            self._rows = len(self._data)

    def _labels(self):
        self._prepare()
        return self._data.labels()[0]

    def _read(self, i):
        return self._data.row(i)


_CIFAR_DEV = ("Files may hold any whole number of records (0.1 required exactly 10000 per CIFAR-10 file and "
              "10000/50000 per CIFAR-100 test/train file, and counted CIFAR-100 rows from the last file only).",
              "Random orders are numpy's draws from the dataset seed, not 0.1's mt19937 streams.",
              "num_parallel_workers above the CPU count is used as the CPU count (0.1 raised ValueError).")


@ms_api("mindspore.dataset.Cifar10Dataset", torch="numpy reader + torch.utils.data workers", deviations=_CIFAR_DEV)
class Cifar10Dataset(_CifarBase):
    """CIFAR-10 binary version: every file of ``dataset_dir`` whose name contains ``.bin`` (sorted),
    records of 1 label byte + 3072 bytes CHW. Columns ``image`` (32, 32, 3) uint8 HWC and
    ``label`` () uint32.

    Note:
        msnn reads any whole number of 3073-byte records per file (0.1 required exactly 10000, the
        size of the real files); a file whose size is not a whole number of records raises
        RuntimeError. Default order is random (shuffle=None); see :class:`MnistDataset` for
        num_samples.

    Args:
        dataset_dir (str): The directory holding the .bin files.
        num_samples (int): Rows to read (default None: all).
        num_parallel_workers (int): Worker processes (default None: ``config``'s).
        shuffle (bool): Random order (default None: random unless a sampler is given).
        sampler (Sampler): The order (exclusive with shuffle and sharding).
        num_shards (int): Number of shards.
        shard_id (int): This shard.

    Examples:
        >>> import msnn.dataset as ds
        >>> data = ds.Cifar10Dataset("tests/data/cifar10", shuffle=False)
        >>> data.get_dataset_size()
        32
        >>> image, label = next(iter(data))
        >>> image.shape, image.dtype, label.shape, label.dtype
        ((32, 32, 3), dtype('uint8'), (), dtype('uint32'))
    """

    def _names(self):
        return ["image", "label"]


@ms_api("mindspore.dataset.Cifar100Dataset", torch="numpy reader + torch.utils.data workers", deviations=_CIFAR_DEV)
class Cifar100Dataset(_CifarBase):
    """CIFAR-100 binary version: every ``.bin`` file of ``dataset_dir`` (sorted), records of a
    coarse label byte, a fine label byte and 3072 bytes CHW. Columns ``image`` (32, 32, 3) uint8,
    ``coarse_label`` and ``fine_label`` () uint32.

    Note:
        See :class:`Cifar10Dataset` (any whole number of 3074-byte records per file).

    Args:
        dataset_dir (str): The directory holding the .bin files.
        num_samples (int): Rows to read (default None: all).
        num_parallel_workers (int): Worker processes.
        shuffle (bool): Random order (default None: random unless a sampler is given).
        sampler (Sampler): The order.
        num_shards (int): Number of shards.
        shard_id (int): This shard.

    Examples:
        >>> import msnn.dataset as ds
        >>> data = ds.Cifar100Dataset("tests/data/cifar100", shuffle=False)
        >>> [n for n in data.create_dict_iterator().get_next()]
        ['image', 'coarse_label', 'fine_label']
    """

    _cifar100 = True
    _cls = "Cifar100Dataset"

    def _names(self):
        return ["image", "coarse_label", "fine_label"]


@ms_api("mindspore.dataset.ImageFolderDatasetV2", torch="torchvision.datasets.ImageFolder (raw bytes)",
        deviations=("decode=True uses msnn's vision Decode transform.",))
class ImageFolderDatasetV2(_SampledSource):
    """Images in class folders: ``dataset_dir/<class>/<file>``. Columns ``image`` (the file's
    encoded bytes, 1-D uint8, or the decoded HWC image with ``decode=True``) and ``label`` () int32
    (the rank of the folder name, or ``class_indexing[name]``).

    Args:
        dataset_dir (str): The root directory.
        num_samples (int): Rows to read (default None: all).
        num_parallel_workers (int): Worker processes.
        shuffle (bool): Random order (default None: random unless a sampler is given).
        sampler (Sampler): The order.
        extensions (list[str]): File extensions to read, e.g. ['.JPEG', '.png'] (default: all files).
        class_indexing (dict): {folder name: label}; only these folders are read.
        decode (bool): Decode the images (default False).
        num_shards (int): Number of shards.
        shard_id (int): This shard.

    Examples:
        >>> import msnn.dataset as ds
        >>> ds.ImageFolderDatasetV2("tests/data/imagefolder", shuffle=False).get_dataset_size()
        4
    """

    def __init__(self, dataset_dir, num_samples=None, num_parallel_workers=None, shuffle=None, sampler=None,
                 extensions=None, class_indexing=None, decode=False, num_shards=None, shard_id=None):
        super().__init__(num_parallel_workers)
        cls = "ImageFolderDatasetV2"
        self.dataset_dir = CV.check_dataset_dir(dataset_dir, cls)
        if extensions is not None and not isinstance(extensions, list):
            V.fail(cls, "extensions", "a list of str", extensions, TypeError)
        if class_indexing is not None and not isinstance(class_indexing, dict):
            V.fail(cls, "class_indexing", "a dict", class_indexing, TypeError)
        CV.check_bool_arg(decode, "decode", cls)
        self._init_sampling(cls, num_samples, num_parallel_workers, shuffle, sampler, num_shards, shard_id)
        self.extensions = extensions
        self.class_indexing = class_indexing
        self.decode = decode
        self._files = None
        self._decoder = None

    def _names(self):
        return ["image", "label"]

    def _list(self):
        if self._files is None:
            self._files = F.image_folder_list("ImageFolderDatasetV2", self.dataset_dir, self.extensions,
                                              self.class_indexing)
        return self._files

    def _count_rows(self):
        return len(self._list())

    def _prepare(self):
        self._rows = len(self._list())
        if self.decode and self._decoder is None:
            try:
                from ..transforms.vision.c_transforms import Decode  # pylint: disable=import-outside-toplevel
            except ImportError as err:
                raise NotImplementedError("ImageFolderDatasetV2(decode=True) needs "
                                          "msnn.dataset.transforms.vision.c_transforms.Decode") from err
            self._decoder = Decode()

    def _labels(self):
        return np.array([lab for _, lab in self._list()])

    def _read(self, i):
        path, label = self._files[i]
        try:
            with open(path, "rb") as f:
                image = np.frombuffer(f.read(), dtype=np.uint8)
        except OSError as err:
            raise RuntimeError(f"ImageFolderDatasetV2: fail to open file {path!r}: {err}") from None
        if self._decoder is not None:
            image = self._decoder(image)
        return image, np.array(label, dtype=np.int32)

    def num_classes(self):
        """The number of class folders read."""
        return len({lab for _, lab in self._list()})

    def get_class_indexing(self):
        """{folder name: label}."""
        if self.class_indexing:
            return dict(self.class_indexing)
        folders = sorted(n for n in os.listdir(self.dataset_dir) if os.path.isdir(os.path.join(self.dataset_dir, n)))
        return {n: i for i, n in enumerate(folders)}


# ---------------------------------------------------------------- TFRecord sources

_DE_TYPES = {
    "bool": np.bool_, "int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
    "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64,
    "float16": np.float16, "float32": np.float32, "float64": np.float64, "string": np.bytes_,
}


def _de_type(name, where):
    key = str(name).lower()
    if key.startswith("de_"):
        key = key[3:]
    if key not in _DE_TYPES:
        raise RuntimeError(f"{where}: unknown column type {name!r}.")
    return np.dtype(_DE_TYPES[key])


def _schema_columns(obj, columns_list, where):
    """[(name, dtype, shape or None, rank)] from a schema's ``columns`` (dict or list)."""
    cols = obj.get("columns")
    if not cols:
        raise RuntimeError(f"{where}: the schema has no columns.")
    if isinstance(cols, dict):
        items = {k: dict(v, name=k) for k, v in cols.items()}
        order = sorted(items)  # 0.1 parsed JSON objects in key order
    elif isinstance(cols, list):
        items = {}
        order = []
        for c in cols:
            if not isinstance(c, dict) or "name" not in c:
                raise RuntimeError(f"{where}: a schema column has no name field.")
            items[c["name"]] = c
            order.append(c["name"])
    else:
        raise RuntimeError(f"{where}: the schema's columns must be an object or a list.")
    if columns_list:
        missing = [c for c in columns_list if c not in items]
        if missing:
            raise RuntimeError(f"{where}: failed to find column {missing[0]!r} in the schema (columns {order}).")
        order = list(columns_list)
    out = []
    for name in order:
        c = items[name]
        for k in c:
            if k not in ("name", "type", "rank", "shape", "t_impl"):
                raise RuntimeError(f"{where}: unexpected column attribute {k!r} for column {name!r}.")
        if "type" not in c:
            raise RuntimeError(f"{where}: column {name!r}'s type field is missing.")
        shape = c.get("shape")
        out.append((name, _de_type(c["type"], where), None if shape is None else tuple(int(s) for s in shape),
                    c.get("rank", 1 if shape is None else len(shape))))
    return out


def _load_json(path, where, what="schema"):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except ValueError as err:
        raise RuntimeError(f"{where}: JSON decode error when loading the {what} file {path!r}: {err}") from None
    except OSError as err:
        raise RuntimeError(f"{where}: the {what} file {path!r} failed to load: {err}") from None


class _TFRecordSource(_SampledSource):
    """Rows of tf.Example records in TFRecord files, typed and shaped by a schema."""

    _cls = "TFRecordDataset"

    def _init_records(self, files, columns):
        self._files_in = files
        self._columns = columns  # [(name, dtype, shape, rank)] or None (from the first record)
        self._index = None  # [(file number, record number)]
        self._maps = None

    def _scan(self):
        if self._index is None:
            index, maps = [], []
            for fno, path in enumerate(self._files_in):
                offsets, data = F.tfrecord_offsets(self._cls, path)
                maps.append((path, offsets, _mapped(path, data)))
                index.extend((fno, r) for r in range(len(offsets)))
            self._maps = maps
            self._index = index
            if not index:
                raise RuntimeError(f"{self._cls}: the TFRecord files {self._files_in} hold no record.")
            if self._columns is None:
                feats = self._example(0)
                kinds = {"int64": np.dtype(np.int64), "float": np.dtype(np.float32), "bytes": np.dtype(np.uint8)}
                names = sorted(feats)
                if self.columns_list:
                    missing = [c for c in self.columns_list if c not in feats]
                    if missing:
                        raise RuntimeError(f"{self._cls}: column {missing[0]!r} is not a feature of the records "
                                           f"of {self._files_in[0]!r} (features {names}).")
                    names = list(self.columns_list)
                self._columns = [(n, kinds[feats[n][0]], None, 1) for n in names]
        return self._index

    def _example(self, i):
        fno, r = self._index[i]
        path, offsets, data = self._maps[fno]
        payload = F.read_tfrecord(self._cls, path, offsets, data, r)
        try:
            return F.parse_example(payload)
        except ValueError as err:
            raise RuntimeError(f"{self._cls}: record {r} of {path!r} is not a valid tf.Example: {err}") from None

    def _names(self):
        self._scan()
        return [c[0] for c in self._columns]

    def _prepare(self):
        self._scan()

    def _read(self, i):
        feats = self._example(i)
        row = []
        for name, dtype, shape, rank in self._columns:
            if name not in feats or feats[name][0] is None:
                fno, r = self._index[i]
                raise RuntimeError(f"{self._cls}: column {name!r} is missing from record {r} of "
                                   f"{self._maps[fno][0]!r}.")
            kind, values = feats[name]
            if kind == "bytes":
                if dtype not in (np.dtype(np.uint8), np.dtype(np.int8)):
                    raise RuntimeError(f"{self._cls}: column {name!r} holds bytes; its type must be uint8 or int8, "
                                       f"not {dtype}.")
                if len(values) > 1:
                    raise RuntimeError(f"{self._cls}: the bytes list of column {name!r} holds more than one element.")
                arr = np.frombuffer(values[0] if values else b"", dtype=dtype)
            elif kind == "float":
                if dtype != np.dtype(np.float32):
                    raise RuntimeError(f"{self._cls}: column {name!r} holds floats; its type must be float32, "
                                       f"not {dtype}.")
                arr = values
            else:
                if dtype.kind not in "iu":
                    raise RuntimeError(f"{self._cls}: column {name!r} holds int64s; its type must be an int type, "
                                       f"not {dtype}.")
                arr = values.astype(dtype, copy=False)
            if shape is not None:
                if int(np.prod(shape)) != arr.size:
                    raise RuntimeError(f"{self._cls}: column {name!r} has {arr.size} values but the schema's shape "
                                       f"is {list(shape)}.")
                arr = arr.reshape(shape)
            elif rank == 0:
                if arr.size != 1:
                    raise RuntimeError(f"{self._cls}: column {name!r} is a scalar (rank 0) but has {arr.size} values.")
                arr = arr.reshape(())
            elif rank not in (1, None):
                raise RuntimeError(f"{self._cls}: column {name!r} has rank {rank} > 1 and no shape in the schema.")
            row.append(np.array(arr))
        return tuple(row)


def _mapped(path, data):
    """The file's bytes (memory-mapped when it is large, so forked workers share it)."""
    if len(data) < (1 << 24):
        return data
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


@ms_api("mindspore.dataset.engine.datasets.StorageDataset", torch="pure-Python TFRecord + tf.Example reader",
        deviations=("The data CRC of every record is checked (0.1 skipped the CRCs).",
                    "A distribution file other than shardConfig 'ALL' raises NotImplementedError."))
class StorageDataset(_TFRecordSource):
    """TFRecord files of tf.Example records, typed and shaped by a JSON schema (the BERT example's
    reader, deprecated in 0.1 for TFRecordDataset).

    The schema (``datasetSchema.json``) holds ``numRows`` (mandatory: the epoch has
    min(numRows, records) rows) and ``columns``: {name: {"type": "int64" | "DE_INT64" | ...,
    "rank": r, "shape": [...]}}. Rows come in file order.

    Args:
        dataset_files (list[str]): The TFRecord files.
        schema (str): The JSON schema file.
        distribution (str): A distribution JSON file (only shardConfig "ALL" is supported).
        columns_list (list[str]): The columns to read, in order (default: the schema's, in name order).
        num_parallel_workers (int): Worker processes.
        deterministic_output (bool): Accepted (rows always come in file order).
        prefetch_size (int): Accepted (see ``config.set_prefetch_size``).

    Raises:
        ValueError: missing files or schema.
        RuntimeError: schema not valid JSON, no numRows; corrupted records (when read).

    Examples:
        >>> import msnn.dataset.engine.datasets as de
        >>> data = de.StorageDataset(["tests/data/bert/examples.tfrecord"], "tests/data/bert/datasetSchema.json",
        ...                          columns_list=["input_ids", "next_sentence_labels"])
        >>> data.get_dataset_size()
        16
        >>> [(a.shape, a.dtype) for a in next(iter(data))]
        [((128,), dtype('int64')), ((1,), dtype('int64'))]
    """

    _cls = "StorageDataset"

    def __init__(self, dataset_files, schema, distribution="", columns_list=None, num_parallel_workers=None,
                 deterministic_output=None, prefetch_size=None):
        super().__init__(num_parallel_workers)
        cls = self._cls
        if not dataset_files:
            V.fail(cls, "dataset_files", "a non-empty list of files", dataset_files, ValueError)
        if not isinstance(dataset_files, list):
            V.fail(cls, "dataset_files", "a list of str", dataset_files, ValueError)
        for f in dataset_files:
            if not isinstance(f, str) or not os.path.isfile(f) or not os.access(f, os.R_OK):
                V.fail(cls, "dataset_files", "existing readable files", f, ValueError)
        if not isinstance(schema, str) or not os.path.isfile(schema):
            V.fail(cls, "schema", "an existing JSON file", schema, ValueError)
        if columns_list is not None and not isinstance(columns_list, list):
            V.fail(cls, "columns_list", "a list of str", columns_list, ValueError)
        CV.check_num_parallel_workers(num_parallel_workers, cls)
        CV.check_bool_arg(deterministic_output, "deterministic_output", cls)
        CV.check_int_arg(prefetch_size, "prefetch_size", cls)
        obj = _load_json(schema, cls)
        if distribution:
            dist = _load_json(distribution, cls, "distribution")
            if dist.get("shardConfig", "ALL") != "ALL":
                raise NotImplementedError(f"{cls}: the distribution file {distribution!r} asks for shardConfig "
                                          f"{dist.get('shardConfig')!r}; msnn supports 'ALL' only (use "
                                          "TFRecordDataset(num_shards=, shard_id=)).")
        num_rows = obj.get("numRows", 0) if isinstance(obj, dict) else 0
        if not CV.is_int(num_rows) or num_rows <= 0:
            raise RuntimeError(f"{cls}: the schema {schema!r} must give numRows (a positive int); got {num_rows!r}.")
        self.dataset_files = list(dataset_files)
        self.schema = schema
        self.distribution = distribution
        self.columns_list = columns_list
        self.deterministic_output = deterministic_output
        self.prefetch_size = prefetch_size
        self._schema_rows = num_rows
        self.num_samples = None
        self.sampler = samplers.SequentialSampler()
        self.num_shards = self.shard_id = None
        self._rows = None
        self._init_records(self.dataset_files, _schema_columns(obj, columns_list, cls))

    def _count_rows(self):
        return min(self._schema_rows, len(self._scan()))

    def _prepare(self):
        self._scan()
        self._rows = self._count_rows()

    def get_dataset_size(self):
        """min(numRows of the schema, records in the files), or the value given to set_dataset_size."""
        if self._dataset_size is not None:
            return self._dataset_size
        return super().get_dataset_size()

    def set_dataset_size(self, value):
        """Override the size get_dataset_size reports (0.1's temporary workaround; ValueError if < 0)."""
        if not CV.is_int(value) or value < 0:
            V.fail("StorageDataset.set_dataset_size", "value", "a non-negative int", value, ValueError)
        self._dataset_size = value

    def num_classes(self):
        """Not known for TFRecord data (0.1 raised ValueError for non-IMAGENET/MANIFEST schemas)."""
        raise ValueError("StorageDataset: this dataset type does not support num_classes.")


@ms_api("mindspore.dataset.TFRecordDataset", torch="pure-Python TFRecord + tf.Example reader",
        deviations=("Shuffle.GLOBAL is a true per-epoch permutation of all rows (0.1 shuffled files and "
                    "rows through a buffer).", "Shards are every num_shards-th row (0.1 split by files)."))
class TFRecordDataset(_TFRecordSource):
    """tf.Example records of TFRecord files (paths or glob patterns, sorted).

    Args:
        dataset_files (str or list[str]): Files or glob patterns.
        schema (str or Schema): Column types and shapes (default: from the first record; int64
            lists -> int64, float lists -> float32, bytes -> uint8, all 1-D).
        columns_list (list[str]): Columns to read, in order.
        num_samples (int): Rows to read (default: the schema's numRows, else all).
        num_parallel_workers (int): Worker processes.
        shuffle (bool or Shuffle): Shuffle.GLOBAL (default) / True: rows; Shuffle.FILES: file order; False: none.
        num_shards (int): Number of shards.
        shard_id (int): This shard.
        shard_equal_rows (bool): Accepted (shards always have equal rows here).

    Examples:
        >>> import msnn.dataset as ds
        >>> data = ds.TFRecordDataset("tests/data/bert/*.tfrecord", shuffle=False)
        >>> data.get_dataset_size(), len(next(iter(data)))
        (16, 7)
    """

    _cls = "TFRecordDataset"

    def __init__(self, dataset_files, schema=None, columns_list=None, num_samples=None, num_parallel_workers=None,
                 shuffle=Shuffle.GLOBAL, num_shards=None, shard_id=None, shard_equal_rows=False):
        super().__init__(num_parallel_workers)
        cls = self._cls
        if dataset_files is None:
            V.fail(cls, "dataset_files", "provided", dataset_files, ValueError)
        if not isinstance(dataset_files, (str, list)):
            V.fail(cls, "dataset_files", "a str or a list of str", dataset_files, TypeError)
        if columns_list is not None and not isinstance(columns_list, list):
            V.fail(cls, "columns_list", "a list of str", columns_list, TypeError)
        if not isinstance(shuffle, (bool, Shuffle)):
            V.fail(cls, "shuffle", "a bool or a Shuffle", shuffle, TypeError)
        patterns = dataset_files if isinstance(dataset_files, list) else [dataset_files]
        files = sorted({f for p in patterns for f in glob.glob(p, recursive=True)})
        if not files:
            V.fail(cls, "dataset_files", "patterns matching at least one file", dataset_files, ValueError)
        columns = None
        schema_rows = 0
        if schema is not None:
            obj = json.loads(schema.to_json()) if isinstance(schema, Schema) else _load_json(schema, cls)
            columns = _schema_columns(obj, columns_list, cls)
            schema_rows = obj.get("numRows", 0) or 0
        if num_samples is None and schema_rows:
            num_samples = schema_rows
        self._init_sampling(cls, num_samples, num_parallel_workers, None, None, num_shards, shard_id)
        self.dataset_files = files
        self.schema = schema
        self.columns_list = columns_list
        self.shuffle_level = (Shuffle.GLOBAL if shuffle is True else None if shuffle is False else shuffle)
        self.shard_equal_rows = shard_equal_rows
        global_shuffle = self.shuffle_level == Shuffle.GLOBAL
        self.sampler = (samplers.DistributedSampler(num_shards, shard_id, shuffle=global_shuffle)
                        if num_shards is not None else
                        samplers.RandomSampler() if global_shuffle else samplers.SequentialSampler())
        self._init_records(files, columns)

    def _count_rows(self):
        return len(self._scan())

    def _epoch_indices(self, rng):
        if self.shuffle_level == Shuffle.FILES:
            self._scan()
            by_file = {}
            for i, (fno, _) in enumerate(self._index):
                by_file.setdefault(fno, []).append(i)
            order = [i for f in rng.permutation(len(self._files_in)) for i in by_file.get(int(f), [])]
            ids = super()._epoch_indices(rng)
            return [order[i] for i in ids]
        return super()._epoch_indices(rng)

    def _limit(self, num_rows):
        return num_rows if not self.num_samples else min(self.num_samples, num_rows)


# ---------------------------------------------------------------- Python sources


def _row_tuple(val, names, types, where):
    if not isinstance(val, (tuple, list)):
        raise RuntimeError(f"{where}: each row must be a tuple of numpy arrays (one per column {names}); "
                           f"got a {type(val).__name__}.")
    if len(val) != len(names):
        raise RuntimeError(f"{where}: a row has {len(val)} item(s) but column_names has {len(names)} ({names}).")
    row = tuple(_to_numpy(x) if isinstance(x, torch.Tensor) else np.array(x) for x in val)
    if types is not None:
        for a, t, n in builtins.zip(row, types, names):
            if t is not None and a.dtype != t:
                raise RuntimeError(f"{where}: column {n!r} is {a.dtype} but column_types says {t}.")
    return row


def _np_dtype(t, where):
    if t is None:
        return None
    if isinstance(t, torch.dtype):
        return np.dtype(torch.empty(0, dtype=t).numpy().dtype)
    try:
        return np.dtype(t)
    except TypeError:
        raise TypeError(f"For '{where}', the 'column_types' must hold dtypes, but got {t!r}.") from None


@ms_api("mindspore.dataset.GeneratorDataset", torch="torch.utils.data.IterableDataset / Dataset",
        deviations=("get_dataset_size() is len(source) (or the sampler's length) when it can be known; 0.1 "
                    "returned None unless set_dataset_size was called.",))
class GeneratorDataset(SourceDataset):
    """Rows from Python: a callable returning an iterator (called each epoch), an iterable, or a
    random-access object (``__getitem__`` + ``__len__``) read in a sampler's order.

    Each row is a tuple with one item per ``column_names`` entry, converted with ``np.array``.

    Args:
        generator_function (callable or iterable): The source.
        column_names (list[str]): The column names.
        column_types (list[dtype]): Checked against each row's dtypes when given.
        prefetch_size (int): Accepted (see ``config.set_prefetch_size``).
        sampler (Sampler or iterable of int): Order of a random-access source.

    Raises:
        ValueError: generator_function or column_names missing.
        TypeError: column_names / column_types not lists.
        RuntimeError: a row that is not a tuple of the right length (when read).

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> data = ds.GeneratorDataset([(np.array(i), np.array(-i)) for i in range(3)], ["a", "b"],
        ...                            sampler=ds.SequentialSampler())
        >>> data.get_dataset_size(), [int(r[1]) for r in data]
        (3, [0, -1, -2])
    """

    def __init__(self, generator_function, column_names, column_types=None, prefetch_size=None, sampler=None):
        super().__init__(1)
        cls = "GeneratorDataset"
        if generator_function is None:
            V.fail(cls, "generator_function", "provided", generator_function, ValueError)
        if column_names is None:
            V.fail(cls, "column_names", "provided", column_names, ValueError)
        if not isinstance(column_names, list) or not all(isinstance(c, str) for c in column_names):
            V.fail(cls, "column_names", "a list of str", column_names, TypeError)
        if column_types is not None and not isinstance(column_types, list):
            V.fail(cls, "column_types", "a list", column_types, TypeError)
        CV.check_int_arg(prefetch_size, "prefetch_size", cls)
        _check_unique(column_names, cls)
        self.source = generator_function
        self.column_names = list(column_names)
        self.column_types = column_types
        self._types = None if column_types is None else [_np_dtype(t, cls) for t in column_types]
        self.prefetch_size = prefetch_size
        self.sampler = sampler
        self.distribution = ""
        self._random_access = sampler is not None
        if sampler is not None and not (hasattr(generator_function, "__getitem__")):
            V.fail(cls, "generator_function", "a random-access object (with __getitem__) when a sampler is given",
                   generator_function, TypeError)

    def _names(self):
        return list(self.column_names)

    def _len(self):
        try:
            return len(self.source)
        except TypeError:
            return None

    def _epoch_indices(self, rng):
        if isinstance(self.sampler, samplers._Sampler):  # pylint: disable=protected-access
            n = self._len()
            if n is None:
                raise RuntimeError("GeneratorDataset: a msnn sampler needs a source with __len__.")
            return list(self.sampler._indices(n, n, rng))  # pylint: disable=protected-access
        return [int(i) for i in self.sampler]

    def _read(self, i):
        try:
            val = self.source[i]
        except Exception as err:
            raise RuntimeError(f"GeneratorDataset: reading item {i} of the source failed: "
                               f"{type(err).__name__}: {err}") from err
        return _row_tuple(val, self.column_names, self._types, "GeneratorDataset")

    def _serial_epoch(self, rng):
        src = self.source
        if callable(src) and not hasattr(src, "__iter__"):
            it = iter(src())
        else:
            it = iter(src)
        names, types = self.column_names, self._types
        while True:
            try:
                val = next(it)
            except StopIteration:
                return
            except Exception as err:
                raise RuntimeError(f"GeneratorDataset: the generator raised {type(err).__name__}: {err}") from err
            yield _row_tuple(val, names, types, "GeneratorDataset")

    def get_dataset_size(self):
        """The value given to set_dataset_size, else the sampler's / source's length when known, else None."""
        if self._dataset_size is not None:
            return self._dataset_size
        n = self._len()
        if self.sampler is not None:
            if isinstance(self.sampler, samplers._Sampler):  # pylint: disable=protected-access
                return None if n is None else self.sampler._count(n, n)  # pylint: disable=protected-access
            try:
                return len(self.sampler)
            except TypeError:
                return None
        return n if not callable(self.source) or hasattr(self.source, "__len__") else None

    def set_dataset_size(self, value):
        """Set the size get_dataset_size reports (ValueError if negative)."""
        if not CV.is_int(value) or value < 0:
            V.fail("GeneratorDataset.set_dataset_size", "value", "a non-negative int", value, ValueError)
        self._dataset_size = value


def _not_in_msnn(name):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"{name} is not implemented in msnn (no 0.1 example uses it); convert the "
                                  "data to TFRecord, or read it with GeneratorDataset.")
    return type(name, (SourceDataset,), {"__init__": __init__, "__doc__": f"Not implemented in msnn: raises "
                                                                          "NotImplementedError."})


MindDataset = _not_in_msnn("MindDataset")
ManifestDataset = _not_in_msnn("ManifestDataset")
VOCDataset = _not_in_msnn("VOCDataset")
CelebADataset = _not_in_msnn("CelebADataset")


# ---------------------------------------------------------------- operations


@ms_api("mindspore.dataset.engine.datasets.DatasetOp", torch="torch.utils.data pipelines")
class DatasetOp(Dataset):
    """A node that transforms its input's rows.

    Examples:
        >>> import msnn.dataset as ds
        >>> issubclass(ds.engine.datasets.BatchDataset, ds.engine.datasets.DatasetOp)
        True
    """


def _is_chain_top(node):
    n = node
    while isinstance(n, (MapDataset, ProjectDataset, RenameDataset)):
        n = n.input[0]
    return isinstance(n, SourceDataset) and n._random_access


@ms_api("mindspore.dataset.engine.datasets.BatchDataset", torch="torch.utils.data.default_collate (np.stack)")
class BatchDataset(DatasetOp):
    """The result of :meth:`Dataset.batch`.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> data = ds.GeneratorDataset(lambda: ((np.zeros(2),) for _ in range(5)), ["x"]).batch(2, True)
        >>> [r[0].shape for r in data]
        [(2, 2), (2, 2)]
    """

    def __init__(self, input_dataset, batch_size, drop_remainder=False, num_parallel_workers=None,
                 per_batch_map=None, input_columns=None):
        super().__init__(num_parallel_workers)
        cls = "batch"
        if batch_size is None:
            V.fail(cls, "batch_size", "provided", batch_size, ValueError)
        if not (CV.is_int(batch_size) or callable(batch_size)):
            V.fail(cls, "batch_size", "an int or a callable", batch_size, ValueError)
        if callable(batch_size) and len(inspect.signature(batch_size).parameters) != 1:
            V.fail(cls, "batch_size", "a callable taking one parameter (BatchInfo)", batch_size, ValueError)
        if CV.is_int(batch_size) and (batch_size <= 0 or batch_size > CV.INT32_MAX):
            V.fail(cls, "batch_size", f"an int in [1, {CV.INT32_MAX}]", batch_size, RuntimeError)
        CV.check_bool_arg(drop_remainder, "drop_remainder", cls)
        CV.check_num_parallel_workers(num_parallel_workers, cls)
        if input_columns is not None:
            input_columns = CV.check_columns(input_columns, "input_columns", cls)
        if (per_batch_map is None) != (input_columns is None):
            raise ValueError("For 'batch', 'per_batch_map' and 'input_columns' must be given together.")
        if input_columns is not None:
            if not input_columns:
                V.fail(cls, "input_columns", "non-empty", input_columns, ValueError)
            if len(input_columns) != len(inspect.signature(per_batch_map).parameters) - 1:
                raise ValueError("For 'batch', the signature of 'per_batch_map' must take one list per input "
                                 "column plus a BatchInfo.")
        if _is_ancestor_of_repeat(input_dataset):
            _LOG.warning("Repeat is located before batch, data from two epochs can be batched together.")
        self.batch_size = batch_size
        self.drop_remainder = drop_remainder
        self.per_batch_map = per_batch_map
        self.input_columns = input_columns
        self._attach(input_dataset)

    def _open(self, run):
        fused = _fusable(self)
        if fused is not None:
            return _FusedBatchRunner(self, fused[0], fused[1], run)
        return _BatchRunner(self, run)

    def get_dataset_size(self):
        """ceil (floor with drop_remainder) of the input's size / batch_size; None for a callable batch_size."""
        child = self.input[0].get_dataset_size()
        if child is None or callable(self.batch_size):
            return None
        if self.drop_remainder:
            return child // self.batch_size
        return -(-child // self.batch_size)

    def get_batch_size(self):
        return self.batch_size


def _is_ancestor_of_repeat(dataset):
    if isinstance(dataset, RepeatDataset):
        return True
    return any(_is_ancestor_of_repeat(d) for d in dataset.input)


@ms_api("mindspore.dataset.engine.datasets.ShuffleDataset", torch="shuffle buffer (as tf.data)",
        deviations=("Every epoch's order derives from the dataset seed (0.1 reseeded epochs after the first from "
                    "/dev/urandom).",))
class ShuffleDataset(DatasetOp):
    """The result of :meth:`Dataset.shuffle`: a buffer of ``buffer_size`` rows from which a random
    row is emitted and replaced by the next input row; reshuffled each epoch.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> data = ds.GeneratorDataset(lambda: ((np.array(i),) for i in range(6)), ["x"]).shuffle(4)
        >>> sorted(int(r[0]) for r in data)
        [0, 1, 2, 3, 4, 5]
    """

    def __init__(self, input_dataset, buffer_size):
        super().__init__()
        if buffer_size is None:
            V.fail("shuffle", "buffer_size", "provided", buffer_size, ValueError)
        if not CV.is_int(buffer_size):
            V.fail("shuffle", "buffer_size", "an int", buffer_size, TypeError)
        if buffer_size < 2 or buffer_size > CV.INT32_MAX:
            V.fail("shuffle", "buffer_size", f"an int in [2, {CV.INT32_MAX}]", buffer_size, ValueError)
        self.buffer_size = int(buffer_size)
        self._attach(input_dataset)

    def _open(self, run):
        return _ShuffleRunner(self, run)


@ms_api("mindspore.dataset.engine.datasets.MapDataset", torch="torch.utils.data worker processes")
class MapDataset(DatasetOp):
    """The result of :meth:`Dataset.map`.

    Raises:
        ValueError: input and output columns of different lengths without columns_order.
        TypeError: wrongly typed columns / columns_order / num_parallel_workers.
        RuntimeError: (when iterated) a column that does not exist; an operation that fails or
            returns something other than numpy arrays.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> data = ds.GeneratorDataset(lambda: ((np.array(1), np.array(2)),), ["a", "b"])
        >>> data = data.map(input_columns=["a", "b"], operations=lambda a, b: (a + b,),
        ...                 output_columns=["sum"], columns_order=["sum"])
        >>> data.create_dict_iterator().get_next()
        {'sum': array(3)}
    """

    def __init__(self, input_dataset, input_columns=None, operations=None, output_columns=None, columns_order=None,
                 num_parallel_workers=None):
        super().__init__(num_parallel_workers)
        cls = "map"
        if columns_order is not None and not isinstance(columns_order, list):
            V.fail(cls, "columns_order", "a list of str", columns_order, TypeError)
        CV.check_num_parallel_workers(num_parallel_workers, cls)
        if input_columns is not None:
            input_columns = CV.check_columns(input_columns, "input_columns", cls)
        if output_columns is not None:
            output_columns = CV.check_columns(output_columns, "output_columns", cls)
        if operations is None:
            V.fail(cls, "operations", "a callable or a list of callables", operations, ValueError)
        if not isinstance(operations, list):
            operations = [operations]
        for op in operations:
            if not callable(op):
                V.fail(cls, "operations", "callables", op, TypeError)
        if input_columns and output_columns and len(input_columns) != len(output_columns) and columns_order is None:
            raise ValueError("For 'map', 'columns_order' must be specified when len(input_columns) != "
                             f"len(output_columns) ({input_columns} -> {output_columns}).")
        self.input_columns = input_columns
        self.operations = operations
        self.output_columns = output_columns
        self.columns_order = columns_order
        self._attach(input_dataset)

    def _compile(self, names):
        names = list(names)
        in_cols = self.input_columns or [names[0]]
        for c in in_cols:
            if c not in names:
                raise RuntimeError(f"map: input column name {c!r} doesn't exist in the dataset columns {names}.")
        out_cols = self.output_columns or in_cols
        in_idx = [names.index(c) for c in in_cols]
        replace = len(in_cols) == len(out_cols)
        keep = None
        if replace:
            new = list(names)
            for i, o in builtins.zip(in_idx, out_cols):
                new[i] = o
        else:
            keep = [i for i in range(len(names)) if i not in in_idx]
            new = list(out_cols) + [names[i] for i in keep]
        proj = None
        if self.columns_order is not None:
            missing = [c for c in self.columns_order if c not in new]
            if missing:
                raise RuntimeError(f"map: columns_order names {missing[0]!r}, which is not a column after the map "
                                   f"({new}).")
            _check_unique(new, "map")
            proj = [new.index(c) for c in self.columns_order]
            new = list(self.columns_order)
        _check_unique(new, "map")
        step_cls = _MapStep1 if (len(in_idx) == 1 and replace and proj is None) else _MapStep
        return step_cls(self.operations, in_idx, in_cols, len(out_cols), replace, keep, proj), new

    def _open(self, run):
        if _is_chain_top(self):
            return _ChainRunner(self, run)
        return _StepRunner(self, run)


@ms_api("mindspore.dataset.engine.datasets.RepeatDataset", torch="itertools.chain over epochs")
class RepeatDataset(DatasetOp):
    """The result of :meth:`Dataset.repeat`.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> data = ds.GeneratorDataset(lambda: ((np.array(i),) for i in range(2)), ["x"]).repeat(3)
        >>> data.get_dataset_size(), data.get_repeat_count(), len(list(data))
        (None, 3, 6)
    """

    def __init__(self, input_dataset, count=None):
        super().__init__()
        if count is not None:
            if not CV.is_int(count):
                V.fail("repeat", "count", "an int", count, TypeError)
            if (count <= 0 and count != -1) or count > CV.INT32_MAX:
                V.fail("repeat", "count", "-1 or a positive int", count, ValueError)
        self.count = -1 if count is None else int(count)
        self._attach(input_dataset)

    def _open(self, run):
        return _RepeatRunner(self, run)

    def get_dataset_size(self):
        """The input's size (one epoch)."""
        return self.input[0].get_dataset_size()

    def get_repeat_count(self):
        return self.count


@ms_api("mindspore.dataset.engine.datasets.ZipDataset", torch="zip of iterators")
class ZipDataset(DatasetOp):
    """The result of :func:`zip` / :meth:`Dataset.zip`: rows side by side, as long as the shortest input.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> a = ds.GeneratorDataset(lambda: ((np.array(i),) for i in range(3)), ["a"])
        >>> b = ds.GeneratorDataset(lambda: ((np.array(-i),) for i in range(2)), ["b"])
        >>> [[int(v) for v in r] for r in ds.zip((a, b))]
        [[0, 0], [1, -1]]
    """

    def __init__(self, datasets):
        super().__init__()
        for d in datasets:
            if not isinstance(d, Dataset):
                V.fail("zip", "datasets", "Datasets", d, TypeError)
        self.datasets = datasets
        for d in datasets:
            self.input.append(d)
            d.output.append(self)

    def _open(self, run):
        return _ZipRunner(self, run)

    def get_dataset_size(self):
        sizes = [d.get_dataset_size() for d in self.input]
        return None if any(s is None for s in sizes) else min(sizes)

    def num_classes(self):
        return None


@ms_api("mindspore.dataset.engine.datasets.RenameDataset", torch="column renaming")
class RenameDataset(DatasetOp):
    """The result of :meth:`Dataset.rename`.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> data = ds.GeneratorDataset(lambda: ((np.array(1),),), ["a"]).rename("a", "b")
        >>> list(data.create_dict_iterator().get_next())
        ['b']
    """

    def __init__(self, input_dataset, input_columns, output_columns):
        super().__init__()
        for name, value in (("input_columns", input_columns), ("output_columns", output_columns)):
            if value is None:
                V.fail("rename", name, "provided", value, ValueError)
        self.input_column_names = CV.check_columns(input_columns, "input_columns", "rename")
        self.output_column_names = CV.check_columns(output_columns, "output_columns", "rename")
        if len(self.input_column_names) != len(self.output_column_names):
            V.fail("rename", "output_columns", f"{len(self.input_column_names)} names (one per input column)",
                   output_columns, ValueError)
        self._attach(input_dataset)

    def _compile(self, names):
        new = list(names)
        for i, o in builtins.zip(self.input_column_names, self.output_column_names):
            if i not in names:
                raise RuntimeError(f"rename: column {i!r} doesn't exist in the dataset columns {list(names)}.")
            new[names.index(i)] = o
        _check_unique(new, "rename")
        return _identity_step, new

    def _open(self, run):
        if _is_chain_top(self):
            return _ChainRunner(self, run)
        return _StepRunner(self, run)


@ms_api("mindspore.dataset.engine.datasets.ProjectDataset", torch="column selection")
class ProjectDataset(DatasetOp):
    """The result of :meth:`Dataset.project`.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> data = ds.GeneratorDataset(lambda: ((np.array(1), np.array(2)),), ["a", "b"]).project(["b"])
        >>> data.create_dict_iterator().get_next()
        {'b': array(2)}
    """

    def __init__(self, input_dataset, columns, prefetch_size=None):
        super().__init__()
        if columns is None:
            V.fail("project", "columns", "provided", columns, ValueError)
        self.columns = CV.check_columns(columns, "columns", "project")
        self.prefetch_size = prefetch_size
        self._attach(input_dataset)

    def _compile(self, names):
        missing = [c for c in self.columns if c not in names]
        if missing:
            raise RuntimeError(f"project: column {missing[0]!r} doesn't exist in the dataset columns {list(names)}.")
        return _ProjectStep([list(names).index(c) for c in self.columns]), list(self.columns)

    def _open(self, run):
        if _is_chain_top(self):
            return _ChainRunner(self, run)
        return _StepRunner(self, run)


@ms_api("mindspore.dataset.engine.datasets.TransferDataset", torch="msnn named dataset channel")
class TransferDataset(DatasetOp):
    """The result of :meth:`Dataset.to_device`: ``send()`` connects the pipeline to msnn's named
    dataset channel ``queue_name`` (what 0.1's device queue was); it is not iterable itself.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> t = ds.GeneratorDataset(lambda: ((np.ones(2, np.float32),),), ["x"]).to_device()
        >>> t.send()
        >>> from msnn.dataset.engine.datasets import _queues
        >>> t.queue_name in _queues().dataset_queue_names()
        True
        >>> _queues().disconnect_dataset(t.queue_name)
    """

    def __init__(self, input_dataset, queue_name, device_id, device_type, num_batch=None):
        super().__init__()
        self.queue_name = queue_name
        self._device_id = device_id
        self._device_type = device_type
        self._num_batch = num_batch
        self._attach(input_dataset)

    def _open(self, run):
        raise RuntimeError("TransferDataset is not iterable")

    def create_dict_iterator(self):
        raise RuntimeError("TransferDataset is not iterable")

    def create_tuple_iterator(self, columns=None):
        raise RuntimeError("TransferDataset is not iterable")

    def __iter__(self):
        raise RuntimeError("TransferDataset is not iterable")

    def output_shapes(self):
        raise RuntimeError("TransferDataset does not support output_shapes")

    def output_types(self):
        raise RuntimeError("TransferDataset does not support output_types")

    def send(self):
        """Connect the pipeline to the named channel ``queue_name`` (one pass)."""
        _queues().connect_dataset(self.queue_name, _TupleIterable(self.input[0]), num_epochs=1)


def _queues():
    """The module holding msnn's named dataset channels (msnn.train.dataset_helper, formerly msnn.dataset_queue)."""
    import importlib  # pylint: disable=import-outside-toplevel
    try:
        mod = importlib.import_module("msnn.train.dataset_helper")
        if hasattr(mod, "connect_dataset"):
            return mod
    except ImportError:
        pass
    return importlib.import_module("msnn.dataset_queue")


class _TupleIterable:
    def __init__(self, dataset):
        self.dataset = dataset

    def __iter__(self):
        return iter(TupleIterator(self.dataset))


class TorchIterable(torch.utils.data.IterableDataset):
    """A pipeline as a torch ``IterableDataset`` (see :meth:`Dataset.to_torch`)."""

    def __init__(self, dataset):
        super().__init__()
        self.dataset = dataset

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        share, mine = (1, 0) if info is None else (info.num_workers, info.id)
        for k, row in enumerate(TupleIterator(self.dataset)):
            if k % share != mine:  # under DataLoader(num_workers=n) each worker yields every n-th row
                continue
            yield tuple(torch.from_numpy(np.ascontiguousarray(
                a.astype(np.int64) if a.dtype in (np.uint16, np.uint32, np.uint64) else a)) for a in row)

    def __len__(self):
        size = self.dataset.get_dataset_size()
        count = self.dataset.get_repeat_count()
        if size is None or count == -1:
            raise TypeError("this pipeline's length is unknown")
        return size * count


@ms_api("mindspore.dataset.zip", torch="zip of iterators")
def zip(datasets):  # pylint: disable=redefined-builtin
    """Zip a tuple of datasets (at least two).

    Raises:
        TypeError: datasets is not a tuple.
        ValueError: fewer than two datasets.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> a = ds.GeneratorDataset(lambda: ((np.array(1),),), ["a"])
        >>> b = ds.GeneratorDataset(lambda: ((np.array(2),),), ["b"])
        >>> ds.zip((a, b)).create_dict_iterator().get_next()
        {'a': array(1), 'b': array(2)}
    """
    if datasets is None:
        V.fail("zip", "datasets", "provided", datasets, ValueError)
    if not isinstance(datasets, tuple):
        V.fail("zip", "datasets", "a tuple of Datasets", datasets, TypeError)
    if len(datasets) <= 1:
        V.fail("zip", "datasets", "a tuple of at least two Datasets", datasets, ValueError)
    return ZipDataset(datasets)


@ms_api("mindspore.dataset.Schema", torch="JSON column description")
class Schema:
    """Column names, types and shapes of a TFRecord dataset (the ``datasetSchema.json`` format).

    Args:
        schema_file (str): A JSON schema file to load (default None: empty).

    Examples:
        >>> import msnn.dataset as ds
        >>> s = ds.Schema()
        >>> s.add_column("input_ids", de_type="int64", shape=[128])
        >>> s.columns
        [{'name': 'input_ids', 'type': 'int64', 'shape': [128], 'rank': 1}]
    """

    def __init__(self, schema_file=None):
        self.columns = []
        self.dataset_type = ""
        self.num_rows = 0
        if schema_file is not None:
            self.from_json(_load_json(schema_file, "Schema"))

    def add_column(self, name, de_type, shape=None):
        """Add a column; ``de_type`` is a type name ('int64', 'DE_FLOAT32', ...) or an msnn dtype."""
        if isinstance(de_type, torch.dtype):
            type_name = str(_np_dtype(de_type, "Schema"))
        elif isinstance(de_type, str):
            try:
                type_name = str(_de_type(de_type, "Schema"))
            except RuntimeError:
                raise ValueError(f"For 'Schema.add_column', unknown column type {de_type!r}.") from None
        else:
            raise ValueError(f"For 'Schema.add_column', unknown column type {de_type!r}.")
        col = {"name": name, "type": type_name}
        if shape is not None:
            col["shape"] = list(shape)
            col["rank"] = len(shape)
        else:
            col["rank"] = 1
        self.columns.append(col)

    def to_json(self):
        """The schema as a JSON string."""
        obj = {"columns": self.columns}
        if self.dataset_type:
            obj["datasetType"] = self.dataset_type
        if self.num_rows:
            obj["numRows"] = self.num_rows
        return json.dumps(obj, indent=2)

    def parse_columns(self, columns):
        """Load ``columns`` (a dict {name: {...}} or a list of {name: ...})."""
        self.columns = []
        items = columns.items() if isinstance(columns, dict) else ((c.get("name"), c) for c in columns)
        for name, col in items:
            for k in col:
                if k not in ("name", "type", "rank", "shape", "t_impl"):
                    raise RuntimeError(f"Schema: unknown field {k}")
            if name is None:
                raise RuntimeError("Schema: column's name field is missing.")
            if "type" not in col:
                raise RuntimeError("Schema: column's type field is missing.")
            self.add_column(name, col["type"], col.get("shape"))

    def from_json(self, json_obj):
        """Load a parsed JSON object (keys datasetType, numRows, columns)."""
        for k, v in json_obj.items():
            if k == "datasetType":
                self.dataset_type = v
            elif k == "numRows":
                self.num_rows = v
            elif k == "columns":
                self.parse_columns(v)
            else:
                raise RuntimeError(f"Schema: unknown field {k}")

    def __str__(self):
        return self.to_json()
