"""One seed of the toy reproduction, start to finish: an independent, picklable arm.

``run_seed(cfg, seed)`` pretrains a base model, trains every arm from it (RLVR on no-carry
prompts with snapshots, RLVR with edge-of-competence prompts, distillation), samples each
arm n times on the seed's own easy + hard problems and returns plain numbers: per-problem
correct counts, per-seed paired comparisons and perplexities. Nothing is written to disk,
so the same function runs in-process, in a local pool or on a cluster. Models, samples and
their random generators live on ``cfg.device`` (cpu by default); results come back as numpy.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import torch

from neurips25.rlvr_passk.toy import task, train
from neurips25.rlvr_passk.toy.sampling import sample_completions, sequence_logprobs

ARM_ORDER = ("base", "rl", "rl_edge", "distill")


def generator(seed: int, device: str) -> torch.Generator:
    """A seeded random stream on ``device`` (sampling draws where the model lives)."""
    return torch.Generator(device=device).manual_seed(seed)


def eval_problems(seed: int, n_easy: int, n_hard: int) -> tuple[np.ndarray, np.ndarray]:
    """The seed's evaluation problems: n_easy without a carry, then n_hard with >= 1 carry
    (carry counts as they fall for uniform operands). Own stream, apart from training."""
    rng = np.random.default_rng(seed + 10_000)
    ea, eb = task.random_problems(rng, n_easy, 0, 0)
    ha, hb = task.random_problems(rng, n_hard, 1)
    return np.concatenate([ea, ha]), np.concatenate([eb, hb])


def _train_models(cfg: Any, seed: int) -> tuple[dict[str, torch.nn.Module], dict[str, Any]]:
    """Phase 1: the base model and every arm trained from it."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    gen = generator(seed, cfg.device)
    base = train.new_model(cfg.n_layer, cfg.n_embd, device=cfg.device)
    losses = train.pretrain(base, cfg.pretrain_steps, cfg.pretrain_batch, cfg.pretrain_lr,
                            cfg.p_correct, cfg.digit_noise, rng,
                            textbook_carries=cfg.textbook_carries)
    rl_cfg = train.RLConfig(steps=cfg.rl_steps, prompts_per_step=cfg.rl_prompts,
                            group_size=cfg.rl_group, lr=cfg.rl_lr, advantage=cfg.rl_advantage,
                            kl_coef=cfg.rl_kl)
    rl, snaps, rl_rewards = train.rlvr(base, rl_cfg, rng, gen, tuple(cfg.rl_checkpoints))
    edge_cfg = dataclasses.replace(rl_cfg, carry_fraction=cfg.edge_carry_fraction,
                                   edge_carries=tuple(cfg.edge_carries))
    edge, _, edge_rewards = train.rlvr(base, edge_cfg, rng, gen)
    distilled = train.distill(base, cfg.distill_steps, cfg.distill_batch, cfg.distill_lr, rng)
    final_loss = float(np.mean(losses[-50:]))
    info = {"pretrain_final_loss": final_loss,
            # still on the plateau (~1.5): digits not learned, nothing to measure
            "pretrain_converged": final_loss <= 1.0,
            "rl_reward_first10": float(np.mean(rl_rewards[:10])),
            "rl_reward_last10": float(np.mean(rl_rewards[-10:])),
            "edge_reward_last10": float(np.mean(edge_rewards[-10:]))}
    models = {"base": base, **{f"rl@{s}": m for s, m in sorted(snaps.items())},
              "rl": rl, "rl_edge": edge, "distill": distilled}
    return models, info


def _sample_arms(models: dict[str, torch.nn.Module], a: np.ndarray, b: np.ndarray, n: int,
                 seed: int, device: str = "cpu") -> dict[str, dict[str, Any]]:
    """Phase 2: n samples per problem from every arm; correct counts and C-tag shares."""
    gen = generator(seed + 20_000, device)
    out = {}
    for name, model in models.items():
        toks, _ = sample_completions(model, task.prompts(a, b), n, task.GEN_LEN, gen)
        r = task.reward(a, b, toks)
        out[name] = {"tokens": toks.to(torch.uint8).cpu().numpy(),
                     "c": r.sum(1).to(torch.int64).cpu().numpy(),
                     "tag_c": float((toks[..., 0] == task.TAG_C).float().mean())}
    return out


def perplexity_under(scorer: torch.nn.Module, a: np.ndarray, b: np.ndarray, toks: np.ndarray,
                     m: int) -> np.ndarray:
    """Per-sample perplexity exp(-mean token log-prob) of the first m samples per problem
    under ``scorer`` (the paper's PPL_m(Y | x), Sec. 4). Each distinct sequence is scored
    once (a peaked sampler repeats itself) and its value copied to every repeat."""
    sub = torch.as_tensor(toks[:, :m], dtype=torch.long)
    seqs = torch.cat([task.prompts(a, b).repeat_interleave(sub.shape[1], 0),
                      sub.flatten(0, 1)], 1)
    uniq, inv = torch.unique(seqs, dim=0, return_inverse=True)
    with torch.no_grad():
        lp = torch.cat([sequence_logprobs(scorer, uniq[i:i + 8192], task.PROMPT_LEN)
                        for i in range(0, len(uniq), 8192)])
    return torch.exp(-lp.mean(1))[inv.to(lp.device)].cpu().numpy()


def _perplexities(models: dict[str, torch.nn.Module], arms: dict[str, dict[str, Any]],
                  a: np.ndarray, b: np.ndarray, m: int) -> dict[str, np.ndarray]:
    """Phase 3: each arm's samples scored by the base model (and RL's by RL itself)."""
    ppl = {name: perplexity_under(models["base"], a, b, arms[name]["tokens"], m)
           for name in ARM_ORDER}
    ppl["rl_under_rl"] = perplexity_under(models["rl"], a, b, arms["rl"]["tokens"], m)
    return ppl


def run_seed(cfg: Any, seed: int, keep_samples: bool = False) -> dict[str, Any]:
    """Train, sample and score every arm of one seed (``cfg``: ``experiment.Config``).

    Returns ``info`` (training numbers), ``carries`` (per problem), ``counts`` (per arm and
    problem: correct samples out of ``cfg.n_samples``), ``tag_c`` (per arm), ``ppl`` (per
    arm, per scored sample) and, with ``keep_samples``, the base and RL sample tokens.
    """
    models, info = _train_models(cfg, seed)
    a, b = eval_problems(seed, cfg.n_easy, cfg.n_hard)
    arms = _sample_arms(models, a, b, cfg.n_samples, seed, cfg.device)
    ppl = _perplexities(models, arms, a, b, min(cfg.ppl_samples, cfg.n_samples))
    out: dict[str, Any] = {
        "seed": seed, "info": info, "a": a, "b": b, "carries": task.carries(a, b),
        "counts": {name: arm["c"] for name, arm in arms.items()},
        "tag_c": {name: arm["tag_c"] for name, arm in arms.items()},
        "ppl": ppl,
    }
    if keep_samples:
        out["samples"] = {name: arms[name]["tokens"] for name in ("base", "rl")}
    return out
