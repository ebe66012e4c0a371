"""Figures: stitching scores vs depth, Q-maps shallow vs deep (Fig. 9 analogue), online success.

Error bars are 95% t-intervals over seeds; dots are the seeds.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.plotting import plt, save_figure
from neurips25.deep_crl.envs.maze import LAYOUTS, parse_layout


def _series(ax, groups: dict[str, Any], key: str, label: str, color: str, marker: str = "o",
            dx: float = 1.0) -> None:
    depths = sorted(int(d) for d in groups)
    if not depths:
        return
    x = np.array(depths, dtype=float) * dx
    def col(field: str) -> np.ndarray:  # a missing bound (one seed: infinite, null in JSON) -> NaN
        vals = [groups[str(d)][key][field] for d in depths]
        return np.array([np.nan if v is None else v for v in vals], dtype=float)

    mean, lo, hi = col("mean"), col("lo"), col("hi")
    finite = np.isfinite(lo) & np.isfinite(hi)
    err = np.where(finite, [mean - lo, hi - mean], 0.0)
    ax.errorbar(x, mean, yerr=err, fmt=f"{marker}-", color=color, capsize=3, label=label)
    for xi, d in zip(x, depths, strict=True):
        ys = [s[key] for s in groups[str(d)]["seeds"]]
        ax.scatter([xi] * len(ys), ys, color=color, alpha=0.35, s=10)


def _depth_axis(ax, depths: list[int], title: str) -> None:
    ax.set_xscale("log", base=2)
    ax.set_xticks(depths, [str(d) for d in depths])
    ax.set_xlabel("depth (layers in residual blocks)")
    ax.set_title(title, fontsize=9)


def plot_stitching(st: dict[str, Any], path: Path) -> Path:
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    depths = sorted(int(d) for d in st["res"])
    panels = (("far_accuracy", "far-pair ranking accuracy (unseen pairs)"),
              ("topology", "Q topology: rho(geo) - rho(eucl)"),
              ("val_loss", "held-out near-pair loss"))
    for ax, (key, title) in zip(axes, panels, strict=True):
        _series(ax, st["res"], key, "residual + LayerNorm", "C0")
        if "lever_batch" in st and key != "val_loss":  # InfoNCE over 1024 is not on this scale
            lb = st["lever_batch"]
            _series(ax, lb["res"], key, f"batch {lb['batch_size']}", "C2", "s", 1.06)
        if "lever_obs" in st:
            lo = st["lever_obs"]
            _series(ax, lo["res"], key, f"{lo['obs_dim']}-D observations", "C1", "^", 0.94)
        if "plain" in st:
            pl = st["plain"]
            label = f"plain MLP ({pl['best_init']}, lr {pl['best_lr']:g})"
            _series(ax, {str(pl["depth"]): pl["best"]}, key, label, "C3", "x")
        _depth_axis(ax, depths, title)
    axes[0].axhline(0.5, color="grey", lw=0.8, ls=":")
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"Stitching critics, {st['layout']} maze: trained on pairs <= {st['near_max']} "
                 f"cells apart, {st['steps']} steps, width {st['width']} (bars: 95% CI over seeds)",
                 fontsize=10)
    return save_figure(fig, path)


def plot_online(on: dict[str, Any], path: Path) -> Path:
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    depths = sorted(int(d) for d in on["res"])
    T = on["episode_length"]
    panels = (("success_far", "success, far goals"),
              ("time_at_goal_far", f"time at far goal (of {T} steps)"),
              ("time_at_goal_near", f"time at near goal (of {T} steps)"))
    for ax, (key, title) in zip(axes, panels, strict=True):
        _series(ax, on["res"], key, "residual + LayerNorm", "C0")
        _depth_axis(ax, depths, title)
    axes[0].set_ylim(-0.05, 1.05)
    fig.suptitle(f"Online CRL, {on['layout']} maze, width {on['width']}, {on['sgd_steps']} SGD "
                 f"steps / {on['env_steps']} env steps per arm (late-training means; bars: 95% CI "
                 f"over seeds)", fontsize=9)
    return save_figure(fig, path)


def plot_learning_curves(results: list[dict[str, Any]], path: Path) -> Path:
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    depths = sorted({r["depth"] for r in results})
    cmap = plt.get_cmap("viridis")
    for r in sorted(results, key=lambda r: (r["depth"], r["seed"])):
        h = r["history"]
        x = [row["sgd_steps"] for row in h]
        color = cmap(depths.index(r["depth"]) / max(1, len(depths) - 1) * 0.85)
        label = f"d{r['depth']}" if r["seed"] == min(q["seed"] for q in results) else None
        for ax, key in zip(axes, ("success_near", "success_far", "critic_loss"), strict=True):
            ax.plot(x, [row[key] for row in h], color=color, alpha=0.7,
                    label=label if key == "success_near" else None)
    titles = ("success, near goals", "success, far goals", "critic loss")
    for ax, t in zip(axes, titles, strict=True):
        ax.set_xlabel("SGD steps")
        ax.set_title(t, fontsize=9)
    axes[0].legend(fontsize=7)
    return save_figure(fig, path)


def plot_q_maps(results: list[dict[str, Any]], layout: str, start: bool, title: str,
                path: Path) -> Path:
    """max_a Q(s, a, g) for the shallowest and the deepest residual critic of the lowest seed."""
    seed0 = min(r["seed"] for r in results)
    pick = sorted((r for r in results if r["seed"] == seed0), key=lambda r: r["depth"])
    show = [pick[0], pick[-1]]
    walls, s_cell = parse_layout(LAYOUTS[layout])
    fig, axes = plt.subplots(1, 2, figsize=(7.4, 3.4))
    for ax, r in zip(axes, show, strict=True):
        q = np.array(r["q_map"], dtype=float)
        im = ax.imshow(q, cmap="viridis")
        ax.imshow(np.where(walls, 1.0, np.nan), cmap="Greys", vmin=0, vmax=1.5)
        gr, gc = r["q_goal_cell"]
        ax.plot(gc, gr, "r*", ms=14, label="goal")
        if start:
            ax.plot(s_cell[1], s_cell[0], "wo", ms=7, mec="k", label="start")
        t = r["topology"]
        ax.set_title(f"depth {r['depth']}: topology {t['score']:+.2f}\n"
                     f"rho(Q,-geo) {t['rho_geodesic']:.2f}  "
                     f"rho(Q,-eucl) {t['rho_euclidean']:.2f}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(im, ax=ax, fraction=0.046)
    axes[0].legend(loc="lower right", fontsize=7)
    fig.suptitle(f"{title}, seed {seed0} (paper Fig. 9 analogue)", fontsize=9)
    return save_figure(fig, path)


def draw_all(metrics: dict[str, Any], stitch: list[dict[str, Any]], online: list[dict[str, Any]],
             config: Any, out_dir: Path) -> list[str]:
    """Every figure of the run; returns their file names."""
    st = metrics["stitching"]
    made = [plot_stitching(st, out_dir / "stitching.png")]
    base = [r for r in stitch
            if r["kind"] == "res" and r["batch_size"] == config.stitch_batch and r["obs_dim"] == 2]
    if base:
        made.append(plot_q_maps(base, config.stitch_layout, False,
                                "Stitching critics, max_a Q(s, a, g), goal behind a wall",
                                out_dir / "q_maps.png"))
    if online:
        made.append(plot_online(metrics["online"], out_dir / "depth_success.png"))
        made.append(plot_learning_curves(online, out_dir / "learning_curves.png"))
        made.append(plot_q_maps(online, config.layout, True,
                                "Online critics, max_a Q(s, a, g), goal behind the wall",
                                out_dir / "q_maps_online.png"))
    return [Path(p).name for p in made]
