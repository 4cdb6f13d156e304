"""mindspore.nn.metrics.loss: the ``Loss`` metric (the loss functions live in ``msnn.loss``)."""
import numpy as np

from .._api import ms_api
from .. import _validator as V
from .metric import Metric

__all__ = ["Loss"]


@ms_api("mindspore.nn.Loss", torch="(none: numpy on the host)")
class Loss(Metric):
    r"""Calculates the average of the loss. If method 'update' is called every :math:`n`
    iterations, the result of evaluation will be:

    .. math::
        loss = \frac{\sum_{k=1}^{n}loss_k}{n}

    where :math:`loss_k` is the mean of the k-th update's loss vector.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> x = Tensor(np.array(0.2), mindspore.float32)
        >>> loss = nn.Loss()
        >>> loss.clear()
        >>> loss.update(x)
        >>> print(loss.eval())
        0.20000000298023224
    """

    def __init__(self):
        super().__init__()
        self.clear()

    def clear(self):
        """Clears the internal evaluation result."""
        self._sum_loss = np.float64(0.0)
        self._total_num = 0

    def update(self, *inputs):
        """Adds the mean of one loss (a scalar or a vector) to the running sum.

        Args:
            inputs: Inputs contain only one element, the element is loss. The dimension of loss
                should be 0 or 1.

        Raises:
            ValueError: If the length of inputs is not 1.
            ValueError: If the dimensions of loss is not 0 or 1.
        """
        name = type(self).__name__
        if len(inputs) != 1:
            V.fail(name, "inputs", "exactly 1 input (the loss)", f"{len(inputs)} inputs")
        loss = self._convert_data(inputs[0], "loss")
        if loss.ndim == 0:
            loss = loss.reshape(1)
        if loss.ndim != 1:
            V.fail(name, "loss", "of 0 or 1 dimensions", f"{loss.ndim} dimensions")
        self._sum_loss += loss.mean(-1)
        self._total_num += 1

    def eval(self):
        """Calculates the average of the loss.

        Returns:
            Float, the average of the loss.

        Raises:
            RuntimeError: If the total number is 0.
        """
        if self._total_num == 0:
            raise RuntimeError("For 'Loss', the total number can not be 0: call update() before "
                               "eval().")
        return self._sum_loss / self._total_num
