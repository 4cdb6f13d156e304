"""mindspore.nn.optim.lars."""
__all__ = []
