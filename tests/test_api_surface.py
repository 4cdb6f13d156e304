"""Every documented entry of the seed is `msnn.<Name>` with the seed's signature."""
import inspect

import pytest

import msnn
from msnn._api import REGISTRY
from msnn._compat_matrix import signature_problems
from msnn._spec import SEED


@pytest.mark.parametrize("path", sorted(SEED))
def test_api_surface_seed_entry_exported_with_documented_signature(path):
    name = path.rsplit(".", 1)[-1]
    obj = getattr(msnn, name, None)
    assert obj is not None, f"msnn.{name} is missing"
    assert path in REGISTRY and REGISTRY[path].obj is obj, f"msnn.{name} has no @ms_api entry"
    assert signature_problems(path, obj) == []
    assert inspect.getdoc(obj), f"msnn.{name} has no docstring"


def test_api_surface_seed_has_67_entries():
    assert len(SEED) == 67


@pytest.mark.parametrize("module,names", [
    ("layer", ["Dense", "Conv2d", "BatchNorm2d", "LSTM", "SequentialCell", "ReLU", "get_activation"]),
    ("loss", ["L1Loss", "SoftmaxCrossEntropyWithLogits"]),
    ("optim", ["Optimizer", "Momentum", "Adam", "LARS"]),
    ("metrics", ["Accuracy", "Loss", "get_metric_fn", "names"]),
    ("wrap", ["TrainOneStepCell", "DistributedGradReducer", "DynamicLossScaleUpdateCell"]),
])
def test_api_surface_submodules_mirror_mindspore_paths(module, names):
    sub = getattr(msnn, module)
    for name in names:
        assert getattr(sub, name) is getattr(msnn, name)
