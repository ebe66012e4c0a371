"""Losses equal their reference formulas; the epsilon keeps the energy's gradient finite."""
import pytest
import torch
import torch.nn.functional as F

from neurips25.deep_crl.losses import (
    actor_loss,
    alpha_loss,
    critic_loss,
    energy,
    infonce,
    logsumexp_penalty,
    pairwise_energy,
)


def test_pairwise_energy_matches_brute_force():
    torch.manual_seed(0)
    phi, psi = torch.randn(7, 5), torch.randn(7, 5)
    brute = torch.tensor([[-((phi[i] - psi[j]).pow(2).sum() + 1e-6).sqrt() for j in range(7)]
                          for i in range(7)])
    torch.testing.assert_close(pairwise_energy(phi, psi), brute, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(torch.diag(pairwise_energy(phi, psi)), energy(phi, psi),
                               atol=1e-5, rtol=1e-5)


def test_forward_infonce_equals_official_formula_and_cross_entropy():
    torch.manual_seed(1)
    logits = torch.randn(6, 6)
    official = -(torch.diag(logits) - torch.logsumexp(logits, dim=1)).mean()  # scaling-crl train.py
    torch.testing.assert_close(infonce(logits, "forward"), official)
    torch.testing.assert_close(infonce(logits, "forward"), F.cross_entropy(logits, torch.arange(6)))
    torch.testing.assert_close(infonce(logits, "backward"), infonce(logits.T, "forward"))
    torch.testing.assert_close(infonce(logits, "symmetric"),
                               (infonce(logits, "forward") + infonce(logits, "backward")) / 2)


def test_critic_loss_adds_logsumexp_penalty():
    torch.manual_seed(2)
    logits = torch.randn(5, 5)
    lse = torch.logsumexp(logits, 1)
    torch.testing.assert_close(logsumexp_penalty(logits), (lse ** 2).mean())
    torch.testing.assert_close(critic_loss(logits, 0.1), infonce(logits) + 0.1 * (lse ** 2).mean())


def test_energy_gradient_finite_when_phi_equals_psi():
    phi = torch.randn(4, 8, requires_grad=True)
    psi = phi.detach().clone().requires_grad_(True)
    energy(phi, psi).sum().backward()
    assert torch.isfinite(phi.grad).all() and torch.isfinite(psi.grad).all()
    # the official bare sqrt has no epsilon: its gradient at phi == psi is NaN
    phi2 = phi.detach().clone().requires_grad_(True)
    (-(phi2 - psi.detach()).pow(2).sum(-1).sqrt()).sum().backward()
    assert torch.isnan(phi2.grad).any()


def test_pairwise_energy_gradient_finite_on_duplicates():
    phi = torch.randn(3, 4)
    phi = torch.cat([phi, phi]).requires_grad_(True)
    pairwise_energy(phi, phi).sum().backward()
    assert torch.isfinite(phi.grad).all()


def test_bad_infonce_inputs():
    with pytest.raises(ValueError, match="square"):
        infonce(torch.randn(3, 4))
    with pytest.raises(ValueError, match="kind"):
        infonce(torch.randn(3, 3), "sideways")


def test_alpha_rises_when_entropy_below_target():
    log_alpha = torch.zeros((), requires_grad=True)
    log_prob = torch.full((8,), 3.0)  # entropy -3 < target -1
    alpha_loss(log_alpha, log_prob, target_entropy=-1.0).backward()
    assert log_alpha.grad < 0  # gradient descent increases alpha


def test_actor_loss_prefers_higher_q():
    q = torch.tensor([1.0, 2.0], requires_grad=True)
    actor_loss(q, torch.zeros(2), torch.tensor(0.5)).backward()
    assert (q.grad < 0).all()
