"""Record goldens for the array/other primitives from real MindSpore 2.10 CPU.

Run with the oracle venv (``bash /work/shared/tools/oracle-env.sh`` prints its python)::

    ~/.cache/msnn-oracle/bin/python tools/record_goldens_ops_array.py

MindSpore version: 2.10.0 (CPU), PYNATIVE mode. Only primitives whose semantics did not change
since 0.1.0-alpha are recorded, with every argument passed explicitly: StridedSlice (TensorFlow
mask semantics), ResizeNearestNeighbor (both align_corners rules), GatherV2, Tile, Concat, Slice,
Transpose, SpaceToDepth/DepthToSpace (channel order), ScatterNd, GatherNd, UnsortedSegmentSum,
BoundingBoxEncode/Decode, CheckValid and IOU (the +1 pixel conventions). Gradients are those of
``sum(out * sens)`` with a random ``sens``. Output: ``tests/data/ops_array.npz``; key
``<case>/<field>``.
"""
import os

import numpy as np
import mindspore as ms
from mindspore import Tensor, ops

assert ms.__version__.startswith("2.10"), ms.__version__
ms.set_context(mode=ms.PYNATIVE_MODE)
ms.set_device("CPU")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "ops_array.npz")
rng = np.random.RandomState(20200328)
data = {}


def record(case, fn, inputs, grad=True, **extra):
    """Store the inputs, the output and (for float inputs) d(sum(out * sens))/d(input 0)."""
    out = fn(*[Tensor(v) for v in inputs])
    out_np = out.asnumpy()
    for i, v in enumerate(inputs):
        data[f"{case}/in{i}"] = v
    data[f"{case}/out"] = out_np
    for key, value in extra.items():
        data[f"{case}/{key}"] = np.asarray(value)
    if grad:
        sens = rng.randn(*out_np.shape).astype(out_np.dtype)

        def loss(x, *rest):
            return (fn(x, *rest) * Tensor(sens)).sum()
        try:  # 2.10's CPU StridedSliceGrad fails on some negative-stride slices: no golden then
            g = ms.grad(loss, grad_position=0)(*[Tensor(v) for v in inputs]).asnumpy()
        except RuntimeError as err:
            print(f"{case}: no gradient golden ({str(err).splitlines()[0]})")
            return
        data[f"{case}/sens"] = sens
        data[f"{case}/grad"] = g


x = rng.randn(4, 5, 6).astype(np.float32)
# Only begin/end/shrink masks and negative strides: 2.10's CPU kernel returns wrong values for
# ellipsis_mask and new_axis_mask slices (checked against numpy, which follows TensorFlow's
# semantics as 0.1's kernels did); tests check those masks against numpy indexing.
SS = [  # begin, end, strides, masks (begin, end, ellipsis, new_axis, shrink)
    ((1, 0, 0), (3, 4, 6), (1, 2, 1), (0, 0, 0, 0, 0)),
    ((-1, 4, 5), (-5, 0, 0), (-1, -1, -2), (0, 0, 0, 0, 0)),
    ((1, 2, 3), (3, 4, 5), (1, 1, 1), (0b101, 0b010, 0, 0, 0)),
    ((2, 0, 1), (3, 5, 4), (1, 1, 1), (0, 0, 0, 0, 0b001)),
    ((0, 0), (1, 1), (1, 1), (0b10, 0b10, 0b01, 0, 0)),
    ((-3, 1, 0), (10, -1, 6), (2, 1, 3), (0, 0, 0, 0, 0)),
]
for i, (b, e, s, m) in enumerate(SS):
    op = ops.StridedSlice(*m)
    # no gradient goldens: 2.10's CPU StridedSliceGrad fails on several of these slices
    record(f"StridedSlice_{i}", lambda t, op=op, b=b, e=e, s=s: op(t, b, e, s), [x], grad=False,
           begin=b, end=e, strides=s, masks=m)

img = rng.randn(2, 3, 5, 7).astype(np.float32)
for ac in (False, True):
    for size in ((9, 4), (3, 11), (2, 2)):
        op = ops.ResizeNearestNeighbor(size, align_corners=ac)
        record(f"ResizeNearestNeighbor_{int(ac)}_{size[0]}x{size[1]}", op, [img], size=size, align_corners=ac)

params = rng.randn(5, 4, 3).astype(np.float32)
for axis, idx in ((0, np.array([[4, 0], [1, 1]], np.int32)), (1, np.array([3, 0, 3], np.int32)),
                  (-1, np.array(2, np.int32))):
    record(f"GatherV2_{axis}", lambda p, i, axis=axis: ops.Gather()(p, i, axis), [params, idx], axis=axis)

t = rng.randn(2, 3).astype(np.float32)
for k, mult in enumerate(((2, 3), (2, 1, 2))):
    record(f"Tile_{k}", lambda v, mult=mult: ops.Tile()(v, mult), [t], multiples=mult)

a, b = rng.randn(2, 3, 4).astype(np.float32), rng.randn(2, 5, 4).astype(np.float32)
record("Concat_1", lambda p, q: ops.Concat(1)((p, q)), [a, b], grad=False, axis=1)
record("Slice_0", lambda v: ops.Slice()(v, (0, 1, 1), (2, 2, 3)), [a], begin=(0, 1, 1), size=(2, 2, 3))
record("Transpose_0", lambda v: ops.Transpose()(v, (2, 0, 1)), [a], perm=(2, 0, 1))
s2d = rng.randn(2, 3, 4, 6).astype(np.float32)
record("SpaceToDepth_2", ops.SpaceToDepth(2), [s2d])
d2s = rng.randn(2, 8, 3, 2).astype(np.float32)
record("DepthToSpace_2", ops.DepthToSpace(2), [d2s])

idx = np.array([[0, 1], [2, 2], [0, 1]], np.int32)
upd = rng.randn(3, 5).astype(np.float32)
record("ScatterNd_dup", lambda i, u: ops.ScatterNd()(i, u, (3, 4, 5)), [idx, upd], grad=False, shape=(3, 4, 5))
gx = rng.randn(3, 4, 5).astype(np.float32)
record("GatherNd_0", lambda v, i: ops.GatherNd()(v, i), [gx, idx])
seg = rng.randn(6, 3).astype(np.float32)
ids = np.array([0, 2, 0, 3, 2, 0], np.int32)
record("UnsortedSegmentSum_0", lambda v, i: ops.UnsortedSegmentSum()(v, i, 5), [seg, ids], num_segments=5)

anchor = np.array([[0, 0, 10, 10], [2, 3, 8, 9], [1, 2, 30, 20]], np.float32)
gt = np.array([[1, 1, 9, 12], [0, 0, 4, 4], [5, 5, 25, 25]], np.float32)
means, stds = (0.1, -0.1, 0.05, 0.0), (0.1, 0.1, 0.2, 0.2)
record("BoundingBoxEncode_0", ops.BoundingBoxEncode(means=means, stds=stds), [anchor, gt], grad=False,
       means=means, stds=stds)
deltas = rng.randn(3, 4).astype(np.float32)
record("BoundingBoxDecode_0", ops.BoundingBoxDecode(max_shape=(24, 28), means=means, stds=stds,
                                                     wh_ratio_clip=0.016), [anchor, deltas], grad=False,
       means=means, stds=stds, max_shape=(24, 28))
boxes = np.array([[0, 0, 15, 11], [0, 0, 15.5, 11], [0, -0.5, 3, 3], [5, 5, 4, 4], [3, 3, 15, 11.01]], np.float32)
record("CheckValid_0", ops.CheckValid(), [boxes, np.array([6, 8, 2], np.float32)], grad=False)
record("IOU_iou", ops.IOU(mode="iou"), [anchor, gt], grad=False)
record("IOU_iof", ops.IOU(mode="iof"), [anchor, gt], grad=False)

np.savez_compressed(OUT, **data)
print(f"wrote {len(data)} arrays to {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")
