"""Convert between a Qwen3-Next full-attention layer and ``GatedSelfAttention``.

Qwen3-Next ships the paper's best gate (arXiv 2505.06708, G1: elementwise, head-specific,
query-dependent sigmoid on the SDPA output). Its ``q_proj`` is twice as wide: for each
head, head_dim query rows followed by head_dim gate rows. Its q/k RMSNorms scale by
(1 + w) and only the first ``partial_rotary_factor`` of each head is rotated (0.25 by
default). ``from_hf`` builds the equivalent ``GatedSelfAttention`` (same function, same
weights, split into ``q_proj`` and ``gate.proj``), so the released architecture can be
studied or fine-tuned with this project's gate variants; ``to_hf`` writes the weights back.
transformers is only needed by ``to_hf`` when it has to build a new layer.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn as nn

from neurips25.gated_attention.attention import GatedSelfAttention, UnitOffsetRMSNorm
from neurips25.gated_attention.gates import GateConfig

NATIVE_GATE = GateConfig()  # G1, elementwise, head-specific, multiplicative sigmoid


def _rope_settings(config: Any) -> tuple[float, float]:
    """(rope base, partial rotary factor) of a Qwen3-Next config; only plain RoPE converts."""
    params = getattr(config, "rope_parameters", None) or {}
    kind = params.get("rope_type", "default")
    if kind != "default":
        raise ValueError(f"rope_type {kind!r} is not supported (plain RoPE only)")
    base = params.get("rope_theta", getattr(config, "rope_theta", 10000.0))
    factor = params.get("partial_rotary_factor", getattr(config, "partial_rotary_factor", 1.0))
    return float(base), float(factor)


def _split_q(weight: torch.Tensor, n_head: int, head_dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Qwen3-Next q_proj rows (per head: queries, then gate) -> (query rows, gate rows)."""
    w = weight.reshape(n_head, 2, head_dim, weight.shape[-1])
    return w[:, 0].reshape(n_head * head_dim, -1), w[:, 1].reshape(n_head * head_dim, -1)


def _join_q(q: torch.Tensor, g: torch.Tensor, n_head: int, head_dim: int) -> torch.Tensor:
    c = q.shape[-1]
    return torch.stack([q.reshape(n_head, head_dim, c), g.reshape(n_head, head_dim, c)], 1) \
        .reshape(2 * n_head * head_dim, c)


def from_hf(layer: nn.Module, gate: GateConfig | None = NATIVE_GATE) -> GatedSelfAttention:
    """A ``GatedSelfAttention`` computing what the Qwen3-Next attention ``layer`` computes.

    With the default (native) gate the output equals the layer's, weights copied exactly.
    Another ``gate`` (e.g. ``GateConfig(granularity="headwise")`` or ``None``) keeps the
    q/k/v/o and norm weights and starts that gate fresh: Qwen3-Next's gate weights are not
    that gate's. The module is on the layer's device and dtype.
    """
    cfg = layer.config
    if getattr(cfg, "attention_bias", False):
        raise ValueError("attention_bias=True is not supported (GatedSelfAttention has no biases)")
    n_head, n_kv, d = cfg.num_attention_heads, cfg.num_key_value_heads, layer.head_dim
    if layer.q_proj.out_features != 2 * n_head * d:
        raise ValueError(f"{type(layer).__name__}: q_proj has {layer.q_proj.out_features} rows, "
                         f"expected 2 x {n_head} heads x {d} (query and gate rows)")
    base, factor = _rope_settings(cfg)
    attn = GatedSelfAttention(cfg.hidden_size, n_head, n_kv, d, qk_norm="unit_offset", gate=gate,
                              rope_base=base, partial_rotary_factor=factor,
                              norm_eps=cfg.rms_norm_eps)
    weight = layer.o_proj.weight
    attn.to(device=weight.device, dtype=weight.dtype)
    q, g = _split_q(layer.q_proj.weight.detach(), n_head, d)
    with torch.no_grad():
        attn.q_proj.weight.copy_(q)
        for name in ("k_proj", "v_proj", "o_proj", "q_norm", "k_norm"):
            getattr(attn, name).weight.copy_(getattr(layer, name).weight)
        if gate == NATIVE_GATE:
            assert attn.gate is not None and attn.gate.proj is not None
            attn.gate.proj.weight.copy_(g)
    return attn


def _new_layer(config: Any, layer_idx: int) -> nn.Module:
    from transformers.models.qwen3_next.modeling_qwen3_next import Qwen3NextAttention

    return Qwen3NextAttention(config, layer_idx)


def to_hf(attn: GatedSelfAttention, target: Any, layer_idx: int = 0) -> nn.Module:
    """Write ``attn``'s weights into a Qwen3-Next attention layer and return that layer.

    ``target`` is an existing ``Qwen3NextAttention`` (updated in place) or a
    ``Qwen3NextConfig`` (a new layer ``layer_idx`` is built). Only the native gate has a
    place in Qwen3-Next, and the shapes, RoPE and norm settings must agree.
    """
    if attn.gate_cfg != NATIVE_GATE:
        raise ValueError(f"Qwen3-Next holds only the native G1 elementwise sigmoid gate, "
                         f"not {attn.gate_cfg}")
    if not hasattr(target, "q_proj"):
        target = _new_layer(target, layer_idx)
    cfg = target.config
    n_head, d = attn.n_head, attn.head_dim
    want = (cfg.hidden_size, cfg.num_attention_heads, cfg.num_key_value_heads, target.head_dim,
            *_rope_settings(cfg), cfg.rms_norm_eps)
    if not isinstance(attn.q_norm, UnitOffsetRMSNorm):
        raise ValueError("the module's q/k norms must use the (1 + w) convention "
                         "(qk_norm='unit_offset')")
    have = (attn.q_proj.in_features, n_head, attn.n_kv_head, d, attn.rope_base,
            attn.partial_rotary_factor, attn.q_norm.eps)
    if want != have:
        raise ValueError(f"settings differ: layer (hidden, heads, kv heads, head_dim, rope base, "
                         f"partial rotary, norm eps) = {want}, module = {have}")
    assert attn.gate is not None and attn.gate.proj is not None
    with torch.no_grad():
        target.q_proj.weight.copy_(_join_q(attn.q_proj.weight, attn.gate.proj.weight, n_head, d))
        for name in ("k_proj", "v_proj", "o_proj", "q_norm", "k_norm"):
            getattr(target, name).weight.copy_(getattr(attn, name).weight)
    return target
