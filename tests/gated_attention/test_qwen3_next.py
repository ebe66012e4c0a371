"""from_hf / to_hf between a Qwen3-Next full-attention layer and GatedSelfAttention."""
from __future__ import annotations

import pytest
import torch

transformers = pytest.importorskip("transformers")

from neurips25.gated_attention.gates import GateConfig  # noqa: E402
from neurips25.gated_attention.hf import add_output_gate  # noqa: E402
from neurips25.gated_attention.qwen3_next import from_hf, to_hf  # noqa: E402

T = 9


def _config(factor: float, **kw):
    return transformers.Qwen3NextConfig(
        vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=4,
        num_attention_heads=4, num_key_value_heads=2, head_dim=16, num_experts=0,
        linear_key_head_dim=8, linear_value_head_dim=8, linear_num_key_heads=2,
        linear_num_value_heads=4, rms_norm_eps=1e-5,
        rope_parameters={"rope_type": "default", "rope_theta": 500.0,
                         "partial_rotary_factor": factor},
        attn_implementation="eager", **kw)


def _layer(factor: float, seed: int = 0):
    """A Qwen3-Next attention layer with O(1) outputs and non-trivial (1 + w) norms."""
    from transformers.models.qwen3_next.modeling_qwen3_next import (
        Qwen3NextAttention,
        Qwen3NextRotaryEmbedding,
    )

    cfg = _config(factor)
    torch.manual_seed(seed)
    layer = Qwen3NextAttention(cfg, layer_idx=3).eval()
    with torch.no_grad():
        for p in layer.parameters():
            p.normal_(0, 0.3)
    return layer, Qwen3NextRotaryEmbedding(cfg)


def _hf_forward(layer, rotary, x):
    cos, sin = rotary(x, torch.arange(x.shape[1])[None])
    mask = torch.full((x.shape[1], x.shape[1]), float("-inf")).triu(1)[None, None]
    with torch.no_grad():
        return layer(x, (cos, sin), mask)[0]


@pytest.mark.parametrize("factor", [0.25, 1.0])
def test_from_hf_forward_equals_the_layer(factor: float) -> None:
    layer, rotary = _layer(factor)
    x = torch.randn(2, T, 32)
    ref = _hf_forward(layer, rotary, x)
    attn = from_hf(layer)
    assert attn.rot_dim == int(16 * factor)
    with torch.no_grad():
        fast, (slow, info) = attn(x), attn(x, return_internals=True)
    assert ref.abs().mean() > 0.1  # outputs of order one: 1e-5 is a tight bar
    torch.testing.assert_close(fast, ref, rtol=0, atol=1e-5)
    torch.testing.assert_close(slow, ref, rtol=0, atol=1e-5)
    assert info.gate is not None and info.gate.shape == (2, T, 4, 16)


def test_whole_head_rope_does_not_reproduce_partial_rope() -> None:
    """The check above can fail: rotating the whole head misses the 0.25 layer by far."""
    layer, rotary = _layer(0.25)
    x = torch.randn(1, T, 32)
    ref = _hf_forward(layer, rotary, x)
    attn = from_hf(layer)
    attn.rot_dim = attn.head_dim
    with torch.no_grad():
        assert (attn(x) - ref).abs().max() > 1e-2


@pytest.mark.parametrize("factor", [0.25, 1.0])
def test_to_hf_round_trips_weights_exactly(factor: float) -> None:
    layer, rotary = _layer(factor, seed=1)
    before = {k: v.clone() for k, v in layer.state_dict().items()}
    attn = from_hf(layer)
    rebuilt = to_hf(attn, layer.config, layer_idx=3)
    assert rebuilt is not layer
    after = rebuilt.state_dict()
    assert before.keys() == after.keys()
    for key, value in before.items():
        assert torch.equal(value, after[key]), key
    # edits to the module land in the HF layer: fine-tune here, load back there
    with torch.no_grad():
        attn.gate.proj.weight.mul_(-2.0)
        attn.k_norm.weight.add_(0.5)
    same = to_hf(attn, layer)
    assert same is layer
    x = torch.randn(1, T, 32)
    with torch.no_grad():
        torch.testing.assert_close(_hf_forward(layer, rotary, x), attn(x), rtol=0, atol=1e-5)


def test_other_gate_variants_load_but_do_not_write_back() -> None:
    layer, _ = _layer(0.25)
    x = torch.randn(1, T, 32)
    for gate in (GateConfig(granularity="headwise"), GateConfig(position="g2"), None):
        attn = from_hf(layer, gate=gate)
        torch.testing.assert_close(attn.q_proj.weight, layer.q_proj.weight.view(4, 2, 16, 32)[:, 0]
                                   .reshape(64, 32))
        assert attn(x).shape == (1, T, 32)
        with pytest.raises(ValueError, match="native"):
            to_hf(attn, layer)


def test_to_hf_rejects_mismatched_settings() -> None:
    layer, _ = _layer(0.25)
    attn = from_hf(layer)
    with pytest.raises(ValueError, match="partial"):
        to_hf(attn, _config(1.0))
    layer.config.rope_parameters = {**layer.config.rope_parameters, "rope_type": "yarn"}
    with pytest.raises(ValueError, match="rope_type"):
        from_hf(layer)


def test_add_output_gate_on_qwen3_reproduces_qwen3_next() -> None:
    """A Qwen3 layer loaded with Qwen3-Next's weights plus this project's G1 gate (the gate
    rows as W_theta, norms as 1 + w) computes Qwen3-Next's attention (whole-head RoPE: Qwen3
    has no partial mode)."""
    layer, rotary = _layer(1.0, seed=2)
    q3cfg = transformers.Qwen3Config(
        vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=1,
        num_attention_heads=4, num_key_value_heads=2, head_dim=16, rms_norm_eps=1e-5,
        rope_parameters={"rope_type": "default", "rope_theta": 500.0},
        attn_implementation="eager")
    q3 = transformers.Qwen3ForCausalLM(q3cfg).eval()
    add_output_gate(q3, "elementwise")
    attn3 = q3.model.layers[0].self_attn
    w = layer.q_proj.weight.detach().view(4, 2, 16, 32)
    with torch.no_grad():
        attn3.q_proj.weight.copy_(w[:, 0].reshape(64, 32))
        attn3.output_gate.proj.weight.copy_(w[:, 1].reshape(64, 32))
        for name in ("k_proj", "v_proj", "o_proj"):
            getattr(attn3, name).weight.copy_(getattr(layer, name).weight)
        for name in ("q_norm", "k_norm"):
            getattr(attn3, name).weight.copy_(1.0 + getattr(layer, name).weight)
    x = torch.randn(2, T, 32)
    cos, sin = q3.model.rotary_emb(x, torch.arange(T)[None])
    mask = torch.full((T, T), float("-inf")).triu(1)[None, None]
    with torch.no_grad():
        out3 = attn3(hidden_states=x, position_embeddings=(cos, sin), attention_mask=mask)[0]
    torch.testing.assert_close(out3, _hf_forward(layer, rotary, x), rtol=0, atol=1e-6)
