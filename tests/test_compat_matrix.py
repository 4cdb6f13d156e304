from msnn import _compat_matrix


def test_compat_matrix_committed_file_is_current():
    with open(_compat_matrix.MATRIX, encoding="utf-8") as f:
        committed = f.read()
    assert committed == _compat_matrix.render(), (
        "compat_matrix.md is stale: run `python -m msnn._compat_matrix --write`")


def test_compat_matrix_every_registered_api_has_tests():
    names = _compat_matrix.test_names()
    untested = [n for n in _compat_matrix.REGISTRY if not _compat_matrix.count_tests(n, names)]
    assert untested == []


def test_compat_matrix_has_a_row_per_seed_entry_and_companion():
    rows = _compat_matrix.rows()
    assert len(rows) >= len(_compat_matrix.SEED)
    assert rows[0][0] == "mindspore.nn.Accuracy"
