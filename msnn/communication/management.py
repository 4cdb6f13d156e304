"""``mindspore.communication.management`` on ``torch.distributed``.

``init()`` starts the process group an unmodified 0.1 script asks for: its backend name ('hccl',
0.1's default, or 'nccl') selects NCCL when CUDA is present and gloo on the CPU. The rendezvous comes
from the environment: torchrun's ``RANK``/``WORLD_SIZE``/``LOCAL_RANK``/``MASTER_ADDR``/``MASTER_PORT``
(``torchrun --nproc_per_node N -m msnn train.py``), or else 0.1's ``RANK_ID`` with ``RANK_SIZE`` or
``DEVICE_NUM`` (``MASTER_ADDR`` defaults to 127.0.0.1 and ``MASTER_PORT`` to 29500). Without any of
them ``init()`` starts a one-process group.

A process whose peer dies fails with a RuntimeError instead of waiting forever: collectives time
out after ``MSNN_DIST_TIMEOUT`` seconds (default 300).
"""
import datetime
import os

import torch
import torch.distributed as dist

from .._api import ms_api
from .. import _validator as V
from .. import context

__all__ = ["init", "release", "get_rank", "get_local_rank", "get_group_size", "get_local_rank_size",
           "get_world_rank_from_group_rank", "get_group_rank_from_world_rank", "create_group",
           "destroy_group", "get_group", "HCCL_WORLD_COMM_GROUP", "NCCL_WORLD_COMM_GROUP", "GlobalComm"]

HCCL_WORLD_COMM_GROUP = "hccl_world_group"
NCCL_WORLD_COMM_GROUP = "nccl_world_group"
_WORLD = (HCCL_WORLD_COMM_GROUP, NCCL_WORLD_COMM_GROUP)


class GlobalComm:
    """The backend name and world group ``init`` selected (0.1's names)."""
    BACKEND = "hccl"
    WORLD_COMM_GROUP = HCCL_WORLD_COMM_GROUP


_groups = {}  # user group name -> (torch ProcessGroup, list of world ranks)


def _env_int(*names, default=None):
    for name in names:
        value = os.environ.get(name, "")
        if value.strip().isdigit():
            return int(value)
    return default


def get_group(group):
    """The group's name; 0.1's default name resolves to the world group ``init`` chose."""
    return GlobalComm.WORLD_COMM_GROUP if group in _WORLD else group


@ms_api("mindspore.communication.management.init", torch="torch.distributed.init_process_group",
        deviations=("'hccl' (Ascend) and 'nccl' both start NCCL when CUDA is present and gloo on the CPU.",))
def init(backend_name="hccl"):
    """Starts the distributed backend; required before any communication.

    Args:
        backend_name (str): 'hccl' or 'nccl'. Default: 'hccl'.

    Raises:
        TypeError: ``backend_name`` is not a str.
        RuntimeError: An unknown backend name, or the process group fails to start.

    Examples:
        >>> from msnn.communication.management import init, get_rank, get_group_size, release
        >>> init()            # no launcher environment: a one-process group
        >>> get_rank(), get_group_size()
        (0, 1)
        >>> release()
    """
    if not isinstance(backend_name, str):
        V.fail("init", "backend_name", "a str", backend_name, exc=TypeError)
    if backend_name not in ("hccl", "nccl"):
        V.fail("init", "backend_name", "'hccl' or 'nccl'", backend_name, exc=RuntimeError)
    GlobalComm.BACKEND = backend_name
    GlobalComm.WORLD_COMM_GROUP = HCCL_WORLD_COMM_GROUP if backend_name == "hccl" else NCCL_WORLD_COMM_GROUP
    if dist.is_available() and dist.is_initialized():
        return
    rank = _env_int("RANK", "RANK_ID", default=0)
    world = _env_int("WORLD_SIZE", "RANK_SIZE", "DEVICE_NUM", default=1)
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29500")
    use_cuda = torch.cuda.is_available() and context.get_context("device_target") in ("GPU", "Ascend")
    if use_cuda:
        local = _env_int("LOCAL_RANK", "DEVICE_ID", default=rank % max(torch.cuda.device_count(), 1))
        torch.cuda.set_device(local)
        context.set_context(device_id=local)
    timeout = datetime.timedelta(seconds=_env_int("MSNN_DIST_TIMEOUT", default=300))
    try:
        if world == 1 and "WORLD_SIZE" not in os.environ:
            store = dist.HashStore()
            dist.init_process_group("nccl" if use_cuda else "gloo", store=store, rank=0, world_size=1,
                                    timeout=timeout)
        else:
            dist.init_process_group("nccl" if use_cuda else "gloo", init_method="env://", rank=rank,
                                    world_size=world, timeout=timeout)
    except (RuntimeError, ValueError) as exc:
        raise RuntimeError(f"For 'init', the process group (rank {rank} of {world}) failed to start: {exc}") from exc
    context._note_world(world, rank)  # pylint: disable=protected-access


@ms_api("mindspore.communication.management.release", torch="torch.distributed.destroy_process_group")
def release():
    """Releases the distributed backend (and every user group).

    Examples:
        >>> from msnn.communication.management import init, release
        >>> init()
        >>> release()
    """
    _groups.clear()
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def _require(fn_name):
    if not (dist.is_available() and dist.is_initialized()):
        raise RuntimeError(f"For '{fn_name}', the distributed backend is not started: call "
                           "msnn.communication.management.init() first.")


def _check_group(fn_name, group):
    if not isinstance(group, str):
        V.fail(fn_name, "group", "a str", group, exc=TypeError)
    group = get_group(group)
    if group not in _WORLD and group not in _groups:
        V.fail(fn_name, "group", "the world group or a group made by create_group", group)
    return group


def _torch_group(group):
    """The torch ProcessGroup of a group name (None: the world group)."""
    group = get_group(group)
    if group in _WORLD:
        return None
    if group not in _groups:
        V.fail("comm_ops", "group", "the world group or a group made by create_group", group)
    return _groups[group][0]


@ms_api("mindspore.communication.management.get_rank", torch="torch.distributed.get_rank")
def get_rank(group=GlobalComm.WORLD_COMM_GROUP):
    """This process's rank in ``group``.

    Examples:
        >>> from msnn.communication.management import init, get_rank, release
        >>> init(); get_rank(); release()
        0
    """
    _require("get_rank")
    group = _check_group("get_rank", group)
    return dist.get_rank(_torch_group(group))


@ms_api("mindspore.communication.management.get_local_rank", torch="LOCAL_RANK")
def get_local_rank(group=GlobalComm.WORLD_COMM_GROUP):
    """This process's rank on its machine (torchrun's LOCAL_RANK, else the world rank modulo the
    processes per machine).

    Examples:
        >>> from msnn.communication.management import init, get_local_rank, release
        >>> init(); get_local_rank(); release()
        0
    """
    _require("get_local_rank")
    _check_group("get_local_rank", group)
    local = _env_int("LOCAL_RANK")
    return local if local is not None else get_rank(group) % get_local_rank_size(group)


@ms_api("mindspore.communication.management.get_group_size", torch="torch.distributed.get_world_size")
def get_group_size(group=GlobalComm.WORLD_COMM_GROUP):
    """The number of processes in ``group``.

    Examples:
        >>> from msnn.communication.management import init, get_group_size, release
        >>> init(); get_group_size(); release()
        1
    """
    _require("get_group_size")
    group = _check_group("get_group_size", group)
    return dist.get_world_size(_torch_group(group))


@ms_api("mindspore.communication.management.get_local_rank_size", torch="LOCAL_WORLD_SIZE")
def get_local_rank_size(group=GlobalComm.WORLD_COMM_GROUP):
    """The number of processes of ``group`` on this machine (torchrun's LOCAL_WORLD_SIZE, else all).

    Examples:
        >>> from msnn.communication.management import init, get_local_rank_size, release
        >>> init(); get_local_rank_size(); release()
        1
    """
    _require("get_local_rank_size")
    _check_group("get_local_rank_size", group)
    return _env_int("LOCAL_WORLD_SIZE", default=get_group_size(group))


def _user_group(fn_name, group):
    if not isinstance(group, str):
        V.fail(fn_name, "group", "a str", group, exc=TypeError)
    if group in _WORLD:
        V.fail(fn_name, "group", "a user group (not the world group)", group)
    if group not in _groups:
        V.fail(fn_name, "group", "a group made by create_group", group)
    return _groups[group][1]


@ms_api("mindspore.communication.management.get_world_rank_from_group_rank")
def get_world_rank_from_group_rank(group, group_rank_id):
    """The world rank of rank ``group_rank_id`` of the user group ``group``.

    Examples:
        >>> from msnn.communication import management as M
        >>> M.init()
        >>> M.get_world_rank_from_group_rank("hccl_world_group", 0)
        Traceback (most recent call last):
        ...
        ValueError: For 'get_world_rank_from_group_rank', the 'group' must be a user group (not the world group), but got 'hccl_world_group'.
        >>> M.release()
    """
    _require("get_world_rank_from_group_rank")
    ranks = _user_group("get_world_rank_from_group_rank", group)
    V.check_int(group_rank_id, "group_rank_id", "get_world_rank_from_group_rank")
    if not 0 <= group_rank_id < len(ranks):
        V.fail("get_world_rank_from_group_rank", "group_rank_id", f"in [0, {len(ranks)})", group_rank_id)
    return ranks[group_rank_id]


@ms_api("mindspore.communication.management.get_group_rank_from_world_rank")
def get_group_rank_from_world_rank(world_rank_id, group):
    """The rank in the user group ``group`` of world rank ``world_rank_id``.

    Examples:
        >>> from msnn.communication import management as M
        >>> M.init()
        >>> M.get_group_rank_from_world_rank(0, "no_such_group")
        Traceback (most recent call last):
        ...
        ValueError: For 'get_group_rank_from_world_rank', the 'group' must be a group made by create_group, but got 'no_such_group'.
        >>> M.release()
    """
    _require("get_group_rank_from_world_rank")
    ranks = _user_group("get_group_rank_from_world_rank", group)
    V.check_int(world_rank_id, "world_rank_id", "get_group_rank_from_world_rank")
    if world_rank_id not in ranks:
        V.fail("get_group_rank_from_world_rank", "world_rank_id", f"one of the group's ranks {ranks}", world_rank_id)
    return ranks.index(world_rank_id)


@ms_api("mindspore.communication.management.create_group", torch="torch.distributed.new_group")
def create_group(group, rank_ids):
    """Creates the user group ``group`` of the world ranks ``rank_ids`` (every process must call it).

    Raises:
        TypeError: ``group`` is not a str or ``rank_ids`` not a list.
        ValueError: Fewer than 2 ranks, a duplicate rank, or the name of the world group.

    Examples:
        >>> from msnn.communication import management as M
        >>> M.init()
        >>> M.create_group("g", [0])
        Traceback (most recent call last):
        ...
        ValueError: For 'create_group', the 'rank_ids' must be a list of more than 1 rank, but got [0].
        >>> M.release()
    """
    _require("create_group")
    if not isinstance(group, str):
        V.fail("create_group", "group", "a str", group, exc=TypeError)
    if group in _WORLD or group in _groups:
        V.fail("create_group", "group", "a new group name", group)
    if not isinstance(rank_ids, list):
        V.fail("create_group", "rank_ids", "a list", rank_ids, exc=TypeError)
    if len(rank_ids) <= 1:
        V.fail("create_group", "rank_ids", "a list of more than 1 rank", rank_ids)
    if len(set(rank_ids)) != len(rank_ids):
        V.fail("create_group", "rank_ids", "a list without duplicates", rank_ids)
    world = dist.get_world_size()
    for r in rank_ids:
        if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r < world:
            V.fail("create_group", "rank_ids", f"ranks in [0, {world})", rank_ids)
    _groups[group] = (dist.new_group(ranks=sorted(rank_ids)), sorted(rank_ids))


@ms_api("mindspore.communication.management.destroy_group", torch="torch.distributed.destroy_process_group(group)")
def destroy_group(group):
    """Destroys the user group ``group``.

    Examples:
        >>> from msnn.communication import management as M
        >>> M.init()
        >>> M.destroy_group("hccl_world_group")
        Traceback (most recent call last):
        ...
        ValueError: For 'destroy_group', the 'group' must be a user group (not the world group), but got 'hccl_world_group'.
        >>> M.release()
    """
    _require("destroy_group")
    _user_group("destroy_group", group)
    pg, _ = _groups.pop(group)
    if pg is not None and pg is not dist.GroupMember.NON_GROUP_MEMBER:
        dist.destroy_process_group(pg)
