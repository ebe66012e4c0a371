"""Figures of the depth experiment: success vs depth, learning curves, Q-maps (Fig. 9 analogue)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.plotting import plt, save_figure
from neurips25.deep_crl.envs.maze import LAYOUTS, parse_layout


def plot_depth(summary: dict[str, Any], episode_length: int, path: Path) -> Path:
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.2))
    res = summary.get("res", {})
    depths = sorted(int(d) for d in res)
    for ax, key, label in ((axes[0], "success_near", "success, near goals"),
                           (axes[1], "success_far", "success, far goals"),
                           (axes[2], "time_at_goal_far", f"time at far goal (of {episode_length} steps)")):
        for d in depths:
            ys = [s[key] for s in res[str(d)]["seeds"]]
            ax.scatter([d] * len(ys), ys, color="C0", alpha=0.4, s=12)
        ax.plot(depths, [res[str(d)][key] for d in depths], "o-", color="C0", label="residual + LayerNorm")
        for d, slot in summary.get("plain", {}).items():
            ax.plot([int(d)], [slot[key]], "x", color="C3", ms=9, mew=2, label="plain MLP (ablation)")
        ax.set_xscale("log", base=2)
        ax.set_xticks(depths, [str(d) for d in depths])
        ax.set_xlabel("depth (layers in residual blocks)")
        ax.set_title(label)
        if key.startswith("success"):
            ax.set_ylim(-0.05, 1.05)
    axes[0].legend(loc="best")
    fig.suptitle("CRL point maze at equal env-step and SGD budget (mean of the last third of evaluations; dots: seeds)")
    return save_figure(fig, path)


def plot_learning_curves(results: list[dict[str, Any]], path: Path) -> Path:
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.2))
    ordered = sorted(results, key=lambda r: (not r["residual"], r["depth"], r["seed"]))
    depths = sorted({r["depth"] for r in results})
    cmap = plt.get_cmap("viridis")
    for r in ordered:
        h = r["history"]
        x = [row["sgd_steps"] for row in h]
        color = "C3" if not r["residual"] else cmap(depths.index(r["depth"]) / max(1, len(depths) - 1) * 0.85)
        label = f"{'plain' if not r['residual'] else 'res'} d{r['depth']} s{r['seed']}"
        ls = "--" if not r["residual"] else "-"
        axes[0].plot(x, [row["success_near"] for row in h], ls, color=color, label=label)
        axes[1].plot(x, [row["success_far"] for row in h], ls, color=color)
        axes[2].plot(x, [row["critic_loss"] for row in h], ls, color=color)
    for ax, t in zip(axes, ("success, near goals", "success, far goals", "critic loss (InfoNCE + penalty)"), strict=True):
        ax.set_xlabel("SGD steps")
        ax.set_title(t)
    axes[0].set_ylim(-0.05, 1.05)
    axes[1].set_ylim(-0.05, 1.05)
    axes[0].legend(fontsize=7)
    return save_figure(fig, path)


def plot_q_maps(results: list[dict[str, Any]], config: Any, path: Path) -> Path:
    """max_a Q(s, a, g) over the maze for the shallowest and deepest residual critic (and plain)."""
    seed0 = min(r["seed"] for r in results)
    pick = sorted((r for r in results if r["seed"] == seed0), key=lambda r: (not r["residual"], r["depth"]))
    res = [r for r in pick if r["residual"]]
    show = [res[0], res[-1]] + [r for r in pick if not r["residual"]]
    walls, start = parse_layout(LAYOUTS[config.layout])
    fig, axes = plt.subplots(1, len(show), figsize=(3.4 * len(show), 3.0))
    for ax, r in zip(np.atleast_1d(axes), show, strict=True):
        q = np.array(r["q_map"], dtype=float)
        im = ax.imshow(q, cmap="viridis")
        ax.imshow(np.where(walls, 1.0, np.nan), cmap="Greys", vmin=0, vmax=1.5)
        gr, gc = r["q_goal_cell"]
        ax.plot(gc, gr, "r*", ms=14, label="goal")
        ax.plot(start[1], start[0], "wo", ms=7, mec="k", label="start")
        kind = "residual" if r["residual"] else "plain"
        t = r["topology"]
        if t.get("flat"):
            title = f"{kind} depth {r['depth']}: Q flat\n(spread {t.get('spread', 0):.2f} over the maze: not ranked)"
        else:
            title = (f"{kind} depth {r['depth']}: topology {t['score']:+.2f}\n"
                     f"rho(Q,-geo) {t['rho_geodesic']:.2f}  rho(Q,-eucl) {t['rho_euclidean']:.2f}")
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(im, ax=ax, fraction=0.046)
    np.atleast_1d(axes)[0].legend(loc="lower right", fontsize=7)
    fig.suptitle(f"max_a Q(s, a, g) for a goal behind the wall, seed {seed0} (paper Fig. 9 analogue)")
    return save_figure(fig, path)
