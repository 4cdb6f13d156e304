import pytest

from msnn import _compat_matrix


def test_compat_matrix_committed_file_is_current():
    with open(_compat_matrix.MATRIX, encoding="utf-8") as f:
        committed = f.read()
    assert committed == _compat_matrix.render(), (
        "compat_matrix.md is stale: run `python -m msnn._compat_matrix --write`")


def test_compat_matrix_every_registered_api_has_tests():
    names = _compat_matrix.test_names()
    untested = [p for p in _compat_matrix.REGISTRY if not _compat_matrix.count_tests(p, names)]
    assert untested == []


def test_compat_matrix_has_a_row_per_seed_entry_and_companion():
    rows = _compat_matrix.rows()
    assert len(rows) >= len(_compat_matrix.SEED)
    assert rows[0][0] == "mindspore.nn.Accuracy"


def test_compat_matrix_registry_is_keyed_by_full_path():
    from msnn import _api  # pylint: disable=import-outside-toplevel

    saved = _api.REGISTRY.pop("mindspore.ops.operations.ReLU", None)  # the real primitive, if imported

    @_api.ms_api("mindspore.ops.operations.ReLU", torch="torch.relu")
    class ReLU:  # pylint: disable=too-few-public-methods
        pass
    try:
        rows = {r[0]: r for r in _compat_matrix.rows()}
        assert rows["mindspore.nn.ReLU"][1] == "done" and rows["mindspore.nn.ReLU"][2] != "torch.relu"
        ops_row = rows["mindspore.ops.operations.ReLU"]
        # nn.ReLU's tests live outside tests/ops and do not count for the primitive
        names = [("", "test_ReLU_values"), ("mindspore.ops", "test_ReLU_grad")]
        assert _compat_matrix.count_tests("mindspore.ops.operations.ReLU", names) == 1
        assert _compat_matrix.count_tests("mindspore.nn.ReLU", names) == 1
        assert ops_row[2] == "torch.relu"
        with pytest.raises(RuntimeError, match="registered twice"):
            _api.ms_api("mindspore.ops.operations.ReLU")(object())
    finally:
        del _api.REGISTRY["mindspore.ops.operations.ReLU"]
        if saved is not None:
            _api.REGISTRY["mindspore.ops.operations.ReLU"] = saved
