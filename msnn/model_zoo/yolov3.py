"""YOLOv3 on a ResNet-18 backbone, from MindSpore 0.1's model zoo (``mindspore.model_zoo.yolov3``).

The networks, the loss and the training wrapper keep 0.1's parameter names and shapes, so a 0.1
checkpoint of ``YoloWithLossCell(yolov3_resnet18(config), config)`` loads as is. ``config`` is an
object with 0.1's ``ConfigYOLOV3ResNet18`` fields (img_shape, feature_shape, num_classes,
backbone_input_shape, backbone_shape, backbone_layers, backbone_stride, ignore_threshold,
anchor_scales, out_channel).
"""
import torch

from .._api import ms_api
from ..cell import Cell
from ..common import dtype as mstype
from ..common.initializer import TruncatedNormal
from ..common.parameter import ParameterTuple
from ..layer import BatchNorm2d, Conv2d, Dense, LeakyReLU, MaxPool2d, SequentialCell, Sigmoid
from ..ops import operations as P
from ..wrap.cell_wrapper import _weight_grads
from ..wrap.grad_reducer import auto_reducer

__all__ = ["weight_variable", "BasicBlock", "ResNet", "resnet18", "YoloBlock", "YOLOv3", "DetectionBlock", "Iou",
           "YoloLossBlock", "yolov3_resnet18", "YoloWithLossCell", "TrainingWrapper"]

_P = "mindspore.model_zoo.yolov3."


def weight_variable():
    """The weight initialiser of the backbone: TruncatedNormal(0.02)."""
    return TruncatedNormal(0.02)


class _conv_with_pad(Cell):  # pylint: disable=invalid-name
    """Zero padding of ``kernel_size - 1`` (the extra one at the bottom/right), then a 'valid' convolution."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1):
        super(_conv_with_pad, self).__init__()
        total_pad = kernel_size - 1
        pad_begin = total_pad // 2
        pad_end = total_pad - pad_begin
        self.pad = P.Pad(((0, 0), (0, 0), (pad_begin, pad_end), (pad_begin, pad_end)))
        self.conv = Conv2d(in_channels, out_channels, kernel_size=kernel_size, stride=stride, padding=0,
                           pad_mode='valid', weight_init=weight_variable())

    def construct(self, x):
        return self.conv(self.pad(x))


def _fused_bn(channels, momentum=0.99):
    return BatchNorm2d(channels, momentum=momentum)


def _conv_bn_relu(in_channel, out_channel, ksize, stride=1, padding=0, dilation=1, alpha=0.1, momentum=0.99,
                  pad_mode="same"):
    return SequentialCell([
        Conv2d(in_channel, out_channel, kernel_size=ksize, stride=stride, padding=padding, dilation=dilation,
               pad_mode=pad_mode),
        BatchNorm2d(out_channel, momentum=momentum),
        LeakyReLU(alpha)])


@ms_api(_P + "BasicBlock", torch="torchvision.models.resnet.BasicBlock")
class BasicBlock(Cell):
    """ResNet basic block: two 3x3 convolutions (the first with ``stride``) with BatchNorm.

    The shortcut is a 1x1 convolution with ``stride`` (``down_sample_layer``, no BatchNorm) when
    ``in_channels != out_channels``, else the identity -- as in 0.1, a stride alone does not add one.
    Convolutions pad explicitly (``kernel_size - 1``, extra at the bottom/right) and draw their
    weights from TruncatedNormal(0.02); BatchNorm momentum is 0.99.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of the first convolution and of the shortcut. Default: 1.
        momentum (float): BatchNorm momentum (weight of the old statistics). Default: 0.99.

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(N, in\\_channels, H, W)`.

    Outputs:
        Tensor of shape :math:`(N, out\\_channels, \\lceil H/stride \\rceil, \\lceil W/stride \\rceil)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.yolov3 import BasicBlock
        >>> BasicBlock(3, 8, stride=2)(msnn.Tensor(np.ones([1, 3, 8, 8]), msnn.float32)).shape()
        (1, 8, 4, 4)
    """
    expansion = 1

    def __init__(self, in_channels, out_channels, stride=1, momentum=0.99):
        super(BasicBlock, self).__init__()
        self.conv1 = _conv_with_pad(in_channels, out_channels, 3, stride=stride)
        self.bn1 = _fused_bn(out_channels, momentum=momentum)
        self.conv2 = _conv_with_pad(out_channels, out_channels, 3)
        self.bn2 = _fused_bn(out_channels, momentum=momentum)
        self.relu = P.ReLU()
        self.downsample = in_channels != out_channels
        self.down_sample_layer = None
        if self.downsample:
            self.down_sample_layer = _conv_with_pad(in_channels, out_channels, 1, stride=stride)
        self.add = P.TensorAdd()

    def construct(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = self.down_sample_layer(x) if self.downsample else x
        return self.relu(self.add(out, identity))


@ms_api(_P + "ResNet", torch="torchvision.models.ResNet (returning the last three stages)")
class ResNet(Cell):
    """The YOLOv3 backbone: a ResNet returning the outputs of stages 2 and 3 and the head output.

    Args:
        block (type): The block class, e.g. :class:`BasicBlock`.
        layer_nums (list): Blocks per stage (4 entries; as in 0.1 a stage always has at least 2).
            As in 0.1, a stage with a stride must also change the channel count (only then does
            :class:`BasicBlock` get a shortcut convolution).
        in_channels (list): Input channels of each stage.
        out_channels (list): Output channels of each stage.
        strides (list): Stride of each stage's first block. Default: None.
        num_classes (int): Classes of the ``end_point`` Dense head; a falsy value means no head,
            and the third output is stage 4's feature map. Default: 80.

    Raises:
        ValueError: If layer_nums, in_channels or out_channels does not have 4 entries.

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(N, 3, H, W)`.

    Outputs:
        Tuple of 3 Tensors: stage 2 (stride 8), stage 3 (stride 16) and the head output
        :math:`(N, num\\_classes)` or stage 4 (stride 32).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.yolov3 import BasicBlock, ResNet
        >>> net = ResNet(BasicBlock, [2, 2, 2, 2], [64, 8, 16, 32], [8, 16, 32, 64], [1, 2, 2, 2], num_classes=None)
        >>> [o.shape() for o in net(msnn.Tensor(np.ones([1, 3, 64, 64]), msnn.float32))]
        [(1, 16, 8, 8), (1, 32, 4, 4), (1, 64, 2, 2)]
    """

    def __init__(self, block, layer_nums, in_channels, out_channels, strides=None, num_classes=80):
        super(ResNet, self).__init__()
        if not len(layer_nums) == len(in_channels) == len(out_channels) == 4:
            raise ValueError(f"For 'ResNet', the 'layer_nums', 'in_channels' and 'out_channels' must each have "
                             f"4 entries, but got {len(layer_nums)}, {len(in_channels)} and {len(out_channels)}.")
        self.conv1 = _conv_with_pad(3, 64, 7, stride=2)
        self.bn1 = _fused_bn(64)
        self.relu = P.ReLU()
        self.maxpool = MaxPool2d(kernel_size=3, stride=2, pad_mode='same')
        self.layer1 = self._make_layer(block, layer_nums[0], in_channels[0], out_channels[0], strides[0])
        self.layer2 = self._make_layer(block, layer_nums[1], in_channels[1], out_channels[1], strides[1])
        self.layer3 = self._make_layer(block, layer_nums[2], in_channels[2], out_channels[2], strides[2])
        self.layer4 = self._make_layer(block, layer_nums[3], in_channels[3], out_channels[3], strides[3])
        self.num_classes = num_classes
        if num_classes:
            self.reduce_mean = P.ReduceMean(keep_dims=True)
            self.end_point = Dense(out_channels[3], num_classes, has_bias=True, weight_init=weight_variable(),
                                   bias_init=weight_variable())
            self.squeeze = P.Squeeze(axis=(2, 3))

    def _make_layer(self, block, layer_num, in_channel, out_channel, stride):
        # 0.1 always adds a first and a last block: a stage has max(layer_num, 2) blocks
        blocks = [block(in_channel, out_channel, stride=stride)]
        blocks += [block(out_channel, out_channel, stride=1) for _ in range(1, layer_num - 1)]
        blocks.append(block(out_channel, out_channel, stride=1))
        return SequentialCell(blocks)

    def construct(self, x):
        c1 = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        c2 = self.layer1(c1)
        c3 = self.layer2(c2)
        c4 = self.layer3(c3)
        out = self.layer4(c4)
        if self.num_classes:
            out = self.end_point(self.squeeze(self.reduce_mean(out, (2, 3))))
        return c3, c4, out


@ms_api(_P + "resnet18", torch="torchvision.models.resnet18")
def resnet18(class_num=10):
    """The ResNet-18 backbone of :mod:`yolov3` with a ``class_num``-way head.

    Args:
        class_num (int): Number of classes. Default: 10.

    Returns:
        ResNet, the network (its call returns the stage-2 and stage-3 maps and the logits).

    Examples:
        >>> from msnn.model_zoo.yolov3 import resnet18
        >>> tuple(resnet18(100).end_point.weight.shape)  # doctest: +SKIP
        (100, 512)
    """
    return ResNet(BasicBlock, [2, 2, 2, 2], [64, 64, 128, 256], [64, 128, 256, 512], [1, 2, 2, 2],
                  num_classes=class_num)


@ms_api(_P + "YoloBlock", torch="Conv2d/BatchNorm2d/LeakyReLU stack")
class YoloBlock(Cell):
    """Six conv-BN-LeakyReLU(0.1) layers alternating 1x1 (``out_chls``) and 3x3 (``2 * out_chls``),
    then a 1x1 convolution with bias to ``out_channels``.

    Args:
        in_channels (int): Input channels.
        out_chls (int): Width of the 1x1 layers.
        out_channels (int): Output channels (anchors x (5 + classes)).

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(N, in\\_channels, H, W)`.

    Outputs:
        Tuple of 2 Tensors: the fifth layer's output :math:`(N, out\\_chls, H, W)` (fed to the next
        scale) and the prediction :math:`(N, out\\_channels, H, W)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.yolov3 import YoloBlock
        >>> c5, out = YoloBlock(16, 8, 21)(msnn.Tensor(np.ones([1, 16, 4, 4]), msnn.float32))
        >>> c5.shape(), out.shape()
        ((1, 8, 4, 4), (1, 21, 4, 4))
    """

    def __init__(self, in_channels, out_chls, out_channels):
        super(YoloBlock, self).__init__()
        out_chls_2 = out_chls * 2
        self.conv0 = _conv_bn_relu(in_channels, out_chls, ksize=1)
        self.conv1 = _conv_bn_relu(out_chls, out_chls_2, ksize=3)
        self.conv2 = _conv_bn_relu(out_chls_2, out_chls, ksize=1)
        self.conv3 = _conv_bn_relu(out_chls, out_chls_2, ksize=3)
        self.conv4 = _conv_bn_relu(out_chls_2, out_chls, ksize=1)
        self.conv5 = _conv_bn_relu(out_chls, out_chls_2, ksize=3)
        self.conv6 = Conv2d(out_chls_2, out_channels, kernel_size=1, stride=1, has_bias=True)

    def construct(self, x):
        c5 = self.conv4(self.conv3(self.conv2(self.conv1(self.conv0(x)))))
        return c5, self.conv6(self.conv5(c5))


@ms_api(_P + "YOLOv3", torch="YOLOv3 feature pyramid (nearest upsampling + concat)")
class YOLOv3(Cell):
    """YOLOv3 neck and heads over a backbone returning maps at strides 8, 16 and 32.

    Args:
        feature_shape (list): Input shape ``[N, C, H, W]``; the upsampling sizes are H/16 x W/16 and
            H/8 x W/8, so inputs must be H x W.
        backbone_shape (list): Channels of the backbone stages (the last three are used).
        backbone (Cell): The backbone, e.g. ``ResNet(..., num_classes=None)``.
        out_channel (int): Prediction channels per scale.

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(N, 3, H, W)`.

    Outputs:
        Tuple of 3 Tensors: the predictions at strides 32, 16 and 8, each with ``out_channel`` channels.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.yolov3 import BasicBlock, ResNet, YOLOv3
        >>> backbone = ResNet(BasicBlock, [2, 2, 2, 2], [64, 8, 16, 32], [8, 16, 32, 64], [1, 2, 2, 2], None)
        >>> net = YOLOv3([1, 3, 64, 64], [8, 16, 32, 64], backbone, 21)
        >>> [o.shape() for o in net(msnn.Tensor(np.ones([1, 3, 64, 64]), msnn.float32))]
        [(1, 21, 2, 2), (1, 21, 4, 4), (1, 21, 8, 8)]
    """

    def __init__(self, feature_shape, backbone_shape, backbone, out_channel):
        super(YOLOv3, self).__init__()
        self.out_channel = out_channel
        self.net = backbone
        self.backblock0 = YoloBlock(backbone_shape[-1], out_chls=backbone_shape[-2], out_channels=out_channel)
        self.conv1 = _conv_bn_relu(in_channel=backbone_shape[-2], out_channel=backbone_shape[-2] // 2, ksize=1)
        self.upsample1 = P.ResizeNearestNeighbor((feature_shape[2] // 16, feature_shape[3] // 16))
        self.backblock1 = YoloBlock(in_channels=backbone_shape[-2] + backbone_shape[-3],
                                    out_chls=backbone_shape[-3], out_channels=out_channel)
        self.conv2 = _conv_bn_relu(in_channel=backbone_shape[-3], out_channel=backbone_shape[-3] // 2, ksize=1)
        self.upsample2 = P.ResizeNearestNeighbor((feature_shape[2] // 8, feature_shape[3] // 8))
        self.backblock2 = YoloBlock(in_channels=backbone_shape[-3] + backbone_shape[-4],
                                    out_chls=backbone_shape[-4], out_channels=out_channel)
        self.concat = P.Concat(axis=1)

    def construct(self, x):
        feature_map1, feature_map2, feature_map3 = self.net(x)
        con1, big_object_output = self.backblock0(feature_map3)
        ups1 = self.upsample1(self.conv1(con1))
        con2, medium_object_output = self.backblock1(self.concat((ups1, feature_map2)))
        ups2 = self.upsample2(self.conv2(con2))
        _, small_object_output = self.backblock2(self.concat((ups2, feature_map1)))
        return big_object_output, medium_object_output, small_object_output


def _anchor_idx(scale, cls_name):
    idx = {'s': (0, 1, 2), 'm': (3, 4, 5), 'l': (6, 7, 8)}.get(scale)
    if idx is None:
        raise KeyError(f"For '{cls_name}', the 'scale' must be 's', 'm' or 'l', but got {scale!r}.")
    return idx


@ms_api(_P + "DetectionBlock", torch="YOLOv3 box decoding (sigmoid/exp with grid and anchors)")
class DetectionBlock(Cell):
    """Decodes one scale's prediction into boxes relative to the image.

    The prediction ``(N, 3 * (5 + C), gh, gw)`` is viewed as ``(N, gh, gw, 3, 5 + C)``;
    ``xy = (sigmoid(t_xy) + grid) / (gw, gh)``, ``wh = exp(t_wh) * anchor / (W, H)``, confidence and
    class probabilities are sigmoids.

    Args:
        scale (str): 's', 'm' or 'l' -- anchors 0-2, 3-5 or 6-8 of ``config.anchor_scales``.
        config (object): The YOLOv3 configuration.

    Raises:
        KeyError: If scale is not 's', 'm' or 'l'.

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(N, 3 (5 + C), gh, gw)`.

    Outputs:
        In training mode a tuple ``(grid, prediction, box_xy, box_wh)`` for the loss; otherwise
        Tensor of shape :math:`(N, gh, gw, 3, 5 + C)` (xy, wh, confidence, class probabilities).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.yolov3 import DetectionBlock
        >>> class Config:
        ...     img_shape = [64, 64]
        ...     num_classes = 2
        ...     anchor_scales = [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119),
        ...                      (116, 90), (156, 198), (163, 326)]
        >>> DetectionBlock('l', Config())(msnn.Tensor(np.zeros([1, 21, 2, 2]), msnn.float32)).shape()
        (1, 2, 2, 3, 7)
    """

    def __init__(self, scale, config):
        super(DetectionBlock, self).__init__()
        self.config = config
        idx = _anchor_idx(scale, "DetectionBlock")
        self.anchors = torch.tensor([config.anchor_scales[i] for i in idx], dtype=torch.float32)
        self.num_anchors_per_scale = 3
        self.num_attrib = 4 + 1 + config.num_classes
        self.ignore_threshold = 0.5
        self.lambda_coord = 1
        self.sigmoid = Sigmoid()
        self.reshape = P.Reshape()
        self.tile = P.Tile()
        self.concat = P.Concat(axis=-1)
        self.transpose = P.Transpose()
        self.exp = P.Exp()
        self.input_shape = torch.tensor(tuple(config.img_shape[::-1]), dtype=torch.float32)

    def construct(self, x):
        num_batch, _, grid_h, grid_w = x.shape
        # [n, 3 * attrib, gh, gw] -> [n, gh, gw, 3, attrib]
        prediction = self.reshape(x, (num_batch, self.num_anchors_per_scale, self.num_attrib, grid_h, grid_w))
        prediction = self.transpose(prediction, (0, 3, 4, 1, 2))
        grid_x = torch.arange(grid_w, dtype=torch.float32, device=x.device)  # ops: F.tuple_to_array(range(...))
        grid_y = torch.arange(grid_h, dtype=torch.float32, device=x.device)
        grid_x = self.tile(self.reshape(grid_x, (1, 1, -1, 1, 1)), (1, grid_h, 1, 1, 1))
        grid_y = self.tile(self.reshape(grid_y, (1, -1, 1, 1, 1)), (1, 1, grid_w, 1, 1))
        grid = self.concat((grid_x, grid_y))  # [1, gh, gw, 1, 2]
        box_xy = prediction[..., :2]
        box_wh = prediction[..., 2:4]
        box_confidence = prediction[..., 4:5]
        box_probs = prediction[..., 5:]
        grid_size = torch.tensor((grid_w, grid_h), dtype=torch.float32, device=x.device)
        box_xy = (self.sigmoid(box_xy) + grid) / grid_size
        box_wh = self.exp(box_wh) * self.anchors / self.input_shape
        box_confidence = self.sigmoid(box_confidence)
        box_probs = self.sigmoid(box_probs)
        if self.training:
            return grid, prediction, box_xy, box_wh
        return self.concat((box_xy, box_wh, box_confidence, box_probs))


@ms_api(_P + "Iou", torch="torchvision.ops.box_iou (centre-size boxes, broadcast)")
class Iou(Cell):
    """Intersection over union of centre-size boxes ``(x, y, w, h)`` given as 6-D tensors (broadcast).

    Inputs:
        - **box1** (Tensor) - Tensor of shape :math:`(..., 4)`, 6-D.
        - **box2** (Tensor) - Tensor of shape :math:`(..., 4)`, 6-D, broadcastable with box1.

    Outputs:
        Tensor, the IoU, with the broadcast shape less the last axis.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.yolov3 import Iou
        >>> a = msnn.Tensor(np.array([0.5, 0.5, 1.0, 1.0]).reshape(1, 1, 1, 1, 1, 4), msnn.float32)
        >>> b = msnn.Tensor(np.array([1.0, 0.5, 1.0, 1.0]).reshape(1, 1, 1, 1, 1, 4), msnn.float32)
        >>> round(float(Iou()(a, b).asnumpy().reshape(-1)[0]), 4)
        0.3333
    """

    def __init__(self):
        super(Iou, self).__init__()
        self.min = P.Minimum()
        self.max = P.Maximum()

    def construct(self, box1, box2):
        box1_xy, box1_wh = box1[..., :2], box1[..., 2:4]
        box2_xy, box2_wh = box2[..., :2], box2[..., 2:4]
        intersect_mins = self.max(box1_xy - box1_wh / 2.0, box2_xy - box2_wh / 2.0)
        intersect_maxs = self.min(box1_xy + box1_wh / 2.0, box2_xy + box2_wh / 2.0)
        intersect_wh = self.max(intersect_maxs - intersect_mins, torch.zeros((), device=box1.device))
        intersect_area = intersect_wh[..., 0] * intersect_wh[..., 1]
        box1_area = box1_wh[..., 0] * box1_wh[..., 1]
        box2_area = box2_wh[..., 0] * box2_wh[..., 1]
        return intersect_area / (box1_area + box2_area - intersect_area)


@ms_api(_P + "YoloLossBlock", torch="YOLOv3 loss (BCE-with-logits xy/confidence/class, squared wh)")
class YoloLossBlock(Cell):
    """The YOLOv3 loss of one scale, summed and divided by the batch size.

    With ``obj`` the object mask of ``y_true`` and ``s = 2 - w * h`` the box-size weight:
    ``xy = obj * s * BCE(t_xy, xy_true * (gw, gh) - grid)``, ``wh = obj * s * 0.5 * (log(wh_true
    * (W, H) / anchor) - t_wh)^2``, ``conf = obj * BCE(t_c, obj) + (1 - obj) * BCE(t_c, obj) *
    ignore`` where ``ignore`` is 1 for predictions whose best IoU with the ground-truth boxes is
    below ``config.ignore_threshold``, and ``cls = obj * BCE(t_cls, class_true)``.

    Args:
        scale (str): 's', 'm' or 'l'.
        config (object): The YOLOv3 configuration.

    Raises:
        KeyError: If scale is not 's', 'm' or 'l'.

    Inputs:
        - **grid**, **prediction**, **pred_xy**, **pred_wh** (Tensor) - The training outputs of
          :class:`DetectionBlock`.
        - **y_true** (Tensor) - Tensor of shape :math:`(N, gh, gw, 3, 5 + C)`.
        - **gt_box** (Tensor) - Tensor of shape :math:`(N, M, 4)`, the ground-truth boxes
          ``(x, y, w, h)`` (zero rows for padding).

    Outputs:
        Tensor, the scalar loss.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.yolov3 import DetectionBlock, YoloLossBlock
        >>> class Config:
        ...     img_shape = [64, 64]
        ...     num_classes = 2
        ...     ignore_threshold = 0.5
        ...     anchor_scales = [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119),
        ...                      (116, 90), (156, 198), (163, 326)]
        >>> detect = DetectionBlock('l', Config()).set_train()
        >>> outs = detect(msnn.Tensor(np.zeros([1, 21, 2, 2]), msnn.float32))
        >>> y_true = msnn.Tensor(np.zeros([1, 2, 2, 3, 7]), msnn.float32)
        >>> gt = msnn.Tensor(np.zeros([1, 4, 4]), msnn.float32)
        >>> round(float(YoloLossBlock('l', Config())(*outs, y_true, gt).asnumpy()), 4)  # 12 x log(2)
        8.3178
    """

    def __init__(self, scale, config):
        super(YoloLossBlock, self).__init__()
        self.config = config
        idx = _anchor_idx(scale, "YoloLossBlock")
        self.anchors = torch.tensor([config.anchor_scales[i] for i in idx], dtype=torch.float32)
        self.ignore_threshold = torch.tensor(config.ignore_threshold, dtype=torch.float32)
        self.concat = P.Concat(axis=-1)
        self.iou = Iou()
        self.cross_entropy = P.SigmoidCrossEntropyWithLogits()
        self.reduce_sum = P.ReduceSum()
        self.reduce_max = P.ReduceMax(keep_dims=False)
        self.select = P.Select()
        self.equal = P.Equal()
        self.fill = P.Fill()
        self.get_dtype = P.DType()
        self.get_shape = P.Shape()
        self.log = P.Log()
        self.square = P.Square()
        self.reshape = P.Reshape()
        self.expand_dims = P.ExpandDims()
        self.cast = P.Cast()
        self.input_shape = torch.tensor(tuple(config.img_shape[::-1]), dtype=torch.float32)

    def construct(self, grid, prediction, pred_xy, pred_wh, y_true, gt_box):
        object_mask = y_true[..., 4:5]
        class_probs = y_true[..., 5:]
        grid_shape = torch.tensor(tuple(prediction.shape[1:3])[::-1], dtype=torch.float32, device=y_true.device)
        pred_boxes = self.concat((pred_xy, pred_wh))
        true_xy = y_true[..., :2] * grid_shape - grid
        true_wh = y_true[..., 2:4]
        ones = self.fill(self.get_dtype(true_wh), self.get_shape(true_wh), 1.0)
        true_wh = self.select(self.equal(true_wh, 0.0), ones, true_wh)
        true_wh = self.log(true_wh / self.anchors * self.input_shape)
        box_loss_scale = 2 - y_true[..., 2:3] * y_true[..., 3:4]
        gt_shape = self.get_shape(gt_box)
        gt_box = self.reshape(gt_box, (gt_shape[0], 1, 1, 1, gt_shape[1], gt_shape[2]))
        iou = self.iou(self.expand_dims(pred_boxes, -2), gt_box)  # [batch, gh, gw, anchors, boxes]
        best_iou = self.reduce_max(iou, -1)
        ignore_mask = self.cast(best_iou < self.ignore_threshold, mstype.float32)
        ignore_mask = self.expand_dims(ignore_mask, -1).detach()  # ops: F.stop_gradient
        xy_loss = object_mask * box_loss_scale * self.cross_entropy(prediction[..., :2], true_xy)
        wh_loss = object_mask * box_loss_scale * 0.5 * self.square(true_wh - prediction[..., 2:4])
        confidence_loss = self.cross_entropy(prediction[..., 4:5], object_mask)
        confidence_loss = object_mask * confidence_loss + (1 - object_mask) * confidence_loss * ignore_mask
        class_loss = object_mask * self.cross_entropy(prediction[..., 5:], class_probs)
        loss = (self.reduce_sum(xy_loss, ()) + self.reduce_sum(wh_loss, ()) + self.reduce_sum(confidence_loss, ())
                + self.reduce_sum(class_loss, ()))
        return loss / prediction.shape[0]


@ms_api(_P + "yolov3_resnet18", torch="YOLOv3 with a torchvision resnet18-style backbone")
class yolov3_resnet18(Cell):  # pylint: disable=invalid-name
    """YOLOv3 on a ResNet-18 backbone, with the three detection blocks.

    Args:
        config (object): The YOLOv3 configuration (0.1's ``ConfigYOLOV3ResNet18`` fields).

    Inputs:
        - **x** (Tensor) - Tensor of shape ``config.feature_shape`` (any batch size).

    Outputs:
        Tuple of the three :class:`DetectionBlock` outputs (large, medium, small objects).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.yolov3 import yolov3_resnet18
        >>> class Config:
        ...     img_shape = [64, 64]
        ...     feature_shape = [1, 3, 64, 64]
        ...     num_classes = 2
        ...     backbone_input_shape = [64, 8, 16, 32]
        ...     backbone_shape = [8, 16, 32, 64]
        ...     backbone_layers = [2, 2, 2, 2]
        ...     backbone_stride = [1, 2, 2, 2]
        ...     ignore_threshold = 0.5
        ...     anchor_scales = [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119),
        ...                      (116, 90), (156, 198), (163, 326)]
        ...     out_channel = 21
        >>> outs = yolov3_resnet18(Config())(msnn.Tensor(np.zeros([1, 3, 64, 64]), msnn.float32))
        >>> [o.shape() for o in outs]
        [(1, 2, 2, 3, 7), (1, 4, 4, 3, 7), (1, 8, 8, 3, 7)]
    """

    def __init__(self, config):
        super(yolov3_resnet18, self).__init__()
        self.config = config
        self.feature_map = YOLOv3(feature_shape=config.feature_shape,
                                  backbone=ResNet(BasicBlock, config.backbone_layers, config.backbone_input_shape,
                                                  config.backbone_shape, config.backbone_stride, num_classes=None),
                                  backbone_shape=config.backbone_shape, out_channel=config.out_channel)
        self.detect_1 = DetectionBlock('l', config)
        self.detect_2 = DetectionBlock('m', config)
        self.detect_3 = DetectionBlock('s', config)

    def construct(self, x):
        big_object_output, medium_object_output, small_object_output = self.feature_map(x)
        return (self.detect_1(big_object_output), self.detect_2(medium_object_output),
                self.detect_3(small_object_output))


@ms_api(_P + "YoloWithLossCell", torch="network + the three YOLOv3 scale losses")
class YoloWithLossCell(Cell):
    """:class:`yolov3_resnet18` (in training mode) followed by the loss of the three scales.

    Args:
        network (Cell): The YOLOv3 network.
        config (object): The YOLOv3 configuration.

    Inputs:
        - **x** (Tensor) - The images :math:`(N, 3, H, W)`.
        - **y_true_0**, **y_true_1**, **y_true_2** (Tensor) - Targets of the large, medium and small
          scales, :math:`(N, gh, gw, 3, 5 + C)` at strides 32, 16, 8.
        - **gt_0**, **gt_1**, **gt_2** (Tensor) - Ground-truth boxes of each scale :math:`(N, M, 4)`.

    Outputs:
        Tensor, the scalar loss.

    Examples:
        >>> from msnn.model_zoo.yolov3 import YoloWithLossCell
        >>> YoloWithLossCell.__init__.__code__.co_varnames[1:3]
        ('network', 'config')
    """

    def __init__(self, network, config):
        super(YoloWithLossCell, self).__init__()
        self.yolo_network = network
        self.config = config
        self.loss_big = YoloLossBlock('l', config)
        self.loss_me = YoloLossBlock('m', config)
        self.loss_small = YoloLossBlock('s', config)

    def construct(self, x, y_true_0, y_true_1, y_true_2, gt_0, gt_1, gt_2):
        yolo_out = self.yolo_network(x)
        loss_l = self.loss_big(*yolo_out[0], y_true_0, gt_0)
        loss_m = self.loss_me(*yolo_out[1], y_true_1, gt_1)
        loss_s = self.loss_small(*yolo_out[2], y_true_2, gt_2)
        return loss_l + loss_m + loss_s


@ms_api(_P + "TrainingWrapper", torch="loss.backward() with grad_outputs=sens; optimizer.step()",
        deviations=("With a torch.distributed group of more than one process the gradients are all-reduced; 0.1 keyed "
                    "this on context.get_auto_parallel_context('parallel_mode').",))
class TrainingWrapper(Cell):
    """One training step of a network with its loss: gradients times ``sens``, optimizer.

    Args:
        network (Cell): The network with its loss (e.g. :class:`YoloWithLossCell`).
        optimizer (Cell): The optimizer; with ``sens = S`` give it ``loss_scale=S`` (as 0.1's
            example does with ``nn.Adam(..., loss_scale=1024)``).
        sens (Number): The upstream gradient of the loss. Default: 1.0.

    Inputs:
        The inputs of ``network``.

    Outputs:
        Tensor, the loss computed before the update.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> import msnn as nn
        >>> from msnn.model_zoo.yolov3 import TrainingWrapper
        >>> net = nn.WithLossCell(nn.Dense(3, 2), nn.MSELoss())
        >>> train = TrainingWrapper(net, nn.Adam(net.trainable_params(), 0.01, loss_scale=8.0), sens=8.0)
        >>> x, y = msnn.Tensor(np.ones([4, 3]), msnn.float32), msnn.Tensor(np.zeros([4, 2]), msnn.float32)
        >>> train.set_train()(x, y).shape()
        ()

    Note:
        With a ``torch.distributed`` group of more than one process the gradients are all-reduced
        (0.1 keyed this on the DATA_PARALLEL/HYBRID_PARALLEL context and its device number).
    """

    def __init__(self, network, optimizer, sens=1.0):
        super(TrainingWrapper, self).__init__(auto_prefix=False)
        self.network = network
        self.weights = ParameterTuple(network.trainable_params())
        self.optimizer = optimizer
        self.sens = sens
        self.grad_reducer = auto_reducer(optimizer.parameters, network)
        self.reducer_flag = self.grad_reducer is not None

    def construct(self, *args):
        loss = self.network(*args)
        grads = _weight_grads(loss, self.weights, torch.full_like(loss, float(self.sens)))
        if self.reducer_flag:
            grads = self.grad_reducer(grads)
        self.optimizer(grads)
        return loss.detach()
