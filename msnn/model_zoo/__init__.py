"""``mindspore.model_zoo``: the reference networks MindSpore 0.1.0-alpha shipped, written for msnn.

Each network has 0.1's constructor signature and 0.1's parameter names, order and shapes, so a
checkpoint written by MindSpore 0.1 loads into it (``load_param_into_net``) and the reverse.
Import a network from its own module, as 0.1's example scripts do::

    from mindspore.model_zoo.resnet import resnet50
    from mindspore.model_zoo.Bert_NEZHA import BertConfig, BertNetworkWithLoss

Modules: ``lenet`` (LeNet5), ``alexnet`` (AlexNet), ``resnet`` (ResNet, ResidualBlock, resnet50,
resnet101), ``vgg`` (Vgg, vgg16), ``yolov3`` (yolov3_resnet18, YoloWithLossCell,
TrainingWrapper, ...) and the package ``Bert_NEZHA``.
"""
