"""VGG of MindSpore 0.1's model zoo (``mindspore.model_zoo.vgg``)."""
from .._api import ms_api
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from ..common.initializer import initializer
from ..layer import BatchNorm2d, Conv2d, Dense, MaxPool2d, ReLU, SequentialCell
from ..ops import operations as P

__all__ = ["Vgg", "vgg16", "cfg"]

# channel plans of the VGG variants ('M' is a 2x2 stride-2 max-pool)
cfg = {
    '11': [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    '13': [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    '16': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
    '19': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M',
           512, 512, 512, 512, 'M'],
}


def _features(base, batch_norm):
    cells = []
    channels = 3
    for item in base:
        if item == 'M':
            cells.append(MaxPool2d(kernel_size=2, stride=2))
            continue
        weight = initializer('XavierUniform', shape=(item, channels, 3, 3), dtype=mstype.float32)
        cells.append(Conv2d(in_channels=channels, out_channels=item, kernel_size=3, padding=0,
                            pad_mode='same', weight_init=weight))
        if batch_norm:
            cells.append(BatchNorm2d(item))
        cells.append(ReLU())
        channels = item
    return SequentialCell(cells)


@ms_api("mindspore.model_zoo.vgg.Vgg", torch="torchvision.models.VGG (without the adaptive pool and dropout)")
class Vgg(Cell):
    """VGG network.

    ``layers`` holds 3x3 'same' convolutions without bias (XavierUniform weights), each followed
    by BatchNorm2d when ``batch_norm`` and ReLU, with a 2x2 max-pool for each 'M' of ``base``;
    ``classifier`` holds Dense 25088 -> 4096 -> 4096 -> num_classes with ReLU between them.

    Args:
        base (list): The channel plan, ints and 'M' (see ``cfg``).
        num_classes (int): Number of classes. Default: 1000.
        batch_norm (bool): Whether a BatchNorm2d follows each convolution. Default: False.
        batch_size (int): The batch size; the features are reshaped to ``(batch_size, -1)``
            before the classifier, so every input batch must have this size. Default: 1.

    Inputs:
        - **x** (Tensor) - Tensor of shape :math:`(batch\\_size, 3, 224, 224)`.

    Outputs:
        Tensor of shape :math:`(batch\\_size, num\\_classes)`.

    Examples:
        >>> from msnn.model_zoo.vgg import Vgg, cfg
        >>> net = Vgg(cfg['11'], num_classes=10, batch_norm=True, batch_size=2)  # doctest: +SKIP
        >>> tuple(net.classifier[4].weight.shape)  # doctest: +SKIP
        (10, 4096)
    """

    def __init__(self, base, num_classes=1000, batch_norm=False, batch_size=1):
        super(Vgg, self).__init__()
        V.check_bool(batch_norm, "batch_norm", "Vgg")
        self.layers = _features(base, batch_norm=batch_norm)
        self.reshape = P.Reshape()
        self.shp = (batch_size, -1)
        self.classifier = SequentialCell([
            Dense(512 * 7 * 7, 4096),
            ReLU(),
            Dense(4096, 4096),
            ReLU(),
            Dense(4096, num_classes)])

    def construct(self, x):
        x = self.layers(x)
        x = self.reshape(x, self.shp)
        return self.classifier(x)


@ms_api("mindspore.model_zoo.vgg.vgg16", torch="torchvision.models.vgg16_bn")
def vgg16(batch_size=1, num_classes=1000):
    """VGG-16 with batch normalization: ``Vgg(cfg['16'], num_classes, batch_norm=True, batch_size)``.

    Args:
        batch_size (int): The batch size every input must have. Default: 1.
        num_classes (int): Number of classes. Default: 1000.

    Returns:
        Vgg, the network.

    Examples:
        >>> from msnn.model_zoo.vgg import vgg16
        >>> net = vgg16(batch_size=32, num_classes=10)  # doctest: +SKIP
    """
    return Vgg(cfg['16'], num_classes=num_classes, batch_norm=True, batch_size=batch_size)
