"""mindspore.nn.wrap.loss_scale."""
__all__ = []
