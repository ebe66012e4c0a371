"""Statistics for rating data (Infinity-Chat: 25 ratings per item, paper Sec. 5).

- label entropy (bits) and pairwise disagreement per item: how much raters differ;
- similar-quality subsets: items whose mean rating lies inside Tukey's fences
  [Q1 - k IQR, Q3 + k IQR] (the official analysis's outlier filter; small k = tight);
- Spearman correlation of a scorer (LM judge, reward model, perplexity) with the mean
  human rating, and a same-size random-subset null: a subset's lower correlation only
  means something if random subsets of that size do not drop as much.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np


def label_entropy(labels: Sequence[int], classes: Sequence[int] | None = None) -> float:
    """Shannon entropy (bits) of one item's labels; log2(K) for uniform over K classes."""
    if len(labels) == 0:
        return 0.0
    counts = Counter(labels)
    if classes is not None:
        unknown = set(counts) - set(classes)
        if unknown:
            raise ValueError(f"labels {sorted(unknown)} are not among the classes {list(classes)}")
    p = np.asarray(list(counts.values()), dtype=np.float64) / len(labels)
    return float(-(p * np.log2(p)).sum())


def pairwise_disagreement(labels: Sequence[int]) -> float:
    """Share of rater pairs that gave different labels (0 = unanimous)."""
    n = len(labels)
    if n < 2:
        return 0.0
    same = sum(c * (c - 1) for c in Counter(labels).values())
    return 1.0 - same / (n * (n - 1))


def tukey_mask(scores: Sequence[float], k: float = 1.5) -> np.ndarray:
    """True for scores inside [Q1 - k IQR, Q3 + k IQR] (numpy's linear percentiles)."""
    s = np.asarray(scores, dtype=np.float64)
    q1, q3 = np.percentile(s, [25, 75])
    iqr = q3 - q1
    return (s >= q1 - k * iqr) & (s <= q3 + k * iqr)


def rankdata(x: Sequence[float]) -> np.ndarray:
    """Ranks 1..n with ties given their average rank."""
    a = np.asarray(x, dtype=np.float64)
    order = np.argsort(a, kind="mergesort")
    ranks = np.empty(len(a))
    sorted_a = a[order]
    i = 0
    while i < len(a):
        j = i
        while j + 1 < len(a) and sorted_a[j + 1] == sorted_a[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: Pearson correlation of average ranks (NaN if either is constant)."""
    if len(x) != len(y):
        raise ValueError(f"length mismatch: {len(x)} vs {len(y)}")
    rx, ry = rankdata(x), rankdata(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    denom = np.sqrt((rx**2).sum() * (ry**2).sum())
    return float((rx * ry).sum() / denom) if denom > 0 else float("nan")


def subset_spearman_null(
    scorer: Sequence[float], human: Sequence[float], mask: Sequence[bool], draws: int = 1000,
    seed: int = 0,
) -> dict[str, float]:
    """Spearman on the full set, on ``mask``'s subset, and the null of random subsets of
    the same size: ``p_lower`` is the share of random subsets with rho <= the subset's."""
    s, h, m = np.asarray(scorer, float), np.asarray(human, float), np.asarray(mask, bool)
    size = int(m.sum())
    if size < 3:
        raise ValueError(f"subset too small for a correlation: {size} items")
    rng = np.random.default_rng(seed)
    sub = spearman(s[m], h[m])
    null = np.array([spearman(s[idx], h[idx]) for idx in
                     (rng.choice(len(s), size, replace=False) for _ in range(draws))])
    null = null[np.isfinite(null)]
    return {"full": spearman(s, h), "subset": sub, "subset_size": size,
            "null_mean": float(null.mean()) if null.size else float("nan"),
            "p_lower": float((null <= sub).mean()) if null.size else float("nan")}
