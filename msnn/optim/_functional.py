"""The update maths of msnn's optimizers: module-level functions over lists of tensors.

Every algorithm has one entry function (``momentum``, ``sgd``, ``adam``, ``adam_weight_decay``,
``lamb``, ``lars_gradients``) that takes lists of parameters, gradients and state tensors plus
Python-number hyper-parameters, and dispatches to

* ``_foreach_<algo>``: the default, on every device (CPU too). Tensors are grouped by device and
  dtype (on the CPU, where foreach kernels loop per tensor anyway, a uniform parameter list is
  used as is) and updated with ``torch._foreach_*`` kernels, one launch per operation per group;
* ``_single_tensor_<algo>``: a per-tensor loop with the same maths, the fallback and reference.

Rules kept by both paths:

* Hyper-parameters are Python numbers already rounded the way MindSpore computes them (float32
  on the device), so nothing here reads a tensor back to the host: no ``.item()``, no sync.
* A gradient is never modified in place (it may be ``p.grad`` or a tensor the caller still
  holds); the first operation that changes it makes a new list.
* State tensors are updated in place (they are the optimizer's named MindSpore state).

All functions run under ``torch.no_grad()`` (the optimizer's step provides it).
"""
import math

import torch
from torch.utils._foreach_utils import _group_tensors_by_device_and_dtype

__all__ = []


def _cpu_uniform(tensors):
    """True when ``tensors`` are all CPU tensors of one dtype. The CPU foreach kernels are a loop of
    per-tensor ops whatever the lists hold, so grouping (which only feeds the fused CUDA kernels)
    is skipped there; one list is checked (in C++), not every list."""
    return bool(tensors) and tensors[0].device.type == "cpu" \
        and len(_group_tensors_by_device_and_dtype([list(tensors)], False)) == 1


def _groups(*tensorlists):
    """Yield the per-(device, dtype) sub-lists of ``tensorlists`` (all aligned with the first)."""
    if torch.compiler.is_compiling() or _cpu_uniform(tensorlists[0]):
        yield tensorlists
        return
    grouped = _group_tensors_by_device_and_dtype(list(tensorlists), False)
    for lists, _ in grouped.values():
        yield lists


def _scalars(x, tensors):
    """``x`` as the scalar operand of a ``torch._foreach_{add,mul,div}_`` over ``tensors``.

    On CPU the foreach kernels are a C++ loop over per-tensor ops, and an op with a Python scalar
    wraps it into a new tensor for every tensor of the list (~3x the cost of a tensor-tensor op on a
    small tensor); a list repeating one 0-d tensor of the list's dtype gives the same results
    (float32/float64) at the tensor-tensor price. Elsewhere (CUDA's fused kernels, compile) the
    Python number is the fast form.
    """
    t = tensors[0]
    if t.device.type == "cpu" and t.dtype in (torch.float32, torch.float64) \
            and not torch.compiler.is_compiling():
        return [torch.tensor(x, dtype=t.dtype)] * len(tensors)
    return x


def _plain(tensors):
    """Detached views of ``tensors`` (same storage and version counter): on CPU a foreach op over
    ``Parameter`` subclasses costs ~2x one over plain tensors (per-tensor subclass checks), so a
    list used by several ops is converted once."""
    if all(type(t) is torch.Tensor for t in tensors):
        return tensors
    return list(map(torch.Tensor.detach, tensors))


def _add_scaled_(dst, src, alpha):
    """``dst += alpha * src`` over lists; ``alpha`` a number or a 0-d tensor (the learning rate of a
    compiled step, which ``alpha=`` cannot take without a recompile per value)."""
    if isinstance(alpha, torch.Tensor):
        torch._foreach_add_(dst, torch._foreach_mul(src, alpha))
    else:
        torch._foreach_add_(dst, src, alpha=alpha)


def _addcdiv_scaled_(dst, num, den, value):
    """``dst += value * num / den`` over lists; ``value`` a number or a 0-d tensor."""
    if isinstance(value, torch.Tensor):
        torch._foreach_add_(dst, torch._foreach_mul(torch._foreach_div(num, den), value))
    else:
        torch._foreach_addcdiv_(dst, num, den, value=value)


def _div_into(num, den):
    """``num / den`` per tensor, written into ``den`` (a temporary list) on the CPU in eager mode:
    a new list of parameter-sized tensors per step costs fresh pages from the OS there (glibc
    returns large blocks), more than the per-tensor calls; elsewhere ``torch._foreach_div``."""
    if den and den[0].device.type == "cpu" and not torch.compiler.is_compiling():
        for n, d in zip(num, den):
            torch.div(n, d, out=d)
        return den
    return torch._foreach_div(num, den)


def _prepare_grads(params, grads, weight_decay, loss_scale, decay_before_unscale):
    """The gradient pre-processing of MindSpore 0.1 optimizers, foreach form (returns a new list
    or ``grads`` itself when nothing applies).

    ``decay_before_unscale``: Momentum/Adam add ``(wd*loss_scale)*w`` then multiply by
    ``1/loss_scale``; SGD multiplies by ``1/loss_scale`` first and adds ``wd*w`` after.
    """
    if decay_before_unscale:
        if weight_decay > 0:
            grads = torch._foreach_add(grads, params, alpha=weight_decay * loss_scale)
            if loss_scale != 1.0:
                torch._foreach_mul_(grads, 1.0 / loss_scale)
        elif loss_scale != 1.0:
            grads = torch._foreach_mul(grads, 1.0 / loss_scale)
        return grads
    new = False
    if loss_scale != 1.0:
        grads = torch._foreach_mul(grads, 1.0 / loss_scale)
        new = True
    if weight_decay != 0:
        if new:
            torch._foreach_add_(grads, params, alpha=weight_decay)
        else:
            grads = torch._foreach_add(grads, params, alpha=weight_decay)
    return grads


def _prepare_grad(param, grad, weight_decay, loss_scale, decay_before_unscale):
    """Single-tensor form of :func:`_prepare_grads`."""
    if decay_before_unscale:
        if weight_decay > 0:
            grad = grad + param * (weight_decay * loss_scale)
        if loss_scale != 1.0:
            grad = grad * (1.0 / loss_scale)
        return grad
    if loss_scale != 1.0:
        grad = grad * (1.0 / loss_scale)
    if weight_decay != 0:
        grad = grad + param * weight_decay
    return grad


# -- Momentum ---------------------------------------------------------------------------------------
def momentum(params, grads, moments, *, lr, momentum, weight_decay, loss_scale, foreach=True):
    """MindSpore Momentum: ``g += (wd*ls)*w; g /= ls; v = momentum*v + g; w -= lr*v``."""
    fn = _foreach_momentum if foreach else _single_tensor_momentum
    fn(params, grads, moments, lr=lr, momentum=momentum, weight_decay=weight_decay,
       loss_scale=loss_scale)


def _single_tensor_momentum(params, grads, moments, *, lr, momentum, weight_decay, loss_scale):
    for w, g, v in zip(params, grads, moments):
        g = _prepare_grad(w, g, weight_decay, loss_scale, True)
        v.mul_(momentum).add_(g)
        w.add_(v, alpha=-lr)


def _foreach_momentum(params, grads, moments, *, lr, momentum, weight_decay, loss_scale):
    for w, g, v in _groups(params, grads, moments):
        g = _prepare_grads(w, g, weight_decay, loss_scale, True)
        torch._foreach_mul_(v, _scalars(momentum, v))
        torch._foreach_add_(v, g)
        _add_scaled_(w, v, -lr)


# -- SGD ------------------------------------------------------------------------------------------
def sgd(params, grads, accums, *, first_step, lr, momentum, dampening, weight_decay, nesterov,
        loss_scale, foreach=True):
    """MindSpore SGD = torch's SGD on ``g/loss_scale``: ``g += wd*w``; with momentum the buffer
    ``accum`` is ``g`` on the first step (``stat`` set) and ``momentum*accum + (1-dampening)*g``
    after; nesterov uses ``g + momentum*accum``; ``w -= lr*g``."""
    fn = _foreach_sgd if foreach else _single_tensor_sgd
    fn(params, grads, accums, first_step=first_step, lr=lr, momentum=momentum, dampening=dampening,
       weight_decay=weight_decay, nesterov=nesterov, loss_scale=loss_scale)


def _single_tensor_sgd(params, grads, accums, *, first_step, lr, momentum, dampening, weight_decay,
                       nesterov, loss_scale):
    for w, g, buf in zip(params, grads, accums):
        g = _prepare_grad(w, g, weight_decay, loss_scale, False)
        if momentum > 0:
            if first_step:
                buf.copy_(g)
            else:
                buf.mul_(momentum).add_(g, alpha=1.0 - dampening)
            g = g + buf * momentum if nesterov else buf
        w.add_(g, alpha=-lr)


def _foreach_sgd(params, grads, accums, *, first_step, lr, momentum, dampening, weight_decay,
                 nesterov, loss_scale):
    for w, g, buf in _groups(params, grads, accums):
        g = _prepare_grads(w, g, weight_decay, loss_scale, False)
        if momentum > 0:
            if first_step:
                torch._foreach_copy_(buf, g)
            else:
                torch._foreach_mul_(buf, momentum)
                torch._foreach_add_(buf, g, alpha=1.0 - dampening)
            if nesterov:
                g = torch._foreach_add(g, buf, alpha=momentum)
            else:
                g = buf
        _add_scaled_(w, g, -lr)


# -- Adam (TF ApplyAdam) ------------------------------------------------------------------------------
def adam(params, grads, m, v, *, lr_t, beta1, beta2, eps, use_nesterov, weight_decay, loss_scale,
         foreach=True):
    """MindSpore Adam (TF ApplyAdam), bias correction folded into ``lr_t`` and eps outside it:
    ``m += (g-m)*(1-b1); v += (g*g-v)*(1-b2); w -= lr_t*m/(sqrt(v)+eps)``; nesterov numerator
    ``m*b1 + (1-b1)*g``. Gradients get Momentum's pre-processing first."""
    fn = _foreach_adam if foreach else _single_tensor_adam
    fn(params, grads, m, v, lr_t=lr_t, beta1=beta1, beta2=beta2, eps=eps, use_nesterov=use_nesterov,
       weight_decay=weight_decay, loss_scale=loss_scale)


def _single_tensor_adam(params, grads, m, v, *, lr_t, beta1, beta2, eps, use_nesterov, weight_decay,
                        loss_scale):
    for w, g, m_, v_ in zip(params, grads, m, v):
        g = _prepare_grad(w, g, weight_decay, loss_scale, True)
        m_.lerp_(g, 1.0 - beta1)
        v_.mul_(beta2).addcmul_(g, g, value=1.0 - beta2)
        num = m_ * beta1 + g * (1.0 - beta1) if use_nesterov else m_
        w.addcdiv_(num, v_.sqrt().add_(eps), value=-lr_t)


def _foreach_adam(params, grads, m, v, *, lr_t, beta1, beta2, eps, use_nesterov, weight_decay,
                  loss_scale):
    for w, g, m_, v_ in _groups(params, grads, m, v):
        g = _prepare_grads(w, g, weight_decay, loss_scale, True)
        torch._foreach_lerp_(m_, g, 1.0 - beta1)
        torch._foreach_mul_(v_, beta2)
        torch._foreach_addcmul_(v_, g, g, value=1.0 - beta2)
        if use_nesterov:
            num = torch._foreach_mul(m_, beta1)
            torch._foreach_add_(num, g, alpha=1.0 - beta1)
        else:
            num = m_
        denom = torch._foreach_sqrt(v_)
        torch._foreach_add_(denom, eps)
        _addcdiv_scaled_(w, num, denom, -lr_t)


# -- AdamWeightDecay (no bias correction, decoupled decay) -----------------------------------------
def adam_weight_decay(params, grads, m, v, *, lr, beta1, beta2, eps, weight_decay, foreach=True):
    """MindSpore AdamWeightDecay: ``m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
    u = m/(sqrt(v)+eps) + wd*w; w -= lr*u`` (no bias correction, no loss scale)."""
    fn = _foreach_adam_weight_decay if foreach else _single_tensor_adam_weight_decay
    fn(params, grads, m, v, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)


def _single_tensor_adam_weight_decay(params, grads, m, v, *, lr, beta1, beta2, eps, weight_decay):
    for w, g, m_, v_ in zip(params, grads, m, v):
        m_.lerp_(g, 1.0 - beta1)
        v_.mul_(beta2).addcmul_(g, g, value=1.0 - beta2)
        u = m_ / v_.sqrt().add_(eps)
        if weight_decay != 0:
            u.add_(w, alpha=weight_decay)
        w.add_(u, alpha=-lr)


def _foreach_adam_weight_decay(params, grads, m, v, *, lr, beta1, beta2, eps, weight_decay):
    for w, g, m_, v_ in _groups(params, grads, m, v):
        torch._foreach_lerp_(m_, g, 1.0 - beta1)
        torch._foreach_mul_(v_, beta2)
        torch._foreach_addcmul_(v_, g, g, value=1.0 - beta2)
        denom = torch._foreach_sqrt(v_)
        torch._foreach_add_(denom, eps)
        if weight_decay != 0:
            u = _div_into(m_, denom)
            torch._foreach_add_(u, w, alpha=weight_decay)
            _add_scaled_(w, u, -lr)
        else:
            _addcdiv_scaled_(w, m_, denom, -lr)


# -- Lamb --------------------------------------------------------------------------------------------
def _trust_ratio(w_norm, g_norm, d_norm):
    """``||w||/||d||`` where both ``||w||`` and ``||g||`` are > 0, else 1; clipped to [0, 10]."""
    one = torch.ones_like(w_norm)
    ratio = torch.where(w_norm > 0, torch.where(g_norm > 0, w_norm / d_norm, one), one)
    return ratio.clamp(0.0, 10.0)


def lamb(params, grads, m, v, decay_flags, *, lr, beta1, beta2, eps, weight_decay, bias_c1, bias_c2,
         foreach=True):
    """MindSpore Lamb (one step; ``bias_c1 = 1-b1^(t+1)``, ``bias_c2 = 1-b2^(t+1)`` in float32):
    ``m_hat = m/bc1; v_hat = v/bc2``; trust ratio ``||w|| / ||m_hat*rsqrt(v_hat+eps) + wd*w||``
    (1 unless both ``||w||`` and ``||g||`` are > 0; clipped to [0, 10]); ``u = m_hat/(sqrt(v_hat)+eps)``
    plus ``wd*w`` where ``decay_flags`` is True; ``w -= ratio*lr*u``.

    ``decay_flags`` is one bool for the whole list (the optimizer keeps decayed and not-decayed
    parameters in separate groups).
    """
    fn = _foreach_lamb if foreach else _single_tensor_lamb
    fn(params, grads, m, v, decay_flags, lr=lr, beta1=beta1, beta2=beta2, eps=eps,
       weight_decay=weight_decay, bias_c1=bias_c1, bias_c2=bias_c2)


def _single_tensor_lamb(params, grads, m, v, decay, *, lr, beta1, beta2, eps, weight_decay, bias_c1,
                        bias_c2):
    for w, g, m_, v_ in zip(params, grads, m, v):
        m_.lerp_(g, 1.0 - beta1)
        v_.mul_(beta2).addcmul_(g, g, value=1.0 - beta2)
        m_hat = m_ / bias_c1
        v_hat = v_ / bias_c2
        d = m_hat * torch.rsqrt(v_hat + eps)
        if weight_decay != 0:
            d.add_(w, alpha=weight_decay)
        ratio = _trust_ratio(torch.linalg.vector_norm(w), torch.linalg.vector_norm(g),
                             torch.linalg.vector_norm(d))
        u = m_hat / v_hat.sqrt().add_(eps)
        if decay and weight_decay != 0:
            u.add_(w, alpha=weight_decay)
        w.sub_(u.mul_(ratio * lr))


def _foreach_lamb(params, grads, m, v, decay, *, lr, beta1, beta2, eps, weight_decay, bias_c1,
                  bias_c2):
    """Same maths as :func:`_single_tensor_lamb` with the bias corrections folded into scalars:

    * ``m_hat*rsqrt(v_hat+eps) = k*m*rsqrt(v + eps*c2)`` and
      ``m_hat/(sqrt(v_hat)+eps) = k*m/(sqrt(v) + eps*sqrt(c2))`` with ``k = sqrt(c2)/c1``;
    * ``||k*x + wd*w|| = k*||x + (wd/k)*w||`` (computed in the buffer of ``x``);
    * ``w -= s*(k*m/den + wd*w)`` (``s = ratio*lr``, per tensor, a device tensor) as
      ``w -= (s*wd)*w`` then ``w -= m/(den/(s*k))``: the per-tensor scale rides on the buffer of
      ``den`` (``s = 0`` gives ``den/0 = inf``, so ``w`` is left unchanged, as with ``u*0``).

    No ``m_hat``/``v_hat`` copies: two temporaries per tensor, ~14 foreach launches.
    """
    if bias_c1 == 0 or bias_c2 == 0:   # beta rounded to 1.0 in float32: keep the reference's inf/nan
        _single_tensor_lamb(params, grads, m, v, decay, lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                            weight_decay=weight_decay, bias_c1=bias_c1, bias_c2=bias_c2)
        return
    sqrt_c2 = math.sqrt(bias_c2)
    k = sqrt_c2 / bias_c1
    for w, g, m_, v_ in _groups(_plain(params), grads, m, v):
        n = len(w)
        torch._foreach_lerp_(m_, g, 1.0 - beta1)
        torch._foreach_mul_(v_, _scalars(beta2, v_))
        torch._foreach_addcmul_(v_, g, g, value=1.0 - beta2)
        # trust-ratio denominator, divided by k: m*rsqrt(v + eps*c2) + (wd/k)*w
        d = torch._foreach_add(v_, _scalars(eps * bias_c2, v_))
        torch._foreach_rsqrt_(d)
        torch._foreach_mul_(d, m_)
        if weight_decay != 0:
            torch._foreach_add_(d, w, alpha=weight_decay / k)
        norms = torch.stack(torch._foreach_norm([*w, *g, *d])).view(3, n)
        w_norm, g_norm, d_norm = norms.unbind(0)
        scale = _trust_ratio(w_norm, g_norm, d_norm * k).mul_(lr)
        # update: den = (sqrt(v) + eps*sqrt(c2)) / (scale*k); w -= (scale*wd)*w; w -= m/den
        den = torch._foreach_sqrt(v_)
        torch._foreach_add_(den, _scalars(eps * sqrt_c2, den))
        if decay and weight_decay != 0:
            coef = torch.cat([(scale * k).reciprocal_(), scale * weight_decay]).unbind(0)
            torch._foreach_addcmul_(w, w, coef[n:], value=-1.0)
        else:
            coef = (scale * k).reciprocal_().unbind(0)
        torch._foreach_mul_(den, coef[:n])
        torch._foreach_addcdiv_(w, m_, den, value=-1.0)


# -- LARS ----------------------------------------------------------------------------------------------
def lars_gradients(params, grads, *, weight_decay, lr, epsilon, hyperpara, use_clip, foreach=True):
    """LARSUpdate on already un-scaled gradients; returns the new gradient list:
    ``coeff = hyperpara*||w|| / (||g|| + wd*||w|| + epsilon)``; with ``use_clip``
    ``coeff = clamp(coeff/lr, 0, 1)``; ``g' = coeff*(g + wd*w)``."""
    fn = _foreach_lars_gradients if foreach else _single_tensor_lars_gradients
    return fn(params, grads, weight_decay=weight_decay, lr=lr, epsilon=epsilon, hyperpara=hyperpara,
              use_clip=use_clip)


def _lars_coeff(w_norm, g_norm, *, weight_decay, lr, epsilon, hyperpara, use_clip):
    coeff = hyperpara * w_norm / (g_norm + weight_decay * w_norm + epsilon)
    if use_clip:
        coeff = (coeff / lr).clamp(0.0, 1.0)
    return coeff


def _single_tensor_lars_gradients(params, grads, *, weight_decay, lr, epsilon, hyperpara, use_clip):
    out = []
    for w, g in zip(params, grads):
        coeff = _lars_coeff(torch.linalg.vector_norm(w), torch.linalg.vector_norm(g),
                            weight_decay=weight_decay, lr=lr, epsilon=epsilon, hyperpara=hyperpara,
                            use_clip=use_clip)
        if weight_decay != 0:
            g = g + w * weight_decay
        out.append(g * coeff)
    return out


def _foreach_lars_gradients(params, grads, *, weight_decay, lr, epsilon, hyperpara, use_clip):
    params = _plain(params)
    if torch.compiler.is_compiling() or _cpu_uniform(params):
        groups = {None: ((params, list(grads)), None)}
    else:
        groups = _group_tensors_by_device_and_dtype([params, list(grads)], True)
    out = None if len(groups) == 1 else [None] * len(params)
    for (w, g), idx in groups.values():
        n = len(w)
        norms = torch.stack(torch._foreach_norm([*w, *g])).view(2, n)
        coeff = _lars_coeff(norms[0], norms[1], weight_decay=weight_decay, lr=lr, epsilon=epsilon,
                            hyperpara=hyperpara, use_clip=use_clip).unbind(0)
        if weight_decay != 0:
            new = torch._foreach_add(g, w, alpha=weight_decay)
            torch._foreach_mul_(new, coeff)
        else:
            new = torch._foreach_mul(g, coeff)
        if out is None:       # one (device, dtype) group keeps the input order
            return list(new)
        for i, t in zip(idx, new):
            out[i] = t
    return out
