"""``mindspore.ops.composite``: pre-defined combinations of operators.

Gradients (:class:`GradOperation` and the pre-built ``grad*`` instances), type-dispatched
functions (:class:`MultitypeFuncGraph`), maps over sequences (:class:`HyperMap`, ``hyper_add``,
``zeros_like``, ``ones_like``) and ``clip_by_value``.
"""
from .base import (GradOperation, HyperMap, MultitypeFuncGraph, add_flags, core,
                   grad, grad_all, grad_all_with_sens, grad_by_list, grad_by_list_with_sens,
                   grad_with_sens, env_get, tail, zip_operation)
from .clip_ops import clip_by_value
from .multitype_ops.add_impl import hyper_add
from .multitype_ops.ones_like_impl import ones_like
from .multitype_ops.zeros_like_impl import zeros_like

__all__ = ['grad', 'grad_by_list_with_sens', 'grad_all', 'grad_by_list', 'grad_all_with_sens',
           'grad_with_sens', 'env_get', 'core', 'add_flags', 'tail', 'MultitypeFuncGraph',
           'GradOperation', 'HyperMap', 'hyper_add', 'zeros_like', 'ones_like', 'zip_operation',
           'clip_by_value']
