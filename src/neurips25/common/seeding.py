"""One call that seeds every random source a study touches."""
from __future__ import annotations

import random

import numpy as np


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, NumPy and (if imported) PyTorch; return a fresh NumPy Generator."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:  # pragma: no cover - torch is a core dependency
        pass
    return np.random.default_rng(seed)
