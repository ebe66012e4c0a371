"""Contrastive RL losses (arXiv 2503.14858 Sec. 3; Eysenbach et al. 2022; official ``train.py``).

Energy f(s, a, g) = -||phi(s, a) - psi(g)||_2. The official code takes a bare sqrt, whose
gradient is infinite when phi == psi; we add ``eps`` under the root so it stays finite.
Critic: InfoNCE over a batch, where row i's positive is its own relabelled future goal
(the diagonal), plus a logsumexp penalty 0.1 * mean(logsumexp_j f_ij ^ 2) that pins the
partition function. Actor: max Q with SAC-style entropy and automatic temperature.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def energy(phi: torch.Tensor, psi: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Row-wise f = -sqrt(||phi - psi||^2 + eps)."""
    return -((phi - psi).pow(2).sum(-1) + eps).sqrt()


def pairwise_energy(phi: torch.Tensor, psi: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """B x B logits f_ij = -sqrt(||phi_i - psi_j||^2 + eps), via ||a||^2 + ||b||^2 - 2ab
    (no B x B x d tensor)."""
    sq = phi.pow(2).sum(-1)[:, None] + psi.pow(2).sum(-1)[None, :] - 2 * phi @ psi.T
    return -(sq.clamp(min=0) + eps).sqrt()


def infonce(logits: torch.Tensor, kind: str = "forward") -> torch.Tensor:
    """InfoNCE with positives on the diagonal.

    ``forward``: softmax over goals for each (s, a) row (the paper's choice);
    ``backward``: over (s, a) for each goal column; ``symmetric``: their mean.
    """
    if logits.ndim != 2 or logits.shape[0] != logits.shape[1]:
        raise ValueError(f"InfoNCE needs a square logits matrix, got shape {tuple(logits.shape)}")
    labels = torch.arange(logits.shape[0], device=logits.device)
    if kind == "forward":
        return F.cross_entropy(logits, labels)
    if kind == "backward":
        return F.cross_entropy(logits.T, labels)
    if kind == "symmetric":
        return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels))
    raise ValueError(f"unknown InfoNCE kind {kind!r}; choose forward, backward or symmetric")


def logsumexp_penalty(logits: torch.Tensor) -> torch.Tensor:
    """mean_i (logsumexp_j f_ij)^2: keeps the critic's normaliser near 1."""
    return torch.logsumexp(logits, dim=1).pow(2).mean()


def critic_loss(logits: torch.Tensor, penalty: float = 0.1, kind: str = "forward") -> torch.Tensor:
    return infonce(logits, kind) + penalty * logsumexp_penalty(logits)


def actor_loss(q: torch.Tensor, log_prob: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """E[alpha * log pi(a|s,g) - Q(s, a, g)] with a ~ pi (alpha not trained here)."""
    return (alpha.detach() * log_prob - q).mean()


def alpha_loss(log_alpha: torch.Tensor, log_prob: torch.Tensor,
               target_entropy: float) -> torch.Tensor:
    """Automatic entropy tuning: raise alpha when entropy is below ``target_entropy``."""
    return (log_alpha.exp() * (-log_prob.detach() - target_entropy)).mean()
