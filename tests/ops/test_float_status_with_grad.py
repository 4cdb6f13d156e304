"""The emulated NPU float status sees the gradients GradOperation computes (BERT's loss-scale check)."""
import numpy as np
import pytest

import msnn as nn
from msnn import Tensor, ParameterTuple
from msnn.ops import operations as P, composite as C


class _Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.fc = nn.Dense(3, 2)

    def construct(self, x):
        return self.fc(x).sum()


@pytest.mark.parametrize("sens,overflow", [(1.0, False), (2.0, False), (3e38, True), (float("inf"), True)])
def test_NPUGetFloatStatus_reports_overflow_of_GradOperation_gradients(sens, overflow):
    net = _Net()
    weights = ParameterTuple(net.trainable_params())
    grad = C.GradOperation('grad', get_by_list=True, sens_param=True)
    alloc, get, clear, reduce_sum = P.NPUAllocFloatStatus(), P.NPUGetFloatStatus(), P.NPUClearFloatStatus(), P.ReduceSum(False)
    x = Tensor(np.full((4, 3), 10.0, np.float32))
    init = alloc()
    clear(init)   # in 0.1's eager order BERT clears after the gradients; both orders must work
    grads = grad(net, weights)(x, Tensor(np.float32(sens)))
    assert len(grads) == 2
    get(init)
    flag = float(reduce_sum(init, (0,)))
    assert (flag > 0) is overflow
