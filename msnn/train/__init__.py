"""``mindspore.train``: checkpoint serialization (``msnn.train.serialization``)."""
from . import serialization
from .serialization import save_checkpoint, load_checkpoint, load_param_into_net

__all__ = ["serialization", "save_checkpoint", "load_checkpoint", "load_param_into_net"]
