"""Metrics against brute-force loops and reference formulas."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurips25.hivemind import metrics as M


def _brute_cos(x, y):
    out = np.zeros((len(x), len(y)))
    for i, a in enumerate(x):
        for j, b in enumerate(y):
            na, nb = math.sqrt(sum(v * v for v in a)), math.sqrt(sum(v * v for v in b))
            out[i, j] = sum(p * q for p, q in zip(a, b, strict=True)) / (na * nb)
    return out


def test_cosine_matrix_equals_brute_force_and_is_invariant():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(7, 5)), rng.normal(size=(4, 5))
    np.testing.assert_allclose(M.cosine_matrix(x, y), _brute_cos(x, y), atol=1e-12)
    np.testing.assert_allclose(M.cosine_matrix(x), _brute_cos(x, x), atol=1e-12)
    scale = rng.uniform(0.1, 10, size=(7, 1))
    np.testing.assert_allclose(M.cosine_matrix(x * scale, y), M.cosine_matrix(x, y), atol=1e-12)
    perm = rng.permutation(7)
    np.testing.assert_allclose(M.cosine_matrix(x[perm], y), M.cosine_matrix(x, y)[perm], atol=1e-12)
    # the mean pairwise similarity of a pool does not depend on its order
    assert M.mean_pairwise_cosine(x[perm]) == pytest.approx(M.mean_pairwise_cosine(x))


def test_mean_pairwise_equals_loop():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 3))
    c = _brute_cos(x, x)
    pairs = [c[i, j] for i in range(6) for j in range(6) if i != j]
    assert M.mean_pairwise_cosine(x) == pytest.approx(np.mean(pairs))
    assert math.isnan(M.mean_pairwise_cosine(x[:1]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-0.5, 1.5, allow_nan=False), min_size=1, max_size=60), st.integers(1, 12))
def test_histogram_equals_numpy(values, bins):
    counts, edges = M.similarity_histogram(values, bins)
    ref, ref_edges = np.histogram(np.clip(values, 0, 1), bins=bins, range=(0, 1))
    np.testing.assert_array_equal(counts, ref)
    np.testing.assert_allclose(edges, ref_edges)
    assert counts.sum() == len(values)  # out-of-range values are clipped in, never dropped


def test_share_above_is_strict():
    assert M.share_above([0.8, 0.81, 0.5, 0.9], 0.8) == 0.5


def test_intra_and_inter_equal_loops():
    rng = np.random.default_rng(2)
    models = ["a"] * 6 + ["b"] * 6
    prompts = ["p", "q", "p", "q", "p", "q"] * 2
    emb = rng.normal(size=(12, 4))
    c = _brute_cos(emb, emb)
    intra = M.intra_model_similarity(emb, models, prompts)
    for (m, p), v in intra.items():
        idx = [i for i in range(12) if models[i] == m and prompts[i] == p]
        ref = np.mean([c[i, j] for i in idx for j in idx if i != j])
        assert v == pytest.approx(ref)
    names, mat = M.inter_model_matrix(emb, models, prompts)
    assert names == ["a", "b"]
    ref_ab = np.mean(
        [
            np.mean(
                [
                    c[i, j]
                    for i in range(12)
                    for j in range(12)
                    if models[i] == "a" and models[j] == "b" and prompts[i] == p == prompts[j]
                ]
            )
            for p in ("p", "q")
        ]
    )
    assert mat[0, 1] == pytest.approx(ref_ab) and mat[1, 0] == pytest.approx(ref_ab)
    assert mat[0, 0] == pytest.approx(np.mean([intra[("a", "p")], intra[("a", "q")]]))


def test_unrelated_floor_uses_only_cross_prompt_pairs():
    emb = np.array([[1.0, 0], [1.0, 0], [0, 1.0], [0, 1.0]])
    assert M.unrelated_floor(emb, ["p", "p", "q", "q"]) == pytest.approx(0.0)
    emb2 = np.array([[1.0, 0], [0, 1.0], [1.0, 0], [0, 1.0]])
    assert M.unrelated_floor(emb2, ["p", "p", "q", "q"]) == pytest.approx(0.5)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_unique_models_is_one_for_disjoint_pools(n):
    # 3 models x R=4 responses, each model in its own orthogonal direction
    rng = np.random.default_rng(3)
    emb, models = [], []
    for m in range(3):
        base = np.eye(3)[m] * 10
        for _ in range(4):
            emb.append(base + rng.normal(scale=0.1, size=3))
            models.append(f"m{m}")
    out = M.unique_models_at_n(np.array(emb), models, ["p"] * 12, n)  # n <= R - 1 = 3
    assert (out == 1).all()


def test_unique_models_hivemind_reaches_model_count():
    emb = np.ones((8, 3))  # every answer identical: neighbours from everywhere
    models = [f"m{i % 4}" for i in range(8)]
    out = M.unique_models_at_n(emb, models, ["p"] * 8, 7)
    assert (out == 4).all()
    with pytest.raises(ValueError):
        M.unique_models_at_n(emb, models, ["p"] * 8, 0)


def test_vendi_reference_values():
    assert M.vendi_score(np.eye(5)) == pytest.approx(5.0)
    assert M.vendi_score(np.ones((5, 5))) == pytest.approx(1.0)
    # two identical + one different item: eigenvalues of K/n are 2/3 and 1/3
    k = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1.0]])
    assert M.vendi_score(k) == pytest.approx(
        math.exp(-(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)))
    )
    assert M.vendi_score(k, q=np.inf) == pytest.approx(1.5)
    assert M.vendi_score(k, q=2) == pytest.approx(1 / ((2 / 3) ** 2 + (1 / 3) ** 2))
    with pytest.raises(ValueError):
        M.vendi_score(np.ones((2, 3)))


@pytest.mark.parametrize("q", [0.5, 1.0, 2.0, np.inf])
def test_vendi_dual_equals_primal(q):
    rng = np.random.default_rng(4)
    for shape in ((30, 6), (6, 30)):  # the d x d dual, and the n x n kernel itself
        x = rng.normal(size=shape)
        k = M.cosine_matrix(x)
        assert M.vendi_score_embeddings(x, q) == pytest.approx(M.vendi_score(k, q), rel=1e-9)


def test_distinct_n_equals_brute_force():
    texts = ["the cat sat", "the cat ran", "a dog sat"]
    grams = [
        ("the", "cat"),
        ("cat", "sat"),
        ("the", "cat"),
        ("cat", "ran"),
        ("a", "dog"),
        ("dog", "sat"),
    ]
    assert M.distinct_n(texts, 2) == pytest.approx(len(set(grams)) / len(grams))
    assert M.distinct_n(texts, 1) == pytest.approx(6 / 9)  # the cat sat ran a dog
    assert math.isnan(M.distinct_n(["one"], 2))


def test_compression_ratio_rises_with_repetition():
    rng = np.random.default_rng(5)
    varied = ["".join(rng.choice(list("abcdefghij"), 40)) for _ in range(20)]
    repeated = [varied[0]] * 20
    assert M.compression_ratio(repeated) > 3 * M.compression_ratio(varied)
    assert M.compression_ratio(varied) == M.compression_ratio(list(varied))  # deterministic


def test_random_baseline_matches_simulation():
    models = ["a"] * 5 + ["b"] * 3 + ["c"] * 2
    exp = M.unique_models_random_baseline(models, ["p"] * 10, 3)
    rng = np.random.default_rng(0)
    sims = []
    for _ in range(4000):
        others = [m for j, m in enumerate(models) if j != 0]
        sims.append(len(set(rng.choice(others, 3, replace=False))))
    assert exp[0] == pytest.approx(np.mean(sims), abs=0.03)
    # a pool of identical answers, ties broken at random, lands on the same ceiling
    emb = np.ones((10, 2))
    obs = np.mean(
        [M.unique_models_at_n(emb, models, ["p"] * 10, 3, seed=s).mean() for s in range(200)]
    )
    assert obs == pytest.approx(exp.mean(), abs=0.05)


def _unique_models_loop(emb, models, prompts, n, seed=0):
    """The row-by-row reference: one lexsort and one tie-break draw per response."""
    m_arr, x = np.asarray(models), M.l2_normalize(emb)
    rng = np.random.default_rng(seed)
    out = np.zeros(len(m_arr), dtype=np.int64)
    for idx in M.group_indices(prompts).values():
        s = np.round(x[idx] @ x[idx].T, 9)
        np.fill_diagonal(s, -np.inf)
        k = min(n, len(idx) - 1)
        if k < 1:
            continue
        for row, i in enumerate(idx):
            order = np.lexsort((rng.random(len(idx)), -s[row]))[:k]
            out[i] = len(set(m_arr[idx[order]]))
    return out


def test_unique_models_equals_row_by_row_loop_with_ties():
    """The vectorised search draws the same tie-breaks and finds the same neighbours."""
    rng = np.random.default_rng(3)
    for trial in range(12):
        size = int(rng.integers(1, 90))
        base = rng.normal(size=(5, 8))
        emb = base[rng.integers(0, 5, size)]  # exact duplicates: many ties
        if trial % 2:
            emb = emb + 0.05 * rng.normal(size=emb.shape)
        models = [f"m{j}" for j in rng.integers(0, 4, size)]
        prompts = [f"p{j}" for j in rng.integers(0, 3, size)]
        for n in (1, 3, 5):
            np.testing.assert_array_equal(M.unique_models_at_n(emb, models, prompts, n, trial),
                                          _unique_models_loop(emb, models, prompts, n, trial))
