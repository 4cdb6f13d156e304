"""Checkpoint integrity (reliability findings 5, 7, 11, 12): a file msnn writes always loads back
whole; duplicate or unloadable names are refused at save; a truncated, random or crafted file is an
error, never a partial or empty checkpoint; partial restores are reported."""
import logging
import os

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import msnn
from msnn import Parameter, Tensor
from msnn.train.serialization import Checkpoint, load_checkpoint, load_param_into_net, save_checkpoint

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


def _net():
    return msnn.SequentialCell([msnn.Dense(4, 3), msnn.ReLU(), msnn.Dense(3, 2)])


class _Named(msnn.Cell):
    def __init__(self):
        super().__init__()
        self.fc1 = msnn.Dense(4, 3)
        self.fc2 = msnn.Dense(3, 2)

    def construct(self, x):
        return self.fc2(self.fc1(x))


# ----------------------------------------------------------------------------------------- save
def test_save_checkpoint_refuses_duplicate_names_and_writes_nothing(tmp_path):
    path = str(tmp_path / "dup.ckpt")
    net = _net()  # top-level SequentialCell: weight, bias, weight, bias
    with pytest.raises(ValueError, match=r"^For 'save_checkpoint'.*duplicate.*'weight'"):
        save_checkpoint(net, path)
    with pytest.raises(ValueError, match="duplicate"):
        save_checkpoint([{"name": "a", "data": torch.ones(2)}, {"name": "a", "data": torch.ones(2)}], path)
    assert os.listdir(tmp_path) == []


def test_save_checkpoint_duplicate_refusal_keeps_old_file(tmp_path):
    path = str(tmp_path / "keep.ckpt")
    save_checkpoint({"a": torch.ones(2)}, path)
    before = open(path, "rb").read()
    with pytest.raises(ValueError):
        save_checkpoint(_net(), path)
    assert open(path, "rb").read() == before


@pytest.mark.parametrize("name", ["", " w", "w ", "x" * 1025, "bad\udc80name"])
def test_save_checkpoint_refuses_names_that_cannot_load_back(tmp_path, name):
    path = str(tmp_path / "n.ckpt")
    with pytest.raises(ValueError, match=r"^For 'save_checkpoint', the 'parameter_list'"):
        save_checkpoint({name: torch.ones(1)}, path)
    assert not os.path.exists(path)


def test_save_checkpoint_longest_name_round_trips(tmp_path):
    path = str(tmp_path / "long.ckpt")
    name = "n" * 1024
    save_checkpoint({name: torch.ones(1), "é.ü": torch.zeros(2)}, path)
    assert sorted(load_checkpoint(path)) == sorted([name, "é.ü"])


def test_save_checkpoint_through_symlink_writes_the_target(tmp_path):
    target = tmp_path / "real.ckpt"
    link = tmp_path / "link.ckpt"
    save_checkpoint({"a": torch.ones(2)}, str(target))
    os.symlink(target, link)
    save_checkpoint({"a": torch.full((2,), 7.0)}, str(link))
    assert os.path.islink(link)
    assert load_checkpoint(str(target))["a"].asnumpy().tolist() == [7.0, 7.0]
    assert sorted(os.listdir(tmp_path)) == ["link.ckpt", "real.ckpt"]


def test_save_checkpoint_to_a_directory_raises_runtime_error(tmp_path):
    folder = tmp_path / "x.ckpt"
    folder.mkdir()
    with pytest.raises(RuntimeError, match="save_checkpoint"):
        save_checkpoint({"a": torch.ones(1)}, str(folder))
    assert os.listdir(tmp_path) == ["x.ckpt"]


def test_save_checkpoint_bad_parameter_list_raises_type_error(tmp_path):
    with pytest.raises(TypeError, match="^For 'save_checkpoint', the 'parameter_list'"):
        save_checkpoint(3, str(tmp_path / "a.ckpt"))
    with pytest.raises(TypeError, match="^For 'save_checkpoint', the 'parameter_list'"):
        save_checkpoint([{"data": torch.ones(1)}], str(tmp_path / "a.ckpt"))


# ----------------------------------------------------------------------------------------- load
def test_load_checkpoint_every_truncation_is_an_error(tmp_path):
    path = str(tmp_path / "full.ckpt")
    save_checkpoint(_Named(), path)
    payload = open(path, "rb").read()
    cut = str(tmp_path / "cut.ckpt")
    for n in range(1, len(payload)):
        with open(cut, "wb") as f:
            f.write(payload[:n])
        with pytest.raises(ValueError, match="^For 'load_checkpoint'"):
            load_checkpoint(cut)
    assert sorted(load_checkpoint(path)) == ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]


def test_load_checkpoint_truncated_mindspore_crc_file_is_an_error(tmp_path):
    payload = open(os.path.join(DATA, "ms_small_crc.ckpt"), "rb").read()
    cut = str(tmp_path / "cut.ckpt")
    for n in range(1, len(payload), 7):
        with open(cut, "wb") as f:
            f.write(payload[:n])
        with pytest.raises(ValueError):
            load_checkpoint(cut)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=300))
def test_load_checkpoint_random_bytes_never_load(tmp_path, data):
    path = str(tmp_path / "random.ckpt")
    with open(path, "wb") as f:
        f.write(data)
    with pytest.raises(ValueError, match="^For 'load_checkpoint'"):
        load_checkpoint(path)


def _crafted(tmp_path, tag="w", dims=(2,), tensor_type="Float32", content=None, with_tensor=True):
    message = Checkpoint()
    value = message.value.add()
    value.tag = tag
    if with_tensor:
        value.tensor.dims.extend(dims)
        value.tensor.tensor_type = tensor_type
        value.tensor.tensor_content = np.ones(2, np.float32).tobytes() if content is None else content
    path = str(tmp_path / "crafted.ckpt")
    with open(path, "wb") as f:
        f.write(message.SerializeToString())
    return path


@pytest.mark.parametrize("kwargs, why", [
    (dict(dims=(-1,)), "dims"),
    (dict(dims=(2, -1)), "dims"),
    (dict(tag=""), "name"),
    (dict(tag=" w "), "name"),
    (dict(dims=(3,)), "bytes"),
    (dict(content=b"\x00" * 7), "bytes"),
    (dict(tensor_type="Complex64"), "tensor_type"),
    (dict(with_tensor=False), "no tensor"),
])
def test_load_checkpoint_crafted_nonsense_is_an_error(tmp_path, kwargs, why):
    with pytest.raises(ValueError, match=why):
        load_checkpoint(_crafted(tmp_path, **kwargs))


def test_load_checkpoint_crafted_valid_entry_loads(tmp_path):
    assert load_checkpoint(_crafted(tmp_path))["w"].asnumpy().tolist() == [1.0, 1.0]


def test_load_checkpoint_directory_is_a_value_error(tmp_path):
    folder = tmp_path / "x.ckpt"
    folder.mkdir()
    with pytest.raises(ValueError, match="^For 'load_checkpoint', the 'ckpoint_file_name'"):
        load_checkpoint(str(folder))


_DTYPES = [torch.float32, torch.float16, torch.float64, torch.int8, torch.int16, torch.int32, torch.int64,
           torch.uint8, torch.bool]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.dictionaries(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=20),
    st.tuples(st.sampled_from(range(len(_DTYPES))), st.lists(st.integers(0, 3), min_size=1, max_size=3)),
    min_size=1, max_size=5))
def test_load_checkpoint_round_trips_what_save_checkpoint_wrote(tmp_path, entries):
    data = {}
    for name, (k, shape) in entries.items():
        if name != name.strip():
            continue
        data[name] = (torch.arange(int(np.prod(shape))) % 2).reshape(shape).to(_DTYPES[k])
    if not data:
        return
    path = str(tmp_path / "rt.ckpt")
    save_checkpoint(data, path)
    loaded = load_checkpoint(path)
    assert list(loaded) == list(data)
    for name, t in data.items():
        got = loaded[name].detach()
        assert got.dtype == t.dtype
        # a 1-element (1,) or 0-element shape (0,) is written with dims [1]/[0]; [0] means scalar
        if tuple(t.shape) != (0,):
            assert torch.equal(got.reshape(t.shape), t)


# ---------------------------------------------------------------------------- load_param_into_net
def test_load_param_into_net_warns_about_parameters_not_loaded(tmp_path, caplog):
    net = _Named()
    params = {"fc1.weight": Parameter(Tensor(np.ones((3, 4)), msnn.float32), name="fc1.weight"),
              "extra": Parameter(Tensor(np.ones(1), msnn.float32), name="extra")}
    with caplog.at_level(logging.WARNING, logger="msnn"):
        load_param_into_net(net, params)
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and "3 parameter(s) of the net not loaded" in warned[0]
    assert "fc1.bias" in warned[0] and "fc2.weight" in warned[0] and "fc2.bias" in warned[0]
    assert "fc1.weight" not in warned[0] and "extra" not in warned[0]  # extra entries: DEBUG only
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="msnn"):
        load_param_into_net(net, params)
    assert any("not in the net: ['extra']" in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG)
    np.testing.assert_array_equal(net.fc1.weight.asnumpy(), np.ones((3, 4)))


def test_load_param_into_net_strict_load_raises_and_changes_nothing():
    net = _Named()
    before = net.fc1.weight.asnumpy().copy()
    with pytest.raises(ValueError, match=r"^For 'load_param_into_net'.*fc2\.weight"):
        load_param_into_net(net, {"fc1.weight": Parameter(Tensor(np.ones((3, 4)), msnn.float32), name="w")},
                            strict_load=True)
    np.testing.assert_array_equal(net.fc1.weight.asnumpy(), before)
    with pytest.raises(TypeError, match="strict_load"):
        load_param_into_net(net, {}, strict_load="yes")


def test_load_param_into_net_complete_dict_logs_nothing(tmp_path, caplog):
    net = _Named()
    path = str(tmp_path / "n.ckpt")
    save_checkpoint(net, path)
    with caplog.at_level(logging.WARNING, logger="msnn"):
        load_checkpoint(path, net=_Named(), strict_load=True)
    assert caplog.text == ""
