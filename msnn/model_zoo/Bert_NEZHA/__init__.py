"""``mindspore.model_zoo.Bert_NEZHA``: BERT / NEZHA pre-training of MindSpore 0.1's model zoo.

The same public names as 0.1's package: the configuration, the network cells of
:mod:`.bert_model` and the pre-training heads, loss and training cells of
:mod:`.bert_for_pre_training`.
"""
from .bert_for_pre_training import (BertNetworkWithLoss, BertPreTraining, BertPretrainingLoss, GetMaskedLMOutput,
                                    GetNextSentenceOutput, BertTrainOneStepCell,
                                    BertTrainOneStepWithLossScaleCell)
from .bert_model import (BertAttention, BertConfig, BertEncoderCell, BertModel, BertOutput, BertSelfAttention,
                         BertTransformer, EmbeddingLookup, EmbeddingPostprocessor, RelaPosEmbeddingsGenerator,
                         RelaPosMatrixGenerator, SaturateCast, CreateAttentionMaskFromInputMask)

__all__ = [
    "BertNetworkWithLoss", "BertPreTraining", "BertPretrainingLoss", "GetMaskedLMOutput", "GetNextSentenceOutput",
    "BertTrainOneStepCell", "BertTrainOneStepWithLossScaleCell", "BertAttention", "BertConfig", "BertEncoderCell",
    "BertModel", "BertOutput", "BertSelfAttention", "BertTransformer", "EmbeddingLookup", "EmbeddingPostprocessor",
    "RelaPosEmbeddingsGenerator", "RelaPosMatrixGenerator", "SaturateCast", "CreateAttentionMaskFromInputMask",
]
