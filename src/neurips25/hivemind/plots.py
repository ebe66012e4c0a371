"""Every hivemind figure, each beside the unrelated-pairs floor.

Analysis-report figures (the ``hivemind analyze`` tool and the experiment's first seed),
as in the paper: the intra-model similarity histogram, the inter-model similarity matrix
and the response map (PCA of one prompt's pooled answers, paper Fig. 1). Experiment
figures: metric validation on planted pools and the homogenization comparisons on the LMs
trained here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

# --- analysis-report figures -------------------------------------------------------------


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
        ax.axvline(floor, color="grey", ls=":", lw=1.5,
                   label=f"unrelated-pairs floor {floor:.2f}")
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel("mean pairwise similarity of one model's answers to one prompt "
                  f"({overall['embedder']})")
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
                ax.text(j, i, f"{mat[i, j]:.2f}", ha="center", va="center", fontsize=6.5,
                        color="white" if mat[i, j] < (vmin + 1.0) / 2 else "black")
    floor = report["overall"]["floor_unrelated_similarity"]
    ax.set_title("Inter-model similarity on shared prompts (diagonal: intra-model)\n"
                 f"unrelated-pairs floor {floor:.2f}", fontsize=8)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return save_figure(fig, path)


def plot_response_map(emb: np.ndarray, models: list[str], texts: list[str], title: str,
                      path: str | Path, k: int = 4, seed: int = 0) -> Path:
    """Scatter of one prompt's pooled responses in PCA space, coloured by model, with the
    k-means representatives (``cluster``) written beside their points."""
    from neurips25.common.plotting import plt, save_figure
    from neurips25.hivemind.cluster import kmeans, pca_2d, representatives

    xy = pca_2d(emb)
    labels, centres = kmeans(emb, k, seed)
    reps = representatives(emb, labels, centres)
    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    names = list(dict.fromkeys(models))
    cmap = plt.get_cmap("tab10")
    rng = np.random.default_rng(seed)
    # duplicates overlap exactly: a little jitter shows how many there are
    jitter = rng.normal(scale=0.01 * (np.ptp(xy) or 1.0), size=xy.shape)
    for i, m in enumerate(names):
        sel = np.asarray(models) == m
        ax.scatter(*(xy[sel] + jitter[sel]).T, s=14, alpha=0.6, color=cmap(i % 10), label=m)
    for j, r in enumerate(reps):
        short = texts[r] if len(texts[r]) < 60 else texts[r][:57] + "..."
        ax.annotate(f"[{j + 1}] {short}", xy[r], fontsize=6.5, xytext=(4, 4),
                    textcoords="offset points")
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="best", fontsize=7, markerscale=1.5)
    return save_figure(fig, path)


# --- experiment figures ------------------------------------------------------------------


def plot_validation(validation: dict[str, Any], path: Path) -> Path:
    """Each metric against the planted knob it measures (repetition or sharing)."""
    from neurips25.common.plotting import plt, save_figure

    levels, expected = validation["levels"], validation["expected"]
    keys = list(expected)
    fig, axes = plt.subplots(2, 4, figsize=(10, 4.6))
    for ax, k in zip(axes.flat, keys, strict=True):
        knob = expected[k][0]
        ax.plot(levels, validation["sweeps"][knob][k], "o-",
                color="C0" if knob == "repetition" else "C3")
        if k in ("intra_similarity", "inter_similarity"):
            ax.plot(levels, validation["sweeps"][knob]["floor"], ":", color="grey",
                    label="unrelated floor")
            ax.legend(fontsize=6)
        ok = "monotone" if validation["monotone"][k] else "NOT monotone"
        ax.set_title(f"{k.replace('_', ' ')} ({ok})", fontsize=7.5)
        ax.set_xlabel(f"planted {knob}", fontsize=7)
    fig.suptitle("Metrics on pools with planted repetition (blue) and sharing (red)",
                 fontsize=9)
    return save_figure(fig, path)


def plot_homogenization(metrics: dict[str, Any], path: Path) -> Path:
    """Same vs different data, base vs reward-tuned, and the shared reward across corpora."""
    from neurips25.common.plotting import plt, save_figure

    floor = metrics["floor"]
    svd = metrics["same_vs_different_data"]
    rt = metrics["reward_tuning"]
    cross = metrics["reward_tuning_cross_model"]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.2))
    ax = axes[0]
    ax.bar(["same data", "different data"], [svd["same_data"], svd["different_data"]],
           color=["C3", "C0"])
    ax.set_title(f"inter-model similarity\n(cells same>diff: {svd['share_positive']:.0%}, "
                 f"Wilcoxon p={svd['p_wilcoxon']:.2g})", fontsize=8)
    ax = axes[1]
    names = list(rt)
    x = np.arange(len(names))
    ax.bar(x - 0.2, [rt[n]["intra_base"] for n in names], 0.4, label="base", color="C0")
    ax.bar(x + 0.2, [rt[n]["intra_tuned"] for n in names], 0.4, label="reward-tuned",
           color="C3")
    ax.set_xticks(x, names)
    ax.set_title("intra-model similarity", fontsize=8)
    ax.legend(fontsize=7)
    ax = axes[2]
    ax.bar(["A-s0 vs B-s0", "both reward-tuned"], [cross["base"], cross["tuned"]],
           color=["C0", "C3"])
    ax.set_title("cross-model similarity, different data\n"
                 f"(Wilcoxon p={cross['p_wilcoxon']:.2g})", fontsize=8)
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
