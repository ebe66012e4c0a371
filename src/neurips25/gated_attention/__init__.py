"""Gated Attention (Qiu et al., NeurIPS 2025 best paper, arXiv 2505.06708).

A head-specific, query-dependent sigmoid gate on the attention output (G1) removes
attention sinks and massive activations. This package has the gate (``GateConfig``,
``added_parameters``), ``GatedSelfAttention`` and ``TinyLM``, sink / massive-activation
diagnostics for TinyLM and Hugging Face decoders, ``hf.add_output_gate`` for Llama/Qwen
models, and the CPU-scale experiment. Importing it loads torch but not transformers.
"""
from neurips25.gated_attention.attention import AttentionInternals, GatedSelfAttention, rope
from neurips25.gated_attention.claims import CLAIMS
from neurips25.gated_attention.data import BackcopyTask
from neurips25.gated_attention.diagnostics import (
    Diagnosis,
    LayerReport,
    diagnose,
    diagnose_tinylm,
    first_token_share,
    uniform_first_token_share,
)
from neurips25.gated_attention.experiment import Config, run
from neurips25.gated_attention.gates import MOE_15A2B, Gate, GateConfig, ModelDims, added_parameters
from neurips25.gated_attention.model import (
    TinyLM,
    TinyLMConfig,
    equal_param_config,
    load_checkpoint,
    n_params,
    save_checkpoint,
)
from neurips25.study import Study

STUDY = Study(
    name="gated_attention",
    title="Gated Attention for LLMs: Non-linearity, Sparsity, and Attention-Sink-Free",
    arxiv="2505.06708",
    finding="a sigmoid gate on each head's attention output removes the attention sink "
            "and massive activations",
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~2.5 min",
    figures_note="attention_heatmaps.png, first_token_share.png, max_activation.png, "
                 "gate_histogram.png, first_token_share_training.png",
)

__all__ = [
    "MOE_15A2B", "STUDY", "AttentionInternals", "BackcopyTask", "Config", "Diagnosis", "Gate",
    "GateConfig", "GatedSelfAttention", "LayerReport", "ModelDims", "TinyLM", "TinyLMConfig",
    "added_parameters", "diagnose", "diagnose_tinylm", "equal_param_config",
    "first_token_share", "load_checkpoint", "n_params", "rope", "save_checkpoint",
    "uniform_first_token_share",
]
