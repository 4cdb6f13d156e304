"""mindspore.nn.layer.lstm."""
__all__ = []
