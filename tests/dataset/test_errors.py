"""Bad input: 0.1's exception types, messages naming the dataset, the file and the problem; workers."""
import os
import shutil
import struct

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import msnn.dataset as ds
import msnn.dataset.engine.datasets as de
from msnn.dataset.engine import _formats as F

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
MNIST = os.path.join(DATA, "mnist", "train")


def copy_mnist(tmp_path):
    d = tmp_path / "mnist"
    shutil.copytree(MNIST, d)
    return d


def test_MnistDataset_missing_directory_is_value_error():
    with pytest.raises(ValueError, match="MnistDataset.*dataset_dir.*nope"):
        ds.MnistDataset("/nope")
    with pytest.raises(ValueError, match="Cifar10Dataset"):
        ds.Cifar10Dataset("/nope")


def test_MnistDataset_no_matching_files_is_runtime_error(tmp_path):
    (tmp_path / "readme.txt").write_text("x")
    d = ds.MnistDataset(str(tmp_path))
    with pytest.raises(RuntimeError, match="MnistDataset: no MNIST file in .*idx3-ubyte"):
        d.get_dataset_size()
    with pytest.raises(RuntimeError, match="no MNIST file"):
        list(d)
    with pytest.raises(RuntimeError, match=r"Cifar10Dataset: no CIFAR binary file .*\.bin"):
        ds.Cifar10Dataset(str(tmp_path)).get_dataset_size()


def test_MnistDataset_wrong_magic_names_the_file(tmp_path):
    d = copy_mnist(tmp_path)
    path = d / "train-images-idx3-ubyte"
    raw = bytearray(path.read_bytes())
    raw[:4] = struct.pack(">I", 1234)
    path.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match=r"MnistDataset: .*train-images-idx3-ubyte.* is not an MNIST image file: "
                                           r"magic number 1234"):
        ds.MnistDataset(str(d)).get_dataset_size()


@settings(max_examples=6, deadline=None)
@given(cut=st.integers(1, 784 * 64 + 15))
def test_MnistDataset_truncated_image_file_never_reads_short(tmp_path_factory, cut):
    d = copy_mnist(tmp_path_factory.mktemp("t"))
    path = d / "train-images-idx3-ubyte"
    raw = path.read_bytes()
    path.write_bytes(raw[:len(raw) - cut])
    with pytest.raises(RuntimeError, match=r"MnistDataset: .*train-images-idx3-ubyte"):
        list(ds.MnistDataset(str(d)))


def test_MnistDataset_unpaired_or_mismatched_label_file(tmp_path):
    d = copy_mnist(tmp_path)
    os.remove(d / "train-labels-idx1-ubyte")
    with pytest.raises(RuntimeError, match="1 image file.*0 label file"):
        ds.MnistDataset(str(d)).get_dataset_size()
    (d / "train-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, 3) + b"\x01\x02\x03")
    with pytest.raises(RuntimeError, match="64 images but .* 3 labels"):
        ds.MnistDataset(str(d)).get_dataset_size()


def test_Cifar10Dataset_truncated_file(tmp_path):
    shutil.copy(os.path.join(DATA, "cifar10", "data_batch_2.bin"), tmp_path / "data_batch_2.bin")
    with open(tmp_path / "data_batch_2.bin", "ab") as f:
        f.write(b"\x00" * 10)
    with pytest.raises(RuntimeError, match=r"Cifar10Dataset: the CIFAR file .*data_batch_2.bin.* is truncated"):
        list(ds.Cifar10Dataset(str(tmp_path)))
    with pytest.raises(RuntimeError, match="Cifar100Dataset"):
        ds.Cifar100Dataset(str(tmp_path)).get_dataset_size()


def test_StorageDataset_corrupted_tfrecord(tmp_path):
    src = os.path.join(DATA, "bert", "examples.tfrecord")
    schema = os.path.join(DATA, "bert", "datasetSchema.json")
    raw = open(src, "rb").read()
    trunc = tmp_path / "trunc.tfrecord"
    trunc.write_bytes(raw[:-100])
    with pytest.raises(RuntimeError, match=r"StorageDataset: the TFRecord file .*trunc.tfrecord.* is truncated"):
        de.StorageDataset([str(trunc)], schema).get_dataset_size()
    flip = bytearray(raw)
    flip[40] ^= 0xFF  # inside record 0's payload
    bad = tmp_path / "bad.tfrecord"
    bad.write_bytes(bytes(flip))
    with pytest.raises(RuntimeError, match="data CRC of record 0 does not match"):
        list(de.StorageDataset([str(bad)], schema))
    notrec = tmp_path / "not.tfrecord"
    notrec.write_bytes(b"hello world, not a record file" * 3)
    with pytest.raises(RuntimeError, match="length CRC"):
        list(ds.TFRecordDataset(str(notrec)))


def test_StorageDataset_schema_problems(tmp_path):
    rec = os.path.join(DATA, "bert", "examples.tfrecord")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(RuntimeError, match="JSON decode error"):
        de.StorageDataset([rec], str(bad))
    norows = tmp_path / "norows.json"
    norows.write_text('{"columns": {"input_ids": {"type": "int64", "rank": 1}}}')
    with pytest.raises(RuntimeError, match="numRows"):
        de.StorageDataset([rec], str(norows))
    with pytest.raises(ValueError, match="schema"):
        de.StorageDataset([rec], str(tmp_path / "missing.json"))
    with pytest.raises(ValueError, match="dataset_files"):
        de.StorageDataset([], os.path.join(DATA, "bert", "datasetSchema.json"))
    with pytest.raises(RuntimeError, match="failed to find column 'nope'"):
        de.StorageDataset([rec], os.path.join(DATA, "bert", "datasetSchema.json"), columns_list=["nope"])
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"numRows": 2, "columns": {"input_ids": {"type": "int64", "shape": [127]}}}')
    with pytest.raises(RuntimeError, match="128 values but the schema's shape is \\[127\\]"):
        list(de.StorageDataset([rec], str(wrong)))


def test_Dataset_missing_column_is_runtime_error_naming_it():
    d = ds.MnistDataset(MNIST).map(input_columns="labl", operations=lambda x: x)
    with pytest.raises(RuntimeError, match="input column name 'labl' doesn't exist.*'image', 'label'"):
        list(d)
    with pytest.raises(RuntimeError, match="project: column 'x'"):
        list(ds.MnistDataset(MNIST).project(["x"]))
    with pytest.raises(RuntimeError, match="rename: column 'x'"):
        list(ds.MnistDataset(MNIST).rename("x", "y"))
    with pytest.raises(RuntimeError, match="batch: input column 'x'"):
        list(ds.MnistDataset(MNIST).batch(2, per_batch_map=lambda a, info: (a,), input_columns=["x"]))


def test_Dataset_wrong_argument_types_and_values():
    m = ds.MnistDataset(MNIST)
    with pytest.raises(TypeError, match="num_samples"):
        ds.MnistDataset(MNIST, num_samples="3")
    with pytest.raises(TypeError, match="shuffle"):
        ds.MnistDataset(MNIST, shuffle=1)
    with pytest.raises(ValueError, match="num_parallel_workers"):
        ds.MnistDataset(MNIST, num_parallel_workers=0)
    with pytest.raises(RuntimeError, match="sampler' and 'shuffle'"):
        ds.MnistDataset(MNIST, shuffle=True, sampler=ds.SequentialSampler())
    with pytest.raises(RuntimeError, match="sharding"):
        ds.MnistDataset(MNIST, sampler=ds.SequentialSampler(), num_shards=2, shard_id=0)
    with pytest.raises(RuntimeError, match="requires 'shard_id'"):
        ds.MnistDataset(MNIST, num_shards=2)
    with pytest.raises(RuntimeError, match="'num_shards' is not"):
        ds.MnistDataset(MNIST, shard_id=0)
    with pytest.raises(ValueError, match="shard_id"):
        ds.MnistDataset(MNIST, num_shards=2, shard_id=2)
    with pytest.raises(ValueError, match="sampler"):
        ds.MnistDataset(MNIST, sampler=[1, 2])
    with pytest.raises(RuntimeError, match="num_samples"):
        ds.MnistDataset(MNIST, num_samples=-1)
    with pytest.raises(ValueError, match="batch_size"):
        m.batch("32")
    with pytest.raises(RuntimeError, match="batch_size"):
        m.batch(0)
    with pytest.raises(TypeError, match="drop_remainder"):
        m.batch(2, drop_remainder=1)
    with pytest.raises(ValueError, match="together"):
        m.batch(2, per_batch_map=lambda a, b: a)
    with pytest.raises(TypeError, match="input_columns"):
        m.map(input_columns=3, operations=abs)
    with pytest.raises(TypeError, match="columns_order"):
        m.map(operations=abs, columns_order="image")
    with pytest.raises(TypeError, match="operations"):
        m.map(operations=[3])
    with pytest.raises(ValueError, match="column_names"):
        ds.GeneratorDataset([], None)
    with pytest.raises(TypeError, match="column_names"):
        ds.GeneratorDataset([], "x")
    with pytest.raises(NotImplementedError, match="MindDataset"):
        ds.MindDataset("x")


def test_Dataset_num_parallel_workers_above_cpu_count_is_accepted():
    d = ds.MnistDataset(MNIST, num_parallel_workers=512).map(input_columns="label", operations=abs,
                                                             num_parallel_workers=512)
    assert len(list(d)) == 64


def test_MapDataset_failing_operation_names_op_and_columns():
    def boom(x):
        raise ValueError("bad layout")

    with pytest.raises(RuntimeError, match=r"map\(input_columns=\['image'\]\): the operation boom failed: "
                                           "ValueError: bad layout"):
        list(ds.MnistDataset(MNIST).map(input_columns="image", operations=boom))
    with pytest.raises(RuntimeError, match="returned a list; it should return a numpy array"):
        list(ds.MnistDataset(MNIST).map(input_columns="image", operations=lambda x: [1]))
    with pytest.raises(RuntimeError, match="returned 2 columns but 1 output"):
        list(ds.MnistDataset(MNIST).map(input_columns="image", operations=lambda x: (x, x)))


def test_MapDataset_worker_error_surfaces_in_the_caller(monkeypatch):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)
    monkeypatch.setattr(de, "CHUNK_ROWS", 8)

    def fail_on_7(label):
        if int(label) == 7:
            raise KeyError("seven")
        return label

    d = ds.MnistDataset(MNIST, shuffle=False, num_parallel_workers=2).map(
        input_columns="label", operations=fail_on_7, num_parallel_workers=2)
    with pytest.raises(RuntimeError, match="the operation fail_on_7 failed: KeyError: 'seven'"):
        list(d)


def test_MapDataset_workers_give_the_same_rows_as_one_process(monkeypatch):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)
    monkeypatch.setattr(de, "CHUNK_ROWS", 5)

    def pipe(workers):
        d = ds.MnistDataset(MNIST, shuffle=False, num_parallel_workers=workers)
        d = d.map(input_columns="image", operations=[lambda x: x.astype(np.float32) / 255, np.transpose],
                  num_parallel_workers=workers)
        return d.batch(10)

    one = list(pipe(1))
    two = list(pipe(2))
    assert len(one) == len(two) == 7
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


def test_MapDataset_random_ops_get_distinct_streams_per_worker(monkeypatch):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)
    monkeypatch.setattr(de, "CHUNK_ROWS", 32)

    class Noise:
        def __init__(self):
            self.rng = np.random.default_rng(0)

        def __call__(self, label):
            return np.array(self.rng.random())

    d = ds.MnistDataset(MNIST, shuffle=False, num_parallel_workers=2).map(
        input_columns="label", operations=Noise(), num_parallel_workers=2)
    vals = [float(r[1]) for r in d]
    assert len(set(vals)) == 64  # the two workers (32 rows each) did not repeat each other's draws
    twice = [float(r[1]) for r in d.repeat(2)]  # the workers persist across epochs: streams go on
    assert len(set(twice)) == 128


def test_tfrecord_format_helpers_round_trip():
    feats = {"a": np.array([0, 1, -5, 2 ** 40], np.int64), "f": np.array([0.5, -2], np.float32), "b": [b"xyz"]}
    parsed = F.parse_example(F.encode_example(feats))
    np.testing.assert_array_equal(parsed["a"][1], feats["a"])
    np.testing.assert_array_equal(parsed["f"][1], feats["f"])
    assert parsed["b"] == ("bytes", [b"xyz"])
    assert F.crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value


def test_BatchDataset_fused_runner_gives_the_unfused_rows(monkeypatch):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)

    def pipe():
        d = ds.MnistDataset(MNIST, num_parallel_workers=2).map(
            input_columns="image", operations=lambda x: x[::2, ::2].astype(np.float32), num_parallel_workers=2)
        return d.shuffle(10).shuffle(5).batch(6, drop_remainder=True).repeat(2)

    ds.config.set_seed(4)
    try:
        fused = list(pipe())
        monkeypatch.setattr(de, "_fusable", lambda node: None)
        plain = list(pipe())
    finally:
        ds.config.set_seed(5489)
    assert len(fused) == len(plain) == 20
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    assert fused[0][0].shape == (6, 14, 14, 1)


def test_BatchDataset_uses_op_batch_methods_with_the_same_values(monkeypatch):
    calls = []

    class Scale:
        def __call__(self, img):
            return img.astype(np.float32) * 2

        def batch(self, imgs):
            calls.append(imgs.shape)
            return imgs.astype(np.float32) * 2

    def pipe():
        d = ds.MnistDataset(MNIST, shuffle=False).map(input_columns="image", operations=[
            Scale(), lambda x: x[::2], np.transpose])
        return d.batch(10)

    fused = list(pipe())
    assert calls and calls[0] == (10, 28, 28, 1)
    monkeypatch.setattr(de, "_fusable", lambda node: None)
    plain = list(pipe())
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(a[0], b[0])
    assert fused[-1][0].shape == (4, 1, 28, 14)

    class Bad(Scale):
        def batch(self, imgs):
            raise ValueError("needs <N,H,W,3>")

    monkeypatch.undo()
    with pytest.raises(RuntimeError, match="the operation Bad failed: ValueError: needs <N,H,W,3>"):
        list(ds.MnistDataset(MNIST).map(input_columns="image", operations=Bad()).batch(4))
