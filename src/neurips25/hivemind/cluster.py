"""Where responses sit: PCA to 2-D of pooled responses coloured by model (paper Fig. 1),
k-means clusters, and one representative answer per cluster."""
from __future__ import annotations

import numpy as np


def pca_2d(x: np.ndarray) -> np.ndarray:
    """Project rows onto their top-2 principal components (centred SVD, sign-fixed so the
    largest-magnitude loading of each component is positive: deterministic output)."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[0] < 2:
        return np.zeros((x.shape[0], 2))
    xc = x - x.mean(0)
    _, _, vt = np.linalg.svd(xc, full_matrices=False)
    vt = vt[:2]
    signs = np.sign(vt[np.arange(vt.shape[0]), np.abs(vt).argmax(1)])
    out = xc @ (vt * signs[:, None]).T
    if out.shape[1] < 2:  # one feature only
        out = np.hstack([out, np.zeros((out.shape[0], 2 - out.shape[1]))])
    return out


def kmeans(x: np.ndarray, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels and centres (scikit-learn k-means, 10 restarts, seeded)."""
    from sklearn.cluster import KMeans

    k = max(1, min(k, len(np.unique(x, axis=0))))
    km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x)
    return km.labels_, km.cluster_centers_


def representatives(x: np.ndarray, labels: np.ndarray, centres: np.ndarray) -> list[int]:
    """Index of the member nearest each cluster centre, largest cluster first."""
    out = []
    order = sorted(set(labels.tolist()), key=lambda c: (-int((labels == c).sum()), c))
    for c in order:
        idx = np.flatnonzero(labels == c)
        d = np.linalg.norm(x[idx] - centres[c], axis=1)
        out.append(int(idx[d.argmin()]))
    return out


def plot_response_map(
    emb: np.ndarray, models: list[str], texts: list[str], title: str, path, k: int = 4, seed: int = 0
):
    """Scatter of one prompt's pooled responses in PCA space, coloured by model, with the
    k-means representatives written beside their points."""
    from neurips25.common.plotting import plt, save_figure

    xy = pca_2d(emb)
    labels, centres = kmeans(emb, k, seed)
    reps = representatives(emb, labels, centres)
    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    names = list(dict.fromkeys(models))
    cmap = plt.get_cmap("tab10")
    rng = np.random.default_rng(seed)
    jitter = rng.normal(scale=0.01 * (np.ptp(xy) or 1.0), size=xy.shape)  # duplicates overlap exactly
    for i, m in enumerate(names):
        sel = np.asarray(models) == m
        ax.scatter(*(xy[sel] + jitter[sel]).T, s=14, alpha=0.6, color=cmap(i % 10), label=m)
    for j, r in enumerate(reps):
        short = texts[r] if len(texts[r]) < 60 else texts[r][:57] + "..."
        ax.annotate(f"[{j + 1}] {short}", xy[r], fontsize=6.5, xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="best", fontsize=7, markerscale=1.5)
    return save_figure(fig, path)
