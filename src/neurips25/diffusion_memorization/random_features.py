"""The paper's solvable model (arXiv 2505.17638, Sec. 4): a random-features score network
s_A(x) = A sigma(W x / sqrt d) / sqrt p trained at one diffusion time t on n Gaussian points,
with psi_p = p/d and psi_n = n/d.

x_t = e^{-t} x0 + sqrt(Delta_t) xi, Delta_t = 1 - e^{-2t}. The loss (paper Eq. 6)
    L(A) = E ||sqrt(Delta_t) s_A(x_t) + xi||^2 / d
         = 1 + [ (Delta_t/p) tr(A U A^T) + (2 sqrt(Delta_t)/sqrt p) tr(A V) ] / d
is quadratic in A, with U = E[phi phi^T] (p x p) and V = E[phi xi^T] (p x d), phi the
features. Gradient flow dA/dtau = -(d^2/2) grad L is linear and solved in closed form in
the eigenbasis of U; time is scaled so a mode of eigenvalue lambda relaxes at rate
Delta_t lambda / psi_p. Gaussian equivalence (mu0, mu1, s_t, v_t by quadrature) gives
    U_train = (1/n) sum_nu g_nu g_nu^T + mu1^2 Delta_t W W^T / d + s_t^2 I,
    U_pop   = mu0^2 11^T + mu1^2 W W^T / d + v_t^2 I,          V = mu1 sqrt(Delta_t) W / sqrt d,
with g_nu = E_xi sigma(W x_t^nu / sqrt d) exact per sample. So U_train has p - n - d
eigenvalues exactly at s_t^2, d spikes ~ mu1^2 psi_p (learned at tau_gen ~ 1/Delta_t) and an
n-bulk ~ sigma_r^2 psi_p/psi_n (learned at tau_mem ~ psi_n/Delta_t): the paper's two timescales.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Act = Callable[[np.ndarray], np.ndarray]


def _tanh_prime(x: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(x) ** 2


def gauss_nodes(order: int = 120) -> tuple[np.ndarray, np.ndarray]:
    """Nodes/weights with sum w f(z) = E f(z), z ~ N(0, 1) (Gauss-Hermite, probabilists')."""
    z, w = np.polynomial.hermite_e.hermegauss(order)
    return z, w / np.sqrt(2 * np.pi)


@dataclass(frozen=True)
class GEConstants:
    """Gaussian-equivalence constants at diffusion time t (inputs have unit variance).

    mu0 = E sigma(h), mu1 = E h sigma(h) = E sigma'(h), v2 = E sigma^2 - mu0^2 - mu1^2,
    with h ~ N(0,1) split as h = a + b, a = e^{-t} w.x0/sqrt d ~ N(0, e^{-2t}) fixed per
    data point and b ~ N(0, Delta_t) the noise part; g(a) = E_b sigma(a + b).
    s2 = E sigma^2 - E g^2 - mu1^2 Delta_t (feature noise left after the xi-average),
    sigma_r2 = E g^2 - mu0^2 - mu1^2 e^{-2t} (nonlinear part of g: the n-bulk's scale)."""

    t: float
    delta: float
    mu0: float
    mu1: float
    v2: float
    s2: float
    sigma_r2: float
    eg2: float
    esig2: float


def ge_constants(t: float, act: Act = np.tanh, order: int = 120) -> GEConstants:
    if t <= 0:
        raise ValueError(f"diffusion time t must be > 0, got {t}")
    z, w = gauss_nodes(order)
    delta = 1.0 - np.exp(-2 * t)
    mu0 = float(w @ act(z))
    mu1 = float(w @ (z * act(z)))
    esig2 = float(w @ act(z) ** 2)
    a = np.exp(-t) * z  # outer variable
    g = act(a[:, None] + np.sqrt(delta) * z[None, :]) @ w  # g(a) at the outer nodes
    eg2 = float(w @ g**2)
    return GEConstants(
        t=t, delta=delta, mu0=mu0, mu1=mu1, v2=esig2 - mu0**2 - mu1**2,
        s2=esig2 - eg2 - mu1**2 * delta, sigma_r2=eg2 - mu0**2 - mu1**2 * np.exp(-2 * t),
        eg2=eg2, esig2=esig2,
    )


@dataclass(frozen=True)
class RFProblem:
    """One instance: weights W (p, d), data X (n, d), the constants, and U_train as
    s_t^2 I + L L^T with L = [G / sqrt n, mu1 sqrt(Delta) W / sqrt d] (p x (n+d)): the
    low-rank form makes the flow exact and cheap even for p in the tens of thousands."""

    W: np.ndarray
    X: np.ndarray
    c: GEConstants
    L: np.ndarray

    @property
    def d(self) -> int:
        return self.W.shape[1]

    @property
    def p(self) -> int:
        return self.W.shape[0]

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def psi_p(self) -> float:
        return self.p / self.d

    @property
    def psi_n(self) -> float:
        return self.n / self.d

    @property
    def U(self) -> np.ndarray:
        """Dense U_train (p x p): for checks at small p."""
        return self.L @ self.L.T + self.c.s2 * np.eye(self.p)

    @property
    def V(self) -> np.ndarray:
        return self.c.mu1 * np.sqrt(self.c.delta) * self.W / np.sqrt(self.d)

    def U_pop(self) -> np.ndarray:
        """Dense population U (p x p): mu0^2 11^T + mu1^2 W W^T / d + v_t^2 I."""
        c, W = self.c, self.W
        one = np.ones((self.p, 1))
        return c.mu0**2 * one @ one.T + c.mu1**2 * W @ W.T / self.d + c.v2 * np.eye(self.p)


def feature_means(W: np.ndarray, X: np.ndarray, t: float, act: Act = np.tanh,
                  order: int = 40) -> np.ndarray:
    """G[:, nu] = E_xi sigma(W x_t^nu / sqrt d), by quadrature over the noise (p, n)."""
    d = W.shape[1]
    delta = 1.0 - np.exp(-2 * t)
    z, w = gauss_nodes(order)
    a = np.exp(-t) * (W @ X.T) / np.sqrt(d)
    if act is np.tanh:
        return _tanh_means(a, np.sqrt(delta) * z, w)
    G = np.zeros_like(a)
    for zj, wj in zip(z, w, strict=True):
        G += wj * act(a + np.sqrt(delta) * zj)
    return G


def _tanh_means(a: np.ndarray, c: np.ndarray, w: np.ndarray, rows: int = 64) -> np.ndarray:
    """sum_j w_j tanh(a + c_j) for nodes symmetric about 0 with mirrored weights, in pairs:
    tanh(a + c) + tanh(a - c) = 2 sinh(2a) / (cosh(2a) + cosh(2c)). One sinh and cosh per
    entry instead of ``order`` tanh (the quadrature was ~90% of a random-features arm);
    equal to the plain sum to ~1e-15. Blocks of ``rows`` keep the passes in cache."""
    pos, neg, mid = c > 0, c < 0, c == 0
    if not (np.allclose(c[pos], -c[neg][::-1]) and np.allclose(w[pos], w[neg][::-1])):
        raise ValueError("quadrature nodes must be symmetric about 0")
    ch, wp = np.cosh(2 * c[pos]), w[pos] + w[neg][::-1]
    G = np.empty_like(a)
    for i in range(0, len(a), rows):
        a2 = 2 * a[i:i + rows]
        S, C = np.sinh(a2), np.cosh(a2)
        acc, buf = np.zeros_like(a2), np.empty_like(a2)
        for cj, wj in zip(ch, wp, strict=True):
            np.add(C, cj, out=buf)
            np.divide(S, buf, out=buf)
            buf *= wj
            acc += buf
        if mid.any():
            acc += w[mid].sum() * np.tanh(a2 / 2)
        G[i:i + rows] = acc
    return G


def make_problem(d: int, psi_p: float, psi_n: float, t: float, seed: int = 0,
                 act: Act = np.tanh) -> RFProblem:
    """Draw W ~ N(0,1)^{p x d} and n Gaussian data points N(0, I_d); build U_train's factor."""
    p, n = round(psi_p * d), round(psi_n * d)
    if min(d, p, n) < 1:
        raise ValueError(f"need d, p, n >= 1, got d={d}, p={p}, n={n}")
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((p, d))
    X = rng.standard_normal((n, d))
    c = ge_constants(t, act)
    G = feature_means(W, X, t, act)
    L = np.concatenate([G / np.sqrt(n), c.mu1 * np.sqrt(c.delta) * W / np.sqrt(d)], axis=1)
    return RFProblem(W, X, c, L)


def loss(A: np.ndarray, U: np.ndarray, V: np.ndarray, delta: float) -> float:
    """L(A) = 1 + [(Delta/p) tr(A U A^T) + (2 sqrt(Delta)/sqrt p) tr(A V)] / d."""
    d, p = A.shape
    return float(1 + (delta / p * np.einsum("ij,jk,ik->", A, U, A)
                      + 2 * np.sqrt(delta / p) * np.einsum("ij,ji->", A, V)) / d)


def flow_rhs(A: np.ndarray, prob: RFProblem) -> np.ndarray:
    """dA/dtau = -(d^2/2) grad L = -(Delta/psi_p) A U - sqrt(Delta d/psi_p) V^T."""
    c = prob.c
    return -(c.delta / prob.psi_p) * A @ prob.U - np.sqrt(c.delta * prob.d / prob.psi_p) * prob.V.T


@dataclass(frozen=True)
class FlowSolution:
    """Closed-form gradient flow from A(0) = A0 in U's eigenbasis: Q (p x r) spans the
    low-rank part with eigenvalues ``evals``; the orthogonal rest sits at s_t^2."""

    prob: RFProblem
    evals: np.ndarray  # (r,)
    Q: np.ndarray  # (p, r)
    A_star_q: np.ndarray  # A* Q, A* = -sqrt(psi_p d / Delta) V^T U^{-1}, zero off span(Q)
    A0_q: np.ndarray
    A0_perp: np.ndarray  # A0 minus its projection on span(Q)

    def _parts(self, tau: float) -> tuple[np.ndarray, float]:
        rate = self.prob.c.delta * tau / self.prob.psi_p
        AQ = self.A_star_q + (self.A0_q - self.A_star_q) * np.exp(-rate * self.evals)
        return AQ, float(np.exp(-rate * self.prob.c.s2))

    def A(self, tau: float) -> np.ndarray:
        """A(tau) = A* + (A0 - A*) exp(-(Delta/psi_p) U tau)."""
        AQ, perp = self._parts(tau)
        return AQ @ self.Q.T + perp * self.A0_perp

    def losses(self, taus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Train and population (test) loss at each tau, O(d p) per time."""
        prob, c = self.prob, self.prob.c
        VQ, V_perp = prob.V.T @ self.Q, np.sum(self.A0_perp * prob.V.T)
        WQ, W_perp = self.Q.T @ prob.W, self.A0_perp @ prob.W
        oneQ, one_perp = self.Q.sum(axis=0), self.A0_perp.sum(axis=1)
        perp2 = np.sum(self.A0_perp**2)
        train, test = np.empty(len(taus)), np.empty(len(taus))
        for i, tau in enumerate(taus):
            AQ, e = self._parts(tau)
            lin = 2 * np.sqrt(c.delta / prob.p) * (np.sum(AQ * VQ) + e * V_perp)
            quad_tr = np.sum(AQ**2 * self.evals) + c.s2 * e**2 * perp2
            quad_pop = (c.mu1**2 * np.sum((AQ @ WQ + e * W_perp) ** 2) / prob.d
                        + c.v2 * (np.sum(AQ**2) + e**2 * perp2)
                        + c.mu0**2 * np.sum((AQ @ oneQ + e * one_perp) ** 2))
            train[i] = 1 + (c.delta / prob.p * quad_tr + lin) / prob.d
            test[i] = 1 + (c.delta / prob.p * quad_pop + lin) / prob.d
        return train, test


def solve_flow(prob: RFProblem, A0: np.ndarray | None = None) -> FlowSolution:
    """Eigen-decompose U = s^2 I + L L^T through the small Gram matrix L^T L (r x r)."""
    gram_vals, u = np.linalg.eigh(prob.L.T @ prob.L)
    keep = gram_vals > 1e-10 * gram_vals.max()
    gram_vals, u = gram_vals[keep], u[:, keep]
    Q = prob.L @ u / np.sqrt(gram_vals)
    evals = gram_vals + prob.c.s2
    A0 = np.zeros((prob.d, prob.p)) if A0 is None else np.asarray(A0, dtype=np.float64)
    if A0.shape != (prob.d, prob.p):
        raise ValueError(f"A0 must have shape {(prob.d, prob.p)}, got {A0.shape}")
    A0_q = A0 @ Q
    scale = np.sqrt(prob.psi_p * prob.d / prob.c.delta)
    A_star_q = -scale * (prob.V.T @ Q) / evals
    return FlowSolution(prob, evals, Q, A_star_q, A0_q, A0 - A0_q @ Q.T)


@dataclass(frozen=True)
class Spectrum:
    """U_train's spectrum split into its three parts and the predicted n-bulk edges."""

    n_at_s2: int  # eigenvalues within rtol of s_t^2 (theory: p - n - d)
    spikes: np.ndarray  # the d largest
    bulk: np.ndarray  # the n in between
    bulk_edges_pred: tuple[float, float]


def spectrum(prob: RFProblem, evals: np.ndarray | None = None, rtol: float = 1e-6) -> Spectrum:
    """Counts eigenvalues at s_t^2 (dense eigvalsh unless the full list is given) and the
    Marchenko-Pastur edges of the n-bulk, valid when d >> 1 and psi_p >> psi_n:
    s_t^2 + sigma_r^2 (psi_p/psi_n)(1 -+ sqrt(psi_n/psi_p))^2."""
    ev = np.sort(np.linalg.eigvalsh(prob.U) if evals is None else evals)
    c = prob.c
    at = np.abs(ev - c.s2) <= rtol * c.s2
    rest = ev[~at]
    ratio = prob.psi_n / prob.psi_p
    edges = tuple(float(c.s2 + c.sigma_r2 / ratio * (1 + sgn * np.sqrt(ratio)) ** 2)
                  for sgn in (-1, 1))
    return Spectrum(int(at.sum()), rest[-prob.d:], rest[:-prob.d], edges)  # type: ignore[arg-type]


def full_spectrum(sol: FlowSolution) -> np.ndarray:
    """All p eigenvalues of U_train from the low-rank solution (the rest equal s_t^2)."""
    rest = np.full(sol.prob.p - len(sol.evals), sol.prob.c.s2)
    return np.sort(np.concatenate([sol.evals, rest]))


def predicted_timescales(c: GEConstants, psi_n: float) -> tuple[float, float]:
    """tau_gen ~ 1/(Delta mu1^2) (d spikes ~ mu1^2 psi_p), tau_mem ~ psi_n/(Delta sigma_r^2)
    (bulk centre sigma_r^2 psi_p/psi_n): flat in n, and linear in psi_n."""
    return 1.0 / (c.delta * c.mu1**2), psi_n / (c.delta * c.sigma_r2)
