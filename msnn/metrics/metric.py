"""mindspore.nn.metrics.metric: the ``Metric`` base class.

Metrics are pure numpy, as in MindSpore 0.1: every input is first converted to a numpy array
(a torch/msnn tensor on any device is detached and copied to the host), then the same numpy
computations as 0.1 run on it. Accumulators are float64 (0.1 ran on numpy 1.x, where adding a
float32 scalar to the initial ``0`` gave a float64), so the figures match 0.1's to the bit.
"""
from abc import ABCMeta, abstractmethod

import numpy as np
import torch

from .._api import ms_api
from .. import _validator as V

__all__ = ["Metric"]


@ms_api("mindspore.nn.Metric", torch="(none: numpy on the host)",
        deviations=("Any torch tensor (CPU or CUDA, msnn.Tensor or plain) is accepted as a Tensor "
                    "input; a bfloat16 tensor is converted through float32.",))
class Metric(metaclass=ABCMeta):
    """Base class of metric.

    Subclasses implement ``clear``, ``update(*inputs)`` and ``eval``; calling a metric
    (``metric(*inputs)``) clears it, updates it once and returns ``eval()``. Inputs may be Tensors,
    lists or numpy arrays; anything else raises TypeError.

    Note:
        For examples of subclasses, please refer to the definition of class `MAE`, 'Recall' etc.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> class Count(nn.Metric):
        ...     def clear(self):
        ...         self.n = 0
        ...     def update(self, *inputs):
        ...         self.n += self._convert_data(inputs[0]).shape[0]
        ...     def eval(self):
        ...         return self.n
        >>> Count()(np.zeros((3, 2)))
        3
    """

    def __init__(self):
        pass

    def _convert_data(self, data, arg_name="inputs"):
        """A Tensor (any torch tensor, any device), list or numpy array -> numpy array (TypeError
        for anything else, e.g. a tuple or a scalar)."""
        if isinstance(data, torch.Tensor):
            data = data.detach()
            if data.dtype == torch.bfloat16:
                data = data.float()
            return data.cpu().numpy()
        if isinstance(data, list):
            return np.array(data)
        if isinstance(data, np.ndarray):
            return data
        return V.fail(type(self).__name__, arg_name, "a Tensor, a list or a numpy.ndarray", V._Raw(type(data).__name__),
                      exc=TypeError)

    @staticmethod
    def _check_onehot_data(data):
        """True when ``data`` looks one-hot: ndim > 1, all entries 0/1, and every slice along
        axis 1 sums to exactly 1."""
        if data.ndim > 1 and np.equal(data ** 2, data).all():
            shp = (data.shape[0],) + data.shape[2:]
            if np.equal(np.ones(shp), data.sum(axis=1)).all():
                return True
        return False

    def _pair(self, inputs, onehot_to_index=True):
        """``(y_pred, y)`` as numpy arrays from exactly two inputs (ValueError otherwise); with
        ``onehot_to_index`` a one-hot ``y`` of ``y_pred``'s ndim becomes class indices."""
        if len(inputs) != 2:
            V.fail(type(self).__name__, "inputs", "2 inputs (y_pred, y)", f"{len(inputs)} inputs")
        y_pred = self._convert_data(inputs[0], "y_pred")
        y = self._convert_data(inputs[1], "y")
        if y_pred.size == 0 or y.size == 0:
            V.fail(type(self).__name__, "y_pred" if y_pred.size == 0 else "y", "non-empty (at least one sample)",
                   V._Raw(f"shape {(y_pred if y_pred.size == 0 else y).shape}"))
        if onehot_to_index and y_pred.ndim == y.ndim and self._check_onehot_data(y):
            y = y.argmax(axis=1)
        return y_pred, y

    def _fix_class_num(self, y_pred):
        """The first update fixes the class count ``y_pred.shape[1]``; a later one that differs
        raises ValueError."""
        if y_pred.ndim < 2:
            V.fail(type(self).__name__, "y_pred", "of shape (N, C, ...)", V._Raw(f"shape {y_pred.shape}"))
        if self._class_num == 0:
            self._class_num = y_pred.shape[1]
        elif y_pred.shape[1] != self._class_num:
            V.fail(type(self).__name__, "y_pred", f"of {self._class_num} classes (as in the earlier updates)", f"{y_pred.shape[1]} classes")

    def __call__(self, *inputs):
        """Evaluate the inputs once: ``clear()``, ``update(*inputs)``, then ``eval()``."""
        self.clear()
        self.update(*inputs)
        return self.eval()

    @abstractmethod
    def clear(self):
        """Clear the internal evaluation result. All subclasses should override this interface."""
        raise NotImplementedError('Must define clear function to use this base class')

    @abstractmethod
    def eval(self):
        """Compute the evaluation result. All subclasses should override this interface."""
        raise NotImplementedError('Must define eval function to use this base class')

    @abstractmethod
    def update(self, *inputs):
        """Update the internal evaluation result with ``inputs``. All subclasses should override
        this interface."""
        raise NotImplementedError('Must define update function to use this base class')
