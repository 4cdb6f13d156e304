"""Renders ``compat_matrix.md`` from the code and the tests (never edit that file by hand).

    python -m msnn._compat_matrix --write    # regenerate compat_matrix.md
    python -m msnn._compat_matrix --check    # exit 1 when the committed file is stale

One row per documented entry of the seed (``msnn._spec.SEED``) and one per companion registered
with ``@ms_api`` (Tensor, Parameter, initializer, ...). Columns: status, torch counterpart,
signature check against the seed, number of tests (functions named ``test_<Name>`` or
``test_<Name>_*`` under ``tests/``), deviations from MindSpore 0.1 and seed-doc errors.
"""
import ast
import importlib
import inspect
import os
import pkgutil
import sys

import msnn
from msnn._api import REGISTRY
from msnn._spec import SEED



def _import_all():
    """Import every msnn module so the registry is complete whatever was imported before."""
    for info in pkgutil.walk_packages(msnn.__path__, "msnn."):
        if not info.name.startswith("msnn.__main__"):
            importlib.import_module(info.name)


_import_all()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MATRIX = os.path.join(ROOT, "compat_matrix.md")
TESTS = os.path.join(ROOT, "tests")


# tests under these folders test the MindSpore package of the same name; a registered name is
# counted only in the folder of its package, so mindspore.nn.ReLU and mindspore.ops.operations.ReLU
# each count their own tests
_PACKAGE_DIRS = {"ops": "mindspore.ops", "dataset": "mindspore.dataset", "model_zoo": "mindspore.model_zoo",
                 "communication": "mindspore.communication", "parallel": "mindspore.parallel"}


def _package_of(rel_folder):
    top = rel_folder.split(os.sep)[0]
    return _PACKAGE_DIRS.get(top, "")


def test_names():
    """Every test function under tests/, as ``(package, name)``: package is the MindSpore package
    the folder tests (``mindspore.ops`` for tests/ops/...) or '' for the rest."""
    names = []
    for folder, _, files in os.walk(TESTS):
        package = _package_of(os.path.relpath(folder, TESTS))
        for fname in sorted(files):
            if fname.startswith("test_") and fname.endswith(".py"):
                with open(os.path.join(folder, fname), encoding="utf-8") as f:
                    tree = ast.parse(f.read())
                names.extend((package, node.name) for node in ast.walk(tree)
                             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                             and node.name.startswith("test_"))
    return names


def _package_of_path(path):
    for package in _PACKAGE_DIRS.values():
        if path == package or path.startswith(package + "."):
            return package
    return ""


def count_tests(path, names):
    """Tests of the registered ``path``: functions named ``test_<Name>`` or ``test_<Name>_*`` in the
    test folder of its package."""
    package = _package_of_path(path)
    name = path.rsplit(".", 1)[-1]
    return sum(1 for pkg, n in names
               if pkg == package and (n == "test_" + name or n.startswith("test_" + name + "_")))


def _default_matches(text, value):
    if text.startswith("<function"):
        return callable(value)
    if text.startswith("mindspore."):
        return value is getattr(msnn, text.split(".")[-1], object())
    try:
        expected = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return False
    return type(expected) is type(value) and expected == value


def signature_problems(path, obj):
    """Differences between msnn's signature and the seed's entry ``path``, as short strings."""
    seed = SEED[path]["params"]
    target = obj.__init__ if inspect.isclass(obj) else obj
    params = list(inspect.signature(target).parameters.values())
    if inspect.isclass(obj):
        params = params[1:]  # self
    problems = []
    got = [("*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else "") + p.name
           for p in params]
    want = [n for n, _ in seed]
    if got != want:
        return [f"parameters {got} != seed {want}"]
    for p, (pname, text) in zip(params, seed):
        if text is None:
            if p.default is not p.empty and not pname.startswith("*"):
                problems.append(f"{pname} has a default")
        elif p.default is p.empty or not _default_matches(text, p.default):
            problems.append(f"{pname} default {p.default!r} != seed {text}")
    return problems


def _cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def _deviations(entry):
    text = " ".join(entry.deviations)
    if entry.unsupported:
        text += (" " if text else "") + "Accepted with no effect: " + "; ".join(
            f"{arg} ({why})" for arg, why in entry.unsupported.items()) + "."
    return text


def rows():
    names = test_names()
    out = []
    for path in sorted(SEED, key=str.lower):
        entry = REGISTRY.get(path)
        n_tests = count_tests(path, names)
        if entry is None:
            out.append((path, "missing", "", "", "0", "", ""))
            continue
        problems = signature_problems(path, entry.obj)
        status = "done" if n_tests and not problems else ("signature differs" if problems else "untested")
        out.append((path, status, entry.torch, "; ".join(problems) or "as documented",
                    str(n_tests), _deviations(entry), " ".join(entry.doc_errors)))
    for path in sorted((p for p in REGISTRY if p not in SEED), key=str.lower):
        entry = REGISTRY[path]
        n_tests = count_tests(path, names)
        out.append((path, "done" if n_tests else "untested", entry.torch, "companion",
                    str(n_tests), _deviations(entry), " ".join(entry.doc_errors)))
    return out


def render():
    lines = [
        "# msnn compatibility matrix",
        "",
        "Generated by `python -m msnn._compat_matrix --write` from the `@ms_api` registry, the "
        "seed's signatures (`msnn/_spec.py`) and the tests. Do not edit by hand: "
        "`tests/test_compat_matrix.py` fails when this file is stale.",
        "",
    ]
    table = rows()
    done = sum(1 for r in table if r[1] == "done")
    seed_done = sum(1 for r in table[:len(SEED)] if r[1] == "done")
    lines.append(f"{seed_done} of {len(SEED)} documented entries done; {done} of {len(table)} rows in all.")
    lines.append("")
    lines.append("| MindSpore API | status | torch counterpart | signature | tests | deviations from MindSpore 0.1 | seed doc errors |")
    lines.append("|---|---|---|---|---|---|---|")
    for r in table:
        lines.append("| " + " | ".join(_cell(c) for c in r) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--write" in argv:
        with open(MATRIX, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {MATRIX}")
        return 0
    if "--check" in argv:
        with open(MATRIX, encoding="utf-8") as f:
            stale = f.read() != text
        print("compat_matrix.md is stale: run python -m msnn._compat_matrix --write" if stale else "up to date")
        return 1 if stale else 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
