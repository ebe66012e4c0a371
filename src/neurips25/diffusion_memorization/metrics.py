"""Memorization and quality measures used by the paper (arXiv 2505.17638, Sec. 3).

A sample counts as memorized when its nearest training point is much closer than the
second nearest: d1/d2 < k with k = 1/3 (the paper's criterion, after Yoon et al. 2023).
For a Poisson cloud in d dimensions P(d1/d2 < k) = k^d, so in low intrinsic dimension the
rule has false positives: always compare with real held-out data scored the same way.
Generalization quality is a Frechet distance between Gaussian fits of two sets of
features (pixels, or a small classifier the project trains: no Inception weights offline).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

ArrayLike = np.ndarray | torch.Tensor


def _as_2d(x: ArrayLike, name: str) -> np.ndarray:
    a = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    if a.ndim == 0 or len(a) == 0 or a.size == 0:
        raise ValueError(f"{name} is empty")
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {a.dtype}")
    a = a.reshape(len(a), -1).astype(np.float64, copy=False)  # no copy for float64 input
    if not np.isfinite(a).all():
        raise ValueError(f"{name} contains NaN or inf")
    return a


def _top2(s: torch.Tensor, tr: torch.Tensor, block: int) -> torch.Tensor:
    """The two smallest distances from each row of ``s`` to ``tr``, over blocks of ``tr``."""
    best = None
    for j in range(0, len(tr), block):
        d = torch.cdist(s, tr[j:j + block])
        two = torch.topk(d, min(2, d.shape[1]), dim=1, largest=False).values
        best = two if best is None else torch.topk(torch.cat([best, two], 1), 2, dim=1,
                                                   largest=False).values
    return best


def nn_distance_ratios(samples: ArrayLike, train: ArrayLike, chunk: int | None = None,
                       max_block: int = 2**22) -> np.ndarray:
    """d1/d2 per sample: L2 distance to the nearest over the second-nearest training point.

    A sample equal to a training point has ratio 0 even if that point is duplicated.
    Memory is bounded: ``chunk`` samples (default: as many as fit ``max_block`` distances,
    at least 2048) against blocks of ``max_block / chunk`` training points at a time, so
    neither 1.5M samples nor a 1.5M-point training set builds a huge distance matrix."""
    s, tr = _as_2d(samples, "samples"), _as_2d(train, "train")
    if len(tr) < 2:
        raise ValueError("need at least 2 training points for the d1/d2 ratio")
    if s.shape[1] != tr.shape[1]:
        raise ValueError(f"samples have dimension {s.shape[1]}, train has {tr.shape[1]}")
    tr_t = torch.from_numpy(tr)
    chunk = chunk or max(2048, max_block // len(tr))
    block = max(2, max_block // chunk)
    out = np.empty(len(s))
    for i in range(0, len(s), chunk):
        two = _top2(torch.from_numpy(s[i:i + chunk]), tr_t, block).numpy()
        d1, d2 = two[:, 0], two[:, 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[i:i + chunk] = np.where(d1 == 0, 0.0, d1 / d2)
    return out


@dataclass(frozen=True)
class MemorizationScore:
    """Share of memorized samples with a percentile-bootstrap confidence interval."""

    fraction: float
    lo: float
    hi: float
    n_samples: int
    k: float

    def as_dict(self) -> dict[str, float]:
        return {"f_mem": self.fraction, "lo": self.lo, "hi": self.hi}


EXACT_BOOT_LIMIT = 2**24  # n_boot x N index draws made in one call (134 MB); above: streamed


def _resampled_means(values: np.ndarray, n_boot: int, rng: np.random.Generator,
                     block: int = 2**22) -> np.ndarray:
    """Means of ``n_boot`` resamples with replacement, in bounded memory."""
    n = len(values)
    if n * n_boot <= EXACT_BOOT_LIMIT:  # one draw, as always (same numbers as before)
        return values[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
    if np.isin(values, (0.0, 1.0)).all():
        # the mean of n draws with replacement from 0/1 data is Binomial(n, p) / n exactly
        return rng.binomial(n, values.mean(), size=n_boot) / n
    rows = max(1, block // n)
    return np.concatenate([values[rng.integers(0, n, size=(min(rows, n_boot - i), n))].mean(1)
                           for i in range(0, n_boot, rows)])


def bootstrap_mean_ci(flags: np.ndarray, n_boot: int = 1000, level: float = 0.95,
                      seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap CI of the mean of ``flags`` (resampling samples with replacement).

    Memory stays bounded for any N: small problems draw all indices at once; large ones
    use the exact binomial law of a resampled 0/1 mean, or stream the resamples in blocks."""
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    flags = np.asarray(flags, dtype=np.float64)
    means = _resampled_means(flags, n_boot, np.random.default_rng(seed))
    a = (1 - level) / 2
    return float(np.quantile(means, a)), float(np.quantile(means, 1 - a))


def memorization_fraction(samples: ArrayLike, train: ArrayLike, k: float = 1 / 3,
                          n_boot: int = 1000, level: float = 0.95,
                          seed: int = 0) -> MemorizationScore:
    """f_mem = P(d1/d2 < k) over ``samples`` with a bootstrap CI (paper Sec. 3, k = 1/3)."""
    if not 0 < k < 1:
        raise ValueError(f"k must be in (0, 1), got {k}")
    flags = (nn_distance_ratios(samples, train) < k).astype(np.float64)
    lo, hi = bootstrap_mean_ci(flags, n_boot, level, seed)
    return MemorizationScore(float(flags.mean()), lo, hi, len(flags), k)


def heldout_baseline(held_out: ArrayLike, train: ArrayLike, k: float = 1 / 3,
                     **kw: float) -> MemorizationScore:
    """f_mem of real data that was never trained on: the rule's false-positive floor."""
    return memorization_fraction(held_out, train, k=k, **kw)


def frechet_from_stats(mu1: np.ndarray, cov1: np.ndarray, mu2: np.ndarray,
                       cov2: np.ndarray) -> float:
    """||mu1-mu2||^2 + tr(C1 + C2 - 2 (C1 C2)^(1/2)) (Frechet/2-Wasserstein between Gaussians).

    tr (C1 C2)^(1/2) = sum sqrt(eig(C1^(1/2) C2 C1^(1/2))), a symmetric PSD form (stable)."""
    w, v = np.linalg.eigh(cov1)
    s1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    mid = np.linalg.eigvalsh(s1 @ cov2 @ s1)
    tr_sqrt = np.sqrt(np.clip(mid, 0, None)).sum()
    val = float(((mu1 - mu2) ** 2).sum() + np.trace(cov1) + np.trace(cov2) - 2 * tr_sqrt)
    return max(val, 0.0)


def gaussian_stats(x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = _as_2d(x, "features")
    if len(a) < 2:
        raise ValueError("need at least 2 points for a covariance")
    return a.mean(axis=0), np.atleast_2d(np.cov(a, rowvar=False))


def frechet_distance(x: ArrayLike, y: ArrayLike) -> float:
    """Frechet distance between Gaussian fits of two point sets (rows = points)."""
    return frechet_from_stats(*gaussian_stats(x), *gaussian_stats(y))
