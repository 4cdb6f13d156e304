"""GRAPH_MODE: train steps compiled with torch.compile equal the eager steps; fallback; recompiles.

Most tests compile with the 'eager' / 'aot_eager' backends (dynamo tracing and AOTAutograd, no code
generation: seconds); one compiles with inductor (the default backend; C++ on CPU).
"""
import warnings

import numpy as np
import pytest
import torch
import torch._dynamo as dynamo

import msnn as nn
from msnn import _graph, context
from msnn.common.api import ms_function


@pytest.fixture(autouse=True)
def _graph_config():
    saved = dict(vars(_graph.config))
    context.set_context(mode=context.GRAPH_MODE)
    dynamo.reset()
    yield _graph.config
    vars(_graph.config).update(saved)
    dynamo.reset()


def _net(seed=0, dropout=False, batchnorm=False):
    np.random.seed(seed)
    layers = [nn.Dense(4, 8, activation='relu'), nn.Dense(8, 3)]
    if dropout:
        layers.insert(1, nn.Dropout(0.7))
    if batchnorm:
        layers.insert(1, nn.BatchNorm1d(8, momentum=0.8))
    return nn.SequentialCell(layers)


def _train(mode, make_opt, batches, dropout=False, loss_scale=None, seed=0, batchnorm=False):
    context.set_context(mode=mode)
    net = _net(seed, dropout, batchnorm)
    opt = make_opt(net.trainable_params())
    loss_net = nn.WithLossCell(net, nn.MSELoss())
    if loss_scale is None:
        step = nn.TrainOneStepCell(loss_net, opt)
    else:
        step = nn.TrainOneStepWithLossScaleCell(
            loss_net, opt, nn.DynamicLossScaleUpdateCell(loss_scale, 2.0, 2))
    step.set_train()
    torch.manual_seed(seed)
    losses = []
    for x, y in batches:
        out = step(x, y)
        losses.append(float((out[0] if isinstance(out, tuple) else out).detach()))
    return step, losses, [p.detach().clone() for p in net.get_parameters()]


def _batches(sizes, seed=1):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(n, 4, generator=g), torch.randn(n, 3, generator=g)) for n in sizes]


def _assert_same(a, b, rtol=1e-5, atol=1e-6):
    (_, la, pa), (_, lb, pb) = a, b
    np.testing.assert_allclose(la, lb, rtol=rtol, atol=atol)
    for x, y in zip(pa, pb):
        torch.testing.assert_close(x, y, rtol=rtol, atol=atol)


OPTIMIZERS = {
    "Momentum": lambda p: nn.Momentum(p, [0.1, 0.05, 0.02, 0.01], 0.9, weight_decay=0.01),
    "SGD": lambda p: nn.SGD(p, 0.1, momentum=0.9, nesterov=True),
    "Adam": lambda p: nn.Adam(p, 0.01),
    "AdamWeightDecayDynamicLR": lambda p: nn.AdamWeightDecayDynamicLR(p, 10, 0.01, weight_decay=0.01),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_TrainOneStepCell_graph_mode_equals_pynative(_graph_config, name):
    _graph_config.policy, _graph_config.backend = "compile", "aot_eager"
    batches = _batches([6, 6, 6, 6])
    graph = _train(context.GRAPH_MODE, OPTIMIZERS[name], batches)
    eager = _train(context.PYNATIVE_MODE, OPTIMIZERS[name], batches)
    assert graph[0]._graph.state == "graph"
    # one graph for the loss network (forward; AOTAutograd compiled its backward), one for the
    # update; dynamic learning rates and Adam's step-varying rate are tensors: no recompile (SGD
    # recompiles its update once: its first step copies the gradient into the momentum buffer)
    assert graph[0]._graph.compiles == (3 if name == "SGD" else 2)
    assert eager[0]._graph.state == "warmup" and eager[0]._graph.calls == 0
    _assert_same(graph, eager)


def test_TrainOneStepCell_graph_mode_dropout_draws_eager_random_numbers(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "aot_eager"
    batches = _batches([6, 6, 6])
    graph = _train(context.GRAPH_MODE, OPTIMIZERS["Momentum"], batches, dropout=True)
    eager = _train(context.PYNATIVE_MODE, OPTIMIZERS["Momentum"], batches, dropout=True)
    _assert_same(graph, eager)


def test_TrainOneStepCell_graph_mode_batchnorm_running_statistics_equal_pynative(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "aot_eager"
    batches = _batches([6, 6, 6])
    graph = _train(context.GRAPH_MODE, OPTIMIZERS["Momentum"], batches, batchnorm=True)
    eager = _train(context.PYNATIVE_MODE, OPTIMIZERS["Momentum"], batches, batchnorm=True)
    assert len(graph[2]) == 8  # weights, gamma/beta and the moving mean/variance
    _assert_same(graph, eager)


def test_TrainOneStepWithLossScaleCell_graph_mode_equals_pynative(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "aot_eager"
    batches = _batches([6, 6, 6, 6, 6])
    graph = _train(context.GRAPH_MODE, OPTIMIZERS["Adam"], batches, loss_scale=2.0 ** 10)
    eager = _train(context.PYNATIVE_MODE, OPTIMIZERS["Adam"], batches, loss_scale=2.0 ** 10)
    assert graph[0]._graph.state == "graph"
    _assert_same(graph, eager)
    assert float(graph[0].loss_scale) == float(eager[0].loss_scale) == 2.0 ** 12


def test_TrainOneStepWithLossScaleCell_graph_mode_overflow_skips_update(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "eager"
    batches = _batches([6, 6, 6])
    batches[1] = (batches[1][0], torch.full((6, 3), float("inf")))
    graph = _train(context.GRAPH_MODE, OPTIMIZERS["Momentum"], batches, loss_scale=8.0)
    eager = _train(context.PYNATIVE_MODE, OPTIMIZERS["Momentum"], batches, loss_scale=8.0)
    for x, y in zip(graph[2], eager[2]):
        torch.testing.assert_close(x, y)
    assert float(graph[0].loss_scale) == float(eager[0].loss_scale) == 4.0


def test_TrainOneStepCell_graph_mode_last_batch_recompiles_once(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "eager"
    sizes = [8, 8, 5] * 2 + [3, 8, 7]  # epochs with a smaller last batch, then other sizes
    batches = _batches(sizes)
    dynamo.utils.counters.clear()
    graph = _train(context.GRAPH_MODE, OPTIMIZERS["Adam"], batches)
    eager = _train(context.PYNATIVE_MODE, OPTIMIZERS["Adam"], batches)
    # loss network: static, then one dynamic recompile for every later size; update: one graph
    assert graph[0]._graph.compiles == 3
    assert graph[0]._graph.state == "graph"
    _assert_same(graph, eager)


def test_TrainOneStepCell_graph_mode_too_many_recompiles_falls_back(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "eager"
    _graph_config.max_compiles = 2
    step, _, _ = _train(context.GRAPH_MODE, OPTIMIZERS["Momentum"], _batches([8]))
    x, y = _batches([8])[0]
    with pytest.warns(RuntimeWarning, match="runs eagerly .*graphs compiled"):
        step(x.double().float()[:, :4], y)  # same shapes: no recompile
        step(x[:5], y[:5])                  # a new size: a third graph
    assert step._graph.state == "eager"


def test_TrainOneStepCell_graph_mode_compile_failure_warns_once_runs_eagerly(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "eager"

    class Untraceable(nn.Cell):
        def __init__(self):
            super().__init__()
            self.fc = nn.Dense(4, 3)

        def construct(self, x):
            out = self.fc(x)
            if float(out.sum()) > 1e30:  # data-dependent Python control flow: no single graph
                return out * 0
            return out

    def make(mode):
        context.set_context(mode=mode)
        np.random.seed(0)
        net = Untraceable()
        step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.Momentum(net.trainable_params(), 0.1, 0.9))
        return net, step.set_train()

    batches = _batches([4, 4, 4])
    net, step = make(context.GRAPH_MODE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses = [float(step(x, y)) for x, y in batches]
    notes = [w for w in caught if "GRAPH_MODE" in str(w.message)]
    assert len(notes) == 1 and "runs eagerly (compiling failed" in str(notes[0].message)
    assert len(str(notes[0].message).splitlines()) == 1
    assert step._graph.state == "eager"
    ref_net, ref = make(context.PYNATIVE_MODE)
    np.testing.assert_allclose(losses, [float(ref(x, y)) for x, y in batches], rtol=1e-6)
    torch.testing.assert_close(net.fc.weight.detach(), ref_net.fc.weight.detach())


def test_TrainOneStepCell_graph_mode_no_compiler_falls_back(_graph_config, monkeypatch):
    _graph_config.policy, _graph_config.backend = "compile", "inductor"
    monkeypatch.setattr(_graph.shutil, "which", lambda name: None)
    with pytest.warns(RuntimeWarning, match="no C\\+\\+ compiler"):
        step, _, _ = _train(context.GRAPH_MODE, OPTIMIZERS["Momentum"], _batches([4, 4]))
    assert step._graph.state == "eager" and step._graph.compiles == 0


def test_TrainOneStepCell_graph_mode_auto_policy_keeps_the_faster(_graph_config):
    import time  # pylint: disable=import-outside-toplevel
    _graph_config.policy, _graph_config.backend = "auto", "eager"
    _graph_config.warmup, _graph_config.trials = 2, 2
    step, _, _ = _train(context.GRAPH_MODE, OPTIMIZERS["Momentum"], _batches([4, 4]))
    assert step._graph.state == "warmup" and step._graph.graph is None   # warm-up runs eagerly
    build = step._graph.build

    def slow_build(owner):  # a compiled step slower than the eager one: the step goes back to eager
        graph = build(owner)
        return lambda o, *a: (time.sleep(0.02), graph(o, *a))[1]
    step._graph.build = slow_build
    with pytest.warns(RuntimeWarning, match="not faster"):
        for x, y in _batches([4] * 6):   # compile, 1 untimed, 2 x (compiled, eager) timed
            step(x, y)
    assert step._graph.state == "eager" and step._graph.graph_ms > step._graph.eager_ms
    assert len(step._graph.graph_times) == len(step._graph.trial_eager_times) == 2


def test_TrainOneStepCell_pynative_mode_never_compiles(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "eager"
    dynamo.utils.counters.clear()
    step, _, _ = _train(context.PYNATIVE_MODE, OPTIMIZERS["Momentum"], _batches([4, 4]))
    assert step._graph.graph is None and dynamo.utils.counters["stats"]["unique_graphs"] == 0


def test_TrainOneStepCell_graph_mode_deepcopy_starts_afresh(_graph_config):
    import copy  # pylint: disable=import-outside-toplevel
    _graph_config.policy, _graph_config.backend = "compile", "eager"
    step, _, _ = _train(context.GRAPH_MODE, OPTIMIZERS["Momentum"], _batches([4]))
    twin = copy.deepcopy(step)
    assert twin._graph.state == "warmup" and twin._graph.graph is None
    x, y = _batches([4])[0]
    torch.testing.assert_close(twin(x, y), step(x, y))


def test_ms_function_graph_mode_compiles(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "eager"

    @ms_function
    def f(x, y):
        return torch.relu(x) * y + 1

    x, y = torch.randn(3, 4), torch.randn(3, 4)
    out = f(x, y)
    torch.testing.assert_close(out, torch.relu(x) * y + 1)
    assert f.graph_step.state == "graph" and f.graph_step.compiles == 1
    context.set_context(mode=context.PYNATIVE_MODE)
    torch.testing.assert_close(f(x, y), out)


def test_TrainOneStepCell_graph_mode_inductor_equals_pynative(_graph_config):
    """The default backend (inductor: generated C++ on CPU). ~20-60 s on a loaded 2-core machine."""
    _graph_config.policy, _graph_config.backend = "compile", "inductor"
    if _graph._unavailable(torch.device("cpu")):
        pytest.skip("no C++ compiler")
    batches = _batches([6, 6, 6])
    graph = _train(context.GRAPH_MODE, OPTIMIZERS["Momentum"], batches)
    eager = _train(context.PYNATIVE_MODE, OPTIMIZERS["Momentum"], batches)
    assert graph[0]._graph.state == "graph" and graph[0]._graph.compiles == 2
    _assert_same(graph, eager)


@pytest.mark.parametrize("setting, cuda, expect", [("auto", False, True), ("auto", True, None),
                                                    ("1", True, True), ("0", False, None)])
def test_TrainOneStepCell_graph_mode_inductor_cpp_wrapper_setting(_graph_config, monkeypatch, setting, cuda, expect):
    """inductor's C++ wrapper: on by default where no CUDA device exists, MSNN_GRAPH_CPP_WRAPPER forces it."""
    seen = {}
    monkeypatch.setattr(torch, "compile", lambda fn, **kwargs: seen.update(kwargs) or fn)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(_graph_config, "cpp_wrapper", setting)
    _graph_config.backend = "inductor"
    _graph.compile_fn(lambda x: x)
    assert seen["options"].get("cpp_wrapper") is expect and seen["options"]["fallback_random"] is True
    seen.clear()
    _graph_config.backend = "aot_eager"  # inductor's options go to inductor only
    _graph.compile_fn(lambda x: x)
    assert seen["backend"] == "aot_eager" and "options" not in seen


def test_ms_function_inside_a_compiled_train_step_is_traced_inline(_graph_config):
    _graph_config.policy, _graph_config.backend = "compile", "eager"

    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.fc = nn.Dense(4, 3)

        @ms_function
        def construct(self, x):
            return self.fc(x) * 2

    np.random.seed(0)
    net = Net()
    step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.Momentum(net.trainable_params(), 0.1, 0.9))
    x, y = _batches([4])[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback note
        step(x, y)
    assert step._graph.state == "graph"


@pytest.mark.parametrize("min_run_seconds, state", [(300.0, "eager"), (0.0, "graph")])
def test_Model_train_graph_mode_auto_policy_weighs_the_run_length(_graph_config, min_run_seconds, state):
    from msnn.train.model import Model  # pylint: disable=import-outside-toplevel
    _graph_config.policy, _graph_config.backend = "auto", "eager"
    _graph_config.warmup, _graph_config.trials = 2, 1
    _graph_config.min_run_seconds = min_run_seconds
    net = _net()
    model = Model(net, loss_fn=nn.MSELoss(), optimizer=nn.Momentum(net.trainable_params(), 0.1, 0.9))
    rows = [(x.numpy(), y.numpy()) for x, y in _batches([4] * 4)]
    dynamo.utils.counters.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the trial may find the compiled step slower
        model.train(2, rows, dataset_sink_mode=False)
    unit = model._train_network._graph
    if state == "eager":   # 8 steps of a tiny network: not worth compiling
        assert unit.state == "eager" and unit.graph is None and "too short" in unit.reason
        assert dynamo.utils.counters["stats"]["unique_graphs"] == 0
    else:
        assert unit.compile_seconds is not None and unit.calls > 2
