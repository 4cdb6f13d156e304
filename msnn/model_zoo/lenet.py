"""LeNet-5 of MindSpore 0.1's model zoo (``mindspore.model_zoo.lenet``)."""
from .._api import ms_api
from ..cell import Cell
from ..common.initializer import TruncatedNormal
from ..layer import Conv2d, Dense, Flatten, MaxPool2d, ReLU

__all__ = ["LeNet5"]


def _trunc():
    return TruncatedNormal(0.02)


@ms_api("mindspore.model_zoo.lenet.LeNet5", torch="torch.nn.Conv2d/Linear/MaxPool2d stack")
class LeNet5(Cell):
    """LeNet-5 for 32x32 single-channel images.

    Two 5x5 'valid' convolutions without bias (6 and 16 channels), each followed by ReLU and a
    2x2 max-pool, then three fully connected layers 400 -> 120 -> 84 -> num_class with ReLU
    between them. Every weight and bias is drawn from TruncatedNormal(0.02).

    Args:
        num_class (int): Number of classes. Default: 10.

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(N, 1, 32, 32)`.

    Outputs:
        Tensor of shape :math:`(N, num\\_class)`, the logits.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.lenet import LeNet5
        >>> net = LeNet5(num_class=10)
        >>> net(msnn.Tensor(np.ones([2, 1, 32, 32]), msnn.float32)).shape()
        (2, 10)
    """

    def __init__(self, num_class=10):
        super(LeNet5, self).__init__()
        self.num_class = num_class
        self.batch_size = 32
        self.conv1 = Conv2d(1, 6, kernel_size=5, stride=1, padding=0, weight_init=_trunc(),
                            has_bias=False, pad_mode="valid")
        self.conv2 = Conv2d(6, 16, kernel_size=5, stride=1, padding=0, weight_init=_trunc(),
                            has_bias=False, pad_mode="valid")
        self.fc1 = Dense(16 * 5 * 5, 120, _trunc(), _trunc())
        self.fc2 = Dense(120, 84, _trunc(), _trunc())
        self.fc3 = Dense(84, self.num_class, _trunc(), _trunc())
        self.relu = ReLU()
        self.max_pool2d = MaxPool2d(kernel_size=2, stride=2)
        self.flatten = Flatten()

    def construct(self, x):
        x = self.max_pool2d(self.relu(self.conv1(x)))
        x = self.max_pool2d(self.relu(self.conv2(x)))
        x = self.flatten(x)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)
