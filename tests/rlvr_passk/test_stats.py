"""Bootstrap determinism, crossover detection on planted curves, coverage and histograms."""
import numpy as np
import pytest

from neurips25.rlvr_passk.coverage import HIST_LABELS, accuracy_histogram, coverage
from neurips25.rlvr_passk.stats import compare, crossover_k, curve


def planted(n: int = 256, frac: float = 0.3, problems: int = 200):
    """RL solves a fixed 30% of problems always (flat curve at 0.3); base solves each problem
    with c = 1 of n, so base pass@k = k / n exactly: the curves cross at k* = ceil(0.3 n)."""
    solved = int(frac * problems)
    rl_c = np.array([n] * solved + [0] * (problems - solved))
    base_c = np.ones(problems, dtype=int)
    return np.full(problems, n), base_c, rl_c


def test_crossover_planted():
    n, base_c, rl_c = planted()
    comp = compare(n, base_c, n, rl_c, n_boot=200, seed=1)
    assert comp.k_star == int(np.ceil(0.3 * 256))  # 77: first k with k/256 >= 0.3
    assert comp.diff.at(1) == pytest.approx(0.3 - 1 / 256)
    assert comp.diff.at(256) == pytest.approx(0.3 - 1.0)
    s = comp.summary()
    assert s["efficiency_gap"] == pytest.approx(1.0 - 0.3)
    lo, med, hi = s["k_star_boot_q025_q50_q975"]
    assert lo <= 77 <= hi  # bootstrap spread covers the planted k*


def test_crossover_k_rules():
    assert crossover_k(np.array([0.1, 0.05, 0.0, -0.1])) == 3
    assert crossover_k(np.array([0.1, 0.05])) is None  # RL wins everywhere
    assert crossover_k(np.array([-0.1, 0.2])) is None  # RL does not win at k = 1


def test_bootstrap_seed_deterministic():
    rng = np.random.default_rng(0)
    n = np.full(50, 32)
    c = rng.integers(0, 33, 50)
    a, b, other = (
        curve(n, c, n_boot=300, seed=7),
        curve(n, c, n_boot=300, seed=7),
        curve(n, c, n_boot=300, seed=8),
    )
    assert np.array_equal(a.lo, b.lo) and np.array_equal(a.hi, b.hi)
    assert not np.array_equal(a.lo, other.lo)
    assert np.all(a.lo <= a.mean + 1e-12) and np.all(a.mean <= a.hi + 1e-12)


def test_paired_ci_tighter_than_unpaired():
    """Correlated models: the paired CI of the difference is narrower than the marginal CIs."""
    rng = np.random.default_rng(3)
    n = np.full(300, 64)
    base_c = rng.integers(0, 65, 300)
    rl_c = np.clip(base_c + rng.integers(0, 5, 300), 0, 64)
    comp = compare(n, base_c, n, rl_c, n_boot=500, seed=0)
    assert (comp.diff.hi[0] - comp.diff.lo[0]) < 0.5 * (comp.base.hi[0] - comp.base.lo[0])
    assert comp.diff.lo[0] > 0


def test_k_max_checked():
    with pytest.raises(ValueError):
        curve(np.array([4, 8]), np.array([1, 1]), k_max=5)


def test_coverage_and_histogram():
    ids = ["a", "b", "c", "d"]
    cov = coverage(ids, np.array([1, 0, 3, 0]), np.array([2, 1, 0, 0]))
    assert cov.counts() == {"both": 1, "base_only": 1, "rl_only": 1, "neither": 1}
    assert cov.rl_only == ["b"] and cov.rl_subset_fraction == 0.5
    h = accuracy_histogram(np.full(6, 10), np.array([0, 1, 5, 9, 10, 10]))
    assert len(h) == len(HIST_LABELS) and h.sum() == 6
    assert h[0] == 1 and h[1] == 1 and h[5] == 1 and h[9] == 1 and h[-1] == 2
