"""BERT / NEZHA network of MindSpore 0.1's model zoo (``mindspore.model_zoo.Bert_NEZHA.bert_model``).

Parameter names, order and shapes are 0.1's, so a 0.1 BERT checkpoint loads as is. Every
attention layer owns a relative-position table
(``..._generate_relative_positions_embeddings.embeddings_table``), used only when
``use_relative_positions`` is True, as in 0.1.
"""
import copy
import math

import numpy as np
import torch

from ..._api import ms_api
from ... import _validator as V
from ...cell import Cell
from ...common import dtype as mstype
from ...common.initializer import TruncatedNormal, initializer
from ...common.parameter import Parameter
from ...layer import CellList, Dense, Dropout, LayerNorm, Softmax
from ...ops import operations as P

__all__ = ["BertConfig", "EmbeddingLookup", "EmbeddingPostprocessor", "BertOutput", "RelaPosMatrixGenerator",
           "RelaPosEmbeddingsGenerator", "SaturateCast", "BertAttention", "BertSelfAttention",
           "BertEncoderCell", "BertTransformer", "CreateAttentionMaskFromInputMask", "BertModel"]

_P = "mindspore.model_zoo.Bert_NEZHA."


class _Lookup:
    """Rows of a table for 1-D ids: 0.1's one-hot matmul (P.OneHot + MatMul) or gather (P.GatherV2)."""

    def __init__(self, one_hot, on_value=1.0, off_value=0.0):
        self.use_one_hot = one_hot
        self.on_value = torch.tensor(on_value, dtype=torch.float32)
        self.off_value = torch.tensor(off_value, dtype=torch.float32)
        self.one_hot = P.OneHot()
        self.matmul = P.MatMul()
        self.gather = P.GatherV2()

    def __call__(self, table, ids):
        if self.use_one_hot:
            device = table.device
            hot = self.one_hot(ids, table.shape[0], self.on_value.to(device), self.off_value.to(device))
            return self.matmul(hot, table)
        return self.gather(table, ids, 0)


@ms_api(_P + "BertConfig", torch="a plain configuration object (transformers.BertConfig)")
class BertConfig:
    """Configuration of :class:`BertModel`.

    Args:
        batch_size (int): The batch size; every input must have it (shapes are fixed).
        seq_length (int): Length of the input sequences. Default: 128.
        vocab_size (int): Size of the word vocabulary (rows of the embedding table). Default: 32000.
        hidden_size (int): Width of the encoder layers. Default: 768.
        num_hidden_layers (int): Number of encoder layers. Default: 12.
        num_attention_heads (int): Number of attention heads. Default: 12.
        intermediate_size (int): Width of the feed-forward layer. Default: 3072.
        hidden_act (str): Activation of the feed-forward layer. Default: "gelu".
        hidden_dropout_prob (float): Dropout probability after the dense layers. Default: 0.1.
        attention_probs_dropout_prob (float): Dropout probability of the attention weights. Default: 0.1.
        max_position_embeddings (int): Longest sequence the model is meant for (kept; NEZHA uses
            relative positions, not a position table). Default: 512.
        type_vocab_size (int): Number of token types (segments). Default: 16.
        initializer_range (float): Sigma of the TruncatedNormal weight initialiser. Default: 0.02.
        use_relative_positions (bool): Whether attention adds relative-position terms. Default: False.
        input_mask_from_dataset (bool): Whether the input mask comes from the data; otherwise all
            ones. Default: True.
        token_type_ids_from_dataset (bool): Whether the token types come from the data; otherwise
            all zeros. Default: True.
        dtype (msnn.dtype): Dtype of the outputs. Default: float32.
        compute_type (msnn.dtype): Dtype the encoder computes in (float16 or float32). Default: float32.

    Examples:
        >>> from msnn.model_zoo.Bert_NEZHA import BertConfig
        >>> config = BertConfig(batch_size=2, seq_length=8, vocab_size=40, hidden_size=16)
        >>> config.num_hidden_layers, config.hidden_act
        (12, 'gelu')
    """

    def __init__(self, batch_size, seq_length=128, vocab_size=32000, hidden_size=768, num_hidden_layers=12,
                 num_attention_heads=12, intermediate_size=3072, hidden_act="gelu", hidden_dropout_prob=0.1,
                 attention_probs_dropout_prob=0.1, max_position_embeddings=512, type_vocab_size=16,
                 initializer_range=0.02, use_relative_positions=False, input_mask_from_dataset=True,
                 token_type_ids_from_dataset=True, dtype=mstype.float32, compute_type=mstype.float32):
        self.batch_size = batch_size
        self.seq_length = seq_length
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.hidden_act = hidden_act
        self.intermediate_size = intermediate_size
        self.hidden_dropout_prob = hidden_dropout_prob
        self.attention_probs_dropout_prob = attention_probs_dropout_prob
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.initializer_range = initializer_range
        self.input_mask_from_dataset = input_mask_from_dataset
        self.token_type_ids_from_dataset = token_type_ids_from_dataset
        self.use_relative_positions = use_relative_positions
        self.dtype = dtype
        self.compute_type = compute_type


@ms_api(_P + "EmbeddingLookup", torch="torch.nn.functional.embedding")
class EmbeddingLookup(Cell):
    """Word embeddings: a ``(vocab_size, embedding_size)`` table, TruncatedNormal(initializer_range).

    Args:
        vocab_size (int): Number of rows of the table.
        embedding_size (int): Width of each embedding.
        embedding_shape (list): ``[batch_size, seq_length, embedding_size]``, the output shape.
        use_one_hot_embeddings (bool): Look up by one-hot matmul instead of a gather (same
            values). Default: False.
        initializer_range (float): Sigma of the initialiser. Default: 0.02.

    Inputs:
        - **input_ids** (Tensor) - int32 Tensor of shape :math:`(batch\\_size, seq\\_length)`.

    Outputs:
        Tuple of 2 Tensors: the embeddings of shape ``embedding_shape`` and the table itself.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import EmbeddingLookup
        >>> lookup = EmbeddingLookup(40, 16, [2, 8, 16])
        >>> out, table = lookup(msnn.Tensor(np.zeros([2, 8]), msnn.int32))
        >>> out.shape(), tuple(table.shape)
        ((2, 8, 16), (40, 16))
    """

    def __init__(self, vocab_size, embedding_size, embedding_shape, use_one_hot_embeddings=False,
                 initializer_range=0.02):
        super(EmbeddingLookup, self).__init__()
        self.vocab_size = vocab_size
        self.use_one_hot_embeddings = use_one_hot_embeddings
        self.embedding_table = Parameter(initializer(TruncatedNormal(initializer_range),
                                                     [vocab_size, embedding_size]), name='embedding_table')
        self.expand = P.ExpandDims()
        self.shape_flat = (-1,)
        self.lookup = _Lookup(use_one_hot_embeddings)
        self.reshape = P.Reshape()
        self.shape = tuple(embedding_shape)

    def construct(self, input_ids):
        flat_ids = self.reshape(self.expand(input_ids, -1), self.shape_flat)
        output = self.lookup(self.embedding_table, flat_ids)
        return self.reshape(output, self.shape), self.embedding_table


@ms_api(_P + "EmbeddingPostprocessor", torch="embedding + torch.nn.LayerNorm + torch.nn.Dropout")
class EmbeddingPostprocessor(Cell):
    """Adds token-type embeddings to the word embeddings, then LayerNorm and dropout.

    Args:
        embedding_size (int): Width of each embedding.
        embedding_shape (list): ``[batch_size, seq_length, embedding_size]``.
        use_token_type (bool): Whether to add token-type embeddings. Default: False.
        token_type_vocab_size (int): Rows of the token-type table. Default: 16.
        use_one_hot_embeddings (bool): One-hot matmul instead of a gather. Default: False.
        initializer_range (float): Sigma of the TruncatedNormal initialiser. Default: 0.02.
        max_position_embeddings (int): Kept for 0.1's signature; unused. Default: 512.
        dropout_prob (float): Dropout probability. Default: 0.1.

    Inputs:
        - **token_type_ids** (Tensor) - int32 Tensor of shape :math:`(batch\\_size, seq\\_length)`.
        - **word_embeddings** (Tensor) - Tensor of shape ``embedding_shape``.

    Outputs:
        Tensor of shape ``embedding_shape``.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import EmbeddingPostprocessor
        >>> post = EmbeddingPostprocessor(16, [2, 8, 16], use_token_type=True, token_type_vocab_size=2)
        >>> ids = msnn.Tensor(np.zeros([2, 8]), msnn.int32)
        >>> post(ids, msnn.Tensor(np.ones([2, 8, 16]), msnn.float32)).shape()
        (2, 8, 16)

    Note:
        As in 0.1, the one-hot path (``use_one_hot_embeddings=True``) builds the one-hot rows with
        off_value 0.1, not 0.
    """

    def __init__(self, embedding_size, embedding_shape, use_token_type=False, token_type_vocab_size=16,
                 use_one_hot_embeddings=False, initializer_range=0.02, max_position_embeddings=512,
                 dropout_prob=0.1):
        super(EmbeddingPostprocessor, self).__init__()
        self.use_token_type = use_token_type
        self.token_type_vocab_size = token_type_vocab_size
        self.use_one_hot_embeddings = use_one_hot_embeddings
        self.max_position_embeddings = max_position_embeddings
        self.embedding_table = Parameter(initializer(TruncatedNormal(initializer_range),
                                                     [token_type_vocab_size, embedding_size]),
                                         name='embedding_table')
        self.shape_flat = (-1,)
        self.lookup = _Lookup(use_one_hot_embeddings, 1.0, 0.1)  # 0.1's off_value here is 0.1
        self.reshape = P.Reshape()
        self.shape = tuple(embedding_shape)
        self.layernorm = LayerNorm(embedding_size)
        self.dropout = Dropout(1 - dropout_prob)

    def construct(self, token_type_ids, word_embeddings):
        output = word_embeddings
        if self.use_token_type:
            flat_ids = self.reshape(token_type_ids, self.shape_flat)
            token_type_embeddings = self.lookup(self.embedding_table, flat_ids)
            output = output + self.reshape(token_type_embeddings, self.shape)
        return self.dropout(self.layernorm(output))


@ms_api(_P + "BertOutput", torch="torch.nn.Linear + Dropout + residual + LayerNorm")
class BertOutput(Cell):
    """``LayerNorm(dropout(dense(hidden_status)) + input_tensor)``.

    Args:
        in_channels (int): Input width.
        out_channels (int): Output width.
        initializer_range (float): Sigma of the TruncatedNormal weight initialiser. Default: 0.02.
        dropout_prob (float): Dropout probability. Default: 0.1.
        compute_type (msnn.dtype): Dtype the dense layer and LayerNorm compute in. Default: float32.

    Inputs:
        - **hidden_status** (Tensor) - Tensor of shape :math:`(N, in\\_channels)`.
        - **input_tensor** (Tensor) - Tensor of shape :math:`(N, out\\_channels)`.

    Outputs:
        Tensor of shape :math:`(N, out\\_channels)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertOutput
        >>> out = BertOutput(32, 16)
        >>> out(msnn.Tensor(np.ones([4, 32]), msnn.float32), msnn.Tensor(np.ones([4, 16]), msnn.float32)).shape()
        (4, 16)
    """

    def __init__(self, in_channels, out_channels, initializer_range=0.02, dropout_prob=0.1,
                 compute_type=mstype.float32):
        super(BertOutput, self).__init__()
        self.dense = Dense(in_channels, out_channels,
                           weight_init=TruncatedNormal(initializer_range)).to_float(compute_type)
        self.dropout = Dropout(1 - dropout_prob)
        self.add = P.TensorAdd()
        self.layernorm = LayerNorm(out_channels).to_float(compute_type)

    def construct(self, hidden_status, input_tensor):
        output = self.dropout(self.dense(hidden_status))
        return self.layernorm(self.add(output, input_tensor))


@ms_api(_P + "RelaPosMatrixGenerator", torch="torch.arange differences clamped")
class RelaPosMatrixGenerator(Cell):
    """The ``(length, length)`` int32 matrix ``clip(j - i, -max, max) + max`` of relative positions.

    Args:
        length (int): Sequence length.
        max_relative_position (int): Largest distance told apart.

    Outputs:
        int32 Tensor of shape :math:`(length, length)` with values in ``[0, 2 * max_relative_position]``.

    Examples:
        >>> from msnn.model_zoo.Bert_NEZHA import RelaPosMatrixGenerator
        >>> RelaPosMatrixGenerator(3, 1)().asnumpy().tolist()
        [[1, 2, 2], [0, 1, 2], [0, 0, 1]]
    """

    def __init__(self, length, max_relative_position):
        super(RelaPosMatrixGenerator, self).__init__()
        self._length = length
        self._max_relative_position = max_relative_position
        self._min_relative_position = -max_relative_position
        self.tile = P.Tile()
        self.range_mat = P.Reshape()
        self.sub = P.Sub()

    def construct(self):
        row = torch.arange(self._length, dtype=torch.int32)  # ops: F.tuple_to_array(F.make_range(length))
        col = self.range_mat(row, (self._length, -1))
        range_mat_out = self.range_mat(self.tile(row, (self._length,)), (self._length, self._length))
        transpose_out = self.range_mat(self.tile(col, (1, self._length)), (self._length, self._length))
        distance = self.sub(range_mat_out, transpose_out)  # [i][j] = j - i
        clipped = torch.clamp(distance, self._min_relative_position, self._max_relative_position)
        return clipped + self._max_relative_position


@ms_api(_P + "RelaPosEmbeddingsGenerator", torch="torch.nn.functional.embedding of the relative positions")
class RelaPosEmbeddingsGenerator(Cell):
    """Relative-position embeddings of shape ``(length, length, depth)``.

    The table has ``2 * max_relative_position + 1`` rows of width ``depth``
    (TruncatedNormal(initializer_range)); row ``clip(j - i) + max`` is the embedding of the pair (i, j).

    Args:
        length (int): Sequence length.
        depth (int): Width of each embedding (the attention head size).
        max_relative_position (int): Largest distance told apart.
        initializer_range (float): Sigma of the initialiser.
        use_one_hot_embeddings (bool): One-hot matmul instead of a gather. Default: False.

    Outputs:
        Tensor of shape :math:`(length, length, depth)`.

    Examples:
        >>> from msnn.model_zoo.Bert_NEZHA import RelaPosEmbeddingsGenerator
        >>> RelaPosEmbeddingsGenerator(5, 4, 2, 0.02)().shape()
        (5, 5, 4)
    """

    def __init__(self, length, depth, max_relative_position, initializer_range, use_one_hot_embeddings=False):
        super(RelaPosEmbeddingsGenerator, self).__init__()
        self.depth = depth
        self.vocab_size = max_relative_position * 2 + 1
        self.use_one_hot_embeddings = use_one_hot_embeddings
        self.embeddings_table = Parameter(initializer(TruncatedNormal(initializer_range),
                                                      [self.vocab_size, self.depth]),
                                          name='embeddings_for_position')
        self.relative_positions_matrix = RelaPosMatrixGenerator(length=length,
                                                                max_relative_position=max_relative_position)
        self.reshape = P.Reshape()
        self.lookup = _Lookup(use_one_hot_embeddings)
        self.shape = P.Shape()

    def construct(self):
        positions = self.relative_positions_matrix().to(self.embeddings_table.device)
        rows = self.lookup(self.embeddings_table, self.reshape(positions, (-1,)))
        return self.reshape(rows, self.shape(positions) + (self.depth,))


@ms_api(_P + "SaturateCast", torch="torch.clamp(x, finfo.min, finfo.max).to(dst)")
class SaturateCast(Cell):
    """Casts to ``dst_type`` after clamping to its finite range, so nothing overflows to inf.

    Args:
        src_type (msnn.dtype): Dtype of the input. Default: float32.
        dst_type (msnn.dtype): Dtype of the output. Default: float32.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import SaturateCast
        >>> cast = SaturateCast(dst_type=msnn.float16)
        >>> cast(msnn.Tensor(np.array([1e6, -1e6]), msnn.float32)).asnumpy().tolist()
        [65504.0, -65504.0]
    """

    def __init__(self, src_type=mstype.float32, dst_type=mstype.float32):
        super(SaturateCast, self).__init__()
        np_type = mstype.dtype_to_nptype(dst_type)
        self.tensor_min_type = torch.tensor([float(np.finfo(np_type).min)], dtype=src_type)
        self.tensor_max_type = torch.tensor([float(np.finfo(np_type).max)], dtype=src_type)
        self.min_op = P.Minimum()
        self.max_op = P.Maximum()
        self.cast = P.Cast()
        self.dst_type = dst_type

    def construct(self, x):
        out = self.min_op(self.max_op(x, self.tensor_min_type), self.tensor_max_type)
        return self.cast(out, self.dst_type)


@ms_api(_P + "BertAttention", torch="multi-head attention (torch.nn.functional.scaled_dot_product_attention maths)")
class BertAttention(Cell):
    """Multi-head attention from ``from_tensor`` to ``to_tensor``, with optional relative positions.

    ``scores = (Q K^T [+ Q R_k^T]) / sqrt(size_per_head) - 10000 * (1 - mask)``; ``probs =
    dropout(softmax(scores))``; ``context = probs V [+ probs R_v]``, where ``R`` are the
    relative-position embeddings (maximum distance 16) when ``use_relative_positions``.

    Args:
        batch_size (int): The batch size (shapes are fixed).
        from_tensor_width (int): Width of ``from_tensor``.
        to_tensor_width (int): Width of ``to_tensor``.
        from_seq_length (int): Length of the query sequence.
        to_seq_length (int): Length of the key/value sequence.
        num_attention_heads (int): Number of heads. Default: 1.
        size_per_head (int): Width of each head. Default: 512.
        query_act (str): Activation of the query projection. Default: None.
        key_act (str): Activation of the key projection. Default: None.
        value_act (str): Activation of the value projection. Default: None.
        has_attention_mask (bool): Whether the mask is applied. Default: False.
        attention_probs_dropout_prob (float): Dropout probability of the weights. Default: 0.0.
        use_one_hot_embeddings (bool): One-hot lookups of the relative embeddings. Default: False.
        initializer_range (float): Sigma of the TruncatedNormal initialisers. Default: 0.02.
        do_return_2d_tensor (bool): Return ``(B * F, N * H)`` instead of ``(B, F, N * H)``. Default: False.
        use_relative_positions (bool): Whether to add the relative-position terms. Default: False.
        compute_type (msnn.dtype): Dtype of the computation. Default: float32.

    Inputs:
        - **from_tensor** (Tensor) - Tensor of shape :math:`(B * F, from\\_tensor\\_width)` or
          :math:`(B, F, from\\_tensor\\_width)`.
        - **to_tensor** (Tensor) - Tensor of shape :math:`(B * T, to\\_tensor\\_width)` or 3-D.
        - **attention_mask** (Tensor) - Tensor of shape :math:`(B, F, T)`, 1 where attending.

    Outputs:
        Tensor of shape :math:`(B * F, N * H)` or :math:`(B, F, N * H)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertAttention
        >>> att = BertAttention(2, 16, 16, 8, 8, num_attention_heads=2, size_per_head=8,
        ...                     has_attention_mask=True)
        >>> x = msnn.Tensor(np.ones([2, 8, 16]), msnn.float32)
        >>> att(x, x, msnn.Tensor(np.ones([2, 8, 8]), msnn.float32)).shape()
        (2, 8, 16)
    """

    def __init__(self, batch_size, from_tensor_width, to_tensor_width, from_seq_length, to_seq_length,
                 num_attention_heads=1, size_per_head=512, query_act=None, key_act=None, value_act=None,
                 has_attention_mask=False, attention_probs_dropout_prob=0.0, use_one_hot_embeddings=False,
                 initializer_range=0.02, do_return_2d_tensor=False, use_relative_positions=False,
                 compute_type=mstype.float32):
        super(BertAttention, self).__init__()
        self.batch_size = batch_size
        self.from_seq_length = from_seq_length
        self.to_seq_length = to_seq_length
        self.num_attention_heads = num_attention_heads
        self.size_per_head = size_per_head
        self.has_attention_mask = has_attention_mask
        self.use_relative_positions = use_relative_positions
        self.compute_type = compute_type
        self.scores_mul = torch.tensor([1.0 / math.sqrt(float(size_per_head))], dtype=compute_type)
        self.reshape = P.Reshape()
        self.shape_from_2d = (-1, from_tensor_width)
        self.shape_to_2d = (-1, to_tensor_width)
        weight = TruncatedNormal(initializer_range)
        units = num_attention_heads * size_per_head
        self.query_layer = Dense(from_tensor_width, units, activation=query_act,
                                 weight_init=weight).to_float(compute_type)
        self.key_layer = Dense(to_tensor_width, units, activation=key_act, weight_init=weight).to_float(compute_type)
        self.value_layer = Dense(to_tensor_width, units, activation=value_act,
                                 weight_init=weight).to_float(compute_type)
        self.shape_from = (batch_size, from_seq_length, num_attention_heads, size_per_head)
        self.shape_to = (batch_size, to_seq_length, num_attention_heads, size_per_head)
        self.matmul_trans_b = P.BatchMatMul(transpose_b=True)
        self.multiply = P.Mul()
        self.transpose = P.Transpose()
        self.trans_shape = (0, 2, 1, 3)
        self.trans_shape_relative = (2, 0, 1, 3)
        self.trans_shape_position = (1, 2, 0, 3)
        self.multiply_data = torch.tensor([-10000.0], dtype=compute_type)
        self.batch_num = batch_size * num_attention_heads
        self.matmul = P.BatchMatMul()
        self.softmax = Softmax()
        self.dropout = Dropout(1 - attention_probs_dropout_prob)
        if has_attention_mask:
            self.expand_dims = P.ExpandDims()
            self.sub = P.Sub()
            self.add = P.TensorAdd()
            self.cast = P.Cast()
            self.get_dtype = P.DType()
        if do_return_2d_tensor:
            self.shape_return = (batch_size * from_seq_length, units)
        else:
            self.shape_return = (batch_size, from_seq_length, units)
        self.cast_compute_type = SaturateCast(dst_type=compute_type)
        self._generate_relative_positions_embeddings = RelaPosEmbeddingsGenerator(
            length=to_seq_length, depth=size_per_head, max_relative_position=16,
            initializer_range=initializer_range, use_one_hot_embeddings=use_one_hot_embeddings)

    def construct(self, from_tensor, to_tensor, attention_mask):
        from_tensor_2d = self.reshape(from_tensor, self.shape_from_2d)
        to_tensor_2d = self.reshape(to_tensor, self.shape_to_2d)
        query_out = self.query_layer(from_tensor_2d)
        key_out = self.key_layer(to_tensor_2d)
        value_out = self.value_layer(to_tensor_2d)
        # [B, N, F, H] and [B, N, T, H]
        query_layer = self.transpose(self.reshape(query_out, self.shape_from), self.trans_shape)
        key_layer = self.transpose(self.reshape(key_out, self.shape_to), self.trans_shape)
        attention_scores = self.matmul_trans_b(query_layer, key_layer)
        if self.use_relative_positions:
            relations_keys = self.cast_compute_type(self._generate_relative_positions_embeddings())  # [F, T, H]
            # [F, B * N, H] x [F, T, H]^T -> [F, B * N, T] -> [B, N, F, T]
            query_layer_r = self.reshape(self.transpose(query_layer, self.trans_shape_relative),
                                         (self.from_seq_length, self.batch_num, self.size_per_head))
            key_position_scores = self.matmul_trans_b(query_layer_r, relations_keys)
            key_position_scores = self.reshape(key_position_scores, (self.from_seq_length, self.batch_size,
                                                                     self.num_attention_heads, self.from_seq_length))
            attention_scores = attention_scores + self.transpose(key_position_scores, self.trans_shape_position)
        attention_scores = self.multiply(attention_scores, self.scores_mul)
        if self.has_attention_mask:
            attention_mask = self.expand_dims(attention_mask, 1)
            dtype = self.get_dtype(attention_scores)
            multiply_out = self.sub(self.cast(torch.ones(1, device=attention_scores.device), dtype),
                                    self.cast(attention_mask, dtype))
            adder = self.multiply(multiply_out, self.multiply_data)
            attention_scores = self.add(adder, attention_scores)
        attention_probs = self.dropout(self.softmax(attention_scores))
        value_layer = self.transpose(self.reshape(value_out, self.shape_to), self.trans_shape)
        context_layer = self.matmul(attention_probs, value_layer)
        if self.use_relative_positions:
            relations_values = self.cast_compute_type(self._generate_relative_positions_embeddings())
            # [F, B * N, T] x [F, T, H] -> [F, B * N, H] -> [B, N, F, H]
            attention_probs_r = self.reshape(self.transpose(attention_probs, self.trans_shape_relative),
                                             (self.from_seq_length, self.batch_num, self.to_seq_length))
            value_position_scores = self.matmul(attention_probs_r, relations_values)
            value_position_scores = self.reshape(value_position_scores, (self.from_seq_length, self.batch_size,
                                                                         self.num_attention_heads,
                                                                         self.size_per_head))
            context_layer = context_layer + self.transpose(value_position_scores, self.trans_shape_position)
        context_layer = self.transpose(context_layer, self.trans_shape)
        return self.reshape(context_layer, self.shape_return)


@ms_api(_P + "BertSelfAttention", torch="self-attention + torch.nn.Linear/LayerNorm residual")
class BertSelfAttention(Cell):
    """Self-attention followed by :class:`BertOutput` (projection, dropout, residual, LayerNorm).

    Args:
        batch_size (int): The batch size.
        seq_length (int): Sequence length.
        hidden_size (int): Width; must be a multiple of ``num_attention_heads``.
        num_attention_heads (int): Number of heads. Default: 12.
        attention_probs_dropout_prob (float): Dropout of the attention weights. Default: 0.1.
        use_one_hot_embeddings (bool): One-hot lookups. Default: False.
        initializer_range (float): Sigma of the initialisers. Default: 0.02.
        hidden_dropout_prob (float): Dropout of the output projection. Default: 0.1.
        use_relative_positions (bool): Relative-position attention. Default: False.
        compute_type (msnn.dtype): Dtype of the computation. Default: float32.

    Raises:
        ValueError: If hidden_size is not a multiple of num_attention_heads.

    Inputs:
        - **input_tensor** (Tensor) - Tensor of shape :math:`(B * S, hidden\\_size)` or 3-D.
        - **attention_mask** (Tensor) - Tensor of shape :math:`(B, S, S)`.

    Outputs:
        Tensor of shape :math:`(B * S, hidden\\_size)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertSelfAttention
        >>> att = BertSelfAttention(2, 8, 16, num_attention_heads=2)
        >>> att(msnn.Tensor(np.ones([2, 8, 16]), msnn.float32), msnn.Tensor(np.ones([2, 8, 8]), msnn.float32)).shape()
        (16, 16)
    """

    def __init__(self, batch_size, seq_length, hidden_size, num_attention_heads=12, attention_probs_dropout_prob=0.1,
                 use_one_hot_embeddings=False, initializer_range=0.02, hidden_dropout_prob=0.1,
                 use_relative_positions=False, compute_type=mstype.float32):
        super(BertSelfAttention, self).__init__()
        if hidden_size % num_attention_heads != 0:
            V.fail("BertSelfAttention", "hidden_size", f"a multiple of num_attention_heads ({num_attention_heads})",
                   hidden_size)
        self.size_per_head = int(hidden_size / num_attention_heads)
        self.attention = BertAttention(
            batch_size=batch_size, from_tensor_width=hidden_size, to_tensor_width=hidden_size,
            from_seq_length=seq_length, to_seq_length=seq_length, num_attention_heads=num_attention_heads,
            size_per_head=self.size_per_head, attention_probs_dropout_prob=attention_probs_dropout_prob,
            use_one_hot_embeddings=use_one_hot_embeddings, initializer_range=initializer_range,
            use_relative_positions=use_relative_positions, has_attention_mask=True, do_return_2d_tensor=True,
            compute_type=compute_type)
        self.output = BertOutput(in_channels=hidden_size, out_channels=hidden_size,
                                 initializer_range=initializer_range, dropout_prob=hidden_dropout_prob,
                                 compute_type=compute_type)
        self.reshape = P.Reshape()
        self.shape = (-1, hidden_size)

    def construct(self, input_tensor, attention_mask):
        input_tensor = self.reshape(input_tensor, self.shape)
        attention_output = self.attention(input_tensor, input_tensor, attention_mask)
        return self.output(attention_output, input_tensor)


@ms_api(_P + "BertEncoderCell", torch="torch.nn.TransformerEncoderLayer (post-norm)")
class BertEncoderCell(Cell):
    """One encoder layer: self-attention, the feed-forward ``intermediate`` Dense, :class:`BertOutput`.

    Args:
        batch_size (int): The batch size.
        hidden_size (int): Width. Default: 768.
        seq_length (int): Sequence length. Default: 512.
        num_attention_heads (int): Number of heads. Default: 12.
        intermediate_size (int): Width of the feed-forward layer. Default: 3072.
        attention_probs_dropout_prob (float): Dropout of the attention weights. Default: 0.02.
        use_one_hot_embeddings (bool): One-hot lookups. Default: False.
        initializer_range (float): Sigma of the initialisers. Default: 0.02.
        hidden_dropout_prob (float): Dropout of the projections. Default: 0.1.
        use_relative_positions (bool): Relative-position attention. Default: False.
        hidden_act (str): Activation of the feed-forward layer. Default: "gelu".
        compute_type (msnn.dtype): Dtype of the computation. Default: float32.

    Inputs:
        - **hidden_states** (Tensor) - Tensor of shape :math:`(B * S, hidden\\_size)`.
        - **attention_mask** (Tensor) - Tensor of shape :math:`(B, S, S)`.

    Outputs:
        Tensor of shape :math:`(B * S, hidden\\_size)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertEncoderCell
        >>> cell = BertEncoderCell(2, 16, 8, num_attention_heads=2, intermediate_size=32)
        >>> cell(msnn.Tensor(np.ones([16, 16]), msnn.float32), msnn.Tensor(np.ones([2, 8, 8]), msnn.float32)).shape()
        (16, 16)
    """

    def __init__(self, batch_size, hidden_size=768, seq_length=512, num_attention_heads=12, intermediate_size=3072,
                 attention_probs_dropout_prob=0.02, use_one_hot_embeddings=False, initializer_range=0.02,
                 hidden_dropout_prob=0.1, use_relative_positions=False, hidden_act="gelu",
                 compute_type=mstype.float32):
        super(BertEncoderCell, self).__init__()
        self.attention = BertSelfAttention(
            batch_size=batch_size, hidden_size=hidden_size, seq_length=seq_length,
            num_attention_heads=num_attention_heads, attention_probs_dropout_prob=attention_probs_dropout_prob,
            use_one_hot_embeddings=use_one_hot_embeddings, initializer_range=initializer_range,
            hidden_dropout_prob=hidden_dropout_prob, use_relative_positions=use_relative_positions,
            compute_type=compute_type)
        self.intermediate = Dense(in_channels=hidden_size, out_channels=intermediate_size, activation=hidden_act,
                                  weight_init=TruncatedNormal(initializer_range)).to_float(compute_type)
        self.output = BertOutput(in_channels=intermediate_size, out_channels=hidden_size,
                                 initializer_range=initializer_range, dropout_prob=hidden_dropout_prob,
                                 compute_type=compute_type)

    def construct(self, hidden_states, attention_mask):
        attention_output = self.attention(hidden_states, attention_mask)
        return self.output(self.intermediate(attention_output), attention_output)


@ms_api(_P + "BertTransformer", torch="torch.nn.TransformerEncoder")
class BertTransformer(Cell):
    """A stack of ``num_hidden_layers`` :class:`BertEncoderCell` in the CellList ``layers``.

    Args:
        batch_size (int): The batch size.
        hidden_size (int): Width.
        seq_length (int): Sequence length.
        num_hidden_layers (int): Number of layers.
        num_attention_heads (int): Number of heads. Default: 12.
        intermediate_size (int): Width of the feed-forward layers. Default: 3072.
        attention_probs_dropout_prob (float): Dropout of the attention weights. Default: 0.1.
        use_one_hot_embeddings (bool): One-hot lookups. Default: False.
        initializer_range (float): Sigma of the initialisers. Default: 0.02.
        hidden_dropout_prob (float): Dropout of the projections. Default: 0.1.
        use_relative_positions (bool): Relative-position attention. Default: False.
        hidden_act (str): Activation of the feed-forward layers. Default: "gelu".
        compute_type (msnn.dtype): Dtype of the computation. Default: float32.
        return_all_encoders (bool): Return every layer's output, not only the last. Default: False.

    Inputs:
        - **input_tensor** (Tensor) - Tensor of shape :math:`(B, S, hidden\\_size)`.
        - **attention_mask** (Tensor) - Tensor of shape :math:`(B, S, S)`.

    Outputs:
        Tuple of Tensors of shape :math:`(B, S, hidden\\_size)`: one per layer, or only the last.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertTransformer
        >>> net = BertTransformer(2, 16, 8, 2, num_attention_heads=2, intermediate_size=32, return_all_encoders=True)
        >>> outs = net(msnn.Tensor(np.ones([2, 8, 16]), msnn.float32), msnn.Tensor(np.ones([2, 8, 8]), msnn.float32))
        >>> len(outs), outs[-1].shape()
        (2, (2, 8, 16))
    """

    def __init__(self, batch_size, hidden_size, seq_length, num_hidden_layers, num_attention_heads=12,
                 intermediate_size=3072, attention_probs_dropout_prob=0.1, use_one_hot_embeddings=False,
                 initializer_range=0.02, hidden_dropout_prob=0.1, use_relative_positions=False, hidden_act="gelu",
                 compute_type=mstype.float32, return_all_encoders=False):
        super(BertTransformer, self).__init__()
        self.return_all_encoders = return_all_encoders
        self.layers = CellList([
            BertEncoderCell(batch_size=batch_size, hidden_size=hidden_size, seq_length=seq_length,
                            num_attention_heads=num_attention_heads, intermediate_size=intermediate_size,
                            attention_probs_dropout_prob=attention_probs_dropout_prob,
                            use_one_hot_embeddings=use_one_hot_embeddings, initializer_range=initializer_range,
                            hidden_dropout_prob=hidden_dropout_prob, use_relative_positions=use_relative_positions,
                            hidden_act=hidden_act, compute_type=compute_type)
            for _ in range(num_hidden_layers)])
        self.reshape = P.Reshape()
        self.shape = (-1, hidden_size)
        self.out_shape = (batch_size, seq_length, hidden_size)

    def construct(self, input_tensor, attention_mask):
        prev_output = self.reshape(input_tensor, self.shape)
        all_encoder_layers = ()
        for layer_module in self.layers:
            prev_output = layer_module(prev_output, attention_mask)
            if self.return_all_encoders:
                all_encoder_layers += (self.reshape(prev_output, self.out_shape),)
        if not self.return_all_encoders:
            all_encoder_layers += (self.reshape(prev_output, self.out_shape),)
        return all_encoder_layers


@ms_api(_P + "CreateAttentionMaskFromInputMask", torch="mask[:, None, :].expand(B, S, S)")
class CreateAttentionMaskFromInputMask(Cell):
    """The ``(B, S, S)`` float32 attention mask whose row i is the input mask (for every i).

    Args:
        config (BertConfig): Gives batch_size, seq_length and input_mask_from_dataset (when False
            the mask is all ones and the input is ignored).

    Inputs:
        - **input_mask** (Tensor) - int32 Tensor of shape :math:`(B, S)`.

    Outputs:
        float32 Tensor of shape :math:`(B, S, S)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertConfig, CreateAttentionMaskFromInputMask
        >>> make = CreateAttentionMaskFromInputMask(BertConfig(batch_size=1, seq_length=3))
        >>> make(msnn.Tensor(np.array([[1, 1, 0]]), msnn.int32)).asnumpy().tolist()
        [[[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]]
    """

    def __init__(self, config):
        super(CreateAttentionMaskFromInputMask, self).__init__()
        self.input_mask_from_dataset = config.input_mask_from_dataset
        if self.input_mask_from_dataset:
            self.input_mask = None
        else:
            self.input_mask = initializer("ones", [config.batch_size, config.seq_length], mstype.int32)
        self.cast = P.Cast()
        self.reshape = P.Reshape()
        self.shape = (config.batch_size, 1, config.seq_length)
        self.broadcast_ones = initializer("ones", [config.batch_size, config.seq_length, 1], mstype.float32)
        self.batch_matmul = P.BatchMatMul()

    def construct(self, input_mask):
        if not self.input_mask_from_dataset:
            input_mask = self.input_mask
        input_mask = self.cast(self.reshape(input_mask, self.shape), mstype.float32)
        return self.batch_matmul(self.broadcast_ones, input_mask)


@ms_api(_P + "BertModel", torch="transformers.BertModel (NEZHA: relative positions, no position table)",
        deviations=("An input whose batch or sequence length differs from the configuration raises "
                    "torch's RuntimeError (from a reshape); 0.1 failed when compiling the graph.",))
class BertModel(Cell):
    """BERT (NEZHA flavour): embeddings, a transformer encoder and a tanh pooler.

    Args:
        config (BertConfig): The configuration (deep-copied).
        is_training (bool): With False, every dropout probability is set to 0.
        use_one_hot_embeddings (bool): One-hot lookups instead of gathers. Default: False.

    Inputs:
        - **input_ids** (Tensor) - int32 Tensor of shape :math:`(B, S)`.
        - **token_type_ids** (Tensor) - int32 Tensor of shape :math:`(B, S)`.
        - **input_mask** (Tensor) - int32 Tensor of shape :math:`(B, S)`.

    Outputs:
        Tuple of 3 Tensors: the sequence output :math:`(B, S, hidden\\_size)`, the pooled output
        :math:`(B, hidden\\_size)` and the word embedding table :math:`(vocab\\_size, hidden\\_size)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertConfig, BertModel
        >>> config = BertConfig(batch_size=2, seq_length=8, vocab_size=40, hidden_size=16, num_hidden_layers=2,
        ...                     num_attention_heads=2, intermediate_size=32, type_vocab_size=2)
        >>> net = BertModel(config, is_training=False)
        >>> ids = msnn.Tensor(np.ones([2, 8]), msnn.int32)
        >>> seq, pooled, table = net(ids, ids, ids)
        >>> seq.shape(), pooled.shape(), tuple(table.shape)
        ((2, 8, 16), (2, 16), (40, 16))
    """

    def __init__(self, config, is_training, use_one_hot_embeddings=False):
        super(BertModel, self).__init__()
        config = copy.deepcopy(config)
        if not is_training:
            config.hidden_dropout_prob = 0.0
            config.attention_probs_dropout_prob = 0.0
        self.input_mask_from_dataset = config.input_mask_from_dataset
        self.token_type_ids_from_dataset = config.token_type_ids_from_dataset
        self.batch_size = config.batch_size
        self.seq_length = config.seq_length
        self.hidden_size = config.hidden_size
        self.num_hidden_layers = config.num_hidden_layers
        self.embedding_size = config.hidden_size
        self.last_idx = self.num_hidden_layers - 1
        output_embedding_shape = [self.batch_size, self.seq_length, self.embedding_size]
        if self.token_type_ids_from_dataset:
            self.token_type_ids = None
        else:
            self.token_type_ids = initializer("zeros", [self.batch_size, self.seq_length], mstype.int32)
        self.bert_embedding_lookup = EmbeddingLookup(
            vocab_size=config.vocab_size, embedding_size=self.embedding_size,
            embedding_shape=output_embedding_shape, use_one_hot_embeddings=use_one_hot_embeddings,
            initializer_range=config.initializer_range)
        self.bert_embedding_postprocessor = EmbeddingPostprocessor(
            embedding_size=self.embedding_size, embedding_shape=output_embedding_shape, use_token_type=True,
            token_type_vocab_size=config.type_vocab_size, use_one_hot_embeddings=use_one_hot_embeddings,
            initializer_range=0.02, max_position_embeddings=config.max_position_embeddings,
            dropout_prob=config.hidden_dropout_prob)
        self.bert_encoder = BertTransformer(
            batch_size=self.batch_size, hidden_size=self.hidden_size, seq_length=self.seq_length,
            num_attention_heads=config.num_attention_heads, num_hidden_layers=self.num_hidden_layers,
            intermediate_size=config.intermediate_size,
            attention_probs_dropout_prob=config.attention_probs_dropout_prob,
            use_one_hot_embeddings=use_one_hot_embeddings, initializer_range=config.initializer_range,
            hidden_dropout_prob=config.hidden_dropout_prob, use_relative_positions=config.use_relative_positions,
            hidden_act=config.hidden_act, compute_type=config.compute_type, return_all_encoders=True)
        self.cast = P.Cast()
        self.dtype = config.dtype
        self.cast_compute_type = SaturateCast(dst_type=config.compute_type)
        self.slice = P.StridedSlice()
        self.squeeze_1 = P.Squeeze(axis=1)
        self.dense = Dense(self.hidden_size, self.hidden_size, activation="tanh",
                           weight_init=TruncatedNormal(config.initializer_range)).to_float(config.compute_type)
        self._create_attention_mask_from_input_mask = CreateAttentionMaskFromInputMask(config)

    def construct(self, input_ids, token_type_ids, input_mask):
        if not self.token_type_ids_from_dataset:
            token_type_ids = self.token_type_ids
        word_embeddings, embedding_tables = self.bert_embedding_lookup(input_ids)
        embedding_output = self.bert_embedding_postprocessor(token_type_ids, word_embeddings)
        attention_mask = self._create_attention_mask_from_input_mask(input_mask)
        encoder_output = self.bert_encoder(self.cast_compute_type(embedding_output), attention_mask)
        sequence_output = self.cast(encoder_output[self.last_idx], self.dtype)
        sequence_slice = self.slice(sequence_output, (0, 0, 0), (self.batch_size, 1, self.hidden_size), (1, 1, 1))
        first_token = self.squeeze_1(sequence_slice)
        pooled_output = self.cast(self.dense(first_token), self.dtype)
        return sequence_output, pooled_output, embedding_tables
