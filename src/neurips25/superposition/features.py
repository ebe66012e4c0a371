"""Sparse feature data of the toy model (Liu, Liu & Gore 2025, Sec. 2).

Feature i is active with probability p_i and then takes a value drawn from U(0, 2):
x_i = Bernoulli(p_i) * U(0, 2), so E[x_i] = p_i and E[x_i^2] = 4 p_i / 3. The p_i are
normalised to sum to 1 (one active feature per sample on average), as in the paper.
"""
from __future__ import annotations

import numpy as np
import torch

PROFILES = ("power", "exponential", "linear")


def feature_probs(n: int, profile: str = "power", alpha: float = 1.2,
                  rate: float = 8.0) -> np.ndarray:
    """Feature frequencies p_1 >= ... >= p_n summing to 1.

    power:        p_i ∝ i^-alpha (the paper's main setting, alpha = 1.2 in Fig. 1)
    exponential:  p_i ∝ exp(-rate * i / n)
    linear:       p_i ∝ n + 1 - i
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    i = np.arange(1, n + 1, dtype=np.float64)
    if profile == "power":
        if alpha <= 0:
            raise ValueError(f"alpha must be > 0, got {alpha}")
        w = i**-alpha
    elif profile == "exponential":
        w = np.exp(-rate * i / n)
    elif profile == "linear":
        w = n + 1 - i
    else:
        raise ValueError(f"unknown profile {profile!r}; choose from {', '.join(PROFILES)}")
    return w / w.sum()


def sample_features(
    probs: torch.Tensor, batch: int, generator: torch.Generator | None = None
) -> torch.Tensor:
    """A (batch, n) float32 sample with x_i = Bernoulli(p_i) * U(0, 2).

    One uniform u per entry does both draws: the feature is active when u < p_i, and
    given that, u / p_i is again U(0, 1), so the value is 2 u / p_i. Exact, and half the
    random numbers of drawing the two separately (sampling dominates a training step).
    """
    n = probs.shape[0]
    u = torch.rand(batch, n, generator=generator, device=probs.device)
    return torch.where(u < probs, u * (2.0 / probs), torch.zeros((), dtype=u.dtype))
