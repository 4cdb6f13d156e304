"""The pipelines of 0.1's example dataset.py files (lenet, alexnet, resnet50, vgg16), rebuilt here
under the ``mindspore`` alias on files in the real formats: sizes, shapes, dtypes, repeat counts.

The graphs (sources, map order, shuffle/batch/repeat order, arguments) are the examples'; the code is
written afresh. The transforms are msnn's (msnn.dataset.transforms) when present; the
``*_shapes`` tests use numpy callables with the same output shapes so the engine is checked
whatever the transforms' state.
"""
import os

import numpy as np
import pytest

import msnn

msnn.install_alias()
import mindspore.dataset as ds  # noqa: E402  pylint: disable=wrong-import-position
import mindspore.dataset.engine as de  # noqa: E402  pylint: disable=wrong-import-position

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")


class Shim:
    """Numpy callables with the shapes/dtypes of the vision ops the examples use."""

    @staticmethod
    def Resize(size, interpolation=None):  # pylint: disable=invalid-name
        def resize(img):
            h, w = size
            ys = np.arange(h) * img.shape[0] // h
            xs = np.arange(w) * img.shape[1] // w
            return img[ys][:, xs]
        return resize

    @staticmethod
    def Rescale(rescale, shift):  # pylint: disable=invalid-name
        return lambda img: img.astype(np.float32) * np.float32(rescale) + np.float32(shift)

    @staticmethod
    def Normalize(mean, std):  # pylint: disable=invalid-name
        return lambda img: ((img - np.array(mean, np.float32)) / np.array(std, np.float32)).astype(np.float32)

    @staticmethod
    def RandomCrop(size, padding):  # pylint: disable=invalid-name
        return lambda img: np.pad(img, ((4, 4), (4, 4), (0, 0)))[4:4 + size[0], 4:4 + size[1]]

    @staticmethod
    def RandomHorizontalFlip(prob=0.5):  # pylint: disable=invalid-name
        return lambda img: img[:, ::-1]

    @staticmethod
    def HWC2CHW():  # pylint: disable=invalid-name
        return lambda img: np.ascontiguousarray(img.transpose(2, 0, 1))

    @staticmethod
    def TypeCast(dtype):  # pylint: disable=invalid-name
        return lambda x: x.astype(np.int32)


def real_transforms():
    CV = pytest.importorskip("mindspore.dataset.transforms.vision.c_transforms")
    C = pytest.importorskip("mindspore.dataset.transforms.c_transforms")
    return CV, C


def lenet(data_path, CV, C, batch_size=32, repeat_size=1, num_parallel_workers=1):
    import mindspore.common.dtype as mstype
    mnist_ds = ds.MnistDataset(data_path)
    resize_op = CV.Resize((32, 32))
    rescale_nml_op = CV.Rescale(1 / 0.3081, -1 * 0.1307 / 0.3081)
    rescale_op = CV.Rescale(1.0 / 255.0, 0.0)
    hwc2chw_op = CV.HWC2CHW()
    type_cast_op = C.TypeCast(mstype.int32)
    mnist_ds = mnist_ds.map(input_columns="label", operations=type_cast_op, num_parallel_workers=num_parallel_workers)
    for op in (resize_op, rescale_op, rescale_nml_op, hwc2chw_op):
        mnist_ds = mnist_ds.map(input_columns="image", operations=op, num_parallel_workers=num_parallel_workers)
    mnist_ds = mnist_ds.shuffle(buffer_size=10000)
    mnist_ds = mnist_ds.batch(batch_size, drop_remainder=True)
    return mnist_ds.repeat(repeat_size)


def cifar_ops(CV, C, size, train=True, mean=(0.4914, 0.4822, 0.4465), std=(0.2023, 0.1994, 0.2010), flip=0.5):
    import mindspore.common.dtype as mstype
    trans = [CV.RandomCrop((32, 32), (4, 4, 4, 4)), CV.RandomHorizontalFlip(flip)] if train else []
    trans += [CV.Resize(size), CV.Rescale(1.0 / 255.0, 0.0), CV.Normalize(mean, std), CV.HWC2CHW()]
    return C.TypeCast(mstype.int32), trans


def alexnet(data_path, CV, C, batch_size=32, repeat_size=1):
    cifar_ds = ds.Cifar10Dataset(data_path)
    cast, trans = cifar_ops(CV, C, (227, 227))
    cifar_ds = cifar_ds.map(input_columns="label", operations=cast)
    for op in trans:
        cifar_ds = cifar_ds.map(input_columns="image", operations=op)
    cifar_ds = cifar_ds.shuffle(buffer_size=1000)
    cifar_ds = cifar_ds.repeat(repeat_size)
    return cifar_ds.batch(batch_size, drop_remainder=True)


def resnet50(dataset_path, CV, C, device_num=1, rank_id=0, repeat_num=1, batch_size=32):
    if device_num == 1:
        data = de.Cifar10Dataset(dataset_path, num_parallel_workers=4, shuffle=True)
    else:
        data = de.Cifar10Dataset(dataset_path, num_parallel_workers=4, shuffle=True, num_shards=device_num,
                                 shard_id=rank_id)
    cast, trans = cifar_ops(CV, C, (224, 224), flip=rank_id / (rank_id + 1))
    data = data.map(input_columns="label", operations=cast)
    data = data.map(input_columns="image", operations=trans)
    data = data.shuffle(buffer_size=1000)
    data = data.batch(batch_size, drop_remainder=True)
    return data.repeat(repeat_num)


def vgg16(data_home, CV, C, repeat_num=1, training=True, batch_size=16):
    ds.config.set_seed(1)
    data_dir = data_home + ("/cifar-10-batches-bin" if training else "/cifar-10-verify-bin")
    data_set = ds.Cifar10Dataset(data_dir)
    cast, trans = cifar_ops(CV, C, (224, 224), train=training, mean=(0.4465, 0.4822, 0.4914),
                            std=(0.2010, 0.1994, 0.2023))
    data_set = data_set.map(input_columns="label", operations=cast)
    data_set = data_set.map(input_columns="image", operations=trans)
    data_set = data_set.repeat(repeat_num)
    data_set = data_set.shuffle(buffer_size=10)
    return data_set.batch(batch_size=batch_size, drop_remainder=True)


@pytest.fixture
def vgg_home(tmp_path):
    os.symlink(os.path.join(DATA, "cifar10"), tmp_path / "cifar-10-batches-bin")
    os.symlink(os.path.join(DATA, "cifar10"), tmp_path / "cifar-10-verify-bin")
    yield str(tmp_path)
    ds.config.set_seed(5489)


def check(data, size, repeat, shapes, image_dtype=np.float32):
    assert data.get_dataset_size() == size
    assert data.get_repeat_count() == repeat
    rows = list(data)
    assert len(rows) == size * repeat
    assert [list(a.shape) for a in rows[0]] == shapes
    assert rows[0][0].dtype == image_dtype and rows[0][1].dtype == np.int32


def test_MnistDataset_lenet_example_pipeline_shapes():
    check(lenet(os.path.join(DATA, "mnist", "train"), Shim, Shim, repeat_size=2), 2, 2,
          [[32, 1, 32, 32], [32]])


def test_Cifar10Dataset_alexnet_example_pipeline_shapes():
    data = alexnet(os.path.join(DATA, "cifar10"), Shim, Shim, batch_size=8, repeat_size=2)
    assert data.get_dataset_size() == 4 and data.get_repeat_count() == 2  # 0.1 finds the repeat below batch
    rows = list(data)
    assert len(rows) == 8 and list(rows[0][0].shape) == [8, 3, 227, 227]


def test_Cifar10Dataset_resnet50_example_pipeline_shapes():
    check(resnet50(os.path.join(DATA, "cifar10"), Shim, Shim, batch_size=8, repeat_num=3), 4, 3,
          [[8, 3, 224, 224], [8]])
    sharded = resnet50(os.path.join(DATA, "cifar10"), Shim, Shim, device_num=2, rank_id=1, batch_size=8)
    check(sharded, 2, 1, [[8, 3, 224, 224], [8]])


def test_Cifar10Dataset_vgg16_example_pipeline_shapes(vgg_home):
    data = vgg16(vgg_home, Shim, Shim, repeat_num=2)
    assert data.get_dataset_size() == 2 and data.get_repeat_count() == 2
    assert len(list(data)) == 4  # repeat below shuffle and batch: 64 rows -> 4 batches of 16


def test_MnistDataset_lenet_example_with_msnn_transforms():
    CV, C = real_transforms()
    check(lenet(os.path.join(DATA, "mnist", "train"), CV, C), 2, 1, [[32, 1, 32, 32], [32]])


def test_Cifar10Dataset_example_pipelines_with_msnn_transforms(vgg_home):
    CV, C = real_transforms()
    check(resnet50(os.path.join(DATA, "cifar10"), CV, C, batch_size=8), 4, 1, [[8, 3, 224, 224], [8]])
    data = alexnet(os.path.join(DATA, "cifar10"), CV, C, batch_size=8)
    assert [list(a.shape) for a in next(iter(data))] == [[8, 3, 227, 227], [8]]
    data = vgg16(vgg_home, CV, C, training=False)
    assert [list(a.shape) for a in next(iter(data))] == [[16, 3, 224, 224], [16]]
