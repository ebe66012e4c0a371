"""ResidualMLP matches the paper's architecture: parameter counts, a functional reference,
identity blocks."""
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from neurips25.deep_crl.networks import Actor, Critic, ResidualMLP, residual_mlp_param_count


def n_params(m: torch.nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def test_official_encoder_param_count():
    # width 256 / depth 4 / input 4 -> 64 encoder: 283,456 parameters in the official JAX code
    assert n_params(ResidualMLP(4, 64, width=256, depth=4)) == 283_456
    assert residual_mlp_param_count(4, 64, 256, 4) == 283_456


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 12), st.integers(1, 9), st.integers(1, 24), st.sampled_from([4, 8, 12]),
       st.booleans())
def test_param_count_formula(in_dim, out_dim, width, depth, ln):
    net = ResidualMLP(in_dim, out_dim, width, depth, layer_norm=ln)
    assert n_params(net) == residual_mlp_param_count(in_dim, out_dim, width, depth, ln)


def test_critic_and_actor_counts():
    c = Critic(obs_dim=2, action_dim=2, goal_dim=2, width=32, depth=8)
    assert n_params(c) == (residual_mlp_param_count(4, 64, 32, 8)
                           + residual_mlp_param_count(2, 64, 32, 8))
    a = Actor(obs_dim=3, goal_dim=2, action_dim=2, width=32, depth=4)
    assert n_params(a) == residual_mlp_param_count(5, 4, 32, 4)


def reference_forward(net: ResidualMLP, x: torch.Tensor, residual=True, ln=True) -> torch.Tensor:
    """Unrolled functional reference of Fig. 1: Dense->LN->swish, blocks of 4, skip after the
    4th swish."""
    def layer(lin, norm, h):
        h = F.linear(h, lin.weight, lin.bias)
        if ln:
            h = F.layer_norm(h, (h.shape[-1],), norm.weight, norm.bias, eps=norm.eps)
        return h * torch.sigmoid(h)

    h = layer(net.inp, net.inp_norm, x)
    for b in range(net.depth // 4):
        skip = h
        for i in range(4):
            h = layer(net.layers[4 * b + i], net.norms[4 * b + i], h)
        if residual:
            h = h + skip
    return F.linear(h, net.head.weight, net.head.bias)


@pytest.mark.parametrize("residual,ln", [(True, True), (False, False), (True, False)])
def test_matches_unrolled_reference(residual, ln):
    torch.manual_seed(0)
    net = ResidualMLP(5, 7, width=16, depth=12, residual=residual, layer_norm=ln)
    for p in net.parameters():  # non-trivial LN affine parameters and biases
        torch.nn.init.normal_(p, std=0.3)
    x = torch.randn(9, 5)
    torch.testing.assert_close(net(x), reference_forward(net, x, residual, ln))


def test_zeroed_block_is_identity():
    torch.manual_seed(1)
    deep = ResidualMLP(3, 4, width=8, depth=8)
    for i in range(4, 8):  # second block: Dense(0)->LN->swish gives 0, so the block adds nothing
        torch.nn.init.zeros_(deep.layers[i].weight)
        torch.nn.init.zeros_(deep.layers[i].bias)
    x = torch.randn(6, 3)
    after_first = ResidualMLP(3, 4, width=8, depth=4)
    later = tuple(f"{part}.{i}" for part in ("layers", "norms") for i in (4, 5, 6, 7))
    after_first.load_state_dict({k: v for k, v in deep.state_dict().items()
                                 if not k.startswith(later)})
    torch.testing.assert_close(deep(x), after_first(x))


def test_init_law_and_zero_bias():
    net = ResidualMLP(100, 8, width=64, depth=4)
    w = net.layers[0].weight
    assert w.abs().max() <= 1 / math.sqrt(64) + 1e-7
    assert net.inp.weight.abs().max() <= 1 / math.sqrt(100) + 1e-7
    assert all(bool((m.bias == 0).all()) for m in [net.inp, net.head, *net.layers])


def test_hundreds_of_layers_train_finite():
    torch.manual_seed(0)
    net = ResidualMLP(2, 3, width=8, depth=256)
    out = net(torch.randn(4, 2))
    out.square().sum().backward()
    assert torch.isfinite(out).all()
    assert all(torch.isfinite(p.grad).all() for p in net.parameters())


@pytest.mark.parametrize("depth", [0, 3, 6, -4])
def test_bad_depth_is_a_clear_error(depth):
    with pytest.raises(ValueError, match="multiple of 4"):
        ResidualMLP(2, 2, width=8, depth=depth)


def test_actor_log_std_bounds_and_log_prob():
    torch.manual_seed(0)
    actor = Actor(obs_dim=2, goal_dim=2, action_dim=2, width=16, depth=4)
    for p in actor.parameters():
        torch.nn.init.normal_(p, std=2.0)  # push log-std to both bounds
    obs, goal = torch.randn(256, 2), torch.randn(256, 2)
    _, log_std = actor(obs, goal)
    assert log_std.min() >= -5 and log_std.max() <= 2
    actor = Actor(obs_dim=2, goal_dim=2, action_dim=2, width=16, depth=4)
    gen = torch.Generator().manual_seed(3)
    action, log_prob = actor.sample(obs, goal, gen)
    mean, log_std = actor(obs, goal)
    dist = torch.distributions.TransformedDistribution(
        torch.distributions.Independent(torch.distributions.Normal(mean, log_std.exp()), 1),
        [torch.distributions.TanhTransform()])
    ok = action.abs().max(-1).values < 0.99  # away from the +-1 edge where the 1e-6 guard matters
    assert ok.float().mean() > 0.9
    torch.testing.assert_close(log_prob[ok], dist.log_prob(action)[ok], atol=2e-3, rtol=1e-3)


def test_plain_stack_needs_its_own_init_while_layernorm_needs_none():
    """Why the ablation's plain net gets a variance-preserving init: with the paper's init and no
    LayerNorm, the signal shrinks by ~3.5x per layer and is gone after 16 layers."""
    from neurips25.deep_crl.networks import ResidualMLP

    torch.manual_seed(0)
    x = torch.randn(256, 4)
    rms = {}
    for name, res, ln, init in (("paper plain", False, False, "paper"),
                                ("he plain", False, False, "swish_he"),
                                ("paper residual+LN", True, True, "paper")):
        rms[name] = ResidualMLP(4, 8, 64, 16, res, ln, init).trunk(x).pow(2).mean().sqrt().item()
    assert rms["paper plain"] < 1e-6 < 0.1 < rms["he plain"] < 100
    assert 0.1 < rms["paper residual+LN"] < 100
    with pytest.raises(ValueError, match="init"):
        ResidualMLP(4, 8, 16, 4, init="xavier")
