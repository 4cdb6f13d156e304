"""mindspore.nn.layer.embedding: Embedding."""
import torch
import torch.nn.functional as F

from .._api import ms_api
from .. import _validator as V
from ..cell import Cell
from ..common import dtype as mstype
from ..common.initializer import make_tensor
from ..common.parameter import Parameter

__all__ = ["Embedding"]


@ms_api("mindspore.nn.Embedding", torch="torch.nn.functional.embedding",
        deviations=("use_one_hot=True computes the same values with a gather instead of a one-hot "
                    "matmul (identical results, gradients equal up to float summation order), and "
                    "accepts any integer ids (MindSpore 0.1: int32 only).",
                    "The zero row of an out-of-range id is the gathered row times 0, so a negative "
                    "table entry shows as -0.0 there (equal to 0.0 in every comparison).",),
        doc_errors=("Input is ids of any shape S and the output has shape S + (embedding_size,), not "
                    "(vocab_size) -> (vocab_size, embedding_size).",
                    "Out-of-range or negative ids give a zero vector (no error)."))
class Embedding(Cell):
    r"""A simple lookup table that stores embeddings of a fixed dictionary and size.

    Args:
        vocab_size (int): Size of the dictionary of embeddings.
        embedding_size (int): The size of each embedding vector.
        use_one_hot (bool): Specifies whether to apply one_hot encoding form. Default: False.
        embedding_table (Union[Tensor, str, Initializer, numbers.Number]): Initializer for the
            embedding_table, shape (vocab_size, embedding_size). Default: 'normal'.
        dtype (mindspore.dtype): Data type of input (a number type). Default: mindspore.float32.

    Raises:
        TypeError: If ``dtype`` is not a number type.

    Inputs:
        - **input** (Tensor) - Integer ids of any shape S.

    Outputs:
        Tensor of shape S + (embedding_size,); ids outside [0, vocab_size) give zero vectors.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> from msnn import Tensor
        >>> import msnn as mindspore
        >>> net = nn.Embedding(20000, 768,  True)
        >>> input_data = Tensor(np.ones([8, 128]), mindspore.int32)
        >>> output = net(input_data)
        >>> output.shape()
        (8, 128, 768)

    Note:
        Both ``use_one_hot`` paths run as one gather (``F.embedding``); out-of-range ids give zero
        rows without an error or a host sync (clamped ids and a mask; on the CPU only when a plain
        gather finds an id out of range).
    """

    def __init__(self, vocab_size, embedding_size, use_one_hot=False, embedding_table='normal',
                 dtype=mstype.float32):
        super().__init__()
        name = type(self).__name__
        V.check_dtype(dtype, "dtype", name, mstype.number_type)
        # 0.1's initializer refused a bad shape with ValueError
        self.vocab_size = V.check_positive_int(vocab_size, "vocab_size", name, exc=ValueError)
        self.embedding_size = V.check_positive_int(embedding_size, "embedding_size", name, exc=ValueError)
        self.use_one_hot = V.check_bool(use_one_hot, "use_one_hot", name)
        self.embedding_table = Parameter(make_tensor(embedding_table, [vocab_size, embedding_size], mstype.float32,
                                                     name, "embedding_table", "vocab_size/embedding_size"),
                                         name='embedding_table')
        self.dtype = dtype

    def construct(self, ids):
        V.check_tensor(ids, "input_ids", "Embedding")
        if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
            V.fail("Embedding", "input_ids", "an integer Tensor", ids.dtype)
        if ids.dtype is not torch.int64 and ids.dtype is not torch.int32:
            ids = ids.long()  # uint8/int8/int16 ids: torch's gather takes int32/int64 only
        if ids.device.type == "cpu" and not torch.compiler.is_compiling():
            # torch's CPU gather checks every id itself (IndexError): with all ids valid it is the
            # whole computation; otherwise the masked path below
            try:
                return F.embedding(ids, self.embedding_table)
            except IndexError:
                pass
        safe = ids.clamp(0, self.vocab_size - 1)
        out = F.embedding(safe, self.embedding_table)
        return out * (safe == ids).unsqueeze(-1).to(out.dtype)

    def extend_repr(self):
        return 'vocab_size={}, embedding_size={},use_one_hot={}, embedding_table={}, dtype={}'.format(
            self.vocab_size, self.embedding_size, self.use_one_hot, self.embedding_table,
            mstype.dtype_name(self.dtype))
