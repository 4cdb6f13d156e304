"""msnn.ops package surface: 0.1's exports, the operations list, registries and signature enums."""
import json

import pytest

from msnn import ops
from msnn.ops import operations as P
from msnn.ops import Primitive, PrimitiveWithInfer, prim_attr_register

# 0.1's mindspore/ops/operations/__init__.py __all__ has 152 names
N_PRIMITIVES_0_1 = 152


def test_ops_exports_0_1_names():
    assert sorted(ops.__all__) == sorted(["get_vm_impl_fn", "vm_impl_registry", "op_info_register", "constexpr",
                                          "prim_attr_register", "Primitive", "PrimitiveWithInfer",
                                          "signature_rw", "signature_kind"])
    for name in ops.__all__:
        assert getattr(ops, name) is not None
    assert ops.operations is P and ops.functional.depend and ops.composite.GradOperation


def test_operations_all_is_0_1s_list():
    assert len(P.__all__) == N_PRIMITIVES_0_1 == len(set(P.__all__))
    assert P.__all__ == sorted(P.__all__)
    sources = [n for names in P._SOURCES.values() for n in names if not n.startswith("_")]
    assert sorted(sources) == sorted(P.__all__)
    for name in P.__all__:
        assert issubclass(getattr(P, name), Primitive) or name == "ReduceOp", name
    # the private helpers 0.1's __init__ imported are importable too
    assert P._VirtualDataset and P._AlltoAll and P._MirrorOperator


def test_vm_impl_registry():
    class MyOp(PrimitiveWithInfer):
        @prim_attr_register
        def __init__(self, k=2):
            pass

    @ops.vm_impl_registry.register(MyOp)
    def vm_impl_my_op(self):
        return lambda x: x * self.k

    try:
        assert ops.vm_impl_registry.get(MyOp(), None) is vm_impl_my_op
        assert ops.vm_impl_registry.get('MyOp', 'none') == 'none'
        with pytest.raises(TypeError, match="Registry.register.*'prim'"):
            ops.vm_impl_registry.register(3)(lambda prim: prim)
    finally:
        del ops.vm_impl_registry[id(MyOp)]


def test_get_vm_impl_fn():
    @ops.vm_impl_registry.register('triple')
    def vm_impl_triple(prim):
        return lambda x: 3 * x

    try:
        assert ops.get_vm_impl_fn(Primitive('triple'))(2) == 6
        assert ops.get_vm_impl_fn('triple')(1) == 3
        assert ops.get_vm_impl_fn(Primitive('unknown')) is None
    finally:
        del ops.vm_impl_registry['triple']


def test_op_info_register():
    info = json.dumps({"op_name": "Add", "imply_type": "TBE", "inputs": [], "outputs": []})

    @ops.op_info_register(info)
    def add_op_info():
        return 'kernel'
    assert add_op_info() == 'kernel'
    with pytest.raises(TypeError, match="op_info_register.*'op_info' must be a str"):
        ops.op_info_register({"op_name": "Add"})
    with pytest.raises(ValueError, match="op_info_register.*JSON"):
        ops.op_info_register("{op_name: Add")


def test_signature_rw():
    assert [(m.name, int(m)) for m in ops.signature_rw] == [
        ("RW_READ", 0), ("RW_WRITE", 1), ("RW_REF", 2), ("RW_EMPTY_DEFAULT_VALUE", 3)]
    from msnn._c_expression import signature_rw  # pylint: disable=import-outside-toplevel
    assert signature_rw is ops.signature_rw


def test_signature_kind():
    assert ops.signature_kind.KIND_POSITIONAL_KEYWORD == 0
    assert ops.signature_kind.KIND_VAR_KEYWARD == 3  # 0.1's spelling
    assert ops.signature_kind.KIND_EMPTY_DEFAULT_VALUE == 4
