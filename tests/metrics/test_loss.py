"""The Loss metric: the mean of per-update loss means."""
import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor


def test_Loss_seed_example():
    x = Tensor(np.array(0.2), msnn.float32)
    loss = nn.Loss()
    loss.clear()
    loss.update(x)
    result = loss.eval()
    assert repr(float(result)) == "0.20000000298023224" and isinstance(result, np.float64)


def test_Loss_averages_per_update_means(device):
    metric = nn.Loss()
    means = []
    for n in (1, 4, 9):
        loss = np.random.rand(n).astype(np.float32)
        means.append(np.float64(loss.mean()))
        metric.update(torch.tensor(loss, device=device))
    metric.update([0.5, 1.5])
    means.append(1.0)
    metric.update(torch.tensor(3.0, device=device, requires_grad=True))
    means.append(3.0)
    np.testing.assert_allclose(metric.eval(), np.mean(means), rtol=1e-15)


def test_Loss_errors():
    metric = nn.Loss()
    with pytest.raises(RuntimeError):
        metric.eval()
    with pytest.raises(ValueError, match="1 input"):
        metric.update(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="1 input"):
        metric.update()
    with pytest.raises(ValueError, match="dimensions"):
        metric.update(np.ones((2, 2)))
    with pytest.raises(TypeError):
        metric.update(0.5)
