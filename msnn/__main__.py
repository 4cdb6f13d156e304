"""``python -m msnn SCRIPT [ARGS]``: run an unmodified MindSpore script on msnn."""
import runpy
import sys

from ._alias import install_alias


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m msnn SCRIPT [ARGS...]\n\nRuns SCRIPT with `import mindspore` resolving to msnn.")
        return 0 if argv else 2
    install_alias()
    sys.argv = list(argv)
    sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(argv[0])))
    runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
