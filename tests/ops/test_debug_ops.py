"""Summary primitives, InsertGradientOf, Print."""
import sys
import types

import pytest
import torch

from msnn.ops import operations as P


@pytest.fixture
def recorded(monkeypatch):
    """A stand-in msnn.train.summary module with a _record hook."""
    calls = []
    module = types.ModuleType("msnn.train.summary")
    module._record = lambda kind, name, value: calls.append((kind, name, value))  # pylint: disable=protected-access
    monkeypatch.setitem(sys.modules, "msnn.train.summary", module)
    return calls


def test_ScalarSummary_records_when_summary_exists(recorded):
    assert P.ScalarSummary()("loss", torch.tensor(0.5)) is None
    assert P.ScalarSummary()("acc", torch.tensor([0.25])) is None
    assert [(k, n, v.tolist()) for k, n, v in recorded] == [("scalar", "loss", 0.5), ("scalar", "acc", [0.25])]


def test_ScalarSummary_python_number_is_a_scalar(recorded):
    P.ScalarSummary()("lr", 2.2)
    assert recorded[0][1] == "lr" and recorded[0][2].dtype == torch.float32
    assert abs(recorded[0][2].item() - 2.2) < 1e-6
    with pytest.raises(TypeError, match="For 'ScalarSummary', the 'value' must be a Tensor"):
        P.ScalarSummary()("flag", True)


def test_ScalarSummary_without_summary_module_and_errors(monkeypatch):
    monkeypatch.setitem(sys.modules, "msnn.train.summary", None)  # import fails -> no-op
    P.ScalarSummary()("x", torch.tensor(1.0))
    with pytest.raises(ValueError, match="For 'ScalarSummary', the 'value' must be a scalar Tensor"):
        P.ScalarSummary()("x", torch.ones(2))
    with pytest.raises(TypeError, match="For 'ScalarSummary', the 'name' must be a str"):
        P.ScalarSummary()(1, torch.tensor(1.0))


def test_ImageSummary_records_and_checks(recorded):
    P.ImageSummary()("image", torch.zeros(1, 3, 4, 4))
    assert recorded[0][0] == "image" and recorded[0][2].shape == (1, 3, 4, 4)
    with pytest.raises(ValueError, match="For 'ImageSummary', the 'value' must be a 4-D Tensor"):
        P.ImageSummary()("image", torch.zeros(3, 4))


def test_TensorSummary_records_a_detached_value(recorded):
    x = torch.ones(2, 2, requires_grad=True)
    P.TensorSummary()("x", x * 2)
    kind, name, value = recorded[0]
    assert (kind, name) == ("tensor", "x") and not value.requires_grad and value.tolist() == [[2, 2], [2, 2]]
    with pytest.raises(TypeError, match="For 'TensorSummary', the 'value' must be a Tensor"):
        P.TensorSummary()("x", [1.0])


def test_InsertGradientOf_doc_example_clip():
    def clip_gradient(dx):
        ret = dx
        if ret > 1.0:
            ret = 1.0
        if ret < 0.2:
            ret = 0.2
        return ret
    clip = P.InsertGradientOf(clip_gradient)
    x = torch.tensor(1.1, requires_grad=True)
    y = torch.tensor(0.1, requires_grad=True)
    c = clip(x) * clip(y)
    assert abs(c.item() - 0.11) < 1e-6  # forward unchanged
    c.backward()
    # d/dx = y = 0.1 -> clipped to 0.2; d/dy = x = 1.1 -> clipped to 1.0 (0.1's bprop: f(dout))
    assert abs(x.grad.item() - 0.2) < 1e-6 and abs(y.grad.item() - 1.0) < 1e-6


def test_InsertGradientOf_tensor_function_and_errors():
    x = torch.ones(3, requires_grad=True)
    (P.InsertGradientOf(lambda d: d * 10)(x) * torch.tensor([1., 2., 3.])).sum().backward()
    assert x.grad.tolist() == [10.0, 20.0, 30.0]
    assert P.InsertGradientOf(abs)(torch.ones(2)).tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="For 'InsertGradientOf', the 'f' must be a callable"):
        P.InsertGradientOf(1)


def test_Print_prints_like_0_1(capsys):
    assert P.Print()("x:", torch.tensor([[1.5, 2.0]]), torch.tensor(3, dtype=torch.int32)) is None
    # 0.1 (utils/tensorprint_utils.cc): strings as is, tensors as Tensor::ToStringRepr, one per
    # line, then an empty line; shapes through utils/overload.h's vector printer
    assert capsys.readouterr().out == ("x:\nTensor shape:[[const vector][1, 2]]Float32\nval:[[1.5 2. ]]\n"
                                       "Tensor shape:[[const vector][]]Int32\nval:3\n\n")
    assert P.Print().infer_shape(1) == [1]


def test_HistogramSummary_records(recorded):
    from msnn.ops.operations.debug_ops import HistogramSummary  # pylint: disable=import-outside-toplevel
    HistogramSummary()("w", torch.arange(4.0))
    assert recorded[0][0] == "histogram" and recorded[0][2].tolist() == [0.0, 1.0, 2.0, 3.0]
