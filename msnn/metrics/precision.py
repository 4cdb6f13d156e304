"""mindspore.nn.metrics.precision."""
__all__ = []
