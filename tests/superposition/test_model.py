import numpy as np
import pytest
import torch

from neurips25.superposition import (
    ToyModel,
    decay_step,
    feature_probs,
    sample_features,
    summed_loss,
)


@pytest.mark.parametrize("gamma", [-1.0, -0.3])
def test_negative_decay_is_gradient_step_on_row_norm_penalty(gamma):
    torch.manual_seed(0)
    W = torch.randn(20, 5, dtype=torch.float64)
    lr = 0.05
    Wg = W.clone().requires_grad_(True)
    penalty = 0.5 * abs(gamma) * ((Wg.norm(dim=1) - 1) ** 2).sum()
    penalty.backward()
    expected = W - lr * Wg.grad
    got = W.clone()
    decay_step(got, lr, gamma)
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0])
def test_positive_decay_scales_weights(gamma):
    W = torch.randn(7, 3)
    got = W.clone()
    decay_step(got, 0.1, gamma)
    torch.testing.assert_close(got, (1 - 0.1 * gamma) * W)


def test_negative_decay_pulls_row_norms_to_one():
    W = torch.randn(50, 4) * 3
    for _ in range(500):
        decay_step(W, 0.05, -1.0)
    torch.testing.assert_close(W.norm(dim=1), torch.ones(50), atol=1e-4, rtol=0)


@pytest.mark.parametrize("profile", ["power", "exponential", "linear"])
def test_probs_normalised_and_decreasing(profile):
    p = feature_probs(100, profile)
    assert p.sum() == pytest.approx(1.0)
    assert np.all(np.diff(p) <= 0)
    assert np.all(p > 0)


def test_power_profile_ratio():
    p = feature_probs(10, "power", alpha=1.5)
    assert p[0] / p[3] == pytest.approx(4**1.5)


def test_bad_profile_and_sizes():
    with pytest.raises(ValueError, match="unknown profile"):
        feature_probs(10, "zipfish")
    with pytest.raises(ValueError):
        feature_probs(0)
    with pytest.raises(ValueError):
        ToyModel(4, 8)
    with pytest.raises(ValueError, match="features"):
        ToyModel(8, 2)(torch.zeros(3, 5))


def test_sampler_moments():
    p = torch.tensor(feature_probs(8, "power", alpha=0.8), dtype=torch.float32)
    gen = torch.Generator().manual_seed(1)
    x = sample_features(p, 400_000, gen).double()
    # standard errors: sqrt(var/N) with var <= E[x^2] <= 4/3
    se = (4 / 3 / 400_000) ** 0.5
    torch.testing.assert_close(x.mean(0), p.double(), atol=5 * se, rtol=0)
    torch.testing.assert_close((x**2).mean(0), 4 * p.double() / 3, atol=10 * se, rtol=0)
    assert x.min() >= 0 and x.max() <= 2
    # values given active are uniform on (0, 2): mean 1
    active = x[x > 0]
    assert active.mean().item() == pytest.approx(1.0, abs=0.01)


def test_loss_at_zero_weights_is_four_thirds_sum_p():
    p = torch.tensor(feature_probs(16, "linear"), dtype=torch.float32)
    model = ToyModel(16, 4)
    with torch.no_grad():
        model.W.zero_()
    x = sample_features(p, 300_000, torch.Generator().manual_seed(2))
    loss = summed_loss(model(x), x).item()
    assert loss == pytest.approx(4 / 3 * float(p.sum()), rel=0.02)
