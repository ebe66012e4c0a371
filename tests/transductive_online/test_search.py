"""The smallest-M_tr search: ordering, local search invariants, products."""
import numpy as np

from neurips25.transductive_online.families import all_functions, four_point_gap, singletons
from neurips25.transductive_online.littlestone import littlestone_dimension
from neurips25.transductive_online.search import (
    Found,
    best_per_ld,
    local_search,
    product_pool,
    random_pool,
    solve,
)
from neurips25.transductive_online.solver import transductive_mistake_bound


def test_best_per_ld_prefers_smaller_m_tr_then_exact_then_fewer_hypotheses():
    a = Found(3, 3, "a", all_functions(3))
    b = Found(3, 2, "b", four_point_gap())
    c = Found(3, 2, "c", four_point_gap(), exact=False)
    assert best_per_ld([a, c, b])[3] is b
    assert best_per_ld([a])[3] is a


def test_local_search_keeps_ld_and_never_raises_m_tr():
    rng = np.random.default_rng(0)
    start = solve(all_functions(4), "start", 10_000)
    end = local_search(start, rng, 40, 10_000)
    assert end.ld == 4 and littlestone_dimension(end.cls) == 4
    assert end.m_tr <= start.m_tr
    assert transductive_mistake_bound(end.cls).value == end.m_tr


def test_random_pool_values_are_exact():
    rng = np.random.default_rng(1)
    for f in random_pool(rng, [3], 1, 10_000)[:10]:
        b = transductive_mistake_bound(f.cls)
        assert (f.ld, f.m_tr) == (b.littlestone, b.value)


def test_products_are_solved_when_small_and_summed_otherwise():
    best = {1: solve(singletons(2), "s", 10_000), 3: solve(four_point_gap(), "g", 10_000)}
    pool = product_pool(best, max_ld=6, exact_max_size=16, max_states=10_000)
    by_ld = {f.ld: f for f in pool}
    assert by_ld[4].exact and by_ld[4].m_tr == 3  # |H| = 16: solved
    assert not by_ld[6].exact and by_ld[6].m_tr == 4  # |H| = 64: additivity
    seen = set()
    assert product_pool(best, 6, 16, 10_000, seen) and not product_pool(best, 6, 16, 10_000, seen)


def test_solve_gives_none_past_the_budget():
    from neurips25.transductive_online.families import power

    assert solve(power(four_point_gap(), 2), "big", max_states=5) is None
