"""Runs the model_zoo networks on a CUDA device (the CPU when there is none): a few training steps
each, float16 BERT included.

    python tools/model_zoo_device_check.py     # prints one line per check; exits 1 on a failure
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import msnn  # noqa: E402
import msnn as nn  # noqa: E402
from msnn import context  # noqa: E402
from msnn.model_zoo import Bert_NEZHA as B, yolov3 as Y  # noqa: E402
from msnn.model_zoo.resnet import resnet50  # noqa: E402
from msnn.model_zoo.lenet import LeNet5  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "model_zoo_params.json")


def _steps(train, data, n):
    out = []
    for _ in range(n):
        loss = train(*data)
        loss = loss[0] if isinstance(loss, tuple) else loss
        out.append(float(loss.reshape(-1)[0]))
    return out


def _report(name, losses, device_of):
    ok = all(np.isfinite(losses)) and losses[-1] < losses[0]
    print(f"{'OK ' if ok else 'BAD'} {name}: device={device_of} losses={[round(v, 4) for v in losses]}")
    return ok


def main():
    cuda = torch.cuda.is_available()
    context.set_context(device_target="GPU" if cuda else "CPU")
    dev = torch.device("cuda" if cuda else "cpu")
    ok = True
    np.random.seed(0)
    # LeNet5 + ResNet-50 with Momentum
    for name, net, shape, classes in (("LeNet5", LeNet5(), (32, 1, 32, 32), 10),
                                      ("resnet50", resnet50(10), (8, 3, 64, 64), 10)):
        net = net.to(dev)
        loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
        opt = nn.Momentum(net.trainable_params(), learning_rate=0.05, momentum=0.9)
        train = nn.TrainOneStepCell(nn.WithLossCell(net, loss), opt).set_train()
        data = (torch.randn(shape, device=dev), torch.arange(shape[0], device=dev, dtype=torch.int32) % classes)
        t = time.time()
        ok &= _report(name, _steps(train, data, 6), net.conv1.weight.device)
        print(f"    {time.time() - t:.2f}s")
    # BERT with float16 compute, loss-scaled
    kw = json.load(open(DATA, encoding="utf-8"))["meta"]["tiny_bert"]
    cfg = B.BertConfig(**dict(kw, compute_type=msnn.float16))
    net = B.BertNetworkWithLoss(cfg, True).to(dev)
    opt = nn.Lamb(net.trainable_params(), decay_steps=1000, start_learning_rate=0.1, end_learning_rate=0.0,
                  power=10.0, warmup_steps=0, decay_filter=lambda x: False)
    manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=2 ** 16, scale_factor=2, scale_window=1000)
    train = B.BertTrainOneStepWithLossScaleCell(net, opt, manager).set_train()
    rng = np.random.RandomState(0)
    ints = lambda a: torch.tensor(a, dtype=torch.int32, device=dev)  # noqa: E731
    data = (ints(rng.randint(0, 40, [2, 8])), ints(np.ones([2, 8])), ints(np.zeros([2, 8])), ints([[0], [1]]),
            ints(rng.randint(0, 8, [2, 3])), ints(rng.randint(0, 40, [2, 3])),
            torch.ones([2, 3], device=dev))
    ok &= _report("BERT fp16 + loss scale", _steps(train, data, 8), net.bert.cls1.output_bias.device)
    print(f"    loss_scale={float(train.loss_scale.detach())}")
    # YOLOv3 small config with Adam(loss_scale) and TrainingWrapper
    class Cfg:  # noqa: D401
        img_shape = [64, 96]
        feature_shape = [2, 3, 64, 96]
        num_classes = 2
        backbone_input_shape = [64, 8, 16, 32]
        backbone_shape = [8, 16, 32, 64]
        backbone_layers = [2, 2, 2, 2]
        backbone_stride = [1, 2, 2, 2]
        ignore_threshold = 0.5
        anchor_scales = [(3, 4), (4, 8), (8, 6), (8, 15), (16, 11), (15, 30), (29, 22), (39, 50), (41, 82)]
        out_channel = 21
    net = Y.YoloWithLossCell(Y.yolov3_resnet18(Cfg()), Cfg()).to(dev)
    opt = nn.Adam(filter(lambda x: x.requires_grad, net.get_parameters()), 1e-2, loss_scale=1024.0)
    train = Y.TrainingWrapper(net, opt, 1024.0).set_train()
    y = [torch.zeros((2, g0, g1, 3, 7), device=dev) for g0, g1 in ((2, 3), (4, 6), (8, 12))]
    y[1][:, 1, 2, 0, :5] = torch.tensor([0.4, 0.4, 0.1, 0.2, 1.0])
    y[1][:, 1, 2, 0, 5] = 1.0
    gts = [torch.zeros((2, 5, 4), device=dev) for _ in range(3)]
    gts[1][:, 0] = torch.tensor([0.4, 0.4, 0.1, 0.2])
    data = [torch.randn(2, 3, 64, 96, device=dev)] + y + gts
    ok &= _report("YOLOv3", _steps(train, data, 5), net.loss_big.anchors.device)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
