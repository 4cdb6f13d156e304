"""AlexNet of MindSpore 0.1's model zoo (``mindspore.model_zoo.alexnet``)."""
from .._api import ms_api
from ..cell import Cell
from ..common.initializer import TruncatedNormal
from ..layer import Conv2d, Dense, Flatten, MaxPool2d, ReLU

__all__ = ["AlexNet"]


def _trunc():
    return TruncatedNormal(0.02)


def _conv(in_channels, out_channels, kernel_size, stride=1, pad_mode="valid"):
    return Conv2d(in_channels, out_channels, kernel_size=kernel_size, stride=stride, padding=0,
                  weight_init=_trunc(), has_bias=False, pad_mode=pad_mode)


@ms_api("mindspore.model_zoo.alexnet.AlexNet", torch="torch.nn.Conv2d/Linear/MaxPool2d stack",
        deviations=("batch_size is the constant 32 (the example's alexnet_cfg.batch_size): 0.1 "
                    "imported it from a `config` module next to the calling script; the network "
                    "never uses it.",))
class AlexNet(Cell):
    """AlexNet for 227x227 RGB images.

    Five convolutions without bias (11x11 stride 4 'valid', then 5x5 and three 3x3 'same'; 96,
    256, 384, 384, 256 channels) with ReLU, 3x3 stride-2 max-pools after the first, second and
    fifth, then fully connected layers 9216 -> 4096 -> 4096 -> num_classes. Every weight and
    bias is drawn from TruncatedNormal(0.02).

    Args:
        num_classes (int): Number of classes. Default: 10.

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(N, 3, 227, 227)`.

    Outputs:
        Tensor of shape :math:`(N, num\\_classes)`, the logits.

    Examples:
        >>> from msnn.model_zoo.alexnet import AlexNet
        >>> net = AlexNet(num_classes=10)  # doctest: +SKIP
        >>> tuple(net.fc3.weight.shape)  # doctest: +SKIP
        (10, 4096)

    Note:
        ``batch_size`` is 32; 0.1 read it from the example's ``config.alexnet_cfg``.
    """

    def __init__(self, num_classes=10):
        super(AlexNet, self).__init__()
        self.batch_size = 32
        self.conv1 = _conv(3, 96, 11, stride=4)
        self.conv2 = _conv(96, 256, 5, pad_mode="same")
        self.conv3 = _conv(256, 384, 3, pad_mode="same")
        self.conv4 = _conv(384, 384, 3, pad_mode="same")
        self.conv5 = _conv(384, 256, 3, pad_mode="same")
        self.relu = ReLU()
        self.max_pool2d = MaxPool2d(kernel_size=3, stride=2)
        self.flatten = Flatten()
        self.fc1 = Dense(6 * 6 * 256, 4096, _trunc(), _trunc())
        self.fc2 = Dense(4096, 4096, _trunc(), _trunc())
        self.fc3 = Dense(4096, num_classes, _trunc(), _trunc())

    def construct(self, x):
        x = self.max_pool2d(self.relu(self.conv1(x)))
        x = self.max_pool2d(self.relu(self.conv2(x)))
        x = self.relu(self.conv3(x))
        x = self.relu(self.conv4(x))
        x = self.max_pool2d(self.relu(self.conv5(x)))
        x = self.flatten(x)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)
