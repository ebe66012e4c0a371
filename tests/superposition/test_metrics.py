import math

import numpy as np
import pytest
import torch

from neurips25.superposition import fit_power_law, unembedding_overlap, unlearned_loss, welch_bound
from neurips25.superposition.metrics import overlap_stats, represented_fraction


def dense_overlaps(W: np.ndarray) -> tuple[float, float]:
    U = W / np.linalg.norm(W, axis=1, keepdims=True)
    G = U @ U.T
    off = G[~np.eye(len(U), dtype=bool)]
    return float((off**2).mean()), float(np.abs(off).mean())


def test_blocked_overlap_equals_dense():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(1000, 24))
    sq, ab = dense_overlaps(W)
    got = unembedding_overlap(W, block_size=97)
    assert got["mean_sq_overlap"] == pytest.approx(sq, rel=1e-10)
    assert got["mean_abs_overlap"] == pytest.approx(ab, rel=1e-10)
    assert got["welch_bound"] == pytest.approx(welch_bound(1000, 24))
    assert got["mean_sq_overlap"] >= got["welch_bound"]


def test_abs_overlap_subsample_is_close():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(3000, 16))
    exact = unembedding_overlap(W)["mean_abs_overlap"]
    sub = unembedding_overlap(W, abs_max_rows=800, seed=3)
    assert sub["abs_rows"] == 800
    assert sub["mean_abs_overlap"] == pytest.approx(exact, rel=0.05)


def test_simplex_meets_welch_bound():
    # m+1 vectors of a regular simplex in m dims: every overlap is -1/m, the Welch bound.
    m = 6
    E = np.eye(m + 1) - 1.0 / (m + 1)
    U, S, _ = np.linalg.svd(E)
    V = U[:, :m] * S[:m]
    got = unembedding_overlap(V)["mean_sq_overlap"]
    assert got == pytest.approx(welch_bound(m + 1, m), rel=1e-9)
    assert got == pytest.approx(1 / m**2, rel=1e-9)


def test_overlap_rejects_bad_shapes():
    with pytest.raises(ValueError, match="2-D"):
        unembedding_overlap(np.zeros(5))
    with pytest.raises(ValueError, match="2 rows"):
        unembedding_overlap(np.ones((1, 3)))


def test_represented_and_unlearned():
    W = torch.tensor([[1.0, 0.0], [0.0, 0.4], [0.0, 0.7], [0.0, 0.0]])
    assert represented_fraction(W) == 0.5
    p = np.array([0.4, 0.3, 0.2, 0.1])
    rep = np.array([True, False, True, False])
    assert unlearned_loss(p, rep) == pytest.approx(4 / 3 * 0.4)
    stats = overlap_stats(W)
    assert stats["rows"] == 2 and stats["mean_sq_overlap"] == pytest.approx(0.0)
    assert math.isnan(overlap_stats(W[3:])["mean_sq_overlap"])


def test_power_law_fit_recovers_planted_exponent():
    rng = np.random.default_rng(0)
    m = np.array([4, 8, 16, 32, 64, 128], dtype=float)
    y = 3.0 * m**-0.73 * np.exp(rng.normal(scale=0.01, size=m.size))
    fit = fit_power_law(m, y)
    assert fit.exponent == pytest.approx(0.73, abs=0.02)
    assert fit.prefactor == pytest.approx(3.0, rel=0.05)
    assert fit.r2 > 0.999
    assert fit.predict(10.0) == pytest.approx(3.0 * 10**-0.73, rel=0.05)


def test_power_law_fit_bad_input():
    with pytest.raises(ValueError):
        fit_power_law(np.array([1.0]), np.array([1.0]))
    with pytest.raises(ValueError, match="positive"):
        fit_power_law(np.array([1.0, 2.0]), np.array([1.0, -1.0]))


def test_welch_bound_edges():
    assert welch_bound(4, 4) == 0.0
    assert welch_bound(1000, 10) == pytest.approx(990 / (10 * 999))
