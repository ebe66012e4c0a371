"""Stitching data: a fixed, high-coverage buffer of maze transitions, split by distance.

The paper's generalisation experiment (arXiv 2503.14858v3, "Deep networks exhibit improved
generalization", Ant U-Maze) trains on start-goal pairs at most a few units apart and
evaluates on pairs farther apart, so a far pair can only be solved by stitching together
pieces seen in training. Here the buffer is a set of persistent random walks that start
anywhere in the maze (every cell is covered); a training positive is (s_t, a_t, g) with g
the position at t + k, k from the truncated geometric law of CRL's relabelling, kept only
if the geodesic distance between the cells of s_t and g is at most ``near_max``. No pair
farther apart is ever a positive; far goals appear only as other rows' InfoNCE negatives,
which say "not this goal" for every distance alike and so carry no far-pair ranking.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from neurips25.deep_crl.buffer import truncated_geometric
from neurips25.deep_crl.envs.maze import MazeSpec, PointMaze, bfs_distances


@dataclass(frozen=True)
class StitchSpec:
    """How the fixed buffer is drawn and where the near/far split lies (distances in cells)."""

    layout: str = "u4"
    near_max: int = 3
    episodes: int = 1024
    episode_length: int = 48
    step_size: float = 0.5
    persistence: float = 0.9  # chance that a walk keeps its previous action: long corridor runs
    gamma: float = 0.95  # relabelling offset law P(k) ~ gamma^(k-1)
    draws: int = 2  # relabelled goals drawn per stored transition
    obs_dim: int = 2  # > 2: random Fourier lifting of the state (higher-dim. observations)

    def __post_init__(self) -> None:
        if self.near_max < 1:
            raise ValueError(f"near_max must be >= 1 cell, got {self.near_max}")
        if self.episodes < 1 or self.episode_length < 2 or self.draws < 1:
            raise ValueError("episodes, draws must be >= 1 and episode_length >= 2")
        if not 0 <= self.persistence < 1 or not 0 < self.gamma < 1:
            raise ValueError("persistence must be in [0, 1) and gamma in (0, 1)")

    def maze(self, lift_seed: int = 0) -> MazeSpec:
        return MazeSpec(self.layout, self.episode_length, self.step_size, obs_dim=self.obs_dim,
                        lift_seed=lift_seed)


@dataclass
class Pairs:
    """Training positives: state, action, goal (normalised), and the cell distance s -> g."""

    obs: torch.Tensor
    action: torch.Tensor
    goal: torch.Tensor
    dist: torch.Tensor

    def __len__(self) -> int:
        return len(self.dist)


def cell_distances(walls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Free cells (n, 2) and their all-pairs geodesic distance matrix (n, n) in cells."""
    cells = np.argwhere(~walls)
    dist = np.stack([bfs_distances(walls, (int(r), int(c)))[cells[:, 0], cells[:, 1]]
                     for r, c in cells])
    return cells, dist


def random_walks(env: PointMaze, episodes: int, persistence: float, gen: torch.Generator
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Positions (E, T+1, 2), actions (E, T, 2) of persistent random walks from uniform starts."""
    T = env.spec.episode_length
    pos = env.sample_goals(episodes, gen)  # uniform cell, central half of it
    action = torch.rand(episodes, 2, generator=gen) * 2 - 1
    positions, actions = [pos], []
    for _ in range(T):
        fresh = torch.rand(episodes, 2, generator=gen) * 2 - 1
        keep = torch.rand(episodes, 1, generator=gen) < persistence
        action = torch.where(keep, action, fresh)
        pos = env.step(pos, action)
        actions.append(action)
        positions.append(pos)
    return torch.stack(positions, 1), torch.stack(actions, 1)


def cell_index(env: PointMaze, cells: np.ndarray, pos: torch.Tensor) -> torch.Tensor:
    """Index into ``cells`` of the cell holding each position."""
    lookup = torch.full(env.walls.shape, -1, dtype=torch.long)
    lookup[cells[:, 0], cells[:, 1]] = torch.arange(len(cells))
    r, c = env.cell_of(pos)
    return lookup[r, c]


def make_pairs(spec: StitchSpec, seed: int,
               lift_seed: int | None = None) -> tuple[Pairs, dict[str, float]]:
    """The near-pair set of one seed's buffer, and how much the split removed.

    ``lift_seed`` (default ``seed``) fixes the random observation lifting when ``obs_dim`` > 2:
    a held-out buffer must be drawn with its own seed but observed through the same lifting.
    """
    env = PointMaze(spec.maze(lift_seed=seed if lift_seed is None else lift_seed))
    gen = torch.Generator().manual_seed(seed)
    cells, dist = cell_distances(env.walls_np)
    pos, act = random_walks(env, spec.episodes, spec.persistence, gen)
    E, T = act.shape[:2]
    ep = torch.arange(E).repeat_interleave(T * spec.draws)
    t = torch.arange(T).repeat(E).repeat_interleave(spec.draws)
    k = truncated_geometric(T - t, spec.gamma, gen)  # goal index t + k <= T
    s_pos, g_pos = pos[ep, t], pos[ep, t + k]
    d = torch.from_numpy(dist)[cell_index(env, cells, s_pos), cell_index(env, cells, g_pos)]
    keep = d <= spec.near_max
    pairs = Pairs(env.observe(s_pos[keep]), act[ep[keep], t[keep]], env.goal_obs(g_pos[keep]),
                  d[keep].long())
    visited = np.unique(cell_index(env, cells, pos.reshape(-1, 2)).numpy())
    stats = {"transitions": float(E * T), "candidates": float(len(d)), "kept": float(keep.sum()),
             "far_dropped": float((~keep).sum()), "cell_coverage": len(visited) / len(cells)}
    return pairs, stats
