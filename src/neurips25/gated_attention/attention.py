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


@dataclass
class AttentionInternals:
    """What the explicit path exposes for one layer (tensors keep the batch axis).

    probs: (B, H, T, T) softmax attention; gate: (B, T, heads, width) scores or None;
    values: (B, T, H_kv, D) value vectors (after a G2 gate, if any).
    """

    probs: torch.Tensor
    gate: torch.Tensor | None
    values: torch.Tensor


def rope(x: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Rotary position embedding (Su et al. 2021) on a (B, T, H, D) tensor, rotate-half form."""
    t, d = x.shape[1], x.shape[-1]
    inv = base ** (-torch.arange(0, d, 2, device=x.device, dtype=torch.float32) / d)
    ang = torch.arange(t, device=x.device, dtype=torch.float32)[:, None] * inv[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], -1)[None, :, None, :].to(x.dtype)
    sin = torch.cat([ang.sin(), ang.sin()], -1)[None, :, None, :].to(x.dtype)
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * cos + torch.cat([-x2, x1], -1) * sin


class GatedSelfAttention(nn.Module):
    """Causal self-attention; ``gate=None`` is the ungated baseline.

    n_kv_head < n_head gives grouped-query attention (query head h reads KV head
    h // (n_head // n_kv_head)). The gate reads the block's pre-norm input x, i.e. the
    hidden state of the query token, and multiplies (or adds to) its target (GateConfig).
    """

    def __init__(
        self,
        d_model: int,
        n_head: int,
        n_kv_head: int | None = None,
        head_dim: int | None = None,
        qk_norm: bool = False,
        gate: GateConfig | None = None,
        rope_base: float = 10000.0,
    ) -> None:
        super().__init__()
        n_kv_head = n_kv_head or n_head
        head_dim = head_dim or d_model // n_head
        if n_head % n_kv_head:
            raise ValueError(f"n_head={n_head} must be a multiple of n_kv_head={n_kv_head}")
        if head_dim % 2:
            raise ValueError(f"head_dim={head_dim} must be even for RoPE")
        self.n_head, self.n_kv_head, self.head_dim = n_head, n_kv_head, head_dim
        self.rope_base = rope_base
        self.q_proj = nn.Linear(d_model, n_head * head_dim, bias=False)
        self.k_proj = nn.Linear(d_model, n_kv_head * head_dim, bias=False)
        self.v_proj = nn.Linear(d_model, n_kv_head * head_dim, bias=False)
        self.o_proj = nn.Linear(n_head * head_dim, d_model, bias=False)
        self.q_norm = nn.RMSNorm(head_dim, eps=1e-6) if qk_norm else None
        self.k_norm = nn.RMSNorm(head_dim, eps=1e-6) if qk_norm else None
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
        q, k = rope(q, self.rope_base), rope(k, self.rope_base)
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
