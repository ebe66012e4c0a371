"""Where responses sit: PCA to 2-D of pooled responses (paper Fig. 1), k-means clusters, and
one representative answer per cluster. The response-map figure is ``plots.plot_response_map``."""
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

