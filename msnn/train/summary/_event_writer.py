"""TensorBoard event files written with protobuf alone (no tensorflow / tensorboard dependency).

An event file is a sequence of TFRecords (length, masked CRC-32C of the length, an ``Event``
protobuf, masked CRC-32C of the data). The message classes are built on first use from the
fields of TensorBoard's ``event.proto`` / ``summary.proto`` / ``tensor.proto`` that msnn writes,
with ``descriptor_pb2`` (as :mod:`msnn.train.serialization` builds MindSpore's checkpoint schema).
"""
import struct
import zlib

import numpy as np

from ..._tfrecord import crc32c as _crc32c, frame as _frame, masked_crc32c as _masked_crc

__all__ = ["Event", "EventFileWriter", "scalar_value", "tensor_value", "image_value", "histogram_value",
           "read_events"]


def _build_classes():
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory  # pylint: disable=import-outside-toplevel
    f = descriptor_pb2.FieldDescriptorProto
    opt, rep, msg = f.LABEL_OPTIONAL, f.LABEL_REPEATED, f.TYPE_MESSAGE
    proto = descriptor_pb2.FileDescriptorProto(name="msnn_tb_event.proto", package="msnn_tb", syntax="proto2")

    def message(name, fields):
        m = proto.message_type.add(name=name)
        for fname, number, ftype, label, type_name in fields:
            field = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                field.type_name = ".msnn_tb." + type_name
            if label == rep and ftype == f.TYPE_DOUBLE:
                field.options.packed = True  # proto3's encoding, as TensorBoard writes it
        return m

    message("Dim", [("size", 1, f.TYPE_INT64, opt, None), ("name", 2, f.TYPE_STRING, opt, None)])
    message("TensorShapeProto", [("dim", 2, msg, rep, "Dim")])
    message("TensorProto", [("dtype", 1, f.TYPE_INT32, opt, None),
                            ("tensor_shape", 2, msg, opt, "TensorShapeProto"),
                            ("tensor_content", 4, f.TYPE_BYTES, opt, None)])
    message("HistogramProto", [("min", 1, f.TYPE_DOUBLE, opt, None), ("max", 2, f.TYPE_DOUBLE, opt, None),
                               ("num", 3, f.TYPE_DOUBLE, opt, None), ("sum", 4, f.TYPE_DOUBLE, opt, None),
                               ("sum_squares", 5, f.TYPE_DOUBLE, opt, None),
                               ("bucket_limit", 6, f.TYPE_DOUBLE, rep, None),
                               ("bucket", 7, f.TYPE_DOUBLE, rep, None)])
    message("Image", [("height", 1, f.TYPE_INT32, opt, None), ("width", 2, f.TYPE_INT32, opt, None),
                      ("colorspace", 3, f.TYPE_INT32, opt, None),
                      ("encoded_image_string", 4, f.TYPE_BYTES, opt, None)])
    message("PluginData", [("plugin_name", 1, f.TYPE_STRING, opt, None), ("content", 2, f.TYPE_BYTES, opt, None)])
    message("SummaryMetadata", [("plugin_data", 1, msg, opt, "PluginData")])
    message("Value", [("tag", 1, f.TYPE_STRING, opt, None), ("simple_value", 2, f.TYPE_FLOAT, opt, None),
                      ("image", 4, msg, opt, "Image"), ("histo", 5, msg, opt, "HistogramProto"),
                      ("tensor", 8, msg, opt, "TensorProto"), ("metadata", 9, msg, opt, "SummaryMetadata")])
    message("Summary", [("value", 1, msg, rep, "Value")])
    message("Event", [("wall_time", 1, f.TYPE_DOUBLE, opt, None), ("step", 2, f.TYPE_INT64, opt, None),
                      ("file_version", 3, f.TYPE_STRING, opt, None), ("summary", 5, msg, opt, "Summary")])
    # proto2 optional fields have presence, so simple_value 0.0 is written (TensorBoard's
    # `oneof value`); the wire format is the one TensorBoard's proto3 schema reads
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName("msnn_tb." + name))
            for name in ("Event", "Summary", "Value")}


def _event_class():
    """The ``Event`` message class, built on first use (importing protobuf costs start-up time)."""
    cls = globals().get("Event")
    if cls is None:
        cls = globals()["Event"] = _build_classes()["Event"]
    return cls


def __getattr__(name):  # `_event_writer.Event`: built on first use
    if name == "Event":
        return _event_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# -- summary values ------------------------------------------------------------------------------
_TF_DTYPES = {np.dtype(np.float32): 1, np.dtype(np.float64): 2, np.dtype(np.int32): 3, np.dtype(np.uint8): 4,
              np.dtype(np.int16): 5, np.dtype(np.int8): 6, np.dtype(np.int64): 9, np.dtype(np.bool_): 10,
              np.dtype(np.uint16): 17, np.dtype(np.float16): 19, np.dtype(np.uint32): 22, np.dtype(np.uint64): 23}


def scalar_value(value, tag, array):
    """A scalar (0.1 took the first element of a (1,) or larger tensor)."""
    value.tag = tag
    value.simple_value = float(array.reshape(-1)[0])


def tensor_value(value, tag, array):
    array = np.ascontiguousarray(array)
    if array.dtype not in _TF_DTYPES:
        array = array.astype(np.float32)
    value.tag = tag
    value.tensor.dtype = _TF_DTYPES[array.dtype]
    for d in array.shape:
        value.tensor.tensor_shape.dim.add(size=d)
    value.tensor.tensor_content = array.astype(array.dtype.newbyteorder("<")).tobytes()


def histogram_value(value, tag, array, bins=30):
    data = np.asarray(array, dtype=np.float64).reshape(-1)
    data = data[np.isfinite(data)]
    value.tag = tag
    histo = value.histo
    if data.size == 0:
        return
    counts, edges = np.histogram(data, bins=bins)
    histo.min, histo.max = float(data.min()), float(data.max())
    histo.num, histo.sum, histo.sum_squares = float(data.size), float(data.sum()), float(np.dot(data, data))
    histo.bucket_limit.extend(edges[1:].tolist())
    histo.bucket.extend(counts.astype(np.float64).tolist())


def _png(image):
    """PNG bytes of an HxWxC uint8 array (C in 1, 3, 4), written with zlib."""
    height, width, channels = image.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    raw = b"".join(b"\x00" + image[row].tobytes() for row in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _to_hwc_uint8(array):
    """0.1's image rule: NCHW (N tiled in rows of 8, 1 channel shown as grey), [0, 1] floats
    scaled to 255."""
    array = np.asarray(array)
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4:
        raise ValueError(f"an image summary needs an NCHW tensor, but got shape {array.shape}")
    n, c, h, w = array.shape
    if c not in (1, 3, 4):
        raise ValueError(f"an image summary needs 1, 3 or 4 channels (NCHW), but got shape {array.shape}")
    if array.dtype != np.uint8:
        array = array.astype(np.float32)
        if array.size and array.max() <= 1 and array.min() >= 0:
            array = array * 255
        array = np.clip(array, 0, 255).astype(np.uint8)
    cols = min(n, 8)
    rows = (n + cols - 1) // cols
    canvas = np.zeros((rows * h, cols * w, c), np.uint8)
    for k in range(n):
        r, col = divmod(k, cols)
        canvas[r * h:(r + 1) * h, col * w:(col + 1) * w] = array[k].transpose(1, 2, 0)
    return canvas


def image_value(value, tag, array):
    image = _to_hwc_uint8(array)
    value.tag = tag
    value.image.height, value.image.width, value.image.colorspace = image.shape
    value.image.encoded_image_string = _png(image)


# -- the file ------------------------------------------------------------------------------------
class EventFileWriter:
    """Appends TFRecord-framed ``Event`` messages to one file; the first event is the version."""

    def __init__(self, path, wall_time):
        self.path = path
        self._file = open(path, "wb")  # pylint: disable=consider-using-with
        self.write(_event_class()(wall_time=wall_time, file_version="brain.Event:2"))
        self.flush()

    def write(self, event):
        self._file.write(_frame(event.SerializeToString()))

    def flush(self):
        if not self._file.closed:
            self._file.flush()

    def close(self):
        if not self._file.closed:
            self._file.flush()
            self._file.close()


def read_events(path):
    """Every ``Event`` of an event file, the frame CRCs checked (ValueError on corruption)."""
    events = []
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        if struct.unpack("<I", data[pos + 8:pos + 12])[0] != _masked_crc(header):
            raise ValueError(f"{path}: corrupted record length at byte {pos}")
        payload = data[pos + 12:pos + 12 + length]
        if struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])[0] != _masked_crc(payload):
            raise ValueError(f"{path}: corrupted record at byte {pos}")
        event = _event_class()()
        event.ParseFromString(payload)
        events.append(event)
        pos += 16 + length
    return events
