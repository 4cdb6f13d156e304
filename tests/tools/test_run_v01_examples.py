"""tools/run_v01_examples.py --images / --test_images: which CIFAR-10 records are kept, and the steps
the 0.1 resnet50/vgg16 pipelines (batch with drop_remainder, before or after repeat) get from them."""
import importlib.util
import os

import numpy as np
import pytest

import msnn.dataset as ds

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _tool():
    spec = importlib.util.spec_from_file_location("run_v01_examples", os.path.join(ROOT, "tools", "run_v01_examples.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _write(path, labels):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rec = np.zeros((len(labels), 3073), np.uint8)
    rec[:, 0] = labels
    rec[:, 1:] = np.arange(len(labels), dtype=np.uint8)[:, None]  # pixel value = index in the file
    rec.tofile(path)


@pytest.fixture(name="data")
def _data(tmp_path):
    _write(str(tmp_path / "cifar-10-batches-bin" / "data_batch_1.bin"), np.arange(50) % 10)
    _write(str(tmp_path / "cifar-10-batches-bin" / "data_batch_2.bin"), (np.arange(50) + 5) % 10)
    _write(str(tmp_path / "cifar-10-verify-bin" / "test_batch.bin"), np.arange(40) % 10)
    return str(tmp_path)


def _records(path):
    return np.fromfile(path, np.uint8).reshape(-1, 3073)


def test_run_v01_examples_images_keeps_the_first_records_of_each_file(data):
    _tool()._keep_images(data, 33, 32)
    first = _records(os.path.join(data, "cifar-10-batches-bin", "data_batch_1.bin"))
    second = _records(os.path.join(data, "cifar-10-batches-bin", "data_batch_2.bin"))
    test = _records(os.path.join(data, "cifar-10-verify-bin", "test_batch.bin"))
    assert (len(first), len(second), len(test)) == (17, 16, 32)
    np.testing.assert_array_equal(first[:, 0], np.arange(17) % 10)
    np.testing.assert_array_equal(second[:, 0], (np.arange(16) + 5) % 10)
    np.testing.assert_array_equal(second[:, 1], np.arange(16))
    np.testing.assert_array_equal(test[:, 0], np.arange(32) % 10)


def test_run_v01_examples_images_none_keeps_everything(data):
    _tool()._keep_images(data, None, None)
    assert len(_records(os.path.join(data, "cifar-10-batches-bin", "data_batch_1.bin"))) == 50
    assert len(_records(os.path.join(data, "cifar-10-verify-bin", "test_batch.bin"))) == 40


def test_run_v01_examples_images_gives_the_0_1_pipelines_their_steps(data):
    _tool()._keep_images(data, 64, 32)
    train = os.path.join(data, "cifar-10-batches-bin")
    # resnet50_cifar10: batch(32, drop_remainder) then repeat(90): 2 steps an epoch
    resnet = ds.Cifar10Dataset(train, shuffle=True).shuffle(100).batch(32, drop_remainder=True).repeat(90)
    assert (resnet.get_dataset_size(), resnet.get_repeat_count()) == (2, 90)
    # vgg16_cifar10: repeat(70) then shuffle and batch(64, drop_remainder): 1 step an epoch, 70 in all
    vgg = ds.Cifar10Dataset(train).repeat(70).shuffle(10).batch(64, drop_remainder=True)
    assert (vgg.get_dataset_size(), vgg.get_repeat_count()) == (1, 70)
    assert sum(1 for _ in vgg.create_tuple_iterator()) == 70
    # resnet50's eval.py: the test records batched by 32 with drop_remainder
    verify = ds.Cifar10Dataset(os.path.join(data, "cifar-10-verify-bin")).batch(32, drop_remainder=True)
    assert verify.get_dataset_size() == 1


def test_run_v01_examples_images_refuses_zero(capsys):
    with pytest.raises(SystemExit):
        _tool().main([ROOT, "--images", "0"])
    assert "--images must be a positive number" in capsys.readouterr().err
