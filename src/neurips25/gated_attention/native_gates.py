"""Attention output gates that model families ship natively, and how to read them.

Qwen3-Next put the paper's best gate (arXiv 2505.06708, G1: sigmoid of a head-specific,
elementwise, query-dependent projection, multiplied into the SDPA output) into its
full-attention layers; later families followed. Diagnostics read the gate scores by
hooking the module whose output holds the gate logits during the real forward, so what
is measured is what the model used. A family joins with one ``register(NativeGate(...))``:
which ``config.model_type`` values, which submodule of the attention layer to hook, and
how to turn that submodule's output into (B, T, heads, width) scores.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass(frozen=True)
class NativeGate:
    """One family's native output gate."""

    family: str
    model_types: tuple[str, ...]
    source: str  # attribute of the attention layer whose output holds the gate logits
    scores: Callable[[nn.Module, torch.Tensor], torch.Tensor]  # (attn, source output) -> scores
    check: Callable[[nn.Module], str | None] = lambda attn: None  # layout problem, or None


def _q_split_scores(attn: nn.Module, q_out: torch.Tensor) -> torch.Tensor:
    """Qwen3-Next: per head, head_dim query rows then head_dim gate rows of q_proj."""
    b, t, _ = q_out.shape
    d = attn.head_dim
    return torch.sigmoid(q_out.view(b, t, -1, 2 * d)[..., d:])


def _q_split_check(attn: nn.Module) -> str | None:
    q, o = attn.q_proj.out_features, attn.o_proj.in_features
    return None if q == 2 * o else f"q_proj has {q} rows, expected 2 x {o} (query + gate)"


def _gate_proj_scores(attn: nn.Module, g_out: torch.Tensor) -> torch.Tensor:
    """A separate gate projection with one logit per SDPA output channel."""
    b, t, _ = g_out.shape
    return torch.sigmoid(g_out.view(b, t, -1, attn.head_dim))


REGISTRY: list[NativeGate] = []


def register(gate: NativeGate) -> NativeGate:
    """Add a family (later registrations win for a model_type)."""
    REGISTRY.append(gate)
    return gate


register(NativeGate("qwen3_next", ("qwen3_next", "qwen3_5_text"), "q_proj", _q_split_scores,
                    _q_split_check))
register(NativeGate("afmoe", ("afmoe",), "gate_proj", _gate_proj_scores))


def native_gate(config: object) -> NativeGate | None:
    """The registered gate for a HF config's ``model_type``, or None."""
    model_type = getattr(config, "model_type", None)
    for gate in reversed(REGISTRY):
        if model_type in gate.model_types:
            return gate
    return None


class GateRecorder:
    """Forward hook on the gate's source module of one attention layer; keeps the scores."""

    def __init__(self, gate: NativeGate, attn: nn.Module) -> None:
        problem = gate.check(attn)
        if problem is not None:
            raise ValueError(f"{gate.family} gate layout not found: {problem}")
        self.gate, self.attn = gate, attn
        self.scores: torch.Tensor | None = None
        self._handle = getattr(attn, gate.source).register_forward_hook(self._keep)

    def _keep(self, _module: nn.Module, _args: tuple, out: torch.Tensor) -> None:
        self.scores = self.gate.scores(self.attn, out.detach())

    def remove(self) -> None:
        self._handle.remove()
