"""Every kind of tensor msnn returns behaves as a plain torch tensor in torch idioms.

Each idiom runs on a plain ``torch.Tensor`` of the same values (the reference) and on each kind of
tensor msnn hands out; results must be equal in type class (tensor / size / dtype / value), shape,
dtype and values.
"""
import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import msnn
import msnn as nn
from msnn import Tensor
from msnn.common.initializer import initializer


class _TupleNet(nn.Cell):
    def construct(self, x):
        return x * 1.0, x + 0.0


class _Identity(nn.Cell):
    def construct(self, x):
        return x * 1.0


def _values():
    return np.arange(20, dtype=np.float32).reshape(5, 4) / 10.0


def _kinds():
    """(label, factory) for every kind of tensor msnn returns, each holding _values()."""
    vals = _values()

    return [
        ("msnn.Tensor", lambda: Tensor(vals, msnn.float32)),
        ("Tensor(torch)", lambda: Tensor(torch.from_numpy(vals))),
        ("tuple output second element", lambda: _TupleNet()(Tensor(vals))[1]),
        ("top-level fresh output", lambda: _Identity()(Tensor(vals))),
        ("tuple output first element", lambda: _TupleNet()(Tensor(vals))[0]),
        ("initializer", lambda: initializer(Tensor(vals), [5, 4])),
        ("Parameter", lambda: msnn.Parameter(Tensor(vals), name="w")),
        ("float()", lambda: Tensor(vals).float()),
        ("to('cpu')", lambda: Tensor(vals).to("cpu")),
    ]


def _idioms():
    """name -> function(t) whose result is compared between a plain tensor and msnn's."""
    return {
        "zeros dtype=": lambda t: torch.zeros(2, dtype=t.dtype),
        "to(dtype)": lambda t: torch.ones(2).to(t.dtype),
        "finfo": lambda t: torch.finfo(t.dtype).eps,
        "tensor dtype=": lambda t: torch.tensor([1, 2], dtype=t.dtype),
        "full dtype=": lambda t: torch.full((2,), 3.0, dtype=t.dtype),
        "empty(size())": lambda t: torch.empty(t.size()).shape,
        "zeros(*size())": lambda t: torch.zeros(*t.size()),
        "new_zeros(size())": lambda t: t.new_zeros(t.size()),
        "new_ones(shape)": lambda t: t.new_ones(t.shape),
        "new_full": lambda t: t.new_full((2,), 1.5),
        "new_tensor": lambda t: t.new_tensor([1.0, 2.0]),
        "new_empty shape": lambda t: t.new_empty(t.shape).shape,
        "reshape(size())": lambda t: t.reshape(t.size()),
        "expand(size())": lambda t: t[:1].expand(t.size()),
        "size()[1:]": lambda t: t.size()[1:],
        "size() == Size": lambda t: t.size() == torch.Size([5, 4]),
        "size(0)": lambda t: t.size(0),
        "size(-1)": lambda t: t.size(-1),
        "shape == Size": lambda t: t.shape == torch.Size([5, 4]),
        "shape[0]": lambda t: t.shape[0],
        "shape[-1]": lambda t: t.shape[-1],
        "tuple(shape)": lambda t: tuple(t.shape),
        "len(shape)": lambda t: len(t.shape),
        "shape.numel()": lambda t: t.shape.numel(),
        "numel": lambda t: t.numel(),
        "dim": lambda t: t.dim(),
        "ndim": lambda t: t.ndim,
        "type(dtype)": lambda t: type(t.dtype),
        "dtype ==": lambda t: t.dtype == torch.float32,
        "dtype is": lambda t: t.dtype is torch.float32,
        "dtype.is_floating_point": lambda t: t.dtype.is_floating_point,
        "dtype.itemsize": lambda t: t.dtype.itemsize,
        "is_floating_point": lambda t: t.is_floating_point(),
        "to(t.dtype)": lambda t: t.to(t.dtype),
        "type(t.type())": lambda t: t.type(),
        "autocast dtype": lambda t: torch.autocast("cpu", dtype=torch.bfloat16, enabled=False).fast_dtype,
        "view(-1)": lambda t: t.detach().view(-1),
        "view(size)": lambda t: t.detach().view(t.size()),
        "clone": lambda t: t.clone(),
        "detach": lambda t: t.detach(),
        "contiguous": lambda t: t.contiguous(),
        "add": lambda t: t + 1,
        "matmul": lambda t: t @ torch.ones(4, 2),
        "F.relu": lambda t: F.relu(t),
        "F.linear": lambda t: F.linear(t, torch.ones(3, 4)),
        "sum(dim)": lambda t: t.sum(dim=1),
        "mean keepdim": lambda t: t.mean(dim=0, keepdim=True),
        "cat": lambda t: torch.cat([t, t], dim=0),
        "stack": lambda t: torch.stack([t, t]),
        "eq": lambda t: t == t,
        "numpy": lambda t: torch.as_tensor(t.detach().numpy()),
        "tolist": lambda t: t.tolist(),
        "item": lambda t: t[0, 1].item(),
        "index": lambda t: t[1:3, ::2],
        "masked": lambda t: t[t > 0.5],
        "LSTM input": lambda t: torch.nn.LSTM(4, 3)(t.detach().unsqueeze(1))[0].shape,
        "GRU input": lambda t: torch.nn.GRU(4, 3)(t.detach().unsqueeze(1))[0].shape,
        "BatchNorm1d input": lambda t: torch.nn.BatchNorm1d(4)(t.detach()),
        "Linear input": lambda t: torch.nn.Linear(4, 2).requires_grad_(False)(t).shape,
        "Normal sample shape": lambda t: torch.distributions.Normal(t.detach(), 1.0).sample().shape,
        "save/load weights_only": lambda t: _save_load(t),
        "isinstance Tensor": lambda t: isinstance(t, torch.Tensor),
    }


def _save_load(t):
    buf = io.BytesIO()
    torch.save(t.detach(), buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


def _same(a, b):
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor)
        assert b.dtype is a.dtype and tuple(b.shape) == tuple(a.shape)
        assert torch.equal(b.detach().cpu(), a.detach().cpu())
    elif isinstance(a, torch.Size):
        assert tuple(b) == tuple(a) and isinstance(b, tuple)
    elif isinstance(a, tuple):
        assert len(a) == len(b) and all(_same(x, y) is None for x, y in zip(a, b))
    else:
        assert type(b) is type(a) and b == a


IDIOMS = _idioms()
KINDS = _kinds()


def test_torch_idioms_cover_about_50_idioms_on_every_kind():
    assert len(IDIOMS) >= 50 and len(KINDS) >= 8


@pytest.mark.parametrize("label,make", KINDS, ids=[k for k, _ in KINDS])
@pytest.mark.parametrize("idiom", sorted(IDIOMS))
def test_Tensor_torch_idioms(label, make, idiom):
    msnn_t = make()
    if label == "Parameter":  # compare against a plain leaf requiring grad: grad-free idioms only
        msnn_t = msnn_t.detach()
    plain = torch.from_numpy(_values())
    assert torch.equal(msnn_t.detach(), plain)
    _same(IDIOMS[idiom](plain), IDIOMS[idiom](msnn_t))


def test_Tensor_msnn_api_still_answers_on_outputs():
    out = _Identity()(Tensor(_values()))
    assert type(out) is Tensor
    assert out.shape() == (5, 4) and out.dim() == 2
    np.testing.assert_array_equal(out.asnumpy(), _values())
    assert msnn.Tensor(1.5).dtype is torch.float64


@pytest.mark.parametrize("cell_factory,args", [
    (lambda: nn.Dense(4, 2), lambda: (Tensor(np.ones((3, 4)), msnn.float32),)),
    (lambda: nn.Conv2d(1, 2, 3), lambda: (Tensor(np.ones((1, 1, 5, 5)), msnn.float32),)),
    (lambda: nn.BatchNorm2d(2), lambda: (Tensor(np.ones((2, 2, 3, 3)), msnn.float32),)),
    (lambda: nn.LSTM(4, 3, batch_first=True),
     lambda: (Tensor(np.ones((2, 5, 4)), msnn.float32),
              (Tensor(np.zeros((1, 2, 3)), msnn.float32), Tensor(np.zeros((1, 2, 3)), msnn.float32)))),
    (lambda: nn.Embedding(10, 3), lambda: (Tensor(np.array([[1, 2]]), msnn.int32),)),
    (lambda: nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True),
     lambda: (Tensor(np.ones((2, 3)), msnn.float32), Tensor(np.array([0, 2]), msnn.int32))),
    (lambda: nn.OneHot(depth=4), lambda: (Tensor(np.array([1, 3]), msnn.int32),)),
    (lambda: nn.LayerNorm((4,), begin_norm_axis=-1, begin_params_axis=-1),
     lambda: (Tensor(np.arange(8.0).reshape(2, 4), msnn.float32),)),
])
def test_Cell_construct_called_directly_with_msnn_tensors(cell_factory, args):
    cell = cell_factory()
    inputs = args()
    direct = cell.construct(*inputs)
    via_call = cell(*inputs)
    flat = lambda o: [t for t in (o if isinstance(o, tuple) else (o,))  # noqa: E731
                      for t in (t if isinstance(t, tuple) else (t,))]
    for a, b in zip(flat(direct), flat(via_call)):
        torch.testing.assert_close(a.detach(), b.detach())
