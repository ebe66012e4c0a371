"""Diagnostics on hand-built attention patterns and activations with known answers."""
from __future__ import annotations

import pytest
import torch

from neurips25.gated_attention.diagnostics import (
    activation_stats,
    diagnose,
    first_token_share,
    gate_stats,
    uniform_first_token_share,
)


def _uniform_causal(b: int, h: int, t: int) -> torch.Tensor:
    p = torch.tril(torch.ones(t, t))
    return (p / p.sum(-1, keepdim=True)).expand(b, h, t, t).clone()


def _sink(b: int, h: int, t: int) -> torch.Tensor:
    p = torch.zeros(b, h, t, t)
    p[..., 0] = 1.0
    return p


def test_uniform_share_formula() -> None:
    assert uniform_first_token_share(2) == pytest.approx(0.5)
    assert uniform_first_token_share(4) == pytest.approx((1 / 2 + 1 / 3 + 1 / 4) / 3)
    # brute force against a uniform causal map
    for t in (3, 17, 64):
        share = first_token_share(_uniform_causal(1, 1, t))[0]
        assert share == pytest.approx(uniform_first_token_share(t))
    with pytest.raises(ValueError):
        uniform_first_token_share(1)


def test_sink_and_mixed_heads() -> None:
    t = 10
    # head 0 sink, head 1 uniform
    probs = torch.cat([_sink(2, 1, t), _uniform_causal(2, 1, t)], dim=1)
    hidden = torch.zeros(2, t, 4)
    d = diagnose([probs, _uniform_causal(2, 2, t)], [hidden, hidden])
    assert d.layers[0].first_token_share == pytest.approx([1.0, uniform_first_token_share(t)])
    assert d.sink_rate == pytest.approx(1 / 4)  # one head of four above 0.3
    assert d.first_token_share == pytest.approx((1 + 3 * uniform_first_token_share(t)) / 4)
    assert d.summary()["share_over_uniform"] == pytest.approx(d.first_token_share / d.uniform)


def test_threshold_is_strict_and_configurable() -> None:
    t = 5
    p = torch.zeros(1, 1, t, t)
    p[..., 0] = 0.25
    p[..., 0, 0] = 1.0
    for q in range(1, t):
        p[0, 0, q, q] = 0.75
    d = diagnose([p], [torch.zeros(1, t, 2)], threshold=0.25)
    assert d.sink_rate == 0.0  # exactly at the threshold is not above it
    assert diagnose([p], [torch.zeros(1, t, 2)], threshold=0.24).sink_rate == 1.0
    assert diagnose([p], [torch.zeros(1, t, 2)]).sink_rate == 0.0  # default eps 0.3


def test_activation_stats_find_the_massive_one() -> None:
    h = torch.ones(1, 6, 8)
    h[0, 0, 3] = -500.0
    h[0, 0, 5] = 200.0
    h[0, 2, 1] = 50.0
    s = activation_stats(h)
    assert s["max"] == 500.0 and s["top3"] == [500.0, 200.0, 50.0]
    assert s["median"] == 1.0 and s["max_over_median"] == 500.0


def test_value_norms_and_gate_stats() -> None:
    t = 4
    v = torch.ones(1, t, 2, 3)
    v[:, 0] = 0.0  # a value "drain" at the first token
    g = torch.tensor([0.0, 0.05, 0.5, 1.0])
    d = diagnose([_sink(1, 2, t)], [torch.zeros(1, t, 2)], [v], [g])
    layer = d.layers[0]
    assert layer.value_norm_first == 0.0
    assert layer.value_norm_rest == pytest.approx(3 ** 0.5)
    assert layer.gate_mean == pytest.approx(0.3875) and layer.gate_sparsity == 0.5
    assert gate_stats(g, sparse_below=0.6)["sparsity"] == 0.75


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="one attention map"):
        diagnose([], [])
    with pytest.raises(ValueError, match="one attention map"):
        diagnose([_sink(1, 1, 3)], [])
    with pytest.raises(ValueError, match=r"\(B, H, T, T\)"):
        first_token_share(torch.zeros(2, 3, 3))


def test_hybrid_layout_reports_every_layer_and_names_the_skipped() -> None:
    """Maps for layers 1 and 3 of 4 (as Qwen3-Next returns them): sink figures over those two,
    activations over all four, the others named."""
    t = 6
    hidden = [torch.zeros(1, t, 4) for _ in range(4)]
    hidden[0][0, 2, 1] = 9.0  # the massive activation sits in a layer without a map
    hidden[3][0, 1, 0] = 2.0
    kinds = ["linear_attention", "full_attention", "linear_attention", "full_attention"]
    d = diagnose([_sink(1, 2, t), _uniform_causal(1, 2, t)], hidden,
                 gates=[None, torch.tensor([0.05, 0.5]), None, None],
                 attention_layers=[1, 3], kinds=kinds)
    assert [layer.layer for layer in d.attention_layers] == [1, 3]
    assert d.skipped == [(0, "linear_attention"), (2, "linear_attention")]
    assert d.layers[0].first_token_share is None and d.layers[0].mean_share is None
    assert d.first_token_share == pytest.approx((1.0 + uniform_first_token_share(t)) / 2)
    assert d.sink_rate == pytest.approx(0.5)
    assert d.max_activation == 9.0  # over every layer, not only the attention ones
    assert d.gate_mean == pytest.approx(0.275) and d.gate_sparsity == 0.5
    assert d.share_matrix() == [[1.0, 1.0], [pytest.approx(uniform_first_token_share(t))] * 2]
    data = d.to_dict()
    assert data["skipped_layers"] == [{"layer": 0, "kind": "linear_attention"},
                                      {"layer": 2, "kind": "linear_attention"}]


def test_attention_layer_list_is_checked() -> None:
    hidden = [torch.zeros(1, 4, 2)] * 3
    with pytest.raises(ValueError, match="one attention map per listed"):
        diagnose([_sink(1, 1, 4)], hidden, attention_layers=[0, 2])
    with pytest.raises(ValueError, match="increasing"):
        diagnose([_sink(1, 1, 4)] * 2, hidden, attention_layers=[2, 0])
    with pytest.raises(ValueError, match="within"):
        diagnose([_sink(1, 1, 4)], hidden, attention_layers=[3])
    with pytest.raises(ValueError, match="kinds"):
        diagnose([_sink(1, 1, 4)], hidden, attention_layers=[1], kinds=["a"])
