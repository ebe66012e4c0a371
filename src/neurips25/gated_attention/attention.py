"""Causal multi-head / grouped-query self-attention with RoPE, optional QK-norm and a gate.

Two paths compute the same function: the fast path calls
``torch.nn.functional.scaled_dot_product_attention``; the explicit path builds the
softmax probabilities itself and returns them together with the gate scores and the
values, which is what the sink diagnostics need (the attention-sink analysis of arXiv 2505.06708).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from neurips25.gated_attention.gates import Gate, GateConfig
from neurips25.gated_attention.rope import rope, rotary_dim

__all__ = ["AttentionInternals", "GatedSelfAttention", "UnitOffsetRMSNorm", "rope"]


@dataclass
class AttentionInternals:
    """What the explicit path exposes for one layer (tensors keep the batch axis).

    probs: (B, H, T, T) softmax attention; gate: (B, T, heads, width) scores or None;
    values: (B, T, H_kv, D) value vectors (after a G2 gate, if any).
    """

    probs: torch.Tensor
    gate: torch.Tensor | None
    values: torch.Tensor


class UnitOffsetRMSNorm(nn.Module):
    """RMSNorm whose scale is (1 + w), w initialised to 0: the Qwen3-Next / Gemma convention.

    Stored this way (not as nn.RMSNorm with weight 1 + w) so that converting weights to and
    from such a model is an exact copy; normalised in float32 as those models do.
    """

    def __init__(self, dim: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.zeros(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.float()
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return (y * (1.0 + self.weight.float())).type_as(x)


class GatedSelfAttention(nn.Module):
    """Causal self-attention; ``gate=None`` is the ungated baseline.

    n_kv_head < n_head gives grouped-query attention (query head h reads KV head
    h // (n_head // n_kv_head)). The gate reads the block's pre-norm input x, i.e. the
    hidden state of the query token, and multiplies (or adds to) its target (GateConfig).
    ``partial_rotary_factor`` < 1 rotates only the first part of each head (Qwen3-Next uses
    0.25); ``qk_norm="unit_offset"`` scales the q/k RMSNorm by (1 + w) as Qwen3-Next does, and
    ``norm_eps`` is that norm's epsilon. The defaults are the original module.
    """

    def __init__(
        self,
        d_model: int,
        n_head: int,
        n_kv_head: int | None = None,
        head_dim: int | None = None,
        qk_norm: bool | str = False,
        gate: GateConfig | None = None,
        rope_base: float = 10000.0,
        partial_rotary_factor: float = 1.0,
        norm_eps: float = 1e-6,
    ) -> None:
        super().__init__()
        n_kv_head = n_kv_head or n_head
        head_dim = head_dim or d_model // n_head
        if n_head % n_kv_head:
            raise ValueError(f"n_head={n_head} must be a multiple of n_kv_head={n_kv_head}")
        if qk_norm not in (False, True, "unit_offset"):
            raise ValueError(f"qk_norm must be False, True or 'unit_offset', got {qk_norm!r}")
        self.rot_dim = rotary_dim(head_dim, partial_rotary_factor)
        self.n_head, self.n_kv_head, self.head_dim = n_head, n_kv_head, head_dim
        self.rope_base, self.partial_rotary_factor = rope_base, partial_rotary_factor
        self.q_proj = nn.Linear(d_model, n_head * head_dim, bias=False)
        self.k_proj = nn.Linear(d_model, n_kv_head * head_dim, bias=False)
        self.v_proj = nn.Linear(d_model, n_kv_head * head_dim, bias=False)
        self.o_proj = nn.Linear(n_head * head_dim, d_model, bias=False)
        norm = UnitOffsetRMSNorm if qk_norm == "unit_offset" else nn.RMSNorm
        self.q_norm = norm(head_dim, eps=norm_eps) if qk_norm else None
        self.k_norm = norm(head_dim, eps=norm_eps) if qk_norm else None
        self.gate_cfg = gate
        self.gate: Gate | None = None
        if gate is not None:
            heads, width = {
                "g1": (n_head, head_dim),
                "g4": (n_head, head_dim),
                "g2": (n_kv_head, head_dim),
                "g3": (n_kv_head, head_dim),
                "g5": (1, d_model),
            }[gate.position]
            self.gate = Gate(gate, d_model, heads, width)

    def _gated(self, pos: str, target: torch.Tensor, scores: torch.Tensor | None) -> torch.Tensor:
        if self.gate is None or scores is None or self.gate.cfg.position != pos:
            return target
        return self.gate.modulate(target, scores)

    def forward(
        self, x: torch.Tensor, return_internals: bool = False
    ) -> torch.Tensor | tuple[torch.Tensor, AttentionInternals]:
        """x: (B, T, d_model) pre-norm hidden states. With return_internals=True the
        explicit path runs and (output, AttentionInternals) is returned."""
        b, t, c = x.shape
        h, hk, d = self.n_head, self.n_kv_head, self.head_dim
        g = self.gate.scores(x) if self.gate is not None else None
        q = self._gated("g4", self.q_proj(x).view(b, t, h, d), g)
        k = self._gated("g3", self.k_proj(x).view(b, t, hk, d), g)
        v = self._gated("g2", self.v_proj(x).view(b, t, hk, d), g)
        if self.q_norm is not None and self.k_norm is not None:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k = rope(q, self.rope_base, self.rot_dim), rope(k, self.rope_base, self.rot_dim)
        qh, kh, vh = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        probs = None
        if return_internals:
            rep = h // hk
            kr, vr = kh.repeat_interleave(rep, dim=1), vh.repeat_interleave(rep, dim=1)
            logits = qh @ kr.transpose(-2, -1) / math.sqrt(d)
            mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
            probs = logits.masked_fill(mask, float("-inf")).softmax(-1)
            y = probs @ vr
        else:
            y = F.scaled_dot_product_attention(qh, kh, vh, is_causal=True, enable_gqa=hk != h)
        y = self._gated("g1", y.transpose(1, 2), g)  # (B, T, H, D)
        out = self.o_proj(y.reshape(b, t, h * d))
        out = self._gated("g5", out.view(b, t, 1, c), g).view(b, t, c)
        if not return_internals:
            return out
        assert probs is not None
        return out, AttentionInternals(probs=probs, gate=g, values=v)
