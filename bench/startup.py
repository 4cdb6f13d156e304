"""Start-up cost of msnn: what ``import msnn`` (and ``python -m msnn``) adds to ``import torch``.

Each row runs ``--runs`` fresh interpreters; each imports torch first, then times (wall clock and
its own CPU time) what the row does on top -- so the figure is msnn's extra alone, free of the
variance of torch's own import. A row prints the medians and the quartiles of the wall time.
Rows:

* ``import msnn``: the package alone (the core: Tensor, Parameter, dtypes, Cell, context).
* ``LeNet script imports``: ``import msnn as nn`` and the names a LeNet training script touches
  (Conv2d, Dense, ReLU, MaxPool2d, Flatten, SoftmaxCrossEntropyWithLogits, Momentum,
  WithLossCell, TrainOneStepCell, Tensor, context, train.Model).
* ``python -m msnn empty.py``: the launcher (``runpy.run_module('msnn')``, alias installed)
  running an empty script.
* ``everything``: every sub-package (layer ... train, ops, dataset, model_zoo, communication,
  parallel), for scale.

Bytecode: by default the runs use a private bytecode cache (``PYTHONPYCACHEPREFIX`` in a temporary
folder, filled by one warm-up run), as an installed package has. ``--cold`` runs with
``PYTHONDONTWRITEBYTECODE=1`` and no cache, so every msnn module is compiled at each import (how a
source checkout behaves where bytecode writing is disabled). Goal: under 0.1 s extra.

    python bench/startup.py [--runs 9] [--cold]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TIMED = """
import sys, time, torch
w, c = time.perf_counter(), time.process_time()
{code}
print(time.perf_counter() - w, time.process_time() - c)
"""
LENET = ("import msnn as nn; from msnn import Tensor, context; from msnn.train import Model; "
         "[getattr(nn, n) for n in ('Cell', 'Conv2d', 'Dense', 'ReLU', 'MaxPool2d', 'Flatten', "
         "'SoftmaxCrossEntropyWithLogits', 'Momentum', 'WithLossCell', 'TrainOneStepCell')]")
LAUNCHER = """import runpy
sys.argv = ['msnn', {empty!r}]
try:
    runpy.run_module('msnn', run_name='__main__', alter_sys=True)
except SystemExit:
    pass"""
EVERYTHING = ("import importlib, msnn; [importlib.import_module('msnn.' + m) for m in ('layer', 'loss', "
              "'metrics', 'optim', 'wrap', 'train', 'ops', 'dataset', 'model_zoo', 'communication', 'parallel')]")


def run(code, env):
    """(wall seconds, CPU seconds) the child spent in ``code`` after ``import torch``."""
    out = subprocess.run([sys.executable, "-c", TIMED.format(code=code)], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[-2]), float(out[-1])


def measure(code, env, runs):
    walls, cpus = zip(*(run(code, env) for _ in range(runs)))
    q = statistics.quantiles(walls, n=4) if runs > 1 else (walls[0], walls[0], walls[0])
    return statistics.median(walls), q[0], q[2], statistics.median(cpus)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--cold", action="store_true", help="no bytecode cache: msnn compiled at each import")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as tmp:
        if args.cold:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env.pop("PYTHONPYCACHEPREFIX", None)
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        empty = os.path.join(tmp, "empty.py")
        with open(empty, "w", encoding="utf-8") as f:
            f.write("")
        rows = [("import msnn", "import msnn"), ("LeNet script imports", LENET),
                ("python -m msnn empty.py", LAUNCHER.format(empty=empty)), ("everything", EVERYTHING)]
        if not args.cold:  # fill the bytecode cache
            for _, code in rows:
                run(code, env)
        print(f"python {sys.version.split()[0]}, {'no bytecode cache (cold)' if args.cold else 'bytecode cached'}, "
              f"{args.runs} runs; seconds on top of `import torch`")
        print(f"{'':28s} {'wall':>8s} {'quartiles':>15s} {'cpu':>8s}")
        for label, code in rows:
            med, q1, q3, cpu = measure(code, env, args.runs)
            print(f"{label:28s} {med:7.3f}s {q1:7.3f}-{q3:6.3f}s {cpu:7.3f}s", flush=True)


if __name__ == "__main__":
    main()
