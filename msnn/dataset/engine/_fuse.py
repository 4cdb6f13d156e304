"""Fusion of consecutive per-pixel operations of one ``map`` into one table lookup (engine side).

A run of *elementwise* operations (each output value depends only on the input value and its
channel: ``Rescale``, ``Normalize``, ``TypeCast``), optionally preceded by a ``Resize`` and
followed by ``HWC2CHW``, is replaced by one :class:`FusedPointwise` when the map is compiled. On
a uint8 image the elementwise run is one lookup per value in a 256-entry table per channel; the
table is made by running the original operations on an image holding the 256 values, so the
results are the unfused results bit for bit. A leading bilinear/nearest ``Resize`` then works one
channel plane at a time (the same values: each output value comes from its own channel), so
with ``HWC2CHW`` each plane goes from the small input to its place in the <C,H,W> output without a
large intermediate image. Anything else (another dtype or layout, a bad image) runs the original
operations one after the other, with their own checks and errors.

Operations opt in with class attributes: ``_elementwise = True`` (output shape = input shape, no
randomness, each value a function of (value, channel)), ``_hwc_to_chw = True`` (HWC2CHW) and
``_plane_resize = True`` with ``_plane_size(img)`` / ``_resize_plane(plane, out)`` (Resize).
"""
import numpy as np

__all__ = ["FusedPointwise", "SubOpError", "fuse"]

# depths cv2.LUT can write (its output has the table's depth)
_CV_LUT_DTYPES = {np.dtype(t) for t in (np.uint8, np.int8, np.uint16, np.int16, np.int32, np.float32, np.float64)}


class SubOpError(Exception):
    """An operation inside a fused run failed: ``op`` is that operation, ``error`` its exception
    (the map step reports the original operation, not the fused one)."""

    def __init__(self, op, error):
        super().__init__(str(error))
        self.op = op
        self.error = error


def _is_array(x):
    """A plain numpy array (a subclass may change what the operations do with it)."""
    return type(x) is np.ndarray  # pylint: disable=unidiomatic-typecheck


def _flag(op, name):
    return getattr(type(op), name, False) is True


def fuse(ops):
    """``ops`` with every run of 2+ elementwise operations, or of 1+ after a Resize or before an
    HWC2CHW, replaced by one :class:`FusedPointwise` (the same list object when nothing fuses)."""
    out = []
    changed = False
    k = 0
    n = len(ops)
    while k < n:
        head = _flag(ops[k], "_plane_resize")
        start = k + 1 if head else k
        j = start
        run = 0  # elementwise operations, not counting pass-throughs
        while j < n and _flag(ops[j], "_elementwise"):
            run += not _flag(ops[j], "_passthrough")
            j += 1
        chw = run > 0 and j < n and _flag(ops[j], "_hwc_to_chw")
        if run >= 2 or (run >= 1 and (chw or head)):
            end = j + 1 if chw else j
            out.append(FusedPointwise(ops[k:end], head))
            changed = True
            k = end
        else:
            out.append(ops[k])
            k += 1
    return out if changed else ops


class FusedPointwise:
    """[Resize,] elementwise operations [, HWC2CHW] as one pass per plane on uint8 images.

    Args:
        ops (list): The operations, in order.
        resize (bool): ``ops[0]`` is a Resize done plane by plane.
    """

    def __init__(self, ops, resize=False):
        self.ops = list(ops)
        self.resize = self.ops[0] if resize else None
        self.chw = _flag(self.ops[-1], "_hwc_to_chw")
        self._point_ops = self.ops[(1 if resize else 0):(-1 if self.chw else None)]
        self._tables = {}  # channels -> <C,256> table, or None when the ops refuse such images
        self._scratch = {}  # (h, w) -> a uint8 plane for the resized channel
        self.__name__ = "+".join(type(op).__name__ for op in self.ops if not _flag(op, "_passthrough"))
        if all(callable(getattr(op, "batch", None)) for op in self.ops):
            self.batch = self._batch

    def __repr__(self):
        return f"FusedPointwise({self.ops!r})"

    # -- the tables ---------------------------------------------------------------------------

    def _table(self, channels):
        """<C,256> results of the elementwise ops on uint8 <H,W,C> images, or None."""
        try:
            return self._tables[channels]
        except KeyError:
            pass
        probe = np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], channels, axis=2)  # <1,256,C>
        table = None
        try:
            x = probe
            for op in self._point_ops:
                x = op(x)
            if _is_array(x) and x.shape == probe.shape and x.dtype.kind in "biuf":
                table = np.ascontiguousarray(x[0].T)
        except Exception:  # pylint: disable=broad-except
            table = None  # such images go through the original ops, which raise their own error
        self._tables[channels] = table
        return table

    def _plan(self, img):
        """(table, (out h, out w)) when ``img`` takes the fast path, else None."""
        if not _is_array(img) or img.dtype != np.uint8 or img.ndim != 3 or not img.size:
            return None
        c = img.shape[2]
        if self.chw and c not in (1, 3, 4):  # HWC2CHW's own layout check is shape dependent
            return None
        if self.resize is None:
            hw = img.shape[:2]
        else:
            hw = self.resize._plane_size(img)  # pylint: disable=protected-access
            if hw is None:
                return None
        table = self._table(c)
        if table is None:
            return None
        return table, hw

    # -- applying ------------------------------------------------------------------------------

    def _sequential(self, img, method=None):
        x = img
        for op in self.ops:
            fn = op if method is None else getattr(op, method)
            try:
                x = fn(*x) if type(x) is tuple else fn(x)  # pylint: disable=unidiomatic-typecheck
            except Exception as err:
                raise SubOpError(op, err) from err
        return x

    def _shape(self, hw, c):
        return (c,) + tuple(hw) if self.chw else tuple(hw) + (c,)

    def __call__(self, *args):
        img = args[0] if len(args) == 1 else args  # several arguments: the operations as they are
        plan = self._plan(img)
        if plan is None:
            return self._sequential(img)
        table, hw = plan
        out = np.empty(self._shape(hw, img.shape[2]), table.dtype)
        self._run(img, table, hw, out)
        return out

    def into(self, img, out):
        """Write ``self(img)`` into ``out`` and return True, when ``img`` takes the fast path and
        ``out`` has its shape and dtype; else False (nothing written)."""
        plan = self._plan(img)
        if plan is None:
            return False
        table, hw = plan
        if out.shape != self._shape(hw, img.shape[2]) or out.dtype != table.dtype or not out.flags.c_contiguous:
            return False
        self._run(img, table, hw, out)
        return True

    def _run(self, img, table, hw, out):
        cv2 = _cv2()
        if self.resize is not None:
            h, w = hw
            c = img.shape[2]
            if self.chw:
                scratch = self._scratch_plane(hw)
                for k, plane in enumerate(_planes(img, cv2)):
                    self.resize._resize_plane(plane, scratch)  # pylint: disable=protected-access
                    _lut_plane(scratch, table[k], out[k], cv2)
                return
            # HWC out: resize the image whole into a scratch image, then look up
            if c == 1:
                scratch = self._scratch_plane(hw)
                self.resize._resize_plane(img[:, :, 0], scratch)  # pylint: disable=protected-access
                img = scratch[:, :, None]
            else:
                scratch = self._scratch_plane((h, w, c))
                self.resize._resize_plane(np.ascontiguousarray(img), scratch)  # pylint: disable=protected-access
                img = scratch
        _lookup(img, table, out, self.chw, cv2)

    def _scratch_plane(self, hw):
        buf = self._scratch.get(hw)
        if buf is None:
            buf = self._scratch[hw] = np.empty(hw, np.uint8)
        return buf

    def _batch(self, images):
        """A stacked <N,H,W,C> batch: the Resize's own ``batch`` first, then the table on uint8
        (N,C,H,W out with HWC2CHW); other batches through each operation's own ``batch``."""
        x = images
        ops = self.ops
        if self.resize is not None:
            try:
                x = self.resize.batch(x)
            except Exception as err:
                raise SubOpError(self.resize, err) from err
            ops = ops[1:]
        if _is_array(x) and x.dtype == np.uint8 and x.ndim == 4 and x.size \
                and (not self.chw or x.shape[3] in (1, 3, 4)):
            table = self._table(x.shape[3])
            if table is not None:
                cv2 = _cv2()
                n, h, w, c = x.shape
                out = np.empty((n, c, h, w) if self.chw else (n, h, w, c), table.dtype)
                if self.chw and c == 1:  # <N,1,H,W>: the N planes at once
                    _lut_plane(np.ascontiguousarray(x).reshape(n * h, w), table[0], out.reshape(n * h, w), cv2)
                elif self.chw:
                    for k in range(n):
                        _lookup(x[k], table, out[k], True, cv2)
                else:
                    _lookup(x.reshape(n * h, w, c), table, out.reshape(n * h, w, c), False, cv2)
                return out
        for op in ops:
            try:
                x = op.batch(x)
            except Exception as err:
                raise SubOpError(op, err) from err
        return x


_CV2 = []


def _cv2():
    """cv2, or None without the msnn[vision] extra (imported on first use: the engine needs no OpenCV)."""
    if not _CV2:
        try:
            import cv2  # pylint: disable=import-outside-toplevel
        except ImportError:  # pragma: no cover - the extra is not installed
            cv2 = None
        _CV2.append(cv2)
    return _CV2[0]


def _planes(img, cv2):
    """The channel planes of a uint8 <H,W,C> image, each contiguous."""
    c = img.shape[2]
    if c == 1:
        return [np.ascontiguousarray(img[:, :, 0])]
    if cv2 is not None:
        return cv2.split(np.ascontiguousarray(img))
    return [np.ascontiguousarray(img[:, :, k]) for k in range(c)]


def _lut_plane(plane, table, out, cv2):
    if cv2 is not None and table.dtype in _CV_LUT_DTYPES:
        res = cv2.LUT(plane, table, dst=out)
        if res is not out and res.ctypes.data != out.ctypes.data:  # pragma: no cover - cv2 made its own array
            out[...] = res
    else:
        np.take(table, plane, out=out)


def _lookup(img, table, out, chw, cv2):
    """out = table[c][img[..., c]] (out <C,H,W> when chw, else <H,W,C>); img uint8 <H,W,C>."""
    c = img.shape[2]
    use_cv = cv2 is not None and table.dtype in _CV_LUT_DTYPES
    if chw:
        for k, plane in enumerate(_planes(img, cv2)):
            _lut_plane(plane, table[k], out[k], cv2)
        return
    if use_cv and c <= 4:
        lut = np.ascontiguousarray(table.T).reshape(1, 256, c) if c > 1 else table[0]
        src = np.ascontiguousarray(img)
        res = cv2.LUT(src, lut, dst=out if c > 1 else out[:, :, 0])
        if res.ctypes.data != out.ctypes.data:  # pragma: no cover - cv2 made its own array
            out[...] = res.reshape(out.shape)
        return
    for k in range(c):
        np.take(table[k], img[:, :, k], out=out[:, :, k])
