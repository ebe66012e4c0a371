"""Sweep width m, decay sign gamma and frequency profile; fit loss ~ m^-a per regime.

Strong superposition (gamma < 0, every feature kept at norm ~1) should give a ~ 1
whatever the profile (paper Fig. 1 and its profile fits); weak superposition (gamma > 0)
should follow the loss of the features it drops, whose exponent depends on the profile.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from neurips25.common.progress import NullProgress, Progress

if TYPE_CHECKING:
    from neurips25.superposition.train import RunSpec

# metrics and train import torch: they load inside the functions that use them, so that
# importing this module (``neurips25 list``) stays free of torch

REGIMES = {"strong": -1.0, "weak": 1.0}


@dataclass(frozen=True)
class Config:
    n: int = 1024
    widths: tuple[int, ...] = (8, 12, 20, 32)
    profiles: tuple[str, ...] = ("power", "exponential", "linear")
    alpha: float = 1.2
    steps: int = 1200
    batch: int = 512
    lr: float = 1e-2
    workers: int = 2
    seed: int = 0

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(n=2048, widths=(8, 12, 16, 24, 32, 48, 64), steps=5000, batch=1024)

    def __post_init__(self) -> None:
        if min(self.widths) < 1 or max(self.widths) > self.n:
            raise ValueError(f"widths must lie in [1, n={self.n}]")
        if self.n / max(self.widths) < 32:
            raise ValueError("keep n/m >= 32 so that every width is in the superposition regime")

    def specs(self) -> list[RunSpec]:
        from neurips25.superposition.train import RunSpec

        return [
            RunSpec(n=self.n, m=m, gamma=gamma, profile=profile, alpha=self.alpha,
                    steps=self.steps, batch=self.batch, lr=self.lr, seed=self.seed)
            for regime, gamma in REGIMES.items()
            for profile in self.profiles
            for m in self.widths
        ]


def _regime(gamma: float) -> str:
    return "strong" if gamma < 0 else "weak"


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Power-law fits of loss, unlearned loss and overlap vs m for every (regime, profile)."""
    from neurips25.superposition.metrics import fit_power_law
    from neurips25.superposition.train import as_array

    fits: dict[str, Any] = {}
    for regime in REGIMES:
        for profile in sorted({r["profile"] for r in runs}):
            rows = sorted((r for r in runs if _regime(r["gamma"]) == regime and r["profile"] == profile),
                          key=lambda r: r["m"])
            if len(rows) < 2:
                continue
            m = as_array(rows, "m")
            entry: dict[str, Any] = {"m": m.tolist()}
            loss_fit = fit_power_law(m, as_array(rows, "loss"))
            entry["loss_exponent"], entry["loss_r2"] = loss_fit.exponent, loss_fit.r2
            unlearned = as_array(rows, "unlearned_loss")
            if (unlearned > 0).all():
                u_fit = fit_power_law(m, unlearned)
                entry["unlearned_exponent"] = u_fit.exponent
            entry["unlearned_share"] = float(np.median(unlearned / as_array(rows, "loss")))
            ov = as_array(rows, "mean_sq_overlap")
            # overlaps are the strong regime's story; weak rows are too few to fill m dims
            if regime == "strong" and np.isfinite(ov).all() and (ov > 0).all():
                entry["overlap_exponent"] = fit_power_law(m, ov).exponent
                entry["overlap_over_welch"] = float(np.median(ov / as_array(rows, "welch_bound")))
            fits[f"{regime}/{profile}"] = entry
    return fits


def run(config: Config, out_dir: Path, progress: Progress | None = None) -> dict[str, Any]:
    from neurips25.superposition.train import run_specs

    progress = progress or NullProgress()
    specs = config.specs()
    runs = list(progress.track(run_specs(specs, config.workers), "toy models", total=len(specs)))
    fits = summarise(runs)
    from neurips25.superposition.plots import plot_all

    plot_all(runs, fits, out_dir)
    return {"n": config.n, "alpha": config.alpha, "runs": runs, "fits": fits}
