import copy
import pickle

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import msnn
from msnn import Tensor
from msnn.common.tensor import Shape


def test_Tensor_seed_doc_example():
    t1 = Tensor(np.zeros([1, 2, 3]), msnn.float32)
    assert isinstance(t1, Tensor)
    assert t1.shape() == (1, 2, 3)
    assert t1.dtype == msnn.float32
    t2 = Tensor(0.1)
    assert t2.dtype == msnn.float64


@pytest.mark.parametrize("data,dtype", [
    (1, msnn.int64), (0.5, msnn.float64), (True, msnn.bool_), ([1, 2], msnn.int64),
    ((1.0, 2.0), msnn.float64), (np.zeros(3, np.float32), msnn.float32), (np.int32(3), msnn.int32),
    (np.zeros(2, np.float16), msnn.float16),
])
def test_Tensor_dtype_inference_follows_numpy(data, dtype):
    assert Tensor(data).dtype is dtype


@pytest.mark.parametrize("dtype", [msnn.float16, msnn.float32, msnn.int32, msnn.int8, msnn.uint8, msnn.bool_])
def test_Tensor_explicit_dtype(dtype):
    t = Tensor([[1, 0], [2, 3]], dtype)
    assert t.dtype is dtype
    np.testing.assert_array_equal(t.asnumpy(), np.array([[1, 0], [2, 3]]).astype(msnn.common.dtype.dtype_to_nptype(dtype)))


@pytest.mark.parametrize("bad", ["abc", None, {"a": 1}, object()])
def test_Tensor_bad_input_raises_type_error(bad):
    with pytest.raises(TypeError, match="input_data"):
        Tensor(bad)


@pytest.mark.parametrize("bad", ["float32", np.float32, 3, torch.complex64])
def test_Tensor_bad_dtype_raises_type_error(bad):
    with pytest.raises(TypeError, match="dtype"):
        Tensor([1.0], bad)


def test_Tensor_method_style_api():
    t = Tensor(np.arange(6).reshape(2, 3), msnn.float32)
    assert t.dim() == 2
    assert t.size() == torch.Size([2, 3]) and t.numel() == 6  # torch's size(): documented deviation
    assert t.size(1) == 3
    assert t.shape == (2, 3) and t.shape() == (2, 3)
    assert isinstance(t.shape, Shape) and t.shape.numel() == 6
    assert t.dtype is torch.float32  # a real torch.dtype
    assert isinstance(t.shape[1:], Shape) and t.shape[1:] == (3,) and t.shape[0] == 2
    assert t.shape + (4,) == (2, 3, 4) and (1,) + t.shape == (1, 2, 3)
    assert repr(t) == str(np.arange(6).reshape(2, 3).astype(np.float32))


def test_Tensor_from_torch_tensor():
    src = torch.arange(4)
    t = Tensor(src, msnn.float32)
    assert t.dtype is msnn.float32
    np.testing.assert_array_equal(t.asnumpy(), [0, 1, 2, 3])


def test_Tensor_torch_ops_return_plain_tensors():
    t = Tensor(np.ones((2, 3)), msnn.float32)
    w = torch.ones(4, 3)
    out = F.linear(t, w)
    assert type(out) is torch.Tensor
    np.testing.assert_array_equal(out.numpy(), np.full((2, 4), 3.0))
    assert type(t + 1) is torch.Tensor
    assert torch.zeros(2, dtype=t.dtype).dtype == torch.float32
    assert torch.zeros(t.shape).shape == (2, 3)


def test_Tensor_isinstance_accepts_any_torch_tensor():
    assert isinstance(torch.ones(1), Tensor)
    assert isinstance(torch.nn.Parameter(torch.ones(1)), Tensor)
    assert not isinstance(np.ones(1), Tensor)


def test_Tensor_copy_and_pickle_keep_type():
    t = Tensor(np.arange(3), msnn.float32)
    for c in (copy.deepcopy(t), pickle.loads(pickle.dumps(t))):
        assert type(c) is Tensor
        np.testing.assert_array_equal(c.asnumpy(), [0, 1, 2])


def test_Tensor_asnumpy_of_tensor_requiring_grad():
    t = Tensor(np.ones(2), msnn.float32).requires_grad_()
    np.testing.assert_array_equal(t.asnumpy(), [1, 1])


def test_Tensor_on_device(device):
    t = Tensor(np.ones(2), msnn.float32).to(device)
    np.testing.assert_array_equal(t.asnumpy(), [1, 1])


def test_Tensor_asnumpy_bfloat16_as_float32():
    t = Tensor(torch.tensor([1.5, 2.0], dtype=torch.bfloat16))
    out = t.asnumpy()
    assert out.dtype == np.float32 and out.tolist() == [1.5, 2.0]
    assert repr(t) == str(np.array([1.5, 2.0], np.float32))
