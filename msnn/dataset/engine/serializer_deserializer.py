"""Pipeline serialization (``serialize``/``deserialize``/``show``/``compare``): not in msnn."""

__all__ = ["serialize", "deserialize", "show", "compare"]


def _missing(name):
    def func(*args, **kwargs):
        raise NotImplementedError(f"mindspore.dataset.{name} (pipeline JSON serialization) is not implemented "
                                  "in msnn; rebuild the pipeline in Python.")
    func.__name__ = name
    func.__doc__ = f"Not implemented in msnn: raises NotImplementedError."
    return func


serialize = _missing("serialize")
deserialize = _missing("deserialize")
show = _missing("show")
compare = _missing("compare")
