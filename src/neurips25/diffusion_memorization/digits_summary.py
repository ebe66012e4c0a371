"""Timescales of the digits arm: per seed (one curve per n), then across seeds.

Per seed: tau_gen (FD reaches a bar every n reaches), tau_mem (f_mem reaches ``f_thr``),
the linear law tau_mem = tau0 + c n, the window tau_mem - tau_gen, and the collapse
measure tau_mem / n. Across seeds: the mean per n (NaN where a seed never memorised) and
every per-seed summary, so claims can put intervals on per-seed quantities.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from neurips25.diffusion_memorization import timescales as ts


def ratio(values: list[float], need_all: bool = False) -> float:
    """max/min of the finite values; NaN with fewer than two of them (one value is no
    spread), or, with ``need_all``, when any value is missing."""
    v = [x for x in values if math.isfinite(x)]
    if len(v) < 2 or (need_all and len(v) < len(values)) or min(v) <= 0:
        return math.nan
    return max(v) / min(v)


def _fit(ns: list[int], tau_mem: list[float]) -> dict[str, float] | None:
    try:
        fit = ts.fit_linear(ns, tau_mem)
    except ValueError:
        return None
    return {"tau0": fit.tau0, "c": fit.c, "c_stderr": fit.c_stderr, "r2": fit.r2,
            "n_points": fit.n_points}


def summarize_digits(runs: dict[int, dict[str, Any]], steps: int, f_thr: float) -> dict[str, Any]:
    """Timescales, the linear fit and the collapse from one seed's per-n monitor records."""
    ns = sorted(runs)
    out: dict[str, Any] = {"ns": ns, "runs": {str(n): runs[n] for n in ns},
                           "steps": steps, "f_thr": f_thr}
    # tau_gen: when the FD on classifier features first reaches a quality bar that every n
    # reaches (common bar); the per-run "90% of its own best" times are reported beside it
    common, level = ts.tau_at_common_level({n: (runs[n]["steps"], runs[n]["quality"]) for n in ns})
    tau_gen = [common[n] for n in ns]
    out["fd_bar"] = level
    out["tau_gen_own_fd"] = [ts.tau_gen_from_curve(runs[n]["steps"], runs[n]["quality"])
                             for n in ns]
    out["tau_gen_own_loss"] = [ts.tau_gen_from_curve(runs[n]["steps"], runs[n]["test_loss"])
                               for n in ns]
    tau_mem = [ts.crossing_time(runs[n]["steps"], runs[n]["f_mem"], f_thr, "up") for n in ns]
    out["tau_gen"], out["tau_mem"] = tau_gen, tau_mem
    out["tau_gen_own_ratio"] = ratio(out["tau_gen_own_fd"])
    out["monitor_tau_mem"] = [runs[n]["tau_mem"] for n in ns]
    out["heldout_baseline"] = [runs[n]["baseline"] for n in ns]
    out["final_f_mem"] = [runs[n]["f_mem"][-1] for n in ns]
    out["reached"] = [math.isfinite(t) for t in tau_mem]
    out["fit"] = _fit(ns, tau_mem)
    out["tau_mem_loglog_slope"] = ts.loglog_slope(ns, tau_mem)
    out["tau_gen_ratio"] = ratio(tau_gen)
    out["window"] = [m - g for g, m in zip(tau_gen, tau_mem, strict=True)]
    # collapse on steps/n means tau_mem/n is the same for every n: its max/min, beside the
    # max/min of tau_mem itself (what no rescaling gives)
    out["tau_mem_over_n"] = [t / n for n, t in zip(ns, tau_mem, strict=True)]
    # every n must have memorized: a missing tau_mem is not a collapsed one
    out["tau_mem_over_n_ratio"] = ratio(out["tau_mem_over_n"], need_all=True)
    out["tau_mem_ratio"] = ratio(tau_mem, need_all=True)
    return out


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if all(math.isfinite(v) for v in values) else math.nan


def summarize_seeds(by_seed: dict[int, dict[int, dict[str, Any]]], steps: int,
                    f_thr: float) -> dict[str, Any]:
    """``by_seed``: seed -> n -> monitor record. Seed means per n, plus every seed's summary
    (without its curves) under "per_seed"; "runs" holds the first seed's curves."""
    seeds = sorted(by_seed)
    per = [summarize_digits(by_seed[s], steps, f_thr) for s in seeds]
    ns = per[0]["ns"]
    out: dict[str, Any] = {"ns": ns, "seeds": seeds, "steps": steps, "f_thr": f_thr,
                           "runs": per[0]["runs"],
                           "per_seed": [{k: v for k, v in p.items() if k != "runs"} for p in per]}
    for key in ("tau_gen", "tau_mem", "window", "tau_gen_own_fd", "heldout_baseline",
                "final_f_mem", "tau_mem_over_n"):
        out[key] = [_mean([p[key][i] for p in per]) for i in range(len(ns))]
    out["reached"] = [all(p["reached"][i] for p in per) for i in range(len(ns))]
    out["fd_bar"] = float(np.mean([p["fd_bar"] for p in per]))
    out["fit"] = _fit(ns, out["tau_mem"])
    out["tau_mem_loglog_slope"] = ts.loglog_slope(ns, out["tau_mem"])
    out["tau_gen_ratio"] = ratio(out["tau_gen"])
    out["tau_gen_own_ratio"] = ratio(out["tau_gen_own_fd"])
    out["tau_mem_over_n_ratio"] = ratio(out["tau_mem_over_n"], need_all=True)
    out["tau_mem_ratio"] = ratio(out["tau_mem"], need_all=True)
    return out
