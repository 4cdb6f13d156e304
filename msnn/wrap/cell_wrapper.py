"""mindspore.nn.wrap.cell_wrapper: loss, gradient and one-step training wrappers.

Every wrapper is built with ``auto_prefix=False``, so wrapping a network keeps its parameter names.
Gradients come from ``torch.autograd.grad`` of the loss with respect to the weights captured at
construction (``network.trainable_params()``), with the upstream gradient MindSpore's
``GradOperation(sens_param=True)`` would receive. A weight the loss does not depend on gets a zero
gradient, as in MindSpore.
"""
import numpy as np
import torch

from .._api import ms_api
from .. import _graph
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from ..common.parameter import Parameter, ParameterTuple
from ..common.tensor import unwrap
from .grad_reducer import auto_reducer

__all__ = ["WithLossCell", "WithGradCell", "WithEvalCell", "TrainOneStepCell", "ParameterUpdate",
           "DataWrapper", "GetNextSingleOp"]


def _pull(queue_name, dataset_types, dataset_shapes):
    """One step from a dataset channel of :mod:`msnn.train.dataset_helper` (imported on first use:
    ``msnn.train`` imports this module, so a top-level import would be circular)."""
    from ..train import dataset_helper  # pylint: disable=import-outside-toplevel
    return dataset_helper.pull(queue_name, dataset_types, dataset_shapes)


def __getattr__(name):
    """``connect_dataset`` stays importable from here, as it was for DataWrapper users."""
    if name == "connect_dataset":
        from ..train.dataset_helper import connect_dataset  # pylint: disable=import-outside-toplevel
        return connect_dataset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _check_network(network, arg_name, cls_name, params=False):
    """A network: a Cell, or (when its parameters are not needed) any torch.nn.Module (TypeError)."""
    if not isinstance(network, Cell if params else torch.nn.Module):
        V.fail(cls_name, arg_name, "a Cell" if params else "a Cell (or torch.nn.Module)",
               V._Raw(type(network).__name__), exc=TypeError)
    return network


def _check_loss_fn(loss_fn, arg_name, cls_name):
    """A loss: a Cell/Module or another callable (TypeError)."""
    if not callable(loss_fn) or isinstance(loss_fn, (type, torch.Tensor)):
        V.fail(cls_name, arg_name, "a Cell or callable loss function", V._Raw(type(loss_fn).__name__),
               exc=TypeError)
    return loss_fn


def _check_optimizer(optimizer, cls_name):
    """An optimizer: callable on a tuple of gradients, with its ``parameters`` (TypeError)."""
    if not callable(optimizer) or isinstance(optimizer, type) or \
            not isinstance(getattr(optimizer, "parameters", None), tuple):
        V.fail(cls_name, "optimizer", "an optimizer (an msnn Optimizer or a Cell with a 'parameters' tuple)",
               V._Raw(type(optimizer).__name__), exc=TypeError)
    return optimizer


def _check_sens(sens, cls_name):
    """``sens``: a finite number > 0 (the upstream gradient; NaN/inf/0 would train nothing)."""
    return V.check_number(sens, "sens", cls_name, lower=0, lower_open=True)


def _graph_step(cell):
    """The GRAPH_MODE unit of a train-step cell (see :mod:`msnn._graph`)."""
    return _graph.GraphStep(f"the train step of {type(cell.network).__name__}", _eager_step, _build_graph_step)


def _eager_step(cell, *args):
    return cell._step(cell.network, cell.optimizer, *args)


def _build_graph_step(cell):
    """The compiled form of ``cell._step``: the loss network compiled (AOTAutograd compiles its
    backward), the optimizer's compiled update."""
    loss_fn = _graph.compiled_call(cell.network, f"{type(cell.network).__name__}_loss")
    optimizer = cell.optimizer
    update = getattr(optimizer, "_graph_run", optimizer)

    def run(cell, *args):
        return cell._step(loss_fn, update, *[unwrap(a) for a in args])
    return run


def _weight_grads(outputs, weights, grad_outputs):
    """d(outputs)/d(weights) · grad_outputs; zeros for weights the outputs do not use."""
    return torch.autograd.grad(outputs, tuple(weights), grad_outputs, allow_unused=True, materialize_grads=True)


@ms_api("mindspore.nn.WithLossCell", torch="loss_fn(backbone(data), label)")
class WithLossCell(Cell):
    r"""Cell with loss function.

    Wraps the network with loss function. This Cell accepts data and label as inputs and the
    computed loss will be returned.

    Args:
        backbone (Cell): The target network to wrap.
        loss_fn (Cell): The loss function used to compute loss.

    Inputs:
        - **data** (Tensor) - Tensor of shape :math:`(N, \ldots)`.
        - **label** (Tensor) - Tensor of shape :math:`(N, \ldots)`.

    Outputs:
        Tensor, a scalar tensor with shape :math:`()`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> net = nn.Dense(3, 2)
        >>> loss_fn = nn.MSELoss()
        >>> net_with_criterion = nn.WithLossCell(net, loss_fn)
        >>> data = Tensor(np.ones([4, 3]).astype(np.float32))
        >>> label = Tensor(np.zeros([4, 2]).astype(np.float32))
        >>> net_with_criterion(data, label).shape()
        ()
    """

    def __init__(self, backbone, loss_fn):
        super(WithLossCell, self).__init__(auto_prefix=False)
        _check_network(backbone, "backbone", "WithLossCell")
        _check_loss_fn(loss_fn, "loss_fn", "WithLossCell")
        self._backbone = backbone
        self._loss_fn = loss_fn

    def construct(self, data, label):
        return self._loss_fn(self._backbone(data), label)

    @property
    def backbone_network(self):
        """Returns the backbone network (Cell)."""
        return self._backbone


@ms_api("mindspore.nn.WithEvalCell", torch="(loss_fn(net(data), label), net(data), label)")
class WithEvalCell(Cell):
    r"""Cell that returns loss, output and label for evaluation.

    This Cell accepts a network and loss function as arguments and computes loss for model. It
    returns loss, output and label to calculate the metrics.

    Args:
        network (Cell): The network Cell.
        loss_fn (Cell): The loss Cell.

    Inputs:
        - **data** (Tensor) - Tensor of shape :math:`(N, \ldots)`.
        - **label** (Tensor) - Tensor of shape :math:`(N, \ldots)`.

    Outputs:
        Tuple, containing a scalar loss Tensor, a network output Tensor of shape
        :math:`(N, \ldots)` and a label Tensor of shape :math:`(N, \ldots)`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> eval_net = nn.WithEvalCell(nn.Dense(3, 2), nn.MSELoss())
        >>> loss, out, label = eval_net(Tensor(np.ones([4, 3]), nn.float32), Tensor(np.zeros([4, 2]), nn.float32))
        >>> out.shape()
        (4, 2)
    """

    def __init__(self, network, loss_fn):
        super(WithEvalCell, self).__init__(auto_prefix=False)
        _check_network(network, "network", "WithEvalCell")
        _check_loss_fn(loss_fn, "loss_fn", "WithEvalCell")
        self._network = network
        self._loss_fn = loss_fn

    def construct(self, data, label):
        outputs = self._network(data)
        loss = self._loss_fn(outputs, label)
        return loss, outputs, label


@ms_api("mindspore.nn.WithGradCell", torch="torch.autograd.grad(loss, weights, grad_outputs=sens or ones)",
        deviations=("Runs eagerly in any mode (MindSpore required PyNative mode).",),
        doc_errors=("The doc says the output is a list; 0.1 returns (and msnn returns) a tuple.",))
class WithGradCell(Cell):
    r"""Cell that returns the gradients.

    Wraps the network with backward cell to compute gradients. A network with a loss function is
    necessary as argument. If loss function in None, the network must be a wrapper of network and
    loss function. This Cell accepts data and label as inputs and returns gradients for each
    trainable parameter. The weights are ``network.trainable_params()`` at construction, and the
    loss network is put in training mode (``set_train()``).

    Args:
        network (Cell): The target network to wrap.
        loss_fn (Cell): Primitive loss function used to compute gradients. Default: None.
        sens (Union[None, Tensor, Scalar, Tuple ...]): The sensitive for backpropagation, the type
            and shape should be same as the `network` output. If None, we will fill one to a same
            type shape of output value. Default: None.

    Inputs:
        - **data** (Tensor) - Tensor of shape :math:`(N, \ldots)`.
        - **label** (Tensor) - Tensor of shape :math:`(N, \ldots)`.

    Outputs:
        tuple, Tensors with identical shapes as trainable weights.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> net = nn.Dense(3, 2)
        >>> grad_net = nn.WithGradCell(net, nn.MSELoss())
        >>> grads = grad_net(Tensor(np.ones([4, 3]), nn.float32), Tensor(np.zeros([4, 2]), nn.float32))
        >>> [g.shape() for g in grads]
        [(2, 3), (2,)]

    Note:
        The result is a tuple (the doc says list; the 0.1 code returns a tuple). A Python-number
        ``sens`` is filled into the output's shape and dtype.
    """

    def __init__(self, network, loss_fn=None, sens=None):
        super(WithGradCell, self).__init__(auto_prefix=False)
        _check_network(network, "network", "WithGradCell", params=True)
        if loss_fn is not None:
            _check_loss_fn(loss_fn, "loss_fn", "WithGradCell")
        if sens is not None:
            items = sens if isinstance(sens, (tuple, list)) and sens else (sens,)
            for item in items:
                if not isinstance(item, torch.Tensor):
                    V.check_number(item, "sens", "WithGradCell")
                elif not bool(torch.isfinite(item).all()):
                    V.fail("WithGradCell", "sens", "finite", item)
        self.network = network
        self.loss_fn = loss_fn
        self.weights = ParameterTuple(network.trainable_params())
        self.sens = sens
        if loss_fn is None:
            self.network_with_loss = network
        else:
            self.network_with_loss = WithLossCell(self.network, self.loss_fn)
        self.network_with_loss.set_train()

    def construct(self, data, label):
        out = self.network_with_loss(data, label)
        outs = out if isinstance(out, tuple) else (out,)
        sens = self.sens
        if sens is None:
            grad_outputs = tuple(torch.ones_like(o) for o in outs)
        else:
            sens = sens if isinstance(sens, (tuple, list)) else (sens,)
            grad_outputs = tuple(s.to(o.device, o.dtype).expand_as(o) if isinstance(s, torch.Tensor)
                                 else torch.full_like(o, s) for s, o in zip(sens, outs))
        return _weight_grads(outs, self.weights, grad_outputs)


@ms_api("mindspore.nn.TrainOneStepCell",
        torch="torch.autograd.grad(loss, weights, grad_outputs=full_like(loss, sens)) + optimizer(grads)",
        deviations=(
            "Data parallelism is keyed on torch.distributed: when a process group with world size "
            "> 1 is initialised the gradients go through a DistributedGradReducer (mean=True "
            "unless msnn.context has an auto-parallel mirror_mean), where MindSpore read its "
            "parallel_mode.",
            "The returned loss is detached from the autograd graph.",
            "GRAPH_MODE compiles the step with torch.compile (the loss network, whose backward "
            "AOTAutograd compiles, and the optimizer update) after a timed eager warm-up, and keeps "
            "it only where it is faster than eager; results equal eager within float rounding.",
        ))
class TrainOneStepCell(Cell):
    r"""Network training package class.

    Wraps the network with an optimizer. The resulting Cell be trained with input data and label.
    One call computes ``loss = network(data, label)``, the gradients of ``loss`` with respect to
    the weights captured at construction with an upstream gradient filled with ``sens`` (so the
    gradients are multiplied by ``sens``), all-reduces them when training data-parallel, and calls
    ``optimizer(grads)``. It returns the loss computed before the update. It does not call
    ``set_train``.

    Args:
        network (Cell): The training network.
        optimizer (Cell): Optimizer for updating the weights.
        sens (Number): The scaling number to be filled as the input of backpropagation. Default
            value is 1.0.

    Inputs:
        - **data** (Tensor) - Tensor of shape :math:`(N, \ldots)`.
        - **label** (Tensor) - Tensor of shape :math:`(N, \ldots)`.

    Outputs:
        Tensor, a scalar Tensor with shape :math:`()`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> net = nn.Dense(3, 2)
        >>> optim = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
        >>> loss_net = nn.WithLossCell(net, nn.MSELoss())
        >>> train_net = nn.TrainOneStepCell(loss_net, optim)
        >>> loss = train_net(Tensor(np.ones([4, 3]), nn.float32), Tensor(np.zeros([4, 2]), nn.float32))
        >>> loss.shape()
        ()

    Note:
        Static loss scaling is ``sens=S`` with the optimizer's ``loss_scale=S``. In data-parallel
        training (a ``torch.distributed`` process group with world size > 1, e.g. under
        ``torchrun``) a :class:`DistributedGradReducer` averages the gradients. The returned loss
        is detached. In GRAPH_MODE (0.1's default) the first 5 steps run eagerly and are timed,
        then the step is compiled with ``torch.compile`` -- the loss network as one graph
        (AOTAutograd compiles its backward) and the optimizer update as another (Lamb and LARS
        update eagerly) -- and kept compiled only if it is faster than eager
        (``MSNN_GRAPH_POLICY=compile`` keeps it always, ``=eager`` never compiles; ``Model.train``
        skips compiling a run shorter than 5 minutes eagerly). A network that
        cannot be compiled as one graph runs eagerly, with a one-line warning. A smaller last
        batch recompiles once with dynamic shapes. Results equal PYNATIVE_MODE's within float
        rounding (dropout draws the same random numbers).
    """

    def __init__(self, network, optimizer, sens=1.0):
        super(TrainOneStepCell, self).__init__(auto_prefix=False)
        _check_network(network, "network", "TrainOneStepCell", params=True)
        _check_optimizer(optimizer, "TrainOneStepCell")
        _check_sens(sens, "TrainOneStepCell")
        self.network = network
        if isinstance(network, Cell):
            network.add_flags(defer_inline=True)
        self.weights = ParameterTuple(network.trainable_params())
        self.optimizer = optimizer
        self.sens = sens
        self.grad_reducer = auto_reducer(optimizer.parameters, network)
        self.reducer_flag = self.grad_reducer is not None
        self._graph = _graph_step(self)

    def construct(self, data, label):
        return self._graph(self, data, label)

    def _step(self, network, optimizer, data, label):
        """One step with ``network`` (the loss network or its compiled form) and ``optimizer``
        (the optimizer's call or its compiled update)."""
        loss = network(data, label)
        out = loss.detach()  # taken before the gradient consumes the graph (torch.compile traces it)
        grads = _weight_grads(loss, self.weights, torch.full_like(loss, self.sens))
        if self.reducer_flag:
            grads = self.grad_reducer(grads)
        optimizer(grads)
        return out


@ms_api("mindspore.nn.ParameterUpdate", torch="with torch.no_grad(): param.copy_(x)",
        deviations=(
            "Holds a reference to the parameter passed in and writes into it (MindSpore held a "
            "copy with the same name and relied on graph weights being shared by name); the "
            "effect on the network is the same.",
        ),
        doc_errors=("The doc says a non-Parameter raises KeyError; 0.1 (and msnn) raise TypeError.",))
class ParameterUpdate(Cell):
    """Cell that updates parameters.

    With this Cell, one can manually update `param` with the input `Tensor`: a call writes ``x``
    into the parameter and returns the value it held before the call (a new tensor).

    Args:
        param (Parameter): The parameter to be updated manually.

    Raises:
        TypeError: If `param` is not a Parameter, or (as in 0.1) a Parameter built from a numpy
            array, numpy scalar or list rather than a Tensor, float or int.

    Inputs:
        - **x** (Tensor) - The new value, with the parameter's number of elements (it is cast to
          the parameter's dtype). A call with another number of elements raises ValueError;
          ``_executor.compile`` does not check it, as 0.1's graph compilation did not.

    Outputs:
        Tensor, the value of the parameter before the update.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Parameter, Tensor
        >>> param = Parameter(Tensor(0.1, nn.float32), name='learning_rate')
        >>> update = nn.ParameterUpdate(param)
        >>> update.phase = "update_param"
        >>> lr = Tensor(0.001, nn.float32)
        >>> old = update(lr)
        >>> round(float(old), 6), round(float(param.asnumpy()), 6)
        (0.1, 0.001)

    Note:
        msnn writes into the very Parameter passed in (the network's own), and returns its
        previous value. The doc's ``KeyError`` is a ``TypeError``, as in the 0.1 code.
    """

    def __init__(self, param):
        super(ParameterUpdate, self).__init__(auto_prefix=False)
        if not isinstance(param, Parameter):
            V.fail("ParameterUpdate", "param", "a Parameter", param, exc=TypeError)
        raw = param.__dict__.get("_ms_raw_input")
        if raw is not None:  # 0.1 kept such data raw and accepted only Tensor, float or int here
            V.fail("ParameterUpdate", "param", "a Parameter whose data was given as a Tensor, float or int",
                   V._Raw(f"one built from a {raw}"), exc=TypeError)
        self._param = param

    @staticmethod
    def _check_x(x):
        if isinstance(x, bool) or not isinstance(x, (torch.Tensor, np.ndarray, list, tuple, int, float)):
            V.fail("ParameterUpdate", "x", "a Tensor (or array-like)", V._Raw(type(x).__name__), exc=TypeError)

    def _compile_check(self, x):
        """What ``_executor.compile`` checks: 0.1's graph took the parameter's shape and dtype
        (its ``Assign`` inferred nothing from ``x``), so only the type of ``x`` is checked."""
        self._check_x(x)

    def construct(self, x):
        param = self._param
        self._check_x(x)
        with torch.no_grad():
            old = param.detach().clone()
            x = torch.as_tensor(x, device=param.device)
            if x.numel() != param.numel():
                V.fail("ParameterUpdate", "x", f"of the parameter's shape {tuple(param.shape)}", V._Raw(f"shape {tuple(x.shape)}"))
            if x.shape != param.shape and x.numel() == param.numel():
                x = x.reshape(param.shape)
            param.copy_(x)
        return old


def _check_get_next(cls_name, dataset_types, dataset_shapes):
    """GetNext's checks: types and shapes are lists/tuples of equal length (ValueError)."""
    V.check_type(dataset_types, "dataset_types", cls_name, (list, tuple), exc=ValueError)
    V.check_type(dataset_shapes, "dataset_shapes", cls_name, (list, tuple), exc=ValueError)
    if len(dataset_types) != len(dataset_shapes):
        V.fail(cls_name, "dataset_shapes", f"as long as 'dataset_types' ({len(dataset_types)} entries)",
               dataset_shapes)
    for dtype in dataset_types:
        if not mstype.is_dtype(dtype):
            V.fail(cls_name, "dataset_types", "a list of msnn dtypes", dataset_types)
    for shape in dataset_shapes:
        if not isinstance(shape, (list, tuple)) or not all(
                isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
            V.fail(cls_name, "dataset_shapes", "a list of shapes (lists/tuples of ints >= 0)", dataset_shapes)
    return tuple(dataset_types), tuple(tuple(s) for s in dataset_shapes)


_QUEUE_DEVIATIONS = (
    "The dataset channel is a Python iterable connected with "
    "msnn.train.dataset_helper.connect_dataset(queue_name, iterable) rather than a device queue; "
    "entries are cast to dataset_types and moved to the context device, and their shapes are checked "
    "against dataset_shapes (RuntimeError).",
    "dataset_types entries must be msnn dtypes (ValueError); 0.1 only checked the list type.",
)




@ms_api("mindspore.nn.DataWrapper", torch="network(*next(iter(data_loader)))",
        deviations=_QUEUE_DEVIATIONS)
class DataWrapper(Cell):
    """Network training package class for dataset.

    DataWrapper wraps the input network with a dataset which automatically fetches data with
    'GetNext' function from the dataset channel 'queue_name' and does forward computation in the
    construct function.

    Args:
        network (Cell): The training network for dataset.
        dataset_types (list): The type of dataset. The list contains describes the types of the
            inputs.
        dataset_shapes (list): The shapes of dataset. The list contains multiple sublists that
            describes the shape of the inputs.
        queue_name (str): The identification of dataset channel which specifies the dataset
            channel to supply data for the network.

    Raises:
        ValueError: If dataset_types or dataset_shapes is not a list/tuple, or their lengths differ.

    Outputs:
        Tensor, network output whose shape depends on the network.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn.train.dataset_helper import connect_dataset
        >>> data = [(np.ones([2, 3], np.float32), np.zeros([2, 2], np.float32))] * 3
        >>> connect_dataset("train", data)
        >>> net = nn.WithLossCell(nn.Dense(3, 2), nn.MSELoss())
        >>> net = nn.DataWrapper(net, [nn.float32, nn.float32], [[2, 3], [2, 2]], "train")
        >>> net().shape()
        ()

    Note:
        msnn has no device queue: a dataset channel is any Python iterable registered under
        ``queue_name`` with ``msnn.train.dataset_helper.connect_dataset(queue_name, iterable,
        num_epochs=1)`` (also importable from this module). Each step pulls one element (a tuple,
        list, dict or tensor), casts every entry to ``dataset_types`` and moves it to the context
        device; a count or shape that differs from the declaration, an unknown queue name, or a
        channel that has run dry raises RuntimeError naming the queue. A torch ``DataLoader``
        (with ``drop_last=True``, since queues have fixed shapes) connects as it is.
    """

    def __init__(self, network, dataset_types, dataset_shapes, queue_name):
        super(DataWrapper, self).__init__(auto_prefix=False)
        _check_network(network, "network", "DataWrapper")
        self._types, self._shapes = _check_get_next("DataWrapper", dataset_types, dataset_shapes)
        self.queue_name = V.check_type(queue_name, "queue_name", "DataWrapper", str, what="a str")
        self.network = network

    def construct(self):
        outputs = _pull(self.queue_name, self._types, self._shapes)
        return self.network(*outputs)


@ms_api("mindspore.nn.GetNextSingleOp", torch="next(iter(data_loader))",
        deviations=_QUEUE_DEVIATIONS)
class GetNextSingleOp(Cell):
    """Cell to run get next operation: returns the next tuple of the dataset channel.

    Args:
        dataset_types (list[:class:`msnn.dtype`]): The types of dataset.
        dataset_shapes (list[tuple[int]]): The shapes of dataset.
        queue_name (str): Queue name to fetch the data.

    Raises:
        ValueError: If dataset_types or dataset_shapes is not a list/tuple, or their lengths differ.

    Outputs:
        tuple[Tensor], one entry per dataset type.

    Examples:
        >>> import msnn as nn
        >>> from msnn.train.dataset_helper import connect_dataset
        >>> connect_dataset("q1", [([1.0, 2.0], 3)])
        >>> x, y = nn.GetNextSingleOp([nn.float32, nn.int32], [[2], []], "q1")()
        >>> x.dtype == nn.float32, y.shape()
        (True, ())

    Note:
        msnn has no device queue: a dataset channel is any Python iterable registered under
        ``queue_name`` with ``msnn.train.dataset_helper.connect_dataset(queue_name, iterable,
        num_epochs=1)`` (also importable from this module). Each step pulls one element (a tuple,
        list, dict or tensor), casts every entry to ``dataset_types`` and moves it to the context
        device; a count or shape that differs from the declaration, an unknown queue name, or a
        channel that has run dry raises RuntimeError naming the queue. A torch ``DataLoader``
        (with ``drop_last=True``, since queues have fixed shapes) connects as it is.
    """

    def __init__(self, dataset_types, dataset_shapes, queue_name):
        super(GetNextSingleOp, self).__init__()
        self._types, self._shapes = _check_get_next("GetNextSingleOp", dataset_types, dataset_shapes)
        self.queue_name = V.check_type(queue_name, "queue_name", "GetNextSingleOp", str, what="a str")

    def construct(self):
        return _pull(self.queue_name, self._types, self._shapes)
