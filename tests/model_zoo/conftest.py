"""Shared helpers of the model_zoo tests: 0.1's parameter lists and a fast initializer switch."""
import json
import os

import numpy as np
import pytest

import msnn
from msnn.common import initializer as init_mod

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


@pytest.fixture
def fast_init(monkeypatch):
    """Skip the random draws of the big initializers (structure tests only need the shapes)."""
    def fill(self, arr):
        arr[...] = 0.0
    for cls in (init_mod.Normal, init_mod.TruncatedNormal, init_mod.XavierUniform, init_mod.Uniform):
        monkeypatch.setattr(cls, "_initialize", fill)
    monkeypatch.setattr(np.random, "randn", lambda *shape: np.zeros(shape))


def sgd_losses(train_net, inputs, steps):
    train_net.set_train()
    return [float(train_net(*inputs).asnumpy()) for _ in range(steps)]


__all__ = ["expected_params", "listing", "tiny_bert_kwargs", "sgd_losses", "msnn"]
