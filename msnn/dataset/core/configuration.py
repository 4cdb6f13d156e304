"""The dataset configuration (``mindspore.dataset.config``): seed, workers, prefetch.

One :class:`ConfigurationManager` instance, ``config``, holds the defaults every dataset op reads
when it is built: the seed of the random ops and samplers, the default number of parallel
workers and the prefetch size (rows a stage may run ahead of its consumer).
"""
import json
import os

from ..._api import ms_api
from ... import _validator as V

__all__ = ["ConfigurationManager", "config"]

INT32_MAX = 2147483647
UINT32_MAX = 4294967295
DEFAULT_SEED = 5489  # std::mt19937::default_seed: 0.1's "no seed set" (fresh entropy per op)


@ms_api("mindspore.dataset.engine.ConfigurationManager", torch="plain Python settings")
class ConfigurationManager:
    """The global settings of the dataset engine.

    Defaults as in MindSpore 0.1: seed 5489 (meaning "not set": every random op and sampler draws
    fresh entropy), 4 parallel workers, prefetch size 16 rows.

    Examples:
        >>> import msnn.dataset as ds
        >>> ds.config.set_seed(1000)
        >>> ds.config.get_seed()
        1000
        >>> ds.config.set_seed(5489)
    """

    def __init__(self):
        self._seed = DEFAULT_SEED
        self._num_parallel_workers = 4
        self._prefetch_size = 16
        self._rows_per_buffer = 1

    def set_seed(self, seed):
        """Set the seed of every random op and sampler built afterwards (ValueError outside [0, 2**32-1])."""
        V.check_int(seed, "seed", "config.set_seed")
        if seed < 0 or seed > UINT32_MAX:
            V.fail("config.set_seed", "seed", f"in [0, {UINT32_MAX}]", seed)
        self._seed = seed

    def get_seed(self):
        """The seed (5489 when never set)."""
        return self._seed

    def set_prefetch_size(self, size):
        """Set how many rows a stage may run ahead of its consumer (ValueError outside [1, 2**31-1])."""
        V.check_int(size, "size", "config.set_prefetch_size")
        if size <= 0 or size > INT32_MAX:
            V.fail("config.set_prefetch_size", "size", f"in [1, {INT32_MAX}]", size)
        self._prefetch_size = size

    def get_prefetch_size(self):
        """The prefetch size in rows."""
        return self._prefetch_size

    def set_num_parallel_workers(self, num):
        """Set the default number of parallel workers (ValueError outside [1, 2**31-1])."""
        V.check_int(num, "num", "config.set_num_parallel_workers")
        if num <= 0 or num > INT32_MAX:
            V.fail("config.set_num_parallel_workers", "num", f"in [1, {INT32_MAX}]", num)
        self._num_parallel_workers = num

    def get_num_parallel_workers(self):
        """The default number of parallel workers."""
        return self._num_parallel_workers

    def load(self, file):
        """Load settings from a JSON file (keys ``numParallelWorkers``, ``opConnectorSize``,
        ``seed``, ``rowsPerBuffer``, ``workerConnectorSize``, ``logFilePath``); RuntimeError when
        the file is missing or not valid JSON."""
        if not isinstance(file, str) or not os.path.isfile(file):
            raise RuntimeError(f"config.load: the file {file!r} is not found.")
        try:
            with open(file, encoding="utf-8") as f:
                settings = json.load(f)
        except (OSError, ValueError) as err:
            raise RuntimeError(f"config.load: client settings failed to load from {file!r}: {err}") from None
        if not isinstance(settings, dict):
            raise RuntimeError(f"config.load: {file!r} must hold a JSON object.")
        try:
            if "numParallelWorkers" in settings:
                self.set_num_parallel_workers(settings["numParallelWorkers"])
            if "opConnectorSize" in settings:
                self.set_prefetch_size(settings["opConnectorSize"])
            if "seed" in settings:
                self.set_seed(settings["seed"])
            if "rowsPerBuffer" in settings:
                self._rows_per_buffer = V.check_positive_int(settings["rowsPerBuffer"], "rowsPerBuffer", "config.load")
        except (TypeError, ValueError) as err:
            raise RuntimeError(f"config.load: client settings failed to load from {file!r}: {err}") from None

    def __str__(self):
        return ("\nClient config settings :"
                f"\nDataCache Rows per buffer    : {self._rows_per_buffer}"
                f"\nParallelOp workers           : {self._num_parallel_workers}"
                f"\nSize of each Connector : {self._prefetch_size}\n")


config = ConfigurationManager()
