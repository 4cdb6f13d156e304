"""``mindspore.dataset.core``: the dataset configuration."""
from .configuration import config, ConfigurationManager

__all__ = ["config", "ConfigurationManager"]
