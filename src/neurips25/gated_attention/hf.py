"""Gated Attention for Hugging Face decoders: insert G1 gates, save/load them, diagnose.

``add_output_gate`` puts the paper's G1 gate (sigmoid(X W_θ) on the SDPA output, per
head, before ``o_proj``) into every attention layer of a Llama- or Qwen2/3-family model.
The gate is a new ``self_attn.output_gate`` Linear (so it is in the state dict and
``save_pretrained`` writes it); two forward pre-hooks feed it the layer's pre-norm input
and multiply ``o_proj``'s input. ``load_gated`` restores such a model from a folder.
``diagnose_hf`` measures sinks and massive activations of any decoder run with eager
attention. transformers is imported lazily by the callers, never at package import.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn as nn

from neurips25.gated_attention.diagnostics import SINK_THRESHOLD, Diagnosis, diagnose
from neurips25.gated_attention.gates import activate

CONFIG_KEY = "neurips25_output_gate"


class OutputGate(nn.Module):
    """G1 gate for one HF attention layer: scores act(X W_θ), (B, T, heads, width)."""

    def __init__(self, hidden: int, n_heads: int, head_dim: int, granularity: str,
                 activation: str = "sigmoid") -> None:
        super().__init__()
        if granularity not in ("elementwise", "headwise"):
            raise ValueError(f"granularity must be 'elementwise' or 'headwise', got {granularity!r}")
        self.n_heads, self.head_dim = n_heads, head_dim
        self.width = head_dim if granularity == "elementwise" else 1
        self.activation = activation
        self.proj = nn.Linear(hidden, n_heads * self.width, bias=False)
        self._x: torch.Tensor | None = None
        self.record = False
        self.last_scores: torch.Tensor | None = None

    def capture(self, module: nn.Module, args: tuple, kwargs: dict) -> None:
        """Forward pre-hook on self_attn: keep the pre-norm hidden states X."""
        self._x = kwargs["hidden_states"] if "hidden_states" in kwargs else args[0]

    def gate_input(self, module: nn.Module, args: tuple) -> tuple:
        """Forward pre-hook on o_proj: multiply the merged SDPA output by the gate."""
        if self._x is None:
            raise RuntimeError("output gate has no hidden states; was self_attn bypassed?")
        y = args[0]
        b, t, _ = y.shape
        scores = activate(self.proj(self._x), self.activation).view(b, t, self.n_heads, self.width)
        self._x = None
        if self.record:
            self.last_scores = scores.detach()
        gated = (y.view(b, t, self.n_heads, self.head_dim) * scores).view(b, t, -1)
        return (gated, *args[1:])


def _attention_layers(model: nn.Module) -> list[nn.Module]:
    layers = [m for name, m in model.named_modules()
              if name.endswith("self_attn") and hasattr(m, "o_proj") and hasattr(m, "q_proj")]
    if not layers:
        raise ValueError(f"{type(model).__name__}: no Llama/Qwen-style self_attn with q_proj/o_proj")
    return layers


def add_output_gate(model: nn.Module, granularity: str = "elementwise",
                    init: str = "zero", activation: str = "sigmoid") -> nn.Module:
    """Insert a G1 gate into every attention layer of ``model`` (in place; returned).

    init="zero": W_θ = 0, every gate starts at exactly sigmoid(0) = 0.5;
    init="normal": N(0, initializer_range) as when training from scratch (the paper).
    Calling it twice is an error. The choice is recorded in ``model.config`` so
    ``load_gated`` can rebuild the gates after ``save_pretrained``.
    """
    if init not in ("zero", "normal"):
        raise ValueError(f"init must be 'zero' or 'normal', got {init!r}")
    cfg = model.config
    std = getattr(cfg, "initializer_range", 0.02)
    for attn in _attention_layers(model):
        if hasattr(attn, "output_gate"):
            raise ValueError("model already has output gates")
        head_dim = getattr(attn, "head_dim", cfg.hidden_size // cfg.num_attention_heads)
        n_heads = attn.o_proj.in_features // head_dim
        gate = OutputGate(cfg.hidden_size, n_heads, head_dim, granularity, activation)
        gate.to(device=attn.o_proj.weight.device, dtype=attn.o_proj.weight.dtype)
        if init == "zero":
            nn.init.zeros_(gate.proj.weight)
        else:
            nn.init.normal_(gate.proj.weight, std=std)
        attn.output_gate = gate
        attn.register_forward_pre_hook(gate.capture, with_kwargs=True)
        attn.o_proj.register_forward_pre_hook(gate.gate_input)
    setattr(cfg, CONFIG_KEY, {"granularity": granularity, "activation": activation})
    return model


def load_gated(path: str | Path, **kwargs: Any) -> nn.Module:
    """``AutoModelForCausalLM.from_pretrained`` that also restores output gates."""
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    path = Path(path)
    gated = (path / "config.json").is_file() and CONFIG_KEY in (path / "config.json").read_text()
    verbosity = hf_logging.get_verbosity()
    if gated:  # the gate weights are "unexpected" to the plain class: we load them below
        hf_logging.set_verbosity_error()
    try:
        model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    finally:
        hf_logging.set_verbosity(verbosity)
    spec = getattr(model.config, CONFIG_KEY, None)
    if not spec:
        return model
    add_output_gate(model, spec["granularity"], init="zero", activation=spec["activation"])
    wanted = {k for k in model.state_dict() if ".output_gate." in k}
    found: dict[str, torch.Tensor] = {}
    for file in sorted(path.glob("*.safetensors")):
        with safe_open(str(file), framework="pt") as fh:
            for key in fh.keys():
                if key in wanted:
                    found[key] = fh.get_tensor(key)
    missing = wanted - set(found)
    if missing:
        raise ValueError(f"{path}: gate weights missing from checkpoint, e.g. {sorted(missing)[0]}")
    model.load_state_dict(found, strict=False)
    return model


def _decoder_layers(model: nn.Module) -> nn.ModuleList:
    n = model.config.num_hidden_layers
    for m in model.modules():
        if isinstance(m, nn.ModuleList) and len(m) == n:
            return m
    raise ValueError(f"{type(model).__name__}: cannot find its {n} decoder layers")


@torch.no_grad()
def diagnose_hf(model: nn.Module, input_ids: torch.Tensor,
                threshold: float = SINK_THRESHOLD) -> Diagnosis:
    """Sink / massive-activation diagnosis of a HF causal LM on (B, T) ids.

    Needs eager attention (``attn_implementation="eager"``): SDPA kernels return no maps.
    Hidden states are each decoder layer's output (hooked, so the final norm is not
    mixed in); values come from ``v_proj`` where the layer has one.
    """
    impl = getattr(model.config, "_attn_implementation", None)
    if impl != "eager":
        raise ValueError(f"attention maps need attn_implementation='eager' (model uses {impl!r})")
    layers = _decoder_layers(model)
    hidden: list[torch.Tensor] = []
    values: list[torch.Tensor | None] = []
    handles = []
    gates = []

    def keep_hidden(_m: nn.Module, _a: tuple, out: Any) -> None:
        hidden.append(out[0] if isinstance(out, tuple) else out)

    for layer in layers:
        handles.append(layer.register_forward_hook(keep_hidden))
        attn = getattr(layer, "self_attn", None)
        v_proj = getattr(attn, "v_proj", None)
        if v_proj is not None:
            hd = getattr(attn, "head_dim", None) or model.config.hidden_size // model.config.num_attention_heads
            handles.append(v_proj.register_forward_hook(
                lambda _m, _a, out, hd=hd: values.append(out.view(*out.shape[:2], -1, hd))))
        gate = getattr(attn, "output_gate", None)
        if gate is not None:
            gate.record = True
        gates.append(gate)
    was_training = model.training
    model.eval()
    try:
        out = model(input_ids=input_ids, output_attentions=True, use_cache=False)
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    scores = []
    for g in gates:
        scores.append(g.last_scores if g is not None else None)
        if g is not None:
            g.record, g.last_scores = False, None
    if not out.attentions or out.attentions[0] is None:
        raise ValueError("model returned no attention maps; load it with attn_implementation='eager'")
    return diagnose(list(out.attentions), hidden, values if len(values) == len(layers) else None,
                    scores, threshold)
