"""Fbeta and F1: per-class NumPy reference over several updates, seed examples, errors."""
import numpy as np
import pytest
import torch

import msnn as nn
from msnn import Tensor


@pytest.mark.parametrize("metric", [lambda: nn.Fbeta(1), nn.F1])
def test_Fbeta_F1_seed_examples(metric):
    x = Tensor(np.array([[0.2, 0.5], [0.3, 0.1], [0.9, 0.6]]))
    y = Tensor(np.array([1, 0, 1]))
    m = metric()
    m.update(x, y)
    result = m.eval()
    np.testing.assert_allclose(result, [2 / 3, 2 / 3], rtol=1e-15)
    assert np.array2string(result) == "[0.66666667 0.66666667]"
    assert m.eval(True) == pytest.approx(2 / 3)


@pytest.mark.parametrize("beta", [0.5, 1, 2.0, 3])
@pytest.mark.parametrize("label_form", ["index", "column", "onehot"])
def test_Fbeta_reference_several_updates(beta, label_form, device):
    metric = nn.Fbeta(beta)
    c = 4
    tp, pred, act = np.zeros(c), np.zeros(c), np.zeros(c)
    for n in (9, 2, 15):
        y_pred = np.random.rand(n, c)
        y = np.random.randint(0, c - 1, n)
        p = y_pred.argmax(1)
        for k in range(c):
            tp[k] += np.sum((p == k) & (y == k))
            pred[k] += np.sum(p == k)
            act[k] += np.sum(y == k)
        labels = {"index": y, "column": y[:, None], "onehot": np.eye(c)[y]}[label_form]
        metric.update(torch.tensor(y_pred, device=device), labels.tolist())
    b2 = beta ** 2
    den = b2 * act + pred
    expect = np.array([(1 + b2) * t / d if d else 0.0 for t, d in zip(tp, den)])
    np.testing.assert_allclose(metric.eval(), expect, rtol=1e-12)
    np.testing.assert_allclose(metric.eval(average=True), expect.mean(), rtol=1e-12)
    assert metric._true_positives.shape == (c,)


def test_F1_is_fbeta_one():
    y_pred, y = np.random.rand(30, 3), np.random.randint(0, 3, 30)
    np.testing.assert_array_equal(nn.F1()(y_pred, y), nn.Fbeta(1.0)(y_pred, y))
    assert nn.F1().beta == 1.0 and isinstance(nn.F1(), nn.Fbeta)


@pytest.mark.parametrize("beta", [0, -1.0, 0.0])
def test_Fbeta_bad_beta_raises_ValueError(beta):
    with pytest.raises(ValueError, match="beta"):
        nn.Fbeta(beta)


def test_Fbeta_errors():
    metric = nn.Fbeta(2.0)
    with pytest.raises(ValueError, match="average"):  # the bool check comes first
        metric.eval(average="yes")
    with pytest.raises(RuntimeError):
        metric.eval()
    with pytest.raises(ValueError, match="2 inputs"):
        metric.update(np.zeros((2, 2)), np.zeros(2), np.zeros(2))
    with pytest.raises(IndexError):
        metric.update(np.array([[0.1, 0.9]]), np.array([1.0]))
    with pytest.raises(ValueError, match="label"):
        metric.update(np.array([[0.1, 0.9]]), np.array([5]))
    with pytest.raises(TypeError):
        metric.update(np.array([[0.1, 0.9]]), 1)
    metric.update(np.array([[0.1, 0.9]]), np.array([1]))
    with pytest.raises(ValueError, match="classes"):
        metric.update(np.zeros((1, 3)), np.array([1]))
