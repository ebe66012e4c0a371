"""Feature-attainment subtasks, reward-respecting or not (the "S" of STOMP).

Sutton et al. 2023, Sec. "Reward-respecting subtasks": the subtask for feature i asks for
a policy and a stopping time T that maximise

    E[ R_{t+1} + gamma R_{t+2} + ... + gamma^{T-t-1} R_T + gamma^{T-t} z_i(S_T) ],
    z_i(s) = v_hat(s) + b_i * x_i(s),

i.e. the main task's reward on the way plus a stopping value: the current estimate of the
main-task value where the option stops, plus a bonus b_i on the feature x_i. Features here
are one-hot cell indicators, so x_i(s) = 1 exactly at cell i. With ``v_hat = 0`` (an agent
that has not learned the main task yet) the stopping value is just the bonus.

The contrast class, a *shortest-path* (bottleneck) subtask, ignores the main reward: its
cumulant is zero and it is paid only the bonus at the feature, so it takes the quickest
route whatever the route costs on the main task.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurips25.common.errors import UserError
from neurips25.oak.gridworld import GridWorld


@dataclass(frozen=True)
class Subtask:
    """Attain feature ``feature``; ``stop_value`` is z_i over states."""

    name: str
    feature: int
    stop_value: np.ndarray
    respects_reward: bool

    def cumulant(self, env: GridWorld) -> np.ndarray:
        """Expected one-step cumulant (A, n): the main reward, or zero if not respected."""
        return env.R if self.respects_reward else np.zeros_like(env.R)


def one_hot_features(env: GridWorld) -> np.ndarray:
    """The tabular feature matrix x(s): row s is the one-hot indicator of cell s."""
    return np.eye(env.n_states)


def _check_feature(env: GridWorld, feature: int) -> None:
    if not 0 <= feature < env.n_states or feature == env.goal:
        raise UserError(f"feature {feature} is not a non-terminal state of this gridworld")


def reward_respecting(
    env: GridWorld, feature: int, bonus: float = 1.0, v_hat: np.ndarray | None = None
) -> Subtask:
    """The reward-respecting subtask of attaining ``feature`` (stopping value v_hat + b x_i)."""
    _check_feature(env, feature)
    v_hat = np.zeros(env.n_states) if v_hat is None else np.asarray(v_hat, dtype=float)
    if v_hat.shape != (env.n_states,):
        raise UserError(f"v_hat must have shape ({env.n_states},), got {v_hat.shape}")
    z = v_hat + bonus * one_hot_features(env)[feature]
    return Subtask(f"rr{env.cells[feature]}", feature, z, respects_reward=True)


def shortest_path(env: GridWorld, feature: int, bonus: float = 1.0) -> Subtask:
    """The reward-ignoring subtask: reach ``feature`` as fast as possible (bottleneck option)."""
    _check_feature(env, feature)
    z = bonus * one_hot_features(env)[feature]
    return Subtask(f"sp{env.cells[feature]}", feature, z, respects_reward=False)


def random_cell_features(
    env: GridWorld, count: int, rng: np.random.Generator, exclude: tuple[int, ...] = ()
) -> list[int]:
    """``count`` distinct random cells (never the goal, a hallway or ``exclude``)."""
    banned = set(exclude) | set(env.hallways) | {env.goal}
    pool = np.array([s for s in range(env.n_states) if s not in banned])
    if count > len(pool):
        raise UserError(f"asked for {count} random features but only {len(pool)} cells qualify")
    return sorted(int(s) for s in rng.choice(pool, size=count, replace=False))
