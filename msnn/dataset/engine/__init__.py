"""``mindspore.dataset.engine``: dataset sources, operations, samplers, iterators and the config."""
from .datasets import *  # noqa: F401,F403
from .datasets import zip  # noqa: F401  (shadows the builtin on purpose, as in MindSpore)
from .iterators import *  # noqa: F401,F403
from .samplers import *  # noqa: F401,F403
from .serializer_deserializer import serialize, deserialize, show, compare
from ..core.configuration import config, ConfigurationManager

__all__ = ["config", "ConfigurationManager", "zip", "StorageDataset", "ImageFolderDatasetV2", "MnistDataset",
           "MindDataset", "GeneratorDataset", "TFRecordDataset", "ManifestDataset", "Cifar10Dataset",
           "Cifar100Dataset", "CelebADataset", "VOCDataset", "Schema", "DistributedSampler", "PKSampler",
           "RandomSampler", "SequentialSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "serialize", "deserialize", "show", "compare"]
