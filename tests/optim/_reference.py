"""NumPy references of the MindSpore 0.1 optimizer formulas (spec section 8), float64, one
parameter at a time, written straight from the spec text (no torch, no msnn).

Every reference is a small class: construct with the initial weights (list of arrays), their
names and the hyper-parameters, then ``step(grads)`` once per step; ``w`` holds the weights.
A ``lr`` argument is a float (fixed) or a list (dynamic: the i-th step uses the i-th value, the last
one past the end -- msnn's documented choice).
"""
import numpy as np

def momentum_filter(name):
    return 'beta' not in name and 'gamma' not in name


def lamb_filter(name):
    return 'LayerNorm' not in name and 'bias' not in name


def _lr_at(lr, t):
    if isinstance(lr, (list, tuple, np.ndarray)):
        return float(lr[min(t, len(lr) - 1)])
    return float(lr)


class _Ref:
    def __init__(self, w, names):
        self.w = [np.array(x, dtype=np.float64) for x in w]
        self.names = list(names)
        self.t = 0

    def zeros(self):
        return [np.zeros_like(x) for x in self.w]


class Momentum(_Ref):
    """g += wd*ls*w (filter, wd > 0); g /= ls; v = m*v + g; w -= lr*v."""

    def __init__(self, w, names, lr, momentum, weight_decay=0.0, loss_scale=1.0, decay_filter=momentum_filter):
        super().__init__(w, names)
        self.lr, self.m, self.wd, self.ls = lr, momentum, weight_decay, loss_scale
        self.flags = [decay_filter(n) for n in names]
        self.v = self.zeros()

    def step(self, grads):
        lr = _lr_at(self.lr, self.t)
        for i, g in enumerate(grads):
            g = np.array(g, dtype=np.float64)
            if self.wd > 0 and self.flags[i]:
                g = g + self.wd * self.ls * self.w[i]
            g = g / self.ls
            self.v[i] = self.m * self.v[i] + g
            self.w[i] = self.w[i] - lr * self.v[i]
        self.t += 1


class SGD(_Ref):
    """g /= ls; g += wd*w (all); buf = g (first) | m*buf + (1-d)*g; nesterov g + m*buf; w -= lr*g."""

    def __init__(self, w, names, lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                 loss_scale=1.0):
        super().__init__(w, names)
        self.lr, self.m, self.d, self.wd, self.nes, self.ls = lr, momentum, dampening, weight_decay, nesterov, loss_scale
        self.buf = self.zeros()

    def step(self, grads):
        lr = _lr_at(self.lr, self.t)
        for i, g in enumerate(grads):
            g = np.array(g, dtype=np.float64) / self.ls
            if self.wd > 0:
                g = g + self.wd * self.w[i]
            if self.m > 0:
                self.buf[i] = g.copy() if self.t == 0 else self.m * self.buf[i] + (1 - self.d) * g
                g = g + self.m * self.buf[i] if self.nes else self.buf[i]
            self.w[i] = self.w[i] - lr * g
        self.t += 1


class Adam(_Ref):
    """TF ApplyAdam: lr_t = lr*sqrt(1-b2^t)/(1-b1^t); w -= lr_t*m/(sqrt(v)+eps); L2 as Momentum."""

    def __init__(self, w, names, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, use_nesterov=False,
                 weight_decay=0.0, loss_scale=1.0):
        super().__init__(w, names)
        self.lr, self.b1, self.b2, self.eps, self.nes = lr, beta1, beta2, eps, use_nesterov
        self.wd, self.ls = weight_decay, loss_scale
        self.flags = [momentum_filter(n) for n in names]
        self.m, self.v = self.zeros(), self.zeros()

    def step(self, grads):
        lr = _lr_at(self.lr, self.t)
        self.t += 1
        lr_t = lr * np.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for i, g in enumerate(grads):
            g = np.array(g, dtype=np.float64)
            if self.wd > 0 and self.flags[i]:
                g = g + self.wd * self.ls * self.w[i]
            g = g / self.ls
            self.m[i] = self.b1 * self.m[i] + (1 - self.b1) * g
            self.v[i] = self.b2 * self.v[i] + (1 - self.b2) * g * g
            num = self.b1 * self.m[i] + (1 - self.b1) * g if self.nes else self.m[i]
            self.w[i] = self.w[i] - lr_t * num / (np.sqrt(self.v[i]) + self.eps)


def poly_lr(start, end, decay_steps, power, t):
    return (start - end) * (1 - min(t, decay_steps) / decay_steps) ** power + end


class AdamWeightDecay(_Ref):
    """No bias correction; u = m/(sqrt(v)+eps) + wd*w (all params); w -= lr*u. ``schedule``
    (t -> lr) replaces the fixed lr for AdamWeightDecayDynamicLR."""

    def __init__(self, w, names, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0, schedule=None):
        super().__init__(w, names)
        self.lr, self.b1, self.b2, self.eps, self.wd, self.schedule = lr, beta1, beta2, eps, weight_decay, schedule
        self.m, self.v = self.zeros(), self.zeros()

    def step(self, grads):
        lr = self.schedule(self.t) if self.schedule else self.lr
        for i, g in enumerate(grads):
            g = np.array(g, dtype=np.float64)
            self.m[i] = self.b1 * self.m[i] + (1 - self.b1) * g
            self.v[i] = self.b2 * self.v[i] + (1 - self.b2) * g * g
            u = self.m[i] / (np.sqrt(self.v[i]) + self.eps) + self.wd * self.w[i]
            self.w[i] = self.w[i] - lr * u
        self.t += 1


class Lamb(_Ref):
    """Spec 8.7: warm-up / poly lr, bias-corrected moments, trust ratio with eps inside the sqrt
    and wd*w always in the denominator, clipped to [0, 10]."""

    def __init__(self, w, names, decay_steps, warmup_steps=0, start=0.1, end=1e-4, power=1.0, beta1=0.9,
                 beta2=0.999, eps=1e-6, weight_decay=0.0, decay_filter=lamb_filter):
        super().__init__(w, names)
        self.T, self.warm, self.start, self.end, self.power = decay_steps, warmup_steps, start, end, power
        self.b1, self.b2, self.eps, self.wd = beta1, beta2, eps, weight_decay
        self.flags = [decay_filter(n) for n in names]
        self.m, self.v = self.zeros(), self.zeros()
        self.lrs = []

    def lr(self, t):
        if self.warm > 0 and t < self.warm:
            return self.start * t / self.warm
        return poly_lr(self.start, self.end, self.T, self.power, t)

    def step(self, grads):
        t = self.t
        lr = self.lr(t)
        self.lrs.append(lr)
        for i, g in enumerate(grads):
            g = np.array(g, dtype=np.float64)
            w = self.w[i]
            self.m[i] = self.b1 * self.m[i] + (1 - self.b1) * g
            self.v[i] = self.b2 * self.v[i] + (1 - self.b2) * g * g
            mh = self.m[i] / (1 - self.b1 ** (t + 1))
            vh = self.v[i] / (1 - self.b2 ** (t + 1))
            wn, gn = np.linalg.norm(w), np.linalg.norm(g)
            dn = np.linalg.norm(mh / np.sqrt(vh + self.eps) + self.wd * w)
            r = wn / dn if (wn > 0 and gn > 0) else 1.0
            r = min(max(r, 0.0), 10.0)
            u = mh / (np.sqrt(vh) + self.eps)
            if self.flags[i]:
                u = u + self.wd * w
            self.w[i] = w - r * lr * u
        self.t += 1


class LARS:
    """Spec 8.8 around an inner reference: g /= ls; coeff = hp*|w| / (|g| + wd'*|w| + eps)
    (wd' = wd*ls where decay_filter), clip -> clamp(coeff/lr, 0, 1); g = coeff*(g + wd'*w);
    the inner reference then applies its own rule (and its own un-scaling) to that gradient."""

    def __init__(self, inner, epsilon=1e-5, hyperpara=1e-3, weight_decay=0.0, use_clip=False, loss_scale=1.0,
                 decay_filter=lamb_filter, lars_filter=lamb_filter):
        self.inner, self.eps, self.hp, self.use_clip, self.ls = inner, epsilon, hyperpara, use_clip, loss_scale
        self.wd = weight_decay * loss_scale
        self.decay = [decay_filter(n) for n in inner.names]
        self.lars = [lars_filter(n) for n in inner.names]

    @property
    def w(self):
        return self.inner.w

    def step(self, grads):
        lr = _lr_at(self.inner.lr, self.inner.t)
        new = []
        for i, g in enumerate(grads):
            g = np.array(g, dtype=np.float64) / self.ls
            if self.lars[i]:
                w = self.inner.w[i]
                wd = self.wd if self.decay[i] else 0.0
                wn, gn = np.linalg.norm(w), np.linalg.norm(g)
                coeff = self.hp * wn / (gn + wd * wn + self.eps)
                if self.use_clip:
                    coeff = min(max(coeff / lr, 0.0), 1.0)
                g = coeff * (g + wd * w)
            new.append(g)
        self.inner.step(new)


# -- test helpers (msnn side) -------------------------------------------------------------------
# names that hit and miss each default decay filter
NAMES = ['bn.gamma', 'fc.bias', 'LayerNorm.weight', 'conv.weight', 'bn.beta']
SHAPES = [(4,), (3,), (5,), (2, 3, 2), (4,)]


def make_case(steps=6, names=NAMES, shapes=SHAPES, seed=0):
    """Initial float32 weights and ``steps`` lists of float32 gradients."""
    rng = np.random.RandomState(seed)
    w0 = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads = [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(steps)]
    return w0, grads


def make_params(w0, names, device):
    import torch
    import msnn
    return [msnn.Parameter(torch.tensor(w, device=device), name=n) for w, n in zip(w0, names)]


def run_ms(opt, grads, device, scale=1.0):
    """MindSpore style: ``opt(gradients)`` per step; returns the weights after each step."""
    import torch
    traj = []
    for gs in grads:
        opt(tuple(torch.tensor(g * np.float32(scale), device=device) for g in gs))
        traj.append([p.detach().cpu().numpy().copy() for p in opt.parameters])
    return traj


def run_torch(opt, params, grads, device, scale=1.0):
    """torch style: ``p.grad = g; opt.step(); opt.zero_grad()`` per step."""
    import torch
    traj = []
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = torch.tensor(g * np.float32(scale), device=device)
        opt.step()
        opt.zero_grad()
        traj.append([p.detach().cpu().numpy().copy() for p in params])
    return traj


def run_ref(ref, grads, scale=1.0):
    traj = []
    for gs in grads:
        ref.step([g * np.float32(scale) for g in gs])
        traj.append([w.copy() for w in ref.w])
    return traj


def assert_traj(got, want, rtol=2e-5, atol=2e-6):
    for t, (a, b) in enumerate(zip(got, want)):
        for i, (x, y) in enumerate(zip(a, b)):
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=f"step {t}, param {i}")
