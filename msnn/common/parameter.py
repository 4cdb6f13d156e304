"""``mindspore.Parameter`` and ``ParameterTuple`` on ``torch.nn.Parameter``."""
import copy

import numpy as np
import torch

from .._api import ms_api
from .. import _validator as V
from .. import context
from .tensor import Tensor, to_torch

__all__ = ["Parameter", "ParameterTuple"]

_DEFAULT_NAME = "Parameter"
_NAME_MAX_LEN = 1024
_DATA_TYPES = (torch.Tensor, list, int, float, np.float16, np.float32, np.int32, np.int16, np.ndarray)


def _param_data(default_input):
    """The tensor a Parameter holds; 0.1 refused bool and anything not listed in _DATA_TYPES."""
    if isinstance(default_input, bool) or not isinstance(default_input, _DATA_TYPES):
        V.fail("Parameter", "default_input", "a Tensor, list, int, float or numpy.ndarray", type(default_input).__name__)
    if isinstance(default_input, torch.Tensor):
        return default_input.detach().clone().as_subclass(torch.Tensor)  # 0.1 deep-copies a Tensor
    if isinstance(default_input, float):
        return torch.tensor(default_input, dtype=torch.float32, device=context.device())
    return to_torch(default_input).as_subclass(torch.Tensor)


@ms_api("mindspore.Parameter", torch="torch.nn.Parameter",
        deviations=(
            "A Parameter holding integer data never requires grad (torch cannot differentiate "
            "integers); MindSpore kept requires_grad=True on such parameters.",
            "A Python float becomes a 0-d float32 tensor rather than staying a Python float.",
            "`.data` is torch's detached tensor; MindSpore's `.data`/`default_input` is "
            "`default_input` here.",
            "Other data is converted to a tensor at once (0.1 kept a numpy array or list raw); a "
            "list that is not numeric data is accepted as in 0.1 and raises TypeError where its "
            "data is used.",
        ))
class Parameter(torch.nn.Parameter):
    """A named, trainable tensor: a ``torch.nn.Parameter`` that carries MindSpore's ``name``.

    Args:
        default_input (Tensor, list, int, float, numpy.ndarray): Initial data; a Tensor is copied.
        name (str): The parameter's name. None or blank gives ``'Parameter'``.
        requires_grad (bool): Whether the parameter is trained. Default: True.
        layerwise_parallel (bool): Excluded from gradient all-reduce when True. Default: False.

    Examples:
        >>> import numpy as np
        >>> import msnn
        >>> p = msnn.Parameter(msnn.Tensor(np.ones((2, 3)), msnn.float32), name='w')
        >>> p
        Parameter (name=w)
        >>> p.clone('moments', init='zeros').name
        'moments.w'

    Note:
        Integer data never requires grad in torch, so such a Parameter reports
        ``requires_grad=False``. ``p.data`` is torch's detached tensor; use ``p.default_input``
        for MindSpore's Tensor view. Data is converted to a tensor when the Parameter is built; a
        list that is not numeric data (``[1, '2', True]``) is accepted, as 0.1 kept lists raw, and
        any use of its data raises TypeError until ``set_parameter_data`` gives it numeric data.
    """

    def __new__(cls, default_input, name, requires_grad=True, layerwise_parallel=False):
        try:
            data = _param_data(default_input)
        except (TypeError, ValueError) as err:
            if not isinstance(default_input, list) or cls is not Parameter:
                raise
            # 0.1 kept a list as it was and failed only when the data was used
            V.check_bool(requires_grad, "requires_grad", "Parameter")
            param = torch.Tensor._make_subclass(_UnconvertedParameter, torch.empty(0), False)
            param.__dict__["_ms_unconverted"] = (str(err), requires_grad)
            return param
        V.check_bool(requires_grad, "requires_grad", "Parameter")
        grad = requires_grad and (data.is_floating_point() or data.is_complex())
        return torch.Tensor._make_subclass(cls, data, grad)

    def __init__(self, default_input, name, requires_grad=True, layerwise_parallel=False):
        # pylint: disable=super-init-not-called
        self.name = name
        self.layerwise_parallel = layerwise_parallel
        self.is_init = False
        _note_raw_input(self, default_input)

    # -- MindSpore attributes --------------------------------------------------------------
    @property
    def name(self):
        return self.__dict__.get("_ms_name", _DEFAULT_NAME)

    @name.setter
    def name(self, name_):
        if name_ is None:
            name_ = _DEFAULT_NAME
        elif isinstance(name_, str):
            name_ = name_.strip() or _DEFAULT_NAME
            if len(name_) > _NAME_MAX_LEN:
                V.fail("Parameter", "name", f"at most {_NAME_MAX_LEN} characters long", name_)
        else:
            V.fail("Parameter", "name", "a str or None", name_)
        self.__dict__["_ms_name"] = name_

    def __setattr__(self, name, value):
        # validated here rather than by overriding the requires_grad property, whose Python getter
        # torch.compile cannot trace
        if name == "requires_grad":
            V.check_bool(value, "requires_grad", "Parameter")
        super().__setattr__(name, value)

    @property
    def layerwise_parallel(self):
        return self.__dict__.get("_layerwise_parallel", False)

    @layerwise_parallel.setter
    def layerwise_parallel(self, value):
        V.check_bool(value, "layerwise_parallel", "Parameter")
        self.__dict__["_layerwise_parallel"] = value

    @property
    def default_input(self):
        """The data as an msnn :class:`Tensor` sharing memory with the parameter."""
        return self.detach().as_subclass(Tensor)

    @default_input.setter
    def default_input(self, value):
        self.set_parameter_data(value)

    def set_parameter_data(self, data):
        """Replace the data (shape and dtype may change), keeping name and flags."""
        with torch.no_grad():
            self.data = _param_data(data).to(self.device)
        _note_raw_input(self, data)

    def asnumpy(self):
        return self.detach().cpu().numpy()

    def clone(self, prefix, init='same'):
        """A copy named ``prefix + '.' + name``; ``'same'`` shares the data, else ``initializer(init)``."""
        V.check_name(prefix, "prefix", "Parameter.clone")
        if init == 'same':
            data = self.detach()
        else:
            from .initializer import initializer  # pylint: disable=import-outside-toplevel
            data = initializer(init, tuple(self.shape), self.dtype).to(self.device).as_subclass(torch.Tensor)
        x = torch.Tensor._make_subclass(type(self), data, self.requires_grad)
        x.__dict__.update(self.__dict__)
        x.name = prefix + '.' + self.name
        x.is_init = False
        if init != 'same':  # fresh initializer data: a Tensor, as in 0.1
            x.__dict__.pop("_ms_raw_input", None)
        return x

    def __repr__(self):
        return f"Parameter (name={self.name})"

    # -- keep name and flags through copies ------------------------------------------------
    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        data = self.detach().clone(memory_format=torch.preserve_format)
        result = torch.Tensor._make_subclass(type(self), data, self.requires_grad)
        memo[id(self)] = result
        result.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter,
                (type(self), self.detach().as_subclass(torch.Tensor), self.requires_grad, dict(self.__dict__)))


def _note_raw_input(param, data):
    """Records the kind of data 0.1 would have kept raw (numpy array or scalar, list): 0.1's
    ``nn.ParameterUpdate`` refused such a Parameter (TypeError)."""
    if isinstance(data, (torch.Tensor, int, float)):
        param.__dict__.pop("_ms_raw_input", None)
    else:
        param.__dict__["_ms_raw_input"] = type(data).__name__


_UNCONVERTED_SAFE = frozenset(getattr(torch.Tensor, attr).__get__
                              for attr in ("grad_fn", "requires_grad", "is_leaf", "grad"))


class _UnconvertedParameter(Parameter):
    """A Parameter built from a list that is not numeric data (``[1, '2', True]``): 0.1 accepted it
    and kept the list, failing only where the data was used. It registers in a Cell and keeps its
    name; reading or computing with its data raises the TypeError the conversion raised."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in _UNCONVERTED_SAFE:
            return super().__torch_function__(func, types, args, kwargs)
        for arg in args:
            if isinstance(arg, _UnconvertedParameter):
                raise TypeError(f"Parameter '{arg.name}' holds data that is not numeric: "
                                f"{arg.__dict__['_ms_unconverted'][0]}")
        raise TypeError("A Parameter built from non-numeric data was used.")

    def set_parameter_data(self, data):
        """New data makes it an ordinary Parameter."""
        new = _param_data(data)
        self.__class__ = Parameter
        requires_grad = self.__dict__.pop("_ms_unconverted")[1]
        with torch.no_grad():
            self.data = new
        self.requires_grad = requires_grad and (new.is_floating_point() or new.is_complex())
        _note_raw_input(self, data)


def _rebuild_parameter(cls, data, requires_grad, state):
    param = torch.Tensor._make_subclass(cls, data, requires_grad)
    param.__dict__.update(state)
    return param


@ms_api("mindspore.ParameterTuple", torch="tuple of torch.nn.Parameter")
class ParameterTuple(tuple):
    """An immutable tuple of :class:`Parameter`; anything else in it raises ValueError.

    Examples:
        >>> import msnn
        >>> pt = msnn.ParameterTuple(msnn.Dense(2, 3).get_parameters())
        >>> [p.name for p in pt.clone('moments', 'zeros')]
        ['moments.weight', 'moments.bias']
    """

    def __new__(cls, iterable):
        if isinstance(iterable, torch.Tensor) or not hasattr(iterable, "__iter__"):
            V.fail("ParameterTuple", "iterable", "an iterable of Parameter (a list or tuple)",
                   type(iterable).__name__, exc=TypeError)
        items = tuple(iterable)
        for x in items:
            if not isinstance(x, Parameter):
                V.fail("ParameterTuple", "iterable", "a collection of Parameter", type(x).__name__)
        return tuple.__new__(cls, items)

    def clone(self, prefix, init='same'):
        V.check_name(prefix, "prefix", "ParameterTuple.clone")
        return ParameterTuple(x.clone(prefix, init) for x in self)
