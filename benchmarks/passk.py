"""pass@k curves for 10k problems x n = 1024: all-k cumulative product vs per-k loops.

Baselines (the way evaluation scripts usually do it): for every problem and every k,
(a) the human-eval numpy formula 1 - prod(1 - k / arange(n - c + 1, n + 1)), and
(b) 1 - comb(n - c, k) / comb(n, k) with math.comb (exact big integers).
Both cost the same per problem, so they run on a random subset of problems and are scaled
linearly to 10k; the all-k estimator runs on all 10k. Medians of repeats, same process.
"""
from __future__ import annotations

import statistics
import time
from math import comb

import numpy as np

from neurips25.rlvr_passk.estimators import pass_at_k_curve

P, N = 10_000, 1024


def humaneval_loop(n: np.ndarray, c: np.ndarray) -> np.ndarray:
    out = np.empty((len(n), N))
    for i, (ni, ci) in enumerate(zip(n, c, strict=True)):
        for k in range(1, N + 1):
            out[i, k - 1] = (1.0 if ni - ci < k
                             else 1.0 - np.prod(1.0 - k / np.arange(ni - ci + 1, ni + 1)))
    return out


def comb_loop(n: np.ndarray, c: np.ndarray) -> np.ndarray:
    out = np.empty((len(n), N))
    for i, (ni, ci) in enumerate(zip(n.tolist(), c.tolist(), strict=True)):
        total = [comb(ni, k) for k in range(1, N + 1)]
        for k in range(1, N + 1):
            out[i, k - 1] = 1.0 - comb(ni - ci, k) / total[k - 1]
    return out


def timed(fn, *args, repeats: int = 3) -> tuple[float, np.ndarray]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    rng = np.random.default_rng(0)
    n = np.full(P, N)
    c = rng.binomial(N, rng.beta(0.3, 1.5, P))  # many hard problems, some easy: a realistic mix
    t_all, curve = timed(pass_at_k_curve, n, c)
    print(f"all-k cumulative product: {P} problems x k=1..{N} in {t_all:.3f} s (median of 3)")
    # the estimator shares work between problems with equal (n, c); vary n so it cannot
    n_var = N + rng.integers(0, 4 * N, P)
    c_var = rng.binomial(n_var, rng.beta(0.3, 1.5, P))
    t_var, _ = timed(pass_at_k_curve, n_var, c_var, N)
    print(f"  same with n varied per problem (few shared curves): {t_var:.3f} s")
    for name, fn, m in (("human-eval formula per k", humaneval_loop, 40),
                        ("math.comb per k", comb_loop, 10)):
        idx = rng.choice(P, m, replace=False)
        t_sub, ref = timed(fn, n[idx], c[idx], repeats=3)
        err = float(np.max(np.abs(ref - curve[idx])))
        t_full = t_sub * P / m
        print(f"{name}: {m} problems in {t_sub:.2f} s -> ~{t_full:.0f} s for {P} (linear); "
              f"speed-up x{t_full / t_all:.0f} (x{t_full / t_var:.0f} vs varied n); "
              f"max |diff| {err:.1e}")


if __name__ == "__main__":
    main()
