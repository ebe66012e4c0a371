"""Train one arm (a TinyLM with or without a gate) on a token stream, then diagnose it.

``train_arm`` is a plain function of a picklable ``ArmSpec`` and returns JSON-able values
(weights as nested lists, exact for float32), so arms run on any executor backend and a
finished arm's result, kept on disk, is reused when a run resumes.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from neurips25.gated_attention.data import BackcopyTask
from neurips25.gated_attention.diagnostics import Diagnosis, diagnose_tinylm
from neurips25.gated_attention.model import TinyLM, TinyLMConfig, n_params


@dataclass(frozen=True)
class ArmSpec:
    name: str
    model: TinyLMConfig
    task: BackcopyTask | None  # None: byte-level text from ``text_source``
    steps: int
    batch: int
    lr: float
    seed: int
    eval_every: int = 0  # 0: only at the end
    eval_batch: int = 64
    warmup: int = 100
    text_source: str = ""  # a file path for byte-level text arms
    keep_weights: bool = False
    weight_decay: float = 0.0
    min_lr_frac: float = 0.1  # cosine decays to this fraction of lr
    device: str = "cpu"


def _text_sampler(spec: ArmSpec) -> Callable[[int, np.random.Generator], torch.Tensor]:
    from neurips25.gated_attention.text import load_bytes

    data = load_bytes(spec.text_source)
    t = spec.model.max_len

    def sample(batch: int, rng: np.random.Generator) -> torch.Tensor:
        starts = rng.integers(0, len(data) - t, size=batch)
        rows = np.stack([data[s : s + t - 1] for s in starts]).astype(np.int64) + 1
        return torch.from_numpy(np.concatenate([np.zeros((batch, 1), np.int64), rows], 1))

    return sample


def _lr_at(step: int, spec: ArmSpec) -> float:
    if step < spec.warmup:
        return spec.lr * (step + 1) / spec.warmup
    frac = (step - spec.warmup) / max(1, spec.steps - spec.warmup)
    low = spec.min_lr_frac
    return spec.lr * (low + (1 - low) * 0.5 * (1 + math.cos(math.pi * frac)))


@torch.no_grad()
def evaluate(model: TinyLM, tokens: torch.Tensor,
             task: BackcopyTask | None) -> tuple[dict[str, Any], Diagnosis]:
    """Loss (and back-copy accuracy on task data) plus the sink diagnosis on ``tokens``."""
    model.eval()
    logits = model(tokens[:, :-1])
    tgt = tokens[:, 1:]
    nll = torch.nn.functional.cross_entropy(logits.flatten(0, 1), tgt.flatten(), reduction="none")
    out: dict[str, Any] = {"loss": float(nll.mean())}
    if task is not None:
        mask = task.copy_mask(tokens).flatten()
        hit = (logits.argmax(-1).flatten() == tgt.flatten()).float()
        out["copy_accuracy"] = float(hit[mask].mean()) if mask.any() else None
        out["bigram_loss"] = float(nll[~mask].mean())
    diag = diagnose_tinylm(model, tokens)
    out.update(diag.summary())
    model.train()
    return out, diag


def state_dict_to_lists(model: torch.nn.Module) -> dict[str, Any]:
    """The weights as nested lists (float32 -> Python float -> JSON is lossless)."""
    return {k: v.detach().cpu().tolist() for k, v in model.state_dict().items()}


def state_dict_from_lists(saved: dict[str, Any], model: torch.nn.Module) -> dict[str, Any]:
    """Inverse of ``state_dict_to_lists`` for ``model``'s dtypes."""
    ref = model.state_dict()
    return {k: torch.tensor(v, dtype=ref[k].dtype) for k, v in saved.items()}


def train_arm(spec: ArmSpec) -> dict[str, Any]:
    """Train with AdamW + warmup/cosine on ``spec.device``; returns metrics, history and the
    figures' raw data (the executor sets one torch thread per arm)."""
    torch.manual_seed(spec.seed)
    model = TinyLM(spec.model).to(spec.device)
    base = spec.task.sample if spec.task is not None else _text_sampler(spec)

    def sample(batch: int, rng: np.random.Generator) -> torch.Tensor:
        return base(batch, rng).to(spec.device)  # data drawn on the CPU: same on any device

    data_rng = np.random.default_rng(spec.seed)
    eval_tokens = sample(spec.eval_batch, np.random.default_rng(spec.seed + 10_000))
    opt = torch.optim.AdamW(model.parameters(), lr=spec.lr, betas=(0.9, 0.95),
                            weight_decay=spec.weight_decay)
    history = []
    for step in range(spec.steps):
        for group in opt.param_groups:
            group["lr"] = _lr_at(step, spec)
        x = sample(spec.batch, data_rng)
        loss = model.loss(x[:, :-1], x[:, 1:])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if spec.eval_every and (step + 1) % spec.eval_every == 0 and step + 1 < spec.steps:
            ev, _ = evaluate(model, eval_tokens, spec.task)
            history.append({"step": step + 1, **ev})
    final, diag = evaluate(model, eval_tokens, spec.task)
    history.append({"step": spec.steps, **final})
    with torch.no_grad():
        model.eval()
        _, internals = model(eval_tokens[:1], return_internals=True)
        heat = [a.probs[0].cpu().tolist() for a in internals.attn]  # (H, T, T) per layer
        _, full = model(eval_tokens, return_internals=True)
        gates = [a.gate.flatten().cpu().numpy() for a in full.attn if a.gate is not None]
    hist = None
    if gates:
        hist = np.histogram(np.concatenate(gates), bins=20, range=(0.0, 1.0))[0].tolist()
    return {
        "name": spec.name,
        "n_params": n_params(model),
        "final": final,
        "history": history,
        "diagnosis": diag.to_dict(),
        "heatmaps": heat,
        "gate_histogram": hist,
        "state_dict": state_dict_to_lists(model) if spec.keep_weights else None,
    }
