"""mindspore.nn.loss.loss: L1Loss, MSELoss, SmoothL1Loss, SoftmaxCrossEntropyWithLogits and
SoftmaxCrossEntropyExpand.

``_Loss`` holds MindSpore 0.1's reduction rule: ``None`` means 'none', and 'mean'/'sum' reduce over
ALL elements (not just the batch). Every forward is torch ops only: shape and dtype checks read
metadata, never tensor values, so nothing syncs with the device.
"""
import warnings

import torch
import torch.nn.functional as F

from .._api import ms_api
from .. import _translate as T
from .. import _validator as V
from .. import context
from ..cell import Cell
from ..common import dtype as mstype

__all__ = ["L1Loss", "MSELoss", "SmoothL1Loss", "SoftmaxCrossEntropyWithLogits",
           "SoftmaxCrossEntropyExpand"]

_REDUCTIONS = ("mean", "sum", "none")
# MindSpore's float16/float32; bfloat16 (which 0.1 did not have) is let through for torch autocast
_FLOAT16_32 = (mstype.float16, mstype.float32, torch.bfloat16)


def _check_same_shape(a, b, a_name, b_name, cls_name):
    """MindSpore's ``check_param_equal`` on two input shapes (ValueError)."""
    if a.shape != b.shape:
        V.fail(cls_name, b_name, f"of the same shape as '{a_name}' {tuple(a.shape)}", tuple(b.shape))


def _check_input_pair(base, target, cls_name):
    """``input``/``target``: Tensors (TypeError) of one floating dtype (TypeError, 0.1's type inference)."""
    V.check_input(base, "input", cls_name, "float")
    V.check_tensor(target, "target", cls_name)
    if target.dtype is not base.dtype:
        V.fail(cls_name, "target", f"a Tensor of the dtype of 'input' ({str(base.dtype)[6:]})",
               V._Raw(f"dtype {str(target.dtype)[6:]}"), exc=TypeError)


def _check_broadcast(base, target, cls_name):
    """Shapes that broadcast (ValueError, 0.1's shape inference), checked only off the fast path."""
    try:
        torch.broadcast_shapes(base.shape, target.shape)
    except RuntimeError:
        V.fail(cls_name, "target", f"of a shape that broadcasts with the 'input' {tuple(base.shape)}",
               V._Raw(f"shape {tuple(target.shape)}"))


def _check_float_pair(a, b, a_name, b_name, cls_name):
    """MindSpore's ``check_type_same(..., (float16, float32))``: both float16/32 and equal (TypeError)."""
    V.check_dtype(a.dtype, a_name + ".dtype", cls_name, _FLOAT16_32)
    if b.dtype != a.dtype:
        V.fail(cls_name, b_name + ".dtype", f"the dtype of '{a_name}' ({mstype.dtype_name(a.dtype)})", mstype.dtype_name(b.dtype), exc=TypeError)


def _check_sparse_labels(logits, labels, depth, cls_name):
    """Sparse labels: an integer tensor whose one-hot of ``depth`` has the logits' shape."""
    if labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
        V.fail(cls_name, "labels.dtype", "an integer dtype when sparse=True", mstype.dtype_name(labels.dtype), exc=TypeError)
    if tuple(labels.shape) + (depth,) != tuple(logits.shape):
        V.fail(cls_name, "labels", f"of shape {tuple(logits.shape[:-1])} ('logits' {tuple(logits.shape)}) when sparse=True", tuple(labels.shape))


def _sparse_softmax_cross_entropy(logits, labels):
    """Per-sample ``-log softmax(logits)[label]`` over the last axis, computed like MindSpore's
    one-hot path: a label outside ``[0, C)`` has an all-zero one-hot row, so its loss (and gradient)
    is 0. Fused ``F.cross_entropy``; invalid labels become its ``ignore_index`` (no host sync)."""
    depth = logits.shape[-1]
    flat = labels.reshape(-1).long()
    valid = (flat >= 0) & (flat < depth)
    flat = torch.where(valid, flat, -100)
    loss = F.cross_entropy(logits.reshape(-1, depth), flat, reduction="none", ignore_index=-100)
    return loss.reshape(labels.shape)


_NO_IGNORE = -2 ** 63  # an ignore_index no int32 label (nor any sane int64 one) can equal


def _fused_sparse_cross_entropy(logits, labels, reduction):
    """The sparse loss with its reduction as one ``F.cross_entropy`` call, on CPU tensors where
    every label is in ``[0, C)`` (torch's CPU kernel checks it and raises IndexError otherwise:
    then None, and the caller takes the zero-loss path). With every label valid the per-sample
    losses equal :func:`_sparse_softmax_cross_entropy`'s and 'mean' divides by their count."""
    flat = logits.dim() == 2
    try:
        loss = F.cross_entropy(logits if flat else logits.reshape(-1, logits.shape[-1]),
                               (labels if flat else labels.reshape(-1)).long(),
                               reduction=reduction, ignore_index=_NO_IGNORE)
    except IndexError:
        return None
    return loss.reshape(labels.shape) if reduction == "none" and not flat else loss


def _sparse_kernel_path(logits, labels, is_grad, check_labels):
    """0.1's CPU/GPU sparse kernel: the batch-mean loss (a scalar), or with ``is_grad`` the gradient
    ``(softmax - onehot) / N`` of shape (N, C). ``check_labels``: RuntimeError for a label outside
    [0, C), as the CPU kernel raised (one host read)."""
    depth = logits.shape[-1]
    if check_labels and not is_grad and logits.device.type == "cpu" and labels.numel():
        # one fused call: torch's CPU kernel refuses a target outside [0, C) itself (IndexError),
        # and with every label valid the batch mean is F.cross_entropy's 'mean'
        try:
            return F.cross_entropy(logits.reshape(-1, depth), labels.reshape(-1).long(), ignore_index=_NO_IGNORE)
        except IndexError:
            pass  # raised below with 0.1's message
    if check_labels and labels.numel() and bool(((labels < 0) | (labels >= depth)).any()):
        bad = labels[(labels < 0) | (labels >= depth)].reshape(-1)[0].item()
        V.fail("SoftmaxCrossEntropyWithLogits", "labels", f"in [0, {depth}) on device_target 'CPU'", bad,
               exc=RuntimeError)
    if not is_grad:
        return _sparse_softmax_cross_entropy(logits, labels).mean()
    n = max(labels.numel(), 1)
    grad = F.softmax(logits, -1)
    flat = labels.reshape(-1).long()
    valid = (flat >= 0) & (flat < depth)
    onehot = torch.zeros_like(grad.reshape(-1, depth)).scatter_(
        1, flat.clamp(0, depth - 1).unsqueeze(1), valid.unsqueeze(1).to(grad.dtype))
    return (grad - onehot.reshape(grad.shape)) / n


class _Loss(Cell):
    """Base class of the losses: validates ``reduction`` and applies it in :meth:`get_loss`.

    Args:
        reduction (Union[str, None]): 'mean', 'sum' or 'none'; ``None`` means 'none'. Default: 'mean'.

    Raises:
        ValueError: If ``reduction`` is a string other than 'mean', 'sum', 'none'.
        AttributeError: If ``reduction`` is neither None nor a string (0.1 called ``.lower()`` on it).
    """

    def __init__(self, reduction="mean"):
        super().__init__()
        name = type(self).__name__
        if reduction is not None and reduction not in _REDUCTIONS:
            if not hasattr(reduction, "lower"):
                V.fail(name, "reduction", "None or one of 'mean', 'sum', 'none'", reduction, exc=AttributeError)
            V.check_in(reduction, "reduction", name, _REDUCTIONS)
        self._reduction = T.loss_reduction_to_torch(reduction)
        self.average = self._reduction != "sum"
        self.reduce = self._reduction != "none"

    @staticmethod
    def get_axis(x):
        """All axes of ``x`` (MindSpore reduces the loss over every axis)."""
        return tuple(range(x.dim()))

    def get_loss(self, x):
        """Apply the reduction: mean or sum over all elements, or ``x`` unchanged."""
        if self._reduction == "mean":
            return x.mean()
        if self._reduction == "sum":
            return x.sum()
        return x

    def construct(self, base, target):
        raise NotImplementedError(f"For '{type(self).__name__}', construct() must be overridden.")


@ms_api("mindspore.nn.L1Loss", torch="torch.nn.functional.l1_loss",
        doc_errors=("The doc says 'mean' divides by the batch size N; 0.1 averages over all "
                    "elements, as msnn does.",))
class L1Loss(_Loss):
    r"""L1Loss measures the mean absolute error between :math:`x` and :math:`y` by element.

    :math:`l_n = |x_n - y_n|` (the inputs broadcast), then the reduction over ALL elements.

    Args:
        reduction (str): Type of reduction to apply to loss. The optional values are "mean", "sum",
            "none". Default: "mean".

    Inputs:
        - **input_data** (Tensor) - Tensor of shape :math:`(x_1, x_2, ..., x_R)`.
        - **target_data** (Tensor) - Tensor of shape :math:`(y_1, y_2, ..., y_S)`.

    Outputs:
        Tensor, loss float tensor (a scalar unless reduction is 'none').

    Raises:
        ValueError: If ``reduction`` is not one of 'mean', 'sum', 'none' (None means 'none').

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> loss = nn.L1Loss()
        >>> input_data = Tensor(np.array([1, 2, 3]), mindspore.float32)
        >>> target_data = Tensor(np.array([1, 2, 2]), mindspore.float32)
        >>> loss(input_data, target_data)
        0.33333334
    """

    def construct(self, base, target):
        if not isinstance(base, torch.Tensor) or not isinstance(target, torch.Tensor) or base.dtype is not target.dtype \
                or not base.is_floating_point():
            _check_input_pair(base, target, "L1Loss")
        if base.shape == target.shape:
            return F.l1_loss(base, target, reduction=self._reduction)
        _check_broadcast(base, target, "L1Loss")
        return self.get_loss(torch.abs(base - target))


@ms_api("mindspore.nn.MSELoss", torch="torch.nn.functional.mse_loss",
        doc_errors=("The doc says 'mean' divides by the batch size N; 0.1 averages over all "
                    "elements, as msnn does.",))
class MSELoss(_Loss):
    r"""MSELoss measures the mean squared error between :math:`x` and :math:`y` by element.

    :math:`l_n = (x_n - y_n)^2` (the inputs broadcast), then the reduction over ALL elements.

    Args:
        reduction (str): Type of reduction to apply to loss. The optional values are "mean", "sum",
            "none". Default: "mean".

    Inputs:
        - **input_data** (Tensor) - Tensor of shape :math:`(x_1, x_2, ..., x_R)`.
        - **target_data** (Tensor) - Tensor of shape :math:`(y_1, y_2, ..., y_S)`.

    Outputs:
        Tensor, weighted loss float tensor (a scalar unless reduction is 'none').

    Raises:
        ValueError: If ``reduction`` is not one of 'mean', 'sum', 'none' (None means 'none').

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> loss = nn.MSELoss()
        >>> input_data = Tensor(np.array([1, 2, 3]), mindspore.float32)
        >>> target_data = Tensor(np.array([1, 2, 2]), mindspore.float32)
        >>> loss(input_data, target_data)
        0.33333334
    """

    def construct(self, base, target):
        if not isinstance(base, torch.Tensor) or not isinstance(target, torch.Tensor) or base.dtype is not target.dtype \
                or not base.is_floating_point():
            _check_input_pair(base, target, "MSELoss")
        if base.shape == target.shape:
            return F.mse_loss(base, target, reduction=self._reduction)
        _check_broadcast(base, target, "MSELoss")
        return self.get_loss(torch.square(base - target))


@ms_api("mindspore.nn.SmoothL1Loss",
        torch="torch.nn.functional.smooth_l1_loss(reduction='none', beta=sigma)",
        deviations=("bfloat16 inputs (torch autocast; 0.1 had no bfloat16) are accepted besides "
                    "float16/float32.",),
        doc_errors=("The doc formula (0.5*d^2 if d < sigma, else d - 0.5) omits sigma; 0.1's only "
                    "kernel (Ascend TBE) computes 0.5*d^2/sigma and d - 0.5*sigma, as msnn does "
                    "(identical for sigma=1).",))
class SmoothL1Loss(_Loss):
    r"""A loss class for learning region proposals; never reduced.

    With :math:`d = |x_i - y_i|`:
    :math:`L_i = 0.5 d^2 / \sigma` if :math:`d < \sigma`, else :math:`d - 0.5\sigma`.

    Args:
        sigma (float): The point where the loss changes from quadratic to linear; a float > 0.
            Default: 1.0.

    Inputs:
        - **input_data** (Tensor) - float16/float32 Tensor of shape :math:`(x_1, x_2, ..., x_R)`.
        - **target_data** (Tensor) - Tensor of the same shape and dtype.

    Outputs:
        Tensor, the element-wise (unreduced) loss, shaped like the input.

    Raises:
        ValueError: If ``sigma`` is not a float (an int is refused) or is not > 0, or if the two
            inputs differ in shape.
        TypeError: If the inputs are not both float16 or both float32.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> loss = nn.SmoothL1Loss()
        >>> input_data = Tensor(np.array([1, 2, 3]), mindspore.float32)
        >>> target_data = Tensor(np.array([1, 2, 2]), mindspore.float32)
        >>> loss(input_data, target_data)
        [0.  0.  0.5]

    Note:
        msnn follows 0.1's Ascend kernel (sigma-scaled, == torch ``beta=sigma``); the seed doc's
        formula and the later 0.2-era GPU kernel did not scale by sigma (same result for sigma=1).
    """

    def __init__(self, sigma=1.0):
        super().__init__()
        self.sigma = V.check_float(sigma, "sigma", type(self).__name__, lower=0.0, lower_open=True)

    def construct(self, base, target):
        V.check_tensor(base, "input_data", "SmoothL1Loss")
        V.check_tensor(target, "target_data", "SmoothL1Loss")
        _check_same_shape(base, target, "input_data", "target_data", "SmoothL1Loss")
        _check_float_pair(base, target, "input_data", "target_data", "SmoothL1Loss")
        return F.smooth_l1_loss(base, target, reduction="none", beta=self.sigma)


@ms_api("mindspore.nn.SoftmaxCrossEntropyWithLogits",
        torch="-(labels * log_softmax(logits)).sum(-1); sparse: torch.nn.functional.cross_entropy",
        deviations=(
            "A label equal to C on device_target 'CPU' raises RuntimeError like a negative one "
            "(0.1's CPU kernel checked label > C and read past the row).",
            "Sparse labels may have any integer dtype (0.1: int32). On 'GPU' (no check in 0.1) "
            "and 'Ascend' a label outside [0, C) gives loss 0, like the Ascend one-hot path.",
            "bfloat16 logits (torch autocast; 0.1 had no bfloat16) are accepted besides "
            "float16/float32.",
        ),
        doc_errors=(
            "The doc says the output has the shape of logits; it is (N,) per-sample losses, or a "
            "scalar with reduction 'mean'/'sum'.",
            "The doc formula has class weights w; no weight argument exists (all weights are 1).",
        ))
class SoftmaxCrossEntropyWithLogits(_Loss):
    r"""Computes softmax cross entropy between logits and labels.

    For each sample :math:`i`: :math:`\ell_i = -\sum_c t_{ic} \log \text{softmax}(x_i)_c` (soft
    labels allowed); with ``sparse=True`` the label is a class index (one-hot of depth C). The
    per-sample vector of shape :math:`(N,)` is then reduced by ``reduction``.

    With ``sparse=True`` and ``context.device_target`` 'CPU' or 'GPU' when the cell is built, 0.1
    ran a different kernel, and so does msnn: ``reduction`` is ignored; ``is_grad=False`` gives
    the scalar batch mean :math:`\frac{1}{N}\sum_i \ell_i`; ``is_grad=True`` (the default) gives
    the gradient :math:`(\text{softmax}(x) - \text{onehot}(y)) / N` of shape :math:`(N, C)`
    instead of a loss (with a warning). 'Ascend' (0.1's default target) uses the path above.

    Args:
        is_grad (bool): On CPU/GPU with ``sparse=True``, return the gradient instead of the loss.
            Default: True.
        sparse (bool): Specifies whether labels use sparse format or not. Default: False.
        reduction (Union[str, None]): 'mean', 'sum', or None / 'none' for per-sample losses.
            Default: None.

    Inputs:
        - **logits** (Tensor) - float16/float32 Tensor of shape :math:`(N, C)`.
        - **labels** (Tensor) - shape :math:`(N, C)` with the dtype of logits, or, with
          ``sparse=True``, an integer Tensor of shape :math:`(N,)`.

    Outputs:
        Tensor of shape :math:`(N,)` for reduction None/'none', else a scalar.

    Raises:
        ValueError: If ``reduction`` is not one of 'mean', 'sum', 'none', None; or the label shape
            does not match the logits.
        TypeError: If logits are not float16/float32, dense labels differ in dtype, or sparse
            labels are not integers.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> loss = nn.SoftmaxCrossEntropyWithLogits(sparse=False)
        >>> logits = Tensor(np.array([[1, 2, 3, 4, 5, 6, 7, 8, 9, 0]]), mindspore.float32)
        >>> labels_np = np.zeros([1, 10]).astype(np.float32)
        >>> labels_np[0][0] = 1
        >>> labels = Tensor(labels_np)
        >>> loss(logits, labels)
        [8.45863]

    Note:
        The path depends on the device target when the cell is built, as in 0.1: train with
        ``is_grad=False, sparse=True`` on CPU/GPU (0.1's own GPU and CPU scripts did). On 'CPU' a
        label outside ``[0, C)`` raises RuntimeError (0.1 raised for negative labels); elsewhere it
        gives loss 0.
    """

    def __init__(self, is_grad=True, sparse=False, reduction=None):
        super().__init__(reduction)
        self.is_grad = V.check_bool(is_grad, "is_grad", type(self).__name__)
        self.sparse = V.check_bool(sparse, "sparse", type(self).__name__)
        target = context.semantics_target()
        self._kernel_path = sparse and target in ("CPU", "GPU")  # 0.1's SparseSoftmaxCrossEntropyWithLogits
        self._check_labels = target == "CPU"
        if self._kernel_path and is_grad:
            warnings.warn("msnn: SoftmaxCrossEntropyWithLogits(is_grad=True, sparse=True) on device_target "
                          f"{target!r} returns the gradient (softmax - onehot)/N, not a loss, as MindSpore 0.1 "
                          "did; pass is_grad=False for the loss.", UserWarning, stacklevel=2)

    def construct(self, logits, labels):
        name = "SoftmaxCrossEntropyWithLogits"
        V.check_tensor(logits, "logits", name)
        V.check_tensor(labels, "labels", name)
        V.check_dtype(logits.dtype, "logits.dtype", name, _FLOAT16_32)
        if logits.dim() == 0:
            V.fail(name, "logits", "a Tensor of at least 1 dim (the classes)", V._Raw("shape ()"))
        if self._kernel_path:
            _check_sparse_labels(logits, labels, logits.shape[-1], name)
            return _sparse_kernel_path(logits, labels, self.is_grad, self._check_labels)
        if self.sparse:
            _check_sparse_labels(logits, labels, logits.shape[-1], name)
            if logits.device.type == "cpu" and labels.numel() and not torch.compiler.is_compiling():
                fused = _fused_sparse_cross_entropy(logits, labels, self._reduction)
                if fused is not None:
                    return fused
            loss = _sparse_softmax_cross_entropy(logits, labels)
        else:
            _check_same_shape(logits, labels, "logits", "labels", name)
            _check_float_pair(logits, labels, "logits", "labels", name)
            loss = -(labels * F.log_softmax(logits, -1)).sum(-1)
        return self.get_loss(loss)


@ms_api("mindspore.nn.SoftmaxCrossEntropyExpand", torch="torch.nn.functional.log_softmax",
        deviations=(
            "log-softmax replaces 0.1's log(exp(x - max) / sum): where a class probability "
            "underflowed to 0, 0.1 returned NaN (0 * -inf) and msnn returns the finite loss; "
            "otherwise results agree to rounding.",
            "A sparse label outside [0, depth) gives an all-zero one-hot row (loss 0), as 0.1's "
            "OneHot did; any integer label dtype is accepted.",
        ),
        doc_errors=("The doc gives only the per-sample formula; the output is the mean over the last "
                    "remaining axis (a scalar for 2-D logits).",))
class SoftmaxCrossEntropyExpand(Cell):
    r"""Computes softmax cross entropy between logits and labels. Implemented by expanded formula.

    Per sample :math:`\ell_i = -\sum_c t_{ic} \log \text{softmax}(x_i)_c` over the last axis, then
    the mean over the last remaining axis (a scalar for :math:`(N, C)` logits).

    Args:
        sparse (bool): Specifies whether labels use sparse format (class indices, one-hot of depth
            ``logits.shape[1]``) or not. Default: False.

    Inputs:
        - **input_data** (Tensor) - Tensor of shape :math:`(N, C)`.
        - **label** (Tensor) - :math:`(N, C)` one-hot/soft labels, or :math:`(N,)` class indices.

    Outputs:
        Tensor, a scalar tensor including the mean loss.

    Examples:
        >>> import numpy as np
        >>> import msnn as nn
        >>> import msnn as mindspore
        >>> from msnn import Tensor
        >>> loss = nn.SoftmaxCrossEntropyExpand(sparse=True)
        >>> input_data = Tensor(np.ones([64, 512]), dtype=mindspore.float32)
        >>> label = Tensor(np.ones([64]), dtype=mindspore.int32)
        >>> loss(input_data, label)
        6.238324

    Note:
        msnn uses a log-softmax, so a class probability that underflows gives a finite loss where
        0.1 (log of the divided softmax) returned NaN.
    """

    def __init__(self, sparse=False):
        super().__init__()
        self.sparse = V.check_bool(sparse, "sparse", type(self).__name__)

    def construct(self, logit, label):
        name = "SoftmaxCrossEntropyExpand"
        V.check_input(logit, "logit", name, "float")
        if logit.dim() < 2:
            V.fail(name, "logit", "a Tensor of at least 2 dims (N, C, ...)", V._Raw(f"shape {tuple(logit.shape)}"))
        if self.sparse:
            V.check_input(label, "label", name, "int")
            if label.dim() != logit.dim() - 1:
                V.fail(name, "label", f"a {logit.dim() - 1}-D Tensor (one dim less than 'logit' {tuple(logit.shape)})",
                       V._Raw(f"shape {tuple(label.shape)}"))
            if label.shape[0] != logit.shape[0]:
                V.fail(name, "label", f"of batch {logit.shape[0]} (the batch of 'logit')", V._Raw(f"shape {tuple(label.shape)}"))
        else:
            V.check_input(label, "label", name, logit.dtype)
            if label.shape != logit.shape:  # 0.1 multiplied with Mul, which broadcasts
                try:
                    torch.broadcast_shapes(label.shape, logit.shape)
                except RuntimeError:
                    V.fail(name, "label", f"broadcastable to the shape of 'logit' {tuple(logit.shape)}",
                           V._Raw(f"shape {tuple(label.shape)}"))
        log_prob = F.log_softmax(logit, -1)
        if self.sparse:
            depth = logit.shape[1]
            classes = torch.arange(depth, device=label.device)
            label = (label.unsqueeze(-1) == classes).to(log_prob.dtype)
        loss = -(log_prob * label).sum(-1)
        return loss.mean(-1)
