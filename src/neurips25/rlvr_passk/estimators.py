"""pass@k estimators: unbiased (Chen et al. 2021, Eq. 1), biased plug-in, majority@k.

The unbiased estimator for a problem with n samples of which c are correct is

    pass@k = 1 - C(n - c, k) / C(n, k)

(the paper's Eq. 2, from Chen et al. 2021). Binomials overflow a float for large n
(``float(comb(4000, 2000))`` raises), so we use the product form: the ratio is
r_k = prod_{i=0}^{k-1} (n - c - i) / (n - i), every factor in [0, 1]. A cumulative product
over i gives r_1 .. r_n in one pass, so a whole curve costs O(n) per problem instead of
O(n) per (problem, k).
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


def _as_counts(n: object, c: object) -> tuple[np.ndarray, np.ndarray]:
    n_arr = np.atleast_1d(np.asarray(n))
    c_arr = np.atleast_1d(np.asarray(c))
    if n_arr.shape != c_arr.shape or n_arr.ndim != 1:
        raise ValueError(
            f"n and c must be 1-D and the same shape, got {n_arr.shape} and {c_arr.shape}"
        )
    if not (np.issubdtype(n_arr.dtype, np.integer) and np.issubdtype(c_arr.dtype, np.integer)):
        if not (np.all(n_arr == np.round(n_arr)) and np.all(c_arr == np.round(c_arr))):
            raise ValueError("n and c must be whole numbers")
    n_arr, c_arr = n_arr.astype(np.int64), c_arr.astype(np.int64)
    if np.any(n_arr < 1):
        raise ValueError("every problem needs n >= 1 samples")
    if np.any((c_arr < 0) | (c_arr > n_arr)):
        raise ValueError("need 0 <= c <= n for every problem")
    return n_arr, c_arr


def pass_at_k_curve(n: object, c: object, k_max: int | None = None) -> np.ndarray:
    """Unbiased pass@k for k = 1..k_max of every problem: array (P, k_max).

    Problems may have different n; entries with k > n are NaN (pass@k is undefined there).
    ``k_max`` defaults to max(n).
    """
    n_arr, c_arr = _as_counts(n, c)
    k_max = int(n_arr.max()) if k_max is None else int(k_max)
    if k_max < 1:
        raise ValueError(f"k_max must be >= 1, got {k_max}")
    # a curve depends only on (n, c): with a fixed n there are at most n + 1 distinct curves
    pairs, inv = np.unique(np.stack([n_arr, c_arr], 1), axis=0, return_inverse=True)
    un, uc = pairs[:, :1], pairs[:, 1:]
    i = np.arange(k_max)
    den = (un - i).astype(np.float64)
    factors = np.maximum(un - uc - i, 0) / np.where(den > 0, den, 1.0)
    out = 1.0 - np.cumprod(factors, axis=1)  # once a factor is 0 the ratio stays 0
    out[i[None, :] >= un] = np.nan  # k > n: undefined
    return out[inv.reshape(-1)]


def pass_at_k(n: object, c: object, k: object) -> np.ndarray | float:
    """Unbiased pass@k (Chen et al. 2021) per problem.

    ``n``, ``c``: ints or 1-D arrays (per problem); ``k``: int or 1-D array of k values.
    Returns a float for scalar inputs, else an array: (len(k),) for one problem, (P,) for one
    k, (P, len(k)) for both.
    Raises ValueError when some k exceeds a problem's n (the estimator is undefined there).
    """
    scalar = np.ndim(n) == 0 and np.ndim(c) == 0 and np.ndim(k) == 0
    n_arr, c_arr = _as_counts(n, c)
    ks = np.atleast_1d(np.asarray(k))
    if ks.ndim != 1 or np.any(ks < 1) or np.any(ks != np.round(ks)):
        raise ValueError(f"k must be positive integers, got {k!r}")
    ks = ks.astype(np.int64)
    if ks.max() > n_arr.min():
        raise ValueError(
            f"k={int(ks.max())} exceeds n={int(n_arr.min())} for some problem; pass@k needs k <= n"
        )
    curve = pass_at_k_curve(n_arr, c_arr, int(ks.max()))
    out = curve[:, ks - 1]
    if scalar:
        return float(out[0, 0])
    if np.ndim(n) == 0 and np.ndim(c) == 0:
        return out[0]
    return out[:, 0] if np.ndim(k) == 0 else out


def mean_pass_at_k(n: object, c: object, k_max: int | None = None) -> np.ndarray:
    """Dataset pass@k for k = 1..k_max (mean over problems); k_max defaults to min(n)."""
    n_arr, _ = _as_counts(n, c)
    k_max = int(n_arr.min()) if k_max is None else int(k_max)
    if k_max > n_arr.min():
        raise ValueError(f"k_max={k_max} exceeds n={int(n_arr.min())} for some problem")
    return pass_at_k_curve(n, c, k_max).mean(axis=0)


def pass_at_k_plugin(n: object, c: object, k: object) -> np.ndarray:
    """Biased plug-in estimator 1 - (1 - c/n)^k (samples with replacement); for comparison.

    It underestimates pass@k for k > 1 (Jensen: E[(1 - c/n)^k] >= (1 - p)^k).
    """
    n_arr, c_arr = _as_counts(n, c)
    ks = np.atleast_1d(np.asarray(k, dtype=np.float64))
    out = 1.0 - (1.0 - c_arr[:, None] / n_arr[:, None]) ** ks[None, :]
    return out[:, 0] if np.ndim(k) == 0 else out


def majority_at_k(
    answers: Sequence[Hashable],
    correct: Sequence[bool],
    k: int,
    rng: np.random.Generator | None = None,
    draws: int = 2000,
) -> float:
    """majority@k of one problem: P(the most frequent answer among k samples is correct).

    Subsets of size k are drawn without replacement (exactly one subset when k == n, else
    ``draws`` seeded Monte-Carlo subsets); ties are split evenly between the tied answers.
    An answer is correct when any sample with that answer is marked correct.
    """
    n = len(answers)
    if len(correct) != n:
        raise ValueError("answers and correct must have the same length")
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n, got k={k}, n={n}")
    good = {a for a, ok in zip(answers, correct, strict=True) if ok}
    codes = {a: i for i, a in enumerate(dict.fromkeys(answers))}
    idx = np.array([codes[a] for a in answers])
    is_good = np.array([a in good for a in codes])
    if k == n:
        subsets = idx[None, :]
    else:
        rng = rng if rng is not None else np.random.default_rng(0)
        if draws * n <= 2**22:  # k without replacement: a random order's first k
            subsets = idx[np.argsort(rng.random((draws, n)), axis=1)[:, :k]]
        else:  # large n: draw each subset alone, memory O(draws * k) instead of O(draws * n)
            subsets = np.stack([idx[rng.choice(n, size=k, replace=False)] for _ in range(draws)])
    counts = np.zeros((len(subsets), len(codes)), dtype=np.int64)
    np.add.at(counts, (np.arange(len(subsets))[:, None], subsets), 1)
    tied = counts == counts.max(axis=1, keepdims=True)
    return float(np.mean((tied & is_good).sum(1) / tied.sum(1)))
