"""Tiny random Hugging Face causal LMs (Llama, Qwen2, GPT-2) for tests and smoke runs.

Random weights give degenerate text: right for losslessness checks, meaningless for
speed. ``init_std`` is raised from the HF default so logits are spread out and greedy
argmax ties (where float rounding could legitimately flip the choice) are rare.
"""
from __future__ import annotations

import torch


def tiny_random_model(kind: str = "llama", attn: str = "sdpa", *, vocab: int = 64,
                      seed: int = 0, positions: int = 256, init_std: float = 0.3,
                      eos_token_id: int | None = None, width: int = 32,
                      layers: int = 2) -> torch.nn.Module:
    """A small random model of ``kind`` in {llama, qwen2, gpt2} with ``attn`` kernels."""
    from transformers import (
        GPT2Config,
        GPT2LMHeadModel,
        LlamaConfig,
        LlamaForCausalLM,
        Qwen2Config,
        Qwen2ForCausalLM,
    )

    torch.manual_seed(seed)
    common = dict(vocab_size=vocab, initializer_range=init_std, bos_token_id=None,
                  eos_token_id=eos_token_id, pad_token_id=None)
    heads = 4 if width >= 16 else 2
    if kind in ("llama", "qwen2"):
        cls, cfg_cls = ((LlamaForCausalLM, LlamaConfig) if kind == "llama"
                        else (Qwen2ForCausalLM, Qwen2Config))
        cfg = cfg_cls(hidden_size=width, intermediate_size=2 * width, num_hidden_layers=layers,
                      num_attention_heads=heads, num_key_value_heads=heads // 2,
                      max_position_embeddings=positions, **common)
    elif kind == "gpt2":
        cfg = GPT2Config(n_embd=width, n_layer=layers, n_head=heads, n_positions=positions,
                         **common)
        cls = GPT2LMHeadModel
    else:
        raise ValueError(f"kind must be 'llama', 'qwen2' or 'gpt2', got {kind!r}")
    cfg._attn_implementation = attn
    model = cls(cfg).eval()
    if model.config._attn_implementation != attn:
        raise RuntimeError(f"attention implementation {attn!r} was not applied")
    return model
