"""DDPM training and DDIM sampling (Ho et al. 2020; Song et al. 2021), as in the paper's
experiments (App. of arXiv 2505.17638): linear betas 1e-4..0.02, T = 1000, epsilon loss,
deterministic DDIM (eta = 0) for samples.

Any ``eps_model(x, t) -> eps`` callable works (x: (..., D) tensor, t: integer timesteps of
shape x.shape[:-1]). Two exact denoisers are included as oracles: the empirical score of the
training set (the optimum of the training loss, which reproduces training points) and the
score of a Gaussian fitted to the data (which cannot memorize).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

EpsModel = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Schedule:
    """Noise schedule: x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (DDPM Eq. 4)."""

    betas: torch.Tensor

    @classmethod
    def linear(cls, T: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02) -> Schedule:
        if T < 2:
            raise ValueError("T must be >= 2")
        return cls(torch.linspace(beta_start, beta_end, T, dtype=torch.float64))

    @property
    def T(self) -> int:
        return len(self.betas)

    @property
    def alpha_bar(self) -> torch.Tensor:
        return torch.cumprod(1.0 - self.betas, 0)

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        ab = self.alpha_bar.to(x0.device, x0.dtype)[t][..., None]
        return ab.sqrt() * x0 + (1 - ab).sqrt() * noise


def ddpm_loss(eps_model: EpsModel, x0: torch.Tensor, schedule: Schedule,
              generator: torch.Generator | None = None) -> torch.Tensor:
    """The simple epsilon loss E_{t,eps} ||eps - eps_theta(x_t, t)||^2 (DDPM Eq. 14), mean
    over the batch and dimensions; ``x0`` may carry leading member dims (K, B, D). t and the
    noise come from ``generator`` (a CPU one: the same draws whatever device x0 is on)."""
    t = torch.randint(0, schedule.T, x0.shape[:-1], generator=generator).to(x0.device)
    noise = torch.randn(x0.shape, generator=generator, dtype=x0.dtype).to(x0.device)
    pred = eps_model(schedule.q_sample(x0, t, noise), t)
    return ((pred - noise) ** 2).mean()


@torch.no_grad()
def ddim_sample(eps_model: EpsModel, shape: tuple[int, ...], schedule: Schedule,
                steps: int = 100, generator: torch.Generator | None = None,
                x_T: torch.Tensor | None = None, clip: float | None = None) -> torch.Tensor:
    """Deterministic DDIM (eta = 0, Song et al. Eq. 12) over ``steps`` evenly spaced timesteps.

    ``clip`` optionally clamps the predicted x_0 to [-clip, clip] (data range), as common
    DDPM code does; None leaves it free. Runs on the device of ``x_T`` (CPU without one)."""
    if not 1 <= steps <= schedule.T:
        raise ValueError(f"steps must be in [1, {schedule.T}], got {steps}")
    x = torch.randn(shape, generator=generator) if x_T is None else x_T.clone()
    ab = schedule.alpha_bar.to(x.device, torch.float32)
    ts = torch.linspace(schedule.T - 1, 0, steps).round().long().unique_consecutive()
    ts_list = ts.tolist()
    for i, t in enumerate(ts_list):
        a_t = ab[t]
        a_prev = ab[ts_list[i + 1]] if i + 1 < len(ts_list) else torch.ones((), device=x.device)
        eps = eps_model(x, torch.full(shape[:-1], t, dtype=torch.long, device=x.device))
        x0 = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
        if clip is not None:
            x0 = x0.clamp(-clip, clip)
            eps = (x - a_t.sqrt() * x0) / (1 - a_t).sqrt()
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x


class EmpiricalEps:
    """The exact minimizer of the training loss: eps from E[x_0 | x_t] under the empirical
    distribution of ``train`` (a softmax over training points). Samples collapse onto them."""

    def __init__(self, train: torch.Tensor, schedule: Schedule) -> None:
        self.train = train.to(torch.float64)
        self.ab = schedule.alpha_bar

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        ab = self.ab[t][..., None]
        xd = x.to(torch.float64)
        # ||x - sqrt(ab) y||^2 per sample (ab may differ between samples)
        d2 = ((xd**2).sum(-1, keepdim=True) - 2 * ab.sqrt() * xd @ self.train.T
              + ab * (self.train**2).sum(-1))
        w = torch.softmax(-d2 / (2 * (1 - ab)), dim=-1)
        x0 = w @ self.train
        return ((xd - ab.sqrt() * x0) / (1 - ab).sqrt()).to(x.dtype)


class GaussianEps:
    """Exact eps for data ~ N(mean, cov): the 'population' denoiser of a Gaussian model of
    the data. Its samples are fresh Gaussian draws, never copies of training points."""

    def __init__(self, mean: torch.Tensor, cov: torch.Tensor, schedule: Schedule) -> None:
        self.mean = mean.to(torch.float64)
        self.evals, self.evecs = torch.linalg.eigh(cov.to(torch.float64))
        self.evals = self.evals.clamp_min(0)
        self.ab = schedule.alpha_bar

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        ab = self.ab[t][..., None]
        z = (x.to(torch.float64) - ab.sqrt() * self.mean) @ self.evecs
        # Cov(x_t) = ab*C + (1-ab) I; eps = sqrt(1-ab) * Cov^-1 (x_t - sqrt(ab) mu)
        eps = (1 - ab).sqrt() * z / (ab * self.evals + 1 - ab)
        return (eps @ self.evecs.T).to(x.dtype)
