import pytest
import torch

from neurips25.diffusion_memorization.data import load_digits_split
from neurips25.diffusion_memorization.diffusion import (
    EmpiricalEps,
    GaussianEps,
    Schedule,
    ddim_sample,
)
from neurips25.diffusion_memorization.metrics import heldout_baseline, memorization_fraction
from neurips25.diffusion_memorization.models import ResidualMLP


def test_schedule_matches_ddpm_constants():
    s = Schedule.linear()
    assert s.T == 1000
    assert s.betas[0].item() == pytest.approx(1e-4) and s.betas[-1].item() == pytest.approx(0.02)
    assert s.alpha_bar[-1].item() < 1e-4  # x_T is (almost) pure noise


def test_exact_empirical_denoiser_memorizes_and_gaussian_does_not():
    split = load_digits_split()
    train = split.subset(32)
    sched = Schedule.linear()
    g = torch.Generator().manual_seed(0)
    emp = ddim_sample(EmpiricalEps(train, sched), (128, 64), sched, steps=100, generator=g)
    assert memorization_fraction(emp, train).fraction >= 0.95
    gauss = GaussianEps(train.mean(0), torch.cov(train.T), sched)
    gs = ddim_sample(gauss, (128, 64), sched, steps=100, generator=g)
    base = heldout_baseline(split.held_out, train).fraction
    assert memorization_fraction(gs, train).fraction <= base + 0.05


def test_ddim_with_exact_gaussian_score_samples_the_gaussian():
    sched = Schedule.linear()
    mean, cov = torch.tensor([2.0, -1.0]), torch.tensor([[0.5, 0.2], [0.2, 0.3]])
    x = ddim_sample(GaussianEps(mean, cov, sched), (3000, 2), sched, steps=100,
                    generator=torch.Generator().manual_seed(1))
    assert torch.allclose(x.mean(0), mean, atol=0.05)
    assert torch.allclose(torch.cov(x.T), cov, atol=0.05)


def test_stacked_members_equal_independent_models(random_mlp):
    torch.manual_seed(0)
    big = random_mlp(3)
    x, t = torch.randn(3, 7, 5), torch.randint(0, 1000, (3, 7))
    out = big(x, t)
    for k in range(3):
        one = ResidualMLP(5, width=16, blocks=2, members=1)
        state = {name: (v[k:k + 1] if v.dim() == 3 else v) for name, v in big.state_dict().items()}
        one.load_state_dict(state)
        torch.testing.assert_close(one(x[k], t[k]), out[k], rtol=1e-5, atol=1e-6)


def test_member_losses_do_not_share_gradients():
    m = ResidualMLP(4, width=8, blocks=1, members=2)
    x = torch.randn(2, 10, 4)
    out = m(x, torch.randint(0, 1000, (2, 10)))
    (out[0] ** 2).mean().backward()  # a loss on member 0 only
    for name, p in m.named_parameters():  # every parameter is per member: nothing shared
        assert p.shape[0] == 2, name
        assert p.grad[1].abs().max() == 0, name
    assert m.inp.weight.grad[0].abs().max() > 0 and m.out_norm.weight.grad[0].abs().max() > 0


def test_model_shape_errors():
    m = ResidualMLP(4, members=2)
    with pytest.raises(ValueError, match="shape"):
        m(torch.randn(10, 4), torch.zeros(10, dtype=torch.long))
    with pytest.raises(ValueError):
        ResidualMLP(4, width=0)


def test_one_timestep_per_member_is_embedded_once_with_the_same_result(random_mlp):
    # a sampler's step gives every row of a member the same t: the model embeds it once and
    # broadcasts; rows must equal the per-row path (forced here by one row with another t)
    torch.manual_seed(1)
    m = random_mlp(2)
    x = torch.randn(2, 6, 5)
    t_same = torch.tensor([[7] * 6, [900] * 6])
    t_mixed = torch.cat([t_same, torch.tensor([[3], [4]])], 1)
    x_mixed = torch.cat([x, torch.randn(2, 1, 5)], 1)
    torch.testing.assert_close(m(x, t_same), m(x_mixed, t_mixed)[:, :6], rtol=1e-5, atol=1e-6)
