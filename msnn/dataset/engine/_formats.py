"""File formats the dataset sources read: MNIST idx, CIFAR binary, TFRecord + tf.Example, image folders.

Every reader raises ``RuntimeError`` (the type MindSpore 0.1's C++ readers surfaced) whose message
names the dataset class, the file and the problem.
"""
import bisect
import os
import struct

import numpy as np

from ..._tfrecord import crc32c, masked_crc32c, frame
from ._fuse import _cv2

__all__ = [
    "mnist_files", "read_mnist", "count_mnist", "cifar_files", "read_cifar", "CifarRecords", "count_cifar",
    "crc32c", "masked_crc32c", "tfrecord_offsets", "read_tfrecord", "parse_example",
    "encode_example", "write_tfrecord", "image_folder_list",
]

MNIST_IMAGE_MAGIC = 2051
MNIST_LABEL_MAGIC = 2049
MNIST_ROWS = MNIST_COLS = 28
CIFAR_IMAGE = 32 * 32 * 3


def _listdir(cls_name, directory):
    try:
        return sorted(os.path.join(directory, n) for n in os.listdir(directory))
    except OSError as err:
        raise RuntimeError(f"{cls_name}: unable to open the directory {directory!r}: {err}") from None


# ---------------------------------------------------------------- MNIST


def mnist_files(cls_name, directory):
    """The (image, label) file pairs of ``directory``: every file whose name contains ``idx3-ubyte``
    / ``idx1-ubyte``, each list sorted, paired in order (as 0.1's MnistOp)."""
    names = [p for p in _listdir(cls_name, directory) if os.path.isfile(p)]
    images = [p for p in names if "idx3-ubyte" in os.path.basename(p)]
    labels = [p for p in names if "idx1-ubyte" in os.path.basename(p) and p not in images]
    if not images and not labels:
        raise RuntimeError(f"{cls_name}: no MNIST file in {directory!r} (expected names containing "
                           f"'idx3-ubyte' for images and 'idx1-ubyte' for labels).")
    if len(images) != len(labels):
        raise RuntimeError(f"{cls_name}: {directory!r} holds {len(images)} image file(s) (*idx3-ubyte*) but "
                           f"{len(labels)} label file(s) (*idx1-ubyte*); they must pair up.")
    return list(zip(images, labels))


def _mnist_header(cls_name, path, magic, header_len):
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(header_len)
    except OSError as err:
        raise RuntimeError(f"{cls_name}: cannot open the MNIST file {path!r}: {err}") from None
    if len(head) < header_len:
        raise RuntimeError(f"{cls_name}: the MNIST file {path!r} is corrupted: {size} bytes, shorter than "
                           f"its {header_len}-byte header.")
    fields = struct.unpack(">" + "I" * (header_len // 4), head)
    if fields[0] != magic:
        kind = "image" if magic == MNIST_IMAGE_MAGIC else "label"
        raise RuntimeError(f"{cls_name}: {path!r} is not an MNIST {kind} file: magic number {fields[0]}, "
                           f"expected {magic}.")
    return size, fields


def _check_mnist_pair(cls_name, image_path, label_path):
    size, (_, n_img, rows, cols) = _mnist_header(cls_name, image_path, MNIST_IMAGE_MAGIC, 16)
    if rows != MNIST_ROWS or cols != MNIST_COLS:
        raise RuntimeError(f"{cls_name}: {image_path!r} holds {rows}x{cols} images; MNIST images are 28x28.")
    if size - 16 != n_img * rows * cols:
        raise RuntimeError(f"{cls_name}: the MNIST image file {image_path!r} is truncated or padded: its header "
                           f"announces {n_img} images ({16 + n_img * rows * cols} bytes) but it has {size} bytes.")
    lsize, (_, n_lab) = _mnist_header(cls_name, label_path, MNIST_LABEL_MAGIC, 8)
    if lsize - 8 != n_lab:
        raise RuntimeError(f"{cls_name}: the MNIST label file {label_path!r} is truncated or padded: its header "
                           f"announces {n_lab} labels ({8 + n_lab} bytes) but it has {lsize} bytes.")
    if n_img != n_lab:
        raise RuntimeError(f"{cls_name}: {image_path!r} holds {n_img} images but {label_path!r} holds "
                           f"{n_lab} labels.")
    return n_img


def count_mnist(cls_name, directory):
    """Rows in the MNIST files of ``directory`` (headers and sizes checked, data not read)."""
    return sum(_check_mnist_pair(cls_name, i, l) for i, l in mnist_files(cls_name, directory))


def read_mnist(cls_name, directory):
    """All images (N, 28, 28, 1) uint8 and labels (N,) uint32 of ``directory``.

    As in MindSpore 0.1 (``MnistOp::ReadImageAndLabel``), every non-zero pixel is set to 255: the
    images come out binarised.
    """
    images, labels = [], []
    for image_path, label_path in mnist_files(cls_name, directory):
        n = _check_mnist_pair(cls_name, image_path, label_path)
        img = np.fromfile(image_path, dtype=np.uint8, offset=16)
        lab = np.fromfile(label_path, dtype=np.uint8, offset=8)
        images.append(img.reshape(n, MNIST_ROWS, MNIST_COLS, 1))
        labels.append(lab.astype(np.uint32))
    image = np.concatenate(images) if len(images) > 1 else images[0]
    image = np.negative((image != 0).view(np.uint8))  # 0.1's binarisation: 0 -> 0, else 1 -> 255
    label = np.concatenate(labels) if len(labels) > 1 else labels[0]
    return image, label


# ---------------------------------------------------------------- CIFAR


def cifar_files(cls_name, directory):
    """Every file of ``directory`` whose name contains ``.bin``, sorted (as 0.1's CifarOp)."""
    files = [p for p in _listdir(cls_name, directory) if ".bin" in os.path.basename(p) and os.path.isfile(p)]
    if not files:
        raise RuntimeError(f"{cls_name}: no CIFAR binary file in {directory!r} (expected names containing '.bin').")
    return files


def _cifar_record(cifar100):
    return CIFAR_IMAGE + (2 if cifar100 else 1)


def _cifar_rows(cls_name, path, cifar100):
    record = _cifar_record(cifar100)
    try:
        size = os.path.getsize(path)
    except OSError as err:
        raise RuntimeError(f"{cls_name}: {path!r} can not be opened: {err}") from None
    if size == 0 or size % record:
        raise RuntimeError(f"{cls_name}: the CIFAR file {path!r} is truncated or not CIFAR-{100 if cifar100 else 10} "
                           f"binary: {size} bytes is not a whole number of {record}-byte records.")
    return size // record


def count_cifar(cls_name, directory, cifar100):
    """Rows in the CIFAR binary files of ``directory`` (file sizes checked)."""
    return sum(_cifar_rows(cls_name, p, cifar100) for p in cifar_files(cls_name, directory))


def read_cifar(cls_name, directory, cifar100):
    """Images (N, 32, 32, 3) uint8 HWC and labels: (N,) uint32 for CIFAR-10; coarse and fine (N,)
    uint32 for CIFAR-100. Records are 1 (or 2) label bytes then 3072 bytes CHW."""
    records = CifarRecords(cls_name, directory, cifar100)
    raw = np.concatenate(records.blocks) if len(records.blocks) > 1 else records.blocks[0]
    images = np.ascontiguousarray(raw[:, records.nlab:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    return images, records.labels()


class CifarRecords:
    """The records of the CIFAR binary files of ``directory``, read as they are (one array per
    file); each row is converted to HWC when it is read, so opening costs only the file reads."""

    def __init__(self, cls_name, directory, cifar100):
        record = _cifar_record(cifar100)
        self.nlab = record - CIFAR_IMAGE
        self.blocks = []
        self.starts = []
        total = 0
        for path in cifar_files(cls_name, directory):
            n = _cifar_rows(cls_name, path, cifar100)
            self.blocks.append(np.fromfile(path, dtype=np.uint8).reshape(n, record))
            self.starts.append(total)
            total += n
        self.rows = total
        # per file: the images as an <n,32,32,3> view of the records, the labels as uint32
        self._images = [b[:, self.nlab:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1) for b in self.blocks]
        self._labels = [[b[:, j].astype(np.uint32) for j in range(self.nlab)] for b in self.blocks]

    def __len__(self):
        return self.rows

    def row(self, i):
        """(image <32,32,3> uint8 HWC, label arrays () uint32...) of record ``i``."""
        k = 0 if len(self.starts) == 1 else bisect.bisect_right(self.starts, i) - 1
        j = i - self.starts[k]
        cv2 = _cv2()
        if cv2 is not None:  # interleaving the 3 planes: cv2.merge is twice numpy's strided copy
            image = cv2.merge(list(self.blocks[k][j, self.nlab:].reshape(3, 32, 32)))
        else:
            image = self._images[k][j].copy()
        return (image,) + tuple(np.array(lab[j]) for lab in self._labels[k])

    def labels(self):
        """One (N,) uint32 array per label byte (CIFAR-10: 1; CIFAR-100: coarse, fine)."""
        return [np.concatenate([labs[j] for labs in self._labels]) for j in range(self.nlab)]


# ---------------------------------------------------------------- TFRecord


def tfrecord_offsets(cls_name, path):
    """The (offset, length) of every record's payload in the TFRecord file ``path``.

    Checks the framing (u64 length, masked CRC of the length, payload, masked CRC of the payload):
    a truncated file or a corrupted length raises ``RuntimeError``.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise RuntimeError(f"{cls_name}: cannot open the TFRecord file {path!r}: {err}") from None
    out = []
    pos, size = 0, len(data)
    while pos < size:
        if pos + 12 > size:
            raise RuntimeError(f"{cls_name}: the TFRecord file {path!r} is truncated: record {len(out)} has an "
                               f"incomplete header at byte {pos}.")
        head = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", head)
        (len_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if masked_crc32c(head) != len_crc:
            raise RuntimeError(f"{cls_name}: the TFRecord file {path!r} is corrupted: the length CRC of record "
                               f"{len(out)} (byte {pos}) does not match; not a TFRecord file?")
        if pos + 12 + length + 4 > size:
            raise RuntimeError(f"{cls_name}: the TFRecord file {path!r} is truncated: record {len(out)} announces "
                               f"{length} bytes at byte {pos} but the file ends at {size}.")
        out.append((pos + 12, length))
        pos += 12 + length + 4
    return out, data


def read_tfrecord(cls_name, path, offsets, data, index, check_crc=True):
    """The payload of record ``index`` (its data CRC checked)."""
    off, length = offsets[index]
    payload = data[off:off + length]
    if check_crc:
        (crc,) = struct.unpack("<I", data[off + length:off + length + 4])
        if masked_crc32c(payload) != crc:
            raise RuntimeError(f"{cls_name}: the TFRecord file {path!r} is corrupted: the data CRC of record "
                               f"{index} does not match.")
    return payload


def _varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _fields(buf):
    """(field number, wire type, value) of a protobuf message; value is an int or a memoryview."""
    pos, n = 0, len(buf)
    while pos < n:
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            length, pos = _varint(buf, pos)
            if pos + length > n:
                raise ValueError("truncated length-delimited field")
            value = buf[pos:pos + length]
            pos += length
        elif wire == 1:
            value = buf[pos:pos + 8]
            pos += 8
        elif wire == 5:
            value = buf[pos:pos + 4]
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > n:
            raise ValueError("truncated field")
        yield field, wire, value


def _packed_varints(buf):
    """Decode a packed run of varints (vectorised) as int64."""
    b = np.frombuffer(buf, dtype=np.uint8)
    if b.size == 0:
        return np.zeros(0, np.int64)
    ends = b < 0x80
    if not ends[-1]:
        raise ValueError("truncated packed varint")
    group = np.concatenate(([0], np.cumsum(ends[:-1]))).astype(np.int64)
    starts = np.flatnonzero(np.concatenate(([True], ends[:-1])))
    pos = np.arange(b.size) - starts[group]
    vals = (b & 0x7F).astype(np.uint64) << (7 * pos).astype(np.uint64)
    return np.bitwise_or.reduceat(vals, starts).view(np.int64)


def _feature(buf):
    """One tf.train.Feature -> ('bytes', [bytes...]) | ('float', ndarray) | ('int64', ndarray)."""
    for field, wire, value in _fields(buf):
        if field == 1:  # BytesList
            return "bytes", [bytes(v) for f, w, v in _fields(value) if f == 1 and w == 2]
        if field == 2:  # FloatList
            parts = []
            for f, w, v in _fields(value):
                if f == 1 and w == 2:
                    parts.append(np.frombuffer(v, dtype="<f4"))
                elif f == 1 and w == 5:
                    parts.append(np.frombuffer(v, dtype="<f4"))
            return "float", (np.concatenate(parts) if parts else np.zeros(0, np.float32)).astype(np.float32)
        if field == 3:  # Int64List
            parts = []
            for f, w, v in _fields(value):
                if f == 1 and w == 2:
                    parts.append(_packed_varints(v))
                elif f == 1 and w == 0:
                    parts.append(np.array([v], dtype=np.uint64).view(np.int64))
            return "int64", np.concatenate(parts) if parts else np.zeros(0, np.int64)
    return None, None


def parse_example(payload):
    """A serialized tf.train.Example -> {feature name: (kind, values)} (no TensorFlow needed)."""
    buf = memoryview(payload)
    out = {}
    for field, wire, features in _fields(buf):
        if field != 1 or wire != 2:
            continue
        for f, w, entry in _fields(features):
            if f != 1 or w != 2:
                continue
            key, value = None, b""
            for ef, ew, ev in _fields(entry):
                if ef == 1 and ew == 2:
                    key = bytes(ev).decode("utf-8")
                elif ef == 2 and ew == 2:
                    value = ev
            if key is not None:
                out[key] = _feature(value)
    return out


def _enc_varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _enc_field(field, payload):
    return _enc_varint((field << 3) | 2) + _enc_varint(len(payload)) + payload


def encode_example(features):
    """Serialize {name: int64 / float32 ndarray or list of bytes} as a tf.train.Example."""
    entries = b""
    for name in sorted(features):
        value = features[name]
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], bytes):
            inner = b"".join(_enc_field(1, v) for v in value)
            feat = _enc_field(1, inner)
        else:
            arr = np.asarray(value).ravel()
            if arr.dtype.kind == "f":
                feat = _enc_field(2, _enc_field(1, arr.astype("<f4").tobytes()))
            else:
                feat = _enc_field(3, _enc_field(1, b"".join(_enc_varint(int(x)) for x in arr)))
        entry = _enc_field(1, name.encode("utf-8")) + _enc_field(2, feat)
        entries += _enc_field(1, entry)
    return _enc_field(1, entries)


def write_tfrecord(path, payloads):
    """Write serialized records with TFRecord framing (length, masked CRCs)."""
    with open(path, "wb") as f:
        for p in payloads:
            f.write(frame(p))


# ---------------------------------------------------------------- image folders


def image_folder_list(cls_name, directory, extensions, class_indexing):
    """(path, label) of every file one level below ``directory``: class folders sorted by name,
    files sorted within each folder; labels are folder ranks or ``class_indexing[name]``."""
    folders = [p for p in _listdir(cls_name, directory) if os.path.isdir(p)]
    if class_indexing:
        folders = [p for p in folders if os.path.basename(p) in class_indexing]
    exts = None if not extensions else set(extensions)  # compared as given (0.1: '.JPEG' != '.jpeg')
    out = []
    for rank, folder in enumerate(folders):
        label = class_indexing[os.path.basename(folder)] if class_indexing else rank
        for path in _listdir(cls_name, folder):
            if not os.path.isfile(path):
                continue
            if exts is not None and os.path.splitext(path)[1] not in exts:
                continue
            out.append((path, label))
    if not out:
        raise RuntimeError(f"{cls_name}: no image file in the class folders of {directory!r}"
                           + (f" with extensions {sorted(exts)}." if exts else "."))
    return out
