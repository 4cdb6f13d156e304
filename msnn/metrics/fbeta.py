"""mindspore.nn.metrics.fbeta."""
__all__ = []
