"""mindspore.nn.metrics.error."""
__all__ = []
