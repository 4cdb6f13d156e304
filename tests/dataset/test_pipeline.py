"""Pipeline operations: map / batch / shuffle / repeat / zip / project / rename, sizes, iterators, config."""
import os

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import msnn.dataset as ds
import msnn.dataset.engine.datasets as de

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
MNIST = os.path.join(DATA, "mnist", "train")


def gen(n, cols=("x",)):
    """Rows (i, 2i, 3i, ...) from a list (its length is the dataset size)."""
    return ds.GeneratorDataset([tuple(np.array(i * (k + 1)) for k in range(len(cols))) for i in range(n)],
                               list(cols))


def values(dataset, col=0):
    return [r[col].tolist() for r in dataset]


def test_Dataset_map_replaces_a_column_in_place():
    d = gen(3, ("a", "b")).map(input_columns="b", operations=lambda b: b + 100)
    assert d.create_dict_iterator().column_names() == ["a", "b"]
    assert [[int(v) for v in r] for r in d] == [[0, 100], [1, 102], [2, 104]]


def test_Dataset_map_default_input_is_first_column_and_rename_by_output():
    d = gen(2, ("a", "b")).map(operations=lambda a: a - 1, output_columns="c")
    assert d.create_dict_iterator().get_next() == {"c": -1, "b": 0}


def test_Dataset_map_operations_list_chain_in_order():
    d = gen(2).map(input_columns="x", operations=[lambda x: x + 1, lambda x: x * 10])
    assert values(d) == [10, 20]


def test_Dataset_map_many_in_many_out_with_columns_order():
    d = gen(2, ("a", "b", "c"))
    d = d.map(input_columns=["c", "a"], operations=[lambda c, a: (c, c + a, c + a + 1), lambda x, y, z: x * y * z,
                                                     lambda v: (v % 2, v % 3, v % 5, v % 7)],
              output_columns=["m2", "m3", "m5", "m7"], columns_order=["m7", "b", "m2"])
    rows = list(d.create_dict_iterator())
    assert list(rows[1]) == ["m7", "b", "m2"]
    v = 3 * (3 + 1) * (3 + 1 + 1)  # row 1: a=1, c=3
    assert [int(rows[1][k]) for k in ("m7", "b", "m2")] == [v % 7, 2, v % 2]
    # as in 0.1's MapOp, the input columns are consumed when the column counts differ
    with pytest.raises(RuntimeError, match="columns_order names 'a'"):
        list(gen(1, ("a", "b", "c")).map(input_columns=["c", "a"], operations=lambda c, a: c,
                                         output_columns=["s"], columns_order=["a", "s"]))


def test_Dataset_map_without_columns_order_puts_outputs_first():
    d = gen(1, ("a", "b")).map(input_columns=["a"], operations=lambda a: (a, a + 5), output_columns=["p", "q"],
                               columns_order=["p", "q", "b"])
    assert d.create_dict_iterator().column_names() == ["p", "q", "b"]
    with pytest.raises(ValueError, match="columns_order"):
        gen(1, ("a", "b")).map(input_columns=["a"], operations=lambda a: (a, a), output_columns=["p", "q"])


def test_Dataset_map_accepts_numpy_scalars_and_torch_tensors():
    d = gen(2).map(input_columns="x", operations=lambda x: np.int64(7)).map(
        input_columns="x", operations=lambda x: torch.as_tensor(x) + 1)
    assert values(d) == [8, 8]


def test_Dataset_batch_drop_remainder_sizes_and_values():
    d = gen(7).batch(3)
    assert d.get_dataset_size() == 3 and d.get_batch_size() == 3
    assert values(d) == [[0, 1, 2], [3, 4, 5], [6]]
    d = gen(7).batch(3, drop_remainder=True)
    assert d.get_dataset_size() == 2 and values(d) == [[0, 1, 2], [3, 4, 5]]


def test_Dataset_batch_callable_size_and_per_batch_map():
    d = gen(6).batch(lambda info: info.get_batch_num() + 1)
    assert values(d) == [[0], [1, 2], [3, 4, 5]]
    assert d.get_dataset_size() is None

    def double(xs, info):
        return ([x * 2 for x in xs],)

    d = gen(4).batch(2, per_batch_map=double, input_columns=["x"])
    assert values(d) == [[0, 2], [4, 6]]


def test_Dataset_batch_shape_mismatch_raises_runtime_error():
    d = ds.GeneratorDataset(lambda: ((np.zeros(i + 1),) for i in range(2)), ["v"]).batch(2)
    with pytest.raises(RuntimeError, match="different shapes"):
        list(d)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 40), bs=st.integers(1, 9), drop=st.booleans(), count=st.integers(1, 3))
def test_Dataset_batch_repeat_size_family(n, bs, drop, count):
    d = gen(n).batch(bs, drop_remainder=drop).repeat(count)
    size = n // bs if drop else -(-n // bs)
    assert d.get_dataset_size() == size
    assert d.get_repeat_count() == count
    rows = list(d)
    assert len(rows) == size * count
    assert all(len(r[0]) == bs for r in rows[:(n // bs)])


def test_Dataset_repeat_before_batch_batches_across_epochs(caplog):
    d = gen(3).repeat(2).batch(4)
    assert "Repeat is located before batch" in caplog.text
    assert values(d) == [[0, 1, 2, 0], [1, 2]]
    assert d.get_dataset_size() == 1  # one epoch of the input, batched (0.1's formula)
    assert ds.MnistDataset(MNIST).repeat(2).batch(10).get_dataset_size() == 7  # 0.1: one epoch's batches


def test_RepeatDataset_forever_and_count_checks():
    d = gen(2).repeat()
    assert d.get_repeat_count() == -1
    it = iter(d)
    assert [int(next(it)[0]) for _ in range(5)] == [0, 1, 0, 1, 0]
    it.stop()
    with pytest.raises(ValueError):
        gen(2).repeat(0)
    with pytest.raises(TypeError):
        gen(2).repeat(1.5)
    with pytest.raises(RuntimeError, match="loop forever"):
        list(ds.GeneratorDataset(lambda: iter(()), ["x"]).repeat())


def test_ShuffleDataset_is_a_permutation_each_epoch_and_seeded():
    ds.config.set_seed(11)
    try:
        d = ds.MnistDataset(MNIST, shuffle=False).shuffle(20).repeat(2)
        labels = [int(r[1]) for r in d]
        again = [int(r[1]) for r in d]
    finally:
        ds.config.set_seed(5489)
    base = [int(r[1]) for r in ds.MnistDataset(MNIST, shuffle=False)]
    assert sorted(labels[:64]) == sorted(base) == sorted(labels[64:])
    assert labels[:64] != base and labels[:64] != labels[64:]
    assert labels == again  # same seed, same orders
    with pytest.raises(ValueError):
        gen(3).shuffle(1)
    with pytest.raises(TypeError):
        gen(3).shuffle(2.0)


def test_zip_function_checks_and_columns():
    a, b = gen(3, ("a",)), gen(2, ("b",))
    z = ds.zip((a, b))
    assert z.create_dict_iterator().column_names() == ["a", "b"] and len(list(z)) == 2
    with pytest.raises(RuntimeError, match="appears twice"):
        list(ds.zip((gen(1), gen(1))))
    with pytest.raises(ValueError):
        ds.zip((a,))
    with pytest.raises(TypeError):
        ds.zip([a, b])


def test_ZipDataset_method_and_size_is_the_shortest():
    a, b = gen(3, ("a",)), gen(2, ("b",))
    z = a.zip(b)
    assert isinstance(z, de.ZipDataset) and z.get_dataset_size() == 2
    assert ds.MnistDataset(MNIST, num_samples=5).zip(ds.MnistDataset(MNIST).rename(
        ["image", "label"], ["i2", "l2"])).get_dataset_size() == 5
    with pytest.raises(ValueError):
        a.zip([b])


def test_RenameDataset_renames_in_place():
    d = gen(2, ("a", "b")).rename(["b", "a"], ["B", "A"])
    assert d.create_dict_iterator().column_names() == ["A", "B"]
    assert [int(v) for v in next(iter(d))] == [0, 0]
    with pytest.raises(ValueError):
        gen(1).rename(["x"], ["y", "z"])
    with pytest.raises(RuntimeError, match="appears twice"):
        list(gen(1, ("a", "b")).rename("a", "b"))


def test_ProjectDataset_selects_and_orders_columns():
    p = gen(2, ("a", "b", "c")).project(["c", "a"])
    assert p.create_dict_iterator().column_names() == ["c", "a"]
    assert [[int(v) for v in r] for r in p] == [[0, 0], [3, 1]]
    with pytest.raises(ValueError):
        gen(1).project(None)


def test_TupleIterator_rows_columns_and_get_next():
    d = gen(2, ("a", "b"))
    it = d.create_tuple_iterator(columns=["b"])
    assert [r[0].tolist() for r in it] == [0, 2]
    rows = list(d)
    assert isinstance(rows[0], list) and all(isinstance(v, np.ndarray) for v in rows[0])
    it = d.create_tuple_iterator()
    assert len(it.get_next()) == 2 and len(it.get_next()) == 2 and it.get_next() == []
    assert it.get_dataset_size() == 2 and it.get_batch_size() == 1 and it.get_repeat_count() == 1


def test_DictIterator_get_next_until_empty():
    it = gen(2, ("a", "b")).create_dict_iterator()
    assert it.get_next() == {"a": 0, "b": 0} and it.get_next() == {"a": 1, "b": 2}
    assert it.get_next() == {} and it.get_next() == {}
    it.stop()


def test_SourceDataset_and_DatasetOp_defaults():
    src = ds.MnistDataset(MNIST)
    assert isinstance(src, de.SourceDataset) and not isinstance(src, de.DatasetOp)
    assert src.get_batch_size() == 1 and src.get_repeat_count() == 1 and src.num_classes() is None


def test_DatasetOp_links_to_its_input():
    src = ds.MnistDataset(MNIST)
    op = src.map(input_columns="label", operations=abs)
    assert isinstance(op, de.DatasetOp) and op.get_dataset_size() == 64
    assert op.input == [src] and src.output == [op]


def test_Dataset_output_shapes_types_and_reset():
    d = ds.MnistDataset(MNIST, shuffle=False).map(input_columns="image",
                                                  operations=lambda x: x.astype(np.float32)).batch(8)
    assert d.output_shapes() == [[8, 28, 28, 1], [8]]
    assert d.output_types() == [np.float32, np.uint32]
    d.reset()
    assert d.get_class_indexing() is None


def test_GeneratorDataset_sources_and_sizes():
    items = [(np.array(i), np.array([i, i])) for i in range(5)]
    assert ds.GeneratorDataset(items, ["a", "b"]).get_dataset_size() == 5
    d = ds.GeneratorDataset(items, ["a", "b"], sampler=ds.DistributedSampler(2, 1, shuffle=False))
    assert d.get_dataset_size() == 3 and [int(r[0]) for r in d] == [1, 3, 0]

    class MySampler:  # a yolo-style python sampler
        def __iter__(self):
            return iter([4, 2])

        def __len__(self):
            return 2

    d = ds.GeneratorDataset(items, ["a", "b"], sampler=MySampler())
    assert d.get_dataset_size() == 2 and [int(r[0]) for r in d] == [4, 2]
    g = ds.GeneratorDataset(lambda: iter(items), ["a", "b"])
    assert g.get_dataset_size() is None
    g.set_dataset_size(5)
    assert g.get_dataset_size() == 5
    with pytest.raises(ValueError):
        g.set_dataset_size(-1)
    typed = ds.GeneratorDataset(items, ["a", "b"], column_types=[np.int64, np.int64])
    assert len(list(typed)) == 5
    with pytest.raises(RuntimeError, match="column_types"):
        list(ds.GeneratorDataset(items, ["a", "b"], column_types=[np.float32, None]))


def test_Dataset_to_torch_under_DataLoader():
    d = ds.MnistDataset(MNIST, shuffle=False).batch(16, drop_remainder=True)
    loader = torch.utils.data.DataLoader(d.to_torch(), batch_size=None)
    batches = list(loader)
    assert len(batches) == 4 == len(d.to_torch())
    image, label = batches[0]
    assert image.shape == (16, 28, 28, 1) and image.dtype == torch.uint8 and label.dtype == torch.int64


def test_Dataset_to_torch_under_DataLoader_pin_memory(monkeypatch):
    """DataLoader(data.to_torch(), batch_size=None, pin_memory=True) pins every tensor of every row
    (no GPU here: torch's accelerator check and Tensor.pin_memory are faked)."""
    pinned = []

    def pin(t, *args):
        out = t.clone()
        pinned.append(out)
        return out
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: True)
    monkeypatch.setattr(torch.accelerator, "current_accelerator", lambda *a: torch.device("cuda"))
    monkeypatch.setattr(torch.Tensor, "pin_memory", pin)
    d = gen(5, ("x", "y")).batch(2)
    loader = torch.utils.data.DataLoader(d.to_torch(), batch_size=None, pin_memory=True)
    rows = list(loader)
    assert [[t.tolist() for t in r] for r in rows] == [[[0, 1], [0, 2]], [[2, 3], [4, 6]], [[4], [8]]]
    assert len(pinned) == 6 and all(a is b for a, b in zip(pinned, [t for r in rows for t in r]))


def test_TransferDataset_send_feeds_dataset_queue():
    dataset_queue = de._queues()  # pylint: disable=protected-access
    d = ds.MnistDataset(MNIST, shuffle=False).batch(32).to_device()
    with pytest.raises(RuntimeError, match="not iterable"):
        iter(d)
    d.send()
    try:
        got = dataset_queue.get_next(d.queue_name)
        assert [tuple(t.shape) for t in got] == [(32, 28, 28, 1), (32,)]
    finally:
        dataset_queue.disconnect_dataset(d.queue_name)


def test_ConfigurationManager_defaults_checks_and_load(tmp_path):
    c = ds.engine.ConfigurationManager()
    assert (c.get_seed(), c.get_num_parallel_workers(), c.get_prefetch_size()) == (5489, 4, 16)
    with pytest.raises(ValueError):
        c.set_seed(-1)
    with pytest.raises(ValueError):
        c.set_seed(2 ** 32)
    with pytest.raises(ValueError):
        c.set_num_parallel_workers(0)
    with pytest.raises(ValueError):
        c.set_prefetch_size(0)
    with pytest.raises(TypeError):
        c.set_seed("1")
    path = tmp_path / "cfg.json"
    path.write_text('{"numParallelWorkers": 2, "opConnectorSize": 8, "seed": 7, "rowsPerBuffer": 1}')
    c.load(str(path))
    assert (c.get_seed(), c.get_num_parallel_workers(), c.get_prefetch_size()) == (7, 2, 8)
    with pytest.raises(RuntimeError):
        c.load(str(tmp_path / "missing.json"))
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(RuntimeError):
        c.load(str(tmp_path / "bad.json"))
    assert "ParallelOp workers" in str(c)


