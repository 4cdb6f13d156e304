"""LeNet-5 on handwritten digits, written as a 2020 MindSpore script and run by msnn on PyTorch.

The network, loss, optimizer, training wrappers and metric are MindSpore 0.1's ``mindspore.nn``
(``import mindspore.nn as nn`` becomes ``import msnn as nn``); the data are scikit-learn's 8x8
digits shipped in ``examples/data/digits.npz`` (see ``examples/data/README.md``), upsampled to
LeNet's 32x32 input.

    python examples/lenet_digits.py                 # float32 training
    python examples/lenet_digits.py --loss-scale    # TrainOneStepWithLossScaleCell + DynamicLossScaleUpdateCell

It prints the loss per epoch and the test accuracy. On a GPU (``device_target='GPU'``, chosen
automatically when CUDA is present) ``--loss-scale`` also runs the backbone in float16
(``Cell.to_float``), the mixed-precision setup loss scaling exists for.
"""
import argparse
import os
import time

import numpy as np

import msnn as nn
from msnn import Tensor, context
from msnn.common import dtype as mstype
from msnn.common.initializer import XavierUniform

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "digits.npz")


def weight_variable():
    """Weight initial.

    MindSpore's model-zoo LeNet used TruncatedNormal(0.02), which sits on a plateau for the first
    few hundred steps -- fine for MNIST's 1875 steps per epoch, too slow for the 44 here.
    """
    return XavierUniform()


def conv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Conv layer weight initial."""
    weight = weight_variable()
    return nn.Conv2d(in_channels, out_channels, kernel_size=kernel_size, stride=stride, padding=padding,
                     weight_init=weight, has_bias=False, pad_mode="valid")


def fc_with_initialize(input_channels, out_channels):
    """Fc layer weight initial."""
    weight = weight_variable()
    return nn.Dense(input_channels, out_channels, weight, 'zeros')


class LeNet5(nn.Cell):
    """LeNet-5: two valid 5x5 convolutions with 2x2 max pooling, then three dense layers."""

    def __init__(self, num_class=10, channel=1):
        super(LeNet5, self).__init__()
        self.num_class = num_class
        self.conv1 = conv(channel, 6, 5)
        self.conv2 = conv(6, 16, 5)
        self.fc1 = fc_with_initialize(16 * 5 * 5, 120)
        self.fc2 = fc_with_initialize(120, 84)
        self.fc3 = fc_with_initialize(84, self.num_class)
        self.relu = nn.ReLU()
        self.max_pool2d = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten = nn.Flatten()

    def construct(self, x):
        x = self.conv1(x)
        x = self.relu(x)
        x = self.max_pool2d(x)
        x = self.conv2(x)
        x = self.relu(x)
        x = self.max_pool2d(x)
        x = self.flatten(x)
        x = self.fc1(x)
        x = self.relu(x)
        x = self.fc2(x)
        x = self.relu(x)
        x = self.fc3(x)
        return x


def load_digits(path=DATA):
    """(x_train, y_train, x_test, y_test) as numpy: images (N, 1, 32, 32) float32, labels int32.

    Pixels 0..16 are scaled to [0, 1], standardised with the training set's mean and std, and each
    8x8 image is upsampled 4x (nearest) to 32x32.
    """
    data = np.load(path)
    x_train = data["x_train"].astype(np.float32) / 16.0
    x_test = data["x_test"].astype(np.float32) / 16.0
    mean, std = x_train.mean(), x_train.std()

    def prep(x):
        x = (x - mean) / std
        return np.repeat(np.repeat(x, 4, axis=1), 4, axis=2)[:, None, :, :].astype(np.float32)

    return (prep(x_train), data["y_train"].astype(np.int32),
            prep(x_test), data["y_test"].astype(np.int32))


def evaluate(network, x_test, y_test):
    """Top-1 accuracy of ``network`` with the Accuracy metric (network in inference mode)."""
    network.set_train(False)
    metric = nn.Accuracy()
    metric.clear()
    metric.update(network(Tensor(x_test)), Tensor(y_test))
    return metric.eval()


def train(epochs=10, batch_size=32, lr=0.01, momentum=0.9, loss_scale=False, seed=1, verbose=True):
    """Trains LeNet-5 on the digits; returns ``{'accuracy', 'losses', 'seconds', 'overflows'}``."""
    np.random.seed(seed)  # msnn draws initial weights from numpy's global RNG, as MindSpore did
    x_train, y_train, x_test, y_test = load_digits()
    start = time.time()

    network = LeNet5(10)
    net_loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction="mean")
    net_opt = nn.Momentum(network.trainable_params(), learning_rate=lr, momentum=momentum)
    if loss_scale:
        backbone = network
        if context.get_context("device_target") == "GPU":
            backbone = network.to_float(mstype.float16)
        net_with_loss = nn.WithLossCell(backbone, net_loss)
        manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=2 ** 12, scale_factor=2, scale_window=1000)
        train_net = nn.TrainOneStepWithLossScaleCell(net_with_loss, net_opt, scale_update_cell=manager)
    else:
        net_with_loss = nn.WithLossCell(network, net_loss)
        train_net = nn.TrainOneStepCell(net_with_loss, net_opt)
    train_net.set_train()

    features, labels = Tensor(x_train), Tensor(y_train)
    steps = len(x_train) // batch_size  # drop the remainder, like dataset.batch(drop_remainder=True)
    losses, overflows = [], 0
    for epoch in range(epochs):
        train_net.set_train()
        order = np.random.permutation(len(x_train))
        epoch_loss = 0.0
        for step in range(steps):
            idx = order[step * batch_size:(step + 1) * batch_size]
            output = train_net(features[idx], labels[idx])
            if loss_scale:
                loss, overflow, scale = output
                overflows += int(overflow)
            else:
                loss = output
            epoch_loss = epoch_loss + loss
        losses.append(float(epoch_loss) / steps)
        if verbose:
            extra = f", loss scale {float(scale):.0f}, overflow steps so far {overflows}" if loss_scale else ""
            print(f"epoch {epoch + 1}/{epochs}: loss {losses[-1]:.4f}{extra}", flush=True)
    accuracy = evaluate(network, x_test, y_test)
    seconds = time.time() - start
    if verbose:
        print(f"test accuracy {accuracy:.4f} on {len(x_test)} images ({seconds:.1f} s)", flush=True)
    return {"accuracy": accuracy, "losses": losses, "seconds": seconds, "overflows": overflows}


def main():
    parser = argparse.ArgumentParser(description="MindSpore-style LeNet-5 on the 8x8 digits, run by msnn")
    parser.add_argument("--device_target", default=None, choices=["CPU", "GPU"],
                        help="default: GPU when CUDA is available, else CPU")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cpu-threads", type=int, default=1,
                        help="torch intra-op threads on the CPU (LeNet's tensors are too small to gain from "
                             "more; one thread also avoids OpenMP spin-waits on shared cores)")
    parser.add_argument("--loss-scale", action="store_true",
                        help="train with TrainOneStepWithLossScaleCell and DynamicLossScaleUpdateCell")
    args = parser.parse_args()
    import torch  # pylint: disable=import-outside-toplevel  (device choice and CPU threads only)
    target = args.device_target
    if target is None:
        target = "GPU" if torch.cuda.is_available() else "CPU"
    torch.set_num_threads(args.cpu_threads)
    context.set_context(mode=context.GRAPH_MODE, device_target=target)
    print(f"device_target={target}, loss scaling {'on' if args.loss_scale else 'off'}")
    train(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, loss_scale=args.loss_scale,
          seed=args.seed)


if __name__ == "__main__":
    main()
