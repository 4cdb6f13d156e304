"""mindspore.nn.metrics.evaluation."""
__all__ = []
