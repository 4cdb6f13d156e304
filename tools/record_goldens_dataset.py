"""Record what MindSpore 2.10 reads from the files of tools/make_dataset_files.py (run with the oracle).

    $(bash /work/shared/tools/oracle-env.sh) tools/record_goldens_dataset.py

Writes tests/data/dataset_goldens.npz: first rows, dtypes and shapes of the MNIST, CIFAR-10,
CIFAR-100 and TFRecord readers, and dataset sizes of sharded, batched and repeated pipelines.

MindSpore (0.1 and 2.10 alike) requires exactly 10000 records per CIFAR-10 file and 10000/50000 per
CIFAR-100 test/train file, so the oracle reads copies of the small test files padded to those
sizes with more digits; only their first rows (identical to the small files') are recorded.
Shuffled orders are not comparable across implementations and are not recorded.
"""
import json
import os
import shutil
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")


def pad_records(src, dst, record, n):
    raw = np.fromfile(src, dtype=np.uint8).reshape(-1, record)
    reps = -(-n // len(raw))
    np.concatenate([raw] * reps)[:n].tofile(dst)


def main():
    import mindspore.dataset as ds  # pylint: disable=import-outside-toplevel
    import mindspore.dataset.transforms as T  # pylint: disable=import-outside-toplevel
    import mindspore.common.dtype as mstype  # pylint: disable=import-outside-toplevel

    out = {}

    def rows(dataset, k):
        it = dataset.create_tuple_iterator(output_numpy=True, num_epochs=1)
        got = [next(it) for _ in range(k)]
        return [np.stack([r[c] for r in got]) for c in range(len(got[0]))]

    # MNIST (2.10 returns raw grey levels; 0.1 binarised them -- the test applies 0.1's rule)
    m_dir = os.path.join(DATA, "mnist", "train")
    m = ds.MnistDataset(m_dir, shuffle=False)
    out["mnist_size"] = m.get_dataset_size()
    out["mnist_image"], out["mnist_label"] = rows(m, 6)
    for shards in (2, 3, 7):
        out[f"mnist_size_shards{shards}"] = ds.MnistDataset(m_dir, num_shards=shards, shard_id=0).get_dataset_size()
    out["mnist_size_test"] = ds.MnistDataset(os.path.join(DATA, "mnist", "test")).get_dataset_size()
    # rows of shard 1 of 3 in sequential order
    sh = ds.MnistDataset(m_dir, num_shards=3, shard_id=1, shuffle=False)
    out["mnist_shard1of3_labels"] = np.array([int(r[1]) for r in sh.create_tuple_iterator(output_numpy=True)])
    b = m.batch(5, drop_remainder=True)
    out["mnist_batch5_drop_size"] = b.get_dataset_size()
    out["mnist_batch5_size"] = ds.MnistDataset(m_dir, shuffle=False).batch(5).get_dataset_size()
    r = ds.MnistDataset(m_dir, shuffle=False).batch(5).repeat(3)
    out["mnist_batch5_repeat3_size"] = r.get_dataset_size()
    out["mnist_batch5_repeat3_count"] = r.get_repeat_count()
    out["mnist_batch5_repeat3_rows"] = sum(1 for _ in r.create_tuple_iterator(output_numpy=True, num_epochs=1))
    p = ds.MnistDataset(m_dir, shuffle=False).map(operations=T.TypeCast(mstype.int32), input_columns="label")
    p = p.batch(4, drop_remainder=True)
    out["mnist_pipeline_shape_image"], out["mnist_pipeline_shape_label"] = [np.array(s, np.int64)
                                                                            for s in p.output_shapes()]
    out["mnist_pipeline_types"] = np.array([str(t) for t in p.output_types()])
    out["mnist_pipeline_first_labels"] = rows(p, 1)[1][0]

    tmp = tempfile.mkdtemp()
    tmp2 = tempfile.mkdtemp()
    try:
        c10 = os.path.join(tmp, "c10")
        os.makedirs(c10)
        pad_records(os.path.join(DATA, "cifar10", "data_batch_1.bin"), os.path.join(c10, "data_batch_1.bin"),
                    3073, 10000)
        c = ds.Cifar10Dataset(c10, shuffle=False)
        out["cifar10_size_10000"] = c.get_dataset_size()
        out["cifar10_image"], out["cifar10_label"] = rows(c, 4)
        out["cifar10_size_shards3"] = ds.Cifar10Dataset(c10, num_shards=3, shard_id=2).get_dataset_size()
        c100 = os.path.join(tmp, "c100")
        os.makedirs(c100)
        pad_records(os.path.join(DATA, "cifar100", "test.bin"), os.path.join(c100, "test.bin"), 3074, 10000)
        c = ds.Cifar100Dataset(c100, shuffle=False)
        out["cifar100_size_10000"] = c.get_dataset_size()
        out["cifar100_image"], out["cifar100_coarse"], out["cifar100_fine"] = rows(c, 4)
    finally:
        shutil.rmtree(tmp)

    # 2.10 no longer parses 0.1's "DE_INT64" type names: give it a copy of the schema with "int64"
    schema = os.path.join(tmp2, "datasetSchema.json")
    with open(os.path.join(DATA, "bert", "datasetSchema.json"), encoding="utf-8") as f:
        obj = json.load(f)
    for col in obj["columns"].values():
        col["type"] = col["type"].lower().replace("de_", "")
    with open(schema, "w", encoding="utf-8") as f:
        json.dump(obj, f)
    cols = ["input_ids", "input_mask", "segment_ids", "next_sentence_labels", "masked_lm_positions",
            "masked_lm_ids", "masked_lm_weights"]
    t = ds.TFRecordDataset([os.path.join(DATA, "bert", "examples.tfrecord")],
                           schema, columns_list=cols, shuffle=False)
    out["tfrecord_size"] = t.get_dataset_size()
    first = rows(t, 3)
    for name, arr in zip(cols, first):
        out["tfrecord_" + name] = arr
    out["tfrecord_size_shards4"] = ds.TFRecordDataset([os.path.join(DATA, "bert", "examples.tfrecord")],
                                                      num_shards=4, shard_id=0, shard_equal_rows=True).get_dataset_size()
    shutil.rmtree(tmp2)
    path = os.path.join(DATA, "dataset_goldens.npz")
    np.savez_compressed(path, **{k: np.asarray(v) for k, v in out.items()})
    import mindspore  # pylint: disable=import-outside-toplevel
    print(f"MindSpore {mindspore.__version__}: wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
