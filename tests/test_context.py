import pytest
import torch

import msnn
from msnn import context


@pytest.fixture(autouse=True)
def _restore():
    yield
    context.set_context(device_target="CPU", device_id=0, mode=context.GRAPH_MODE)


def test_set_context_defaults_and_errors():
    assert context.get_context("mode") == context.GRAPH_MODE
    context.set_context(mode=context.PYNATIVE_MODE, device_target="CPU")
    assert context.get_context("mode") == 1 and context.device() == torch.device("cpu")
    with pytest.raises(ValueError, match="key"):
        context.set_context(no_such_key=1)
    with pytest.raises(ValueError, match="device_target"):
        context.set_context(device_target="TPU")
    with pytest.raises(ValueError):
        context.get_context("nope")


def test_get_context_reads_what_set_context_wrote():
    context.set_context(save_graphs=True)
    assert context.get_context("save_graphs") is True
    context.set_context(save_graphs=False)
    assert context.get_context("device_target") == "CPU"


def test_set_context_gpu_target():
    if torch.cuda.is_available():
        context.set_context(device_target="GPU", device_id=0)
        assert context.device() == torch.device("cuda", 0)
        assert msnn.Tensor([1.0]).device.type == "cuda"
    else:
        with pytest.warns(RuntimeWarning, match="CUDA is not available"):
            context.set_context(device_target="GPU")
        assert context.device() == torch.device("cpu")
