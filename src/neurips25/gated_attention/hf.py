"""Gated Attention for Hugging Face decoders: insert G1 gates, save/load them, diagnose.

``add_output_gate`` puts the paper's G1 gate (sigmoid(X W_θ) on the SDPA output, per
head, before ``o_proj``) into every attention layer of a Llama- or Qwen2/3-family model.
The gate is a new ``self_attn.output_gate`` Linear (so it is in the state dict and
``save_pretrained`` writes it); two forward pre-hooks feed it the layer's pre-norm input
and multiply ``o_proj``'s input. ``load_gated`` restores such a model from a folder.
``diagnose_hf`` (from ``hf_diagnose``) measures sinks, massive activations and gates of any
decoder run with eager attention. transformers is imported lazily, never at package import.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn as nn

from neurips25.gated_attention.gates import activate
from neurips25.gated_attention.hf_diagnose import diagnose_hf  # noqa: F401  (re-exported)

CONFIG_KEY = "neurips25_output_gate"


class OutputGate(nn.Module):
    """G1 gate for one HF attention layer: scores act(X W_θ), (B, T, heads, width)."""

    def __init__(self, hidden: int, n_heads: int, head_dim: int, granularity: str,
                 activation: str = "sigmoid") -> None:
        super().__init__()
        if granularity not in ("elementwise", "headwise"):
            raise ValueError(
                f"granularity must be 'elementwise' or 'headwise', got {granularity!r}")
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
        raise ValueError(
            f"{type(model).__name__}: no Llama/Qwen-style self_attn with q_proj/o_proj")
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
