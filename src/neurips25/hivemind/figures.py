"""Figures of an analysis report, as in the paper: the intra-model similarity histogram
and the inter-model similarity matrix. Both mark the unrelated-pairs floor."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def plot_intra_histogram(report: dict[str, Any], path: str | Path) -> Path:
    """Share of (model, prompt) pools per bin of mean pairwise similarity, per model."""
    from neurips25.common.plotting import plt, save_figure

    overall = report["overall"]
    edges = np.asarray(overall["histogram_edges"])
    centres = (edges[:-1] + edges[1:]) / 2
    names = list(report["per_model"])
    width = (edges[1] - edges[0]) / max(len(names), 1) * 0.9
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    cmap = plt.get_cmap("tab10")
    for i, m in enumerate(names):
        counts = np.asarray(report["per_model"][m]["intra_histogram"], dtype=float)
        frac = counts / counts.sum() if counts.sum() else counts
        ax.bar(centres - (edges[1] - edges[0]) * 0.45 + width * (i + 0.5), frac, width,
               color=cmap(i % 10), label=m)
    thr, floor = overall["threshold"], overall["floor_unrelated_similarity"]
    ax.axvline(thr, color="k", ls="--", lw=1, label=f"threshold {thr}")
    if floor is not None and np.isfinite(floor):
        ax.axvline(floor, color="grey", ls=":", lw=1.5, label=f"unrelated-pairs floor {floor:.2f}")
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(
        f"mean pairwise similarity of one model's answers to one prompt ({overall['embedder']})"
    )
    ax.set_ylabel("share of (model, prompt) pools")
    ax.set_title("Intra-model repetition: one model, one prompt, many samples")
    ax.legend(ncol=2, fontsize=7)
    return save_figure(fig, path)


def plot_inter_matrix(report: dict[str, Any], path: str | Path) -> Path:
    """Heat map of mean cross-model similarity on shared prompts; diagonal = intra-model."""
    from neurips25.common.plotting import plt, save_figure

    names = report["inter_model"]["models"]
    mat = np.asarray(report["inter_model"]["matrix"], dtype=float)
    n = len(names)
    fig, ax = plt.subplots(figsize=(1.2 + 0.75 * n, 1.0 + 0.65 * n))
    vmin = float(np.nanmin(mat)) if np.isfinite(mat).any() else 0.0
    im = ax.imshow(mat, cmap="viridis", vmin=vmin, vmax=1.0)
    ax.set_xticks(range(n), names, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(n), names, fontsize=7)
    ax.grid(False)
    for i in range(n):
        for j in range(n):
            if np.isfinite(mat[i, j]):
                ax.text(
                    j,
                    i,
                    f"{mat[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color="white" if mat[i, j] < (vmin + 1.0) / 2 else "black",
                )
    floor = report["overall"]["floor_unrelated_similarity"]
    ax.set_title(
        "Inter-model similarity on shared prompts (diagonal: intra-model)\n"
        f"unrelated-pairs floor {floor:.2f}",
        fontsize=8,
    )
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return save_figure(fig, path)
