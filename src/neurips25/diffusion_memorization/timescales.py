"""Timescales from training curves (arXiv 2505.17638, Sec. 3 and Fig. 2-3): tau_gen, when
quality has (nearly) converged, and tau_mem, when memorization sets in; the linear law
tau_mem = tau0 + c n; and how well curves collapse when steps are divided by n."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def crossing_time(steps: Sequence[float], values: Sequence[float], threshold: float,
                  direction: str = "up", start: int = 0) -> float:
    """First step at which ``values`` crosses ``threshold`` (``up``: rises to >=, ``down``:
    falls to <=), linearly interpolated in log(step). NaN if it never crosses; the first
    point itself if it already satisfies the threshold."""
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")
    s, v = np.asarray(steps, dtype=float), np.asarray(values, dtype=float)
    if s.shape != v.shape or s.ndim != 1:
        raise ValueError("steps and values must be 1-D and of equal length")
    if np.any(s <= 0) or np.any(np.diff(s) <= 0):
        raise ValueError("steps must be positive and strictly increasing")
    hit = v >= threshold if direction == "up" else v <= threshold
    for i in range(start, len(s)):
        if not hit[i]:
            continue
        if i == start:
            return float(s[i])
        f = (threshold - v[i - 1]) / (v[i] - v[i - 1])
        return float(np.exp(np.log(s[i - 1]) + f * (np.log(s[i]) - np.log(s[i - 1]))))
    return math.nan


def tau_gen_from_curve(steps: Sequence[float], quality: Sequence[float],
                       frac: float = 0.1) -> float:
    """When a lower-is-better quality curve (test loss, FD) first comes within ``frac`` of
    its full drop to the best value, measured in log space for FD-like positive curves."""
    q = np.asarray(quality, dtype=float)
    lq = np.log(q) if np.all(q > 0) else q
    best = int(np.argmin(lq))
    thr = lq[best] + frac * (lq[0] - lq[best])
    return crossing_time(steps, lq, thr, "down")


def tau_at_common_level(curves: Mapping[float, tuple[Sequence[float], Sequence[float]]],
                        frac: float = 0.1) -> tuple[dict[float, float], float]:
    """Time each lower-is-better positive curve first reaches one shared quality bar: the
    worst of the runs' best values, with ``frac`` slack in log space toward that run's first
    value. Unlike ``tau_gen_from_curve`` it does not move when a run keeps improving (larger
    n reaches better quality), so it compares when sizes reach the *same* quality. The bar
    lies between the worst run's first and best values, so every run reaches it (a slack
    toward the runs' mean first value could fall below the worst run's best)."""
    logs = {n: np.log(np.asarray(q, dtype=float)) for n, (_, q) in curves.items()}
    worst = max(logs, key=lambda n: float(logs[n].min()))
    worst_best = float(logs[worst].min())
    level = worst_best + frac * (float(logs[worst][0]) - worst_best)
    taus = {n: crossing_time(curves[n][0], logs[n], level, "down") for n in curves}
    return taus, float(np.exp(level))


def rf_tau_mem(taus: Sequence[float], train: Sequence[float], test: Sequence[float],
               gap: float = 0.5) -> float:
    """RF model: when the generalization gap L_test - L_train first reaches ``gap``
    (losses are normalized so L(0) = 1)."""
    return crossing_time(taus, np.asarray(test) - np.asarray(train), gap, "up")


@dataclass(frozen=True)
class LinearFit:
    """tau = tau0 + c n by least squares, with the slope's standard error and R^2."""

    tau0: float
    c: float
    c_stderr: float
    r2: float
    n_points: int


def fit_linear(n: Sequence[float], tau: Sequence[float]) -> LinearFit:
    """Fit tau_mem = tau0 + c n on the finite points (NaN: threshold never reached)."""
    x, y = np.asarray(n, dtype=float), np.asarray(tau, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(x) < 2 or np.ptp(x) == 0:
        raise ValueError("need at least 2 finite points with distinct n to fit a line")
    X = np.stack([np.ones_like(x), x], axis=1)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1 - float((resid**2).sum()) / ss_tot if ss_tot > 0 else 1.0
    if len(x) > 2:
        s2 = float((resid**2).sum()) / (len(x) - 2)
        se = math.sqrt(s2 / float(((x - x.mean()) ** 2).sum()))
    else:
        se = math.nan
    return LinearFit(float(coef[0]), float(coef[1]), se, r2, len(x))


def loglog_slope(x: Sequence[float], y: Sequence[float]) -> float:
    """Least-squares slope of log y on log x over finite positive points (1 = proportional)."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    if ok.sum() < 2:
        return math.nan
    return float(np.polyfit(np.log(a[ok]), np.log(b[ok]), 1)[0])


def collapse_spread(curves: Mapping[float, tuple[Sequence[float], Sequence[float]]],
                    scale: bool, grid_points: int = 50) -> float:
    """Mean std across curves, on a shared log grid, of f(steps) or (scale=True) f(steps/n).

    ``curves`` maps n -> (steps, f). Lower is tighter; compare scale=True with scale=False."""
    xs = {n: np.asarray(s, float) / (n if scale else 1.0) for n, (s, _) in curves.items()}
    lo = max(float(x.min()) for x in xs.values())
    hi = min(float(x.max()) for x in xs.values())
    if not hi > lo:
        return math.nan
    grid = np.exp(np.linspace(np.log(lo), np.log(hi), grid_points))
    rows = [np.interp(np.log(grid), np.log(xs[n]), np.asarray(f, float))
            for n, (_, f) in curves.items()]
    return float(np.std(np.stack(rows), axis=0).mean())
