"""mindspore.nn.layer.normalization: BatchNorm1d, BatchNorm2d, LayerNorm."""
import math

import torch
import torch.nn.functional as F

from .._api import ms_api
from .. import _translate as T
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from ..common.initializer import make_tensor
from ..common.parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]

_LAYER_NORM_EPS = 1e-12  # 0.1 ran the TBE layer_norm kernel with its default epsilon; no argument


def _norm_dtype(x, gamma):
    """The input dtype a norm layer accepts: gamma's, or float16/bfloat16 with float32 parameters
    (mixed precision, which torch's kernels run)."""
    if isinstance(x, torch.Tensor) and gamma.dtype is torch.float32 and x.dtype in (torch.float16, torch.bfloat16):
        return x.dtype
    return gamma.dtype


class _BatchNorm(Cell):
    """Batch Normalization base class (MindSpore 0.1's checks, parameters and update rule)."""

    def __init__(self, num_features, eps=1e-5, momentum=0.9, affine=True, gamma_init='ones', beta_init='zeros',
                 moving_mean_init='zeros', moving_var_init='ones', use_batch_statistics=True):
        super().__init__()
        name = type(self).__name__
        V.check_number(num_features, "num_features", name, lower=1)
        if not isinstance(num_features, int):  # 0.1's initializer refused a non-int shape (ValueError)
            V.fail(name, "num_features", "an int", num_features)
        V.check_number(momentum, "momentum", name, lower=0, upper=1)
        V.check_bool(affine, "affine", name)
        self.use_batch_statistics = V.check_bool(use_batch_statistics, "use_batch_statistics", name)
        self.num_features = num_features
        self.eps = eps
        # creation order and standalone names are 0.1's: mean, variance, gamma, beta
        def init(value, arg):
            return make_tensor(value, num_features, mstype.float32, name, arg, "num_features")
        self.moving_mean = Parameter(init(moving_mean_init, "moving_mean_init"), name="mean", requires_grad=False)
        self.moving_variance = Parameter(init(moving_var_init, "moving_var_init"), name="variance",
                                         requires_grad=False)
        self.gamma = Parameter(init(gamma_init, "gamma_init"), name="gamma", requires_grad=affine)
        self.beta = Parameter(init(beta_init, "beta_init"), name="beta", requires_grad=affine)
        V.check_number(eps, "eps", name, lower=0, upper=1, lower_open=True, exc=ValueError)
        # 0.1 keeps the kernel's factor (1 - momentum) as `momentum`; the repr prints it
        self.momentum = 1.0 - momentum
        self._torch_momentum = T.ms_momentum_to_torch(momentum)

    def construct(self, x):
        gamma = self.gamma
        if not isinstance(x, torch.Tensor) or x.dtype is not gamma.dtype or x.dim() not in self._ranks \
                or x.shape[1] != self.num_features:
            self._check_input(x)
        try:
            return F.batch_norm(x, self.moving_mean, self.moving_variance, gamma, self.beta,
                                self.training and self.use_batch_statistics, self._torch_momentum, self.eps)
        except ValueError as err:  # batch statistics of a single value per channel
            raise ValueError(f"For '{type(self).__name__}', the 'input' must have more than 1 value per channel "
                             f"in training mode, but got shape {tuple(x.shape)}.") from err

    _ranks = (2, 4)

    def _check_input(self, x):
        name = type(self).__name__
        V.check_input(x, "input", name, _norm_dtype(x, self.gamma), self._ranks)
        if x.shape[1] != self.num_features:
            V.fail(name, "input", f"a Tensor with num_features={self.num_features} channels (dim 1)",
                   V._Raw(f"shape {tuple(x.shape)}"))

    def extend_repr(self):
        return 'num_features={}, eps={}, momentum={}, gamma={}, beta={}, moving_mean={}, moving_variance={}'.format(
            self.num_features, self.eps, self.momentum, self.gamma, self.beta, self.moving_mean, self.moving_variance)


_BN_DEVIATIONS = ("momentum is checked as a real number in [0, 1] (TypeError for a non-number or a "
                  "bool); 0.1 compared it without a type check.",)
_BN_DOC = """
    Args:
        num_features (int): `C` from an expected input of size {shape}.
        eps (float): A value added to the denominator for numerical stability, in (0, 1].
            Default: 1e-5.
        momentum (float): The weight of the OLD value in the running statistics update
            ``moving = momentum * moving + (1 - momentum) * batch`` (torch's momentum is
            ``1 - momentum``). Default: 0.9.
        affine (bool): Whether gamma and beta are trained. With False they are kept (and applied)
            but frozen. Default: True.
        gamma_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for gamma.
            Default: 'ones'.
        beta_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for beta.
            Default: 'zeros'.
        moving_mean_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for the
            moving mean. Default: 'zeros'.
        moving_var_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for the
            moving variance. Default: 'ones'.
        use_batch_statistics (bool): If True, training normalises with the batch statistics and
            updates the moving ones (unbiased batch variance); otherwise the moving statistics are
            used in every mode. Default: True.

    Raises:
        TypeError: If num_features or momentum is not a number, or affine is not a bool.
        ValueError: If num_features < 1 (or not an int), momentum is not in [0, 1], or eps is not
            in (0, 1].

    Inputs:
        - **input** (Tensor) - Tensor of shape {shape}.

    Outputs:
        Tensor, the normalized, scaled, offset tensor, of shape {shape}.
"""


@ms_api("mindspore.nn.BatchNorm1d", torch="torch.nn.functional.batch_norm", deviations=_BN_DEVIATIONS,
        doc_errors=("The doc gives the input as (N, C, H, W); BatchNorm1d takes (N, C).",))
class BatchNorm1d(_BatchNorm):
    __doc__ = r"""Batch normalization layer over a 2D input :math:`(N, C)`.

    :math:`y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta`, with the
    batch statistics in training (``set_train()``) and the moving ones otherwise.
""" + _BN_DOC.format(shape=":math:`(N, C)`") + r"""
    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> net = nn.BatchNorm1d(num_features=16)
        >>> input = Tensor(np.random.randint(0, 255, [3, 16]), mindspore.float32)
        >>> net(input).shape()
        (3, 16)

    Note:
        A new cell is not training: it normalises with the moving statistics until
        ``set_train()``. ``state_dict()`` keys are ``moving_mean``/``moving_variance`` while the
        standalone Parameter names are ``mean``/``variance`` (nested: ``<attr>.moving_mean``).
    """


@ms_api("mindspore.nn.BatchNorm2d", torch="torch.nn.functional.batch_norm", deviations=_BN_DEVIATIONS)
class BatchNorm2d(_BatchNorm):
    __doc__ = r"""Batch normalization layer over a 4D input :math:`(N, C, H, W)`.

    :math:`y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta`, with the
    batch statistics over (N, H, W) in training (``set_train()``) and the moving ones otherwise.
""" + _BN_DOC.format(shape=":math:`(N, C, H, W)`") + r"""
    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> net = nn.BatchNorm2d(num_features=3)
        >>> input = Tensor(np.random.randint(0, 255, [1, 3, 224, 224]), mindspore.float32)
        >>> net(input).shape()
        (1, 3, 224, 224)

    Note:
        A new cell is not training: it normalises with the moving statistics until
        ``set_train()``. ``state_dict()`` keys are ``moving_mean``/``moving_variance`` while the
        standalone Parameter names are ``mean``/``variance`` (nested: ``<attr>.moving_mean``).
    """


@ms_api("mindspore.nn.LayerNorm", torch="torch.nn.functional.layer_norm",
        doc_errors=("gamma and beta always have the shape normalized_shape (the doc derives it from "
                    "begin_params_axis); epsilon is fixed at 1e-12.",))
class LayerNorm(Cell):
    r"""Layer Normalization over the trailing axes ``[begin_norm_axis, rank)`` of the input.

    :math:`y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta`, with
    the biased variance and :math:`\epsilon = 10^{-12}`; gamma and beta are broadcast over the
    trailing axes ``[begin_params_axis, rank)``. Same computation in training and inference.

    Args:
        normalized_shape (Union(tuple[int], list[int])): The shape of gamma and beta, normally
            ``input_shape[begin_norm_axis:]``.
        begin_norm_axis (int): The first normalization axis, in [-1, rank(input)). Default: -1.
        begin_params_axis (int): The first axis gamma and beta are aligned with, in
            [-1, rank(input)). Default: -1.
        gamma_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for gamma.
            Default: 'ones'.
        beta_init (Union[Tensor, str, Initializer, numbers.Number]): Initializer for beta.
            Default: 'zeros'.

    Raises:
        ValueError: If begin_norm_axis or begin_params_axis is not an int.
        RuntimeError: At run time, if an axis is not in [-1, rank - 1] or the shape of gamma/beta
            does not start with ``input_shape[begin_params_axis:]`` (0.1's shape inference).

    Inputs:
        - **input_x** (Tensor) - The shape of 'input_x' is :math:`(x_1, x_2, ..., x_R)`, and
          ``input_shape[begin_norm_axis:]`` is equal to normalized_shape.

    Outputs:
        Tensor, the normalized and scaled offset tensor, with the shape and dtype of input_x.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> x = Tensor(np.ones([20, 5, 10, 10], np.float32))
        >>> shape1 = x.shape()[1:]
        >>> m = nn.LayerNorm(shape1,  begin_norm_axis=1, begin_params_axis=1)
        >>> m(x).shape()
        (20, 5, 10, 10)
    """

    _ranks = (2,)

    _ranks = (4,)

    def __init__(self, normalized_shape, begin_norm_axis=-1, begin_params_axis=-1, gamma_init='ones',
                 beta_init='zeros'):
        super().__init__()
        name = type(self).__name__
        self.normalized_shape = normalized_shape
        self.begin_norm_axis = begin_norm_axis
        self.begin_params_axis = begin_params_axis
        dims = (normalized_shape,) if isinstance(normalized_shape, int) and not isinstance(normalized_shape, bool) \
            else normalized_shape
        if not isinstance(dims, (tuple, list)) or not dims or not all(
                isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in dims):
            V.fail(name, "normalized_shape", "a positive int or a non-empty tuple or list of positive ints",
                   normalized_shape)
        self.gamma = Parameter(make_tensor(gamma_init, normalized_shape, mstype.float32, name, "gamma_init",
                                           "normalized_shape"), name="gamma")
        self.beta = Parameter(make_tensor(beta_init, normalized_shape, mstype.float32, name, "beta_init",
                                          "normalized_shape"), name="beta")
        V.check_type(begin_norm_axis, "begin_norm_axis", name, int, exc=ValueError)
        V.check_type(begin_params_axis, "begin_params_axis", name, int, exc=ValueError)
        # the common case -- both axes -1, 1-D gamma/beta -- is exactly torch's layer_norm over the
        # last dim; decided once here so the call does no axis arithmetic
        shape = tuple(self.gamma.shape)
        last_only = begin_norm_axis == begin_params_axis == -1 and len(shape) == 1
        self._last_dim_shape = shape if last_only and tuple(self.beta.shape) == shape else None

    def construct(self, input_x):
        if not isinstance(input_x, torch.Tensor) or input_x.dtype is not self.gamma.dtype:
            V.check_input(input_x, "input_x", "LayerNorm", _norm_dtype(input_x, self.gamma))
        fast = self._last_dim_shape
        if fast is not None and input_x.shape[-1:] == fast:
            return F.layer_norm(input_x, fast, self.gamma, self.beta, _LAYER_NORM_EPS)
        rank = input_x.dim()
        if rank == 0:
            V.fail(type(self).__name__, "input_x", "a Tensor of at least 1 dim", V._Raw("shape ()"), exc=RuntimeError)
        norm_axis = self._axis(self.begin_norm_axis, "begin_norm_axis", rank)
        params_axis = self._axis(self.begin_params_axis, "begin_params_axis", rank)
        norm_shape = input_x.shape[norm_axis:]
        gamma, beta = self.gamma, self.beta
        if params_axis == norm_axis and gamma.shape == norm_shape and beta.shape == norm_shape:
            return F.layer_norm(input_x, norm_shape, gamma, beta, _LAYER_NORM_EPS)
        params_shape = input_x.shape[params_axis:]
        if gamma.shape != params_shape or beta.shape != params_shape:
            # 0.1's shape inference only compares the leading dims of gamma/beta with
            # input_shape[begin_params_axis:]; its kernel reads them at (flat index mod that size)
            lead = len(params_shape)
            if gamma.shape[:lead] != params_shape or beta.shape[:lead] != params_shape:
                V.fail(type(self).__name__, "gamma", f"of a shape starting with the 'input_x' shape[begin_params_axis:]={tuple(params_shape)}", tuple(gamma.shape), exc=RuntimeError)
            size = math.prod(params_shape)
            gamma = gamma.reshape(-1)[:size].view(params_shape)
            beta = beta.reshape(-1)[:size].view(params_shape)
        return F.layer_norm(input_x, norm_shape, None, None, _LAYER_NORM_EPS) * gamma + beta

    def _axis(self, axis, arg_name, rank):
        """0.1's shape inference: an axis in [-1, rank - 1] (RuntimeError otherwise), made positive."""
        if axis < -1 or axis > rank - 1:
            V.fail(type(self).__name__, arg_name, f"in [-1, {rank - 1}] for a rank-{rank} 'input_x'", axis, exc=RuntimeError)
        return axis + rank if axis < 0 else axis

    def extend_repr(self):
        return 'normalized_shape={}, begin_norm_axis={}, begin_params_axis={}, gamma{}, beta={}'.format(
            self.normalized_shape, self.begin_norm_axis, self.begin_params_axis, self.gamma, self.beta)
