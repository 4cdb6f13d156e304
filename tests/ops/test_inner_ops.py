"""ScalarCast."""
import pytest

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
