"""``mindspore.ops.operations.array_ops``: shape, layout, indexing and creation primitives.

Every primitive checks its inputs as MindSpore 0.1's ``infer_shape``/``infer_dtype`` did (the
exception type 0.1's validator raised: its ``ParamValidator.check_type``/``check_typename``/
``check_integer`` raised ``ValueError``, ``check_subclass`` and dtype-equality checks
``TypeError``), then runs one torch call. Outputs are plain torch tensors; gradients come from
torch autograd and equal 0.1's bprop (``mindspore/ops/_grad/grad_array_ops.py``) except where a
Note says otherwise.
"""
import numbers

import numpy as np
import torch

from ..._api import ms_api
from ... import _validator as V
from ... import context
from ...common import dtype as mstype
from ..primitive import Primitive, PrimitiveWithInfer, prim_attr_register

__all__ = [
    "ExpandDims", "DType", "SameTypeShape", "Cast", "IsSubClass", "IsInstance", "Reshape", "Shape",
    "Squeeze", "Transpose", "GatherV2", "Split", "Rank", "TruncatedNormal", "Size", "Fill",
    "OnesLike", "ZerosLike", "TupleToArray", "ScalarToArray", "ScalarToTensor",
    "InvertPermutation", "Argmax", "Argmin", "ArgMaxWithValue", "ArgMinWithValue", "Tile",
    "UnsortedSegmentSum", "Concat", "Slice", "ConcatOffset", "Select", "StridedSlice", "Diag",
    "DiagPart", "Eye", "ScatterNd", "ResizeNearestNeighbor", "GatherNd", "ScatterNdUpdate",
    "SpaceToDepth", "DepthToSpace",
]

_P = "mindspore.ops.operations."
_Tensor = torch.Tensor
_dtype_of = torch._C.TensorBase.dtype.__get__  # the real torch.dtype, also for msnn.Tensor
_INT_DTYPES = (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)
_INT_SET = frozenset(_INT_DTYPES)
_NUMBER_OR_BOOL = mstype.number_type + (mstype.bool_,)


def _name(dtype):
    return mstype.dtype_name(dtype)


def _tensor(x, arg, cls):
    if not isinstance(x, _Tensor):
        V.check_tensor(x, arg, cls)
    return x


def _int(value, arg, cls, exc=ValueError):
    """0.1's ParamValidator.check_type(arg, value, [int]): ValueError, bool refused."""
    if type(value) is not int:  # pylint: disable=unidiomatic-typecheck
        if not isinstance(value, int) or isinstance(value, bool):
            V.fail(cls, arg, "an int", value, exc)
    return value


def _int_tuple(value, arg, cls, exc=ValueError):
    """A tuple of ints (0.1: check_type(tuple) then check_type(int) per item, ValueError)."""
    if not isinstance(value, tuple):
        V.fail(cls, arg, "a tuple of ints", value, exc)
    for i, v in enumerate(value):
        if not isinstance(v, int) or isinstance(v, bool):
            V.fail(cls, f"{arg}[{i}]", "an int", v, exc)
    return value


def _int_dtype(t, arg, cls):
    """0.1's check_typename(arg, dtype, int_type): ValueError."""
    if _dtype_of(t) not in _INT_DTYPES:
        V.fail(cls, arg, "a Tensor of an integer dtype",
               V._Raw(f"dtype {_name(_dtype_of(t))}"), ValueError)  # pylint: disable=protected-access


def _const(value, device=None):
    """A new tensor on the context device."""
    t = torch.as_tensor(value)
    dev = device if device is not None else context.device()
    return t if dev.type == "cpu" else t.to(dev)


# --------------------------------------------------------------------------------------------
@ms_api(_P + "ExpandDims", torch="torch.unsqueeze")
class ExpandDims(PrimitiveWithInfer):
    """Adds a dimension of length 1 at ``axis``.

    Inputs:
        - **input_x** (Tensor) - Shape :math:`(x_1, ..., x_R)`.
        - **axis** (int) - In ``[-R-1, R]``; a negative axis counts from the end.

    Outputs:
        Tensor of rank R+1.

    Raises:
        ValueError: ``axis`` is not an int or out of range.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.ExpandDims()(msnn.Tensor(np.ones((2, 2)), msnn.float32), 0).shape
        torch.Size([1, 2, 2])
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'axis'], outputs=['output'])

    def __call__(self, x, axis):
        if type(axis) is int:  # pylint: disable=unidiomatic-typecheck
            try:  # torch.unsqueeze accepts exactly 0.1's range [-rank-1, rank]
                return torch.unsqueeze(x, axis)
            except (TypeError, IndexError, RuntimeError):
                pass
        _tensor(x, "input_x", "ExpandDims")
        _int(axis, "axis", "ExpandDims")
        rank = x.dim()
        if not -rank - 1 <= axis <= rank:
            V.fail("ExpandDims", "axis", f"an int in [{-rank - 1}, {rank}]", axis)
        return torch.unsqueeze(x, axis)

    def infer_shape(self, x_shape, axis):
        """The output shape for an input of ``x_shape``."""
        x_shape = list(x_shape)
        x_shape.insert(axis if axis >= 0 else len(x_shape) + 1 + axis, 1)
        return x_shape


@ms_api(_P + "DType", torch="tensor.dtype")
class DType(PrimitiveWithInfer):
    """Returns the dtype of a tensor (an msnn dtype, which is a ``torch.dtype``).

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.DType()(msnn.Tensor(np.ones((2, 2)), msnn.float32)) is msnn.float32
        True
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        _tensor(x, "input_x", "DType")
        return _dtype_of(x)


@ms_api(_P + "SameTypeShape", torch="(dtype and shape comparison)")
class SameTypeShape(PrimitiveWithInfer):
    """Returns ``input_x`` when ``input_y`` has its dtype (else TypeError) and shape (else ValueError).

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.ones((2, 2)), msnn.float32)
        >>> P.SameTypeShape()(x, x.clone()) is x
        True
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x, y):
        _tensor(x, "input_x", "SameTypeShape")
        _tensor(y, "input_y", "SameTypeShape")
        if _dtype_of(x) != _dtype_of(y):
            V.fail("SameTypeShape", "input_y", f"of dtype {_name(_dtype_of(x))} like input_x",
                   V._Raw(_name(_dtype_of(y))), TypeError)  # pylint: disable=protected-access
        if x.shape != y.shape:
            V.fail("SameTypeShape", "input_y", f"of shape {tuple(x.shape)} like input_x",
                   V._Raw(str(tuple(y.shape))))  # pylint: disable=protected-access
        return x


@ms_api(_P + "Cast", torch="torch.Tensor.to(dtype)")
class Cast(PrimitiveWithInfer):
    """Returns ``input_x`` converted to the dtype ``type``.

    Inputs:
        - **input_x** (Union[Tensor, Number]) - A tensor or a Python number (which becomes a tensor).
        - **type** (msnn.dtype) - The target dtype.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.Cast()(msnn.Tensor(np.array([1.7, -2.5]), msnn.float32), msnn.int32).tolist()
        [1, -2]

    Note:
        The gradient is the output gradient cast back to the input's dtype (0.1's bprop), which is
        what torch autograd computes for a floating input.
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'dst_type'], outputs=['output'])

    def __call__(self, x, t):
        if not (isinstance(t, torch.dtype) and t in mstype._NP):  # pylint: disable=protected-access
            V.fail("Cast", "type", "an msnn number dtype or bool_", t, TypeError)
        if isinstance(x, _Tensor):
            return x.to(t)
        if isinstance(x, (numbers.Number, np.generic)):
            return _const(np.array(x).astype(mstype.dtype_to_nptype(t)))
        return V.fail("Cast", "input_x", "a Tensor or a number", V._Raw(type(x).__name__),  # pylint: disable=protected-access
                      TypeError)

    def infer_shape(self, x_shape, t):  # pylint: disable=unused-argument
        """The output shape: the input's."""
        return x_shape

    def infer_dtype(self, x_dtype, t):  # pylint: disable=unused-argument
        """The output dtype: ``t``."""
        return t


def _is_dtype_spec(value):
    return isinstance(value, torch.dtype) or (
        isinstance(value, tuple) and value and all(isinstance(v, torch.dtype) for v in value))


def _issubclass(sub, target):
    if isinstance(target, tuple):
        return sub in target if isinstance(sub, torch.dtype) else set(sub) <= set(target)
    return sub is target


@ms_api(_P + "IsSubClass", torch="(dtype comparison)",
        deviations=("msnn dtypes are torch dtypes with no abstract hierarchy: a dtype is a "
                    "subclass of itself and of the dtype families msnn.common.dtype defines "
                    "(int_type, float_type, number_type tuples).",))
class IsSubClass(PrimitiveWithInfer):
    """Whether the dtype ``sub_type`` is (a member of) the dtype or dtype family ``type_``.

    Examples:
        >>> import msnn
        >>> from msnn.common import dtype as mstype
        >>> from msnn.ops import operations as P
        >>> P.IsSubClass()(mstype.int32, mstype.intc), P.IsSubClass()(mstype.int32, mstype.float32)
        (True, False)
        >>> P.IsSubClass()(msnn.float16, mstype.float_type)
        True

    Note:
        msnn dtypes are torch dtypes without 0.1's abstract type hierarchy: a dtype
        family is one of the tuples of ``msnn.common.dtype`` (``int_type``,
        ``float_type``, ``number_type``).
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, sub_type, type_):
        if not _is_dtype_spec(sub_type):
            V.fail("IsSubClass", "sub_type", "an msnn dtype", sub_type, ValueError)
        if not _is_dtype_spec(type_):
            V.fail("IsSubClass", "type_", "an msnn dtype", type_, ValueError)
        return _issubclass(sub_type, type_)


@ms_api(_P + "IsInstance", torch="(dtype comparison)",
        deviations=("A Python int is int64 and a float float64 (numpy's inference, as msnn.Tensor "
                    "does); 0.1's graph typed them Int32/Float32.",))
class IsInstance(PrimitiveWithInfer):
    """Whether the dtype of ``inst`` (a tensor's dtype, or a Python/numpy scalar's) is ``type_``.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.IsInstance()(msnn.Tensor(np.ones(2), msnn.int32), msnn.int32)
        True
        >>> P.IsInstance()(1.5, msnn.float64)
        True

    Note:
        A Python int is int64 and a float float64 (numpy's inference, as ``msnn.Tensor``
        uses); 0.1's graph typed them Int32/Float32.
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, inst, type_):
        if inst is None:
            V.fail("IsInstance", "inst", "a const input", inst, ValueError)
        if not _is_dtype_spec(type_):
            V.fail("IsInstance", "type_", "an msnn dtype", type_, ValueError)
        dtype = _dtype_of(inst) if isinstance(inst, _Tensor) else mstype.get_py_obj_dtype(inst)
        return _issubclass(dtype, type_)


def _reshape_target(cls, shape, numel):
    """0.1's Reshape checks: a tuple of ints, at most one -1, product > 0 dividing the size."""
    if not isinstance(shape, tuple):
        V.fail(cls, "input_shape", "a tuple of ints", shape)
    out = list(shape)
    neg, prod = -1, 1
    for i, s in enumerate(shape):
        if not isinstance(s, int) or isinstance(s, bool):
            V.fail(cls, f"input_shape[{i}]", "an int", s)
        if s == -1:
            if neg != -1:
                V.fail(cls, "input_shape", "a tuple with at most one -1", shape)
            neg = i
        else:
            prod *= s
    if prod <= 0 or numel % prod != 0:
        V.fail(cls, "input_shape", f"a shape whose product is > 0 and divides the input size {numel}",
               shape)
    if neg != -1:
        out[neg] = numel // prod
        prod *= out[neg]
    if prod != numel:
        V.fail(cls, "input_shape", f"a shape of {numel} elements (the input's)", shape)
    return tuple(out)


@ms_api(_P + "Reshape", torch="torch.reshape")
class Reshape(PrimitiveWithInfer):
    """Returns ``input_x`` with the shape ``input_shape`` (one entry may be -1).

    Raises:
        ValueError: ``input_shape`` is not a tuple of ints, has two -1, or does not match the size.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]]), msnn.float32)
        >>> P.Reshape()(x, (3, 2)).shape, P.Reshape()(x, (-1,)).shape
        (torch.Size([3, 2]), torch.Size([6]))
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['tensor', 'shape'], outputs=['output'])
        self._cache = {}

    def __call__(self, x, shape):
        if not isinstance(x, _Tensor):
            V.check_tensor(x, "input_x", "Reshape")
        numel = x.numel()
        try:
            hit = self._cache.get(shape)
        except TypeError:  # unhashable (a list)
            hit = None
        if hit is None or hit[0] != numel:
            hit = (numel, _reshape_target("Reshape", shape, numel))
            if len(self._cache) < 64:
                self._cache[shape] = hit
        return torch.reshape(x, hit[1])


@ms_api(_P + "Shape", torch="tensor.shape")
class Shape(Primitive):
    """Returns the shape of a tensor as a Python tuple of ints.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.Shape()(msnn.Tensor(np.ones([3, 2, 1]), msnn.float32))
        (3, 2, 1)
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        if not isinstance(x, _Tensor):
            V.check_tensor(x, "input_x", "Shape")
        return tuple(x.shape)


@ms_api(_P + "Squeeze", torch="torch.squeeze")
class Squeeze(PrimitiveWithInfer):
    """Removes dimensions of length 1: all of them, or those in ``axis``.

    Args:
        axis (Union[int, tuple[int]]): The dimensions to remove; each must have length 1.
            Default: () (every dimension of length 1).

    Raises:
        ValueError: ``axis`` is not an int or a tuple of ints, out of range, or names a dimension
            whose length is not 1.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.Squeeze(2)(msnn.Tensor(np.ones([3, 2, 1]), msnn.float32)).shape
        torch.Size([3, 2])
    """

    _one = None  # the axis when there is exactly one

    @prim_attr_register
    def __init__(self, axis=()):
        self.init_prim_io_names(inputs=['x'], outputs=['output'])
        if isinstance(axis, tuple):
            _int_tuple(axis, "axis", "Squeeze")
        else:
            _int(axis, "axis", "Squeeze")
            self.add_prim_attr("axis", (axis,))
        if len(self.axis) == 1:
            self._one = self.axis[0]

    def __call__(self, x):
        one = self._one
        if one is not None:  # one axis: torch.squeeze leaves a length > 1 dim as is, so check it
            try:
                if x.size(one) == 1:
                    return torch.squeeze(x, one)
            except Exception:  # pylint: disable=broad-except
                pass
        return self._checked(x)

    def _checked(self, x):
        axis = self.axis
        _tensor(x, "input_x", "Squeeze")
        if not axis:
            return torch.squeeze(x)
        shape = x.shape
        ndim = len(shape)
        for a in axis:
            if not -ndim <= a < ndim:
                V.fail("Squeeze", "axis", f"in [{-ndim}, {ndim - 1}]", a)
            if shape[a] != 1:
                V.fail("Squeeze", "axis", "a dimension of length 1",
                       V._Raw(f"{a} (length {shape[a]} in shape {tuple(shape)})"))  # pylint: disable=protected-access
        return torch.squeeze(x, axis)

    def infer_shape(self, x_shape):
        """The output shape for an input of ``x_shape``."""
        ndim = len(x_shape)
        if not self.axis:
            return [d for d in x_shape if d != 1]
        return [d for i, d in enumerate(x_shape) if not (i in self.axis or i - ndim in self.axis)]

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


def _check_perm(perm, ndim):
    if not isinstance(perm, tuple):
        V.fail("Transpose", "input_perm", "a tuple of ints", perm)
    if len(perm) != ndim:
        V.fail("Transpose", "input_perm", f"a permutation of length {ndim} (the input's rank)", perm)
    seen = set()
    for i, d in enumerate(perm):
        if not isinstance(d, int) or isinstance(d, bool) or not 0 <= d < ndim:
            V.fail("Transpose", f"input_perm[{i}]", f"an int in [0, {ndim})", d)
        if d in seen:
            V.fail("Transpose", "input_perm", "a permutation (no repeated axis)", perm)
        seen.add(d)


@ms_api(_P + "Transpose", torch="torch.permute")
class Transpose(PrimitiveWithInfer):
    """Permutes the dimensions of ``input_x`` by ``input_perm`` (non-negative axes, as in 0.1).

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.arange(1, 13).reshape(2, 2, 3), msnn.float32)
        >>> P.Transpose()(x, (0, 2, 1))[0].tolist()
        [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'perm'], outputs=['output'])
        self._ok = set()

    def __call__(self, x, perm):
        try:  # a permutation checked before for this rank: torch.permute alone
            if (perm, x.ndim) in self._ok:
                return torch.permute(x, perm)
        except Exception:  # pylint: disable=broad-except
            pass
        return self._checked(x, perm)

    def _checked(self, x, perm):
        if not isinstance(x, _Tensor):
            V.check_tensor(x, "input_x", "Transpose")
        _check_perm(perm, x.dim())
        self._ok.add((perm, x.dim()))
        return torch.permute(x, perm)


@ms_api(_P + "GatherV2", torch="torch.index_select")
class GatherV2(PrimitiveWithInfer):
    """Gathers slices of ``input_params`` along ``axis`` at ``input_indices``.

    The output shape is ``params.shape[:axis] + indices.shape + params.shape[axis + 1:]``.

    Raises:
        TypeError: An input is not a tensor, or ``axis`` is not an int.
        ValueError: ``input_indices`` is not an integer tensor, or ``axis`` is out of range.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> params = msnn.Tensor(np.array([[1, 2, 7, 42], [3, 4, 54, 22], [2, 2, 55, 3]]), msnn.float32)
        >>> P.GatherV2()(params, msnn.Tensor(np.array([1, 2]), msnn.int32), 1).tolist()
        [[2.0, 7.0], [4.0, 54.0], [2.0, 55.0]]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['params', 'indices', 'axis'], outputs=['output'])

    def __call__(self, params, indices, axis):
        if type(axis) is int:  # pylint: disable=unidiomatic-typecheck
            try:  # index_select checks the axis range and takes int32/int64 indices only
                if indices.dim() == 1:
                    return torch.index_select(params, axis, indices)
            except (AttributeError, TypeError, IndexError, RuntimeError):
                pass
        try:
            rank = params.dim()
            ok = indices.dtype in _INT_SET and type(axis) is int and -rank <= axis < rank  # pylint: disable=unidiomatic-typecheck
        except AttributeError:
            ok = False
        if not ok:
            self._check(params, indices, axis)
        if indices.dtype is not torch.int64 and indices.dtype is not torch.int32:
            indices = indices.long()  # index_select takes int32/int64 only
        if indices.dim() == 1:
            return torch.index_select(params, axis, indices)
        axis %= rank
        shape = params.shape
        out = torch.index_select(params, axis, indices.reshape(-1))
        return out.reshape(shape[:axis] + indices.shape + shape[axis + 1:])

    @staticmethod
    def _check(params, indices, axis):
        if not isinstance(params, _Tensor):
            V.check_tensor(params, "input_params", "GatherV2")
        if not isinstance(indices, _Tensor):
            V.check_tensor(indices, "input_indices", "GatherV2")
        _int_dtype(indices, "input_indices", "GatherV2")
        _int(axis, "axis", "GatherV2", TypeError)
        rank = params.dim()
        V.fail("GatherV2", "axis", f"an int in [{-rank}, {rank})", axis)


@ms_api(_P + "Split", torch="torch.split")
class Split(PrimitiveWithInfer):
    """Splits ``input_x`` into ``output_num`` equal tensors along ``axis``.

    Args:
        axis (int): The axis to split. Default: 0.
        output_num (int): The number of outputs (> 0, dividing the axis length). Default: 1.

    Outputs:
        tuple[Tensor].

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> a, b = P.Split(1, 2)(msnn.Tensor(np.array([[1, 1, 1, 1], [2, 2, 2, 2]])))
        >>> a.tolist(), b.tolist()
        ([[1, 1], [2, 2]], [[1, 1], [2, 2]])
    """

    @prim_attr_register
    def __init__(self, axis=0, output_num=1):
        _int(axis, "axis", "Split")
        _int(output_num, "output_num", "Split")

    def __call__(self, x):
        _tensor(x, "input_x", "Split")
        dim = x.dim()
        axis, num = self.axis, self.output_num
        if not -dim <= axis < dim:
            V.fail("Split", "axis", f"an int in [{-dim}, {dim})", axis)
        if num <= 0:
            V.fail("Split", "output_num", "an int > 0", num)
        length = x.shape[axis]
        if length % num:
            V.fail("Split", "output_num", f"a divisor of the length {length} of axis {axis}", num)
        return torch.split(x, length // num, axis)


@ms_api(_P + "Rank", torch="tensor.dim()")
class Rank(PrimitiveWithInfer):
    """Returns the rank (number of dimensions) of a tensor as a Python int.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.Rank()(msnn.Tensor(np.ones((2, 2)), msnn.float32))
        2

    Note:
        0.1 folded the rank to a constant (a Python int in the graph); msnn returns that int.
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        _tensor(x, "input_x", "Rank")
        return x.dim()


def _generator(seed, seed2=0):
    """A per-instance generator for a non-zero op seed (None: the global torch RNG)."""
    if seed == 0 and seed2 == 0:
        return None
    gen = torch.Generator(device=context.device())
    gen.manual_seed((seed * 1000003 + seed2) & 0x7FFFFFFFFFFFFFFF)
    return gen


@ms_api(_P + "TruncatedNormal", torch="torch.nn.init.trunc_normal_",
        deviations=("A non-zero seed seeds a torch.Generator owned by the primitive (a "
                    "reproducible sequence, not 0.1's device kernel stream); seed=0 uses torch's "
                    "global RNG (msnn seeds it from mindspore.common.set_seed/np seed calls).",))
class TruncatedNormal(PrimitiveWithInfer):
    """A tensor of the given shape drawn from N(0, 1) truncated to [-2, 2].

    Args:
        seed (int): Op seed (0: the global RNG). Default: 0.
        dtype (msnn.dtype): The output dtype (a number type). Default: msnn.float32.

    Inputs:
        - **shape** (Tensor) - 1-D int32/int64 tensor of positive sizes.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> out = P.TruncatedNormal()(msnn.Tensor(np.array([1, 2, 3])))
        >>> out.shape, out.dtype, bool((out.abs() <= 2).all())
        (torch.Size([1, 2, 3]), torch.float32, True)

    Note:
        A non-zero ``seed`` seeds a generator owned by the primitive (reproducible, but
        not 0.1's device stream); ``seed=0`` draws from torch's global RNG.
    """

    @prim_attr_register
    def __init__(self, seed=0, dtype=mstype.float32):
        _int(seed, "seed", "TruncatedNormal")
        if not any(dtype is t for t in mstype.number_type):
            V.fail("TruncatedNormal", "dtype", "an msnn number dtype", dtype, ValueError)
        self._gen = _generator(seed)

    def __call__(self, shape):
        _tensor(shape, "shape", "TruncatedNormal")
        if shape.dim() != 1:
            V.fail("TruncatedNormal", "shape", "a 1-D Tensor", V._Raw(f"rank {shape.dim()}"))  # pylint: disable=protected-access
        if _dtype_of(shape) not in (torch.int32, torch.int64):
            V.fail("TruncatedNormal", "shape", "an int32 or int64 Tensor",
                   V._Raw(_name(_dtype_of(shape))), TypeError)  # pylint: disable=protected-access
        dims = tuple(int(d) for d in shape.tolist())
        for i, d in enumerate(dims):
            if d <= 0:
                V.fail("TruncatedNormal", f"shape[{i}]", "an int > 0", d)
        out = torch.empty(dims, dtype=torch.float32, device=context.device())
        torch.nn.init.trunc_normal_(out, 0.0, 1.0, -2.0, 2.0, generator=self._gen)
        return out.to(self.dtype)


@ms_api(_P + "Size", torch="tensor.numel()",
        deviations=("A 0-d tensor has size 0, as 0.1's Size computed (its shape () gave 0).",))
class Size(PrimitiveWithInfer):
    """Returns the number of elements of a tensor as a Python int.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.Size()(msnn.Tensor(np.ones((2, 2)), msnn.float32))
        4

    Note:
        As in 0.1, a 0-d tensor (shape ``()``) has size 0.
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        _tensor(x, "input_x", "Size")
        return x.numel() if x.dim() else 0


_FILL_DTYPES = (mstype.bool_, mstype.int8, mstype.int32, mstype.int64, mstype.uint8,
                mstype.float16, mstype.float32, mstype.float64)


@ms_api(_P + "Fill", torch="torch.full")
class Fill(PrimitiveWithInfer):
    """A tensor of dtype ``type`` and shape ``shape`` filled with ``value``.

    Inputs:
        - **type** (msnn.dtype) - bool_, int8, int32, int64, uint8, float16, float32 or float64.
        - **shape** (tuple[int]) - Positive sizes.
        - **value** (Union[Number, bool]) - The fill value (converted as numpy's astype does).

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> P.Fill()(msnn.float32, (2, 2), 1).tolist()
        [[1.0, 1.0], [1.0, 1.0]]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, dtype, shape, value):
        for arg, v in (("type", dtype), ("shape", shape), ("value", value)):
            if v is None:
                V.fail("Fill", arg, "a const input", v)
        if not isinstance(shape, tuple):
            V.fail("Fill", "shape", "a tuple of ints", shape)
        if not isinstance(value, (numbers.Number, bool, np.generic)):
            V.fail("Fill", "value", "a number or bool", value)
        for i, item in enumerate(shape):
            if not isinstance(item, int) or isinstance(item, bool) or item <= 0:
                V.fail("Fill", f"shape[{i}]", "an int > 0", item)
        if not any(dtype is t for t in _FILL_DTYPES):
            V.fail("Fill", "type", "one of " + ", ".join(_name(t) for t in _FILL_DTYPES), dtype)
        return _const(np.full(shape, value, mstype.dtype_to_nptype(dtype)))


def _number_or_bool(x, cls):
    _tensor(x, "input_x", cls)
    if _dtype_of(x) not in _NUMBER_OR_BOOL:
        V.fail(cls, "input_x", "a Tensor of a number dtype or bool_",
               V._Raw(f"dtype {_name(_dtype_of(x))}"))  # pylint: disable=protected-access


@ms_api(_P + "OnesLike", torch="torch.ones_like")
class OnesLike(PrimitiveWithInfer):
    """A tensor of ones with the shape and dtype of ``input_x``.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.OnesLike()(msnn.Tensor(np.array([[0, 1], [2, 1]]).astype(np.int32))).tolist()
        [[1, 1], [1, 1]]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        _number_or_bool(x, "OnesLike")
        return torch.ones_like(x)

    def infer_shape(self, x_shape):
        """The output shape: the input's."""
        return x_shape

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


@ms_api(_P + "ZerosLike", torch="torch.zeros_like")
class ZerosLike(PrimitiveWithInfer):
    """A tensor of zeros with the shape and dtype of ``input_x``.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.ZerosLike()(msnn.Tensor(np.array([[0, 1], [2, 1]]).astype(np.int32))).tolist()
        [[0, 0], [0, 0]]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x'], outputs=['y'])

    def __call__(self, x):
        _number_or_bool(x, "ZerosLike")
        return torch.zeros_like(x)

    def infer_shape(self, x_shape):
        """The output shape: the input's."""
        return x_shape

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


@ms_api(_P + "TupleToArray", torch="torch.tensor")
class TupleToArray(PrimitiveWithInfer):
    """A 1-D tensor from a tuple of numbers of one type: int32 for ints, float32 otherwise.

    Examples:
        >>> from msnn.ops import operations as P
        >>> t = P.TupleToArray()((1, 2, 3))
        >>> t.tolist(), t.dtype
        ([1, 2, 3], torch.int32)
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        # happy path: a non-empty tuple of Python floats (or ints) straight into torch.tensor
        if type(x) is tuple and x:  # pylint: disable=unidiomatic-typecheck
            first = type(x[0])
            dt = _TUPLE_DTYPES.get(first)
            if dt is not None:
                for item in x:
                    if type(item) is not first:  # pylint: disable=unidiomatic-typecheck
                        break
                else:
                    dev = context.device()
                    return torch.tensor(x, dtype=dt) if dev.type == "cpu" else torch.tensor(x, dtype=dt, device=dev)
        return self._checked(x)

    @staticmethod
    def _checked(x):
        if not isinstance(x, tuple):
            V.fail("TupleToArray", "input_x", "a tuple of numbers", x)
        if not x:
            V.fail("TupleToArray", "input_x", "a non-empty tuple", x)
        for i, item in enumerate(x):
            if not isinstance(item, numbers.Number):
                V.fail("TupleToArray", f"input_x[{i}]", "a number", item)
        first = type(x[0])
        if not all(isinstance(item, first) for item in x):
            V.fail("TupleToArray", "input_x", "a tuple of numbers of one type", x, TypeError)
        return _const(np.array(x, np.int32 if isinstance(x[0], int) else np.float32))

    def infer_value(self, x):
        return self(x)


_TUPLE_DTYPES = {float: torch.float32, int: torch.int32}


@ms_api(_P + "ScalarToArray", torch="torch.tensor")
class ScalarToArray(PrimitiveWithInfer):
    """A 0-d tensor from a Python int (int32) or float (float32).

    Examples:
        >>> from msnn.ops import operations as P
        >>> t = P.ScalarToArray()(1.0)
        >>> t.item(), t.dtype, t.shape
        (1.0, torch.float32, torch.Size([]))
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        if x is None or isinstance(x, bool) or not isinstance(x, (int, float)):
            V.fail("ScalarToArray", "input_x", "an int or a float", x)
        return _const(np.array(x, np.int32 if isinstance(x, int) else np.float32))

    infer_value = __call__


@ms_api(_P + "ScalarToTensor", torch="torch.tensor")
class ScalarToTensor(PrimitiveWithInfer):
    """A 0-d tensor of dtype ``dtype`` from a Python int or float.

    Inputs:
        - **input_x** (Union[int, float]) - The scalar.
        - **dtype** (msnn.dtype) - A number dtype. Default: msnn.float32.

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> t = P.ScalarToTensor()(1, msnn.float32)
        >>> t.item(), t.dtype
        (1.0, torch.float32)
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x, dtype=mstype.float32):
        if x is None or isinstance(x, bool) or not isinstance(x, (int, float)):
            V.fail("ScalarToTensor", "input_x", "an int or a float", x)
        if not any(dtype is t for t in mstype.number_type):
            V.fail("ScalarToTensor", "dtype", "an msnn number dtype", dtype, TypeError)
        return _const(np.array(x, mstype.dtype_to_nptype(dtype)))

    infer_value = __call__


@ms_api(_P + "InvertPermutation", torch="(Python)")
class InvertPermutation(PrimitiveWithInfer):
    """The inverse of a permutation tuple: ``y[x[i]] = i``.

    Raises:
        ValueError: ``input_x`` is not a tuple of ints, or not a permutation of ``0..len-1``.

    Examples:
        >>> from msnn.ops import operations as P
        >>> P.InvertPermutation()((3, 4, 0, 2, 1))
        (2, 4, 3, 0, 1)
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        _int_tuple(x, "input_x", "InvertPermutation")
        if sorted(x) != list(range(len(x))):
            V.fail("InvertPermutation", "input_x", f"a permutation of 0..{len(x) - 1}", x)
        y = [0] * len(x)
        for i, v in enumerate(x):
            y[v] = i
        return tuple(y)

    infer_value = __call__


def _arg_axis(cls, axis, x):
    rank = x.dim()
    if not -rank <= axis < max(rank, 1):
        V.fail(cls, "axis", f"an int in [{-rank}, {rank})", axis)


@ms_api(_P + "Argmax", torch="torch.argmax")
class Argmax(PrimitiveWithInfer):
    """Indices of the maximum along ``axis``.

    Args:
        axis (int): The axis. Default: -1.
        output_type (msnn.dtype): int32 or int64 (recorded; the indices are int32 whatever it
            says, as 0.1's kernels wrote them). Default: msnn.int64.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.Argmax()(msnn.Tensor(np.array([2.0, 3.1, 1.2]))).item()
        1

    Note:
        As in 0.1, the indices are int32 whatever ``output_type`` says: 0.1's Python operator
        declared int64 by default, but its CPU, GPU and Ascend kernels all wrote int32 (the GPU
        kernel refused any other output type).
    """

    @prim_attr_register
    def __init__(self, axis=-1, output_type=mstype.int64):
        self.init_prim_io_names(inputs=['x'], outputs=['output'])
        _int(axis, "axis", "Argmax")
        if output_type is not mstype.int32 and output_type is not mstype.int64:
            V.fail("Argmax", "output_type", "one of Int32, Int64", output_type)

    def __call__(self, x):
        _tensor(x, "input_x", "Argmax")
        _arg_axis("Argmax", self.axis, x)
        return torch.argmax(x, self.axis).to(torch.int32)

    def infer_shape(self, x_shape):
        """The output shape: ``x_shape`` without ``axis``."""
        axis = self.axis % len(x_shape)
        return [d for i, d in enumerate(x_shape) if i != axis]

    def infer_dtype(self, x_dtype):  # pylint: disable=unused-argument
        """The output dtype: int32 (what 0.1's kernels produced)."""
        return mstype.int32


@ms_api(_P + "Argmin", torch="torch.argmin")
class Argmin(PrimitiveWithInfer):
    """Indices of the minimum along ``axis``.

    Args:
        axis (int): The axis. Default: -1.
        output_type (msnn.dtype): Recorded; the indices are int32, as 0.1's kernel wrote them.
            Default: msnn.int64.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.Argmin()(msnn.Tensor(np.array([2.0, 3.1, 1.2]))).item()
        2

    Note:
        As in 0.1, the indices are int32 whatever ``output_type`` says (0.1's kernel wrote int32).
    """

    @prim_attr_register
    def __init__(self, axis=-1, output_type=mstype.int64):
        self.init_prim_io_names(inputs=['x'], outputs=['output'])
        _int(axis, "axis", "Argmin")

    def __call__(self, x):
        _tensor(x, "input_x", "Argmin")
        _arg_axis("Argmin", self.axis, x)
        return torch.argmin(x, self.axis).to(torch.int32)

    infer_shape = Argmax.infer_shape
    infer_dtype = Argmax.infer_dtype


def _check_reduce_attrs(cls, axis, keep_dims):
    if not isinstance(keep_dims, bool):
        V.fail(cls, "keep_dims", "a bool", keep_dims)
    if isinstance(axis, tuple):
        _int_tuple(axis, "axis", cls)
    else:
        _int(axis, "axis", cls)


class _ArgWithValue(PrimitiveWithInfer):
    _fn = None

    @prim_attr_register
    def __init__(self, axis=0, keep_dims=False):
        _check_reduce_attrs(self.name, axis, keep_dims)

    def __call__(self, x):
        _tensor(x, "input_x", self.name)
        axis = self.axis
        if type(axis) is not int:  # pylint: disable=unidiomatic-typecheck
            V.fail(self.name, "axis", "an int", axis)
        _arg_axis(self.name, axis, x)
        values, index = type(self)._fn(x, axis, self.keep_dims)
        return index.to(torch.int32), values

    def infer_shape(self, x_shape):
        """The shapes of (index, values)."""
        axis = self.axis % len(x_shape)
        shape = [1 if i == axis else d for i, d in enumerate(x_shape)] if self.keep_dims else \
            [d for i, d in enumerate(x_shape) if i != axis]
        return shape, shape

    def infer_dtype(self, x_dtype):
        """The dtypes of (index, values): int32 and the input's."""
        return mstype.int32, x_dtype


@ms_api(_P + "ArgMaxWithValue", torch="torch.max(x, dim)")
class ArgMaxWithValue(_ArgWithValue):
    """The maximum along ``axis`` and its index: returns ``(index, values)``, index int32.

    Args:
        axis (int): The axis. Default: 0.
        keep_dims (bool): Keep the reduced axis with length 1. Default: False.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> index, value = P.ArgMaxWithValue()(msnn.Tensor(np.array([0.5, 0.9, 0.1]), msnn.float32))
        >>> index.item(), round(value.item(), 4), index.dtype
        (1, 0.9, torch.int32)
    """

    _fn = staticmethod(torch.max)


@ms_api(_P + "ArgMinWithValue", torch="torch.min(x, dim)")
class ArgMinWithValue(_ArgWithValue):
    """The minimum along ``axis`` and its index: returns ``(index, values)``, index int32.

    Args:
        axis (int): The axis. Default: 0.
        keep_dims (bool): Keep the reduced axis with length 1. Default: False.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> index, value = P.ArgMinWithValue()(msnn.Tensor(np.array([0.5, 0.9, 0.1]), msnn.float32))
        >>> index.item(), round(value.item(), 4)
        (2, 0.1)
    """

    _fn = staticmethod(torch.min)


@ms_api(_P + "Tile", torch="torch.Tensor.repeat",
        deviations=("Every dtype is accepted; 0.1 refused all but int16, int32, bool, float16 and "
                    "float32 (a kernel limitation).",))
class Tile(PrimitiveWithInfer):
    """Replicates ``input_x`` ``multiples`` times along each dimension.

    ``len(multiples)`` must be >= the input's rank; a shorter shape gets leading 1s.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.Tile()(msnn.Tensor(np.array([[1, 2]]), msnn.int32), (2, 2)).tolist()
        [[1, 2, 1, 2], [1, 2, 1, 2]]

    Note:
        Every dtype is accepted; 0.1 refused all but int16, int32, bool, float16 and
        float32 (a kernel limit).
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'multiples'], outputs=['output'])

    def __call__(self, x, multiples):
        if type(multiples) is tuple:  # pylint: disable=unidiomatic-typecheck
            try:  # torch refuses fewer multiples than dimensions and negative ones, as 0.1 did
                return x.repeat(multiples)
            except (AttributeError, TypeError, RuntimeError):
                pass
        _tensor(x, "input_x", "Tile")
        if not isinstance(multiples, tuple):
            V.fail("Tile", "multiples", "a tuple of ints", multiples)
        if len(multiples) < x.dim():
            V.fail("Tile", "multiples", f"a tuple of at least {x.dim()} ints (the input's rank)",
                   multiples)
        try:
            return x.repeat(multiples)
        except (TypeError, RuntimeError):
            _int_tuple(multiples, "multiples", "Tile")
            for i, m in enumerate(multiples):
                if m < 0:
                    V.fail("Tile", f"multiples[{i}]", "an int >= 0", m)
            raise


@ms_api(_P + "UnsortedSegmentSum", torch="torch.Tensor.index_add",
        deviations=("Has a gradient (the gather of the output gradient); 0.1 registered none.",
                    "Segment ids outside [0, num_segments) are ignored (0.1's GPU kernel; its "
                    "doc says negative ids are ignored).",))
class UnsortedSegmentSum(PrimitiveWithInfer):
    """Sums the slices of ``input_x`` whose ``segment_ids`` are equal.

    ``output[i] = sum(input_x[j...] for j where segment_ids[j] == i)``; the output shape is
    ``(num_segments,) + input_x.shape[segment_ids.ndim:]``.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([1, 2, 3, 4]), msnn.float32)
        >>> ids = msnn.Tensor(np.array([0, 0, 1, 2]), msnn.int32)
        >>> P.UnsortedSegmentSum()(x, ids, 4).tolist()
        [3.0, 3.0, 4.0, 0.0]

    Note:
        msnn differentiates it (the gradient gathers the output gradient); 0.1
        registered no bprop. Ids outside ``[0, num_segments)`` are ignored.
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'segment_ids', 'num_segments'], outputs=['y'])

    def __call__(self, x, segment_ids, num_segments):
        cls = "UnsortedSegmentSum"
        _tensor(x, "input_x", cls)
        if x.dim() == 0:
            V.fail(cls, "input_x", "a Tensor of rank > 0", V._Raw("rank 0"))  # pylint: disable=protected-access
        _tensor(segment_ids, "segment_ids", cls)
        n = segment_ids.dim()
        if n == 0 or n > x.dim() or tuple(segment_ids.shape) != tuple(x.shape[:n]):
            V.fail(cls, "segment_ids", f"a Tensor whose shape is a leading part of {tuple(x.shape)}",
                   V._Raw(f"shape {tuple(segment_ids.shape)}"))  # pylint: disable=protected-access
        _int(num_segments, "num_segments", cls)
        if num_segments <= 0:
            V.fail(cls, "num_segments", "an int > 0", num_segments)
        ids = segment_ids.reshape(-1).long()
        data = x.reshape((-1,) + tuple(x.shape[n:]))
        keep = (ids >= 0) & (ids < num_segments)
        if not bool(keep.all()):
            ids, data = ids[keep], data[keep]
        out = torch.zeros((num_segments,) + tuple(x.shape[n:]), dtype=_dtype_of(x), device=x.device)
        return out.index_add(0, ids, data)


def _concat_offset(cls, xs, axis):
    """0.1's concat checks; returns (axis, offsets, total)."""
    if not isinstance(xs, (tuple, list)) or not xs:
        V.fail(cls, "input_x", "a non-empty tuple or list of Tensors", xs)
    for i, x in enumerate(xs):
        _tensor(x, f"input_x[{i}]", cls)
    base = xs[0]
    rank = base.dim()
    if rank == 0:
        V.fail(cls, "input_x[0]", "a Tensor of rank > 0", V._Raw("rank 0"))  # pylint: disable=protected-access
    if not -rank <= axis < rank:
        V.fail(cls, "axis", f"an int in [{-rank}, {rank})", axis)
    axis %= rank
    offsets, total = [0], base.shape[axis]
    for i in range(1, len(xs)):
        x = xs[i]
        if _dtype_of(x) != _dtype_of(base):
            V.fail(cls, f"input_x[{i}]", f"of dtype {_name(_dtype_of(base))} like input_x[0]",
                   V._Raw(_name(_dtype_of(x))))  # pylint: disable=protected-access
        if x.dim() != rank or any(x.shape[j] != base.shape[j] for j in range(rank) if j != axis):
            V.fail(cls, f"input_x[{i}]", f"of shape {tuple(base.shape)} except along axis {axis}",
                   V._Raw(str(tuple(x.shape))))  # pylint: disable=protected-access
        offsets.append(total)
        total += x.shape[axis]
    return axis, offsets, total


@ms_api(_P + "Concat", torch="torch.cat")
class Concat(PrimitiveWithInfer):
    """Concatenates a tuple/list of tensors of one dtype along ``axis``.

    Args:
        axis (int): The axis. Default: 0.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> d = msnn.Tensor(np.array([[0, 1], [2, 1]]).astype(np.int32))
        >>> P.Concat()((d, d)).tolist()
        [[0, 1], [2, 1], [0, 1], [2, 1]]
    """

    @prim_attr_register
    def __init__(self, axis=0):
        _int(axis, "axis", "Concat")

    def __call__(self, input_x):
        try:
            out = torch.cat(input_x, self.axis)
            dt = out.dtype
            if len(input_x) == 2:  # torch.cat promotes dtypes: 0.1 wanted them equal
                if input_x[0].dtype is dt and input_x[1].dtype is dt:
                    return out
            else:
                for t in input_x:
                    if t.dtype is not dt:
                        break
                else:
                    return out
        except Exception:  # pylint: disable=broad-except
            pass
        _concat_offset("Concat", input_x, self.axis)
        return torch.cat(tuple(input_x), self.axis)


@ms_api(_P + "Slice", torch="tensor[begin:begin+size]",
        deviations=("A size of -1 takes the rest of the dimension (TensorFlow's Slice); 0.1's "
                    "shape inference did not handle it.",))
class Slice(PrimitiveWithInfer):
    """The slice of ``x`` starting at ``begin`` with lengths ``size`` (one entry per dimension).

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.arange(18).reshape(3, 2, 3).astype(np.int32))
        >>> P.Slice()(x, (1, 0, 0), (1, 1, 3)).tolist()
        [[[6, 7, 8]]]

    Note:
        A ``size`` entry of -1 takes the rest of that dimension (TensorFlow's Slice),
        which 0.1's shape inference did not handle.
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['x', 'begin', 'size'], outputs=['output'])
        self._cache = {}

    def _index(self, x, begin, size):
        shape = tuple(x.shape)
        n = len(shape)
        for key, value in (("begin", begin), ("size", size)):
            if value is None:
                V.fail("Slice", key, "a const input", value)
            _int_tuple(tuple(value) if isinstance(value, list) else value, key, "Slice")
            if len(value) != n:
                V.fail("Slice", key, f"a tuple of {n} ints (the input's rank)", value)
        index = []
        for i in range(n):
            b, s = begin[i], size[i]
            if s == -1:
                s = shape[i] - b
            if b < 0 or s < 0 or b + s > shape[i]:
                V.fail("Slice", "size", f"a slice inside the input shape {shape}",
                       V._Raw(f"begin {tuple(begin)}, size {tuple(size)}"))  # pylint: disable=protected-access
            index.append(slice(b, b + s))
        return tuple(index)

    def __call__(self, x, begin, size):
        try:
            hit = self._cache.get((begin, size))
        except TypeError:
            hit = None
        if hit is not None and hit[0] == x.shape:
            return x[hit[1]]
        if not isinstance(x, _Tensor):
            V.check_tensor(x, "x", "Slice")
        index = self._index(x, begin, size)
        try:
            if len(self._cache) < 64:
                self._cache[(begin, size)] = (x.shape, index)
        except TypeError:
            pass
        return x[index]


@ms_api(_P + "ConcatOffset", torch="(Python)")
class ConcatOffset(PrimitiveWithInfer):
    """The offset of each input of a Concat along ``axis`` (used by Concat's gradient).

    Args:
        N (int): The number of inputs. Default: 2.
        axis (int): The concat axis. Default: 0.

    Outputs:
        tuple[tuple[int]]: one offset tuple per input (zero except along ``axis``).

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> a, b = msnn.Tensor(np.ones((2, 3))), msnn.Tensor(np.ones((4, 3)))
        >>> P.ConcatOffset(2, 0)((a, b))
        ((0, 0), (2, 0))
    """

    @prim_attr_register
    def __init__(self, N=2, axis=0):  # pylint: disable=invalid-name
        pass

    def __call__(self, input_x):
        axis, offsets, _ = _concat_offset("ConcatOffset", input_x, self.axis)
        rank = input_x[0].dim()
        return tuple(tuple(off if j == axis else 0 for j in range(rank)) for off in offsets)


@ms_api(_P + "Select", torch="torch.where")
class Select(PrimitiveWithInfer):
    """Elementwise ``input_y`` where ``input_x`` (bool) is True, else ``input_z``.

    The three inputs must have the same shape (0.1 did not broadcast); ``input_y`` and ``input_z``
    the same dtype.

    Raises:
        ValueError: Shapes differ, or the condition is not a bool tensor.
        TypeError: An input is not a tensor, or ``input_y``/``input_z`` dtypes differ.

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> cond = msnn.Tensor([True, False])
        >>> P.Select()(cond, msnn.Tensor([2, 3], msnn.float32), msnn.Tensor([1, 2], msnn.float32)).tolist()
        [2.0, 2.0]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, cond, x, y):
        try:  # torch.where refuses a non-bool condition itself
            if x.dtype is y.dtype and cond.shape == x.shape == y.shape:
                return torch.where(cond, x, y)
        except (AttributeError, RuntimeError):
            pass
        for arg, v in (("input_x", cond), ("input_y", x), ("input_z", y)):
            V.check_tensor(v, arg, "Select")
        if cond.shape != x.shape or x.shape != y.shape:
            V.fail("Select", "input_x, input_y and input_z", "of the same shape",
                   V._Raw(f"{tuple(cond.shape)}, {tuple(x.shape)}, {tuple(y.shape)}"))  # pylint: disable=protected-access
        if _dtype_of(cond) is not torch.bool:
            V.fail("Select", "input_x", "a bool Tensor", V._Raw(f"dtype {_name(_dtype_of(cond))}"))  # pylint: disable=protected-access
        if _dtype_of(x) != _dtype_of(y):
            V.fail("Select", "input_z", f"of dtype {_name(_dtype_of(x))} like input_y",
                   V._Raw(_name(_dtype_of(y))), TypeError)  # pylint: disable=protected-access
        return torch.where(cond, x, y)  # anything else (devices) is torch's error

    def infer_shape(self, cond_shape, x_shape, y_shape):
        """The output shape (all three must be equal)."""
        if cond_shape != x_shape or x_shape != y_shape:
            V.fail("Select", "shapes", "equal", (cond_shape, x_shape, y_shape))
        return x_shape

    def infer_dtype(self, cond_type, x_type, y_type):  # pylint: disable=unused-argument
        """The output dtype: ``input_y``'s."""
        return x_type


def _bits(mask):
    return [i for i in range(max(mask.bit_length(), 0)) if mask >> i & 1]


def _strided_slice_plan(shape, begin, end, strides, masks):
    """TensorFlow strided-slice semantics -> (dims to flip, index tuple for torch)."""
    begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_mask = masks
    cls = "StridedSlice"
    for key, value in (("begin", begin), ("end", end), ("strides", strides)):
        if value is None:
            V.fail(cls, key, "a const input", value)
        _int_tuple(value, key, cls)
    if not len(begin) == len(end) == len(strides):
        V.fail(cls, "begin, end and strides", "tuples of the same length",
               V._Raw(f"{begin}, {end}, {strides}"))  # pylint: disable=protected-access
    m = len(begin)
    ellipsis = [i for i in _bits(ellipsis_mask) if i < m]
    if len(ellipsis) > 1:
        V.fail(cls, "ellipsis_mask", "a mask with at most one bit set", ellipsis_mask)
    spec = []  # (kind, i)
    for i in range(m):
        if ellipsis_mask >> i & 1:
            spec.append(("...", i))
        elif new_axis_mask >> i & 1:
            spec.append(("new", i))
        elif shrink_mask >> i & 1:
            spec.append(("int", i))
        else:
            spec.append(("slice", i))
    if not ellipsis:
        spec.append(("...", -1))
    consumed = sum(1 for kind, _ in spec if kind in ("int", "slice"))
    ndim = len(shape)
    if consumed > ndim:
        V.fail(cls, "begin", f"a tuple indexing at most {ndim} dimensions (the input's rank)", begin)
    index, flips, dim = [], [], 0
    for kind, i in spec:
        if kind == "...":
            n = ndim - consumed
            index.extend([slice(None)] * n)
            dim += n
        elif kind == "new":
            index.append(None)
        elif kind == "int":
            b = begin[i]
            if not -shape[dim] <= b < shape[dim]:
                V.fail(cls, f"begin[{i}]", f"an index in [{-shape[dim]}, {shape[dim]}) "
                       f"(shrink_axis_mask)", b)
            index.append(b % shape[dim])
            dim += 1
        else:
            s = strides[i]
            if s == 0:
                V.fail(cls, f"strides[{i}]", "non-zero", s)
            b = None if begin_mask >> i & 1 else begin[i]
            e = None if end_mask >> i & 1 else end[i]
            start, stop, step = slice(b, e, s).indices(shape[dim])
            if step < 0:
                last = shape[dim] - 1
                flips.append(dim)
                start, stop, step = last - start, last - stop, -step
            index.append(slice(start, stop, step))
            dim += 1
    while index and index[-1] == slice(None):
        index.pop()
    return tuple(flips), tuple(index)


@ms_api(_P + "StridedSlice", torch="tensor[...] indexing (+ torch.flip for negative strides)",
        deviations=("Masks follow TensorFlow's strided_slice bit by bit (as 0.1's kernels did); "
                    "0.1's Python shape inference applied a non-zero begin/end mask to every "
                    "dimension and refused some valid slices (e.g. begin > end with negative "
                    "indices), which msnn does not reproduce.",))
class StridedSlice(PrimitiveWithInfer):
    """Extracts a strided slice (TensorFlow semantics, all five masks).

    Args:
        begin_mask (int): Bit i set: ignore ``begin[i]`` (slice from the start). Default: 0.
        end_mask (int): Bit i set: ignore ``end[i]`` (slice to the end). Default: 0.
        ellipsis_mask (int): Bit i set: position i is an ellipsis. Default: 0.
        new_axis_mask (int): Bit i set: insert a dimension of length 1. Default: 0.
        shrink_axis_mask (int): Bit i set: take index ``begin[i]`` and drop the dimension. Default: 0.

    Inputs:
        - **input_x** (Tensor) - The input.
        - **begin**, **end**, **strides** (tuple[int]) - Same length; a stride may be negative, not 0.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]], [[5, 5, 5], [6, 6, 6]]])
        >>> out = P.StridedSlice()(x, (1, 0, 0), (2, 1, 3), (1, 1, 1))
        >>> out.shape, out.tolist()
        (torch.Size([1, 1, 3]), [[[3, 3, 3]]])

    Note:
        Masks follow TensorFlow's strided_slice bit by bit, as 0.1's kernels did. 0.1's
        Python shape inference applied a non-zero begin/end mask to every dimension and
        refused some valid slices; msnn does not reproduce those inference bugs.
    """

    @prim_attr_register
    def __init__(self, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                 shrink_axis_mask=0):
        self.init_prim_io_names(inputs=['x', 'begin', 'end', 'strides'], outputs=['output'])
        for arg, v in (("begin_mask", begin_mask), ("end_mask", end_mask),
                       ("ellipsis_mask", ellipsis_mask), ("new_axis_mask", new_axis_mask),
                       ("shrink_axis_mask", shrink_axis_mask)):
            _int(v, arg, "StridedSlice")
        self._masks = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
        self._cache = {}
        self._last = (None, None, None, None, None)  # the last call's (begin, end, strides, shape, plan)

    def __call__(self, x, begin, end, strides):
        last = self._last
        if begin is last[0] and end is last[1] and strides is last[2] and x.shape == last[3]:
            flips, index = last[4]
            return (torch.flip(x, flips) if flips else x)[index]
        if not isinstance(x, _Tensor):
            V.check_tensor(x, "input_x", "StridedSlice")
        try:
            key = (begin, end, strides, x.shape)
            plan = self._cache.get(key)
        except TypeError:
            key, plan = None, None
        if plan is None:
            plan = _strided_slice_plan(tuple(x.shape), begin, end, strides, self._masks)
            if key is not None and len(self._cache) < 128:
                self._cache[key] = plan
        self._last = (begin, end, strides, x.shape, plan)
        flips, index = plan
        if flips:
            x = torch.flip(x, flips)
        return x[index]


@ms_api(_P + "Diag", torch="torch.diag")
class Diag(PrimitiveWithInfer):
    """A tensor of shape ``x.shape + x.shape`` with ``x`` on its diagonal, zero elsewhere.

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> P.Diag()(msnn.Tensor([1, 2, 3, 4])).tolist()
        [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 4]]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        _tensor(x, "input_x", "Diag")
        if x.dim() < 1:
            V.fail("Diag", "input_x", "a Tensor of rank >= 1", V._Raw("rank 0"))  # pylint: disable=protected-access
        if x.dim() == 1:
            return torch.diag(x)
        return torch.diag(x.reshape(-1)).reshape(tuple(x.shape) * 2)

    def infer_shape(self, x_shape):
        """The output shape: ``x_shape + x_shape``."""
        return list(x_shape) + list(x_shape)

    def infer_dtype(self, x_type):
        """The output dtype: the input's."""
        return x_type


@ms_api(_P + "DiagPart", torch="torch.diagonal")
class DiagPart(PrimitiveWithInfer):
    """The diagonal of a tensor of shape ``s + s``: ``out[i...] = x[i..., i...]``.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.DiagPart()(msnn.Tensor(np.diag([1, 2, 3, 4]))).tolist()
        [1, 2, 3, 4]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x):
        _tensor(x, "input_x", "DiagPart")
        rank = x.dim()
        shape = tuple(x.shape)
        if rank == 0 or rank % 2:
            V.fail("DiagPart", "input_x", "a Tensor of non-zero even rank", V._Raw(f"shape {shape}"))  # pylint: disable=protected-access
        half = shape[:rank // 2]
        if shape[rank // 2:] != half:
            V.fail("DiagPart", "input_x", "a Tensor of shape s + s", V._Raw(f"shape {shape}"))  # pylint: disable=protected-access
        n = x.numel() and int(np.prod(half))
        return torch.diagonal(x.reshape(n, n)).reshape(half)

    def infer_shape(self, x_shape):
        """The output shape: the first half of ``x_shape``."""
        return list(x_shape[:len(x_shape) // 2])

    def infer_dtype(self, x_type):
        """The output dtype: the input's."""
        return x_type


@ms_api(_P + "Eye", torch="torch.eye")
class Eye(PrimitiveWithInfer):
    """An ``n`` x ``m`` tensor of dtype ``t`` with ones on the diagonal.

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> P.Eye()(2, 2, msnn.int32).tolist()
        [[1, 0], [0, 1]]
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, n, m, t):
        for arg, v in (("n", n), ("m", m)):
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                V.fail("Eye", arg, "an int > 0", v)
        if not any(t is d for d in _NUMBER_OR_BOOL):
            V.fail("Eye", "t", "an msnn number dtype or bool_", t, TypeError)
        return torch.eye(n, m, dtype=t, device=context.device())

    infer_value = __call__


def _nd_index(indices):
    k = indices.shape[-1]
    flat = indices.reshape(-1, k)
    if _dtype_of(flat) not in (torch.int64, torch.int32):
        flat = flat.long()
    return tuple(flat.unbind(1))


@ms_api(_P + "ScatterNd", torch="torch.Tensor.index_put(accumulate=True)",
        deviations=("Duplicate indices add up (TensorFlow's scatter_nd).",))
class ScatterNd(PrimitiveWithInfer):
    """A zero tensor of shape ``shape`` with ``update`` scattered at ``indices``.

    Inputs:
        - **indices** (Tensor) - Integer tensor, last dimension K indexes the first K dims of ``shape``.
        - **update** (Tensor) - Shape ``indices.shape[:-1] + shape[K:]``.
        - **shape** (tuple[int]) - Positive sizes.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> upd = msnn.Tensor(np.array([3.2, 1.1]), msnn.float32)
        >>> idx = msnn.Tensor(np.array([[0, 1], [1, 1]]), msnn.int32)
        >>> np.round(P.ScatterNd()(idx, upd, (3, 3)).double().numpy(), 4).tolist()
        [[0.0, 3.2, 0.0], [0.0, 1.1, 0.0], [0.0, 0.0, 0.0]]

    Note:
        Duplicate indices add up (TensorFlow's scatter_nd).
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['indices', 'update', 'shape'], outputs=['output'])

    def __call__(self, indices, update, shape):
        cls = "ScatterNd"
        _tensor(indices, "indices", cls)
        _tensor(update, "update", cls)
        _int_dtype(indices, "indices", cls)
        if not isinstance(shape, tuple):
            V.fail(cls, "shape", "a tuple of ints", shape)
        for i, s in enumerate(shape):
            if not isinstance(s, int) or isinstance(s, bool) or s <= 0:
                V.fail(cls, f"shape[{i}]", "an int > 0", s)
        if indices.dim() == 0 or update.dim() == 0 or indices.shape[0] != update.shape[0]:
            V.fail(cls, "update", f"a Tensor whose first dimension equals indices' ({tuple(indices.shape)})",
                   V._Raw(f"shape {tuple(update.shape)}"))  # pylint: disable=protected-access
        k = indices.shape[-1]
        want = tuple(indices.shape[:-1]) + tuple(shape[k:])
        if k > len(shape) or tuple(update.shape) != want:
            V.fail(cls, "update", f"a Tensor of shape {want}", V._Raw(f"shape {tuple(update.shape)}"))  # pylint: disable=protected-access
        out = torch.zeros(shape, dtype=_dtype_of(update), device=update.device)
        return out.index_put(_nd_index(indices), update.reshape((-1,) + tuple(shape[k:])),
                             accumulate=True)


def _nearest_index(n_in, n_out, align_corners, device):
    dst = torch.arange(n_out, dtype=torch.float64)
    if align_corners and n_out > 1:
        src = torch.floor(dst * ((n_in - 1) / (n_out - 1)) + 0.5)
    else:
        src = torch.floor(dst * (n_in / n_out))
    return src.clamp_(max=n_in - 1).long().to(device)


@ms_api(_P + "ResizeNearestNeighbor", torch="advanced indexing (nearest source pixel)")
class ResizeNearestNeighbor(PrimitiveWithInfer):
    """Resizes the last two dimensions of ``input_x`` to ``size`` by nearest neighbour.

    The source pixel of output pixel ``d`` is ``floor(d * in / out)``, or with ``align_corners``
    ``round(d * (in - 1) / (out - 1))`` (TensorFlow's legacy rules, which 0.1's kernels used).

    Args:
        size (Union[tuple, list]): The output (height, width).
        align_corners (bool): Align the corner pixels. Default: False.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]]), msnn.float32)
        >>> np.round(P.ResizeNearestNeighbor((2, 2))(x).double().numpy(), 4).tolist()
        [[-0.1, 0.3], [0.4, 0.5]]
    """

    @prim_attr_register
    def __init__(self, size, align_corners=False):
        self.init_prim_io_names(inputs=['image_in'], outputs=['image_out'])
        if not isinstance(size, (tuple, list)) or len(size) != 2 or not all(
                isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size):
            V.fail("ResizeNearestNeighbor", "size", "a tuple or list of 2 positive ints", size)
        V.check_bool(align_corners, "align_corners", "ResizeNearestNeighbor")
        self._size = tuple(size)
        self._cache = {}

    def __call__(self, x):
        _tensor(x, "input_x", "ResizeNearestNeighbor")
        if x.dim() < 2:
            V.fail("ResizeNearestNeighbor", "input_x", "a Tensor of rank >= 2",
                   V._Raw(f"shape {tuple(x.shape)}"))  # pylint: disable=protected-access
        key = (x.shape[-2], x.shape[-1], x.device)
        idx = self._cache.get(key)
        if idx is None:
            if len(self._cache) > 32:
                self._cache.clear()
            h, w = self._size
            idx = (_nearest_index(key[0], h, self.align_corners, x.device)[:, None],
                   _nearest_index(key[1], w, self.align_corners, x.device))
            self._cache[key] = idx
        return x[..., idx[0], idx[1]]

    def infer_shape(self, x):
        """The output shape: ``x[:-2] + size``."""
        return tuple(x)[:-2] + self._size

    def infer_dtype(self, x):
        """The output dtype: the input's."""
        return x


@ms_api(_P + "GatherNd", torch="advanced indexing")
class GatherNd(PrimitiveWithInfer):
    """Gathers slices of ``input_x`` at ``indices`` (last dimension K indexes the first K dims).

    The output shape is ``indices.shape[:-1] + input_x.shape[K:]``.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]]), msnn.float32)
        >>> idx = msnn.Tensor(np.array([[0, 0], [1, 1]]), msnn.int32)
        >>> np.round(P.GatherNd()(x, idx).double().numpy(), 4).tolist()
        [-0.1, 0.5]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['input_x', 'indices'], outputs=['y'])

    def __call__(self, x, indices):
        _tensor(x, "input_x", "GatherNd")
        _tensor(indices, "indices", "GatherNd")
        _int_dtype(indices, "indices", "GatherNd")
        if indices.dim() == 0 or indices.shape[-1] > x.dim():
            V.fail("GatherNd", "indices", f"a Tensor whose last dimension is <= {x.dim()} (the input's rank)",
                   V._Raw(f"shape {tuple(indices.shape)}"))  # pylint: disable=protected-access
        k = indices.shape[-1]
        out = x[_nd_index(indices)]
        return out.reshape(tuple(indices.shape[:-1]) + tuple(x.shape[k:]))

    def infer_shape(self, x_shape, indices_shape):
        """The output shape."""
        return list(indices_shape[:-1]) + list(x_shape[indices_shape[-1]:])

    def infer_dtype(self, x_dtype, indices_dtype):  # pylint: disable=unused-argument
        """The output dtype: the input's."""
        return x_dtype


class _ScatterNdUpdateGrad(torch.autograd.Function):
    """0.1's bprop: d(input_x) = dout (not zeroed where updated), d(update) = GatherNd(dout)."""

    @staticmethod
    def forward(ctx, x, index, update):  # pylint: disable=arguments-differ
        ctx.index = index
        out = torch.clone(x.detach())
        out[index] = update
        return out

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        return dout, None, dout[ctx.index]


@ms_api(_P + "ScatterNdUpdate", torch="tensor[index] = update (in place)",
        unsupported={"use_locking": "msnn runs eagerly in one thread: there is no concurrent "
                                    "update to lock against"},
        deviations=("The gradient follows 0.1's bprop: input_x gets the whole output gradient "
                    "(not zeroed at the updated positions).",))
class ScatterNdUpdate(PrimitiveWithInfer):
    """Writes ``update`` into ``input_x`` (a Parameter) at ``indices``; returns the updated tensor.

    Args:
        use_locking (bool): Accepted; no effect in msnn. Default: True.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> x = msnn.Tensor(np.array([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]]), msnn.float32)
        >>> idx = msnn.Tensor(np.array([[0, 0], [1, 1]]), msnn.int32)
        >>> out = P.ScatterNdUpdate()(x, idx, msnn.Tensor(np.array([1.0, 2.2]), msnn.float32))
        >>> np.round(out.double().numpy(), 4).tolist()
        [[1.0, 0.3, 3.6], [0.4, 2.2, -3.2]]

    Note:
        The gradient of ``input_x`` is the output gradient itself (0.1's bprop), not zero at the
        updated positions.
    """

    @prim_attr_register
    def __init__(self, use_locking=True):
        self.init_prim_io_names(inputs=['x', 'indices', 'value'], outputs=['y'])
        V.check_unsupported(use_locking, "use_locking", "ScatterNdUpdate", True)

    def __call__(self, x, indices, update):
        cls = "ScatterNdUpdate"
        _tensor(x, "input_x", cls)
        _tensor(indices, "indices", cls)
        _tensor(update, "update", cls)
        _int_dtype(indices, "indices", cls)
        k = indices.shape[-1] if indices.dim() else x.dim() + 1
        if k > x.dim():
            V.fail(cls, "indices", f"a Tensor whose last dimension is <= {x.dim()} (the input's rank)",
                   V._Raw(f"shape {tuple(indices.shape)}"))  # pylint: disable=protected-access
        want = tuple(indices.shape[:-1]) + tuple(x.shape[k:])
        if tuple(update.shape) != want:
            V.fail(cls, "update", f"a Tensor of shape {want}", V._Raw(f"shape {tuple(update.shape)}"))  # pylint: disable=protected-access
        if _dtype_of(x) != _dtype_of(update) or _dtype_of(x) not in _NUMBER_OR_BOOL:
            V.fail(cls, "update", f"of dtype {_name(_dtype_of(x))} like input_x",
                   V._Raw(_name(_dtype_of(update))), TypeError)  # pylint: disable=protected-access
        index = _nd_index(indices)
        flat = update.reshape((-1,) + tuple(x.shape[k:]))
        if torch.is_grad_enabled() and (x.requires_grad or update.requires_grad):
            out = _ScatterNdUpdateGrad.apply(x, index, flat)
            with torch.no_grad():
                x[index] = flat
            return out
        x[index] = flat
        return x

    def infer_shape(self, x_shape, indices_shape, value_shape):
        """The output shape: ``x_shape`` (the update must be ``indices[:-1] + x[K:]``)."""
        if list(indices_shape[:-1]) + list(x_shape[indices_shape[-1]:]) != list(value_shape):
            V.fail("ScatterNdUpdate", "update", "of a shape matching indices and input_x", value_shape)
        return x_shape

    def infer_dtype(self, x_dtype, indices_dtype, value_dtype):  # pylint: disable=unused-argument
        """The output dtype: ``input_x``'s."""
        return x_dtype


def _space_depth_checks(cls, x, block):
    _tensor(x, "x", cls)
    if x.dim() != 4:
        V.fail(cls, "x", "a 4-D Tensor (NCHW)", V._Raw(f"shape {tuple(x.shape)}"))  # pylint: disable=protected-access


@ms_api(_P + "SpaceToDepth", torch="reshape + permute")
class SpaceToDepth(PrimitiveWithInfer):
    """Moves ``block_size`` x ``block_size`` spatial blocks into channels (NCHW).

    ``out[n, (bh * bs + bw) * C + c, h, w] = x[n, c, h * bs + bh, w * bs + bw]``.

    Args:
        block_size (int): >= 2, dividing the height and width.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.SpaceToDepth(2)(msnn.Tensor(np.random.rand(1, 3, 2, 2), msnn.float32)).shape
        torch.Size([1, 12, 1, 1])
    """

    @prim_attr_register
    def __init__(self, block_size):
        self.init_prim_io_names(inputs=['x'], outputs=['y'])
        _int(block_size, "block_size", "SpaceToDepth")
        if block_size < 2:
            V.fail("SpaceToDepth", "block_size", "an int >= 2", block_size)
        self.add_prim_attr("data_format", "NCHW")

    def __call__(self, x):
        _space_depth_checks("SpaceToDepth", x, self.block_size)
        n, c, h, w = x.shape
        bs = self.block_size
        if h % bs or w % bs:
            V.fail("SpaceToDepth", "x", f"a Tensor whose height and width are divisible by {bs}",
                   V._Raw(f"shape {tuple(x.shape)}"))  # pylint: disable=protected-access
        y = x.reshape(n, c, h // bs, bs, w // bs, bs).permute(0, 3, 5, 1, 2, 4)
        return y.reshape(n, bs * bs * c, h // bs, w // bs)

    def infer_shape(self, x_shape):
        """``(N, C * bs * bs, H / bs, W / bs)``."""
        n, c, h, w = x_shape
        bs = self.block_size
        return [n, c * bs * bs, h // bs, w // bs]

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


@ms_api(_P + "DepthToSpace", torch="reshape + permute")
class DepthToSpace(PrimitiveWithInfer):
    """The inverse of SpaceToDepth: moves channel blocks into ``block_size`` x ``block_size`` pixels.

    Args:
        block_size (int): >= 2; ``block_size ** 2`` must divide the channels.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> P.DepthToSpace(2)(msnn.Tensor(np.random.rand(1, 12, 1, 1), msnn.float32)).shape
        torch.Size([1, 3, 2, 2])
    """

    @prim_attr_register
    def __init__(self, block_size):
        self.init_prim_io_names(inputs=['x'], outputs=['y'])
        _int(block_size, "block_size", "DepthToSpace")
        if block_size < 2:
            V.fail("DepthToSpace", "block_size", "an int >= 2", block_size)
        self.add_prim_attr("data_format", "NCHW")

    def __call__(self, x):
        _space_depth_checks("DepthToSpace", x, self.block_size)
        n, c, h, w = x.shape
        bs = self.block_size
        if c % (bs * bs):
            V.fail("DepthToSpace", "x", f"a Tensor whose channels are divisible by {bs * bs}",
                   V._Raw(f"shape {tuple(x.shape)}"))  # pylint: disable=protected-access
        y = x.reshape(n, bs, bs, c // (bs * bs), h, w).permute(0, 3, 4, 1, 5, 2)
        return y.reshape(n, c // (bs * bs), h * bs, w * bs)

    def infer_shape(self, x_shape):
        """``(N, C / (bs * bs), H * bs, W * bs)``."""
        n, c, h, w = x_shape
        bs = self.block_size
        return [n, c // (bs * bs), h * bs, w * bs]

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype
