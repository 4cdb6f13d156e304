"""mindspore.nn.metrics.loss."""
__all__ = []
