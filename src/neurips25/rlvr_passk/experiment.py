"""The toy reproduction: pretrain a tiny transformer on shortcut-heavy addition traces, RLVR it,
and measure pass@k with the package's own estimator, stats and coverage tools, over seeds.

Arms, all started from the same base model of a seed (``toy.pipeline.run_seed``):
- ``rl``: GRPO on no-carry prompts only (the base already solves them; the paper's regime);
  snapshots along training give the "longer RL" trajectory (arXiv v5 Table 4's step rows);
- ``rl_edge``: the counterpoint, RL with a share of one-carry prompts (edge of competence);
- ``distill``: SFT on clean traces of the correct strategy (a teacher's outputs).
The base model saw worked-out (correct) traces only for problems with at most one carry, so
its reach ends inside the hard set: pass@256 is well below 1 there (``task``). Each seed is
one independent arm run by ``common.executor``; per-sample JSONL of the first seed's base
and RL samples is written and read back through ``io`` (the path ``neurips25 passk`` takes).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurips25.common.progress import Progress


@dataclass(frozen=True)
class Config:
    seed: int = 0
    seeds: int = 4  # seed, seed + 1, ...: each a full pretrain -> RL -> sample pipeline
    device: str = "cpu"  # torch device of every model and sample (`neurips25 run --device`)
    # model and pretraining: p_correct of the textbook traces (<= textbook_carries carries)
    # use the correct strategy; digit_noise of all traces have one random digit
    n_layer: int = 2
    n_embd: int = 64
    pretrain_steps: int = 1000
    pretrain_batch: int = 128
    pretrain_lr: float = 3e-3
    p_correct: float = 0.1
    digit_noise: float = 0.05
    textbook_carries: int = 1
    # RLVR (GRPO, no KL); rl_checkpoints are evaluated for the longer-training trajectory
    rl_steps: int = 150
    rl_checkpoints: tuple[int, ...] = (25, 75)
    rl_prompts: int = 32
    rl_group: int = 8
    rl_lr: float = 1e-3
    rl_advantage: str = "grpo"
    rl_kl: float = 0.0
    edge_carry_fraction: float = 0.3
    edge_carries: tuple[int, int] = (1, 1)
    # distillation
    distill_steps: int = 150
    distill_batch: int = 64
    distill_lr: float = 1e-3
    # evaluation
    n_easy: int = 100
    n_hard: int = 100
    n_samples: int = 256
    ppl_samples: int = 32  # samples per problem scored for perplexity
    n_boot: int = 1000

    def __post_init__(self) -> None:
        if self.seeds < 1:
            raise ValueError(f"seeds must be >= 1, got {self.seeds}")
        if any(not 0 < s < self.rl_steps for s in self.rl_checkpoints):
            raise ValueError("rl_checkpoints must lie strictly between 0 and rl_steps")

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(seeds=5, pretrain_steps=2000, rl_steps=300, rl_checkpoints=(25, 75, 150),
                   distill_steps=300, n_easy=200, n_hard=200, n_boot=2000)

    @classmethod
    def tiny(cls) -> Config:
        """For tests: one seed, well under a minute; the direction of the finding shows."""
        return cls(seeds=1, pretrain_steps=800, rl_steps=60, rl_checkpoints=(20,),
                   distill_steps=60, n_easy=30, n_hard=40, n_samples=64, ppl_samples=8,
                   n_boot=200)

    def seed_list(self) -> list[int]:
        return [self.seed + i for i in range(self.seeds)]


def _run_seeds(cfg: Config, progress: Progress) -> list[dict[str, Any]]:
    """Phase 1: every seed's pipeline, one arm each, through the common executor."""
    from neurips25.common.executor import Arm, run_arms
    from neurips25.rlvr_passk.toy.pipeline import run_seed

    arms = [Arm(f"seed={s}", run_seed, (cfg, s), {"keep_samples": s == cfg.seed})
            for s in cfg.seed_list()]
    done = run_arms(arms, progress=progress, description=f"{cfg.seeds} seed(s): pretrain, "
                    "RL, edge RL, distill, sample")
    return [done[a.key] for a in arms]


def _problem_ids(res: dict[str, Any], n_easy: int, prefix: str = "") -> list[str]:
    return [f"{prefix}{'easy' if i < n_easy else 'hard'}-{x:03d}+{y:03d}"
            for i, (x, y) in enumerate(zip(res["a"], res["b"], strict=True))]


def _samples_round_trip(first: dict[str, Any], cfg: Config, out_dir: Path) -> None:
    """Phase 2: the first seed's samples as per-sample JSONL, read back through ``io``; the
    counts read back must equal the in-memory counts (the CLI path is the one measured)."""
    from neurips25.rlvr_passk import io
    from neurips25.rlvr_passk.toy.files import write_counts, write_samples

    ids = _problem_ids(first, cfg.n_easy)
    for name in ("base", "rl"):
        write_samples(out_dir / f"samples_{name}.jsonl", name, ids, first["samples"][name],
                      first["counts"][name], first["a"], first["b"], first["seed"])
    for name in ("rl_edge", "distill"):
        write_counts(out_dir / f"counts_{name}.jsonl", name, ids, first["counts"][name],
                     cfg.n_samples)
    loaded = io.align([io.load_single(out_dir / "samples_base.jsonl"),
                       io.load_single(out_dir / "samples_rl.jsonl")])
    for m, name in zip(loaded, ("base", "rl"), strict=True):
        back = dict(zip(m.problem_ids, m.c.tolist(), strict=True))
        if [back[i] for i in ids] != [int(c) for c in first["counts"][name]]:
            raise RuntimeError(f"samples_{name}.jsonl does not read back to the sampled counts")


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    from neurips25.rlvr_passk.toy.plots import pooled_figures
    from neurips25.rlvr_passk.toy.summary import across_seeds, summarise_seed

    cfg, out_dir = config, Path(out_dir)
    results = _run_seeds(cfg, progress)
    per_seed = [summarise_seed(r, cfg) for r in results]
    for s in per_seed:
        progress.log(f"seed {s['seed']}: pretraining loss {s['pretrain_final_loss']:.3f}, "
                     f"base unsolved hard problems {s['base_unsolved_hard']}/{cfg.n_hard}")
    _samples_round_trip(results[0], cfg, out_dir)
    pooled = pooled_figures(results, cfg, out_dir,
                            [_problem_ids(r, cfg.n_easy, f"s{r['seed']}-") for r in results])
    return {
        "seeds": cfg.seed_list(), "k_max": cfg.n_samples, "big_k": cfg.n_samples,
        "n_problems": cfg.n_easy + cfg.n_hard, "n_easy": cfg.n_easy, "n_hard": cfg.n_hard,
        "pretrain_final_loss": [s["pretrain_final_loss"] for s in per_seed],
        "pretrain_converged": all(s["pretrain_converged"] for s in per_seed),
        "per_seed": per_seed, "across": across_seeds(per_seed), "pooled": pooled,
    }
