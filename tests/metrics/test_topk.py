"""TopKCategoricalAccuracy (and Top1/Top5): NumPy reference, tie order, seed examples, errors."""
import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor

X = np.array([[0.2, 0.5, 0.3, 0.6, 0.2], [0.1, 0.35, 0.5, 0.2, 0.], [0.9, 0.6, 0.2, 0.01, 0.3]])


@pytest.mark.parametrize("metric,expect", [
    (lambda: nn.TopKCategoricalAccuracy(3), 2 / 3), (nn.Top1CategoricalAccuracy, 0.0),
    (nn.Top5CategoricalAccuracy, 1.0)])
def test_TopKCategoricalAccuracy_seed_examples(metric, expect):
    x = Tensor(X, msnn.float32)
    y = Tensor(np.array([2, 0, 1]), msnn.float32)
    topk = metric()
    topk.clear()
    topk.update(x, y)
    result = topk.eval()
    assert result == expect and isinstance(result, np.float64)
    if expect == 2 / 3:
        assert repr(float(result)) == "0.6666666666666666"


def _reference(y_pred, y, k):
    hits = 0
    for scores, label in zip(y_pred, y):
        # rank by score, ties broken towards the lower class index
        order = sorted(range(len(scores)), key=lambda c: (-scores[c], c))
        hits += int(label in order[:k])
    return hits


@pytest.mark.parametrize("k", [1, 2, 4])
@pytest.mark.parametrize("label_form", ["index", "column", "onehot"])
def test_TopKCategoricalAccuracy_reference_with_ties(k, label_form, device):
    metric = nn.TopKCategoricalAccuracy(k)
    hits = total = 0
    for n in (10, 3, 25):
        y_pred = np.random.randint(0, 4, (n, 20)).astype(np.float32)  # many ties
        y = np.random.randint(0, 20, n)
        hits += _reference(y_pred, y, k)
        total += n
        labels = {"index": y, "column": y[:, None], "onehot": np.eye(20)[y]}[label_form]
        metric.update(torch.tensor(y_pred, device=device), labels)
    assert metric.eval() == hits / total


def test_TopKCategoricalAccuracy_ties_prefer_lower_class_index():
    y_pred = np.array([[0.5] * 40])
    assert nn.TopKCategoricalAccuracy(2)(y_pred, np.array([1])) == 1.0
    assert nn.TopKCategoricalAccuracy(2)(y_pred, np.array([2])) == 0.0
    assert nn.Top1CategoricalAccuracy()(np.array([[0.1, 0.7, 0.7]]), [1]) == 1.0


@pytest.mark.parametrize("k,exc", [(1.0, TypeError), ("3", TypeError), (None, TypeError),
                                   (0, ValueError), (-2, ValueError), (False, ValueError)])
def test_TopKCategoricalAccuracy_bad_k(k, exc):
    with pytest.raises(exc, match="k"):
        nn.TopKCategoricalAccuracy(k)


def test_TopKCategoricalAccuracy_errors():
    assert nn.TopKCategoricalAccuracy(True).k == 1  # 0.1's isinstance(k, int) lets a bool through
    metric = nn.TopKCategoricalAccuracy(3)
    with pytest.raises(RuntimeError):
        metric.eval()
    with pytest.raises(ValueError, match="2 inputs"):
        metric.update(X)
    with pytest.raises(ValueError, match="classes"):
        metric.update(np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(TypeError):
        metric.update(X, (2, 0, 1))


def test_Top1CategoricalAccuracy_is_k1_with_lower_index_ties():
    metric = nn.Top1CategoricalAccuracy()
    assert metric.k == 1 and isinstance(metric, nn.TopKCategoricalAccuracy)
    metric.update(np.array([[0.1, 0.7, 0.7], [0.9, 0.05, 0.05]]), np.array([1, 0]))
    metric.update(Tensor(np.array([[0.2, 0.3, 0.5]]), msnn.float32), Tensor(np.array([1]), msnn.int32))
    assert metric.eval() == pytest.approx(2 / 3)


def test_Top5CategoricalAccuracy_is_k5():
    metric = nn.Top5CategoricalAccuracy()
    assert metric.k == 5
    scores = np.arange(12, dtype=np.float32).reshape(2, 6)  # class 0 is ranked last in both rows
    metric.update(scores, np.array([0, 1]))
    assert metric.eval() == 0.5
    with pytest.raises(RuntimeError):
        nn.Top5CategoricalAccuracy().eval()
