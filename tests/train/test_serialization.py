import os
import pickle
import shutil

import numpy as np
import pytest
import torch

import msnn
from msnn import Parameter, Tensor
from msnn.train.serialization import Checkpoint, load_checkpoint, load_param_into_net, save_checkpoint

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


def golden():
    with np.load(os.path.join(DATA, "ms_small.npz")) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("name", ["ms_small.ckpt", "ms_small_crc.ckpt"])
def test_load_checkpoint_reads_mindspore_written_file(name):
    loaded = load_checkpoint(os.path.join(DATA, name))
    expected = golden()
    assert list(loaded) == list(expected)
    for k, v in expected.items():
        got = loaded[k].asnumpy()
        assert got.dtype == v.dtype and got.shape == v.shape, k
        np.testing.assert_array_equal(got, v)
        assert loaded[k].name == k


def test_save_checkpoint_tensors_equal_mindspore_written_ones(tmp_path):
    path = str(tmp_path / "x.ckpt")
    save_checkpoint([{"name": k, "data": Tensor(v)} for k, v in golden().items()], path)
    mine, theirs = Checkpoint(), Checkpoint()
    with open(path, "rb") as f:
        mine.ParseFromString(f.read())
    with open(os.path.join(DATA, "ms_small.ckpt"), "rb") as f:
        theirs.ParseFromString(f.read())
    for a, b in zip(mine.value, theirs.value):
        assert (a.tag, a.tensor.tensor_type, a.tensor.tensor_content) == (b.tag, b.tensor.tensor_type, b.tensor.tensor_content)
        assert list(a.tensor.dims) == (list(b.tensor.dims) or [0])  # 0.1 wrote scalars as dims [0]


def test_save_checkpoint_msnn_file_committed_for_mindspore_check():
    # tests/data/msnn_written.ckpt was loaded by MindSpore 2.10 (tools/record_ckpt_goldens.py); it still parses here
    loaded = load_checkpoint(os.path.join(DATA, "msnn_written.ckpt"))
    np.testing.assert_array_equal(loaded["fc.weight"].asnumpy(), golden()["fc.weight"])


class Net(msnn.Cell):
    def __init__(self):
        super().__init__()
        self.fc = Leaf()

    def construct(self, x):
        return self.fc(x)


class Leaf(msnn.Cell):
    def __init__(self):
        super().__init__()
        self.weight = Parameter(Tensor(np.random.randn(3, 2), msnn.float32), name='weight')
        self.step = Parameter(Tensor(np.array([0]), msnn.int32), name='step')

    def construct(self, x):
        return x @ self.weight


def test_save_checkpoint_cell_round_trip_into_net(tmp_path):
    path = str(tmp_path / "net.ckpt")
    src = Net()
    with torch.no_grad():
        src.fc.step.fill_(5)
    save_checkpoint(src, path)
    dst = Net()
    params = load_checkpoint(path, dst)
    assert sorted(params) == ['fc.step', 'fc.weight']
    np.testing.assert_array_equal(dst.fc.weight.asnumpy(), src.fc.weight.asnumpy())
    assert dst.fc.step.asnumpy().tolist() == [5]


def test_save_checkpoint_failure_leaves_old_file_intact(tmp_path):
    path = str(tmp_path / "keep.ckpt")
    save_checkpoint([{"name": "a", "data": Tensor(np.ones(2), msnn.float32)}], path)
    before = open(path, "rb").read()
    with pytest.raises(RuntimeError, match="save_checkpoint"):
        save_checkpoint([{"name": "a", "data": Tensor(np.zeros(2), msnn.float32)},
                         {"name": "b", "data": torch.ones(2, dtype=torch.complex64)}], path)
    assert open(path, "rb").read() == before
    assert [f for f in os.listdir(tmp_path)] == ["keep.ckpt"]


def test_save_checkpoint_overwrites_read_only_file(tmp_path):
    path = str(tmp_path / "ro.ckpt")
    save_checkpoint({"a": torch.ones(1)}, path)
    save_checkpoint({"a": torch.zeros(1)}, path)
    assert load_checkpoint(path)["a"].asnumpy().tolist() == [0.0]


def test_load_checkpoint_errors(tmp_path):
    with pytest.raises(ValueError):
        load_checkpoint(3)
    with pytest.raises(ValueError):
        load_checkpoint(str(tmp_path / "missing.ckpt"))
    other = tmp_path / "x.pt"
    other.write_bytes(b"abc")
    with pytest.raises(ValueError):
        load_checkpoint(str(other))
    empty = tmp_path / "empty.ckpt"
    empty.write_bytes(b"")
    with pytest.raises(ValueError):
        load_checkpoint(str(empty))
    pickled = tmp_path / "pickled.ckpt"
    pickled.write_bytes(pickle.dumps({"a": np.ones(2)}))
    with pytest.raises((ValueError, RuntimeError)):
        load_checkpoint(str(pickled))


def test_load_checkpoint_crc_mismatch_raises(tmp_path):
    bad = tmp_path / "bad.ckpt"
    data = bytearray(open(os.path.join(DATA, "ms_small_crc.ckpt"), "rb").read())
    data[40] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="crc"):
        load_checkpoint(str(bad))


def test_load_param_into_net_checks(tmp_path):
    net = Net()
    with pytest.raises(TypeError):
        load_param_into_net(3, {})
    with pytest.raises(TypeError):
        load_param_into_net(net, [])
    with pytest.raises(TypeError):
        load_param_into_net(net, {"fc.weight": torch.ones(3, 2)})
    with pytest.raises(RuntimeError, match="shape"):
        load_param_into_net(net, {"fc.weight": Parameter(Tensor(np.ones((2, 3)), msnn.float32), name='fc.weight')})
    with pytest.raises(RuntimeError):
        load_param_into_net(net, {"fc.weight": Parameter(Tensor(np.ones((3, 2)), msnn.float64), name='fc.weight')})
    before = net.fc.weight.asnumpy().copy()
    load_param_into_net(net, {"fc.weight": Parameter(Tensor(np.ones((3, 2, 1, 1)), msnn.float32), name='x'),
                              "unknown": Parameter(Tensor(np.ones(1), msnn.float32), name='unknown')})
    np.testing.assert_array_equal(net.fc.weight.asnumpy(), np.ones((3, 2)))
    assert not np.array_equal(before, np.ones((3, 2)))


class Dense1(msnn.Cell):
    def __init__(self):
        super().__init__()
        self.fc = msnn.Dense(3, 1)

    def construct(self, x):
        return self.fc(x)


def _train_net():
    net = Dense1()
    opt = msnn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
    return msnn.TrainOneStepCell(msnn.WithLossCell(net, msnn.MSELoss()), opt), net, opt


def test_save_checkpoint_train_network_includes_optimizer_state(tmp_path):
    train_net, net, opt = _train_net()
    device = next(net.parameters()).device  # the context device: CUDA by default where there is one
    x, y = torch.ones(4, 3, device=device), torch.zeros(4, 1, device=device)
    train_net(x, y)
    path = str(tmp_path / "train.ckpt")
    save_checkpoint(train_net, path)
    loaded = load_checkpoint(path)
    assert sorted(loaded) == ['fc.bias', 'fc.weight', 'learning_rate', 'moments.fc.bias', 'moments.fc.weight',
                              'momentum']
    assert loaded['learning_rate'].asnumpy() == pytest.approx(0.1)
    fresh, fresh_net, fresh_opt = _train_net()
    load_param_into_net(fresh, loaded)
    np.testing.assert_array_equal(fresh_net.fc.weight.asnumpy(), net.fc.weight.asnumpy())
    np.testing.assert_array_equal(dict(fresh_opt.parameters_and_names())['moments.fc.weight'].asnumpy(),
                                  dict(opt.parameters_and_names())['moments.fc.weight'].asnumpy())
    train_net(x, y)
    fresh(x, y)  # the restored moments drive the next step exactly as the originals do
    np.testing.assert_allclose(fresh_net.fc.weight.asnumpy(), net.fc.weight.asnumpy(), rtol=1e-6)
