"""mindspore.nn.layer.activation: ReLU, ReLU6, Tanh, Sigmoid, GELU, Softmax, LogSoftmax, LeakyReLU,
PReLU and ``get_activation``.

Each activation is one torch functional call; the Python around it only checks what MindSpore 0.1
checked (with its exception types) using shapes, never tensor values.
"""
import numpy as np
import torch
import torch.nn.functional as F

from .._api import ms_api
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from ..common.initializer import check_alloc, make_tensor
from ..common.parameter import Parameter
from ..common.tensor import Tensor

__all__ = ["Softmax", "LogSoftmax", "ReLU", "ReLU6", "LeakyReLU", "Tanh", "GELU", "Sigmoid", "PReLU",
           "get_activation"]


def _check_axis_in_rank(axis, rank, cls_name):
    """MindSpore's run-time axis check: ``-rank <= axis < rank`` (ValueError)."""
    if not -rank <= axis < rank:
        V.fail(cls_name, "axis", f"in [{-rank}, {rank}) for a {rank}-D 'input'", axis)


@ms_api("mindspore.nn.Softmax", torch="torch.nn.functional.softmax",
        deviations=("An empty axis tuple is refused at construction (MindSpore: at the first call).",))
class Softmax(Cell):
    r"""Softmax activation function.

    :math:`\text{softmax}(x_{i}) = \exp(x_i) / \sum_{j}\exp(x_j)` along ``axis``. With a tuple of
    axes it is ONE softmax over the product space of all listed axes.

    Args:
        axis (Union[int, tuple[int]]): The axis to apply Softmax operation, -1 means the last
            dimension. Default: -1.

    Inputs:
        - **x** (Tensor) - The input of Softmax.

    Outputs:
        Tensor, which has the same type and shape as x with values in the range [0, 1].

    Raises:
        ValueError: If ``axis`` is not an int or a tuple of ints, or is out of range for the input.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> net = nn.Softmax()
        >>> net(Tensor(np.array([1.0, 2.0, 3.0]), mindspore.float32))
        [0.09003057 0.24472848 0.66524094]
    """

    def __init__(self, axis=-1):
        super().__init__()
        name = type(self).__name__
        V.check_type(axis, "axis", name, (int, tuple), exc=ValueError)
        if isinstance(axis, tuple):
            if not axis:
                V.fail(name, "axis", "an int or a non-empty tuple of ints", axis)
            for item in axis:
                V.check_type(item, "axis", name, int, exc=ValueError, what="an int or a tuple of ints")
        self.axis = axis
        self._dims = (axis,) if isinstance(axis, int) else axis

    def construct(self, x):
        V.check_input(x, "input", "Softmax", "float")
        rank = x.dim()
        for a in self._dims:
            _check_axis_in_rank(a, rank, "Softmax")
        if len(self._dims) == 1:
            return F.softmax(x, self._dims[0])
        # one joint softmax over all listed axes; the shift is a constant, so it stays out of autograd
        e = torch.exp(x - x.detach().amax(dim=self._dims, keepdim=True))
        return e / e.sum(dim=self._dims, keepdim=True)


@ms_api("mindspore.nn.LogSoftmax", torch="torch.nn.functional.log_softmax")
class LogSoftmax(Cell):
    r"""LogSoftmax activation function: :math:`\log(\exp(x_i) / \sum_j \exp(x_j))` along ``axis``.

    Args:
        axis (int): The axis to apply LogSoftmax operation, -1 means the last dimension. Default: -1.

    Inputs:
        - **x** (Tensor) - The input of LogSoftmax.

    Outputs:
        Tensor, which has the same type and shape as x with values in the range [-inf, 0).

    Raises:
        ValueError: If ``axis`` is not an int, or is out of range for the input.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> net = nn.LogSoftmax()
        >>> net(Tensor(np.array([1.0, 2.0, 3.0]), mindspore.float32))
        [-2.407606   -1.4076059  -0.40760595]
    """

    def __init__(self, axis=-1):
        super().__init__()
        self.axis = V.check_type(axis, "axis", type(self).__name__, int, exc=ValueError)

    def construct(self, x):
        V.check_input(x, "input", "LogSoftmax", "float")
        _check_axis_in_rank(self.axis, x.dim(), "LogSoftmax")
        return F.log_softmax(x, self.axis)


@ms_api("mindspore.nn.ReLU", torch="torch.nn.functional.relu")
class ReLU(Cell):
    r"""Rectified Linear Unit activation function: element-wise :math:`\max(0, x)`.

    Inputs:
        - **input_data** (Tensor) - The input of ReLU.

    Outputs:
        Tensor, with the same type and shape as the input_data.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> nn.ReLU()(Tensor(np.array([-1.0, 2.0, -3.0]), mindspore.float32))
        [0. 2. 0.]
    """

    def __init__(self):
        super().__init__()

    def construct(self, x):
        V.check_input(x, "input", "ReLU", "number")
        return F.relu(x)


@ms_api("mindspore.nn.ReLU6", torch="torch.nn.functional.relu6")
class ReLU6(Cell):
    r"""ReLU6 activation function: element-wise :math:`\min(\max(0, x), 6)`.

    Inputs:
        - **input_data** (Tensor) - The input of ReLU6.

    Outputs:
        Tensor, which has the same type with input_data.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> nn.ReLU6()(Tensor(np.array([-1.0, 2.0, 7.0]), mindspore.float32))
        [0. 2. 6.]
    """

    def __init__(self):
        super().__init__()

    def construct(self, x):
        V.check_input(x, "input", "ReLU6", "number")
        return F.relu6(x)


@ms_api("mindspore.nn.LeakyReLU", torch="torch.nn.functional.leaky_relu")
class LeakyReLU(Cell):
    r"""Leaky ReLU activation function: ``x`` if ``x >= 0`` else ``alpha * x``.

    Args:
        alpha (float): Slope of the activation function at x < 0. Default: 0.2.

    Inputs:
        - **input_x** (Tensor) - The input of LeakyReLU.

    Outputs:
        Tensor, has the same type and shape with the input_x.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> nn.LeakyReLU()(Tensor(np.array([-1.0, 2.0]), mindspore.float32))
        [-0.2  2. ]

    Note:
        MindSpore 0.1 computes ``max(alpha*x, x)`` (``min`` when alpha > 1), which equals
        torch's leaky_relu for every alpha. Unlike 0.1, alpha must be a finite number (TypeError
        for another type, ValueError for NaN/inf): 0.1 accepted anything and failed at the call.
    """

    def __init__(self, alpha=0.2):
        super().__init__()
        if isinstance(alpha, np.generic):
            alpha = alpha.item()
        self.alpha = V.check_number(alpha, "alpha", type(self).__name__)

    def construct(self, x):
        V.check_input(x, "input", "LeakyReLU", "float")
        return F.leaky_relu(x, self.alpha)


@ms_api("mindspore.nn.Tanh", torch="torch.tanh")
class Tanh(Cell):
    r"""Tanh activation function, element-wise.

    Inputs:
        - **input_data** (Tensor) - The input of Tanh.

    Outputs:
        Tensor, with the same type and shape as the input_data.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> nn.Tanh()(Tensor(np.array([0.0, 1.0]), mindspore.float32))
        [0.        0.7615942]
    """

    def __init__(self):
        super().__init__()

    def construct(self, x):
        V.check_input(x, "input", "Tanh", "float")
        return torch.tanh(x)


@ms_api("mindspore.nn.GELU", torch="torch.nn.functional.gelu(approximate='tanh')",
        doc_errors=("The doc gives the exact x*P(X < x) form; every 0.1 kernel computes the tanh "
                    "approximation 0.5*x*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3))), which msnn follows.",))
class GELU(Cell):
    r"""Gaussian error linear unit activation function, tanh form (as 0.1's kernels compute it):

    :math:`0.5x(1 + \tanh(\sqrt{2/\pi}(x + 0.044715x^3)))`.

    Inputs:
        - **input_data** (Tensor) - The input of GELU.

    Outputs:
        Tensor, with the same type and shape as the input_data.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> nn.GELU()(Tensor(np.array([-1.0, 0.0, 1.0]), mindspore.float32))
        [-0.158808  0.        0.841192]

    Note:
        The seed doc shows the exact erf form; MindSpore 0.1 (TBE and GPU kernels) computes the tanh
        approximation, and so does msnn.
    """

    def __init__(self):
        super().__init__()

    def construct(self, x):
        V.check_input(x, "input", "GELU", "float")
        return F.gelu(x, approximate="tanh")


@ms_api("mindspore.nn.Sigmoid", torch="torch.sigmoid")
class Sigmoid(Cell):
    r"""Sigmoid activation function: :math:`1 / (1 + \exp(-x))`, element-wise.

    Inputs:
        - **input_data** (Tensor) - The input of Sigmoid.

    Outputs:
        Tensor, with the same type and shape as the input_data.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> nn.Sigmoid()(Tensor(np.array([0.0, 2.0]), mindspore.float32))
        [0.5      0.880797]
    """

    def __init__(self):
        super().__init__()

    def construct(self, x):
        V.check_input(x, "input", "Sigmoid", "float")
        return torch.sigmoid(x)


@ms_api("mindspore.nn.PReLU", torch="torch.nn.functional.prelu(x, relu(w))",
        deviations=("A list w becomes a float32 Tensor (MindSpore 0.1 made it float64 and then failed "
                    "at the first call).",
                    "channel is checked as a positive int at construction (MindSpore: numpy's errors)."),
        doc_errors=("w may also be a list or a (channel,) Tensor; negative slopes are clamped to 0 by "
                    "relu(w) and the clamped value is written back to w in training.",))
class PReLU(Cell):
    r"""PReLU activation function: :math:`\max(0, x_i) + w \cdot \min(0, x_i)`, ``w`` per channel
    (axis 1 of the input) or shared.

    Args:
        channel (int): The dimension of input (the length of w). Default: 1.
        w (Union[float, numpy.float32, list, Tensor]): The initial value of w. Default: 0.25.

    Inputs:
        - **input_data** (Tensor) - The input of PReLU; its axis 1 has ``channel`` entries (or
          ``channel`` is 1).

    Outputs:
        Tensor, with the same type and shape as the input_data.

    Raises:
        TypeError: If ``w`` is not a float, numpy.float32, list or Tensor (an int is refused).
        ValueError: If a Tensor/list ``w`` is not of shape (channel,).

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> net = nn.PReLU()
        >>> [p.name for p in net.get_parameters()]
        ['a']
        >>> net(Tensor(np.array([[-2.0, 1.0]]), mindspore.float32))
        [[-0.5  1. ]]

    Note:
        As in MindSpore 0.1 the slopes used are ``relu(w)`` (a negative slope acts as 0), and in
        training mode ``w`` is overwritten with ``relu(w)`` after each call.
    """

    def __init__(self, channel=1, w=0.25):
        super().__init__()
        name = type(self).__name__
        V.check_positive_int(channel, "channel", name)
        check_alloc([channel], name, "w", "channel")
        if isinstance(w, (np.float32, float)):
            w = Tensor(np.full((channel,), w, dtype=np.float32))
        elif isinstance(w, list):
            w = Tensor(np.asarray(w, dtype=np.float32))
        if not isinstance(w, torch.Tensor):
            V.fail(name, "w", "a float, numpy.float32, list or Tensor", w, exc=TypeError)
        if tuple(w.shape) != (channel,):
            V.fail(name, "w", f"of shape ({channel},)", tuple(w.shape))
        self.channel = channel
        self.w = Parameter(make_tensor(w, [channel], mstype.float32, name, "w", "channel"), name='a')

    def construct(self, x):
        V.check_input(x, "input", "PReLU", self.w.dtype)
        n = self.w.shape[0]
        if x.dim() == 0:
            V.fail("PReLU", "input", "a Tensor of at least 1 dim", V._Raw("shape ()"))
        if x.dim() == 1 and n != 1 or x.dim() > 1 and n not in (1, x.shape[1]):
            V.fail("PReLU", "w", f"of length 1 or the channel count of the 'input' {tuple(x.shape)}", n)
        u = F.relu(self.w)
        out = F.prelu(x, u)
        if self.training:
            with torch.no_grad():
                self.w.copy_(u)
        return out


_ACTIVATIONS = {
    'softmax': Softmax,
    'logsoftmax': LogSoftmax,
    'relu': ReLU,
    'tanh': Tanh,
    'gelu': GELU,
    'sigmoid': Sigmoid,
    'prelu': PReLU,
    'leakyrelu': LeakyReLU,
}


@ms_api("mindspore.nn.get_activation", torch="torch.nn modules by name")
def get_activation(name):
    """Gets the activation function.

    Args:
        name (str): The name of the activation function: 'softmax', 'logsoftmax', 'relu', 'tanh',
            'gelu', 'sigmoid', 'prelu' or 'leakyrelu' ('relu6' is not in 0.1's table).

    Returns:
        Function, a new default-constructed activation cell, or None when ``name`` is falsy.

    Raises:
        KeyError: If ``name`` is not in the table.

    Examples:
        >>> import msnn as nn
        >>> sigmoid = nn.get_activation('sigmoid')
        >>> sigmoid
        Sigmoid<>
    """
    return _activation(name, "get_activation", "name")


def _activation(name, cls_name, arg_name):
    """:func:`get_activation` for a class: a falsy name (None, '', 0, ()) gives None as in 0.1, an
    unknown name KeyError (0.1's type) naming ``cls_name`` and ``arg_name``."""
    if name is None or (isinstance(name, (str, int, float, tuple, list)) and not name):
        return None
    if not isinstance(name, str) or name not in _ACTIVATIONS:
        raise KeyError(f"For '{cls_name}', the '{arg_name}' must be None or one of {sorted(_ACTIVATIONS)}, "
                       f"but got {V._show(name)}: Unknown activation type")
    return _ACTIVATIONS[name]()
