"""MAE and MSE: the sum over all elements divided by the accumulated batch size."""
import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor


def test_MAE_seed_example():
    x = Tensor(np.array([0.1, 0.2, 0.6, 0.9]), msnn.float32)
    y = Tensor(np.array([0.1, 0.25, 0.7, 0.9]), msnn.float32)
    error = nn.MAE()
    error.clear()
    error.update(x, y)
    result = error.eval()
    # float32 differences summed in float32, then float64 (numpy-1.x promotion of 0 + float32)
    assert result == np.float64(np.abs(y.asnumpy() - x.asnumpy()).sum()) / 4
    assert isinstance(result, np.float64) and repr(float(result)) == "0.037499990314245224"


def test_MSE_seed_example():
    x = Tensor(np.array([0.1, 0.2, 0.6, 0.9]), msnn.float32)
    y = Tensor(np.array([0.1, 0.25, 0.5, 0.9]), msnn.float32)
    error = nn.MSE()
    error.clear()
    error.update(x, y)
    assert repr(float(error.eval())) == "0.0031250009778887033"


@pytest.mark.parametrize("cls,fn", [(nn.MAE, np.abs), (nn.MSE, np.square)])
def test_MAE_MSE_divide_by_batch_size_over_updates(cls, fn, device):
    metric = cls()
    total, batches = 0.0, 0
    for n in (4, 1, 7):
        y_pred = np.random.randn(n, 3, 2)
        y = np.random.randn(n, 6)  # reshaped to y_pred's shape
        total += fn(y.reshape(n, 3, 2) - y_pred).sum()
        batches += n
        metric.update(torch.tensor(y_pred, device=device), y)
    np.testing.assert_allclose(metric.eval(), total / batches, rtol=1e-12)


@pytest.mark.parametrize("cls,expect", [(nn.MAE, 3.0), (nn.MSE, 3.0)])
def test_MAE_MSE_all_off_by_one(cls, expect):
    assert cls()(np.zeros((2, 3)), np.ones((2, 3))) == expect


@pytest.mark.parametrize("cls", [nn.MAE, nn.MSE])
def test_MAE_MSE_errors(cls):
    metric = cls()
    with pytest.raises(RuntimeError):
        metric.eval()
    with pytest.raises(ValueError, match="2 inputs"):
        metric.update(np.zeros(2))
    with pytest.raises(TypeError):
        metric.update(np.zeros(2), 1.0)
    with pytest.raises(IndexError):  # 0-d inputs have no batch dimension
        metric.update(np.array(1.0), np.array(2.0))
