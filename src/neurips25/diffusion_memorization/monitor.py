"""A memorization monitor for any diffusion training loop (paper Sec. 3: stop between
tau_gen and tau_mem). At log-spaced steps it draws samples, scores f_mem (d1/d2 < k with a
bootstrap CI) and optionally quality, flags tau_mem when the CI's lower bound clears the
held-out baseline, and keeps a copy of the model from the last clean check.

    monitor = MemorizationMonitor(train_x, sampler=lambda n: my_sample(model, n), held_out=val_x)
    for step in range(1, steps + 1):
        ...  # one optimizer step
        if monitor.due(step):
            monitor.check(step, model)
            if monitor.should_stop:
                model.load_state_dict(monitor.clean_state)
                break
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from neurips25.diffusion_memorization.metrics import (
    ArrayLike,
    heldout_baseline,
    memorization_fraction,
)


def log_spaced_steps(first: int, last: int, count: int) -> list[int]:
    """``count`` roughly log-spaced integer steps from ``first`` to ``last`` (unique, sorted)."""
    if not 1 <= first <= last or count < 1:
        raise ValueError("need 1 <= first <= last and count >= 1")
    raw = np.exp(np.linspace(np.log(first), np.log(last), count))
    return sorted({int(round(x)) for x in raw})


@dataclass(frozen=True)
class Check:
    step: int
    f_mem: float
    lo: float
    hi: float
    quality: float | None
    flagged: bool


class MemorizationMonitor:
    """Records f_mem (and quality) over training; see the module docstring for the loop.

    train_set: the exact training data (N, ...); sampler(n) -> n samples (or None and pass
    samples to ``record``); held_out: real data never trained on, scored against the train
    set the same way (the k^d false-positive floor); every: the steps to check (default 20
    log-spaced steps up to ``max_steps``); patience: consecutive flagged checks before
    ``should_stop``; quality_fn(samples) -> float, lower is better (e.g. a Frechet distance).
    """

    def __init__(self, train_set: ArrayLike, sampler: Callable[[int], ArrayLike] | None = None,
                 every: list[int] | None = None, k: float = 1 / 3, n_samples: int = 256,
                 patience: int = 2, held_out: ArrayLike | None = None,
                 quality_fn: Callable[[ArrayLike], float] | None = None,
                 max_steps: int = 100_000, n_boot: int = 1000, seed: int = 0) -> None:
        if patience < 1 or n_samples < 1:
            raise ValueError("patience and n_samples must be >= 1")
        self.train_set, self.sampler, self.k = train_set, sampler, k
        self.n_samples, self.patience, self.quality_fn = n_samples, patience, quality_fn
        self.n_boot, self.seed = n_boot, seed
        self.every = set(every if every is not None else log_spaced_steps(100, max_steps, 20))
        self.baseline = (
            heldout_baseline(held_out, train_set, k=k, n_boot=n_boot, seed=seed).fraction
            if held_out is not None else 0.0)
        self.history: list[Check] = []
        self.tau_mem: int | None = None
        self.clean_step: int | None = None
        self.clean_state: dict[str, Any] | None = None
        self._streak = self._streak_start = 0

    def due(self, step: int) -> bool:
        return step in self.every

    @property
    def should_stop(self) -> bool:
        return self._streak >= self.patience

    def check(self, step: int, model: torch.nn.Module | None = None) -> Check:
        """Draw ``n_samples`` with the sampler and ``record`` them."""
        if self.sampler is None:
            raise ValueError("no sampler given: pass samples to record(step, samples)")
        return self.record(step, self.sampler(self.n_samples), model)

    def record(self, step: int, samples: ArrayLike, model: torch.nn.Module | None = None) -> Check:
        """Score samples drawn at ``step``; a clean check keeps a copy of ``model``'s state."""
        score = memorization_fraction(samples, self.train_set, k=self.k, n_boot=self.n_boot,
                                      seed=self.seed + step)
        quality = float(self.quality_fn(samples)) if self.quality_fn is not None else None
        flagged = score.lo > self.baseline
        self._streak = self._streak + 1 if flagged else 0
        if self._streak == 1:
            self._streak_start = step
        if self._streak == self.patience and self.tau_mem is None:
            self.tau_mem = self._streak_start  # the first of the consecutive flagged checks
        if not flagged:
            self.clean_step = step
            if model is not None:
                self.clean_state = copy.deepcopy(model.state_dict())
        check = Check(step, score.fraction, score.lo, score.hi, quality, flagged)
        self.history.append(check)
        return check

    def as_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline, "tau_mem": self.tau_mem, "clean_step": self.clean_step,
            "steps": [c.step for c in self.history], "f_mem": [c.f_mem for c in self.history],
            "lo": [c.lo for c in self.history], "hi": [c.hi for c in self.history],
            "quality": [c.quality for c in self.history],
        }
