"""Episode replay buffer with geometric future-goal relabelling (CRL's hindsight goals).

Each stored item is a whole episode of length T (all envs reset together, so episodes
never share a row). A training sample picks an episode and a time t < T-1, then a
future offset k >= 1 from the truncated geometric law P(k) ∝ gamma^(k-1), k = 1..T-1-t,
and uses the goal part of the state at t+k as the positive goal: the discounted state
occupancy that the contrastive critic models (Eysenbach et al. 2022, Eq. 3).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


def truncated_geometric(n_max: torch.Tensor, gamma: float, generator: torch.Generator | None = None
                        ) -> torch.Tensor:
    """k in 1..n_max with P(k) = (1-gamma) gamma^(k-1) / (1 - gamma^n_max), by inverse CDF."""
    if not 0 < gamma < 1:
        raise ValueError(f"gamma must be in (0, 1), got {gamma}")
    if (n_max < 1).any():
        raise ValueError("every n_max must be >= 1 (a future state must exist)")
    u = torch.rand(n_max.shape, generator=generator, dtype=torch.float64)
    mass = 1 - gamma ** n_max.double()
    log_gamma = torch.log(torch.tensor(gamma, dtype=torch.float64))
    k = 1 + torch.floor(torch.log1p(-u * mass) / log_gamma)
    return torch.minimum(k.long(), n_max).clamp(min=1)


@dataclass
class Batch:
    obs: torch.Tensor       # state at t
    action: torch.Tensor    # action at t
    goal: torch.Tensor      # goal part of the state at t + k
    offset: torch.Tensor    # k
    episode: torch.Tensor   # which stored episode
    t: torch.Tensor


class EpisodeBuffer:
    """Ring buffer of whole episodes: obs (E, T, obs_dim), goal-part (E, T, goal_dim), actions."""

    def __init__(self, capacity: int, episode_length: int, obs_dim: int, goal_dim: int,
                 action_dim: int) -> None:
        if capacity < 1 or episode_length < 2:
            raise ValueError(f"need capacity >= 1 and episode_length >= 2, "
                             f"got {capacity}, {episode_length}")
        self.capacity, self.T = capacity, episode_length
        self.obs = torch.zeros(capacity, episode_length, obs_dim)
        self.goal = torch.zeros(capacity, episode_length, goal_dim)
        self.action = torch.zeros(capacity, episode_length, action_dim)
        self.size = 0
        self.cursor = 0

    def add(self, obs: torch.Tensor, goal: torch.Tensor, action: torch.Tensor) -> None:
        """Store episodes given as (n, T, dim) tensors."""
        n = obs.shape[0]
        if obs.shape[1] != self.T or goal.shape[:2] != obs.shape[:2] \
                or action.shape[:2] != obs.shape[:2]:
            raise ValueError("episodes must be (n, T, dim) with the buffer's T "
                             "for obs, goal and action")
        idx = (self.cursor + torch.arange(n)) % self.capacity
        self.obs[idx], self.goal[idx], self.action[idx] = obs, goal, action
        self.cursor = int((self.cursor + n) % self.capacity)
        self.size = min(self.size + n, self.capacity)

    def sample(self, batch_size: int, gamma: float,
               generator: torch.Generator | None = None) -> Batch:
        if self.size == 0:
            raise ValueError("cannot sample from an empty buffer")
        ep = torch.randint(self.size, (batch_size,), generator=generator)
        t = torch.randint(self.T - 1, (batch_size,), generator=generator)
        k = truncated_geometric(self.T - 1 - t, gamma, generator)
        return Batch(self.obs[ep, t], self.action[ep, t], self.goal[ep, t + k], k, ep, t)
