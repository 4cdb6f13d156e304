import os
import subprocess
import sys
import textwrap

import msnn
from msnn._alias import target_name


def test_install_alias_maps_mindspore_paths():
    msnn.install_alias()
    import mindspore  # noqa: F401  pylint: disable=import-outside-toplevel
    import mindspore.nn as ms_nn  # pylint: disable=import-outside-toplevel
    from mindspore import Tensor, context  # pylint: disable=import-outside-toplevel
    import mindspore.common.dtype as mstype  # pylint: disable=import-outside-toplevel
    from mindspore.common.initializer import TruncatedNormal  # pylint: disable=import-outside-toplevel
    from mindspore.nn.layer.container import SequentialCell  # pylint: disable=import-outside-toplevel
    assert ms_nn is msnn and Tensor is msnn.Tensor and context is msnn.context
    assert mstype.float32 is msnn.float32 and TruncatedNormal is msnn.common.initializer.TruncatedNormal
    assert SequentialCell is msnn.SequentialCell
    assert mindspore.nn.Cell is msnn.Cell


def test_install_alias_target_names():
    assert target_name("mindspore") == "msnn"
    assert target_name("mindspore.nn") == "msnn"
    assert target_name("mindspore.nn.loss") == "msnn.loss"
    assert target_name("mindspore.common.parameter") == "msnn.common.parameter"
    assert target_name("numpy") is None


def test_install_alias_python_m_msnn_runs_script(tmp_path):
    script = tmp_path / "ms_script.py"
    script.write_text(textwrap.dedent("""
        import sys
        import numpy as np
        import mindspore.nn as nn
        from mindspore import Tensor, Parameter
        import mindspore.common.dtype as mstype

        class Net(nn.Cell):
            def __init__(self):
                super(Net, self).__init__()
                self.w = Parameter(Tensor(np.ones((2,)), mstype.float32), name='w')
            def construct(self, x):
                return x * self.w
        out = Net()(Tensor(np.array([3.0, 4.0]), mstype.float32))
        print(out.asnumpy().tolist(), out.shape(), sys.argv[1:])
    """))
    res = subprocess.run([sys.executable, "-m", "msnn", str(script), "--flag"], capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), check=True)
    assert res.stdout.strip() == "[3.0, 4.0] (2,) ['--flag']"


def test_install_alias_missing_module_is_one_short_import_error(tmp_path):
    msnn.install_alias()
    import pytest  # pylint: disable=import-outside-toplevel
    with pytest.raises(ModuleNotFoundError, match="msnn does not provide mindspore.no_such_module: .*compat_matrix.md") as info:
        import mindspore.no_such_module  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    assert info.value.name == "mindspore.no_such_module"
    with pytest.raises(ImportError, match="msnn does not provide mindspore.no_pkg: "):
        import mindspore.no_pkg.sub  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    script = tmp_path / "uses_missing.py"
    script.write_text("import mindspore.nn as nn\nimport mindspore.no_such_module\n")
    res = subprocess.run([sys.executable, "-m", "msnn", str(script)], capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert lines[-1].startswith("ModuleNotFoundError: msnn does not provide mindspore.no_such_module")
    assert len(lines) <= 12, res.stderr


def test_install_alias_parallel_mode_from_every_0_1_path():
    msnn.install_alias()
    import mindspore  # pylint: disable=import-outside-toplevel
    from mindspore.train import ParallelMode as a  # pylint: disable=import-outside-toplevel
    from mindspore.train.model import ParallelMode as b  # pylint: disable=import-outside-toplevel
    from mindspore.train.parallel_utils import ParallelMode as c  # pylint: disable=import-outside-toplevel
    assert mindspore.ParallelMode is a is b is c
    assert a.DATA_PARALLEL == "data_parallel" and a.STAND_ALONE == "stand_alone"


def test_install_alias_python_m_msnn_threads_option(tmp_path):
    script = tmp_path / "threads.py"
    script.write_text("import torch\nimport mindspore\nprint(torch.get_num_threads())\n")
    cwd = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    res = subprocess.run([sys.executable, "-m", "msnn", "--threads", "1", str(script)], capture_output=True,
                         text=True, cwd=cwd, check=True)
    assert res.stdout.strip() == "1"
    bad = subprocess.run([sys.executable, "-m", "msnn", "--threads", "x", str(script)], capture_output=True,
                         text=True, cwd=cwd)
    assert bad.returncode == 2 and "--threads takes a positive int" in bad.stderr


def test_install_alias_python_m_msnn_exports_0_1_rank_variables_under_torchrun(tmp_path):
    script = tmp_path / "env.py"
    script.write_text("import os\nprint([os.environ.get(k) for k in ('RANK_ID', 'RANK_SIZE', 'DEVICE_NUM', 'DEVICE_ID')])\n")
    cwd = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    base = {k: v for k, v in os.environ.items() if k not in ("RANK_ID", "RANK_SIZE", "DEVICE_NUM", "DEVICE_ID",
                                                              "RANK", "WORLD_SIZE", "LOCAL_RANK")}
    run = lambda env: subprocess.run([sys.executable, "-m", "msnn", str(script)], capture_output=True,  # noqa: E731
                                     text=True, cwd=cwd, check=True, env=env).stdout.strip()
    assert run(dict(base, RANK="3", WORLD_SIZE="4", LOCAL_RANK="1")) == "['3', '4', '4', '1']"
    # set by the user: kept; no launcher: nothing set
    assert run(dict(base, RANK="3", WORLD_SIZE="4", LOCAL_RANK="1", DEVICE_ID="7")) == "['3', '4', '4', '7']"
    assert run(base) == "[None, None, None, None]"


def test_install_alias_python_m_msnn_rewrites_dtype_and_shape_calls(tmp_path, capsys, monkeypatch):
    # 0.1's p.data.shape() / p.data.dtype() (yolov3's train.py) on torch's plain tensor, in the
    # script and in a module next to it; a real dtype() method is still called
    from msnn import __main__ as launcher  # pylint: disable=import-outside-toplevel
    (tmp_path / "ex12_rw_helper.py").write_text("def f(p):\n    return p.data.shape(), p.data.dtype()\n")
    script = tmp_path / "rw.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        from mindspore import Tensor, Parameter
        from mindspore.common.initializer import initializer
        import ex12_rw_helper
        class A:
            def dtype(self):
                return 'method'
        p = Parameter(Tensor(np.ones((2, 3), np.float32)), 'w')
        p.set_parameter_data(initializer('ones', p.data.shape(), p.data.dtype()))
        print(p.data.shape(), p.data.dtype(), ex12_rw_helper.f(p), A().dtype(), float(p.asnumpy().sum()))
    """))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.delitem(sys.modules, "ex12_rw_helper", raising=False)
    assert launcher.main([str(script)]) == 0
    assert capsys.readouterr().out.strip() == \
        "(2, 3) torch.float32 ((2, 3), torch.float32) method 6.0"
    assert not list(tmp_path.glob("**/*.pyc"))  # rewritten code is never cached
    sys.modules.pop("ex12_rw_helper", None)
    assert launcher.main(["--no-rewrite", str(script)]) == 1
    assert "'torch.Size' object is not callable" in capsys.readouterr().err
