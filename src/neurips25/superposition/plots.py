"""Figures: loss vs m per regime and profile, overlap vs m with the Welch bound,
represented fraction vs m."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.plotting import plt, save_figure

COLOURS = {"power": "C0", "exponential": "C1", "linear": "C2"}


def _rows(runs: list[dict], regime: str, profile: str) -> list[dict]:
    want_strong = regime == "strong"
    return sorted((r for r in runs if (r["gamma"] < 0) == want_strong and r["profile"] == profile),
                  key=lambda r: r["m"])


def plot_loss(runs: list[dict], fits: dict[str, Any], out: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, regime in zip(axes, ("strong", "weak"), strict=True):
        for profile, colour in COLOURS.items():
            rows = _rows(runs, regime, profile)
            if not rows:
                continue
            m = np.array([r["m"] for r in rows])
            fit = fits.get(f"{regime}/{profile}", {})
            label = f"{profile} (a={fit.get('loss_exponent', float('nan')):.2f})"
            ax.loglog(m, [r["loss"] for r in rows], "o-", color=colour, label=label)
            if regime == "weak":
                ax.loglog(m, [max(r["unlearned_loss"], 1e-6) for r in rows], "x:", color=colour)
        m_all = np.array(sorted({r["m"] for r in runs}), dtype=float)
        ref = [r["loss"] for r in _rows(runs, "strong", "power")]
        if regime == "strong" and ref:
            ax.loglog(m_all, ref[0] * m_all[0] / m_all, "k--", lw=0.8, label="1/m")
        title = "strong (γ<0)" if regime == "strong" else "weak (γ>0); x: unlearned-feature loss"
        ax.set(title=title, xlabel="width m")
        ax.legend()
    axes[0].set_ylabel("test loss (summed over features)")
    save_figure(fig, out / "loss_vs_width.png")


def plot_overlap(runs: list[dict], out: Path) -> None:
    fig, ax = plt.subplots(figsize=(4.6, 3.6))
    for profile, colour in COLOURS.items():
        rows = _rows(runs, "strong", profile)
        if rows:
            ax.loglog([r["m"] for r in rows], [r["mean_sq_overlap"] for r in rows], "o-",
                      color=colour, label=f"{profile}")
    rows = _rows(runs, "strong", "power")
    if rows:
        ax.loglog([r["m"] for r in rows], [r["welch_bound"] for r in rows], "k--", lw=0.8,
                  label="Welch bound (n-m)/(m(n-1))")
    ax.set(title="strong regime: overlap of rows", xlabel="width m", ylabel="mean squared overlap")
    ax.legend()
    save_figure(fig, out / "overlap_vs_width.png")


def plot_represented(runs: list[dict], out: Path) -> None:
    fig, ax = plt.subplots(figsize=(4.6, 3.6))
    for regime, style in (("strong", "o-"), ("weak", "s--")):
        for profile, colour in COLOURS.items():
            rows = _rows(runs, regime, profile)
            if rows:
                ax.semilogx([r["m"] for r in rows], [r["represented_fraction"] for r in rows],
                            style, color=colour, label=f"{regime}/{profile}")
    n = runs[0]["n"] if runs else 1
    m_all = np.array(sorted({r["m"] for r in runs}), dtype=float)
    ax.semilogx(m_all, m_all / n, "k:", lw=0.8, label="m/n (no superposition)")
    ax.set(title="features with row norm > 1/2", xlabel="width m", ylabel="represented fraction")
    ax.legend(fontsize=6)
    save_figure(fig, out / "represented_vs_width.png")


def plot_all(runs: list[dict], fits: dict[str, Any], out: Path) -> None:
    plot_loss(runs, fits, out)
    plot_overlap(runs, out)
    plot_represented(runs, out)
