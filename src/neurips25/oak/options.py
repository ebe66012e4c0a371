"""Options: exact ones by dynamic programming and learned ones by off-policy Q-learning.

An option is (policy pi, stopping function beta). It always takes its first action, then
after each transition to s' stops with probability beta(s') (the "O" of STOMP). The option
that solves a subtask comes from the subtask's action values with optimal stopping:

    q_i(s, a) = E[ C_{t+1} + gamma * max( z_i(S_{t+1}), max_a' q_i(S_{t+1}, a') ) ],
    pi_i(s) = argmax_a q_i(s, a),   beta_i(s) = 1  iff  z_i(s) >= max_a q_i(s, a),

with C the subtask's cumulant (the main reward for a reward-respecting subtask) and
nothing after the terminal goal. ``learn_options`` estimates q_i from one behaviour stream
with tabular Q-learning on that target for every subtask at once (off-policy, so no
importance ratios are needed), as in the paper's option-learning step.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurips25.common.errors import UserError
from neurips25.oak.experience import Stream
from neurips25.oak.gridworld import ACTIONS, GridWorld
from neurips25.oak.subtasks import Subtask

STOP_TOL = 1e-12


@dataclass(frozen=True)
class Option:
    """A Markov option; ``stop[s]`` is beta(s) in [0, 1] (1 at the terminal goal)."""

    name: str
    policy: np.ndarray
    stop: np.ndarray
    kind: str = "option"  # "primitive", "rr" (reward-respecting), "sp" (shortest path)
    feature: int | None = None


def primitive_options(env: GridWorld) -> list[Option]:
    """Each primitive action as a one-step option (beta = 1 everywhere)."""
    n = env.n_states
    return [
        Option(name, np.full(n, a), np.ones(n), kind="primitive") for a, name in enumerate(ACTIONS)
    ]


def option_from_q(env: GridWorld, subtask: Subtask, q: np.ndarray) -> Option:
    """The greedy option of action values ``q`` (A, n) under optimal stopping."""
    cont = q.max(0)
    stop = (subtask.stop_value >= cont - STOP_TOL).astype(float)
    stop[env.goal] = 1.0
    kind = "rr" if subtask.respects_reward else "sp"
    return Option(subtask.name, q.argmax(0), stop, kind=kind, feature=subtask.feature)


def solve_subtask(
    env: GridWorld, subtask: Subtask, tol: float = 1e-12, max_iter: int = 100_000
) -> tuple[Option, np.ndarray]:
    """Exact optimal option of ``subtask`` by value iteration on q; returns (option, q)."""
    C, z = subtask.cumulant(env), subtask.stop_value
    q = np.zeros((4, env.n_states))
    for _ in range(max_iter):
        u = np.maximum(z, q.max(0))
        q_new = C + env.gamma * env.P @ u  # P drops the terminal goal: nothing after it
        if np.max(np.abs(q_new - q)) < tol:
            q = q_new
            break
        q = q_new
    return option_from_q(env, subtask, q), q


def learn_options(
    env: GridWorld, subtasks: list[Subtask], stream: Stream, alpha: float = 0.1
) -> tuple[list[Option], np.ndarray]:
    """Q-learning with optimal stopping for all subtasks from one stream; (options, q[O,A,n])."""
    if not 0.0 < alpha <= 1.0:
        raise UserError(f"option step size must be in (0, 1], got {alpha}")
    if not subtasks:
        return [], np.zeros((0, 4, env.n_states))
    Z = np.stack([t.stop_value for t in subtasks])  # (O, n)
    uses_r = np.array([t.respects_reward for t in subtasks], dtype=float)
    Q = np.zeros((len(subtasks), env.n_states, 4))  # state-major for fast row access
    g = env.gamma
    for s, a, r, s2, done in zip(
        stream.s.tolist(), stream.a.tolist(), stream.r.tolist(), stream.s2.tolist(),
        stream.done.tolist(), strict=True,
    ):
        target = r * uses_r
        if not done:
            target = target + g * np.maximum(Z[:, s2], Q[:, s2].max(1))
        Q[:, s, a] += alpha * (target - Q[:, s, a])
    q = Q.transpose(0, 2, 1)
    return [option_from_q(env, t, q[i]) for i, t in enumerate(subtasks)], q
