"""One stitching arm: a contrastive critic trained on near pairs only, scored on far pairs.

The critic is the paper's (Sec. 3-4): f(s, a, g) = -||phi(s, a) - psi(g)||, both encoders
residual MLPs, trained by forward InfoNCE + 0.1 * logsumexp^2 with Adam. No actor: this
isolates what depth does to the critic's representation. Scores: ranking accuracy over far
goal pairs (never positives in training), the same over near pairs (fit), the Q-map
topology score for the goal behind the wall (Fig. 9 analogue), and held-out near-pair loss.
"""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from neurips25.deep_crl.analysis import (
    far_goal_cell,
    q_map,
    q_matrix,
    ranking_accuracy,
    topology_score,
)
from neurips25.deep_crl.device import resolve_device
from neurips25.deep_crl.envs.maze import PointMaze
from neurips25.deep_crl.losses import critic_loss
from neurips25.deep_crl.networks import Critic
from neurips25.deep_crl.stitch_data import Pairs, StitchSpec, cell_distances, make_pairs

VAL_SEED_OFFSET = 100_003  # the held-out buffer of seed s is drawn with seed s + this


@dataclass(frozen=True)
class StitchArm:
    """One (architecture, depth, width, batch, lr, seed) critic trained on one seed's buffer."""

    data: StitchSpec = field(default_factory=StitchSpec)
    width: int = 64
    depth: int = 4
    residual: bool = True
    layer_norm: bool = True
    lr: float = 3e-4
    batch_size: int = 256
    steps: int = 1000
    seed: int = 0
    logsumexp_penalty: float = 0.1
    init: str = "paper"  # "swish_he" gives a plain net a variance-preserving start
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.steps < 1 or self.batch_size < 2 or self.lr <= 0:
            raise ValueError("steps >= 1, batch_size >= 2 and lr > 0 are required")

    @property
    def kind(self) -> str:
        from neurips25.deep_crl.arms import arch_kind

        return arch_kind(self.residual, self.layer_norm)

    @property
    def name(self) -> str:
        init = "" if self.init == "paper" else f"-{self.init}"
        return (f"stitch-{self.kind}{init}-d{self.depth}-w{self.width}-b{self.batch_size}"
                f"-o{self.data.obs_dim}-lr{self.lr:g}-s{self.seed}")

    def identity(self) -> dict[str, Any]:
        """What defines the result: every field but ``device``."""
        d = dataclasses.asdict(self)
        d.pop("device")
        return d


def arm_from_dict(d: dict[str, Any]) -> StitchArm:
    d = dict(d)
    d["data"] = StitchSpec(**d["data"])
    return StitchArm(**d)


def _batch(pairs: Pairs, idx: torch.Tensor, dev: torch.device) -> tuple[torch.Tensor, ...]:
    return pairs.obs[idx].to(dev), pairs.action[idx].to(dev), pairs.goal[idx].to(dev)


@torch.no_grad()
def held_out_loss(critic: Critic, pairs: Pairs, arm: StitchArm, dev: torch.device, batches: int = 8
                  ) -> dict[str, float]:
    """Mean InfoNCE (+ penalty) and top-1 accuracy on batches of held-out near pairs."""
    gen = torch.Generator().manual_seed(arm.seed + 7)
    losses, accs = [], []
    for _ in range(batches):
        idx = torch.randint(len(pairs), (arm.batch_size,), generator=gen)
        logits = critic.logits(*_batch(pairs, idx, dev))
        losses.append(critic_loss(logits, arm.logsumexp_penalty).item())
        accs.append((logits.argmax(1) == torch.arange(len(idx), device=dev)).float().mean().item())
    return {"val_loss": float(np.mean(losses)), "val_accuracy": float(np.mean(accs))}


def fit(arm: StitchArm, pairs: Pairs, dev: torch.device) -> tuple[Critic, list[float], bool]:
    """Adam on the near pairs; returns the critic, its loss curve (10 chunk means), diverged?"""
    torch.manual_seed(arm.seed)
    critic = Critic(pairs.obs.shape[1], 2, 2, arm.width, arm.depth, arm.residual, arm.layer_norm,
                    init=arm.init).to(dev)
    # fused: one kernel for all ~4 * depth parameters instead of a Python loop over them (the
    # loop was a third of a d4 step); the same update up to float rounding
    opt = torch.optim.Adam(critic.parameters(), lr=arm.lr, fused=True)
    gen = torch.Generator().manual_seed(arm.seed + 1)
    chunk = max(1, arm.steps // 10)
    curve, acc = [], []
    for step in range(arm.steps):
        idx = torch.randint(len(pairs), (arm.batch_size,), generator=gen)
        loss = critic_loss(critic.logits(*_batch(pairs, idx, dev)), arm.logsumexp_penalty)
        if not torch.isfinite(loss):
            return critic, curve, True
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        acc.append(loss.item())
        if (step + 1) % chunk == 0 or step + 1 == arm.steps:
            curve.append(float(np.mean(acc)))
            acc = []
    return critic, curve, False


def evaluate_critic(critic, env: PointMaze, near_max: int,
                    diverged: bool = False) -> dict[str, Any]:
    """Far/near ranking accuracy over cell centres; topology score for the goal behind the wall.

    A critic whose training diverged (or whose Q is not finite) ranks nothing: every pair a tie.
    """
    cells, dist = cell_distances(env.walls_np)
    goal = far_goal_cell(env)
    q = q_matrix(critic, env, cells)
    qm = q_map(critic, env, goal)
    if diverged or not (np.isfinite(q).all() and np.isfinite(qm[~env.walls_np]).all()):
        q, qm = np.zeros_like(q), np.where(env.walls_np, np.nan, 0.0)
    topo = topology_score(qm, env.walls_np, goal)  # a constant map scores 0 and is marked flat
    return {"far_accuracy": ranking_accuracy(q, dist, dist > near_max),
            "near_accuracy": ranking_accuracy(q, dist, dist <= near_max),
            "topology": topo, "q_goal_cell": list(goal), "q_map": qm}


def prepare(arm: StitchArm) -> tuple[Pairs, Pairs, dict[str, float]]:
    """The arm's training pairs, its held-out pairs (same lifting) and the split's stats."""
    pairs, stats = make_pairs(arm.data, arm.seed)
    val, _ = make_pairs(arm.data, arm.seed + VAL_SEED_OFFSET, lift_seed=arm.seed)
    return pairs, val, stats


def score(arm: StitchArm, critic: Critic, curve: list[float], diverged: bool, val: Pairs,
          stats: dict[str, float], dev: torch.device) -> dict[str, Any]:
    """Held-out loss and maze scores of a trained critic: the arm's JSON-able metrics."""
    critic.eval()
    env = PointMaze(arm.data.maze(lift_seed=arm.seed))
    held = ({"val_loss": math.inf, "val_accuracy": 0.0} if diverged
            else held_out_loss(critic, val, arm, dev))
    if not math.isfinite(held["val_loss"]):
        diverged = True
    scores = evaluate_critic(critic, env, arm.data.near_max, diverged)
    return {"name": arm.name, "kind": arm.kind, "init": arm.init, "depth": arm.depth,
            "width": arm.width, "lr": arm.lr,
            "batch_size": arm.batch_size, "obs_dim": arm.data.obs_dim, "seed": arm.seed,
            "diverged": diverged, "loss_curve": curve, **held, **scores, "data": stats,
            "params": sum(p.numel() for p in critic.parameters())}


def train_stitch(arm: StitchArm) -> dict[str, Any]:
    """Train and score one arm; returns its JSON-able metrics."""
    dev = resolve_device(arm.device)
    t0, c0 = time.perf_counter(), time.process_time()
    pairs, val, stats = prepare(arm)
    critic, curve, diverged = fit(arm, pairs, dev)
    return {**score(arm, critic, curve, diverged, val, stats, dev),
            "wall_seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0}
