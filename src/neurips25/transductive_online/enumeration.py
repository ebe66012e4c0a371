"""Every concept class on a few points, one representative per symmetry orbit.

A class on N points is a non-empty subset of the 2^N labellings, i.e. a bitmask over
the cube {0,1}^N. LD and M_tr do not change when points are renamed or a point's labels
are flipped (both games only ever ask which hypotheses agree on a point), so each orbit
of the 2^N N! cube symmetries needs one solve; its size says how many classes it stands
for. On 4 points: 65,535 classes.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from neurips25.transductive_online.classes import ConceptClass


def class_from_mask(mask: int, n_points: int) -> ConceptClass:
    """The class whose hypotheses are the set bits of ``mask`` (bit h = labelling h)."""
    return ConceptClass(n_points, tuple(h for h in range(1 << n_points) if mask >> h & 1))


def all_classes(n_points: int) -> Iterator[ConceptClass]:
    """Every non-empty class on ``n_points`` points (2^(2^N) - 1 of them)."""
    for mask in range(1, 1 << (1 << n_points)):
        yield class_from_mask(mask, n_points)


def cube_symmetries(n_points: int) -> np.ndarray:
    """(2^N N!, 2^N): where each symmetry (rename points, flip some labels) sends h."""
    cube = np.arange(1 << n_points)
    bits = (cube[:, None] >> np.arange(n_points)) & 1  # (2^N, N)
    maps = []
    for perm in itertools.permutations(range(n_points)):
        for flip in range(1 << n_points):
            moved = bits[:, list(perm)] ^ ((flip >> np.arange(n_points)) & 1)
            maps.append((moved << np.arange(n_points)).sum(axis=1))
    return np.array(maps)


def orbit_representatives(n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """(smallest mask of each orbit, orbit size) over all non-empty classes on N points.

    Vectorised: every symmetry is applied to all masks at once; N <= 4 (65,535 masks).
    """
    if n_points > 4:
        raise ValueError("orbit enumeration is for N <= 4 (2^(2^N) classes)")
    masks = np.arange(1, 1 << (1 << n_points), dtype=np.int64)
    canon = masks.copy()
    for image in cube_symmetries(n_points):
        moved = np.zeros_like(masks)
        for h, target in enumerate(image):
            moved |= ((masks >> h) & 1) << int(target)
        np.minimum(canon, moved, out=canon)
    reps, sizes = np.unique(canon, return_counts=True)
    return reps, sizes
