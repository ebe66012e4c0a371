"""GatedSelfAttention: fast path == explicit path, causality, GQA, RoPE, gradcheck."""
from __future__ import annotations

import pytest
import torch

from neurips25.gated_attention.attention import GatedSelfAttention, rope
from neurips25.gated_attention.gates import GateConfig

GATES = [None, GateConfig(), GateConfig(granularity="headwise"), GateConfig(position="g2"),
         GateConfig(position="g3"), GateConfig(position="g4"), GateConfig(position="g5"),
         GateConfig(head_specific=False), GateConfig(mode="additive", activation="silu")]


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize(("n_kv", "qk_norm"), [(4, False), (2, True), (1, False)])
def test_fast_path_equals_explicit_path(gate, n_kv: int, qk_norm: bool) -> None:
    torch.manual_seed(0)
    attn = GatedSelfAttention(32, 4, n_kv_head=n_kv, qk_norm=qk_norm, gate=gate)
    x = torch.randn(2, 11, 32)
    fast = attn(x)
    slow, info = attn(x, return_internals=True)
    torch.testing.assert_close(fast, slow, rtol=1e-5, atol=1e-5)
    assert info.probs.shape == (2, 4, 11, 11)
    torch.testing.assert_close(info.probs.sum(-1), torch.ones(2, 4, 11))
    assert torch.all(info.probs.triu(1) == 0)
    assert (info.gate is None) == (gate is None)


@pytest.mark.parametrize("gate", GATES)
def test_causal_with_gates(gate) -> None:
    torch.manual_seed(1)
    attn = GatedSelfAttention(32, 4, n_kv_head=2, gate=gate)
    x = torch.randn(1, 10, 32)
    y = x.clone()
    y[:, 6:] = torch.randn(1, 4, 32)  # change the future
    torch.testing.assert_close(attn(x)[:, :6], attn(y)[:, :6], rtol=0, atol=1e-6)


def test_gqa_equals_mha_with_repeated_kv() -> None:
    torch.manual_seed(2)
    gqa = GatedSelfAttention(32, 4, n_kv_head=2, gate=GateConfig())
    mha = GatedSelfAttention(32, 4, n_kv_head=4, gate=GateConfig())
    state = gqa.state_dict()
    for name in ("k_proj.weight", "v_proj.weight"):
        w = state[name].view(2, 8, 32)  # (kv heads, head_dim, d_model)
        state[name] = w.repeat_interleave(2, dim=0).reshape(32, 32)
    mha.load_state_dict(state)
    x = torch.randn(2, 7, 32)
    torch.testing.assert_close(gqa(x), mha(x), rtol=1e-5, atol=1e-6)


def test_rope_scores_depend_only_on_offset() -> None:
    torch.manual_seed(3)
    q, k = torch.randn(1, 1, 1, 8), torch.randn(1, 1, 1, 8)
    t = 12
    qr, kr = rope(q.expand(1, t, 1, 8)), rope(k.expand(1, t, 1, 8))
    s = (qr[0, :, 0] @ kr[0, :, 0].T)  # s[i, j] = <R_i q, R_j k>
    for off in range(4):
        diag = torch.diagonal(s, offset=-off)
        torch.testing.assert_close(diag, diag[:1].expand_as(diag), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(rope(q.expand(1, t, 1, 8)).norm(dim=-1),
                               q.norm(dim=-1).expand(1, t, 1))


def test_gradcheck_tiny_gated_attention() -> None:
    torch.manual_seed(4)
    attn = GatedSelfAttention(8, 2, n_kv_head=1, qk_norm=True, gate=GateConfig()).double()
    x = torch.randn(1, 3, 8, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(lambda z: attn(z, return_internals=True)[0], (x,))
    assert torch.autograd.gradcheck(lambda z: attn(z), (x,))


def test_bad_shapes_rejected() -> None:
    with pytest.raises(ValueError, match="multiple"):
        GatedSelfAttention(32, 4, n_kv_head=3)
    with pytest.raises(ValueError, match="even"):
        GatedSelfAttention(30, 2, head_dim=15)


def test_partial_rope_rotates_only_the_first_channels() -> None:
    torch.manual_seed(5)
    x = torch.randn(2, 9, 3, 16)
    part = rope(x, rot_dim=4)
    assert torch.equal(part[..., 4:], x[..., 4:])  # the other 12 channels pass through
    torch.testing.assert_close(part[..., :4], rope(x[..., :4]))
    torch.testing.assert_close(rope(x, rot_dim=16), rope(x))
    assert torch.equal(part[:, 0], x[:, 0])  # position 0 is not rotated
    assert not torch.allclose(part[:, 1:, :, :4], x[:, 1:, :, :4])
    with pytest.raises(ValueError, match="even"):
        rope(x, rot_dim=3)


@pytest.mark.parametrize("factor", [0.25, 0.5, 1.0])
@pytest.mark.parametrize("qk_norm", [True, "unit_offset"])
def test_partial_rotary_fast_equals_explicit(factor: float, qk_norm) -> None:
    torch.manual_seed(6)
    attn = GatedSelfAttention(32, 4, n_kv_head=2, head_dim=16, qk_norm=qk_norm,
                              gate=GateConfig(), partial_rotary_factor=factor)
    assert attn.rot_dim == int(16 * factor)
    x = torch.randn(2, 7, 32)
    fast, (slow, _) = attn(x), attn(x, return_internals=True)
    torch.testing.assert_close(fast, slow, rtol=1e-5, atol=1e-5)


def test_default_is_whole_head_rope_and_partial_changes_the_output() -> None:
    torch.manual_seed(7)
    full = GatedSelfAttention(32, 4, gate=GateConfig())
    assert full.rot_dim == full.head_dim == 8 and full.partial_rotary_factor == 1.0
    part = GatedSelfAttention(32, 4, gate=GateConfig(), partial_rotary_factor=0.25)
    part.load_state_dict(full.state_dict())
    x = torch.randn(1, 6, 32)
    assert (full(x) - part(x)).abs().max() > 1e-4
    with pytest.raises(ValueError, match="partial_rotary_factor"):
        GatedSelfAttention(32, 4, partial_rotary_factor=0.0)
    with pytest.raises(ValueError, match="even"):
        GatedSelfAttention(32, 4, partial_rotary_factor=0.125)  # 1 channel of 8


def test_unit_offset_norm_scales_by_one_plus_w() -> None:
    from neurips25.gated_attention.attention import UnitOffsetRMSNorm

    torch.manual_seed(8)
    norm = UnitOffsetRMSNorm(8, eps=1e-6)
    ref = torch.nn.RMSNorm(8, eps=1e-6)
    with torch.no_grad():
        norm.weight.normal_()
        ref.weight.copy_(1.0 + norm.weight)
    x = torch.randn(3, 8)
    torch.testing.assert_close(norm(x), ref(x))
    with pytest.raises(ValueError, match="qk_norm"):
        GatedSelfAttention(32, 4, qk_norm="layer")


def test_rope_cached_tables_survive_inference_mode_and_match_fresh_ones() -> None:
    """Tables first built under inference_mode must still be usable with autograd."""
    import math

    with torch.inference_mode():
        rope(torch.randn(1, 11, 2, 8))
    x = torch.randn(2, 11, 2, 8, requires_grad=True)
    y = rope(x)
    y.sum().backward()
    assert x.grad is not None
    t, i = 5, 1  # channel pair (1, 5) at position 5 rotates by 5 * 10000^(-2/8)
    ang = t * 10000.0 ** (-2 * i / 8)
    c, s = math.cos(ang), math.sin(ang)
    exp = x[0, t, 0, i] * c - x[0, t, 0, i + 4] * s
    assert torch.allclose(y[0, t, 0, i], exp, atol=1e-5)
