"""pass@k curves with problem-level bootstrap CIs, paired base-vs-RL differences, crossover k*.

Problems are the unit of resampling (the paper averages pass@k over problems, Sec. 2.2): a
bootstrap replicate draws P problems with replacement and averages their per-problem curves.
For a paired comparison both models use the same draws, so the CI of the difference is tight.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurips25.rlvr_passk.estimators import pass_at_k_curve


@dataclass(frozen=True)
class Band:
    """A curve over k = 1..K with a bootstrap interval; ``boot`` holds the replicates (B, K)."""

    ks: np.ndarray
    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    boot: np.ndarray

    def at(self, k: int) -> float:
        return float(self.mean[k - 1])

    def to_dict(self) -> dict[str, list[float]]:
        return {"k": self.ks.tolist(), "mean": self.mean.tolist(),
                "lo": self.lo.tolist(), "hi": self.hi.tolist()}


def _resample_means(per_problem: list[np.ndarray], n_boot: int, seed: int,
                    chunk: int = 128) -> list[np.ndarray]:
    """Bootstrap means (B, K) of each (P, K) matrix, all using the same problem draws."""
    p = per_problem[0].shape[0]
    rng = np.random.default_rng(seed)
    outs: list[list[np.ndarray]] = [[] for _ in per_problem]
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        weights = rng.multinomial(p, np.full(p, 1.0 / p), size=b).astype(np.float64) / p
        for out, mat in zip(outs, per_problem, strict=True):
            out.append(weights @ mat)
    return [np.concatenate(o) for o in outs]


def _band(mean: np.ndarray, boot: np.ndarray, level: float) -> Band:
    a = (1 - level) / 2
    lo, hi = np.quantile(boot, [a, 1 - a], axis=0)
    return Band(np.arange(1, len(mean) + 1), mean, lo, hi, boot)


def _check_kmax(n: np.ndarray, k_max: int | None) -> int:
    k_max = int(np.min(n)) if k_max is None else int(k_max)
    if not 1 <= k_max <= int(np.min(n)):
        raise ValueError(f"k_max must be in 1..min(n)={int(np.min(n))}, got {k_max}")
    return k_max


def curve(n: np.ndarray, c: np.ndarray, k_max: int | None = None, n_boot: int = 1000,
          seed: int = 0, level: float = 0.95) -> Band:
    """Dataset pass@k for k = 1..k_max with a seeded problem-level bootstrap interval."""
    k_max = _check_kmax(np.asarray(n), k_max)
    mat = pass_at_k_curve(n, c, k_max)
    (boot,) = _resample_means([mat], n_boot, seed)
    return _band(mat.mean(0), boot, level)


def crossover_k(diff: np.ndarray) -> int | None:
    """First k at which RL stops beating base (diff = RL - base <= 0), given RL wins at k = 1.

    None when RL does not win at k = 1 or still wins at every k measured.
    """
    diff = np.asarray(diff)
    if diff.ndim != 1 or diff.size == 0 or diff[0] <= 0:
        return None
    hit = np.flatnonzero(diff <= 0)
    return int(hit[0]) + 1 if hit.size else None


@dataclass(frozen=True)
class Comparison:
    base: Band
    rl: Band
    diff: Band  # RL - base, paired
    k_star: int | None
    k_star_boot: np.ndarray  # per replicate, 0 where that replicate has no crossover

    def summary(self, big_k: int = 256) -> dict[str, object]:
        """Headline numbers: pass@1, pass@K, crossover k* with its bootstrap spread."""
        kk = min(big_k, len(self.base.ks))
        found = self.k_star_boot[self.k_star_boot > 0]
        spread = (np.quantile(found, [0.025, 0.5, 0.975]).tolist() if found.size else None)
        return {
            "k_max": len(self.base.ks),
            "big_k": kk,
            "base_pass1": self.base.at(1),
            "rl_pass1": self.rl.at(1),
            "base_passK": self.base.at(kk),
            "rl_passK": self.rl.at(kk),
            "diff_pass1": [self.diff.at(1), float(self.diff.lo[0]), float(self.diff.hi[0])],
            "diff_passK": [
                self.diff.at(kk),
                float(self.diff.lo[kk - 1]),
                float(self.diff.hi[kk - 1]),
            ],
            "k_star": self.k_star,
            "k_star_boot_q025_q50_q975": spread,
            "k_star_boot_fraction": float(found.size / max(1, self.k_star_boot.size)),
            # the paper's sampling-efficiency gap: base pass@K minus RL pass@1 (Sec. 3)
            "efficiency_gap": self.base.at(kk) - self.rl.at(1),
        }


def compare(
    base_n: np.ndarray,
    base_c: np.ndarray,
    rl_n: np.ndarray,
    rl_c: np.ndarray,
    k_max: int | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Comparison:
    """Paired base-vs-RL comparison on the same problems (rows aligned)."""
    if len(base_n) != len(rl_n):
        raise ValueError("base and RL must cover the same problems, row by row")
    k_max = _check_kmax(np.minimum(base_n, rl_n), k_max)
    mb, mr = pass_at_k_curve(base_n, base_c, k_max), pass_at_k_curve(rl_n, rl_c, k_max)
    bb, br = _resample_means([mb, mr], n_boot, seed)
    base, rl = _band(mb.mean(0), bb, level), _band(mr.mean(0), br, level)
    diff = _band(rl.mean - base.mean, br - bb, level)
    k_boot = np.array([crossover_k(d) or 0 for d in diff.boot], dtype=np.int64)
    return Comparison(base, rl, diff, crossover_k(diff.mean), k_boot)
