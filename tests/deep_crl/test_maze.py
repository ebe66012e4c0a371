"""Point maze: BFS on a known layout, walls never entered, sliding collisions, clear errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from neurips25.deep_crl.envs.maze import LAYOUTS, MazeSpec, PointMaze, bfs_distances, parse_layout

INF = np.inf


def test_bfs_on_u_maze():
    walls, start = parse_layout(LAYOUTS["u"])
    assert start == (1, 1)
    expected = np.array([
        [INF, INF, INF, INF, INF],
        [INF, 0, 1, 2, INF],
        [INF, INF, INF, 3, INF],
        [INF, 6, 5, 4, INF],
        [INF, INF, INF, INF, INF],
    ])
    np.testing.assert_array_equal(bfs_distances(walls, start), expected)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_is_connected_with_near_and_far_goals(layout):
    env = PointMaze(MazeSpec(layout=layout))
    assert np.isfinite(env.start_dist[~env.walls_np]).all()
    goals = env.eval_goal_cells()
    d = lambda cells: env.start_dist[cells[:, 0], cells[:, 1]]  # noqa: E731
    assert len(goals["near"]) and len(goals["far"])
    assert d(goals["near"]).max() < d(goals["far"]).min()


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(LAYOUTS)), st.integers(0, 2**31 - 1), st.floats(0.05, 0.95))
def test_agent_never_enters_a_wall(layout, seed, step):
    env = PointMaze(MazeSpec(layout=layout, step_size=step))
    gen = torch.Generator().manual_seed(seed)
    goals = env.sample_goals(16, gen)
    pos = env.reset(goals, gen)
    for _ in range(60):
        action = (torch.rand(16, 2, generator=gen) - 0.5) * 6  # includes out-of-range actions
        pos = env.step(pos, action)
        assert not env.in_wall(pos).any()


def test_sliding_along_a_wall():
    env = PointMaze(MazeSpec(layout="u", step_size=0.5))
    pos = torch.tensor([[1.5, 1.2]])  # in S, 0.2 below the wall row
    nxt = env.step(pos, torch.tensor([[1.0, -1.0]]))  # right and up
    assert nxt[0, 0] == pytest.approx(2.0)  # x moved freely
    assert nxt[0, 1] == pytest.approx(1.0, abs=1e-3) and nxt[0, 1] > 1.0  # y stopped at the wall
    assert not env.in_wall(nxt).any()


def test_goal_observation_and_lifting():
    env = PointMaze(MazeSpec(layout="u4", obs_dim=16))
    pos = torch.tensor([[1.5, 1.5], [5.5, 3.5]])
    obs = env.observe(pos)
    assert obs.shape == (2, 16)
    torch.testing.assert_close(obs[:, :2], env.goal_obs(pos))
    assert env.at_goal(pos, pos).all()


@pytest.mark.parametrize("rows,msg", [
    (("###", "#S#", "#x#", "###"), "unknown characters"),
    (("###", "#S.", "###"), "enclosed"),
    (("###", "#.#", "###"), "exactly one start"),
    (("####", "#S#"), "equal-length"),
])
def test_bad_layouts(rows, msg):
    with pytest.raises(ValueError, match=msg):
        parse_layout(rows)


def test_bad_spec():
    with pytest.raises(ValueError, match="step_size"):
        PointMaze(MazeSpec(step_size=1.5))
    with pytest.raises(ValueError, match="unknown maze layout"):
        PointMaze(MazeSpec(layout="nope"))
