"""Training loops of the toy: pretraining (SFT on mixed traces), RLVR (GRPO / RLOO), distillation.

RLVR follows the paper's setup (Sec. 2.1): sample a group of G completions per prompt, a 0/1
verifiable reward, group-normalised advantages A_i = (r_i - mean r) / (std r + eps) (GRPO) or
leave-one-out baselines A_i = r_i - mean_{j != i} r_j (RLOO), on-policy so the PPO ratio is 1;
no KL term by default, optionally beta * KL(pi || pi_base) with the k3 estimator.
"""
from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from neurips25.common.tiny_gpt import GPTConfig, TinyGPT
from neurips25.rlvr_passk.toy import task
from neurips25.rlvr_passk.toy.sampling import (
    sample_completions,
    sequence_logprobs,
    sequence_logprobs_reference,
)

ProblemSampler = Callable[[np.random.Generator, int], "tuple[np.ndarray, np.ndarray]"]


def new_model(n_layer: int = 2, n_embd: int = 64, n_head: int = 4,
              device: str | torch.device = "cpu") -> TinyGPT:
    """A fresh toy model on ``device``; training, RL and sampling follow its device."""
    cfg = GPTConfig(vocab_size=task.VOCAB_SIZE, block_size=task.SEQ_LEN,
                    n_layer=n_layer, n_head=n_head, n_embd=n_embd)
    return TinyGPT(cfg).to(device)


def _sft_loss(model: TinyGPT, seqs: torch.Tensor, whole: bool = False) -> torch.Tensor:
    """Next-token loss on the generated part only (tag + answer). ``whole``: every position
    through every layer (``sequence_logprobs_reference``), float for float the original
    computation; else the last block runs only the scored positions (same loss, gradients
    equal up to float rounding, ~18% less compute per step)."""
    score = sequence_logprobs_reference if whole else sequence_logprobs
    return -score(model, seqs, task.PROMPT_LEN).mean()


def _cosine_lr(step: int, total: int, lr: float, warmup: int = 50) -> float:
    if step < warmup:
        return lr * (step + 1) / warmup
    return lr * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def pretrain(
    model: TinyGPT, steps: int, batch: int, lr: float, p_correct: float, digit_noise: float,
    rng: np.random.Generator, track: Callable = lambda it, desc, total: it,
    textbook_carries: int | None = None,
) -> list[float]:
    """Train on traces that mostly follow the shortcut: ``p_correct`` of those with at most
    ``textbook_carries`` carries are worked out the correct way (``task.traces``)."""
    # Pretraining keeps the whole-sequence loss and the default AdamW on purpose: the base
    # model learns the answer digits in abrupt, chaotic steps, and float-level changes (the
    # tail-only loss, fused AdamW) left some seeds on a plateau with one digit unlearned
    # (loss ~0.6 instead of ~0.15; measured, see the study's budget notes).
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    losses = []
    for step in track(range(steps), "pretraining", total=steps):
        for g in opt.param_groups:
            g["lr"] = _cosine_lr(step, steps, lr)
        a, b = task.random_problems(rng, batch)
        loss = _sft_loss(model, task.traces(a, b, p_correct, digit_noise, rng, textbook_carries),
                         whole=True)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def distill(
    model: TinyGPT, steps: int, batch: int, lr: float, rng: np.random.Generator,
    track: Callable = lambda it, desc, total: it,
) -> TinyGPT:
    """SFT a copy of ``model`` on clean traces of the correct strategy (a teacher's outputs)."""
    student = copy.deepcopy(model)
    opt = torch.optim.AdamW(student.parameters(), lr=lr, weight_decay=0.0, fused=True)
    for _ in track(range(steps), "distillation", total=steps):
        a, b = task.random_problems(rng, batch)
        loss = _sft_loss(student, task.traces(a, b, 1.0, 0.0, rng))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return student


@dataclass(frozen=True)
class RLConfig:
    steps: int = 200
    prompts_per_step: int = 32
    group_size: int = 8
    lr: float = 1e-3
    advantage: str = "grpo"  # "grpo" | "rloo"
    kl_coef: float = 0.0  # beta of KL(pi || pi_base), 0 = no KL (the paper's default)
    carry_fraction: float = 0.0  # share of RL prompts that need a carry (edge of competence)
    edge_carries: tuple[int, int] = (1, 1)  # carry counts of those prompts (min, max)


def advantages(r: torch.Tensor, kind: str, eps: float = 1e-6) -> torch.Tensor:
    """Per-sample advantages for rewards r of shape (P, G)."""
    if kind == "grpo":
        return (r - r.mean(1, keepdim=True)) / (r.std(1, keepdim=True) + eps)
    if kind == "rloo":
        g = r.shape[1]
        return r - (r.sum(1, keepdim=True) - r) / (g - 1)
    raise ValueError(f"unknown advantage {kind!r}; choose grpo or rloo")


def _rl_prompts(rng: np.random.Generator, cfg: RLConfig) -> tuple[np.ndarray, np.ndarray]:
    n_carry = int(round(cfg.carry_fraction * cfg.prompts_per_step))
    a1, b1 = task.random_problems(rng, cfg.prompts_per_step - n_carry, 0, 0)
    a2, b2 = task.random_problems(rng, n_carry, *cfg.edge_carries)
    return np.concatenate([a1, a2]), np.concatenate([b1, b2])


def policy_gradient_loss_reference(policy: TinyGPT, ref: TinyGPT | None, seqs: torch.Tensor,
                                   adv: torch.Tensor, kl_coef: float) -> torch.Tensor:
    """The plain loss, every row scored: -mean_i,t adv_i * log pi(y_it), plus kl_coef times
    the k3 estimator of KL to ``ref``. ``_policy_gradient_loss`` is tested equal to it."""
    lp = sequence_logprobs(policy, seqs, task.PROMPT_LEN)
    loss = -(adv[:, None] * lp).mean()
    if ref is not None:
        with torch.no_grad():
            ref_lp = sequence_logprobs(ref, seqs, task.PROMPT_LEN)
        d = ref_lp - lp
        loss = loss + kl_coef * (d.exp() - d - 1).mean()
    return loss


def _policy_gradient_loss(policy: TinyGPT, ref: TinyGPT | None, seqs: torch.Tensor,
                          adv: torch.Tensor, kl_coef: float) -> torch.Tensor:
    """-mean_i,t adv_i * log pi(y_it) (+ kl_coef * mean k3 KL to ``ref``), with each distinct
    sequence scored once: a peaked policy repeats few completions per group, and a sequence
    whose advantages sum to zero (a group with equal rewards) adds nothing without a KL term.
    The same loss and gradient as scoring all rows, for a fraction of the compute."""
    uniq, inv = torch.unique(seqs, dim=0, return_inverse=True)
    weight = torch.zeros(len(uniq), device=adv.device).index_add_(0, inv, adv)
    rows = weight != 0 if ref is None else torch.ones_like(weight, dtype=torch.bool)
    denom = len(seqs) * (seqs.shape[1] - task.PROMPT_LEN)
    lp = sequence_logprobs(policy, uniq[rows], task.PROMPT_LEN)
    loss = -(weight[rows, None] * lp).sum() / denom
    if ref is not None:
        with torch.no_grad():
            ref_lp = sequence_logprobs(ref, uniq, task.PROMPT_LEN)
        d = ref_lp - lp
        count = torch.bincount(inv, minlength=len(uniq)).to(lp.dtype)
        loss = loss + kl_coef * (count[:, None] * (d.exp() - d - 1)).sum() / denom  # k3 KL
    return loss


def rlvr(
    model: TinyGPT, cfg: RLConfig, rng: np.random.Generator, generator: torch.Generator,
    checkpoints: tuple[int, ...] = (), track: Callable = lambda it, desc, total: it,
    desc: str = "RLVR",
) -> tuple[TinyGPT, dict[int, TinyGPT], list[float]]:
    """Train a copy of ``model`` with RLVR; returns (policy, {step: snapshot}, mean rewards)."""
    policy = copy.deepcopy(model)
    ref = model if cfg.kl_coef > 0 else None
    opt = torch.optim.Adam(policy.parameters(), lr=cfg.lr, fused=True)
    snaps: dict[int, TinyGPT] = {}
    rewards = []
    for step in track(range(1, cfg.steps + 1), desc, total=cfg.steps):
        a, b = _rl_prompts(rng, cfg)
        gen, _ = sample_completions(policy, task.prompts(a, b), cfg.group_size, task.GEN_LEN,
                                    generator)
        r = task.reward(a, b, gen)
        adv = advantages(r, cfg.advantage).flatten()
        seqs = torch.cat([task.prompts(a, b).to(gen.device).repeat_interleave(cfg.group_size, 0),
                          gen.flatten(0, 1)], dim=1)
        opt.zero_grad(set_to_none=True)
        _policy_gradient_loss(policy, ref, seqs, adv, cfg.kl_coef).backward()
        opt.step()
        rewards.append(float(r.mean()))
        if step in checkpoints:
            snaps[step] = copy.deepcopy(policy)
    return policy, snaps, rewards
