import numpy as np
import pytest
import torch

from neurips25.diffusion_memorization.data import load_digits_split
from neurips25.diffusion_memorization.features import FeatureFrechet, train_digit_features
from neurips25.diffusion_memorization.metrics import (
    bootstrap_mean_ci,
    frechet_distance,
    frechet_from_stats,
    memorization_fraction,
    nn_distance_ratios,
)


def test_training_points_are_memorized_even_with_duplicates():
    rng = np.random.default_rng(0)
    train = rng.normal(size=(50, 8))
    train[1] = train[0]  # a duplicate: d2 = 0 for that point
    score = memorization_fraction(train[::2], train)
    assert score.fraction == 1.0 and score.lo == 1.0


def test_heldout_digits_are_not_memorized():
    split = load_digits_split()
    score = memorization_fraction(split.held_out, split.subset(128))
    assert score.fraction <= 0.02


def test_ratios_match_brute_force():
    rng = np.random.default_rng(1)
    s, tr = rng.normal(size=(30, 5)), rng.normal(size=(40, 5))
    d = np.linalg.norm(s[:, None] - tr[None], axis=-1)
    d.sort(axis=1)
    np.testing.assert_allclose(nn_distance_ratios(s, tr, chunk=7), d[:, 0] / d[:, 1], rtol=1e-12)


@pytest.mark.parametrize("d", [2, 3, 4])
def test_poisson_invariant_k_to_the_d(d):
    """For a Poisson cloud (d1/d2)^d ~ U(0,1), so P(d1/d2 < k) = k^d (the rule's false
    positives)."""
    rng = np.random.default_rng(d)
    train = rng.uniform(size=(8_000, d))
    queries = rng.uniform(0.3, 0.7, size=(3_000, d))  # far from the cube's faces (d2 < 0.15)
    k = 1 / 3
    got = memorization_fraction(queries, train, k=k, n_boot=10).fraction
    se = np.sqrt(k**d * (1 - k**d) / len(queries))
    assert abs(got - k**d) < 4 * se


def test_bootstrap_ci_brackets_and_matches_binomial_width():
    flags = (np.random.default_rng(0).uniform(size=2000) < 0.3).astype(float)
    lo, hi = bootstrap_mean_ci(flags, n_boot=2000)
    assert lo < flags.mean() < hi
    half = 1.96 * np.sqrt(0.3 * 0.7 / 2000)
    assert abs((hi - lo) / 2 - half) < 0.2 * half


def test_frechet_matches_1d_closed_form_and_zero_on_self():
    # 1-D Gaussians: FD = (m1-m2)^2 + (s1-s2)^2
    assert frechet_from_stats(
        np.array([1.0]), np.array([[4.0]]), np.array([-1.0]), np.array([[1.0]])
    ) == pytest.approx(4 + 1)
    x = np.random.default_rng(0).normal(size=(500, 6))
    assert frechet_distance(x, x) == pytest.approx(0, abs=1e-8)


def test_frechet_matches_scipy_sqrtm():
    from scipy.linalg import sqrtm

    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    c1, c2 = a @ a.T, b @ b.T
    m1, m2 = rng.normal(size=5), rng.normal(size=5)
    ref = ((m1 - m2) ** 2).sum() + np.trace(c1 + c2 - 2 * sqrtm(c1 @ c2).real)
    assert frechet_from_stats(m1, c1, m2, c2) == pytest.approx(ref, rel=1e-8)


def test_feature_frechet_ranks_digits_above_noise():
    split = load_digits_split()
    net = train_digit_features(split.held_out, split.held_labels, steps=200)
    assert net.accuracy > 0.85
    fd = FeatureFrechet(split.held_out[:300], net)
    real = fd(split.train_pool[:300])
    noise = fd(torch.rand(300, 64) * 2 - 1)
    assert real < 0.2 * noise


@pytest.mark.parametrize(
    "samples,train,kw,msg",
    [
        (np.zeros((3, 4)), np.zeros((5, 3)), {}, "dimension"),
        (np.zeros((3, 4)), np.zeros((1, 4)), {}, "at least 2"),
        (np.full((3, 4), np.nan), np.zeros((5, 4)), {}, "NaN"),
        (np.zeros((3, 4)), np.ones((5, 4)), {"k": 1.5}, "k must be"),
        (np.zeros((0, 4)), np.ones((5, 4)), {}, "empty"),
    ],
)
def test_bad_input_is_a_clear_error(samples, train, kw, msg):
    with pytest.raises(ValueError, match=msg):
        memorization_fraction(samples, train, **kw)
