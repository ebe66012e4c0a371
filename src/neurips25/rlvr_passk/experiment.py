"""The toy reproduction: pretrain a tiny transformer on shortcut-heavy addition traces, RLVR it,
and measure pass@k with the package's own estimator, stats and coverage tools.

Arms, all started from the same base model:
- ``rl``: GRPO on no-carry prompts only (the base already solves them; the paper's regime);
  snapshots along training give the "longer RL" trajectory (Table 2's GRPO-step rows);
- ``rl_edge``: the counterpoint, RL with a share of carry prompts (edge of competence);
- ``distill``: SFT on clean traces of the correct strategy (a teacher's outputs).
Every arm is sampled n times on the same easy + hard problems; per-sample JSONL is written for
base and rl and read back through ``io`` (the same path ``neurips25 passk compare`` takes).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurips25.common.progress import Progress


@dataclass(frozen=True)
class Config:
    seed: int = 0
    # model and pretraining (p_correct of traces use the correct strategy, digit_noise sloppy)
    n_layer: int = 2
    n_embd: int = 64
    pretrain_steps: int = 2000
    pretrain_batch: int = 256
    pretrain_lr: float = 3e-3
    p_correct: float = 0.1
    digit_noise: float = 0.3
    # RLVR (GRPO, no KL); rl_checkpoints are evaluated for the longer-training trajectory
    rl_steps: int = 200
    rl_checkpoints: tuple[int, ...] = (25, 50, 100)
    rl_prompts: int = 32
    rl_group: int = 8
    rl_lr: float = 1e-3
    rl_advantage: str = "grpo"
    rl_kl: float = 0.0
    edge_carry_fraction: float = 0.3
    # distillation
    distill_steps: int = 200
    distill_lr: float = 1e-3
    # evaluation
    n_easy: int = 100
    n_hard: int = 100
    n_samples: int = 256
    ppl_samples: int = 32  # samples per problem scored for perplexity
    n_boot: int = 1000

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(pretrain_steps=4000, rl_steps=400, rl_checkpoints=(25, 50, 100, 200),
                   distill_steps=400, n_easy=200, n_hard=200, n_boot=2000)

    @classmethod
    def tiny(cls) -> Config:
        """For tests: seconds, not minutes; the direction of the finding should still show."""
        return cls(pretrain_steps=1200, pretrain_batch=64, rl_steps=60, rl_checkpoints=(30,),
                   distill_steps=60, n_easy=30, n_hard=30, n_samples=64, ppl_samples=8,
                   n_boot=200)


def _eval_arm(model, a, b, cfg: Config, gen) -> dict[str, Any]:
    import torch

    from neurips25.rlvr_passk.toy import task
    from neurips25.rlvr_passk.toy.sampling import sample_completions

    toks, lps = sample_completions(model, task.prompts(a, b), cfg.n_samples, task.GEN_LEN, gen)
    r = task.reward(a, b, toks)
    return {"tokens": toks, "logprobs": lps, "correct": r.bool(),
            "c": r.sum(1).to(torch.int64).numpy(),
            "tag_c": float((toks[..., 0] == task.TAG_C).float().mean())}


def _perplexity_under(scorer, a, b, toks, m: int):
    """Per-sample perplexity exp(-mean token log-prob) of the first m samples, under ``scorer``."""
    import torch

    from neurips25.rlvr_passk.toy import task
    from neurips25.rlvr_passk.toy.sampling import sequence_logprobs

    sub = toks[:, :m]
    seqs = torch.cat([task.prompts(a, b).repeat_interleave(sub.shape[1], 0), sub.flatten(0, 1)], 1)
    with torch.no_grad():
        lp = torch.cat([sequence_logprobs(scorer, seqs[i:i + 8192], task.PROMPT_LEN)
                        for i in range(0, len(seqs), 8192)])
    return torch.exp(-lp.mean(1)).numpy()


def _write_samples(path: Path, model: str, ids: list[str], arm: dict[str, Any], seed: int) -> None:
    """Per-sample JSONL in the format ``neurips25 passk`` reads (atomic)."""
    import json

    from neurips25.common.io import atomic_write_text
    from neurips25.rlvr_passk.toy import task

    lines = []
    for i, pid in enumerate(ids):
        for j in range(arm["tokens"].shape[1]):
            lines.append(json.dumps({"problem_id": pid, "model": model, "seed": seed,
                                     "correct": bool(arm["correct"][i, j]),
                                     "sample": task.decode(arm["tokens"][i, j])}))
    atomic_write_text(path, "\n".join(lines) + "\n")


def _write_counts(path: Path, model: str, ids: list[str], c, n: int) -> None:
    import json

    from neurips25.common.io import atomic_write_text

    atomic_write_text(path, "".join(json.dumps({"problem_id": p, "model": model, "n": n,
                                                "c": int(ci)}) + "\n" for p, ci in zip(ids, c, strict=True)))


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    import numpy as np
    import torch

    from neurips25.rlvr_passk import analysis, io, plots
    from neurips25.rlvr_passk.stats import compare, curve
    from neurips25.rlvr_passk.toy import task, train

    torch.set_num_threads(1)  # ~10x faster than 2 threads for this model on a shared 2-core box
    cfg = config
    out_dir = Path(out_dir)
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)

    base = train.new_model(cfg.n_layer, cfg.n_embd)
    losses = train.pretrain(base, cfg.pretrain_steps, cfg.pretrain_batch, cfg.pretrain_lr,
                            cfg.p_correct, cfg.digit_noise, rng, progress.track)
    final_loss = float(np.mean(losses[-50:]))
    progress.log(f"pretrained: final loss {final_loss:.3f}")
    if final_loss > 1.0:  # still on the plateau (~1.5): digits not learned, results meaningless
        progress.log("warning: pretraining did not leave the loss plateau; use more steps")

    erng = np.random.default_rng(cfg.seed + 10_000)  # evaluation problems: own stream
    ea, eb = task.random_problems(erng, cfg.n_easy, carry=False)
    ha, hb = task.random_problems(erng, cfg.n_hard, carry=True)
    a, b = np.concatenate([ea, ha]), np.concatenate([eb, hb])
    ids = [f"{'easy' if i < cfg.n_easy else 'hard'}-{x:03d}+{y:03d}" for i, (x, y) in enumerate(zip(a, b, strict=True))]

    rl_cfg = train.RLConfig(steps=cfg.rl_steps, prompts_per_step=cfg.rl_prompts,
                            group_size=cfg.rl_group, lr=cfg.rl_lr, advantage=cfg.rl_advantage,
                            kl_coef=cfg.rl_kl)
    rl, snaps, rl_rewards = train.rlvr(base, rl_cfg, rng, gen, cfg.rl_checkpoints, progress.track,
                                       "RLVR (no-carry prompts)")
    edge_cfg = dataclasses.replace(rl_cfg, carry_fraction=cfg.edge_carry_fraction)
    edge, _, edge_rewards = train.rlvr(base, edge_cfg, rng, gen, (), progress.track,
                                       "RLVR (edge-of-competence prompts)")
    distilled = train.distill(base, cfg.distill_steps, cfg.pretrain_batch, cfg.distill_lr, rng,
                              progress.track)

    arms_models = {"base": base, **{f"rl@{s}": m for s, m in sorted(snaps.items())},
                   "rl": rl, "rl_edge": edge, "distill": distilled}
    arms = {name: _eval_arm(m, a, b, cfg, gen)
            for name, m in progress.track(arms_models.items(), f"sampling n={cfg.n_samples}",
                                          total=len(arms_models))}

    # per-sample files for base and rl, read back through io (the CLI's path)
    _write_samples(out_dir / "samples_base.jsonl", "base", ids, arms["base"], cfg.seed)
    _write_samples(out_dir / "samples_rl.jsonl", "rl", ids, arms["rl"], cfg.seed)
    for name in ("rl_edge", "distill"):
        _write_counts(out_dir / f"counts_{name}.jsonl", name, ids, arms[name]["c"], cfg.n_samples)
    base_mc, rl_mc = io.align([io.load_single(out_dir / "samples_base.jsonl"),
                               io.load_single(out_dir / "samples_rl.jsonl")])

    k_max = cfg.n_samples
    comp, main = analysis.compare_report(base_mc, rl_mc, k_max, cfg.n_boot, cfg.seed, out_dir,
                                         ("base", "RL (GRPO)"))
    n_arr = np.full(len(ids), cfg.n_samples)
    ks = analysis.pow2_ks(k_max)
    per_arm = {}
    for name, arm in arms.items():
        band = curve(n_arr, arm["c"], k_max, cfg.n_boot, cfg.seed)
        p = arm["c"] / cfg.n_samples
        per_arm[name] = {"pass_at_k": {str(k): band.at(k) for k in ks},
                         "pass1_easy": float(p[: cfg.n_easy].mean()),
                         "pass1_hard": float(p[cfg.n_easy:].mean()),
                         "tag_c_share": arm["tag_c"], "band": band}
    # paired comparisons of the other arms against base
    paired = {}
    for name in ("rl_edge", "distill"):
        cmp_ = compare(n_arr, arms["base"]["c"], n_arr, arms[name]["c"], k_max, cfg.n_boot, cfg.seed)
        paired[name] = {"diff": {str(k): [cmp_.diff.at(k), float(cmp_.diff.lo[k - 1]),
                                          float(cmp_.diff.hi[k - 1])] for k in ks},
                        "k_star": cmp_.k_star,
                        "rl_only": int(np.sum((arms[name]["c"] > 0) & (arms["base"]["c"] == 0)))}
    # perplexity of each arm's outputs under the base model (paper Sec. 4.1)
    m = min(cfg.ppl_samples, cfg.n_samples)
    ppl = {name: _perplexity_under(base, a, b, arms[name]["tokens"], m)
           for name in ("base", "rl", "rl_edge", "distill")}
    ppl_rl_self = _perplexity_under(rl, a, b, arms["rl"]["tokens"], m)

    labels = {"base": "base", "rl": "RL, no-carry prompts", "rl_edge": "RL, edge prompts",
              "distill": "distilled"}
    plots.curves_figure({labels[n]: per_arm[n]["band"] for n in labels},
                        out_dir / "passk_all_arms.png", title="pass@k of every arm (95% CI)")
    plots.curves_figure({("base" if n == "base" else f"RL {n.split('@')[1]} steps" if "@" in n
                          else f"RL {cfg.rl_steps} steps"): per_arm[n]["band"]
                         for n in arms if n == "base" or n.startswith("rl") and n != "rl_edge"},
                        out_dir / "passk_rl_steps.png", title="longer RL: pass@k by RL steps")
    plots.perplexity_figure({"base samples": ppl["base"], "RL samples": ppl["rl"],
                             "distilled samples": ppl["distill"]}, out_dir / "perplexity_hist.png")

    steps = [*sorted(snaps), cfg.rl_steps]
    traj_names = [*(f"rl@{s}" for s in sorted(snaps)), "rl"]
    # paired last-vs-first checkpoint: did longer RL move pass@1 / pass@K beyond noise?
    lvf = compare(n_arr, arms[traj_names[0]]["c"], n_arr, arms["rl"]["c"], k_max, cfg.n_boot, cfg.seed)
    big = min(256, k_max)
    return {
        "k_max": k_max, "big_k": big, "n_problems": len(ids), "n_easy": cfg.n_easy,
        "n_hard": cfg.n_hard, "pretrain_final_loss": final_loss,
        "pretrain_converged": final_loss <= 1.0,
        "rl_reward_first10": float(np.mean(rl_rewards[:10])),
        "rl_reward_last10": float(np.mean(rl_rewards[-10:])),
        "edge_reward_last10": float(np.mean(edge_rewards[-10:])),
        "main": main,
        "arms": {n: {k: v for k, v in d.items() if k != "band"} for n, d in per_arm.items()},
        "paired_vs_base": paired,
        "rl_trajectory": {"steps": steps,
                          "pass1": [per_arm[n]["band"].at(1) for n in traj_names],
                          "passK": [per_arm[n]["band"].at(big) for n in traj_names],
                          "last_minus_first_pass1": [lvf.diff.at(1), float(lvf.diff.lo[0]),
                                                     float(lvf.diff.hi[0])],
                          "last_minus_first_passK": [lvf.diff.at(big), float(lvf.diff.lo[big - 1]),
                                                     float(lvf.diff.hi[big - 1])]},
        "perplexity_under_base_median": {n: float(np.median(v)) for n, v in ppl.items()},
        "perplexity_rl_under_rl_median": float(np.median(ppl_rl_self)),
        "perplexity_base_q90": float(np.quantile(ppl["base"], 0.9)),
        "perplexity_rl_share_below_base_q90": float(np.mean(ppl["rl"] <= np.quantile(ppl["base"], 0.9))),
    }
