"""Run MindSpore 0.1.0-alpha's own unit tests against msnn (under ``import mindspore`` -> msnn).

Usage::

    # extract 0.1's tests and package once (the test data blobs are not needed)
    mkdir -p /tmp/ms01 && git --git-dir=<a clone of MindSpore 0.1.0-alpha> archive 576a73b4 \\
        mindspore tests/__init__.py tests/ut/__init__.py tests/ut/python tests/mindspore_test_framework \\
        tests/ops_common.py tests/train_step_wrap.py tests/dataset_mock.py | tar -x -C /tmp/ms01
    # (git may report an unreadable test-data blob of the mirror: the files above are all extracted)
    python tools/run_v01_tests.py /tmp/ms01                      # the default folders
    python tools/run_v01_tests.py /tmp/ms01 tests/ut/python/ops  # given folders or files
    python tools/run_v01_tests.py /tmp/ms01 --causes             # also group failures by cause

The tests run from the 0.1 tree itself (nothing is copied into msnn): pytest starts with a plugin,
written to a temporary directory, that calls ``msnn.install_alias()`` before collection, so
``import mindspore`` is msnn (the ``mindspore/`` package of the tree is never imported), and that
stands in for test-infrastructure modules that are not MindSpore API: ``ut_filter`` when the tree
lacks it, and always ``tests/vm_impl`` (numpy kernels for 0.1's debug VM, which msnn does not use). The report gives
pass/fail/error/skip per file, a summary and (``--causes``) the failures grouped by the last line
of their error -- a missing primitive shows as ``msnn.ops.operations.X ... is not implemented``.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

DEFAULT = ["tests/ut/python/nn", "tests/ut/python/metrics", "tests/ut/python/ops"]

_PLUGIN = r'''
"""pytest plugin written by msnn's tools/run_v01_tests.py: alias mindspore -> msnn, record outcomes."""
import json
import os
import sys
import types

import msnn
msnn.install_alias()

_TREE = os.environ["MSNN_V01_TREE"]
_OUT = os.environ["MSNN_V01_OUT"]
_RESULTS = []


def _is_enable(var):
    return os.getenv(var, "False") in ("ON", "on", "TRUE", "True", "true")


def _shim_ut_filter():
    """0.1's tests/ut/python/ut_filter.py (skip markers for GE/GPU/ONNX runs), when the tree lacks it."""
    import pytest
    mod = types.ModuleType("tests.ut.python.ut_filter")
    mod.non_graph_engine = pytest.mark.skipif(_is_enable("ENABLE_GE"), reason="GE only")
    mod.run_on_gpu = pytest.mark.skipif(not _is_enable("ENABLE_GPU"), reason="GPU only")
    mod.run_on_onnxruntime = pytest.mark.skipif(not _is_enable("ENABLE_ONNXRUNTIME"), reason="onnxruntime only")
    return mod


if not os.path.exists(os.path.join(_TREE, "tests", "ut", "python", "ut_filter.py")):
    sys.modules["tests.ut.python.ut_filter"] = _shim_ut_filter()

# tests/ut/python/__init__.py imports tests/vm_impl, which registers numpy kernels (and their grads)
# for 0.1's debug VM backend. msnn primitives run torch, so the VM kernels are not used: an empty
# stand-in keeps that import from failing on test infrastructure.
_VM = types.ModuleType("tests.vm_impl")
_VM.__path__ = []
_VM.vm = types.ModuleType("tests.vm_impl.vm")
sys.modules["tests.vm_impl"] = _VM
sys.modules["tests.vm_impl.vm"] = _VM.vm


def _cause(report):
    text = str(report.longrepr) if report.longrepr is not None else ""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for line in reversed(lines):
        if line.startswith("E "):
            return line[1:].strip()[:300]
    return (lines[-1] if lines else "")[:300]


def pytest_collectreport(report):
    if report.failed:
        _RESULTS.append({"file": report.nodeid.split("::")[0], "test": report.nodeid, "outcome": "error",
                         "cause": _cause(report)})


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        outcome = report.outcome
        if report.when == "setup" and outcome == "failed":
            outcome = "error"
        _RESULTS.append({"file": report.nodeid.split("::")[0], "test": report.nodeid, "outcome": outcome,
                         "cause": _cause(report) if outcome in ("failed", "error") else ""})


def pytest_sessionfinish(session, exitstatus):
    with open(_OUT, "w", encoding="utf-8") as f:
        json.dump(_RESULTS, f)
'''


def run(tree, target, timeout, extra, plugins=None):
    """Run pytest on ``target`` (a path relative to ``tree``); returns the outcome records.

    ``plugins`` maps more plugin module names to their source; they are written next to the alias
    plugin and loaded after it (``tools/run_v01_st_networks.py`` adds one that records losses)."""
    tree = os.path.abspath(tree)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory(prefix="msnn_v01_") as tmp:
        with open(os.path.join(tmp, "msnn_v01_alias.py"), "w", encoding="utf-8") as f:
            f.write(_PLUGIN)
        more = []
        for name, source in (plugins or {}).items():
            with open(os.path.join(tmp, name + ".py"), "w", encoding="utf-8") as f:
                f.write(source)
            more += ["-p", name]
        with open(os.path.join(tmp, "pytest.ini"), "w", encoding="utf-8") as f:
            f.write("[pytest]\naddopts =\n")
        out = os.path.join(tmp, "results.json")
        path = [tmp, here] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        env = dict(os.environ, MSNN_V01_TREE=tree, MSNN_V01_OUT=out, MSNN_V01_TMP=tmp,
                   PYTHONPATH=os.pathsep.join(path))
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "msnn_v01_alias", *more, "-p", "no:cacheprovider",
               "--continue-on-collection-errors", "-c", os.path.join(tmp, "pytest.ini"), "--rootdir", tree, *extra, os.path.join(tree, target)]
        try:
            proc = subprocess.run(cmd, cwd=tree, env=env, timeout=timeout, capture_output=True, text=True,
                                  check=False)
        except subprocess.TimeoutExpired:
            return [{"file": target, "test": target, "outcome": "error", "cause": f"timed out after {timeout} s"}]
        if not os.path.exists(out):
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
            return [{"file": target, "test": target, "outcome": "error",
                     "cause": "pytest did not finish: " + " | ".join(tail)}]
        with open(out, encoding="utf-8") as f:
            return json.load(f)


def report(results, causes):
    """Print the per-file table, the summary and (``causes``) the failures grouped by error."""
    per_file = collections.OrderedDict()
    for r in results:
        per_file.setdefault(r["file"], collections.Counter())[r["outcome"]] += 1
    total = collections.Counter()
    print(f"{'file':64} {'pass':>5} {'fail':>5} {'error':>5} {'skip':>5}")
    for name, c in per_file.items():
        total.update(c)
        print(f"{name:64} {c['passed']:5} {c['failed']:5} {c['error']:5} {c['skipped']:5}")
    print(f"\nsummary: {sum(total.values())} tests, {total['passed']} passed, {total['failed']} failed, "
          f"{total['error']} errors, {total['skipped']} skipped; {len(per_file)} files, "
          f"{sum(1 for c in per_file.values() if not c['failed'] and not c['error'])} of them all passing")
    if causes:
        groups = collections.defaultdict(list)
        for r in results:
            if r["outcome"] in ("failed", "error"):
                groups[r["cause"]].append(r["test"])
        print("\nfailures by cause:")
        for cause, tests in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"\n[{len(tests)}] {cause}")
            for t in tests[:6]:
                print(f"    {t}")
            if len(tests) > 6:
                print(f"    ... and {len(tests) - 6} more")
    return total


def main(argv=None):
    """Command line entry point; returns 0 when every selected test passed."""
    parser = argparse.ArgumentParser(description="Run MindSpore 0.1's unit tests against msnn.")
    parser.add_argument("tree", help="root of the extracted 0.1 source tree (holds tests/)")
    parser.add_argument("targets", nargs="*", help=f"test folders or files relative to the tree (default: {DEFAULT})")
    parser.add_argument("--causes", action="store_true", help="group the failures by their error")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed per target (default 900)")
    parser.add_argument("--json", help="also write the outcome records to this file")
    parser.add_argument("-k", help="pytest -k expression")
    args = parser.parse_args(argv)
    targets = args.targets or DEFAULT
    missing = [t for t in targets if not os.path.exists(os.path.join(args.tree, t))]
    if missing:
        parser.error(f"not in the tree: {missing}")
    extra = ["-k", args.k] if args.k else []
    results = []
    for target in targets:  # one pytest process per target: a crash or hang costs only that target
        results.extend(run(args.tree, target, args.timeout, extra))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
    total = report(results, args.causes)
    return 0 if not total["failed"] and not total["error"] else 1


if __name__ == "__main__":
    sys.exit(main())
