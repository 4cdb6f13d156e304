"""SummaryRecord: TensorBoard event files (TFRecord frames, Event protobufs), the _record hook,
SummaryStep during Model.train."""
import os
import socket
import struct
import zlib

import numpy as np
import pytest
import torch

import msnn as nn
from msnn.train import Model
from msnn.train.callback import SummaryStep
from msnn.train.summary import SummaryRecord, _record
from msnn.train.summary import _event_writer as ew
from msnn.train.summary import summary_record as sr


def test_SummaryRecord_crc32c_and_frames():
    assert ew._crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    assert ew._crc32c(b"") == 0
    frame = ew._frame(b"abc")
    assert struct.unpack("<Q", frame[:8])[0] == 3 and frame[12:15] == b"abc" and len(frame) == 19


def _png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, color = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, color


def test_SummaryRecord_writes_tensorboard_events(tmp_path):
    record = SummaryRecord(str(tmp_path), file_prefix="run", file_suffix="_x")
    name = os.path.basename(record.full_file_name)
    assert name.startswith("run.out.tfevents.") and name.endswith("." + socket.gethostname() + "_x")
    assert record.log_dir == record.full_file_name and os.path.dirname(record.full_file_name) == str(tmp_path)
    assert record.record(1) is False  # nothing pending
    _record("scalar", "loss", torch.tensor(0.0))
    _record("scalar", "lr", torch.tensor([0.25]))
    _record("tensor", "w", torch.arange(6, dtype=torch.float32).reshape(2, 3))
    _record("image", "img", torch.ones(2, 3, 4, 5) * 0.5)
    _record("histogram", "h", torch.tensor([0.0, 1.0, 1.0, 2.0]))
    assert record.record(7) is True
    record.close()
    assert record.record(8) is False
    events = ew.read_events(record.full_file_name)
    assert events[0].file_version == "brain.Event:2" and len(events) == 2
    event = events[1]
    assert event.step == 7
    values = {v.tag: v for v in event.summary.value}
    assert values["loss"].HasField("simple_value") and values["loss"].simple_value == 0.0
    assert values["lr"].simple_value == 0.25
    t = values["w"].tensor
    assert t.dtype == 1 and [d.size for d in t.tensor_shape.dim] == [2, 3]
    np.testing.assert_array_equal(np.frombuffer(t.tensor_content, "<f4").reshape(2, 3), np.arange(6).reshape(2, 3))
    img = values["img"].image
    assert (img.height, img.width, img.colorspace) == (4, 10, 3)  # two images side by side
    assert _png_size(img.encoded_image_string) == (10, 4, 8, 2)
    raw = zlib.decompress(img.encoded_image_string[41:-12])  # IDAT payload of the single chunk
    assert raw[1:4] == bytes([127, 127, 127])  # 0.5 in [0, 1] scaled by 255
    h = values["h"].histo
    assert (h.min, h.max, h.num, h.sum, h.sum_squares) == (0.0, 2.0, 4.0, 4.0, 6.0) and sum(h.bucket) == 4


def test_SummaryRecord_record_hook_is_a_noop_without_an_open_record(tmp_path):
    assert not sr._open_records
    _record("scalar", "x", torch.tensor(1.0))
    assert sr._cache == []
    with SummaryRecord(str(tmp_path)) as record:
        _record("scalar", "x", torch.tensor(1.0))
        assert len(sr._cache) == 1
    # close() wrote the pending value at the last step
    assert [v.tag for v in ew.read_events(record.full_file_name)[1].summary.value] == ["x"]
    assert sr._cache == [] and not sr._open_records
    with pytest.raises(ValueError, match="'kind'"):
        _record("audio", "x", 1.0)


def test_SummaryRecord_argument_checks(tmp_path):
    with pytest.raises(TypeError, match="'queue_max_size'"):
        SummaryRecord(str(tmp_path), queue_max_size=1.5)
    with pytest.raises(TypeError, match="'flush_time'"):
        SummaryRecord(str(tmp_path), flush_time="1")
    with pytest.raises(TypeError, match="'file_prefix'"):
        SummaryRecord(str(tmp_path), file_prefix=3)
    with pytest.raises(ValueError, match="'file_suffix'"):
        SummaryRecord(str(tmp_path), file_suffix="a/b")
    with pytest.raises(TypeError, match="'log_dir'"):
        SummaryRecord("")
    with pytest.warns(UserWarning, match="flush_time"):
        record = SummaryRecord(str(tmp_path), flush_time=0)
    assert record.flush_time == 120
    with pytest.raises(ValueError, match="'step'"):
        record.record(1.0)
    record.close()
    from msnn._validator import UnsupportedWarning
    with pytest.warns(UnsupportedWarning, match="'network'.*no graph"):
        SummaryRecord(str(tmp_path), network=nn.Dense(2, 2)).close()


class _LoggingLoss(nn.Cell):
    """A loss network that reports its loss through the summary hook (what ScalarSummary does)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Dense(2, 1)

    def construct(self, data, label):
        loss = ((self.fc(data) - label) ** 2).mean()
        _record("scalar", "loss", loss)
        return loss


def test_SummaryStep_records_during_training(tmp_path):
    net = _LoggingLoss()
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
    train = nn.TrainOneStepCell(net, opt)
    rows = [(np.ones((2, 2), np.float32), np.zeros((2, 1), np.float32))] * 4
    with SummaryRecord(str(tmp_path)) as record:
        cb = SummaryStep(record, flush_step=2)
        assert cb.summary_file_name == record.full_file_name
        Model(train).train(1, rows, callbacks=cb, dataset_sink_mode=False)
    events = ew.read_events(record.full_file_name)[1:]
    assert [e.step for e in events] == [2, 4]
    assert [len(e.summary.value) for e in events] == [2, 2]  # two steps' values per record
    with pytest.raises(ValueError, match="'flush_step'"):
        SummaryStep(record, flush_step=0)


def test_SummaryRecord_readable_by_tensorboard(tmp_path):
    loader = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")
    with SummaryRecord(str(tmp_path)) as record:
        _record("scalar", "loss", torch.tensor(1.5))
        record.record(3)
    events = list(loader.EventFileLoader(record.full_file_name).Load())
    assert events[-1].step == 3 and events[-1].summary.value[0].tag == "loss"
