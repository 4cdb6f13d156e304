"""Shared machinery of the constructor fuzz test (tests/test_fuzz_constructors.py).

Every exported msnn class of the seed is built from a valid base call with ONE argument replaced by a
wrong value. Each outcome is classified:

* ``clean``: TypeError/ValueError (or 0.1's KeyError / msnn's UnsupportedError) whose message starts
  with ``For '<Class>'`` and names the argument;
* ``misattributed``: such an exception naming another class or argument;
* ``leaked``: any other exception (raw Python/torch/numpy: AttributeError, MemoryError, ...);
* ``accepted``: no exception (allowed only where whitelisted in the test, as a sensible value).

``python -m tests._fuzz_ctor`` prints the counts (the figures of the reliability report).
"""
import math
import sys

import numpy as np
import torch

import msnn
from msnn import _spec
from msnn._validator import UnsupportedError

NAN, INF = float("nan"), float("inf")

BAD = {
    "str": "abc", "none": None, "nan": NAN, "inf": INF, "-inf": -INF, "neg": -1, "neg_float": -0.5,
    "zero": 0, "zero_float": 0.0, "huge": 10 ** 12, "empty_tuple": (), "bool": True, "float": 2.5,
    "list": [1, 2], "tensor_nan": "TENSOR_NAN", "object": "OBJECT",
}


def bad_value(label):
    value = BAD[label]
    if value == "TENSOR_NAN":
        return torch.tensor(NAN)
    if value == "OBJECT":
        return object()
    return value


def _params():
    return msnn.Dense(3, 2).trainable_params()


def _net():
    return msnn.Dense(3, 2)


def _loss_net():
    return msnn.WithLossCell(msnn.Dense(3, 2), msnn.MSELoss())


# name -> (positional base args factory, keyword base args factory); arguments not given use defaults
BASE = {
    "Accuracy": lambda: {},
    "Adam": lambda: {"params": _params()},
    "AdamWeightDecay": lambda: {"params": _params()},
    "AdamWeightDecayDynamicLR": lambda: {"params": _params(), "decay_steps": 10},
    "AvgPool2d": lambda: {},
    "BatchNorm1d": lambda: {"num_features": 4},
    "BatchNorm2d": lambda: {"num_features": 4},
    "Cell": lambda: {},
    "CellList": lambda: {"*args": [msnn.ReLU()]},
    "ClipByNorm": lambda: {},
    "Conv2d": lambda: {"in_channels": 3, "out_channels": 4, "kernel_size": 3},
    "Conv2dTranspose": lambda: {"in_channels": 3, "out_channels": 4, "kernel_size": 3},
    "DataWrapper": lambda: {"network": _net(), "dataset_types": [msnn.float32, msnn.float32],
                            "dataset_shapes": [[2, 3], [2, 2]], "queue_name": "fuzz_queue"},
    "Dense": lambda: {"in_channels": 3, "out_channels": 2},
    "DistributedGradReducer": lambda: {"parameters": _params()},
    "Dropout": lambda: {},
    "DynamicLossScaleUpdateCell": lambda: {"loss_scale_value": 2.0 ** 12, "scale_factor": 2, "scale_window": 1000},
    "Embedding": lambda: {"vocab_size": 10, "embedding_size": 4},
    "EvaluationBase": lambda: {"eval_type": "classification"},
    "F1": lambda: {},
    "Fbeta": lambda: {"beta": 1.0},
    "FixedLossScaleUpdateCell": lambda: {"loss_scale_value": 1024.0},
    "Flatten": lambda: {},
    "GELU": lambda: {},
    "GetNextSingleOp": lambda: {"dataset_types": [msnn.float32], "dataset_shapes": [[2, 3]],
                                "queue_name": "fuzz_queue"},
    "L1Loss": lambda: {},
    "LARS": lambda: {"optimizer": msnn.Momentum(_params(), 0.1, 0.9)},
    "LSTM": lambda: {"input_size": 3, "hidden_size": 4},
    "Lamb": lambda: {"params": _params(), "decay_steps": 10},
    "LayerNorm": lambda: {"normalized_shape": (4,)},
    "LeakyReLU": lambda: {},
    "LogSoftmax": lambda: {},
    "Loss": lambda: {},
    "MAE": lambda: {},
    "MSE": lambda: {},
    "MSELoss": lambda: {},
    "MaxPool2d": lambda: {},
    "Metric": lambda: {},
    "Momentum": lambda: {"params": _params(), "learning_rate": 0.1, "momentum": 0.9},
    "Norm": lambda: {},
    "OneHot": lambda: {},
    "Optimizer": lambda: {"learning_rate": 0.1, "parameters": _params()},
    "PReLU": lambda: {},
    "ParameterUpdate": lambda: {"param": _params()[0]},
    "Precision": lambda: {},
    "ReLU": lambda: {},
    "ReLU6": lambda: {},
    "Recall": lambda: {},
    "SGD": lambda: {"params": _params()},
    "SequentialCell": lambda: {"*args": [msnn.ReLU()]},
    "Sigmoid": lambda: {},
    "SmoothL1Loss": lambda: {},
    "Softmax": lambda: {},
    "SoftmaxCrossEntropyExpand": lambda: {},
    "SoftmaxCrossEntropyWithLogits": lambda: {},
    "Tanh": lambda: {},
    "Top1CategoricalAccuracy": lambda: {},
    "Top5CategoricalAccuracy": lambda: {},
    "TopKCategoricalAccuracy": lambda: {"k": 3},
    "TrainOneStepCell": lambda: _train_base(),
    "TrainOneStepWithLossScaleCell": lambda: _train_base(),
    "WithEvalCell": lambda: {"network": _net(), "loss_fn": msnn.MSELoss()},
    "WithGradCell": lambda: {"network": _net(), "loss_fn": msnn.MSELoss()},
    "WithLossCell": lambda: {"backbone": _net(), "loss_fn": msnn.MSELoss()},
    "get_activation": lambda: {"name": "relu"},
    "get_metric_fn": lambda: {"name": "accuracy"},
    "names": lambda: {},
}


def _train_base():
    net = _loss_net()
    return {"network": net, "optimizer": msnn.Momentum(net.trainable_params(), 0.1, 0.9)}


def seed_names():
    return sorted(k.split(".")[-1] for k in _spec.SEED)


def arguments(name):
    """The seed's argument names of ``name`` with their default text (None when required)."""
    spec = _spec.SEED["mindspore.nn." + name]
    return [(a, d) for a, d in spec["params"] if a != "**kwargs"]


def build(name, arg, value):
    """Call ``msnn.<name>`` with the base arguments, ``arg`` replaced by ``value``."""
    kwargs = BASE[name]()
    target = getattr(msnn, name)
    if arg == "*args":
        return target(value)
    if arg.startswith("*"):
        return None
    kwargs[arg] = value
    star = kwargs.pop("*args", None)
    if star is not None:
        return target(*star)
    return target(**kwargs)


def _is_default(value, default_text):
    if default_text is None:
        return False
    try:
        return repr(value) == default_text or (value is None and default_text == "None")
    except Exception:  # pylint: disable=broad-except
        return False


CLEAN_TYPES = (TypeError, ValueError, KeyError, UnsupportedError)


def classify(name, arg, value):
    """``(category, detail)`` of building ``name`` with ``arg=value``."""
    try:
        build(name, arg, value)
    except CLEAN_TYPES as err:
        msg = str(err.args[0]) if err.args else ""
        shown = "*args" if arg == "*args" else arg
        prefix = f"For '{name}'"
        if msg.startswith(prefix) and (f"'{shown}'" in msg or arg == "*args"):
            return "clean", f"{type(err).__name__}: {msg}"
        return "misattributed", f"{type(err).__name__}: {msg}"
    except MemoryError as err:
        return "leaked", f"MemoryError: {err}"
    except Exception as err:  # pylint: disable=broad-except
        return "leaked", f"{type(err).__name__}: {err}"
    return "accepted", ""


def cases():
    """Every (class, argument, bad label) tried: the default value itself is skipped."""
    out = []
    for name in seed_names():
        for arg, default in arguments(name):
            for label in BAD:
                value = BAD[label]
                if isinstance(value, str) and value.isupper():
                    pass
                elif _is_default(value, default):
                    continue
                out.append((name, arg, label))
    return out


def main(argv):
    import collections
    import resource
    # a huge size must fail cleanly before allocating: cap the address space so that a leak shows as
    # a MemoryError instead of swapping the machine
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, resource.getrlimit(resource.RLIMIT_AS)[1]))
    import warnings
    warnings.simplefilter("ignore")
    counts = collections.Counter()
    show = set(argv)
    for name, arg, label in cases():
        cat, detail = classify(name, arg, bad_value(label))
        counts[cat] += 1
        if cat in show or "all" in show:
            print(f"{cat:14s} {name}({arg}={label}): {detail[:160]}")
    total = sum(counts.values())
    print(f"tried {total}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main(sys.argv[1:])
