"""The paper's residual MLP, contrastive critic and goal-conditioned actor (arXiv 2503.14858).

Architecture (Sec. 4 / Fig. 1 of the paper, and the official ``train.py``): an input layer
Dense -> LayerNorm -> swish, then ``depth // 4`` residual blocks, each four
(Dense -> LayerNorm -> swish) layers with the block input added after the last swish,
then a linear head. "Depth" counts the Dense layers inside the residual blocks, so depth 4
is one block. Kernels use variance_scaling(1/3, fan_in, uniform), i.e. U(+-1/sqrt(fan_in))
(torch's default Linear weight law), and biases start at zero.

``residual=False`` / ``layer_norm=False`` give the paper's ablations (Fig. 7 / Sec. 5):
a plain deep MLP with the same layers.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from neurips25.deep_crl.losses import energy, pairwise_energy

REPR_DIM = 64  # critic embedding size in the official code
LOG_STD_MIN, LOG_STD_MAX = -5.0, 2.0


def _swish_second_moment() -> float:
    """E[silu(z)^2] for z ~ N(0, 1), by quadrature (about 0.356)."""
    z = torch.linspace(-12.0, 12.0, 240_001, dtype=torch.float64)
    pdf = torch.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    return float(torch.trapezoid(F.silu(z) ** 2 * pdf, z))


INITS = ("paper", "swish_he")
SWISH_GAIN = 1.0 / math.sqrt(_swish_second_moment())  # keeps E[x^2] through Dense -> swish


def _dense(n_in: int, n_out: int, init: str = "paper") -> nn.Linear:
    """``paper``: variance_scaling(1/3, fan_in, uniform) as the official code; ``swish_he``: normal
    with std SWISH_GAIN / sqrt(fan_in), which keeps a plain (no LayerNorm) stack's signal alive."""
    layer = nn.Linear(n_in, n_out)
    if init == "paper":
        bound = 1.0 / math.sqrt(n_in)
        nn.init.uniform_(layer.weight, -bound, bound)
    elif init == "swish_he":
        nn.init.normal_(layer.weight, 0.0, SWISH_GAIN / math.sqrt(n_in))
    else:
        raise ValueError(f"unknown init {init!r}; choose from {', '.join(INITS)}")
    nn.init.zeros_(layer.bias)
    return layer


class ResidualMLP(nn.Module):
    """Input layer, ``depth // 4`` residual blocks of 4 layers, linear head to ``out_dim``."""

    def __init__(self, in_dim: int, out_dim: int, width: int = 256, depth: int = 4,
                 residual: bool = True, layer_norm: bool = True, init: str = "paper") -> None:
        super().__init__()
        if depth < 4 or depth % 4:
            raise ValueError(f"depth must be a positive multiple of 4 (layers per residual block), "
                             f"got {depth}")
        if width < 1 or in_dim < 1 or out_dim < 1:
            raise ValueError(f"in_dim, out_dim and width must be >= 1, "
                             f"got {in_dim}, {out_dim}, {width}")
        self.depth, self.width, self.residual = depth, width, residual
        norm = (lambda: nn.LayerNorm(width)) if layer_norm else nn.Identity
        self.inp = _dense(in_dim, width, init)
        self.inp_norm = norm()
        self.layers = nn.ModuleList(_dense(width, width, init) for _ in range(depth))
        self.norms = nn.ModuleList(norm() for _ in range(depth))
        self.head = _dense(width, out_dim)  # the head keeps the paper's init

    def trunk(self, x: torch.Tensor) -> torch.Tensor:
        """Features before the head: the part of the network that depth scales."""
        x = F.silu(self.inp_norm(self.inp(x)))
        for b in range(self.depth // 4):
            skip = x
            for i in range(4 * b, 4 * b + 4):
                x = F.silu(self.norms[i](self.layers[i](x)))
            if self.residual:
                x = x + skip
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.trunk(x))


def residual_mlp_param_count(in_dim: int, out_dim: int, width: int, depth: int,
                             layer_norm: bool = True) -> int:
    """Closed form of ``ResidualMLP``'s parameter count (283,456 for 4 -> 64, width 256, d 4)."""
    ln = 2 * width if layer_norm else 0
    return ((in_dim * width + width + ln) + depth * (width * width + width + ln)
            + width * out_dim + out_dim)


class Critic(nn.Module):
    """Contrastive critic f(s, a, g) = -||phi(s, a) - psi(g)||_2 (paper Eq. 2 / Sec. 3)."""

    def __init__(self, obs_dim: int, action_dim: int, goal_dim: int, width: int = 256,
                 depth: int = 4, residual: bool = True, layer_norm: bool = True, eps: float = 1e-6,
                 init: str = "paper") -> None:
        super().__init__()
        self.sa_encoder = ResidualMLP(obs_dim + action_dim, REPR_DIM, width, depth, residual,
                                      layer_norm, init)
        self.g_encoder = ResidualMLP(goal_dim, REPR_DIM, width, depth, residual, layer_norm, init)
        self.eps = eps

    def phi(self, obs: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        return self.sa_encoder(torch.cat([obs, action], dim=-1))

    def psi(self, goal: torch.Tensor) -> torch.Tensor:
        return self.g_encoder(goal)

    def logits(self, obs: torch.Tensor, action: torch.Tensor, goal: torch.Tensor) -> torch.Tensor:
        """B x B matrix f(s_i, a_i, g_j): positives on the diagonal."""
        return pairwise_energy(self.phi(obs, action), self.psi(goal), self.eps)

    def forward(self, obs: torch.Tensor, action: torch.Tensor, goal: torch.Tensor) -> torch.Tensor:
        """Q(s, a, g) per row (the energy of matched pairs)."""
        return energy(self.phi(obs, action), self.psi(goal), self.eps)


class Actor(nn.Module):
    """Goal-conditioned tanh-Gaussian policy pi(a | s, g); log-std squashed into [-5, 2]."""

    def __init__(self, obs_dim: int, goal_dim: int, action_dim: int, width: int = 256,
                 depth: int = 4, residual: bool = True, layer_norm: bool = True) -> None:
        super().__init__()
        self.net = ResidualMLP(obs_dim + goal_dim, 2 * action_dim, width, depth, residual,
                               layer_norm)
        self.action_dim = action_dim

    def forward(self, obs: torch.Tensor, goal: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.net(torch.cat([obs, goal], dim=-1))
        mean, log_std = out.split(self.action_dim, dim=-1)
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (torch.tanh(log_std) + 1)
        return mean, log_std

    def sample(self, obs: torch.Tensor, goal: torch.Tensor, generator: torch.Generator | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """Reparameterised tanh-Gaussian sample and its log-probability (tanh-corrected)."""
        mean, log_std = self(obs, goal)
        std = log_std.exp()
        # drawn by the CPU generator, then moved: the same draws on any device
        noise = torch.randn(mean.shape, generator=generator).to(mean.device)
        pre = mean + std * noise
        action = torch.tanh(pre)
        log_prob = (-0.5 * noise.pow(2) - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)
        log_prob = log_prob - torch.log(1 - action.pow(2) + 1e-6).sum(-1)
        return action, log_prob

    @torch.no_grad()
    def act(self, obs: torch.Tensor, goal: torch.Tensor, deterministic: bool = False,
            generator: torch.Generator | None = None) -> torch.Tensor:
        if deterministic:
            return torch.tanh(self(obs, goal)[0])
        return self.sample(obs, goal, generator)[0]
