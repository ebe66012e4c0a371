"""The study's figures: attention heatmaps, first-token share and max activation per
layer, gate score histograms, first-token share over training. Matplotlib only here."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.plotting import plt, save_figure


def heatmaps(arms: dict[str, dict[str, Any]], names: list[str], path: Path,
             max_t: int = 32) -> Path:
    """One row per arm, one panel per (layer, head): attention of one eval sequence."""
    names = [n for n in names if n in arms]
    panels = [(li, hi) for li, layer in enumerate(arms[names[0]]["heatmaps"])
              for hi in range(len(layer))]
    fig, axes = plt.subplots(len(names), len(panels), squeeze=False,
                             figsize=(max(4.5, 2.6 * len(panels)), 2.6 * len(names)))
    for r, name in enumerate(names):
        for c, (li, hi) in enumerate(panels):
            ax = axes[r][c]
            att = np.asarray(arms[name]["heatmaps"][li][hi])[:max_t, :max_t]
            ax.imshow(att, cmap="viridis", vmin=0.0, vmax=1.0)
            share = arms[name]["diagnosis"]["layers"][li]["first_token_share"][hi]
            ax.set_title(f"{name}\nL{li} H{hi}: first-token {share:.2f}", fontsize=7)
            ax.set_xlabel("key")
            ax.set_ylabel("query")
            ax.grid(False)
    fig.suptitle("Attention of one sequence (first 32 positions).\nColumn 0 (BOS) lit = sink",
                 fontsize=8)
    return save_figure(fig, path)


def per_layer(arms: dict[str, dict[str, Any]], key: str, ylabel: str, path: Path,
              uniform: float | None = None, log: bool = False) -> Path:
    names = list(arms)
    n_layers = len(arms[names[0]]["diagnosis"]["layers"])
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(1.2 + 1.6 * n_layers + 0.25 * len(names), 3.4))
    for i, name in enumerate(names):
        layers = arms[name]["diagnosis"]["layers"]
        if key == "first_token_share":
            vals = [float(np.mean(layer[key])) for layer in layers]
        else:
            vals = [layer[key] for layer in layers]
        ax.bar(np.arange(n_layers) + (i - (len(names) - 1) / 2) * width, vals, width, label=name)
    if uniform is not None:
        ax.axhline(uniform, color="k", ls="--", lw=1, label=f"uniform {uniform:.3f}")
    ax.set_xticks(range(n_layers), [f"layer {i}" for i in range(n_layers)])
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
        ax.set_ylim(bottom=0.5 * min(b.get_height() for b in ax.patches))
    ax.legend(ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return save_figure(fig, path)


def arm_bars(values: dict[str, list[float]], ylabel: str, path: Path,
             reference: float | None = None, ref_label: str = "", log: bool = False) -> Path:
    """One bar per arm at its seed mean, a dot per seed, an optional reference line."""
    names = list(values)
    means = [float(np.mean(values[n])) for n in names]
    fig, ax = plt.subplots(figsize=(1.5 + 1.0 * len(names), 3.6))
    bars = ax.bar(range(len(names)), means, color=[f"C{i}" for i in range(len(names))], alpha=0.8)
    for i, (bar, v) in enumerate(zip(bars, means, strict=True)):
        ax.annotate(f"{v:.3g}", (bar.get_x() + bar.get_width() / 2, v), ha="center",
                    va="bottom", fontsize=7)
        ax.plot([i] * len(values[names[i]]), values[names[i]], "k.", ms=4)
    if reference is not None:
        ax.axhline(reference, color="k", ls="--", lw=1, label=ref_label)
        ax.legend()
    ax.set_xticks(range(len(names)), [n.replace("_", "\n") for n in names], fontsize=7)
    ax.set_ylabel(ylabel + (f" (dots: {len(values[names[0]])} seeds)" if names else ""))
    if log:
        ax.set_yscale("log")
    return save_figure(fig, path)


def gate_histograms(arms: dict[str, dict[str, Any]], path: Path) -> Path:
    gated = {n: a for n, a in arms.items() if a.get("gate_histogram")}
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    edges = np.linspace(0, 1, 21)
    centers = (edges[:-1] + edges[1:]) / 2
    for name, arm in gated.items():
        counts = np.asarray(arm["gate_histogram"], dtype=float)
        ax.plot(centers, counts / counts.sum(), marker="o", ms=3,
                label=f"{name} (mean {arm['final']['gate_mean']:.3f})")
    ax.set_xlabel("gate score")
    ax.set_ylabel("share of scores")
    ax.set_title("Gate scores (the paper: G1 scores pile up near 0)")
    ax.legend()
    return save_figure(fig, path)


def share_over_training(arms: dict[str, dict[str, Any]], uniform: float, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for name, arm in arms.items():
        steps = [h["step"] for h in arm["history"]]
        ax.plot(steps, [h["first_token_share"] for h in arm["history"]], marker="o", ms=3,
                label=name)
    ax.axhline(uniform, color="k", ls="--", lw=1, label="uniform")
    ax.set_xlabel("training step")
    ax.set_ylabel("first-token attention share")
    ax.legend(ncol=2)
    return save_figure(fig, path)


def _shares(block: dict[str, Any]) -> dict[str, list[float]]:
    return {a: m["per_seed"]["first_token_share"] for a, m in block["arms"].items()}


def draw_all(first_seed: dict[str, dict[str, dict[str, Any]]], blocks: dict[str, dict[str, Any]],
             out: Path) -> None:
    """Every figure of the run. ``first_seed``: part -> arm -> ``train_arm`` result of the
    first seed (heatmaps, histories); ``blocks``: part -> summarised metrics (all seeds)."""
    pair = ["baseline", "g1_elementwise"]
    main = "sink" if first_seed.get("sink") else "mh"
    if first_seed.get(main):
        arms, u = first_seed[main], blocks[main]["uniform_share"]
        heatmaps(arms, pair, out / "attention_heatmaps.png")
        if any(r.get("gate_histogram") for r in arms.values()):
            gate_histograms(arms, out / "gate_histogram.png")
        share_over_training(arms, u, out / "first_token_share_training.png")
    for part, title, name in (("sink", "1-layer, 1 head", "first_token_share"),
                              ("mh", "1-layer, several heads", "mh_first_token_share"),
                              ("text", "byte-level text", "text_first_token_share")):
        if part in blocks:
            u = blocks[part]["uniform_share"]
            arm_bars(_shares(blocks[part]), f"first-token share ({title})", out / f"{name}.png",
                     u, f"uniform {u:.3f}")
    if first_seed.get("mh") and main != "mh":
        heatmaps(first_seed["mh"], pair, out / "mh_attention_heatmaps.png")
    if first_seed.get("act"):
        per_layer(first_seed["act"], "max_activation", "max |hidden| per layer (log)",
                  out / "max_activation.png", log=True)
        per_layer(first_seed["act"], "first_token_share", "first-token attention share",
                  out / "act_first_token_share.png", uniform=blocks["act"]["uniform_share"])
