"""0.1's signature enums (``signature_rw``, ``signature_kind``, ``signature_dtype``).

0.1 exported them from its C++ extension; primitives use them to describe their inputs
(``__mindspore_signature__``). msnn keeps them as integer enums with 0.1's member names and values.
"""
import enum

from .._api import ms_api

__all__ = ["signature_rw", "signature_kind", "signature_dtype"]


@ms_api("mindspore.ops.signature_rw", torch="")
class signature_rw(enum.IntEnum):  # pylint: disable=invalid-name
    """How a primitive reads an input: by value, by key or by reference.

    Examples:
        >>> from msnn.ops import signature_rw
        >>> int(signature_rw.RW_WRITE), signature_rw.RW_REF.name
        (1, 'RW_REF')
    """
    RW_READ = 0
    RW_WRITE = 1
    RW_REF = 2
    RW_EMPTY_DEFAULT_VALUE = 3


@ms_api("mindspore.ops.signature_kind", torch="")
class signature_kind(enum.IntEnum):  # pylint: disable=invalid-name
    """The kind of a primitive's input (as Python's parameter kinds).

    Examples:
        >>> from msnn.ops import signature_kind
        >>> int(signature_kind.KIND_VAR_POSITIONAL)
        1
    """
    KIND_POSITIONAL_KEYWORD = 0
    KIND_VAR_POSITIONAL = 1
    KIND_KEYWORD_ONLY = 2
    KIND_VAR_KEYWARD = 3
    KIND_EMPTY_DEFAULT_VALUE = 4


class signature_dtype(enum.IntEnum):  # pylint: disable=invalid-name
    """Dtype groups of a primitive's inputs (inputs of one group share a dtype).

    Examples:
        >>> from msnn.ops._signature import signature_dtype
        >>> int(signature_dtype.T1)
        1
    """
    T = 0
    T1 = 1
    T2 = 2
    T3 = 3
    T4 = 4
    T5 = 5
    T6 = 6
    T7 = 7
    T8 = 8
    T9 = 9
    T_EMPTY_DEFAULT_VALUE = 10
