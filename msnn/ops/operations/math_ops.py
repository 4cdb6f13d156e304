"""``mindspore.ops.operations.math_ops``: MindSpore 0.1's math primitives on torch.

Each primitive keeps 0.1's constructor (attributes recorded by ``prim_attr_register``, checked as
0.1's ``__init__`` checked them) and its call checks the inputs as 0.1's ``infer_shape`` /
``infer_dtype`` did before running the torch function. Binary operators broadcast and accept a
Python number next to a Tensor (the number takes the tensor's dtype); two tensors must share one
dtype (TypeError). Gradients come from torch autograd, except where 0.1's bprop differs from the
mathematical gradient: Maximum/Minimum (ties), FloorDiv and Pow (see each class's Note).

The NPU float-status primitives emulate Ascend's overflow register for the loss-scale pattern of
0.1's BERT (see :class:`NPUGetFloatStatus`).
"""
import collections
import itertools
import weakref

import numpy as np
import torch

from ..._api import ms_api
from ... import _validator as V
from ..primitive import PrimitiveWithInfer, prim_attr_register
from . import _common as C
from ._common import Tensor, dtype_of

__all__ = [
    "TensorAdd", "AssignAdd", "AssignSub", "ReduceMean", "ReduceSum", "ReduceAll", "ReduceMax",
    "ReduceMin", "ReduceProd", "CumProd", "MatMul", "BatchMatMul", "CumSum", "AddN", "Neg", "Sub",
    "Mul", "Square", "Rsqrt", "Sqrt", "Reciprocal", "Pow", "Exp", "Log", "Minimum", "Maximum",
    "RealDiv", "Div", "FloorDiv", "Floor", "Equal", "EqualCount", "NotEqual", "Greater",
    "GreaterEqual", "Less", "LessEqual", "LogicalNot", "LogicalAnd", "LogicalOr",
    "NPUAllocFloatStatus", "NPUGetFloatStatus", "NPUClearFloatStatus", "Cos", "ACos", "Sin",
    "NMSWithMask", "Abs", "Sign", "Round",
]

_P = "mindspore.ops.operations."
_BF16 = "bfloat16 (which 0.1 lacked) is accepted wherever float16 is."


def _broadcast_shape(x_shape, y_shape, name):
    try:
        return list(torch.broadcast_shapes(tuple(x_shape), tuple(y_shape)))
    except RuntimeError:
        V.fail(name, "y", f"broadcastable with 'x' of shape {tuple(x_shape)}", C.Raw(f"shape {tuple(y_shape)}"))
    return None


# ----------------------------------------------------------------------------------------------
# Binary arithmetic
# ----------------------------------------------------------------------------------------------
class _BinaryOp(PrimitiveWithInfer):
    """Elementwise binary operator: broadcasting, 0.1's dtype rule, ``_fn`` runs torch."""

    _allowed = C.NUMBER

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'y'], outputs=['output'])

    def infer_shape(self, x_shape, y_shape):
        return _broadcast_shape(x_shape, y_shape, self.name)

    def infer_dtype(self, x_dtype, y_dtype):
        if x_dtype != y_dtype:
            V.fail(self.name, "y", f"of the dtype of 'x' ({x_dtype})", y_dtype, TypeError)
        return x_dtype

    @staticmethod
    def _fn(x, y):
        raise NotImplementedError("each binary math primitive sets _fn to its torch function")

    def __call__(self, x, y):
        # happy path: two tensors of one allowed dtype go straight to torch; anything else, or
        # any error torch raises, takes the checked path (0.1's errors and number rules)
        try:
            dt = x.dtype
            if dt is y.dtype and dt in self._allowed:
                return self._fn(x, y)
        except Exception:  # pylint: disable=broad-except
            pass
        return self._checked(x, y)

    def _checked(self, x, y):
        x, y = C.binary(self.name, x, y, self._allowed)
        try:
            return self._fn(x, y)
        except RuntimeError:
            if isinstance(x, Tensor) and isinstance(y, Tensor) and x.shape != y.shape:
                C.broadcast_fail(self.name, x, y)
            raise


class _MathBinaryOp(_BinaryOp):
    """Arithmetic binary operator: number dtypes, result in the inputs' dtype."""


_MATH_DEV = ("A Python number next to a Tensor takes the tensor's dtype, as 0.1's implicit "
             "conversion did (a float meeting an integer tensor is truncated).", _BF16)


@ms_api(_P + "TensorAdd", torch="torch.add", deviations=_MATH_DEV)
class TensorAdd(_MathBinaryOp):
    """Adds two tensors (or a tensor and a number) element-wise, with broadcasting.

    Inputs:
        - **input_x** (Union[Tensor, Number]) - A number-dtype Tensor or a number.
        - **input_y** (Union[Tensor, Number]) - A Tensor of the same dtype, or a number.

    Outputs:
        Tensor of the broadcast shape and the inputs' dtype.

    Raises:
        TypeError: If the tensors' dtypes differ or neither input is a Tensor.
        ValueError: If the shapes do not broadcast.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3]).astype(np.float32))
        >>> y = msnn.Tensor(np.array([4, 5, 6]).astype(np.float32))
        >>> P.TensorAdd()(x, y).tolist()
        [5.0, 7.0, 9.0]
    """
    _fn = staticmethod(torch.add)


@ms_api(_P + "Sub", torch="torch.sub", deviations=_MATH_DEV)
class Sub(_MathBinaryOp):
    """Subtracts ``input_y`` from ``input_x`` element-wise, with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3]), msnn.int32)
        >>> P.Sub()(x, msnn.Tensor(np.array([4, 5, 6]), msnn.int32)).tolist()
        [-3, -3, -3]
    """
    _fn = staticmethod(torch.sub)


@ms_api(_P + "Mul", torch="torch.mul", deviations=_MATH_DEV)
class Mul(_MathBinaryOp):
    """Multiplies two tensors element-wise, with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3]), msnn.int32)
        >>> P.Mul()(x, msnn.Tensor(np.array([4, 5, 6]), msnn.int32)).tolist()
        [4, 10, 18]
    """
    _fn = staticmethod(torch.mul)


def _true_div_keep(x, y):
    out = torch.true_divide(x, y)
    ref = x if isinstance(x, Tensor) else y
    dt = dtype_of(ref)
    return out if dtype_of(out) is dt else out.to(dt)


@ms_api(_P + "RealDiv", torch="torch.true_divide", deviations=_MATH_DEV)
class RealDiv(_MathBinaryOp):
    """Divides ``input_x`` by ``input_y`` in floating point, element-wise (result in the inputs'
    dtype: integer quotients are truncated).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1.0, 2.0, 3.0]), msnn.float32)
        >>> P.RealDiv()(x, msnn.Tensor(np.array([4.0, 5.0, 8.0]), msnn.float32)).tolist()
        [0.25, 0.4000000059604645, 0.375]
    """
    _fn = staticmethod(_true_div_keep)


def _div(x, y):
    ref = x if isinstance(x, Tensor) else y
    if ref.is_floating_point():
        return torch.true_divide(x, y)
    return torch.div(x, y, rounding_mode="floor")


@ms_api(_P + "Div", torch="torch.div", deviations=_MATH_DEV + (
    "Integer tensors divide with floor rounding (TensorFlow's Div, which 0.1's kernels followed).",))
class Div(_MathBinaryOp):
    """Divides ``input_x`` by ``input_y`` element-wise (integers: floor division).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([-4.0, 5.0, 6.0]), msnn.float32)
        >>> P.Div()(x, msnn.Tensor(np.array([3.0, 2.0, 3.0]), msnn.float32)).tolist()
        [-1.3333333730697632, 2.5, 2.0]
    """
    _fn = staticmethod(_div)


def _needs_grad(x, y):
    return (((isinstance(x, Tensor) and x.requires_grad) or (isinstance(y, Tensor) and y.requires_grad))
            and torch.is_grad_enabled())


def _shape_of(v):
    return v.shape if isinstance(v, Tensor) else None


class _FloorDivFn(torch.autograd.Function):
    """FloorDiv with 0.1's bprop: ``dx = floordiv(dout, y)``, ``dy = -dx * out``."""

    @staticmethod
    def forward(ctx, x, y):  # pylint: disable=arguments-differ
        out = torch.floor_divide(x, y)
        ctx.x_shape, ctx.y_shape = _shape_of(x), _shape_of(y)
        ctx.y = y
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        out, = ctx.saved_tensors
        y = ctx.y
        dx = torch.floor_divide(dout, y)
        gx = C.sum_to(dx, ctx.x_shape) if ctx.x_shape is not None and ctx.needs_input_grad[0] else None
        gy = None
        if ctx.y_shape is not None and ctx.needs_input_grad[1]:
            gy = C.sum_to(-(dx * out), ctx.y_shape)
        return gx, gy


def _floor_div(x, y):
    if _needs_grad(x, y):
        return _FloorDivFn.apply(x, y)
    return torch.floor_divide(x, y)


@ms_api(_P + "FloorDiv", torch="torch.floor_divide", deviations=_MATH_DEV + (
    "The gradient is 0.1's bprop (dx = floor_div(dout, y), dy = -dx * out), not zero.",))
class FloorDiv(_MathBinaryOp):
    """Divides element-wise and rounds down to the closest integer.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([2, 4, -1]), msnn.int32)
        >>> P.FloorDiv()(x, msnn.Tensor(np.array([3, 3, 3]), msnn.int32)).tolist()
        [0, 1, -1]

    Note:
        0.1's gradient is not zero: ``dx = floor_div(dout, y)`` and ``dy = -dx * out`` (summed
        over broadcast axes); msnn computes it with a ``torch.autograd.Function``.
    """
    _fn = staticmethod(_floor_div)


class _MaxMinFn(torch.autograd.Function):
    """Maximum/Minimum with 0.1's (TensorFlow's) tie rule: ``x`` takes the whole gradient where
    ``x >= y`` (Maximum) / ``x <= y`` (Minimum)."""

    @staticmethod
    def forward(ctx, x, y, is_max):  # pylint: disable=arguments-differ
        ctx.is_max = is_max
        ctx.x_shape, ctx.y_shape = _shape_of(x), _shape_of(y)
        ctx.x, ctx.y = (None if isinstance(x, Tensor) else x), (None if isinstance(y, Tensor) else y)
        ctx.save_for_backward(x if isinstance(x, Tensor) else None, y if isinstance(y, Tensor) else None)
        return _max_raw(x, y) if is_max else _min_raw(x, y)

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        tx, ty = ctx.saved_tensors
        x = tx if tx is not None else ctx.x
        y = ty if ty is not None else ctx.y
        mask = (x >= y) if ctx.is_max else (x <= y)
        zero = dout.new_zeros(())
        gx = gy = None
        if ctx.x_shape is not None and ctx.needs_input_grad[0]:
            gx = C.sum_to(torch.where(mask, dout, zero), ctx.x_shape)
        if ctx.y_shape is not None and ctx.needs_input_grad[1]:
            gy = C.sum_to(torch.where(mask, zero, dout), ctx.y_shape)
        return gx, gy, None


def _both_tensors(x, y):
    """torch's logical ops take tensors only: a Python bool becomes a 0-d tensor."""
    if not isinstance(x, Tensor):
        return torch.tensor(x, dtype=dtype_of(y), device=y.device), y
    if not isinstance(y, Tensor):
        return x, torch.tensor(y, dtype=dtype_of(x), device=x.device)
    return x, y


def _max_raw(x, y):
    if not isinstance(y, Tensor):
        return torch.clamp_min(x, y)
    if not isinstance(x, Tensor):
        return torch.clamp_min(y, x)
    return torch.maximum(x, y)


def _min_raw(x, y):
    if not isinstance(y, Tensor):
        return torch.clamp_max(x, y)
    if not isinstance(x, Tensor):
        return torch.clamp_max(y, x)
    return torch.minimum(x, y)


def _maximum(x, y):
    if isinstance(x, Tensor) and isinstance(y, Tensor) and not (x.requires_grad or y.requires_grad):
        return torch.maximum(x, y)
    if _needs_grad(x, y):
        return _MaxMinFn.apply(x, y, True)
    return _max_raw(x, y)


def _minimum(x, y):
    if isinstance(x, Tensor) and isinstance(y, Tensor) and not (x.requires_grad or y.requires_grad):
        return torch.minimum(x, y)
    if _needs_grad(x, y):
        return _MaxMinFn.apply(x, y, False)
    return _min_raw(x, y)


@ms_api(_P + "Maximum", torch="torch.maximum", deviations=_MATH_DEV + (
    "Gradient at ties: 0.1's MaximumGrad gives all of it to x where x >= y (torch splits it "
    "half and half); msnn follows 0.1 with a torch.autograd.Function.",))
class Maximum(_MathBinaryOp):
    """Element-wise maximum, with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1.0, 5.0, 3.0]), msnn.float32)
        >>> P.Maximum()(x, msnn.Tensor(np.array([4.0, 2.0, 6.0]), msnn.float32)).tolist()
        [4.0, 5.0, 6.0]

    Note:
        Where ``x == y`` the whole gradient goes to ``x`` (0.1's MaximumGrad, TensorFlow's rule);
        torch would split it between the two inputs.
    """
    _fn = staticmethod(_maximum)


@ms_api(_P + "Minimum", torch="torch.minimum", deviations=_MATH_DEV + (
    "Gradient at ties: 0.1's MinimumGrad gives all of it to x where x <= y (torch splits it "
    "half and half); msnn follows 0.1 with a torch.autograd.Function.",))
class Minimum(_MathBinaryOp):
    """Element-wise minimum, with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1.0, 5.0, 3.0]), msnn.float32)
        >>> P.Minimum()(x, msnn.Tensor(np.array([4.0, 2.0, 6.0]), msnn.float32)).tolist()
        [1.0, 2.0, 3.0]

    Note:
        Where ``x == y`` the whole gradient goes to ``x`` (0.1's MinimumGrad).
    """
    _fn = staticmethod(_minimum)


# ----------------------------------------------------------------------------------------------
# Comparison and logic
# ----------------------------------------------------------------------------------------------
class _LogicBinaryOp(_BinaryOp):
    """Comparison: number dtypes (bool too for Equal/NotEqual), bool result."""

    def infer_dtype(self, x_dtype, y_dtype):
        super().infer_dtype(x_dtype, y_dtype)
        return torch.bool


_CMP_DEV = ("A Python number next to a Tensor takes the tensor's dtype, as 0.1's implicit "
            "conversion did.", _BF16)
_NUMBER_BOOL = C.NUMBER | C.BOOL


@ms_api(_P + "Equal", torch="torch.eq", deviations=_CMP_DEV)
class Equal(_LogicBinaryOp):
    """Element-wise ``x == y`` (bool Tensor), with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> P.Equal()(msnn.Tensor(np.array([1, 2, 3]), msnn.float32), 2.0).tolist()
        [False, True, False]
    """
    _allowed = _NUMBER_BOOL
    _fn = staticmethod(torch.eq)


@ms_api(_P + "NotEqual", torch="torch.ne", deviations=_CMP_DEV)
class NotEqual(_LogicBinaryOp):
    """Element-wise ``x != y`` (bool Tensor), with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> P.NotEqual()(msnn.Tensor(np.array([1, 2, 3]), msnn.float32), 2.0).tolist()
        [True, False, True]
    """
    _allowed = _NUMBER_BOOL
    _fn = staticmethod(torch.ne)


@ms_api(_P + "Greater", torch="torch.gt", deviations=_CMP_DEV)
class Greater(_LogicBinaryOp):
    """Element-wise ``x > y`` (bool Tensor), with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3]), msnn.int32)
        >>> P.Greater()(x, msnn.Tensor(np.array([1, 1, 4]), msnn.int32)).tolist()
        [False, True, False]
    """
    _fn = staticmethod(torch.gt)


@ms_api(_P + "GreaterEqual", torch="torch.ge", deviations=_CMP_DEV)
class GreaterEqual(_LogicBinaryOp):
    """Element-wise ``x >= y`` (bool Tensor), with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3]), msnn.int32)
        >>> P.GreaterEqual()(x, msnn.Tensor(np.array([1, 1, 4]), msnn.int32)).tolist()
        [True, True, False]
    """
    _fn = staticmethod(torch.ge)


@ms_api(_P + "Less", torch="torch.lt", deviations=_CMP_DEV)
class Less(_LogicBinaryOp):
    """Element-wise ``x < y`` (bool Tensor), with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3]), msnn.int32)
        >>> P.Less()(x, msnn.Tensor(np.array([1, 1, 4]), msnn.int32)).tolist()
        [False, False, True]
    """
    _fn = staticmethod(torch.lt)


@ms_api(_P + "LessEqual", torch="torch.le", deviations=_CMP_DEV)
class LessEqual(_LogicBinaryOp):
    """Element-wise ``x <= y`` (bool Tensor), with broadcasting.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3]), msnn.int32)
        >>> P.LessEqual()(x, msnn.Tensor(np.array([1, 1, 4]), msnn.int32)).tolist()
        [True, False, True]
    """
    _fn = staticmethod(torch.le)


@ms_api(_P + "LogicalAnd", torch="torch.logical_and")
class LogicalAnd(_LogicBinaryOp):
    """Element-wise logical AND of two bool tensors (or a bool tensor and a bool).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([True, False, True]), msnn.bool_)
        >>> P.LogicalAnd()(x, msnn.Tensor(np.array([True, True, False]), msnn.bool_)).tolist()
        [True, False, False]
    """
    _allowed = C.BOOL
    _fn = staticmethod(lambda x, y: torch.logical_and(*_both_tensors(x, y)))


@ms_api(_P + "LogicalOr", torch="torch.logical_or")
class LogicalOr(_LogicBinaryOp):
    """Element-wise logical OR of two bool tensors (or a bool tensor and a bool).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([True, False, True]), msnn.bool_)
        >>> P.LogicalOr()(x, msnn.Tensor(np.array([True, True, False]), msnn.bool_)).tolist()
        [True, True, True]
    """
    _allowed = C.BOOL
    _fn = staticmethod(lambda x, y: torch.logical_or(*_both_tensors(x, y)))


@ms_api(_P + "EqualCount", torch="(x == y).sum()")
class EqualCount(PrimitiveWithInfer):
    """Counts the equal elements of two tensors of one shape: a Tensor of shape ``(1,)`` and the
    inputs' dtype.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3]), msnn.int32)
        >>> P.EqualCount()(x, msnn.Tensor(np.array([1, 2, 4]), msnn.int32)).tolist()
        [2]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'y'], outputs=['output'])

    def infer_shape(self, x_shape, y_shape):
        return (1,)

    def infer_dtype(self, x_dtype, y_dtype):
        return x_dtype

    def __call__(self, x, y):
        C.tensor_in(self.name, "x", x, None)
        C.tensor_in(self.name, "y", y, None)
        C.same_shape(self.name, "x", x, "y", y)
        return torch.eq(x, y).sum().reshape(1).to(dtype_of(x))


# ----------------------------------------------------------------------------------------------
# Unary
# ----------------------------------------------------------------------------------------------
class _Unary(PrimitiveWithInfer):
    """One-input elementwise operator: ``_allowed`` dtypes (None: any), ``_fn`` runs torch."""

    _allowed = C.NUMBER
    _arg = "input_x"

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x'], outputs=['y'])

    def infer_shape(self, x_shape):
        return x_shape

    def infer_dtype(self, x_dtype):
        return x_dtype

    @staticmethod
    def _fn(x):
        raise NotImplementedError("each unary math primitive sets _fn to its torch function")

    def __call__(self, input_x):
        if isinstance(input_x, Tensor) and (self._allowed is None or input_x.dtype in self._allowed):
            return self._fn(input_x)
        if not isinstance(input_x, Tensor):
            C.not_tensor(self.name, self._arg, input_x)
        C.bad_dtype(self.name, self._arg, input_x, self._allowed)
        return None


def _unary_doc(name, fn_text, x, out):
    return (f"""Computes {fn_text} element-wise.

    Inputs:
        - **input_x** (Tensor) - The input tensor.

    Outputs:
        Tensor of the shape and dtype of ``input_x``.

    Raises:
        TypeError: If ``input_x`` is not a Tensor.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array({x}), msnn.float32)
        >>> [round(v, 4) for v in P.{name}()(x).tolist()]
        {out}
    """)


def _unary(name, torch_fn, torch_name, fn_text, x, out, allowed=C.NUMBER, deviations=(_BF16,), note=""):
    cls = type(name, (_Unary,), {
        "__doc__": _unary_doc(name, fn_text, x, out) + note,
        "_fn": staticmethod(torch_fn),
        "_allowed": allowed,
        "__module__": __name__,
        "__qualname__": name,
    })
    return ms_api(_P + name, torch=torch_name, deviations=deviations)(cls)


Neg = _unary("Neg", torch.neg, "torch.neg", "the negative", [1.0, -2.0], [-1.0, 2.0])
Square = _unary("Square", torch.square, "torch.square", "the square", [1.0, 2.0, 3.0], [1.0, 4.0, 9.0])
Rsqrt = _unary("Rsqrt", torch.rsqrt, "torch.rsqrt", "the reciprocal of the square root", [4.0, 9.0],
               [0.5, 0.3333])
Sqrt = _unary("Sqrt", torch.sqrt, "torch.sqrt", "the square root", [1.0, 4.0, 9.0], [1.0, 2.0, 3.0])
Reciprocal = _unary("Reciprocal", torch.reciprocal, "torch.reciprocal", "the reciprocal",
                    [1.0, 2.0, 4.0], [1.0, 0.5, 0.25], allowed=None)
Exp = _unary("Exp", torch.exp, "torch.exp", "the exponential", [1.0, 2.0, 4.0],
             [2.7183, 7.3891, 54.5981], allowed=None)
Log = _unary("Log", torch.log, "torch.log", "the natural logarithm", [1.0, 2.0, 4.0],
             [0.0, 0.6931, 1.3863], allowed=None)
Floor = _unary("Floor", torch.floor, "torch.floor", "the floor (round down)", [1.1, 2.5, -1.5],
               [1.0, 2.0, -2.0], allowed=C.FLOAT)
Cos = _unary("Cos", torch.cos, "torch.cos", "the cosine", [0.24, 0.83], [0.9713, 0.6749])
ACos = _unary("ACos", torch.acos, "torch.acos", "the arccosine", [0.74, 0.04], [0.7377, 1.5308])
Sin = _unary("Sin", torch.sin, "torch.sin", "the sine", [0.62, 0.28], [0.581, 0.2764])
Abs = _unary("Abs", torch.abs, "torch.abs", "the absolute value", [-1.0, 1.0, 0.0], [1.0, 1.0, 0.0])
Sign = _unary("Sign", torch.sign, "torch.sign", "the sign (-1, 0 or 1)", [2.0, 0.0, -1.0], [1.0, 0.0, -1.0])
Round = _unary("Round", torch.round, "torch.round", "the nearest integer, half to even",
               [0.8, 1.5, 2.3, 2.5, -4.5], [1.0, 2.0, 2.0, 2.0, -4.0])


@ms_api(_P + "LogicalNot", torch="torch.logical_not")
class LogicalNot(_Unary):
    """Element-wise logical NOT of a bool tensor.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> P.LogicalNot()(msnn.Tensor(np.array([True, False, True]), msnn.bool_)).tolist()
        [False, True, False]
    """
    _allowed = C.BOOL
    _fn = staticmethod(torch.logical_not)

    def infer_dtype(self, x_dtype):
        return torch.bool


class _PowFn(torch.autograd.Function):
    """Pow with 0.1's bprop: ``dx = power * x ** (power - 1) * dout`` and no gradient for power."""

    @staticmethod
    def forward(ctx, x, power):  # pylint: disable=arguments-differ
        ctx.save_for_backward(x, power)
        return torch.pow(x, power)

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        x, power = ctx.saved_tensors
        dx = power * torch.pow(x, power - 1.0) * dout
        return C.sum_to(dx, x.shape), None


@ms_api(_P + "Pow", torch="torch.pow", deviations=(
    "The exponent gets no gradient (0.1's bprop returns 0 for it); a tensor exponent must "
    "broadcast to x's shape.", _BF16))
class Pow(PrimitiveWithInfer):
    """Raises ``input_x`` to the power ``input_y`` element-wise.

    Inputs:
        - **input_x** (Tensor) - The base.
        - **input_y** (Union[Tensor, Number]) - The exponent, a number or a Tensor that
          broadcasts to ``input_x``'s shape.

    Outputs:
        Tensor of the shape and dtype of ``input_x``.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1.0, 2.0, 4.0]), msnn.float32)
        >>> P.Pow()(x, 3.0).tolist()
        [1.0, 8.0, 64.0]
        >>> P.Pow()(x, msnn.Tensor(np.array([2.0, 4.0, 3.0]), msnn.float32)).tolist()
        [1.0, 16.0, 64.0]

    Note:
        As in 0.1 the gradient flows to ``input_x`` only: ``power * x ** (power - 1) * dout``.
    """

    @prim_attr_register
    def __init__(self):
        pass

    def infer_shape(self, x, power):
        return x

    def infer_dtype(self, x, power):
        return x

    def __call__(self, input_x, input_y):
        name = self.name
        if not isinstance(input_x, Tensor):
            C.not_tensor(name, "input_x", input_x)
        if isinstance(input_y, Tensor):
            if dtype_of(input_y) not in C.NUMBER:
                C.bad_dtype(name, "input_y", input_y, C.NUMBER)
            if torch.is_grad_enabled() and input_x.requires_grad:
                out = _PowFn.apply(input_x, input_y.detach())
            else:
                out = torch.pow(input_x, input_y)
            if out.shape != input_x.shape:
                V.fail(name, "input_y", f"broadcastable to the shape of 'input_x' {tuple(input_x.shape)}",
                       C.Raw(f"shape {tuple(input_y.shape)}"))
        else:
            if isinstance(input_y, bool) or not isinstance(input_y, (int, float)):
                input_y = C.scalar_for(name, "input_y", input_y, torch.float64)  # numpy scalars; else TypeError
            out = torch.pow(input_x, input_y)
        return out if dtype_of(out) is dtype_of(input_x) else out.to(dtype_of(input_x))


# ----------------------------------------------------------------------------------------------
# Assign
# ----------------------------------------------------------------------------------------------
def _fits(shape, target):
    """True when ``shape`` broadcasts to ``target``."""
    try:
        return torch.broadcast_shapes(shape, target) == target
    except RuntimeError:
        return False


class _Assign(PrimitiveWithInfer):
    """``variable <op>= value`` in place (no gradient), returning the variable."""

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['ref', 'value'], outputs=['output'])

    def infer_shape(self, variable, value):
        return value

    def infer_dtype(self, variable, value):
        return value

    def __call__(self, variable, value):
        name = self.name
        if not isinstance(variable, Tensor):
            C.not_tensor(name, "variable", variable)
        if isinstance(value, Tensor):
            if dtype_of(value) not in C.NUMBER:
                C.bad_dtype(name, "value", value, C.NUMBER, TypeError)
        else:
            value = C.scalar_for(name, "value", value, dtype_of(variable))
        with torch.no_grad():
            try:
                self._apply(variable, value)
            except RuntimeError:
                if isinstance(value, Tensor) and not _fits(value.shape, variable.shape):
                    V.fail(name, "value", f"broadcastable to 'variable' of shape {tuple(variable.shape)}",
                           C.Raw(f"shape {tuple(value.shape)}"))
                raise
        return variable


@ms_api(_P + "AssignAdd", torch="torch.Tensor.add_ (under no_grad)")
class AssignAdd(_Assign):
    """Updates a Parameter in place by adding a value to it; returns the Parameter.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> step = msnn.Parameter(msnn.Tensor(np.ones([1]), msnn.int64), name="global_step")
        >>> P.AssignAdd()(step, msnn.Tensor(np.ones([1]) * 100, msnn.int64)).tolist()
        [101]
    """

    @staticmethod
    def _apply(variable, value):
        variable.add_(value)


@ms_api(_P + "AssignSub", torch="torch.Tensor.sub_ (under no_grad)")
class AssignSub(_Assign):
    """Updates a Parameter in place by subtracting a value from it; returns the Parameter.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> step = msnn.Parameter(msnn.Tensor(np.ones([1]), msnn.int64), name="global_step")
        >>> P.AssignSub()(step, msnn.Tensor(np.ones([1]) * 100, msnn.int64)).tolist()
        [-99]
    """

    @staticmethod
    def _apply(variable, value):
        variable.sub_(value)


# ----------------------------------------------------------------------------------------------
# Reductions
# ----------------------------------------------------------------------------------------------
def _reduce_dims(key, name):
    """``(axis, ndim)`` -> the sorted tuple of non-negative dims (0.1's _infer_shape_reduce)."""
    axis, ndim = key
    if isinstance(axis, int) and not isinstance(axis, bool):
        axes = (axis,)
    elif isinstance(axis, tuple):
        if not axis:
            return tuple(range(ndim))
        axes = axis
    else:
        V.fail(name, "axis", "an int, a tuple or a list of ints", axis)
    dims = set()
    for i, one in enumerate(axes):
        if not isinstance(one, int) or isinstance(one, bool):
            V.fail(name, f"axis[{i}]", "an int", one)
        if not -ndim <= one < max(ndim, 1):
            V.fail(name, "axis", f"in range [{-ndim}, {ndim})", axis)
        dims.add(one % max(ndim, 1))
    return tuple(sorted(dims))


class _Reduce(PrimitiveWithInfer):
    """Reduction over ``axis`` (an int, a tuple/list of ints; ``()`` reduces every axis)."""

    _allowed = C.NUMBER
    _fast = None  # the torch reduction taking (x, axis, keepdim) for float input, or None

    @prim_attr_register
    def __init__(self, keep_dims=False):
        V.check_bool(keep_dims, "keep_dims", self.name, exc=ValueError)
        self.init_prim_io_names(inputs=['input_x', 'axis'], outputs=['y'])

    def __call__(self, input_x, axis=()):
        # happy path: a float tensor of rank >= 1 and an int/tuple/list axis go straight to torch,
        # which checks the range; a duplicate axis, an int dtype, a 0-d input or any error takes
        # the checked path (0.1's errors, its dedup of axes and dtype rules)
        try:
            if input_x.dtype in _FLOAT_FAST and input_x.ndim and type(axis) in _AXIS_TYPES and self._fast:
                return self._fast(input_x, axis, self.keep_dims)
        except Exception:  # pylint: disable=broad-except
            pass
        return self._checked(input_x, axis)

    def _checked(self, input_x, axis):
        if not isinstance(input_x, Tensor):
            C.not_tensor(self.name, "input_x", input_x)
        if input_x.dtype not in self._allowed:
            C.bad_dtype(self.name, "input_x", input_x, self._allowed)
        if type(axis) is list:  # pylint: disable=unidiomatic-typecheck
            axis = tuple(axis)
        # no memo here: True == 1 and 1.0 == 1 as dict keys, and 0.1 refused those axes
        dims = _reduce_dims((axis, input_x.dim()), self.name)
        return self._reduce(input_x, dims, self.keep_dims)

    def infer_shape(self, x_shape, axis=()):
        dims = _reduce_dims((tuple(axis) if isinstance(axis, list) else axis, len(x_shape)), self.name)
        return [1 if i in dims else d for i, d in enumerate(x_shape) if self.keep_dims or i not in dims]

    def infer_dtype(self, x_dtype, axis=None):
        return x_dtype


_REDUCE_EXAMPLE = """
    Args:
        keep_dims (bool): Keep the reduced dimensions with length 1. Default: False.

    Inputs:
        - **input_x** (Tensor) - The input tensor.
        - **axis** (Union[int, tuple(int), list(int)]) - The dimensions to reduce. Default: (),
          every dimension.

    Outputs:
        Tensor of the input's dtype.

    Raises:
        ValueError: If ``keep_dims`` is not a bool, an axis is out of range, or the input's dtype
            is not allowed (0.1's check_typename raised ValueError).
        TypeError: If ``input_x`` is not a Tensor.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[1.0, 2.0], [3.0, 5.0]]), msnn.float32)
        >>> P.{name}(keep_dims=True)(x, 1).tolist()
        {out}
"""


def _sum(x, dims, keep):
    return torch.sum(x, dims, keep, dtype=dtype_of(x))


def _mean(x, dims, keep):
    if x.is_floating_point():
        return torch.mean(x, dims, keep)
    return torch.mean(x.double(), dims, keep).to(dtype_of(x))


def _amax(x, dims, keep):
    return torch.amax(x, dims, keep)


def _amin(x, dims, keep):
    return torch.amin(x, dims, keep)


def _all(x, dims, keep):
    if not dims:
        return x.clone()
    return torch.all(x, dims, keep)


def _prod(x, dims, keep):
    dt = dtype_of(x)
    for d in reversed(dims):
        x = torch.prod(x, d, keep, dtype=dt)
    return x


_FLOAT_FAST = frozenset((torch.float16, torch.float32, torch.float64, torch.bfloat16))
_AXIS_TYPES = frozenset((int, tuple, list))


def _reduce_class(name, fn, torch_name, what, out, allowed=C.NUMBER, deviations=(_BF16,), note="", fast=None):
    doc = f"Reduces the dimensions in ``axis`` by {what}.\n" + _REDUCE_EXAMPLE.format(name=name, out=out) + note
    cls = type(name, (_Reduce,), {"__doc__": doc, "_reduce": staticmethod(fn), "_allowed": allowed,
                                  "_fast": staticmethod(fast) if fast else None,
                                  "__module__": __name__, "__qualname__": name})
    return ms_api(_P + name, torch=torch_name, deviations=deviations)(cls)


ReduceSum = _reduce_class("ReduceSum", _sum, "torch.sum", "summing", "[[3.0], [8.0]]", fast=torch.sum)
ReduceMean = _reduce_class("ReduceMean", _mean, "torch.mean", "averaging", "[[1.5], [4.0]]", fast=torch.mean)
ReduceMax = _reduce_class(
    "ReduceMax", _amax, "torch.amax", "taking the maximum", "[[2.0], [5.0]]", fast=torch.amax,
    note="""
    Note:
        Tied maxima share the gradient equally (0.1's bprop and ``torch.amax`` agree).
""")
ReduceMin = _reduce_class(
    "ReduceMin", _amin, "torch.amin", "taking the minimum", "[[1.0], [3.0]]", fast=torch.amin,
    note="""
    Note:
        Tied minima share the gradient equally (0.1's bprop and ``torch.amin`` agree).
""")
ReduceProd = _reduce_class("ReduceProd", _prod, "torch.prod", "multiplying", "[[2.0], [15.0]]")


@ms_api(_P + "ReduceAll", torch="torch.all")
class ReduceAll(_Reduce):
    """Reduces the dimensions in ``axis`` by logical AND (bool input).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[True, False], [True, True]]))
        >>> P.ReduceAll(keep_dims=True)(x, 1).tolist()
        [[False], [True]]
    """
    _allowed = C.BOOL
    _reduce = staticmethod(_all)


# ----------------------------------------------------------------------------------------------
# Cumulative
# ----------------------------------------------------------------------------------------------
def _shift(x, axis, identity):
    """x shifted one step along ``axis``, ``identity`` entering first (the exclusive scan input)."""
    n = x.shape[axis]
    if n == 0:
        return x
    head = torch.full_like(x.narrow(axis, 0, 1), identity)
    return torch.cat([head, x.narrow(axis, 0, n - 1)], axis)


class _Cum(PrimitiveWithInfer):
    """Cumulative scan along ``axis`` with 0.1's ``exclusive`` and ``reverse``."""

    _allowed = C.NUMBER
    _identity = 0

    @prim_attr_register
    def __init__(self, exclusive=False, reverse=False):
        V.check_bool(exclusive, "exclusive", self.name, exc=ValueError)
        V.check_bool(reverse, "reverse", self.name, exc=ValueError)
        self.init_prim_io_names(inputs=['x', 'axis'], outputs=['y'])

    def infer_shape(self, x_shape, axis_shape):
        return x_shape

    def infer_dtype(self, x_type, axis_type):
        return x_type

    def __call__(self, x, axis):
        name = self.name
        C.tensor_in(name, "x", x, self._allowed)
        if not isinstance(axis, int) or isinstance(axis, bool):
            V.fail(name, "axis", "an int", axis)
        axis = V.check_axis(axis, x.dim(), "axis", name)
        if self.reverse:
            x = x.flip(axis)
        if self.exclusive:
            x = _shift(x, axis, self._identity)
        out = self._scan(x, axis, dtype=dtype_of(x))
        return out.flip(axis) if self.reverse else out


@ms_api(_P + "CumSum", torch="torch.cumsum",
        deviations=("Also accepts the dtypes 0.1's CumSum refused (int16, int64, float64).", _BF16))
class CumSum(_Cum):
    """Cumulative sum along ``axis``.

    Args:
        exclusive (bool): Each output leaves out its own element. Default: False.
        reverse (bool): Accumulate from the end. Default: False.

    Inputs:
        - **input** (Tensor) - The tensor to accumulate.
        - **axis** (int) - The axis.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[3, 4, 6, 10], [1, 6, 7, 9]]).astype(np.float32))
        >>> P.CumSum()(x, 1).tolist()
        [[3.0, 7.0, 13.0, 23.0], [1.0, 7.0, 14.0, 23.0]]
        >>> P.CumSum(exclusive=True, reverse=True)(x, 1).tolist()
        [[20.0, 16.0, 10.0, 0.0], [22.0, 16.0, 9.0, 0.0]]
    """
    _scan = staticmethod(torch.cumsum)


@ms_api(_P + "CumProd", torch="torch.cumprod", deviations=(
    "The gradient is torch's exact one; 0.1's bprop divided by x and gave NaN where x is 0.", _BF16))
class CumProd(_Cum):
    """Cumulative product along ``axis``.

    Args:
        exclusive (bool): Each output leaves out its own element. Default: False.
        reverse (bool): Multiply from the end. Default: False.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([2.0, 3.0, 4.0]).astype(np.float32))
        >>> P.CumProd()(x, 0).tolist(), P.CumProd(exclusive=True)(x, 0).tolist()
        ([2.0, 6.0, 24.0], [1.0, 2.0, 6.0])
        >>> P.CumProd(reverse=True)(x, 0).tolist(), P.CumProd(True, True)(x, 0).tolist()
        ([24.0, 12.0, 4.0], [12.0, 4.0, 1.0])

    Note:
        0.1's gradient was ``cumsum(cumprod(x) * dout) / x`` (NaN where ``x == 0``); msnn uses
        torch's exact gradient, equal wherever 0.1's was finite.
    """
    _identity = 1
    _scan = staticmethod(torch.cumprod)


# ----------------------------------------------------------------------------------------------
# Matrix products
# ----------------------------------------------------------------------------------------------
_MATMUL_DTYPES = C.FLOAT | {torch.int8, torch.int16, torch.int32, torch.int64}


def _mm_fast(mm, transpose_a, transpose_b):
    """The one-call product for 2-D (torch.mm) or 3-D (torch.bmm) inputs with the transposes."""
    if not (transpose_a or transpose_b):
        return mm
    if transpose_a and transpose_b:
        return lambda x, y: mm(x.mT, y.mT)
    if transpose_a:
        return lambda x, y: mm(x.mT, y)
    return lambda x, y: mm(x, y.mT)


@ms_api(_P + "MatMul", torch="torch.matmul", deviations=(_BF16,))
class MatMul(PrimitiveWithInfer):
    """Multiplies matrix ``input_x`` by matrix ``input_y`` (both 2-D).

    Args:
        transpose_a (bool): Transpose ``input_x`` first. Default: False.
        transpose_b (bool): Transpose ``input_y`` first. Default: False.

    Inputs:
        - **input_x** (Tensor) - :math:`(N, C)` (:math:`(C, N)` with ``transpose_a``).
        - **input_y** (Tensor) - :math:`(C, M)` (:math:`(M, C)` with ``transpose_b``).

    Outputs:
        Tensor of shape :math:`(N, M)`.

    Raises:
        ValueError: If an input is not 2-D or the inner dimensions differ; a transpose flag is not
            a bool.
        TypeError: If the dtypes differ or are not numbers.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.ones(shape=[1, 3]), msnn.float32)
        >>> y = msnn.Tensor(np.ones(shape=[3, 4]), msnn.float32)
        >>> P.MatMul()(x, y).tolist()
        [[3.0, 3.0, 3.0, 3.0]]
    """
    _rank = "2"

    @prim_attr_register
    def __init__(self, transpose_a=False, transpose_b=False):
        self.init_prim_io_names(inputs=['x1', 'x2'], outputs=['output'])
        V.check_bool(transpose_a, "transpose_a", self.name, exc=ValueError)
        V.check_bool(transpose_b, "transpose_b", self.name, exc=ValueError)
        self._xk = -2 if transpose_a else -1
        self._yk = -1 if transpose_b else -2
        self._plain = not (transpose_a or transpose_b)
        self._batch = type(self) is not MatMul  # BatchMatMul checks ranks and batch dimensions
        # the happy path is one torch call: torch.mm/bmm check ranks, dtypes and sizes themselves,
        # and any error they raise sends the inputs through _checked for 0.1's error
        self._fast = _mm_fast(torch.bmm if self._batch else torch.mm, transpose_a, transpose_b)

    def _check_rank(self, x, y):
        if x.ndim != 2 or y.ndim != 2:
            bad, arg = (x, "input_x") if x.dim() != 2 else (y, "input_y")
            V.fail(self.name, arg, "a 2-D Tensor", C.Raw(f"shape {tuple(bad.shape)}"))

    def infer_shape(self, x, y):
        x, y = list(x), list(y)
        n = x[-1] if self.transpose_a else x[-2]
        m = y[-2] if self.transpose_b else y[-1]
        return x[:-2] + [n, m]

    def infer_dtype(self, x, y):
        return x

    def __call__(self, input_x, input_y):
        try:
            if input_x.dtype in _MATMUL_DTYPES:
                return self._fast(input_x, input_y)
        except Exception:  # pylint: disable=broad-except
            pass
        return self._checked(input_x, input_y)

    def _checked(self, input_x, input_y):
        """0.1's checks (its error for bad input), then the product."""
        if not (isinstance(input_x, Tensor) and isinstance(input_y, Tensor)):
            C.not_tensor(self.name, "input_x" if not isinstance(input_x, Tensor) else "input_y",
                         input_x if not isinstance(input_x, Tensor) else input_y)
        if self._batch or input_x.ndim != 2 or input_y.ndim != 2:
            self._check_rank(input_x, input_y)
        dt = input_x.dtype
        if dt != input_y.dtype or dt not in _MATMUL_DTYPES:
            name = self.name
            C.same_dtype(name, "input_x", input_x, "input_y", input_y)
            C.bad_dtype(name, "input_x", input_x, _MATMUL_DTYPES, TypeError)
        if input_x.shape[self._xk] != input_y.shape[self._yk]:
            name = self.name
            V.fail(name, "input_y", f"a matrix whose contracted dimension matches input_x "
                   f"{tuple(input_x.shape)} (transpose_a={self.transpose_a}, transpose_b={self.transpose_b})",
                   C.Raw(f"shape {tuple(input_y.shape)}"))
        if self._plain:
            return torch.matmul(input_x, input_y)
        return torch.matmul(input_x.mT if self.transpose_a else input_x, input_y.mT if self.transpose_b else input_y)


@ms_api(_P + "BatchMatMul", torch="torch.matmul", deviations=(_BF16,))
class BatchMatMul(MatMul):
    """Batched matrix product over the last two dimensions: ``(*B, N, C) x (*B, C, M)``.

    Both inputs have the same rank (at least 3) and the same batch dimensions (no broadcasting).

    Args:
        transpose_a (bool): Transpose the last two dimensions of ``input_x`` first. Default: False.
        transpose_b (bool): Transpose the last two dimensions of ``input_y`` first. Default: False.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.ones(shape=[2, 4, 1, 3]), msnn.float32)
        >>> y = msnn.Tensor(np.ones(shape=[2, 4, 3, 4]), msnn.float32)
        >>> tuple(P.BatchMatMul()(x, y).shape)
        (2, 4, 1, 4)
        >>> x = msnn.Tensor(np.ones(shape=[2, 4, 3, 1]), msnn.float32)
        >>> tuple(P.BatchMatMul(transpose_a=True)(x, y).shape)
        (2, 4, 1, 4)
    """

    @prim_attr_register
    def __init__(self, transpose_a=False, transpose_b=False):
        MatMul.__init__.decorated_func(self, transpose_a, transpose_b)

    def _check_rank(self, x, y):
        if x.dim() != y.dim() or x.dim() < 3:
            V.fail(self.name, "input_y", f"a Tensor of the rank of input_x (>= 3; input_x has shape "
                   f"{tuple(x.shape)})", C.Raw(f"shape {tuple(y.shape)}"))
        if x.shape[:-2] != y.shape[:-2]:
            V.fail(self.name, "input_y", f"a Tensor with the batch dimensions of input_x {tuple(x.shape[:-2])}",
                   C.Raw(f"shape {tuple(y.shape)}"))


# ----------------------------------------------------------------------------------------------
# AddN
# ----------------------------------------------------------------------------------------------
@ms_api(_P + "AddN", torch="torch.add (chained)", deviations=(_BF16,))
class AddN(PrimitiveWithInfer):
    """Adds all tensors of a tuple or list element-wise (same shape and dtype).

    Inputs:
        - **input_x** (Union(tuple[Tensor], list[Tensor])) - The tensors to add.

    Outputs:
        Tensor of the shape and dtype of each input.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3]), msnn.int32)
        >>> y = msnn.Tensor(np.array([4, 5, 6]), msnn.int32)
        >>> P.AddN()((x, y, x, y)).tolist()
        [10, 14, 18]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=["inputs"], outputs=["sum"])

    def infer_shape(self, inputs):
        return inputs[0]

    def infer_dtype(self, inputs):
        return inputs[0]

    def __call__(self, inputs):
        name = self.name
        if not isinstance(inputs, (tuple, list)):
            V.fail(name, "inputs", "a tuple or list of Tensors", C.Raw(type(inputs).__name__))
        if not inputs:
            V.fail(name, "inputs", "a non-empty tuple or list", inputs)
        first = inputs[0]
        for i, t in enumerate(inputs):
            arg = f"inputs[{i}]"
            C.tensor_in(name, arg, t, _NUMBER_BOOL, TypeError)
            if i:
                C.same_dtype(name, "inputs[0]", first, arg, t)
                C.same_shape(name, "inputs[0]", first, arg, t)
        out = first
        for t in inputs[1:]:
            out = out + t
        return out if len(inputs) > 1 else first.clone()


# ----------------------------------------------------------------------------------------------
# NPU float status (overflow flag) emulation
# ----------------------------------------------------------------------------------------------
_SEQ = itertools.count(1)
_STATE = {"seq": 0}
_FLAGS = collections.deque(maxlen=256)   # (seq, device flag tensor) of recent gradient sets
_LIVE = weakref.WeakSet()                # allocated status tensors still referenced


def record_gradients(grads):
    """Record that ``grads`` were computed (called by ``GradOperation``).

    When an ``NPUAllocFloatStatus`` tensor is alive, one fused device check (the kernel
    ``torch.amp.GradScaler`` uses) stores whether any gradient holds inf or NaN; otherwise nothing
    runs. :class:`NPUGetFloatStatus` reads these flags. Returns ``grads``.
    """
    if not _LIVE:
        return grads
    tensors = [g for g in (grads if isinstance(grads, (tuple, list)) else (grads,))
               if isinstance(g, Tensor) and g.is_floating_point()]
    seq = next(_SEQ)
    _STATE["seq"] = seq
    if not tensors:
        return grads
    from ...wrap.loss_scale import _check_non_finite  # pylint: disable=import-outside-toplevel
    device = tensors[0].device
    flag = torch.zeros(1, dtype=torch.float32, device=device)
    with torch.no_grad():
        _check_non_finite([t.detach().float() if dtype_of(t) is torch.bfloat16 else t.detach()
                           for t in tensors], flag, torch.ones(1, dtype=torch.float32, device=device))
    _FLAGS.append((seq, flag))
    return grads


def _status_check(name, x):
    if not isinstance(x, Tensor):
        C.not_tensor(name, "input_x", x)
    if x.dim() != 1 or x.shape[0] != 8:
        V.fail(name, "input_x", "a Tensor of shape (8,) (from NPUAllocFloatStatus)", C.Raw(f"shape {tuple(x.shape)}"))
    if dtype_of(x) is not torch.float32:
        C.bad_dtype(name, "input_x", x, (torch.float32,), TypeError)


_NPU_DEV = ("Emulated: Ascend's status register recorded float exceptions of every kernel; msnn's "
            "status records whether any gradient computed by GradOperation after the status was "
            "allocated (or last read) holds inf or NaN -- the loss-scale overflow test of 0.1's "
            "BERT. NPUClearFloatStatus zeroes the tensor but keeps those records, because in eager "
            "order it runs after the gradients (0.1's graph moved it before them).",)


@ms_api(_P + "NPUAllocFloatStatus", torch="torch.zeros(8)", deviations=_NPU_DEV)
class NPUAllocFloatStatus(PrimitiveWithInfer):
    """Allocates the overflow status: a float32 Tensor of shape ``(8,)``, zeros.

    Outputs:
        Tensor of shape ``(8,)``.

    Examples:
        >>> from msnn.ops import operations as P
        >>> P.NPUAllocFloatStatus()().tolist()
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]

    Note:
        See :class:`NPUGetFloatStatus` for how msnn emulates the Ascend status register.
    """

    @prim_attr_register
    def __init__(self):
        self.add_prim_attr("_side_effect_flag", True)

    def infer_shape(self):
        return [8]

    def infer_dtype(self):
        return torch.float32

    def __call__(self):
        from ... import context  # pylint: disable=import-outside-toplevel
        status = torch.zeros(8, dtype=torch.float32, device=context.device())
        status._msnn_status_seq = _STATE["seq"]  # pylint: disable=protected-access
        _LIVE.add(status)
        return status


@ms_api(_P + "NPUGetFloatStatus", torch="torch._amp_foreach_non_finite_check_and_unscale_",
        deviations=_NPU_DEV)
class NPUGetFloatStatus(PrimitiveWithInfer):
    """Updates the status from :class:`NPUAllocFloatStatus` with the latest overflow state.

    After the call the sum of the status is 0 when there was no overflow and greater than 0 when
    there was (all eight elements become 1). The status is updated in place and returned.

    Inputs:
        - **input_x** (Tensor) - The status from :class:`NPUAllocFloatStatus`.

    Outputs:
        Tensor, ``input_x`` itself (updated).

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> from msnn.ops.operations.math_ops import record_gradients
        >>> status = P.NPUAllocFloatStatus()()
        >>> _ = P.NPUClearFloatStatus()(status)
        >>> _ = record_gradients((torch.tensor([1.0, float("inf")]),))
        >>> float(P.NPUGetFloatStatus()(status).sum()) > 0
        True

    Note:
        The Ascend register recorded float exceptions of every kernel between clear and get.
        msnn records instead, for each set of gradients ``GradOperation`` computes while a status
        is alive, whether any of them holds inf or NaN (one fused device check, the kernel
        ``torch.amp.GradScaler`` uses; nothing runs when no status is allocated). Get sets the
        status to 1 if a gradient set computed since the status was allocated or last read
        overflowed. So 0.1's BERT pattern ``init = alloc(); ...grads...; clear(init);
        get(init); reduce_sum(init) > 0`` reports overflow exactly when a gradient is
        non-finite. Clear zeroes the tensor without forgetting those records: run eagerly, the
        BERT cell clears after computing the gradients (its graph reordered the clear).
    """

    @prim_attr_register
    def __init__(self):
        self.add_prim_attr("_side_effect_flag", True)

    def infer_shape(self, x_shape):
        return [8]

    def infer_dtype(self, x_dtype):
        return torch.float32

    def __call__(self, input_x):
        _status_check(self.name, input_x)
        since = getattr(input_x, "_msnn_status_seq", 0)
        flags = [f for seq, f in _FLAGS if seq > since]
        input_x._msnn_status_seq = _STATE["seq"]  # pylint: disable=protected-access
        if flags:
            with torch.no_grad():
                seen = flags[0] if len(flags) == 1 else torch.stack(flags).amax(0)
                input_x.copy_(torch.maximum(input_x, seen.to(input_x.device).expand(8)))
        return input_x


@ms_api(_P + "NPUClearFloatStatus", torch="torch.Tensor.zero_", deviations=_NPU_DEV)
class NPUClearFloatStatus(PrimitiveWithInfer):
    """Clears the status from :class:`NPUAllocFloatStatus` (zeroes it in place and returns it).

    Examples:
        >>> from msnn.ops import operations as P
        >>> status = P.NPUAllocFloatStatus()()
        >>> P.NPUClearFloatStatus()(status).tolist()
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]

    Note:
        The gradient records stay (see :class:`NPUGetFloatStatus`).
    """

    @prim_attr_register
    def __init__(self):
        self.add_prim_attr("_side_effect_flag", True)

    def infer_shape(self, x_shape):
        return [8]

    def infer_dtype(self, x_dtype):
        return torch.float32

    def __call__(self, input_x):
        _status_check(self.name, input_x)
        with torch.no_grad():
            input_x.zero_()
        return input_x


# ----------------------------------------------------------------------------------------------
# NMSWithMask
# ----------------------------------------------------------------------------------------------
@ms_api(_P + "NMSWithMask", torch="greedy NMS in torch (argsort, box IoU)",
        deviations=("Runs a sequential greedy loop (one host sync per kept box); meant for "
                    "post-processing, not for the training graph.",))
class NMSWithMask(PrimitiveWithInfer):
    """Greedy non-maximum suppression of ``(N, 5)`` boxes ``(x1, y1, x2, y2, score)``.

    Args:
        iou_threshold (float): A box is suppressed when its IoU with a kept, higher-scored box
            exceeds this. Default: 0.5.

    Inputs:
        - **bboxes** (Tensor) - float16/float32 Tensor of shape :math:`(N, 5)`.

    Outputs:
        Tuple of 3 Tensors: ``selected_boxes`` :math:`(N, 5)` (the boxes in descending score
        order), ``selected_idx`` int32 :math:`(N,)` (their original indices) and
        ``selected_mask`` bool :math:`(N,)` (True for a kept box).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> boxes = msnn.Tensor(np.array([[0, 0, 10, 10, 0.9], [1, 1, 10, 10, 0.8],
        ...                               [20, 20, 30, 30, 0.7]]), msnn.float32)
        >>> out, idx, mask = P.NMSWithMask(0.5)(boxes)
        >>> idx.tolist(), mask.tolist()
        ([0, 1, 2], [True, False, True])
    """

    @prim_attr_register
    def __init__(self, iou_threshold=0.5):
        V.check_type(iou_threshold, "iou_threshold", self.name, float, exc=ValueError)
        self.init_prim_io_names(inputs=['bboxes'], outputs=['selected_boxes', 'selected_idx', 'selected_mask'])

    def infer_shape(self, bboxes_shape):
        return (bboxes_shape, (bboxes_shape[0],), (bboxes_shape[0],))

    def infer_dtype(self, bboxes_dtype):
        return (bboxes_dtype, torch.int32, torch.bool)

    def __call__(self, bboxes):
        name = self.name
        C.tensor_in(name, "bboxes", bboxes, C.F16_32)
        if bboxes.dim() != 2 or bboxes.shape[1] != 5 or bboxes.shape[0] <= 0:
            V.fail(name, "bboxes", "a Tensor of shape (N, 5) with N > 0", C.Raw(f"shape {tuple(bboxes.shape)}"))
        with torch.no_grad():
            order = torch.argsort(bboxes[:, 4], descending=True, stable=True)
            boxes = bboxes[order]
            b = boxes[:, :4].float()
            area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
            lt = torch.maximum(b[:, None, :2], b[None, :, :2])
            rb = torch.minimum(b[:, None, 2:], b[None, :, 2:])
            wh = (rb - lt).clamp_min(0)
            inter = wh[..., 0] * wh[..., 1]
            iou = (inter / (area[:, None] + area[None, :] - inter)).cpu().numpy()
            n = boxes.shape[0]
            keep = np.ones(n, dtype=bool)
            for i in range(n):
                if keep[i]:
                    keep[i + 1:] &= ~(iou[i, i + 1:] > self.iou_threshold)
        mask = torch.from_numpy(keep).to(bboxes.device)
        return boxes, order.to(torch.int32), mask

