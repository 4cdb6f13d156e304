import os

import numpy as np
import pytest
import torch
from hypothesis import settings as hypothesis_settings

# property tests draw the same examples on every machine: CI is reproducible
hypothesis_settings.register_profile("msnn", derandomize=True)
hypothesis_settings.load_profile("msnn")

# GRAPH_MODE's compile policy for processes the tests start (examples, torchrun workers): eager
os.environ.setdefault("MSNN_GRAPH_POLICY", "eager")

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(params=DEVICES)
def device(request):
    """Every numeric test runs on the CPU, and on CUDA too when one is present."""
    return torch.device(request.param)


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture(autouse=True)
def _fresh_context():
    """Every test starts from 0.1's context defaults (device_target 'Ascend', GRAPH_MODE, ...)."""
    from msnn import context  # pylint: disable=import-outside-toplevel
    saved = (dict(context._context), dict(context._parallel), context._device, dict(context._parallel_extra))  # pylint: disable=protected-access
    yield
    context._context.clear()  # pylint: disable=protected-access
    context._context.update(saved[0])  # pylint: disable=protected-access
    context._parallel.clear()  # pylint: disable=protected-access
    context._parallel.update(saved[1])  # pylint: disable=protected-access
    context._device = saved[2]  # pylint: disable=protected-access
    context._parallel_extra.clear()  # pylint: disable=protected-access
    context._parallel_extra.update(saved[3])  # pylint: disable=protected-access


@pytest.fixture(autouse=True)
def _eager_graph_mode():
    """GRAPH_MODE (0.1's default mode) compiles train steps after a warm-up; the suite tests eager
    semantics, so it runs with the 'eager' policy, except where a test sets another
    (tests/wrap/test_graph_mode.py)."""
    from msnn import _graph  # pylint: disable=import-outside-toplevel
    saved = dict(vars(_graph.config))
    _graph.config.policy = "eager"
    yield
    vars(_graph.config).update(saved)
