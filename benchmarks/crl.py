"""deep_crl speed: batched point-maze env steps/s vs a per-env Python loop, and SGD steps/s
per depth.

Ratios are medians over repeats measured in this run (one torch thread, as the experiment
runs its arms). The paper's Brax mazes are compared only when ``brax`` is installed.
"""
from __future__ import annotations

import importlib.util
from functools import partial

import torch

from neurips25.common.threads import threads
from neurips25.common.timing import median_seconds
from neurips25.deep_crl.buffer import EpisodeBuffer
from neurips25.deep_crl.envs.maze import MazeSpec, PointMaze
from neurips25.deep_crl.train import CRLConfig, make_agent, rollout, sgd_step

median_time = partial(median_seconds, warmup=1)

def env_benchmark() -> None:
    env = PointMaze(MazeSpec(layout="large"))
    gen = torch.Generator().manual_seed(0)
    n, steps = 4096, 50
    goals = env.sample_goals(n, gen)
    pos0 = env.reset(goals, gen)
    actions = torch.rand(steps, n, 2, generator=gen) * 2 - 1

    def batched():
        pos = pos0
        for t in range(steps):
            pos = env.step(pos, actions[t])

    def per_env_loop(m: int = 64):  # the naive peer: one env at a time
        for i in range(m):
            pos = pos0[i:i + 1]
            for t in range(steps):
                pos = env.step(pos, actions[t, i:i + 1])

    tb = median_time(batched) / (n * steps)
    tl = median_time(per_env_loop, 3) / (64 * steps)
    print(f"maze env steps/s: batched {1 / tb:,.0f}  per-env loop {1 / tl:,.0f}  "
          f"ratio {tl / tb:.0f}x")


def sgd_step_seconds(width: int, depth: int, batch: int) -> float:
    """Median seconds of one actor + alpha + critic update on replayed maze data."""
    cfg = CRLConfig(width=width, critic_depth=depth, actor_depth=depth, batch_size=batch)
    agent = make_agent(cfg)
    opts = {"actor": torch.optim.Adam(agent.actor.parameters(), lr=cfg.lr),
            "critic": torch.optim.Adam(agent.critic.parameters(), lr=cfg.lr),
            "alpha": torch.optim.Adam([agent.log_alpha], lr=cfg.lr)}
    env, gen = agent.env, torch.Generator().manual_seed(0)
    buf = EpisodeBuffer(64, env.spec.episode_length, env.obs_dim, env.goal_dim, env.action_dim)
    obs, ach, act, _ = rollout(env, lambda o, g: agent.actor.act(o, g, generator=gen),
                               env.sample_goals(64, gen), gen)
    buf.add(obs, ach, act)
    return median_time(
        lambda: sgd_step(agent, buf.sample(batch, cfg.gamma, gen), opts, cfg, -1.0, gen),
        3 if depth >= 64 else 8)


def sgd_benchmark(width: int, depths: tuple[int, ...], batch: int = 256) -> None:
    base = None
    for depth in depths:
        t = sgd_step_seconds(width, depth, batch)
        base = base or t
        print(f"SGD steps/s width {width} depth {depth:3d} (batch {batch}): {1 / t:7.1f}   "
              f"time vs depth {depths[0]}: {t / base:5.2f}x")


if __name__ == "__main__":
    with threads(1):
        env_benchmark()
        sgd_benchmark(64, (4, 16, 64))
        sgd_benchmark(256, (4, 16))
    if importlib.util.find_spec("brax") is None:
        print("brax / JaxGCRL not installed: Brax U-maze comparison skipped")
