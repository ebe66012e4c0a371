"""scikit-learn's bundled 8x8 digits (no download), scaled to [-1, 1], split into a
training pool and a held-out set that no model ever trains on."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class DigitSplit:
    train_pool: torch.Tensor  # (N_pool, 64) float32 in [-1, 1]
    train_labels: torch.Tensor
    held_out: torch.Tensor
    held_labels: torch.Tensor

    def subset(self, n: int) -> torch.Tensor:
        """The first n pool points: nested training sets (n=16 is inside n=32 ...)."""
        if not 2 <= n <= len(self.train_pool):
            raise ValueError(f"n must be in [2, {len(self.train_pool)}], got {n}")
        return self.train_pool[:n]


def load_digits_split(held_out: int = 597, seed: int = 0) -> DigitSplit:
    """1797 digits: a seeded permutation, the last ``held_out`` kept aside."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.data / 8.0 - 1.0, dtype=torch.float32)
    y = torch.tensor(d.target, dtype=torch.long)
    if not 1 <= held_out < len(x) - 2:
        raise ValueError(f"held_out must be in [1, {len(x) - 3}], got {held_out}")
    perm = torch.from_numpy(np.random.default_rng(seed).permutation(len(x)))
    x, y = x[perm], y[perm]
    cut = len(x) - held_out
    return DigitSplit(x[:cut], y[:cut], x[cut:], y[cut:])
