"""Readers against MindSpore 2.10 goldens (tools/record_goldens_dataset.py) and 0.1's rules."""
import os

import numpy as np
import pytest

import msnn.dataset as ds
import msnn.dataset.engine.datasets as de

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
G = np.load(os.path.join(DATA, "dataset_goldens.npz"))
MNIST = os.path.join(DATA, "mnist", "train")
BERT_COLS = ["input_ids", "input_mask", "segment_ids", "next_sentence_labels", "masked_lm_positions",
             "masked_lm_ids", "masked_lm_weights"]


def first(dataset, k):
    it = dataset.create_tuple_iterator()
    rows = [next(it) for _ in range(k)]
    it.stop()
    return [np.stack([r[c] for r in rows]) for c in range(len(rows[0]))]


def test_MnistDataset_rows_match_mindspore_binarised():
    image, label = first(ds.MnistDataset(MNIST, shuffle=False), 6)
    assert image.dtype == np.uint8 and image.shape == (6, 28, 28, 1)
    assert label.dtype == np.uint32
    np.testing.assert_array_equal(label, G["mnist_label"])
    # MindSpore 2.10 returns raw grey levels; 0.1 (mnist_op.cc) set every non-zero pixel to 255
    np.testing.assert_array_equal(image, np.where(G["mnist_image"] != 0, 255, 0).astype(np.uint8))
    assert len(np.unique(G["mnist_image"])) > 2  # the files do hold grey levels


def test_MnistDataset_sizes_match_mindspore():
    assert ds.MnistDataset(MNIST).get_dataset_size() == G["mnist_size"] == 64
    for shards in (2, 3, 7):
        assert ds.MnistDataset(MNIST, num_shards=shards, shard_id=0).get_dataset_size() == G[f"mnist_size_shards{shards}"]
    assert ds.MnistDataset(os.path.join(DATA, "mnist", "test")).get_dataset_size() == G["mnist_size_test"]


def test_MnistDataset_shard_rows_match_mindspore():
    d = ds.MnistDataset(MNIST, num_shards=3, shard_id=1, shuffle=False)
    labels = [int(r[1]) for r in d]
    np.testing.assert_array_equal(labels, G["mnist_shard1of3_labels"])


def test_MnistDataset_batch_repeat_sizes_match_mindspore():
    assert ds.MnistDataset(MNIST, shuffle=False).batch(5, drop_remainder=True).get_dataset_size() == \
        G["mnist_batch5_drop_size"]
    assert ds.MnistDataset(MNIST, shuffle=False).batch(5).get_dataset_size() == G["mnist_batch5_size"]
    r = ds.MnistDataset(MNIST, shuffle=False).batch(5).repeat(3)
    assert r.get_dataset_size() == 13  # one epoch (0.1 semantics; 2.10 reports 39 for this pipeline)
    assert G["mnist_batch5_repeat3_size"] == 39
    assert r.get_repeat_count() == G["mnist_batch5_repeat3_count"] == 3
    assert sum(1 for _ in r) == G["mnist_batch5_repeat3_rows"] == 39


def test_MnistDataset_pipeline_shapes_types_match_mindspore():
    import msnn._c_dataengine as cde
    p = ds.MnistDataset(MNIST, shuffle=False).map(operations=cde.TypeCastOp("int32"), input_columns="label")
    p = p.batch(4, drop_remainder=True)
    assert p.output_shapes() == [list(G["mnist_pipeline_shape_image"]), list(G["mnist_pipeline_shape_label"])]
    assert [str(t) for t in p.output_types()] == list(G["mnist_pipeline_types"])
    np.testing.assert_array_equal(next(iter(p))[1], G["mnist_pipeline_first_labels"])


def test_MnistDataset_default_order_is_random_and_complete():
    ds.config.set_seed(3)
    try:
        labels = [int(r[1]) for r in ds.MnistDataset(MNIST)]
        seq = [int(r[1]) for r in ds.MnistDataset(MNIST, shuffle=False)]
    finally:
        ds.config.set_seed(5489)
    assert sorted(labels) == sorted(seq) and labels != seq


def test_MnistDataset_num_samples_draws_with_replacement_as_in_01():
    d = ds.MnistDataset(MNIST, num_samples=10)
    assert isinstance(d.sampler, ds.RandomSampler) and d.sampler.replacement
    assert d.get_dataset_size() == 10 and len(list(d)) == 10
    assert ds.MnistDataset(MNIST, num_samples=10, shuffle=False).get_dataset_size() == 10
    assert ds.MnistDataset(MNIST, num_samples=1000, shuffle=False).get_dataset_size() == 64
    assert ds.MnistDataset(MNIST, num_samples=0, shuffle=False).get_dataset_size() == 64


def test_Cifar10Dataset_rows_match_mindspore():
    d = ds.Cifar10Dataset(os.path.join(DATA, "cifar10"), shuffle=False)
    image, label = first(d, 4)
    np.testing.assert_array_equal(image, G["cifar10_image"])
    np.testing.assert_array_equal(label, G["cifar10_label"])
    assert image.dtype == np.uint8 and label.dtype == np.uint32
    assert d.get_dataset_size() == 32  # 16 + 8 + 8 records in three .bin files
    # sharding: ceil(rows / shards), as MindSpore's 10000-row file gives 3334 for 3 shards
    assert G["cifar10_size_shards3"] == -(-int(G["cifar10_size_10000"]) // 3)
    assert ds.Cifar10Dataset(os.path.join(DATA, "cifar10"), num_shards=3, shard_id=2).get_dataset_size() == 11


def test_Cifar100Dataset_rows_match_mindspore():
    d = ds.Cifar100Dataset(os.path.join(DATA, "cifar100"), shuffle=False)
    image, coarse, fine = first(d, 4)  # test.bin sorts before train.bin
    np.testing.assert_array_equal(image, G["cifar100_image"])
    np.testing.assert_array_equal(coarse, G["cifar100_coarse"])
    np.testing.assert_array_equal(fine, G["cifar100_fine"])
    assert d.get_dataset_size() == 20


def test_StorageDataset_rows_match_mindspore_tfrecord():
    d = de.StorageDataset([os.path.join(DATA, "bert", "examples.tfrecord")],
                          os.path.join(DATA, "bert", "datasetSchema.json"), columns_list=BERT_COLS)
    assert d.get_dataset_size() == G["tfrecord_size"] == 16
    got = first(d, 3)
    for name, arr in zip(BERT_COLS, got):
        np.testing.assert_array_equal(arr, G["tfrecord_" + name])
        assert arr.dtype == G["tfrecord_" + name].dtype


def test_StorageDataset_numRows_caps_the_epoch(tmp_path):
    import json
    with open(os.path.join(DATA, "bert", "datasetSchema.json"), encoding="utf-8") as f:
        obj = json.load(f)
    obj["numRows"] = 5
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(obj))
    d = de.StorageDataset([os.path.join(DATA, "bert", "examples.tfrecord")], str(schema))
    assert d.get_dataset_size() == 5 and len(list(d)) == 5
    assert d.create_dict_iterator().column_names() == sorted(obj["columns"])  # 0.1 parsed the object in key order
    d.set_dataset_size(3)
    assert d.get_dataset_size() == 3


def test_TFRecordDataset_schema_free_and_sharded():
    d = ds.TFRecordDataset(os.path.join(DATA, "bert", "examples.tfrecord"), shuffle=False)
    row = d.create_dict_iterator().get_next()
    assert sorted(row) == sorted(BERT_COLS)
    np.testing.assert_array_equal(row["input_ids"], G["tfrecord_input_ids"][0])
    assert row["masked_lm_weights"].dtype == np.float32
    sharded = ds.TFRecordDataset(os.path.join(DATA, "bert", "examples.tfrecord"), num_shards=4, shard_id=0)
    assert sharded.get_dataset_size() == G["tfrecord_size_shards4"] == 4
    ids = [tuple(r[0]) for s in range(4) for r in
           ds.TFRecordDataset(os.path.join(DATA, "bert", "examples.tfrecord"), columns_list=["input_ids"],
                              num_shards=4, shard_id=s, shuffle=False)]
    assert len(set(ids)) == 16


def test_TFRecordDataset_shuffle_global_is_a_permutation():
    path = os.path.join(DATA, "bert", "examples.tfrecord")
    plain = [tuple(r[0]) for r in ds.TFRecordDataset(path, columns_list=["input_ids"], shuffle=False)]
    shuf = [tuple(r[0]) for r in ds.TFRecordDataset(path, columns_list=["input_ids"])]
    files = [tuple(r[0]) for r in ds.TFRecordDataset(path, columns_list=["input_ids"], shuffle=ds.Shuffle.FILES)]
    assert sorted(shuf) == sorted(plain) and files == plain  # one file: FILES keeps the row order


def test_ImageFolderDatasetV2_raw_bytes_and_labels():
    d = ds.ImageFolderDatasetV2(os.path.join(DATA, "imagefolder"), shuffle=False)
    rows = list(d)
    assert [int(r[1]) for r in rows] == [0, 0, 1, 1]
    with open(os.path.join(DATA, "imagefolder", "class_0", "img_000.pgm"), "rb") as f:
        np.testing.assert_array_equal(rows[0][0], np.frombuffer(f.read(), np.uint8))
    assert rows[0][1].dtype == np.int32 and rows[0][0].dtype == np.uint8
    assert d.num_classes() == 2
    only1 = ds.ImageFolderDatasetV2(os.path.join(DATA, "imagefolder"), class_indexing={"class_1": 7}, shuffle=False)
    assert [int(r[1]) for r in only1] == [7, 7]
    none = ds.ImageFolderDatasetV2(os.path.join(DATA, "imagefolder"), extensions=[".jpg"])
    with pytest.raises(RuntimeError, match="no image file"):
        none.get_dataset_size()


def test_Schema_round_trip(tmp_path):
    s = ds.Schema()
    s.add_column("a", "DE_INT64", [3])
    s.add_column("b", de_type="float32")
    s.num_rows = 4
    path = tmp_path / "schema.json"
    path.write_text(s.to_json())
    t = ds.Schema(str(path))
    assert t.columns == s.columns and t.num_rows == 4
    with pytest.raises(ValueError):
        s.add_column("c", "complex")
