"""`import msnn` loads only the core; the rest of the public surface loads on first use.

The heavy imports are checked in fresh interpreters (subprocesses): nothing here times anything.
"""
import importlib
import os
import subprocess
import sys
import textwrap

import pytest

import msnn

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# never imported by `import msnn` alone
_DEFERRED = ("msnn.layer", "msnn.loss", "msnn.metrics", "msnn.optim", "msnn.wrap", "msnn.train", "msnn.ops",
             "msnn.dataset", "msnn.model_zoo", "msnn.communication", "msnn.parallel", "google.protobuf", "cv2",
             "PIL", "torch.utils.tensorboard")


def _fresh(code):
    """Runs ``code`` in a fresh interpreter with this tree first on sys.path; returns its stdout."""
    env = dict(os.environ, PYTHONPATH=_ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         cwd=_ROOT, env=env, check=False)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_install_alias_import_msnn_loads_only_the_core():
    # one fresh interpreter (an import of torch is the slow part): each step loads only what it names
    out = _fresh(f"""
        import sys
        import msnn
        print(sorted(m for m in {_DEFERRED!r} if m in sys.modules))
        print(msnn.Tensor.__module__, msnn.Cell.__module__, msnn.float32)
        dense = msnn.Dense
        print(dense.__module__, 'msnn.optim' in sys.modules, 'msnn.train' in sys.modules)
        from msnn.train import Model
        print(Model.__module__, 'google.protobuf' in sys.modules)
        from msnn.train.serialization import save_checkpoint
        print('google.protobuf' in sys.modules)
        msnn.install_alias()
        import mindspore
        import mindspore.nn as nn
        from mindspore import Tensor, ParallelMode, context
        from mindspore.nn import Momentum, WithLossCell
        from mindspore.train import Model
        from mindspore.train.serialization import Checkpoint
        print(nn is msnn, nn.Dense is msnn.Dense, mindspore.nn.Adam is msnn.Adam, Momentum is msnn.Momentum,
              Model is msnn.train.Model, Checkpoint.__name__, ParallelMode is msnn.ParallelMode)
    """)
    assert out.splitlines() == [
        "[]",
        "msnn.common.tensor msnn.cell torch.float32",
        "msnn.layer.basic False False",
        "msnn.train.model False",
        "False",
        "True True True True True Checkpoint True",
    ]


def test_install_alias_lazy_table_matches_the_packages():
    for pkg, names in msnn._LAZY_NAMES.items():  # pylint: disable=protected-access
        module = importlib.import_module("msnn." + pkg)
        assert tuple(module.__all__) == names, pkg
        for name in names:
            assert getattr(msnn, name) is getattr(module, name)


def test_install_alias_every_public_name_resolves():
    from msnn.train.parallel_utils import ParallelMode  # pylint: disable=import-outside-toplevel
    assert msnn.ParallelMode is ParallelMode
    for name in msnn.__all__:
        assert getattr(msnn, name) is not None, name
    assert set(msnn.__all__) <= set(dir(msnn))
    assert msnn.train is importlib.import_module("msnn.train")
    assert msnn.ops is importlib.import_module("msnn.ops")
    with pytest.raises(AttributeError, match="module 'msnn' has no attribute 'NoSuchCell'"):
        msnn.NoSuchCell  # pylint: disable=pointless-statement
    scope = {}
    exec("from msnn import *", scope)  # pylint: disable=exec-used
    assert scope["Dense"] is msnn.Dense and scope["TrainOneStepCell"] is msnn.TrainOneStepCell
    assert scope["Tensor"] is msnn.Tensor and scope["ParallelMode"] is ParallelMode


def test_install_alias_train_names_resolve():
    import msnn.train as train  # pylint: disable=import-outside-toplevel
    from msnn.train import serialization, model  # pylint: disable=import-outside-toplevel
    for name in train.__all__:
        assert getattr(train, name) is not None, name
    assert train.Model is model.Model and train.save_checkpoint is serialization.save_checkpoint
    assert serialization.Checkpoint is serialization.Checkpoint
    with pytest.raises(AttributeError):
        train.NoSuchName  # pylint: disable=pointless-statement


def test_install_alias_top_level_train_names():
    """0.1's `mindspore` package exported mindspore.train's Model, DatasetHelper and amp."""
    from msnn.train import amp, dataset_helper, model  # pylint: disable=import-outside-toplevel
    assert msnn.Model is model.Model
    assert msnn.DatasetHelper is dataset_helper.DatasetHelper
    assert msnn.amp is amp
    assert {"Model", "DatasetHelper", "amp"} <= set(msnn.__all__)
