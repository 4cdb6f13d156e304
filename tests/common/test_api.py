"""msnn.common.api: ms_function and _executor (0.1's compile-time checks)."""
import numpy as np
import pytest
import torch

import msnn
from msnn import Tensor
from msnn.common.api import ms_function, _executor, _Executor


def _t(a, dtype=np.float32):
    return Tensor(np.asarray(a, dtype))


def test_ms_function():
    @ms_function
    def mul_add(x, y):
        return x * y + 1.0

    out = mul_add(_t([1.0, 2.0]), _t([3.0, 4.0]))
    assert out.asnumpy().tolist() == [4.0, 9.0] and hasattr(out, "asnumpy")
    # the decorator form with arguments, and tuple results keep MindSpore's Tensor API
    @ms_function()
    def pair(x):
        return x, x * 2
    a, b = pair(_t([1.0]))
    assert b.asnumpy().tolist() == [2.0] and hasattr(a, "asnumpy")
    assert mul_add.__name__ == "mul_add"


def test_ms_function_input_signature():
    sig = (_t(np.zeros((2, 2))), _t(np.zeros((2, 2))))
    add = ms_function(lambda x, y: x + y, input_signature=sig)
    assert add(_t(np.ones((2, 2))), _t(np.ones((2, 2)))).asnumpy().sum() == 8.0
    with pytest.raises(ValueError, match="ms_function.*input signature.*\\(3,\\)"):
        add(_t(np.ones((2, 2))), _t(np.ones(3)))
    with pytest.raises(ValueError, match="ms_function.*input signature.*int32"):
        add(_t(np.ones((2, 2))), _t(np.ones((2, 2)), np.int32))
    bad = ms_function(lambda x: x, input_signature=(3,))
    with pytest.raises(TypeError, match="ms_function.*MetaTensor"):
        bad(_t([1.0]))


def test_ms_function_method_and_parameter_inputs():
    class Net(msnn.Cell):
        def __init__(self):
            super().__init__()
            self.w = msnn.Parameter(_t([2.0]), name="w")

        @ms_function
        def scaled(self, x):
            return x * self.w

    net = Net()
    assert net.scaled(_t([3.0])).asnumpy().tolist() == [6.0]
    with pytest.raises(TypeError, match="ms_function.*'fn' must be a function"):
        ms_function(3)


class _Two(msnn.Cell):
    def __init__(self):
        super().__init__()
        self.a = msnn.Dense(3, 4)
        self.b = msnn.Dense(4, 2)

    def construct(self, x):
        return self.b(self.a(x))


def test__executor_compile():
    net = _Two()
    x = _t(np.ones((2, 3)))
    phase, fresh = _executor.compile(net, x)
    assert fresh and phase == "predict." + str(net.create_time)
    assert _executor.compile(net, x) == (phase, False)
    assert _executor.has_compiled(phase)
    out = _executor(net, x)
    np.testing.assert_allclose(out.asnumpy(), net(x).asnumpy())
    # other input shapes compile again
    assert _executor.compile(net, _t(np.ones((5, 3))))[1]
    assert _executor.compile(net, x, phase="train")[0] == "train." + str(net.create_time)


def test__executor_compile_duplicate_parameter_names():
    net = _Two()
    net.b.weight.name = "a.weight"
    with pytest.raises(ValueError, match="'_Two'.*b.weight.*must be unique.*'a.weight'"):
        _executor.compile(net, _t(np.ones((2, 3))))


def test__executor_compile_raises_shape_errors():
    net = _Two()
    with pytest.raises(Exception) as info:  # the shape error the network raises, as 0.1's inference did
        _executor.compile(net, _t(np.ones((2, 5))))
    assert not isinstance(info.value, KeyError)
    with pytest.raises(TypeError, match="_Executor.compile.*'params'"):
        _executor.compile(net, _t(np.ones((2, 3))), params={"a": 1})
    with pytest.raises(AttributeError, match="construct"):
        _executor.compile(object())


def test__executor_compile_leaves_network_and_rng_untouched():
    class Train(msnn.Cell):
        def __init__(self):
            super().__init__()
            self.bn = msnn.BatchNorm1d(3)
            self.drop = msnn.Dropout(0.5)
            self.w = msnn.Parameter(_t([1.0]), name="w")

        def construct(self, x):
            self.w.data.add_(1.0)  # an in-place update, as an optimizer step does
            return self.drop(self.bn(x))

    net = Train().set_train()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    torch.manual_seed(3)
    expected = torch.rand(2)
    torch.manual_seed(3)
    _executor.compile(net, _t(np.random.rand(4, 3)))
    assert torch.equal(torch.rand(2), expected)
    for k, v in net.state_dict().items():
        assert torch.equal(v, before[k]), k


def test__executor_run_requires_compile():
    ex = _Executor()
    net = _Two()
    with pytest.raises(KeyError, match="does not exist"):
        ex(net, _t(np.ones((1, 3))))
    ex.compile(net, _t(np.ones((1, 3))))
    assert ex.run(net, _t(np.ones((1, 3)))).shape == (1, 2)
    ex.del_net_res(net.create_time)
    assert not ex.has_compiled("predict." + str(net.create_time))
    with pytest.raises(NotImplementedError, match="export.*GEIR"):
        ex.export(net, "net.geir")


def test__executor_compile_train_network_with_optimizer():
    # an optimizer does not deep-copy faithfully (torch.optim.Optimizer pickles its torch state
    # only): compile runs the step in place and restores parameters and optimizer state
    net = msnn.Dense(3, 2)
    loss = msnn.WithLossCell(net, msnn.MSELoss())
    step = msnn.TrainOneStepCell(loss, msnn.Momentum(net.trainable_params(), 0.1, 0.9)).set_train()
    x, y = _t(np.random.rand(4, 3)), _t(np.random.rand(4, 2))
    before = {k: v.clone() for k, v in step.state_dict().items()}
    assert _executor.compile(step, x, y)[1]
    for k, v in step.state_dict().items():
        assert torch.equal(v, before[k]), k
    with pytest.raises(Exception):
        _executor.compile(step, _t(np.random.rand(4, 5)), y)
    for k, v in step.state_dict().items():
        assert torch.equal(v, before[k]), k


def test_Registry_tensor_operator_registry_as_0_1():
    from msnn.common._register_for_tensor import Registry, tensor_operator_registry
    from msnn.ops import functional as F
    assert tensor_operator_registry.get('__add__') is F.tensor_add
    assert tensor_operator_registry.get('__mul__') is F.tensor_mul
    reg = Registry()
    reg.register('__sub__', lambda x, y: x - y)
    reg.register(3, None)  # a non-str name is ignored
    assert reg.get('__sub__')(5, 2) == 3 and list(reg) == ['__sub__']
    with pytest.raises(KeyError):
        reg.get('__div__')
    with pytest.raises(TypeError, match="'Registry.get'"):
        reg.get(1)
