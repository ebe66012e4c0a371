"""Planning with option models (the "P" of STOMP): value iteration over options.

One sweep is the SMDP Bellman optimality backup over every state (SPS99 Eq. 9; STOMP
paper, planning section), with primitive actions included as one-step options:

    V_{k+1}(s) = max_o [ r_o(s) + M_o(s) . V_k ],     V_0 = 0.

Models with long, useful options carry value across many cells in one sweep. We judge a
planner the way the paper does: by the true value of the policy that is greedy with
respect to V_k (executing the chosen option to termination, then choosing again),
evaluated with the *exact* models of those options, whatever models the planner used.
"""
from __future__ import annotations

import numpy as np

from neurips25.common.errors import UserError
from neurips25.oak.models import Models


def backups(models: Models, v: np.ndarray) -> np.ndarray:
    """All one-option backups r_o(s) + M_o(s).v, shape (O, n)."""
    return models.r + models.M @ v


def value_sweeps(models: Models, sweeps: int) -> np.ndarray:
    """V_0 .. V_sweeps of synchronous value iteration over options, shape (sweeps+1, n)."""
    if sweeps < 0:
        raise UserError(f"number of planning sweeps must be >= 0, got {sweeps}")
    out = np.zeros((sweeps + 1, models.r.shape[1]))
    for k in range(sweeps):
        out[k + 1] = backups(models, out[k]).max(0)
    return out


def plan_to_convergence(models: Models, tol: float = 1e-13,
                        max_sweeps: int = 100_000) -> np.ndarray:
    """The fixed point of the option backup (the optimal value over these options)."""
    v = np.zeros(models.r.shape[1])
    for _ in range(max_sweeps):
        v_new = backups(models, v).max(0)
        if np.max(np.abs(v_new - v)) < tol:
            return v_new
        v = v_new
    return v


def greedy_choice(models: Models, v: np.ndarray) -> np.ndarray:
    """Index of the greedy option in each state (ties go to the first, i.e. primitives)."""
    return backups(models, v).argmax(0)


def smdp_values(true_models: Models, choice: np.ndarray) -> np.ndarray:
    """Exact values of the SMDP policy choosing option ``choice[s]`` in s (one solve)."""
    s = np.arange(len(choice))
    r = true_models.r[choice, s]
    M = true_models.M[choice, s]
    return np.linalg.solve(np.eye(len(choice)) - M, r)


def greedy_value_curve(plan_models: Models, true_models: Models, sweeps: int) -> np.ndarray:
    """True values (all states) of the greedy policy after k = 0..sweeps sweeps, (K+1, n)."""
    if plan_models.names != true_models.names:
        raise UserError("planning and evaluation models must describe the same options")
    vs = value_sweeps(plan_models, sweeps)
    return np.stack([smdp_values(true_models, greedy_choice(plan_models, v)) for v in vs])


def sweeps_to_reach(curve: np.ndarray, target: float) -> int | None:
    """First k with curve[k] >= target, or None if never within the curve."""
    hit = np.flatnonzero(curve >= target)
    return int(hit[0]) if len(hit) else None
