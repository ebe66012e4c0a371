"""diffusion_memorization speed: each line is a ratio against a baseline timed in the same run
(median of repeats, CPU seconds, one thread).

1. K stacked residual MLPs (one batched matmul per layer) vs K separate models, per member-step.
2. Closed-form random-features flow via the (n+d) Gram matrix vs a dense p x p eigh.
3. d1/d2 memorization ratios: torch cdist + top-2 vs scikit-learn NearestNeighbors (peer).
"""
from __future__ import annotations

import time
from functools import partial

import numpy as np
import torch

from neurips25.common.threads import threads
from neurips25.common.timing import median_seconds
from neurips25.diffusion_memorization import random_features as rf
from neurips25.diffusion_memorization.diffusion import Schedule, ddpm_loss
from neurips25.diffusion_memorization.metrics import nn_distance_ratios
from neurips25.diffusion_memorization.models import ResidualMLP

cpu_median = partial(median_seconds, repeats=3, clock=time.process_time)

def train_steps(models: list[ResidualMLP], K: int, steps: int = 30) -> None:
    sched = Schedule.linear()
    opts = [torch.optim.Adam(m.parameters(), lr=1e-3) for m in models]
    for _ in range(steps):
        for m, opt in zip(models, opts, strict=True):
            x = torch.randn(m.members, 64, 64) if m.members > 1 else torch.randn(64, 64)
            loss = ddpm_loss(m, x, sched)
            opt.zero_grad()
            loss.backward()
            opt.step()


def main() -> None:
    with threads(1):
        _bench()


def _bench() -> None:
    K = 4
    stacked = [ResidualMLP(64, members=K)]
    separate = [ResidualMLP(64) for _ in range(K)]
    t_st = cpu_median(lambda: train_steps(stacked, K))
    t_sep = cpu_median(lambda: train_steps(separate, K))
    print(f"stacked K={K} training: {t_sep / t_st:.2f}x faster than {K} separate models "
          f"({t_st / 30 / K * 1e3:.1f} vs {t_sep / 30 / K * 1e3:.1f} ms per member-step)")

    prob = rf.make_problem(d=16, psi_p=100, psi_n=8, t=0.1)
    t_low = cpu_median(lambda: rf.solve_flow(prob))

    def dense() -> None:
        np.linalg.eigh(prob.U)

    t_dense = cpu_median(dense, repeats=1)
    print(f"RF flow solve p={prob.p}, n={prob.n}: low-rank {t_dense / t_low:.1f}x faster "
          "than dense eigh")

    rng = np.random.default_rng(0)
    s, tr = rng.normal(size=(512, 64)), rng.normal(size=(1200, 64))
    t_ours = cpu_median(lambda: nn_distance_ratios(s, tr))
    try:
        from sklearn.neighbors import NearestNeighbors

        def peer() -> None:
            NearestNeighbors(n_neighbors=2).fit(tr).kneighbors(s)

        t_peer = cpu_median(peer)
        print(f"d1/d2 ratios (512 x 1200, 64-d): {t_peer / t_ours:.2f}x the speed of sklearn "
              "NearestNeighbors")
    except ImportError:
        print("d1/d2 ratios: scikit-learn missing, no peer")


if __name__ == "__main__":
    main()
