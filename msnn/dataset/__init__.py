"""``mindspore.dataset``: data pipelines for training (MindSpore 0.1's API on numpy + torch workers).

Sources read MNIST idx, CIFAR-10/100 binary, TFRecord (tf.Example) files, image folders and Python
generators; ``map``/``shuffle``/``batch``/``repeat``/``zip``/``project``/``rename`` chain onto them;
iterating yields rows as numpy arrays. Transforms live in :mod:`msnn.dataset.transforms`.
"""
from .core.configuration import config
from .engine.datasets import StorageDataset, TFRecordDataset, ImageFolderDatasetV2, MnistDataset, MindDataset, \
    GeneratorDataset, ManifestDataset, Cifar10Dataset, Cifar100Dataset, VOCDataset, CelebADataset, Schema, \
    Shuffle, zip
from .engine.samplers import DistributedSampler, PKSampler, RandomSampler, SequentialSampler, \
    SubsetRandomSampler, WeightedRandomSampler
from .engine.serializer_deserializer import serialize, deserialize, show
from . import engine

__all__ = ["config", "ImageFolderDatasetV2", "MnistDataset", "StorageDataset", "MindDataset", "GeneratorDataset",
           "TFRecordDataset", "ManifestDataset", "Cifar10Dataset", "Cifar100Dataset", "CelebADataset",
           "VOCDataset", "Schema", "DistributedSampler", "PKSampler", "RandomSampler", "SequentialSampler",
           "SubsetRandomSampler", "WeightedRandomSampler", "zip"]
