"""Planning over options: agrees with value iteration, options keep v*, utility sums."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurips25.common.errors import UserError
from neurips25.oak.experience import behaviour_stream
from neurips25.oak.gridworld import four_rooms, policy_values, value_iteration
from neurips25.oak.models import exact_models
from neurips25.oak.options import Option, primitive_options, solve_subtask
from neurips25.oak.planning import (
    greedy_choice,
    greedy_value_curve,
    plan_to_convergence,
    smdp_values,
    sweeps_to_reach,
    value_sweeps,
)
from neurips25.oak.subtasks import random_cell_features, reward_respecting, shortest_path
from neurips25.oak.utility import usage, value_added_alone


@pytest.fixture(scope="module")
def env():
    return four_rooms()


@pytest.fixture(scope="module")
def models(env):
    prim = exact_models(env, primitive_options(env))
    rr = exact_models(env, [solve_subtask(env, reward_respecting(env, h))[0] for h in env.hallways])
    sp = exact_models(env, [solve_subtask(env, shortest_path(env, h))[0] for h in env.hallways])
    return prim, rr, sp


def test_primitive_sweeps_are_value_iteration(env, models):
    prim = models[0]
    vs = value_sweeps(prim, 5)
    v = np.zeros(env.n_states)
    for k in range(1, 6):
        v = (env.R + env.gamma * env.P @ v).max(0)
        np.testing.assert_allclose(vs[k], v, atol=1e-14)


def test_adding_options_leaves_v_star_unchanged(env, models):
    prim, rr, sp = models
    v_star, _ = value_iteration(env)
    for m in (prim, prim + rr, prim + sp, prim + rr + sp):
        np.testing.assert_allclose(plan_to_convergence(m), v_star, atol=1e-9)


def test_greedy_policy_values(env, models):
    prim, rr, _ = models
    v_star, pi = value_iteration(env)
    np.testing.assert_allclose(smdp_values(prim, pi), policy_values(env, pi), atol=1e-10)
    curve = greedy_value_curve(prim + rr, prim + rr, 40)
    np.testing.assert_allclose(curve[-1], v_star, atol=1e-6)
    assert np.all(curve <= v_star + 1e-9)  # no policy beats v*
    # options carry value across rooms: near-optimal at the start after 2 sweeps, primitives not
    assert curve[2, env.start] > 0.95 * v_star[env.start]
    assert greedy_value_curve(prim, prim, 2)[2, env.start] < 0.1
    assert greedy_choice(prim + rr, np.zeros(env.n_states)).shape == (env.n_states,)


def test_sweeps_to_reach():
    assert sweeps_to_reach(np.array([0.0, 0.5, 0.9, 0.8]), 0.85) == 2
    assert sweeps_to_reach(np.array([0.0, 0.5]), 0.85) is None


def test_usage_shares_sum_to_one_and_ties_are_split(env, models):
    prim, rr, _ = models
    u = usage(prim + rr, 6)
    assert u.sum() == pytest.approx(1.0) and (u >= 0).all()
    dup = prim + rr.subset([0]) + rr.subset([0])  # an exact duplicate shares its wins evenly
    ud = usage(dup, 6)
    assert ud[-1] == pytest.approx(ud[-2])


def test_value_added_alone_is_zero_for_a_primitive_copy(env, models):
    prim = models[0]
    gain = value_added_alone((prim, prim), (prim.subset([0]), prim.subset([0])), 5)
    assert gain[0] == pytest.approx(0.0, abs=1e-12)
    feats = random_cell_features(env, 3, np.random.default_rng(0))
    assert len(set(feats)) == 3 and not set(feats) & set(env.hallways)


def test_bad_planning_inputs(models):
    prim, rr, _ = models
    with pytest.raises(UserError, match="sweeps"):
        value_sweeps(prim, -1)
    with pytest.raises(UserError, match="same options"):
        greedy_value_curve(prim + rr, prim, 2)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_options=st.integers(1, 4))
def test_any_options_leave_v_star_unchanged(env, seed, n_options):
    """Options are built from primitives, so no option set can raise (or lower) v*."""
    rng = np.random.default_rng(seed)
    options = [
        Option(f"random{i}", rng.integers(0, 4, env.n_states), rng.random(env.n_states))
        for i in range(n_options)
    ]
    m = exact_models(env, primitive_options(env)) + exact_models(env, options)
    v_star, _ = value_iteration(env)
    np.testing.assert_allclose(plan_to_convergence(m), v_star, atol=1e-9)
    # an option's model values never exceed v* either: r_o + M_o v* <= v*
    assert np.all(m.r + m.M @ v_star <= v_star + 1e-9)


def test_same_seed_same_stream(env):
    a = behaviour_stream(env, 500, np.random.default_rng(5))
    b = behaviour_stream(env, 500, np.random.default_rng(5))
    assert all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("s", "a", "r", "s2", "done"))
