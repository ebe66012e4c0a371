"""What the paper measures on W: represented features, overlaps vs the Welch bound,
loss from unlearned features, and power-law fits of loss vs width."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

REPRESENTED_NORM = 0.5


def represented_mask(W: torch.Tensor, threshold: float = REPRESENTED_NORM) -> torch.Tensor:
    """Feature i counts as represented when its row norm exceeds 1/2 (paper Sec. 3)."""
    return W.norm(dim=1) > threshold


def represented_fraction(W: torch.Tensor, threshold: float = REPRESENTED_NORM) -> float:
    return float(represented_mask(W, threshold).float().mean())


def welch_bound(n: int, m: int) -> float:
    """Lower bound on the mean squared overlap of n unit vectors in m dims, (n-m)/(m(n-1))."""
    if n <= 1 or n <= m:
        return 0.0
    return (n - m) / (m * (n - 1))


def unlearned_loss(probs: np.ndarray, represented: np.ndarray) -> float:
    """Loss if every unrepresented feature outputs 0: sum_i 4/3 p_i over those i (E[x_i^2])."""
    return float(4.0 / 3.0 * np.asarray(probs)[~np.asarray(represented, dtype=bool)].sum())


def unembedding_overlap(
    W: torch.Tensor | np.ndarray,
    block_size: int = 4096,
    abs_max_rows: int | None = 20_000,
    seed: int = 0,
) -> dict[str, float]:
    """Overlap statistics of the normalised rows of any embedding matrix (rows = tokens).

    mean squared overlap over i != j is computed exactly and in O(N d^2) time with
    O(block d + d^2) memory, via sum_{i,j} (w_i . w_j)^2 = |W^T W|_F^2 accumulated over
    row blocks. The mean |overlap| needs the pairs themselves: computed block by block,
    on all rows when N <= abs_max_rows, else on a seeded random subset of that many rows
    (reported as ``abs_rows``). Returns mean_sq_overlap, mean_abs_overlap, welch_bound.
    """
    W = torch.as_tensor(W, dtype=torch.float64)
    if W.ndim != 2:
        raise ValueError(f"expected a 2-D (vocab, dim) matrix, got shape {tuple(W.shape)}")
    n, d = W.shape
    if n < 2:
        raise ValueError("need at least 2 rows")
    gram = torch.zeros(d, d, dtype=torch.float64)
    for start in range(0, n, block_size):
        rows = W[start : start + block_size]
        rows = rows / rows.norm(dim=1, keepdim=True).clamp_min(1e-12)
        gram += rows.T @ rows
    mean_sq = (float((gram**2).sum()) - n) / (n * (n - 1))

    idx = torch.arange(n)
    if abs_max_rows is not None and n > abs_max_rows:
        g = torch.Generator().manual_seed(seed)
        idx = torch.randperm(n, generator=g)[:abs_max_rows]
    sub = W[idx]
    sub = sub / sub.norm(dim=1, keepdim=True).clamp_min(1e-12)
    k = sub.shape[0]
    abs_sum = 0.0
    for start in range(0, k, block_size):
        abs_sum += float((sub[start : start + block_size] @ sub.T).abs().sum())
    mean_abs = (abs_sum - k) / (k * (k - 1))  # the diagonal contributes exactly k
    return {
        "mean_sq_overlap": mean_sq,
        "mean_abs_overlap": mean_abs,
        "welch_bound": welch_bound(n, d),
        "rows": n,
        "dim": d,
        "abs_rows": k,
    }


def overlap_stats(W: torch.Tensor, only_represented: bool = True) -> dict[str, float]:
    """Mean squared overlap of the (represented) rows of a toy model's W, with its Welch bound."""
    rows = W[represented_mask(W)] if only_represented else W
    if rows.shape[0] < 2:
        return {"mean_sq_overlap": math.nan, "mean_abs_overlap": math.nan,
                "welch_bound": math.nan, "rows": int(rows.shape[0]), "dim": int(W.shape[1])}
    return unembedding_overlap(rows)


def weighted_overlap(W: torch.Tensor | np.ndarray, probs: np.ndarray) -> float:
    """Frequency-weighted squared overlap sum_i p_i mean_{j != i} (w_i . w_j)^2 of unit rows.

    When feature i fires (probability p_i) every other output j picks up x_i w_i . w_j, so
    this is the interference the loss pays for, up to the ReLU and the biases. Random unit
    vectors give about 1/m whatever p is; a model that arranges its frequent features to
    interfere less than chance gives less.
    """
    U = torch.as_tensor(W, dtype=torch.float64)
    U = U / U.norm(dim=1, keepdim=True).clamp_min(1e-12)
    n = U.shape[0]
    p = torch.as_tensor(np.asarray(probs), dtype=torch.float64)
    if p.shape != (n,) or n < 2:
        raise ValueError(f"need one frequency per row (n >= 2), got {tuple(p.shape)} for n={n}")
    sq = (U @ U.T) ** 2
    off = (sq.sum(dim=1) - sq.diagonal()) / (n - 1)
    return float((p * off).sum() / p.sum())


def random_unit_rows(n: int, m: int, seed: int) -> torch.Tensor:
    """n random directions in m dims (the geometry an untrained W starts from)."""
    g = torch.Generator().manual_seed(seed)
    rows = torch.randn(n, m, generator=g, dtype=torch.float64)
    return rows / rows.norm(dim=1, keepdim=True)


@dataclass(frozen=True)
class PowerLawFit:
    """loss ≈ C * m^(-exponent) fitted by least squares in log-log space."""

    exponent: float
    prefactor: float
    r2: float

    def predict(self, m: np.ndarray | float) -> np.ndarray:
        return self.prefactor * np.asarray(m, dtype=float) ** (-self.exponent)


def fit_power_law(x: np.ndarray, y: np.ndarray) -> PowerLawFit:
    """Fit y = C x^-a on positive data; returns a, C and the R^2 of the log-log line."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.size < 2:
        raise ValueError("need two equally long arrays with at least 2 points")
    if (x <= 0).any() or (y <= 0).any():
        raise ValueError("power-law fit needs positive x and y")
    lx, ly = np.log(x), np.log(y)
    slope, intercept = np.polyfit(lx, ly, 1)
    resid = ly - (slope * lx + intercept)
    ss_tot = float(((ly - ly.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / ss_tot if ss_tot > 0 else 1.0
    return PowerLawFit(exponent=float(-slope), prefactor=float(np.exp(intercept)), r2=r2)
