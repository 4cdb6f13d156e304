"""mindspore.nn.metrics.recall."""
__all__ = []
