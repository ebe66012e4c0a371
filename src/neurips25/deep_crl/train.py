"""Online contrastive RL on the point maze (CleanRL-style: readable top to bottom).

One iteration = one batch of ``num_envs`` full episodes collected with the stochastic
actor, then ``sgd_steps_per_iter`` updates of actor, temperature and critic on relabelled
samples (the official loop's order). Evaluation runs the deterministic actor from the
start cell to fixed near and far goals and reports success and time at goal (Table 1's
metric). A checkpoint, when given, is written atomically at every evaluation and a run
with the same config resumes from it.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from neurips25.common.io import atomic_write
from neurips25.common.progress import NullProgress, Progress
from neurips25.deep_crl.buffer import EpisodeBuffer
from neurips25.deep_crl.device import module_device, resolve_device
from neurips25.deep_crl.envs.maze import MazeSpec, PointMaze
from neurips25.deep_crl.losses import actor_loss, alpha_loss, critic_loss, energy
from neurips25.deep_crl.networks import Actor, Critic


@dataclass(frozen=True)
class CRLConfig:
    maze: MazeSpec = field(default_factory=MazeSpec)
    width: int = 256
    critic_depth: int = 4
    actor_depth: int = 4
    residual: bool = True
    layer_norm: bool = True
    num_envs: int = 64
    iterations: int = 40
    sgd_steps_per_iter: int = 50
    batch_size: int = 256
    lr: float = 3e-4
    gamma: float = 0.99
    logsumexp_penalty: float = 0.1
    infonce: str = "forward"
    entropy_param: float = 0.5
    buffer_episodes: int = 2048
    eval_every: int = 10
    eval_repeats: int = 4
    seed: int = 0
    device: str = "cpu"  # where the networks run; env, buffer and RNG stay on the CPU

    def __post_init__(self) -> None:
        for name in ("num_envs", "iterations", "sgd_steps_per_iter", "batch_size", "eval_every",
                     "eval_repeats"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 0 < self.gamma < 1:
            raise ValueError(f"gamma must be in (0, 1), got {self.gamma}")

    @property
    def env_steps(self) -> int:
        return self.iterations * self.num_envs * self.maze.episode_length

    def identity(self) -> dict[str, Any]:
        """What defines the result: every field but ``device`` (a checkpoint moves devices)."""
        d = dataclasses.asdict(self)
        d.pop("device")
        return d


@dataclass
class Agent:
    env: PointMaze
    actor: Actor
    critic: Critic
    log_alpha: torch.Tensor


def make_agent(cfg: CRLConfig) -> Agent:
    """Networks initialised on the CPU from ``cfg.seed`` (same weights anywhere), then moved."""
    dev = resolve_device(cfg.device)
    env = PointMaze(cfg.maze)
    torch.manual_seed(cfg.seed)
    critic = Critic(env.obs_dim, env.action_dim, env.goal_dim, cfg.width, cfg.critic_depth,
                    cfg.residual, cfg.layer_norm).to(dev)
    actor = Actor(env.obs_dim, env.goal_dim, env.action_dim, cfg.width, cfg.actor_depth,
                  cfg.residual, cfg.layer_norm).to(dev)
    return Agent(env, actor, critic, torch.zeros((), device=dev, requires_grad=True))


def on_device(fn, dev: torch.device):
    """Wrap a policy of the networks' device so that the CPU env can call it."""
    if dev.type == "cpu":
        return fn
    return lambda o, g: fn(o.to(dev), g.to(dev)).cpu()


def batch_to(batch, dev: torch.device):
    if dev.type == "cpu":
        return batch
    moved = {k: getattr(batch, k).to(dev) for k in ("obs", "action", "goal")}
    return dataclasses.replace(batch, **moved)


@torch.no_grad()
def rollout(env: PointMaze, policy, goals: torch.Tensor, gen: torch.Generator
            ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Run full episodes: obs, goal-part of state, actions (n, T, .) and at-goal flags (n, T)."""
    pos = env.reset(goals, gen)
    g = env.goal_obs(goals)
    obs_l, ach_l, act_l, hit_l = [], [], [], []
    for _ in range(env.spec.episode_length):
        obs = env.observe(pos)
        action = policy(obs, g)
        obs_l.append(obs)
        ach_l.append(env.goal_obs(pos))
        act_l.append(action)
        pos = env.step(pos, action)
        hit_l.append(env.at_goal(pos, goals))
    obs, ach, act, hit = (torch.stack(x, 1) for x in (obs_l, ach_l, act_l, hit_l))
    return obs, ach, act, hit


def evaluate(agent: Agent, repeats: int = 4, seed: int = 12345, policy=None) -> dict[str, float]:
    """Deterministic actor (or ``policy``) from S to the near and far evaluation goals."""
    env = agent.env
    gen = torch.Generator().manual_seed(seed)
    if policy is None:
        policy = on_device(lambda o, g: agent.actor.act(o, g, deterministic=True),
                           module_device(agent.actor))
    out = {}
    for name, cells in env.eval_goal_cells().items():
        goals = env.cell_center(np.repeat(cells, repeats, axis=0))
        *_, hit = rollout(env, policy, goals, gen)
        out[f"success_{name}"] = hit.any(1).float().mean().item()
        out[f"time_at_goal_{name}"] = hit.sum(1).float().mean().item()
    return out


def random_policy(gen: torch.Generator):
    return lambda obs, goal: torch.rand(obs.shape[0], 2, generator=gen) * 2 - 1


def sgd_step(agent: Agent, batch, opts: dict[str, torch.optim.Optimizer], cfg: CRLConfig,
             target_entropy: float, gen: torch.Generator) -> dict[str, float]:
    """Actor + temperature, then critic (the official update order)."""
    actor, critic = agent.actor, agent.critic
    action, log_prob = actor.sample(batch.obs, batch.goal, gen)
    with torch.no_grad():
        psi = critic.psi(batch.goal)
    q = energy(critic.phi(batch.obs, action), psi, critic.eps)
    a_loss = actor_loss(q, log_prob, agent.log_alpha.exp())
    opts["actor"].zero_grad(set_to_none=True)
    a_loss.backward(inputs=list(actor.parameters()))
    opts["actor"].step()
    al_loss = alpha_loss(agent.log_alpha, log_prob, target_entropy)
    opts["alpha"].zero_grad(set_to_none=True)
    al_loss.backward(inputs=[agent.log_alpha])
    opts["alpha"].step()

    logits = critic.logits(batch.obs, batch.action, batch.goal)
    c_loss = critic_loss(logits, cfg.logsumexp_penalty, cfg.infonce)
    opts["critic"].zero_grad(set_to_none=True)
    c_loss.backward()
    opts["critic"].step()
    acc = (logits.argmax(1) == torch.arange(len(logits), device=logits.device)).float().mean()
    return {"critic_loss": c_loss.item(), "actor_loss": a_loss.item(), "accuracy": acc.item(),
            "alpha": agent.log_alpha.exp().item()}


def _state(agent, opts, buffer, gens, it, history, cfg, spent) -> dict[str, Any]:
    return {"config": cfg.identity(), "iteration": it, "history": history, "spent": spent,
            "actor": agent.actor.state_dict(), "critic": agent.critic.state_dict(),
            "log_alpha": agent.log_alpha.detach().clone(),
            "opts": {k: o.state_dict() for k, o in opts.items()},
            "buffer": {k: getattr(buffer, k) for k in ("obs", "goal", "action", "size", "cursor")},
            "gens": {k: g.get_state() for k, g in gens.items()}}


def _restore(path: Path, cfg, agent, opts, buffer, gens) -> tuple[int, list, dict[str, float]]:
    """Load a checkpoint of this config: (iteration, history, wall/CPU seconds spent before)."""
    ck = torch.load(path, weights_only=False, map_location=module_device(agent.critic))
    if ck["config"] != cfg.identity():
        return 0, [], {}
    agent.actor.load_state_dict(ck["actor"])
    agent.critic.load_state_dict(ck["critic"])
    with torch.no_grad():
        agent.log_alpha.copy_(ck["log_alpha"])
    for k, o in opts.items():
        o.load_state_dict(ck["opts"][k])
    for k, v in ck["buffer"].items():
        setattr(buffer, k, v)
    for k, g in gens.items():
        g.set_state(ck["gens"][k])
    return ck["iteration"], ck["history"], ck.get("spent", {})  # older checkpoints: no "spent"


def train(cfg: CRLConfig, progress: Progress | None = None, checkpoint: Path | None = None
          ) -> tuple[Agent, dict[str, Any]]:
    """Train CRL; returns the agent and metrics (final eval, learning curve, timings)."""
    progress = progress or NullProgress()
    agent = make_agent(cfg)
    env = agent.env
    opts = {"actor": torch.optim.Adam(agent.actor.parameters(), lr=cfg.lr),
            "critic": torch.optim.Adam(agent.critic.parameters(), lr=cfg.lr),
            "alpha": torch.optim.Adam([agent.log_alpha], lr=cfg.lr)}
    buffer = EpisodeBuffer(cfg.buffer_episodes, cfg.maze.episode_length, env.obs_dim, env.goal_dim,
                           env.action_dim)
    gens = {"env": torch.Generator().manual_seed(cfg.seed + 1),
            "sgd": torch.Generator().manual_seed(cfg.seed + 2)}
    target_entropy = -cfg.entropy_param * env.action_dim
    start, history, before = 0, [], {}
    if checkpoint is not None and Path(checkpoint).is_file():
        start, history, before = _restore(Path(checkpoint), cfg, agent, opts, buffer, gens)
    t0, c0 = time.perf_counter(), time.process_time()

    def spent() -> dict[str, float]:  # over every session of this run, the resumed ones too
        return {"wall_seconds": before.get("wall_seconds", 0.0) + time.perf_counter() - t0,
                "cpu_seconds": before.get("cpu_seconds", 0.0) + time.process_time() - c0}

    sgd_time = 0.0
    last: dict[str, float] = {}
    dev = module_device(agent.critic)
    explore = on_device(lambda o, g: agent.actor.act(o, g, generator=gens["env"]), dev)
    todo = range(start, cfg.iterations)
    for it in progress.track(todo, "CRL iterations", total=len(todo)):
        goals = env.sample_goals(cfg.num_envs, gens["env"])
        obs, ach, act, _ = rollout(env, explore, goals, gens["env"])
        buffer.add(obs, ach, act)
        s0 = time.perf_counter()
        for _ in range(cfg.sgd_steps_per_iter):
            batch = batch_to(buffer.sample(cfg.batch_size, cfg.gamma, gens["sgd"]), dev)
            last = sgd_step(agent, batch, opts, cfg, target_entropy, gens["sgd"])
        sgd_time += time.perf_counter() - s0
        if (it + 1) % cfg.eval_every == 0 or it + 1 == cfg.iterations:
            row = {"iteration": it + 1,
                   "env_steps": (it + 1) * cfg.num_envs * cfg.maze.episode_length,
                   "sgd_steps": (it + 1) * cfg.sgd_steps_per_iter, **last,
                   **evaluate(agent, cfg.eval_repeats)}
            history.append(row)
            if checkpoint is not None:
                state = _state(agent, opts, buffer, gens, it + 1, history, cfg, spent())
                atomic_write(checkpoint, lambda tmp, s=state: torch.save(s, tmp))
    done = cfg.iterations - start
    metrics = {"final": history[-1] if history else {}, "history": history,
               **spent(),  # CPU seconds ~ idle-machine wall time with one thread
               "resumed_at_iteration": start,  # > 0: resumed from a checkpoint
               "seconds_cover_all_sessions": not start or bool(before),
               "sgd_steps_per_second": (done * cfg.sgd_steps_per_iter / sgd_time
                                        if sgd_time > 0 else None),
               "params": {"critic": sum(p.numel() for p in agent.critic.parameters()),
                          "actor": sum(p.numel() for p in agent.actor.parameters())}}
    return agent, metrics
