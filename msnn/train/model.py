"""``mindspore.train.model``: ``Model``, the high-level train / eval / predict loop.

``Model.train`` is 0.1's host-fed loop (``dataset_sink_mode=False``): each epoch runs
``get_dataset_size()`` steps, one iterator of the dataset serves ``get_repeat_count()``
consecutive epochs, every step calls the training cell on one row and the callbacks around it.
"""
import inspect
import warnings

import numpy as np
import torch

from .._api import ms_api
from .. import _graph
from .. import _validator as V
from ..cell import Cell
from . import amp
from .callback import _InternalCallbackParam, RunContext, _build_callbacks
from .dataset_helper import _DatasetIterFeed, _is_ms_dataset
from ..parallel._utils import _get_parallel_mode, _get_device_num, _get_global_rank, _get_parameter_broadcast
from .parallel_utils import ParallelMode

__all__ = ["Model", "ParallelMode"]

_KWARGS = ("loss_scale_manager", "keep_batchnorm_fp32")


def _device_number_check(parallel_mode, device_number):
    if parallel_mode == ParallelMode.STAND_ALONE and device_number != 1:
        V.fail("Model", "device_number", "1 when parallel_mode is stand_alone", device_number)


def _parameter_broadcast_check(parallel_mode, parameter_broadcast):
    if parameter_broadcast is True and parallel_mode in (ParallelMode.STAND_ALONE, ParallelMode.SEMI_AUTO_PARALLEL,
                                                         ParallelMode.AUTO_PARALLEL):
        V.fail("Model", "parameter_broadcast", f"False in {parallel_mode} mode", parameter_broadcast)


def _positional_arity(network):
    """(least, most) positional inputs ``network`` takes (most None for *args), or None if unknown."""
    try:
        sig = inspect.signature(type(network).construct)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())[1:]  # drop self
    least, most = 0, 0
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            most = None
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            if most is not None:
                most += 1
            if p.default is p.empty:
                least += 1
    return least, most


@ms_api("mindspore.train.model.Model",
        torch="a hand-written loop: for epoch: for data, label in loader: loss = step(data, label)",
        deviations=(
            "dataset_sink_mode=True runs the host-fed loop of dataset_sink_mode=False (msnn has no device "
            "queue): one step per row, callbacks per step; 0.1's sink mode on Ascend ran a whole epoch per "
            "step_end.",
            "train_dataset may be any sized iterable of rows (a torch DataLoader, a list) besides a dataset; "
            "rows of the wrong arity raise ValueError before the network runs.",
            "A loss_scale_manager with an update cell (DynamicLossScaleManager, "
            "FixedLossScaleManager(drop_overflow_update=True)) trains as 0.1 did with GE on every device "
            "(0.1 raised ValueError elsewhere).",
            "keep_batchnorm_fp32 is accepted as a keyword and passed to amp.build_train_network (0.1 "
            "accepted only loss_scale_manager).",
            "eval and predict run under torch.no_grad().",
            "An epoch/repeat-count mismatch is a UserWarning (0.1 logged it); a dataset that runs out before "
            "get_dataset_size() rows warns (RuntimeWarning) and ends the epoch early, where 0.1 ended it "
            "silently; a dataset of unknown size (get_dataset_size() None) raises TypeError naming "
            "set_dataset_size.",
            "amp_level is checked (O0 or O2, ValueError) even without an optimizer, where it has no effect "
            "(0.1 checked it only when building a training network).",
        ))
class Model:
    """High-level API for training or testing: groups a network, a loss, an optimizer and metrics.

    Args:
        network (Cell): The training or testing network.
        loss_fn (Cell): Objective function; if None, ``network`` computes the loss (and the
            gradients, when it is a training cell). Default: None.
        optimizer (Cell): Optimizer for updating the weights. Default: None.
        metrics (Union[dict, set]): Metrics evaluated by :meth:`eval`: a ``{name: Metric}`` dict
            or a set of metric names, e.g. ``{'accuracy'}``. Default: None.
        eval_network (Cell): Network for evaluation; default ``WithEvalCell(network, loss_fn)``.
            Default: None.
        eval_indexes (list): With `eval_network`, the positions of the loss, the prediction and
            the label in its outputs (three ints), or None to pass all outputs to every metric.
            Default: None.
        amp_level (str): ``level`` of :func:`msnn.train.amp.build_train_network`, "O0" or "O2".
            Default: "O0".
        loss_scale_manager (Union[None, LossScaleManager]): keyword; scales the loss with this
            manager (overrides the level's).
        keep_batchnorm_fp32 (bool): keyword; passed to ``build_train_network``.

    Raises:
        ValueError: If an unknown keyword is given, `eval_indexes` is not None or a list of three,
            or metrics are given without `loss_fn` or `eval_network`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn.train import Model
        >>> net = nn.Dense(3, 2)
        >>> opt = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
        >>> model = Model(net, loss_fn=nn.MSELoss(), optimizer=opt, metrics={'mae'})
        >>> rows = [(np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32))] * 2
        >>> model.train(2, rows, dataset_sink_mode=False)
        >>> sorted(model.eval(rows, dataset_sink_mode=False))
        ['mae']
        >>> model.predict(nn.Tensor(np.ones((1, 3)), nn.float32)).shape()
        (1, 2)

    Note:
        Both values of ``dataset_sink_mode`` run 0.1's host-fed loop (one step and one
        ``step_end`` per row); a torch DataLoader or a list of ``(data, label)`` rows works as the
        dataset. A ``loss_scale_manager`` that drops overflowed updates trains as 0.1 did on GE:
        the manager's scale is fed as ``sens`` every step and updated on the host.
    """

    def __init__(self, network, loss_fn=None, optimizer=None, metrics=None, eval_network=None,
                 eval_indexes=None, amp_level="O0", **kwargs):
        self._network = network
        self._loss_fn = loss_fn
        self._optimizer = optimizer
        self._loss_scale_manager = None
        self._loss_scale_manager_set = False
        for arg in kwargs:
            if arg not in _KWARGS:
                V.fail("Model", "kwargs", "among " + ", ".join(_KWARGS), arg)
        self._amp_kwargs = dict(kwargs)
        if "loss_scale_manager" in kwargs:
            self._loss_scale_manager = kwargs["loss_scale_manager"]
            self._loss_scale_manager_set = True
        V.check_in(amp_level, "amp_level", "Model", ("O0", "O2"))
        self._amp_level = amp_level
        self._parallel_mode = _get_parallel_mode()
        self._device_number = _get_device_num()
        self._global_rank = _get_global_rank()
        self._parameter_broadcast = _get_parameter_broadcast()
        self._train_network = self._build_train_network()
        self._build_eval_network(metrics, eval_network, eval_indexes)

    # -- construction ---------------------------------------------------------------------------
    def _build_train_network(self):
        network = self._network
        if self._optimizer:
            return amp.build_train_network(network, self._optimizer, self._loss_fn, level=self._amp_level,
                                           **self._amp_kwargs)
        if self._loss_fn:
            from ..wrap.cell_wrapper import WithLossCell  # pylint: disable=import-outside-toplevel
            return WithLossCell(network, self._loss_fn)
        return network

    def _build_eval_network(self, metrics, eval_network, eval_indexes):
        from ..metrics._factory import get_metrics  # pylint: disable=import-outside-toplevel
        self._metric_fns = get_metrics(metrics)
        self._eval_network = None
        self._eval_indexes = None
        if not self._metric_fns:
            return
        if eval_network is not None:
            if eval_indexes is not None and not (isinstance(eval_indexes, list) and len(eval_indexes) == 3):
                V.fail("Model", "eval_indexes", "None or a list of three indexes", eval_indexes)
            self._eval_network = eval_network
            self._eval_indexes = eval_indexes
        else:
            if self._loss_fn is None:
                V.fail("Model", "loss_fn", "given (or eval_network) when metrics are set", None)
            from ..wrap.cell_wrapper import WithEvalCell  # pylint: disable=import-outside-toplevel
            self._eval_network = WithEvalCell(self._network, self._loss_fn)
            self._eval_indexes = [0, 1, 2]

    # -- metrics ----------------------------------------------------------------------------------
    def _clear_metrics(self):
        for metric in self._metric_fns.values():
            metric.clear()

    def _update_metrics(self, outputs):
        from ..metrics.loss import Loss  # pylint: disable=import-outside-toplevel
        if not isinstance(outputs, (tuple, list)):
            outputs = (outputs,)
        if self._eval_indexes is not None and len(outputs) < 3:
            V.fail("Model.eval", "outputs", "at least 3 values (loss, prediction, label)", len(outputs))
        for metric in self._metric_fns.values():
            if self._eval_indexes is None:
                metric.update(*outputs)
            elif isinstance(metric, Loss):
                metric.update(outputs[self._eval_indexes[0]])
            else:
                metric.update(outputs[self._eval_indexes[1]], outputs[self._eval_indexes[2]])

    def _get_metrics(self):
        return {key: value.eval() for key, value in self._metric_fns.items()}

    def _get_scaling_sens(self):
        scaling_sens = 1
        if self._loss_scale_manager is not None:
            scaling_sens = self._loss_scale_manager.get_loss_scale()
        if self._parallel_mode == ParallelMode.DATA_PARALLEL:
            scaling_sens /= self._device_number
        return scaling_sens

    # -- training ---------------------------------------------------------------------------------
    def _check_row(self, row, arity):
        n = len(row)
        if self._loss_fn and n != 2:
            V.fail("Model.train", "train_dataset",
                   "rows of two columns (data, label) when loss_fn is set", f"a row of {n} columns")
        if arity is not None:
            least, most = arity
            if n < least or (most is not None and n > most):
                want = f"{least}" if least == most else f"{least} to {'any' if most is None else most}"
                V.fail("Model.train", "train_dataset",
                       f"rows of {want} columns (the inputs of {type(self._train_network).__name__})",
                       f"a row of {n} columns")

    def train(self, epoch, train_dataset, callbacks=None, dataset_sink_mode=True):
        """Trains ``epoch`` epochs of ``train_dataset``.

        Each epoch runs ``get_dataset_size()`` steps (``len()`` of a plain iterable). One iterator
        of the dataset serves ``get_repeat_count()`` consecutive epochs: a dataset built with
        ``.repeat(n)`` gives ``n`` epochs from one pass of its pipeline; a warning says when
        ``epoch`` differs from the repeat count. ``cur_step_num`` counts steps over the whole run.

        Args:
            epoch (int): Total number of iterations on the data.
            train_dataset (Dataset): A dataset, or any sized iterable of rows (a torch
                DataLoader, a list of tuples). With a `loss_fn` each row is ``(data, label)``;
                without, a row is the network's inputs.
            callbacks (list): A Callback or a list of them. Default: None.
            dataset_sink_mode (bool): Accepted for MindSpore; both values run the host-fed loop.
                Default: True.

        Raises:
            TypeError: If `epoch` is not an int, `dataset_sink_mode` not a bool, `callbacks` not
                Callbacks, or `train_dataset` has no size.
            ValueError: If `epoch` is not positive, a row has the wrong number of columns, or
                ``enable_loop_sink`` is set in the context with a 'CPU' or 'GPU' device_target.

        Note:
            msnn feeds rows from the host (no device queue). On a CUDA device a background thread
            pins each row in page-locked memory ahead of the step and the copy to the GPU does not
            block (see :class:`msnn.train.DatasetHelper`); the thread ends with ``train``.
        """
        V.check_positive_int(epoch, "epoch", "Model.train")
        V.check_bool(dataset_sink_mode, "dataset_sink_mode", "Model.train")
        if _is_ms_dataset(train_dataset) and hasattr(train_dataset, "get_repeat_count"):
            repeat_count = train_dataset.get_repeat_count()
            if epoch != repeat_count:
                warnings.warn(f"The epoch_size {epoch} is not the same with dataset repeat_count {repeat_count}",
                              UserWarning, stacklevel=2)
        _device_number_check(self._parallel_mode, self._device_number)
        _parameter_broadcast_check(self._parallel_mode, self._parameter_broadcast)
        from .. import context  # pylint: disable=import-outside-toplevel
        if context.get_context("device_target") in ("CPU", "GPU") and context.get_context("enable_loop_sink"):
            V.fail("Model.train", "enable_loop_sink", "False when device_target is 'CPU' or 'GPU' (CPU and GPU "
                   "can't support loop sink; set context.set_context(enable_loop_sink=False))", True)
        self._train(epoch, train_dataset, callbacks=callbacks, dataset_sink_mode=dataset_sink_mode)

    def _train(self, epoch, train_dataset, callbacks=None, dataset_sink_mode=True):
        self._train_network.set_train()
        if self._parameter_broadcast:
            self._train_network.set_broadcast_flag()
        list_callback = _build_callbacks(callbacks)
        feed = _DatasetIterFeed(train_dataset, "Model.train", "train_dataset")
        cb_params = _InternalCallbackParam()
        cb_params.train_network = self._train_network
        cb_params.epoch_num = epoch
        cb_params.batch_num = feed.loop_count
        cb_params.mode = "train"
        cb_params.loss_fn = self._loss_fn
        cb_params.optimizer = self._optimizer
        cb_params.parallel_mode = self._parallel_mode
        cb_params.device_number = self._device_number
        cb_params.train_dataset = train_dataset
        cb_params.list_callback = list_callback
        try:
            self._train_process(epoch, train_dataset, feed, list_callback, cb_params)
        finally:
            feed.close()  # stops its pin thread (CUDA) now rather than when collected

    def _train_process(self, epoch, train_dataset, feed, list_callback, cb_params):
        network = self._train_network
        manager = self._loss_scale_manager
        feed_scale = manager is not None and manager.get_drop_overflow_update()
        arity = _positional_arity(network) if isinstance(network, Cell) else None
        checked = None
        unit = getattr(network, "_graph", None)
        if isinstance(unit, _graph.GraphStep):  # GRAPH_MODE's auto policy weighs the run's length
            unit.expect(epoch * feed.loop_count)
        cb_params.cur_step_num = 0
        run_context = RunContext(cb_params)
        list_callback.begin(run_context)
        should_stop = False
        for i in range(epoch):
            cb_params.cur_epoch_num = i + 1
            list_callback.epoch_begin(run_context)
            for next_element in feed:
                if len(next_element) != checked:
                    self._check_row(next_element, None if feed_scale else arity)
                    checked = len(next_element)
                cb_params.cur_step_num += 1
                list_callback.step_begin(run_context)
                if feed_scale:
                    sens = torch.tensor(self._get_scaling_sens(), dtype=torch.float32)
                    next_element = tuple(next_element) + (sens,)
                outputs = network(*next_element)
                cb_params.net_outputs = outputs
                if feed_scale:
                    overflow = bool(np.all(outputs[1].detach().cpu().numpy()))
                    manager.update_loss_scale(overflow)
                list_callback.step_end(run_context)
                should_stop = should_stop or run_context.get_stop_requested()
                if should_stop:
                    break
            if _is_ms_dataset(train_dataset) and hasattr(train_dataset, "reset"):
                train_dataset.reset()  # 0.1 reset the dataset after each epoch (a no-op in its base class)
            list_callback.epoch_end(run_context)
            should_stop = should_stop or run_context.get_stop_requested()
            if should_stop:
                break
        list_callback.end(run_context)

    # -- evaluation -------------------------------------------------------------------------------
    def eval(self, valid_dataset, callbacks=None, dataset_sink_mode=True):
        """Evaluates the metrics on one epoch of ``valid_dataset``.

        Args:
            valid_dataset (Dataset): A dataset, or any sized iterable of rows.
            callbacks (list): A Callback or a list of them (``begin``, ``step_begin``,
                ``step_end``, ``end`` are called). Default: None.
            dataset_sink_mode (bool): Accepted for MindSpore; both values feed rows from the host.
                Default: True.

        Returns:
            dict, ``{metric name: value}``.

        Raises:
            ValueError: If the model has no metrics.
        """
        V.check_bool(dataset_sink_mode, "dataset_sink_mode", "Model.eval")
        if not self._metric_fns:
            V.fail("Model.eval", "metrics", "set when the Model is built (a dict or a set of names)",
                   self._metric_fns)
        list_callback = _build_callbacks(callbacks)
        feed = _DatasetIterFeed(valid_dataset, "Model.eval", "valid_dataset")
        cb_params = _InternalCallbackParam()
        cb_params.eval_network = self._eval_network
        cb_params.valid_dataset = valid_dataset
        cb_params.batch_num = feed.loop_count
        cb_params.mode = "eval"
        cb_params.cur_step_num = 0
        self._eval_network.set_train(mode=False)
        self._eval_network.phase = 'eval'
        self._clear_metrics()
        run_context = RunContext(cb_params)
        list_callback.begin(run_context)
        try:
            with torch.no_grad():
                for next_element in feed:
                    list_callback.step_begin(run_context)
                    outputs = self._eval_network(*next_element)
                    cb_params.net_outputs = outputs
                    list_callback.step_end(run_context)
                    self._update_metrics(outputs)
        finally:
            feed.close()
        metrics = self._get_metrics()
        cb_params.metrics = metrics
        list_callback.end(run_context)
        return metrics

    # -- prediction -------------------------------------------------------------------------------
    def predict(self, *predict_data):
        """The network's output for ``predict_data`` (tensors, or lists/tuples of tensors), in
        inference mode.

        Raises:
            ValueError: If an input is not a Tensor, or is empty.
            RuntimeError: If the network returns nothing.
        """
        self._network.set_train(False)
        _check_input_data(*predict_data)
        with torch.no_grad():
            result = self._network(*predict_data)
        if result is None or (isinstance(result, (tuple, list)) and not result):
            raise RuntimeError(f"For 'Model.predict', the network returned {result!r}; check the network "
                               f"or the input data.")
        return result


def _check_input_data(*data):
    for item in data:
        if isinstance(item, (list, tuple)):
            _check_input_data(*item)
        elif not isinstance(item, torch.Tensor):
            V.fail("Model.predict", "predict_data", "Tensors (or lists/tuples of Tensors)", type(item).__name__)
        elif item.numel() == 0:
            V.fail("Model.predict", "predict_data", "non-empty Tensors", item)
