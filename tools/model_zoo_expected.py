"""Record the (name, shape, trainable) list of every model_zoo network as MindSpore 0.1 built it.

The 0.1.0-alpha sources (``mindspore/model_zoo/**`` and the example configs at commit 576a73b4)
are read from a git mirror and executed against a stand-in ``mindspore`` package that knows only
what decides parameter names, order and shapes in 0.1:

* a Cell registers Parameters and child Cells in assignment order; assigning a child to an
  ``auto_prefix`` cell renames every parameter below it to ``attr + '.' + path``; a
  ``ParameterTuple`` attribute inserts its parameters under their own names; parameters are
  listed pre-order (a cell's own before its children's), each once;
* Conv2d: weight (out, in // group, k, k) then bias (out) if has_bias (default False);
  Dense: weight (out, in) then bias (out) if has_bias (default True);
  BatchNorm1d/2d: moving_mean, moving_variance (not trainable), gamma, beta;
  LayerNorm: gamma, beta of normalized_shape;
  SequentialCell / CellList: children "0", "1", ...; every other nn layer holds no parameter.

Nothing from msnn is imported, so the recorded lists are an independent reference for
``tests/model_zoo``. Run (writes tests/data/model_zoo_params.json):

    python tools/model_zoo_expected.py [--git-dir /work/.mirror/leonwanghui+mindspore/repo]
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import types

import numpy as np

COMMIT = "576a73b4"
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "model_zoo_params.json")

# tiny BERT configuration shared with tests/model_zoo/test_bert.py
TINY_BERT = dict(batch_size=2, seq_length=8, vocab_size=40, hidden_size=16, num_hidden_layers=2,
                 num_attention_heads=2, intermediate_size=32, hidden_act="gelu",
                 hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
                 max_position_embeddings=32, type_vocab_size=2, initializer_range=0.02,
                 use_relative_positions=True)


class FakeTensor:
    def __init__(self, data=None, dtype=None, shape=None):
        self.shape = tuple(shape) if shape is not None else tuple(np.shape(data))
        self.dtype = dtype

    def __getattr__(self, name):  # any method call works and returns a tensor
        return lambda *a, **k: self


def _shape(shape):
    if isinstance(shape, int):
        return (shape,)
    return tuple(shape)


def initializer(init, shape=None, dtype=None):
    if isinstance(init, FakeTensor):
        return init
    return FakeTensor(shape=_shape(shape), dtype=dtype)


class Parameter:
    def __init__(self, default_input, name, requires_grad=True, layerwise_parallel=False):
        self.shape = default_input.shape if isinstance(default_input, FakeTensor) else np.shape(default_input)
        self.name = name
        self.requires_grad = requires_grad


class ParameterTuple(tuple):
    pass


class Cell:
    def __init__(self, auto_prefix=True):
        object.__setattr__(self, "_params", collections.OrderedDict())
        object.__setattr__(self, "_cells", collections.OrderedDict())
        object.__setattr__(self, "_auto_prefix", auto_prefix)
        object.__setattr__(self, "training", False)

    def __setattr__(self, name, value):
        if isinstance(value, Parameter):
            self._params[name] = value
        elif isinstance(value, ParameterTuple):
            for item in value:
                self._params[item.name] = item
            object.__setattr__(self, name, value)
        elif isinstance(value, Cell):
            if self._auto_prefix:
                value.update_parameters_name(name + ".")
            self._cells[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = object.__getattribute__(self, "__dict__")
        for key in ("_params", "_cells"):
            if name in d.get(key, {}):
                return d[key][name]
        raise AttributeError(name)

    def insert_child_to_cell(self, name, cell):
        self._cells[name] = cell

    def cells_and_names(self, seen=None, prefix=""):
        seen = set() if seen is None else seen
        if id(self) in seen:
            return
        seen.add(id(self))
        yield prefix, self
        for name, cell in self._cells.items():
            if cell is not None:
                yield from cell.cells_and_names(seen, prefix + "." + name if prefix else name)

    def parameters_and_names(self):
        seen = set()
        for cell_name, cell in self.cells_and_names():
            for name, par in cell._params.items():
                if par is not None and id(par) not in seen:
                    seen.add(id(par))
                    yield (cell_name + "." + name if cell_name else name), par

    def update_parameters_name(self, prefix):
        for name, par in self.parameters_and_names():
            par.name = prefix + name

    def trainable_params(self):
        return [p for _, p in self.parameters_and_names() if p.requires_grad]

    def get_parameters(self):
        return [p for _, p in self.parameters_and_names()]

    def to_float(self, _dtype):
        return self


def _layer(make_params=None):
    class Layer(Cell):
        def __init__(self, *args, **kwargs):
            Cell.__init__(self)
            if make_params:
                make_params(self, *args, **kwargs)
    return Layer


def _conv(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same", padding=0,
          dilation=1, group=1, has_bias=False, weight_init="normal", bias_init="zeros"):
    k = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    self.weight = Parameter(initializer(weight_init, [out_channels, in_channels // group, *k]), "weight")
    if has_bias:
        self.bias = Parameter(initializer(bias_init, [out_channels]), "bias")


def _dense(self, in_channels, out_channels, weight_init="normal", bias_init="zeros", has_bias=True,
           activation=None):
    self.weight = Parameter(initializer(weight_init, [out_channels, in_channels]), "weight")
    if has_bias:
        self.bias = Parameter(initializer(bias_init, [out_channels]), "bias")


def _bn(self, num_features, *args, **kwargs):
    self.moving_mean = Parameter(initializer(0, num_features), "mean", requires_grad=False)
    self.moving_variance = Parameter(initializer(1, num_features), "variance", requires_grad=False)
    self.gamma = Parameter(initializer(1, num_features), "gamma")
    self.beta = Parameter(initializer(0, num_features), "beta")


def _layernorm(self, normalized_shape, *args, **kwargs):
    self.gamma = Parameter(initializer(1, normalized_shape), "gamma")
    self.beta = Parameter(initializer(0, normalized_shape), "beta")


def _cell_list(self, cells=None, *more):
    cells = list(cells) if isinstance(cells, (list, tuple)) else [cells, *more] if cells else []
    for i, cell in enumerate(cells):
        self.insert_child_to_cell(str(i), cell)


class _Any:
    """Stands for every primitive, function and constant the networks only hold or call."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Any()

    def __getattr__(self, name):
        return _Any()

    def register(self, *args):
        return lambda fn: fn


class _AnyModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Any


def _install_fake_mindspore():
    for name in list(sys.modules):
        if name == "mindspore" or name.startswith("mindspore.") or name == "config":
            del sys.modules[name]
    mods = {}
    for name in ["mindspore", "mindspore.nn", "mindspore.ops", "mindspore.ops.operations",
                 "mindspore.ops.functional", "mindspore.ops.composite", "mindspore.common",
                 "mindspore.common.initializer", "mindspore.common.tensor", "mindspore.common.parameter",
                 "mindspore.common.dtype", "mindspore.context", "mindspore.communication",
                 "mindspore.communication.management", "mindspore.parallel",
                 "mindspore.parallel._auto_parallel_context", "mindspore.train",
                 "mindspore.train.parallel_utils", "mindspore.nn.wrap", "mindspore.nn.wrap.grad_reducer",
                 "mindspore.model_zoo", "mindspore.model_zoo.Bert_NEZHA"]:
        mods[name] = sys.modules[name] = _AnyModule(name)
        mods[name].__path__ = []
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(mods[parent], child, mods[name])
    nn = mods["mindspore.nn"]
    nn.Cell = Cell
    for layer in ["ReLU", "LeakyReLU", "MaxPool2d", "Flatten", "Dropout", "Softmax", "LogSoftmax",
                  "Sigmoid", "ClipByNorm", "DistributedGradReducer", "Tanh", "GELU"]:
        setattr(nn, layer, _layer())
    nn.Conv2d = _layer(_conv)
    nn.Dense = _layer(_dense)
    nn.BatchNorm2d = nn.BatchNorm1d = _layer(_bn)
    nn.LayerNorm = _layer(_layernorm)
    nn.SequentialCell = nn.CellList = _layer(_cell_list)
    ms = mods["mindspore"]
    ms.nn = nn
    ms.Tensor = mods["mindspore.common.tensor"].Tensor = FakeTensor
    ms.Parameter = mods["mindspore.common.parameter"].Parameter = Parameter
    ms.ParameterTuple = mods["mindspore.common.parameter"].ParameterTuple = ParameterTuple
    ms.context = mods["mindspore.context"]
    ms.context.get_auto_parallel_context = lambda key: "stand_alone"
    ms.ParallelMode = mods["mindspore.train.parallel_utils"].ParallelMode = types.SimpleNamespace(
        DATA_PARALLEL="data_parallel", HYBRID_PARALLEL="hybrid_parallel", STAND_ALONE="stand_alone")
    ms.float32 = "float32"
    mods["mindspore.common.dtype"].dtype_to_nptype = lambda dtype: np.float32
    init = mods["mindspore.common.initializer"]
    init.initializer = initializer
    config = types.ModuleType("config")
    config.alexnet_cfg = types.SimpleNamespace(batch_size=32)
    sys.modules["config"] = config


def _load(git, path, module_name):
    source = subprocess.run(git + ["show", f"{COMMIT}:{path}"], check=True, capture_output=True,
                            text=True).stdout
    module = types.ModuleType(module_name)
    module.__package__ = module_name.rpartition(".")[0]
    sys.modules[module_name] = module
    exec(compile(source, path, "exec"), module.__dict__)  # pylint: disable=exec-used
    return module


def _listing(net):
    return [[name, list(p.shape), bool(p.requires_grad)] for name, p in net.parameters_and_names()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-dir", default="/work/.mirror/leonwanghui+mindspore/repo")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args(argv)
    git = ["git", f"--git-dir={args.git_dir}"]
    _install_fake_mindspore()
    zoo = "mindspore/model_zoo/"
    lenet = _load(git, zoo + "lenet.py", "mindspore.model_zoo.lenet")
    alexnet = _load(git, zoo + "alexnet.py", "mindspore.model_zoo.alexnet")
    resnet = _load(git, zoo + "resnet.py", "mindspore.model_zoo.resnet")
    vgg = _load(git, zoo + "vgg.py", "mindspore.model_zoo.vgg")
    yolo = _load(git, zoo + "yolov3.py", "mindspore.model_zoo.yolov3")
    yolo_cfg = _load(git, "example/yolov3_coco2017/config.py", "yolo_config").ConfigYOLOV3ResNet18
    _load(git, zoo + "Bert_NEZHA/bert_model.py", "mindspore.model_zoo.Bert_NEZHA.bert_model")
    pre = _load(git, zoo + "Bert_NEZHA/bert_for_pre_training.py",
                "mindspore.model_zoo.Bert_NEZHA.bert_for_pre_training")
    bert_model = sys.modules["mindspore.model_zoo.Bert_NEZHA.bert_model"]
    tiny = bert_model.BertConfig(**TINY_BERT)
    tiny_abs = bert_model.BertConfig(**dict(TINY_BERT, use_relative_positions=False))
    out = collections.OrderedDict()
    out["lenet.LeNet5()"] = _listing(lenet.LeNet5())
    out["alexnet.AlexNet()"] = _listing(alexnet.AlexNet())
    out["resnet.resnet50(10)"] = _listing(resnet.resnet50(10))
    out["resnet.ResidualBlock(3, 256, stride=2)"] = _listing(resnet.ResidualBlock(3, 256, stride=2))
    out["vgg.vgg16(batch_size=2, num_classes=10)"] = _listing(vgg.vgg16(batch_size=2, num_classes=10))
    out["vgg.Vgg(cfg['11'], 10, False, 2)"] = _listing(vgg.Vgg(vgg.cfg['11'], 10, False, 2))
    net = yolo.yolov3_resnet18(yolo_cfg())
    out["yolov3.yolov3_resnet18(ConfigYOLOV3ResNet18())"] = _listing(net)
    out["yolov3.YoloWithLossCell(...)"] = _listing(yolo.YoloWithLossCell(net, yolo_cfg()))
    out["yolov3.resnet18(10)"] = _listing(yolo.resnet18(10))
    out["Bert_NEZHA.BertModel(TINY, True)"] = _listing(bert_model.BertModel(tiny, True))
    out["Bert_NEZHA.BertNetworkWithLoss(TINY, True)"] = _listing(pre.BertNetworkWithLoss(tiny, True))
    out["Bert_NEZHA.BertNetworkWithLoss(TINY_abs, False)"] = _listing(pre.BertNetworkWithLoss(tiny_abs, False))
    meta = {"source": f"leonwanghui/mindspore@{COMMIT} mindspore/model_zoo", "tool": "tools/model_zoo_expected.py",
            "tiny_bert": TINY_BERT}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "networks": out}, f, indent=0)
        f.write("\n")
    for key, rows in out.items():
        print(f"{key}: {len(rows)} parameters")


if __name__ == "__main__":
    main()
