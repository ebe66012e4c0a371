"""Seeded random classes shared by the transductive_online tests."""
from __future__ import annotations

import numpy as np
import pytest

from neurips25.transductive_online.families import random_class


def random_classes(seed: int, count: int, max_points: int = 6, max_size: int = 24):
    """``count`` seeded random classes on 1..max_points points, sizes up to ``max_size``."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n = int(rng.integers(1, max_points + 1))
        size = int(rng.integers(1, min(1 << n, max_size) + 1))
        out.append(random_class(n, size, rng))
    return out


@pytest.fixture(scope="session")
def small_classes():
    """300 random classes on <= 6 points (the brute-force comparisons' test set)."""
    return random_classes(0, 300)
