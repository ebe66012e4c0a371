"""Kinematic point mazes, batched in torch: a CPU stand-in for JaxGCRL's Ant/Humanoid mazes.

The agent is a point in a grid of unit cells (``#`` wall, ``.`` free, ``S`` start). An
action ``a`` in [-1, 1]^2 moves it by ``step_size * a``; the x and y moves are applied one
after the other and a move that would enter a wall stops at the wall (sliding collision),
so with ``step_size < 1`` the point can never be inside a wall. Episodes have a fixed
length and do not terminate at the goal, so "time at goal" (the paper's Table 1 metric,
steps spent within ``goal_radius`` of the goal) is well defined.

Every episode starts at ``S`` (exploration from a fixed start, as in the paper's mazes).
Training goals are all free cells; evaluation goals are split by geodesic distance
into near and far sets. Optional random lifting maps the 2-D position to a higher
dimensional state (``obs_dim``), like Ant's 29-D state with a 2-D goal.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import torch

LAYOUTS: dict[str, tuple[str, ...]] = {
    "u": (
        "#####",
        "#S..#",
        "###.#",
        "#...#",
        "#####",
    ),
    "u4": (
        "#######",
        "#S....#",
        "#####.#",
        "#.....#",
        "#######",
    ),
    "u5": (
        "########",
        "#S.....#",
        "######.#",
        "#......#",
        "########",
    ),
    "serpentine": (
        "#######",
        "#S....#",
        "#####.#",
        "#.....#",
        "#.#####",
        "#.....#",
        "#######",
    ),
    "large": (
        "##########",
        "#S.#.....#",
        "#..#.##..#",
        "#.....#..#",
        "###.###.##",
        "#...#....#",
        "#.###.##.#",
        "#.....#..#",
        "##########",
    ),
}


def parse_layout(rows: tuple[str, ...] | list[str]) -> tuple[np.ndarray, tuple[int, int]]:
    """Wall grid (True = wall, indexed [row, col]) and the start cell (row, col)."""
    if not rows or len({len(r) for r in rows}) != 1:
        raise ValueError("maze layout must be a non-empty list of equal-length rows")
    bad = {c for r in rows for c in r} - set("#.S")
    if bad:
        raise ValueError(f"maze layout has unknown characters {sorted(bad)}; use '#', '.', 'S'")
    walls = np.array([[c == "#" for c in r] for r in rows])
    if not (walls[0].all() and walls[-1].all() and walls[:, 0].all() and walls[:, -1].all()):
        raise ValueError("maze layout must be enclosed by walls ('#') on every side")
    starts = [(i, j) for i, r in enumerate(rows) for j, c in enumerate(r) if c == "S"]
    if len(starts) != 1:
        raise ValueError(f"maze layout needs exactly one start 'S', found {len(starts)}")
    return walls, starts[0]


def bfs_distances(walls: np.ndarray, source: tuple[int, int]) -> np.ndarray:
    """Geodesic distance in cells (4-neighbour moves) from ``source``; inf for walls/unreachable."""
    dist = np.full(walls.shape, np.inf)
    if walls[source]:
        raise ValueError(f"BFS source {source} is a wall")
    dist[source] = 0
    queue = deque([source])
    while queue:
        i, j = queue.popleft()
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            ni, nj = i + di, j + dj
            inside = 0 <= ni < walls.shape[0] and 0 <= nj < walls.shape[1]
            if inside and not walls[ni, nj] and dist[ni, nj] == np.inf:
                dist[ni, nj] = dist[i, j] + 1
                queue.append((ni, nj))
    return dist


@dataclass(frozen=True)
class MazeSpec:
    """What defines a maze task; ``obs_dim`` > 2 turns on random lifting of the state."""

    layout: str = "u4"
    episode_length: int = 100
    step_size: float = 0.5
    goal_radius: float = 0.5
    obs_dim: int = 2
    lift_seed: int = 0


class PointMaze:
    """A batch of point-maze episodes; positions are (x, y) = (col, row) in cell units."""

    def __init__(self, spec: MazeSpec = MazeSpec()) -> None:
        if spec.layout not in LAYOUTS:
            raise ValueError(f"unknown maze layout {spec.layout!r}; "
                             f"choose from {', '.join(LAYOUTS)}")
        if not 0 < spec.step_size < 1:
            raise ValueError(f"step_size must be in (0, 1) so no move can jump a wall, "
                             f"got {spec.step_size}")
        if spec.obs_dim < 2:
            raise ValueError(f"obs_dim must be >= 2, got {spec.obs_dim}")
        self.spec = spec
        walls, start = parse_layout(LAYOUTS[spec.layout])
        self.walls_np = walls
        self.walls = torch.from_numpy(walls)
        self.start_cell = start
        self.free_cells = np.argwhere(~walls)  # (n, 2) rows of (row, col)
        self.start_dist = bfs_distances(walls, start)
        if np.isinf(self.start_dist[~walls]).any():
            raise ValueError(f"maze {spec.layout!r} has free cells unreachable from the start")
        self.scale = float(max(walls.shape))
        gen = torch.Generator().manual_seed(spec.lift_seed)
        self.lift_w = torch.randn(2, spec.obs_dim - 2, generator=gen) * 2.0
        self.lift_b = torch.rand(spec.obs_dim - 2, generator=gen) * 2 * torch.pi
        self.obs_dim = spec.obs_dim
        self.goal_dim = 2
        self.action_dim = 2

    # ---- cells and goals -------------------------------------------------------------
    @staticmethod
    def cell_center(cells: np.ndarray) -> torch.Tensor:
        """(row, col) cells -> (x, y) centre positions."""
        cells = np.asarray(cells, dtype=np.float32).reshape(-1, 2)
        return torch.from_numpy(np.stack([cells[:, 1] + 0.5, cells[:, 0] + 0.5], axis=1))

    def cell_of(self, pos: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(row, col) integer indices of the cells holding ``pos``."""
        return pos[..., 1].floor().long(), pos[..., 0].floor().long()

    def in_wall(self, pos: torch.Tensor) -> torch.Tensor:
        r, c = self.cell_of(pos)
        r = r.clamp(0, self.walls.shape[0] - 1)
        c = c.clamp(0, self.walls.shape[1] - 1)
        return self.walls[r, c]

    def eval_goal_cells(self, near_max: int = 3) -> dict[str, np.ndarray]:
        """Evaluation goals: ``near`` (geodesic 1..near_max cells from S), ``far`` (the farthest
        third)."""
        d = self.start_dist[~self.walls_np]
        cells = self.free_cells
        near = cells[(d >= 1) & (d <= near_max)]
        far_cut = np.quantile(d[d > 0], 2 / 3)
        far = cells[d >= max(far_cut, near_max + 1)]
        return {"near": near, "far": far}

    # ---- dynamics --------------------------------------------------------------------
    def reset(self, goals: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Start positions for ``len(goals)`` episodes: centre of S plus U(-0.1, 0.1) noise."""
        n = goals.shape[0]
        start = self.cell_center(np.array([self.start_cell])).expand(n, 2)
        return start + (torch.rand(n, 2, generator=generator) - 0.5) * 0.2

    def sample_goals(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Training goals: uniform over free cells, position uniform in the cell's central half."""
        idx = torch.randint(len(self.free_cells), (n,), generator=generator)
        centre = self.cell_center(self.free_cells)[idx]
        return centre + (torch.rand(n, 2, generator=generator) - 0.5) * 0.5

    def step(self, pos: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """Move by ``step_size * clip(action)``; x then y, each stopped at a wall (sliding)."""
        delta = self.spec.step_size * action.clamp(-1.0, 1.0)
        eps = 1e-4
        out = pos.clone()
        for axis in (0, 1):
            moved = out.clone()
            moved[:, axis] = out[:, axis] + delta[:, axis]
            blocked = self.in_wall(moved)
            cell_lo = out[:, axis].floor()
            stopped = moved[:, axis].clamp(cell_lo + eps, cell_lo + 1 - eps)
            out[:, axis] = torch.where(blocked, stopped, moved[:, axis])
        return out

    def at_goal(self, pos: torch.Tensor, goal: torch.Tensor) -> torch.Tensor:
        return (pos - goal).norm(dim=-1) < self.spec.goal_radius

    # ---- observations ----------------------------------------------------------------
    def observe(self, pos: torch.Tensor) -> torch.Tensor:
        """State vector: normalised position, plus random Fourier lifting if ``obs_dim`` > 2."""
        x = pos / self.scale * 2 - 1
        if self.obs_dim == 2:
            return x
        return torch.cat([x, torch.sin(x @ self.lift_w + self.lift_b)], dim=-1)

    def goal_obs(self, goal: torch.Tensor) -> torch.Tensor:
        """Goal vector: normalised (x, y), the part of the state a goal specifies."""
        return goal / self.scale * 2 - 1
