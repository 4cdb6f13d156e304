"""mindspore.dataset.transforms.c_transforms (OneHot, TypeCast) and py_transforms.OneHotOp."""
import importlib
import inspect

import numpy as np
import pytest

import msnn
from msnn.dataset.transforms.c_transforms import OneHot, TypeCast
from msnn.dataset.transforms.py_transforms import OneHotOp


def test_OneHot_values_and_dtype():
    np.testing.assert_array_equal(OneHot(4)(np.array(2, np.int32)), np.array([0, 0, 1, 0], np.int32))
    out = OneHot(3)(np.array([0, 2, 1], np.uint8))
    np.testing.assert_array_equal(out, np.eye(3, dtype=np.uint8)[[0, 2, 1]])
    assert out.dtype == np.uint8
    # 0.1 squeezed the input and the output: a (1,) label gives (num_classes,)
    assert OneHot(5)(np.array([3], np.int64)).shape == (5,)


def test_OneHot_errors():
    with pytest.raises(ValueError, match="num_classes"):
        OneHot(0)
    with pytest.raises(ValueError, match="num_classes"):
        OneHot(2.5)
    with pytest.raises(ValueError, match="not provided"):
        OneHot(None)
    with pytest.raises(RuntimeError, match=r"OneHot.*\[0, 3\)"):
        OneHot(3)(np.array(3, np.int32))
    with pytest.raises(RuntimeError, match="OneHot.*integer"):
        OneHot(3)(np.array(1.0, np.float32))
    with pytest.raises(RuntimeError, match="OneHot.*1-D"):
        OneHot(3)(np.zeros((2, 2), np.int32))


@pytest.mark.parametrize("dtype,np_dtype", [(msnn.int32, np.int32), (msnn.float32, np.float32),
                                            (msnn.float16, np.float16), (msnn.uint8, np.uint8),
                                            (msnn.int64, np.int64), (msnn.bool_, np.bool_)])
def test_TypeCast_dtypes(dtype, np_dtype):
    src = np.array([0, 1, 7], np.uint32)
    out = TypeCast(dtype)(src)
    assert out.dtype == np_dtype
    np.testing.assert_array_equal(out, src.astype(np_dtype))


def test_TypeCast_label_scalar_and_errors():
    out = TypeCast(msnn.int32)(np.array(9, np.uint32))
    assert out.shape == () and out.dtype == np.int32 and out == 9
    with pytest.raises(TypeError, match="TypeCast.*data_type"):
        TypeCast(np.int32)
    with pytest.raises(TypeError, match="data_type"):
        TypeCast("int32")
    with pytest.raises(ValueError, match="not provided"):
        TypeCast(None)
    with pytest.raises(RuntimeError, match="TypeCast"):
        TypeCast(msnn.int32)(np.array(["a"]))
    assert "Int32" in repr(TypeCast(msnn.int32))


def test_OneHotOp_smoothing():
    out = OneHotOp(4, 0.2)(np.array(1))
    np.testing.assert_allclose(out, [[0.05, 0.85, 0.05, 0.05]])
    np.testing.assert_allclose(OneHotOp(3)(np.array([2, 0])), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="smoothing_rate"):
        OneHotOp(3, 1.5)
    with pytest.raises(ValueError, match="num_classes"):
        OneHotOp(0)
    with pytest.raises(ValueError, match="OneHotOp"):
        OneHotOp(3)(np.array(3))


def test_OneHot_TypeCast_signatures():
    assert list(inspect.signature(OneHot).parameters) == ["num_classes"]
    assert list(inspect.signature(TypeCast).parameters) == ["data_type"]
    params = inspect.signature(OneHotOp).parameters
    assert list(params) == ["num_classes", "smoothing_rate"] and params["smoothing_rate"].default == 0.0


def test_TypeCast_mindspore_paths_import_under_alias():
    msnn.install_alias()
    for path in ("mindspore.dataset.transforms.c_transforms", "mindspore.dataset.transforms.py_transforms",
                 "mindspore.dataset.transforms.vision", "mindspore.dataset.transforms.vision.c_transforms",
                 "mindspore.dataset.transforms.vision.py_transforms", "mindspore.dataset.transforms.vision.utils"):
        mod = importlib.import_module(path)
        assert mod.__name__.startswith("msnn.dataset.transforms")
    cv = importlib.import_module("mindspore.dataset.transforms.vision.c_transforms")
    vision = importlib.import_module("mindspore.dataset.transforms.vision")
    assert cv.Resize((32, 32), interpolation=vision.Inter.LINEAR).size == (32, 32)
    assert importlib.import_module("mindspore.dataset.transforms.c_transforms").TypeCast is TypeCast
