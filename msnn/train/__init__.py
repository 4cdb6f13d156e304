"""``mindspore.train``: checkpoint serialization and the dataset channels (``dataset_helper``)."""
from . import dataset_helper, serialization
from .serialization import save_checkpoint, load_checkpoint, load_param_into_net

__all__ = ["dataset_helper", "serialization", "save_checkpoint", "load_checkpoint", "load_param_into_net"]
