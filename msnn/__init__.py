"""msnn: MindSpore 0.1.0-alpha's ``mindspore.nn`` on PyTorch.

``import msnn as nn`` gives every class and function of ``mindspore.nn``; the companions that
2020 scripts import beside it live in :mod:`msnn.common` (and at the top level: ``msnn.Tensor``,
``msnn.Parameter``, ``msnn.float32``, ...) and :mod:`msnn.context`.

Start-up: the core (Tensor, Parameter, dtypes, Cell, context) is imported with the package; the
sub-packages of ``mindspore.nn`` (``layer``, ``loss``, ``metrics``, ``optim``, ``wrap``), ``train``
and the rest load on first use of one of their names (``msnn.Dense`` imports ``msnn.layer``), so a
script pays only for what it touches.
"""
import importlib

from ._validator import UnsupportedError
from ._alias import install_alias
from . import common, context
from .common import (Tensor, Parameter, ParameterTuple, dtype,
                     bool_, int8, int16, int32, int64, uint8, float16, float32, float64)
from .cell import Cell
from .common import ms_function
from .log import get_level, get_log_config  # 0.1's `mindspore` exports the log configuration

__version__ = "0.1.0"

# The public surface of mindspore.nn, by the sub-package that defines it (each sub-package's
# __all__; tests/test_lazy_import.py checks that this table equals them).
_LAZY_NAMES = {
    "layer": ("Softmax", "LogSoftmax", "ReLU", "ReLU6", "LeakyReLU", "Tanh", "GELU", "Sigmoid", "PReLU",
              "get_activation", "Dropout", "Flatten", "Dense", "ClipByNorm", "Norm", "OneHot",
              "SequentialCell", "CellList", "Conv2d", "Conv2dTranspose", "Embedding", "LSTM",
              "BatchNorm1d", "BatchNorm2d", "LayerNorm", "MaxPool2d", "AvgPool2d"),
    "loss": ("L1Loss", "MSELoss", "SmoothL1Loss", "SoftmaxCrossEntropyWithLogits",
             "SoftmaxCrossEntropyExpand"),
    "metrics": ("Metric", "EvaluationBase", "Accuracy", "Precision", "Recall", "Fbeta", "F1", "MAE", "MSE",
                "TopKCategoricalAccuracy", "Top1CategoricalAccuracy", "Top5CategoricalAccuracy", "Loss",
                "names", "get_metric_fn"),
    "optim": ("Optimizer", "Momentum", "SGD", "Adam", "AdamWeightDecay", "AdamWeightDecayDynamicLR", "Lamb",
              "LARS"),
    "wrap": ("WithLossCell", "WithGradCell", "WithEvalCell", "TrainOneStepCell", "ParameterUpdate",
             "DataWrapper", "GetNextSingleOp", "DynamicLossScaleUpdateCell", "FixedLossScaleUpdateCell",
             "TrainOneStepWithLossScaleCell", "DistributedGradReducer"),
}
_LAZY = {name: "." + pkg for pkg, names in _LAZY_NAMES.items() for name in names}
# 0.1's top-level `mindspore` also exported mindspore.train's names
_LAZY.update(ParallelMode=".train.parallel_utils", Model=".train.model", DatasetHelper=".train.dataset_helper",
             amp=".train")
_SUBPACKAGES = ("layer", "loss", "metrics", "optim", "wrap", "train", "ops", "dataset", "model_zoo",
                "communication", "parallel")

__all__ = ["UnsupportedError", "install_alias", "common", "context", "Tensor", "Parameter", "ParameterTuple",
           "dtype", "bool_", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64",
           "Cell", "ms_function", "get_level", "get_log_config", "layer", "loss", "metrics", "optim",
           "wrap", "train", *_LAZY]


def __getattr__(name):
    """Loads the sub-package behind a lazy name on first use and caches the name here."""
    where = _LAZY.get(name)
    if where is not None:
        value = getattr(importlib.import_module(where, __name__), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module("." + name, __name__)
    else:
        raise AttributeError(f"module 'msnn' has no attribute '{name}'")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_SUBPACKAGES))
