"""Tiny random Hugging Face decoders of the families ``diagnose`` supports (no download).

Hidden 32, 2-4 layers, vocabulary 300: built from the config classes transformers ships,
seeded, eager attention, so tests and the README's diagnose tables run in seconds. The
layouts are the families' own: Qwen3-Next's three Gated-DeltaNet layers per full-attention
layer with its native output gate, Gemma 2's alternating sliding/full layers, Mistral's
sliding window on every layer.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

VOCAB = 300
_DENSE = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
              num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64)
_LINEAR = dict(linear_key_head_dim=8, linear_value_head_dim=8, linear_num_key_heads=2,
               linear_num_value_heads=4)


def _configs() -> dict[str, tuple[str, dict[str, Any]]]:
    """family -> (transformers config class name, keyword arguments)."""
    return {
        "llama": ("LlamaConfig", dict(_DENSE)),
        "qwen2": ("Qwen2Config", dict(_DENSE)),
        "qwen3": ("Qwen3Config", dict(_DENSE, head_dim=8)),
        "qwen3_next": ("Qwen3NextConfig", dict(_DENSE, num_hidden_layers=4, head_dim=16,
                                               num_experts=0, **_LINEAR)),
        "gpt2": ("GPT2Config", dict(vocab_size=VOCAB, n_embd=32, n_layer=2, n_head=4,
                                    n_positions=64, bos_token_id=0, eos_token_id=0)),
        "mistral": ("MistralConfig", dict(_DENSE, sliding_window=8)),
        "gemma2": ("Gemma2Config", dict(_DENSE, head_dim=8, sliding_window=8)),
    }


FAMILIES = tuple(_configs())


def tiny_model(family: str, seed: int = 0, **overrides: Any) -> torch.nn.Module:
    """A seeded tiny random causal LM of ``family`` (eval mode, eager attention)."""
    import transformers

    cls_name, kwargs = _configs()[family]
    config = getattr(transformers, cls_name)(**{**kwargs, **overrides},
                                             attn_implementation="eager")
    torch.manual_seed(seed)
    return transformers.AutoModelForCausalLM.from_config(config).eval()


def save_tiny(family: str, folder: str | Path, seed: int = 0, **overrides: Any) -> Path:
    """Write ``tiny_model(family)`` with ``save_pretrained`` (no tokenizer files)."""
    folder = Path(folder)
    tiny_model(family, seed, **overrides).save_pretrained(folder)
    return folder
