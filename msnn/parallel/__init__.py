"""``mindspore.parallel``: the auto-parallel context as 0.1's training code reads it.

msnn runs data parallelism (``parallel_mode='data_parallel'``) on ``torch.distributed``; it shards
no operators, so 0.1's strategy-search and fusion tuning entry points are not provided.
"""
from ._auto_parallel_context import auto_parallel_context

__all__ = ["auto_parallel_context"]
