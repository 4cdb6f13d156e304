import copy
import io
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import msnn as nn
from msnn import Parameter, ParameterTuple, Tensor


class Leaf(nn.Cell):
    """A Dense-like cell with parameters named 'weight' and 'bias' (as MindSpore layers name them)."""

    def __init__(self, n_in=3, n_out=2):
        super().__init__()
        self.weight = Parameter(Tensor(np.arange(n_in * n_out).reshape(n_out, n_in) / 10, nn.float32), name='weight')
        self.bias = Parameter(Tensor(np.ones(n_out), nn.float32), name='bias')

    def construct(self, x):
        return x @ self.weight.t() + self.bias


class Mid(nn.Cell):
    def __init__(self):
        super().__init__()
        self.a = Leaf()

    def construct(self, x):
        return self.a(x)


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.mid = Mid()
        self.fc = Leaf(2, 2)

    def construct(self, x):
        return self.fc(self.mid(x))


class Stats(nn.Cell):
    """A BatchNorm-like cell: standalone names differ from attribute names."""

    def __init__(self):
        super().__init__()
        self.moving_mean = Parameter(Tensor(np.zeros(2), nn.float32), name='mean', requires_grad=False)
        self.gamma = Parameter(Tensor(np.ones(2), nn.float32), name='gamma')

    def construct(self, x):
        return x * self.gamma + self.moving_mean


class Wrapper(nn.Cell):
    def __init__(self, net):
        super().__init__(auto_prefix=False)
        self.network = net

    def construct(self, x):
        return self.network(x)


def x23():
    return Tensor(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), nn.float32)


# -- training flag -----------------------------------------------------------------------------
def test_Cell_new_cell_is_not_training():
    net = Net()
    assert [c.training for _, c in net.cells_and_names()] == [False, False, False, False]


def test_Cell_set_train_recursive_and_phase():
    net = Net()
    assert net.set_train() is net
    assert all(c.training for _, c in net.cells_and_names())
    assert net.phase == 'train'
    net.set_train(False)
    assert not any(c.training for _, c in net.cells_and_names())
    assert net.phase == 'predict'


def test_Cell_set_train_non_bool_raises_type_error_after_phase_change():
    net = Net()
    with pytest.raises(TypeError, match="training"):
        net.set_train(0)
    assert net.phase == 'train'


def test_Cell_torch_train_eval_still_work():
    net = Net().train()
    assert net.mid.a.training
    net.eval()
    assert not net.mid.a.training


# -- names ---------------------------------------------------------------------------------------
def test_Cell_nested_parameter_names_are_attribute_paths():
    net = Net()
    assert [p.name for p in net.get_parameters()] == ['mid.a.weight', 'mid.a.bias', 'fc.weight', 'fc.bias']
    assert list(net.state_dict()) == ['mid.a.weight', 'mid.a.bias', 'fc.weight', 'fc.bias']


def test_Cell_standalone_cell_keeps_own_names_nested_gets_paths():
    stats = Stats()
    assert [p.name for p in stats.get_parameters()] == ['mean', 'gamma']

    class Holder(nn.Cell):
        def __init__(self):
            super().__init__()
            self.bn = Stats()

    assert [p.name for p in Holder().get_parameters()] == ['bn.moving_mean', 'bn.gamma']


def test_Cell_auto_prefix_false_wrapper_keeps_names():
    net = Net()
    wrapped = Wrapper(net)
    assert [p.name for p in wrapped.get_parameters()] == ['mid.a.weight', 'mid.a.bias', 'fc.weight', 'fc.bias']
    assert [n for n, _ in wrapped.parameters_and_names()][0] == 'network.mid.a.weight'


def test_Cell_update_parameters_name_default_prefix_raises_value_error():
    with pytest.raises(ValueError, match="prefix"):
        Leaf().update_parameters_name()


def test_Cell_update_parameters_name_sets_prefix_and_is_init():
    leaf = Leaf()
    leaf.weight.is_init = True
    leaf.update_parameters_name('top.')
    assert [p.name for p in leaf.get_parameters()] == ['top.weight', 'top.bias']
    assert leaf.weight.is_init is False


def test_Cell_parameters_dict_keyed_by_name():
    d = Net().parameters_dict()
    assert list(d) == ['mid.a.weight', 'mid.a.bias', 'fc.weight', 'fc.bias']
    assert isinstance(d, OrderedDict)


def test_Cell_parameters_and_names_dedupes_shared_parameter():
    class Shared(nn.Cell):
        def __init__(self):
            super().__init__()
            self.a = Leaf()
            self.b = Leaf()
            self.b.weight = None
            self.b.insert_param_to_cell('weight', self.a.weight)

    net = Shared()
    names = [n for n, _ in net.parameters_and_names()]
    assert names == ['a.weight', 'a.bias', 'b.bias']


def test_Cell_get_parameters_expand_false_only_own():
    net = Wrapper(Leaf())
    assert list(net.get_parameters(expand=False)) == []
    assert len(list(net.get_parameters())) == 2


def test_Cell_trainable_and_untrainable_params():
    s = Stats()
    assert [p.name for p in s.trainable_params()] == ['gamma']
    assert [p.name for p in s.untrainable_params()] == ['mean']


def test_Cell_parameters_and_names_prefix():
    assert [n for n, _ in Mid().parameters_and_names(name_prefix='m')] == ['m.a.weight', 'm.a.bias']


# -- registration rules --------------------------------------------------------------------------
def test_Cell_setattr_parameter_over_plain_attribute_raises_type_error():
    cell = nn.Cell()
    cell.w = 3
    with pytest.raises(TypeError):
        cell.w = Parameter(Tensor(np.ones(1), nn.float32), name='w')


def test_Cell_setattr_parameter_replaces_none_attribute():
    cell = nn.Cell()
    cell.w = None
    cell.w = Parameter(Tensor(np.ones(1), nn.float32), name='w')
    assert 'w' in cell._params


def test_Cell_setattr_parameter_over_child_raises_type_error():
    cell = nn.Cell()
    cell.c = Leaf()
    with pytest.raises(TypeError):
        cell.c = Parameter(Tensor(np.ones(1), nn.float32), name='c')


def test_Cell_setattr_cell_over_parameter_raises_type_error():
    cell = Leaf()
    with pytest.raises(TypeError):
        cell.weight = Leaf()


def test_Cell_setattr_non_parameter_over_parameter():
    cell = Leaf()
    with pytest.raises(TypeError):
        cell.weight = 3
    cell.weight = None
    assert cell._params['weight'] is None
    assert [p.name for p in cell.get_parameters()] == ['bias']


def test_Cell_setattr_non_cell_over_child():
    cell = Mid()
    with pytest.raises(TypeError):
        cell.a = 3
    cell.a = None
    assert cell._cells['a'] is None
    assert repr(cell) == 'Mid<\n  (a): None\n  >'


def test_Cell_setattr_before_init_raises_attribute_error():
    class Early(nn.Cell):
        def __init__(self):  # pylint: disable=super-init-not-called
            self.w = Parameter(Tensor(np.ones(1), nn.float32), name='w')

    with pytest.raises(AttributeError):
        Early()


def test_Cell_parameter_tuple_attribute_inserts_by_own_names():
    leaf = Leaf()
    holder = nn.Cell(auto_prefix=False)
    holder.weights = ParameterTuple(Net().get_parameters())
    assert list(holder._params) == ['mid.a.weight', 'mid.a.bias', 'fc.weight', 'fc.bias']
    assert isinstance(holder.weights, ParameterTuple)
    assert leaf.weight.name == 'weight'


def test_Cell_insert_param_to_cell_errors():
    cell = nn.Cell()
    p = Parameter(Tensor(np.ones(1), nn.float32), name='p')
    with pytest.raises(KeyError):
        cell.insert_param_to_cell('', p)
    with pytest.raises(KeyError):
        cell.insert_param_to_cell('a.b', p)
    cell.insert_param_to_cell('a.b', p, check_name=False)
    cell.plain = 1
    with pytest.raises(KeyError):
        cell.insert_param_to_cell('plain', p)
    with pytest.raises(TypeError):
        cell.insert_param_to_cell('q', 3)


def test_Cell_insert_child_to_cell_errors():
    cell = nn.Cell()
    with pytest.raises(KeyError):
        cell.insert_child_to_cell('', Leaf())
    with pytest.raises(KeyError):
        cell.insert_child_to_cell('a.b', Leaf())
    cell.plain = 1
    with pytest.raises(KeyError):
        cell.insert_child_to_cell('plain', Leaf())
    with pytest.raises(TypeError):
        cell.insert_child_to_cell('c', 3)
    leaf = Leaf()
    cell.insert_child_to_cell('c', leaf)
    assert cell.c is leaf and leaf.weight.name == 'weight'  # no rename on insertion


def test_Cell_tensor_attribute_is_non_persistent_buffer():
    class WithConst(nn.Cell):
        def __init__(self):
            super().__init__()
            self.scale = Tensor(np.array([2.0]), nn.float32)

        def construct(self, x):
            return x * self.scale

    cell = WithConst()
    assert type(cell.scale) is torch.Tensor
    assert list(cell.state_dict()) == []
    cell.to(torch.float64)
    assert cell.scale.dtype == torch.float64


# -- traversal ------------------------------------------------------------------------------------
def test_Cell_cells_and_names_preorder_dedup():
    net = Net()
    net.alias = net.mid  # same object twice
    assert [n for n, _ in net.cells_and_names()] == ['', 'mid', 'mid.a', 'fc']
    assert list(net.name_cells()) == ['mid', 'fc']
    assert list(net.cells()) == [net.mid, net.fc]


# -- calling ----------------------------------------------------------------------------------------
def test_Cell_top_level_output_speaks_mindspore_nested_is_plain():
    seen = []

    class Probe(nn.Cell):
        def __init__(self):
            super().__init__()
            self.leaf = Leaf()

        def construct(self, x):
            y = self.leaf(x)
            seen.append(type(x))
            seen.append(type(y))
            return y, y * 2

    out, out2 = Probe()(x23())
    assert seen == [torch.Tensor, torch.Tensor]
    assert isinstance(out, Tensor) and type(out) is Tensor
    assert out.shape() == (2, 2)
    np.testing.assert_allclose(out.asnumpy(), [[1.8, 3.6], [2.7, 7.2]], rtol=1e-6)
    np.testing.assert_allclose(out2.asnumpy(), 2 * out.asnumpy())


def test_Cell_construct_not_overridden_raises():
    with pytest.raises(NotImplementedError):
        nn.Cell()(x23())


def test_Cell_forward_is_construct():
    assert Leaf.forward is Leaf.construct


def test_Cell_compile_and_run_equals_call():
    net = Net()
    np.testing.assert_array_equal(net.compile_and_run(x23()).asnumpy(), net(x23()).asnumpy())
    assert net.get_func_graph_proto() is None
    assert net.exec_checkpoint_graph() is None
    net.load_parameter_slice(None)
    net.load_parameter_slice(OrderedDict())
    with pytest.raises(TypeError):
        net.load_parameter_slice({})


def test_Cell_bprop_replaces_autodiff():
    class Custom(nn.Cell):
        def __init__(self):
            super().__init__()
            self.w = Parameter(Tensor(np.array([3.0]), nn.float32), name='w')

        def construct(self, x, y):
            return x * y * self.w

        def bprop(self, x, y, out, dout):
            return dout * 10, out + dout

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([4.0, 5.0], requires_grad=True)
    cell = Custom()
    out = cell(x, y)
    np.testing.assert_allclose(out.asnumpy(), [12.0, 30.0])
    out.backward(torch.tensor([1.0, 0.5]))
    np.testing.assert_allclose(x.grad.numpy(), [10.0, 5.0])
    np.testing.assert_allclose(y.grad.numpy(), [13.0, 30.5])
    assert cell.w.grad is None  # no parameter gradients through a user bprop (as in 0.1)


def test_Cell_bprop_with_non_tensor_input():
    class Scale(nn.Cell):
        def construct(self, x, k):
            return x * k

        def bprop(self, x, k, out, dout):
            return dout * k * 2, 0

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Scale()(x, 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


def test_Cell_to_float_runs_in_float16_keeps_float32_master():
    net = Net()
    assert net.to_float(nn.float16) is net
    assert net.fp16 and not net.fp32 and net.mid.a.fp16
    x = torch.tensor([[1.0, 2.0, 3.0]])
    out = net(x)
    assert out.dtype == nn.float16
    assert net.fc.weight.dtype == torch.float32
    out.float().sum().backward()
    assert net.fc.weight.grad.dtype == torch.float32
    ref = Net()(x)
    np.testing.assert_allclose(out.asnumpy().astype(np.float32), ref.asnumpy(), rtol=2e-3)
    net.to_float(nn.float32)
    assert net(x).dtype == nn.float32


def test_Cell_to_float_bad_dtype_raises_value_error():
    with pytest.raises(ValueError, match="dst_type"):
        Net().to_float(nn.float64)


def test_Cell_set_broadcast_flag_and_add_flags():
    net = Net().set_broadcast_flag()
    assert net.mid.a.broadcast_flag is True
    with pytest.raises(TypeError):
        net.add_flags(x=1)


def test_Cell_generate_scope():
    net = Net()
    assert net.mid.get_scope() is None
    net.generate_scope()
    assert net.mid.get_scope() == 'Default/mid-Mid'
    assert net.mid.a.get_scope() == 'Default/mid-Mid/a-Leaf'
    assert net.fc.get_scope() == 'Default/fc-Leaf'


def test_Cell_property_type_checks():
    net = Net()
    with pytest.raises(TypeError):
        net.phase = 1
    with pytest.raises(TypeError):
        net.parameter_layout_dict = []
    with pytest.raises(TypeError):
        net.cell_init_args = 3
    net.cell_init_args = 'x'
    assert net.cell_init_args == 'x'
    assert isinstance(net.create_time, int)


# -- repr -------------------------------------------------------------------------------------------
def test_Cell_repr_mindspore_format():
    class Extra(Leaf):
        def extend_repr(self):
            return 'k=1'

    assert repr(Extra()) == 'Extra<k=1>'

    class Outer(nn.Cell):
        def __init__(self):
            super().__init__()
            self.e = Extra()
            self.m = Mid()

        def extend_repr(self):
            return 'top'

    assert repr(Outer()) == ('Outer<\n  top\n  (e): Extra<k=1>\n  (m): Mid<\n    (a): Leaf<>\n    >\n  >')


# -- torch-native behaviour --------------------------------------------------------------------------
def test_Cell_state_dict_round_trip_and_torch_save():
    net = Net()
    buf = io.BytesIO()
    torch.save(net.state_dict(), buf)
    buf.seek(0)
    other = Net()
    with torch.no_grad():
        for p in other.get_parameters():
            p.zero_()
    other.load_state_dict(torch.load(buf))
    np.testing.assert_array_equal(other(x23()).asnumpy(), net(x23()).asnumpy())
    assert other.fc.weight.name == 'fc.weight'


def test_Cell_torch_save_whole_cell_keeps_names():
    buf = io.BytesIO()
    torch.save(Net(), buf)
    buf.seek(0)
    loaded = torch.load(buf, weights_only=False)
    assert [p.name for p in loaded.get_parameters()] == ['mid.a.weight', 'mid.a.bias', 'fc.weight', 'fc.bias']
    assert isinstance(loaded.fc.weight, Parameter)
    assert not loaded.training


def test_Cell_deepcopy_and_pickle():
    net = Net()
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert [p.name for p in clone.get_parameters()] == ['mid.a.weight', 'mid.a.bias', 'fc.weight', 'fc.bias']
        assert clone.fc.weight is not net.fc.weight
        np.testing.assert_array_equal(clone(x23()).asnumpy(), net(x23()).asnumpy())


def test_Cell_to_device_and_dtype_keeps_names(device):
    net = Net().to(device).to(torch.float64)
    assert isinstance(net.fc.weight, Parameter)
    assert net.fc.weight.name == 'fc.weight' and net.fc.weight.dtype == torch.float64
    assert net.fc.weight.device.type == device.type
    out = net(torch.ones(1, 3, dtype=torch.float64, device=device))
    assert out.device.type == device.type


def test_Cell_torch_compile_matches_eager():
    net = Net()
    compiled = torch.compile(net, backend="aot_eager")
    x = x23()
    np.testing.assert_allclose(compiled(x).detach().numpy(), net(x).asnumpy(), rtol=1e-6)


def test_Cell_autograd_through_top_level_output():
    net = Net()
    net(x23()).sum().backward()
    assert net.mid.a.weight.grad.shape == (2, 3)


def test_Cell_under_DistributedDataParallel_single_process():
    import socket  # pylint: disable=import-outside-toplevel
    import torch.distributed as dist  # pylint: disable=import-outside-toplevel
    from torch.nn.parallel import DistributedDataParallel  # pylint: disable=import-outside-toplevel

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=0, world_size=1)
    try:
        net = Net()
        ddp = DistributedDataParallel(net)
        out = ddp(x23())
        np.testing.assert_allclose(out.detach().numpy(), Net()(x23()).asnumpy(), rtol=1e-6)
        out.sum().backward()
        assert net.mid.a.weight.grad.shape == (2, 3)
        assert [p.name for p in net.get_parameters()] == ['mid.a.weight', 'mid.a.bias', 'fc.weight', 'fc.bias']
    finally:
        dist.destroy_process_group()


def test_Cell_top_level_call_is_thread_safe():
    """Two threads, each training its own net: every output keeps the Tensor API, and the weights
    equal a sequential run bit for bit."""
    import threading  # pylint: disable=import-outside-toplevel

    def make():
        np.random.seed(3)
        net = nn.SequentialCell([nn.Dense(8, 16), nn.ReLU(), nn.Dense(16, 4)])
        net = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.SGD(net.trainable_params(), 0.01))
        return net.set_train()

    data = [(Tensor(np.random.RandomState(i).randn(16, 8), nn.float32),
             Tensor(np.random.RandomState(100 + i).randn(16, 4), nn.float32)) for i in range(5)]
    steps = 60

    def train(net, errors):
        try:
            for i in range(steps):
                x, y = data[i % len(data)]
                loss = net(x, y)
                assert loss.asnumpy().shape == ()  # a top-level output: has the Tensor API
                h = net.network._backbone[0](x)
                assert h.shape() == (16, 16)
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)

    reference = make()
    train(reference, [])
    nets, errors = [make(), make()], []
    threads = [threading.Thread(target=train, args=(n, errors)) for n in nets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for net in nets:
        for a, b in zip(net.get_parameters(), reference.get_parameters()):
            assert torch.equal(a, b)


def test_Cell_check_names_refuses_duplicate_parameter_names():
    class Twins(nn.Cell):
        def __init__(self):
            super().__init__()
            t = Tensor(np.ones((2, 3)), nn.float32)
            self.w2 = nn.Parameter(t, name="weight")
            self.w1 = nn.Parameter(t, name="weight")

        def construct(self, x):
            return x
    with pytest.raises(ValueError, match=r"For 'Twins', the 'name of parameter w1' must be unique \(it is "
                                         r"already the name of parameter w2\), but got 'weight'"):
        Twins().check_names()
    nn.SequentialCell([nn.Dense(2, 2)]).check_names()  # unique: no error


def test_Cell_construct_assigned_on_an_instance_is_what_calls_run():
    net = nn.Dense(2, 2)
    net.construct = lambda x: x * 3.0
    out = net(Tensor(np.ones((1, 2)), nn.float32))
    np.testing.assert_array_equal(out.asnumpy(), [[3.0, 3.0]])
    assert nn.Dense(2, 2)(Tensor(np.ones((1, 2)), nn.float32)).shape() == (1, 2)  # the class is untouched


def test_Cell_parameters_dict_of_a_train_cell_holds_the_optimizer_state():
    net = nn.Dense(3, 2)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.Momentum(net.trainable_params(), 0.01, 0.9))
    names = list(train.parameters_dict())
    assert names[:2] == ["weight", "bias"]
    assert {"learning_rate", "momentum", "moments.weight", "moments.bias"} <= set(names)
    assert float(train.parameters_dict()["learning_rate"]) == pytest.approx(0.01)
    assert [p.name for p in train.trainable_params()] == ["weight", "bias"]


def test_Cell_top_level_list_output_is_a_tuple_as_0_1s_graph_output():
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.values = [1, 2, 3]

        def construct(self):
            return self.values
    assert Net()() == (1, 2, 3)


def test_Cell_top_level_input_list_passed_through_stays_a_list():
    class Net(nn.Cell):
        def construct(self, x):
            return x
    x = [1, 2, 3]
    assert Net()(x) is x


def test_Cell_tensor_attribute_replaced_by_a_number_is_a_plain_attribute():
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.t2 = Tensor(np.ones([1, 5]), nn.float16)
            self.t2 = 1  # 0.1: an ordinary attribute assignment

        def construct(self, x):
            return x * self.t2
    net = Net()
    assert net.t2 == 1 and 't2' not in dict(net.named_buffers())
    assert net(Tensor(np.array([2.0]), nn.float32)).tolist() == [2.0]
