"""The one source rewrite ``python -m msnn`` applies: 0.1's ``x.dtype()`` and ``x.shape()``.

In MindSpore 0.1 a Tensor's ``dtype`` and ``shape`` were methods. msnn tensors are torch tensors,
where ``dtype`` is an attribute holding a ``torch.dtype`` (which cannot be made callable) and a
plain tensor's ``shape`` is a ``torch.Size``; msnn keeps torch's meaning, so ``p.data.dtype()``
(``p.data`` is torch's plain tensor) raises ``TypeError: 'torch.dtype' object is not callable``.

When ``python -m msnn`` runs a script, the script and the modules imported from its directory are
compiled with every call ``E.dtype()`` / ``E.shape()`` (no arguments) replaced by
``call_dtype(E)`` / ``call_shape(E)``. These decide at run time: a ``torch.dtype`` is returned as
is, a ``torch.Size`` as a tuple (0.1's results); anything else is called exactly as written, so
code where ``dtype``/``shape`` really are methods behaves as before. Nothing else is rewritten,
nothing is written to disk (no ``.pyc``), and ``python -m msnn --no-rewrite`` turns it off.
"""
import ast
import importlib.abc
import importlib.machinery
import os
import sys

import torch

__all__ = ["call_dtype", "call_shape", "compile_source", "install_finder"]

_HELPERS = {"dtype": "call_dtype", "shape": "call_shape"}
_SKIP = ("msnn", "mindspore", "torch", "numpy")


def call_dtype(obj):
    """``obj.dtype()`` with 0.1's meaning: a tensor's dtype (torch's attribute) or the method's result."""
    value = obj.dtype
    return value if isinstance(value, torch.dtype) else value()


def call_shape(obj):
    """``obj.shape()`` with 0.1's meaning: a tensor's shape as a tuple, or the method's result."""
    value = obj.shape
    return tuple(value) if isinstance(value, torch.Size) else value()


class _Calls(ast.NodeTransformer):
    def visit_Call(self, node):  # pylint: disable=invalid-name
        self.generic_visit(node)
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr in _HELPERS and not node.args
                and not node.keywords):
            helper = ast.Attribute(
                value=ast.Call(func=ast.Name(id="__import__", ctx=ast.Load()),
                               args=[ast.Constant("msnn._rewrite")],
                               keywords=[ast.keyword(arg="fromlist", value=ast.Constant(("x",)))]),
                attr=_HELPERS[func.attr], ctx=ast.Load())
            return ast.copy_location(ast.Call(func=helper, args=[func.value], keywords=[]), node)
        return node


def compile_source(source, filename):
    """``source`` compiled (``exec`` mode) with the ``.dtype()`` / ``.shape()`` rewrite."""
    tree = _Calls().visit(ast.parse(source, filename))
    return compile(ast.fix_missing_locations(tree), filename, "exec", dont_inherit=True)


class _Loader(importlib.machinery.SourceFileLoader):
    def get_code(self, fullname):
        return compile_source(self.get_data(self.path), self.path)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, directory):
        self.directory = os.path.abspath(directory) + os.sep

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in _SKIP:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if (spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader)
                or not os.path.abspath(spec.origin).startswith(self.directory)):
            return None
        spec.loader = _Loader(fullname, spec.origin)
        return spec


def install_finder(directory):
    """Rewrite the modules found under ``directory`` (the script's) when they are imported."""
    finder = _Finder(directory)
    sys.meta_path.insert(0, finder)
    return finder
