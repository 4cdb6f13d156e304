"""Precision and Recall: per-class (classification) and per-sample (multilabel) NumPy references
over several updates, streaming state, the seed examples and every error case."""
import numpy as np
import pytest
import torch

import msnn as nn
from msnn import Tensor


def _ratio(num, den):
    return np.array([n / d if d else 0.0 for n, d in zip(num, den)])


def _state_size(metric):
    return sum(np.size(v) for v in vars(metric).values() if isinstance(v, (np.ndarray, np.generic)))


@pytest.mark.parametrize("cls,expect", [(nn.Precision, [0.5, 1.0]), (nn.Recall, [1.0, 0.5])])
def test_Precision_Recall_seed_examples(cls, expect):
    x = Tensor(np.array([[0.2, 0.5], [0.3, 0.1], [0.9, 0.6]]))
    y = Tensor(np.array([1, 0, 1]))
    metric = cls('classification')
    metric.clear()
    metric.update(x, y)
    result = metric.eval()
    assert isinstance(result, np.ndarray)
    np.testing.assert_array_equal(result, expect)
    assert metric.eval(average=True) == 0.75


@pytest.mark.parametrize("cls", [nn.Precision, nn.Recall])
@pytest.mark.parametrize("onehot", [False, True])
def test_Precision_Recall_classification_reference_several_updates(cls, onehot, device):
    metric = cls()
    c = 5
    tp, pred, act = np.zeros(c), np.zeros(c), np.zeros(c)
    for n in (8, 3, 20, 1):
        y_pred = np.random.rand(n, c).astype(np.float32)
        y = np.random.randint(0, c - 1, n)  # the last class never occurs: 0/0 must give 0
        p = y_pred.argmax(1)
        for k in range(c):
            tp[k] += np.sum((p == k) & (y == k))
            pred[k] += np.sum(p == k)
            act[k] += np.sum(y == k)
        labels = np.eye(c)[y] if onehot else y
        metric.update(torch.tensor(y_pred, device=device), torch.tensor(labels, device=device))
    expect = _ratio(tp, pred if cls is nn.Precision else act)
    np.testing.assert_allclose(metric.eval(), expect, rtol=1e-12)
    np.testing.assert_allclose(metric.eval(True), expect.mean(), rtol=1e-12)
    assert _state_size(metric) <= 2 * c + 1  # per-class counts (+ the unused multilabel sum)


@pytest.mark.parametrize("cls", [nn.Precision, nn.Recall])
def test_Precision_Recall_multilabel_per_sample_reference(cls):
    metric = cls('multilabel')
    values = []
    for n in (6, 4, 9):
        y_pred = np.random.randint(0, 2, (n, 4))
        y = np.random.randint(0, 2, (n, 4))
        y_pred[0] = 0  # a sample with no predicted positive
        y[1] = 0       # a sample with no actual positive
        den = y_pred.sum(1) if cls is nn.Precision else y.sum(1)
        values.extend(_ratio((y * y_pred).sum(1), den))
        metric.update(y_pred, y)
    np.testing.assert_allclose(metric.eval(), values, rtol=1e-12)
    np.testing.assert_allclose(metric.eval(average=True), np.mean(values), rtol=1e-12)
    np.testing.assert_allclose(metric.eval(), values, rtol=1e-12)  # eval is repeatable


@pytest.mark.parametrize("cls", [nn.Precision, nn.Recall])
def test_Precision_Recall_multilabel_keeps_one_value_per_sample(cls):
    metric = cls('multilabel')
    for _ in range(50):
        metric.update(np.random.randint(0, 2, (10, 8)), np.random.randint(0, 2, (10, 8)))
    # one float per sample (what eval(average=False) returns) plus a running sum and count
    assert sum(chunk.size for chunk in metric._sample_chunks) == 500
    assert all(chunk.dtype == np.float64 for chunk in metric._sample_chunks)
    assert metric.eval().shape == (500,)


def test_Precision_multilabel_float32_average_keeps_0_1_nan():
    # 0.1 averaged per-sample ratios computed in the input dtype: with float32 data eps underflows,
    # so a sample with no predicted positive gives 0/0 = NaN in the average, but 0 in eval()
    y_pred = np.array([[0, 0], [1, 1]], dtype=np.float32)
    y = np.array([[1, 0], [1, 0]], dtype=np.float32)
    metric = nn.Precision('multilabel')
    metric.update(y_pred, y)
    np.testing.assert_array_equal(metric.eval(), [0.0, 0.5])
    assert np.isnan(metric.eval(True))
    metric.clear()
    metric.update(y_pred.astype(np.int64), y.astype(np.int64))
    assert metric.eval(True) == 0.25


@pytest.mark.parametrize("cls", [nn.Precision, nn.Recall])
def test_Precision_Recall_errors(cls):
    metric = cls()
    with pytest.raises(RuntimeError):
        metric.eval()
    with pytest.raises(RuntimeError):  # the empty check comes before the average check
        metric.eval(average=1)
    with pytest.raises(ValueError, match="2 inputs"):
        metric.update(np.zeros((2, 2)))
    with pytest.raises(IndexError):  # labels are used as indices
        metric.update(np.array([[0.1, 0.9]]), np.array([1.0]))
    with pytest.raises(ValueError, match="classes|label"):
        metric.update(np.array([[0.1, 0.9]]), np.array([2]))
    with pytest.raises(ValueError):  # (N, 1) class indices are refused
        metric.update(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([[1], [0]]))
    metric.update(np.array([[0.1, 0.9]]), np.array([1]))
    for bad in (1, "True", None, np.bool_(True)):
        with pytest.raises(ValueError, match="average"):
            metric.eval(average=bad)
    with pytest.raises(ValueError, match="classes"):
        metric.update(np.zeros((1, 3)), np.array([1]))
    with pytest.raises(TypeError, match="eval_type"):
        cls('multi')
    with pytest.raises(ValueError, match="0 or 1"):
        cls('multilabel').update(np.array([[0, 3]]), np.array([[0, 1]]))
    with pytest.raises(ValueError):
        cls('multilabel').update(np.array([[0, 1]]), np.array([[0, 1, 1]]))
