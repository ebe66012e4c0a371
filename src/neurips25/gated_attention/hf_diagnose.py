"""Sink, massive-activation and gate diagnosis of a Hugging Face causal LM.

Works on dense, sliding-window, alternating and hybrid layouts: HF returns attention maps
only for softmax-attention layers (Qwen3-Next returns one map per four layers; its
Gated-DeltaNet layers have none), so maps are assigned to layers by the config's
``layer_types`` where it has one, else by which layers own a ``self_attn`` module, and the
layers without a map are named in the report. Every decoder layer's output is hooked for
massive activations. Gate scores come from a gate added by ``hf.add_output_gate`` or from
a family's native gate (``native_gates``), read from the real forward.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn as nn

from neurips25.gated_attention.diagnostics import SINK_THRESHOLD, Diagnosis, diagnose
from neurips25.gated_attention.native_gates import GateRecorder, native_gate

# layer_types entries whose layers return a softmax attention map in HF
MAP_KINDS = ("full_attention", "sliding_attention", "chunked_attention", "attention")
_LAYER_LISTS = ("model.layers", "model.decoder.layers", "transformer.h", "gpt_neox.layers",
                "transformer.layers", "model.language_model.layers")


def decoder_layers(model: nn.Module) -> nn.ModuleList:
    """The model's stack of decoder layers (num_hidden_layers of them)."""
    n = model.config.num_hidden_layers
    for path in _LAYER_LISTS:
        mod: Any = model
        for part in path.split("."):
            mod = getattr(mod, part, None)
        if isinstance(mod, nn.ModuleList) and len(mod) == n:
            return mod
    for m in model.modules():
        if isinstance(m, nn.ModuleList) and len(m) == n:
            return m
    raise ValueError(f"{type(model).__name__}: cannot find its {n} decoder layers")


def attention_module(layer: nn.Module) -> nn.Module | None:
    return getattr(layer, "self_attn", None) or getattr(layer, "attn", None)


def attention_layout(config: Any, layers: nn.ModuleList,
                     n_maps: int) -> tuple[list[int], list[str]]:
    """(indices of the layers the ``n_maps`` attention maps belong to, a kind per layer)."""
    n = len(layers)
    types = getattr(config, "layer_types", None)
    kinds = [str(t) for t in types] if types is not None and len(types) == n else None
    if n_maps == n:
        return list(range(n)), kinds or ["attention"] * n
    tried = []
    if kinds is not None:
        tried.append(("layer_types", [i for i, k in enumerate(kinds) if k in MAP_KINDS]))
    tried.append(("self_attn modules",
                  [i for i, layer in enumerate(layers) if getattr(layer, "self_attn", None)]))
    for _, ids in tried:
        if len(ids) == n_maps:
            return ids, kinds or ["attention" if i in ids else "no map" for i in range(n)]
    found = "; ".join(f"{name} give {len(ids)}" for name, ids in tried)
    raise ValueError(f"cannot tell which of the {n} layers the {n_maps} attention maps "
                     f"belong to ({found})")


class _Taps:
    """Forward hooks for one diagnosis run: layer outputs, values, gate scores."""

    def __init__(self, model: nn.Module, layers: nn.ModuleList) -> None:
        n = len(layers)
        self.hidden: list[torch.Tensor | None] = [None] * n
        self.values: list[torch.Tensor | None] = [None] * n
        self.handles: list[Any] = []
        self.added: list[Any] = [None] * n  # OutputGate modules from add_output_gate
        self.native: list[GateRecorder | None] = [None] * n
        self.gate_kind: str | None = None
        try:
            self._install(model, layers)
        except BaseException:  # e.g. a registered gate whose layout does not match
            self.remove()
            raise

    def _install(self, model: nn.Module, layers: nn.ModuleList) -> None:
        gate_spec = native_gate(model.config)
        for i, layer in enumerate(layers):
            self.handles.append(layer.register_forward_hook(self._keep_hidden(i)))
            attn = attention_module(layer)
            if attn is None:
                continue
            v_proj = getattr(attn, "v_proj", None)
            hd = getattr(attn, "head_dim", None)
            if v_proj is not None and hd:
                self.handles.append(v_proj.register_forward_hook(self._keep_values(i, hd)))
            gate = getattr(attn, "output_gate", None)
            if gate is not None:
                gate.record = True
                self.added[i] = gate
            elif gate_spec is not None and hasattr(attn, gate_spec.source):
                self.native[i] = GateRecorder(gate_spec, attn)
        self.gate_kind = ("added G1 gate" if any(g is not None for g in self.added)
                          else f"native {gate_spec.family} gate"
                          if gate_spec is not None and any(self.native) else None)

    def _keep_hidden(self, i: int):
        def hook(_m: nn.Module, _a: tuple, out: Any) -> None:
            self.hidden[i] = out[0] if isinstance(out, tuple) else out
        return hook

    def _keep_values(self, i: int, hd: int):
        def hook(_m: nn.Module, _a: tuple, out: torch.Tensor) -> None:
            self.values[i] = out.view(*out.shape[:2], -1, hd)
        return hook

    def gate_scores(self) -> list[torch.Tensor | None]:
        scores: list[torch.Tensor | None] = []
        for added, native in zip(self.added, self.native, strict=True):
            scores.append(added.last_scores if added is not None
                          else native.scores if native is not None else None)
        return scores

    def remove(self) -> None:
        for h in self.handles:
            h.remove()
        for g in self.added:
            if g is not None:
                g.record, g.last_scores = False, None
        for r in self.native:
            if r is not None:
                r.remove()


@torch.no_grad()
def diagnose_hf(model: nn.Module, input_ids: torch.Tensor,
                threshold: float = SINK_THRESHOLD) -> Diagnosis:
    """Sink / massive-activation / gate diagnosis of a HF causal LM on (B, T) ids.

    Needs eager attention (``attn_implementation="eager"``): SDPA kernels return no maps.
    Hidden states are each decoder layer's output (hooked, so the final norm is not mixed
    in); values come from ``v_proj`` where the attention layer has one.
    """
    impl = getattr(model.config, "_attn_implementation", None)
    if impl != "eager":
        raise ValueError(f"attention maps need attn_implementation='eager' (model uses {impl!r})")
    layers = decoder_layers(model)
    taps = _Taps(model, layers)
    was_training = model.training
    model.eval()
    try:
        out = model(input_ids=input_ids, output_attentions=True, use_cache=False)
        gates = taps.gate_scores()
    finally:
        taps.remove()
        model.train(was_training)
    maps = [a for a in (out.attentions or ()) if a is not None]
    if not maps:
        raise ValueError(
            "model returned no attention maps; load it with attn_implementation='eager'")
    if any(h is None for h in taps.hidden):
        raise ValueError("some decoder layers did not run; cannot measure their activations")
    ids, kinds = attention_layout(model.config, layers, len(maps))
    diag = diagnose(maps, [h for h in taps.hidden if h is not None], taps.values, gates,
                    threshold, attention_layers=ids, kinds=kinds)
    diag.gate_kind = taps.gate_kind
    return diag
