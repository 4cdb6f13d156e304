"""Embedding: MindSpore 2.10 goldens (tools/record_goldens_layers_b.py), NumPy references of spec §6.7
for out-of-range ids (2.10's CPU gather raises there; 0.1's kernel gave zero rows), names, errors,
repr and the seed's example."""
import os

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor

GOLD = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "layers_b_embedding.npz"))
CONFIGS = sorted({k.split("/")[0] for k in GOLD.files if "/" in k})


@pytest.mark.parametrize("cfg", CONFIGS)
def test_Embedding_golden(cfg, device):
    table, ids = GOLD[f"{cfg}/table"], GOLD[f"{cfg}/ids"]
    net = nn.Embedding(10, 4, cfg.startswith("onehot"), Tensor(table), msnn.float32).to(device)
    out = net(torch.tensor(ids, device=device))
    np.testing.assert_allclose(out.detach().cpu().numpy(), GOLD[f"{cfg}/out"], rtol=1e-6, atol=1e-7)
    assert tuple(out.shape) == ids.shape + (4,)
    (d_table,) = torch.autograd.grad(out, [net.embedding_table], torch.tensor(GOLD[f"{cfg}/dout"], device=device))
    np.testing.assert_allclose(d_table.cpu().numpy(), GOLD[f"{cfg}/d_embedding_table"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("use_one_hot", [False, True])
@pytest.mark.parametrize("ids", [[[1, -1, 10], [12, 3, 3]], [-5, 0, 9, 10, 2 ** 31 - 1], [[[4]]]])
def test_Embedding_out_of_range_ids_give_zero_rows(use_one_hot, ids, device):
    table = np.random.randn(10, 3).astype(np.float32)
    ids = np.array(ids, np.int32)
    net = nn.Embedding(10, 3, use_one_hot, Tensor(table)).to(device)
    out = net(torch.tensor(ids, device=device))
    valid = (ids >= 0) & (ids < 10)
    ref = np.where(valid[..., None], table[np.clip(ids, 0, 9)], 0.0)
    np.testing.assert_array_equal(out.detach().cpu().numpy(), ref)
    dout = np.random.randn(*out.shape).astype(np.float32)
    (d_table,) = torch.autograd.grad(out, [net.embedding_table], torch.tensor(dout, device=device))
    ref_d = np.zeros_like(table)
    np.add.at(ref_d, ids[valid], dout[valid])
    np.testing.assert_allclose(d_table.cpu().numpy(), ref_d, rtol=1e-6, atol=1e-7)


def test_Embedding_parameter_and_default_init():
    np.random.seed(3)
    net = nn.Embedding(6, 5)
    params = list(net.get_parameters())
    assert [(p.name, tuple(p.shape), p.requires_grad, p.dtype) for p in params] == [
        ("embedding_table", (6, 5), True, torch.float32)]
    np.random.seed(3)
    np.testing.assert_array_equal(params[0].detach().numpy(), np.random.normal(0, 0.01, (6, 5)).astype(np.float32))


def test_Embedding_nested_name():
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(4, 2)

        def construct(self, x):
            return self.emb(x)

    assert [p.name for p in Net().get_parameters()] == ["emb.embedding_table"]
    assert list(Net().state_dict()) == ["emb.embedding_table"]


@pytest.mark.parametrize("shape", [(), (7,), (2, 3), (2, 1, 3)])
def test_Embedding_output_shape_is_ids_shape_plus_embedding_size(shape):
    ids = Tensor(np.zeros(shape), msnn.int32)
    assert nn.Embedding(3, 4)(ids).shape() == shape + (4,)


@pytest.mark.parametrize("dtype", [msnn.bool_, "float32", np.float32, None])
def test_Embedding_non_number_dtype_raises_TypeError(dtype):
    with pytest.raises(TypeError, match="Embedding"):
        nn.Embedding(3, 4, dtype=dtype)


def test_Embedding_float_ids_raise_ValueError():
    with pytest.raises(ValueError, match="Embedding"):
        nn.Embedding(3, 4)(Tensor(np.zeros(2), msnn.float32))


def test_Embedding_bad_table_shape_raises_ValueError():
    with pytest.raises(ValueError):
        nn.Embedding(3, 4, embedding_table=Tensor(np.zeros((4, 3)), msnn.float32))


def test_Embedding_repr():
    assert repr(nn.Embedding(5, 2)) == ("Embedding<vocab_size=5, embedding_size=2,use_one_hot=False, "
                                        "embedding_table=Parameter (name=embedding_table), dtype=Float32>")
    assert repr(nn.Embedding(5, 2, True, 'zeros', msnn.float16)) == (
        "Embedding<vocab_size=5, embedding_size=2,use_one_hot=True, "
        "embedding_table=Parameter (name=embedding_table), dtype=Float16>")


def test_Embedding_doc_example():
    net = nn.Embedding(20000, 768, True)
    input_data = Tensor(np.ones([8, 128]), msnn.int32)
    output = net(input_data)
    assert output.shape() == (8, 128, 768)
    np.testing.assert_array_equal(output.asnumpy()[3, 5], net.embedding_table.detach().numpy()[1])
