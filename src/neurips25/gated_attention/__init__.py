"""Gated Attention (Qiu et al., NeurIPS 2025 best paper, arXiv 2505.06708).

A head-specific, query-dependent sigmoid gate on the attention output (G1) removes
attention sinks and massive activations. This package has the gate (``GateConfig``,
``added_parameters``), ``GatedSelfAttention`` and ``TinyLM``, sink / massive-activation
diagnostics for TinyLM and Hugging Face decoders, ``hf.add_output_gate`` for Llama/Qwen
models, and the CPU-scale experiment. Torch-backed names load on first use, so that
``import neurips25.gated_attention`` (and the CLI) stays free of torch; transformers
is never imported at package import.
"""
from __future__ import annotations

from neurips25.common.lazy import lazy_exports
from neurips25.gated_attention.claims import CLAIMS
from neurips25.gated_attention.experiment import Config, run
from neurips25.study import Study

_LAZY = {
    "AttentionInternals": "attention", "GatedSelfAttention": "attention", "rope": "attention",
    "BackcopyTask": "data",
    "Diagnosis": "diagnostics", "LayerReport": "diagnostics", "diagnose": "diagnostics",
    "diagnose_tinylm": "diagnostics", "first_token_share": "diagnostics",
    "uniform_first_token_share": "diagnostics",
    "Gate": "gates",
    "MOE_15A2B": "gate_config", "GateConfig": "gate_config", "ModelDims": "gate_config",
    "added_parameters": "gate_config",
    "TinyLM": "model", "TinyLMConfig": "model", "equal_param_config": "model",
    "load_checkpoint": "model", "n_params": "model", "save_checkpoint": "model",
}


__getattr__ = lazy_exports(__name__, _LAZY)


STUDY = Study(
    name="gated_attention",
    title="Gated Attention for LLMs: Non-linearity, Sparsity, and Attention-Sink-Free",
    arxiv="2505.06708",
    finding="a sigmoid gate on each head's attention output removes the attention sink "
            "and massive activations",
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~3.5 min",
    figures_note="attention_heatmaps.png, first_token_share.png, max_activation.png, "
                 "gate_histogram.png, first_token_share_training.png",
)

__all__ = ["CLAIMS", "STUDY", "Config", "run", *_LAZY]
