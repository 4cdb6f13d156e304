"""``import mindspore`` -> msnn: lets an unmodified MindSpore script run on msnn.

Mapping: ``mindspore`` and ``mindspore.nn`` are msnn itself, ``mindspore.nn.X`` is ``msnn.X``
and any other ``mindspore.X`` is ``msnn.X`` (``mindspore.common.initializer`` ->
``msnn.common.initializer``, ``mindspore.context`` -> ``msnn.context``).
"""
import importlib
import importlib.abc
import importlib.util
import sys

from ._api import ms_api

__all__ = ["install_alias", "target_name"]


def target_name(fullname):
    """The msnn module that stands for a ``mindspore`` module name."""
    if fullname in ("mindspore", "mindspore.nn"):
        return "msnn"
    for prefix in ("mindspore.nn.", "mindspore."):
        if fullname.startswith(prefix):
            return "msnn." + fullname[len(prefix):]
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


def _not_provided(fullname):
    return ModuleNotFoundError(
        f"msnn does not provide {fullname}: msnn re-implements MindSpore 0.1's Python API on torch, "
        "and compat_matrix.md (in the msnn repository) lists every module and name it provides.",
        name=fullname)


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        name = target_name(fullname)
        if name is None:
            return None
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # a parent package msnn lacks
            found = None
        if found is None:
            raise _not_provided(fullname)
        return importlib.util.spec_from_loader(fullname, _AliasLoader(name))


_FINDER = _AliasFinder()


@ms_api("msnn.install_alias", torch="sys.meta_path finder")
def install_alias():
    """Make ``import mindspore`` (and its sub-paths) resolve to msnn. Idempotent.

    Examples:
        >>> import msnn
        >>> msnn.install_alias()
        >>> import mindspore.nn as nn
        >>> nn.Cell is msnn.Cell
        True
    """
    import msnn  # pylint: disable=import-outside-toplevel
    msnn.nn = msnn  # `import mindspore; mindspore.nn.Dense`
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
