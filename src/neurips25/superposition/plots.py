"""Figures: loss vs m per regime and profile (seed means), overlap vs m with the Welch
bound and random rows, represented fraction vs m."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.plotting import plt, save_figure

COLOURS = {"power": "C0", "exponential": "C1", "linear": "C2"}


def _mean_by_m(runs: list[dict], regime: str, profile: str, key: str) -> tuple[list, list]:
    """(m values, mean of ``key`` over seeds at each m) for one regime and profile."""
    want_strong = regime == "strong"
    rows = [r for r in runs if (r["gamma"] < 0) == want_strong and r["profile"] == profile]
    ms = sorted({r["m"] for r in rows})
    return ms, [float(np.mean([r[key] for r in rows if r["m"] == m])) for m in ms]


def plot_loss(runs: list[dict], fits: dict[str, Any], out: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, regime in zip(axes, ("strong", "weak"), strict=True):
        for profile, colour in COLOURS.items():
            fit = fits.get(f"{regime}/{profile}")
            if fit is None:
                continue
            label = f"{profile} α={fit['alpha']:g}" if profile == "power" else profile
            label += f" (a={fit.get('loss_exponent', float('nan')):.2f})"
            ax.loglog(fit["m"], fit["loss"], "o-", color=colour, label=label)
            if regime == "weak":
                ms, un = _mean_by_m(runs, regime, profile, "unlearned_loss")
                ax.loglog(ms, [max(u, 1e-6) for u in un], "x:", color=colour)
        ref = fits.get("strong/power")
        if regime == "strong" and ref:
            m_all = np.array(ref["m"], dtype=float)
            ax.loglog(m_all, ref["loss"][0] * m_all[0] / m_all, "k--", lw=0.8, label="1/m")
        title = "strong (γ<0)" if regime == "strong" else "weak (γ>0); x: unlearned-feature loss"
        ax.set(title=title, xlabel="width m")
        ax.legend(fontsize=7)
    axes[0].set_ylabel("test loss (summed over features; seed mean)")
    save_figure(fig, out / "loss_vs_width.png")


def plot_overlap(runs: list[dict], out: Path) -> None:
    fig, ax = plt.subplots(figsize=(4.6, 3.6))
    for profile, colour in COLOURS.items():
        ms, ov = _mean_by_m(runs, "strong", profile, "mean_sq_overlap")
        if ms:
            ax.loglog(ms, ov, "o-", color=colour, label=f"{profile} (trained)")
    ms, rand = _mean_by_m(runs, "strong", "power", "mean_sq_overlap_random")
    if ms:
        ax.loglog(ms, rand, "s:", color="0.5", label="random unit rows")
        _, welch = _mean_by_m(runs, "strong", "power", "welch_bound")
        ax.loglog(ms, welch, "k--", lw=0.8, label="Welch bound (n-m)/(m(n-1))")
    ax.set(title="strong regime: overlap of rows", xlabel="width m", ylabel="mean squared overlap")
    ax.legend(fontsize=7)
    save_figure(fig, out / "overlap_vs_width.png")


def plot_represented(runs: list[dict], out: Path) -> None:
    fig, ax = plt.subplots(figsize=(4.6, 3.6))
    for regime, style in (("strong", "o-"), ("weak", "s--")):
        for profile, colour in COLOURS.items():
            ms, frac = _mean_by_m(runs, regime, profile, "represented_fraction")
            if ms:
                ax.semilogx(ms, frac, style, color=colour, label=f"{regime}/{profile}")
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
