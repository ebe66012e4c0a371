"""The hivemind experiment: (1) validate every metric on pools with planted sharing;
(2) measure homogenization on real samples of LMs trained here, over seeds.

Models (word-level TinyGPTs), per seed: several trained on corpus A (different training
seeds, one smaller), several on corpus B (same language, different ideas), and
reward-tuned copies of an A and a B model sharing one reward model. Sampling as the paper
(Sec. 4): top-p 0.9, T = 1.0, 50 samples per prompt, every prompt of the set (quick: 12 of
16). Claims compare same-data vs different-data model pairs and base vs reward-tuned
models with paired tests over (seed, prompt) cells, always beside the unrelated-pairs floor.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.progress import Progress
from neurips25.hivemind.embed import Embedder, embedder_for


@dataclass(frozen=True)
class Config:
    seed: int = 0
    seeds: int = 3  # seed, seed + 1, ...: each a fresh pair of corpora, reward model and LMs
    device: str = "cpu"  # torch device of the LMs and MiniLM (`neurips25 run --device`)
    embedder: str = "minilm"  # "minilm" (paper-like, semantic) or "tfidf" (fast, tests)
    threshold: float = 0.8
    neighbours: int = 5
    # (1) planted-sharing validation
    synthetic_levels: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    synthetic_models: int = 4
    synthetic_prompts: int = 6
    synthetic_per_model: int = 20
    # (2) LMs trained here
    n_prompts: int = 16  # all of textgen.PROMPTS
    corpus_per_prompt: int = 300
    same_corpus_seeds: int = 2
    other_corpus_seeds: int = 2
    n_layer: int = 2
    n_embd: int = 48
    small_n_layer: int = 1
    small_n_embd: int = 16
    train_steps: int = 450
    batch: int = 32
    lr: float = 6e-3
    samples: int = 50
    top_p: float = 0.9
    temperature: float = 1.0
    rl_steps: int = 40
    rl_group: int = 16
    rl_prompts_per_step: int = 4
    rl_lr: float = 1e-3

    @classmethod
    def quick(cls) -> Config:
        """The 2-core budget: 12 of the 16 prompts and 300 steps (300 x 32 / 12 = 800
        training answers per prompt, as 450 x 32 / 16 = 900 before). Embedding and
        sampling scale with the prompts, training with the steps; full keeps all 16."""
        return cls(n_prompts=12, train_steps=300)

    @classmethod
    def full(cls) -> Config:
        return cls(seeds=5, corpus_per_prompt=400, same_corpus_seeds=3, other_corpus_seeds=3,
                   train_steps=1500, rl_steps=80, synthetic_per_model=30, synthetic_prompts=10)

    @classmethod
    def tiny(cls) -> Config:
        """For the seeded test: seconds, TF-IDF embedder, two seeds."""
        return cls(seeds=2, embedder="tfidf", n_prompts=4, corpus_per_prompt=150,
                   train_steps=300, n_embd=32, samples=24, rl_steps=25, synthetic_per_model=10,
                   synthetic_prompts=4, synthetic_levels=(0.0, 0.5, 1.0))

    def __post_init__(self) -> None:
        from neurips25.hivemind.textgen import PROMPTS

        if self.seeds < 1:
            raise ValueError(f"seeds must be >= 1, got {self.seeds}")
        if not 1 <= self.n_prompts <= len(PROMPTS):
            raise ValueError(f"n_prompts must be in 1..{len(PROMPTS)}, got {self.n_prompts}")
        if self.same_corpus_seeds < 1 or self.other_corpus_seeds < 1:
            raise ValueError("each corpus needs at least one model seed")

    def seed_list(self) -> list[int]:
        return [self.seed + i for i in range(self.seeds)]


# metric -> (sweep it must follow, expected sign of its change)
EXPECTED = {
    "intra_similarity": ("repetition", 1),
    "model_vendi": ("repetition", -1),
    "model_distinct_2": ("repetition", -1),
    "compression_ratio": ("repetition", 1),
    "inter_similarity": ("sharing", 1),
    "unique_models": ("sharing", 1),
    "pooled_vendi": ("sharing", -1),
    "pooled_distinct_2": ("sharing", -1),
}


def _pool_summary(rep: dict[str, Any], neighbours: int) -> dict[str, float]:
    pm, pp = rep["per_model"].values(), rep["per_prompt"].values()
    return {
        "intra_similarity": rep["overall"]["intra_similarity"],
        "model_vendi": float(np.mean([m["vendi"] for m in pm])),
        "model_distinct_2": float(np.mean([m["distinct_2"] for m in pm])),
        "compression_ratio": float(np.mean([m["compression_ratio"] for m in pm])),
        "inter_similarity": rep["overall"]["inter_similarity"],
        "unique_models": rep["overall"][f"unique_models_at_{neighbours}"],
        "unique_models_if_random": rep["overall"][f"unique_models_at_{neighbours}_if_random"],
        "pooled_vendi": float(np.mean([p["pooled_vendi"] for p in pp])),
        "pooled_distinct_2": float(np.mean([p["pooled_distinct_2"] for p in pp])),
        "floor": rep["overall"]["floor_unrelated_similarity"],
    }


def validate_metrics(cfg: Config, shared: Embedder | None, progress: Progress) -> dict[str, Any]:
    """Every metric on pools with planted repetition / sharing; each must move
    monotonically (strictly) with the knob it measures."""
    from neurips25.hivemind.analyze import analyze
    from neurips25.hivemind.synthetic import planted_pool

    kw = dict(n_models=cfg.synthetic_models, n_prompts=cfg.synthetic_prompts,
              per_model=cfg.synthetic_per_model, seed=cfg.seed)
    # TF-IDF learns its IDF from the unstructured pool: fitting on a hive would
    # down-weight exactly the words the hive repeats
    emb = embedder_for(cfg.embedder, shared, [r["response"] for r in planted_pool(0.0, 0.0, **kw)])
    sweeps: dict[str, dict[str, list[float]]] = {}
    for knob in ("repetition", "sharing"):
        series: dict[str, list[float]] = {}
        for level in progress.track(cfg.synthetic_levels, f"planted {knob}"):
            rows = planted_pool(**{knob: level}, **kw)
            rep, _ = analyze(rows, emb, cfg.threshold, cfg.neighbours, cfg.seed)
            for k, v in _pool_summary(rep, cfg.neighbours).items():
                series.setdefault(k, []).append(v)
        sweeps[knob] = series
    monotone = {k: bool(np.all(np.sign(np.diff(sweeps[knob][k])) == d))
                for k, (knob, d) in EXPECTED.items()}
    return {"levels": list(cfg.synthetic_levels), "sweeps": sweeps,
            "expected": {k: list(v) for k, v in EXPECTED.items()}, "monotone": monotone}


def validation_arm(cfg: Config) -> dict[str, Any]:
    """``validate_metrics`` as an independent arm (its own embedder in its own process)."""
    from neurips25.common.progress import NullProgress
    from neurips25.hivemind.homogenize import arm_embedder

    shared = arm_embedder(cfg, cfg.seed) if cfg.embedder != "tfidf" else None
    return validate_metrics(cfg, shared, NullProgress())


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    from neurips25.common.threads import threads
    from neurips25.hivemind.homogenize import homogenization_experiment, run_arms_all
    from neurips25.hivemind.plots import plot_experiment

    progress.log(f"embedder: {config.embedder}; {config.seeds} seed(s)")
    with threads(1):  # small models: one thread beats two on a shared 2-core box
        arms = run_arms_all(config, progress, (validation_arm, (config,)))
        validation = arms.pop("validation")
        lm = homogenization_experiment(config, arms, out_dir, progress)
    metrics = {"validation": validation, **lm}
    plot_experiment(metrics, out_dir)
    return metrics
