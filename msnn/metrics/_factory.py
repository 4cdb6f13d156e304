"""get_metric_fn and names (mindspore/nn/metrics/__init__.py)."""
__all__ = []
