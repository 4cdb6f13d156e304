"""model_zoo Vgg / vgg16: 0.1's parameter lists, forward shapes, XavierUniform convolutions."""
import math

import numpy as np

import msnn
from msnn import Tensor
from msnn.model_zoo import vgg
from msnn.model_zoo.vgg import Vgg, vgg16

from .conftest import expected_params, listing


def test_vgg16_parameters_match_0_1(fast_init):
    net = vgg16(batch_size=2, num_classes=10)
    assert listing(net) == expected_params("vgg.vgg16(batch_size=2, num_classes=10)")
    assert net.shp == (2, -1)


def test_Vgg_plain_forward_and_xavier(fast_init):
    assert listing(Vgg(vgg.cfg['11'], 10, False, 2)) == expected_params("vgg.Vgg(cfg['11'], 10, False, 2)")
    net = Vgg(vgg.cfg['11'], 10, False, 1)
    assert net(Tensor(np.ones([1, 3, 224, 224]), msnn.float32)).shape() == (1, 10)


def test_Vgg_conv_weights_are_xavier_uniform():
    feats = vgg._features([16, 'M', 32], batch_norm=True)
    w = feats[4].weight.asnumpy()  # conv 16 -> 32, fan_in 144, fan_out 288
    bound = math.sqrt(6.0 / (16 * 9 + 32 * 9))
    assert np.abs(w).max() <= bound and abs(w.std() - bound / math.sqrt(3)) < 0.01
    assert [type(c).__name__ for c in feats] == ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d",
                                                  "BatchNorm2d", "ReLU"]
