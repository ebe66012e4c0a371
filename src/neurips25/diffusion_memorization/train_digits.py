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
from neurips25.diffusion_memorization.diffusion import Schedule, ddim_sample
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
    # > 0: a member stops training once f_mem >= this at ``stop_checks`` checks in a row
    stop_f_mem: float = 0.0
    stop_checks: int = 1
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


def _finished(m: MemorizationMonitor, arm: DigitsArm) -> bool:
    """A member may stop once f_mem has stayed at or above ``stop_f_mem`` for
    ``stop_checks`` checks in a row: its first crossing (tau_mem) can no longer move."""
    last = [c.f_mem for c in m.history[-arm.stop_checks:]]
    return arm.stop_f_mem > 0 and len(last) == arm.stop_checks and min(last) >= arm.stop_f_mem


@torch.no_grad()
def _keep(rows: list[int], model: ResidualMLP, ema: ResidualMLP,
          opt: torch.optim.Optimizer) -> torch.optim.Optimizer:
    """Keep members ``rows`` of the model and its EMA copy; the new optimizer holds the
    kept rows of Adam's moments (elementwise state: exactly what their own Adams hold)."""
    state = [opt.state.get(p, {}) for p in model.parameters()]
    model.keep_members(rows)
    ema.keep_members(rows)
    new = torch.optim.Adam(model.parameters(), **opt.defaults)
    for p, st in zip(model.parameters(), state, strict=True):
        if st:
            idx = torch.tensor(rows, device=p.device)
            new.state[p] = {"step": st["step"],
                            **{k: st[k].index_select(0, idx) for k in ("exp_avg", "exp_avg_sq")}}
    return new


def _eps_loss(model: torch.nn.Module, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor,
              sched: Schedule) -> torch.Tensor:
    """``ddpm_loss`` on given (t, noise): the draws are made for every member, kept or not,
    so a member's minibatches do not depend on which others still train."""
    return ((model(sched.q_sample(x0, t, noise), t) - noise) ** 2).mean()


def train_group(arm: DigitsArm) -> dict[str, Any]:
    """Train one stacked model (a member per (n, seed)); f_mem and FD at each check.
    ``runs`` is keyed by ``member_key(n, seed)``. With ``stop_f_mem`` a memorized member
    leaves the stack (``trained_steps`` says when); the others train on unchanged."""
    reps = arm.reps or (arm.seed,) * len(arm.ns)
    if len(reps) != len(arm.ns):
        raise ValueError("reps must give one seed per member of ns")
    cpu0 = time.process_time()
    split = load_digits_split(seed=arm.seed)
    feats = train_digit_features(split.held_out, split.held_labels, seed=arm.seed)
    fd = FeatureFrechet(split.held_out, feats)
    sets = [split.subset(n) for n in arm.ns]
    checks = set(log_spaced_steps(arm.first_check, arm.steps, arm.n_checks))
    monitors = _monitors(arm, sets, reps, sorted(checks), split.held_out, fd)
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
    t_ev, noise_ev, train_ev, held_ev = _fixed_eval(arm, sets, split.held_out, sched.T)
    curves: dict[str, list[list[float]]] = {"train_loss": [[] for _ in sets],
                                            "test_loss": [[] for _ in sets]}
    active = list(range(K))  # the member behind each row of the stack
    trained = [arm.steps] * K
    last = list(x_T.cpu())  # each member's latest samples
    losses = []
    for step in range(1, arm.steps + 1):
        x0, t, noise = _draw(sets, arm.batch, sched.T, gen)
        if len(active) < K:
            x0, t, noise = x0[active], t[active], noise[active]
        loss = _eps_loss(model, x0.to(dev), t.to(dev), noise.to(dev), sched)
        opt.zero_grad(set_to_none=True)
        # the gradient each member gets from a mean over all K members, dropped ones or not
        (loss if len(active) == K else loss * (len(active) / K)).backward()
        opt.step()
        decay = min(arm.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            torch._foreach_lerp_(ema_params, model_params, 1 - decay)
        losses.append(loss.item())
        if step not in checks:
            continue
        rows = torch.tensor(active, device=dev)
        xa = x_T if len(active) == K else x_T[rows]
        samples = ddim_sample(ema, xa.shape, sched, steps=arm.ddim_steps, x_T=xa).cpu()
        ev = [_denoising_loss(ema, e[rows], t_ev[rows], noise_ev[rows], sched)
              for e in (train_ev, held_ev)]
        for r, i in enumerate(active):
            curves["train_loss"][i].append(ev[0][r])
            curves["test_loss"][i].append(ev[1][r])
            monitors[i].record(step, samples[r])
            last[i] = samples[r]
        done = {i for i in active if _finished(monitors[i], arm)}
        for i in done:
            trained[i] = step
        if len(done) == len(active):
            break
        if done:
            opt = _keep([r for r, i in enumerate(active) if i not in done], model, ema, opt)
            ema_params, model_params = list(ema.parameters()), list(model.parameters())
            active = [i for i in active if i not in done]
    tail = losses[-200:]
    out: dict[str, Any] = {"cpu_seconds": time.process_time() - cpu0, "runs": {},
                           "classifier_accuracy": feats.accuracy,
                           "final_loss": sum(tail) / len(tail)}
    for i, (n, rep, m) in enumerate(zip(arm.ns, reps, monitors, strict=True)):
        out["runs"][member_key(n, rep)] = _member_record(
            m, curves["train_loss"][i], curves["test_loss"][i], trained[i], fd, sets[i], last[i])
    return out


def _monitors(arm: DigitsArm, sets: list[torch.Tensor], reps: tuple[int, ...],
              checks: list[int], held_out: torch.Tensor,
              fd: FeatureFrechet) -> list[MemorizationMonitor]:
    """One memorisation monitor per member, seeded by the member's own seed."""
    return [MemorizationMonitor(s, every=checks, k=arm.k, n_samples=arm.n_samples,
                                patience=arm.patience, held_out=held_out, quality_fn=fd,
                                n_boot=500, seed=rep)
            for s, rep in zip(sets, reps, strict=True)]


def _draw(sets: list[torch.Tensor], batch: int, T: int,
          gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Every member's minibatch, timesteps and noise (``ddpm_loss``'s draws), in one order."""
    idx = [torch.randint(0, len(s), (batch,), generator=gen) for s in sets]
    x0 = torch.stack([s[i] for s, i in zip(sets, idx, strict=True)])
    t = torch.randint(0, T, x0.shape[:-1], generator=gen)
    noise = torch.randn(x0.shape, generator=gen, dtype=x0.dtype)
    return x0, t, noise


def _fixed_eval(arm: DigitsArm, sets: list[torch.Tensor], held_out: torch.Tensor,
                T: int) -> tuple[torch.Tensor, ...]:
    """Fixed (t, noise, train x0, held-out x0) per member for the denoising losses: the
    same triples at every check, so the curves are smooth."""
    K, dev = len(sets), arm.device
    eg = torch.Generator().manual_seed(arm.seed + 3)
    t_ev = torch.randint(0, T, (K, arm.n_eval), generator=eg).to(dev)
    noise_ev = torch.randn((K, arm.n_eval, 64), generator=eg).to(dev)
    held_ev = held_out[torch.arange(arm.n_eval) % len(held_out)].expand(K, -1, -1)
    train_ev = torch.stack([s[torch.arange(arm.n_eval) % len(s)] for s in sets])
    return t_ev, noise_ev, train_ev.to(dev), held_ev.to(dev)


def _member_record(m: MemorizationMonitor, train_loss: list[float], test_loss: list[float],
                   trained: int, fd: FeatureFrechet, train_set: torch.Tensor,
                   last: torch.Tensor) -> dict[str, Any]:
    """One member's curves, its FD floor and its last samples beside their nearest copies."""
    run = m.as_dict()
    run["train_loss"], run["test_loss"] = train_loss, test_loss
    run["trained_steps"] = trained
    run["fd_train_vs_heldout"] = fd(train_set)  # the FD a perfect copier would reach
    run["final_samples"] = last[:8].tolist()
    d = torch.cdist(last[:8], train_set)
    run["final_nearest"] = train_set[d.argmin(dim=1)].tolist()
    return run
