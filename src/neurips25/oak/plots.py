"""Figures of the Oak/STOMP study: value vs sweeps, option routes, model error, utility."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from neurips25.common.plotting import plt, save_figure
from neurips25.oak.gridworld import GridWorld


def draw_map(ax, env: GridWorld, values: np.ndarray | None = None, cmap: str = "Blues") -> None:
    """Walls black, penalty region hatched red, start 'S', goal 'G', optional heat values."""
    h, w = env.shape
    walls = np.array([[ch == "#" for ch in row] for row in env.layout], dtype=float)
    if values is not None:
        grid = env.to_grid(values)
        ax.imshow(grid, cmap=cmap, vmin=0, vmax=max(np.nanmax(grid), 1e-9))
    ax.imshow(np.ma.masked_where(walls == 0, walls), cmap="Greys", vmin=0, vmax=1)
    for s in np.flatnonzero(env.penalty):
        r, c = env.cells[s]
        ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///",
                                   edgecolor="tab:red", linewidth=0))
    for s, label in ((env.start, "S"), (env.goal, "G")):
        r, c = env.cells[s]
        ax.text(c, r, label, ha="center", va="center", fontsize=8, weight="bold")
    for s in env.hallways:
        r, c = env.cells[s]
        ax.plot(c, r, marker="s", markersize=7, mfc="none", mec="tab:orange", mew=1.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    ax.grid(False)


def value_vs_sweeps(curves: dict[str, list[float]], v_star: float, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    for name, ys in curves.items():
        ax.plot(range(len(ys)), ys, marker=".", label=name)
    ax.axhline(v_star, color="k", ls="--", lw=0.8, label=f"v*(start) = {v_star:.4f}")
    ax.axhline(0.95 * v_star, color="grey", ls=":", lw=0.8, label="95% of v*")
    ax.set_xlabel("planning sweeps k")
    ax.set_ylabel("true value of greedy policy at start")
    ax.set_title("Four-rooms: planning with option models vs primitive actions")
    ax.legend(loc="lower right")
    return save_figure(fig, path)


def option_routes(
    env: GridWorld, rows: dict[str, list[tuple[str, np.ndarray, float]]], path: Path
) -> Path:
    """rows: label -> [(title, occupancy, penalty entries)] drawn as one map per option."""
    ncol = max(len(v) for v in rows.values())
    fig, axes = plt.subplots(len(rows), ncol, figsize=(2.4 * ncol, 3.0 * len(rows)), squeeze=False)
    for i, (label, panels) in enumerate(rows.items()):
        for j, (title, occ, pen) in enumerate(panels):
            ax = axes[i, j]
            draw_map(ax, env, occ, cmap="Blues" if i == 0 else "Purples")
            ax.set_title(f"{label} {title}\npenalty entries {pen:.2f}", fontsize=7)
    fig.suptitle("Option routes from the start state S (discounted occupancy; red hatch = penalty "
                 "region; 'penalty entries' = discounted expected steps into it)", fontsize=9)
    return save_figure(fig, path)


def model_error(trace: list[dict], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(5.0, 3.2))
    steps = [t["updates"] for t in trace]
    ax.plot(steps, [t["reward_rmse"] for t in trace], marker="o", label="reward model RMSE")
    ax.plot(steps, [t["transition_rmse"] for t in trace], marker="s", label="transition model RMSE")
    ax.set_xlabel("intra-option TD updates (passes over the behaviour stream)")
    ax.set_ylabel("error vs exact model")
    ax.set_yscale("log")
    ax.set_title("Learned option models approach the exact ones")
    ax.legend()
    return save_figure(fig, path)


def feature_utility(env: GridWorld, usage_by_cell: np.ndarray, hall: list[float],
                    rand: list[float], path: Path) -> Path:
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(7.5, 3.4),
                                   gridspec_kw={"width_ratios": [1.1, 1]})
    draw_map(ax0, env, usage_by_cell, cmap="viridis")
    ax0.set_title("planner usage of each feature's option\n(orange squares = hallways)", fontsize=8)
    ax1.boxplot([hall, rand], tick_labels=["hallway features", "random cell features"])
    ax1.set_ylabel("share of planning backups won (mean per draw)")
    ax1.set_title("feature utility", fontsize=9)
    return save_figure(fig, path)
