"""Across-seed summaries of the arms: per-seed values, means with t intervals, paired differences.

Comparisons pair arms by seed (same buffer / same environment seed, same initialisation
seed), so the interval is over seed-wise differences (``paired_diff_ci``).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from neurips25.common.stats import mean_ci, paired_diff_ci

STITCH_KEYS = ("far_accuracy", "near_accuracy", "topology", "rho_geodesic", "rho_euclidean",
               "val_loss")
ONLINE_KEYS = ("success_near", "success_far", "time_at_goal_near", "time_at_goal_far",
               "critic_loss", "accuracy")


def _ci(values: list[float]) -> dict[str, Any]:
    return mean_ci(values).as_dict()


def _paired(a: list[float], b: list[float]) -> dict[str, Any]:
    return paired_diff_ci(a, b).as_dict()


def stitch_row(r: dict[str, Any]) -> dict[str, Any]:
    """One arm's scalar results; a diverged critic's held-out loss counts as chance, ln(batch)."""
    chance = math.log(r["batch_size"])
    loss = r.get("val_loss")
    topo = r["topology"]
    return {"seed": r["seed"], "far_accuracy": r["far_accuracy"],
            "near_accuracy": r["near_accuracy"], "topology": topo["score"],
            "rho_geodesic": topo["rho_geodesic"], "rho_euclidean": topo["rho_euclidean"],
            "q_flat": bool(topo.get("flat")), "diverged": bool(r.get("diverged")),
            "val_loss": chance if r.get("diverged") or loss is None else min(float(loss), chance),
            "cpu_seconds": r.get("cpu_seconds"), "wall_seconds": r.get("wall_seconds")}


def _group(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    rows = sorted(rows, key=lambda s: s["seed"])
    out: dict[str, Any] = {"seeds": rows}
    for k in keys:
        out[k] = _ci([s[k] for s in rows])
    return out


def _by_depth(results: list[dict[str, Any]], pick) -> dict[str, Any]:
    depths = sorted({r["depth"] for r in results if pick(r)})
    return {str(d): _group([stitch_row(r) for r in results if pick(r) and r["depth"] == d],
                           STITCH_KEYS) for d in depths}


def _paired_key(groups: dict[str, Any], hi: int, lo: int, key: str) -> dict[str, Any] | None:
    """Seed-paired interval of groups[hi][key] - groups[lo][key]."""
    return _pair_groups(groups.get(str(hi)), groups.get(str(lo)), key)


def stitch_summary(results: list[dict[str, Any]], config: Any) -> dict[str, Any]:
    """Residual critics by depth, the plain sweep (best by held-out loss), levers, paired gaps."""
    base_b, base_o = config.stitch_batch, 2

    def plain_res(r: dict[str, Any]) -> bool:
        return r["kind"] == "res" and r["batch_size"] == base_b and r["obs_dim"] == base_o

    res = _by_depth(results, plain_res)
    shallow, deep = min(config.stitch_depths), max(config.stitch_depths)
    out: dict[str, Any] = {"layout": config.stitch_layout, "near_max": config.near_max,
                           "width": config.stitch_width, "steps": config.stitch_steps,
                           "batch_size": base_b, "shallow_depth": shallow, "deep_depth": deep,
                           "res": res, "paired": {}}
    for key in ("far_accuracy", "topology", "near_accuracy", "val_loss"):
        out["paired"][f"{key}_deep_minus_shallow"] = _paired_key(res, deep, shallow, key)
    levers = (("lever_batch", config.lever_batch > 0, (config.lever_batch, base_o)),
              ("lever_obs", config.lever_obs_dim > 2, (base_b, config.lever_obs_dim)))
    for lever, on, (batch, obs) in levers:
        if not on:
            continue
        groups = _by_depth(results, lambda r, b=batch, o=obs: r["kind"] == "res"
                           and r["batch_size"] == b and r["obs_dim"] == o)
        gain = {d: {k: _pair_groups(g, res.get(d), k) for k in ("far_accuracy", "topology")}
                for d, g in groups.items()}
        out[lever] = {"batch_size": batch, "obs_dim": obs, "res": groups, "gain": gain,
                      "gain_deep_minus_shallow": _interaction(groups, res)}
    plain = [r for r in results if r["kind"] == "plain"]
    if plain:
        out["plain"] = plain_summary(plain, res, config, shallow)
    return out


def _interaction(lever: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Does a lever help the deepest of its depths more than the shallowest (the paper: larger
    batches pay off at depth)? Seed-paired interval of (lever - base)_deep - (lever - base)_shallow.
    """
    depths = sorted((d for d in lever if d in base), key=int)
    if len(depths) < 2:
        return {}
    lo, hi = depths[0], depths[-1]
    out: dict[str, Any] = {"deep": int(hi), "shallow": int(lo)}
    for key in ("far_accuracy", "topology"):
        vals = [{s["seed"]: s[key] for s in g["seeds"]} for g in
                (lever[hi], base[hi], lever[lo], base[lo])]
        seeds = sorted(set.intersection(*(set(v) for v in vals)))
        if seeds:
            out[key] = _paired([vals[0][s] - vals[1][s] for s in seeds],
                               [vals[2][s] - vals[3][s] for s in seeds])
    return out


def _setting(r: dict[str, Any]) -> tuple[float, str]:
    return r["lr"], r.get("init", "paper")


def best_plain(swept: list[dict[str, Any]]) -> tuple[float, str]:
    """The (lr, init) of the sweep with the lowest mean held-out loss (diverged = chance loss)."""
    settings = sorted({_setting(r) for r in swept})
    return min(settings, key=lambda st: float(np.mean([stitch_row(r)["val_loss"] for r in swept
                                                       if _setting(r) == st])))


def plain_summary(plain: list[dict[str, Any]], res: dict[str, Any], config: Any,
                  shallow: int) -> dict[str, Any]:
    """The plain net at the best (lr, init) of its sweep (picked on the sweep seeds) vs residual."""
    depth = config.plain_depth
    sweep_seeds = set(range(config.seed, config.seed + config.plain_sweep_seeds))
    swept = [r for r in plain if r["seed"] in sweep_seeds]
    best = best_plain(swept)
    sweep = {f"{init} lr {lr:g}": _group([stitch_row(r) for r in swept
                                          if _setting(r) == (lr, init)], STITCH_KEYS)
             for lr, init in sorted({_setting(r) for r in swept})}
    plain_best = _group([stitch_row(r) for r in plain if _setting(r) == best], STITCH_KEYS)
    return {"depth": depth, "shallow_depth": shallow, "best_lr": best[0], "best_init": best[1],
            "sweep_seeds": len(sweep_seeds), "sweep": sweep, "best": plain_best,
            "val_loss_plain_minus_res": _pair_groups(plain_best, res.get(str(depth)), "val_loss"),
            "val_loss_plain_minus_shallow_res": _pair_groups(plain_best, res.get(str(shallow)),
                                                             "val_loss"),
            "far_accuracy_res_minus_plain": _pair_groups(res.get(str(depth)), plain_best,
                                                         "far_accuracy")}


def _pair_groups(a: dict[str, Any] | None, b: dict[str, Any] | None,
                 key: str) -> dict[str, Any] | None:
    """Seed-paired interval of a[key] - b[key] over the seeds both groups hold."""
    if a is None or b is None:
        return None
    va = {s["seed"]: s[key] for s in a["seeds"]}
    vb = {s["seed"]: s[key] for s in b["seeds"]}
    seeds = sorted(set(va) & set(vb))
    return _paired([va[s] for s in seeds], [vb[s] for s in seeds]) if seeds else None


def late_mean(history: list[dict[str, Any]], key: str) -> float:
    """Mean of ``key`` over the last third of the evaluations (one evaluation is noisy)."""
    tail = history[-max(1, len(history) // 3):]
    return float(np.mean([row[key] for row in tail]))


def online_summary(results: list[dict[str, Any]], config: Any) -> dict[str, Any]:
    """Per depth: per-seed late-training success / time at goal / topology, means with intervals."""
    res: dict[str, Any] = {}
    for d in sorted({r["depth"] for r in results}):
        rows = [{"seed": r["seed"], **{k: late_mean(r["history"], k) for k in ONLINE_KEYS},
                 "topology": r["topology"]["score"], "q_flat": bool(r["topology"].get("flat")),
                 "cpu_seconds": r.get("cpu_seconds"), "wall_seconds": r.get("wall_seconds")}
                for r in results if r["depth"] == d]
        res[str(d)] = _group(rows, (*ONLINE_KEYS, "topology"))
    shallow, deep = min(config.depths), max(config.depths)
    paired = {f"{k}_deep_minus_shallow": _paired_key(res, deep, shallow, k)
              for k in ("time_at_goal_far", "success_far", "time_at_goal_near", "topology")}
    return {"layout": config.layout, "width": config.width, "episode_length": config.episode_length,
            "sgd_steps": config.iterations * config.sgd_steps_per_iter,
            "env_steps": config.iterations * config.num_envs * config.episode_length,
            "shallow_depth": shallow, "deep_depth": deep, "res": res, "paired": paired}
