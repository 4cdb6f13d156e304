"""Bit-exact agreement with MindSpore 0.1.0-alpha's own metric code.

``tests/data/loss_metrics_v01.npz`` was recorded by ``tools/record_goldens_loss.py``, which runs the
0.1.0-alpha ``nn/metrics`` modules (commit 576a73b4) under numpy 1.26, the era's type promotion:
random batches over several ``update`` calls, classification (index and one-hot labels),
multilabel (float and int data), top-k with ties, MAE/MSE and Loss. msnn must give the same
values, dtypes and Python result types.
"""
import json
import os

import numpy as np

import msnn as nn

DATA = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "loss_metrics_v01.npz"))
CASES = [(int(k[1:-5]), json.loads(str(DATA[k]))) for k in DATA.files if k.endswith("_meta")]


def _check(name):
    cases = sorted((i, m) for i, m in CASES if m["name"] == name)
    assert cases, name
    for i, meta in cases:
        metric = getattr(nn, name)(*meta["ctor"])
        for j in range(meta["updates"]):
            metric.update(*[DATA[f"c{i}_u{j}_{a}"] for a in range(meta["inputs"])])
        for e, (args, type_name) in enumerate(zip(meta["evals"], meta["types"])):
            got = metric.eval(*args)
            want = DATA[f"c{i}_r{e}"]
            assert type(got).__name__ == type_name, (i, meta)
            got = np.asarray(got)
            assert got.dtype == want.dtype and got.shape == want.shape, (i, meta)
            np.testing.assert_array_equal(got, want, err_msg=str((i, meta)))


def test_Accuracy_bit_exact_with_v01_code():
    _check("Accuracy")


def test_Precision_bit_exact_with_v01_code():
    _check("Precision")


def test_Recall_bit_exact_with_v01_code():
    _check("Recall")


def test_Fbeta_bit_exact_with_v01_code():
    _check("Fbeta")


def test_TopKCategoricalAccuracy_bit_exact_with_v01_code():
    _check("TopKCategoricalAccuracy")


def test_MAE_bit_exact_with_v01_code():
    _check("MAE")


def test_MSE_bit_exact_with_v01_code():
    _check("MSE")


def test_Loss_bit_exact_with_v01_code():
    _check("Loss")
