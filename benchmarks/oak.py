"""Oak/STOMP benchmark: planning cost with option models vs primitives, exact vs Monte Carlo.

Prints ratios measured in this run (medians of repeats):
  * sweeps and wall time for the greedy policy to reach 95% of v*(start), primitives vs
    primitives + reward-respecting hallway options (exact models);
  * exact option model by one linear solve vs a 4000-rollout Monte Carlo estimate of
    the same start-state model (which is still noisy).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from neurips25.common.timing import median_seconds
from neurips25.oak import (
    exact_models,
    four_rooms,
    greedy_value_curve,
    primitive_options,
    reward_respecting,
    solve_subtask,
    value_iteration,
)
from neurips25.oak.planning import sweeps_to_reach

median_time = partial(median_seconds, repeats=5)

def monte_carlo_model(env, option, s0: int, n: int, rng) -> float:
    s = np.full(n, s0)
    alive = np.ones(n, dtype=bool)
    disc = np.ones(n)
    ret = np.zeros(n)
    while alive.any():
        idx = np.flatnonzero(alive)
        m = env.sample_moves(option.policy[s[idx]], rng.random(len(idx)))
        s2 = env.next_cell[s[idx], m]
        ret[idx] += disc[idx] * env.step_reward[s[idx], m]
        disc[idx] *= env.gamma
        stop = (s2 == env.goal) | (rng.random(len(idx)) < option.stop[s2])
        alive[idx[stop]] = False
        s[idx] = s2
    return float(ret.mean())


def main() -> None:
    env = four_rooms()
    v_star, _ = value_iteration(env)
    target = 0.95 * v_star[env.start]
    prim = exact_models(env, primitive_options(env))
    rr_opts = [solve_subtask(env, reward_respecting(env, h))[0] for h in env.hallways]
    both = prim + exact_models(env, rr_opts)
    k_p = sweeps_to_reach(greedy_value_curve(prim, prim, 40)[:, env.start], target)
    k_o = sweeps_to_reach(greedy_value_curve(both, both, 40)[:, env.start], target)
    t_p = median_time(lambda: greedy_value_curve(prim, prim, k_p))
    t_o = median_time(lambda: greedy_value_curve(both, both, max(k_o, 1)))
    print(f"sweeps to 95% v*: primitives {k_p}, +options {k_o}  ->  "
          f"{k_p / max(k_o, 1):.1f}x fewer sweeps")
    print(f"wall time to 95% v* (plan + evaluate greedy): primitives {t_p * 1e3:.1f} ms, "
          f"+options {t_o * 1e3:.1f} ms  ->  {t_p / t_o:.1f}x faster")
    opt = rr_opts[3]
    t_exact = median_time(lambda: exact_models(env, [opt]))
    rng = np.random.default_rng(0)
    t_mc = median_time(lambda: monte_carlo_model(env, opt, env.start, 4000, rng), repeats=3)
    exact_r = exact_models(env, [opt]).r[0, env.start]
    mc_r = monte_carlo_model(env, opt, env.start, 4000, rng)
    print(f"option model: exact solve (all states) {t_exact * 1e3:.1f} ms vs Monte Carlo "
          f"(start only, 4000 rollouts) {t_mc * 1e3:.1f} ms  ->  {t_mc / t_exact:.1f}x; "
          f"reward {exact_r:.4f} exact vs {mc_r:.4f} MC")


if __name__ == "__main__":
    from neurips25.common.threads import threads

    with threads(1):
        main()
