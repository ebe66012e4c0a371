"""Experiment figures: metric validation on planted pools, and the homogenization
comparisons on the LMs trained here (each beside the unrelated-pairs floor)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def plot_validation(validation: dict[str, Any], path: Path) -> Path:
    from neurips25.common.plotting import plt, save_figure

    levels, expected = validation["levels"], validation["expected"]
    keys = list(expected)
    fig, axes = plt.subplots(2, 4, figsize=(10, 4.6))
    for ax, k in zip(axes.flat, keys, strict=True):
        knob = expected[k][0]
        ax.plot(levels, validation["sweeps"][knob][k], "o-", color="C0" if knob == "repetition" else "C3")
        if k in ("intra_similarity", "inter_similarity"):
            ax.plot(levels, validation["sweeps"][knob]["floor"], ":", color="grey", label="unrelated floor")
            ax.legend(fontsize=6)
        ok = "monotone" if validation["monotone"][k] else "NOT monotone"
        ax.set_title(f"{k.replace('_', ' ')} ({ok})", fontsize=7.5)
        ax.set_xlabel(f"planted {knob}", fontsize=7)
    fig.suptitle("Metrics on pools with planted repetition (blue) and sharing (red)", fontsize=9)
    return save_figure(fig, path)


def plot_homogenization(metrics: dict[str, Any], path: Path) -> Path:
    from neurips25.common.plotting import plt, save_figure

    floor = metrics["floor"]
    svd = metrics["same_vs_different_data"]
    rt = metrics["reward_tuning"]
    cross = metrics["reward_tuning_cross_model"]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.2))
    ax = axes[0]
    ax.bar(["same data", "different data"], [svd["same_data"], svd["different_data"]], color=["C3", "C0"])
    ax.set_title(f"inter-model similarity\n(cells same>diff: {svd['share_positive']:.0%}, "
                 f"Wilcoxon p={svd['p_wilcoxon']:.2g})", fontsize=8)
    ax = axes[1]
    names = list(rt)
    x = np.arange(len(names))
    ax.bar(x - 0.2, [rt[n]["intra_base"] for n in names], 0.4, label="base", color="C0")
    ax.bar(x + 0.2, [rt[n]["intra_tuned"] for n in names], 0.4, label="reward-tuned", color="C3")
    ax.set_xticks(x, names)
    ax.set_title("intra-model similarity", fontsize=8)
    ax.legend(fontsize=7)
    ax = axes[2]
    ax.bar(["A-s0 vs B-s0", "both reward-tuned"], [cross["base"], cross["tuned"]], color=["C0", "C3"])
    ax.set_title(f"cross-model similarity, different data\n(Wilcoxon p={cross['p_wilcoxon']:.2g})",
                 fontsize=8)
    for a in axes:
        a.axhline(floor, color="grey", ls=":", lw=1.5, label="unrelated floor")
        a.set_ylim(0, 1)
    axes[0].legend(fontsize=7)
    n_seeds = svd.get("n_seeds", 1)
    fig.suptitle(f"Homogenization in LMs trained here ({n_seeds} seed(s) averaged; 50 samples "
                 "per prompt, top-p 0.9, T 1.0)", fontsize=9)
    return save_figure(fig, path)


def plot_experiment(metrics: dict[str, Any], out_dir: Path) -> None:
    plot_validation(metrics["validation"], out_dir / "metric_validation.png")
    plot_homogenization(metrics, out_dir / "homogenization.png")
