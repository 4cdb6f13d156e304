"""WithLossCell, WithEvalCell, WithGradCell, TrainOneStepCell, ParameterUpdate, DataWrapper,
GetNextSingleOp: against manual torch.autograd gradients and a NumPy-free reference optimizer."""
import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import msnn
import msnn as nn
from msnn import Parameter, ParameterTuple, Tensor
from msnn.train.dataset_helper import connect_dataset, disconnect_dataset


# -- small networks built from Cell + Parameter only ---------------------------------------------
class Linear(nn.Cell):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = Parameter(Tensor(np.random.normal(0, 0.5, (n_out, n_in)), msnn.float32), name='weight')
        self.bias = Parameter(Tensor(np.random.normal(0, 0.5, (n_out,)), msnn.float32), name='bias')

    def construct(self, x):
        return F.linear(x, self.weight, self.bias)


class Net(nn.Cell):
    """Two layers; ``unused`` never takes part (MindSpore gives it a zero gradient)."""

    def __init__(self):
        super().__init__()
        self.fc1 = Linear(4, 5)
        self.fc2 = Linear(5, 3)
        self.unused = Parameter(Tensor(np.ones((2,)), msnn.float32), name='unused')

    def construct(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


class MSE(nn.Cell):
    def construct(self, logits, label):
        return ((logits - label) ** 2).mean()


class PerSample(nn.Cell):
    def construct(self, logits, label):
        return ((logits - label) ** 2).mean(-1)


class SGDStandIn(nn.Cell):
    """A MindSpore-style optimizer Cell: ``optimizer(gradients)`` with heavy-ball momentum."""

    def __init__(self, params, learning_rate=0.1, momentum=0.9):
        super().__init__(auto_prefix=False)
        self.parameters = ParameterTuple(params)
        self.lr = learning_rate
        self.momentum = momentum
        self.moments = [torch.zeros_like(p) for p in self.parameters]

    def construct(self, gradients):
        with torch.no_grad():
            for p, v, g in zip(self.parameters, self.moments, gradients):
                v.mul_(self.momentum).add_(g)
                p.sub_(self.lr * v)
        return tuple(True for _ in self.parameters)


def _batch(n=6, device="cpu"):
    x = torch.tensor(np.random.normal(size=(n, 4)), dtype=torch.float32, device=device)
    y = torch.tensor(np.random.normal(size=(n, 3)), dtype=torch.float32, device=device)
    return x, y


def _manual_grads(net, x, y, sens=1.0, loss_fn=None):
    loss_fn = loss_fn or MSE()
    loss = loss_fn(net(x), y)
    weights = list(net.trainable_params())
    grads = torch.autograd.grad(loss, weights, torch.full_like(loss, sens), allow_unused=True)
    return loss.detach(), [torch.zeros_like(w) if g is None else g for w, g in zip(weights, grads)]


# -- WithLossCell / WithEvalCell ------------------------------------------------------------------
def test_WithLossCell_value_names_and_backbone(device):
    net = Net().to(device)
    names = [p.name for p in net.get_parameters()]
    loss_net = nn.WithLossCell(net, MSE())
    x, y = _batch(device=device)
    out = loss_net(x, y)
    torch.testing.assert_close(out, ((net(x) - y) ** 2).mean())
    assert out.shape() == ()
    assert loss_net.backbone_network is net
    assert [p.name for p in loss_net.get_parameters()] == names == ['unused', 'fc1.weight', 'fc1.bias',
                                                                     'fc2.weight', 'fc2.bias']
    assert not loss_net.training


def test_WithLossCell_with_msnn_layers():
    net = nn.Dense(3, 2)
    loss_net = nn.WithLossCell(net, MSE())
    x = Tensor(np.ones([4, 3]), msnn.float32)
    y = Tensor(np.zeros([4, 2]), msnn.float32)
    with torch.no_grad():
        assert abs(float(loss_net(x, y)) - float(((net(x) - y) ** 2).mean())) < 1e-7
    assert [p.name for p in loss_net.get_parameters()] == ['weight', 'bias']


def test_WithEvalCell_returns_loss_output_label(device):
    net = Net().to(device)
    eval_net = nn.WithEvalCell(net, MSE())
    x, y = _batch(device=device)
    loss, out, label = eval_net(x, y)
    torch.testing.assert_close(out, net(x))
    torch.testing.assert_close(loss, ((net(x) - y) ** 2).mean())
    assert label is not None and torch.equal(label, y)
    assert [p.name for p in eval_net.get_parameters()][1] == 'fc1.weight'


# -- WithGradCell ---------------------------------------------------------------------------------
def test_WithGradCell_tuple_of_grads_matches_manual(device):
    net = Net().to(device)
    x, y = _batch(device=device)
    grad_net = nn.WithGradCell(net, MSE())
    grads = grad_net(x, y)
    assert isinstance(grads, tuple) and len(grads) == 5
    _, ref = _manual_grads(net, x, y)
    for g, r in zip(grads, ref):
        torch.testing.assert_close(g, r)
    assert torch.equal(grads[0], torch.zeros(2, device=device))  # unused weight: zeros
    assert net.training  # WithGradCell calls set_train() on the loss network


@pytest.mark.parametrize("sens", [2.5, "tensor"])
def test_WithGradCell_sens_scales_grads(sens):
    net = Net()
    x, y = _batch()
    loss_net = nn.WithLossCell(net, MSE())
    value = 2.5
    sens_arg = Tensor(np.array(value), msnn.float32) if sens == "tensor" else value
    grads = nn.WithGradCell(loss_net, sens=sens_arg)(x, y)  # loss_fn None: network has the loss
    _, ref = _manual_grads(net, x, y, sens=value)
    for g, r in zip(grads, ref):
        torch.testing.assert_close(g, r)


def test_WithGradCell_vector_output_ones_sens():
    net = Net()
    x, y = _batch()
    grads = nn.WithGradCell(net, PerSample())(x, y)
    loss = PerSample()(net(x), y)
    ref = torch.autograd.grad(loss.sum(), list(net.trainable_params())[1:])
    for g, r in zip(grads[1:], ref):
        torch.testing.assert_close(g, r)


# -- TrainOneStepCell -------------------------------------------------------------------------------
@pytest.mark.parametrize("sens", [1.0, 4.0])
def test_TrainOneStepCell_matches_manual_gradients_times_sens(device, sens):
    net = Net().to(device)
    ref_net = copy.deepcopy(net)
    opt = SGDStandIn(net.trainable_params())
    ref_opt = SGDStandIn(ref_net.trainable_params())
    train = nn.TrainOneStepCell(nn.WithLossCell(net, MSE()), opt, sens=sens)
    for _ in range(5):
        x, y = _batch(device=device)
        ref_loss, ref_grads = _manual_grads(ref_net, x, y, sens=sens)
        ref_opt(tuple(ref_grads))
        loss = train(x, y)
        torch.testing.assert_close(loss, ref_loss)  # loss before the update
        assert loss.shape() == () and not loss.requires_grad
        for p, r in zip(net.trainable_params(), ref_net.trainable_params()):
            torch.testing.assert_close(p, r, rtol=1e-6, atol=1e-6)
    assert torch.equal(net.unused, torch.ones(2, device=device))  # zero gradient, momentum 0


def test_TrainOneStepCell_no_set_train_and_names_kept():
    net = Net()
    loss_net = nn.WithLossCell(net, MSE())
    train = nn.TrainOneStepCell(loss_net, SGDStandIn(net.trainable_params()))
    assert not train.training and not net.training
    train(*_batch())
    assert not net.training
    assert [p.name for p in net.get_parameters()] == ['unused', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    assert train.weights == tuple(net.trainable_params())
    assert train.grad_reducer is None and train.reducer_flag is False  # no process group
    assert train.sens == 1.0


def test_TrainOneStepCell_loss_is_before_update_and_decreases():
    net = Net()
    train = nn.TrainOneStepCell(nn.WithLossCell(net, MSE()), SGDStandIn(net.trainable_params(), 0.05, 0.0))
    x, y = _batch(16)
    losses = [float(train(x, y)) for _ in range(30)]
    assert losses[-1] < 0.5 * losses[0]
    with torch.no_grad():
        before = float(((net(x) - y) ** 2).mean())
    assert abs(float(train(x, y)) - before) < 1e-6


def test_TrainOneStepCell_vector_loss_fills_sens():
    net = Net()
    ref_net = copy.deepcopy(net)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, PerSample()), SGDStandIn(net.trainable_params(), 0.1, 0.0),
                                sens=3.0)
    x, y = _batch()
    loss = train(x, y)
    assert loss.shape() == (6,)
    ref_loss = PerSample()(ref_net(x), y)
    grads = torch.autograd.grad(ref_loss.sum() * 3.0, list(ref_net.trainable_params())[1:])
    for p, r, g in zip(net.trainable_params()[1:], ref_net.trainable_params()[1:], grads):
        torch.testing.assert_close(p, (r - 0.1 * g).detach())


def test_TrainOneStepCell_signature_positional():
    net = Net()
    opt = SGDStandIn(net.trainable_params())
    train = nn.TrainOneStepCell(nn.WithLossCell(net, MSE()), opt, 2.0)
    assert train.sens == 2.0 and train.optimizer is opt


# -- ParameterUpdate --------------------------------------------------------------------------------
def test_ParameterUpdate_writes_original_and_returns_previous(device):
    net = Net().to(device)
    param = net.parameters_dict()['fc1.bias']
    before = param.detach().clone()
    update = nn.ParameterUpdate(param)
    update.phase = "update_param"
    new = torch.arange(5, dtype=torch.float32, device=device)
    old = update(new)
    torch.testing.assert_close(old, before)
    assert torch.equal(net.fc1.bias.detach(), new)
    assert param.name == 'fc1.bias' and [p.name for p in update.get_parameters()] == ['fc1.bias']
    new[0] = 100.0  # the parameter holds a copy of x
    assert float(net.fc1.bias.detach()[0]) == 0.0


def test_ParameterUpdate_seed_example_learning_rate():
    param = Parameter(Tensor(0.1, msnn.float32), name='learning_rate')
    update = nn.ParameterUpdate(param)
    old = update(Tensor(0.001, msnn.float32))
    assert abs(float(old) - 0.1) < 1e-7 and abs(float(param.detach()) - 0.001) < 1e-9
    update(Tensor(np.array([0.5]), msnn.float32))  # (1,) into a 0-d parameter
    assert float(param.detach()) == 0.5


@pytest.mark.parametrize("bad", [1.0, "learning_rate", Tensor(np.ones(2), msnn.float32), None])
def test_ParameterUpdate_non_parameter_raises_type_error(bad):
    with pytest.raises(TypeError, match="ParameterUpdate.*param"):
        nn.ParameterUpdate(bad)


def test_ParameterUpdate_refuses_parameter_built_from_numpy_or_list_as_0_1():
    for data in (np.array([1]), np.float32(2.0), [1.0, 2.0]):
        with pytest.raises(TypeError, match="ParameterUpdate.*'param'.*built from a"):
            nn.ParameterUpdate(Parameter(data, 'p'))
    param = Parameter(np.array([1.0], np.float32), 'p')
    param.set_parameter_data(Tensor(np.array([3.0]), msnn.float32))  # a Tensor now: accepted
    old = nn.ParameterUpdate(param)(Tensor(np.array([4.0]), msnn.float32))
    assert float(old[0]) == 3.0 and float(param.detach()[0]) == 4.0
    for data in (3, 2.5):
        nn.ParameterUpdate(Parameter(data, 'p'))


def test_ParameterUpdate_compile_checks_only_the_input_type():
    from msnn.common.api import _executor
    param = Parameter(Tensor(np.array([7]), msnn.int32), 'global_step')
    update = nn.ParameterUpdate(param)
    _executor.compile(update, Tensor(np.array([0.2, 0.02, 0.002]), msnn.float32))  # 0.1's graph took param's shape
    assert int(param.detach()[0]) == 7
    with pytest.raises(TypeError, match="ParameterUpdate.*'x'"):
        _executor.compile(update, "lr")
    with pytest.raises(ValueError, match="ParameterUpdate.*'x'.*shape \\(1,\\)"):
        update(Tensor(np.array([0.2, 0.02, 0.002]), msnn.float32))


# -- DataWrapper / GetNextSingleOp --------------------------------------------------------------------
def _finite_data(n):
    return [(np.full((2, 4), i, np.float32), np.full((2, 3), -i, np.float32)) for i in range(n)]


def test_DataWrapper_pulls_one_element_per_call_then_runs_dry():
    connect_dataset("dw_finite", _finite_data(3))
    net = Net()
    wrapped = nn.DataWrapper(nn.WithLossCell(net, MSE()), [msnn.float32, msnn.float32], [[2, 4], [2, 3]],
                             "dw_finite")
    assert [p.name for p in wrapped.get_parameters()][1] == 'fc1.weight'
    for i in range(3):
        x, y = torch.full((2, 4), float(i)), torch.full((2, 3), float(-i))
        torch.testing.assert_close(wrapped(), ((net(x) - y) ** 2).mean())
    with pytest.raises(RuntimeError, match="dw_finite.*exhausted after 3"):
        wrapped()
    with pytest.raises(RuntimeError, match="dw_finite"):  # stays dry
        wrapped()
    disconnect_dataset("dw_finite")


def test_DataWrapper_trains_with_TrainOneStepCell_from_a_torch_dataloader():
    xs = torch.tensor(np.random.normal(size=(12, 4)), dtype=torch.float32)
    ys = torch.tensor(np.random.normal(size=(12, 3)), dtype=torch.float64)  # cast to the declared float32
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xs, ys), batch_size=4, drop_last=True)
    connect_dataset("dw_loader", loader, num_epochs=2)
    net = Net()
    ref_net = copy.deepcopy(net)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, MSE()), SGDStandIn(net.trainable_params()))
    ref_opt = SGDStandIn(ref_net.trainable_params())
    wrapped = nn.DataWrapper(train, [msnn.float32, msnn.float32], [(4, 4), (4, 3)], "dw_loader")
    for step in range(6):  # 2 epochs x 3 batches
        loss = wrapped()
        x, y = xs[4 * (step % 3):4 * (step % 3) + 4], ys[4 * (step % 3):4 * (step % 3) + 4].float()
        ref_loss, grads = _manual_grads(ref_net, x, y)
        ref_opt(tuple(grads))
        torch.testing.assert_close(loss, ref_loss)
    with pytest.raises(RuntimeError, match="dw_loader.*exhausted after 6"):
        wrapped()


def test_DataWrapper_unknown_queue_and_bad_elements():
    wrapped = nn.DataWrapper(nn.WithLossCell(Net(), MSE()), [msnn.float32, msnn.float32], [[2, 4], [2, 3]],
                             "dw_nowhere")
    with pytest.raises(RuntimeError, match="no dataset is connected to the queue 'dw_nowhere'"):
        wrapped()
    connect_dataset("dw_nowhere", [(np.ones((3, 4), np.float32), np.ones((2, 3), np.float32)),
                                   (np.ones((2, 4), np.float32),)])
    with pytest.raises(RuntimeError, match=r"element 0 .*'dw_nowhere' has shape \(3, 4\) but \(2, 4\)"):
        wrapped()
    with pytest.raises(RuntimeError, match="gave 1 elements but 2 were declared"):
        wrapped()
    disconnect_dataset("dw_nowhere")


def test_DataWrapper_generator_forever_runs_dry_cleanly():
    gen = (d for d in _finite_data(2))
    connect_dataset("dw_gen", gen, num_epochs=None)
    get_next = nn.GetNextSingleOp([msnn.float32, msnn.float32], [[2, 4], [2, 3]], "dw_gen")
    get_next()
    get_next()
    with pytest.raises(RuntimeError, match="dw_gen.*ran dry"):
        get_next()


@pytest.mark.parametrize("types, shapes", [
    ((msnn.float32,), [[1], [2]]),          # lengths differ
    (msnn.float32, [[1]]),                  # not a list/tuple
    ([msnn.float32], "x"),                  # shapes not a list/tuple
    (["float32"], [[1]]),                   # not a dtype
])
def test_DataWrapper_validation_value_error(types, shapes):
    with pytest.raises(ValueError, match="DataWrapper"):
        nn.DataWrapper(Net(), types, shapes, "q")
    with pytest.raises(ValueError, match="GetNextSingleOp"):
        nn.GetNextSingleOp(types, shapes, "q")


def test_GetNextSingleOp_returns_tuple_cast_to_declared_types():
    connect_dataset("gn", [{"image": [[1.5, 2.5]], "label": np.int64(7)}])
    x, y = nn.GetNextSingleOp([msnn.float32, msnn.int32], [[1, 2], []], "gn")()
    assert x.dtype == torch.float32 and y.dtype == torch.int32
    assert x.shape() == (1, 2) and int(y) == 7
    with pytest.raises(RuntimeError, match="'gn'"):
        nn.GetNextSingleOp([msnn.float32, msnn.int32], [[1, 2], []], "gn")()


def test_GetNextSingleOp_connect_dataset_checks_arguments():
    with pytest.raises(TypeError):
        connect_dataset(3, [])
    with pytest.raises(TypeError):
        connect_dataset("q", 5)
    with pytest.raises(ValueError):
        connect_dataset("q", [], num_epochs=0)
    from msnn.wrap.cell_wrapper import connect_dataset as reexported
    assert reexported is connect_dataset


# -- with msnn's own optimizer ------------------------------------------------------------------------
def test_TrainOneStepCell_with_Momentum_matches_heavy_ball_by_hand(device):
    net = Net().to(device)
    ref = [p.detach().clone() for p in net.trainable_params()]
    vel = [torch.zeros_like(p) for p in ref]
    ref_net = copy.deepcopy(net)
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, MSE()), opt, sens=2.0)
    for _ in range(4):
        x, y = _batch(device=device)
        with torch.no_grad():
            for p, r in zip(ref_net.trainable_params(), ref):
                p.copy_(r)
        _, grads = _manual_grads(ref_net, x, y, sens=2.0)
        for r, v, g in zip(ref, vel, grads):  # spec §8.2: v = m*v + g; w -= lr*v
            v.mul_(0.9).add_(g)
            r.sub_(0.1 * v)
        train(x, y)
        for p, r in zip(net.trainable_params(), ref):
            torch.testing.assert_close(p.detach(), r, rtol=1e-6, atol=1e-6)
    assert [p.name for p in opt.moments] == ['moments.unused', 'moments.fc1.weight', 'moments.fc1.bias',
                                             'moments.fc2.weight', 'moments.fc2.bias']


def test_ParameterUpdate_accepts_a_clone_with_fresh_data_of_a_numpy_built_parameter():
    param = Parameter(np.ones(2, np.float32), 'w')
    with pytest.raises(TypeError, match="ParameterUpdate"):
        nn.ParameterUpdate(param.clone('same_data'))  # 0.1's clone kept the array
    moments = param.clone('moments', init='zeros')  # 0.1: a Tensor from the initializer
    nn.ParameterUpdate(moments)(Tensor(np.array([1.0, 2.0]), msnn.float32))
    assert moments.detach().tolist() == [1.0, 2.0]
