"""``mindspore.ops.operations.comm_ops``: collective communication primitives on torch.distributed.

With ``torch.distributed`` initialized (``msnn.communication.management.init`` or
``torch.distributed.init_process_group``) and more than one process in the group, each primitive
runs the torch collective; in a single process it returns the one-rank result (the input itself
for AllReduce, Broadcast, AllGather and ReduceScatter). Gradients follow 0.1's bprop
(``mindspore/ops/_grad/grad_comm_ops.py``) through ``torch.autograd.Function``.

Groups: ``"hccl_world_group"`` and ``"nccl_world_group"`` are torch's default (world) group; any
other name is looked up in ``msnn.communication.management`` when that module provides it.
"""
import torch

from ..._api import ms_api
from ... import _validator as V
from ..primitive import PrimitiveWithInfer, prim_attr_register

__all__ = ["ReduceOp", "AllReduce", "AllGather", "ReduceScatter", "Broadcast", "_AlltoAll",
           "_MirrorOperator", "_VirtualDiv", "_VirtualDataset", "_GetTensorSlice"]

_P = "mindspore.ops.operations."
HCCL_WORLD_COMM_GROUP = "hccl_world_group"
NCCL_WORLD_COMM_GROUP = "nccl_world_group"
_WORLD_GROUPS = (HCCL_WORLD_COMM_GROUP, NCCL_WORLD_COMM_GROUP)
_dtype_of = torch._C.TensorBase.dtype.__get__


@ms_api(_P + "ReduceOp", torch="torch.distributed.ReduceOp")
class ReduceOp:
    """The reductions of AllReduce/ReduceScatter: ``SUM``, ``MAX``, ``MIN``, ``PROD`` (strings).

    Examples:
        >>> from msnn.ops.operations.comm_ops import ReduceOp
        >>> ReduceOp.SUM, ReduceOp.MAX
        ('sum', 'max')
    """

    SUM = "sum"
    MAX = "max"
    MIN = "min"
    PROD = "prod"


def _management():
    try:
        from ...communication import management  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return management


def _get_group(group):
    """0.1's get_group: the name of the group (the world group for the default name)."""
    management = _management()
    if management is not None and hasattr(management, "get_group"):
        return management.get_group(group)
    return group


def _torch_group(group):
    """The torch ProcessGroup for an MindSpore group name (None: the world group)."""
    if group in _WORLD_GROUPS:
        return None
    management = _management()
    lookup = getattr(management, "_torch_group", None) if management is not None else None
    if lookup is None:
        V.refuse("comm_ops", "group", group, "only the world group is known to msnn (create "
                 "groups with msnn.communication.management.create_group)")
    return lookup(group)


# the cheap per-call test (bool() is False: a torch build without torch.distributed)
_is_initialized = torch.distributed.is_initialized if torch.distributed.is_available() else bool


def _distributed(group):
    """The torch group when more than one process takes part, else False."""
    dist = torch.distributed
    if not (dist.is_available() and dist.is_initialized()):
        return False
    pg = _torch_group(group)
    return (pg, dist.get_world_size(pg), dist.get_rank(pg)) if dist.get_world_size(pg) > 1 else False


def _group_rank_size(group):
    active = _distributed(group)
    return (active[2], active[1]) if active else (0, 1)


def _check_group(cls, group):
    group = _get_group(group)
    if not isinstance(group, str):
        V.fail(cls, "group", "a str", group, TypeError)
    return group


def _check_op(cls, op):
    if not isinstance(op, str):
        V.fail(cls, "op", "a str (a ReduceOp)", op, TypeError)
    return op


_TORCH_OPS = {"sum": "SUM", "max": "MAX", "min": "MIN", "prod": "PRODUCT"}


def _all_reduce(x, op, pg):
    out = x.clone()
    torch.distributed.all_reduce(out, getattr(torch.distributed.ReduceOp, _TORCH_OPS[op]), group=pg)
    return out


def _all_gather(x, pg, size):
    out = x.new_empty((x.shape[0] * size,) + tuple(x.shape[1:]))
    torch.distributed.all_gather_into_tensor(out, x.contiguous(), group=pg)
    return out


def _reduce_scatter(x, op, pg, size):
    out = x.new_empty((x.shape[0] // size,) + tuple(x.shape[1:]))
    torch.distributed.reduce_scatter_tensor(out, x.contiguous(),
                                            getattr(torch.distributed.ReduceOp, _TORCH_OPS[op]),
                                            group=pg)
    return out


class _AllReduceFn(torch.autograd.Function):
    """0.1's bprop: dx = AllReduce(SUM)(dout), times (x == out) for MAX/MIN."""

    @staticmethod
    def forward(ctx, x, op, pg):  # pylint: disable=arguments-differ
        out = _all_reduce(x, op, pg)
        ctx.op, ctx.pg = op, pg
        if op != ReduceOp.SUM:
            ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        dx = _all_reduce(dout, ReduceOp.SUM, ctx.pg)
        if ctx.op != ReduceOp.SUM:
            x, out = ctx.saved_tensors
            dx = dx * (x == out).to(dx.dtype)
        return dx, None, None


@ms_api(_P + "AllReduce", torch="torch.distributed.all_reduce",
        deviations=("In a single process (torch.distributed not initialized, or one rank) the "
                    "input is returned as is.",))
class AllReduce(PrimitiveWithInfer):
    """Reduces ``input_x`` over the devices of ``group``; every device gets the result.

    Args:
        op (str): ReduceOp.SUM, MAX or MIN (PROD is refused, as in 0.1). Default: ReduceOp.SUM.
        group (str): The communication group. Default: "hccl_world_group".

    Raises:
        TypeError: ``op`` or ``group`` is not a str, or the input is a bool tensor.
        RuntimeError: ``op`` is ReduceOp.PROD.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> from msnn.ops.operations.comm_ops import ReduceOp
        >>> tuple(P.AllReduce(ReduceOp.SUM, group="nccl_world_group")(msnn.Tensor(np.ones([2, 8]), msnn.float32)).shape)
        (2, 8)

    Note:
        With one process the input is returned unchanged (the one-rank sum).
    """

    @prim_attr_register
    def __init__(self, op=ReduceOp.SUM, group=HCCL_WORLD_COMM_GROUP):
        _check_op("AllReduce", op)
        if op == ReduceOp.PROD:
            raise RuntimeError("For 'AllReduce', the 'op' ReduceOp.PROD is not supported (as in "
                               "MindSpore 0.1).")
        if op not in _TORCH_OPS:
            V.fail("AllReduce", "op", "one of 'sum', 'max', 'min'", op)
        self.add_prim_attr("group", _check_group("AllReduce", group))
        self.add_prim_attr("fusion", 0)

    def __call__(self, x):
        if not isinstance(x, torch.Tensor):
            V.check_tensor(x, "input_x", "AllReduce")
        if x.dtype is torch.bool:
            V.fail("AllReduce", "input_x", "a Tensor of a number dtype", V._Raw("dtype Bool"),  # pylint: disable=protected-access
                   TypeError)
        if not _is_initialized():
            return x
        active = _distributed(self.group)
        if not active:
            return x
        return _AllReduceFn.apply(x, self.op, active[0])

    def infer_shape(self, x_shape):
        """The output shape: the input's."""
        return x_shape

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's (bool refused)."""
        if x_dtype is torch.bool:
            V.fail("AllReduce", "input_x", "a Tensor of a number dtype", V._Raw("dtype Bool"),  # pylint: disable=protected-access
                   TypeError)
        return x_dtype


class _AllGatherFn(torch.autograd.Function):
    """0.1's bprop: dx = ReduceScatter(SUM)(dout)."""

    @staticmethod
    def forward(ctx, x, pg, size):  # pylint: disable=arguments-differ
        ctx.pg, ctx.size = pg, size
        return _all_gather(x, pg, size)

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        return _reduce_scatter(dout, ReduceOp.SUM, ctx.pg, ctx.size), None, None


@ms_api(_P + "AllGather", torch="torch.distributed.all_gather_into_tensor",
        deviations=("Runs eagerly (0.1's PyNative __call__ raised NotImplementedError); a single "
                    "process returns the input.",))
class AllGather(PrimitiveWithInfer):
    """Concatenates ``input_x`` of every device of ``group`` along dimension 0.

    Args:
        group (str): The communication group. Default: "hccl_world_group".

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> op = P.AllGather()
        >>> op.rank, op.rank_size, tuple(op(msnn.Tensor(np.ones([2, 8]), msnn.float32)).shape)
        (0, 1, (2, 8))

    Note:
        Runs eagerly (0.1's PyNative call raised NotImplementedError); one process
        returns the input.
    """

    @prim_attr_register
    def __init__(self, group=HCCL_WORLD_COMM_GROUP):
        group = _check_group("AllGather", group)
        self.rank, self.rank_size = _group_rank_size(group)
        if self.rank >= self.rank_size:
            V.fail("AllGather", "rank", f"less than the rank size {self.rank_size}", self.rank)
        self.add_prim_attr("rank_size", self.rank_size)
        self.add_prim_attr("group", group)

    def __call__(self, x):
        if not isinstance(x, torch.Tensor):
            V.check_tensor(x, "input_x", "AllGather")
        active = _distributed(self.group)
        if not active:
            return x
        return _AllGatherFn.apply(x, active[0], active[1])

    def infer_shape(self, x_shape):
        """The output shape: dimension 0 times the rank size."""
        return [x_shape[0] * self.rank_size] + list(x_shape[1:])

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


class _ReduceScatterFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, op, pg, size):  # pylint: disable=arguments-differ
        ctx.pg, ctx.size = pg, size
        return _reduce_scatter(x, op, pg, size)

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        return _all_gather(dout, ctx.pg, ctx.size), None, None, None


@ms_api(_P + "ReduceScatter", torch="torch.distributed.reduce_scatter_tensor",
        deviations=("Has a gradient (AllGather of the output gradient); 0.1 had none.",
                    "Runs eagerly (0.1's PyNative __call__ raised NotImplementedError); a single "
                    "process returns the input."))
class ReduceScatter(PrimitiveWithInfer):
    """Reduces ``input_x`` over ``group`` and gives each device one slice of dimension 0.

    Args:
        op (str): ReduceOp.SUM, MAX, MIN or PROD. Default: ReduceOp.SUM.
        group (str): The communication group. Default: "hccl_world_group".

    Raises:
        TypeError: ``op`` or ``group`` is not a str.
        ValueError: Dimension 0 is not divisible by the rank size.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> tuple(P.ReduceScatter()(msnn.Tensor(np.ones([2, 8]), msnn.float32)).shape)
        (2, 8)

    Note:
        Runs eagerly (0.1's PyNative call raised NotImplementedError); one process
        returns the input. msnn gives it a gradient (AllGather of the output gradient);
        0.1 had none.
    """

    @prim_attr_register
    def __init__(self, op=ReduceOp.SUM, group=HCCL_WORLD_COMM_GROUP):
        _check_op("ReduceScatter", op)
        if op not in _TORCH_OPS:
            V.fail("ReduceScatter", "op", "one of 'sum', 'max', 'min', 'prod'", op)
        group = _check_group("ReduceScatter", group)
        self.rank_size = _group_rank_size(group)[1]
        self.add_prim_attr("rank_size", self.rank_size)
        self.add_prim_attr("group", group)

    def __call__(self, x):
        if not isinstance(x, torch.Tensor):
            V.check_tensor(x, "input_x", "ReduceScatter")
        if x.dim() == 0 or x.shape[0] % self.rank_size:
            V.fail("ReduceScatter", "input_x", f"a Tensor whose dimension 0 is divisible by the rank "
                   f"size {self.rank_size}", V._Raw(f"shape {tuple(x.shape)}"))  # pylint: disable=protected-access
        active = _distributed(self.group)
        if not active:
            return x
        return _ReduceScatterFn.apply(x, self.op, active[0], active[1])

    def infer_shape(self, x_shape):
        """The output shape: dimension 0 divided by the rank size."""
        if x_shape[0] % self.rank_size:
            V.fail("ReduceScatter", "input_x", f"a shape whose dimension 0 is divisible by "
                   f"{self.rank_size}", x_shape)
        return [x_shape[0] // self.rank_size] + list(x_shape[1:])

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


class _BroadcastFn(torch.autograd.Function):
    """0.1's bprop: dx = dout."""

    @staticmethod
    def forward(ctx, x, root, pg):  # pylint: disable=arguments-differ
        out = x.clone()
        torch.distributed.broadcast(out, torch.distributed.get_global_rank(pg, root)
                                    if pg is not None else root, group=pg)
        return out

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        return dout, None, None


@ms_api(_P + "Broadcast", torch="torch.distributed.broadcast",
        deviations=("The gradient is the output gradient on every rank (0.1's bprop).",))
class Broadcast(PrimitiveWithInfer):
    """Every device of ``group`` gets the tensors of device ``root_rank``.

    Args:
        root_rank (int): The source rank.
        group (str): The communication group. Default: "hccl_world_group".

    Inputs:
        - **input_x** (Union[Tensor, tuple[Tensor]]) - A tensor or a tuple of tensors.

    Outputs:
        The same structure as the input.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> out = P.Broadcast(0)((msnn.Tensor(np.ones([2, 8]), msnn.float32),))
        >>> type(out), tuple(out[0].shape)
        (<class 'tuple'>, (2, 8))

    Note:
        The gradient is the output gradient itself on every rank (0.1's bprop).
    """

    @prim_attr_register
    def __init__(self, root_rank, group=HCCL_WORLD_COMM_GROUP):
        if not isinstance(root_rank, int) or isinstance(root_rank, bool):
            V.fail("Broadcast", "root_rank", "an int", root_rank, TypeError)
        self.add_prim_attr("group", _check_group("Broadcast", group))

    def __call__(self, x):
        items = x if isinstance(x, (tuple, list)) else (x,)
        for i, t in enumerate(items):
            if not isinstance(t, torch.Tensor):
                V.check_tensor(t, f"input_x[{i}]" if items is x else "input_x", "Broadcast")
        active = _distributed(self.group)
        if not active:
            return tuple(x) if isinstance(x, list) else x
        out = tuple(_BroadcastFn.apply(t, self.root_rank, active[0]) for t in items)
        return out if isinstance(x, (tuple, list)) else out[0]

    def infer_shape(self, x_shape):
        """The output shape: the input's."""
        return x_shape

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


def _all_to_all(x, split_count, split_dim, concat_dim, pg):
    chunks = [c.contiguous() for c in torch.chunk(x, split_count, split_dim)]
    received = [torch.empty_like(c) for c in chunks]
    torch.distributed.all_to_all(received, chunks, group=pg)
    return torch.cat(received, concat_dim)


class _AlltoAllFn(torch.autograd.Function):
    """0.1's bprop: an AlltoAll with split and concat dimensions exchanged."""

    @staticmethod
    def forward(ctx, x, split_count, split_dim, concat_dim, pg):  # pylint: disable=arguments-differ
        ctx.args = (split_count, concat_dim, split_dim, pg)
        return _all_to_all(x, split_count, split_dim, concat_dim, pg)

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        return (_all_to_all(dout, *ctx.args),) + (None,) * 4


@ms_api(_P + "_AlltoAll", torch="torch.distributed.all_to_all")
class _AlltoAll(PrimitiveWithInfer):
    """Splits ``input_x`` into ``split_count`` blocks along ``split_dim``, sends block i to rank i
    and concatenates the received blocks along ``concat_dim`` (internal to auto parallel).

    Args:
        split_count (int): The number of blocks (the group size).
        split_dim (int): The dimension to split.
        concat_dim (int): The dimension to concatenate.
        group (str): The communication group. Default: "hccl_world_group".

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops.operations.comm_ops import _AlltoAll
        >>> tuple(_AlltoAll(1, 0, 1)(msnn.Tensor(np.ones([2, 8]), msnn.float32)).shape)
        (2, 8)
    """

    @prim_attr_register
    def __init__(self, split_count, split_dim, concat_dim, group=HCCL_WORLD_COMM_GROUP):
        for arg, v in (("split_count", split_count), ("split_dim", split_dim),
                       ("concat_dim", concat_dim)):
            if not isinstance(v, int) or isinstance(v, bool):
                V.fail("_AlltoAll", arg, "an int", v, TypeError)
        self.add_prim_attr("group", _check_group("_AlltoAll", group))

    def __call__(self, x):
        V.check_tensor(x, "input_x", "_AlltoAll")
        if x.shape[self.split_dim] % self.split_count:
            V.fail("_AlltoAll", "input_x", f"a Tensor whose dimension {self.split_dim} is divisible "
                   f"by split_count {self.split_count}", V._Raw(f"shape {tuple(x.shape)}"))  # pylint: disable=protected-access
        active = _distributed(self.group)
        if not active:
            if self.split_count == 1:
                return x
            return torch.cat(torch.chunk(x, self.split_count, self.split_dim), self.concat_dim)
        return _AlltoAllFn.apply(x, self.split_count, self.split_dim, self.concat_dim, active[0])

    def infer_shape(self, x_shape):
        """The output shape."""
        x_shape = list(x_shape)
        x_shape[self.concat_dim] = x_shape[self.concat_dim] * self.split_count
        x_shape[self.split_dim] = x_shape[self.split_dim] // self.split_count
        return x_shape

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


class _MirrorFn(torch.autograd.Function):
    """0.1's bprop: dx = AllReduce(dout), divided by dev_num when mean_flag."""

    @staticmethod
    def forward(ctx, x, group, dev_num, mean_flag):  # pylint: disable=arguments-differ
        ctx.group, ctx.dev_num, ctx.mean_flag = group, dev_num, mean_flag
        return x.view_as(x)

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        active = _distributed(ctx.group) if ctx.group is not None else _distributed(HCCL_WORLD_COMM_GROUP)
        dx = _all_reduce(dout, ReduceOp.SUM, active[0]) if active else dout
        if ctx.mean_flag:
            dx = dx * (1.0 / ctx.dev_num)
        return dx, None, None, None


@ms_api(_P + "_MirrorOperator", torch="identity + all_reduce in backward")
class _MirrorOperator(PrimitiveWithInfer):
    """Identity forward; the backward all-reduces the gradient over ``group`` (divided by
    ``dev_num`` when ``mean_flag``). Internal to data/auto parallel.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations.comm_ops import _MirrorOperator
        >>> x = torch.ones(3, requires_grad=True)
        >>> _MirrorOperator(dev_num=2, mean_flag=True)(x).sum().backward()
        >>> x.grad.tolist()
        [0.5, 0.5, 0.5]
    """

    @prim_attr_register
    def __init__(self, group=None, dev_num=None, mean_flag=None):
        pass

    def __call__(self, x):
        V.check_tensor(x, "input_x", "_MirrorOperator")
        if not (torch.is_grad_enabled() and x.requires_grad):
            return x
        return _MirrorFn.apply(x, self.group, self.dev_num, self.mean_flag)

    def infer_shape(self, x_shape):
        """The output shape: the input's."""
        return x_shape

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


class _VirtualDivFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, divisor):  # pylint: disable=arguments-differ
        ctx.divisor = divisor
        return x.view_as(x)

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        return dout / torch.tensor(ctx.divisor, dtype=dout.dtype, device=dout.device), None


@ms_api(_P + "_VirtualDiv", torch="identity + division in backward")
class _VirtualDiv(PrimitiveWithInfer):
    """Identity forward; the backward divides the gradient by ``divisor`` (internal).

    Examples:
        >>> import torch
        >>> from msnn.ops.operations.comm_ops import _VirtualDiv
        >>> x = torch.ones(2, requires_grad=True)
        >>> _VirtualDiv(4.0)(x).sum().backward()
        >>> x.grad.tolist()
        [0.25, 0.25]
    """

    @prim_attr_register
    def __init__(self, divisor=None):
        pass

    def __call__(self, x):
        V.check_tensor(x, "input_x", "_VirtualDiv")
        if not (torch.is_grad_enabled() and x.requires_grad) or self.divisor is None:
            return x
        return _VirtualDivFn.apply(x, self.divisor)

    def infer_shape(self, x_shape):
        """The output shape: the input's."""
        return x_shape

    def infer_dtype(self, x_dtype):
        """The output dtype: the input's."""
        return x_dtype


@ms_api(_P + "_VirtualDataset", torch="identity")
class _VirtualDataset(PrimitiveWithInfer):
    """Identity on its inputs (one input: itself; several: the tuple); internal to auto parallel.

    Examples:
        >>> from msnn.ops.operations.comm_ops import _VirtualDataset
        >>> _VirtualDataset()(1, 2)
        (1, 2)
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, *args):
        return args[0] if len(args) == 1 else args

    def infer_shape(self, *args):
        """The input shapes."""
        return args[0] if len(args) == 1 else args

    def infer_dtype(self, *args):
        """The input dtypes."""
        return args[0] if len(args) == 1 else args


def _tensor_slice(x, dev_mat, tensor_map, rank):
    """The slice of ``x`` that device ``rank`` holds under (dev_mat, tensor_map), as 0.1's
    parallel._tensor._load_tensor computed it."""
    coord, r = [0] * len(dev_mat), rank
    for i in range(len(dev_mat) - 1, -1, -1):
        coord[i] = r % dev_mat[i]
        r //= dev_mat[i]
    index = []
    for d, m in enumerate(tensor_map):
        if m == -1:
            index.append(slice(None))
            continue
        parts = dev_mat[-m - 1]
        if x.shape[d] % parts:
            V.fail("_GetTensorSlice", "input_x", f"a Tensor whose dimension {d} is divisible by {parts}",
                   V._Raw(f"shape {tuple(x.shape)}"))  # pylint: disable=protected-access
        size = x.shape[d] // parts
        c = coord[len(dev_mat) - 1 - m]
        index.append(slice(c * size, (c + 1) * size))
    return x[tuple(index)]


@ms_api(_P + "_GetTensorSlice", torch="tensor slicing")
class _GetTensorSlice(PrimitiveWithInfer):
    """The slice of ``x`` held by this device under a device matrix and a tensor map (internal).

    Inputs:
        - **x** (Tensor) - The full tensor.
        - **dev_mat** (tuple) - The device matrix.
        - **tensor_map** (tuple) - Per tensor dimension, the device-matrix axis (counted from the
          right) that splits it, or -1.

    Examples:
        >>> import torch
        >>> from msnn.ops.operations.comm_ops import _GetTensorSlice
        >>> _GetTensorSlice()(torch.arange(8.).reshape(4, 2), (1,), (0, -1)).shape
        torch.Size([4, 2])
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, x, dev_mat, tensor_map):
        V.check_tensor(x, "x", "_GetTensorSlice")
        if not isinstance(dev_mat, tuple):
            V.fail("_GetTensorSlice", "dev_mat", "a tuple", dev_mat)
        if not isinstance(tensor_map, tuple):
            V.fail("_GetTensorSlice", "tensor_map", "a tuple", tensor_map)
        # 0.1's bprop gives x a zero gradient: the slice is cut from the graph
        return _tensor_slice(x.detach(), dev_mat, tensor_map, _group_rank_size(HCCL_WORLD_COMM_GROUP)[0])

    infer_value = __call__
