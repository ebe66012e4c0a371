"""Q-map topology score: geodesic-shaped Q scores > 0, Euclidean-shaped Q < 0, flat Q is not
ranked."""
import numpy as np
import torch

from neurips25.deep_crl.analysis import far_goal_cell, q_map, topology_score
from neurips25.deep_crl.envs.maze import LAYOUTS, MazeSpec, PointMaze, bfs_distances, parse_layout
from neurips25.deep_crl.networks import Critic


def _maps(layout="u4"):
    walls, _ = parse_layout(LAYOUTS[layout])
    env = PointMaze(MazeSpec(layout=layout))
    goal = far_goal_cell(env)
    geo = bfs_distances(walls, goal)
    rows, cols = np.indices(walls.shape)
    eu = np.hypot(rows - goal[0], cols - goal[1])
    return walls, goal, np.where(walls, np.nan, -geo), np.where(walls, np.nan, -eu)


def test_far_goal_is_behind_the_wall():
    env = PointMaze(MazeSpec(layout="u4"))
    assert far_goal_cell(env) == (3, 1)  # directly below S, 10 cells around the wall


def test_topology_score_sign():
    walls, goal, q_geo, q_eu = _maps()
    assert topology_score(q_geo, walls, goal)["score"] > 0.3
    assert topology_score(q_eu, walls, goal)["score"] < -0.3


def test_flat_q_is_not_ranked():
    walls, goal, q_geo, _ = _maps()
    t = topology_score(q_geo * 1e-3, walls, goal)  # same ranking, but Q spread 0.01
    assert t["flat"] and t["score"] == 0.0


def test_q_map_shape_and_walls():
    env = PointMaze(MazeSpec(layout="u"))
    torch.manual_seed(0)
    critic = Critic(env.obs_dim, 2, 2, width=8, depth=4)
    q = q_map(critic, env, (3, 1))
    assert q.shape == env.walls_np.shape
    assert np.isnan(q[env.walls_np]).all() and np.isfinite(q[~env.walls_np]).all()
    assert (q[~env.walls_np] <= 0).all()  # energies are negative distances
