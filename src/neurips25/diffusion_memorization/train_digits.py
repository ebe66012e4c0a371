"""The real-data arm: DDPM on nested subsets of the 8x8 digits, one stacked network per
training-set size n (same model, batch size and optimizer for every n), watched by one
MemorizationMonitor each. A member is an (n, seed) pair: members with the same n and
different seeds are independent replicates (own initialisation, minibatches and sampling
noise) on the same nested training set. An arm of the common executor: returns plain
(JSON-able) dicts. The networks train on ``device``; random draws come from CPU generators
and scoring (f_mem, FD) runs on the CPU, so a GPU run differs from a CPU run only by
floating-point rounding."""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

import torch

from neurips25.diffusion_memorization.data import load_digits_split
from neurips25.diffusion_memorization.diffusion import Schedule, ddim_sample, ddpm_loss
from neurips25.diffusion_memorization.features import FeatureFrechet, train_digit_features
from neurips25.diffusion_memorization.models import ResidualMLP
from neurips25.diffusion_memorization.monitor import MemorizationMonitor, log_spaced_steps


@dataclass(frozen=True)
class DigitsArm:
    ns: tuple[int, ...]
    steps: int
    reps: tuple[int, ...] = ()  # the seed of each member (default: all ``seed``)
    batch: int = 64
    width: int = 256
    blocks: int = 3
    lr: float = 1e-3
    first_check: int = 50
    n_checks: int = 20
    n_samples: int = 256
    ddim_steps: int = 50
    k: float = 1 / 3
    patience: int = 2
    ema: float = 0.995  # weight EMA used for sampling and evaluation (0: off)
    n_eval: int = 512  # fixed (x0, t, noise) triples for the train / held-out denoising loss
    seed: int = 0
    device: str = "cpu"


@torch.no_grad()
def _denoising_loss(model: torch.nn.Module, x0: torch.Tensor, t: torch.Tensor,
                    noise: torch.Tensor, sched: Schedule) -> list[float]:
    """Epsilon loss per member on fixed (x0, t, noise): a smooth generalization curve."""
    err = (model(sched.q_sample(x0, t, noise), t) - noise) ** 2
    return err.mean(dim=(1, 2)).tolist()


def member_key(n: int, rep: int) -> str:
    return f"{n}@{rep}"


def train_group(arm: DigitsArm) -> dict[str, Any]:
    """Train one stacked model (a member per (n, seed)); f_mem and FD at each check.
    ``runs`` is keyed by ``member_key(n, seed)``."""
    reps = arm.reps or (arm.seed,) * len(arm.ns)
    if len(reps) != len(arm.ns):
        raise ValueError("reps must give one seed per member of ns")
    cpu0 = time.process_time()
    split = load_digits_split(seed=arm.seed)
    feats = train_digit_features(split.held_out, split.held_labels, seed=arm.seed)
    fd = FeatureFrechet(split.held_out, feats)
    sets = [split.subset(n) for n in arm.ns]
    checks = log_spaced_steps(arm.first_check, arm.steps, arm.n_checks)
    monitors = [MemorizationMonitor(s, every=checks, k=arm.k, n_samples=arm.n_samples,
                                    patience=arm.patience, held_out=split.held_out,
                                    quality_fn=fd, n_boot=500, seed=rep)
                for s, rep in zip(sets, reps, strict=True)]
    torch.manual_seed(arm.seed * 7919 + sum(arm.ns) + 31 * sum(reps))
    K, dev = len(arm.ns), arm.device
    model = ResidualMLP(64, width=arm.width, blocks=arm.blocks, members=K).to(dev)
    # fused: one kernel over all parameters (Adam's maths; ~2.5x cheaper than the
    # per-tensor loop, which cost a fifth of a training step at this size)
    opt = torch.optim.Adam(model.parameters(), lr=arm.lr, fused=True)
    sched = Schedule.linear()
    gen = torch.Generator().manual_seed(arm.seed + 1)
    # the same starting noise at every check (common random numbers: smoother curves)
    x_T = torch.randn((K, arm.n_samples, 64),
                      generator=torch.Generator().manual_seed(arm.seed + 2)).to(dev)
    ema = copy.deepcopy(model).requires_grad_(False)
    ema_params, model_params = list(ema.parameters()), list(model.parameters())
    eg = torch.Generator().manual_seed(arm.seed + 3)
    t_ev = torch.randint(0, sched.T, (K, arm.n_eval), generator=eg).to(dev)
    noise_ev = torch.randn((K, arm.n_eval, 64), generator=eg).to(dev)
    held_ev = split.held_out[torch.arange(arm.n_eval) % len(split.held_out)].expand(K, -1, -1)
    train_ev = torch.stack([s[torch.arange(arm.n_eval) % len(s)] for s in sets])
    held_ev, train_ev = held_ev.to(dev), train_ev.to(dev)
    curves: dict[str, list[list[float]]] = {"train_loss": [], "test_loss": []}
    losses = []
    samples = x_T.cpu()
    for step in range(1, arm.steps + 1):
        idx = [torch.randint(0, len(s), (arm.batch,), generator=gen) for s in sets]
        x0 = torch.stack([s[i] for s, i in zip(sets, idx, strict=True)]).to(dev)
        loss = ddpm_loss(model, x0, sched, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        decay = min(arm.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            torch._foreach_lerp_(ema_params, model_params, 1 - decay)
        losses.append(loss.item())
        if monitors[0].due(step):
            samples = ddim_sample(ema, x_T.shape, sched, steps=arm.ddim_steps, x_T=x_T).cpu()
            curves["train_loss"].append(_denoising_loss(ema, train_ev, t_ev, noise_ev, sched))
            curves["test_loss"].append(_denoising_loss(ema, held_ev, t_ev, noise_ev, sched))
            for m, s in zip(monitors, samples, strict=True):
                m.record(step, s)
    tail = losses[-200:]
    out: dict[str, Any] = {"cpu_seconds": time.process_time() - cpu0, "runs": {},
                           "classifier_accuracy": feats.accuracy,
                           "final_loss": sum(tail) / len(tail)}
    for i, (n, rep, m) in enumerate(zip(arm.ns, reps, monitors, strict=True)):
        run = m.as_dict()
        run["train_loss"] = [row[i] for row in curves["train_loss"]]
        run["test_loss"] = [row[i] for row in curves["test_loss"]]
        run["fd_train_vs_heldout"] = fd(sets[i])  # the FD a perfect copier would reach
        run["final_samples"] = samples[i, :8].tolist()
        d = torch.cdist(samples[i, :8], sets[i])
        run["final_nearest"] = sets[i][d.argmin(dim=1)].tolist()
        out["runs"][member_key(n, rep)] = run
    return out
