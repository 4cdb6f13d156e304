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


_DATA_PARALLEL = """
    import os, numpy as np, torch
    import msnn as nn
    from msnn import Tensor, context
    from msnn.communication import management as M
    M.init()
    rank, world = M.get_rank(), M.get_group_size()
    assert (rank, world) == (int(os.environ["RANK"]), 2)
    assert M.get_local_rank() == rank and M.get_local_rank_size() == 2
    M.create_group("pair", [0, 1])
    assert M.get_group_size("pair") == 2 and M.get_group_rank_from_world_rank(1, "pair") == 1
    assert M.get_world_rank_from_group_rank("pair", 0) == 0
    context.set_auto_parallel_context(parallel_mode="data_parallel", mirror_mean=True)
    assert context.get_auto_parallel_context("device_num") == 2  # from init
    np.random.seed(100 + rank)                      # ranks start different: broadcast equalises them
    net = nn.Dense(4, 3)
    step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.Momentum(net.trainable_params(), 0.1, 0.9))
    step.set_train()
    rs = np.random.RandomState(7)
    for i in range(3):
        x = rs.randn(8, 4).astype(np.float32); y = rs.randn(8, 3).astype(np.float32)
        half = slice(4 * rank, 4 * rank + 4)
        step(Tensor(x[half]), Tensor(y[half]))
    np.save(os.environ["OUT"] + f"/rank{rank}.npy", np.concatenate([p.detach().numpy().ravel() for p in net.get_parameters()]))
    M.destroy_group("pair")
    M.release()
"""


def test_data_parallel_two_processes_equal_single_process_on_the_whole_batch(tmp_path):
    results = _run_ranks(_DATA_PARALLEL, env_extra={"OUT": str(tmp_path)})
    for rc, _, err in results:
        assert rc == 0, err[-3000:]
    r0, r1 = np.load(tmp_path / "rank0.npy"), np.load(tmp_path / "rank1.npy")
    np.testing.assert_array_equal(r0, r1)
    # the same steps in one process on the concatenated batch, from rank 0's initial weights
    import msnn as nn  # pylint: disable=import-outside-toplevel
    from msnn import Tensor  # pylint: disable=import-outside-toplevel
    np.random.seed(100)
    net = nn.Dense(4, 3)
    step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.Momentum(net.trainable_params(), 0.1, 0.9))
    step.set_train()
    rs = np.random.RandomState(7)
    for _ in range(3):
        x = rs.randn(8, 4).astype(np.float32)
        y = rs.randn(8, 3).astype(np.float32)
        step(Tensor(x), Tensor(y))
    single = np.concatenate([p.detach().numpy().ravel() for p in net.get_parameters()])
    np.testing.assert_allclose(r0, single, rtol=1e-5, atol=1e-6)


_DIES = """
    import os, time, torch
    from msnn.communication import management as M
    import torch.distributed as dist
    M.init()
    if M.get_rank() == 1:
        os._exit(3)                                   # a rank dies without a word
    time.sleep(1.0)
    try:
        dist.all_reduce(torch.ones(4))
        print("no error")
    except Exception as exc:                         # noqa: BLE001
        print("failed:", type(exc).__name__)
"""


def test_a_dead_rank_makes_the_others_fail_not_hang():
    results = _run_ranks(_DIES, env_extra={"MSNN_DIST_TIMEOUT": "5"}, timeout=90)
    assert results[1][0] == 3
    rc, out, err = results[0]
    assert "failed:" in out or rc != 0, (out, err[-2000:])
    assert "no error" not in out


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
