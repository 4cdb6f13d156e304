"""LeNet-5 on MNIST-format files, written as a 2020 MindSpore 0.1 script (``import mindspore``).

Run it unmodified on PyTorch with msnn, after writing MNIST-format files from the digits the
project ships (``tools/make_dataset_files.py``)::

    python tools/make_dataset_files.py --out /tmp/msnn_data --full --repeat 8
    python -m msnn examples/lenet_mnist.py --data_path /tmp/msnn_data/MNIST_Data

It trains with ``Model.train`` (``LossMonitor`` prints MindSpore's ``epoch: 1 step: 50, loss is ...``
lines, ``ModelCheckpoint`` writes ``checkpoint_lenet-<epoch>_<step>.ckpt``), then loads the last
checkpoint into a fresh network and evaluates it with ``Model.eval``.
"""
import argparse
import os
import time

import mindspore.dataset as ds
import mindspore.dataset.transforms.c_transforms as C
import mindspore.dataset.transforms.vision.c_transforms as CV
import mindspore.nn as nn
from mindspore import context
from mindspore.common import dtype as mstype
from mindspore.common.initializer import XavierUniform
from mindspore.dataset.transforms.vision import Inter
from mindspore.nn.metrics import Accuracy
from mindspore.train import Model
from mindspore.train.callback import CheckpointConfig, LossMonitor, ModelCheckpoint
from mindspore.train.serialization import load_checkpoint, load_param_into_net


def create_dataset(data_path, batch_size=32, repeat_size=1, num_parallel_workers=1):
    """MNIST pipeline: resize to 32x32, rescale to [0, 1] then normalise, HWC -> CHW, shuffle, batch."""
    mnist_ds = ds.MnistDataset(data_path)
    resize_op = CV.Resize((32, 32), interpolation=Inter.LINEAR)
    rescale_nml_op = CV.Rescale(1 / 0.3081, -1 * 0.1307 / 0.3081)
    rescale_op = CV.Rescale(1.0 / 255.0, 0.0)
    hwc2chw_op = CV.HWC2CHW()
    type_cast_op = C.TypeCast(mstype.int32)
    mnist_ds = mnist_ds.map(input_columns="label", operations=type_cast_op, num_parallel_workers=num_parallel_workers)
    mnist_ds = mnist_ds.map(input_columns="image", operations=resize_op, num_parallel_workers=num_parallel_workers)
    mnist_ds = mnist_ds.map(input_columns="image", operations=rescale_op, num_parallel_workers=num_parallel_workers)
    mnist_ds = mnist_ds.map(input_columns="image", operations=rescale_nml_op, num_parallel_workers=num_parallel_workers)
    mnist_ds = mnist_ds.map(input_columns="image", operations=hwc2chw_op, num_parallel_workers=num_parallel_workers)
    mnist_ds = mnist_ds.shuffle(buffer_size=10000)
    mnist_ds = mnist_ds.batch(batch_size, drop_remainder=True)
    return mnist_ds.repeat(repeat_size)


def conv(in_channels, out_channels, kernel_size):
    # the model zoo's TruncatedNormal(0.02) sits on a loss plateau for ~700 steps; Xavier starts at once
    return nn.Conv2d(in_channels, out_channels, kernel_size=kernel_size, weight_init=XavierUniform(),
                     has_bias=False, pad_mode="valid")


def fc_with_initialize(input_channels, out_channels):
    return nn.Dense(input_channels, out_channels, XavierUniform(), "zeros")


class LeNet5(nn.Cell):
    """LeNet-5: two valid 5x5 convolutions with 2x2 max pooling, then three dense layers."""

    def __init__(self, num_class=10):
        super(LeNet5, self).__init__()
        self.conv1 = conv(1, 6, 5)
        self.conv2 = conv(6, 16, 5)
        self.fc1 = fc_with_initialize(16 * 5 * 5, 120)
        self.fc2 = fc_with_initialize(120, 84)
        self.fc3 = fc_with_initialize(84, num_class)
        self.relu = nn.ReLU()
        self.max_pool2d = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten = nn.Flatten()

    def construct(self, x):
        x = self.max_pool2d(self.relu(self.conv1(x)))
        x = self.max_pool2d(self.relu(self.conv2(x)))
        x = self.flatten(x)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="MindSpore LeNet Example")
    parser.add_argument("--device_target", type=str, default="CPU", choices=["Ascend", "GPU", "CPU"])
    parser.add_argument("--data_path", type=str, default="./MNIST_Data", help="MNIST_Data with train/ and test/")
    parser.add_argument("--epoch_size", type=int, default=3)
    parser.add_argument("--ckpt_path", type=str, default="./ckpt_lenet")
    args = parser.parse_args()

    context.set_context(mode=context.GRAPH_MODE, device_target=args.device_target, enable_mem_reuse=False)

    network = LeNet5(10)
    net_loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction="mean")
    net_opt = nn.Momentum(network.trainable_params(), 0.01, 0.9)
    config_ck = CheckpointConfig(save_checkpoint_steps=100, keep_checkpoint_max=3)
    ckpoint_cb = ModelCheckpoint(prefix="checkpoint_lenet", directory=args.ckpt_path, config=config_ck)
    model = Model(network, net_loss, net_opt, metrics={"Accuracy": Accuracy()})

    ds_train = create_dataset(os.path.join(args.data_path, "train"), 32, args.epoch_size)
    print(f"============== Starting Training: {ds_train.get_dataset_size()} steps per epoch ==============")
    start = time.time()
    model.train(args.epoch_size, ds_train, callbacks=[ckpoint_cb, LossMonitor(per_print_times=50)],
                dataset_sink_mode=False)
    print(f"training took {time.time() - start:.1f} s")

    print("============== Starting Testing ==============")
    last = sorted((f for f in os.listdir(args.ckpt_path) if f.endswith(".ckpt")),
                  key=lambda f: os.path.getmtime(os.path.join(args.ckpt_path, f)))[-1]
    eval_net = LeNet5(10)
    load_param_into_net(eval_net, load_checkpoint(os.path.join(args.ckpt_path, last)))
    eval_model = Model(eval_net, net_loss, metrics={"Accuracy": Accuracy()})
    ds_eval = create_dataset(os.path.join(args.data_path, "test"), 32, 1)
    acc = eval_model.eval(ds_eval, dataset_sink_mode=False)
    print(f"============== Accuracy:{acc} (checkpoint {last}) ==============")
