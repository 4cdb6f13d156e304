"""examples/lenet_mnist.py (a 2020 MindSpore script) runs unmodified under `python -m msnn`."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_lenet_mnist_example_trains_checkpoints_and_evaluates(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "msnn", os.path.join(ROOT, "examples", "lenet_mnist.py"),
         "--data_path", os.path.join(ROOT, "tests", "data", "mnist"), "--epoch_size", "2",
         "--ckpt_path", str(tmp_path / "ckpt")],
        capture_output=True, text=True, cwd=str(tmp_path), env=dict(os.environ, OMP_NUM_THREADS="1"), timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout
    assert "Starting Training: 2 steps per epoch" in out
    assert sorted(os.listdir(tmp_path / "ckpt")) == ["checkpoint_lenet-2_2.ckpt"]
    acc = re.search(r"Accuracy:\{'Accuracy': (?:np\.float64\()?([0-9.]+)", out)
    assert acc and 0.0 <= float(acc.group(1)) <= 1.0, out
