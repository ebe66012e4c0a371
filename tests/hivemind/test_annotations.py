"""Rating statistics against scipy and closed forms."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from neurips25.hivemind import annotations as A


@pytest.mark.parametrize("k", [2, 3, 5])
def test_entropy_of_uniform_labels_is_log2_k(k):
    assert A.label_entropy(list(range(k)) * 5, classes=range(k)) == pytest.approx(math.log2(k))
    assert A.label_entropy([3] * 25) == 0.0


def test_entropy_rejects_unknown_labels():
    with pytest.raises(ValueError, match="not among the classes"):
        A.label_entropy([1, 2, 9], classes=[1, 2, 3, 4, 5])


def test_pairwise_disagreement_brute_force():
    labels = [1, 1, 2, 3, 3, 3]
    pairs = [(i, j) for i in range(6) for j in range(6) if i != j]
    ref = sum(labels[i] != labels[j] for i, j in pairs) / len(pairs)
    assert A.pairwise_disagreement(labels) == pytest.approx(ref)
    assert A.pairwise_disagreement([4] * 10) == 0.0


@pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")
@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=3, max_size=40))
def test_spearman_equals_scipy_with_ties(pairs):
    x, y = [p[0] for p in pairs], [p[1] for p in pairs]
    ours = A.spearman(x, y)
    ref = spearmanr(x, y).statistic
    if np.isnan(ref):
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(ref, abs=1e-12)


def test_tukey_mask_brute_force():
    s = np.array([1.0, 2.0, 2.5, 3.0, 3.2, 3.4, 9.0, -5.0])
    q1, q3 = np.percentile(s, 25), np.percentile(s, 75)
    for k in (0.0, 0.5, 1.5):
        ref = [(q1 - k * (q3 - q1)) <= v <= (q3 + k * (q3 - q1)) for v in s]
        assert A.tukey_mask(s, k).tolist() == ref


def test_subset_null_sees_range_restriction():
    rng = np.random.default_rng(0)
    human = rng.normal(size=400)
    scorer = human + rng.normal(scale=0.7, size=400)
    tight = A.tukey_mask(human, k=-0.25)  # the middle of the distribution only
    out = A.subset_spearman_null(scorer, human, tight, draws=200)
    assert out["subset"] < out["full"]  # similar quality items are harder to rank...
    assert out["null_mean"] == pytest.approx(out["full"], abs=0.08)  # ...random subsets are not
    assert out["p_lower"] < 0.05
    with pytest.raises(ValueError, match="too small"):
        A.subset_spearman_null(scorer, human, np.zeros(400, bool))
