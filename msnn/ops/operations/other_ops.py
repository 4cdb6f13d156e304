"""``mindspore.ops.operations.other_ops``: Assign, bounding-box and IOU primitives, MakeRefKey.

The bounding-box formulas are those of MindSpore's kernels (boxes ``[x1, y1, x2, y2]`` in pixels,
widths ``x2 - x1 + 1``), checked against MindSpore 2.10's CPU kernels.
"""
import math

import torch

from ..._api import ms_api
from ... import _validator as V
from ...common import dtype as mstype
from ..primitive import Primitive, PrimitiveWithInfer, prim_attr_register
from .array_ops import _dtype_of, _name

__all__ = ["Assign", "BoundingBoxEncode", "BoundingBoxDecode", "CheckValid", "IOU", "MakeRefKey",
           "RefKey"]

_P = "mindspore.ops.operations."


class _AssignGrad(torch.autograd.Function):
    """0.1's bprop of Assign: (variable, zeros_like(value))."""

    @staticmethod
    def forward(ctx, variable, value):  # pylint: disable=arguments-differ
        out = variable.detach().clone()
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, dout):  # pylint: disable=arguments-differ
        (var,) = ctx.saved_tensors
        return var.to(dout.dtype), torch.zeros_like(dout)


@ms_api(_P + "Assign", torch="torch.Tensor.copy_ (in place)",
        deviations=("The gradient follows 0.1's bprop: the variable's gradient is the variable's "
                    "value and the value's gradient is zero.",
                    "The value must have the variable's shape (0.1's kernels required it; its "
                    "shape inference did not check)."))
class Assign(PrimitiveWithInfer):
    """Writes ``value`` into the Parameter ``variable`` (in place) and returns the variable.

    Examples:
        >>> import msnn
        >>> from msnn.ops import operations as P
        >>> y = msnn.Parameter(msnn.Tensor([1.0], msnn.float32), name="y")
        >>> out = P.Assign()(y, msnn.Tensor([2.0], msnn.float32))
        >>> y.tolist(), out.tolist()
        ([2.0], [2.0])

    Note:
        Under autograd the returned tensor's gradient path follows 0.1's bprop: ``variable`` gets
        its own value as gradient and ``value`` gets zero.
    """

    @prim_attr_register
    def __init__(self):
        pass

    def __call__(self, variable, value):
        if not isinstance(variable, torch.Tensor):
            V.check_tensor(variable, "variable", "Assign")
        if not isinstance(value, torch.Tensor):
            value = torch.as_tensor(value, dtype=_dtype_of(variable), device=variable.device)
        if value.shape != variable.shape:
            V.fail("Assign", "value", f"a Tensor of the variable's shape {tuple(variable.shape)}",
                   V._Raw(f"shape {tuple(value.shape)}"))  # pylint: disable=protected-access
        with torch.no_grad():
            variable.copy_(value)
        if torch.is_grad_enabled() and (variable.requires_grad or value.requires_grad):
            return _AssignGrad.apply(variable, value)
        return variable

    def infer_shape(self, variable, value):  # pylint: disable=unused-argument
        """The variable's shape."""
        return variable

    def infer_dtype(self, variable, value):  # pylint: disable=unused-argument
        """The variable's dtype."""
        return variable


def _check_four(cls, arg, value):
    if not isinstance(value, tuple):
        V.fail(cls, arg, "a tuple of 4 numbers", value)
    if len(value) != 4:
        V.fail(cls, arg, "a tuple of 4 numbers", value)


def _check_boxes(cls, pairs):
    """Two (N, 4) tensors of one number dtype (0.1: ValueError for shapes, TypeError for dtypes)."""
    (n1, a), (n2, b) = pairs
    for name, t in pairs:
        if not isinstance(t, torch.Tensor):
            V.check_tensor(t, name, cls)
        if t.dim() != 2 or t.shape[1] != 4:
            V.fail(cls, name, "a Tensor of shape (N, 4)", V._Raw(f"shape {tuple(t.shape)}"))  # pylint: disable=protected-access
    if _dtype_of(a) not in mstype.number_type or _dtype_of(a) != _dtype_of(b):
        V.fail(cls, n2, f"of dtype {_name(_dtype_of(a))} like {n1} (a number dtype)",
               V._Raw(_name(_dtype_of(b))), TypeError)  # pylint: disable=protected-access


def _centre_size(boxes):
    x1, y1, x2, y2 = boxes.unbind(1)
    return (x1 + x2) * 0.5, (y1 + y2) * 0.5, x2 - x1 + 1.0, y2 - y1 + 1.0


@ms_api(_P + "BoundingBoxEncode", torch="elementwise torch ops")
class BoundingBoxEncode(PrimitiveWithInfer):
    """Encodes ground-truth boxes as deltas from anchor boxes.

    ``d = ((gx - px) / pw, (gy - py) / ph, log(gw / pw), log(gh / ph))``, then ``(d - means) / stds``
    (centres and sizes with ``w = x2 - x1 + 1``).

    Args:
        means (tuple): 4 means. Default: (0.0, 0.0, 0.0, 0.0).
        stds (tuple): 4 standard deviations. Default: (1.0, 1.0, 1.0, 1.0).

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> anchor = torch.tensor([[0., 0., 10., 10.]])
        >>> gt = torch.tensor([[1., 1., 9., 12.]])
        >>> [round(v, 4) for v in P.BoundingBoxEncode()(anchor, gt)[0].tolist()]
        [0.0, 0.1364, -0.2007, 0.087]
    """

    @prim_attr_register
    def __init__(self, means=(0.0, 0.0, 0.0, 0.0), stds=(1.0, 1.0, 1.0, 1.0)):
        _check_four("BoundingBoxEncode", "means", means)
        _check_four("BoundingBoxEncode", "stds", stds)

    def __call__(self, anchor_box, groundtruth_box):
        _check_boxes("BoundingBoxEncode", (("anchor_box", anchor_box), ("groundtruth_box", groundtruth_box)))
        if anchor_box.shape[0] != groundtruth_box.shape[0]:
            V.fail("BoundingBoxEncode", "groundtruth_box", f"a Tensor of {anchor_box.shape[0]} boxes "
                   "like anchor_box", V._Raw(f"shape {tuple(groundtruth_box.shape)}"))  # pylint: disable=protected-access
        px, py, pw, ph = _centre_size(anchor_box)
        gx, gy, gw, gh = _centre_size(groundtruth_box)
        d = torch.stack(((gx - px) / pw, (gy - py) / ph, torch.log(gw / pw), torch.log(gh / ph)), 1)
        means = torch.tensor(self.means, dtype=d.dtype, device=d.device)
        stds = torch.tensor(self.stds, dtype=d.dtype, device=d.device)
        return (d - means) / stds

    def infer_shape(self, anchor_box, groundtruth_box):  # pylint: disable=unused-argument
        """The anchor shape."""
        return anchor_box

    def infer_dtype(self, anchor_box, groundtruth_box):  # pylint: disable=unused-argument
        """The anchor dtype."""
        return anchor_box


@ms_api(_P + "BoundingBoxDecode", torch="elementwise torch ops")
class BoundingBoxDecode(PrimitiveWithInfer):
    """Decodes deltas from anchor boxes into boxes (the inverse of BoundingBoxEncode).

    ``d = deltas * stds + means``; ``dw, dh`` are clipped to ``|log(wh_ratio_clip)|``; the box is
    ``(gx -+ gw/2 +- 0.5, gy -+ gh/2 +- 0.5)`` with x clamped to ``[0, max_shape[1]]`` and y to
    ``[0, max_shape[0]]``.

    Args:
        max_shape (tuple): (height, width) limits.
        means (tuple): 4 means. Default: (0.0, 0.0, 0.0, 0.0).
        stds (tuple): 4 standard deviations. Default: (1.0, 1.0, 1.0, 1.0).
        wh_ratio_clip (float): Ratio limit of width and height. Default: 0.016.

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> anchor = torch.tensor([[0., 0., 10., 10.]])
        >>> deltas = torch.tensor([[0.1, 0.2, 0.3, -0.2]])
        >>> [round(v, 4) for v in P.BoundingBoxDecode((12, 9))(anchor, deltas)[0].tolist()]
        [0.0, 3.197, 9.0, 11.203]
    """

    @prim_attr_register
    def __init__(self, max_shape, means=(0.0, 0.0, 0.0, 0.0), stds=(1.0, 1.0, 1.0, 1.0),
                 wh_ratio_clip=0.016):
        _check_four("BoundingBoxDecode", "means", means)
        _check_four("BoundingBoxDecode", "stds", stds)
        if not isinstance(wh_ratio_clip, float):
            V.fail("BoundingBoxDecode", "wh_ratio_clip", "a float", wh_ratio_clip)
        if max_shape is not None and (not isinstance(max_shape, tuple) or len(max_shape) != 2):
            V.fail("BoundingBoxDecode", "max_shape", "a tuple of 2 numbers", max_shape)
        self._max_ratio = abs(math.log(wh_ratio_clip)) if wh_ratio_clip > 0 else math.inf

    def __call__(self, anchor_box, deltas):
        _check_boxes("BoundingBoxDecode", (("anchor_box", anchor_box), ("deltas", deltas)))
        if anchor_box.shape[0] != deltas.shape[0]:
            V.fail("BoundingBoxDecode", "deltas", f"a Tensor of {anchor_box.shape[0]} rows like "
                   "anchor_box", V._Raw(f"shape {tuple(deltas.shape)}"))  # pylint: disable=protected-access
        means = torch.tensor(self.means, dtype=deltas.dtype, device=deltas.device)
        stds = torch.tensor(self.stds, dtype=deltas.dtype, device=deltas.device)
        dx, dy, dw, dh = (deltas * stds + means).unbind(1)
        dw = dw.clamp(-self._max_ratio, self._max_ratio)
        dh = dh.clamp(-self._max_ratio, self._max_ratio)
        px, py, pw, ph = _centre_size(anchor_box)
        gx, gy = px + pw * dx, py + ph * dy
        gw, gh = pw * torch.exp(dw), ph * torch.exp(dh)
        x1, y1 = gx - gw * 0.5 + 0.5, gy - gh * 0.5 + 0.5
        x2, y2 = gx + gw * 0.5 - 0.5, gy + gh * 0.5 - 0.5
        if self.max_shape is not None:
            h, w = self.max_shape
            x1, x2 = x1.clamp(0, w), x2.clamp(0, w)
            y1, y2 = y1.clamp(0, h), y2.clamp(0, h)
        return torch.stack((x1, y1, x2, y2), 1)

    def infer_shape(self, anchor_box, deltas):  # pylint: disable=unused-argument
        """The anchor shape."""
        return anchor_box

    def infer_dtype(self, anchor_box, deltas):  # pylint: disable=unused-argument
        """The anchor dtype."""
        return anchor_box


@ms_api(_P + "CheckValid", torch="elementwise comparisons")
class CheckValid(PrimitiveWithInfer):
    """Whether each box lies inside the image: ``x1 >= 0, y1 >= 0, x2 <= W - 1, y2 <= H - 1``
    with ``H = img_metas[0] * img_metas[2]`` and ``W = img_metas[1] * img_metas[2]``.

    Inputs:
        - **bboxes** (Tensor) - Shape (N, 4).
        - **img_metas** (Tensor) - (height, width, ratio).

    Outputs:
        Bool tensor of shape (N,).

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> boxes = torch.tensor([[0., 0., 15., 11.], [0., 0., 16., 11.], [-1., 0., 3., 3.]])
        >>> P.CheckValid()(boxes, torch.tensor([12., 16., 1.])).tolist()
        [True, False, False]
    """

    @prim_attr_register
    def __init__(self):
        self.init_prim_io_names(inputs=['bboxes', 'img_metas'], outputs=['output'])

    def __call__(self, bboxes, img_metas):
        V.check_tensor(bboxes, "bboxes", "CheckValid")
        V.check_tensor(img_metas, "img_metas", "CheckValid")
        if bboxes.dim() != 2 or bboxes.shape[-1] != 4:
            V.fail("CheckValid", "bboxes", "a Tensor of shape (N, 4)", V._Raw(f"shape {tuple(bboxes.shape)}"))  # pylint: disable=protected-access
        if img_metas.dim() != 1 or img_metas.shape[0] != 3:
            V.fail("CheckValid", "img_metas", "a Tensor of shape (3,)", V._Raw(f"shape {tuple(img_metas.shape)}"))  # pylint: disable=protected-access
        metas = img_metas.to(bboxes.dtype if bboxes.is_floating_point() else torch.float32)
        h, w = metas[0] * metas[2] - 1, metas[1] * metas[2] - 1
        x1, y1, x2, y2 = bboxes.to(metas.dtype).unbind(1)
        return (x1 >= 0) & (y1 >= 0) & (x2 <= w) & (y2 <= h)

    def infer_shape(self, bboxes_shape, metas_shape):  # pylint: disable=unused-argument
        """``bboxes_shape[:-1]``."""
        return bboxes_shape[:-1]

    def infer_dtype(self, bboxes_type, metas_type):  # pylint: disable=unused-argument
        """bool_."""
        return mstype.bool_


@ms_api(_P + "IOU", torch="elementwise torch ops",
        deviations=("Every floating dtype is accepted; 0.1 accepted float16 only (an Ascend "
                    "kernel limit).",))
class IOU(PrimitiveWithInfer):
    """Intersection over union (``'iou'``) or over the ground-truth area (``'iof'``) of boxes.

    Args:
        mode (str): 'iou' or 'iof'. Default: 'iou'.

    Inputs:
        - **anchor_boxes** (Tensor) - Shape (N, 4).
        - **gt_boxes** (Tensor) - Shape (M, 4).

    Outputs:
        Tensor of shape (M, N): ``out[i, j]`` compares ``gt_boxes[i]`` and ``anchor_boxes[j]``.

    Examples:
        >>> import torch
        >>> from msnn.ops import operations as P
        >>> anchor = torch.tensor([[0., 0., 10., 10.]])
        >>> gt = torch.tensor([[1., 1., 9., 12.]])
        >>> round(P.IOU()(anchor, gt).item(), 4), round(P.IOU('iof')(anchor, gt).item(), 4)
        (0.6475, 0.8333)

    Note:
        Every floating dtype is accepted; 0.1 accepted float16 only (an Ascend kernel
        limit).
    """

    @prim_attr_register
    def __init__(self, mode='iou'):
        self.init_prim_io_names(inputs=['anchor_boxes', 'gt_boxes'], outputs=['overlap'])
        V.check_in(mode, "mode", "IOU", ("iou", "iof"))

    def __call__(self, anchor_boxes, gt_boxes):
        _check_boxes("IOU", (("anchor_boxes", anchor_boxes), ("gt_boxes", gt_boxes)))
        if not anchor_boxes.is_floating_point():
            V.fail("IOU", "anchor_boxes", "a floating-point Tensor",
                   V._Raw(_name(_dtype_of(anchor_boxes))), TypeError)  # pylint: disable=protected-access
        g, a = gt_boxes[:, None, :], anchor_boxes[None, :, :]
        w = (torch.minimum(g[..., 2], a[..., 2]) - torch.maximum(g[..., 0], a[..., 0]) + 1).clamp(min=0)
        h = (torch.minimum(g[..., 3], a[..., 3]) - torch.maximum(g[..., 1], a[..., 1]) + 1).clamp(min=0)
        overlap = w * h
        area_g = (g[..., 2] - g[..., 0] + 1) * (g[..., 3] - g[..., 1] + 1)
        if self.mode == "iof":
            return overlap / area_g
        area_a = (a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1)
        return overlap / (area_g + area_a - overlap)

    def infer_shape(self, anchor_boxes, gt_boxes):
        """``[M, N]``."""
        return [gt_boxes[0], anchor_boxes[0]]

    def infer_dtype(self, anchor_boxes, gt_boxes):  # pylint: disable=unused-argument
        """The anchor dtype."""
        return anchor_boxes


class RefKey:
    """The key of a Parameter by name (what MakeRefKey returns)."""

    __slots__ = ("tag",)

    def __init__(self, tag):
        self.tag = tag

    def __eq__(self, other):
        return isinstance(other, RefKey) and other.tag == self.tag

    def __hash__(self):
        return hash(("RefKey", self.tag))

    def __repr__(self):
        return f"RefKey({self.tag!r})"


@ms_api(_P + "MakeRefKey", torch="(Python object)")
class MakeRefKey(Primitive):
    """Makes a RefKey naming the Parameter ``tag`` (for ``F.make_ref``/Assign targets).

    Args:
        tag (str): The Parameter name.

    Examples:
        >>> from msnn.ops import operations as P
        >>> P.MakeRefKey("y")()
        RefKey('y')
    """

    @prim_attr_register
    def __init__(self, tag):
        if not isinstance(tag, str):
            V.fail("MakeRefKey", "tag", "a str", tag)

    def __call__(self):
        return RefKey(self.tag)
