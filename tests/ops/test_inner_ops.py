"""ScalarCast."""
import pytest
import torch

import msnn
from msnn.ops import operations as P


def test_ScalarCast_doc_example_and_types():
    assert P.ScalarCast()(255.0, msnn.int32) == 255 and type(P.ScalarCast()(255.0, msnn.int32)) is int
    assert P.ScalarCast()(3, msnn.float32) == 3.0 and isinstance(P.ScalarCast()(3, msnn.float16), float)
    assert P.ScalarCast()(2.9, msnn.int64) == 2
    assert P.ScalarCast()(0, msnn.bool_) is False


def test_ScalarCast_errors():
    with pytest.raises(TypeError, match="For 'ScalarCast', the 'input_y' must be an msnn number dtype or bool_"):
        P.ScalarCast()(1, "int32")
    with pytest.raises(TypeError, match="For 'ScalarCast', the 'input_x' must be a scalar"):
        P.ScalarCast()("1", msnn.int32)


def test_ScalarCast_under_grad_passes_the_gradient_as_0_1():
    from msnn.ops import composite as C
    from msnn.ops import functional as F
    for dtype, value in ((msnn.int8, 255.0), (msnn.float32, 255.5), (msnn.bool_, 1.0)):
        assert C.grad(lambda x, d=dtype: F.scalar_cast(x, d))(255.5) == 1.0
        out = F.scalar_cast(torch.tensor(255.5, dtype=torch.float64, requires_grad=True), dtype)
        assert out.item() == value
    with pytest.raises(TypeError, match="'ScalarCast'.*'input_x'"):
        F.scalar_cast(torch.tensor(2.0), msnn.int32)  # a tensor that is not being differentiated
