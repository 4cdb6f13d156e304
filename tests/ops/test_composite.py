"""msnn.ops.composite: gradients against analytic values, type dispatch, maps over sequences."""
import numpy as np
import pytest
import torch

import msnn
from msnn import Tensor, Parameter, ParameterTuple
from msnn.ops import composite as C
from msnn.ops import functional as F
from msnn.ops.composite.base import EnvInstance
from msnn.ops import operations as P


def _t(a):
    return Tensor(np.asarray(a, np.float32))


class _Affine(msnn.Cell):
    """y = sum((x @ w + b) * x2) with known gradients."""

    def __init__(self):
        super().__init__()
        self.w = Parameter(_t([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), name='w')
        self.b = Parameter(_t([0.5, -0.5]), name='b')

    def construct(self, x, x2):
        return (torch.matmul(x, self.w) + self.b) * x2


X = np.array([[1.0, -1.0, 2.0]], np.float32)
X2 = np.array([[2.0, 3.0]], np.float32)
W = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
B = np.array([0.5, -0.5], np.float32)


def _analytic(sens):
    # out = (x w + b) * x2 ; dout = sens
    g = sens * X2
    return {"x": g @ W.T, "x2": sens * (X @ W + B), "w": X.T @ g, "b": g.sum(0)}


def test_grad():
    net = _Affine()
    g = C.grad(net)(_t(X), _t(X2))
    np.testing.assert_allclose(g.asnumpy(), _analytic(np.ones((1, 2)))["x"], rtol=1e-6)
    # a plain function, w.r.t. the first input only
    assert C.grad(lambda a, b: a * a * b)(_t([3.0]), _t([2.0])).asnumpy().tolist() == [12.0]


def test_grad_all():
    gx, gx2 = C.grad_all(_Affine())(_t(X), _t(X2))
    ref = _analytic(np.ones((1, 2)))
    np.testing.assert_allclose(gx.asnumpy(), ref["x"], rtol=1e-6)
    np.testing.assert_allclose(gx2.asnumpy(), ref["x2"], rtol=1e-6)


def test_grad_by_list():
    net = _Affine()
    gw, gb = C.grad_by_list(net, ParameterTuple(net.trainable_params()))(_t(X), _t(X2))
    ref = _analytic(np.ones((1, 2)))
    np.testing.assert_allclose(gw.numpy(), ref["w"], rtol=1e-6)
    np.testing.assert_allclose(gb.numpy(), ref["b"], rtol=1e-6)
    assert net.w.grad is None  # torch.autograd.grad: nothing accumulates in .grad


def test_grad_with_sens():
    sens = np.array([[0.5, -2.0]], np.float32)
    g = C.grad_with_sens(_Affine())(_t(X), _t(X2), _t(sens))
    np.testing.assert_allclose(g.asnumpy(), _analytic(sens)["x"], rtol=1e-6)


def test_grad_all_with_sens():
    sens = np.array([[3.0, 1.0]], np.float32)
    gx, gx2 = C.grad_all_with_sens(_Affine())(_t(X), _t(X2), _t(sens))
    ref = _analytic(sens)
    np.testing.assert_allclose(gx.asnumpy(), ref["x"], rtol=1e-6)
    np.testing.assert_allclose(gx2.asnumpy(), ref["x2"], rtol=1e-6)


def test_grad_by_list_with_sens():
    net = _Affine()
    sens = np.array([[1.0, 4.0]], np.float32)
    gw, gb = C.grad_by_list_with_sens(net, ParameterTuple(net.trainable_params()))(_t(X), _t(X2), _t(sens))
    ref = _analytic(sens)
    np.testing.assert_allclose(gw.numpy(), ref["w"], rtol=1e-6)
    np.testing.assert_allclose(gb.numpy(), ref["b"], rtol=1e-6)


def test_GradOperation_get_all_and_get_by_list():
    net = _Affine()
    weights = ParameterTuple(net.trainable_params())
    grad_op = C.GradOperation('grad', get_all=True, get_by_list=True, sens_param=True)
    sens = np.array([[2.0, 0.5]], np.float32)
    (gx, gx2), (gw, gb) = grad_op(net, weights)(_t(X), _t(X2), _t(sens))
    ref = _analytic(sens)
    for got, key in ((gx, "x"), (gx2, "x2"), (gw, "w"), (gb, "b")):
        np.testing.assert_allclose(np.asarray(got.detach()), ref[key], rtol=1e-6)


def test_GradOperation_tuple_output_and_sens():
    def f(x, y):
        return x * y, x + y
    x, y = _t([1.0, 2.0]), _t([3.0, 5.0])
    # without sens: ones for each output -> d/dx = y + 1, d/dy = x + 1
    gx, gy = C.grad_all(f)(x, y)
    assert gx.asnumpy().tolist() == [4.0, 6.0] and gy.asnumpy().tolist() == [2.0, 3.0]
    # sens is a tuple matching the outputs
    gx, gy = C.grad_all_with_sens(f)(x, y, (_t([1.0, 0.0]), _t([10.0, 10.0])))
    assert gx.asnumpy().tolist() == [13.0, 10.0] and gy.asnumpy().tolist() == [11.0, 10.0]
    with pytest.raises(ValueError, match="grad_all_with_sens.*'sens' must be 2 value"):
        C.grad_all_with_sens(f)(x, y, _t([1.0, 1.0]))


def test_GradOperation_unused_and_integer_inputs_get_zeros():
    def f(x, unused, idx):
        return x[idx] * 2.0
    gx, gu, gi = C.grad_all(f)(_t([1.0, 2.0, 3.0]), _t([7.0]), Tensor(np.array([2, 0], np.int32)))
    assert gx.asnumpy().tolist() == [2.0, 0.0, 2.0]
    assert gu.asnumpy().tolist() == [0.0]
    assert gi.asnumpy().tolist() == [0, 0]


def test_GradOperation_python_scalars():
    # 0.1 differentiates scalars: d/dx 3x^3 = 9x^2, second and third order too
    def single(x):
        return 3 * x * x * x

    def first(x):
        return C.grad(single)(x)

    def second(x):
        return C.grad(first)(x)
    assert C.grad(single)(2) == 36.0 and isinstance(C.grad(single)(2), float)
    assert second(2) == 36.0 and C.grad(second)(2) == 18.0
    assert C.grad_all(lambda a, k: a * k)(_t([1.0]), 3)[1] == 1.0
    assert C.grad_all(lambda a, k: a * k)(2.0, 3) == (3.0, 2.0)
    assert C.grad_all(lambda a: F.stop_gradient(a))(1) == (0,)
    # sens given as numbers, for a tuple output
    assert C.grad_all_with_sens(lambda a, b: (a * b, a + b))(2, 5, (1, 0)) == (5.0, 2.0)


def test_GradOperation_uses_cell_bprop():
    class Clip(msnn.Cell):
        def construct(self, x):
            return x * 3.0

        def bprop(self, x, out, dout):
            return (dout * 100.0,)

    g = C.grad(Clip())(_t([1.0, 2.0]))
    assert g.asnumpy().tolist() == [100.0, 100.0]


def test_GradOperation_second_order():
    def f(x):
        return x * x * x
    first = C.grad(f)

    def df(x):
        return first(x)
    x = _t([2.0, -1.0])
    assert C.grad(df)(x).asnumpy().tolist() == [12.0, -6.0]  # d2/dx2 x^3 = 6x


def test_GradOperation_inside_a_cell_trains():
    class TrainStep(msnn.Cell):
        def __init__(self, net):
            super().__init__()
            self.net = net
            self.weights = ParameterTuple(net.trainable_params())
            self.grad = C.GradOperation('grad', get_by_list=True, sens_param=True)

        def construct(self, x, x2):
            out = self.net(x, x2)
            sens = torch.ones_like(out)
            grads = self.grad(self.net, self.weights)(x, x2, sens)
            return F.depend(out, grads)

    net = _Affine()
    out = TrainStep(net)(_t(X), _t(X2))
    np.testing.assert_allclose(out.asnumpy(), (X @ W + B) * X2, rtol=1e-6)


def test_GradOperation_errors():
    with pytest.raises(TypeError, match="GradOperation.*'get_all' must be a bool"):
        C.GradOperation('g', get_all=1)
    with pytest.raises(TypeError, match="'g'.*'fn' must be a Cell or a function"):
        C.GradOperation('g')(3)
    with pytest.raises(TypeError, match="'get_by_list'.*'weights' must be a ParameterTuple"):
        C.grad_by_list(lambda x: x)
    with pytest.warns(UserWarning, match="GradOperation.*'weights'.*no effect"):
        assert C.grad(lambda x: x * 2, ParameterTuple(_Affine().trainable_params()))(_t([1.0])).tolist() == [2.0]
    with pytest.raises(ValueError, match="'grad'.*at least one input"):
        C.grad(lambda: _t([1.0]))()


def test_GradOperation_caches_the_grad_function():
    op = C.GradOperation('g')
    fn = lambda x: x  # noqa: E731
    assert op(fn) is op(fn)


def test_MultitypeFuncGraph():
    add = C.MultitypeFuncGraph('add')

    @add.register("Number", "Number")
    def _num(x, y):
        return ('number', x + y)

    @add.register("Tensor", "Tensor")
    def _tensor(x, y):
        return ('tensor', torch.add(x, y))

    @add.register("Bool", "Bool")
    def _bool(x, y):
        return ('bool', x or y)

    @add.register("Tuple", "Tuple")
    def _tuple(x, y):
        return ('tuple', x + y)

    assert add(1, 2.5) == ('number', 3.5)
    assert add(True, False) == ('bool', True)  # the exact type name wins over 'Number'
    kind, value = add(_t([1.0]), _t([2.0]))
    assert kind == 'tensor' and value.tolist() == [3.0]
    assert add((1,), (2,)) == ('tuple', (1, 2))
    with pytest.raises(ValueError, match="'add'.*no overload.*String, Int32"):
        add('a', 1)
    with pytest.raises(ValueError, match="already registered"):
        add.register("Number", "Number")
    with pytest.raises(TypeError, match="type_names"):
        add.register(int)


def test_MultitypeFuncGraph_sized_number_types():
    add = C.MultitypeFuncGraph('add')
    add.register("Int32", "Int32")(lambda x, y: ('int32', x + y))
    add.register("Float32", "Float32")(lambda x, y: ('float32', x + y))
    add.register("Float16", "Number")(lambda x, y: ('float16', x + y))
    add.register("Int", "Int")(lambda x, y: ('int', x + y))
    assert add(1, 2) == ('int32', 3) and add(0.5, 0.25) == ('float32', 0.75)
    assert add(np.float16(1), 2)[0] == 'float16'
    assert add(np.int64(1), np.int8(2)) == ('int', 3)
    with pytest.raises(ValueError, match="no overload"):
        add(1, 0.5)


def test_MultitypeFuncGraph_scalar_parameters_match_number():
    # 0.1's Parameter(0.1, 'lr') stayed a Python scalar; msnn's 0-d Parameter matches 'Number' too
    run_opt = C.MultitypeFuncGraph('run_opt')
    run_opt.register("Number", "Tensor")(lambda lr, g: ('number', g * lr))
    lr = Parameter(0.5, name='lr')
    kind, value = run_opt(lr, _t([2.0]))
    assert kind == 'number' and value.tolist() == [1.0]
    run_opt.register("Tensor", "Tensor")(lambda lr, g: ('tensor', g))
    assert run_opt(lr, _t([2.0]))[0] == 'tensor'  # an exact 'Tensor' overload is preferred
    number_only = C.MultitypeFuncGraph('number_only')
    number_only.register("Number")(lambda x: x)
    with pytest.raises(ValueError, match="number_only.*no overload"):
        number_only(Parameter(_t([1.0, 2.0]), name='v'))  # only 0-d Parameters are numbers


def test_MultitypeFuncGraph_function_and_none_types():
    kind = C.MultitypeFuncGraph('kind')
    kind.register("Function")(lambda f: 'function')
    kind.register("None")(lambda f: 'none')
    kind.register("String")(lambda f: 'string')
    kind.register("List")(lambda f: 'list')
    assert kind(len) == 'function' and kind(F.depend) == 'function' and kind(msnn.ReLU()) == 'function'
    assert kind(None) == 'none' and kind('s') == 'string' and kind([1]) == 'list'


def test_HyperMap():
    scale = C.MultitypeFuncGraph('scale')

    @scale.register("Number", "Tensor")
    def _scale(s, g):
        return g * s

    hyper_map = C.HyperMap()
    grads = (_t([1.0, 2.0]), (_t([3.0]),))
    out = hyper_map(F.partial(scale, 0.5), grads)
    assert isinstance(out, tuple) and isinstance(out[1], tuple)
    assert out[0].tolist() == [0.5, 1.0] and out[1][0].tolist() == [1.5]
    assert C.HyperMap(scale)((2, 3), (_t([1.0]), _t([1.0])))[1].tolist() == [3.0]
    assert hyper_map(lambda a, b: a - b, [5, 7], [1, 2]) == [4, 5]
    assert hyper_map(lambda a: a, 3) == 3


def test_HyperMap_errors():
    hyper_map = C.HyperMap()
    with pytest.raises(ValueError, match="HyperMap.*same length.*\\[2, 1\\]"):
        hyper_map(lambda a, b: a, (1, 2), (1,))
    with pytest.raises(TypeError, match="HyperMap.*must all be tuples or all leaves"):
        hyper_map(lambda a, b: a, (1, 2), 3)
    with pytest.raises(TypeError, match="HyperMap.*args\\[0\\]"):
        hyper_map((1, 2))
    with pytest.raises(TypeError, match="HyperMap.*'ops'"):
        C.HyperMap(3)


def test_hyper_add():
    out = C.hyper_add((1, (_t([1.0, 2.0]),)), (2, (_t([3.0, 4.0]),)))
    assert out[0] == 3 and out[1][0].tolist() == [4.0, 6.0]
    assert C.hyper_add([_t([1.0])], [_t([1.0])])[0].tolist() == [2.0]


def test_zeros_like():
    out = C.zeros_like((_t([1.0, 2.0]), 3.5, (Tensor(np.ones(2, np.int32)),), None))
    assert out[0].tolist() == [0.0, 0.0] and out[1] == 0 and out[2][0].dtype == torch.int32
    assert not out[2][0].any() and out[3] is None
    assert isinstance(C.zeros_like(len), EnvInstance)


def test_ones_like():
    out = C.ones_like((Tensor(np.zeros((2, 1), np.float16)), 2.0, 3))
    assert out[0].dtype == torch.float16 and out[0].tolist() == [[1.0], [1.0]]
    assert out[1] == 1.0 and isinstance(out[1], float) and out[2] == 1 and isinstance(out[2], int)


def test_clip_by_value():
    x = _t([[-3.0, 0.2], [0.9, 5.0]])
    lo, hi = _t([-1.0]), _t([1.0])
    out = C.clip_by_value(x, lo, hi)
    np.testing.assert_array_equal(out.numpy(), np.maximum(np.minimum(x.asnumpy(), 1.0), -1.0))
    # Python numbers (BERT's relative positions) and integer tensors keep x's dtype
    ints = C.clip_by_value(Tensor(np.array([-5, 0, 5], np.int32)), -2, 2)
    assert ints.dtype == torch.int32 and ints.tolist() == [-2, 0, 2]
    # min > max: the max is applied last, as 0.1's Maximum(Minimum(x, max), min)
    assert C.clip_by_value(_t([0.0, 9.0]), 2.0, 1.0).tolist() == [2.0, 2.0]
    # gradient passes inside the range only
    x = torch.tensor([-3.0, 0.5, 3.0], requires_grad=True)
    (g,) = torch.autograd.grad(C.clip_by_value(x, -1.0, 1.0).sum(), x)
    assert g.tolist() == [0.0, 1.0, 0.0]
    with pytest.raises(TypeError, match="clip_by_value.*'x' must be a Tensor"):
        C.clip_by_value(1.0, 0.0, 2.0)


def test_tail():
    assert C.tail((1, 2, 3)) == (2, 3)
    with pytest.raises(ValueError, match="tail.*non-empty"):
        C.tail(())
    with pytest.raises(TypeError, match="tail"):
        C.tail(3)


def test_zip_operation():
    assert C.zip_operation((1, 2), (3, 4), (5, 6)) == ((1, 3, 5), (2, 4, 6))
    with pytest.raises(TypeError, match="zip_operation"):
        C.zip_operation((1, 2), 3)
    with pytest.raises(ValueError, match="zip_operation"):
        C.zip_operation()


def test_env_get():
    w = _t([1.0, 2.0])
    env = F.env_setitem(EnvInstance(), F.ref_to_embed(w), _t([5.0, 6.0]))
    assert C.env_get(env, w).tolist() == [5.0, 6.0]
    assert C.env_get(EnvInstance(), w).tolist() == [0.0, 0.0]


def test_EnvInstance():
    env = EnvInstance({'a': 1})
    assert isinstance(env, dict) and env['a'] == 1
    assert C.hyper_add(env, EnvInstance({'a': 2}))['a'] == 3


def test_add_flags():
    def f():
        return 1
    assert C.add_flags(f, predict=True, has_effect=False) is f
    assert f._mindspore_flags == {'predict': True, 'has_effect': False}
    with pytest.raises(TypeError, match="add_flags.*'predict' must be a bool"):
        C.add_flags(f, predict=1)


def test_core():
    @C.core(loop_can_unroll=True)
    def g(x):
        return x
    assert g._mindspore_flags == {'core': True, 'loop_can_unroll': True} and g(2) == 2


def test_GradOperation_one_element_sens_of_a_0d_output():
    x = msnn.Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    grad = C.GradOperation('g', sens_param=True)(lambda t: P.ReduceSum()(t * t))
    g = grad(x, msnn.Tensor(np.array([0.5], np.float32)))  # (1,) sens of a 0-d sum, as 0.1 allowed
    np.testing.assert_allclose(g.numpy(), np.array([[1.0, 2.0], [3.0, 4.0]]), rtol=1e-6)
