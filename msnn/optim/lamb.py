"""mindspore.nn.optim.lamb."""
__all__ = []
