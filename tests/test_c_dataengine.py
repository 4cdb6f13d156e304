"""mindspore._c_dataengine: the names 0.1 scripts import from the C++ dataset module."""
import numpy as np
import pytest

import msnn


def test_TypeCastOp_casts_like_the_bert_example():
    msnn.install_alias()
    import mindspore._c_dataengine as deMap  # pylint: disable=import-outside-toplevel
    op = deMap.TypeCastOp("int32")
    out = op(np.array([1, 2 ** 31 + 5], np.int64))
    assert out.dtype == np.int32 and out.tolist() == [1, -(2 ** 31) + 5]
    with pytest.raises(TypeError):
        deMap.TypeCastOp("str")


def test_DataType_names():
    from msnn._c_dataengine import DataType  # pylint: disable=import-outside-toplevel
    assert DataType("float16").to_numpy() == np.float16
    assert DataType("DE_UINT8") == DataType("uint8") and str(DataType("int64")) == "int64"
    with pytest.raises(TypeError):
        DataType("complex64")
