"""model_zoo Bert_NEZHA: 0.1's parameter lists, attention and loss against NumPy references of 0.1's
formulas, one-hot/gather lookups, and training steps (plain, clipped and loss-scaled) on a tiny config."""
import math

import numpy as np
import pytest
import torch

import msnn
import msnn as nn
from msnn import Tensor
from msnn.model_zoo import Bert_NEZHA as B
from msnn.model_zoo.Bert_NEZHA import bert_for_pre_training as pre

from .conftest import expected_params, listing, tiny_bert_kwargs

BATCH, SEQ, VOCAB, PRED = 2, 8, 40, 3


def _config(**kw):
    return B.BertConfig(**dict(tiny_bert_kwargs(), **kw))


def _inputs(seed=0):
    rng = np.random.RandomState(seed)
    mask = np.ones([BATCH, SEQ], np.int32)
    mask[1, 6:] = 0
    return (Tensor(rng.randint(0, VOCAB, [BATCH, SEQ]), msnn.int32),          # input_ids
            Tensor(mask, msnn.int32),                                          # input_mask
            Tensor(np.repeat([[0] * 4 + [1] * 4], BATCH, 0), msnn.int32),      # token_type_id
            Tensor(np.array([[0], [1]]), msnn.int32),                          # next_sentence_labels
            Tensor(rng.randint(0, SEQ, [BATCH, PRED]), msnn.int32),            # masked_lm_positions
            Tensor(rng.randint(0, VOCAB, [BATCH, PRED]), msnn.int32),          # masked_lm_ids
            Tensor(np.array([[1, 1, 0], [1, 1, 1]]), msnn.float32))            # masked_lm_weights


def test_BertNetworkWithLoss_parameters_match_0_1():
    assert listing(B.BertNetworkWithLoss(_config(), True)) == \
        expected_params("Bert_NEZHA.BertNetworkWithLoss(TINY, True)")
    assert listing(B.BertNetworkWithLoss(_config(use_relative_positions=False), False)) == \
        expected_params("Bert_NEZHA.BertNetworkWithLoss(TINY_abs, False)")


def test_BertModel_parameters_shapes_and_initialiser():
    np.random.seed(5)
    net = B.BertModel(_config(vocab_size=4000), True)
    assert listing(net)[4:] == expected_params("Bert_NEZHA.BertModel(TINY, True)")[4:]
    table = net.bert_embedding_lookup.embedding_table.asnumpy()
    assert table.shape == (4000, 16) and np.abs(table).max() <= 0.04
    assert abs(table.std() - 0.02 * 0.87962566) < 5e-4  # TruncatedNormal(0.02)
    seq, pooled, emb = net(*_inputs()[:1], _inputs()[2], _inputs()[1])
    assert seq.shape() == (BATCH, SEQ, 16) and pooled.shape() == (BATCH, 16)
    assert emb is net.bert_embedding_lookup.embedding_table
    assert np.abs(pooled.asnumpy()).max() <= 1.0  # tanh pooler


def test_BertConfig_defaults():
    c = B.BertConfig(4)
    assert (c.batch_size, c.seq_length, c.vocab_size, c.hidden_size, c.num_hidden_layers, c.num_attention_heads,
            c.intermediate_size, c.hidden_act, c.type_vocab_size, c.use_relative_positions) == \
        (4, 128, 32000, 768, 12, 12, 3072, "gelu", 16, False)
    assert c.dtype == msnn.float32 and c.compute_type == msnn.float32


def test_RelaPosMatrixGenerator_values():
    out = B.RelaPosMatrixGenerator(5, 2)().asnumpy()
    i, j = np.meshgrid(np.arange(5), np.arange(5), indexing="ij")
    np.testing.assert_array_equal(out, np.clip(j - i, -2, 2) + 2)
    assert out.dtype == np.int32


def _np_attention(x, mask, q, k, v, rel, heads):
    """0.1's BertAttention in NumPy: x [B, S, W]; rel [S, S, H] or None."""
    b, s, _ = x.shape
    h = q[0].shape[0] // heads
    def proj(p):
        return (x.reshape(b * s, -1) @ p[0].T + p[1]).reshape(b, s, heads, h).transpose(0, 2, 1, 3)
    qq, kk, vv = proj(q), proj(k), proj(v)
    scores = qq @ kk.transpose(0, 1, 3, 2)
    if rel is not None:
        scores = scores + np.einsum("bnfh,fth->bnft", qq, rel)
    scores = scores / math.sqrt(h) + (1.0 - mask[:, None]) * -10000.0
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    ctx = probs @ vv
    if rel is not None:
        ctx = ctx + np.einsum("bnft,fth->bnfh", probs, rel)
    return ctx.transpose(0, 2, 1, 3).reshape(b * s, heads * h)


@pytest.mark.parametrize("relative", [False, True])
def test_BertAttention_matches_numpy_reference(relative):
    att = B.BertAttention(BATCH, 16, 16, SEQ, SEQ, num_attention_heads=2, size_per_head=8, has_attention_mask=True,
                          do_return_2d_tensor=True, use_relative_positions=relative, initializer_range=0.3)
    x = np.random.normal(0, 1, (BATCH, SEQ, 16)).astype(np.float32)
    mask = np.ones([BATCH, SEQ, SEQ], np.float32)
    mask[1, :, 5:] = 0
    out = att(Tensor(x), Tensor(x), Tensor(mask)).asnumpy()
    params = {n: p.detach().numpy() for n, p in att.parameters_and_names()}
    lay = lambda name: (params[name + ".weight"], params[name + ".bias"])  # noqa: E731
    rel = None
    if relative:
        table = params["_generate_relative_positions_embeddings.embeddings_table"]
        i, j = np.meshgrid(np.arange(SEQ), np.arange(SEQ), indexing="ij")
        rel = table[np.clip(j - i, -16, 16) + 16]
    ref = _np_attention(x, mask, lay("query_layer"), lay("key_layer"), lay("value_layer"), rel, 2)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)


def test_EmbeddingLookup_one_hot_equals_gather():
    gather = B.EmbeddingLookup(VOCAB, 16, [BATCH, SEQ, 16])
    hot = B.EmbeddingLookup(VOCAB, 16, [BATCH, SEQ, 16], use_one_hot_embeddings=True)
    hot.embedding_table.data.copy_(gather.embedding_table.data)
    ids = _inputs()[0]
    np.testing.assert_allclose(hot(ids)[0].asnumpy(), gather(ids)[0].asnumpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(gather(ids)[0].asnumpy(),
                                  gather.embedding_table.detach().numpy()[ids.asnumpy()])


def test_EmbeddingPostprocessor_token_types_and_one_hot_off_value():
    post = B.EmbeddingPostprocessor(16, [BATCH, SEQ, 16], use_token_type=True, token_type_vocab_size=2,
                                    dropout_prob=0.0)
    hot = B.EmbeddingPostprocessor(16, [BATCH, SEQ, 16], use_token_type=True, token_type_vocab_size=2,
                                   use_one_hot_embeddings=True, dropout_prob=0.0)
    table = post.embedding_table.detach().numpy()
    hot.embedding_table.data.copy_(post.embedding_table.data)
    types = _inputs()[2]
    words = np.random.normal(0, 1, (BATCH, SEQ, 16)).astype(np.float32)
    def layer_norm(x):
        return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-12)
    t = types.asnumpy()
    np.testing.assert_allclose(post(types, Tensor(words)).asnumpy(), layer_norm(words + table[t]), atol=1e-4)
    # 0.1's one-hot token-type path uses off_value 0.1
    mixed = np.where(np.eye(2)[t] == 1, 1.0, 0.1) @ table
    np.testing.assert_allclose(hot(types, Tensor(words)).asnumpy(), layer_norm(words + mixed), atol=1e-4)


def test_BertPretrainingLoss_matches_numpy():
    loss = B.BertPretrainingLoss(_config())
    rng = np.random.RandomState(1)
    lp = np.log(rng.dirichlet(np.ones(VOCAB), BATCH * PRED)).astype(np.float32)
    nsp = np.log(rng.dirichlet(np.ones(2), BATCH)).astype(np.float32)
    _, _, _, labels, _, ids, weights = _inputs()
    out = loss(Tensor(lp), Tensor(nsp), ids, weights, labels).asnumpy()
    w = weights.asnumpy().reshape(-1)
    nll = -lp[np.arange(BATCH * PRED), ids.asnumpy().reshape(-1)]
    ref = (w * nll).sum() / (w.sum() + 1e-5) - nsp[np.arange(BATCH), labels.asnumpy().reshape(-1)].mean()
    assert out.shape == (1,)
    np.testing.assert_allclose(out[0], ref, rtol=1e-5)


def test_BertPreTraining_output_shapes():
    net = B.BertPreTraining(_config(), False, False)
    ids, mask, types, _, positions, _, _ = _inputs()
    mlm, nsp = net(ids, mask, types, positions)
    assert mlm.shape() == (BATCH * PRED, VOCAB) and nsp.shape() == (BATCH, 2)
    np.testing.assert_allclose(np.exp(mlm.asnumpy()).sum(-1), 1.0, rtol=1e-5)
    seq = net.bert(ids, types, mask)[0].asnumpy().reshape(BATCH * SEQ, 16)
    flat = (positions.asnumpy() + np.arange(BATCH)[:, None] * SEQ).reshape(-1)
    head = net.cls1
    hidden = head.layernorm(head.dense(torch.tensor(seq[flat])))
    logits = hidden.detach().numpy() @ net.bert.bert_embedding_lookup.embedding_table.detach().numpy().T
    ref = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    np.testing.assert_allclose(mlm.asnumpy(), ref, rtol=1e-4, atol=1e-5)


def test_BertTrainOneStepCell_lamb_loss_falls():
    net = B.BertNetworkWithLoss(_config(), True)
    opt = nn.Lamb(net.trainable_params(), decay_steps=1000, start_learning_rate=1e-1, end_learning_rate=0.0,
                  power=10.0, warmup_steps=0, decay_filter=lambda x: False)
    train = B.BertTrainOneStepCell(net, optimizer=opt)
    train.set_train(True)
    data = _inputs()
    losses = [float(train(*data).asnumpy()[0]) for _ in range(8)]
    assert losses[-1] < losses[0] - 0.5 and all(b < a for a, b in zip(losses, losses[1:])), losses


def test_BertTrainOneStepCell_clips_each_gradient_to_norm_1():
    net = B.BertNetworkWithLoss(_config(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0), True)
    opt = nn.Momentum(net.trainable_params(), learning_rate=1.0, momentum=0.0)
    train = B.BertTrainOneStepCell(net, optimizer=opt, sens=1e6)
    before = [p.detach().clone() for p in net.trainable_params()]
    train.set_train()(*_inputs())
    norms = [float(torch.linalg.vector_norm(p.detach() - b)) for p, b in zip(net.trainable_params(), before)]
    # sens 1e6 makes nearly every gradient longer than 1: those are cut to exactly norm 1
    assert max(norms) <= 1.0 + 1e-5 and sum(abs(n - 1.0) < 1e-5 for n in norms) > 40
    assert pre.GRADIENT_CLIP_TYPE == 1 and pre.GRADIENT_CLIP_VALUE == 1.0
    train.set_sens(1.0)
    assert train.sens == 1.0


def test_BertTrainOneStepWithLossScaleCell_overflow_skips_and_scale_updates():
    net = B.BertNetworkWithLoss(_config(), True)
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
    manager = nn.DynamicLossScaleUpdateCell(loss_scale_value=2.0 ** 10, scale_factor=2, scale_window=2)
    train = B.BertTrainOneStepWithLossScaleCell(net, opt, scale_update_cell=manager).set_train()
    assert "loss_scale" in [n for n, _ in train.parameters_and_names()]
    data = _inputs()
    loss, cond = train(*data)
    assert not bool(cond.asnumpy()) and float(train.loss_scale.detach()) == 1024.0
    loss2, _ = train(*data)
    assert float(train.loss_scale.detach()) == 2048.0  # 2 clean steps: grows
    assert float(loss2.asnumpy()[0]) < float(loss.asnumpy()[0])
    frozen = [p.detach().clone() for p in net.trainable_params()]
    train.loss_scale.data.fill_(3e38)  # scaled gradients overflow
    _, cond = train(*data)
    assert bool(cond.asnumpy()) and float(train.loss_scale.detach()) == pytest.approx(1.5e38)
    assert all(torch.equal(p.detach(), f) for p, f in zip(net.trainable_params(), frozen))
    _, cond = train(*data, Tensor(np.array(float("inf")), msnn.float32))  # explicit sens
    assert bool(cond.asnumpy())
    assert all(torch.equal(p.detach(), f) for p, f in zip(net.trainable_params(), frozen))


def test_BertModel_float16_compute_and_fixed_inputs():
    cfg = _config(compute_type=msnn.float16, input_mask_from_dataset=False, token_type_ids_from_dataset=False)
    net = B.BertModel(cfg, False)
    ids = _inputs()[0]
    seq, pooled, _ = net(ids, Tensor(np.full([BATCH, SEQ], 1), msnn.int32), Tensor(np.zeros([BATCH, SEQ]), msnn.int32))
    assert seq.dtype == torch.float32 and np.isfinite(seq.asnumpy()).all() and pooled.shape() == (BATCH, 16)
    ref = B.BertModel(_config(), False)
    ref.load_state_dict(net.state_dict())
    seq32 = ref(ids, Tensor(np.zeros([BATCH, SEQ]), msnn.int32), Tensor(np.ones([BATCH, SEQ]), msnn.int32))[0]
    np.testing.assert_allclose(seq.asnumpy(), seq32.asnumpy(), atol=2e-2)


def test_SaturateCast_and_mask():
    out = B.SaturateCast(dst_type=msnn.float16)(Tensor(np.array([1e6, -1e6, 1.5]), msnn.float32))
    assert out.dtype == torch.float16 and out.asnumpy().tolist() == [65504.0, -65504.0, 1.5]
    make = B.CreateAttentionMaskFromInputMask(_config())
    m = make(_inputs()[1]).asnumpy()
    assert m.shape == (BATCH, SEQ, SEQ) and m[1, 3].tolist() == [1] * 6 + [0] * 2


def test_Bert_NEZHA_mindspore_import_path_and_exports():
    msnn.install_alias()
    # pylint: disable=import-outside-toplevel
    from mindspore.model_zoo.Bert_NEZHA import BertConfig, BertNetworkWithLoss, BertTrainOneStepCell
    assert BertConfig is B.BertConfig and BertNetworkWithLoss is B.BertNetworkWithLoss
    assert BertTrainOneStepCell is B.BertTrainOneStepCell
    assert sorted(B.__all__) == sorted([
        "BertNetworkWithLoss", "BertPreTraining", "BertPretrainingLoss", "GetMaskedLMOutput",
        "GetNextSentenceOutput", "BertTrainOneStepCell", "BertTrainOneStepWithLossScaleCell", "BertAttention",
        "BertConfig", "BertEncoderCell", "BertModel", "BertOutput", "BertSelfAttention", "BertTransformer",
        "EmbeddingLookup", "EmbeddingPostprocessor", "RelaPosEmbeddingsGenerator", "RelaPosMatrixGenerator",
        "SaturateCast", "CreateAttentionMaskFromInputMask"])
    with pytest.raises(ValueError, match="BertSelfAttention"):
        B.BertSelfAttention(2, 8, 15, num_attention_heads=2)


def _ln(x, eps=1e-12):
    return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps)


def test_BertOutput_is_layernorm_of_projection_plus_residual():
    out = B.BertOutput(32, 16, dropout_prob=0.0)
    h = np.random.normal(0, 1, (4, 32)).astype(np.float32)
    r = np.random.normal(0, 1, (4, 16)).astype(np.float32)
    w, b = out.dense.weight.detach().numpy(), out.dense.bias.detach().numpy()
    np.testing.assert_allclose(out(Tensor(h), Tensor(r)).asnumpy(), _ln(h @ w.T + b + r), atol=1e-5)


def test_RelaPosEmbeddingsGenerator_rows_and_one_hot():
    gen = B.RelaPosEmbeddingsGenerator(6, 4, 2, 0.02)
    hot = B.RelaPosEmbeddingsGenerator(6, 4, 2, 0.02, use_one_hot_embeddings=True)
    hot.embeddings_table.data.copy_(gen.embeddings_table.data)
    table = gen.embeddings_table.detach().numpy()
    assert table.shape == (5, 4)
    i, j = np.meshgrid(np.arange(6), np.arange(6), indexing="ij")
    np.testing.assert_allclose(gen().asnumpy(), table[np.clip(j - i, -2, 2) + 2])
    np.testing.assert_allclose(hot().asnumpy(), gen().asnumpy(), atol=1e-7)


def test_BertTransformer_composes_encoder_cells():
    np.random.seed(7)
    enc = B.BertTransformer(BATCH, 16, SEQ, 2, num_attention_heads=2, intermediate_size=32,
                            attention_probs_dropout_prob=0.0, hidden_dropout_prob=0.0, return_all_encoders=True)
    x = Tensor(np.random.normal(0, 1, (BATCH, SEQ, 16)), msnn.float32)
    mask = Tensor(np.ones([BATCH, SEQ, SEQ]), msnn.float32)
    outs = enc(x, mask)
    assert len(outs) == 2 and all(o.shape == (BATCH, SEQ, 16) for o in outs)
    cell = enc.layers[0]  # BertEncoderCell = attention -> intermediate (gelu) -> output
    att = cell.attention(x, mask)
    first = cell.output(cell.intermediate(att), att)
    np.testing.assert_allclose(outs[0].asnumpy(), first.detach().numpy().reshape(BATCH, SEQ, 16), atol=1e-5)
    last = B.BertTransformer(BATCH, 16, SEQ, 2, num_attention_heads=2, intermediate_size=32)
    assert len(last(x, mask)) == 1


def test_BertSelfAttention_is_attention_plus_output_residual():
    np.random.seed(8)
    sa = B.BertSelfAttention(BATCH, SEQ, 16, num_attention_heads=2, attention_probs_dropout_prob=0.0,
                             hidden_dropout_prob=0.0)
    x = Tensor(np.random.normal(0, 1, (BATCH, SEQ, 16)), msnn.float32)
    mask = Tensor(np.ones([BATCH, SEQ, SEQ]), msnn.float32)
    att = sa(x, mask)
    assert att.shape() == (BATCH * SEQ, 16) and sa.size_per_head == 8
    flat = x.reshape(-1, 16)
    np.testing.assert_allclose(att.asnumpy(), sa.output(sa.attention(flat, flat, mask), flat).detach().numpy(),
                               atol=1e-6)


def test_BertEncoderCell_defaults_and_gelu_feed_forward():
    cell = B.BertEncoderCell(BATCH, 16, SEQ, 2, 32)
    assert cell.intermediate.activation_flag and type(cell.intermediate.activation).__name__ == "GELU"
    assert cell.attention.attention.dropout._p == pytest.approx(0.02)  # 0.1's default 0.02 here
    assert [n for n, _ in cell.parameters_and_names()][:2] == ["attention.attention.query_layer.weight",
                                                                "attention.attention.query_layer.bias"]


def test_CreateAttentionMaskFromInputMask_rows_repeat_the_mask():
    m = B.CreateAttentionMaskFromInputMask(_config())(_inputs()[1]).asnumpy()
    assert m.shape == (BATCH, SEQ, SEQ) and m.dtype == np.float32
    assert (m[1] == np.array([1] * 6 + [0] * 2, np.float32)).all() and (m[0] == 1).all()
    ones = B.CreateAttentionMaskFromInputMask(_config(input_mask_from_dataset=False))
    assert (ones(_inputs()[1]).asnumpy() == 1).all()


def test_ClipGradients_by_value_norm_and_passthrough():
    clip = pre.ClipGradients()
    g = (Tensor(np.array([3.0, -4.0]), msnn.float32), Tensor(np.array([0.1, 0.2]), msnn.float32))
    np.testing.assert_allclose(clip(g, 1, 1.0)[0].asnumpy(), [0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(clip(g, 1, 1.0)[1].asnumpy(), [0.1, 0.2], rtol=1e-6)
    np.testing.assert_allclose(clip(g, 0, 0.5)[0].asnumpy(), [0.5, -0.5])
    same = clip(g, 2, 1.0)  # other clip types: unchanged
    assert all(torch.equal(a, b) for a, b in zip(same, g))


def test_GetMaskedLMOutput_and_GetNextSentenceOutput_heads():
    cfg = _config()
    mlm = B.GetMaskedLMOutput(cfg)
    assert [n for n, _ in mlm.parameters_and_names()][0] == "output_bias"  # own parameter first, as in 0.1
    seq = np.random.normal(0, 1, (BATCH, SEQ, 16)).astype(np.float32)
    table = np.random.normal(0, 1, (VOCAB, 16)).astype(np.float32)
    pos = _inputs()[4]
    out = mlm(Tensor(seq), Tensor(table), pos).asnumpy()
    picked = seq.reshape(-1, 16)[(pos.asnumpy() + np.arange(BATCH)[:, None] * SEQ).reshape(-1)]
    hidden = mlm.layernorm(mlm.dense(torch.tensor(picked))).detach().numpy()
    logits = hidden @ table.T
    np.testing.assert_allclose(out, logits - np.log(np.exp(logits).sum(-1, keepdims=True)), rtol=1e-4, atol=1e-5)


def test_GetNextSentenceOutput_log_softmax_of_dense():
    nsp = B.GetNextSentenceOutput(_config())
    pooled = np.random.normal(0, 1, (BATCH, 16)).astype(np.float32)
    lg = pooled @ nsp.dense.weight.detach().numpy().T + nsp.dense.bias.detach().numpy()
    np.testing.assert_allclose(nsp(Tensor(pooled)).asnumpy(), lg - np.log(np.exp(lg).sum(-1, keepdims=True)),
                               rtol=1e-5, atol=1e-6)
