"""``mindspore.train.serialization``: MindSpore's own ``.ckpt`` files (protobuf), read and written.

A ``.ckpt`` is a protobuf ``Checkpoint`` message (``checkpoint.proto`` of MindSpore, proto2): one
``Value`` per parameter with its ``tag`` (the parameter's name) and a ``TensorProto`` (``dims``,
``tensor_type`` such as ``'Float32'``, raw little-endian C-order ``tensor_content``). A scalar is
written with ``dims == [0]``. Files written here load in MindSpore and the reverse; loading
parses protobuf only (nothing is unpickled). Newer MindSpore files are read too: consecutive
chunks of one tag are joined, the ``crc_num`` trailer is stripped and checked, both ``Uint8`` and
``UInt8`` spellings are accepted.

Integrity (msnn's rules; 0.1 checked none of them): a file is loaded whole or not at all. Every entry
must be complete (a non-empty name, a known dtype, dims >= 0 and exactly ``prod(dims) * itemsize``
bytes of data) and a checkpoint must hold at least one entry. msnn writes a small header before
the entries -- two protobuf fields unknown to MindSpore's schema (numbers 1000/1001: the entry count
and the byte length of the rest), which every protobuf reader skips -- so a truncated msnn file is
always detected; a MindSpore file is checked by its ``crc_num`` trailer when it has one.
"""
import binascii
import gc
import logging
import math
import os
import sys
import stat
import tempfile
import warnings

import numpy as np
import torch

from .._api import ms_api
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from ..common.parameter import Parameter
from ..common.tensor import Tensor

__all__ = ["save_checkpoint", "load_checkpoint", "load_param_into_net"]

_NP_TYPES = {
    "Int8": np.int8, "Int16": np.int16, "Int32": np.int32, "Int64": np.int64,
    "Uint8": np.uint8, "UInt8": np.uint8, "Float16": np.float16, "Float32": np.float32,
    "Float64": np.float64, "Bool": np.bool_,
}
_TYPE_NAMES = {t: mstype.dtype_name(t) for t in (mstype.int8, mstype.int16, mstype.int32, mstype.int64,
                                                  mstype.uint8, mstype.float16, mstype.float32, mstype.float64,
                                                  mstype.bool_)}  # MindSpore's tensor_type names
_CRC_MARK = b"crc_num"
_TORCH_TYPES = {
    "Int8": torch.int8, "Int16": torch.int16, "Int32": torch.int32, "Int64": torch.int64,
    "Uint8": torch.uint8, "UInt8": torch.uint8, "Float16": torch.float16, "Float32": torch.float32,
    "Float64": torch.float64, "Bool": torch.bool,
}
_NP_BY_TORCH = {t: np.dtype(_NP_TYPES[k]) for k, t in _TORCH_TYPES.items()}
_ITEMSIZE = {t: d.itemsize for t, d in _NP_BY_TORCH.items()}
_NAME_MAX_LEN = 1024  # a Parameter name's limit: a longer name could not be loaded back
_COUNT_FIELD, _LENGTH_FIELD = 1000, 1001  # msnn's header fields (unknown to MindSpore's schema)

logger = logging.getLogger("msnn.train.serialization")


def _checkpoint_class():
    """The ``Checkpoint`` message class, built from MindSpore's schema without protoc, on first use
    (importing protobuf and building the class is most of what importing this module would cost)."""
    cls = globals().get("Checkpoint")
    if cls is not None:
        return cls
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory  # pylint: disable=import-outside-toplevel
    f = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto(name="msnn_checkpoint.proto", syntax="proto2")
    tensor = proto.message_type.add(name="TensorProto")
    tensor.field.add(name="dims", number=1, type=f.TYPE_INT64, label=f.LABEL_REPEATED)
    tensor.field.add(name="tensor_type", number=2, type=f.TYPE_STRING, label=f.LABEL_OPTIONAL)
    tensor.field.add(name="tensor_content", number=3, type=f.TYPE_BYTES, label=f.LABEL_OPTIONAL)
    map_tensor = proto.message_type.add(name="MapTensorProto")
    map_tensor.field.add(name="tensor", number=1, type=f.TYPE_MESSAGE, label=f.LABEL_REPEATED,
                         type_name=".TensorProto")
    ckpt = proto.message_type.add(name="Checkpoint")
    value = ckpt.nested_type.add(name="Value")
    value.field.add(name="tag", number=1, type=f.TYPE_STRING, label=f.LABEL_OPTIONAL)
    value.field.add(name="tensor", number=2, type=f.TYPE_MESSAGE, label=f.LABEL_OPTIONAL, type_name=".TensorProto")
    value.field.add(name="maptensor", number=3, type=f.TYPE_MESSAGE, label=f.LABEL_OPTIONAL,
                    type_name=".MapTensorProto")
    ckpt.field.add(name="value", number=1, type=f.TYPE_MESSAGE, label=f.LABEL_REPEATED,
                   type_name=".Checkpoint.Value")
    ckpt.field.add(name="msnn_count", number=_COUNT_FIELD, type=f.TYPE_INT64, label=f.LABEL_OPTIONAL)
    ckpt.field.add(name="msnn_length", number=_LENGTH_FIELD, type=f.TYPE_INT64, label=f.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    cls = globals()["Checkpoint"] = message_factory.GetMessageClass(pool.FindMessageTypeByName("Checkpoint"))
    return cls


def __getattr__(name):  # `serialization.Checkpoint`: the message class, built on first use
    if name == "Checkpoint":
        return _checkpoint_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _entries(parameter_list):
    """(name, tensor) pairs from 0.1's list of {'name', 'data'} dicts, a Cell, or a dict."""
    if isinstance(parameter_list, Cell):
        return _named_params(parameter_list)
    if isinstance(parameter_list, dict):
        return [(k, v) for k, v in parameter_list.items()]
    if not isinstance(parameter_list, (list, tuple)):
        V.fail("save_checkpoint", "parameter_list", "a list of {'name': str, 'data': Tensor} dicts or a Cell", type(parameter_list).__name__, exc=TypeError)
    out = []
    for p in parameter_list:
        if not isinstance(p, dict) or "name" not in p or "data" not in p:
            V.fail("save_checkpoint", "parameter_list", "a list of {'name': str, 'data': Tensor} dicts",
                   V._Raw(f"an element {V._show(p)}"), exc=TypeError)
        out.append((p["name"], p["data"]))
    return out


def _named_params(net):
    """``[(param.name, param)]`` for a network, its optimizers' state included (what 0.1 saved); each
    Parameter once (a shared Parameter is not a duplicate), two Parameters may share a name."""
    out, seen = [], set()

    def add(param):
        if id(param) not in seen:
            seen.add(id(param))
            out.append((param.name, param))

    for _, param in net.parameters_and_names():  # a held optimizer's state included (Cell's rule)
        add(param)
    return out


def _check_name(name, where):
    """A name that a Parameter keeps unchanged (so the file loads back under it), encodable in UTF-8."""
    if not isinstance(name, str):
        V.fail("save_checkpoint", where, "a str", name, exc=TypeError)
    if not name or name != name.strip() or len(name) > _NAME_MAX_LEN:
        V.fail("save_checkpoint", where, f"a non-empty name of at most {_NAME_MAX_LEN} characters without "
               "leading or trailing spaces (a Parameter name; any other would not load back)", name)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        V.fail("save_checkpoint", where, "a name encodable in UTF-8", name)
    return name


def _encode(parameter_list):
    """The file's bytes: msnn's header (entry count, byte length of the rest), then the entries."""
    message = _checkpoint_class()()
    seen = set()
    for name, data in _entries(parameter_list):
        _check_name(name, "parameter_list")
        if name in seen:  # two tensors under one name: the file could not hold both
            V.fail("save_checkpoint", "parameter_list", "free of duplicate parameter names (rename the "
                   "parameters, e.g. put the cells in a parent with auto_prefix=True)", name)
        seen.add(name)
        if isinstance(data, torch.Tensor):
            array = data.detach().cpu().numpy() if data.dtype is not torch.bfloat16 else None
            dtype = data.dtype
        else:
            array = np.asarray(data)
            dtype = mstype.np_to_dtype(array.dtype) if array.dtype.kind in "biuf" else array.dtype
        type_name = _TYPE_NAMES.get(dtype) if array is not None else None
        if type_name is None:
            V.fail("save_checkpoint", f"parameter_list[{name!r}]", "a Tensor of a checkpoint dtype ("
                   + ", ".join(sorted(set(_TYPE_NAMES.values()))) + ")", V._Raw(f"dtype {dtype}"), exc=RuntimeError)
        value = message.value.add()
        value.tag = name
        value.tensor.tensor_type = type_name
        value.tensor.dims.extend(list(array.shape) if array.shape else [0])
        value.tensor.tensor_content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    body = message.SerializeToString()
    header = _checkpoint_class()(msnn_count=len(message.value), msnn_length=len(body)).SerializeToString()
    return header + body


@ms_api("mindspore.train.serialization.save_checkpoint", torch="torch.save (protobuf instead of pickle)",
        deviations=("Also accepts a Cell (saving its parameters and its optimizers' state, as 0.1's "
                    "internal _exec_save_checkpoint did) or a {name: tensor} dict.",
                    "The file is written to a temporary name and renamed, so a failed save leaves an "
                    "existing file intact; through a symbolic link the link's target is written.",
                    "Duplicate names, and names a Parameter would not keep (empty, longer than 1024 "
                    "characters, with leading/trailing spaces, not UTF-8) raise ValueError before "
                    "anything is written (0.1 wrote files that lost tensors or could not be loaded).",
                    "The file starts with a small header (entry count and length, in protobuf fields "
                    "that MindSpore's schema does not have and every reader skips), so that a "
                    "truncated file is detected at load.",))
def save_checkpoint(parameter_list, ckpoint_file_name):
    """Saves parameters to a MindSpore ``.ckpt`` file.

    Args:
        parameter_list (list): Each element a dict ``{"name": str, "data": Tensor}`` (0.1's form);
            a Cell or a ``{name: tensor}`` dict are accepted too.
        ckpoint_file_name (str): The file to write.

    Raises:
        TypeError: If ``parameter_list`` is not one of the forms above or holds a tensor of a dtype
            a checkpoint cannot hold.
        ValueError: If two parameters share a name, or a name is empty, longer than 1024
            characters, has leading/trailing spaces or is not UTF-8 (nothing is written).
        RuntimeError: If the file cannot be written (an existing file is left unchanged).

    Examples:
        >>> import os, tempfile
        >>> import msnn as nn
        >>> from msnn.train.serialization import save_checkpoint, load_checkpoint
        >>> path = os.path.join(tempfile.mkdtemp(), "dense.ckpt")
        >>> save_checkpoint(nn.Dense(2, 3), path)
        >>> sorted(load_checkpoint(path))
        ['bias', 'weight']

    Note:
        A top-level SequentialCell or CellList names its parameters ``weight, bias, weight, ...``
        (MindSpore renames only inside an ``auto_prefix=True`` parent): saving it raises
        ValueError instead of silently keeping the first of each name.
    """
    if not isinstance(ckpoint_file_name, (str, os.PathLike)):
        V.fail("save_checkpoint", "ckpoint_file_name", "a str", ckpoint_file_name, exc=TypeError)
    payload = _encode(parameter_list)
    target = os.path.realpath(ckpoint_file_name)  # through a symlink: write (and replace) the target
    try:
        if os.path.isdir(target):
            raise IsADirectoryError(f"{ckpoint_file_name!r} is a directory")
        fd, tmp = tempfile.mkstemp(prefix=".msnn-", suffix=".ckpt.tmp", dir=os.path.dirname(target))
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, stat.S_IRUSR)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
    except OSError as e:
        raise RuntimeError(f"For 'save_checkpoint', failed to save {ckpoint_file_name!r}: {e}") from e


def _parse(payload):
    if len(payload) > 17 and payload[-17:-10] == _CRC_MARK:
        body, crc = payload[:-17], int.from_bytes(payload[-10:], "big")
        if binascii.crc32(body) != crc:
            raise ValueError("the crc_num check failed: the file is corrupted")
        payload = body
    message = _checkpoint_class()()
    message.ParseFromString(payload)
    if message.HasField("msnn_count") or message.HasField("msnn_length"):
        header = len(_checkpoint_class()(msnn_count=message.msnn_count, msnn_length=message.msnn_length).SerializeToString())
        if message.msnn_length != len(payload) - header or message.msnn_count != len(message.value):
            raise ValueError(f"the file is truncated or corrupted: msnn wrote {message.msnn_count} entries in "
                             f"{message.msnn_length} bytes, found {len(message.value)} entries in "
                             f"{len(payload) - header} bytes")
    return message


def _decode(message):
    """``{tag: (torch dtype, shape, bytes)}``; every entry checked complete (see the module doc)."""
    chunks = {}
    for i, value in enumerate(message.value):
        tag = value.tag
        if not tag or tag != tag.strip() or len(tag) > _NAME_MAX_LEN:
            raise ValueError(f"entry {i} has an invalid name {tag[:80]!r}")
        if not value.HasField("tensor"):
            if value.HasField("maptensor"):
                continue  # a newer MindSpore MapTensor: not a Parameter
            raise ValueError(f"entry {tag!r} holds no tensor")
        t = value.tensor
        dtype = _TORCH_TYPES.get(t.tensor_type)
        if dtype is None:
            raise ValueError(f"entry {tag!r} has an unknown tensor_type {t.tensor_type!r}")
        dims = list(t.dims)
        if any(d < 0 for d in dims):
            raise ValueError(f"entry {tag!r} has invalid dims {dims}")
        entry = chunks.get(tag)
        if entry is None:
            chunks[tag] = [t.tensor_type, dims, [t.tensor_content]]
        elif entry[0] != t.tensor_type or entry[1] != dims:
            raise ValueError(f"entry {tag!r} appears twice with different dtypes or dims")
        else:
            entry[2].append(t.tensor_content)  # newer MindSpore splits a large tensor into chunks
    if not chunks:
        raise ValueError("the file holds no parameters")
    out = {}
    for tag, (type_name, dims, parts) in chunks.items():
        dtype = _TORCH_TYPES[type_name]
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        # 0.1 wrote [0] for a scalar, later MindSpore []; [0] with no data is an empty 1-D tensor
        shape = () if dims == [] or (dims == [0] and data) else tuple(dims)
        need = math.prod(shape) * _ITEMSIZE[dtype]
        if len(data) != need:
            raise ValueError(f"entry {tag!r} of dtype {type_name} and dims {dims} needs {need} bytes of data, "
                             f"but has {len(data)}")
        out[tag] = (dtype, shape, data)
    return out


def _to_parameter(tag, dtype, shape, data):
    if not data:
        tensor = torch.empty(shape, dtype=dtype)
    elif sys.byteorder == "little":
        tensor = torch.frombuffer(data, dtype=dtype).reshape(shape)  # read-only view; Parameter copies it
    else:
        array = np.frombuffer(data, dtype=_NP_BY_TORCH[dtype].newbyteorder("<"))
        tensor = torch.from_numpy(array.astype(array.dtype.newbyteorder("="))).reshape(shape)
    return Parameter(tensor, name=tag, requires_grad=dtype.is_floating_point)


@ms_api("mindspore.train.serialization.load_checkpoint", torch="torch.load (protobuf, never unpickles)",
        deviations=("Scalars (dims [0]) load as 0-d Parameters rather than Python numbers.",
                    "A file is loaded whole or not at all: an incomplete entry, a truncated msnn file, "
                    "negative dims, an empty name or a file with no entries raise ValueError (0.1 "
                    "could load a truncated file as a shorter checkpoint).",
                    "strict_load (from later MindSpore versions) is passed to load_param_into_net."))
def load_checkpoint(ckpoint_file_name, net=None, strict_load=False):
    """Loads a MindSpore ``.ckpt`` file into ``{name: Parameter}`` (and into ``net`` if given).

    Args:
        ckpoint_file_name (str): The ``.ckpt`` file.
        net (Cell): Loads the parameters into this network too. Default: None.
        strict_load (bool): With ``net``: raise if some of its parameters are not in the file
            (see :func:`load_param_into_net`). Default: False.

    Raises:
        ValueError: If the name is not a str, the file is missing, a directory, not ``.ckpt``,
            empty, not a checkpoint, truncated or holds an incomplete entry.

    Note:
        Loading is linear in the file size: each entry costs one copy of its bytes. A truncated
        MindSpore-written file without a ``crc_num`` trailer that ends exactly between two
        entries cannot be told from a shorter checkpoint; msnn's own files carry a header that
        detects it.
    """
    if not isinstance(ckpoint_file_name, str):
        V.fail("load_checkpoint", "ckpoint_file_name", "a str", ckpoint_file_name)
    if not os.path.exists(ckpoint_file_name) or not ckpoint_file_name.endswith(".ckpt"):
        V.fail("load_checkpoint", "ckpoint_file_name", "an existing '.ckpt' file", ckpoint_file_name)
    if not os.path.isfile(ckpoint_file_name):
        V.fail("load_checkpoint", "ckpoint_file_name", "a file (not a directory)", ckpoint_file_name)
    V.check_bool(strict_load, "strict_load", "load_checkpoint")
    if os.path.getsize(ckpoint_file_name) == 0:
        V.fail("load_checkpoint", "ckpoint_file_name", "a non-empty checkpoint file", ckpoint_file_name)
    try:
        with open(ckpoint_file_name, "rb") as f:
            payload = f.read()
    except OSError as e:
        raise ValueError(f"For 'load_checkpoint', cannot read {ckpoint_file_name!r}: {e}") from e
    # many small entries create many objects that all survive: pause the cyclic GC, whose repeated full
    # collections would otherwise make the load superlinear
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        try:
            entries = _decode(_parse(payload))
        except Exception as e:  # protobuf's DecodeError and friends, and the integrity checks
            raise ValueError(f"For 'load_checkpoint', {ckpoint_file_name!r} is not a valid checkpoint: {e}") from e
        del payload
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The given buffer is not writable")
            parameter_dict = {tag: _to_parameter(tag, *entry) for tag, entry in entries.items()}
    finally:
        if gc_was_on:
            gc.enable()
    if net is not None:
        load_param_into_net(net, parameter_dict, strict_load)
    return parameter_dict


@ms_api("mindspore.train.serialization.load_param_into_net", torch="Module.load_state_dict",
        deviations=("A dtype or shape mismatch raises before any parameter is changed (0.1 could stop "
                    "half-way).",
                    "Parameters of the net that the dict lacks are logged as a WARNING on the "
                    "'msnn.train.serialization' logger (0.1 logged them at DEBUG level; entries the net "
                    "lacks stay at DEBUG); strict_load=True (from later MindSpore versions) raises ValueError "
                    "instead when some of the net's parameters are missing."))
def load_param_into_net(net, parameter_dict, strict_load=False):
    """Copies each ``parameter_dict[param.name]`` into the matching parameter of ``net``.

    Parameters of ``net`` missing from the dict are left alone (as in MindSpore) and named in a
    warning of the ``msnn.train.serialization`` logger; entries of the dict that ``net`` lacks (an
    optimizer's state in a training checkpoint) are logged at DEBUG level. A shape (1,) parameter accepts a scalar, and a trailing run of size-1 dims may be
    dropped (0.1's special case).

    Args:
        net (Cell): The network.
        parameter_dict (dict): ``{name: Parameter}``, e.g. from :func:`load_checkpoint`.
        strict_load (bool): Raise ValueError (and change nothing) if some parameters of ``net``
            are not in ``parameter_dict``. Default: False.

    Raises:
        TypeError: If ``net`` is not a Cell, ``parameter_dict`` not a dict, an entry not a
            Parameter, or ``strict_load`` not a bool.
        ValueError: If ``strict_load`` and some parameters of ``net`` are missing.
        RuntimeError: If an entry's dtype or shape does not fit its parameter.
    """
    if not isinstance(net, Cell):
        V.fail("load_param_into_net", "net", "a Cell", type(net).__name__, exc=TypeError)
    if not isinstance(parameter_dict, dict):
        V.fail("load_param_into_net", "parameter_dict", "a dict", type(parameter_dict).__name__, exc=TypeError)
    V.check_bool(strict_load, "strict_load", "load_param_into_net")
    updates, missing = [], []
    named = _named_params(net)
    for name, param in named:
        if name not in parameter_dict:
            missing.append(name)
            continue
        new = parameter_dict[name]
        if not isinstance(new, Parameter):
            V.fail("load_param_into_net", f"parameter_dict[{name!r}]", "a Parameter", type(new).__name__, exc=TypeError)
        if new.dtype != param.dtype:
            raise RuntimeError(f"For 'load_param_into_net', parameter {name!r} is {param.dtype} in the net "
                               f"but {new.dtype} in parameter_dict.")
        data = new.detach()
        if data.shape != param.shape:
            if data.numel() == param.numel() and (data.dim() == 0 or _drops_unit_dims(param.shape, data.shape)):
                data = data.reshape(param.shape)
            else:
                raise RuntimeError(f"For 'load_param_into_net', parameter {name!r} has shape {tuple(param.shape)} "
                                   f"in the net but {tuple(data.shape)} in parameter_dict.")
        updates.append((param, data))
    names = {name for name, _ in named}
    unused = [name for name in parameter_dict if name not in names]
    if missing and strict_load:
        raise ValueError(f"For 'load_param_into_net', with strict_load=True every parameter of the net must be "
                         f"in parameter_dict, but {len(missing)} are not: {missing}")
    with torch.no_grad():
        for param, data in updates:
            param.copy_(data)
    if missing:
        logger.warning("load_param_into_net: %d parameter(s) of the net not loaded (not in parameter_dict): %s",
                       len(missing), missing)
    if unused:  # e.g. a training checkpoint's optimizer state loaded into a bare network: the usual case
        logger.debug("load_param_into_net: %d entr(y/ies) of parameter_dict not in the net: %s",
                     len(unused), unused)


def _drops_unit_dims(net_shape, file_shape):
    """0.1 accepted (12, 2048, 1, 1) for a (12, 2048) parameter: extra trailing dims all 1."""
    n = len(net_shape)
    return tuple(file_shape[:n]) == tuple(net_shape) and all(d == 1 for d in file_shape[n:]) \
        or (tuple(net_shape) == (1,) and len(file_shape) == 0)
