"""Q-value maps over the maze and a topology score (the paper's Fig. 9 analogue).

Fig. 9 of arXiv 2503.14858: for a goal behind a wall, a shallow critic's Q falls off
with Euclidean distance (it "sees through" the wall), a deep critic's with the distance
along the maze. We evaluate V(s) = max over a 3 x 3 action grid of Q(s, a, g) at every
free cell centre and compare its Spearman correlation with -geodesic and -Euclidean
distance to the goal: topology score = rho_geodesic - rho_euclidean (> 0: follows the maze).
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.stats import spearmanr

from neurips25.deep_crl.device import module_device
from neurips25.deep_crl.envs.maze import PointMaze, bfs_distances
from neurips25.deep_crl.networks import Critic

ACTION_GRID = torch.tensor([[ax, ay] for ax in (-1.0, 0.0, 1.0) for ay in (-1.0, 0.0, 1.0)])


def far_goal_cell(env: PointMaze) -> tuple[int, int]:
    """The free cell with the largest geodesic/Euclidean ratio from S: 'behind the wall'."""
    best, best_ratio = env.start_cell, -1.0
    s = np.array(env.start_cell)
    for cell in env.free_cells:
        eu = float(np.linalg.norm(cell - s))
        if eu == 0:
            continue
        ratio = env.start_dist[tuple(cell)] / eu
        farther = env.start_dist[tuple(cell)] > env.start_dist[best]
        if ratio > best_ratio + 1e-9 or (abs(ratio - best_ratio) < 1e-9 and farther):
            best, best_ratio = (int(cell[0]), int(cell[1])), ratio
    return best


@torch.no_grad()
def q_map(critic: Critic, env: PointMaze, goal_cell: tuple[int, int]) -> np.ndarray:
    """max_a Q(s, a, g) at each free cell centre (NaN on walls), goal at ``goal_cell``'s centre."""
    cells = env.free_cells
    pos = env.cell_center(cells)
    obs = env.observe(pos)
    goal = env.goal_obs(env.cell_center(np.array([goal_cell]))).expand(len(cells), 2)
    n_a = len(ACTION_GRID)
    dev = module_device(critic)
    q = critic(obs.repeat_interleave(n_a, 0).to(dev), ACTION_GRID.repeat(len(cells), 1).to(dev),
               goal.repeat_interleave(n_a, 0).to(dev))
    out = np.full(env.walls_np.shape, np.nan)
    out[cells[:, 0], cells[:, 1]] = q.view(len(cells), n_a).max(1).values.cpu().numpy()
    return out


def topology_score(qmap: np.ndarray, walls: np.ndarray, goal_cell: tuple[int, int],
                   min_spread: float = 0.1) -> dict[str, float]:
    """Spearman of Q with -geodesic and -Euclidean distance to the goal over free cells (but it).

    A critic whose Q varies by less than ``min_spread`` over the whole maze has learned
    nothing (e.g. an untrainable plain deep MLP); ranking its noise would be spurious, so it
    scores 0 and is marked ``flat``.
    """
    geo = bfs_distances(walls, goal_cell)
    cells = np.argwhere(~walls)
    cells = cells[(cells != np.array(goal_cell)).any(1)]
    q = qmap[cells[:, 0], cells[:, 1]]
    g = geo[cells[:, 0], cells[:, 1]]
    e = np.linalg.norm(cells - np.array(goal_cell), axis=1)
    spread = float(np.ptp(q)) if not np.isnan(q).any() else 0.0
    if spread < min_spread:
        return {"rho_geodesic": 0.0, "rho_euclidean": 0.0, "score": 0.0, "spread": spread,
                "flat": True}
    rg = float(spearmanr(q, -g).statistic)
    re = float(spearmanr(q, -e).statistic)
    return {"rho_geodesic": rg, "rho_euclidean": re, "score": rg - re, "spread": spread,
            "flat": False}


@torch.no_grad()
def q_matrix(critic, env: PointMaze, cells: np.ndarray) -> np.ndarray:
    """Q[i, j] = max over a 3 x 3 action grid of critic(s = centre of cell i, a, g = centre of j).

    ``critic`` is any callable (obs, action, goal) -> Q per row, so a planted critic can stand in.
    """
    n, n_a = len(cells), len(ACTION_GRID)
    pos = env.cell_center(cells)
    dev = module_device(critic) if isinstance(critic, torch.nn.Module) else torch.device("cpu")
    obs = env.observe(pos).repeat_interleave(n * n_a, 0)  # s varies slowest, then g, then a
    goal = env.goal_obs(pos).repeat_interleave(n_a, 0).repeat(n, 1)
    act = ACTION_GRID.repeat(n * n, 1)
    q = critic(obs.to(dev), act.to(dev), goal.to(dev))
    return q.view(n, n, n_a).max(-1).values.cpu().numpy()


def ranking_accuracy(q: np.ndarray, dist: np.ndarray, mask: np.ndarray) -> float:
    """Share of goal pairs ordered like the maze: Q(s, g1) > Q(s, g2) whenever d(s, g1) < d(s, g2).

    Counted over every start s and every two goals g1, g2 with ``mask[s, g]`` true for both
    and different geodesic distances from s; a tie in Q counts one half (a constant critic
    scores 0.5). NaN if no such pair exists.
    """
    right = total = 0.0
    for s in range(len(q)):
        goals = np.flatnonzero(mask[s])
        d, v = dist[s, goals], q[s, goals]
        closer = d[:, None] < d[None, :]  # g1 (row) strictly nearer than g2 (column)
        above, tie = v[:, None] > v[None, :], v[:, None] == v[None, :]
        right += float((above & closer).sum() + 0.5 * (tie & closer).sum())
        total += float(closer.sum())
    return right / total if total else float("nan")
