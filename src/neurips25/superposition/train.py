"""Train one toy model: Adam on the summed squared error plus the decoupled decay step."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch

from neurips25.superposition.features import feature_probs, sample_features
from neurips25.superposition.metrics import (
    overlap_stats,
    random_unit_rows,
    represented_mask,
    unlearned_loss,
    weighted_overlap,
)
from neurips25.superposition.model import ToyModel, decay_step, summed_loss


@dataclass(frozen=True)
class RunSpec:
    """One point of the sweep: n features into m dims with decay gamma on a profile."""

    n: int
    m: int
    gamma: float
    profile: str = "power"
    alpha: float = 1.2
    steps: int = 2000
    batch: int = 1024
    lr: float = 1e-2
    warmup: float = 0.05
    eval_batches: int = 8
    seed: int = 0


def lr_at(step: int, spec: RunSpec) -> float:
    """Linear warm-up, then cosine decay to 2% of the peak rate."""
    warm = max(1, int(spec.warmup * spec.steps))
    if step < warm:
        return spec.lr * (step + 1) / warm
    frac = (step - warm) / max(1, spec.steps - warm)
    return spec.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))


def arm_key(spec: RunSpec) -> str:
    """The executor's name for one run (its cache file under ``out_dir/arms``)."""
    regime = "strong" if spec.gamma < 0 else "weak"
    return f"{regime}/{spec.profile}/m={spec.m}/seed={spec.seed}"


@torch.no_grad()
def evaluate_loss(model: ToyModel, probs: torch.Tensor, batches: int, batch: int,
                  generator: torch.Generator) -> float:
    total = 0.0
    for _ in range(batches):
        x = sample_features(probs, batch, generator)
        total += float(summed_loss(model(x), x))
    return total / batches


def train_toy(spec: RunSpec, device: str = "cpu") -> dict[str, float | int | str]:
    """Train and measure one model on ``device``; returns loss, represented fraction and
    overlap stats (measured on the CPU). Samples come from a generator on ``device``, so a
    GPU run draws other (equally valid) samples than a CPU run of the same seed.

    The readable reference (autograd, one model); the sweep runs ``batched.train_group``,
    which trains several widths on shared samples and is tested equal to this."""
    torch.manual_seed(spec.seed)
    gen = torch.Generator(device=device).manual_seed(spec.seed)
    p_np = feature_probs(spec.n, spec.profile, spec.alpha)
    probs = torch.tensor(p_np, dtype=torch.float32, device=device)
    model = ToyModel(spec.n, spec.m).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=spec.lr)
    for step in range(spec.steps):
        lr = lr_at(step, spec)
        for group in opt.param_groups:
            group["lr"] = lr
        x = sample_features(probs, spec.batch, gen)
        loss = summed_loss(model(x), x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        decay_step(model.W.data, lr, spec.gamma)
    eval_gen = torch.Generator(device=device).manual_seed(spec.seed + 10_000)
    test_loss = evaluate_loss(model, probs, spec.eval_batches, spec.batch, eval_gen)
    return measure(spec, model.W.detach(), p_np, test_loss)


def measure(spec: RunSpec, W: torch.Tensor, p_np: np.ndarray,
            test_loss: float) -> dict[str, float | int | str]:
    """The row of one trained model: its test loss, represented fraction and overlap stats
    (measured on the CPU), beside the same stats of random rows."""
    W = W.cpu()
    rep = represented_mask(W).numpy()
    ov = overlap_stats(W)
    # the null: random directions, as W had at initialisation (a 1/m of the overlaps that
    # training did not shape would show here too)
    rand = random_unit_rows(spec.n, spec.m, seed=spec.seed + 20_000)
    return {
        **asdict(spec),
        "loss": test_loss,
        "represented_fraction": float(rep.mean()),
        "unlearned_loss": unlearned_loss(p_np, rep),
        "mean_sq_overlap": ov["mean_sq_overlap"],
        "welch_bound": ov["welch_bound"],
        "mean_sq_overlap_random": overlap_stats(rand, only_represented=False)["mean_sq_overlap"],
        "weighted_overlap": weighted_overlap(W, p_np),
        "weighted_overlap_random": weighted_overlap(rand, p_np),
        "mean_row_norm": float(W.norm(dim=1).mean()),
    }
