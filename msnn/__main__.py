"""``python -m msnn [--threads N] [--no-rewrite] SCRIPT [ARGS]``: run an unmodified MindSpore script on msnn.

``--threads N`` sets torch's CPU thread count (``torch.set_num_threads``) before the script runs:
on a small shared CPU, small networks train faster with 1 or 2 threads than with torch's default.

Under a launcher that sets ``RANK`` and ``WORLD_SIZE`` (``torchrun --nproc_per_node N -m msnn
train.py``) the environment variables 0.1's scripts read are set from the launcher's when they are
not already set: ``RANK_ID`` = ``RANK``, ``RANK_SIZE`` = ``DEVICE_NUM`` = ``WORLD_SIZE``,
``DEVICE_ID`` = ``LOCAL_RANK``. (0.1's launch scripts exported them per process; its examples read
them with ``int(os.getenv(...))``.)

The script and the modules imported from its directory are compiled with 0.1's method calls
``x.dtype()`` / ``x.shape()`` rewritten to helpers that also accept torch's attributes
(``msnn/_rewrite.py``); ``--no-rewrite`` runs the source as it is.

An exception escaping the script prints its traceback from the script's own frames down, without
the frames of this launcher and of the import alias.
"""
import builtins
import os
import runpy
import sys
import traceback
import types

from ._alias import install_alias

_HERE = os.path.dirname(os.path.abspath(__file__))
_OWN_FILES = tuple(os.path.join(_HERE, f) for f in ("__main__.py", "_alias.py", "_rewrite.py"))


def _print_user_traceback(exc):
    te = traceback.TracebackException.from_exception(exc)
    frames = [f for f in te.stack if not f.filename.startswith("<frozen") and os.path.abspath(f.filename) not in _OWN_FILES]
    te.stack = traceback.StackSummary.from_list(frames)
    sys.stderr.write("".join(te.format()))


def _export_launcher_env(environ=os.environ):
    """0.1's per-process variables from torchrun's (only those not already set)."""
    if "RANK" not in environ or "WORLD_SIZE" not in environ:
        return
    environ.setdefault("RANK_ID", environ["RANK"])
    environ.setdefault("RANK_SIZE", environ["WORLD_SIZE"])
    environ.setdefault("DEVICE_NUM", environ["WORLD_SIZE"])
    environ.setdefault("DEVICE_ID", environ.get("LOCAL_RANK", environ["RANK"]))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--threads":
        if len(argv) < 2 or not argv[1].isdigit() or int(argv[1]) < 1:
            sys.stderr.write("python -m msnn: --threads takes a positive int\n")
            return 2
        import torch  # pylint: disable=import-outside-toplevel
        torch.set_num_threads(int(argv[1]))
        argv = argv[2:]
    rewrite = not (argv and argv[0] == "--no-rewrite")
    argv = argv if rewrite else argv[1:]
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m msnn [--threads N] [--no-rewrite] SCRIPT [ARGS...]\n\n"
              "Runs SCRIPT with `import mindspore` resolving to msnn (--threads: torch CPU threads;\n"
              "--no-rewrite: keep 0.1's x.dtype() / x.shape() calls as written, see msnn/_rewrite.py).")
        return 0 if argv else 2
    install_alias()
    _export_launcher_env()
    sys.argv = list(argv)
    script_dir = os.path.dirname(os.path.abspath(argv[0]))
    sys.path.insert(0, script_dir)
    finder = None
    try:
        if rewrite and os.path.isfile(argv[0]) and argv[0].endswith(".py"):
            from . import _rewrite  # pylint: disable=import-outside-toplevel
            finder = _rewrite.install_finder(script_dir)
            _run_rewritten(argv[0], _rewrite)
        else:
            runpy.run_path(argv[0], run_name="__main__")
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # pylint: disable=broad-except
        _print_user_traceback(exc)
        return 1
    finally:
        if finder is not None and finder in sys.meta_path:
            sys.meta_path.remove(finder)
    return 0


def _run_rewritten(path, rewrite):
    """``runpy.run_path(path, run_name='__main__')`` with the source compiled by ``rewrite``."""
    with open(path, "rb") as f:
        code = rewrite.compile_source(f.read(), path)
    module = types.ModuleType("__main__")
    module.__dict__.update(__file__=path, __cached__=None, __loader__=None, __package__=None, __spec__=None,
                           __builtins__=builtins)
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        exec(code, module.__dict__)  # pylint: disable=exec-used
    finally:
        sys.modules["__main__"] = saved


if __name__ == "__main__":
    sys.exit(main())
