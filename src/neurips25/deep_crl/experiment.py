"""The depth experiment: CRL on a point maze at equal env-step and SGD budgets, depth swept.

Paper (arXiv 2503.14858, Table 1 / Fig. 3): going from 4 to 64 layers multiplies time at
goal (Ant U4-Maze 11.4 -> 286); Fig. 9: deep critics' Q follows the maze, shallow ones
cut through walls; Sec. 5 / Fig. 7: residual connections and LayerNorm are what make
depth trainable. Each (depth, architecture, seed) arm runs in its own process with one
torch thread (``workers`` at a time) and is resumable (see ``arms.py``).
"""
from __future__ import annotations

import dataclasses
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.progress import Progress

LAYOUT_NAMES = ("u", "u4", "u5", "serpentine", "large")  # envs.maze.LAYOUTS, kept torch-free here


@dataclass(frozen=True)
class Config:
    seed: int = 0
    layout: str = "u"
    depths: tuple[int, ...] = (4, 16)
    plain_depth: int = 16  # depth of the no-residual/no-LayerNorm ablation arm; 0 = none
    plain_seeds: int = 1  # the ablation arm runs for the first ``plain_seeds`` seeds only
    n_seeds: int = 3
    width: int = 64
    obs_dim: int = 2
    episode_length: int = 50
    step_size: float = 0.5
    num_envs: int = 64
    iterations: int = 40
    sgd_steps_per_iter: int = 50
    batch_size: int = 256
    gamma: float = 0.97
    eval_every: int = 5
    workers: int = 2

    def __post_init__(self) -> None:
        if self.layout not in LAYOUT_NAMES:
            raise ValueError(f"unknown layout {self.layout!r}; choose from {', '.join(LAYOUT_NAMES)}")
        if len(self.depths) < 2 or any(d < 4 or d % 4 for d in self.depths):
            raise ValueError(f"depths needs >= 2 positive multiples of 4, got {self.depths}")
        if self.n_seeds < 1 or self.workers < 1:
            raise ValueError("n_seeds and workers must be >= 1")

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        """U4 maze, depths 4..64, 2 seeds, 15k SGD steps per arm: ~1.5 h on 2 idle cores (estimated, not run)."""
        return cls(layout="u4", episode_length=100, depths=(4, 8, 16, 32, 64), plain_depth=32,
                   n_seeds=2, iterations=300, eval_every=25)

    def arms(self) -> list[Any]:
        """One ``CRLConfig`` per (seed, depth) residual arm plus the plain ablation arm."""
        from neurips25.deep_crl.envs.maze import MazeSpec
        from neurips25.deep_crl.train import CRLConfig

        maze = MazeSpec(self.layout, self.episode_length, self.step_size, obs_dim=self.obs_dim,
                        lift_seed=self.seed)
        base = dict(maze=maze, width=self.width, num_envs=self.num_envs, iterations=self.iterations,
                    sgd_steps_per_iter=self.sgd_steps_per_iter, batch_size=self.batch_size,
                    gamma=self.gamma, eval_every=self.eval_every)
        out = []
        for s in range(self.n_seeds):
            seed = self.seed * 1000 + s
            plain = [(self.plain_depth, False)] if self.plain_depth and s < self.plain_seeds else []
            specs = [(d, True) for d in self.depths] + plain
            for d, res in specs:
                out.append(CRLConfig(**base, critic_depth=d, actor_depth=d, residual=res, layer_norm=res, seed=seed))
        # longest arms first so the workers finish together
        return sorted(out, key=lambda c: -c.critic_depth)


def _run_all(arms: list[Any], out_dir: Path, workers: int, progress: Progress) -> list[dict[str, Any]]:
    from neurips25.deep_crl.arms import run_arm

    dicts = [dataclasses.asdict(a) for a in arms]
    if workers == 1:
        return [run_arm(d, str(out_dir)) for d in progress.track(dicts, "depth arms", total=len(dicts))]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futs = [pool.submit(run_arm, d, str(out_dir)) for d in dicts]
        results = []
        for fut in progress.track(as_completed(futs), "depth arms", total=len(futs)):
            results.append(fut.result())
            progress.log(f"arm {results[-1]['name']} done: success far {results[-1]['final']['success_far']:.2f}")
    return results


def late_mean(history: list[dict[str, Any]], key: str) -> float:
    """Mean of ``key`` over the last third of the evaluations: one evaluation of a few goals is noisy."""
    tail = history[-max(1, len(history) // 3):]
    return float(np.mean([row[key] for row in tail]))


def summarise(results: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per architecture ('res' / 'plain') and depth: per-seed late-training metrics and their means."""
    keys = ("success_near", "success_far", "time_at_goal_near", "time_at_goal_far", "critic_loss", "accuracy")
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for r in sorted(results, key=lambda r: (r["depth"], r["seed"])):
        kind = "res" if r["residual"] else "plain"
        slot = out.setdefault(kind, {}).setdefault(str(r["depth"]), {"seeds": []})
        slot["seeds"].append({**{k: late_mean(r["history"], k) for k in keys}, "topology": r["topology"]["score"],
                              "q_flat": bool(r["topology"].get("flat", False)),
                              "seed": r["seed"], "sgd_steps_per_second": r["sgd_steps_per_second"]})
    for kinds in out.values():
        for slot in kinds.values():
            for k in (*keys, "topology"):
                slot[k] = float(np.mean([s[k] for s in slot["seeds"]]))
            slot["q_flat"] = any(s["q_flat"] for s in slot["seeds"])
    return out


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    from neurips25.deep_crl.plots import plot_depth, plot_learning_curves, plot_q_maps

    out_dir = Path(out_dir)
    arms = config.arms()
    progress.log(f"{len(arms)} arms ({config.iterations * config.sgd_steps_per_iter} SGD steps each), "
                 f"{config.workers} at a time")
    results = _run_all(arms, out_dir, config.workers, progress)
    summary = summarise(results)
    plot_depth(summary, config.episode_length, out_dir / "depth_success.png")
    plot_learning_curves(results, out_dir / "learning_curves.png")
    plot_q_maps(results, config, out_dir / "q_maps.png")
    shallow, deep = min(config.depths), max(config.depths)
    arm = arms[0]
    return {
        "summary": summary,
        "shallow_depth": shallow,
        "deep_depth": deep,
        "plain_depth": config.plain_depth,
        "sgd_steps_per_arm": config.iterations * config.sgd_steps_per_iter,
        "env_steps_per_arm": arm.env_steps,
        "episode_length": config.episode_length,
        "arms": [{k: r.get(k) for k in ("name", "depth", "residual", "seed", "params", "wall_seconds", "cpu_seconds",
                                    "sgd_steps_per_second", "final", "history", "topology")} for r in results],
    }
