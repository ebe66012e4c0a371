"""Numbers from one seed's arm results, and their across-seed means with t intervals.

Per seed, pairs of arms are compared on the same problems (paired bootstrap over problems,
``stats.compare``). Across seeds, each comparison's point estimate is one draw; claims judge
the mean over seeds with a Student-t interval (``common.stats``), never a single draw.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from neurips25.common.stats import mean_ci
from neurips25.rlvr_passk.coverage import coverage
from neurips25.rlvr_passk.estimators import pass_at_k_curve
from neurips25.rlvr_passk.stats import compare


def _pow2(k_max: int) -> list[int]:
    ks = [2**i for i in range(int(np.log2(k_max)) + 1)]
    return ks if ks[-1] == k_max else [*ks, k_max]


def _point(mat: np.ndarray, rows: slice | np.ndarray | None = None) -> np.ndarray:
    return (mat if rows is None else mat[rows]).mean(0)


def _ci_at(band: Any, k: int) -> list[float]:
    return [band.at(k), float(band.lo[k - 1]), float(band.hi[k - 1])]


def _by_carries(carries: np.ndarray, c: np.ndarray, n: int) -> dict[str, dict[str, float]]:
    """Base model per carry count: problems, mean pass@1, pass@n (share solved at least once)."""
    out = {}
    for k in sorted(set(carries.tolist())):
        sel = carries == k
        out[str(k)] = {"problems": int(sel.sum()), "pass1": float(c[sel].mean() / n),
                       "passK": float((c[sel] > 0).mean())}
    return out


def summarise_seed(res: dict[str, Any], cfg: Any) -> dict[str, Any]:
    """Per-seed metrics from ``pipeline.run_seed``'s output (JSON-able, no sample arrays)."""
    n, kk, ne = cfg.n_samples, cfg.n_samples, cfg.n_easy
    counts = {k: np.asarray(v) for k, v in res["counts"].items()}
    n_arr = np.full(len(res["carries"]), n)
    curves = {name: pass_at_k_curve(n_arr, c, kk) for name, c in counts.items()}
    ks = _pow2(kk)
    arms = {}
    for name, mat in curves.items():
        allp, easy, hard = _point(mat), _point(mat, slice(0, ne)), _point(mat, slice(ne, None))
        arms[name] = {"pass_at_k": {str(k): float(allp[k - 1]) for k in ks},
                      "pass1_easy": float(easy[0]), "pass1_hard": float(hard[0]),
                      "passK_hard": float(hard[kk - 1]), "tag_c_share": res["tag_c"][name]}
    paired = {}
    for name in ("rl", "rl_edge", "distill"):
        cmp_ = compare(n_arr, counts["base"], n_arr, counts[name], kk, cfg.n_boot, res["seed"])
        cov = coverage([str(i) for i in range(len(n_arr))], counts["base"], counts[name])
        paired[name] = {"diff_pass1": _ci_at(cmp_.diff, 1), "diff_passK": _ci_at(cmp_.diff, kk),
                        "k_star": cmp_.k_star, "coverage": cov.counts()}
    steps = [*cfg.rl_checkpoints, cfg.rl_steps]
    traj = [f"rl@{s}" for s in cfg.rl_checkpoints] + ["rl"]
    ppl = {k: np.asarray(v) for k, v in res["ppl"].items()}
    q90 = float(np.quantile(ppl["base"], 0.9))
    return {
        "seed": res["seed"], **res["info"],
        "base_by_carries": _by_carries(np.asarray(res["carries"]), counts["base"], n),
        "base_unsolved_hard": int((counts["base"][ne:] == 0).sum()),
        "arms": arms, "paired_vs_base": paired,
        "rl_trajectory": {"steps": steps,
                          "pass1": [float(curves[t][:, 0].mean()) for t in traj],
                          "passK": [float(curves[t][:, kk - 1].mean()) for t in traj]},
        "perplexity_under_base_median": {k: float(np.median(ppl[k]))
                                         for k in ("base", "rl", "rl_edge", "distill")},
        "perplexity_rl_under_rl_median": float(np.median(ppl["rl_under_rl"])),
        "perplexity_base_q90": q90,
        "perplexity_rl_share_below_base_q90": float(np.mean(ppl["rl"] <= q90)),
    }


def _ci(values: Sequence[float]) -> dict[str, Any]:
    return mean_ci(values).as_dict()


def across_seeds(per_seed: list[dict[str, Any]]) -> dict[str, Any]:
    """Across-seed means with 95% t intervals of every compared quantity the claims use."""
    def col(path: Sequence[str | int]) -> list[float]:
        vals = []
        for s in per_seed:
            v: Any = s
            for p in path:
                v = v[p]
            vals.append(float(v))
        return vals

    out: dict[str, Any] = {"n_seeds": len(per_seed)}
    for arm in ("rl", "rl_edge", "distill"):
        for k in ("pass1", "passK"):
            out[f"{arm}_minus_base_{k}"] = _ci(col(("paired_vs_base", arm, f"diff_{k}", 0)))
        solved = [s["paired_vs_base"][arm]["coverage"] for s in per_seed]
        out[f"{arm}_only"] = [c["rl_only"] for c in solved]
        out[f"{arm}_only_share"] = _ci([c["rl_only"] / max(1, c["rl_only"] + c["both"])
                                        for c in solved])
        out[f"{arm}_k_star"] = [s["paired_vs_base"][arm]["k_star"] for s in per_seed]
    for arm in ("base", "rl", "rl_edge", "distill"):
        out[f"{arm}_pass1"] = _ci([s["arms"][arm]["pass_at_k"]["1"] for s in per_seed])
        big = max(per_seed[0]["arms"][arm]["pass_at_k"], key=int)
        out[f"{arm}_passK"] = _ci([s["arms"][arm]["pass_at_k"][big] for s in per_seed])
    out["base_passK_hard"] = _ci(col(("arms", "base", "passK_hard")))
    trajs = [s["rl_trajectory"] for s in per_seed]
    out["trajectory_pass1"] = np.mean([t["pass1"] for t in trajs], 0).tolist()
    out["trajectory_passK"] = np.mean([t["passK"] for t in trajs], 0).tolist()
    out["longer_pass1"] = _ci([t["pass1"][-1] - t["pass1"][0] for t in trajs])
    out["longer_passK"] = _ci([t["passK"][-1] - t["passK"][0] for t in trajs])
    med = [s["perplexity_under_base_median"] for s in per_seed]
    out["ppl_log_ratio_rl_base"] = _ci([np.log(m["rl"] / m["base"]) for m in med])
    out["ppl_rl_share_below_base_q90"] = _ci(col(("perplexity_rl_share_below_base_q90",)))
    return out
