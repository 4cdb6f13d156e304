"""``mindspore.ops.operations`` (``P``): the primitive operator classes.

Each primitive is constructed once with its attributes (``self.matmul = P.MatMul(transpose_b=True)``)
and called with tensors; its ``__call__`` runs the torch computation. The classes live in the
modules of 0.1's layout (``array_ops``, ``math_ops``, ``nn_ops``, ...); this package exports 0.1's
``__all__`` (152 primitives).
"""
import importlib

__all__ = [
    'ACos', 'Abs', 'Adam', 'AddN', 'AllGather', 'AllReduce', 'ApplyMomentum', 'ArgMaxWithValue',
    'ArgMinWithValue', 'Argmax', 'Argmin', 'Assign', 'AssignAdd', 'AssignSub', 'AvgPool',
    'BatchMatMul', 'BatchNorm', 'BiasAdd', 'BinaryCrossEntropy', 'BoundingBoxDecode',
    'BoundingBoxEncode', 'Broadcast', 'Cast', 'CheckValid', 'Concat', 'ConcatOffset',
    'ControlDepend', 'Conv2D', 'Conv2DBackpropInput', 'Cos', 'CumProd', 'CumSum', 'DType',
    'DepthToSpace', 'DepthwiseConv2dNative', 'Diag', 'DiagPart', 'Div', 'DropoutDoMask',
    'DropoutGenMask', 'Equal', 'EqualCount', 'Exp', 'ExpandDims', 'Eye', 'Fill', 'Flatten',
    'Floor', 'FloorDiv', 'FusedBatchNorm', 'GatherNd', 'GatherV2', 'GeSwitch', 'Gelu',
    'GetNext', 'Greater', 'GreaterEqual', 'IOU', 'ImageSummary', 'InsertGradientOf',
    'InvertPermutation', 'IsInstance', 'IsSubClass', 'L2Normalize', 'LARSUpdate', 'LSTM',
    'LayerNorm', 'Less', 'LessEqual', 'Log', 'LogSoftmax', 'LogicalAnd', 'LogicalNot',
    'LogicalOr', 'MakeRefKey', 'MatMul', 'MaxPool', 'MaxPoolWithArgmax', 'Maximum', 'Merge',
    'Minimum', 'Mul', 'NMSWithMask', 'NPUAllocFloatStatus', 'NPUClearFloatStatus',
    'NPUGetFloatStatus', 'Neg', 'NotEqual', 'OneHot', 'OnesLike', 'PReLU', 'Pad', 'Pow',
    'Print', 'ROIAlign', 'RandomChoiceWithMask', 'Rank', 'ReLU', 'ReLU6', 'RealDiv',
    'Reciprocal', 'ReduceAll', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceOp', 'ReduceProd',
    'ReduceScatter', 'ReduceSum', 'Reshape', 'ResizeBilinear', 'ResizeNearestNeighbor', 'Round',
    'Rsqrt', 'SGD', 'SameTypeShape', 'ScalarCast', 'ScalarSummary', 'ScalarToArray',
    'ScalarToTensor', 'ScatterNd', 'ScatterNdUpdate', 'Select', 'Shape', 'Sigmoid',
    'SigmoidCrossEntropyWithLogits', 'Sign', 'Sin', 'Size', 'Slice', 'SmoothL1Loss', 'Softmax',
    'SoftmaxCrossEntropyWithLogits', 'SpaceToDepth', 'SparseApplyAdagrad',
    'SparseSoftmaxCrossEntropyWithLogits', 'Split', 'Sqrt', 'Square', 'Squeeze', 'StridedSlice',
    'Sub', 'Tanh', 'TensorAdd', 'TensorSummary', 'Tile', 'TopK', 'Transpose', 'TruncatedNormal',
    'TupleToArray', 'UnsortedSegmentSum', 'ZerosLike'
]

# where each name lives (0.1's layout); the private helpers are importable but not in __all__;
# every name is imported at package import (an absent one is an ImportError)
_SOURCES = {
    'array_ops': (
        'Argmax', 'Argmin', 'Cast', 'ConcatOffset', 'Concat', 'Diag', 'DiagPart', 'DType',
        'ExpandDims', 'Eye', 'Fill', 'GatherNd', 'GatherV2', 'InvertPermutation',
        'IsInstance', 'IsSubClass', 'ArgMaxWithValue', 'OnesLike', 'ZerosLike', 'Rank',
        'Reshape', 'ResizeNearestNeighbor', 'ArgMinWithValue', 'SameTypeShape',
        'ScalarToArray', 'ScalarToTensor', 'ScatterNd', 'ScatterNdUpdate', 'Select',
        'Shape', 'Size', 'Slice', 'Split', 'Squeeze', 'StridedSlice', 'Tile', 'Transpose',
        'TruncatedNormal', 'TupleToArray', 'UnsortedSegmentSum', 'SpaceToDepth',
        'DepthToSpace',),
    'comm_ops': (
        'AllGather', 'AllReduce', '_AlltoAll', 'ReduceScatter', 'Broadcast',
        '_MirrorOperator', 'ReduceOp', '_VirtualDataset', '_VirtualDiv', '_GetTensorSlice',),
    'debug_ops': (
        'ImageSummary', 'InsertGradientOf', 'ScalarSummary', 'TensorSummary', 'Print',),
    'control_ops': (
        'ControlDepend', 'GeSwitch', 'Merge',),
    'inner_ops': (
        'ScalarCast',),
    'math_ops': (
        'Abs', 'ACos', 'AddN', 'AssignAdd', 'AssignSub', 'BatchMatMul', 'ReduceMax',
        'ReduceMin', 'ReduceMean', 'ReduceSum', 'ReduceAll', 'ReduceProd', 'CumProd', 'Cos',
        'Div', 'Equal', 'EqualCount', 'Exp', 'Floor', 'FloorDiv', 'Greater', 'GreaterEqual',
        'Less', 'LessEqual', 'Log', 'LogicalAnd', 'LogicalNot', 'LogicalOr', 'MatMul',
        'Maximum', 'Minimum', 'Mul', 'Neg', 'NMSWithMask', 'NotEqual',
        'NPUAllocFloatStatus', 'NPUClearFloatStatus', 'NPUGetFloatStatus', 'Pow', 'RealDiv',
        'Reciprocal', 'CumSum', 'Sin', 'Sqrt', 'Rsqrt', 'Square', 'Sub', 'TensorAdd',
        'Sign', 'Round',),
    'random_ops': (
        'RandomChoiceWithMask',),
    'nn_ops': (
        'LSTM', 'SGD', 'Adam', 'ApplyMomentum', 'BatchNorm', 'BiasAdd', 'Conv2D',
        'DepthwiseConv2dNative', 'DropoutDoMask', 'DropoutGenMask', 'Flatten',
        'FusedBatchNorm', 'Gelu', 'GetNext', 'L2Normalize', 'LayerNorm', 'LogSoftmax',
        'MaxPool', 'AvgPool', 'Conv2DBackpropInput', 'MaxPoolWithArgmax', 'OneHot', 'Pad',
        'PReLU', 'ReLU', 'ReLU6', 'ResizeBilinear', 'Sigmoid',
        'SigmoidCrossEntropyWithLogits', 'SmoothL1Loss', 'Softmax',
        'SoftmaxCrossEntropyWithLogits', 'ROIAlign', 'SparseSoftmaxCrossEntropyWithLogits',
        'Tanh', 'TopK', 'BinaryCrossEntropy', 'SparseApplyAdagrad', 'LARSUpdate',),
    'other_ops': (
        'Assign', 'IOU', 'BoundingBoxDecode', 'BoundingBoxEncode', 'CheckValid',
        'MakeRefKey',),
}


def _load():
    g = globals()
    for module, names in _SOURCES.items():
        mod = importlib.import_module("." + module, __name__)
        for name in names:
            g[name] = getattr(mod, name)


_load()
