"""Tiny random Hugging Face causal LMs (Llama, GPT-2) for tests and smoke runs.

Random weights give degenerate text: right for losslessness checks, meaningless for
speed. ``init_std`` is raised from the HF default so logits are spread out and greedy
argmax ties (where float rounding could legitimately flip the choice) are rare.
"""
from __future__ import annotations

import torch


def tiny_random_model(kind: str = "llama", attn: str = "sdpa", *, vocab: int = 64,
                      seed: int = 0, positions: int = 256, init_std: float = 0.3,
                      eos_token_id: int | None = None) -> torch.nn.Module:
    """A 2-layer, 32-wide random model of ``kind`` in {llama, gpt2} with ``attn`` kernels."""
    from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    common = dict(vocab_size=vocab, initializer_range=init_std, bos_token_id=None,
                  eos_token_id=eos_token_id, pad_token_id=None)
    if kind == "llama":
        cfg = LlamaConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                          num_attention_heads=4, num_key_value_heads=2,
                          max_position_embeddings=positions, **common)
        cls = LlamaForCausalLM
    elif kind == "gpt2":
        cfg = GPT2Config(n_embd=32, n_layer=2, n_head=4, n_positions=positions, **common)
        cls = GPT2LMHeadModel
    else:
        raise ValueError(f"kind must be 'llama' or 'gpt2', got {kind!r}")
    cfg._attn_implementation = attn
    model = cls(cfg).eval()
    if model.config._attn_implementation != attn:
        raise RuntimeError(f"attention implementation {attn!r} was not applied")
    return model
