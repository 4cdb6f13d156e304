"""The registry behind ``compat_matrix.md``: one ``@ms_api`` decorator on every public class.

``ms_api(path, torch=..., deviations=...)`` records where the class lives in MindSpore, its torch
counterpart and every way msnn deviates from MindSpore 0.1. The decorator changes nothing at run
time; ``msnn._compat_matrix`` renders the table from this registry, the documented signatures in
``msnn._spec`` and the tests.
"""

REGISTRY = {}


class ApiEntry:
    """What the matrix knows of one public name."""

    __slots__ = ("name", "path", "obj", "torch", "deviations", "doc_errors")

    def __init__(self, name, path, obj, torch, deviations, doc_errors):
        self.name = name
        self.path = path
        self.obj = obj
        self.torch = torch
        self.deviations = tuple(deviations)
        self.doc_errors = tuple(doc_errors)


def ms_api(path, *, torch="", deviations=(), doc_errors=()):
    """Register a public class or function under its MindSpore path (e.g. ``mindspore.nn.Dense``).

    Args:
        path (str): The MindSpore path; its last component is the public name.
        torch (str): The torch counterpart msnn runs on.
        deviations (tuple[str]): Each way msnn differs from MindSpore 0.1, one sentence each.
        doc_errors (tuple[str]): Places where the seed documentation is wrong and msnn follows the code.
    """
    def register(obj):
        name = path.rsplit(".", 1)[-1]
        REGISTRY[name] = ApiEntry(name, path, obj, torch, deviations, doc_errors)
        return obj
    return register
