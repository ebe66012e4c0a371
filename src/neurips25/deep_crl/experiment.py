"""The depth experiment: stitching critics (both presets) and the online depth sweep (full).

Paper (arXiv 2503.14858v3): depth 4 -> 64 multiplies time at goal (Table 1: Ant U4-Maze
11.4 -> 286); deep critics' Q follows the maze where shallow ones cut through the wall
(Fig. 9, U4-Maze); deeper critics generalise to start-goal pairs never seen together
("Deep networks exhibit improved generalization": train on pairs <= 3 units apart);
residual connections + LayerNorm make depth trainable (Sec. 4). Part 1 trains critics only
on a fixed buffer's near pairs (``stitch_*``); part 2 (``online``) trains actor and critic
online per depth. Every arm is an independent, resumable unit of work (``arms.py``) run in
two rounds through the common executor (``run_plan``).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurips25.common.progress import Progress

LAYOUT_NAMES = ("u", "u4", "u5", "serpentine", "large")  # envs.maze.LAYOUTS, kept torch-free here


@dataclass(frozen=True)
class Config:
    seed: int = 0
    seeds: int = 3  # stitching seeds: seed, seed + 1, ...
    device: str = "cpu"
    workers: int = 2  # arms at a time on the local pool, one torch thread each
    stack_seeds: bool = True  # stitching arms differing only by seed: one stacked program
    # part 1: stitching critics (critic only, fixed buffer, near pairs only)
    stitch_layout: str = "large"
    near_max: int = 3
    stitch_episodes: int = 1024  # random walks in each seed's fixed buffer
    stitch_depths: tuple[int, ...] = (4, 16, 32)
    stitch_width: int = 64
    stitch_steps: int = 1000
    stitch_batch: int = 256
    plain_depth: int = 16  # ablation: no residual, no LayerNorm, at this depth; 0 = none
    plain_lrs: tuple[float, ...] = (1e-4, 3e-4, 1e-3)  # the plain net's own learning-rate sweep
    plain_inits: tuple[str, ...] = ("swish_he",)  # and inits (the paper's vanishes without LN)
    plain_sweep_seeds: int = 1  # the sweep runs on the first seeds; the others at its best lr
    lever_batch: int = 0  # > 0: lever arms at this batch size (the paper: batch grown with depth)
    lever_obs_dim: int = 0  # > 2: lever arms on random-Fourier-lifted observations of this size
    lever_depths: tuple[int, ...] = ()  # depths (of stitch_depths) that get the lever arms
    lever_seeds: int = 3
    # part 2: online CRL depth sweep (actor + critic), off in the quick preset
    online: bool = False
    online_seeds: int = 3  # cap: the online sweep runs min(seeds, online_seeds) seeds
    layout: str = "u4"
    depths: tuple[int, ...] = (4, 8, 16, 32, 64)
    width: int = 64
    episode_length: int = 100
    step_size: float = 0.5
    num_envs: int = 64
    iterations: int = 120
    sgd_steps_per_iter: int = 50
    batch_size: int = 256
    gamma: float = 0.99
    eval_every: int = 10

    def __post_init__(self) -> None:
        for name in ("layout", "stitch_layout"):
            if getattr(self, name) not in LAYOUT_NAMES:
                raise ValueError(f"unknown {name} {getattr(self, name)!r}; "
                                 f"choose from {', '.join(LAYOUT_NAMES)}")
        for name in ("depths", "stitch_depths"):
            ds = getattr(self, name)
            if len(ds) < 2 or any(d < 4 or d % 4 for d in ds):
                raise ValueError(f"{name} needs >= 2 positive multiples of 4, got {ds}")
        if self.plain_depth and self.plain_depth not in self.stitch_depths:
            raise ValueError(f"plain_depth {self.plain_depth} must be one of stitch_depths "
                             f"{self.stitch_depths}")
        if not set(self.lever_depths) <= set(self.stitch_depths):
            raise ValueError(f"lever_depths {self.lever_depths} must be among stitch_depths "
                             f"{self.stitch_depths}")
        if not 1 <= self.plain_sweep_seeds <= self.seeds:
            raise ValueError(f"plain_sweep_seeds must be in 1..seeds, got {self.plain_sweep_seeds}")
        if self.seeds < 1 or self.online_seeds < 1 or self.workers < 1:
            raise ValueError("seeds, online_seeds and workers must be >= 1")
        if not self.plain_lrs or any(lr <= 0 for lr in self.plain_lrs):
            raise ValueError(f"plain_lrs needs positive learning rates, got {self.plain_lrs}")
        if not self.plain_inits or not set(self.plain_inits) <= {"paper", "swish_he"}:
            raise ValueError(f"plain_inits must be among 'paper', 'swish_he', "
                             f"got {self.plain_inits}")

    @classmethod
    def quick(cls) -> Config:
        """Stitching critics only: 3 seeds x depths 4/16/32, 1000 steps each (800 saved ~30 s
        wall but weakened deep_q_follows_maze from reproduced to partly); the plain d16 net's lr
        sweep on seed 0, then seeds 1-2 at its best lr."""
        return cls(stitch_depths=(4, 16, 32))

    @classmethod
    def full(cls) -> Config:
        """Stitching: 5 seeds x depths 4-64, plain d16 swept (lr x init) on 2 seeds, levers at
        d4/d32 on 3 seeds; the online U4 sweep: depths 4-64, 3 seeds, 6k SGD steps, width 64."""
        return cls(seeds=5, stitch_depths=(4, 16, 32, 64), plain_inits=("paper", "swish_he"),
                   plain_sweep_seeds=2, lever_batch=1024, lever_obs_dim=16, lever_depths=(4, 32),
                   online=True)

    # ---- arms ------------------------------------------------------------------------
    def _stitch_base(self) -> tuple[Any, dict[str, Any]]:
        from neurips25.deep_crl.stitch_data import StitchSpec

        data = StitchSpec(layout=self.stitch_layout, near_max=self.near_max,
                          episodes=self.stitch_episodes)
        return data, dict(width=self.stitch_width, steps=self.stitch_steps,
                          batch_size=self.stitch_batch, device=self.device)

    def plain_sweep_arms(self) -> list[Any]:
        """The plain net (no residual, no LayerNorm) at every (lr, init), on the sweep seeds."""
        from neurips25.deep_crl.stitch_train import StitchArm

        data, base = self._stitch_base()
        if not self.plain_depth:
            return []
        return [StitchArm(data, depth=self.plain_depth, residual=False, layer_norm=False, lr=lr,
                          init=init, seed=self.seed + s, **base)
                for s in range(self.plain_sweep_seeds) for init in self.plain_inits
                for lr in self.plain_lrs]

    def plain_rest_arms(self, best: tuple[float, str]) -> list[Any]:
        """The plain net on the remaining seeds at the sweep's best (learning rate, init)."""
        from neurips25.deep_crl.stitch_train import StitchArm

        data, base = self._stitch_base()
        lr, init = best
        return [StitchArm(data, depth=self.plain_depth, residual=False, layer_norm=False, lr=lr,
                          init=init, seed=self.seed + s, **base)
                for s in range(self.plain_sweep_seeds, self.seeds)]

    def stitch_arms(self) -> list[Any]:
        """Residual critics per (seed, depth) and the lever arms, in ``_stitch_priority`` order."""
        from neurips25.deep_crl.stitch_train import StitchArm

        data, base = self._stitch_base()
        out = []
        for s in range(self.seeds):
            seed = self.seed + s
            for d in self.stitch_depths:
                out.append(StitchArm(data, depth=d, seed=seed, **base))
                if d not in self.lever_depths or s >= self.lever_seeds:
                    continue
                if self.lever_batch:
                    wide = {**base, "batch_size": self.lever_batch}
                    out.append(StitchArm(data, depth=d, seed=seed, **wide))
                if self.lever_obs_dim > 2:
                    lifted = dataclasses.replace(data, obs_dim=self.lever_obs_dim)
                    out.append(StitchArm(lifted, depth=d, seed=seed, **base))
        return sorted(out, key=self._stitch_priority)

    def _stitch_priority(self, a: Any) -> tuple[int, int, int]:
        """Order that keeps a cut-short run useful: the shallowest and deepest critics of the first
        3 seeds, then the lever arms with their baselines, then the rest; seed by seed."""
        s = a.seed - self.seed
        lever = a.batch_size != self.stitch_batch or a.data.obs_dim != 2
        ends = (min(self.stitch_depths), max(self.stitch_depths))
        if not lever and a.depth in ends and s < 3:
            return 0, s, a.depth
        if (lever or a.depth in self.lever_depths) and s < self.lever_seeds:
            return 1, s, a.depth
        return 2, s, a.depth

    def online_arms(self) -> list[Any]:
        """One ``CRLConfig`` per (seed, depth): shallowest and deepest seed by seed first, then the
        middle depth, then the rest, so a sweep cut short still holds seed-paired extremes."""
        from neurips25.deep_crl.envs.maze import MazeSpec
        from neurips25.deep_crl.train import CRLConfig

        if not self.online:
            return []
        maze = MazeSpec(self.layout, self.episode_length, self.step_size)
        base = dict(maze=maze, width=self.width, num_envs=self.num_envs, iterations=self.iterations,
                    sgd_steps_per_iter=self.sgd_steps_per_iter, batch_size=self.batch_size,
                    gamma=self.gamma, eval_every=self.eval_every, device=self.device)
        ds = sorted(self.depths)
        mid = (math.log2(ds[0]) + math.log2(ds[-1])) / 2  # then the middle depth, then the rest
        rest = sorted(ds[1:-1], key=lambda d: (abs(math.log2(d) - mid), -d))
        n = min(self.seeds, self.online_seeds)  # an online arm costs ~100 stitching arms
        pairs = [(d, s) for s in range(n) for d in (ds[0], ds[-1])]
        pairs += [(d, s) for d in rest for s in range(n)]
        return [CRLConfig(**base, critic_depth=d, actor_depth=d, seed=self.seed + s)
                for d, s in pairs]

    def first_round(self, part: str = "all") -> list[Any]:
        """Arms that depend on no other: the plain net's sweep, then the stitching critics.

        ``part``: "stitch", "online" or "all". Online arms wait for the second round, so a
        sweep cut short holds the cheap stitching arms (~10-90 CPU-s each) before the online
        ones (~140-1000 CPU-s each).
        """
        from neurips25.deep_crl.arms import stitch_task

        if part not in PARTS:
            raise ValueError(f"part must be one of {', '.join(PARTS)}, got {part!r}")
        if part == "online":
            return []
        return [stitch_task(a) for a in (*self.plain_sweep_arms(), *self.stitch_arms())]

    def second_round(self, part: str, done: dict[str, dict[str, Any]]) -> list[Any]:
        """The plain net's other seeds at the best setting of its sweep (read from ``done``, the
        first round's results by name), then the online arms."""
        from neurips25.deep_crl.arms import online_task, stitch_task
        from neurips25.deep_crl.summary import best_plain

        tasks = []
        swept = [stitch_task(a).name for a in self.plain_sweep_arms()]
        if part != "online" and swept:
            best = best_plain([done[n] for n in swept])
            tasks += [stitch_task(a) for a in self.plain_rest_arms(best)]
        if part != "stitch":
            tasks += [online_task(a) for a in self.online_arms()]
        return tasks


PARTS = ("stitch", "online", "all")


def run_plan(config: Config, part: str, out_dir: Path, progress: Progress
             ) -> list[dict[str, Any]]:
    """Both rounds through the common executor (finished arms reused); results in plan order."""
    from neurips25.deep_crl.arms import run_round

    stack = config.stack_seeds
    first = run_round(config.first_round(part), out_dir, config.workers, progress,
                      "deep_crl arms, round 1 (stitching)", stack=stack)
    second = run_round(config.second_round(part, first), out_dir, config.workers, progress,
                       "deep_crl arms, round 2 (plain seeds, online)", stack=stack)
    return [*first.values(), *second.values()]


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    """Run every arm (reusing finished ones), summarise over seeds, draw the figures."""
    out_dir = Path(out_dir)
    online_steps = config.iterations * config.sgd_steps_per_iter if config.online else 0
    progress.log(f"stitching {config.stitch_steps} steps per critic; online {online_steps} SGD "
                 f"steps per arm; {config.workers} worker(s)")
    results = run_plan(config, "all", out_dir, progress)
    return summarise(results, config, out_dir)


def summarise(results: list[dict[str, Any]], config: Config, out_dir: Path) -> dict[str, Any]:
    """Metrics and figures from arm results (all of a run's, or the finished ones of a sweep)."""
    from neurips25.deep_crl.plots import draw_all
    from neurips25.deep_crl.summary import online_summary, stitch_summary

    online_res = [r for r in results if "history" in r]
    stitch_res = [r for r in results if "history" not in r]
    metrics: dict[str, Any] = {"stitching": stitch_summary(stitch_res, config)}
    if online_res:
        metrics["online"] = online_summary(online_res, config)
    metrics["figures"] = draw_all(metrics, stitch_res, online_res, config, out_dir)
    metrics["cpu_seconds_in_arms"] = sum(r.get("cpu_seconds") or 0.0 for r in results)
    return metrics
