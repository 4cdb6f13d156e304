"""The main example, examples/lenet_digits.py: its data file and a short training run."""
import importlib.util
import os

import numpy as np
import pytest
import torch

import msnn as nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
EXAMPLE = os.path.join(ROOT, "examples", "lenet_digits.py")
MISSING = [name for name in ("Conv2d", "MaxPool2d", "Momentum", "SoftmaxCrossEntropyWithLogits", "Accuracy")
           if not hasattr(nn, name)]


def _example():
    spec = importlib.util.spec_from_file_location("lenet_digits_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_TrainOneStepCell_lenet_digits_data_split():
    data = np.load(os.path.join(ROOT, "examples", "data", "digits.npz"))
    assert data["x_train"].shape == (1438, 8, 8) and data["x_test"].shape == (359, 8, 8)
    assert data["x_train"].dtype == np.uint8 and data["x_train"].max() == 16
    assert sorted(set(data["y_test"].tolist())) == list(range(10))
    assert np.bincount(data["y_test"]).min() >= 35  # stratified
    x_train, y_train, x_test, y_test = _example().load_digits()
    assert x_train.shape == (1438, 1, 32, 32) and x_train.dtype == np.float32 and y_train.dtype == np.int32
    assert abs(float(x_train.mean())) < 1e-5 and abs(float(x_train.std()) - 1.0) < 1e-5


@pytest.mark.skipif(bool(MISSING), reason=f"msnn lacks {MISSING}")
def test_TrainOneStepCell_lenet_digits_example_learns():
    example = _example()
    names = [p.name for p in example.LeNet5().get_parameters()]
    assert names == ['conv1.weight', 'conv2.weight', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias',
                     'fc3.weight', 'fc3.bias']
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the example's main() does by default (--cpu-threads 1)
    try:
        result = example.train(epochs=2, verbose=False)  # about a second
        # --loss-scale: same seed, same batches; scaling by 2**12 and back is exact in float32
        scaled = example.train(epochs=1, loss_scale=True, verbose=False)
    finally:
        torch.set_num_threads(threads)
    assert result["accuracy"] > 0.80, result
    assert result["losses"][1] < result["losses"][0]
    assert scaled["overflows"] == 0
    np.testing.assert_allclose(scaled["losses"][0], result["losses"][0], rtol=1e-5)
