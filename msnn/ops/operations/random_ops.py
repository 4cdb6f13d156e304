"""``mindspore.ops.operations.random_ops``: random sampling primitives."""
import torch

from ..._api import ms_api
from ... import _validator as V
from ..primitive import PrimitiveWithInfer, prim_attr_register
from .array_ops import _int, _generator, _dtype_of

__all__ = ["RandomChoiceWithMask"]


@ms_api("mindspore.ops.operations.RandomChoiceWithMask", torch="torch.nonzero + torch.randperm",
        deviations=("A non-zero seed or seed2 seeds a torch.Generator owned by the primitive "
                    "(reproducible, not 0.1's kernel stream); 0 and 0 use torch's global RNG.",))
class RandomChoiceWithMask(PrimitiveWithInfer):
    """Picks up to ``count`` random coordinates of the True elements of a bool tensor.

    Args:
        count (int): The number of coordinates (> 0). Default: 256.
        seed (int): Random seed. Default: 0.
        seed2 (int): Second random seed. Default: 0.

    Outputs:
        (index, mask): ``index`` int32 of shape (count, rank) -- the chosen coordinates in random
        order, zero-padded -- and ``mask`` bool of shape (count,), True where ``index`` is valid.

    Examples:
        >>> import numpy as np, msnn
        >>> from msnn.ops import operations as P
        >>> index, mask = P.RandomChoiceWithMask(4)(msnn.Tensor(np.eye(3, dtype=bool)))
        >>> index.shape, index.dtype, mask.tolist()
        (torch.Size([4, 2]), torch.int32, [True, True, True, False])
        >>> sorted(map(tuple, index[mask].tolist()))
        [(0, 0), (1, 1), (2, 2)]

    Note:
        A non-zero ``seed``/``seed2`` seeds a generator owned by the primitive
        (reproducible, not 0.1's kernel stream).
    """

    @prim_attr_register
    def __init__(self, count=256, seed=0, seed2=0):
        _int(count, "count", "RandomChoiceWithMask")
        if count <= 0:
            V.fail("RandomChoiceWithMask", "count", "an int > 0", count)
        _int(seed, "seed", "RandomChoiceWithMask")
        _int(seed2, "seed2", "RandomChoiceWithMask")
        self._gen = _generator(seed, seed2)

    def __call__(self, x):
        V.check_tensor(x, "input_x", "RandomChoiceWithMask")
        if x.dim() < 1:
            V.fail("RandomChoiceWithMask", "input_x", "a Tensor of rank >= 1", V._Raw("rank 0"))  # pylint: disable=protected-access
        if _dtype_of(x) is not torch.bool:
            V.fail("RandomChoiceWithMask", "input_x", "a bool Tensor",
                   V._Raw(f"dtype {_dtype_of(x)}".replace("torch.", "")))  # pylint: disable=protected-access
        coords = torch.nonzero(x)
        gen = self._gen
        perm = torch.randperm(coords.shape[0], generator=gen, device="cpu" if gen is None else gen.device)
        chosen = coords[perm[:self.count].to(coords.device)]
        k = chosen.shape[0]
        index = torch.zeros((self.count, x.dim()), dtype=torch.int32, device=x.device)
        index[:k] = chosen.to(torch.int32)
        mask = torch.zeros(self.count, dtype=torch.bool, device=x.device)
        mask[:k] = True
        return index, mask

    def infer_shape(self, x_shape):
        """``([count, rank], [count])``."""
        return [self.count, len(x_shape)], [self.count]

    def infer_dtype(self, x_dtype):  # pylint: disable=unused-argument
        """``(int32, bool_)``."""
        return torch.int32, torch.bool
