"""The four-rooms and two-rooms gridworlds of the STOMP paper, with exact matrices.

Sutton et al. 2023 ("Reward-respecting subtasks for model-based RL", arXiv 2202.03466),
gridworld section: four actions (up, down, left, right); the intended move happens with
probability 2/3, each of the other three with 1/9; bumping into a wall leaves the agent in
place. Entering the goal gives +1 and ends the episode; entering (or staying in) a cell of
the penalty region gives -1; every other step gives 0; gamma = 0.99.

States are the free cells, indexed row-major; coordinates are (row, col) on the walled map,
so the four-rooms start is (4, 1) and the goal (9, 7). The goal is a terminal state: its
rows of ``P`` are zero and transitions into it are dropped from ``P`` (the episode ends),
while ``P_full`` keeps it as an absorbing state so that every row sums to one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neurips25.common.errors import UserError

# '#' wall, '.' free, 'x' penalty, 'H' hallway, 'S' start, 'G' goal.
FOUR_ROOMS = (
    "#############",
    "#.....#.....#",
    "#.....#.....#",
    "#.....H.....#",
    "#S....#.....#",
    "#.....#.....#",
    "##H####.....#",
    "#.xxx.###H###",
    "#.xxx.#.....#",
    "#.xxx.#G....#",
    "#.xxx.H.....#",
    "#.....#.....#",
    "#############",
)

TWO_ROOMS = (
    "###############",
    "#.xxxx.#......#",
    "#.xxxx.#......#",
    "#Sxxxx.H......#",
    "#.xxxx.#......#",
    "#.xxxx.#......#",
    "#......#..G...#",
    "###############",
)

ACTIONS = ("up", "down", "left", "right")
MOVES = np.array([(-1, 0), (1, 0), (0, -1), (0, 1)])
P_INTENDED = 2.0 / 3.0
GAMMA = 0.99


@dataclass(frozen=True)
class GridWorld:
    """A stochastic gridworld with exact one-step model ``P`` (A, n, n) and ``R`` (A, n).

    ``next_cell[s, m]`` is the state reached by physical move m from s (the goal index
    when it ends the episode) and ``step_reward[s, m]`` the reward of that move; sampling
    and the exact matrices both come from these two tables, so they cannot disagree.
    """

    layout: tuple[str, ...]
    gamma: float = GAMMA
    p_intended: float = P_INTENDED
    cells: tuple[tuple[int, int], ...] = field(init=False)
    start: int = field(init=False)
    goal: int = field(init=False)
    hallways: tuple[int, ...] = field(init=False)
    penalty: np.ndarray = field(init=False, repr=False)
    next_cell: np.ndarray = field(init=False, repr=False)
    step_reward: np.ndarray = field(init=False, repr=False)
    P: np.ndarray = field(init=False, repr=False)
    P_full: np.ndarray = field(init=False, repr=False)
    R: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rows = len(self.layout)
        if rows == 0 or any(len(r) != len(self.layout[0]) for r in self.layout):
            raise UserError("gridworld layout must be a non-empty rectangle of equal-length rows")
        if not 0.0 <= self.p_intended <= 1.0 or not 0.0 <= self.gamma < 1.0:
            raise UserError("need 0 <= p_intended <= 1 and 0 <= gamma < 1")
        grid = np.array([list(r) for r in self.layout])
        if set(np.unique(grid)) - set("#.xHSG"):
            raise UserError(f"unknown layout characters {set(np.unique(grid)) - set('#.xHSG')}")
        if (grid == "S").sum() != 1 or (grid == "G").sum() != 1:
            raise UserError("layout needs exactly one 'S' (start) and one 'G' (goal)")
        border = np.concatenate([grid[0], grid[-1], grid[:, 0], grid[:, -1]])
        if (border != "#").any():
            raise UserError("layout must be enclosed by walls ('#')")
        cells = tuple((int(r), int(c)) for r, c in zip(*np.nonzero(grid != "#"), strict=True))
        index = {rc: i for i, rc in enumerate(cells)}
        n = len(cells)
        kind = np.array([grid[rc] for rc in cells])
        goal = int(np.flatnonzero(kind == "G")[0])
        nxt = np.zeros((n, 4), dtype=np.int64)
        rew = np.zeros((n, 4))
        for i, (r, c) in enumerate(cells):
            for m, (dr, dc) in enumerate(MOVES):
                rc = (r + dr, c + dc)
                j = index.get(rc, i)  # a wall leaves the agent in place
                nxt[i, m] = j
                rew[i, m] = 1.0 if kind[j] == "G" else (-1.0 if kind[j] == "x" else 0.0)
        slip = (1.0 - self.p_intended) / 3.0
        move_prob = np.full((4, 4), slip) + np.eye(4) * (self.p_intended - slip)  # [a, m]
        P_full = np.zeros((4, n, n))
        R = np.zeros((4, n))
        for a in range(4):
            for m in range(4):
                np.add.at(P_full[a], (np.arange(n), nxt[:, m]), move_prob[a, m])
                R[a] += move_prob[a, m] * rew[:, m]
        P_full[:, goal, :] = 0.0
        P_full[:, goal, goal] = 1.0  # absorbing, reward 0
        R[:, goal] = 0.0
        P = P_full.copy()
        P[:, :, goal] = 0.0  # entering the goal ends the episode
        put = object.__setattr__
        put(self, "cells", cells)
        put(self, "start", int(np.flatnonzero(kind == "S")[0]))
        put(self, "goal", goal)
        put(self, "hallways", tuple(int(i) for i in np.flatnonzero(kind == "H")))
        put(self, "penalty", kind == "x")
        put(self, "next_cell", nxt)
        put(self, "step_reward", rew)
        put(self, "P", P)
        put(self, "P_full", P_full)
        put(self, "R", R)
        put(self, "_move_cdf", np.cumsum(move_prob, axis=1))

    @property
    def n_states(self) -> int:
        return len(self.cells)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.layout), len(self.layout[0])

    def index(self, row: int, col: int) -> int:
        """State index of cell (row, col); UserError for a wall or off-map cell."""
        try:
            return self.cells.index((row, col))
        except ValueError:
            raise UserError(f"cell ({row}, {col}) is not a free cell of this gridworld") from None

    def to_grid(self, values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Per-state values laid out on the map (walls get ``fill``), for plotting."""
        grid = np.full(self.shape, fill, dtype=float)
        for i, rc in enumerate(self.cells):
            grid[rc] = values[i]
        return grid

    def sample_moves(self, actions: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Physical moves for intended ``actions`` given uniform draws ``u`` (vectorised)."""
        cdf = self._move_cdf[actions]  # type: ignore[attr-defined]
        return np.minimum((u[..., None] > cdf).sum(-1), 3)


def four_rooms() -> GridWorld:
    """The STOMP paper's four-rooms world: start (4, 1), goal (9, 7), four hallways."""
    return GridWorld(FOUR_ROOMS)


def two_rooms() -> GridWorld:
    """A two-rooms world with a penalty block beside the start and one hallway.

    Layout as in the public STOMP re-implementation (ramos-ai/STOMP); not checked against
    the paper's figure, so no result here depends on it.
    """
    return GridWorld(TWO_ROOMS)


def value_iteration(
    env: GridWorld, tol: float = 1e-13, max_iter: int = 100_000
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal values v* and a greedy policy by value iteration (Bellman optimality)."""
    v = np.zeros(env.n_states)
    for _ in range(max_iter):
        q = env.R + env.gamma * env.P @ v
        v_new = q.max(0)
        if np.max(np.abs(v_new - v)) < tol:
            v = v_new
            break
        v = v_new
    q = env.R + env.gamma * env.P @ v
    return v, q.argmax(0)


def bellman_residual(env: GridWorld, v: np.ndarray) -> float:
    """max_s |max_a [R + gamma P v](s) - v(s)|: zero exactly for v = v*."""
    return float(np.max(np.abs((env.R + env.gamma * env.P @ v).max(0) - v)))


def policy_values(env: GridWorld, policy: np.ndarray) -> np.ndarray:
    """Exact values of a deterministic primitive policy by one linear solve."""
    s = np.arange(env.n_states)
    P_pi = env.P[policy, s]
    return np.linalg.solve(np.eye(env.n_states) - env.gamma * P_pi, env.R[policy, s])
