"""``mindspore.train.callback``: the hooks ``Model.train``/``Model.eval`` call, and the stock callbacks.

``Model`` fills a :class:`_InternalCallbackParam` (a dict read by attribute) and hands every
callback a :class:`RunContext` over it at ``begin``, ``epoch_begin``, ``step_begin``, ``step_end``,
``epoch_end`` and ``end``. The stock callbacks print what 0.1 printed (:class:`LossMonitor`,
:class:`TimeMonitor`), write MindSpore ``.ckpt`` files with 0.1's names and retention rules
(:class:`ModelCheckpoint`) and record summaries (:class:`SummaryStep`).
"""
import os
import time
import warnings

import numpy as np
import torch

from .._api import ms_api
from .. import _validator as V
from . import serialization

__all__ = ["Callback", "LossMonitor", "TimeMonitor", "ModelCheckpoint", "SummaryStep", "CheckpointConfig",
           "RunContext"]


def _make_directory(path, cls_name, arg_name="directory"):
    """The absolute path of ``path``, created if missing (TypeError for a bad or unwritable path)."""
    if not isinstance(path, str) or path.strip() == "":
        V.fail(cls_name, arg_name, "a non-empty str path", path, exc=TypeError)
    path = os.path.realpath(path)
    if not os.path.exists(path):
        try:
            os.makedirs(path, exist_ok=True)
        except PermissionError as e:
            raise TypeError(f"For '{cls_name}', no write permission to create the directory {path!r}: {e}") from e
    return path


class _CheckpointManager:
    """The checkpoint files of one prefix in one directory, oldest first."""

    def __init__(self):
        self._ckpoint_filelist = []
        self._written = {}  # path -> write order, to break ties between equal modification times

    @property
    def ckpoint_filelist(self):
        """The managed checkpoint files."""
        return self._ckpoint_filelist

    @property
    def ckpoint_num(self):
        """How many checkpoint files are managed."""
        return len(self._ckpoint_filelist)

    def note_written(self, path):
        self._written[path] = len(self._written)

    def update_ckpoint_filelist(self, directory, prefix):
        """Every ``<prefix><no letters>.ckpt`` file in ``directory`` (0.1's rule)."""
        self._ckpoint_filelist = []
        for filename in os.listdir(directory):
            if os.path.splitext(filename)[-1] == ".ckpt" and filename.startswith(prefix):
                mid_name = filename[len(prefix):-5]
                if not any(char.isalpha() for char in mid_name):
                    self._ckpoint_filelist.append(directory + '/' + filename)

    def _age_key(self, path):
        return (os.stat(path).st_mtime_ns, self._written.get(path, -1))

    def remove_ckpoint_file(self, file_name):
        """Remove one checkpoint file (a failure is reported as a warning, as in 0.1)."""
        try:
            os.remove(file_name)
            self._ckpoint_filelist.remove(file_name)
        except (OSError, ValueError) as e:
            warnings.warn(f"ModelCheckpoint: failed to remove the older checkpoint {file_name!r}: {e}",
                          RuntimeWarning, stacklevel=2)

    def remove_oldest_ckpoint_file(self):
        """Remove the oldest checkpoint file (modification time, then write order)."""
        ckpoint_files = sorted(self._ckpoint_filelist, key=self._age_key)
        self.remove_ckpoint_file(ckpoint_files[0])

    def keep_one_ckpoint_per_minutes(self, minutes, cur_time):
        """Of the files written in the last ``minutes`` minutes keep only the oldest."""
        recent = []
        oldest_file, oldest_key = '', None
        for ck_file in self._ckpoint_filelist:
            modify_time = os.path.getmtime(ck_file)
            if cur_time - modify_time < 60 * minutes:
                recent.append(ck_file)
                key = self._age_key(ck_file)
                if oldest_key is None or key < oldest_key:
                    oldest_file, oldest_key = ck_file, key
        for ck_file in recent:
            if ck_file != oldest_file:
                self.remove_ckpoint_file(ck_file)


def _check_file_name_prefix(file_name_prefix):
    """A prefix is a str without '/'."""
    return isinstance(file_name_prefix, str) and file_name_prefix.find('/') < 0


def _chg_ckpt_file_name_if_same_exist(directory, prefix):
    """``prefix``, or ``prefix_<n>`` when checkpoint files of ``prefix`` already exist (0.1's rule:
    ``CKP-1_1.ckpt`` exists -> ``CKP_1``; ``CKP_1-1_1.ckpt`` exists -> ``CKP_2``)."""
    suffix_num = 0
    pre_len = len(prefix)
    for filename in os.listdir(directory):
        if os.path.splitext(filename)[-1] != ".ckpt":
            continue
        if filename.find(prefix) == 0 and len(filename) > pre_len and not filename[pre_len].isalpha():
            index = filename[pre_len:].find("-")
            if index == 0:
                suffix_num = max(suffix_num, 1)
            elif index != -1:
                num = filename[pre_len + 1:pre_len + index]
                if num.isdigit():
                    suffix_num = max(suffix_num, int(num) + 1)
    if suffix_num != 0:
        prefix = prefix + "_" + str(suffix_num)
    return prefix


@ms_api("mindspore.train.callback.CheckpointConfig", torch="(torch has no checkpoint policy object)")
class CheckpointConfig:
    """The checkpoint policy of :class:`ModelCheckpoint`.

    Steps win over seconds (a positive ``save_checkpoint_steps`` sets ``save_checkpoint_seconds``
    to None) and a file count over minutes (a positive ``keep_checkpoint_max`` sets
    ``keep_checkpoint_per_n_minutes`` to None); with neither a count nor minutes one file is kept.

    Args:
        save_checkpoint_steps (int): Save every this many steps. Default: 1.
        save_checkpoint_seconds (int): Save every this many seconds. Default: 0.
        keep_checkpoint_max (int): Keep at most this many checkpoint files. Default: 5.
        keep_checkpoint_per_n_minutes (int): Keep one checkpoint file per this many minutes. Default: 0.

    Raises:
        ValueError: If all four are 0 or None, or one is negative.
        TypeError: If one is not an int.

    Examples:
        >>> from msnn.train.callback import CheckpointConfig
        >>> config = CheckpointConfig(save_checkpoint_steps=100, keep_checkpoint_max=10)
        >>> sorted(config.get_checkpoint_policy().items())
        [('keep_checkpoint_max', 10), ('keep_checkpoint_per_n_minutes', None), ('save_checkpoint_seconds', None), ('save_checkpoint_steps', 100)]
    """

    def __init__(self, save_checkpoint_steps=1, save_checkpoint_seconds=0, keep_checkpoint_max=5,
                 keep_checkpoint_per_n_minutes=0):
        if not save_checkpoint_steps and not save_checkpoint_seconds and \
                not keep_checkpoint_max and not keep_checkpoint_per_n_minutes:
            V.fail("CheckpointConfig", "save_checkpoint_steps, save_checkpoint_seconds, keep_checkpoint_max "
                   "and keep_checkpoint_per_n_minutes", "not all 0 or None",
                   (save_checkpoint_steps, save_checkpoint_seconds, keep_checkpoint_max,
                    keep_checkpoint_per_n_minutes))
        for name, value in (("save_checkpoint_steps", save_checkpoint_steps),
                            ("save_checkpoint_seconds", save_checkpoint_seconds),
                            ("keep_checkpoint_max", keep_checkpoint_max),
                            ("keep_checkpoint_per_n_minutes", keep_checkpoint_per_n_minutes)):
            if value:
                V.check_non_negative_int(value, name, "CheckpointConfig")
        self._save_checkpoint_steps = save_checkpoint_steps
        self._save_checkpoint_seconds = save_checkpoint_seconds
        if self._save_checkpoint_steps and self._save_checkpoint_steps > 0:
            self._save_checkpoint_seconds = None
        self._keep_checkpoint_max = keep_checkpoint_max
        self._keep_checkpoint_per_n_minutes = keep_checkpoint_per_n_minutes
        if self._keep_checkpoint_max and self._keep_checkpoint_max > 0:
            self._keep_checkpoint_per_n_minutes = None
        elif not self._keep_checkpoint_per_n_minutes:
            self._keep_checkpoint_max = 1

    @property
    def save_checkpoint_steps(self):
        """Steps between two checkpoints."""
        return self._save_checkpoint_steps

    @property
    def save_checkpoint_seconds(self):
        """Seconds between two checkpoints."""
        return self._save_checkpoint_seconds

    @property
    def keep_checkpoint_max(self):
        """The most checkpoint files kept."""
        return self._keep_checkpoint_max

    @property
    def keep_checkpoint_per_n_minutes(self):
        """Keep one checkpoint file per this many minutes."""
        return self._keep_checkpoint_per_n_minutes

    def get_checkpoint_policy(self):
        """The four settings as a dict."""
        return {'save_checkpoint_steps': self._save_checkpoint_steps,
                'save_checkpoint_seconds': self._save_checkpoint_seconds,
                'keep_checkpoint_max': self._keep_checkpoint_max,
                'keep_checkpoint_per_n_minutes': self._keep_checkpoint_per_n_minutes}


def _build_callbacks(callbacks):
    """None, one Callback or a list of them -> a :class:`_ListCallback` (TypeError otherwise)."""
    if callbacks:
        if isinstance(callbacks, tuple):
            V.fail("Model", "callbacks", "None, a Callback or a list of Callbacks (not a tuple)", callbacks,
                   exc=TypeError)
        if not isinstance(callbacks, list):
            callbacks = [callbacks]
    else:
        callbacks = []
    for cb in callbacks:
        if not isinstance(cb, Callback):
            V.fail("Model", "callbacks", "Callback instances (subclasses of msnn.train.callback.Callback)",
                   cb, exc=TypeError)
    return _ListCallback(list(callbacks))


class _ListCallback:
    """Calls each callback in turn at each point."""

    def __init__(self, callbacks):
        self._callbacks = callbacks

    def begin(self, run_context):
        for cb in self._callbacks:
            cb.begin(run_context)

    def epoch_begin(self, run_context):
        for cb in self._callbacks:
            cb.epoch_begin(run_context)

    def epoch_end(self, run_context):
        for cb in self._callbacks:
            cb.epoch_end(run_context)

    def step_begin(self, run_context):
        for cb in self._callbacks:
            cb.step_begin(run_context)

    def step_end(self, run_context):
        for cb in self._callbacks:
            cb.step_end(run_context)

    def end(self, run_context):
        for cb in self._callbacks:
            cb.end(run_context)


@ms_api("mindspore.train.callback.Callback", torch="(a hand-written loop's hook points)",
        deviations=("Reading a callback parameter that was not set raises an error that is both a KeyError "
                    "(as in 0.1) and an AttributeError (so hasattr/getattr with a default work).",))
class Callback:
    """Abstract base class used to build a callback: override any of :meth:`begin`,
    :meth:`epoch_begin`, :meth:`epoch_end`, :meth:`step_begin`, :meth:`step_end`, :meth:`end`.

    Each receives a :class:`RunContext`; ``run_context.original_args()`` holds the callback
    parameters (``cur_epoch_num``, ``cur_step_num``, ``batch_num``, ``epoch_num``, ``net_outputs``,
    ``train_network``, ...).

    Examples:
        >>> from msnn.train.callback import Callback
        >>> class PrintStep(Callback):
        ...     def step_end(self, run_context):
        ...         cb_params = run_context.original_args()
        ...         print(cb_params.cur_epoch_num, cb_params.cur_step_num)
    """

    def __init__(self):
        pass

    def begin(self, run_context):
        """Called once before the network runs."""

    def epoch_begin(self, run_context):
        """Called before each epoch."""

    def epoch_end(self, run_context):
        """Called after each epoch."""

    def step_begin(self, run_context):
        """Called before each step."""

    def step_end(self, run_context):
        """Called after each step."""

    def end(self, run_context):
        """Called once after training."""


class _MissingCallbackParam(AttributeError, KeyError):
    """A callback parameter that was not set: a KeyError as in 0.1, and an AttributeError so that
    ``hasattr``/``getattr(..., default)`` work."""

    def __str__(self):
        return str(self.args[0])


class _InternalCallbackParam(dict):
    """The callback parameters: a dict whose keys read and write as attributes."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise _MissingCallbackParam(f"the callback parameters have no {key!r} (they hold: "
                                        f"{', '.join(sorted(self))})") from None

    def __setattr__(self, key, value):
        self[key] = value


@ms_api("mindspore.train.callback.RunContext", torch="(a hand-written loop's locals)")
class RunContext:
    """What a callback sees of the run: the callback parameters, and a way to stop.

    Args:
        original_args (dict): The callback parameters.

    Raises:
        TypeError: If `original_args` is not a dict.

    Examples:
        >>> from msnn.train.callback import RunContext
        >>> run_context = RunContext({"cur_step_num": 3})
        >>> run_context.request_stop()
        >>> run_context.original_args()["cur_step_num"], run_context.get_stop_requested()
        (3, True)
    """

    def __init__(self, original_args):
        if not isinstance(original_args, dict):
            V.fail("RunContext", "original_args", "a dict", original_args, exc=TypeError)
        self._original_args = original_args
        self._stop_requested = False

    def original_args(self):
        """The callback parameters (an ``_InternalCallbackParam`` during ``Model.train``)."""
        return self._original_args

    def request_stop(self):
        """Ask ``Model.train`` to stop after this step (it still runs ``epoch_end`` and ``end``)."""
        self._stop_requested = True

    def get_stop_requested(self):
        """Whether a stop was requested."""
        return self._stop_requested


@ms_api("mindspore.train.callback.ModelCheckpoint",
        torch="torch.save(state_dict) every N steps (a MindSpore .ckpt instead of a pickle)",
        deviations=(
            "No '<prefix>-graph.meta' file is written: msnn runs eagerly and has no graph to save.",
            "A new checkpoint is written (to a temporary file, then renamed) before the oldest one is "
            "removed, so a failed save (full disk, KeyboardInterrupt) leaves the older checkpoints intact "
            "and raises; 0.1 removed first.",
            "With save_checkpoint_steps and save_checkpoint_seconds both 0 a checkpoint is saved at the last "
            "step; 0.1 raised KeyError('step_num').",
            "directory=None is the current directory when the callback is built (0.1: when mindspore was "
            "imported).",
            "In data-parallel training (a torch.distributed group of more than one process) only rank 0 writes "
            "files (the other ranks warn once and write none), so ranks sharing a directory under torchrun "
            "never clobber each other; 0.1 wrote one file per rank, each rank in its own directory.",
        ))
class ModelCheckpoint(Callback):
    """Saves the training network's parameters (the optimizer's state included) during training.

    Files are named ``<prefix>-<epoch>_<step in epoch>.ckpt``. When files of ``prefix`` already
    exist in the directory the prefix becomes ``<prefix>_<n>`` (``CKP-1_1.ckpt`` exists:
    ``CKP_1``; ``CKP_1-...`` exists: ``CKP_2``). A checkpoint is saved every
    ``save_checkpoint_steps`` steps (or ``save_checkpoint_seconds``) and at the end of training;
    at most ``keep_checkpoint_max`` files of the prefix are kept (the oldest is removed), or one per
    ``keep_checkpoint_per_n_minutes``.

    Args:
        prefix (str): Checkpoint files names prefix. Default: "CKP".
        directory (str): Folder for the checkpoint files, created if missing. Default: None (the
            current directory).
        config (CheckpointConfig): Checkpoint strategy config. Default: None (``CheckpointConfig()``).

    Raises:
        ValueError: If the prefix is not a str or contains '/'.
        TypeError: If the config is not a CheckpointConfig, or the directory is not a usable path.
        RuntimeError: During training, if a checkpoint cannot be written (older files are kept).

    Examples:
        >>> import tempfile
        >>> from msnn.train.callback import ModelCheckpoint, CheckpointConfig
        >>> ckpt_cb = ModelCheckpoint(prefix="lenet", directory=tempfile.mkdtemp(),
        ...                           config=CheckpointConfig(save_checkpoint_steps=100))
        >>> ckpt_cb.latest_ckpt_file_name
        ''

    Note:
        Files are MindSpore ``.ckpt`` files written atomically (temporary file + rename, the oldest
        removed only after the new one is complete); no ``-graph.meta`` file is written (msnn has no
        graph). To resume with the optimizer state, load the file into a training cell that holds
        the optimizer -- ``train_net = nn.TrainOneStepCell(nn.WithLossCell(net, loss), opt)``
        (what ``Model(net, loss, opt)`` builds), ``load_param_into_net(train_net,
        load_checkpoint(path))`` -- and train ``Model(train_net)``. In data-parallel training (a
        ``torch.distributed`` group of more than one process, e.g. under ``torchrun``) only rank 0
        writes files: the ranks' parameters and optimizer states are equal (BatchNorm moving
        statistics are rank 0's; each rank keeps its own, as in 0.1), and ranks that share a
        directory never overwrite or remove each other's files.
    """

    def __init__(self, prefix='CKP', directory=None, config=None):
        super(ModelCheckpoint, self).__init__()
        self._latest_ckpt_file_name = ""
        self._init_time = time.time()
        self._last_time = time.time()
        self._last_time_for_keep = time.time()
        self._last_triggered_step = 0
        self._replica_noted = False
        if not _check_file_name_prefix(prefix):
            V.fail("ModelCheckpoint", "prefix", "a str without '/'", prefix)
        self._directory = os.getcwd() if directory is None or directory == "" else \
            _make_directory(directory, "ModelCheckpoint")
        if config is None:
            config = CheckpointConfig()
        elif not isinstance(config, CheckpointConfig):
            V.fail("ModelCheckpoint", "config", "a CheckpointConfig", config, exc=TypeError)
        self._config = config
        self._manager = _CheckpointManager()
        self._prefix = _chg_ckpt_file_name_if_same_exist(self._directory, prefix)

    def step_end(self, run_context):
        """Save a checkpoint if the policy says so."""
        self._save_ckpt(run_context.original_args())

    def end(self, run_context):
        """Save the last checkpoint after training."""
        self._save_ckpt(run_context.original_args(), force_to_save=True)

    def _check_save_ckpt(self, cb_params, force_to_save):
        config = self._config
        if config.save_checkpoint_steps and config.save_checkpoint_steps > 0:
            return force_to_save or cb_params.cur_step_num >= self._last_triggered_step + config.save_checkpoint_steps
        if config.save_checkpoint_seconds and config.save_checkpoint_seconds > 0:
            now = time.time()
            if now - self._last_time > config.save_checkpoint_seconds or force_to_save:
                self._last_time = now
                return True
            return False
        return cb_params.cur_step_num == cb_params.get("epoch_num", 0) * cb_params.batch_num

    def _other_replica(self):
        """True on a data-parallel rank other than 0: rank 0 writes the group's checkpoints."""
        from ..wrap.grad_reducer import replicated_rank  # pylint: disable=import-outside-toplevel
        rank = replicated_rank()
        if not rank:
            return False
        if not self._replica_noted:
            self._replica_noted = True
            warnings.warn(f"ModelCheckpoint: rank {rank} of a data-parallel group writes no checkpoint files; "
                          f"rank 0 writes them to {self._directory!r} (the ranks' parameters are equal).",
                          UserWarning, stacklevel=3)
        return True

    def _save_ckpt(self, cb_params, force_to_save=False):
        if cb_params.cur_step_num == self._last_triggered_step:
            return
        if self._other_replica():
            return
        if not self._check_save_ckpt(cb_params, force_to_save):
            return
        step_num_in_epoch = (cb_params.cur_step_num - 1) % cb_params.batch_num + 1
        cur_file = os.path.join(self._directory, f"{self._prefix}-{cb_params.cur_epoch_num}_{step_num_in_epoch}.ckpt")
        manager, config = self._manager, self._config
        manager.update_ckpoint_filelist(self._directory, self._prefix)
        # written (atomically) before any removal: a failed save leaves every older file in place
        serialization.save_checkpoint(cb_params.train_network, cur_file)
        manager.note_written(cur_file)
        if cur_file in manager.ckpoint_filelist:  # overwritten in place: it is not one more file
            manager.ckpoint_filelist.remove(cur_file)
        if config.keep_checkpoint_max and 0 < config.keep_checkpoint_max <= manager.ckpoint_num:
            manager.remove_oldest_ckpoint_file()
        elif config.keep_checkpoint_per_n_minutes and config.keep_checkpoint_per_n_minutes > 0:
            now = time.time()
            if now - self._last_time_for_keep < config.keep_checkpoint_per_n_minutes * 60:
                manager.keep_one_ckpoint_per_minutes(config.keep_checkpoint_per_n_minutes, now)
        self._last_time_for_keep = time.time()
        self._last_triggered_step = cb_params.cur_step_num
        self._latest_ckpt_file_name = cur_file

    @property
    def latest_ckpt_file_name(self):
        """The path of the latest checkpoint written ('' before the first)."""
        return self._latest_ckpt_file_name


def _loss_value(outputs):
    """0.1's reading of ``net_outputs``: the first element of a tuple, the mean of a tensor."""
    loss = outputs
    if isinstance(loss, (tuple, list)) and loss and isinstance(loss[0], torch.Tensor):
        loss = loss[0]
    if isinstance(loss, torch.Tensor):
        data = loss.detach()
        if data.dtype == torch.bfloat16:
            data = data.float()
        array = data.cpu().numpy()
        # a scalar loss is its own mean: the numpy scalar np.mean would give, without its overhead
        loss = array[()] if array.ndim == 0 and array.dtype.kind == "f" else np.mean(array)
    return loss


@ms_api("mindspore.train.callback.LossMonitor", torch="print(f'... loss is {loss.item()}')",
        deviations=(
            "A NaN or infinite loss of any floating dtype raises ValueError; 0.1's check only fired for "
            "float64 losses (it tested isinstance(loss, float), which a float32 numpy scalar is not).",
            "per_print_times must be a non-negative int, bool refused (ValueError).",
        ))
class LossMonitor(Callback):
    """Prints the loss after each step, and stops training when it is NaN or infinite.

    The line is ``epoch: <epoch> step: <step in epoch>, loss is <loss>`` (the mean of the loss
    tensor; the first output when the network returns a tuple), printed every
    ``per_print_times`` steps (counted over the whole run); 0 never prints.

    Args:
        per_print_times (int): Print the loss every this many steps. Default: 1.

    Raises:
        ValueError: If `per_print_times` is not an int >= 0; during training, if the loss is NaN
            or infinite (``epoch: <e> step: <s>. Invalid loss, terminating training.``).

    Examples:
        >>> from msnn.train.callback import LossMonitor, RunContext, _InternalCallbackParam
        >>> import torch
        >>> cb_params = _InternalCallbackParam(cur_epoch_num=1, cur_step_num=2, batch_num=10,
        ...                                    net_outputs=torch.tensor(0.25))
        >>> LossMonitor().step_end(RunContext(cb_params))
        epoch: 1 step: 2, loss is 0.25
    """

    def __init__(self, per_print_times=1):
        super(LossMonitor, self).__init__()
        V.check_non_negative_int(per_print_times, "per_print_times", "LossMonitor", exc=ValueError)
        self._per_print_times = per_print_times

    def step_end(self, run_context):
        """Check and print the step's loss."""
        cb_params = run_context.original_args()
        loss = _loss_value(cb_params.net_outputs)
        cur_step_in_epoch = (cb_params.cur_step_num - 1) % cb_params.batch_num + 1
        if isinstance(loss, (float, np.floating)) and not np.isfinite(loss):
            raise ValueError(f"epoch: {cb_params.cur_epoch_num} step: {cur_step_in_epoch}. "
                             f"Invalid loss, terminating training.")
        if self._per_print_times != 0 and cb_params.cur_step_num % self._per_print_times == 0:
            print("epoch: %s step: %s, loss is %s" % (cb_params.cur_epoch_num, cur_step_in_epoch, loss), flush=True)


@ms_api("mindspore.train.callback.TimeMonitor", torch="time.time() around each epoch and step",
        deviations=("data_size must be a positive int (TypeError/ValueError); 0.1 did not check it.",))
class TimeMonitor(Callback):
    """Prints the time of each epoch and step, in milliseconds.

    At each epoch end: ``epoch time: <ms>, per step time: <ms / data_size>``; at each step end:
    ``step time <ms>``.

    Args:
        data_size (int): The steps per epoch (``dataset.get_dataset_size()``).

    Examples:
        >>> from msnn.train.callback import TimeMonitor
        >>> time_cb = TimeMonitor(data_size=1875)
    """

    def __init__(self, data_size):
        super(TimeMonitor, self).__init__()
        V.check_positive_int(data_size, "data_size", "TimeMonitor")
        self.data_size = data_size
        self.epoch_time = time.time()
        self.step_time = time.time()

    def epoch_begin(self, run_context):
        self.epoch_time = time.time()

    def epoch_end(self, run_context):
        epoch_mseconds = (time.time() - self.epoch_time) * 1000
        per_step_mseconds = epoch_mseconds / self.data_size
        print("epoch time: {0}, per step time: {1}".format(epoch_mseconds, per_step_mseconds), flush=True)

    def step_begin(self, run_context):
        self.step_time = time.time()

    def step_end(self, run_context):
        step_mseconds = (time.time() - self.step_time) * 1000
        print('step time', step_mseconds, flush=True)


@ms_api("mindspore.train.callback.SummaryStep", torch="SummaryWriter flushed every N steps")
class SummaryStep(Callback):
    """Records the summaries collected by the summary operators every ``flush_step`` steps.

    Args:
        summary (SummaryRecord): The record to write to.
        flush_step (int): Record every this many steps (the global step). Default: 10.

    Raises:
        ValueError: If `flush_step` is not a positive int.

    Examples:
        >>> import tempfile
        >>> from msnn.train.summary import SummaryRecord
        >>> from msnn.train.callback import SummaryStep
        >>> record = SummaryRecord(tempfile.mkdtemp())
        >>> summary_cb = SummaryStep(record, flush_step=5)
        >>> record.close()
    """

    def __init__(self, summary, flush_step=10):
        super(SummaryStep, self).__init__()
        V.check_positive_int(flush_step, "flush_step", "SummaryStep", exc=ValueError)
        self._summary = summary
        self._flush_step = flush_step

    def step_end(self, run_context):
        """Record the pending summaries at every ``flush_step``-th step."""
        cb_params = run_context.original_args()
        if cb_params.cur_step_num % self._flush_step == 0:
            self._summary.record(cb_params.cur_step_num, cb_params.train_network)

    @property
    def summary_file_name(self):
        """The event file of the record."""
        return self._summary.full_file_name
