"""Metric base: input conversion, one-hot detection, __call__, abstractness; the factory."""
import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor


class _Collect(nn.Metric):
    def clear(self):
        self.seen = []

    def update(self, *inputs):
        self.seen = [self._convert_data(x) for x in inputs]

    def eval(self):
        return self.seen


def test_Metric_converts_tensors_lists_and_arrays(device):
    m = _Collect()
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    got = m(Tensor(arr), torch.tensor(arr, device=device, requires_grad=True), arr.tolist(), arr,
            torch.tensor(arr, dtype=torch.bfloat16, device=device))
    for g in got:
        assert isinstance(g, np.ndarray)
        np.testing.assert_array_equal(g, arr)
    assert got[3] is arr and got[0].dtype == np.float32


@pytest.mark.parametrize("bad", [(1, 2), 3, 0.5, np.float32(0.2), "ab", None, {1: 2}])
def test_Metric_rejects_other_input_types(bad):
    with pytest.raises(TypeError, match="_Collect"):
        _Collect()(bad)


@pytest.mark.parametrize("data,onehot", [
    (np.eye(3)[[0, 2, 1]], True), (np.eye(3)[[0, 2, 1]].astype(np.int64), True),
    (np.array([[1, 1, 0], [0, 0, 1]]), False), (np.array([[0.5, 0.5]]), False),
    (np.array([0, 1, 0]), False), (np.array([[1], [1]]), True), (np.array([[0], [1]]), False),
    (np.zeros((2, 3, 4)) + (np.arange(3)[None, :, None] == 1), True),
])
def test_Metric_one_hot_detection(data, onehot):
    assert _Collect()._check_onehot_data(data) is onehot


def test_Metric_is_abstract_and_call_is_clear_update_eval():
    with pytest.raises(TypeError):
        nn.Metric()  # pylint: disable=abstract-class-instantiated
    m = nn.Accuracy()
    m.update(np.array([[0.0, 1.0]]), np.array([0]))
    assert m(np.array([[0.0, 1.0]]), np.array([1])) == 1.0  # the earlier update was cleared


def test_names_sorted_with_capital_F1():
    assert nn.names() == ['F1', 'acc', 'accuracy', 'loss', 'mae', 'mse', 'precision', 'recall',
                          'top_1_accuracy', 'top_5_accuracy', 'topk']
    assert msnn.metrics.names is nn.names


@pytest.mark.parametrize("name,cls,args", [
    ("accuracy", nn.Accuracy, ()), ("acc", nn.Accuracy, ("multilabel",)), ("precision", nn.Precision, ()),
    ("recall", nn.Recall, ()), ("F1", nn.F1, ()), ("topk", nn.TopKCategoricalAccuracy, (3,)),
    ("top_1_accuracy", nn.Top1CategoricalAccuracy, ()), ("top_5_accuracy", nn.Top5CategoricalAccuracy, ()),
    ("mae", nn.MAE, ()), ("mse", nn.MSE, ()), ("loss", nn.Loss, ()),
])
def test_get_metric_fn_factory_table(name, cls, args):
    metric = nn.get_metric_fn(name, *args)
    assert type(metric) is cls


def test_get_metric_fn_passes_kwargs_and_rejects_unknown_names():
    assert nn.get_metric_fn("precision", eval_type="multilabel")._type == "multilabel"
    assert nn.get_metric_fn("topk", k=2).k == 2
    for bad in ("f1", "Accuracy", "fbeta", "top5"):
        with pytest.raises(KeyError, match="name"):
            nn.get_metric_fn(bad)
    with pytest.raises(TypeError):
        nn.get_metric_fn("topk")  # k is required


def test_Metric_exports():
    for name in ("Metric", "EvaluationBase", "Accuracy", "Precision", "Recall", "Fbeta", "F1", "MAE",
                 "MSE", "Loss", "TopKCategoricalAccuracy", "Top1CategoricalAccuracy",
                 "Top5CategoricalAccuracy", "get_metric_fn", "names"):
        assert getattr(msnn, name) is getattr(msnn.metrics, name)
    assert msnn.Loss is not msnn.L1Loss and issubclass(msnn.Loss, msnn.Metric)
