"""``mindspore.communication``: process groups for data-parallel training, on ``torch.distributed``."""
from .management import (init, release, get_rank, get_local_rank, get_group_size, get_local_rank_size,
                         get_world_rank_from_group_rank, get_group_rank_from_world_rank, create_group,
                         destroy_group, HCCL_WORLD_COMM_GROUP, NCCL_WORLD_COMM_GROUP, GlobalComm)

__all__ = ["init", "release", "get_rank", "get_local_rank", "get_group_size", "get_local_rank_size",
           "get_world_rank_from_group_rank", "get_group_rank_from_world_rank", "create_group",
           "destroy_group", "HCCL_WORLD_COMM_GROUP", "NCCL_WORLD_COMM_GROUP", "GlobalComm"]
