"""communication.management and data-parallel training on torch.distributed (gloo, 2 processes)."""
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from msnn.communication import management as M

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_ranks(body, world=2, timeout=120, env_extra=None):
    """Runs ``body`` (a script reading RANK) in ``world`` processes; returns their CompletedProcess."""
    port = _free_port()
    procs = []
    for rank in range(world):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=str(port), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(world),
                   OMP_NUM_THREADS="1", PYTHONPATH=ROOT, **(env_extra or {}))
        procs.append(subprocess.Popen([sys.executable, "-c", textwrap.dedent(body)], env=env, cwd=ROOT,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    out = []
    for p in procs:
        try:
            stdout, stderr = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise
        out.append((p.returncode, stdout, stderr))
    return out


def test_init_single_process_without_launcher():
    M.init()
    try:
        assert M.get_rank() == 0 and M.get_group_size() == 1
    finally:
        M.release()


@pytest.mark.parametrize("fn", ["get_rank", "get_local_rank", "get_group_size", "get_local_rank_size"])
def test_release_then_queries_need_init(fn):
    M.init()
    M.release()
    with pytest.raises(RuntimeError, match=f"For '{fn}', the distributed backend is not started"):
        getattr(M, fn)()


def test_get_rank_and_get_group_size_check_the_group():
    M.init()
    try:
        assert M.get_rank("nccl_world_group") == 0 and M.get_group_size("hccl_world_group") == 1
        with pytest.raises(TypeError, match="For 'get_rank', the 'group' must be a str"):
            M.get_rank(1)
        with pytest.raises(ValueError, match="For 'get_group_size', the 'group' must be the world group"):
            M.get_group_size("nope")
    finally:
        M.release()


def test_get_local_rank_and_get_local_rank_size_from_the_environment(monkeypatch):
    M.init()
    try:
        assert (M.get_local_rank(), M.get_local_rank_size()) == (0, 1)
        monkeypatch.setenv("LOCAL_RANK", "0")
        monkeypatch.setenv("LOCAL_WORLD_SIZE", "1")
        assert (M.get_local_rank(), M.get_local_rank_size()) == (0, 1)
    finally:
        M.release()


def test_get_world_rank_from_group_rank_and_get_group_rank_from_world_rank_checks():
    M.init()
    try:
        for fn, args in ((M.get_world_rank_from_group_rank, ("hccl_world_group", 0)),
                         (M.get_group_rank_from_world_rank, (0, "hccl_world_group"))):
            with pytest.raises(ValueError, match="a user group"):
                fn(*args)
        with pytest.raises(TypeError, match="'group' must be a str"):
            M.get_world_rank_from_group_rank(3, 0)
    finally:
        M.release()


def test_destroy_group_checks():
    M.init()
    try:
        with pytest.raises(ValueError, match="For 'destroy_group', the 'group' must be a group made by create_group"):
            M.destroy_group("never_made")
    finally:
        M.release()


def test_init_refuses_bad_backends():
    with pytest.raises(TypeError, match="For 'init', the 'backend_name' must be a str"):
        M.init(1)
    with pytest.raises(RuntimeError, match="'hccl' or 'nccl'"):
        M.init("mpi")


def test_create_group_checks():
    M.init()
    try:
        with pytest.raises(TypeError, match="rank_ids"):
            M.create_group("g", (0, 1))
        with pytest.raises(ValueError, match="more than 1 rank"):
            M.create_group("g", [0])
        with pytest.raises(ValueError, match="without duplicates"):
            M.create_group("g", [0, 0])
        with pytest.raises(ValueError, match=r"ranks in \[0, 1\)"):
            M.create_group("g", [0, 1])
        with pytest.raises(ValueError, match="world group"):
            M.destroy_group("nccl_world_group")
    finally:
        M.release()


_DIES = """
    import os, sys, time, numpy as np
    import msnn as nn
    from msnn import Tensor, context
    from msnn.communication import management as M
    M.init()
    context.set_auto_parallel_context(parallel_mode="data_parallel", mirror_mean=True)
    net = nn.Dense(4, 3)
    step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.Momentum(net.trainable_params(), 0.1, 0.9))
    step.set_train()
    x, y = Tensor(np.ones((4, 4), np.float32)), Tensor(np.ones((4, 3), np.float32))
    step(x, y)
    if M.get_rank() == 1:
        if os.environ["HOW"] == "dies":
            os._exit(3)                               # a rank dies without a word
        time.sleep(15)                                # a rank is stuck (does not reach the next step in time)
        os._exit(4)
    start = time.time()
    try:
        step(x, y)
        print("no error")
    except RuntimeError as exc:
        print(f"failed after {time.time() - start:.1f}s:", exc)
        sys.exit(7)
"""


@pytest.mark.parametrize("how", ["dies", "is_stuck"])
def test_init_a_dead_or_stuck_rank_makes_the_others_fail_not_hang(how):
    """Training in TrainOneStepCell: the survivor raises a RuntimeError naming the cause, within the
    process group's timeout (MSNN_DIST_TIMEOUT), instead of waiting forever."""
    results = _run_ranks(_DIES, env_extra={"MSNN_DIST_TIMEOUT": "5", "HOW": how}, timeout=90)
    rc, out, err = results[0]
    assert rc == 7 and "no error" not in out, (out, err[-2000:])
    assert "For 'DistributedGradReducer', the gradient all-reduce over 2 processes failed on rank 0: another " \
           "rank died or did not reach this step within the process group's timeout" in out
    seconds = float(out.split("failed after ")[1].split("s:")[0])
    assert seconds < (4 if how == "dies" else 30)   # a closed connection at once; a stuck peer after ~5 s


def test_init_a_rank_that_never_joins_fails_the_others_within_the_timeout():
    env = dict(os.environ, RANK="0", WORLD_SIZE="2", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(_free_port()),
               MSNN_DIST_TIMEOUT="2", PYTHONPATH=ROOT)
    body = "from msnn.communication import management as M\nM.init()\n"
    res = subprocess.run([sys.executable, "-c", body], env=env, cwd=ROOT, capture_output=True, text=True, timeout=90)
    assert res.returncode != 0
    assert "RuntimeError: For 'init', the process group (rank 0 of 2) failed to start" in res.stderr


_MODEL_TRAIN = """
    import os, warnings, numpy as np
    import msnn as nn
    import msnn.dataset as ds
    import msnn.dataset.transforms.vision.c_transforms as CV
    import msnn.dataset.transforms.c_transforms as C
    from msnn import context, Parameter, Tensor
    from msnn.common import dtype as mstype
    from msnn.communication import management as M
    from msnn.train.model import Model, ParallelMode
    from msnn.train.callback import ModelCheckpoint, CheckpointConfig
    from msnn.parallel._auto_parallel_context import auto_parallel_context

    def data(rank, world, batch):
        shard = {} if world == 1 else {"num_shards": world, "shard_id": rank}
        d = ds.Cifar10Dataset(os.path.join(os.environ["ROOT"], "tests", "data", "cifar10"), shuffle=False, **shard)
        d = d.map(input_columns="label", operations=C.TypeCast(mstype.int32))
        d = d.map(input_columns="image", operations=[CV.Rescale(1.0 / 255.0, 0.0), CV.HWC2CHW()])
        return d.batch(batch, drop_remainder=True)

    class Net(nn.Cell):
        def __init__(self):
            super(Net, self).__init__()
            self.conv = nn.Conv2d(3, 4, 3, 2)
            self.relu = nn.ReLU()
            self.flatten = nn.Flatten()
            self.fc = nn.Dense(4 * 16 * 16, 10)
            # not trained: broadcast from rank 0 at the start all the same
            self.frozen = Parameter(Tensor(np.random.randn(3).astype(np.float32)), name="frozen", requires_grad=False)

        def construct(self, x):
            return self.fc(self.flatten(self.relu(self.conv(x))))

    def train(rank, world, out):
        np.random.seed(100 + rank)                  # ranks start different: the broadcast equalises them
        net = Net()
        loss = nn.SoftmaxCrossEntropyWithLogits(is_grad=False, sparse=True, reduction="mean")
        opt = nn.Momentum(net.trainable_params(), 0.05, 0.9)
        model = Model(net, loss_fn=loss, optimizer=opt)
        cfg = CheckpointConfig(save_checkpoint_steps=2, keep_checkpoint_max=2)
        ckpt = ModelCheckpoint(prefix="dp", directory=os.path.join(out, "ckpt"), config=cfg)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.train(2, data(rank, world, 8 // world), callbacks=[ckpt], dataset_sink_mode=False)
        noted = [str(w.message) for w in caught if "writes no checkpoint" in str(w.message)]
        params = {p.name: p.detach().numpy().copy() for p in model._train_network.get_parameters()}
        np.savez(os.path.join(out, f"rank{rank}.npz"), **params)
        return ckpt.latest_ckpt_file_name, noted

    if __name__ == "__main__":
        M.init()
        rank, world = M.get_rank(), M.get_group_size()
        assert (rank, world) == (int(os.environ["RANK"]), 2)
        assert M.get_local_rank() == rank and M.get_local_rank_size() == 2
        M.create_group("pair", [0, 1])
        assert M.get_group_size("pair") == 2 and M.get_group_rank_from_world_rank(1, "pair") == 1
        assert M.get_world_rank_from_group_rank("pair", 0) == 0
        M.destroy_group("pair")
        context.set_auto_parallel_context(parallel_mode=ParallelMode.DATA_PARALLEL, mirror_mean=True)
        assert context.get_auto_parallel_context("device_num") == 2  # from init
        auto_parallel_context().set_all_reduce_fusion_split_indices([2])
        latest, noted = train(rank, world, os.environ["OUT"])
        print("latest:", repr(latest), "noted:", len(noted))
        M.release()
"""


def test_init_data_parallel_model_train_on_a_sharded_dataset(tmp_path, monkeypatch):
    """Two gloo processes: ranks and a user group; then Model.train in DATA_PARALLEL (ranks built with
    different initial weights) on Cifar10Dataset(num_shards=2, shard_id=rank): the two ranks end with
    equal parameters (optimizer state included), equal to one process on the concatenated batches; only
    rank 0 writes checkpoint files into the directory both ranks name."""
    script = tmp_path / "dp_train.py"
    script.write_text(textwrap.dedent(_MODEL_TRAIN))
    body = f"import runpy; runpy.run_path({str(script)!r}, run_name='__main__')"
    results = _run_ranks(body, env_extra={"OUT": str(tmp_path), "ROOT": ROOT})
    for rc, _, err in results:
        assert rc == 0, err[-3000:]
    latest0 = os.path.join(str(tmp_path), "ckpt", "dp-2_4.ckpt")
    assert results[0][1].strip().endswith(f"latest: {latest0!r} noted: 0")
    assert results[1][1].strip().endswith("latest: '' noted: 1")
    assert sorted(os.listdir(tmp_path / "ckpt")) == ["dp-2_2.ckpt", "dp-2_4.ckpt"]
    r0, r1 = np.load(tmp_path / "rank0.npz"), np.load(tmp_path / "rank1.npz")
    assert sorted(r0.files) == sorted(r1.files) and any("moment" in k for k in r0.files) and "frozen" in r0.files
    for key in r0.files:
        np.testing.assert_array_equal(r0[key], r1[key], err_msg=key)
    from msnn.train.serialization import load_checkpoint  # pylint: disable=import-outside-toplevel
    saved = load_checkpoint(latest0)
    for key in r0.files:
        np.testing.assert_array_equal(saved[key].detach().numpy(), r0[key], err_msg=key)
    # one process on the concatenated batches (rows 8k..8k+7), from rank 0's initial weights
    monkeypatch.setenv("ROOT", ROOT)
    ns = {}
    exec(compile(textwrap.dedent(_MODEL_TRAIN).split("if __name__")[0], "dp_train", "exec"), ns)  # pylint: disable=exec-used
    single = tmp_path / "single"
    single.mkdir()
    ns["train"](0, 1, str(single))
    one = np.load(single / "rank0.npz")
    for key in r0.files:
        np.testing.assert_allclose(r0[key], one[key], rtol=1e-4, atol=1e-6, err_msg=key)


def test_get_group_size_and_get_local_rank_size_single_process():
    M.init()
    try:
        assert M.get_group_size() == 1 and M.get_local_rank_size() == 1
    finally:
        M.release()


def test_get_local_rank_size_needs_init():
    with pytest.raises(RuntimeError, match="For 'get_local_rank_size'"):
        M.get_local_rank_size()


def test_get_group_rank_from_world_rank_needs_a_user_group():
    M.init()
    try:
        with pytest.raises(ValueError, match="For 'get_group_rank_from_world_rank', the 'group' must be a group made"):
            M.get_group_rank_from_world_rank(0, "missing")
    finally:
        M.release()


def test_get_group_size_of_unknown_group_is_refused():
    M.init()
    try:
        with pytest.raises(ValueError, match="For 'get_group_size'"):
            M.get_group_size("missing")
    finally:
        M.release()
