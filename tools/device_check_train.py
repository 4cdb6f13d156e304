"""Device check for msnn.train on CUDA (run on a GPU machine): Model O0 on CUDA against the CPU,
amp O2 in float16 with dynamic loss scaling, a loss-scale manager, eval, checkpoints, summaries.

    python tools/device_check_train.py
"""
import os
import tempfile

import numpy as np
import torch

import msnn as nn
from msnn import context
from msnn.train import Model
from msnn.train.callback import CheckpointConfig, LossMonitor, ModelCheckpoint, Callback
from msnn.train.loss_scale_manager import DynamicLossScaleManager
from msnn.train.serialization import load_checkpoint
from msnn.train.summary import SummaryRecord, _record
from msnn.train.summary import _event_writer as ew


class ConvBN(nn.Cell):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        self.flatten = nn.Flatten()
        self.fc = nn.Dense(8 * 8 * 8, 10)

    def construct(self, x):
        x = self.relu(self.bn(self.conv(x)))
        _record("scalar", "act_mean", x.float().mean())
        return self.fc(self.flatten(x))


class Outputs(Callback):
    def __init__(self):
        super().__init__()
        self.rows = []

    def step_end(self, run_context):
        out = run_context.original_args().net_outputs
        if isinstance(out, tuple):
            self.rows.append((float(out[0].float().cpu()), bool(out[1].cpu()), float(out[2].cpu())))
        else:
            self.rows.append((float(out.float().cpu()),))


def rows(n=12):
    rng = np.random.RandomState(0)
    return [(rng.normal(0, 1, (16, 3, 8, 8)).astype(np.float32), rng.randint(0, 10, (16,)).astype(np.int32))
            for _ in range(n)]


def train(target, **kwargs):
    context.set_context(device_target=target)
    torch.manual_seed(0)
    np.random.seed(0)
    net = ConvBN()
    loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction='mean')
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.01, momentum=0.9)
    model = Model(net, loss, opt, metrics={'acc', 'loss'}, **kwargs)
    out = Outputs()
    folder = tempfile.mkdtemp()
    with SummaryRecord(folder) as record:
        from msnn.train.callback import SummaryStep
        cbs = [out, LossMonitor(4), ModelCheckpoint(directory=folder, config=CheckpointConfig(5, keep_checkpoint_max=2)),
               SummaryStep(record, flush_step=4)]
        model.train(2, rows(), callbacks=cbs, dataset_sink_mode=False)
    metrics = model.eval(rows(4), dataset_sink_mode=False)
    files = sorted(f for f in os.listdir(folder) if f.endswith(".ckpt"))
    events = ew.read_events(record.full_file_name)
    print(f"[{target} {kwargs}] params on {next(net.parameters()).device} {next(net.parameters()).dtype}; "
          f"eval {metrics}; ckpt {files} ({len(load_checkpoint(os.path.join(folder, files[-1])))} entries); "
          f"summary steps {[e.step for e in events[1:]]}")
    return net, out.rows, metrics


def main():
    print("torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0))
    cpu_net, cpu_rows, cpu_metrics = train("CPU")
    gpu_net, gpu_rows, gpu_metrics = train("GPU")
    np.testing.assert_allclose(np.array(gpu_rows), np.array(cpu_rows), rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(gpu_net.fc.weight.detach().cpu().numpy(), cpu_net.fc.weight.detach().numpy(),
                               rtol=1e-3, atol=1e-5)
    print("O0: CUDA losses match the CPU's; max |dW| =",
          float(np.abs(gpu_net.fc.weight.detach().cpu().numpy() - cpu_net.fc.weight.detach().numpy()).max()))
    net, out, _ = train("GPU", amp_level="O2")
    x = torch.from_numpy(rows(1)[0][0]).cuda()
    net.set_train(False)
    print("O2 on CUDA: output dtype", net(x).dtype, "bn output", net.bn(net.conv(x)).dtype,
          "bn stats", net.bn.moving_mean.dtype)
    print("O2 (loss, overflow, scale) per step:", [(round(l, 4), o, s) for l, o, s in out])
    assert net(x).dtype == torch.float16 and all(p.dtype == torch.float32 for p in net.get_parameters())
    assert out[0][1] and out[-1][2] < 2 ** 24 and not out[-1][1]
    manager = DynamicLossScaleManager(2 ** 20, 2, 4)
    net, out, _ = train("GPU", amp_level="O2", loss_scale_manager=manager)
    print("O2 + DynamicLossScaleManager(2**20, 2, 4) fed scales:", [s for _, _, s in out], "final",
          manager.get_loss_scale())
    print("DEVICE CHECK OK")


if __name__ == "__main__":
    main()
