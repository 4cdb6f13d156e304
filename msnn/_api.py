"""The registry behind ``compat_matrix.md``: one ``@ms_api`` decorator on every public name.

``ms_api(path, torch=..., deviations=..., unsupported=...)`` records where the object lives in
MindSpore (the full path is the key: ``mindspore.nn.ReLU`` and ``mindspore.ops.operations.ReLU``
are two entries), its torch counterpart, every way msnn deviates from MindSpore 0.1, and the
arguments it accepts with no effect. The decorator changes nothing at run time;
``msnn._compat_matrix`` renders the table from this registry, the documented signatures in
``msnn._spec`` and the tests.
"""

REGISTRY = {}
_UNSUPPORTED = {}


class ApiEntry:
    """What the matrix knows of one public name."""

    __slots__ = ("name", "path", "obj", "torch", "deviations", "doc_errors", "unsupported")

    def __init__(self, path, obj, torch, deviations, doc_errors, unsupported):
        self.name = path.rsplit(".", 1)[-1]
        self.path = path
        self.obj = obj
        self.torch = torch
        self.deviations = tuple(deviations)
        self.doc_errors = tuple(doc_errors)
        self.unsupported = dict(unsupported)

    @property
    def module(self):
        """The MindSpore module path (``mindspore.nn``, ``mindspore.ops.operations``, ...)."""
        return self.path.rsplit(".", 1)[0]


def ms_api(path, *, torch="", deviations=(), doc_errors=(), unsupported=None):
    """Register a public class or function under its full MindSpore path.

    Args:
        path (str): The MindSpore path, e.g. ``mindspore.nn.Dense``; its last component is the
            public name. Registering a path twice is an error (two objects cannot both be it).
        torch (str): The torch counterpart msnn runs on.
        deviations (tuple[str]): Each way msnn differs from MindSpore 0.1, one sentence each.
        doc_errors (tuple[str]): Places where the seed documentation is wrong and msnn follows the code.
        unsupported (dict[str, str]): Arguments accepted with no effect, each with the reason.
            The class reports a non-default value with ``_validator.check_unsupported``.
    """
    def register(obj):
        old = REGISTRY.get(path)
        if old is not None and old.obj is not obj and _origin(old.obj) != _origin(obj):
            raise RuntimeError(f"msnn: {path} is registered twice")
        entry = ApiEntry(path, obj, torch, deviations, doc_errors, unsupported or {})
        REGISTRY[path] = entry
        for arg, why in entry.unsupported.items():
            _UNSUPPORTED[(entry.name, arg)] = why
        return obj
    return register


def _origin(obj):
    # the same definition imported again (a module re-imported by a doctest collector) may replace itself
    return getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)


def unsupported_reason(name, arg):
    """The declared reason why ``arg`` of the public name ``name`` has no effect."""
    try:
        return _UNSUPPORTED[(name, arg)]
    except KeyError:
        raise RuntimeError(f"msnn: '{arg}' of {name} is not declared with @ms_api(unsupported=...)") from None
