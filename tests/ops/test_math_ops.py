"""Tests of msnn.ops.operations.math_ops: MindSpore 2.10 goldens (tests/data/ops_mathnn.npz, from
tools/record_goldens_ops_mathnn.py) where the op did not change since 0.1, numpy references of 0.1's
formulas otherwise, 0.1's bprops, and 0.1's input checks."""
import os

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import msnn
from msnn.ops import operations as P
from msnn.ops.operations import math_ops

G = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "ops_mathnn.npz"))


def t(a, device="cpu", grad=False):
    x = torch.tensor(np.asarray(a), device=device)
    return x.requires_grad_(True) if grad else x


def close(got, want, rtol=1e-5, atol=1e-6):
    got = got.detach().cpu().numpy() if isinstance(got, torch.Tensor) else np.asarray(got)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def _binary_golden(name, op, device):
    close(op(t(G["bin_a"], device), t(G["bin_b"], device)), G["bin_" + name])


# ---------------------------------------------------------------------------------------------
# binary arithmetic
# ---------------------------------------------------------------------------------------------
def test_TensorAdd_golden_and_scalars(device):
    _binary_golden("TensorAdd", P.TensorAdd(), device)
    x = t(np.array([1, 2, 3], np.int32), device)
    out = P.TensorAdd()(x, 2.7)  # the float takes the tensor's dtype (truncated to 2)
    assert out.dtype == torch.int32 and out.tolist() == [3, 4, 5]
    assert P.TensorAdd()(1.5, t(np.array([1.0], np.float32))).tolist() == [2.5]


def test_TensorAdd_errors():
    x32, x64 = torch.ones(2), torch.ones(2, dtype=torch.float64)
    with pytest.raises(TypeError, match="'TensorAdd'.*'y'.*float32.*float64"):
        P.TensorAdd()(x32, x64)
    with pytest.raises(TypeError, match="'TensorAdd'.*'x'"):
        P.TensorAdd()(1, 2)
    with pytest.raises(ValueError, match="'TensorAdd'.*broadcastable.*\\(2,\\).*\\(3,\\)"):
        P.TensorAdd()(torch.ones(2), torch.ones(3))
    with pytest.raises(TypeError, match="'TensorAdd'.*'x'.*bool"):
        P.TensorAdd()(torch.ones(2, dtype=torch.bool), torch.ones(2, dtype=torch.bool))
    with pytest.raises(TypeError, match="'TensorAdd'.*'y'.*str"):
        P.TensorAdd()(x32, "a")


def test_TensorAdd_grad_reduces_broadcast_axes():
    x, y = t(G["bin_a"], grad=True), t(G["bin_b"], grad=True)
    P.TensorAdd()(x, y).sum().backward()
    close(x.grad, np.full(G["bin_a"].shape, 2.0))
    close(y.grad, np.full(G["bin_b"].shape, 3.0))


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_TensorAdd_Sub_Mul_broadcast_property(data):
    shape_x, shape_y = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3)).input_shapes
    x = data.draw(hnp.arrays(np.float32, shape_x, elements=st.floats(-10, 10, width=32)))
    y = data.draw(hnp.arrays(np.float32, shape_y, elements=st.floats(-10, 10, width=32)))
    close(P.TensorAdd()(t(x), t(y)), x + y)
    close(P.Sub()(t(x), t(y)), x - y)
    close(P.Mul()(t(x), t(y)), x * y, rtol=1e-6)
    close(P.Maximum()(t(x), t(y)), np.maximum(x, y))
    close(P.Minimum()(t(x), t(y)), np.minimum(x, y))
    assert np.array_equal(P.LessEqual()(t(x), t(y)).numpy(), x <= y)


def test_Sub_golden(device):
    _binary_golden("Sub", P.Sub(), device)
    close(P.Sub()(t(G["int_a"]), t(G["int_b"])), G["int_Sub"])
    assert P.Sub()(t(np.array([1, 2, 3], np.int32)), t(np.array([4, 5, 6], np.int32))).tolist() == [-3, -3, -3]


def test_Sub_grad():
    x, y = t(np.ones(3, np.float32), grad=True), t(np.ones(3, np.float32), grad=True)
    P.Sub()(x, y).sum().backward()
    assert x.grad.tolist() == [1.0] * 3 and y.grad.tolist() == [-1.0] * 3


def test_Mul_golden_and_grad(device):
    _binary_golden("Mul", P.Mul(), device)
    x, y = t(np.array([1.0, 2.0], np.float32), grad=True), t(np.array([3.0, 4.0], np.float32), grad=True)
    P.Mul()(x, y).sum().backward()
    assert x.grad.tolist() == [3.0, 4.0] and y.grad.tolist() == [1.0, 2.0]


def test_RealDiv_golden(device):
    _binary_golden("RealDiv", P.RealDiv(), device)
    out = P.RealDiv()(t(np.array([7, -7], np.int32)), t(np.array([2, 2], np.int32)))
    assert out.dtype == torch.int32 and out.tolist() == [3, -3]


def test_Div_float_and_int():
    close(P.Div()(t(np.array([-4.0, 5.0, 6.0], np.float32)), t(np.array([3.0, 2.0, 3.0], np.float32))),
          np.array([-4 / 3, 2.5, 2.0], np.float32))
    assert P.Div()(t(np.array([-7, 7], np.int32)), 2).tolist() == [-4, 3]


def test_FloorDiv_golden_and_bprop():
    close(P.FloorDiv()(t(G["int_a"]), t(G["int_b"])), G["int_FloorDiv"])
    assert P.FloorDiv()(t(np.array([2, 4, -1], np.int32)), t(np.array([3, 3, 3], np.int32))).tolist() == [0, 1, -1]
    # 0.1's bprop: dx = floor_div(dout, y), dy = -dx * out (not zero)
    x = t(np.array([[5.0, -7.0], [9.0, 1.0]], np.float32), grad=True)
    y = t(np.array([2.0, 4.0], np.float32), grad=True)
    out = P.FloorDiv()(x, y)
    dout = torch.tensor([[3.0, 5.0], [-1.0, 2.0]])
    out.backward(dout)
    dx = np.floor(dout.numpy() / y.detach().numpy())
    close(x.grad, dx)
    close(y.grad, (-dx * out.detach().numpy()).sum(0))


def test_Maximum_golden_and_tie_gradient(device):
    _binary_golden("Maximum", P.Maximum(), device)
    x, y = t(G["bin_a"], device, True), t(G["bin_b"], device, True)
    P.Maximum()(x, y).sum().backward()
    # MindSpore 2.10 splits a tie half and half; 0.1 (TensorFlow's rule) gives it all to x
    want_x, want_y = G["grad_Maximum_a"].copy(), G["grad_Maximum_b"].copy()
    want_x[0, 0, 1] += 0.5
    want_y[0, 1] -= 0.5
    close(x.grad, want_x)
    close(y.grad, want_y)
    # the tie rule: all of the gradient to x where x >= y
    a, b = t(np.array([1.0, 2.0, 3.0], np.float32), grad=True), t(np.array([1.0, 5.0, 0.0], np.float32), grad=True)
    P.Maximum()(a, b).sum().backward()
    assert a.grad.tolist() == [1.0, 0.0, 1.0] and b.grad.tolist() == [0.0, 1.0, 0.0]


def test_Maximum_scalar_and_example():
    x = t(np.array([1.0, 5.0, 3.0], np.float32), grad=True)
    assert P.Maximum()(x, t(np.array([4.0, 2.0, 6.0], np.float32))).tolist() == [4.0, 5.0, 6.0]
    P.Maximum()(x, 3.0).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0]


def test_Minimum_golden_and_tie_gradient(device):
    _binary_golden("Minimum", P.Minimum(), device)
    x, y = t(G["bin_a"], device, True), t(G["bin_b"], device, True)
    P.Minimum()(x, y).sum().backward()
    want_x, want_y = G["grad_Minimum_a"].copy(), G["grad_Minimum_b"].copy()
    want_x[0, 0, 1] += 0.5  # the tie, as for Maximum
    want_y[0, 1] -= 0.5
    close(x.grad, want_x)
    close(y.grad, want_y)
    a, b = t(np.array([1.0, 2.0], np.float32), grad=True), t(np.array([1.0, 0.0], np.float32), grad=True)
    P.Minimum()(a, b).sum().backward()
    assert a.grad.tolist() == [1.0, 0.0] and b.grad.tolist() == [0.0, 1.0]


# ---------------------------------------------------------------------------------------------
# comparison / logic
# ---------------------------------------------------------------------------------------------
def test_Equal_golden_and_examples():
    _binary_golden("Equal", P.Equal(), "cpu")
    assert P.Equal()(t(np.array([1, 2, 3], np.float32)), 2.0).tolist() == [False, True, False]
    assert P.Equal()(t(np.array([1, 2, 3], np.int32)), t(np.array([1, 2, 4], np.int32))).tolist() == [True, True, False]
    assert P.Equal()(t(np.array([True, False])), True).tolist() == [True, False]
    with pytest.raises(TypeError, match="'Equal'"):
        P.Equal()(torch.ones(2), torch.ones(2, dtype=torch.int32))


def test_NotEqual_example():
    assert P.NotEqual()(t(np.array([1, 2, 3], np.float32)), 2.0).tolist() == [True, False, True]


def test_Greater_golden():
    _binary_golden("Greater", P.Greater(), "cpu")
    assert P.Greater()(t(np.array([1, 2, 3], np.int32)), t(np.array([1, 1, 4], np.int32))).tolist() == [False, True, False]


def test_GreaterEqual_example():
    assert P.GreaterEqual()(t(np.array([1, 2, 3], np.int32)), t(np.array([1, 1, 4], np.int32))).tolist() == [True, True, False]


def test_Less_example():
    assert P.Less()(t(np.array([1, 2, 3], np.int32)), t(np.array([1, 1, 4], np.int32))).tolist() == [False, False, True]


def test_LessEqual_golden_and_errors():
    _binary_golden("LessEqual", P.LessEqual(), "cpu")
    with pytest.raises(TypeError, match="'LessEqual'.*bool"):
        P.LessEqual()(torch.ones(2, dtype=torch.bool), True)


def test_LogicalAnd_LogicalOr_LogicalNot():
    x, y = t(np.array([True, False, True])), t(np.array([True, True, False]))
    assert P.LogicalAnd()(x, y).tolist() == [True, False, False]
    assert P.LogicalOr()(x, y).tolist() == [True, True, True]
    assert P.LogicalNot()(x).tolist() == [False, True, False]
    with pytest.raises(TypeError, match="'LogicalAnd'"):
        P.LogicalAnd()(torch.ones(2), torch.ones(2))
    with pytest.raises(ValueError, match="'LogicalNot'.*'input_x'.*bool"):
        P.LogicalNot()(torch.ones(2))


def test_LogicalOr_scalar():
    assert P.LogicalOr()(t(np.array([True, False])), False).tolist() == [True, False]


def test_LogicalNot_not_a_tensor():
    with pytest.raises(TypeError, match="'LogicalNot'.*'input_x'.*list"):
        P.LogicalNot()([True])


def test_EqualCount_example():
    out = P.EqualCount()(t(np.array([1, 2, 3], np.int32)), t(np.array([1, 2, 4], np.int32)))
    assert out.tolist() == [2] and out.dtype == torch.int32
    with pytest.raises(ValueError, match="'EqualCount'"):
        P.EqualCount()(torch.ones(2), torch.ones(3))


# ---------------------------------------------------------------------------------------------
# unary
# ---------------------------------------------------------------------------------------------
UNARY = {"Exp": "un_x", "Log": "un_pos", "Neg": "un_x", "Reciprocal": "un_pos", "Square": "un_x", "Sqrt": "un_pos",
         "Rsqrt": "un_pos", "Floor": "un_x", "Abs": "un_x", "Sign": "un_x", "Cos": "un_x", "Sin": "un_x"}


def _unary_golden(name, device="cpu"):
    x = G[UNARY[name]]
    close(getattr(P, name)()(t(x, device)), G["un_" + name], rtol=2e-6)


def test_Exp_golden(device):
    _unary_golden("Exp", device)


def test_Log_golden_and_grad():
    _unary_golden("Log")
    x = t(np.array([0.5, 2.0], np.float32), grad=True)
    P.Log()(x).sum().backward()
    close(x.grad, [2.0, 0.5])


def test_Neg_golden_and_errors():
    _unary_golden("Neg")
    with pytest.raises(ValueError, match="'Neg'.*'input_x'.*bool"):
        P.Neg()(torch.ones(2, dtype=torch.bool))
    with pytest.raises(TypeError, match="'Neg'.*'input_x'.*float"):
        P.Neg()(1.0)


def test_Reciprocal_golden_and_grad():
    _unary_golden("Reciprocal")
    x = t(np.array([0.5, 2.0], np.float32), grad=True)
    P.Reciprocal()(x).sum().backward()
    close(x.grad, [-4.0, -0.25])


def test_Square_golden_and_grad():
    _unary_golden("Square")
    x = t(np.array([1.5, -2.0], np.float32), grad=True)
    P.Square()(x).sum().backward()
    close(x.grad, [3.0, -4.0])


def test_Sqrt_golden_and_grad():
    _unary_golden("Sqrt")
    x = t(np.array([4.0, 0.25, 0.0], np.float32), grad=True)
    P.Sqrt()(x).sum().backward()
    close(x.grad, [0.25, 1.0, np.inf])  # 0.1's bprop: 0.5 / sqrt(x)


def test_Rsqrt_golden_and_grad():
    _unary_golden("Rsqrt")
    x = t(np.array([4.0, 0.25], np.float32), grad=True)
    P.Rsqrt()(x).sum().backward()
    close(x.grad, -0.5 / (np.sqrt([4.0, 0.25]) * [4.0, 0.25]))  # 0.1's bprop: -0.5 / (sqrt(x) * x)


def test_Floor_golden_and_int_refused():
    _unary_golden("Floor")
    assert P.Floor()(t(np.array([1.1, 2.5, -1.5], np.float32))).tolist() == [1.0, 2.0, -2.0]
    with pytest.raises(ValueError, match="'Floor'"):
        P.Floor()(torch.ones(2, dtype=torch.int32))


def test_Abs_golden():
    _unary_golden("Abs")


def test_Sign_golden():
    _unary_golden("Sign")


def test_Cos_golden():
    _unary_golden("Cos")


def test_Sin_golden():
    _unary_golden("Sin")


def test_ACos_golden():
    close(P.ACos()(t(np.tanh(G["un_x"]))), G["un_ACos"], rtol=2e-6)


def test_Round_golden_half_to_even():
    close(P.Round()(t(G["un_x"] * 3)), G["un_Round"])
    assert P.Round()(t(np.array([0.8, 1.5, 2.3, 2.5, -4.5], np.float32))).tolist() == [1.0, 2.0, 2.0, 2.0, -4.0]


def test_Pow_examples_and_bprop():
    x = t(np.array([1.0, 2.0, 4.0], np.float32), grad=True)
    assert P.Pow()(x, 3.0).tolist() == [1.0, 8.0, 64.0]
    p = t(np.array([2.0, 4.0, 3.0], np.float32), grad=True)
    out = P.Pow()(x, p)
    assert out.tolist() == [1.0, 16.0, 64.0]
    out.sum().backward()
    close(x.grad, [2.0, 32.0, 48.0])
    assert p.grad is None  # 0.1's bprop gives the exponent no gradient
    with pytest.raises(TypeError, match="'Pow'.*'input_x'"):
        P.Pow()(2.0, x)


# ---------------------------------------------------------------------------------------------
# reductions and scans
# ---------------------------------------------------------------------------------------------
def _reduce_golden(name, device="cpu"):
    x = t(G["red_x"], device)
    op, keep = getattr(P, name)(), getattr(P, name)(keep_dims=True)
    close(op(x), G[f"red_{name}_all"], rtol=1e-5)
    close(keep(x, 1), G[f"red_{name}_1_keep"], rtol=1e-5)
    close(op(x, (0, 2)), G[f"red_{name}_02"], rtol=1e-5)
    close(op(x, [0, -1]), G[f"red_{name}_02"], rtol=1e-5)


def test_ReduceSum_golden_and_int(device):
    _reduce_golden("ReduceSum", device)
    out = P.ReduceSum()(t(np.array([[1, 2], [3, 4]], np.int32)), 0)
    assert out.dtype == torch.int32 and out.tolist() == [4, 6]
    assert P.ReduceSum(keep_dims=True)(torch.ones(2, 3)).shape == (1, 1)


def test_ReduceSum_errors():
    with pytest.raises(ValueError, match="'ReduceSum'.*'keep_dims'"):
        P.ReduceSum(keep_dims=1)
    with pytest.raises(ValueError, match="'ReduceSum'.*'axis'.*\\[-2, 2\\)"):
        P.ReduceSum()(torch.ones(2, 3), 2)
    with pytest.raises(ValueError, match="'ReduceSum'.*'axis\\[1\\]'"):
        P.ReduceSum()(torch.ones(2, 3), (0, 1.0))
    with pytest.raises(ValueError, match="'ReduceSum'.*'input_x'.*bool"):
        P.ReduceSum()(torch.ones(2, dtype=torch.bool))
    with pytest.raises(TypeError, match="'ReduceSum'.*'input_x'"):
        P.ReduceSum()(np.ones(2))


def test_ReduceMean_golden_and_grad():
    _reduce_golden("ReduceMean")
    x = t(np.ones((2, 3), np.float32), grad=True)
    P.ReduceMean()(x, 1).sum().backward()
    close(x.grad, np.full((2, 3), 1 / 3))


def test_ReduceMax_golden_and_tie_gradient(device):
    _reduce_golden("ReduceMax", device)
    x = t(G["red_x"], device, True)
    (P.ReduceMax()(x, 2) * torch.arange(6.0, device=device).view(2, 3)).sum().backward()
    close(x.grad, G["grad_ReduceMax"])  # tied maxima share the gradient (0.1's _min_or_max_grad)
    assert x.grad[0, 1, 2] == x.grad[0, 1, 3] == 0.5


def test_ReduceMin_golden():
    _reduce_golden("ReduceMin")


def test_ReduceProd_golden_and_grad():
    _reduce_golden("ReduceProd")
    x = t(np.array([[2.0, 0.0, 3.0]], np.float32), grad=True)
    P.ReduceProd()(x, 1).sum().backward()
    close(x.grad, [[0.0, 6.0, 0.0]])  # 0.1's exclusive-cumprod bprop, exact with a zero


def test_ReduceAll_example():
    x = t(np.array([[True, False], [True, True]]))
    assert P.ReduceAll(keep_dims=True)(x, 1).tolist() == [[False], [True]]
    assert P.ReduceAll()(x).tolist() is False
    with pytest.raises(ValueError, match="'ReduceAll'"):
        P.ReduceAll()(torch.ones(2))


def test_CumSum_golden_all_modes():
    for excl in (False, True):
        for rev in (False, True):
            close(P.CumSum(excl, rev)(t(G["red_x"]), 1), G[f"cum_CumSum_{int(excl)}{int(rev)}"], rtol=1e-5)
    x = t(np.array([[3, 4, 6, 10], [1, 6, 7, 9], [4, 3, 8, 7], [1, 3, 7, 9]], np.float32))
    close(P.CumSum()(x, 1), [[3, 7, 13, 23], [1, 7, 14, 23], [4, 7, 15, 22], [1, 4, 11, 20]])
    with pytest.raises(ValueError, match="'CumSum'.*'axis'"):
        P.CumSum()(x, 1.0)
    with pytest.raises(ValueError, match="'CumSum'.*'exclusive'"):
        P.CumSum(exclusive=0)


def test_CumSum_grad_is_reverse_cumsum():
    x = t(np.ones(3, np.float32), grad=True)
    P.CumSum()(x, 0).backward(torch.tensor([1.0, 2.0, 3.0]))
    assert x.grad.tolist() == [6.0, 5.0, 3.0]


def test_CumProd_golden_all_modes():
    for excl in (False, True):
        for rev in (False, True):
            close(P.CumProd(excl, rev)(t(G["red_x"]), 2), G[f"cum_CumProd_{int(excl)}{int(rev)}"], rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# matrix products, AddN
# ---------------------------------------------------------------------------------------------
def test_MatMul_golden_and_bprop(device):
    close(P.MatMul()(t(G["mm_a"], device), t(G["mm_b"], device)), G["mm_MatMul"], rtol=1e-5)
    close(P.MatMul(True, True)(t(G["mm_b"], device), t(G["mm_a"], device)), G["mm_MatMul_tt"], rtol=1e-5)
    x, w = t(G["mm_a"], grad=True), t(G["mm_b"], grad=True)
    dout = np.ones((3, 5), np.float32)
    P.MatMul()(x, w).backward(torch.tensor(dout))
    close(x.grad, dout @ G["mm_b"].T, rtol=1e-5)
    close(w.grad, G["mm_a"].T @ dout, rtol=1e-5)


def test_MatMul_errors():
    with pytest.raises(ValueError, match="'MatMul'.*'input_x'.*2-D"):
        P.MatMul()(torch.ones(2, 3, 4), torch.ones(4, 2))
    with pytest.raises(ValueError, match="'MatMul'.*'input_y'"):
        P.MatMul()(torch.ones(2, 3), torch.ones(4, 2))
    with pytest.raises(TypeError, match="'MatMul'.*'input_y'.*float64"):
        P.MatMul()(torch.ones(2, 3), torch.ones(3, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="'MatMul'.*'transpose_a'"):
        P.MatMul(transpose_a=1)
    assert P.MatMul()(t(np.ones([1, 3]), grad=False).float(), torch.ones(3, 4)).tolist() == [[3.0] * 4]


def test_BatchMatMul_golden(device):
    close(P.BatchMatMul()(t(G["mm_c"], device), t(G["mm_d"], device)), G["mm_BatchMatMul"], rtol=1e-5)
    close(P.BatchMatMul(transpose_b=True)(t(G["mm_c"], device), t(G["mm_c"], device)), G["mm_BatchMatMul_tb"],
          rtol=1e-5)
    out = P.BatchMatMul(transpose_a=True)(torch.ones(2, 4, 3, 1), torch.ones(2, 4, 3, 4))
    assert out.shape == (2, 4, 1, 4)
    with pytest.raises(ValueError, match="'BatchMatMul'"):
        P.BatchMatMul()(torch.ones(3, 4), torch.ones(4, 5))
    with pytest.raises(ValueError, match="'BatchMatMul'.*batch"):
        P.BatchMatMul()(torch.ones(2, 3, 4), torch.ones(1, 4, 5))


def test_AddN_example_and_errors():
    x, y = t(np.array([1, 2, 3], np.int32)), t(np.array([4, 5, 6], np.int32))
    assert P.AddN()((x, y, x, y)).tolist() == [10, 14, 18]
    with pytest.raises(ValueError, match="'AddN'"):
        P.AddN()(())
    with pytest.raises(ValueError, match="'AddN'.*'inputs\\[1\\]'"):
        P.AddN()([x, torch.ones(2, dtype=torch.int32)])
    with pytest.raises(TypeError, match="'AddN'.*'inputs\\[1\\]'"):
        P.AddN()([x, x.float()])
    a, b = t(np.ones(2, np.float32), grad=True), t(np.ones(2, np.float32), grad=True)
    P.AddN()([a, b]).sum().backward()
    assert a.grad.tolist() == b.grad.tolist() == [1.0, 1.0]


# ---------------------------------------------------------------------------------------------
# assign
# ---------------------------------------------------------------------------------------------
def test_AssignAdd_example_updates_parameter():
    step = msnn.Parameter(msnn.Tensor(np.ones([1]), msnn.int64), name="global_step")
    out = P.AssignAdd()(step, msnn.Tensor(np.ones([1]) * 100, msnn.int64))
    assert out is step and step.tolist() == [101]
    P.AssignAdd()(step, 1)
    assert step.tolist() == [102]


def test_AssignSub_example_and_errors():
    w = msnn.Parameter(msnn.Tensor(np.ones([2]), msnn.float32), name="w")
    P.AssignSub()(w, msnn.Tensor(np.array([0.5, 2.0]), msnn.float32))
    assert w.tolist() == [0.5, -1.0] and w.requires_grad
    with pytest.raises(ValueError, match="'AssignSub'.*'value'"):
        P.AssignSub()(w, torch.ones(3))
    with pytest.raises(TypeError, match="'AssignSub'.*'variable'"):
        P.AssignSub()(1.0, w)


# ---------------------------------------------------------------------------------------------
# NPU float status
# ---------------------------------------------------------------------------------------------
def _bert_step(grads):
    """0.1's BERT loss-scale order, run eagerly: alloc, gradients, clear, get, sum."""
    init = P.NPUAllocFloatStatus()()
    math_ops.record_gradients(grads)  # what GradOperation does after computing gradients
    P.NPUClearFloatStatus()(init)
    P.NPUGetFloatStatus()(init)
    return float(P.ReduceSum()(init, (0,)))


def test_NPUGetFloatStatus_bert_pattern_reports_overflow_iff_a_gradient_is_non_finite():
    assert _bert_step((torch.ones(3), torch.zeros(2))) == 0.0
    assert _bert_step((torch.ones(3), torch.tensor([1.0, float("inf")]))) > 0
    assert _bert_step((torch.tensor([float("nan")]),)) > 0
    assert _bert_step((torch.ones(3),)) == 0.0  # a later clean step is clean again


def test_NPUGetFloatStatus_with_autograd_gradients():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    init = P.NPUAllocFloatStatus()()
    loss = (P.Log()(w) * torch.tensor([1.0, 0.0])).sum()
    grads = math_ops.record_gradients(torch.autograd.grad(loss * 1e39, [w]))  # the scaled loss overflows
    P.NPUClearFloatStatus()(init)
    flag = P.NPUGetFloatStatus()(init)
    assert flag is init and float(flag.sum()) > 0 and len(grads) == 1


def test_NPUGetFloatStatus_status_reused_across_steps():
    init = P.NPUAllocFloatStatus()()
    math_ops.record_gradients((torch.tensor([float("inf")]),))
    assert float(P.NPUGetFloatStatus()(init).sum()) > 0
    P.NPUClearFloatStatus()(init)
    math_ops.record_gradients((torch.ones(2),))
    assert float(P.NPUGetFloatStatus()(init).sum()) == 0.0  # only gradients since the last read


def test_NPUAllocFloatStatus_example():
    status = P.NPUAllocFloatStatus()()
    assert status.tolist() == [0.0] * 8 and status.dtype == torch.float32


def test_NPUClearFloatStatus_example_and_errors():
    status = P.NPUAllocFloatStatus()()
    status.fill_(1.0)
    assert P.NPUClearFloatStatus()(status).tolist() == [0.0] * 8
    with pytest.raises(ValueError, match="'NPUClearFloatStatus'.*\\(8,\\)"):
        P.NPUClearFloatStatus()(torch.zeros(4))
    with pytest.raises(TypeError, match="'NPUGetFloatStatus'.*float32"):
        P.NPUGetFloatStatus()(torch.zeros(8, dtype=torch.float16))


def test_NPUGetFloatStatus_no_status_no_work():
    grads = (torch.tensor([float("inf")]),)
    before = len(math_ops._FLAGS)  # pylint: disable=protected-access
    import gc  # pylint: disable=import-outside-toplevel
    gc.collect()
    if not math_ops._LIVE:  # pylint: disable=protected-access
        math_ops.record_gradients(grads)
        assert len(math_ops._FLAGS) == before  # pylint: disable=protected-access


# ---------------------------------------------------------------------------------------------
# NMSWithMask
# ---------------------------------------------------------------------------------------------
def test_NMSWithMask_greedy_suppression():
    b = np.array([[0, 0, 10, 10, 0.9], [1, 1, 10, 10, 0.8], [20, 20, 30, 30, 0.7], [0, 0, 9, 9, 0.95]], np.float32)
    boxes, idx, mask = P.NMSWithMask(0.5)(t(b))
    # MindSpore 2.10 CPU gives the same sorted boxes and mask (its idx counts the sorted order)
    close(boxes, b[[3, 0, 1, 2]])
    assert idx.tolist() == [3, 0, 1, 2] and idx.dtype == torch.int32
    assert mask.tolist() == [True, False, False, True]
    with pytest.raises(ValueError, match="'NMSWithMask'.*'iou_threshold'"):
        P.NMSWithMask(1)
    with pytest.raises(ValueError, match="'NMSWithMask'.*'bboxes'"):
        P.NMSWithMask()(torch.ones(3, 4))


def test_primitive_attrs_recorded():
    op = P.ReduceMean(keep_dims=True)
    assert op.keep_dims is True and op.attrs["keep_dims"] is True and op.name == "ReduceMean"
    assert P.MatMul(transpose_b=True).init_attrs == {"transpose_a": False, "transpose_b": True}


def test_Pow_integer_base_keeps_dtype_and_rejects_strings():
    out = P.Pow()(t(np.array([4, 9], np.int32)), 0.5)
    assert out.dtype == torch.int32 and out.tolist() == [2, 3]
    with pytest.raises(TypeError, match="'Pow'.*'input_y'.*str"):
        P.Pow()(t(np.array([2.0], np.float32)), "a")


def test_Pow_golden():
    close(P.Pow()(t(G["un_pos"]), 2.5), G["pow_scalar"], rtol=1e-5)
    close(P.Pow()(t(G["un_pos"]), t(G["un_x"])), G["pow_tensor"], rtol=1e-5)
