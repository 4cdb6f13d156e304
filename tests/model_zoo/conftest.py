"""Shared helpers of the model_zoo tests: 0.1's parameter lists and a fast initializer switch."""
import json
import os

import numpy as np
import pytest
import torch

import msnn
from msnn.layer import basic as layer_basic, conv as layer_conv, normalization as layer_norm
from msnn.model_zoo import vgg

_DATA = os.path.join(os.path.dirname(__file__), "..", "data", "model_zoo_params.json")


def expected_params(key):
    """[(name, shape, trainable)] of a network as MindSpore 0.1 built it (tools/model_zoo_expected.py)."""
    with open(_DATA, encoding="utf-8") as f:
        data = json.load(f)
    return [(n, tuple(s), t) for n, s, t in data["networks"][key]]


def tiny_bert_kwargs():
    with open(_DATA, encoding="utf-8") as f:
        return dict(json.load(f)["meta"]["tiny_bert"])


def listing(net):
    return [(n, tuple(p.shape), bool(p.requires_grad)) for n, p in net.parameters_and_names()]


@pytest.fixture(autouse=True)
def _one_thread():
    """These networks are tiny: one intra-op thread is faster, and far faster on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def fast_init(monkeypatch):
    """Zeros instead of random draws for the layers' initializers (structure tests need only shapes)."""
    def zeros(init, shape=None, dtype=msnn.float32):
        if isinstance(init, torch.Tensor):
            return init
        return msnn.Tensor(torch.zeros(tuple(shape) if isinstance(shape, (list, tuple)) else (shape,), dtype=dtype))
    def zeros_for(init, shape, dtype, *_caller):  # make_tensor(init, shape, dtype, cls, arg, shape_args)
        return zeros(init, shape, dtype)
    for module in (layer_basic, layer_conv, layer_norm, vgg):
        if hasattr(module, "initializer"):
            monkeypatch.setattr(module, "initializer", zeros)
        if hasattr(module, "make_tensor"):
            monkeypatch.setattr(module, "make_tensor", zeros_for)
    monkeypatch.setattr(np.random, "randn", lambda *shape: np.zeros(shape, np.float32))
