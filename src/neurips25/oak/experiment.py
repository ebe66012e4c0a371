"""The STOMP progression on the paper's four-rooms world, end to end.

Subtasks (reward-respecting hallway attainment) -> Options (learned off-policy from one
random behaviour stream, and exact by DP) -> Models (intra-option TD, and exact) ->
Planning (value iteration over options; true value of the greedy policy after k sweeps),
plus shortest-path hallway options as the contrast and feature utility for Oak's
"which subproblems to keep".
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.errors import UserError
from neurips25.common.progress import Progress
from neurips25.common.threads import threads
from neurips25.oak.experience import Stream, behaviour_stream
from neurips25.oak.gridworld import bellman_residual, four_rooms, value_iteration
from neurips25.oak.models import Models, exact_models, learn_models, model_error
from neurips25.oak.options import learn_options, primitive_options, solve_subtask
from neurips25.oak.planning import greedy_value_curve, plan_to_convergence, sweeps_to_reach
from neurips25.oak.routes import occupancy, penalty_entries
from neurips25.oak.subtasks import random_cell_features, reward_respecting, shortest_path
from neurips25.oak.utility import usage, value_added_alone

# v*(start) of this four-rooms world by our own value iteration (a regression value, not
# a figure of the paper)
V_STAR_REFERENCE = 0.725118385
LEARNED = "rr options, learned (models too)"
LEARNED_EXACT_MODELS = "rr options learned, exact models"
NOT_IMPLEMENTED = (
    "function approximation (everything here is tabular, one-hot features)",
    "meta-learned per-weight step sizes (IDBD-style); step sizes are fixed",
    "continual feature discovery: features are fixed cells, utility only ranks them",
    "online interleaving of the four STOMP steps; they run in sequence on one stream",
)


@dataclass(frozen=True)
class Config:
    """``seeds`` independent behaviour streams (seed ``seed + i``) each learn options and
    models, and each draws ``utility_draws`` sets of random cell features."""

    seed: int = 0
    steps: int = 100_000  # behaviour-stream length (one stream per seed)
    seeds: int = 3
    option_alpha: float = 0.1
    model_alpha: float = 0.1
    model_passes: int = 2  # passes of intra-option TD over the stored stream
    bonus: float = 1.0  # b_i of the reward-respecting stopping value
    sweeps: int = 30
    near_optimal: float = 0.95  # "near-optimal" = this fraction of v*(start)
    random_features: int = 8
    utility_draws: int = 5  # per seed
    utility_sweeps: int = 10
    checkpoints: int = 8

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(steps=200_000, seeds=5, model_passes=5, utility_draws=8)

    def __post_init__(self) -> None:
        if self.steps < 100 or self.seeds < 1 or self.model_passes < 1:
            raise UserError("need steps >= 100, seeds >= 1 and model_passes >= 1")
        if self.sweeps < 2 or self.utility_sweeps < 1 or not 0 < self.near_optimal <= 1:
            raise UserError("need sweeps >= 2, utility_sweeps >= 1, 0 < near_optimal <= 1")


def _repeat(stream: Stream, passes: int) -> Stream:
    return Stream(*(np.tile(getattr(stream, f), passes) for f in ("s", "a", "r", "s2", "done")))


def _learned_run(env, cfg: Config, rng: np.random.Generator, prim_exact: Models) -> dict[str, Any]:
    """One behaviour stream -> learned RR hallway options -> learned models -> planning."""
    stream = behaviour_stream(env, cfg.steps, rng)
    subtasks = [reward_respecting(env, h, cfg.bonus) for h in env.hallways]
    learned, _ = learn_options(env, subtasks, stream, cfg.option_alpha)
    options = primitive_options(env) + learned
    exact = prim_exact + exact_models(env, learned)
    trace: list[dict] = []
    total = cfg.steps * cfg.model_passes

    def record(t: int, m: Models) -> None:
        trace.append({"updates": t, **model_error(m, exact)})

    models = learn_models(env, options, _repeat(stream, cfg.model_passes), cfg.model_alpha,
                          every=max(1, total // cfg.checkpoints), on_checkpoint=record)
    exact_curve = greedy_value_curve(exact, exact, cfg.sweeps)[:, env.start]
    return {
        "curve_learned": greedy_value_curve(models, exact, cfg.sweeps)[:, env.start].tolist(),
        "curve_learned_options_exact_models": exact_curve.tolist(),
        "trace": trace,
        "goal_visits": int(stream.done.sum()),
        "policy_agreement": [float(np.mean(o.policy == e.policy)) for o, e in
                             zip(learned, [solve_subtask(env, t)[0] for t in subtasks],
                                 strict=True)],
    }


def _utility(env, cfg: Config, rng: np.random.Generator, prim: Models) -> dict[str, Any]:
    """Per draw of random cells: the hallway and random features' mean usage and gain."""
    hall_u, rand_u, hall_g, rand_g = [], [], [], []
    by_cell: dict[int, list[float]] = {}
    for _ in range(cfg.utility_draws):
        feats = list(env.hallways) + random_cell_features(env, cfg.random_features, rng)
        opts = exact_models(env, [solve_subtask(env, reward_respecting(env, f, cfg.bonus))[0]
                                  for f in feats])
        u = usage(prim + opts, cfg.utility_sweeps)[len(prim):]
        g = value_added_alone((prim, prim), (opts, opts), cfg.utility_sweeps)
        nh = len(env.hallways)
        hall_u.append(float(u[:nh].mean()))
        rand_u.append(float(u[nh:].mean()))
        hall_g.append(float(g[:nh].mean()))
        rand_g.append(float(g[nh:].mean()))
        for f, val in zip(feats, u, strict=True):
            by_cell.setdefault(f, []).append(float(val))
    return {
        "usage_hallway": hall_u, "usage_random": rand_u,
        "gain_hallway": hall_g, "gain_random": rand_g,
        "usage_by_cell": {int(k): float(np.mean(v)) for k, v in by_cell.items()},
    }


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    """Run the study with one BLAS thread (thousands of tiny 104 x 104 solves: on a shared
    2-core box a multi-threaded BLAS makes each of them up to ~1000x slower); returns the
    metrics."""
    with threads(1):
        return _run(config, Path(out_dir), progress)


def seed_arm(cfg: Config, seed: int) -> dict[str, Any]:
    """One seed's behaviour stream -> learned options and models, and its utility draws:
    an arm of the common executor (JSON-able result)."""
    env = four_rooms()
    prim = exact_models(env, primitive_options(env))
    return {"run": _learned_run(env, cfg, np.random.default_rng([seed, 0]), prim),
            "utility": _utility(env, cfg, np.random.default_rng([seed, 1]), prim)}


def _per_seed(runs: list[dict[str, Any]], seeds: list[int], target: float) -> list[dict[str, Any]]:
    """What each seed's learned options and models achieved (the units the claims judge)."""
    return [{
        "seed": seed,
        "sweeps_learned": sweeps_to_reach(np.asarray(r["curve_learned"]), target),
        "value_at_2_learned": float(r["curve_learned"][2]),
        "value_at_2_learned_exact_models": float(r["curve_learned_options_exact_models"][2]),
        "model_error_first": r["trace"][0],
        "model_error_last": r["trace"][-1],
    } for seed, r in zip(seeds, runs, strict=True)]


def _learned(cfg: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    """Learned options and models, and random-feature utility draws, for every seed: one
    arm each through the common executor (``--executor``), kept in ``out_dir/arms`` so a
    resumed run does not learn a finished seed again."""
    from neurips25.common.executor import Arm, run_arms

    seeds = [cfg.seed + i for i in range(cfg.seeds)]
    arms = [Arm(f"seed={s}", seed_arm, (cfg, s)) for s in seeds]
    done = run_arms(arms, cache_dir=out_dir / "arms", progress=progress,
                    description="learn options+models")
    runs = [done[a.key]["run"] for a in arms]
    utils = [done[a.key]["utility"] for a in arms]
    util: dict[str, Any] = {k: sum((u[k] for u in utils), []) for k in utils[0]
                            if k != "usage_by_cell"}
    cells: dict[int, list[float]] = {}
    for u in utils:
        for k, v in u["usage_by_cell"].items():
            cells.setdefault(int(k), []).append(v)
    util["usage_by_cell"] = {k: float(np.mean(v)) for k, v in cells.items()}
    trace = [{k: float(np.mean([r["trace"][i][k] for r in runs])) for k in runs[0]["trace"][0]}
             for i in range(len(runs[0]["trace"]))]
    return {"seeds": seeds, "runs": runs, "utility": util, "trace": trace}


def _run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    cfg, env = config, four_rooms()
    v_star, _ = value_iteration(env)
    s0 = env.start
    target = cfg.near_optimal * v_star[s0]
    progress.log(f"oak: four-rooms, {env.n_states} states; v*(start) = {v_star[s0]:.9f}")

    prim = exact_models(env, primitive_options(env))
    rr = [solve_subtask(env, reward_respecting(env, h, cfg.bonus))[0] for h in env.hallways]
    sp = [solve_subtask(env, shortest_path(env, h, cfg.bonus))[0] for h in env.hallways]
    rr_models, sp_models = prim + exact_models(env, rr), prim + exact_models(env, sp)
    curves = {
        "primitives": greedy_value_curve(prim, prim, cfg.sweeps)[:, s0],
        "rr options, exact": greedy_value_curve(rr_models, rr_models, cfg.sweeps)[:, s0],
        "shortest-path options, exact": greedy_value_curve(sp_models, sp_models, cfg.sweeps)[:, s0],
    }
    lr = _learned(cfg, out_dir, progress)
    runs, util = lr["runs"], lr["utility"]
    curves[LEARNED] = np.mean([r["curve_learned"] for r in runs], 0)
    curves[LEARNED_EXACT_MODELS] = np.mean(
        [r["curve_learned_options_exact_models"] for r in runs], 0)
    pen_rr = np.array([penalty_entries(env, o) for o in rr])  # (4, n)
    pen_sp = np.array([penalty_entries(env, o) for o in sp])
    live = np.arange(env.n_states) != env.goal
    names = [f"{env.cells[h]}" for h in env.hallways]
    _figures(env, out_dir, curves, v_star[s0], names, (rr, sp, pen_rr, pen_sp), lr["trace"], util)

    def at(name: str, k: int) -> float:
        return float(curves[name][k])

    return {
        "v_star_start": float(v_star[s0]),
        "v_star_reference": V_STAR_REFERENCE,
        "bellman_residual": bellman_residual(env, v_star),
        "v_star_with_rr_options": float(plan_to_convergence(rr_models)[s0]),
        "near_optimal_target": float(target),
        "curves": {k: [float(x) for x in v] for k, v in curves.items()},
        "sweeps_to_near_optimal": {k: sweeps_to_reach(v, target) for k, v in curves.items()},
        "value_at": {k: {str(j): at(k, j) for j in (0, 1, 2, 5, 10, 20) if j <= cfg.sweeps}
                     for k in curves},
        "per_seed": _per_seed(runs, lr["seeds"], target),
        "penalty_entries_mean": {"rr": float(pen_rr[:, live].mean()),
                                 "sp": float(pen_sp[:, live].mean())},
        "penalty_entries_per_option_from_start": {
            n: {"rr": float(a[s0]), "sp": float(b[s0])}
            for n, a, b in zip(names, pen_rr, pen_sp, strict=True)},
        "model_error_trace": lr["trace"],
        "learned_goal_visits": [r["goal_visits"] for r in runs],
        "learned_policy_agreement": [r["policy_agreement"] for r in runs],
        "utility": {k: v for k, v in util.items() if k != "usage_by_cell"},
        "utility_mean": {k: float(np.mean(v)) for k, v in util.items() if k != "usage_by_cell"},
        "hallways": names,
        "oak_not_implemented": list(NOT_IMPLEMENTED),
    }


def _figures(env, out_dir: Path, curves: dict[str, np.ndarray], v_start: float,
             names: list[str], exact: tuple, trace: list[dict], util: dict[str, Any]) -> None:
    from neurips25.oak import plots as figures

    s0 = env.start
    rr, sp, pen_rr, pen_sp = exact
    figures.value_vs_sweeps({k: list(v) for k, v in curves.items()}, v_start,
                            out_dir / "value_vs_sweeps.png")
    figures.option_routes(env, {
        "reward-respecting": [(n, occupancy(env, o, s0), p[s0]) for n, o, p in
                              zip(names, rr, pen_rr, strict=True)],
        "shortest-path": [(n, occupancy(env, o, s0), p[s0]) for n, o, p in
                          zip(names, sp, pen_sp, strict=True)],
    }, out_dir / "option_routes.png")
    figures.model_error(trace, out_dir / "model_error.png")
    cell_u = np.full(env.n_states, np.nan)
    for k, v in util["usage_by_cell"].items():
        cell_u[k] = v
    figures.feature_utility(env, cell_u, util["usage_hallway"], util["usage_random"],
                            out_dir / "feature_utility.png")
