import numpy as np
import pytest

from neurips25.diffusion_memorization import random_features as rf


@pytest.mark.parametrize("t", [0.05, 0.1, 0.5, 1.0])
def test_gaussian_equivalence_identities(t):
    c = rf.ge_constants(t)
    z, w = rf.gauss_nodes(120)
    # Stein: E h sigma(h) = E sigma'(h)
    assert c.mu1 == pytest.approx(float(w @ rf._tanh_prime(z)), abs=1e-6)
    # the noise-averaged feature g(a) = E_b sigma(a + b) keeps the moments of sigma(h)
    a = np.exp(-t) * z
    g = np.tanh(a[:, None] + np.sqrt(c.delta) * z[None, :]) @ w
    assert float(w @ g) == pytest.approx(c.mu0, abs=1e-6)
    assert float(w @ (a * g)) == pytest.approx(np.exp(-2 * t) * c.mu1, abs=1e-6)
    # Stein over the noise, behind V = mu1 sqrt(Delta) W / sqrt(d):
    # E_b sigma(a+b) b = Delta E_b sigma'(a+b)
    for a0 in (-1.3, 0.2, 0.9):
        b = np.sqrt(c.delta) * z
        assert float(w @ (np.tanh(a0 + b) * b)) == pytest.approx(
            c.delta * float(w @ rf._tanh_prime(a0 + b)), abs=1e-6)
    # the split of the feature variance: s_t^2 + sigma_r^2 = v_t^2 (train vs population U)
    assert c.s2 + c.sigma_r2 == pytest.approx(c.v2, abs=1e-6)
    assert c.s2 > 0 and c.sigma_r2 > 0


def test_population_U_matches_monte_carlo_at_large_d():
    rng = np.random.default_rng(0)
    d, p, m, t = 400, 30, 20_000, 0.3
    c = rf.ge_constants(t)
    W = rng.standard_normal((p, d))
    W *= np.sqrt(d) / np.linalg.norm(W, axis=1, keepdims=True)  # |w|^2 = d exactly
    X = rng.standard_normal((m, d)) * np.exp(-t) + np.sqrt(c.delta) * rng.standard_normal((m, d))
    phi = np.tanh(X @ W.T / np.sqrt(d))
    mc = phi.T @ phi / m
    # diagonal: E sigma^2 = mu0^2 + mu1^2 + v2; off-diagonal: mu1^2 w_i.w_j / d (+ mu0^2)
    assert np.diag(mc).mean() == pytest.approx(c.mu0**2 + c.mu1**2 + c.v2, abs=0.01)
    off = ~np.eye(p, dtype=bool)
    slope = np.polyfit((W @ W.T / d)[off], mc[off], 1)[0]
    assert slope == pytest.approx(c.mu1**2, rel=0.05)


def test_p_minus_n_minus_d_eigenvalues_sit_at_s2():
    prob = rf.make_problem(d=10, psi_p=30, psi_n=4, t=0.1, seed=1)
    spec = rf.spectrum(prob)  # dense eigvalsh of U
    assert spec.n_at_s2 == prob.p - prob.n - prob.d
    assert len(spec.bulk) == prob.n and len(spec.spikes) == prob.d
    assert spec.spikes.min() > spec.bulk.max()  # d spikes ~ mu1^2 psi_p above the n-bulk


def test_low_rank_eigen_equals_dense():
    prob = rf.make_problem(d=6, psi_p=20, psi_n=3, t=0.2, seed=2)
    sol = rf.solve_flow(prob)
    np.testing.assert_allclose(rf.full_spectrum(sol), np.linalg.eigvalsh(prob.U), rtol=1e-9,
                               atol=1e-12)


def test_closed_form_flow_equals_explicit_gradient_descent():
    prob = rf.make_problem(d=5, psi_p=12, psi_n=2, t=0.1, seed=3)
    A0 = np.random.default_rng(4).normal(size=(prob.d, prob.p)) * 0.3
    sol = rf.solve_flow(prob, A0)
    A, dt, T = A0.copy(), 2e-3, 20.0
    for _ in range(int(T / dt)):  # explicit Euler on dA/dtau = -(d^2/2) grad L
        A = A + dt * rf.flow_rhs(A, prob)
    ref = sol.A(T)
    assert np.linalg.norm(A - ref) / np.linalg.norm(ref) < 2e-3
    train, test = sol.losses(np.array([T]))
    assert train[0] == pytest.approx(rf.loss(ref, prob.U, prob.V, prob.c.delta), rel=1e-9)
    assert test[0] == pytest.approx(rf.loss(ref, prob.U_pop(), prob.V, prob.c.delta), rel=1e-9)


def test_flow_rhs_is_scaled_gradient_of_loss():
    prob = rf.make_problem(d=4, psi_p=5, psi_n=2, t=0.1, seed=5)
    A = np.random.default_rng(6).normal(size=(prob.d, prob.p))
    eps, num = 1e-6, np.zeros_like(A)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            E = np.zeros_like(A)
            E[i, j] = eps
            num[i, j] = (rf.loss(A + E, prob.U, prob.V, prob.c.delta)
                         - rf.loss(A - E, prob.U, prob.V, prob.c.delta)) / (2 * eps)
    np.testing.assert_allclose(rf.flow_rhs(A, prob), -(prob.d**2 / 2) * num, rtol=1e-5, atol=1e-8)


def test_bad_parameters():
    with pytest.raises(ValueError):
        rf.ge_constants(0.0)
    with pytest.raises(ValueError):
        rf.make_problem(d=4, psi_p=0.01, psi_n=1, t=0.1)
    prob = rf.make_problem(d=4, psi_p=5, psi_n=2, t=0.1)
    with pytest.raises(ValueError, match="A0"):
        rf.solve_flow(prob, np.zeros((3, 3)))


def test_dense_count_follows_the_matrix_not_the_formula():
    """Two identical data points make U_train's rank n + d - 1: one more eigenvalue sits at
    s_t^2 than p - n - d, and the dense measurement sees it."""
    prob = rf.make_problem(d=8, psi_p=20, psi_n=3, t=0.1, seed=4)
    X = prob.X.copy()
    X[1] = X[0]
    G = rf.feature_means(prob.W, X, prob.c.t)
    L = np.concatenate([G / np.sqrt(prob.n), prob.L[:, prob.n:]], axis=1)
    dup = rf.RFProblem(prob.W, X, prob.c, L)
    assert rf.spectrum(prob).n_at_s2 == prob.p - prob.n - prob.d
    assert rf.spectrum(dup).n_at_s2 == prob.p - prob.n - prob.d + 1
