"""DatasetHelper: one epoch per pass, one iterator per get_repeat_count() passes, rows to tensors;
ParallelMode's paths and values."""
import numpy as np
import pytest
import torch

from msnn.train import DatasetHelper, ParallelMode
from msnn.train import model as train_model, parallel_utils
from msnn.train.dataset_helper import _row_to_tensors

from _helpers import ListDataset, make_rows


def test_DatasetHelper_epochs_and_repeat():
    ds = ListDataset(make_rows(3), repeat=2)
    helper = DatasetHelper(ds, dataset_sink_mode=False)
    passes = [[tuple(t.shape) for row in helper for t in row] for _ in range(3)]
    assert passes == [[(2, 4), (2,)] * 3] * 3
    assert ds.iterators == 2 and [p for p in ds.pulled if p[0] == 1] == [(1, i) for i in range(3)] * 2
    assert helper.loop_size() == 1
    ds.output_types = lambda: [np.float32, np.int32]
    ds.output_shapes = lambda: [(2, 4), (2,)]
    assert helper.types_shapes() == ([torch.float32, torch.int32], [[2, 4], [2]])
    with pytest.raises(TypeError, match="'dataset_sink_mode'"):
        DatasetHelper(ds, dataset_sink_mode="no")


def test_DatasetHelper_short_dataset_warns_and_ends_the_epoch():
    class Short(ListDataset):
        def get_dataset_size(self):
            return 5
    helper = DatasetHelper(Short(make_rows(3)))
    with pytest.warns(RuntimeWarning, match="ran out after 3 of the 5 rows"):
        assert len(list(helper)) == 3


def test_DatasetHelper_unknown_size_is_a_clear_error():
    class Unsized(ListDataset):
        def get_dataset_size(self):
            return None  # a generator source without __len__, as 0.1's GeneratorDataset reported
    with pytest.raises(TypeError, match=r"get_dataset_size\(\)' must be known .*set_dataset_size"):
        DatasetHelper(Unsized(make_rows(2)))


def test_DatasetHelper_rows_to_tensors():
    a = np.ones((2, 2), np.float32)
    a.setflags(write=False)
    row = _row_to_tensors([a, np.int32(3), torch.zeros(2), "keep"], torch.device("cpu"))
    assert row[0].dtype == torch.float32 and row[1].dtype == torch.int32 and row[1].dim() == 0
    assert row[3] == "keep"
    assert [tuple(t.shape) for t in _row_to_tensors({"x": a, "y": a}, torch.device("cpu"))] == [(2, 2)] * 2
    assert len(_row_to_tensors(a, torch.device("cpu"))) == 1
    with pytest.raises(TypeError, match="'dataset'"):
        DatasetHelper(3)


def test_ParallelMode_paths_and_values():
    assert train_model.ParallelMode is ParallelMode is parallel_utils.ParallelMode
    assert ParallelMode.MODE_LIST == ["stand_alone", "data_parallel", "hybrid_parallel", "semi_auto_parallel",
                                      "auto_parallel"]
    from msnn import context
    context.set_auto_parallel_context(parallel_mode=ParallelMode.DATA_PARALLEL)
    assert train_model.ParallelMode.DATA_PARALLEL == context.get_auto_parallel_context("parallel_mode")
