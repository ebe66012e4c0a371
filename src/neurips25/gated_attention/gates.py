"""The gate of Gated Attention (Qiu et al. 2025, arXiv 2505.06708), Section 2.

A gate modulates a target tensor Y inside attention with scores computed from the
pre-norm hidden state X of the *query* token:  Y' = Y ⊙ act(X W_θ)  (the paper's
gating equation). ``GateConfig`` spans the design axes the paper ablates (Tables 1 and 4):
where the gate sits (G1..G5), its granularity, head-specific or head-shared,
multiplicative or additive, the activation, and whether it depends on the input at all.
``GateConfig``, ``ModelDims``, ``MOE_15A2B`` and ``added_parameters`` live in the torch-free
``gate_config`` module and are re-exported here.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from neurips25.gated_attention.gate_config import (  # noqa: F401  (re-exported)
    ACTIVATIONS,
    GRANULARITIES,
    MODES,
    MOE_15A2B,
    POSITIONS,
    GateConfig,
    ModelDims,
    added_parameters,
)


def activate(logits: torch.Tensor, activation: str) -> torch.Tensor:
    if activation == "sigmoid":
        return torch.sigmoid(logits)
    if activation == "silu":
        return torch.nn.functional.silu(logits)
    if activation == "ns_sigmoid":
        return 0.5 + 0.5 * torch.sigmoid(logits)
    raise ValueError(f"unknown activation {activation!r}")


class Gate(nn.Module):
    """Scores act(X W_θ) for a target of shape (B, T, n_heads, head_dim), and their use.

    ``scores(x)`` returns (B, T, heads, width) with heads in {n_heads, 1} and width in
    {head_dim, 1}, so it broadcasts onto the target. No bias and default init, as in the
    official code (the gate starts near sigmoid(0) = 0.5).
    """

    def __init__(self, cfg: GateConfig, d_model: int, n_heads: int, head_dim: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.heads, self.width = cfg.gate_shape(n_heads, head_dim)
        n = self.heads * self.width
        if cfg.input_dependent:
            self.proj: nn.Linear | None = nn.Linear(d_model, n, bias=False)
            self.register_parameter("logits", None)
        else:
            self.proj = None
            self.logits = nn.Parameter(torch.zeros(n))

    def scores(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        if self.proj is not None:
            logits = self.proj(x)
        else:
            logits = self.logits.expand(b, t, -1)
        return activate(logits, self.cfg.activation).view(b, t, self.heads, self.width)

    def modulate(self, target: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        """Gate a (B, T, H, D) target with (B, T, heads, width) scores."""
        if self.cfg.mode == "multiplicative":
            return target * scores
        return target + scores
