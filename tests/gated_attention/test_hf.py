"""add_output_gate / load_gated / diagnose_hf on tiny random Llama and Qwen2 models."""
from __future__ import annotations

import pytest
import torch

transformers = pytest.importorskip("transformers")

from neurips25.gated_attention.diagnostics import uniform_first_token_share  # noqa: E402
from neurips25.gated_attention.hf import add_output_gate, diagnose_hf, load_gated  # noqa: E402

TINY = dict(vocab_size=50, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
            num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64)


def _llama(attn: str = "eager"):
    torch.manual_seed(0)
    return transformers.LlamaForCausalLM(transformers.LlamaConfig(**TINY, attn_implementation=attn))


def _o_proj_inputs(model, ids) -> list[torch.Tensor]:
    seen: list[torch.Tensor] = []
    hooks = [layer.self_attn.o_proj.register_forward_hook(lambda m, a, o: seen.append(a[0]))
             for layer in model.model.layers]
    with torch.no_grad():
        model(ids)
    for h in hooks:
        h.remove()
    return seen


def test_zero_init_gate_halves_the_sdpa_output() -> None:
    model = _llama()
    ids = torch.randint(0, 50, (2, 9))
    before = _o_proj_inputs(model, ids)
    add_output_gate(model, "elementwise", init="zero")
    # layer 0 sees the same input, so its gated o_proj input is exactly half
    after = _o_proj_inputs(model, ids)
    torch.testing.assert_close(after[0], 0.5 * before[0], rtol=0, atol=1e-7)
    with pytest.raises(ValueError, match="already"):
        add_output_gate(model)


@pytest.mark.parametrize("granularity", ["elementwise", "headwise"])
def test_forward_backward_and_save_load(tmp_path, granularity: str) -> None:
    model = add_output_gate(_llama(), granularity, init="normal")
    n_gate = sum(p.numel() for n, p in model.named_parameters() if "output_gate" in n)
    assert n_gate == 2 * 32 * (4 * 8 if granularity == "elementwise" else 4)
    ids = torch.randint(0, 50, (2, 10))
    out = model(ids, labels=ids)
    out.loss.backward()
    grad = model.model.layers[1].self_attn.output_gate.proj.weight.grad
    assert grad is not None and grad.abs().sum() > 0
    model.save_pretrained(tmp_path)
    loaded = load_gated(tmp_path, attn_implementation="eager")
    width = loaded.model.layers[0].self_attn.output_gate.width
    assert width == (8 if granularity == "elementwise" else 1)
    with torch.no_grad():
        torch.testing.assert_close(loaded(ids).logits, model(ids).logits)
    plain = transformers.AutoModelForCausalLM.from_pretrained(tmp_path)  # still loads ungated
    assert not hasattr(plain.model.layers[0].self_attn, "output_gate")


def test_qwen2_family_and_diagnosis() -> None:
    torch.manual_seed(1)
    cfg = transformers.Qwen2Config(**TINY, attn_implementation="eager")
    model = add_output_gate(transformers.Qwen2ForCausalLM(cfg), "headwise", init="zero")
    ids = torch.randint(0, 50, (1, 12))
    d = diagnose_hf(model, ids)
    assert len(d.layers) == 2 and len(d.layers[0].first_token_share) == 4
    assert d.gate_mean == pytest.approx(0.5)
    assert d.layers[0].value_norm_first is not None
    assert d.uniform == pytest.approx(uniform_first_token_share(12))


def test_diagnosis_matches_the_attention_maps() -> None:
    model = _llama()
    ids = torch.randint(0, 50, (1, 8))
    with torch.no_grad():
        out = model(ids, output_attentions=True, output_hidden_states=True)
    d = diagnose_hf(model, ids)
    for layer, att in zip(d.layers, out.attentions, strict=True):
        want = att[0, :, 1:, 0].mean(-1).tolist()
        assert layer.first_token_share == pytest.approx(want, abs=1e-6)
    # layer 0's hooked output is the hidden state HF returns after layer 0
    assert d.layers[0].max_activation == pytest.approx(float(out.hidden_states[1].abs().max()))


def test_diagnosis_needs_eager_attention() -> None:
    with pytest.raises(ValueError, match="eager"):
        diagnose_hf(_llama("sdpa"), torch.randint(0, 50, (1, 5)))


def test_diagnose_any_decoder_gpt2() -> None:
    """A non-Llama decoder (fused c_attn, no v_proj): maps and activations, no value norms."""
    torch.manual_seed(2)
    cfg = transformers.GPT2Config(vocab_size=40, n_positions=32, n_embd=16, n_layer=3, n_head=2,
                                  bos_token_id=0, eos_token_id=0, attn_implementation="eager")
    model = transformers.GPT2LMHeadModel(cfg).eval()  # eval: no dropout in the reference maps
    ids = torch.randint(0, 40, (1, 10))
    d = diagnose_hf(model, ids)
    assert len(d.layers) == 3 and len(d.layers[0].first_token_share) == 2
    assert d.layers[0].value_norm_first is None and d.gate_mean is None
    with torch.no_grad():
        att = model(ids, output_attentions=True).attentions
    want = att[2][0, :, 1:, 0].mean(-1).tolist()
    assert d.layers[2].first_token_share == pytest.approx(want, abs=1e-6)
    with pytest.raises(ValueError, match="q_proj"):
        add_output_gate(model)


def test_attention_layout_without_layer_types() -> None:
    """Hybrids that do not list layer_types: maps go to the layers owning a self_attn."""
    from types import SimpleNamespace

    from neurips25.gated_attention.hf_diagnose import attention_layout

    layers = torch.nn.ModuleList([torch.nn.Module() for _ in range(4)])
    layers[1].self_attn = torch.nn.Identity()
    layers[3].self_attn = torch.nn.Identity()
    cfg = SimpleNamespace()
    kinds = ["no map", "attention", "no map", "attention"]
    assert attention_layout(cfg, layers, 2) == ([1, 3], kinds)
    assert attention_layout(cfg, layers, 4)[0] == [0, 1, 2, 3]
    typed = SimpleNamespace(layer_types=["mamba", "full_attention", "mamba", "sliding_attention"])
    assert attention_layout(typed, layers, 2) == ([1, 3], typed.layer_types)
    with pytest.raises(ValueError, match="cannot tell which of the 4 layers the 3"):
        attention_layout(typed, layers, 3)
