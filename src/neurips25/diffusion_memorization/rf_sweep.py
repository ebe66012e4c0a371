"""The random-features arm (arXiv 2505.17638v2, Sec. 4): one executor arm per psi_n.

Each point solves the gradient flow at one diffusion time in closed form (train/test loss
over training time) and measures the spectrum of U with a dense eigensolver on a smaller
instance (d = ``spectrum_d``): the s_t^2 eigenvalues are counted, not filled in by
construction. ``rf_summary`` gathers the points into the study's ``rf`` metrics.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from neurips25.diffusion_memorization import timescales as ts
from neurips25.diffusion_memorization.digits_summary import ratio

N_TAUS = 240  # training times on the log grid; curves keep every 4th


@dataclass(frozen=True)
class RFPoint:
    """One psi_n of the sweep; ``example``: also return the measured eigenvalues."""

    psi_n: float
    d: int = 64
    spectrum_d: int = 16
    psi_p: float = 100.0
    t: float = 0.1
    gap: float = 0.5  # tau_mem: L_test - L_train reaches this (L(0) = 1)
    tau_max: float = 1e5
    seed: int = 0
    example: bool = False


def taus(tau_max: float) -> np.ndarray:
    return np.logspace(-1, np.log10(tau_max), N_TAUS)


def rf_point(pt: RFPoint) -> dict[str, Any]:
    """Timescales from the closed-form flow and the measured spectrum of one psi_n."""
    from neurips25.diffusion_memorization import random_features as rf

    grid = taus(pt.tau_max)
    prob = rf.make_problem(pt.d, pt.psi_p, pt.psi_n, pt.t, seed=pt.seed)
    train, test = rf.solve_flow(prob).losses(grid)
    # the spectrum, measured: a dense eigensolver on the p x p matrix U itself (not the
    # low-rank solution, whose s_t^2 eigenvalues are filled in by construction)
    small = rf.make_problem(pt.spectrum_d, pt.psi_p, pt.psi_n, pt.t, seed=pt.seed)
    evals = np.linalg.eigvalsh(small.U)
    spec = rf.spectrum(small, evals)
    pred_gen, pred_mem = rf.predicted_timescales(prob.c, pt.psi_n)
    out: dict[str, Any] = {
        "psi_n": pt.psi_n,
        "tau_gen": ts.tau_gen_from_curve(grid, test),
        "tau_mem": ts.rf_tau_mem(grid, train, test, pt.gap),
        "pred_tau_gen": pred_gen, "pred_tau_mem": pred_mem,
        "n_at_s2": spec.n_at_s2, "expected_at_s2": small.p - small.n - small.d,
        "spectrum_p": small.p,
        "spike_gap": float(spec.spikes.min() / spec.bulk.max()),
        "bulk_median": float(np.median(spec.bulk)),
        "bulk_range": [float(spec.bulk.min()), float(spec.bulk.max())],
        "bulk_edges_pred": list(spec.bulk_edges_pred),
        "train": train[::4].tolist(), "test": test[::4].tolist(),
    }
    if pt.example:
        out["spectrum_example"] = {"psi_n": pt.psi_n, "evals": evals.tolist(),
                                   "s2": small.c.s2, "p": small.p, "n": small.n,
                                   "d": small.d, "edges_pred": list(spec.bulk_edges_pred)}
    return out


def _num(x: Any) -> float:
    """A time that a saved result holds as null (never reached) is NaN again."""
    return math.nan if x is None else float(x)


def rf_summary(points: list[dict[str, Any]], t: float, tau_max: float) -> dict[str, Any]:
    """The ``rf`` metrics from the points (ordered by psi_n): per-psi_n lists, the example
    spectrum, the Gaussian-equivalence constants and the two timescale laws."""
    from neurips25.diffusion_memorization import random_features as rf

    keys = ("psi_n", "pred_tau_gen", "pred_tau_mem", "n_at_s2", "expected_at_s2",
            "bulk_median", "bulk_range", "bulk_edges_pred", "spectrum_p", "spike_gap",
            "train", "test")
    out: dict[str, Any] = {k: [p[k] for p in points] for k in keys}
    out["tau_gen"] = [_num(p["tau_gen"]) for p in points]
    out["tau_mem"] = [_num(p["tau_mem"]) for p in points]
    out["taus"] = taus(tau_max)[::4].tolist()
    example = [p["spectrum_example"] for p in points if "spectrum_example" in p]
    if example:
        out["spectrum_example"] = example[0]
    c = rf.ge_constants(t)
    out["constants"] = {"mu0": c.mu0, "mu1": c.mu1, "v2": c.v2, "s2": c.s2,
                        "sigma_r2": c.sigma_r2, "delta": c.delta}
    out["tau_gen_ratio"] = ratio(out["tau_gen"])
    out["tau_mem_loglog_slope"] = ts.loglog_slope(out["psi_n"], out["tau_mem"])
    out["tau_mem_over_psi_n"] = [m / p for m, p in zip(out["tau_mem"], out["psi_n"],
                                                       strict=True)]
    return out
