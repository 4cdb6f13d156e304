import pickle

import pytest

import msnn
from msnn import _validator as V
from msnn.ops import Primitive, PrimitiveWithInfer, prim_attr_register, constexpr


class _Scale(PrimitiveWithInfer):
    @prim_attr_register
    def __init__(self, factor=2.0, axis=0):
        self.init_prim_io_names(inputs=['x'], outputs=['output'])

    def infer_shape(self, x_shape):
        return x_shape

    def infer_dtype(self, x_dtype):
        return x_dtype

    def __call__(self, x):
        return x * self.factor


def test_prim_attr_register_records_arguments():
    op = _Scale(3.0)
    assert op.name == "_Scale"
    assert op.attrs == {"factor": 3.0, "axis": 0, "input_names": ["x"], "output_names": ["output"]}
    assert op.init_attrs == {"factor": 3.0, "axis": 0}
    assert op.factor == 3.0 and op.axis == 0
    assert op(msnn.Tensor([1.0, 2.0])).tolist() == [3.0, 6.0]
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        op.missing  # pylint: disable=pointless-statement


def test_Primitive_add_prim_attr_and_instance_name():
    op = _Scale().add_prim_attr("extra", 5).set_prim_instance_name("scale1")
    assert op.extra == 5 and op.attrs["extra"] == 5 and op.instance_name == "scale1"
    assert repr(op) == "Prim[_Scale]<scale1>"


def test_Primitive_set_strategy_warns_it_has_no_effect():
    op = _Scale()
    V._warned.discard(("Primitive", "strategy"))
    with pytest.warns(V.UnsupportedWarning, match="'strategy'=\\(\\(1, 2\\),\\) has no effect"):
        assert op.set_strategy(((1, 2),)) is op
    assert op.strategy == ((1, 2),)


def test_Primitive_without_implementation_raises_naming_it():
    class NoKernel(Primitive):
        @prim_attr_register
        def __init__(self):
            pass
    with pytest.raises(NotImplementedError, match="For 'NoKernel'"):
        NoKernel()(1)


def test_PrimitiveWithInfer_infer_and_infer_value_call():
    op = _Scale()
    assert op.__infer__({"shape": (2, 3), "dtype": msnn.float32, "value": None}) == \
        {"dtype": msnn.float32, "shape": (2, 3), "value": None}

    class Const(PrimitiveWithInfer):
        @prim_attr_register
        def __init__(self):
            pass

        def infer_value(self, x):
            return None if x is None else x + 1
    assert Const()(1) == 2
    with pytest.raises(NotImplementedError):
        Const()(None)


def test_Primitive_clone_and_pickle_keep_attributes():
    op = _Scale(4.0, axis=1).add_prim_attr("extra", 1)
    for copy in (op._clone(), pickle.loads(pickle.dumps(op))):
        assert copy.attrs == op.attrs and copy is not op
        assert copy(2.0) == 8.0


def test_constexpr_instance_and_class():
    @constexpr
    def tuple_len(x):
        return len(x)
    assert tuple_len((1, 2)) == 2 and tuple_len.name == "tuple_len"

    @constexpr(get_instance=False, name="TupleLen")
    def tuple_len_class(x):
        return len(x)
    assert tuple_len_class()((1, 2, 3)) == 3 and tuple_len_class().name == "TupleLen"
