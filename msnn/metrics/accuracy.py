"""mindspore.nn.metrics.accuracy."""
__all__ = []
