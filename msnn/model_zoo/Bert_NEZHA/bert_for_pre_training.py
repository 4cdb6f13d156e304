"""BERT pre-training heads, loss and training cells of MindSpore 0.1's model zoo
(``mindspore.model_zoo.Bert_NEZHA.bert_for_pre_training``)."""
import torch

from ..._api import ms_api
from ...cell import Cell
from ...common.initializer import TruncatedNormal, initializer
from ...common.parameter import Parameter, ParameterTuple
from ...common import dtype as mstype
from ...layer import ClipByNorm, Dense, LayerNorm, LogSoftmax
from ...ops import operations as P
from ...wrap.cell_wrapper import _weight_grads
from ...wrap.grad_reducer import auto_reducer
from ...wrap.loss_scale import _check_non_finite
from .bert_model import BertModel

__all__ = ["ClipGradients", "GetMaskedLMOutput", "GetNextSentenceOutput", "BertPreTraining", "BertPretrainingLoss",
           "BertNetworkWithLoss", "BertTrainOneStepCell", "BertTrainOneStepWithLossScaleCell",
           "GRADIENT_CLIP_TYPE", "GRADIENT_CLIP_VALUE"]

_P = "mindspore.model_zoo.Bert_NEZHA."

# 0.1's training cells clip every gradient by its own L2 norm (type 1) to 1.0
GRADIENT_CLIP_TYPE = 1
GRADIENT_CLIP_VALUE = 1.0


@ms_api(_P + "bert_for_pre_training.ClipGradients", torch="torch.clamp / per-tensor x * c / max(||x||, c)")
class ClipGradients(Cell):
    """Clips each gradient on its own: by value (``clip_type`` 0) or by its L2 norm (1).

    Inputs:
        - **grads** (tuple[Tensor]) - The gradients.
        - **clip_type** (int) - 0: clamp to ``[-clip_value, clip_value]``; 1: scale each tensor to
          an L2 norm of at most ``clip_value``; anything else returns ``grads`` unchanged.
        - **clip_value** (float) - The bound.

    Outputs:
        tuple[Tensor], the clipped gradients (float32 for ``clip_type`` 1, as nn.ClipByNorm).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA.bert_for_pre_training import ClipGradients
        >>> g = (msnn.Tensor(np.array([3.0, 4.0]), msnn.float32),)
        >>> ClipGradients()(g, 1, 1.0)[0].asnumpy().tolist()
        [0.6000000238418579, 0.800000011920929]
    """

    def __init__(self):
        super(ClipGradients, self).__init__()
        self.clip_by_norm = ClipByNorm()

    def construct(self, grads, clip_type, clip_value):
        if clip_type not in (0, 1):
            return grads
        new_grads = ()
        for grad in grads:
            if clip_type == 0:
                new_grads += (torch.clamp(grad, -clip_value, clip_value),)  # ops: C.clip_by_value
            else:
                bound = torch.full((), clip_value, dtype=torch.float32, device=grad.device)
                new_grads += (self.clip_by_norm(grad, bound),)
        return new_grads


@ms_api(_P + "GetMaskedLMOutput", torch="gather + Linear + LayerNorm + tied-embedding logits + log_softmax")
class GetMaskedLMOutput(Cell):
    """Masked-LM head: log-probabilities over the vocabulary at the masked positions.

    The hidden states at ``positions`` go through ``dense`` (hidden_act) and ``layernorm``, then
    ``x @ embedding_table^T + output_bias`` and a log-softmax.

    Args:
        config (BertConfig): The configuration.

    Inputs:
        - **input_tensor** (Tensor) - Sequence output of shape :math:`(B, S, H)`.
        - **output_weights** (Tensor) - The word embedding table :math:`(V, H)`.
        - **positions** (Tensor) - int32 Tensor :math:`(B, P)` of the masked positions.

    Outputs:
        Tensor of shape :math:`(B * P, V)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertConfig, GetMaskedLMOutput
        >>> config = BertConfig(batch_size=2, seq_length=8, vocab_size=40, hidden_size=16)
        >>> head = GetMaskedLMOutput(config)
        >>> out = head(msnn.Tensor(np.ones([2, 8, 16]), msnn.float32), msnn.Tensor(np.ones([40, 16]), msnn.float32),
        ...            msnn.Tensor(np.zeros([2, 3]), msnn.int32))
        >>> out.shape()
        (6, 40)
    """

    def __init__(self, config):
        super(GetMaskedLMOutput, self).__init__()
        self.width = config.hidden_size
        self.reshape = P.Reshape()
        self.gather = P.GatherV2()
        weight_init = TruncatedNormal(config.initializer_range)
        self.dense = Dense(self.width, config.hidden_size, weight_init=weight_init,
                           activation=config.hidden_act).to_float(config.compute_type)
        self.layernorm = LayerNorm(config.hidden_size).to_float(config.compute_type)
        self.output_bias = Parameter(initializer('zero', config.vocab_size), name='output_bias')
        self.matmul = P.MatMul(transpose_b=True)
        self.log_softmax = LogSoftmax(axis=-1)
        self.shape_flat_offsets = (-1, 1)
        self.rng = torch.arange(config.batch_size, dtype=torch.int32)
        self.seq_length = config.seq_length
        self.shape_flat_sequence_tensor = (config.batch_size * config.seq_length, self.width)
        self.cast = P.Cast()
        self.compute_type = config.compute_type
        self.dtype = config.dtype

    def construct(self, input_tensor, output_weights, positions):
        flat_offsets = self.reshape(self.rng * self.seq_length, self.shape_flat_offsets)
        flat_position = self.reshape(positions + flat_offsets, (-1,))
        flat_sequence_tensor = self.reshape(input_tensor, self.shape_flat_sequence_tensor)
        input_tensor = self.cast(self.gather(flat_sequence_tensor, flat_position, 0), self.compute_type)
        output_weights = self.cast(output_weights, self.compute_type)
        input_tensor = self.layernorm(self.dense(input_tensor))
        logits = self.cast(self.matmul(input_tensor, output_weights), self.dtype)
        return self.log_softmax(logits + self.output_bias)


@ms_api(_P + "GetNextSentenceOutput", torch="torch.nn.Linear + log_softmax")
class GetNextSentenceOutput(Cell):
    """Next-sentence head: ``log_softmax(dense(pooled_output))`` over 2 classes.

    Args:
        config (BertConfig): The configuration.

    Inputs:
        - **input_tensor** (Tensor) - Pooled output of shape :math:`(B, H)`.

    Outputs:
        Tensor of shape :math:`(B, 2)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertConfig, GetNextSentenceOutput
        >>> head = GetNextSentenceOutput(BertConfig(batch_size=2, hidden_size=16))
        >>> head(msnn.Tensor(np.ones([2, 16]), msnn.float32)).shape()
        (2, 2)
    """

    def __init__(self, config):
        super(GetNextSentenceOutput, self).__init__()
        self.weight_init = TruncatedNormal(config.initializer_range)
        self.dense = Dense(config.hidden_size, 2, weight_init=self.weight_init,
                           has_bias=True).to_float(config.compute_type)
        self.log_softmax = P.LogSoftmax()
        self.cast = P.Cast()
        self.dtype = config.dtype

    def construct(self, input_tensor):
        return self.log_softmax(self.cast(self.dense(input_tensor), self.dtype))


@ms_api(_P + "BertPreTraining", torch="transformers.BertForPreTraining")
class BertPreTraining(Cell):
    """:class:`BertModel` with the masked-LM (``cls1``) and next-sentence (``cls2``) heads.

    Args:
        config (BertConfig): The configuration.
        is_training (bool): With False, dropout is off.
        use_one_hot_embeddings (bool): One-hot lookups instead of gathers.

    Inputs:
        - **input_ids**, **input_mask**, **token_type_id** (Tensor) - int32 :math:`(B, S)`.
        - **masked_lm_positions** (Tensor) - int32 :math:`(B, P)`.

    Outputs:
        Tuple of 2 Tensors: masked-LM log-probabilities :math:`(B * P, V)` and next-sentence
        log-probabilities :math:`(B, 2)`.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertConfig, BertPreTraining
        >>> config = BertConfig(batch_size=2, seq_length=8, vocab_size=40, hidden_size=16, num_hidden_layers=1,
        ...                     num_attention_heads=2, intermediate_size=32, type_vocab_size=2)
        >>> net = BertPreTraining(config, False, False)
        >>> ids = msnn.Tensor(np.ones([2, 8]), msnn.int32)
        >>> mlm, nsp = net(ids, ids, ids, msnn.Tensor(np.zeros([2, 3]), msnn.int32))
        >>> mlm.shape(), nsp.shape()
        ((6, 40), (2, 2))
    """

    def __init__(self, config, is_training, use_one_hot_embeddings):
        super(BertPreTraining, self).__init__()
        self.bert = BertModel(config, is_training, use_one_hot_embeddings)
        self.cls1 = GetMaskedLMOutput(config)
        self.cls2 = GetNextSentenceOutput(config)

    def construct(self, input_ids, input_mask, token_type_id, masked_lm_positions):
        sequence_output, pooled_output, embedding_table = self.bert(input_ids, token_type_id, input_mask)
        prediction_scores = self.cls1(sequence_output, embedding_table, masked_lm_positions)
        seq_relationship_score = self.cls2(pooled_output)
        return prediction_scores, seq_relationship_score


@ms_api(_P + "BertPretrainingLoss", torch="weighted NLL (masked LM) + mean NLL (next sentence)")
class BertPretrainingLoss(Cell):
    """Pre-training loss: weighted masked-LM NLL plus mean next-sentence NLL.

    ``mlm = sum(w * nll) / (sum(w) + 1e-5)`` over the masked positions with weights
    ``masked_lm_weights``; ``nsp = mean(nll)`` over the batch; the loss is ``mlm + nsp``.

    Args:
        config (BertConfig): Gives vocab_size.

    Inputs:
        - **prediction_scores** (Tensor) - Log-probabilities :math:`(B * P, V)`.
        - **seq_relationship_score** (Tensor) - Log-probabilities :math:`(B, 2)`.
        - **masked_lm_ids** (Tensor) - int32 :math:`(B, P)`.
        - **masked_lm_weights** (Tensor) - :math:`(B, P)`, 1.0 for real predictions, 0.0 for padding.
        - **next_sentence_labels** (Tensor) - int32 :math:`(B, 1)`.

    Outputs:
        Tensor, the loss (shape :math:`(1,)`, as 0.1's ``(1e-5,)`` constant broadcast it).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertConfig, BertPretrainingLoss
        >>> loss = BertPretrainingLoss(BertConfig(batch_size=1, vocab_size=4))
        >>> lp = msnn.Tensor(np.log(np.full([2, 4], 0.25)), msnn.float32)
        >>> nsp = msnn.Tensor(np.log(np.full([1, 2], 0.5)), msnn.float32)
        >>> out = loss(lp, nsp, msnn.Tensor(np.array([[1, 2]]), msnn.int32), msnn.Tensor(np.ones([1, 2]), msnn.float32),
        ...            msnn.Tensor(np.array([[0]]), msnn.int32))
        >>> round(float(out.asnumpy()[0]), 4)
        2.0794
    """

    def __init__(self, config):
        super(BertPretrainingLoss, self).__init__()
        self.vocab_size = config.vocab_size
        self.onehot = P.OneHot()
        self.on_value = torch.tensor(1.0, dtype=torch.float32)
        self.off_value = torch.tensor(0.0, dtype=torch.float32)
        self.reduce_sum = P.ReduceSum()
        self.reduce_mean = P.ReduceMean()
        self.reshape = P.Reshape()
        self.last_idx = (-1,)
        self.neg = P.Neg()
        self.cast = P.Cast()
        self.epsilon = torch.tensor([1e-5], dtype=torch.float32)

    def construct(self, prediction_scores, seq_relationship_score, masked_lm_ids, masked_lm_weights,
                  next_sentence_labels):
        label_ids = self.reshape(masked_lm_ids, self.last_idx)
        label_weights = self.cast(self.reshape(masked_lm_weights, self.last_idx), mstype.float32)
        one_hot_labels = self.onehot(label_ids, self.vocab_size, self.on_value, self.off_value)
        per_example_loss = self.neg(self.reduce_sum(prediction_scores * one_hot_labels, self.last_idx))
        numerator = self.reduce_sum(label_weights * per_example_loss, ())
        denominator = self.reduce_sum(label_weights, ()) + self.epsilon
        masked_lm_loss = numerator / denominator
        labels = self.reshape(next_sentence_labels, self.last_idx)
        one_hot_labels = self.onehot(labels, 2, self.on_value, self.off_value)
        per_example_loss = self.neg(self.reduce_sum(one_hot_labels * seq_relationship_score, self.last_idx))
        next_sentence_loss = self.reduce_mean(per_example_loss, self.last_idx)
        return masked_lm_loss + next_sentence_loss


@ms_api(_P + "BertNetworkWithLoss", torch="BertForPreTraining + its loss")
class BertNetworkWithLoss(Cell):
    """:class:`BertPreTraining` followed by :class:`BertPretrainingLoss`; returns the float32 loss.

    Args:
        config (BertConfig): The configuration.
        is_training (bool): With False, dropout is off.
        use_one_hot_embeddings (bool): One-hot lookups. Default: False.

    Inputs:
        - **input_ids**, **input_mask**, **token_type_id** (Tensor) - int32 :math:`(B, S)`.
        - **next_sentence_labels** (Tensor) - int32 :math:`(B, 1)`.
        - **masked_lm_positions**, **masked_lm_ids** (Tensor) - int32 :math:`(B, P)`.
        - **masked_lm_weights** (Tensor) - float32 :math:`(B, P)`.

    Outputs:
        Tensor of shape :math:`(1,)`, the loss.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> from msnn.model_zoo.Bert_NEZHA import BertConfig, BertNetworkWithLoss
        >>> config = BertConfig(batch_size=2, seq_length=8, vocab_size=40, hidden_size=16, num_hidden_layers=1,
        ...                     num_attention_heads=2, intermediate_size=32, type_vocab_size=2)
        >>> net = BertNetworkWithLoss(config, True)
        >>> ids = msnn.Tensor(np.ones([2, 8]), msnn.int32)
        >>> pos = msnn.Tensor(np.zeros([2, 3]), msnn.int32)
        >>> loss = net(ids, ids, ids, msnn.Tensor(np.zeros([2, 1]), msnn.int32), pos, pos,
        ...            msnn.Tensor(np.ones([2, 3]), msnn.float32))
        >>> loss.shape()
        (1,)
    """

    def __init__(self, config, is_training, use_one_hot_embeddings=False):
        super(BertNetworkWithLoss, self).__init__()
        self.bert = BertPreTraining(config, is_training, use_one_hot_embeddings)
        self.loss = BertPretrainingLoss(config)
        self.cast = P.Cast()

    def construct(self, input_ids, input_mask, token_type_id, next_sentence_labels, masked_lm_positions,
                  masked_lm_ids, masked_lm_weights):
        prediction_scores, seq_relationship_score = self.bert(input_ids, input_mask, token_type_id,
                                                              masked_lm_positions)
        total_loss = self.loss(prediction_scores, seq_relationship_score, masked_lm_ids, masked_lm_weights,
                               next_sentence_labels)
        return self.cast(total_loss, mstype.float32)


def _grads_of(loss, weights, sens):
    return list(_weight_grads(loss, weights, sens))


@ms_api(_P + "BertTrainOneStepCell", torch="loss.backward(); clip each grad by norm 1.0; optimizer.step()",
        deviations=("With a torch.distributed group of more than one process the gradients are all-reduced; 0.1 keyed "
                    "this on context.get_auto_parallel_context('parallel_mode').",))
class BertTrainOneStepCell(Cell):
    """One BERT training step: gradients (times ``sens``), each clipped to L2 norm 1.0, optimizer.

    Args:
        network (Cell): The network with its loss (e.g. :class:`BertNetworkWithLoss`).
        optimizer (Cell): The optimizer (e.g. ``nn.Lamb``).
        sens (Number): The upstream gradient of the loss. Default: 1.0.

    Inputs:
        The seven inputs of :class:`BertNetworkWithLoss`.

    Outputs:
        Tensor, the loss computed before the update.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> import msnn as nn
        >>> from msnn.model_zoo.Bert_NEZHA import BertConfig, BertNetworkWithLoss, BertTrainOneStepCell
        >>> config = BertConfig(batch_size=2, seq_length=8, vocab_size=40, hidden_size=16, num_hidden_layers=1,
        ...                     num_attention_heads=2, intermediate_size=32, type_vocab_size=2)
        >>> net = BertNetworkWithLoss(config, True)
        >>> train = BertTrainOneStepCell(net, nn.Momentum(net.trainable_params(), 0.01, 0.9))
        >>> ids = msnn.Tensor(np.ones([2, 8]), msnn.int32)
        >>> pos = msnn.Tensor(np.zeros([2, 3]), msnn.int32)
        >>> train.set_train()(ids, ids, ids, msnn.Tensor(np.zeros([2, 1]), msnn.int32), pos, pos,
        ...                   msnn.Tensor(np.ones([2, 3]), msnn.float32)).shape()
        (1,)

    Note:
        Each gradient is clipped by its own norm (``GRADIENT_CLIP_TYPE`` 1,
        ``GRADIENT_CLIP_VALUE`` 1.0), as in 0.1 -- not by the global norm. With a
        ``torch.distributed`` group of more than one process the gradients are all-reduced
        (0.1 keyed this on the DATA_PARALLEL/HYBRID_PARALLEL context).
    """

    def __init__(self, network, optimizer, sens=1.0):
        super(BertTrainOneStepCell, self).__init__(auto_prefix=False)
        self.network = network
        self.weights = ParameterTuple(network.trainable_params())
        self.optimizer = optimizer
        self.sens = sens
        self.grad_reducer = auto_reducer(optimizer.parameters, network)
        self.reducer_flag = self.grad_reducer is not None
        self.clip_gradients = ClipGradients()

    def set_sens(self, value):
        """Sets the upstream gradient ``sens`` used by the next steps."""
        self.sens = value

    def construct(self, input_ids, input_mask, token_type_id, next_sentence_labels, masked_lm_positions,
                  masked_lm_ids, masked_lm_weights):
        loss = self.network(input_ids, input_mask, token_type_id, next_sentence_labels, masked_lm_positions,
                            masked_lm_ids, masked_lm_weights)
        grads = _grads_of(loss, self.weights, torch.full_like(loss, float(self.sens)))
        grads = self.clip_gradients(grads, GRADIENT_CLIP_TYPE, GRADIENT_CLIP_VALUE)
        if self.reducer_flag:
            grads = self.grad_reducer(grads)
        self.optimizer(grads)
        return loss.detach()


@ms_api(_P + "BertTrainOneStepWithLossScaleCell",
        torch="torch.amp-style scaled backward, inf/NaN check, clip each grad by norm 1.0, skipped step",
        deviations=("Overflow is detected as an inf/NaN in the scaled gradients (torch's AMP check) "
                    "instead of the Ascend float-status register (NPUAllocFloatStatus/NPUGetFloatStatus).",
                    "With a torch.distributed group of more than one process the gradients are all-reduced; 0.1 keyed "
                    "this on context.get_auto_parallel_context('parallel_mode').",))
class BertTrainOneStepWithLossScaleCell(Cell):
    """One loss-scaled BERT training step.

    Gradients of the loss with the upstream gradient ``S`` (``sens``, or the ``loss_scale``
    Parameter), times ``1/S``, each clipped to L2 norm 1.0; ``cond`` tells whether the scaled
    gradients overflowed; with ``sens=None`` the scale update cell updates ``loss_scale``; the
    optimizer runs only without overflow.

    Args:
        network (Cell): The network with its loss.
        optimizer (Cell): The optimizer.
        scale_update_cell (Cell): ``nn.DynamicLossScaleUpdateCell`` or ``nn.FixedLossScaleUpdateCell``,
            giving the initial ``loss_scale`` Parameter. Default: None.

    Inputs:
        The seven inputs of :class:`BertNetworkWithLoss`, then **sens** (Tensor), the loss scale
        for this step (Default: None, use ``loss_scale``).

    Outputs:
        Tuple of 2 Tensors: the loss and the overflow flag (bool).

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> import msnn as nn
        >>> from msnn.model_zoo.Bert_NEZHA import (BertConfig, BertNetworkWithLoss,
        ...                                        BertTrainOneStepWithLossScaleCell)
        >>> config = BertConfig(batch_size=2, seq_length=8, vocab_size=40, hidden_size=16, num_hidden_layers=1,
        ...                     num_attention_heads=2, intermediate_size=32, type_vocab_size=2)
        >>> net = BertNetworkWithLoss(config, True)
        >>> manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=2**16, scale_factor=2, scale_window=1000)
        >>> train = BertTrainOneStepWithLossScaleCell(net, nn.Momentum(net.trainable_params(), 0.01, 0.9), manager)
        >>> ids = msnn.Tensor(np.ones([2, 8]), msnn.int32)
        >>> pos = msnn.Tensor(np.zeros([2, 3]), msnn.int32)
        >>> loss, cond = train.set_train()(ids, ids, ids, msnn.Tensor(np.zeros([2, 1]), msnn.int32), pos, pos,
        ...                                msnn.Tensor(np.ones([2, 3]), msnn.float32))
        >>> bool(cond.asnumpy())
        False
    """

    def __init__(self, network, optimizer, scale_update_cell=None):
        super(BertTrainOneStepWithLossScaleCell, self).__init__(auto_prefix=False)
        self.network = network
        self.weights = ParameterTuple(network.trainable_params())
        self.optimizer = optimizer
        self.grad_reducer = auto_reducer(optimizer.parameters, network)
        self.reducer_flag = self.grad_reducer is not None
        self.clip_gradients = ClipGradients()
        self.loss_scale = None
        self.loss_scaling_manager = scale_update_cell
        if scale_update_cell:
            device = self.weights[0].device if self.weights else None
            self.loss_scale = Parameter(torch.tensor(float(scale_update_cell.get_loss_scale()), dtype=torch.float32,
                                                     device=device), name="loss_scale")

    def construct(self, input_ids, input_mask, token_type_id, next_sentence_labels, masked_lm_positions,
                  masked_lm_ids, masked_lm_weights, sens=None):
        loss = self.network(input_ids, input_mask, token_type_id, next_sentence_labels, masked_lm_positions,
                            masked_lm_ids, masked_lm_weights)
        if sens is None:
            if self.loss_scale is None:
                raise ValueError("For 'BertTrainOneStepWithLossScaleCell', the 'sens' must be given when "
                                 "there is no scale_update_cell, but got None.")
            scaling_sens = self.loss_scale.detach()
        else:
            scaling_sens = torch.as_tensor(sens, dtype=torch.float32, device=loss.device)
        scaling_sens = scaling_sens.to(torch.float32).reshape(())
        grads = _grads_of(loss, self.weights, scaling_sens.to(loss.dtype).expand(loss.shape))
        found_inf = torch.zeros(1, dtype=torch.float32, device=loss.device)
        if grads:
            _check_non_finite([g.clone() for g in grads], found_inf,
                              torch.ones(1, dtype=torch.float32, device=loss.device))
        grads = tuple(g * torch.reciprocal(scaling_sens).to(g.dtype) for g in grads)
        grads = self.clip_gradients(grads, GRADIENT_CLIP_TYPE, GRADIENT_CLIP_VALUE)
        if self.reducer_flag:
            grads = self.grad_reducer(grads)
        cond = torch.ge(found_inf[0], 1.0)  # 0.1: LessEqual(1, flag_sum)
        overflow = cond
        if sens is None:
            overflow = self.loss_scaling_manager(self.loss_scale, cond)
        if not bool(overflow):
            self.optimizer(grads)
        return loss.detach(), cond
