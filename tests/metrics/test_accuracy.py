"""Accuracy and EvaluationBase: NumPy references over several updates, the seed example, errors."""
import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor


def _state_size(metric):
    return sum(np.size(v) for v in vars(metric).values() if isinstance(v, (np.ndarray, np.generic)))


def test_Accuracy_seed_example():
    x = Tensor(np.array([[0.2, 0.5], [0.3, 0.1], [0.9, 0.6]]), msnn.float32)
    y = Tensor(np.array([1, 0, 1]), msnn.float32)
    metric = nn.Accuracy('classification')
    metric.clear()
    metric.update(x, y)
    result = metric.eval()
    assert result == 2 / 3 and isinstance(result, np.float64)


@pytest.mark.parametrize("label_form", ["index", "onehot", "float_index"])
def test_Accuracy_classification_reference_several_updates(label_form, device):
    metric = nn.Accuracy()
    correct = total = 0
    for n in (7, 1, 12, 5):
        y_pred = np.random.rand(n, 4).astype(np.float32)
        y = np.random.randint(0, 4, n)
        correct += int((y_pred.argmax(1) == y).sum())
        total += n
        labels = {"index": y, "onehot": np.eye(4)[y], "float_index": y.astype(np.float32)}[label_form]
        metric.update(torch.tensor(y_pred, device=device), torch.tensor(labels, device=device))
    assert metric.eval() == correct / total
    assert _state_size(metric) <= 2  # two running counts, whatever the number of updates


def test_Accuracy_classification_spatial_labels():
    y_pred = np.random.rand(3, 5, 2, 2)
    y = np.random.randint(0, 5, (3, 2, 2))
    assert nn.Accuracy()(y_pred, y) == np.mean(y_pred.argmax(1) == y)


def test_Accuracy_multilabel_reference_several_updates():
    metric = nn.Accuracy('multilabel')
    correct = total = 0
    for n in (6, 9):
        y_pred = np.random.randint(0, 2, (n, 3))
        y = np.where(np.random.rand(n, 3) < 0.8, y_pred, 1 - y_pred)
        correct += sum(all(y_pred[i] == y[i]) for i in range(n))
        total += n
        metric.update(y_pred.tolist(), y)
    assert metric.eval() == correct / total


def test_Accuracy_n1_labels_raise_and_all_ones_n1_is_one_hot():
    y_pred = np.array([[0.2, 0.8], [0.9, 0.1]])
    with pytest.raises(ValueError, match="y"):
        nn.Accuracy().update(y_pred, np.array([[1], [0]]))
    # 0.1 quirk: an (N, 1) column of ones passes the one-hot test and becomes class 0
    assert nn.Accuracy()(y_pred, np.array([[1], [1]])) == 0.5


def test_Accuracy_errors():
    metric = nn.Accuracy()
    with pytest.raises(RuntimeError):
        metric.eval()
    for inputs in ((np.zeros((2, 2)),), (np.zeros((2, 2)), np.zeros(2), np.zeros(2))):
        with pytest.raises(ValueError, match="2 inputs"):
            metric.update(*inputs)
    with pytest.raises(ValueError):  # dims: y_pred.ndim must be y.ndim + 1
        metric.update(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError):  # batch size differs
        metric.update(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(TypeError):
        metric.update((0.1, 0.9), [1])
    metric.update(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="classes"):
        metric.update(np.zeros((3, 4)), np.zeros(3))
    with pytest.raises(TypeError, match="eval_type"):
        nn.Accuracy('binary')


def test_EvaluationBase_eval_type_and_checks():
    with pytest.raises(TypeError, match="eval_type"):
        nn.EvaluationBase('Classification')
    with pytest.raises(TypeError, match="eval_type"):
        nn.EvaluationBase(None)
    base = nn.EvaluationBase('multilabel')
    for method in (base.clear, base.eval, lambda: base.update(1, 2)):
        with pytest.raises(NotImplementedError):
            method()
    with pytest.raises(ValueError):  # multilabel needs equal shapes
        base._check_shape(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="0 or 1"):
        base._check_value(np.array([[0, 2]]), np.array([[0, 1]]))
    with pytest.raises(ValueError, match="0 or 1"):
        nn.Accuracy('multilabel').update(np.array([[0, 1]]), np.array([[0.5, 1]]))
    with pytest.raises(ValueError):
        nn.Accuracy('multilabel').update(np.array([[0, 1]]), np.array([1]))
    cls = nn.EvaluationBase('classification')
    cls._check_shape(np.zeros((2, 3, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError):
        cls._check_shape(np.zeros((2, 3, 4)), np.zeros((2, 3)))
