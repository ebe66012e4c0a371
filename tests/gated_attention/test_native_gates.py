"""Native output gates: scores read from the real forward equal a direct computation."""
from __future__ import annotations

import pytest
import torch

transformers = pytest.importorskip("transformers")

from neurips25.gated_attention.diagnostics import SPARSE_GATE  # noqa: E402
from neurips25.gated_attention.hf_diagnose import diagnose_hf  # noqa: E402
from neurips25.gated_attention.native_gates import (  # noqa: E402
    REGISTRY,
    GateRecorder,
    NativeGate,
    native_gate,
    register,
)
from neurips25.gated_attention.tiny_hf import tiny_model  # noqa: E402

COMMON = dict(vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=4,
              num_attention_heads=4, num_key_value_heads=2, head_dim=16)
LINEAR = dict(linear_key_head_dim=8, linear_value_head_dim=8, linear_num_key_heads=2,
              linear_num_value_heads=4)


def _model(kind: str):
    torch.manual_seed(0)
    if kind == "qwen3_next":
        cfg = transformers.Qwen3NextConfig(**COMMON, **LINEAR, num_experts=0)
    elif kind == "qwen3_5_text":
        cfg = transformers.Qwen3_5TextConfig(**COMMON, **LINEAR)
    else:  # afmoe: sliding/full layers, a separate gate_proj
        cfg = transformers.AfmoeConfig(**COMMON, moe_intermediate_size=16, num_experts=4,
                                       num_experts_per_tok=2, num_dense_layers=1)
    cfg._attn_implementation = "eager"
    return transformers.AutoModelForCausalLM.from_config(cfg).eval()


def _gate_rows(attn, kind: str) -> torch.Tensor:
    """The rows of W_theta, taken from the weights (not from the forward)."""
    if kind == "afmoe":
        return attn.gate_proj.weight
    h, d = attn.o_proj.in_features // attn.head_dim, attn.head_dim
    return attn.q_proj.weight.view(h, 2, d, -1)[:, 1].reshape(h * d, -1)


def _keep_input(store: dict, i: int):
    """Pre-hook keeping the attention layer's input X (what the gate reads)."""
    def hook(_m, args, kwargs) -> None:
        store[i] = kwargs["hidden_states"] if "hidden_states" in kwargs else args[0]
    return hook


@pytest.mark.parametrize("kind", ["qwen3_next", "qwen3_5_text", "afmoe"])
def test_gate_statistics_equal_a_direct_computation(kind: str) -> None:
    model = _model(kind)
    layers = model.model.layers
    attn_ids = [i for i, layer in enumerate(layers) if getattr(layer, "self_attn", None)]
    inputs: dict[int, torch.Tensor] = {}
    with torch.no_grad():
        for i in attn_ids:  # spread the gate logits so that some scores fall below 0.1
            attn = layers[i].self_attn
            (attn.gate_proj if kind == "afmoe" else attn.q_proj).weight.normal_(0, 0.7)
            attn.register_forward_pre_hook(_keep_input(inputs, i), with_kwargs=True)
    ids = torch.randint(0, 64, (1, 16))
    diag = diagnose_hf(model, ids)
    assert diag.gate_kind == f"native {native_gate(model.config).family} gate"
    for layer in diag.layers:
        if layer.layer not in attn_ids:
            assert layer.gate_mean is None
            continue
        attn = layers[layer.layer].self_attn
        with torch.no_grad():
            direct = torch.sigmoid(inputs[layer.layer] @ _gate_rows(attn, kind).T)
        assert layer.gate_mean == pytest.approx(float(direct.mean()), abs=1e-6)
        assert layer.gate_sparsity == pytest.approx(float((direct < SPARSE_GATE).float().mean()),
                                                    abs=1e-6)
        assert 0.02 < layer.gate_sparsity < 0.98  # a non-trivial share, so the check can fail
        if kind != "afmoe":  # reading the query rows instead would give other numbers
            q_rows = attn.q_proj.weight.view(4, 2, 16, -1)[:, 0].reshape(64, -1)
            wrong = torch.sigmoid(inputs[layer.layer] @ q_rows.T).detach()
            assert abs(float(wrong.mean()) - layer.gate_mean) > 1e-3


def test_models_without_a_native_gate_report_none() -> None:
    diag = diagnose_hf(tiny_model("qwen3"), torch.randint(0, 64, (1, 8)))
    assert diag.gate_kind is None and diag.gate_mean is None
    assert all(layer.gate_mean is None for layer in diag.layers)


def test_a_family_joins_in_a_few_lines() -> None:
    """Register Qwen3 (no native gate) under a fake gate that reads its q_proj: detected and
    hooked; the registry's layout check refuses a q_proj that is not twice o_proj's width."""
    model = tiny_model("qwen3")
    scores = []
    fake = register(NativeGate("demo", ("qwen3",), "q_proj",
                               lambda attn, out: scores.append(out) or torch.sigmoid(out)))
    try:
        assert native_gate(model.config) is fake
        diag = diagnose_hf(model, torch.randint(0, 64, (1, 8)))
        assert diag.gate_kind == "native demo gate" and len(scores) == 2
        assert diag.layers[0].gate_mean == pytest.approx(float(torch.sigmoid(scores[0]).mean()))
        with pytest.raises(ValueError, match="twice|2 x"):
            GateRecorder(REGISTRY[0], model.model.layers[0].self_attn)
    finally:
        REGISTRY.remove(fake)
    assert native_gate(model.config) is None


def test_a_layout_mismatch_is_loud_and_leaves_no_hooks() -> None:
    model = tiny_model("qwen3")
    bad = register(NativeGate("bad", ("qwen3",), "q_proj", REGISTRY[0].scores, REGISTRY[0].check))
    try:
        with pytest.raises(ValueError, match="bad gate layout not found"):
            diagnose_hf(model, torch.randint(0, 64, (1, 8)))
    finally:
        REGISTRY.remove(bad)
    hooked = [n for n, m in model.named_modules() if m._forward_hooks or m._forward_pre_hooks]
    assert hooked == []
    assert diagnose_hf(model, torch.randint(0, 64, (1, 8))).gate_kind is None
