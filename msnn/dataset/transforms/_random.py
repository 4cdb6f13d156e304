"""Random generators of the dataset transforms.

MindSpore 0.1 gave every random C++ op its own ``std::mt19937``, seeded when the op was built with
the dataset config seed (``mindspore.dataset.config.set_seed``), or with fresh entropy when the seed
was left at its default (5489). msnn does the same with a ``numpy.random.Generator`` per op.
:func:`set_seed` is the hook used until / unless ``msnn.dataset.config`` provides the seed.
"""
import importlib

import numpy as np

_DEFAULT_SEED = 5489  # std::mt19937::default_seed: 0.1's "no seed set"
_seed = None


def set_seed(seed):
    """Seed every transform built afterwards (``None`` or 5489: fresh entropy per transform)."""
    global _seed  # pylint: disable=global-statement
    _seed = seed


def _config_seed():
    try:
        config = getattr(importlib.import_module("msnn.dataset"), "config", None)
    except ImportError:  # pragma: no cover - the package always imports
        config = None
    get_seed = getattr(config, "get_seed", None)
    if get_seed is not None:
        seed = get_seed()
        if seed is not None and seed != _DEFAULT_SEED:
            return seed
    return _seed


def new_generator():
    """A generator for one transform instance, seeded like 0.1's ``GetSeed()``."""
    seed = _config_seed()
    if seed is None or seed == _DEFAULT_SEED:
        return np.random.default_rng()
    return np.random.default_rng(seed)


def python_random():
    """A ``random.Random`` for one py_transforms instance, seeded the same way."""
    import random  # pylint: disable=import-outside-toplevel
    seed = _config_seed()
    return random.Random(None if seed is None or seed == _DEFAULT_SEED else seed)
