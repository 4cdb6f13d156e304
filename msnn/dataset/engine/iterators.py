"""Iterators over a pipeline: rows as lists (TupleIterator) or dicts (DictIterator) of numpy arrays."""
from ..._api import ms_api

__all__ = ["Iterator", "DictIterator", "TupleIterator"]


class Iterator:
    """One pass over a pipeline (all its repeats): builds the runners, then yields rows.

    Args:
        dataset (Dataset): The pipeline's last node.
    """

    def __init__(self, dataset):
        from .datasets import _Run  # pylint: disable=import-outside-toplevel
        self.dataset = dataset
        runner = dataset._open(_Run())  # pylint: disable=protected-access
        self._runner = runner
        self._names = list(runner.names)
        self._gen = runner.epoch()

    def __iter__(self):
        return self

    def _next_row(self):
        if self._gen is None:
            raise StopIteration
        try:
            return next(self._gen)
        except StopIteration:
            self._gen = None
            raise

    def get_next(self):
        """The next row, or an empty list / dict at the end."""
        try:
            return self._format(self._next_row())
        except StopIteration:
            return self._format(None)

    def __next__(self):
        return self._format(self._next_row())

    def _format(self, row):
        raise NotImplementedError(f"{type(self).__name__} must override _format")

    def stop(self):
        """Stop the pass and release its workers."""
        if self._gen is not None:
            self._gen.close()
            self._gen = None

    release = stop

    def __del__(self):
        try:
            self.stop()
        except Exception:  # pylint: disable=broad-except
            pass

    def column_names(self):
        """The names of the columns of each row."""
        return list(self._names)

    def get_output_shapes(self):
        return self.dataset.output_shapes()

    def get_output_types(self):
        return self.dataset.output_types()

    def get_dataset_size(self):
        return self.dataset.get_dataset_size()

    def get_batch_size(self):
        return self.dataset.get_batch_size()

    def get_repeat_count(self):
        return self.dataset.get_repeat_count()

    def num_classes(self):
        return self.dataset.num_classes()


@ms_api("mindspore.dataset.engine.iterators.DictIterator", torch="iterator of dicts of numpy arrays")
class DictIterator(Iterator):
    """Rows as {column name: numpy array}.

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> it = ds.GeneratorDataset(lambda: ((np.array(7),),), ["x"]).create_dict_iterator()
        >>> it.get_next(), it.get_next()
        ({'x': array(7)}, {})
    """

    def _format(self, row):
        if row is None:
            return {}
        return dict(zip(self._names, row))


@ms_api("mindspore.dataset.engine.iterators.TupleIterator", torch="iterator of lists of numpy arrays")
class TupleIterator(Iterator):
    """Rows as lists of numpy arrays (``columns``: which columns, in which order).

    Examples:
        >>> import numpy as np
        >>> import msnn.dataset as ds
        >>> data = ds.GeneratorDataset(lambda: ((np.array(1), np.array(2)),), ["a", "b"])
        >>> next(data.create_tuple_iterator(columns=["b", "a"]))
        [array(2), array(1)]
    """

    def __init__(self, dataset, columns=None):
        if columns is not None:
            if not isinstance(columns, list):
                columns = [columns]
            dataset = dataset.project(columns)
        super().__init__(dataset)

    def _format(self, row):
        if row is None:
            return []
        return list(row)
