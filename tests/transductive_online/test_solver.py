"""Exact M_tr: the decision search against brute force, certificates, known families."""
import numpy as np
import pytest

from neurips25.transductive_online import reference
from neurips25.transductive_online.classes import ConceptClass, disjoint_product, log2_floor
from neurips25.transductive_online.families import (
    all_functions,
    four_point_gap,
    power,
    random_class,
    singletons,
    thresholds,
    tree_class,
)
from neurips25.transductive_online.littlestone import littlestone_dimension
from neurips25.transductive_online.solver import (
    SearchTimeout,
    can_force,
    transductive_mistake_bound,
)
from neurips25.transductive_online.transductive import transductive_rank

from .conftest import random_classes


def brute(cls):
    """max over every ordered subset of distinct points of the (tested) rank."""
    return max(transductive_rank(cls, s) for s in reference.ordered_subsets(cls.n_points))


def test_solver_equals_brute_force_on_300_random_classes(small_classes):
    for cls in small_classes:
        b = transductive_mistake_bound(cls)
        assert b.value == brute(cls), cls.rows()
        assert transductive_rank(cls, b.sequence) == b.value  # the certificate re-checks
        assert b.value <= min(littlestone_dimension(cls), log2_floor(cls.size))


def test_solver_equals_the_plain_game_brute_force():
    for cls in random_classes(7, 60, max_points=4):
        assert transductive_mistake_bound(cls).value == reference.mistake_bound_brute(cls)[0]


def test_dense_classes_against_brute_force():
    """Bigger classes on 6 points (where gaps and ties are common)."""
    rng = np.random.default_rng(3)
    for size in range(8, 65, 4):
        cls = random_class(6, size, rng)
        assert transductive_mistake_bound(cls).value == brute(cls), cls.rows()


def test_repeats_never_help():
    for cls in random_classes(5, 40, max_points=3):
        assert reference.mistake_bound_with_repeats(cls, cls.n_points + 1) == brute(cls)


def test_can_force_agrees_with_the_value(small_classes):
    for cls in small_classes[:80]:
        m = transductive_mistake_bound(cls).value
        seq = can_force(cls, m)
        assert seq is not None and transductive_rank(cls, seq) >= m
        assert can_force(cls, m + 1) is None


@pytest.mark.parametrize("n", [1, 3, 7, 15, 31])
def test_thresholds(n):
    b = transductive_mistake_bound(thresholds(n))
    assert b.value == b.littlestone == log2_floor(n + 1)


@pytest.mark.parametrize("d", range(1, 7))
def test_all_functions(d):
    assert transductive_mistake_bound(all_functions(d)).value == d


@pytest.mark.parametrize("n", [2, 5, 9])
def test_singletons(n):
    assert transductive_mistake_bound(singletons(n)).value == 1
    assert transductive_mistake_bound(singletons(n, with_empty=True)).value == 1


@pytest.mark.parametrize("depth", range(1, 5))
def test_minimal_tree_class(depth):
    b = transductive_mistake_bound(tree_class(depth))
    assert b.value == b.littlestone == depth + 1


def test_the_four_point_gap_class_and_its_square():
    assert (transductive_mistake_bound(four_point_gap()).value,
            littlestone_dimension(four_point_gap())) == (2, 3)
    b = transductive_mistake_bound(power(four_point_gap(), 2))
    assert (b.littlestone, b.value) == (6, 4)


def test_products_add():
    classes = random_classes(11, 40, max_points=3, max_size=8)
    for a, b in zip(classes[::2], classes[1::2], strict=True):
        p = disjoint_product(a, b)
        va, vb = transductive_mistake_bound(a), transductive_mistake_bound(b)
        vp = transductive_mistake_bound(p)
        assert (vp.littlestone, vp.value) == (va.littlestone + vb.littlestone,
                                              va.value + vb.value)


def test_relabelling_and_flipping_points_change_nothing():
    """The invariance the 4-point enumeration by symmetry orbits relies on."""
    rng = np.random.default_rng(2)
    for cls in random_classes(13, 40, max_points=5):
        perm = rng.permutation(cls.n_points)
        flip = rng.integers(0, 2, cls.n_points)
        rows = [[r[p] ^ f for p, f in zip(perm, flip, strict=True)] for r in cls.rows()]
        other = ConceptClass.from_rows(rows)
        assert transductive_mistake_bound(other).value == transductive_mistake_bound(cls).value
        assert littlestone_dimension(other) == littlestone_dimension(cls)


def test_single_hypothesis_and_budgets():
    one = ConceptClass.from_rows([[0, 1, 1]])
    b = transductive_mistake_bound(one)
    assert (b.value, b.sequence, b.littlestone) == (0, (), 0)
    with pytest.raises(SearchTimeout):
        transductive_mistake_bound(power(four_point_gap(), 2), max_states=10)
    with pytest.raises(SearchTimeout):
        transductive_mistake_bound(power(four_point_gap(), 2), timeout=1e-9)


@pytest.mark.timeout(60)  # the failure mode is a hang
def test_the_timeout_holds_on_a_dense_class():
    """1024 hypotheses on 16 points: after ~200 expanded states the search once generated
    children by the ten thousand that failed on entry, never expanded; the deadline was
    checked per 64 expanded states, so it ran for minutes past a 10 s timeout. The clock
    here counts its own reads: deterministic, whatever the load."""
    import itertools

    cls = random_class(16, 1024, np.random.default_rng(1))
    reads = itertools.count()  # the old code read it 4 times, then never again
    with pytest.raises(SearchTimeout):
        transductive_mistake_bound(cls, timeout=4, clock=lambda: float(next(reads)))


def test_restarts_keep_the_search_exact(monkeypatch, small_classes):
    """With a restart after every state, values still match brute force (failures kept)."""
    from neurips25.transductive_online import solver

    monkeypatch.setattr(solver, "RESTART_UNIT", 1)
    for cls in small_classes[:120]:
        assert transductive_mistake_bound(cls).value == brute(cls), cls.rows()
    square = power(four_point_gap(), 2)
    b = transductive_mistake_bound(square)
    assert (b.value, transductive_rank(square, b.sequence)) == (4, 4)


def test_luby_sequence():
    from neurips25.transductive_online.solver import luby

    assert [luby(i) for i in range(1, 16)] == [1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8]


def _same_trace(cls, **kw):
    fast = transductive_mistake_bound(cls, **kw)
    plain = transductive_mistake_bound(cls, plain=True, **kw)
    assert (fast.value, fast.sequence, fast.states) == (plain.value, plain.sequence,
                                                        plain.states), cls.rows()
    return fast


def test_fast_search_expands_the_same_states_as_the_plain_one(small_classes):
    """The optimised search drops only points that yield no child and decides LD >= k
    instead of computing LD: same states, same order, same certificate."""
    for cls in small_classes[:150]:
        _same_trace(cls)
    for size in (16, 32, 64, 128):
        _same_trace(random_class(16, size, np.random.default_rng(size)))


@pytest.mark.parametrize("depth", [3, 4, 5])
def test_fast_search_equals_plain_on_random_tree_classes(depth):
    """Seeded Lemma D.2 classes (p = 2^-sqrt(D)) at the sizes the optimisation targets,
    with restarts forced often so that the noisy candidate order is compared too."""
    rng = np.random.default_rng(40 + depth)
    for _ in range(4):
        cls = tree_class(depth, 2.0 ** -np.sqrt(depth), rng)
        b = _same_trace(cls)
        assert b.value in (b.littlestone - 1, b.littlestone)


def test_fast_search_equals_plain_with_frequent_restarts(monkeypatch):
    from neurips25.transductive_online import solver

    monkeypatch.setattr(solver, "RESTART_UNIT", 3)
    rng = np.random.default_rng(7)
    for depth in (4, 5):
        _same_trace(tree_class(depth, 2.0 ** -np.sqrt(depth), rng))
    _same_trace(power(four_point_gap(), 2))


def test_fast_ld_decision_matches_exact_ld():
    """All decisions first (so none reads the exact LD memo), then the exact LDs."""
    from neurips25.transductive_online.solver import _FastSearch

    rng = np.random.default_rng(5)
    for cls in [tree_class(5, 0.2, rng), random_class(12, 200, rng)]:
        search = _FastSearch(cls)
        masks = {int(rng.integers(1, 1 << 62)) & cls.full for _ in range(200)} - {0}
        decided = {(v, k): search.ld_at_least(v, k) for v in masks for k in range(8)}
        for (v, k), got in decided.items():
            assert got == (littlestone_dimension(cls, v) >= k), (v, k)
