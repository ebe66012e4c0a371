"""Per-seed power-law fits of the sweep, and their across-seed summaries.

For each (regime, profile) and each seed: the loss exponent a (loss ~ m^-a), the
unlearned-feature loss, and in the strong regime the overlap exponent of the trained rows
and of random rows (the null), plus the frequency-weighted overlap relative to random.
Lists are ordered by seed, so two lists of one summary pair up seed by seed.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from neurips25.common.stats import mean_ci
from neurips25.superposition.experiment import REGIMES, regime_of
from neurips25.superposition.metrics import fit_power_law


def _col(rows: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.array([r[key] for r in rows], dtype=float)


def _positive(v: np.ndarray) -> bool:
    return bool(np.isfinite(v).all() and (v > 0).all())


def fit_one(rows: list[dict[str, Any]], regime: str) -> dict[str, Any]:
    """Fits over m for one (regime, profile, seed); ``rows`` sorted by m."""
    m = _col(rows, "m")
    loss = fit_power_law(m, _col(rows, "loss"))
    out: dict[str, Any] = {"loss_exponent": loss.exponent, "loss_r2": loss.r2}
    unlearned = _col(rows, "unlearned_loss")
    out["unlearned_share"] = float(np.median(unlearned / _col(rows, "loss")))
    if _positive(unlearned):
        out["unlearned_exponent"] = fit_power_law(m, unlearned).exponent
    ov = _col(rows, "mean_sq_overlap")
    # overlaps are the strong regime's story; weak rows are too few to fill m dims
    if regime == "strong" and _positive(ov):
        out["overlap_exponent"] = fit_power_law(m, ov).exponent
        out["overlap_over_welch"] = float(np.median(ov / _col(rows, "welch_bound")))
        rand = _col(rows, "mean_sq_overlap_random")
        out["random_overlap_exponent"] = fit_power_law(m, rand).exponent
        out["random_overlap_over_welch"] = float(np.median(rand / _col(rows, "welch_bound")))
        ratio = _col(rows, "weighted_overlap") / _col(rows, "weighted_overlap_random")
        out["weighted_log_ratio"] = float(np.mean(np.log(ratio)))
    return out


def _ci(values: list[float]) -> list[float]:
    ci = mean_ci(values)
    return [ci.lo, ci.hi]


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """{"regime/profile": per-seed fits ("per_seed"), their means and 95% t intervals (key_ci),
    and the mean loss per m}."""
    fits: dict[str, Any] = {}
    for regime in REGIMES:
        for profile in sorted({r["profile"] for r in runs}):
            rows = [r for r in runs if regime_of(r["gamma"]) == regime and r["profile"] == profile]
            seeds = sorted({r["seed"] for r in rows})
            per_seed = []
            for s in seeds:
                srows = sorted((r for r in rows if r["seed"] == s), key=lambda r: r["m"])
                if len(srows) >= 2:
                    per_seed.append(fit_one(srows, regime))
            if not per_seed:
                continue
            ms = sorted({r["m"] for r in rows})
            entry: dict[str, Any] = {
                "m": ms, "alpha": rows[0]["alpha"], "seeds": seeds[: len(per_seed)],
                "loss": [float(np.mean([r["loss"] for r in rows if r["m"] == m])) for m in ms],
                "per_seed": {},
            }
            for key in per_seed[0]:
                vals = [f[key] for f in per_seed if key in f]
                if len(vals) != len(per_seed) or not all(math.isfinite(v) for v in vals):
                    continue
                entry["per_seed"][key] = vals
                entry[key] = float(np.mean(vals))
                entry[key + "_ci"] = _ci(vals)
            fits[f"{regime}/{profile}"] = entry
    return fits
