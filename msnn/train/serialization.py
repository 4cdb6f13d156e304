"""``mindspore.train.serialization``: MindSpore's own ``.ckpt`` files (protobuf), read and written.

A ``.ckpt`` is a protobuf ``Checkpoint`` message (``checkpoint.proto`` of MindSpore, proto2): one
``Value`` per parameter with its ``tag`` (the parameter's name) and a ``TensorProto`` (``dims``,
``tensor_type`` such as ``'Float32'``, raw little-endian C-order ``tensor_content``). A scalar is
written with ``dims == [0]``. Files written here load in MindSpore and the reverse; loading
parses protobuf only (nothing is unpickled). Newer MindSpore files are read too: consecutive
chunks of one tag are joined, the ``crc_num`` trailer is stripped and checked, both ``Uint8`` and
``UInt8`` spellings are accepted.
"""
import binascii
import os
import stat
import tempfile

import numpy as np
import torch
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

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
_TYPE_NAMES = {mstype.int8: "Int8", mstype.int16: "Int16", mstype.int32: "Int32", mstype.int64: "Int64",
               mstype.uint8: "UInt8", mstype.float16: "Float16", mstype.float32: "Float32",
               mstype.float64: "Float64", mstype.bool_: "Bool"}
_CRC_MARK = b"crc_num"


def _checkpoint_class():
    """The ``Checkpoint`` message class, built from MindSpore's schema without protoc."""
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
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("Checkpoint"))


Checkpoint = _checkpoint_class()


def _entries(parameter_list):
    """(name, tensor) pairs from 0.1's list of {'name', 'data'} dicts, a Cell, or a dict."""
    if isinstance(parameter_list, Cell):
        return list(_named_params(parameter_list).items())
    if isinstance(parameter_list, dict):
        return [(k, v) for k, v in parameter_list.items()]
    if not isinstance(parameter_list, (list, tuple)):
        V.fail("save_checkpoint", "parameter_list", "a list of {'name': str, 'data': Tensor} dicts or a Cell", type(parameter_list).__name__, exc=TypeError)
    return [(p["name"], p["data"]) for p in parameter_list]


def _named_params(net):
    """``param.name -> param`` for a network, its optimizers' state included (what 0.1 saved)."""
    out = {}
    for _, cell in net.cells_and_names():
        for _, param in cell.parameters_and_names(expand=False):
            out.setdefault(param.name, param)
        for value in vars(cell).values():
            if not isinstance(value, torch.nn.Module) and hasattr(value, "parameters_and_names") \
                    and isinstance(value, torch.optim.Optimizer):
                for _, param in value.parameters_and_names():
                    out.setdefault(param.name, param)
    return out


@ms_api("mindspore.train.serialization.save_checkpoint", torch="torch.save (protobuf instead of pickle)",
        deviations=("Also accepts a Cell (saving its parameters and its optimizers' state, as 0.1's "
                    "internal _exec_save_checkpoint did) or a {name: tensor} dict.",
                    "The file is written to a temporary name and renamed, so a failed save leaves an "
                    "existing file intact.",))
def save_checkpoint(parameter_list, ckpoint_file_name):
    """Saves parameters to a MindSpore ``.ckpt`` file.

    Args:
        parameter_list (list): Each element a dict ``{"name": str, "data": Tensor}`` (0.1's form);
            a Cell or a ``{name: tensor}`` dict are accepted too.
        ckpoint_file_name (str): The file to write.

    Raises:
        RuntimeError: If the file cannot be written (an existing file is left unchanged).

    Examples:
        >>> import os, tempfile
        >>> import msnn as nn
        >>> from msnn.train.serialization import save_checkpoint, load_checkpoint
        >>> path = os.path.join(tempfile.mkdtemp(), "dense.ckpt")
        >>> save_checkpoint(nn.Dense(2, 3), path)
        >>> sorted(load_checkpoint(path))
        ['bias', 'weight']
    """
    message = Checkpoint()
    try:
        for name, data in _entries(parameter_list):
            array = data.detach().cpu().numpy() if isinstance(data, torch.Tensor) else np.asarray(data)
            dtype = data.dtype if isinstance(data, torch.Tensor) else mstype.np_to_dtype(array.dtype)
            value = message.value.add()
            value.tag = name
            value.tensor.tensor_type = _TYPE_NAMES[dtype() if callable(dtype) else dtype]
            value.tensor.dims.extend(list(array.shape) if array.shape else [0])
            value.tensor.tensor_content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        payload = message.SerializeToString()
        folder = os.path.dirname(os.path.abspath(ckpoint_file_name))
        fd, tmp = tempfile.mkstemp(prefix=".msnn-", suffix=".ckpt.tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, stat.S_IRUSR)
            os.replace(tmp, ckpoint_file_name)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
    except (KeyError, OSError, TypeError, ValueError) as e:
        raise RuntimeError(f"For 'save_checkpoint', failed to save {ckpoint_file_name!r}: {e}") from e


def _parse(payload):
    if len(payload) > 17 and payload[-17:-10] == _CRC_MARK:
        body, crc = payload[:-17], int.from_bytes(payload[-10:], "big")
        if binascii.crc32(body) != crc:
            raise ValueError("the crc_num check failed: the file is corrupted")
        payload = body
    message = Checkpoint()
    message.ParseFromString(payload)
    return message


@ms_api("mindspore.train.serialization.load_checkpoint", torch="torch.load (protobuf, never unpickles)",
        deviations=("Scalars (dims [0]) load as 0-d Parameters rather than Python numbers.",))
def load_checkpoint(ckpoint_file_name, net=None):
    """Loads a MindSpore ``.ckpt`` file into ``{name: Parameter}`` (and into ``net`` if given).

    Raises:
        ValueError: If the name is not a str, the file is missing, not ``.ckpt``, empty or not a
            checkpoint.
        RuntimeError: If a tensor in it cannot be decoded.
    """
    if not isinstance(ckpoint_file_name, str):
        V.fail("load_checkpoint", "ckpoint_file_name", "a str", ckpoint_file_name)
    if not os.path.exists(ckpoint_file_name) or not ckpoint_file_name.endswith(".ckpt"):
        V.fail("load_checkpoint", "ckpoint_file_name", "an existing '.ckpt' file", ckpoint_file_name)
    if os.path.getsize(ckpoint_file_name) == 0:
        V.fail("load_checkpoint", "ckpoint_file_name", "a non-empty checkpoint file", ckpoint_file_name)
    with open(ckpoint_file_name, "rb") as f:
        payload = f.read()
    try:
        message = _parse(payload)
    except Exception as e:  # protobuf's DecodeError and friends
        raise ValueError(f"For 'load_checkpoint', {ckpoint_file_name!r} is not a checkpoint: {e}") from e
    chunks = {}
    try:
        for value in message.value:
            if not value.HasField("tensor"):
                continue
            t = value.tensor
            data = np.frombuffer(t.tensor_content, dtype=np.dtype(_NP_TYPES[t.tensor_type]).newbyteorder("<"))
            dims = list(t.dims)
            entry = chunks.setdefault(value.tag, [t.tensor_type, dims, []])
            entry[2].append(data)
        parameter_dict = {}
        for tag, (type_name, dims, parts) in chunks.items():
            data = np.concatenate(parts) if len(parts) > 1 else parts[0]
            shape = () if dims == [0] else tuple(dims)
            array = data.astype(data.dtype.newbyteorder("=")).reshape(shape)
            parameter_dict[tag] = Parameter(Tensor(array), name=tag,
                                            requires_grad=bool(array.dtype.kind == "f"))
    except (KeyError, ValueError) as e:
        raise RuntimeError(f"For 'load_checkpoint', failed to decode {ckpoint_file_name!r}: {e}") from e
    if net is not None:
        load_param_into_net(net, parameter_dict)
    return parameter_dict


@ms_api("mindspore.train.serialization.load_param_into_net", torch="Module.load_state_dict",
        deviations=("A dtype or shape mismatch raises before any parameter is changed (0.1 could stop "
                    "half-way).",))
def load_param_into_net(net, parameter_dict):
    """Copies each ``parameter_dict[param.name]`` into the matching parameter of ``net``.

    Parameters of ``net`` missing from the dict, and entries of the dict that ``net`` lacks, are
    left alone (as in MindSpore). A shape (1,) parameter accepts a scalar, and a trailing run of
    size-1 dims may be dropped (0.1's special case).

    Raises:
        TypeError: If ``net`` is not a Cell, ``parameter_dict`` not a dict, or an entry not a Parameter.
        RuntimeError: If an entry's dtype or shape does not fit its parameter.
    """
    if not isinstance(net, Cell):
        V.fail("load_param_into_net", "net", "a Cell", type(net).__name__, exc=TypeError)
    if not isinstance(parameter_dict, dict):
        V.fail("load_param_into_net", "parameter_dict", "a dict", type(parameter_dict).__name__, exc=TypeError)
    updates = []
    for name, param in _named_params(net).items():
        if name not in parameter_dict:
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
    with torch.no_grad():
        for param, data in updates:
            param.copy_(data)


def _drops_unit_dims(net_shape, file_shape):
    """0.1 accepted (12, 2048, 1, 1) for a (12, 2048) parameter: extra trailing dims all 1."""
    n = len(net_shape)
    return tuple(file_shape[:n]) == tuple(net_shape) and all(d == 1 for d in file_shape[n:]) \
        or (tuple(net_shape) == (1,) and len(file_shape) == 0)
