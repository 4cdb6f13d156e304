"""Argument checks of the dataset API, with MindSpore 0.1's exception types.

0.1 (``mindspore/dataset/engine/validators.py``) raised TypeError for a wrongly typed argument,
ValueError for a value out of range or a missing directory, and RuntimeError for conflicting
sampler / shuffle / sharding options; the C++ engine raised RuntimeError for everything found
while the pipeline ran. Messages follow msnn's one format and name the class, the argument and
the value.
"""
import os

import numpy as np

from ... import _validator as V

INT32_MAX = 2147483647


def cpu_count():
    return os.cpu_count() or 1


def is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_int_arg(value, arg, cls_name):
    """An optional int argument (TypeError when not an int)."""
    if value is not None and not is_int(value):
        V.fail(cls_name, arg, "an int", value, TypeError)
    return value


def check_bool_arg(value, arg, cls_name):
    if value is not None and not isinstance(value, bool):
        V.fail(cls_name, arg, "a bool", value, TypeError)
    return value


def check_num_parallel_workers(value, cls_name):
    """An int in [1, ...]; TypeError / ValueError as in 0.1.

    Note:
        0.1 refused a value above the machine's CPU count with ValueError; msnn accepts it and runs
        with ``min(value, cpu_count)`` workers, so the 0.1 examples (``num_parallel_workers=4``,
        ``=8``) run on small machines.
    """
    if value is None:
        return None
    if not is_int(value):
        V.fail(cls_name, "num_parallel_workers", "an int", value, TypeError)
    if value <= 0 or value > INT32_MAX:
        V.fail(cls_name, "num_parallel_workers", f"an int in [1, {INT32_MAX}]", value, ValueError)
    return int(value)


def check_dataset_dir(dataset_dir, cls_name):
    if dataset_dir is None:
        V.fail(cls_name, "dataset_dir", "provided (a directory path)", dataset_dir, ValueError)
    if not isinstance(dataset_dir, (str, os.PathLike)):
        V.fail(cls_name, "dataset_dir", "a directory path (str)", dataset_dir, TypeError)
    if not os.path.isdir(dataset_dir) or not os.access(dataset_dir, os.R_OK):
        V.fail(cls_name, "dataset_dir", "an existing readable directory", dataset_dir, ValueError)
    return os.fspath(dataset_dir)


def check_columns(columns, arg, cls_name):
    """A column name or a list of names (TypeError otherwise); returns a list."""
    if isinstance(columns, str):
        return [columns]
    if isinstance(columns, list):
        for c in columns:
            if not isinstance(c, str):
                V.fail(cls_name, arg, "a str or a list of str", columns, TypeError)
        return list(columns)
    V.fail(cls_name, arg, "a str or a list of str", columns, TypeError)
    return None


def check_sampler_options(cls_name, shuffle, sampler, num_shards, shard_id, sampler_types):
    """0.1's ``check_sampler_shuffle_shard_options``."""
    if sampler is not None and not isinstance(sampler, sampler_types):
        V.fail(cls_name, "sampler", "a Sampler (DistributedSampler, PKSampler, RandomSampler, SequentialSampler, "
               "SubsetRandomSampler, WeightedRandomSampler)", sampler, ValueError)
    if sampler is not None:
        if shuffle is not None:
            raise RuntimeError(f"For '{cls_name}', 'sampler' and 'shuffle' cannot be specified at the same time.")
        if num_shards is not None:
            raise RuntimeError(f"For '{cls_name}', 'sampler' and sharding (num_shards) cannot be specified "
                               "at the same time.")
    if num_shards is not None:
        if num_shards <= 0:
            V.fail(cls_name, "num_shards", "a positive int", num_shards, ValueError)
        if shard_id is None:
            raise RuntimeError(f"For '{cls_name}', 'num_shards' is specified and requires 'shard_id' as well.")
        if shard_id < 0 or shard_id >= num_shards:
            V.fail(cls_name, "shard_id", f"an int in [0, {num_shards})", shard_id, ValueError)
    if num_shards is None and shard_id is not None:
        raise RuntimeError(f"For '{cls_name}', 'shard_id' is specified but 'num_shards' is not.")


def check_source_args(cls_name, num_samples, num_parallel_workers, shuffle, num_shards, shard_id):
    for name, value in (("num_samples", num_samples), ("num_shards", num_shards), ("shard_id", shard_id)):
        check_int_arg(value, name, cls_name)
    check_num_parallel_workers(num_parallel_workers, cls_name)
    check_bool_arg(shuffle, "shuffle", cls_name)
    if num_samples is not None and num_samples < 0:
        raise RuntimeError(f"For '{cls_name}', the 'num_samples' must be >= 0 (0 means all rows), "
                           f"but got {num_samples}.")
