"""``python -m msnn [--threads N] SCRIPT [ARGS]``: run an unmodified MindSpore script on msnn.

``--threads N`` sets torch's CPU thread count (``torch.set_num_threads``) before the script runs:
on a small shared CPU, small networks train faster with 1 or 2 threads than with torch's default.

Under a launcher that sets ``RANK`` and ``WORLD_SIZE`` (``torchrun --nproc_per_node N -m msnn
train.py``) the environment variables 0.1's scripts read are set from the launcher's when they are
not already set: ``RANK_ID`` = ``RANK``, ``RANK_SIZE`` = ``DEVICE_NUM`` = ``WORLD_SIZE``,
``DEVICE_ID`` = ``LOCAL_RANK``. (0.1's launch scripts exported them per process; its examples read
them with ``int(os.getenv(...))``.)

An exception escaping the script prints its traceback from the script's own frames down, without
the frames of this launcher and of the import alias.
"""
import os
import runpy
import sys
import traceback

from ._alias import install_alias

_OWN_FILES = (os.path.abspath(__file__), os.path.join(os.path.dirname(os.path.abspath(__file__)), "_alias.py"))


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
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m msnn [--threads N] SCRIPT [ARGS...]\n\n"
              "Runs SCRIPT with `import mindspore` resolving to msnn (--threads: torch CPU threads).")
        return 0 if argv else 2
    install_alias()
    _export_launcher_env()
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(argv[0])))
    try:
        runpy.run_path(argv[0], run_name="__main__")
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # pylint: disable=broad-except
        _print_user_traceback(exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
