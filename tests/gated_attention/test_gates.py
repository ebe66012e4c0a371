"""The gate itself: neutral and half-open gates, granularity equivalence, Table 1 counts."""
from __future__ import annotations

import pytest
import torch

from neurips25.gated_attention.attention import GatedSelfAttention
from neurips25.gated_attention.gates import (
    MOE_15A2B,
    Gate,
    GateConfig,
    ModelDims,
    activate,
    added_parameters,
)


def _pair(gate: GateConfig, seed: int = 0, **kw) -> tuple[GatedSelfAttention, GatedSelfAttention]:
    torch.manual_seed(seed)
    gated = GatedSelfAttention(32, 4, gate=gate, **kw)
    plain = GatedSelfAttention(32, 4, **kw)
    plain.load_state_dict({k: v for k, v in gated.state_dict().items() if "gate" not in k})
    return gated, plain


@pytest.mark.parametrize("position", ["g1", "g2", "g3", "g4", "g5"])
def test_gate_fixed_at_one_equals_ungated(position: str) -> None:
    gated, plain = _pair(GateConfig(position=position, input_dependent=False), n_kv_head=2)
    with torch.no_grad():
        gated.gate.logits.fill_(100.0)  # sigmoid(100) == 1.0 exactly in float32
    x = torch.randn(2, 7, 32)
    assert torch.equal(gated(x), plain(x))


def test_zero_gate_weights_give_exactly_half() -> None:
    gated, plain = _pair(GateConfig())
    with torch.no_grad():
        gated.gate.proj.weight.zero_()
    x = torch.randn(2, 9, 32)
    # G1 sits before the (linear, bias-free) output projection: output halves exactly
    torch.testing.assert_close(gated(x), 0.5 * plain(x), rtol=0, atol=1e-6)
    assert torch.all(gated.gate.scores(x) == 0.5)


def test_headwise_equals_elementwise_with_tied_logits() -> None:
    torch.manual_seed(1)
    head = GatedSelfAttention(32, 4, gate=GateConfig(granularity="headwise"))
    elem = GatedSelfAttention(32, 4, gate=GateConfig(granularity="elementwise"))
    state = head.state_dict()
    state["gate.proj.weight"] = head.gate.proj.weight.repeat_interleave(8, dim=0)  # (4*8, 32)
    elem.load_state_dict(state)
    x = torch.randn(3, 6, 32)
    torch.testing.assert_close(elem(x), head(x), rtol=1e-5, atol=1e-6)


def test_head_shared_equals_head_specific_with_tied_rows() -> None:
    torch.manual_seed(2)
    shared = GatedSelfAttention(32, 4, gate=GateConfig(head_specific=False))
    spec = GatedSelfAttention(32, 4, gate=GateConfig())
    state = shared.state_dict()
    state["gate.proj.weight"] = shared.gate.proj.weight.repeat(4, 1)
    spec.load_state_dict(state)
    x = torch.randn(2, 5, 32)
    torch.testing.assert_close(spec(x), shared(x), rtol=1e-5, atol=1e-6)


def test_gate_is_query_dependent_only() -> None:
    """Scores at position t depend on x_t alone (the query token's hidden state)."""
    gate = Gate(GateConfig(), d_model=16, n_heads=2, head_dim=4)
    x = torch.randn(1, 5, 16)
    y = x.clone()
    y[0, 3] += 1.0
    sx, sy = gate.scores(x), gate.scores(y)
    assert torch.equal(sx[0, [0, 1, 2, 4]], sy[0, [0, 1, 2, 4]])
    assert not torch.equal(sx[0, 3], sy[0, 3])


def test_activations_and_additive_mode() -> None:
    z = torch.linspace(-20, 20, 101)
    assert torch.all((activate(z, "ns_sigmoid") >= 0.5) & (activate(z, "ns_sigmoid") <= 1.0))
    torch.testing.assert_close(activate(z, "silu"), z * torch.sigmoid(z))
    gated, plain = _pair(GateConfig(mode="additive", activation="silu", input_dependent=False))
    x = torch.randn(1, 4, 32)
    assert torch.equal(gated(x), plain(x))  # silu(0) = 0: the additive gate starts neutral


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"position": "g6"}, "position"), ({"granularity": "rowwise"}, "granularity"),
     ({"mode": "max"}, "mode"), ({"activation": "tanh"}, "activation"),
     ({"position": "g5", "granularity": "headwise"}, "G5")],
)
def test_bad_gate_config_is_rejected(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        GateConfig(**kwargs)


def test_added_parameters_match_table1() -> None:
    """Table 1 (15A2B MoE): G1 elementwise 201M, G1 headwise 1.6M added parameters."""
    assert round(added_parameters(GateConfig(), MOE_15A2B) / 1e6) == 201
    assert round(added_parameters(GateConfig(granularity="headwise"), MOE_15A2B) / 1e5) == 16
    # value/key gates act on the 4 KV heads, query gates on the 32 query heads
    assert round(added_parameters(GateConfig(position="g2"), MOE_15A2B) / 1e6) == 25
    assert round(added_parameters(GateConfig(position="g3"), MOE_15A2B) / 1e6) == 25
    assert round(added_parameters(GateConfig(position="g4"), MOE_15A2B) / 1e6) == 201
    assert round(added_parameters(GateConfig(position="g5"), MOE_15A2B) / 1e6) == 101
    assert added_parameters(GateConfig(input_dependent=False), MOE_15A2B) == 32 * 128 * 24


@pytest.mark.parametrize("gate", [GateConfig(), GateConfig(granularity="headwise"),
                                  GateConfig(position="g2"), GateConfig(head_specific=False),
                                  GateConfig(position="g5"), GateConfig(input_dependent=False)])
def test_added_parameters_equal_module_parameters(gate: GateConfig) -> None:
    dims = ModelDims(n_layers=1, d_model=24, n_q_heads=4, n_kv_heads=2, head_dim=6)
    with_gate = GatedSelfAttention(24, 4, n_kv_head=2, head_dim=6, gate=gate)
    without = GatedSelfAttention(24, 4, n_kv_head=2, head_dim=6)
    extra = (sum(p.numel() for p in with_gate.parameters())
             - sum(p.numel() for p in without.parameters()))
    assert extra == added_parameters(gate, dims)
