"""Options and option models: DP optimality, Monte Carlo agreement, learned vs exact."""
import numpy as np
import pytest

from neurips25.common.errors import UserError
from neurips25.oak.experience import behaviour_stream
from neurips25.oak.gridworld import four_rooms
from neurips25.oak.models import exact_models, learn_models, model_error
from neurips25.oak.options import learn_options, primitive_options, solve_subtask
from neurips25.oak.routes import penalty_entries
from neurips25.oak.subtasks import random_cell_features, reward_respecting, shortest_path


@pytest.fixture(scope="module")
def env():
    return four_rooms()


@pytest.fixture(scope="module")
def hall_options(env):
    rr = [solve_subtask(env, reward_respecting(env, h))[0] for h in env.hallways]
    sp = [solve_subtask(env, shortest_path(env, h))[0] for h in env.hallways]
    return rr, sp


def rollouts(env, option, s0, n, rng):
    """Monte Carlo returns and discounted stopping states of ``option`` from ``s0``."""
    s = np.full(n, s0)
    alive = np.ones(n, dtype=bool)
    disc = np.ones(n)
    ret = np.zeros(n)
    stop_at = np.full(n, -1)
    stop_disc = np.zeros(n)
    for _ in range(3000):
        idx = np.flatnonzero(alive)
        if not len(idx):
            break
        m = env.sample_moves(option.policy[s[idx]], rng.random(len(idx)))
        s2 = env.next_cell[s[idx], m]
        ret[idx] += disc[idx] * env.step_reward[s[idx], m]
        disc[idx] *= env.gamma
        done = s2 == env.goal
        stop = ~done & (rng.random(len(idx)) < option.stop[s2])
        stop_at[idx[stop]] = s2[stop]
        stop_disc[idx[stop]] = disc[idx[stop]]
        alive[idx[done | stop]] = False
        s[idx] = s2
    return ret, stop_at, stop_disc


@pytest.mark.parametrize("which, hall, start",
                         [("rr", 3, None), ("sp", 3, None), ("rr", 2, (11, 11))])
def test_exact_option_models_equal_monte_carlo(env, hall_options, which, hall, start):
    rr, sp = hall_options
    option = (rr if which == "rr" else sp)[hall]
    s0 = env.start if start is None else env.index(*start)
    model = exact_models(env, [option])
    ret, stop_at, stop_disc = rollouts(env, option, s0, 4000, np.random.default_rng(7))
    se = ret.std() / np.sqrt(len(ret)) + 1e-4
    assert abs(ret.mean() - model.r[0, s0]) < 4 * se
    M_mc = np.bincount(stop_at[stop_at >= 0], weights=stop_disc[stop_at >= 0],
                       minlength=env.n_states) / len(ret)
    per_entry = np.sqrt(M_mc * (1 - M_mc) / len(ret)) + 2e-3
    assert np.all(np.abs(M_mc - model.M[0, s0]) < 4 * per_entry)


def test_primitive_models_are_one_step(env):
    m = exact_models(env, primitive_options(env))
    np.testing.assert_allclose(m.r, env.R, atol=1e-12)
    np.testing.assert_allclose(m.M, env.gamma * env.P, atol=1e-12)


def test_subtask_solution_is_optimal_stopping(env):
    task = reward_respecting(env, env.hallways[2])
    option, q = solve_subtask(env, task)
    u = np.maximum(task.stop_value, q.max(0))
    residual = task.cumulant(env) + env.gamma * env.P @ u - q
    assert np.abs(residual).max() < 1e-10
    assert option.stop[task.feature] == 1.0  # the bonus makes the feature a stopping state
    # the option's model reward plus stopping value reproduces its subtask value
    m = exact_models(env, [option])
    z = np.where(np.arange(env.n_states) == env.goal, 0.0, task.stop_value)
    np.testing.assert_allclose(m.r[0] + m.M[0] @ z, q[option.policy, np.arange(env.n_states)],
                               atol=1e-9)


def test_reward_respecting_options_avoid_penalty(env, hall_options):
    rr, sp = hall_options
    h = [env.cells[x] for x in env.hallways].index((10, 6))
    from_hall = env.index(6, 2)
    # (6,2) -> (10,6): the penalty entry below the hallway is unavoidable, the diagonal is not
    assert penalty_entries(env, rr[h])[from_hall] < 0.5 * penalty_entries(env, sp[h])[from_hall]


def test_learned_options_and_models_approach_exact(env):
    stream = behaviour_stream(env, 40_000, np.random.default_rng(3))
    tasks = [reward_respecting(env, env.hallways[0])]
    learned, q = learn_options(env, tasks, stream, alpha=0.1)
    best, q_exact = solve_subtask(env, tasks[0])
    # the learned option's true subtask value (model reward + stopping value) is near optimal
    z = np.where(np.arange(env.n_states) == env.goal, 0.0, tasks[0].stop_value)
    m = exact_models(env, [learned[0], best])
    value = m.r + m.M @ z
    assert value[0, env.start] > 0.95 * value[1, env.start]
    next_to_hall = env.index(3, 5)
    assert abs(q[0][:, next_to_hall].max() - q_exact[:, next_to_hall].max()) < 0.05
    # models of a fixed option set, learned by intra-option TD over several passes
    options = primitive_options(env) + [solve_subtask(env, tasks[0])[0]]
    exact = exact_models(env, options)
    trace = []
    long = type(stream)(*(np.tile(getattr(stream, f), 3) for f in ("s", "a", "r", "s2", "done")))
    learned_m = learn_models(env, options, long, alpha=0.1, every=40_000,
                             on_checkpoint=lambda t, m: trace.append(model_error(m, exact)))
    assert len(trace) == 3
    err = model_error(learned_m, exact)
    assert err == trace[-1]
    rewards = [t["reward_rmse"] for t in trace]
    assert rewards == sorted(rewards, reverse=True)  # replaying the stream keeps improving
    assert rewards[-1] < 0.7 * rewards[0] and rewards[-1] < 0.15
    assert err["transition_rmse"] < 0.2
    assert np.abs(learned_m.r[:4] - exact.r[:4]).max() < 0.35  # primitives: one-step averages


def test_bad_inputs(env):
    stream = behaviour_stream(env, 10, np.random.default_rng(0))
    with pytest.raises(UserError, match="step size"):
        learn_options(env, [reward_respecting(env, env.hallways[0])], stream, alpha=0.0)
    with pytest.raises(UserError, match="step size"):
        learn_models(env, primitive_options(env), stream, alpha=2.0)
    with pytest.raises(UserError, match="non-terminal"):
        reward_respecting(env, env.goal)
    with pytest.raises(UserError, match="v_hat"):
        reward_respecting(env, 0, v_hat=np.zeros(3))
    with pytest.raises(UserError, match="at least one step"):
        behaviour_stream(env, 0, np.random.default_rng(0))
    with pytest.raises(UserError, match="random features"):
        random_cell_features(env, 1000, np.random.default_rng(0))
