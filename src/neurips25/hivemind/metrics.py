"""Diversity and homogeneity metrics for pools of responses (arXiv 2510.22954, Sec. 4).

Embedding metrics take L2-normalised rows (``embed.py``); text metrics take strings.
- intra-model repetition: mean pairwise cosine of one model's responses to one prompt,
  binned into a 10-bin histogram and the share above 0.8 (paper: 79% of cases);
- inter-model homogeneity: mean cross cosine between two models' responses to the same
  prompt (paper: 0.71-0.82 between model pairs);
- unique-models@N: distinct source models among a response's N nearest neighbours;
- Vendi score (Friedman & Dieng 2023): exp of the entropy of the eigenvalues of K/n;
- distinct-n and compression ratio: surface-level repetition.
Every level is embedder-dependent, so ``unrelated_floor`` gives the cosine of unrelated
pairs (responses to different prompts) to report beside each threshold.
"""
from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Hashable, Sequence

import numpy as np

from neurips25.hivemind.embed import l2_normalize


def cosine_matrix(x: np.ndarray, y: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarity of every row of ``x`` with every row of ``y`` (default ``x``)."""
    xn = l2_normalize(np.atleast_2d(x))
    yn = xn if y is None else l2_normalize(np.atleast_2d(y))
    return xn @ yn.T


def mean_offdiag(s: np.ndarray) -> float:
    """Mean of a square matrix without its diagonal (pairs i != j); NaN below 2 rows."""
    n = s.shape[0]
    if n < 2:
        return float("nan")
    return float((s.sum() - np.trace(s)) / (n * (n - 1)))


def mean_pairwise_cosine(x: np.ndarray) -> float:
    """Mean cosine over distinct pairs of rows; the intra-model score of one pool."""
    return mean_offdiag(cosine_matrix(x))


def group_indices(*keys: Sequence[Hashable]) -> dict[tuple, np.ndarray]:
    """Row indices grouped by the tuple of keys, in first-seen order."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, k in enumerate(zip(*keys, strict=True)):
        groups[k].append(i)
    return {k: np.asarray(v) for k, v in groups.items()}


def intra_model_similarity(
    emb: np.ndarray, models: Sequence[str], prompts: Sequence[str]
) -> dict[tuple[str, str], float]:
    """Mean pairwise cosine per (model, prompt) group with at least 2 responses."""
    out = {}
    for (m, p), idx in group_indices(models, prompts).items():
        if len(idx) >= 2:
            out[(m, p)] = mean_pairwise_cosine(emb[idx])
    return out


def similarity_histogram(
    values: Sequence[float], bins: int = 10, lo: float = 0.0, hi: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Counts in ``bins`` equal bins on [lo, hi] (last bin closed, like numpy's).

    Values outside the range are clipped into the end bins, so every case is counted.
    """
    v = np.clip(np.asarray(values, dtype=np.float64), lo, hi)
    edges = np.linspace(lo, hi, bins + 1)
    idx = np.clip(np.searchsorted(edges, v, side="right") - 1, 0, bins - 1)
    return np.bincount(idx, minlength=bins), edges


def share_above(values: Sequence[float], threshold: float = 0.8) -> float:
    v = np.asarray(values, dtype=np.float64)
    return float(np.mean(v > threshold)) if v.size else float("nan")


def unrelated_floor(
    emb: np.ndarray, prompts: Sequence[str], max_pairs: int = 20000, seed: int = 0
) -> float:
    """Mean cosine of responses to *different* prompts: the level unrelated texts reach.

    With the paper's embedder unrelated texts sit near 0.1-0.2; MiniLM gives ~0.06. A
    pool's similarity means something only relative to this floor.
    """
    p = np.asarray(prompts)
    n = len(p)
    rng = np.random.default_rng(seed)
    if n * (n - 1) // 2 <= max_pairs:
        i, j = np.triu_indices(n, 1)
    else:
        i, j = rng.integers(0, n, max_pairs), rng.integers(0, n, max_pairs)
    keep = p[i] != p[j]
    if not keep.any():
        return float("nan")
    x = l2_normalize(emb)
    return float(np.mean(np.sum(x[i[keep]] * x[j[keep]], axis=1)))


def inter_model_matrix(
    emb: np.ndarray, models: Sequence[str], prompts: Sequence[str]
) -> tuple[list[str], np.ndarray]:
    """``M[a, b]``: mean over shared prompts of the mean cross cosine of a's and b's responses.

    The diagonal is the intra-model score (distinct pairs of one model), so the matrix
    compares like with like. Entries with no shared prompt are NaN.
    """
    names = list(dict.fromkeys(models))
    by_mp = group_indices(models, prompts)
    x = l2_normalize(emb)
    out = np.full((len(names), len(names)), np.nan)
    for a, ma in enumerate(names):
        for b in range(a, len(names)):
            mb = names[b]
            vals = []
            for (m, p), ia in by_mp.items():
                if m != ma or (mb, p) not in by_mp:
                    continue
                ib = by_mp[(mb, p)]
                s = x[ia] @ x[ib].T
                vals.append(mean_offdiag(s) if a == b else float(s.mean()))
            vals = [v for v in vals if np.isfinite(v)]
            if vals:
                out[a, b] = out[b, a] = float(np.mean(vals))
    return names, out


def unique_models_at_n(
    emb: np.ndarray, models: Sequence[str], prompts: Sequence[str], n: int, seed: int = 0
) -> np.ndarray:
    """For each response, the number of distinct models among its ``n`` nearest neighbours.

    Neighbours are searched among responses to the same prompt (self excluded), by
    cosine. Exact ties (duplicate answers are common in sampled pools) are broken by a
    seeded random order, not by position, which would favour whichever model came first.
    A pool where each model only echoes itself gives 1; a hivemind, where neighbours
    come from everywhere, gives up to min(n, #models).
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    codes = np.unique(np.asarray(models), return_inverse=True)[1].ravel()
    x = l2_normalize(emb)
    rng = np.random.default_rng(seed)
    out = np.zeros(len(codes), dtype=np.int64)
    for idx in group_indices(prompts).values():
        s = np.round(x[idx] @ x[idx].T, 9)  # float noise must not break exact ties
        np.fill_diagonal(s, -np.inf)
        k = min(n, len(idx) - 1)
        if k < 1:
            continue
        # one random tie-break row per response, drawn in row order (the same stream as
        # drawing them one row at a time); all rows sorted at once
        ties = rng.random((len(idx), len(idx)))
        order = np.lexsort((ties, -s), axis=-1)[:, :k]
        near = np.sort(codes[idx][order], axis=1)
        out[idx] = 1 + (np.diff(near, axis=1) != 0).sum(1)
    return out


def unique_models_random_baseline(
    models: Sequence[str], prompts: Sequence[str], n: int
) -> np.ndarray:
    """Expected unique-models@N per response if its N neighbours were drawn at random
    from the same prompt's pool: the value a perfect hivemind (all answers identical)
    converges to. E = sum_k 1 - C(T - s_k, N) / C(T, N), with T the other responses
    and s_k those among them from model k."""
    from math import comb

    m_arr = np.asarray(models)
    out = np.zeros(len(m_arr))
    for idx in group_indices(prompts).values():
        sizes = {m: int((m_arr[idx] == m).sum()) for m in dict.fromkeys(m_arr[idx].tolist())}
        t = len(idx) - 1
        k = min(n, t)
        if k < 1:
            continue
        for i in idx:
            own = m_arr[i]
            e = sum(1 - comb(t - (s - (m == own)), k) / comb(t, k) for m, s in sizes.items())
            out[i] = e
    return out


def _entropy_exp(eig: np.ndarray, q: float) -> float:
    p = np.clip(eig, 0.0, None)
    p = p[p > 1e-12]
    p = p / p.sum()
    if q == 1:
        return float(np.exp(-np.sum(p * np.log(p))))
    if np.isinf(q):
        return float(1.0 / p.max())
    return float(np.sum(p**q) ** (1.0 / (1.0 - q)))


def vendi_score(kernel: np.ndarray, q: float = 1.0) -> float:
    """Vendi score from an n x n similarity kernel with unit diagonal (primal form).

    VS_q = exp(H_q(lambda)) with lambda the eigenvalues of K/n: n for an identity kernel
    (all different), 1 for an all-ones kernel (all the same).
    """
    k = np.asarray(kernel, dtype=np.float64)
    if k.ndim != 2 or k.shape[0] != k.shape[1] or k.shape[0] == 0:
        raise ValueError(f"kernel must be a non-empty square matrix, got shape {k.shape}")
    eig = np.linalg.eigvalsh((k + k.T) / 2 / k.shape[0])
    return _entropy_exp(eig, q)


def vendi_score_embeddings(x: np.ndarray, q: float = 1.0) -> float:
    """Vendi score of the cosine kernel X X^T / n, from whichever of it and its d x d dual
    X^T X / n is smaller (same nonzero eigenvalues): O(min(n, d)^3) after the product.
    A pool of 50 answers in 384-d MiniLM space is a 50 x 50 problem, not 384 x 384."""
    xn = l2_normalize(x)
    n, d = xn.shape
    if n == 0:
        raise ValueError("need at least one embedding")
    gram = xn @ xn.T if n <= d else xn.T @ xn
    return _entropy_exp(np.linalg.eigvalsh(gram / n), q)


def _tokens(text: str) -> list[str]:
    return text.lower().split()


def distinct_n(texts: Sequence[str], n: int = 2) -> float:
    """Unique n-grams / all n-grams over the pool (whitespace tokens, lower-cased)."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    grams = [tuple(t[i : i + n]) for t in map(_tokens, texts) for i in range(len(t) - n + 1)]
    return len(set(grams)) / len(grams) if grams else float("nan")


def compression_ratio(texts: Sequence[str]) -> float:
    """Raw bytes / zlib-compressed bytes of the pool joined by newlines; higher = more
    repetitive. Deterministic (zlib, level 9, no timestamps)."""
    raw = "\n".join(texts).encode("utf-8")
    if not raw:
        return float("nan")
    return len(raw) / len(zlib.compress(raw, 9))
