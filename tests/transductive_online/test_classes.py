"""ConceptClass: validation of rows, bitmask splits, products, version spaces."""
import numpy as np
import pytest

from neurips25.transductive_online.classes import (
    ConceptClass,
    InvalidClassError,
    disjoint_product,
    log2_floor,
    version_space,
)


@pytest.mark.parametrize("rows, match", [
    ([], "empty class"),
    ([[0, 1], [1]], "ragged rows: row 1 has 1 labels, row 0 has 2"),
    ([[0, 2]], "label 2 is not 0 or 1"),
    ([[0, 1.0]], "is not 0 or 1"),
    ([[True, 0]], "is not 0 or 1"),
    ([["1", 0]], "is not 0 or 1"),
    ([[0, 1], [1, 1], [0, 1]], "duplicate hypotheses: row 2 repeats row 0"),
])
def test_bad_rows_are_rejected_with_a_clear_message(rows, match):
    with pytest.raises(InvalidClassError, match=match):
        ConceptClass.from_rows(rows)


def test_invalid_class_error_is_both_value_and_user_error():
    from neurips25.common.errors import UserError

    assert issubclass(InvalidClassError, ValueError) and issubclass(InvalidClassError, UserError)


def test_rows_round_trip_and_numpy_input():
    rows = [[0, 1, 1], [1, 0, 0], [1, 1, 1]]
    cls = ConceptClass.from_rows(np.array(rows))
    assert cls.rows() == rows and cls.size == 3 and cls.n_points == 3
    assert cls.table.shape == (3, 3) and cls.table[:, 1].tolist() == [1, 0, 0]


def test_split_partitions_the_version_space():
    cls = ConceptClass.from_rows([[0, 0], [0, 1], [1, 0], [1, 1]])
    v0, v1 = cls.split(cls.full, 0)
    assert v0 | v1 == cls.full and not v0 & v1
    assert cls.members(v1) == [2, 3] and cls.splits(cls.full, 1)
    assert not cls.splits(v1 & cls.ones[1], 1)


def test_version_space_keeps_the_consistent_hypotheses():
    cls = ConceptClass.from_rows([[0, 0, 1], [0, 1, 1], [1, 1, 0]])
    assert cls.members(version_space(cls, [(1, 1)])) == [1, 2]
    assert cls.members(version_space(cls, [(1, 1), (2, 1)])) == [1]
    assert version_space(cls, [(0, 1), (2, 1)]) == 0


def test_disjoint_product_has_every_pair():
    a = ConceptClass.from_rows([[0], [1]])
    b = ConceptClass.from_rows([[0, 1], [1, 1], [0, 0]])
    p = disjoint_product(a, b)
    assert p.n_points == 3 and p.size == 6
    assert sorted(p.rows()) == sorted([ra + rb for ra in a.rows() for rb in b.rows()])


def test_log2_floor():
    assert [log2_floor(n) for n in (1, 2, 3, 4, 7, 8, 1024)] == [0, 1, 1, 2, 2, 3, 10]
