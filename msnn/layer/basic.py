"""mindspore.nn.layer.basic: Dense, Flatten, Dropout, ClipByNorm, Norm, OneHot."""
import math
import numbers

import numpy as np
import torch
import torch.nn.functional as F

from .._api import ms_api
from .. import _translate as T
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from ..common.initializer import make_tensor
from ..common.parameter import Parameter
from ..common.tensor import Tensor
from .activation import _activation

__all__ = ["Dropout", "Flatten", "Dense", "ClipByNorm", "Norm", "OneHot"]


def _check_int_indices(indices, cls_name):
    """MindSpore's ``check_typename`` on index tensors (ValueError for a non-integer dtype)."""
    V.check_tensor(indices, "indices", cls_name)
    if indices.is_floating_point() or indices.is_complex() or indices.dtype == torch.bool:
        V.fail(cls_name, "indices", "an integer Tensor", indices.dtype)


@ms_api("mindspore.nn.Dropout", torch="torch.nn.functional.dropout",
        deviations=("(seed0, seed1) != (0, 0) seeds a private torch.Generator: the masks are "
                    "deterministic and reproducible, but not MindSpore's bit stream.",
                    "keep_prob must be a real number (bool refused with TypeError); MindSpore 0.1 "
                    "accepted True as 1."),
        doc_errors=("The doc says keep_prob in (0, 1); 0.1's code accepts (0, 1] (1.0 is identity).",
                    "0.1's code dropped even when not training; msnn follows the doc (identity until "
                    "set_train())."))
class Dropout(Cell):
    r"""Dropout layer for the input.

    In training mode each element is zeroed with probability ``1 - keep_prob`` (Bernoulli) and the
    kept ones are scaled by ``1 / keep_prob``; a new mask is drawn on every call. Otherwise the
    input is returned unchanged.

    Args:
        keep_prob (float): The keep rate, greater than 0 and less equal than 1. Default: 0.5.
        seed0 (int): The first random seed. Default: 0.
        seed1 (int): The second random seed. Default: 0.
        dtype (mindspore.dtype): Data type of input. Default: mindspore.float32.

    Raises:
        ValueError: If ``keep_prob`` is not in (0, 1], or a seed is not an int.
        TypeError: If ``dtype`` is not a number type.

    Inputs:
        - **input** (Tensor) - An N-D Tensor.

    Outputs:
        Tensor, output tensor with the same shape as the input.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> x = Tensor(np.ones([20, 16, 50]), mindspore.float32)
        >>> net = nn.Dropout(keep_prob=0.8)
        >>> net(x).shape()
        (20, 16, 50)

    Note:
        A new cell is not training, so it returns its input until ``set_train()`` (the doc's
        behaviour; 0.1's code dropped in every mode). With ``(seed0, seed1) != (0, 0)`` the masks
        come from a private ``torch.Generator`` seeded from the pair: two cells with the same seeds
        draw the same sequence of masks, but not MindSpore's. ``(0, 0)`` uses torch's global RNG.
    """

    def __init__(self, keep_prob=0.5, seed0=0, seed1=0, dtype=mstype.float32):
        super().__init__()
        name = type(self).__name__
        if isinstance(keep_prob, np.generic):
            keep_prob = keep_prob.item()
        V.check_number(keep_prob, "keep_prob", name, lower=0, upper=1, lower_open=True)
        V.check_dtype(dtype, "dtype", name, mstype.number_type)
        V.check_type(seed0, "seed0", name, int, exc=ValueError)
        V.check_type(seed1, "seed1", name, int, exc=ValueError)
        self.__dict__["keep_prob"] = Tensor(keep_prob)  # MindSpore keeps a Tensor; forward uses _p
        self._keep = float(keep_prob)
        self._p = T.keep_prob_to_p(self._keep)
        self.seed0 = seed0
        self.seed1 = seed1
        self.dtype = dtype
        self._seed = T.dropout_seeds_to_torch(seed0, seed1)
        self._generators = {}

    def _generator(self, device):
        gen = self._generators.get(device)
        if gen is None:
            gen = torch.Generator(device=device)
            gen.manual_seed(self._seed)
            self._generators[device] = gen
        return gen

    def construct(self, x):
        V.check_input(x, "input", "Dropout", "float")
        if not self.training or self._p == 0.0:
            return x
        if self._seed is None:
            return F.dropout(x, self._p, True)
        mask = torch.empty_like(x).bernoulli_(self._keep, generator=self._generator(x.device))
        return x * mask.div_(self._keep)

    def extend_repr(self):
        return 'keep_prob={}, Seed0={}, Seed1={}, dtype={}'.format(
            self.keep_prob, self.seed0, self.seed1, mstype.dtype_name(self.dtype))


@ms_api("mindspore.nn.Flatten", torch="torch.Tensor.reshape(N, -1)")
class Flatten(Cell):
    r"""Flatten layer for the input: ``(N, ...)`` -> ``(N, X)``, X the product of the other dims.

    Inputs:
        - **input** (Tensor) - Tensor of shape :math:`(N, \ldots)` to be flattened.

    Outputs:
        Tensor, the shape of the output tensor is :math:`(N, X)`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> net = nn.Flatten()
        >>> input = Tensor(np.array([[[1.2, 1.2], [2.1, 2.1]], [[2.2, 2.2], [3.2, 3.2]]]), mindspore.float32)
        >>> input.shape()
        (2, 2, 2)
        >>> net(input)
        [[1.2 1.2 2.1 2.1]
         [2.2 2.2 3.2 3.2]]
    """

    def __init__(self):
        super().__init__()

    def construct(self, x):
        if not isinstance(x, torch.Tensor) or x.dim() == 0:
            V.check_input(x, "input", "Flatten", ndim=tuple(range(1, 9)))
        shape = x.shape
        return x.reshape(shape[0], math.prod(shape[1:]))


@ms_api("mindspore.nn.Dense", torch="torch.nn.functional.linear",
        doc_errors=("The formula text calls the activation 'a weight matrix'; the weight is "
                    "(out_channels, in_channels) and the layer computes x @ weight.T + bias.",))
class Dense(Cell):
    r"""The fully connected layer: :math:`\text{activation}(x W^T + b)`.

    Args:
        in_channels (int): The number of channels in the input space.
        out_channels (int): The number of channels in the output space.
        weight_init (Union[Tensor, str, Initializer, numbers.Number]): The weight, shape
            (out_channels, in_channels). Default: 'normal' (N(0, 0.01) from numpy's global RNG).
        bias_init (Union[Tensor, str, Initializer, numbers.Number]): The bias, shape
            (out_channels,). Default: 'zeros'.
        has_bias (bool): Specifies whether the layer uses a bias vector. Default: True.
        activation (str): An activation name of :func:`get_activation` applied to the output
            ('relu6' is not one). Default: None.

    Raises:
        TypeError: If in_channels/out_channels is not an int or has_bias is not a bool.
        ValueError: If in_channels/out_channels < 1, or weight_init or bias_init shape is incorrect.
        KeyError: If ``activation`` is not a known name.

    Inputs:
        - **input** (Tensor) - Tensor of shape :math:`(N, in\_channels)` (2-D only, as in 0.1).

    Outputs:
        Tensor of shape :math:`(N, out\_channels)`.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> net = nn.Dense(3, 4)
        >>> input = Tensor(np.random.randint(0, 255, [2, 3]), mindspore.float32)
        >>> net(input).shape()
        (2, 4)
    """

    def __init__(self, in_channels, out_channels, weight_init='normal', bias_init='zeros', has_bias=True,
                 activation=None):
        super().__init__()
        name = type(self).__name__
        self.in_channels = V.check_positive_int(in_channels, "in_channels", name)
        self.out_channels = V.check_positive_int(out_channels, "out_channels", name)
        self.has_bias = V.check_bool(has_bias, "has_bias", name)
        if isinstance(weight_init, torch.Tensor) and tuple(weight_init.shape) != (out_channels, in_channels):
            V.fail(name, "weight_init", f"a Tensor of shape ({out_channels}, {in_channels})", tuple(weight_init.shape))
        self.weight = Parameter(make_tensor(weight_init, [out_channels, in_channels], mstype.float32, name,
                                            "weight_init", "in_channels/out_channels"), name="weight")
        if has_bias:
            if isinstance(bias_init, torch.Tensor) and tuple(bias_init.shape) != (out_channels,):
                V.fail(name, "bias_init", f"a Tensor of shape ({out_channels},)", tuple(bias_init.shape))
            self.bias = Parameter(make_tensor(bias_init, [out_channels], mstype.float32, name, "bias_init",
                                              "out_channels"), name="bias")
        else:
            self.bias = None
        self.activation = _activation(activation, name, "activation")
        self.activation_flag = self.activation is not None

    def construct(self, x):
        weight = self.weight
        if not isinstance(x, torch.Tensor) or x.dtype is not weight.dtype:
            V.check_input(x, "input", "Dense", weight.dtype)
        if x.dim() != 2 or x.shape[1] != self.in_channels:
            V.fail("Dense", "input", f"a 2-D Tensor of shape (N, {self.in_channels})", V._Raw(f"shape {tuple(x.shape)}"))
        out = F.linear(x, self.weight, self.bias)
        if self.activation_flag:
            return self.activation(out)
        return out

    def extend_repr(self):
        s = 'in_channels={}, out_channels={}, weight={}, has_bias={}'.format(
            self.in_channels, self.out_channels, self.weight, self.has_bias)
        if self.has_bias:
            s += ', bias={}'.format(self.bias)
        if self.activation_flag:
            s += ', activation={}'.format(self.activation)
        return s


@ms_api("mindspore.nn.ClipByNorm", torch="x * c / max(torch.linalg.vector_norm(x), c)",
        doc_errors=("The output is always float32, whatever the input dtype.",))
class ClipByNorm(Cell):
    r"""Clips tensor values to a maximum :math:`L_2`-norm.

    :math:`\text{output}(X) = \text{clip\_norm} \cdot X / \max(L_2(X), \text{clip\_norm})`, the
    norm taken over all elements in float32; unchanged when :math:`L_2(X) \le` clip_norm.

    Inputs:
        - **input** (Tensor) - Tensor of shape N-D.
        - **clip_norm** (Tensor) - A scalar Tensor of shape :math:`()` or :math:`(1)`.

    Outputs:
        Tensor, clipped float32 tensor with the same shape as the input.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> net = nn.ClipByNorm()
        >>> input = Tensor(np.random.randint(0, 10, [4, 16]), mindspore.float32)
        >>> clip_norm = Tensor(np.array([100]).astype(np.float32))
        >>> net(input, clip_norm).shape()
        (4, 16)
    """

    def __init__(self):
        super().__init__()

    def construct(self, x, clip_norm):
        V.check_input(x, "input", "ClipByNorm", "float")
        if x.dtype is torch.float64:  # 0.1: float16/float32 only (the norm is taken in float32)
            V.check_input(x, "input", "ClipByNorm", torch.float32)
        if isinstance(clip_norm, torch.Tensor):
            if clip_norm.numel() != 1:
                try:
                    ok = torch.broadcast_shapes(clip_norm.shape, x.shape) == x.shape
                except RuntimeError:
                    ok = False
                if not ok:
                    V.fail("ClipByNorm", "clip_norm", f"a scalar or a Tensor broadcastable to the 'input' "
                           f"{tuple(x.shape)}", clip_norm)
        else:
            V.check_number(clip_norm, "clip_norm", "ClipByNorm")
            clip_norm = torch.tensor(clip_norm, dtype=torch.float32, device=x.device)
        # the global L2 norm in float32; torch's norm backward is 0 at an all-zero input, as 0.1's
        # select-guarded sqrt was
        if x.dtype == torch.float32:
            l2norm = torch.linalg.vector_norm(x)
        else:
            l2norm = torch.linalg.vector_norm(x, dtype=torch.float32)
        out = (x * clip_norm).to(torch.float32) / torch.maximum(l2norm, clip_norm)
        return out.reshape(x.shape)


@ms_api("mindspore.nn.Norm", torch="torch.sqrt((x * x).sum(axis, keepdim))",
        doc_errors=("axis may also be an int; axis=() reduces every axis and gives a 0-d result.",))
class Norm(Cell):
    r"""Computes the Euclidean (:math:`L_2`) norm of vectors: :math:`\sqrt{\sum x^2}` over ``axis``.

    Args:
        axis (Union[tuple, int]): The axis over which to compute vector norms; () means all axes.
            Default: ().
        keep_dims (bool): If True, the axis indicated in axis are kept with size 1. Otherwise, the
            dimensions in axis are removed from the output shape. Default: False.

    Raises:
        ValueError: If ``axis`` is not an int or a tuple of ints, or is out of range for the input.

    Inputs:
        - **input** (Tensor) - Tensor which is not empty.

    Outputs:
        Tensor, with the dimensions in ``axis`` reduced (kept with size 1 if ``keep_dims``).

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> net = nn.Norm(axis=0)
        >>> input = Tensor(np.random.randint(0, 10, [4, 16]), mindspore.float32)
        >>> net(input).shape()
        (16,)

    Note:
        No epsilon: the gradient at an all-zero vector is NaN, as in MindSpore.
    """

    def __init__(self, axis=(), keep_dims=False):
        super().__init__()
        name = type(self).__name__
        V.check_type(axis, "axis", name, (int, tuple), exc=ValueError)
        if isinstance(axis, tuple):
            for item in axis:
                V.check_type(item, "axis", name, int, exc=ValueError, what="an int or a tuple of ints")
        self.axis = axis
        self.keep_dims = V.check_bool(keep_dims, "keep_dims", name, exc=ValueError)  # 0.1's ReduceSum check
        self._axes = (axis,) if isinstance(axis, int) else axis
        self._dim = T.norm_axis_to_dim(axis)

    def construct(self, x):
        V.check_input(x, "input", "Norm", "float")
        rank = x.dim()
        for a in self._axes:
            if not -rank <= a < rank:
                V.fail("Norm", "axis", f"in [{-rank}, {rank}) for a {rank}-D 'input'", self.axis)
        return torch.sqrt((x * x).sum(dim=self._dim, keepdim=bool(self.keep_dims)))

    def extend_repr(self):
        return 'axis={}, keep_dims={}'.format(self.axis, self.keep_dims)


def _float_if_huge(value):
    """A Python int outside int64 as a float (numpy would make an object array of it)."""
    if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 63:
        return float(value)
    return value


@ms_api("mindspore.nn.OneHot", torch="torch.Tensor.scatter_ (on/off scattered at the clamped indices)",
        deviations=("Indices of any integer dtype are accepted (MindSpore 0.1: int32 only); float "
                    "indices raise ValueError as in 0.1.",
                    "depth and dtype are checked at construction (MindSpore 0.1: at the first call)."),
        doc_errors=("Negative or out-of-range indices give a row of off_value (no error).",))
class OneHot(Cell):
    r"""Returns a one-hot tensor: ``on_value`` where the index equals the position along the new
    axis ``axis``, else ``off_value``.

    Args:
        axis (int): Features x depth if axis == -1, depth x features if axis == 0. Default: -1.
        depth (int): A scalar defining the depth of the one hot dimension. Default: 1.
        on_value (float): The value where ``indices[j] == i``. Default: 1.0.
        off_value (float): The value elsewhere. Default: 0.0.
        dtype (mindspore.dtype): float16 or float32. Default: mindspore.float32.

    Raises:
        ValueError: If axis is not an int or not in [-1, rank(indices)], or depth is not an int >= 0.
        TypeError: If dtype is not float16 or float32.

    Inputs:
        - **indices** (Tensor) - A tensor of indices of an integer type and arbitrary shape.

    Outputs:
        Tensor of dtype ``dtype``, the indices' shape with ``depth`` inserted at ``axis``.

    Examples:
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> net = nn.OneHot(depth=4, axis=1)
        >>> indices = Tensor([[1, 3], [0, 2]], dtype=mindspore.int32)
        >>> net(indices)
        [[[0. 0.]
          [1. 0.]
          [0. 0.]
          [0. 1.]]
        <BLANKLINE>
         [[1. 0.]
          [0. 0.]
          [0. 1.]
          [0. 0.]]]

    Note:
        Negative and out-of-range indices give all ``off_value`` (no error, no host sync).
    """

    def __init__(self, axis=-1, depth=1, on_value=1.0, off_value=0.0, dtype=mstype.float32):
        super().__init__()
        name = type(self).__name__
        self.axis = V.check_type(axis, "axis", name, int, exc=ValueError)
        self.depth = V.check_int(depth, "depth", name, lower=0, exc=ValueError)
        V.check_dtype(dtype, "dtype", name, (mstype.float16, mstype.float32))
        for arg, value in (("on_value", on_value), ("off_value", off_value)):
            if isinstance(value, bool) or not isinstance(value, (numbers.Number, torch.Tensor)):
                V.fail(name, arg, "a number", value, exc=TypeError)
            if isinstance(value, torch.Tensor) and value.numel() != 1:
                V.fail(name, arg, "a number or a one-element Tensor", value)
            if not math.isfinite(float(value)):
                V.fail(name, arg, "a finite number", value)
        # an int beyond int64 (numpy would make an object array) is converted as a float
        self.on_value = Tensor(_float_if_huge(on_value), dtype)
        self.off_value = Tensor(_float_if_huge(off_value), dtype)

    def construct(self, indices):
        _check_int_indices(indices, "OneHot")
        rank = indices.dim()
        if not -1 <= self.axis <= rank:
            V.fail("OneHot", "axis", f"in [-1, {rank}] for {rank}-D indices", self.axis)
        dim = rank if self.axis == -1 else self.axis
        shape = list(indices.shape)
        shape.insert(dim, self.depth)
        out = self.off_value.expand(shape).clone()
        if self.depth == 0:
            return out
        # one scatter of on/off along the new dim: an index outside [0, depth) writes off_value at
        # a clamped position, so its whole line stays off_value
        safe = indices.clamp(0, self.depth - 1)
        src = torch.where(safe == indices, self.on_value, self.off_value)
        if safe.dtype != torch.int64:  # scatter's documented index dtype (int32 is CPU-only in some builds)
            safe = safe.long()
        return out.scatter_(dim, safe.unsqueeze(dim), src.unsqueeze(dim))
