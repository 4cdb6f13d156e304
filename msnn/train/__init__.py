"""``mindspore.train``: ``Model``, callbacks, checkpoint serialization, loss scale managers, mixed
precision and the dataset channels."""
from . import dataset_helper, serialization, callback, loss_scale_manager, parallel_utils, amp, model, summary
from .serialization import save_checkpoint, load_checkpoint, load_param_into_net
from .model import Model
from .parallel_utils import ParallelMode
from .dataset_helper import DatasetHelper

__all__ = ["Model", "ParallelMode", "DatasetHelper", "amp", "dataset_helper", "serialization", "callback",
           "loss_scale_manager", "parallel_utils", "model", "summary", "save_checkpoint", "load_checkpoint",
           "load_param_into_net"]
