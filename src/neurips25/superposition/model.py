"""The toy model y = ReLU(W W^T x + b) and the paper's decoupled weight decay.

W is n x m (n features squeezed into m < n dimensions). Row i of W is the embedding of
feature i; its norm tells whether the feature is represented (norm ~ 1) or dropped (~ 0).
"""
from __future__ import annotations

import torch
import torch.nn as nn


class ToyModel(nn.Module):
    """y = ReLU(x W W^T + b) for a batch of row vectors x.

    Bias init is zero, on purpose: with b ~ N(0, 1) (as in the official code) features
    with positive bias fire for every input and features with negative bias never
    receive gradient, which kills rows in the weak-superposition regime and leaves the
    loss unconverged at large m (see RESEARCH-NOTES). b = 0 starts every feature from
    the same "off" state, so whether a feature is learned is decided by its frequency
    and the weight decay alone, which is exactly the effect the weak regime is about.
    """

    def __init__(self, n: int, m: int, init_std: float | None = None) -> None:
        super().__init__()
        if not (1 <= m <= n):
            raise ValueError(f"need 1 <= m <= n, got n={n}, m={m}")
        std = init_std if init_std is not None else 1.0 / m**0.5
        self.W = nn.Parameter(torch.randn(n, m) * std)
        self.b = nn.Parameter(torch.zeros(n))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != self.W.shape[0]:
            raise ValueError(f"expected inputs with {self.W.shape[0]} features, got {x.shape[-1]}")
        return torch.relu((x @ self.W) @ self.W.T + self.b)


def summed_loss(y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Squared error summed over features, averaged over the batch (the paper's loss)."""
    return ((y - x) ** 2).sum(-1).mean()


@torch.no_grad()
def decay_step(W: torch.Tensor, lr: float, gamma: float) -> None:
    """The paper's decoupled weight decay, applied in place after each optimiser step.

    gamma >= 0: ordinary decay W <- (1 - lr*gamma) W (gradient of gamma/2 * |W|^2); it
    pushes rarely used rows to zero: weak superposition.
    gamma < 0: W_i <- W_i - lr*|gamma| * W_i (1 - 1/|W_i|), a gradient step on
    |gamma|/2 * sum_i (|W_i| - 1)^2, which pulls every row norm toward 1, so every feature
    stays represented: strong superposition.
    """
    if gamma >= 0:
        W.mul_(1.0 - lr * gamma)
    else:
        norms = W.norm(dim=1, keepdim=True).clamp_min(1e-12)
        W.sub_(lr * (-gamma) * W * (1.0 - 1.0 / norms))
