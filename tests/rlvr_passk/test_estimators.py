"""pass@k estimators against exact rational arithmetic, a hand-written human-eval reference,
and Monte-Carlo sampling."""
from fractions import Fraction
from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurips25.rlvr_passk import (
    majority_at_k,
    mean_pass_at_k,
    pass_at_k,
    pass_at_k_curve,
    pass_at_k_plugin,
)


def exact(n: int, c: int, k: int) -> Fraction:
    return 1 - Fraction(comb(n - c, k), comb(n, k))


def humaneval_reference(n: int, c: int, k: int) -> float:
    """The human-eval formula, written out independently: 1 - prod(1 - k / j), j = n-c+1..n."""
    if n - c < k:
        return 1.0
    prod = 1.0
    for j in range(n - c + 1, n + 1):
        prod *= 1.0 - k / j
    return 1.0 - prod


def test_matches_fraction_grid():
    for n in (1, 2, 5, 13, 40):
        curve = pass_at_k_curve([n] * (n + 1), list(range(n + 1)))
        for c in range(n + 1):
            for k in range(1, n + 1):
                assert curve[c, k - 1] == pytest.approx(float(exact(n, c, k)), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 300).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(1, n))
    )
)
def test_matches_humaneval_reference(nck):
    n, c, k = nck
    assert pass_at_k(n, c, k) == pytest.approx(humaneval_reference(n, c, k), abs=1e-10)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))))
def test_invariants(nc):
    n, c = nc
    curve = pass_at_k_curve([n], [c])[0]
    assert curve[0] == pytest.approx(c / n)  # k = 1 is the sample accuracy
    assert np.all(np.diff(curve) >= -1e-12)  # monotone in k
    assert np.all((curve >= 0) & (curve <= 1))
    if c == 0:
        assert np.all(curve == 0)
    if c == n:
        assert np.all(curve == 1)


def test_k_greater_than_n_raises():
    with pytest.raises(ValueError, match="exceeds n"):
        pass_at_k(10, 3, 11)
    with pytest.raises(ValueError, match="exceeds n"):
        pass_at_k([20, 10], [1, 1], 15)  # the second problem has only 10 samples
    with pytest.raises(ValueError):
        pass_at_k(10, 11, 1)  # c > n
    with pytest.raises(ValueError):
        pass_at_k(10, 3, 0)


def test_different_n_per_problem_and_nan_beyond_n():
    curve = pass_at_k_curve([4, 8], [1, 2])
    assert curve.shape == (2, 8)
    assert np.isnan(curve[0, 4:]).all() and not np.isnan(curve[1]).any()
    assert curve[0, 1] == pytest.approx(float(exact(4, 1, 2)))
    assert pass_at_k(8, 2, [1, 8]).tolist() == pytest.approx([0.25, 1.0])


def test_large_n_no_overflow():
    with pytest.raises(OverflowError):
        float(comb(4000, 2000))  # why the product form is needed
    curve = pass_at_k_curve([4000, 4000], [1, 2000])
    assert np.isfinite(curve).all()
    assert curve[0, 99] == pytest.approx(100 / 4000)  # c = 1: pass@k = k / n exactly
    assert curve[1, 1] == pytest.approx(float(exact(4000, 2000, 2)), abs=1e-12)
    assert curve[1, -1] == 1.0


def test_unbiased_where_plugin_is_biased():
    """E[unbiased estimate] over draws of n samples equals the true 1 - (1-p)^k; plug-in is low."""
    rng = np.random.default_rng(0)
    p, n, k, trials = 0.1, 20, 10, 40_000
    c = rng.binomial(n, p, size=trials)
    truth = 1 - (1 - p) ** k
    unbiased = pass_at_k(np.full(trials, n), c, k).mean()
    plugin = pass_at_k_plugin(np.full(trials, n), c, k).mean()
    se = pass_at_k(np.full(trials, n), c, k).std() / np.sqrt(trials)
    assert abs(unbiased - truth) < 4 * se
    assert plugin < truth - 10 * se  # Jensen: the plug-in underestimates


def test_mean_pass_at_k():
    m = mean_pass_at_k([10, 10], [0, 10])
    assert m.shape == (10,) and np.allclose(m, 0.5)
    with pytest.raises(ValueError):
        mean_pass_at_k([10, 5], [1, 1], k_max=6)


def test_majority_at_k():
    answers = ["7", "7", "7", "3", "5"]
    correct = [True, True, True, False, False]
    assert majority_at_k(answers, correct, 5) == 1.0
    assert majority_at_k(answers, [not x for x in correct], 5) == 0.0
    # k = 1: majority of one sample is that sample, so majority@1 = accuracy (Monte Carlo)
    assert majority_at_k(answers, correct, 1, np.random.default_rng(0), 4000) == pytest.approx(
        0.6, abs=0.03
    )
    # an even tie splits the credit
    assert majority_at_k(["a", "b"], [True, False], 2) == 0.5
    with pytest.raises(ValueError):
        majority_at_k(answers, correct, 6)


def test_majority_at_k_matches_subset_enumeration():
    """Monte Carlo majority@k agrees with the exact average over all k-subsets."""
    from collections import Counter
    from itertools import combinations

    answers = ["a", "a", "b", "c", "b", "a", "d"]
    correct = [a == "b" for a in answers]
    for k in (2, 3, 4):
        scores = []
        for sub in combinations(range(len(answers)), k):
            cnt = Counter(answers[i] for i in sub)
            top = max(cnt.values())
            tied = [a for a, m in cnt.items() if m == top]
            scores.append(sum(a == "b" for a in tied) / len(tied))
        exact_value = float(np.mean(scores))
        mc = majority_at_k(answers, correct, k, np.random.default_rng(k), draws=20_000)
        assert mc == pytest.approx(exact_value, abs=0.015)
