"""Records checkpoint goldens with real MindSpore (run with the oracle venv's python).

    $(bash ../shared/tools/oracle-env.sh) tools/record_ckpt_goldens.py

1. Writes tests/data/ms_small.ckpt with mindspore.save_checkpoint (list-of-dicts form, as in 0.1)
   and the same arrays to tests/data/ms_small.npz.
2. Writes tests/data/ms_small_crc.ckpt with crc_check=True (the newer trailer msnn must strip).
3. Loads tests/data/msnn_written.ckpt (written by msnn: `python tools/record_ckpt_goldens.py --msnn`)
   with mindspore.load_checkpoint and checks every value, proving msnn's files load in MindSpore.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "tests", "data")


def arrays():
    rng = np.random.RandomState(0)
    return {
        "conv1.weight": rng.randn(4, 1, 3, 3).astype(np.float32),
        "bn1.moving_mean": rng.randn(4).astype(np.float32),
        "fc.bias": rng.randn(3).astype(np.float16),
        "fc.weight": rng.randn(3, 5).astype(np.float64),
        "global_step": np.array([7], np.int32),
        "steps64": np.arange(4, dtype=np.int64).reshape(2, 2),
        "learning_rate": np.array(0.125, np.float32),
        "mask": np.array([1, 0, 2], np.uint8),
    }


def record_with_mindspore():
    import mindspore as ms  # pylint: disable=import-outside-toplevel
    print("MindSpore", ms.__version__)
    values = arrays()
    plist = [{"name": k, "data": ms.Tensor(v)} for k, v in values.items()]
    for name, kwargs in (("ms_small.ckpt", {}), ("ms_small_crc.ckpt", {"crc_check": True})):
        path = os.path.join(DATA, name)
        if os.path.exists(path):
            os.chmod(path, 0o600)
            os.remove(path)
        ms.save_checkpoint(plist, path, **kwargs)
    np.savez(os.path.join(DATA, "ms_small.npz"), **values)
    msnn_file = os.path.join(DATA, "msnn_written.ckpt")
    if os.path.exists(msnn_file):
        loaded = ms.load_checkpoint(msnn_file)
        for k, v in arrays().items():
            got = loaded[k].asnumpy()
            assert got.dtype == v.dtype and got.shape == v.shape and np.array_equal(got, v), k
        print(f"MindSpore {ms.__version__} loaded {msnn_file}: all {len(loaded)} values equal")


def write_with_msnn():
    import msnn  # pylint: disable=import-outside-toplevel
    from msnn.train.serialization import save_checkpoint  # pylint: disable=import-outside-toplevel
    save_checkpoint([{"name": k, "data": msnn.Tensor(v)} for k, v in arrays().items()],
                    os.path.join(DATA, "msnn_written.ckpt"))


if __name__ == "__main__":
    if "--msnn" in sys.argv:
        write_with_msnn()
    else:
        record_with_mindspore()
