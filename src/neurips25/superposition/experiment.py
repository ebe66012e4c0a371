"""Sweep width m, decay sign gamma and frequency profile, over seeds; fit loss ~ m^-a.

Strong superposition (gamma < 0, every feature kept at norm ~1) should give a ~ 1
whatever the profile (paper Fig. 1d, Fig. 6e); weak superposition (gamma > 0) should
follow the loss of the features it drops, a power law m^-(alpha-1) for p_i ~ i^-alpha
(paper Fig. 5). Every (regime, profile, seed) gets its own fit; claims judge the
across-seed mean with a t interval.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neurips25.common.progress import NullProgress, Progress

if TYPE_CHECKING:
    from neurips25.superposition.train import RunSpec

# metrics and train import torch: they load inside the functions that use them, so that
# importing this module (``neurips25 list``) stays free of torch

REGIMES = {"strong": -1.0, "weak": 1.0}


@dataclass(frozen=True)
class Config:
    """``alpha`` is the power profile of the strong regime (1.2, as in the paper's Fig. 1d);
    ``weak_alpha`` that of the weak regime, where the paper predicts the exponent alpha - 1:
    at alpha = 2 the finite-n tail of p_i is close to its asymptote, so alpha - 1 = 1 is
    testable at n = 1024 (at 1.2, the predicted 0.2 is swamped by finite-n curvature).

    ``widths`` (strong regime) keep n/m >= 32 so every feature stays in superposition;
    ``weak_widths`` span the paper's own weak sweep (Fig. 5: n = 1000, m = 10..100), where
    the weak model holds enough features for the tail of p_i to set the slope."""

    n: int = 1024
    widths: tuple[int, ...] = (4, 8, 16, 32)
    weak_widths: tuple[int, ...] = (12, 24, 48, 96)
    profiles: tuple[str, ...] = ("power", "exponential", "linear")  # strong regime
    weak_profiles: tuple[str, ...] = ("power", "linear")
    alpha: float = 1.2
    weak_alpha: float = 2.0
    steps: int = 600
    batch: int = 256
    lr: float = 1e-2
    seed: int = 0
    seeds: int = 3
    device: str = "cpu"  # torch device of every run (``neurips25 run --device``)

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(n=2048, widths=(4, 8, 16, 32, 64), weak_widths=(12, 24, 48, 96, 192),
                   steps=4000, batch=1024, weak_profiles=("power", "exponential", "linear"),
                   seeds=3)

    def __post_init__(self) -> None:
        if min(self.widths + self.weak_widths) < 1:
            raise ValueError("widths must be >= 1")
        if self.n / max(self.widths) < 32:
            raise ValueError("keep n/m >= 32 so that every width is in the superposition regime")
        if max(self.weak_widths) > self.n // 4:
            raise ValueError(f"weak widths must be <= n/4 = {self.n // 4}")
        if self.seeds < 1:
            raise ValueError(f"seeds must be >= 1, got {self.seeds}")

    def seed_list(self) -> list[int]:
        return [self.seed + i for i in range(self.seeds)]

    def specs(self) -> list[RunSpec]:
        from neurips25.superposition.train import RunSpec

        plan = [("strong", p, self.alpha, self.widths) for p in self.profiles]
        plan += [("weak", p, self.weak_alpha, self.weak_widths) for p in self.weak_profiles]
        return [
            RunSpec(n=self.n, m=m, gamma=REGIMES[regime], profile=profile, alpha=alpha,
                    steps=self.steps, batch=self.batch, lr=self.lr, seed=seed)
            for seed in self.seed_list()
            for regime, profile, alpha, widths in plan
            for m in widths
        ]


def regime_of(gamma: float) -> str:
    return "strong" if gamma < 0 else "weak"


def train_all(config: Config, out_dir: Path, progress: Progress) -> list[dict[str, Any]]:
    """Every (regime, profile, width, seed) model, trained in groups that share samples (one
    seed and one feature profile: ``batched.train_group``); each group is one arm of the
    common executor (``--executor``), one torch thread each, the largest first so that the
    workers finish together. Finished arms are kept in ``out_dir/arms`` and not trained
    again when an interrupted run is resumed."""
    from neurips25.common.executor import Arm, run_arms
    from neurips25.superposition.batched import group_name, groups_of, train_group
    from neurips25.superposition.train import arm_key

    groups = sorted(groups_of(config.specs()),
                    key=lambda g: -sum(4 + s.m for s in g))  # ~ cost of a step
    arms = [Arm(group_name(g), train_group, (tuple(g),), {"device": config.device})
            for g in groups]
    done = run_arms(arms, cache_dir=Path(out_dir) / "arms", progress=progress,
                    description="toy models")
    rows = {arm_key(s): row for a, g in zip(arms, groups, strict=True)
            for s, row in zip(g, done[a.key], strict=True)}
    return [rows[arm_key(s)] for s in config.specs()]


def run(config: Config, out_dir: Path, progress: Progress | None = None) -> dict[str, Any]:
    from neurips25.superposition.summary import summarise

    progress = progress or NullProgress()
    runs = train_all(config, out_dir, progress)
    fits = summarise(runs)
    from neurips25.superposition.plots import plot_all

    plot_all(runs, fits, out_dir)
    return {"n": config.n, "alpha": config.alpha, "weak_alpha": config.weak_alpha,
            "seeds": config.seed_list(), "runs": runs, "fits": fits}
