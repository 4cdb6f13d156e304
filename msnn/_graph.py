"""GRAPH_MODE: the train steps and ``ms_function`` functions compiled with ``torch.compile``.

What is compiled (only while ``context.get_context("mode") == GRAPH_MODE``, 0.1's default):

* ``TrainOneStepCell`` / ``TrainOneStepWithLossScaleCell`` (and so ``Model.train``): the loss
  network's forward (``torch.compile(fullgraph=True)``; AOTAutograd compiles its backward, which
  ``torch.autograd.grad`` then runs) and the optimizer update (a second compiled function whose
  step-varying scalars -- learning rate, Adam's bias-corrected rate -- are 0-d tensors, so a
  changing learning rate never recompiles). The loss-scale overflow check and the skip of the
  update on overflow stay between the two, on the host, as in eager mode.
* ``ms_function(fn)``: ``fn``.

Policy (``config.policy``; environment variable ``MSNN_GRAPH_POLICY``):

* ``"auto"`` (default): the first ``config.warmup`` calls run eagerly and are timed; the next call
  compiles; after one more compiled call, ``config.trials`` compiled and as many eager calls
  alternate and are timed; the compiled version is kept only if the median of the paired ratios
  compiled/eager is below 1, else the step runs eagerly from then on (one note). GRAPH_MODE
  is therefore never slower than PYNATIVE_MODE past the trial, at the price of one compilation.
  When ``Model.train`` says how many steps are coming and they would take less than
  ``config.min_run_seconds`` (300; ``MSNN_GRAPH_MIN_RUN_SECONDS``) eagerly, nothing is compiled:
  on a CPU a compilation takes tens of seconds. In a data-parallel run (``torch.distributed``)
  both choices are all-reduced, so every rank runs the same code and parameters stay equal.
* ``"compile"``: compile on the first call and keep it.
* ``"eager"``: never compile (what PYNATIVE_MODE does).

A compilation that fails (no C++ compiler for inductor's CPU code, an untraceable network, an
unsupported Python), a network that recompiles more than ``config.max_compiles`` times, or a
backend that is missing makes that step run eagerly from then on, with a one-line
``RuntimeWarning``. Inductor runs with ``fallback_random=True``, so dropout draws the same random
numbers as eager mode: a compiled step equals the eager step within float rounding. Where no
CUDA device exists it also runs with ``cpp_wrapper=True`` (the compiled graph calls its kernels
from generated C++ instead of Python: 3-6 % off a CPU BERT-style step's fastest time;
``MSNN_GRAPH_CPP_WRAPPER`` ``1``/``0`` forces it on or off).

Shapes: the first compilation is static; a second input shape (the smaller last batch of an
epoch) recompiles once with dynamic sizes (torch's automatic dynamic shapes), after which further
batch sizes reuse that graph.
"""
import logging
import os
import shutil
import statistics
import time
import warnings

import torch

__all__ = []

logger = logging.getLogger("msnn.graph")


class _Config:
    """Process-wide GRAPH_MODE settings (read from the environment at import)."""

    def __init__(self):
        self.policy = os.environ.get("MSNN_GRAPH_POLICY", "auto")
        self.backend = os.environ.get("MSNN_GRAPH_BACKEND", "inductor")
        self.warmup = int(os.environ.get("MSNN_GRAPH_WARMUP", "5"))
        self.trials = int(os.environ.get("MSNN_GRAPH_TRIALS", "5"))
        self.max_compiles = 6
        # auto policy: a run whose remaining eager time (known from Model.train) is shorter than
        # this many seconds is not worth a compilation (tens of seconds on a CPU)
        self.min_run_seconds = float(os.environ.get("MSNN_GRAPH_MIN_RUN_SECONDS", "300"))
        self.mode = os.environ.get("MSNN_GRAPH_COMPILE_MODE") or None
        # inductor's C++ wrapper (the compiled graph's kernel calls in C++, not Python): "auto" is
        # on where no CUDA device exists (CPU training: a few % off BERT-style steps), "1"/"0" force
        self.cpp_wrapper = os.environ.get("MSNN_GRAPH_CPP_WRAPPER", "auto")


config = _Config()


def active():
    """Whether the context asks for graph execution (GRAPH_MODE) and the policy allows compiling."""
    from . import context  # pylint: disable=import-outside-toplevel
    return context._context["mode"] == context.GRAPH_MODE and config.policy != "eager"  # pylint: disable=protected-access


def _unavailable(device):
    """Why ``torch.compile`` cannot run here (a short reason), or None."""
    if not torch._dynamo.is_dynamo_supported():  # pylint: disable=protected-access
        return "torch.compile does not support this Python"
    if config.backend == "inductor" and device.type == "cpu":
        cxx = os.environ.get("CXX", "g++")
        if shutil.which(cxx) is None and shutil.which("c++") is None and shutil.which("clang++") is None:
            return f"no C++ compiler ({cxx}) for inductor's CPU code"
    return None


def compile_fn(fn, dynamic=None):
    """``torch.compile(fn)`` with msnn's settings (one graph; eager-identical random numbers)."""
    kwargs = {"backend": config.backend, "fullgraph": True, "dynamic": dynamic}
    if config.backend == "inductor":
        options = {"fallback_random": True}
        wrapper = config.cpp_wrapper
        if wrapper == "1" or (wrapper == "auto" and not torch.cuda.is_available()):
            options["cpp_wrapper"] = True
        if config.mode:  # torch.compile takes mode= or options=, not both: the mode's options
            options.update(torch._inductor.list_mode_options(config.mode))  # pylint: disable=protected-access
        kwargs["options"] = options
    return torch.compile(fn, **kwargs)


def fresh_function(fn, name):
    """A copy of ``fn`` with its own code object (named ``name``): torch._dynamo caches compiled
    graphs per code object and stops compiling one after ``recompile_limit`` entries, so every
    compiled unit (one per train step, one per optimizer) gets its own."""
    import re  # pylint: disable=import-outside-toplevel
    import types  # pylint: disable=import-outside-toplevel
    name = re.sub(r"\W", "_", name)
    code = fn.__code__.replace(co_name=name, co_qualname=name) if hasattr(fn.__code__, "co_qualname") \
        else fn.__code__.replace(co_name=name)
    out = types.FunctionType(code, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    out.__kwdefaults__ = fn.__kwdefaults__
    return out


def _describe(err):
    text = str(err).strip()
    first = text.splitlines()[0][:160] if text else ""
    return f"compiling failed: {type(err).__name__}" + (f": {first}" if first else "")


_noted = set()


def note(what, err):
    """The one-line note of a compilation failure of ``what`` (once per message)."""
    msg = f"msnn GRAPH_MODE: {what} runs eagerly ({_describe(err)})."
    if msg not in _noted:
        _noted.add(msg)
        warnings.warn(msg, RuntimeWarning, stacklevel=3)


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class GraphStep:
    """One unit GRAPH_MODE may compile, held by its owner (a train-step cell, an ``ms_function``).

    ``step(owner, *args)`` runs ``eager(owner, *args)`` or the compiled version
    ``build(owner)(owner, *args)`` (built on first use) as the policy decides. Attributes for
    inspection: ``state`` ('warmup', 'trial', 'graph' or 'eager'), ``compile_seconds`` (the first
    compiled call), ``compiles`` (graphs compiled while it ran), ``eager_ms`` / ``graph_ms``
    (median timed calls of the trial), ``reason`` (why it runs eagerly). A copy (``copy.deepcopy``,
    pickling) starts afresh.
    """

    def __init__(self, name, eager, build):
        self.name = name
        self.eager = eager
        self.build = build
        self._reset()

    def _reset(self):
        self.graph = None
        self.state = "warmup"
        self.calls = 0
        self.eager_times = []
        self.graph_times = []
        self.trial_eager_times = []
        self.trial_calls = 0
        self.compile_seconds = None
        self.compiles = 0
        self.eager_ms = self.graph_ms = None
        self.reason = None
        self.device = torch.device("cpu")
        self.expected_calls = None

    def expect(self, calls):
        """``calls`` more calls are coming (``Model.train`` knows): the auto policy compiles only
        if they would take at least ``config.min_run_seconds`` eagerly."""
        self.expected_calls = self.calls + calls

    def __getstate__(self):
        return {"name": self.name, "eager": self.eager, "build": self.build}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._reset()

    def __deepcopy__(self, memo):
        return GraphStep(self.name, self.eager, self.build)

    def __call__(self, owner, *args):
        if self.state == "eager" or torch.compiler.is_compiling() or not active():
            # (under an outer torch.compile the eager body is what it traces)
            return self.eager(owner, *args)
        if self.state == "graph":
            return self._graph(owner, args)
        self.calls += 1
        if self.state == "warmup":
            if self.calls == 1:
                self.device = next((a.device for a in args if isinstance(a, torch.Tensor)), self.device)
            if config.policy == "compile" or self.calls > config.warmup:
                if self._too_short():
                    self.state = "eager"
                    self.reason = "the run is too short to pay for a compilation"
                    logger.info("GRAPH_MODE: %s runs eagerly (%s)", self.name, self.reason)
                    return self.eager(owner, *args)
                self.state = "trial"
            else:
                return self._timed(self.eager, owner, args, self.eager_times, skip=self.calls == 1)
        return self._trial(owner, args)

    # -- helpers --------------------------------------------------------------------------------------
    def _too_short(self):
        if config.policy == "compile" or self.expected_calls is None or not self.eager_times:
            return False
        left = self.expected_calls - self.calls + 1
        return not _all_ranks(left * statistics.median(self.eager_times) >= config.min_run_seconds,
                              self.device)

    def _timed(self, fn, owner, args, times, skip=False):
        _sync(self.device)
        start = time.perf_counter()
        compiles = self.compiles
        out = fn(owner, *args)
        _sync(self.device)
        if not skip and self.compiles == compiles:  # a call that (re)compiled is not timed
            times.append(time.perf_counter() - start)
        return out

    def fall_back(self, why):
        """Run eagerly from now on, with a one-line note."""
        self.state = "eager"
        self.graph = None
        self.reason = why
        warnings.warn(f"msnn GRAPH_MODE: {self.name} runs eagerly ({why}).", RuntimeWarning, stacklevel=4)

    def _graph(self, owner, args):
        before = _compiled_graphs()
        try:
            out = self.graph(owner, *args)
        except Exception as err:  # pylint: disable=broad-except
            # a compilation failure (fullgraph: nothing ran), or a genuine error of the network,
            # which the eager call raises again
            out = self.eager(owner, *args)
            self.fall_back(_describe(err))
            return out
        new = _compiled_graphs() - before
        if new:
            self.compiles += new
            if self.compiles > config.max_compiles:
                self.fall_back(f"{self.compiles} graphs compiled (changing input shapes or types)")
        return out

    def _trial(self, owner, args):
        if self.graph is None:
            why = _unavailable(self.device)
            if why is not None:
                self.fall_back(why)
                return self.eager(owner, *args)
            self.graph = self.build(owner)
            start = time.perf_counter()
            out = self._graph(owner, args)
            _sync(self.device)
            self.compile_seconds = time.perf_counter() - start
            if self.state == "trial":
                logger.info("GRAPH_MODE: compiled %s in %.1f s", self.name, self.compile_seconds)
                if config.policy == "compile" or not self.eager_times:
                    self.state = "graph"
            return out
        # after the compiling call: one untimed call, then compiled and eager calls alternate
        # (paired timings: fair on a machine whose load changes)
        self.trial_calls += 1
        if self.trial_calls == 1:
            return self._graph(owner, args)
        if self.trial_calls % 2 == 0:
            out = self._timed(lambda o, *a: self._graph(o, a), owner, args, self.graph_times)
        else:
            out = self._timed(self.eager, owner, args, self.trial_eager_times)
        if self.state != "trial" or len(self.trial_eager_times) < config.trials:
            return out
        ratios = [g / e for g, e in zip(self.graph_times, self.trial_eager_times)]
        self.eager_ms = statistics.median(self.trial_eager_times) * 1e3
        self.graph_ms = statistics.median(self.graph_times) * 1e3
        if _all_ranks(statistics.median(ratios) < 1.0, self.device):
            self.state = "graph"
            logger.info("GRAPH_MODE: %s compiled %.3f ms against eager %.3f ms per call",
                        self.name, self.graph_ms, self.eager_ms)
        else:
            self.fall_back(f"compiled, it is not faster: {self.graph_ms:.3f} ms against "
                           f"{self.eager_ms:.3f} ms per call eagerly")
        return out


def _all_ranks(flag, device):
    """``flag`` on every process of a data-parallel run (a MIN all-reduce), so that all ranks make
    the same timing-based choice and their parameters stay bitwise equal; ``flag`` otherwise."""
    dist = torch.distributed
    if not (dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1):
        return flag
    if dist.get_backend() == "nccl" and device.type != "cuda":
        device = torch.device("cuda", torch.cuda.current_device())
    value = torch.tensor([1 if flag else 0], dtype=torch.int32, device=device)
    dist.all_reduce(value, op=dist.ReduceOp.MIN)
    return bool(value.item())


def _compiled_graphs():
    """Graphs torch._dynamo compiled so far in this process."""
    from torch._dynamo.utils import counters  # pylint: disable=import-outside-toplevel
    return counters["stats"]["unique_graphs"]


def compiled_call(module, name):
    """``module(*args)`` compiled as one graph (its own code object; see :func:`fresh_function`)."""
    def call(*args):
        return module(*args)
    return compile_fn(fresh_function(call, name))
