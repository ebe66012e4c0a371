"""Paired comparisons over (seed, prompt) cells: Wilcoxon signed-rank, sign-flip permutation,
and the across-seed mean of per-seed means with a t interval.

Each cell holds one paired difference (condition minus reference, same prompt, same seed).
A sign test on 8 prompts cannot go below p = 2 / 2^8 = 0.0078 and ignores how large each
difference is; the signed-rank and permutation tests use the sizes, and pooling every prompt
of several seeds gives them room. Cells of one seed share its models, so the verdicts also
ask the per-seed means to agree (the t interval over seeds).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from neurips25.common.stats import mean_ci


def sign_flip_p(d: np.ndarray, n_perm: int = 20_000, seed: int = 0) -> float:
    """Two-sided p of the mean of ``d`` under random sign flips (exact when 2^n <= n_perm)."""
    d = np.asarray(d, dtype=np.float64)
    n = d.size
    if n == 0:
        return 1.0
    obs = abs(d.mean())
    if 2**n <= n_perm:
        signs = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1) * 2 - 1
    else:
        signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(n_perm, n))
    null = np.abs((signs * d).mean(1))
    return float((np.sum(null >= obs - 1e-12) + (0 if 2**n <= n_perm else 1))
                 / (len(null) + (0 if 2**n <= n_perm else 1)))


def paired_cells(cells: Mapping[int, Sequence[float]], seed: int = 0) -> dict[str, Any]:
    """``cells``: seed -> per-prompt differences. Mean, share positive, Wilcoxon and sign-flip
    p over all cells, and the t interval of the per-seed means."""
    from scipy.stats import wilcoxon

    per_seed = {s: np.asarray([x for x in v if np.isfinite(x)]) for s, v in cells.items()}
    d = np.concatenate([v for v in per_seed.values()]) if per_seed else np.zeros(0)
    nonzero = d[d != 0]
    p_w = float(wilcoxon(nonzero).pvalue) if nonzero.size >= 1 else 1.0
    seed_means = [float(v.mean()) for v in per_seed.values() if v.size]
    return {
        "mean_diff": float(d.mean()) if d.size else float("nan"),
        "share_positive": float((d > 0).mean()) if d.size else float("nan"),
        "n": int(d.size), "n_seeds": len(seed_means),
        "p_wilcoxon": p_w, "p_permutation": sign_flip_p(d, seed=seed),
        "per_seed_mean": seed_means,
        "seed_mean_ci": mean_ci(seed_means).as_dict() if seed_means else None,
    }
