"""Every class on a few points, by symmetry orbits, against direct enumeration."""
from collections import Counter

import pytest

from neurips25.transductive_online.enumeration import (
    all_classes,
    class_from_mask,
    cube_symmetries,
    orbit_representatives,
)
from neurips25.transductive_online.littlestone import littlestone_dimension
from neurips25.transductive_online.solver import transductive_mistake_bound


def _direct(n_points):
    counts = Counter()
    for cls in all_classes(n_points):
        counts[(littlestone_dimension(cls), transductive_mistake_bound(cls).value)] += 1
    return counts


def _by_orbits(n_points):
    reps, sizes = orbit_representatives(n_points)
    counts = Counter()
    for mask, weight in zip(reps.tolist(), sizes.tolist(), strict=True):
        cls = class_from_mask(mask, n_points)
        counts[(littlestone_dimension(cls), transductive_mistake_bound(cls).value)] += weight
    return counts


def test_symmetry_group_sizes():
    assert cube_symmetries(2).shape == (8, 4) and cube_symmetries(3).shape == (48, 8)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_orbits_give_the_same_counts_as_every_class(n):
    assert _by_orbits(n) == _direct(n)
    assert sum(_direct(n).values()) == (1 << (1 << n)) - 1


def test_four_points_values_match_the_research_notes():
    counts = _by_orbits(4)
    assert sum(counts.values()) == 65_535
    assert set(counts) == {(0, 0), (1, 1), (2, 2), (3, 2), (3, 3), (4, 4)}
    reps, _ = orbit_representatives(4)
    for mask in reps.tolist():
        cls = class_from_mask(mask, 4)
        if littlestone_dimension(cls) == 3 and transductive_mistake_bound(cls).value == 2:
            assert cls.size == 8  # every (3, 2) class has exactly 8 functions


@pytest.mark.slow
def test_all_65535_classes_on_4_points_directly():
    assert _direct(4) == _by_orbits(4)
