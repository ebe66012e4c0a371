"""TinyLM: a small pre-norm decoder (RMSNorm, SwiGLU, RoPE) built on GatedSelfAttention.

Also the helper that shrinks the FFN of a gated model so that baseline and gated arms
have equal parameter counts (the paper also compares against baselines grown to the same
size, Table 1),
and checkpoint save/load so the CLI can diagnose trained models.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F

from neurips25.gated_attention.attention import AttentionInternals, GatedSelfAttention
from neurips25.gated_attention.gates import GateConfig, ModelDims, added_parameters


@dataclass(frozen=True)
class TinyLMConfig:
    vocab_size: int
    max_len: int = 128
    n_layer: int = 2
    d_model: int = 64
    n_head: int = 2
    n_kv_head: int | None = None
    head_dim: int | None = None
    ffn_hidden: int | None = None  # default: 8/3 * d_model rounded up to a multiple of 8
    qk_norm: bool = False
    gate: GateConfig | None = None
    ffn: bool = True  # False: attention-only blocks (the Bigram-Backcopy toy of Guo et al.)
    tie_embeddings: bool = True

    @property
    def kv_heads(self) -> int:
        return self.n_kv_head or self.n_head

    @property
    def hdim(self) -> int:
        return self.head_dim or self.d_model // self.n_head

    @property
    def hidden(self) -> int:
        return self.ffn_hidden or -(-8 * self.d_model // 3 // 8) * 8

    def dims(self) -> ModelDims:
        return ModelDims(self.n_layer, self.d_model, self.n_head, self.kv_heads, self.hdim)


@dataclass
class Internals:
    """Per layer: residual stream after the block (B, T, C) and attention internals."""

    hidden: list[torch.Tensor] = field(default_factory=list)
    attn: list[AttentionInternals] = field(default_factory=list)


class SwiGLU(nn.Module):
    def __init__(self, d_model: int, hidden: int) -> None:
        super().__init__()
        self.w_gate = nn.Linear(d_model, hidden, bias=False)
        self.w_up = nn.Linear(d_model, hidden, bias=False)
        self.w_down = nn.Linear(hidden, d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w_down(F.silu(self.w_gate(x)) * self.w_up(x))


class Block(nn.Module):
    def __init__(self, cfg: TinyLMConfig) -> None:
        super().__init__()
        self.attn_norm = nn.RMSNorm(cfg.d_model, eps=1e-6)
        self.attn = GatedSelfAttention(
            cfg.d_model, cfg.n_head, cfg.kv_heads, cfg.hdim, cfg.qk_norm, cfg.gate
        )
        self.ffn_norm = nn.RMSNorm(cfg.d_model, eps=1e-6) if cfg.ffn else None
        self.ffn = SwiGLU(cfg.d_model, cfg.hidden) if cfg.ffn else None

    def forward(self, x: torch.Tensor, internals: Internals | None = None) -> torch.Tensor:
        h = self.attn_norm(x)
        if internals is None:
            x = x + self.attn(h)
        else:
            a, info = self.attn(h, return_internals=True)
            internals.attn.append(info)
            x = x + a
        if self.ffn is not None and self.ffn_norm is not None:
            x = x + self.ffn(self.ffn_norm(x))
        if internals is not None:
            internals.hidden.append(x)
        return x


class TinyLM(nn.Module):
    """Decoder-only LM; ``forward(idx, return_internals=True)`` also returns Internals."""

    def __init__(self, cfg: TinyLMConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.norm = nn.RMSNorm(cfg.d_model, eps=1e-6)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        if cfg.tie_embeddings:
            self.head.weight = self.embed.weight
        for m in self.modules():
            if isinstance(m, nn.Linear | nn.Embedding):
                nn.init.normal_(m.weight, std=0.02)

    def forward(
        self, idx: torch.Tensor, return_internals: bool = False
    ) -> torch.Tensor | tuple[torch.Tensor, Internals]:
        if idx.shape[1] > self.cfg.max_len:
            raise ValueError(f"sequence length {idx.shape[1]} exceeds max_len {self.cfg.max_len}")
        internals = Internals() if return_internals else None
        x = self.embed(idx)
        for block in self.blocks:
            x = block(x, internals)
        logits = self.head(self.norm(x))
        return (logits, internals) if internals is not None else logits

    def loss(self, idx: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        logits = self(idx)
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=-100)


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def equal_param_config(base: TinyLMConfig, gate: GateConfig | None) -> TinyLMConfig:
    """``base`` with ``gate``, its SwiGLU hidden width shrunk so the total parameter count
    matches the ungated ``base`` as closely as possible (within 3*d_model/2 params per layer).
    Attention-only models (ffn=False) have no FFN to shrink and keep the gate's extra params."""
    if gate is None or not base.ffn:
        return dataclasses.replace(base, gate=gate)
    per_layer = added_parameters(gate, base.dims()) // base.n_layer
    shrink = round(per_layer / (3 * base.d_model))
    if shrink >= base.hidden:
        raise ValueError(f"gate adds {per_layer} params/layer, more than the whole FFN holds")
    return dataclasses.replace(base, gate=gate, ffn_hidden=base.hidden - shrink)


def save_checkpoint(model: TinyLM, path: str | Path, extra: dict[str, Any] | None = None) -> Path:
    """Config + weights in one torch file (atomic), loadable by ``load_checkpoint``."""
    from neurips25.common.io import atomic_write

    cfg = dataclasses.asdict(model.cfg)
    blob = {"format": "neurips25.gated_attention.TinyLM/1", "config": cfg,
            "state_dict": model.state_dict(), "extra": extra or {}}
    return atomic_write(path, lambda tmp: torch.save(blob, tmp))


def load_checkpoint(path: str | Path) -> tuple[TinyLM, dict[str, Any]]:
    """Inverse of ``save_checkpoint``; returns (model in eval mode, extra)."""
    from neurips25.common.errors import UserError

    try:
        blob = torch.load(Path(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch.load raises many types on a corrupt or foreign file
        raise UserError(f"{path}: not a TinyLM checkpoint ({type(exc).__name__})") from None
    if not isinstance(blob, dict) or blob.get("format") != "neurips25.gated_attention.TinyLM/1":
        raise UserError(f"{path}: not a TinyLM checkpoint")
    raw = dict(blob["config"])
    gate = raw.pop("gate")
    cfg = TinyLMConfig(**raw, gate=GateConfig(**gate) if gate else None)
    model = TinyLM(cfg)
    model.load_state_dict(blob["state_dict"])
    return model.eval(), blob.get("extra", {})
