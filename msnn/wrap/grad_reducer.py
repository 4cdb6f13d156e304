"""mindspore.nn.wrap.grad_reducer."""
__all__ = []
