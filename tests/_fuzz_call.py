"""Shared machinery of the call-time fuzz test (tests/test_fuzz_calls.py).

Every layer, loss, wrapper and metric is called with valid inputs, then with ONE input replaced by a
wrong one: a numpy array, a list, a float, None, a rank one lower / one higher, another dtype
(float64, float16, int32, bool). Outcomes: ``clean`` (TypeError/ValueError whose message starts
with ``For '<Class>'`` and names the input), ``misattributed``, ``leaked`` (a raw torch/Python
error) or ``accepted``. ``python -m tests._fuzz_call`` prints the counts.
"""
import sys
import warnings

import numpy as np
import torch

import msnn


def _f(*shape):
    return torch.randn(*shape)


def _i(*shape, high=3):
    return torch.randint(0, high, shape, dtype=torch.int32)


def _net():
    return msnn.Dense(3, 2)


def _train(kind):
    net = msnn.Dense(3, 2)
    loss = msnn.WithLossCell(net, msnn.MSELoss())
    opt = msnn.Momentum(net.trainable_params(), 0.1, 0.9)
    if kind == "scale":
        return msnn.TrainOneStepWithLossScaleCell(loss, opt, msnn.DynamicLossScaleUpdateCell(1024.0, 2, 10))
    return msnn.TrainOneStepCell(loss, opt)


# name -> (factory, [(input name, valid value factory)], "cell" | "metric")
CELLS = {
    "ReLU": (msnn.ReLU, [("input", lambda: _f(4, 3))]),
    "ReLU6": (msnn.ReLU6, [("input", lambda: _f(4, 3))]),
    "Tanh": (msnn.Tanh, [("input", lambda: _f(4, 3))]),
    "GELU": (msnn.GELU, [("input", lambda: _f(4, 3))]),
    "Sigmoid": (msnn.Sigmoid, [("input", lambda: _f(4, 3))]),
    "Softmax": (msnn.Softmax, [("input", lambda: _f(4, 3))]),
    "LogSoftmax": (msnn.LogSoftmax, [("input", lambda: _f(4, 3))]),
    "LeakyReLU": (msnn.LeakyReLU, [("input", lambda: _f(4, 3))]),
    "PReLU": (lambda: msnn.PReLU(3), [("input", lambda: _f(2, 3, 4, 4))]),
    "Dropout": (lambda: msnn.Dropout(0.8).set_train(), [("input", lambda: _f(4, 3))]),
    "Flatten": (msnn.Flatten, [("input", lambda: _f(2, 3, 4))]),
    "Dense": (lambda: msnn.Dense(3, 2), [("input", lambda: _f(4, 3))]),
    "ClipByNorm": (msnn.ClipByNorm, [("input", lambda: _f(4, 3)), ("clip_norm", lambda: torch.tensor(1.0))]),
    "Norm": (lambda: msnn.Norm(1), [("input", lambda: _f(4, 3))]),
    "OneHot": (lambda: msnn.OneHot(depth=4), [("indices", lambda: _i(5, high=4))]),
    "Conv2d": (lambda: msnn.Conv2d(3, 4, 3), [("input", lambda: _f(2, 3, 6, 6))]),
    "Conv2dTranspose": (lambda: msnn.Conv2dTranspose(3, 4, 3), [("input", lambda: _f(2, 3, 6, 6))]),
    "MaxPool2d": (lambda: msnn.MaxPool2d(2, 2), [("input", lambda: _f(2, 3, 6, 6))]),
    "AvgPool2d": (lambda: msnn.AvgPool2d(2, 2), [("input", lambda: _f(2, 3, 6, 6))]),
    "BatchNorm1d": (lambda: msnn.BatchNorm1d(3).set_train(), [("input", lambda: _f(4, 3))]),
    "BatchNorm2d": (lambda: msnn.BatchNorm2d(3).set_train(), [("input", lambda: _f(2, 3, 4, 4))]),
    "LayerNorm": (lambda: msnn.LayerNorm((3,)), [("input_x", lambda: _f(4, 3))]),
    "Embedding": (lambda: msnn.Embedding(10, 4), [("input_ids", lambda: _i(2, 5, high=10))]),
    "LSTM": (lambda: msnn.LSTM(3, 4), [("input", lambda: _f(5, 2, 3)), ("hx", lambda: (_f(1, 2, 4), _f(1, 2, 4)))]),
    "L1Loss": (msnn.L1Loss, [("input", lambda: _f(4, 3)), ("target", lambda: _f(4, 3))]),
    "MSELoss": (msnn.MSELoss, [("input", lambda: _f(4, 3)), ("target", lambda: _f(4, 3))]),
    "SmoothL1Loss": (msnn.SmoothL1Loss, [("input_data", lambda: _f(4, 3)), ("target_data", lambda: _f(4, 3))]),
    "SoftmaxCrossEntropyWithLogits": (lambda: msnn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True),
                                      [("logits", lambda: _f(4, 3)), ("labels", lambda: _i(4))]),
    "SoftmaxCrossEntropyExpand": (lambda: msnn.SoftmaxCrossEntropyExpand(sparse=True),
                                  [("logit", lambda: _f(4, 3)), ("label", lambda: _i(4))]),
    "WithLossCell": (lambda: msnn.WithLossCell(_net(), msnn.MSELoss()),
                     [("data", lambda: _f(4, 3)), ("label", lambda: _f(4, 2))]),
    "WithEvalCell": (lambda: msnn.WithEvalCell(_net(), msnn.MSELoss()),
                     [("data", lambda: _f(4, 3)), ("label", lambda: _f(4, 2))]),
    "WithGradCell": (lambda: msnn.WithGradCell(_net(), msnn.MSELoss()),
                     [("data", lambda: _f(4, 3)), ("label", lambda: _f(4, 2))]),
    "TrainOneStepCell": (lambda: _train("plain"), [("data", lambda: _f(4, 3)), ("label", lambda: _f(4, 2))]),
    "TrainOneStepWithLossScaleCell": (lambda: _train("scale"), [("data", lambda: _f(4, 3)), ("label", lambda: _f(4, 2))]),
    "ParameterUpdate": (lambda: msnn.ParameterUpdate(msnn.Parameter(msnn.Tensor(np.zeros((2, 3), np.float32)), name="p")),
                        [("x", lambda: _f(2, 3))]),
}

METRICS = {
    "Accuracy": (msnn.Accuracy, [("y_pred", lambda: _f(4, 3)), ("y", lambda: _i(4))]),
    "Precision": (msnn.Precision, [("y_pred", lambda: _f(4, 3)), ("y", lambda: _i(4))]),
    "Recall": (msnn.Recall, [("y_pred", lambda: _f(4, 3)), ("y", lambda: _i(4))]),
    "F1": (msnn.F1, [("y_pred", lambda: _f(4, 3)), ("y", lambda: _i(4))]),
    "Fbeta": (lambda: msnn.Fbeta(2.0), [("y_pred", lambda: _f(4, 3)), ("y", lambda: _i(4))]),
    "MAE": (msnn.MAE, [("y_pred", lambda: _f(4, 3)), ("y", lambda: _f(4, 3))]),
    "MSE": (msnn.MSE, [("y_pred", lambda: _f(4, 3)), ("y", lambda: _f(4, 3))]),
    "Loss": (msnn.Loss, [("loss", lambda: torch.tensor(0.5))]),
    "Top1CategoricalAccuracy": (msnn.Top1CategoricalAccuracy, [("y_pred", lambda: _f(4, 3)), ("y", lambda: _i(4))]),
    "Top5CategoricalAccuracy": (msnn.Top5CategoricalAccuracy, [("y_pred", lambda: _f(4, 6)), ("y", lambda: _i(4))]),
    "TopKCategoricalAccuracy": (lambda: msnn.TopKCategoricalAccuracy(2), [("y_pred", lambda: _f(4, 3)), ("y", lambda: _i(4))]),
}

BAD = ["numpy", "list", "float", "none", "rank_down", "rank_up", "float64", "float16", "int32", "bool"]


def bad_input(label, valid):
    if isinstance(valid, tuple):  # LSTM's hx: replace the whole pair
        return {"numpy": tuple(t.numpy() for t in valid), "list": [valid[0]], "float": 0.5, "none": None,
                "rank_down": tuple(t[0] for t in valid), "rank_up": tuple(t[None] for t in valid),
                "float64": tuple(t.double() for t in valid), "float16": tuple(t.half() for t in valid),
                "int32": tuple(t.int() for t in valid), "bool": tuple(t > 0 for t in valid)}[label]
    if label == "numpy":
        return valid.numpy()
    if label == "list":
        return valid.tolist()
    if label == "float":
        return 0.5
    if label == "none":
        return None
    if label == "rank_down":
        return valid[0] if valid.dim() else valid.reshape(())
    if label == "rank_up":
        return valid[None]
    return valid.to({"float64": torch.float64, "float16": torch.float16, "int32": torch.int32, "bool": torch.bool}[label])


def run(name, inputs):
    table = CELLS if name in CELLS else METRICS
    factory = table[name][0]
    obj = factory()
    if name in METRICS:
        obj.clear()
        return obj.update(*inputs)
    return obj(*inputs)


def cases():
    out = []
    for name, (_, args) in sorted({**CELLS, **METRICS}.items()):
        for k, (arg, _) in enumerate(args):
            for label in BAD:
                out.append((name, k, arg, label))
    return out


def valid_inputs(name):
    table = CELLS if name in CELLS else METRICS
    return [make() for _, make in table[name][1]]


def classify(name, k, arg, label):
    torch.manual_seed(0)
    inputs = valid_inputs(name)
    inputs[k] = bad_input(label, inputs[k])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            run(name, inputs)
        except (TypeError, ValueError) as err:
            msg = str(err.args[0]) if err.args else ""
            if msg.startswith(f"For '{name}'") and f"'{arg}" in msg:
                return "clean", f"{type(err).__name__}: {msg}"
            return ("misattributed" if msg.startswith("For '") else "leaked"), f"{type(err).__name__}: {msg}"
        except Exception as err:  # pylint: disable=broad-except
            return "leaked", f"{type(err).__name__}: {err}"
    return "accepted", ""


def main(argv):
    import collections
    counts = collections.Counter()
    for name in sorted({**CELLS, **METRICS}):
        run(name, valid_inputs(name))  # the valid call works
    for case in cases():
        cat, detail = classify(*case)
        counts[cat] += 1
        if cat in argv or "all" in argv:
            name, _, arg, label = case
            print(f"{cat:14s} {name}({arg}={label}): {detail[:150]}")
    print(f"tried {sum(counts.values())}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main(sys.argv[1:])
