"""The engine's fast paths give the plain results: fused per-pixel operations (bit for bit, and the
MindSpore 2.10 goldens), batches in reused shared-memory blocks, epochs queued behind each other."""
import os

import numpy as np
import pytest

import msnn
import msnn.dataset as ds
import msnn.dataset.engine.datasets as de
import msnn.dataset.transforms.c_transforms as T
import msnn.dataset.transforms.vision.c_transforms as V
from msnn.dataset.engine._fuse import FusedPointwise, fuse
from msnn.dataset.transforms.vision import Inter

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
CIFAR = os.path.join(DATA, "cifar10")
G = np.load(os.path.join(DATA, "vision_goldens.npz"))
MEAN, STD = [0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.2010]


def chain(ops, x):
    for op in ops:
        x = op(x)
    return x


def resnet_ops(size=(224, 224)):
    return [V.Resize(size), V.Rescale(1.0 / 255.0, 0.0), V.Normalize(MEAN, STD), V.HWC2CHW()]


CHAINS = {
    "resnet": resnet_ops,
    "resnet_hwc": lambda: [V.Resize((20, 17), Inter.NEAREST), V.Rescale(1.0 / 255.0, 0.0), V.Normalize(MEAN, STD)],
    "lenet": lambda: [V.Resize((32, 32)), V.Rescale(1.0 / 255.0, 0.0), V.Rescale(1 / 0.3081, -1 * 0.1307 / 0.3081),
                      V.HWC2CHW()],
    "smaller_edge": lambda: [V.Resize(13), V.Rescale(1.0 / 255.0, 0.0), V.HWC2CHW()],
    "cubic_resize": lambda: [V.Resize((9, 11), Inter.CUBIC), V.Rescale(1.0 / 255.0, 0.0), V.HWC2CHW()],
    "typecast": lambda: [V.Rescale(2.5, -1.0), T.TypeCast(msnn.float16)],
    "no_resize": lambda: [V.Rescale(1.0 / 255.0, 0.0), V.Normalize(MEAN, STD), V.HWC2CHW()],
}
SHAPES = [(32, 32, 3), (28, 28, 1), (7, 40, 3), (5, 6, 4), (6, 6), (3, 4, 2)]


def test_MapDataset_fuses_per_pixel_runs():
    crop, flip = V.RandomCrop((32, 32), (4, 4, 4, 4)), V.RandomHorizontalFlip()
    ops = [crop, flip] + resnet_ops()
    fused = fuse(ops)
    assert fused[:2] == [crop, flip] and len(fused) == 3 and isinstance(fused[2], FusedPointwise)
    assert fused[2].ops == ops[2:] and fused[2].__name__ == "Resize+Rescale+Normalize+HWC2CHW"
    lone = [V.Rescale(1.0, 0.0), V.RandomVerticalFlip(), V.Normalize(MEAN, STD)]
    assert fuse(lone) is lone  # nothing to fuse: the list itself
    assert isinstance(fuse([V.Rescale(1.0, 0.0), V.HWC2CHW()])[0], FusedPointwise)
    random_mode = [V.Resize(4), V.RandomResize(4), V.Rescale(1.0, 0.0), V.HWC2CHW()]  # its mode is drawn
    fused = fuse(random_mode)
    assert [type(op) for op in fused] == [V.Resize, V.RandomResize, FusedPointwise] and fused[2].resize is None
    assert isinstance(fuse([V.Resize(4), V.Rescale(1.0, 0.0)])[0], FusedPointwise)


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_MapDataset_fused_ops_equal_the_operations_one_by_one(name):
    ops = CHAINS[name]()
    (op,) = fuse(ops)
    rng = np.random.default_rng(7)
    for shape in SHAPES:
        for dtype in (np.uint8, np.float32):
            x = rng.integers(0, 256, shape).astype(dtype)
            try:
                want, err = chain(ops, x), None
            except Exception as e:  # pylint: disable=broad-except
                want, err = None, e
            if err is not None:  # the fused op raises the failing operation's own error
                with pytest.raises(de.SubOpError) as info:
                    op(x)
                assert type(info.value.error) is type(err) and str(info.value.error) == str(err)
                continue
            got = op(x)
            assert got.dtype == want.dtype and got.shape == want.shape, (shape, dtype)
            np.testing.assert_array_equal(got, want)
            out = np.full_like(want, 7)
            if op.into(x, out):  # written in place: the same values
                np.testing.assert_array_equal(out, want)
            else:
                assert (out == 7).all()
    batch = rng.integers(0, 256, (3, 32, 32, 3)).astype(np.uint8)
    if hasattr(op, "batch"):
        np.testing.assert_array_equal(op.batch(batch), np.stack([chain(ops, b) for b in batch]))


def test_Normalize_fused_golden_cifar_pipeline():
    # MindSpore 2.10's Normalize formula differs from 0.1's in the last bit: the goldens' tolerance
    ops = [V.Resize((20, 16)), V.Rescale(1.0 / 255.0, 0.0), V.Normalize(MEAN, STD), V.HWC2CHW()]
    (op,) = fuse(ops)
    out = op(G["in_rgb"])
    want = G["out_chain_cifar_rgb"]
    assert out.shape == want.shape and out.dtype == want.dtype
    np.testing.assert_allclose(out, want, atol=2e-6, rtol=0)
    np.testing.assert_array_equal(out, chain(ops, G["in_rgb"]))


def test_Rescale_fused_golden_lenet_pipeline():
    ops = CHAINS["lenet"]()
    (op,) = fuse(ops)
    np.testing.assert_array_equal(op(G["in_digit"]), G["out_chain_lenet_digit"])


def test_Rescale_Normalize_lookup_paths_equal_arithmetic():
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, (9, 11, 3)).astype(np.uint8)
    for op in (V.Rescale(1 / 0.3081, -0.1307 / 0.3081), V.Normalize(MEAN, STD), V.Rescale(3.0, 0.5)):
        np.testing.assert_array_equal(op(img), op(img.astype(np.float32)))  # table == float arithmetic
        np.testing.assert_array_equal(op.batch(img[None]), op(img)[None])


def test_MapDataset_fused_map_error_names_the_failing_operation():
    data = ds.GeneratorDataset([(np.zeros((4, 4, 1), np.uint8),)], ["image"])
    data = data.map(input_columns="image", operations=[V.Rescale(1.0, 0.0), V.Normalize(MEAN, STD), V.HWC2CHW()])
    with pytest.raises(RuntimeError, match=r"the operation Normalize failed: RuntimeError: For 'Normalize'"):
        list(data)


def resnet_pipeline(workers, batch=2, size=(224, 224), count=1):
    d = ds.Cifar10Dataset(CIFAR, shuffle=False, num_parallel_workers=workers)
    d = d.map(input_columns="label", operations=T.TypeCast(msnn.int32), num_parallel_workers=workers)
    d = d.map(input_columns="image", operations=[V.RandomCrop((40, 40), (4, 4, 4, 4))] + resnet_ops(size),
              num_parallel_workers=workers)  # a 40x40 crop of the padded 40x40 image: no random draw
    return d.batch(batch, drop_remainder=True).repeat(count)


@pytest.fixture(name="reference")
def reference_fixture(monkeypatch):
    """The ResNet pipeline's batches computed in this process, nothing fused."""
    with monkeypatch.context() as m:
        m.setattr(de, "fuse", lambda ops: ops)
        m.setattr(de, "_fusable", lambda node: None)
        rows = list(resnet_pipeline(1, size=(64, 64)))
    return rows


def test_BatchDataset_shared_blocks_are_reused_only_once_released(monkeypatch, reference):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)
    monkeypatch.setattr(de, "_SHM_BYTES", 1)  # every column in a shared block
    monkeypatch.setattr(de, "SLOTS_PER_WORKER", 0)
    ds.config.set_prefetch_size(2)
    try:
        kept = []
        it = resnet_pipeline(2, size=(64, 64), count=3).create_tuple_iterator()
        for k, row in enumerate(it):  # rows dropped at once: their blocks come round again
            ref = reference[k % len(reference)]
            np.testing.assert_array_equal(row[0], ref[0])
            np.testing.assert_array_equal(row[1], ref[1])
            if k % 5 == 0:
                kept.append((k, row[0][1:], row[1][:1]))  # a view keeps its block in use
        pool = it._runner.child.pool  # pylint: disable=protected-access
        assert len(pool.loader.dataset.slots.held) > 0  # blocks travelled by reference
        for k, image, label in kept:
            ref = reference[k % len(reference)]
            np.testing.assert_array_equal(image, ref[0][1:])
            np.testing.assert_array_equal(label, ref[1][:1])
        held = list(resnet_pipeline(2, size=(64, 64)))  # every batch held: blocks run out, fresh ones follow
        for row, ref in zip(held, reference):
            np.testing.assert_array_equal(row[0], ref[0])
    finally:
        ds.config.set_prefetch_size(16)


def test_RepeatDataset_next_epoch_follows_on_in_the_workers(monkeypatch, reference):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)
    it = resnet_pipeline(2, size=(64, 64), count=3).create_tuple_iterator()
    rows = list(it)
    assert len(rows) == 3 * len(reference)
    for k, row in enumerate(rows):
        np.testing.assert_array_equal(row[0], reference[k % len(reference)][0])
    runner = it._runner.child  # pylint: disable=protected-access
    assert isinstance(runner, de._FusedBatchRunner)  # pylint: disable=protected-access
    assert runner.expected == 3 and runner.pool.restarts == 1  # started once, no pause at the epoch ends


def test_ZipDataset_left_epochs_of_a_worker_pipeline_restart_cleanly(monkeypatch, reference):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)
    short = ds.GeneratorDataset([(np.array(i),) for i in range(3)], ["n"])
    d = ds.zip((resnet_pipeline(2, size=(64, 64)), short)).repeat(3)
    rows = list(d)
    assert [int(r[2]) for r in rows] == [0, 1, 2] * 3
    for k, row in enumerate(rows):  # each epoch of the long side starts at its own first batch
        np.testing.assert_array_equal(row[0], reference[k % 3][0])


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32, np.float64, np.int64, np.uint32, np.bool_])
def test_RandomHorizontalFlip_RandomVerticalFlip_any_dtype_and_layout(dtype):
    rng = np.random.default_rng(5)
    for shape in [(5, 7, 3), (5, 7, 1), (5, 7), (4, 6, 4), (3, 3, 6)]:
        img = (rng.random(shape) * 100).astype(dtype)
        for op, axis in ((V.RandomHorizontalFlip(1.0), 1), (V.RandomVerticalFlip(1.0), 0)):
            out = op(img)
            assert out.dtype == img.dtype and out.flags.c_contiguous
            np.testing.assert_array_equal(out, np.flip(img, axis))
    strided = np.arange(8 * 8 * 3, dtype=np.uint8).reshape(8, 8, 3)[::2]
    np.testing.assert_array_equal(V.RandomHorizontalFlip(1.0)(strided), strided[:, ::-1])


def test_DatasetHelper_epochs_of_a_repeated_pipeline_run_on_in_the_workers(monkeypatch, reference):
    from msnn.train import DatasetHelper  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)
    helper = DatasetHelper(resnet_pipeline(2, size=(64, 64), count=3), dataset_sink_mode=False)
    for _ in range(3):  # Model.train's epochs: one pass each, one iterator for the three
        rows = list(helper)
        assert len(rows) == len(reference)
        for row, ref in zip(rows, reference):
            np.testing.assert_array_equal(row[0].numpy(), ref[0])
            assert row[1].dtype == msnn.int32
    runner = helper.iter.iter._runner.child  # pylint: disable=protected-access
    assert runner.pool.restarts == 1


def test_Normalize_Rescale_float_input_blockwise_equals_one_float64_pass():
    from msnn.dataset.transforms.vision import _cv  # pylint: disable=import-outside-toplevel

    def one_pass(img, a, b):
        out = img.astype(np.float64)
        out *= a
        out += b
        return out.astype(np.float32)

    rng = np.random.default_rng(11)
    alpha, beta = _cv.normalize_coefficients(MEAN, STD)
    for shape in [(224, 224, 3), (3, 60000, 3), (5, 7, 3)]:
        for dtype in (np.float32, np.float64, np.int32, np.float16):
            img = (rng.standard_normal(shape) * 300).astype(dtype)
            np.testing.assert_array_equal(V.Normalize(MEAN, STD)(img), one_pass(img, alpha, beta))
            a, b = np.float64(np.float32(1 / 0.3081)), np.float64(np.float32(-0.1307 / 0.3081))
            np.testing.assert_array_equal(V.Rescale(1 / 0.3081, -0.1307 / 0.3081)(img), one_pass(img, a, b))
    strided = rng.standard_normal((9, 12, 3)).astype(np.float32)[:, ::2]
    np.testing.assert_array_equal(V.Normalize(MEAN, STD)(strided), one_pass(strided, alpha, beta))


MNIST = os.path.join(DATA, "mnist", "train")


def lenet_pipeline(extra=()):
    """The LeNet example's image maps, one map per operation."""
    d = ds.MnistDataset(MNIST, shuffle=False)
    d = d.map(input_columns="label", operations=T.TypeCast(msnn.int32))
    for op in [V.Resize((32, 32)), V.Rescale(1.0 / 255.0, 0.0), *extra, V.Rescale(1 / 0.3081, -1 * 0.1307 / 0.3081),
               V.HWC2CHW()]:
        d = d.map(input_columns="image", operations=op)
    return d.batch(8)


def test_MapDataset_consecutive_maps_of_a_column_merge_and_fuse(monkeypatch):
    merged = list(lenet_pipeline())
    it = lenet_pipeline().create_tuple_iterator()
    steps = it._runner.chain.fn.steps  # pylint: disable=protected-access
    assert len(steps) == 2 and [type(op) for op in steps[1].ops] == [FusedPointwise]
    assert steps[1].ops[0].__name__ == "Resize+Rescale+Rescale+HWC2CHW"
    monkeypatch.setattr(de, "_merge_maps", lambda steps: steps)
    monkeypatch.setattr(de, "fuse", lambda ops: ops)
    plain = list(lenet_pipeline())
    assert len(merged) == len(plain) > 1
    for a, b in zip(merged, plain):
        assert a[0].dtype == b[0].dtype and a[0].shape == b[0].shape == (8, 1, 32, 32)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


def test_MapDataset_merged_maps_keep_each_maps_result_rules(monkeypatch):
    import torch  # pylint: disable=import-outside-toplevel

    def to_torch(x):
        return torch.from_numpy(x)

    def needs_numpy(x):
        assert type(x) is np.ndarray  # pylint: disable=unidiomatic-typecheck
        return x

    def two(x):
        return x, x

    def messages():
        out = []
        for extra in ([to_torch, needs_numpy], [two]):
            with pytest.raises(RuntimeError) as info:
                for _ in lenet_pipeline(extra):
                    if not extra[-1] is two:
                        raise RuntimeError("no error")
            out.append(str(info.value))
        return out

    merged = messages()
    monkeypatch.setattr(de, "_merge_maps", lambda steps: steps)
    assert merged == messages()
    assert merged[0] == "no error"  # a torch tensor became a numpy array between the maps
    assert "the operations returned 2 columns but 1 output column name is given" in merged[1]


def test_BatchDataset_an_epoch_left_open_does_not_disturb_the_next_ones(monkeypatch, reference):
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)
    runner = resnet_pipeline(2, size=(64, 64), count=3)._open(de._Run())  # pylint: disable=protected-access
    fused = runner.child
    first = fused.epoch()
    next(first)  # started, then left open (as a zip leaves its longer side) ...
    second = list(fused.epoch())
    first.close()  # ... and closed only now
    third = list(fused.epoch())
    for rows in (second, third):
        assert len(rows) == len(reference)
        for row, ref in zip(rows, reference):
            np.testing.assert_array_equal(row[0], ref[0])


@pytest.mark.parametrize("order", ["shuffle_repeat_batch", "repeat_shuffle_batch", "repeat_batch_repeat"])
def test_BatchDataset_fused_through_repeat_and_shuffle_gives_the_unfused_rows(monkeypatch, order):
    # AlexNet's map -> shuffle -> repeat -> batch and VGG16's map -> repeat -> shuffle -> batch
    monkeypatch.setattr(de, "WORKER_MIN_ROWS", 1)

    def pipe():
        d = ds.MnistDataset(MNIST, num_parallel_workers=2).map(
            input_columns="image", operations=lambda x: x[::2, ::2].astype(np.float32), num_parallel_workers=2)
        if order == "shuffle_repeat_batch":
            return d.shuffle(7).repeat(2).batch(5, drop_remainder=True).repeat(2)
        if order == "repeat_shuffle_batch":
            return d.repeat(3).shuffle(10).batch(7)
        return d.repeat(2).batch(6, drop_remainder=False).repeat(2)

    ds.config.set_seed(9)
    try:
        it = pipe().create_tuple_iterator()
        fused = list(it)
        top = it._runner  # pylint: disable=protected-access
        assert isinstance(getattr(top, "child", top), de._FusedBatchRunner)  # pylint: disable=protected-access
        monkeypatch.setattr(de, "_fusable", lambda node: None)
        plain = list(pipe())
    finally:
        ds.config.set_seed(5489)
    assert len(fused) == len(plain) > 4
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
