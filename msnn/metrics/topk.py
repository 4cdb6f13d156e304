"""mindspore.nn.metrics.topk."""
__all__ = []
