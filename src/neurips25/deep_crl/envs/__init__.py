"""Fast vectorised goal-conditioned environments in plain torch (Brax is unusable on CPU)."""
from neurips25.deep_crl.envs.maze import LAYOUTS, MazeSpec, PointMaze, bfs_distances

__all__ = ["LAYOUTS", "MazeSpec", "PointMaze", "bfs_distances"]
