"""A time-conditioned residual MLP: the small score network of the paper's GMM runs.

``ResidualMLP(dim)`` is an ``eps_model(x, t)``: ``x`` of shape (..., dim), integer
timesteps ``t`` of shape x.shape[:-1]. With ``members=K`` it holds K independent networks
whose weights are stacked, and takes ``x`` of shape (K, B, dim): one batched matmul trains
K models (e.g. one per training-set size n) as fast as ~one on a CPU. Adam is elementwise,
so one optimizer over the stacked weights is exactly K independent Adams.
"""
from __future__ import annotations

import math

import torch
from torch import nn


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10_000.0) -> torch.Tensor:
    """Sinusoidal embedding of (integer) diffusion timesteps, shape t.shape + (dim,)."""
    half = dim // 2
    steps = torch.arange(half, dtype=torch.float32, device=t.device)
    freqs = torch.exp(-math.log(max_period) * steps / half)
    args = t.to(torch.float32)[..., None] * freqs
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class StackedLinear(nn.Module):
    """K independent linear maps applied to inputs of shape (K, B, d_in)."""

    def __init__(self, members: int, d_in: int, d_out: int, zero: bool = False) -> None:
        super().__init__()
        bound = 1.0 / math.sqrt(d_in)
        w = torch.empty(members, d_in, d_out).uniform_(-bound, bound)
        b = torch.empty(members, 1, d_out).uniform_(-bound, bound)
        if zero:
            w.zero_(), b.zero_()
        self.weight = nn.Parameter(w)
        self.bias = nn.Parameter(b)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x, self.weight)


class StackedLayerNorm(nn.Module):
    """K independent LayerNorms over the last dim of (K, B, d): each member has its own gain
    and bias (one shared ``nn.LayerNorm`` would couple the members through its gradients)."""

    def __init__(self, members: int, d: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(members, 1, d))
        self.bias = nn.Parameter(torch.zeros(members, 1, d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = nn.functional.layer_norm(x, x.shape[-1:], eps=self.eps)
        return z * self.weight + self.bias


class ResidualMLP(nn.Module):
    """eps(x, t): input projection + ``blocks`` residual blocks (LayerNorm, SiLU MLP with a
    per-block projection of the sinusoidal time embedding added) + output projection. The
    last layer of each block starts at zero, so the network starts as a well-conditioned
    near-identity stack. Every parameter has a leading member dim: members share nothing."""

    def __init__(self, dim: int, width: int = 256, blocks: int = 3, time_dim: int = 64,
                 members: int = 1) -> None:
        super().__init__()
        if min(dim, width, blocks, time_dim, members) < 1:
            raise ValueError("dim, width, blocks, time_dim and members must be >= 1")
        self.dim, self.members, self.time_dim = dim, members, time_dim
        k = members
        self.inp = StackedLinear(k, dim, width)
        self.norms = nn.ModuleList([StackedLayerNorm(k, width) for _ in range(blocks)])
        self.temb = nn.ModuleList([StackedLinear(k, time_dim, width) for _ in range(blocks)])
        self.fc1 = nn.ModuleList([StackedLinear(k, width, width) for _ in range(blocks)])
        self.fc2 = nn.ModuleList([StackedLinear(k, width, width, zero=True) for _ in range(blocks)])
        self.out_norm = StackedLayerNorm(k, width)
        self.out = StackedLinear(k, width, dim)

    @torch.no_grad()
    def keep_members(self, rows: list[int]) -> None:
        """Keep only members ``rows`` (in that order), in place: a training loop drops a
        member it has finished with, and the stacked matmuls then cost only the rest. Every
        parameter is replaced by a new one (same order): build the optimizer again."""
        if not rows or len(set(rows)) != len(rows) or not all(0 <= r < self.members
                                                              for r in rows):
            raise ValueError(f"rows must be distinct members in [0, {self.members})")
        idx = torch.tensor(rows, device=self.inp.weight.device)
        for mod in self.modules():
            for name, p in list(mod.named_parameters(recurse=False)):
                setattr(mod, name, nn.Parameter(p.index_select(0, idx),
                                                requires_grad=p.requires_grad))
        self.members = len(rows)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        single = x.dim() == 2
        if single:
            if self.members != 1:
                raise ValueError(f"x must have shape ({self.members}, B, {self.dim})")
            x, t = x[None], t.reshape(1, -1)
        if x.dim() != 3 or x.shape[0] != self.members or x.shape[-1] != self.dim:
            raise ValueError(
                f"x must have shape ({self.members}, B, {self.dim}), got {tuple(x.shape)}")
        t = t.expand(x.shape[:-1]) if t.dim() < 2 else t
        if t.shape[1] > 1 and bool((t == t[:, :1]).all()):
            t = t[:, :1]  # one t per member (a sampler's step): embed once, broadcast the rows
        act = nn.functional.silu
        emb = timestep_embedding(t, self.time_dim)
        h = self.inp(x)
        for norm, temb, fc1, fc2 in zip(self.norms, self.temb, self.fc1, self.fc2, strict=True):
            z = fc1(act(norm(h))) + temb(emb)
            h = h + fc2(act(z))
        y = self.out(act(self.out_norm(h)))
        return y[0] if single else y
