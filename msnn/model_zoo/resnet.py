"""ResNet of MindSpore 0.1's model zoo (``mindspore.model_zoo.resnet``)."""
import numpy as np

from .._api import ms_api
from ..cell import Cell
from ..common.tensor import Tensor
from ..layer import BatchNorm2d, Conv2d, Dense, Flatten, ReLU, SequentialCell
from ..ops import operations as P

__all__ = ["ResidualBlock", "ResNet", "resnet50", "resnet101"]


def _randn_weight(shape, factor=0.01):
    """N(0, 1) * factor from numpy's global stream, as the 0.1 network drew its weights."""
    return Tensor(np.random.randn(*shape).astype(np.float32) * factor)


def _conv(in_channel, out_channel, kernel_size, stride=1):
    return Conv2d(in_channel, out_channel, kernel_size=kernel_size, stride=stride, padding=0,
                  pad_mode='same',
                  weight_init=_randn_weight((out_channel, in_channel, kernel_size, kernel_size)))


def _bn(channel, gamma_init=1):
    return BatchNorm2d(channel, eps=1e-4, momentum=0.9, gamma_init=gamma_init, beta_init=0,
                       moving_mean_init=0, moving_var_init=1)


@ms_api("mindspore.model_zoo.resnet.ResidualBlock", torch="torchvision.models.resnet.Bottleneck")
class ResidualBlock(Cell):
    """ResNet v1 bottleneck block: 1x1 -> 3x3 (stride) -> 1x1 convolutions with BatchNorm.

    The middle width is ``out_channel // 4``; the last BatchNorm starts with gamma 0. When
    ``stride != 1`` or ``in_channel != out_channel`` the shortcut is ``down_sample_layer``
    (1x1 convolution with the stride, then BatchNorm); otherwise it is the identity.
    Convolution weights are N(0, 0.01²), without bias; BatchNorm has eps 1e-4, momentum 0.9.

    Args:
        in_channel (int): Input channels.
        out_channel (int): Output channels.
        stride (int): Stride of the 3x3 convolution and of the shortcut. Default: 1.

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(N, in\\_channel, H, W)`.

    Outputs:
        Tensor of shape :math:`(N, out\\_channel, \\lceil H/stride \\rceil, \\lceil W/stride \\rceil)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.resnet import ResidualBlock
        >>> block = ResidualBlock(3, 256, stride=2)
        >>> block(msnn.Tensor(np.ones([1, 3, 8, 8]), msnn.float32)).shape()
        (1, 256, 4, 4)
    """
    expansion = 4

    def __init__(self, in_channel, out_channel, stride=1):
        super(ResidualBlock, self).__init__()
        channel = out_channel // self.expansion
        self.conv1 = _conv(in_channel, channel, 1)
        self.bn1 = _bn(channel)
        self.conv2 = _conv(channel, channel, 3, stride=stride)
        self.bn2 = _bn(channel)
        self.conv3 = _conv(channel, out_channel, 1)
        self.bn3 = _bn(out_channel, gamma_init=0)
        self.relu = ReLU()
        self.down_sample = stride != 1 or in_channel != out_channel
        self.down_sample_layer = None
        if self.down_sample:
            self.down_sample_layer = SequentialCell([_conv(in_channel, out_channel, 1, stride),
                                                     _bn(out_channel)])
        self.add = P.TensorAdd()

    def construct(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = self.down_sample_layer(x) if self.down_sample else x
        return self.relu(self.add(out, identity))


@ms_api("mindspore.model_zoo.resnet.ResNet", torch="torchvision.models.ResNet")
class ResNet(Cell):
    """ResNet v1: a 7x7 stride-2 stem, a 3x3 stride-2 'same' max-pool, four stages, global mean, Dense.

    Args:
        block (type): The block class, e.g. :class:`ResidualBlock`.
        layer_nums (list): Number of blocks in each of the 4 stages.
        in_channels (list): Input channels of each stage.
        out_channels (list): Output channels of each stage.
        strides (list): Stride of the first block of each stage.
        num_classes (int): Number of classes.

    Raises:
        ValueError: If layer_nums, in_channels or out_channels does not have 4 entries.

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(N, 3, H, W)`.

    Outputs:
        Tensor of shape :math:`(N, num\\_classes)`.

    Examples:
        >>> from msnn.model_zoo.resnet import ResNet, ResidualBlock
        >>> net = ResNet(ResidualBlock, [1, 1, 1, 1], [64, 256, 512, 1024],
        ...              [256, 512, 1024, 2048], [1, 2, 2, 2], 10)
        >>> tuple(net.end_point.weight.shape)
        (10, 2048)
    """

    def __init__(self, block, layer_nums, in_channels, out_channels, strides, num_classes):
        super(ResNet, self).__init__()
        if not len(layer_nums) == len(in_channels) == len(out_channels) == 4:
            raise ValueError(f"For 'ResNet', the 'layer_nums', 'in_channels' and 'out_channels' must "
                             f"each have 4 entries, but got {len(layer_nums)}, {len(in_channels)} "
                             f"and {len(out_channels)}.")
        self.conv1 = _conv(3, 64, 7, stride=2)
        self.bn1 = _bn(64)
        self.relu = P.ReLU()
        self.maxpool = P.MaxPoolWithArgmax(pad_mode='same', window=3, stride=2)
        self.layer1 = self._make_layer(block, layer_nums[0], in_channels[0], out_channels[0], strides[0])
        self.layer2 = self._make_layer(block, layer_nums[1], in_channels[1], out_channels[1], strides[1])
        self.layer3 = self._make_layer(block, layer_nums[2], in_channels[2], out_channels[2], strides[2])
        self.layer4 = self._make_layer(block, layer_nums[3], in_channels[3], out_channels[3], strides[3])
        self.mean = P.ReduceMean(keep_dims=True)
        self.flatten = Flatten()
        self.end_point = Dense(out_channels[3], num_classes, has_bias=True,
                               weight_init=_randn_weight((num_classes, out_channels[3])), bias_init=0)

    def _make_layer(self, block, layer_num, in_channel, out_channel, stride):
        blocks = [block(in_channel, out_channel, stride=stride)]
        blocks += [block(out_channel, out_channel, stride=1) for _ in range(1, layer_num)]
        return SequentialCell(blocks)

    def construct(self, x):
        c1, _ = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        c5 = self.layer4(self.layer3(self.layer2(self.layer1(c1))))
        out = self.mean(c5, (2, 3))
        return self.end_point(self.flatten(out))


@ms_api("mindspore.model_zoo.resnet.resnet50", torch="torchvision.models.resnet50")
def resnet50(class_num=10):
    """ResNet-50: ``ResNet(ResidualBlock, [3, 4, 6, 3], ...)`` with ``class_num`` classes.

    Args:
        class_num (int): Number of classes. Default: 10.

    Returns:
        ResNet, the network.

    Examples:
        >>> from msnn.model_zoo.resnet import resnet50
        >>> net = resnet50(10)  # doctest: +SKIP
        >>> tuple(net.end_point.weight.shape)  # doctest: +SKIP
        (10, 2048)
    """
    return ResNet(ResidualBlock, [3, 4, 6, 3], [64, 256, 512, 1024], [256, 512, 1024, 2048],
                  [1, 2, 2, 2], class_num)


@ms_api("mindspore.model_zoo.resnet.resnet101", torch="torchvision.models.resnet101",
        deviations=("Not in 0.1 (added by later MindSpore model zoos); built from 0.1's blocks "
                    "with stages [3, 4, 23, 3].",))
def resnet101(class_num=1001):
    """ResNet-101: ``ResNet(ResidualBlock, [3, 4, 23, 3], ...)`` with ``class_num`` classes.

    Args:
        class_num (int): Number of classes. Default: 1001.

    Returns:
        ResNet, the network.

    Examples:
        >>> from msnn.model_zoo.resnet import resnet101
        >>> net = resnet101(10)  # doctest: +SKIP

    Note:
        MindSpore 0.1 had only ``resnet50``; this one follows the same blocks and naming.
    """
    return ResNet(ResidualBlock, [3, 4, 23, 3], [64, 256, 512, 1024], [256, 512, 1024, 2048],
                  [1, 2, 2, 2], class_num)
