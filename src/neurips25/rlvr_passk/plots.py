"""Figures: pass@k curves on a log2 k axis with CI bands and k* marked (the paper's Fig. 2),
coverage Venn, accuracy histograms, perplexity histograms (Fig. 6 style)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from neurips25.common.plotting import plt, save_figure
from neurips25.rlvr_passk.coverage import HIST_LABELS
from neurips25.rlvr_passk.stats import Band


def _log2_ticks(ax: plt.Axes, k_max: int) -> None:
    ax.set_xscale("log", base=2)
    ticks = [2**i for i in range(int(np.log2(k_max)) + 1)]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlim(1, k_max)


def draw_curves(ax: plt.Axes, bands: Mapping[str, Band], k_star: int | None = None,
                title: str = "") -> None:
    """pass@k with bootstrap CI bands; a dotted line at the crossover k* when given."""
    k_max = 1
    for name, band in bands.items():
        (line,) = ax.plot(band.ks, band.mean, label=name, lw=1.6)
        ax.fill_between(band.ks, band.lo, band.hi, color=line.get_color(), alpha=0.2, lw=0)
        k_max = max(k_max, len(band.ks))
    if k_star is not None:
        ax.axvline(k_star, color="k", ls=":", lw=1)
        ax.annotate(f"k* = {k_star}", (k_star, 0.02), xytext=(4, 0),
                    textcoords="offset points", fontsize=8)
    _log2_ticks(ax, k_max)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("k (log2 scale)")
    ax.set_ylabel("pass@k")
    if title:
        ax.set_title(title)
    ax.legend(loc="best")


def curves_figure(bands: Mapping[str, Band], path: str | Path, k_star: int | None = None,
                  title: str = "pass@k (95% bootstrap CI over problems)") -> Path:
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    draw_curves(ax, bands, k_star, title)
    return save_figure(fig, path)


def diff_figure(diff: Band, path: str | Path, k_star: int | None = None) -> Path:
    """Paired pass@k difference RL - base with its CI; below zero the base model wins."""
    fig, ax = plt.subplots(figsize=(5.2, 3.0))
    ax.plot(diff.ks, diff.mean, color="C3", lw=1.6, label="RL - base")
    ax.fill_between(diff.ks, diff.lo, diff.hi, color="C3", alpha=0.2, lw=0)
    ax.axhline(0, color="k", lw=0.8)
    if k_star is not None:
        ax.axvline(k_star, color="k", ls=":", lw=1, label=f"k* = {k_star}")
    _log2_ticks(ax, len(diff.ks))
    ax.set_xlabel("k (log2 scale)")
    ax.set_ylabel("pass@k difference")
    ax.set_title("RL minus base, paired bootstrap 95% CI")
    ax.legend()
    return save_figure(fig, path)


def coverage_figure(counts: Mapping[str, int], path: str | Path,
                    names: tuple[str, str] = ("base", "RL")) -> Path:
    """Two-set Venn of solved problems (c > 0): base-only, both, RL-only; 'neither' below."""
    from matplotlib.patches import Circle

    fig, ax = plt.subplots(figsize=(4.4, 3.2))
    ax.add_patch(Circle((-0.45, 0), 1.0, color="C0", alpha=0.3))
    ax.add_patch(Circle((0.45, 0), 1.0, color="C1", alpha=0.3))
    ax.text(-0.95, 0, str(counts["base_only"]), ha="center", va="center", fontsize=12)
    ax.text(0.0, 0, str(counts["both"]), ha="center", va="center", fontsize=12)
    ax.text(0.95, 0, str(counts["rl_only"]), ha="center", va="center", fontsize=12)
    ax.text(-0.45, 1.1, f"{names[0]} solves", ha="center", color="C0")
    ax.text(0.45, -1.2, f"{names[1]} solves", ha="center", color="C1")
    ax.text(0, -1.55, f"solved by neither: {counts['neither']}", ha="center", fontsize=8)
    ax.set_xlim(-1.7, 1.7)
    ax.set_ylim(-1.75, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("problems solved at least once in n samples")
    return save_figure(fig, path)


def histogram_figure(hists: Mapping[str, Sequence[int]], path: str | Path) -> Path:
    """Per-problem accuracy (c / n) histograms side by side."""
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    width = 0.8 / max(1, len(hists))
    x = np.arange(len(HIST_LABELS))
    for i, (name, h) in enumerate(hists.items()):
        ax.bar(x + (i - (len(hists) - 1) / 2) * width, h, width, label=name)
    ax.set_xticks(x, HIST_LABELS, rotation=45, fontsize=7)
    ax.set_xlabel("per-problem accuracy c / n")
    ax.set_ylabel("problems")
    ax.legend()
    return save_figure(fig, path)


def perplexity_figure(ppl: Mapping[str, np.ndarray], path: str | Path,
                      scorer: str = "base model") -> Path:
    """Histograms of per-sample perplexity of each model's outputs, scored by ``scorer``."""
    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    hi = max(float(np.quantile(v, 0.99)) for v in ppl.values())
    bins = np.linspace(1.0, max(1.5, hi), 40)
    for name, v in ppl.items():
        ax.hist(np.clip(v, None, bins[-1]), bins=bins, alpha=0.5, density=True,
                label=f"{name} (median {np.median(v):.2f})")
    ax.set_xlabel(f"perplexity under the {scorer}")
    ax.set_ylabel("density")
    ax.set_title(f"outputs scored by the {scorer}")
    ax.legend()
    return save_figure(fig, path)


def reach_figure(carries: np.ndarray, counts: Mapping[str, np.ndarray], n: int,
                 path: str | Path) -> Path:
    """Share of problems solved at least once in n samples (pass@n), by carry count, per model:
    where each model's reach ends."""
    levels = sorted(set(np.asarray(carries).tolist()))
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    width = 0.8 / max(1, len(counts))
    x = np.arange(len(levels))
    for i, (name, c) in enumerate(counts.items()):
        c = np.asarray(c)
        vals = [float((c[carries == k] > 0).mean()) for k in levels]
        ax.bar(x + (i - (len(counts) - 1) / 2) * width, vals, width, label=name)
    ax.set_xticks(x, [f"{k} carr{'y' if k == 1 else 'ies'}" for k in levels])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(f"pass@{n} (solved at least once)")
    ax.set_title("reach by problem difficulty")
    ax.legend(fontsize=7)
    return save_figure(fig, path)
