"""The census array primitives trace into one torch.compile graph (no graph break)."""
import torch

import msnn
from msnn.ops import operations as P


def test_Reshape_Transpose_StridedSlice_Concat_Select_GatherV2_Slice_trace_as_one_graph():
    ops = dict(reshape=P.Reshape(), transpose=P.Transpose(), ss=P.StridedSlice(), concat=P.Concat(1),
               select=P.Select(), gather=P.GatherV2(), slice=P.Slice(), squeeze=P.Squeeze(0),
               expand=P.ExpandDims(), cast=P.Cast(), shape=P.Shape(), tile=P.Tile(),
               resize=P.ResizeNearestNeighbor((4, 6)), allreduce=P.AllReduce(),
               argmax=P.Argmax(), amv=P.ArgMaxWithValue(1))
    idx = torch.tensor([0, 1])

    def f(x):
        y = ops["reshape"](x, (2, -1))
        y = ops["transpose"](y, (1, 0))
        y = ops["ss"](y, (0, 0), (4, 2), (2, 1))
        y = ops["concat"]((y, y))
        y = ops["select"](y > 0, y, -y)
        y = ops["gather"](y, idx, 0)
        y = ops["slice"](y, (0, 0), (1, 4))
        y = ops["expand"](ops["squeeze"](y), 0)
        y = ops["cast"](y, msnn.float64)
        n = ops["shape"](y)[0]
        y = ops["tile"](y, (2, 1))
        z = ops["allreduce"](ops["resize"](y.reshape(1, 1, 2, 4)))
        _, v = ops["amv"](z.reshape(4, 6))
        return z.sum() + v.sum() + n + ops["argmax"](z.reshape(-1)).double()

    x = torch.randn(2, 4)
    assert torch.isfinite(f(x))
    explained = torch._dynamo.explain(f)(x)  # pylint: disable=protected-access
    assert (explained.graph_count, explained.graph_break_count) == (1, 0), explained.break_reasons
