"""Build MindSpore 0.1's own model_zoo sources with real MindSpore (2.10, the oracle) and record facts
for tests/model_zoo:

* ``check``: each network's (name, shape, trainable) list equals tests/data/model_zoo_params.json
  (recorded independently by tools/model_zoo_expected.py);
* ``goldens``: with every parameter set by :func:`weights` (a fixed rule), the outputs of LeNet5, a
  small ResNet, a tiny BERT and a small YOLOv3 on fixed inputs -> tests/data/model_zoo_goldens.npz.

The 0.1 sources are read from the git mirror (commit 576a73b4) and executed, never copied. A few
MindSpore 2.10 signature changes of parameter-less primitives are bridged (listed in ``_bridge``).

    $(bash /work/shared/tools/oracle-env.sh) tools/model_zoo_oracle.py check|goldens
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import types

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "tests", "data")
GIT = ["git", "--git-dir=" + os.environ.get("MSNN_MS01_GIT", "/work/.mirror/leonwanghui+mindspore/repo"), "show"]
COMMIT = "576a73b4"

SMALL_YOLO = dict(img_shape=[32, 64], feature_shape=[2, 3, 32, 64], num_classes=2,
                  backbone_input_shape=[64, 8, 16, 32], backbone_shape=[8, 16, 32, 64],
                  backbone_layers=[2, 2, 2, 2], backbone_stride=[1, 2, 2, 2], ignore_threshold=0.5,
                  anchor_scales=[(2, 3), (4, 7), (8, 5), (7, 15), (15, 11), (14, 29), (29, 22), (39, 49),
                                 (40, 81)], out_channel=21)


def weights(listing, seed):
    """The value of every parameter, in order: BN variances in [0.5, 1.5), gammas near 1, the rest N(0, 0.1^2)."""
    rng = np.random.RandomState(seed)
    out = []
    for name, shape in listing:
        if name.endswith("moving_variance"):
            out.append(rng.uniform(0.5, 1.5, shape).astype(np.float32))
        elif name.endswith("gamma"):
            out.append((1.0 + 0.1 * rng.normal(0, 1, shape)).astype(np.float32))
        else:
            out.append((0.1 * rng.normal(0, 1, shape)).astype(np.float32))
    return out


def inputs(seed):
    """Fixed inputs: images, BERT's seven columns, YOLOv3 targets."""
    rng = np.random.RandomState(seed)
    mask = np.ones([2, 8], np.int32)
    mask[1, 6:] = 0
    out = {
        "lenet_x": rng.normal(0, 1, (2, 1, 32, 32)).astype(np.float32),
        "resnet_x": rng.normal(0, 1, (2, 3, 16, 16)).astype(np.float32),
        "bert_input_ids": rng.randint(0, 40, [2, 8]).astype(np.int32),
        "bert_input_mask": mask,
        "bert_token_type_id": np.repeat([[0] * 4 + [1] * 4], 2, 0).astype(np.int32),
        "bert_next_sentence_labels": np.array([[0], [1]], np.int32),
        "bert_masked_lm_positions": rng.randint(0, 8, [2, 3]).astype(np.int32),
        "bert_masked_lm_ids": rng.randint(0, 40, [2, 3]).astype(np.int32),
        "bert_masked_lm_weights": np.array([[1, 1, 0], [1, 1, 1]], np.float32),
        "yolo_x": rng.normal(0, 1, (2, 3, 32, 64)).astype(np.float32),
    }
    grids = [(1, 2), (2, 4), (4, 8)]
    for k, (gh, gw) in enumerate(grids):
        y = np.zeros((2, gh, gw, 3, 7), np.float32)
        gt = np.zeros((2, 5, 4), np.float32)
        for b in range(2):
            box = np.array([rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.05, 0.5),
                            rng.uniform(0.05, 0.5)], np.float32)
            i, j, a = int(box[0] * gw), int(box[1] * gh), rng.randint(3)
            y[b, j, i, a, :4] = box
            y[b, j, i, a, 4] = 1.0
            y[b, j, i, a, 5 + rng.randint(2)] = 1.0
            gt[b, 0] = box
        out[f"yolo_y_true_{k}"] = y
        out[f"yolo_gt_{k}"] = gt
    return out


def _bridge():
    """MindSpore 2.10 spellings for the 0.1 constructs whose signature changed (none holds a parameter)."""
    import mindspore as ms  # pylint: disable=import-outside-toplevel
    import mindspore.nn as nn  # pylint: disable=import-outside-toplevel
    import mindspore.ops.composite as C  # pylint: disable=import-outside-toplevel
    from mindspore.ops import operations as P  # pylint: disable=import-outside-toplevel
    pool = P.MaxPoolWithArgmax
    P.MaxPoolWithArgmax = lambda pad_mode='valid', window=1, stride=1: pool(kernel_size=window, strides=stride,
                                                                            pad_mode=pad_mode)
    grad = C.GradOperation
    C.GradOperation = lambda *a, **k: grad(get_by_list=True, sens_param=True)
    import mindspore.common.initializer as init  # pylint: disable=import-outside-toplevel
    lazy = init.initializer
    init.initializer = lambda *a, **k: lazy(*a, **k).init_data()  # 0.1's initializer returned data
    import mindspore.ops.functional as F  # pylint: disable=import-outside-toplevel
    F.scalar_to_array = lambda value: ms.Tensor(value, ms.float32)
    gather = P.Gather()
    P.GatherV2 = lambda: (lambda params, indices, axis: gather(params, indices, axis))
    layer_norm = nn.LayerNorm

    class LayerNorm(layer_norm):  # 0.1 accepted an int normalized_shape
        def __init__(self, shape, *args, **kwargs):
            super().__init__((shape,) if isinstance(shape, int) else shape, *args, **kwargs)
    nn.LayerNorm = LayerNorm
    config = types.ModuleType("config")
    config.alexnet_cfg = types.SimpleNamespace(batch_size=32)
    sys.modules["config"] = config
    utils = types.ModuleType("mindspore.train.parallel_utils")
    utils.ParallelMode = ms.ParallelMode
    sys.modules.setdefault("mindspore.train.parallel_utils", utils)
    for pkg in ("zoo", "zoo.Bert_NEZHA"):
        mod = types.ModuleType(pkg)
        mod.__path__ = []
        sys.modules[pkg] = mod


_SRC = tempfile.mkdtemp(prefix="ms01_zoo_")  # graph mode reads the sources from files


def _load(path, name):
    source = subprocess.run(GIT + [f"{COMMIT}:{path}"], capture_output=True, text=True, check=True).stdout
    file = os.path.join(_SRC, name.replace(".", "_") + ".py")
    with open(file, "w", encoding="utf-8") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = name.rpartition(".")[0]
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _zoo():
    _bridge()
    zoo = types.SimpleNamespace()
    zoo.lenet = _load("mindspore/model_zoo/lenet.py", "zoo.lenet")
    zoo.resnet = _load("mindspore/model_zoo/resnet.py", "zoo.resnet")
    zoo.vgg = _load("mindspore/model_zoo/vgg.py", "zoo.vgg")
    zoo.yolo = _load("mindspore/model_zoo/yolov3.py", "zoo.yolov3")
    zoo.yolo_cfg = _load("example/yolov3_coco2017/config.py", "yolo_config").ConfigYOLOV3ResNet18
    zoo.bert = _load("mindspore/model_zoo/Bert_NEZHA/bert_model.py", "zoo.Bert_NEZHA.bert_model")
    zoo.pre = _load("mindspore/model_zoo/Bert_NEZHA/bert_for_pre_training.py",
                    "zoo.Bert_NEZHA.bert_for_pre_training")
    return zoo


def check():
    zoo = _zoo()
    with open(os.path.join(DATA, "model_zoo_params.json"), encoding="utf-8") as f:
        expected = json.load(f)
    tiny = expected["meta"]["tiny_bert"]
    nets = {
        "lenet.LeNet5()": zoo.lenet.LeNet5(),
        "resnet.resnet50(10)": zoo.resnet.resnet50(10),
        "resnet.ResidualBlock(3, 256, stride=2)": zoo.resnet.ResidualBlock(3, 256, stride=2),
        "vgg.Vgg(cfg['11'], 10, False, 2)": zoo.vgg.Vgg(zoo.vgg.cfg['11'], 10, False, 2),
        "yolov3.resnet18(10)": zoo.yolo.resnet18(10),
        "yolov3.yolov3_resnet18(ConfigYOLOV3ResNet18())": zoo.yolo.yolov3_resnet18(zoo.yolo_cfg()),
        "Bert_NEZHA.BertNetworkWithLoss(TINY, True)": zoo.pre.BertNetworkWithLoss(zoo.bert.BertConfig(**tiny), True),
    }
    ok = True
    for key, net in nets.items():
        got = [[p.name, list(p.shape), bool(p.requires_grad)] for _, p in net.parameters_and_names()]
        same = got == expected["networks"][key]
        ok &= same
        print(f"{'same' if same else 'DIFFERENT'}: {key} ({len(got)} parameters)")
    return ok


def _set_weights(net, seed):
    import mindspore as ms  # pylint: disable=import-outside-toplevel
    listing = [(p.name, tuple(p.shape)) for _, p in net.parameters_and_names()]
    for (_, p), value in zip(net.parameters_and_names(), weights(listing, seed)):
        p.set_data(ms.Tensor(value))


def _digest(net):
    """Per parameter, in order: sum, sum of squares and the first 3 values."""
    rows = []
    for _, p in net.parameters_and_names():
        v = p.asnumpy().astype(np.float64).reshape(-1)
        rows.append([v.sum(), (v * v).sum(), *v[:3]])
    return np.array(rows)


def goldens():
    import mindspore as ms  # pylint: disable=import-outside-toplevel
    import mindspore.nn as nn  # pylint: disable=import-outside-toplevel
    ms.set_context(mode=ms.PYNATIVE_MODE, device_target="CPU")
    zoo = _zoo()
    data = inputs(0)
    T = lambda k: ms.Tensor(data[k])  # noqa: E731
    out = dict(data)
    net = zoo.lenet.LeNet5()
    _set_weights(net, 1)
    out["lenet_out"] = net(T("lenet_x")).asnumpy()
    net = zoo.resnet.ResNet(zoo.resnet.ResidualBlock, [1, 1, 1, 1], [64, 16, 32, 64], [16, 32, 64, 128],
                            [1, 2, 2, 2], 4)
    _set_weights(net, 2)
    net.set_train(False)
    out["resnet_out"] = net(T("resnet_x")).asnumpy()
    with open(os.path.join(DATA, "model_zoo_params.json"), encoding="utf-8") as f:
        tiny = json.load(f)["meta"]["tiny_bert"]
    net = zoo.pre.BertNetworkWithLoss(zoo.bert.BertConfig(**tiny), False)
    _set_weights(net, 3)
    cols = [T("bert_" + c) for c in ("input_ids", "input_mask", "token_type_id", "next_sentence_labels",
                                     "masked_lm_positions", "masked_lm_ids", "masked_lm_weights")]
    mlm, nsp = net.bert(cols[0], cols[1], cols[2], cols[4])
    out["bert_mlm"], out["bert_nsp"] = mlm.asnumpy(), nsp.asnumpy()
    out["bert_loss"] = net(*cols).asnumpy()
    net = zoo.bert.BertModel(zoo.bert.BertConfig(**tiny), False, True)  # one-hot lookups
    _set_weights(net, 7)
    seq, pooled, _ = net(cols[0], cols[2], cols[1])
    out["bert_onehot_seq"], out["bert_onehot_pooled"] = seq.asnumpy(), pooled.asnumpy()
    cfg = type("Cfg", (), dict(SMALL_YOLO))
    net = zoo.yolo.YoloWithLossCell(zoo.yolo.yolov3_resnet18(cfg()), cfg())
    _set_weights(net, 4)
    net.set_train(False)
    for k, o in enumerate(net.yolo_network(T("yolo_x"))):
        out[f"yolo_eval_{k}"] = o.asnumpy()
    net.set_train(True)
    out["yolo_loss"] = net(T("yolo_x"), *[T(f"yolo_y_true_{k}") for k in range(3)],
                           *[T(f"yolo_gt_{k}") for k in range(3)]).asnumpy()
    # training steps: 0.1's BertTrainOneStepCell (per-gradient clipping) and TrainingWrapper, nn.Momentum
    net = zoo.pre.BertNetworkWithLoss(zoo.bert.BertConfig(**tiny), False)
    _set_weights(net, 5)
    train = zoo.pre.BertTrainOneStepCell(net, nn.Momentum(net.trainable_params(), 0.1, 0.9), sens=4.0)
    train.set_train(True)
    out["bert_train_losses"] = np.array([train(*cols).asnumpy() for _ in range(2)]).reshape(-1)
    out["bert_train_params"] = np.concatenate([p.asnumpy().reshape(-1) for _, p in net.parameters_and_names()])
    # GRAPH_MODE (0.1's default) runs the forward once per step, so BatchNorm's moving statistics
    # are updated once; PyNative would run it twice (the loss, then again inside the gradient)
    ms.set_context(mode=ms.GRAPH_MODE)
    net = zoo.yolo.YoloWithLossCell(zoo.yolo.yolov3_resnet18(cfg()), cfg())
    _set_weights(net, 6)
    train = zoo.yolo.TrainingWrapper(net, nn.Momentum(net.trainable_params(), 0.01, 0.9), 2.0)
    train.set_train(True)
    yolo_in = [T("yolo_x")] + [T(f"yolo_y_true_{k}") for k in range(3)] + [T(f"yolo_gt_{k}") for k in range(3)]
    first = train(*yolo_in).asnumpy()
    out["yolo_train_digest"] = _digest(net)  # after one step
    out["yolo_train_losses"] = np.array([first, train(*yolo_in).asnumpy()]).reshape(-1)
    path = os.path.join(DATA, "model_zoo_goldens.npz")
    np.savez_compressed(path, **out)
    print("wrote", path, {k: v.shape for k, v in out.items() if not k.startswith(("yolo_y", "yolo_gt", "bert_"))})


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "check"
    if what == "check":
        sys.exit(0 if check() else 1)
    goldens()
