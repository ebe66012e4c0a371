"""Homogenization measured on LMs trained here, over seeds: same data vs different data, base vs
reward-tuned, small vs larger, model samples vs their training data.

Per seed, two corpora (A, B: one language, different idea banks) train several LMs each;
one A and one B model are reward-tuned with the same reward model. Every LM is one arm
(``lm_arm``: train, tune, sample), independent and picklable, run by ``common.executor``.
Each comparison yields one paired difference per (seed, prompt) cell; ``paired.paired_cells``
tests them (Wilcoxon signed-rank, sign-flip permutation) and takes the t interval of the
per-seed means.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.progress import Progress
from neurips25.hivemind.embed import Embedder

Rows = list[dict[str, str]]


@dataclass(frozen=True)
class ModelPlan:
    """One LM of a seed: its corpus, size, training seed and whether it is reward-tuned."""

    name: str
    corpus: str
    small: bool
    model_seed: int
    tune: bool


def model_plan(cfg: Any) -> list[ModelPlan]:
    """A-s0.., A-small, B-s0..; the first base model of each corpus is also reward-tuned."""
    plan = [ModelPlan(f"A-s{s}", "A", False, s, s == 0) for s in range(cfg.same_corpus_seeds)]
    plan.append(ModelPlan("A-small", "A", True, 0, False))
    plan += [ModelPlan(f"B-s{s}", "B", False, 100 + s, s == 0)
             for s in range(cfg.other_corpus_seeds)]
    return plan


def training_pairs(cfg: Any, seed: int, corpus: str) -> list[tuple[str, str]]:
    """The (prompt, answer) pairs corpus A or B of a seed trains on (its own random stream)."""
    from neurips25.hivemind.textgen import PROMPTS, Corpus

    c = Corpus(100 * seed + (1 if corpus == "A" else 2))
    rng = np.random.default_rng([seed, 1 if corpus == "A" else 2])
    return [(text, r) for pid, text, topic in PROMPTS[: cfg.n_prompts]
            for r in c.sample(pid, topic, cfg.corpus_per_prompt, rng)]


_MINILM: dict[str, Embedder] = {}  # one MiniLM per process and device, loaded on first use
_TFIDF: dict[tuple[int, int, int], Embedder] = {}  # per process: one fit per seed's corpora


def arm_embedder(cfg: Any, seed: int) -> Embedder:
    """The embedder an arm uses: this process's MiniLM on ``cfg.device``, or TF-IDF fitted
    on the seed's training corpora (fitting it on the samples would down-weight what a
    hivemind repeats). A fit is deterministic and then frozen, so the arms of one seed that
    share a worker process share it (a fit costs seconds, as much as sampling an LM)."""
    from neurips25.hivemind.embed import embedder_for, make_embedder

    if cfg.embedder == "tfidf":
        key = (seed, cfg.n_prompts, cfg.corpus_per_prompt)  # what training_pairs depends on
        if key not in _TFIDF:
            _TFIDF[key] = embedder_for("tfidf", None, [r for k in ("A", "B")
                                                       for _p, r in training_pairs(cfg, seed, k)])
        return _TFIDF[key]
    if cfg.device not in _MINILM:
        _MINILM[cfg.device] = make_embedder(cfg.embedder, device=cfg.device)
    return _MINILM[cfg.device]


class Lookup:
    """An embedder over texts the arms already embedded (name kept for the report)."""

    def __init__(self, name: str, texts: list[str], emb: np.ndarray) -> None:
        self.name = name
        self._table = dict(zip(texts, emb, strict=True))

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._table[t] for t in texts]).astype(np.float64)


def _embedded(cfg: Any, seed: int, rows: Rows) -> dict[str, Any]:
    emb = arm_embedder(cfg, seed)
    return {"rows": rows, "emb": emb.encode([r["response"] for r in rows]).astype(np.float32),
            "embedder": emb.name}


def lm_arm(cfg: Any, seed: int, plan: ModelPlan) -> dict[str, Any]:
    """Train one LM (and its reward-tuned copy) on ``cfg.device``, sample every prompt
    ``cfg.samples`` times (top-p, temperature as the paper) and embed the samples."""
    from neurips25.hivemind.lm import (
        LMSpec,
        WordTokenizer,
        generator,
        reward_tune,
        sample_responses,
        train_lm,
    )
    from neurips25.hivemind.textgen import PROMPTS, IdeaReward, vocabulary

    prompts = PROMPTS[: cfg.n_prompts]
    tok = WordTokenizer(vocabulary())
    layers, width = ((cfg.small_n_layer, cfg.small_n_embd) if plan.small
                     else (cfg.n_layer, cfg.n_embd))
    spec = LMSpec(layers, width, 4, cfg.train_steps, cfg.batch, cfg.lr, 32)
    model = train_lm(tok, training_pairs(cfg, seed, plan.corpus), spec,
                     seed=1000 * seed + plan.model_seed, device=cfg.device)
    models = {plan.name: model}
    reward = IdeaReward(seed)
    if plan.tune:
        models[f"{plan.name}+RT"] = reward_tune(
            model, tok, [t for _p, t, _tp in prompts], reward, cfg.rl_steps, cfg.rl_group,
            cfg.rl_prompts_per_step, cfg.rl_lr, seed=seed)
    rows: Rows = []
    for i, (name, m) in enumerate(models.items()):
        gen = generator(10_000 * seed + 10 * plan.model_seed + i, cfg.device)
        for pid, text, _topic in prompts:
            samples, _ = sample_responses(m, tok, text, cfg.samples, cfg.top_p, cfg.temperature,
                                          32, gen)
            rows += [{"prompt_id": pid, "prompt": text, "model": name, "response": s}
                     for s in samples]
    return {**_embedded(cfg, seed, rows),
            "n_parameters": {n: int(sum(p.numel() for p in m.parameters()))
                             for n, m in models.items()},
            "mean_reward": {n: float(np.mean([reward(r["prompt"], r["response"]) for r in rows
                                              if r["model"] == n])) for n in models}}


def data_arm(cfg: Any, seed: int) -> dict[str, Any]:
    """Corpus A itself as a reference pool (``data-A``): what the A models learned from."""
    from neurips25.hivemind.textgen import PROMPTS, Corpus

    rng = np.random.default_rng([seed, 3])
    c = Corpus(100 * seed + 1)
    rows: Rows = [{"prompt_id": pid, "prompt": text, "model": "data-A", "response": s}
                  for pid, text, topic in PROMPTS[: cfg.n_prompts]
                  for s in c.sample(pid, topic, cfg.samples, rng)]
    return _embedded(cfg, seed, rows)


def run_arms_all(cfg: Any, progress: Progress, validation: Any = None) -> dict[Any, Any]:
    """Phase 1: every (seed, LM) arm, each seed's data pool and, if given, the metric
    validation ``(fn, args)``, through the common executor (longest arms first)."""
    from neurips25.common.executor import Arm, run_arms

    plans = sorted(model_plan(cfg), key=lambda p: not p.tune)
    arms: dict[Any, Arm] = {}
    if validation is not None:
        arms["validation"] = Arm("validation", validation[0], validation[1])
    arms.update({(s, p.name): Arm(f"seed={s}/{p.name}", lm_arm, (cfg, s, p))
                 for p in plans for s in cfg.seed_list()})
    arms.update({(s, "data"): Arm(f"seed={s}/data", data_arm, (cfg, s))
                 for s in cfg.seed_list()})
    done = run_arms(list(arms.values()), progress=progress,
                    description=f"train, tune, sample, embed {len(arms)} arms")
    return {k: done[a.key] for k, a in arms.items()}


def homogenization_experiment(cfg: Any, arms: dict[Any, Any], out_dir: Path,
                              progress: Progress) -> dict[str, Any]:
    """Phases after the arms: per-seed analysis (pairwise metrics on the arms' embeddings,
    paired differences per prompt) -> paired tests over every (seed, prompt) cell."""
    from neurips25.hivemind.comparisons import pool_seeds, seed_comparisons

    per_seed, first = [], None
    for seed in progress.track(cfg.seed_list(), "compare, per seed"):
        parts = [res for (s, _n), res in arms.items() if s == seed]
        rows = [r for res in parts for r in res["rows"]]
        emb = np.concatenate([res["emb"] for res in parts])
        lookup = Lookup(parts[0]["embedder"], [r["response"] for r in rows], emb)
        rewards = {n: v for res in parts for n, v in res.get("mean_reward", {}).items()}
        summary, report, emb64 = seed_comparisons(cfg, seed, rows, lookup, rewards)
        per_seed.append(summary)
        if first is None:
            first = (rows, report, emb64, lookup.name)
            _seed_figures(cfg, *first, out_dir)
    params = {n: v for (s, _), res in arms.items() if s == cfg.seed
              for n, v in res.get("n_parameters", {}).items()}
    return {**pool_seeds(per_seed, cfg.seed), "report": first[1], "n_parameters": params,
            "rl_steps": cfg.rl_steps, "examples": _examples(first[0])}


def _examples(rows: Rows) -> dict[str, list[str]]:
    pid = rows[0]["prompt_id"]
    names = list(dict.fromkeys(r["model"] for r in rows))
    return {n: [r["response"] for r in rows if r["model"] == n and r["prompt_id"] == pid][:3]
            for n in names}


def _seed_figures(cfg: Any, rows: Rows, report: dict[str, Any], emb: np.ndarray,
                  emb_name: str, out_dir: Path) -> None:
    """The first seed's intra-model histogram, inter-model matrix and response map."""
    from neurips25.hivemind.plots import (
        plot_inter_matrix,
        plot_intra_histogram,
        plot_response_map,
    )

    plot_intra_histogram(report, out_dir / "intra_model_histogram.png")
    plot_inter_matrix(report, out_dir / "inter_model_matrix.png")
    pid, text = rows[0]["prompt_id"], rows[0]["prompt"]
    first = [i for i, r in enumerate(rows)
             if r["prompt_id"] == pid and not r["model"].startswith("data-")]
    plot_response_map(emb[first], [rows[i]["model"] for i in first],
                      [rows[i]["response"] for i in first],
                      f'"{text}": {len(first)} samples of our LMs (seed {cfg.seed}), '
                      f"PCA of {emb_name} embeddings",
                      out_dir / "response_map.png", k=4, seed=cfg.seed)
