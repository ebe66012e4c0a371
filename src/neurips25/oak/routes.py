"""Where an option goes: discounted occupancy and expected penalty-cell entries.

Both are exact (one linear solve), from the same continuation operator as the option
model: running option o from s, the discounted number of entries into each cell is
gamma^0 P_pi + gamma P_pi diag(1 - beta) P_pi + ... = (I - gamma P_pi diag(1 - beta))^-1 P_pi.
"""
from __future__ import annotations

import numpy as np

from neurips25.oak.gridworld import GridWorld
from neurips25.oak.options import Option


def entries(env: GridWorld, option: Option) -> np.ndarray:
    """(n, n): discounted expected entries into each cell while option runs from each state."""
    n = env.n_states
    P_pi = env.P[option.policy, np.arange(n)]
    A = np.eye(n) - env.gamma * P_pi * (1.0 - option.stop)[None, :]
    return np.linalg.solve(A, P_pi)


def occupancy(env: GridWorld, option: Option, start: int) -> np.ndarray:
    """Discounted expected visits of each cell when ``option`` runs from ``start`` (its route)."""
    return entries(env, option)[start]


def penalty_entries(env: GridWorld, option: Option) -> np.ndarray:
    """Discounted expected number of steps into penalty cells, per initiation state (n,)."""
    return entries(env, option) @ env.penalty.astype(float)
