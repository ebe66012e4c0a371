"""PCA and cluster representatives against scikit-learn and brute force."""
from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from neurips25.hivemind.cluster import kmeans, pca_2d, representatives


def test_pca_2d_matches_sklearn_up_to_sign():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6)) @ rng.normal(size=(6, 6))
    ours, ref = pca_2d(x), PCA(2).fit_transform(x)
    for c in range(2):
        assert (np.allclose(ours[:, c], ref[:, c], atol=1e-8)
                or np.allclose(ours[:, c], -ref[:, c], atol=1e-8))
    np.testing.assert_allclose(pca_2d(x[::-1])[::-1], ours, atol=1e-8)  # order does not matter


def test_representatives_are_nearest_to_their_centre_largest_first():
    rng = np.random.default_rng(1)
    x = np.vstack([rng.normal(loc=(0, 0), scale=0.1, size=(12, 2)),
                   rng.normal(loc=(5, 5), scale=0.1, size=(5, 2))])
    labels, centres = kmeans(x, 2, seed=0)
    reps = representatives(x, labels, centres)
    assert labels[reps[0]] != labels[reps[1]] and reps[0] < 12 <= reps[1]
    for r in reps:
        members = np.flatnonzero(labels == labels[r])
        d = np.linalg.norm(x[members] - centres[labels[r]], axis=1)
        assert r == members[d.argmin()]
    assert len(set(kmeans(np.ones((6, 2)), 3)[0])) == 1  # never more clusters than distinct points
