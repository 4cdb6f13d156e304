"""``mindspore.ops.op_info_register``: the decorator that registered a kernel's description."""
import json

from .._api import ms_api

__all__ = ["op_info_register"]


@ms_api("mindspore.ops.op_info_register", torch="",
        deviations=("msnn has no kernel library: the op info is checked (a JSON string) and the "
                    "decorated function is returned unchanged.",))
def op_info_register(op_info):
    """Decorator validating a kernel's op info (a JSON string); returns the function unchanged.

    Args:
        op_info (str): The op info, JSON.

    Raises:
        TypeError: ``op_info`` is not a str.
        ValueError: ``op_info`` is not valid JSON.

    Examples:
        >>> from msnn.ops import op_info_register
        >>> @op_info_register('{"op_name": "MyOp", "imply_type": "TBE"}')
        ... def my_op():
        ...     return 1
        >>> my_op()
        1
    """
    if not isinstance(op_info, str):
        raise TypeError(f"For 'op_info_register', the 'op_info' must be a str, but got {type(op_info).__name__}.")
    try:
        json.loads(op_info)
    except ValueError as err:
        raise ValueError(f"For 'op_info_register', the 'op_info' must be JSON, but got {op_info!r} ({err}).") from None

    def register_decorator(func):
        return func
    return register_decorator
