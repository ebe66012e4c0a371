"""The four-rooms world of the STOMP paper: exact matrices, v*, sampling, bad input."""
import numpy as np
import pytest

from neurips25.common.errors import UserError
from neurips25.oak.experience import behaviour_stream
from neurips25.oak.gridworld import (
    FOUR_ROOMS,
    GridWorld,
    bellman_residual,
    four_rooms,
    policy_values,
    two_rooms,
    value_iteration,
)


@pytest.fixture(scope="module")
def env():
    return four_rooms()


def test_layout_matches_the_paper(env):
    assert env.cells[env.start] == (4, 1)
    assert env.cells[env.goal] == (9, 7)
    assert {env.cells[h] for h in env.hallways} == {(3, 6), (6, 2), (7, 9), (10, 6)}
    assert env.n_states == 104 and env.penalty.sum() == 12  # rows 7-10, cols 2-4
    assert env.index(9, 7) == env.goal


@pytest.mark.parametrize("make", [four_rooms, two_rooms])
def test_transition_rows_sum_to_one(make):
    e = make()
    assert np.abs(e.P_full.sum(-1) - 1.0).max() < 1e-14
    # the continuation matrix drops exactly the probability of entering the goal
    live = np.arange(e.n_states) != e.goal
    kept = e.P.sum(-1) + e.P_full[:, :, e.goal] * live
    assert np.abs(kept - live).max() < 1e-14
    assert (e.P >= 0).all()


def test_optimal_value_at_start_is_exact(env):
    v, pi = value_iteration(env)
    assert bellman_residual(env, v) < 1e-10
    assert abs(v[env.start] - 0.725118385) < 5e-10
    np.testing.assert_allclose(policy_values(env, pi), v, atol=1e-9)


def test_rewards_follow_the_definition(env):
    # right from (10,5) heads for the hallway; from (9,8) 'left' enters the goal w.p. 2/3
    assert env.R[2, env.index(9, 8)] == pytest.approx(2 / 3)
    # inside the penalty block every move but one stays in it
    s = env.index(8, 3)
    assert env.R[0, s] == pytest.approx(-1.0)


def test_sampled_transitions_match_exact_matrix(env):
    st = behaviour_stream(env, 60_000, np.random.default_rng(1))
    counts = np.zeros((4, env.n_states, env.n_states))
    np.add.at(counts, (st.a, st.s, st.s2), 1)
    n = counts.sum(-1, keepdims=True)
    seen = n[..., 0] >= 100
    emp = counts / np.maximum(n, 1)
    assert seen.sum() > 300
    assert np.abs(emp - env.P_full)[seen].max() < 0.15
    # rewards of the stream come from the same tables
    assert set(np.unique(st.r)) <= {-1.0, 0.0, 1.0}
    assert np.all(st.r[st.done] == 1.0)


@pytest.mark.parametrize(
    "layout, msg",
    [
        (("#####", "#S..#", "#####"), "exactly one"),
        (("#####", "#S.G#", "#..q#", "#####"), "unknown"),
        (("#####", "#S.G.", "#####"), "enclosed"),
        (("#####", "#S.G#", "####"), "rectangle"),
    ],
)
def test_bad_layouts_raise(layout, msg):
    with pytest.raises(UserError, match=msg):
        GridWorld(layout)


def test_bad_cell_and_probability(env):
    with pytest.raises(UserError, match="not a free cell"):
        env.index(0, 0)
    with pytest.raises(UserError):
        GridWorld(FOUR_ROOMS, p_intended=1.5)
