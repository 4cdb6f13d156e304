"""mindspore.nn.metrics.metric."""
__all__ = []
