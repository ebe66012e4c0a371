"""Homogenization measured on LMs trained here: same data vs different data, base vs
reward-tuned, small vs larger, model samples vs their training data."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.progress import Progress
from neurips25.hivemind.embed import Embedder


def _sign_test(diffs: list[float]) -> dict[str, float]:
    """Paired per-prompt comparison: mean difference, share positive, two-sided sign test."""
    from scipy.stats import binomtest

    d = np.asarray([x for x in diffs if np.isfinite(x)])
    pos, nonzero = int((d > 0).sum()), int((d != 0).sum())
    p = float(binomtest(pos, nonzero, 0.5).pvalue) if nonzero else 1.0
    return {"mean_diff": float(d.mean()) if d.size else float("nan"),
            "share_positive": pos / d.size if d.size else float("nan"), "n": int(d.size), "p_sign": p}


def _cross(emb: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> float:
    return float((emb[ia] @ emb[ib].T).mean())


def _intra(emb: np.ndarray, idx: np.ndarray) -> float:
    from neurips25.hivemind.metrics import mean_pairwise_cosine

    return mean_pairwise_cosine(emb[idx])


def homogenization_experiment(cfg: Any, shared: Embedder | None, out_dir: Path, progress: Progress) -> dict[str, Any]:
    import torch

    from neurips25.hivemind.analyze import analyze
    from neurips25.hivemind.cluster import plot_response_map
    from neurips25.hivemind.embed import embedder_for
    from neurips25.hivemind.figures import plot_inter_matrix, plot_intra_histogram
    from neurips25.hivemind.lm import LMSpec, WordTokenizer, reward_tune, sample_responses, train_lm
    from neurips25.hivemind.metrics import group_indices, vendi_score_embeddings
    from neurips25.hivemind.textgen import PROMPTS, Corpus, IdeaReward, vocabulary

    prompts = PROMPTS[: cfg.n_prompts]
    tok = WordTokenizer(vocabulary())
    rng = np.random.default_rng(cfg.seed)
    corpora = {"A": Corpus(100 * cfg.seed + 1), "B": Corpus(100 * cfg.seed + 2)}
    pairs = {k: [(text, r) for pid, text, topic in prompts
                 for r in c.sample(pid, topic, cfg.corpus_per_prompt, rng)] for k, c in corpora.items()}
    base = LMSpec(cfg.n_layer, cfg.n_embd, 4, cfg.train_steps, cfg.batch, cfg.lr, 32)
    small = LMSpec(cfg.small_n_layer, cfg.small_n_embd, 4, cfg.train_steps, cfg.batch, cfg.lr, 32)
    plan = [(f"A-s{s}", "A", base, s) for s in range(cfg.same_corpus_seeds)]
    plan += [("A-small", "A", small, 0)]
    plan += [(f"B-s{s}", "B", base, 100 + s) for s in range(cfg.other_corpus_seeds)]
    models = {}
    for name, corpus, spec, seed in plan:
        models[name] = train_lm(tok, pairs[corpus], spec, seed=1000 * cfg.seed + seed,
                                progress=progress, desc=f"train {name}")
    reward = IdeaReward(cfg.seed)
    texts_only = [t for _pid, t, _topic in prompts]
    for name in ("A-s0", "B-s0"):
        models[f"{name}+RT"] = reward_tune(
            models[name], tok, texts_only, reward, cfg.rl_steps, cfg.rl_group, cfg.rl_prompts_per_step,
            cfg.rl_lr, seed=cfg.seed, progress=progress, desc=f"reward-tune {name}")

    gen = torch.Generator().manual_seed(cfg.seed)
    rows = []
    for name, model in progress.track(list(models.items()), "sampling (top-p 0.9, T 1.0)"):
        for pid, text, _topic in prompts:
            samples, _ = sample_responses(model, tok, text, cfg.samples, cfg.top_p, cfg.temperature, 32, gen)
            rows += [{"prompt_id": pid, "prompt": text, "model": name, "response": s} for s in samples]
    for k, c in corpora.items():  # the training distributions themselves, as reference pools
        for pid, text, topic in prompts:
            rows += [{"prompt_id": pid, "prompt": text, "model": f"data-{k}", "response": s}
                     for s in c.sample(pid, topic, cfg.samples, rng)]

    # TF-IDF (if used) learns its IDF from the training corpora, not from the samples
    emb_model = embedder_for(cfg.embedder, shared, [r for k in pairs for _p, r in pairs[k]])
    progress.log(f"embedding {len(rows)} responses")
    report, emb = analyze(rows, emb_model, cfg.threshold, cfg.neighbours, cfg.seed)
    groups = group_indices([r["model"] for r in rows], [r["prompt_id"] for r in rows])
    pids = [p for p, _t, _tp in prompts]

    a_models = [n for n in models if n.startswith("A-") and "+RT" not in n]
    b_models = [n for n in models if n.startswith("B-") and "+RT" not in n]
    same_pairs = [(a, b) for i, a in enumerate(a_models) for b in a_models[i + 1:]]
    same_pairs += [(a, b) for i, a in enumerate(b_models) for b in b_models[i + 1:]]
    diff_pairs = [(a, b) for a in a_models for b in b_models]

    def pair_mean(pairs_: list[tuple[str, str]], p: str) -> float:
        return float(np.mean([_cross(emb, groups[(a, p)], groups[(b, p)]) for a, b in pairs_]))

    same_vs_diff = _sign_test([pair_mean(same_pairs, p) - pair_mean(diff_pairs, p) for p in pids])
    same_vs_diff.update(same_data=float(np.mean([pair_mean(same_pairs, p) for p in pids])),
                        different_data=float(np.mean([pair_mean(diff_pairs, p) for p in pids])),
                        same_pairs=[list(x) for x in same_pairs], different_pairs=[list(x) for x in diff_pairs])

    tuning = {}
    for name in ("A-s0", "B-s0"):
        tuned = f"{name}+RT"
        d_intra = [_intra(emb, groups[(tuned, p)]) - _intra(emb, groups[(name, p)]) for p in pids]
        d_vendi = [vendi_score_embeddings(emb[groups[(tuned, p)]]) - vendi_score_embeddings(emb[groups[(name, p)]])
                   for p in pids]
        pm = report["per_model"]
        mean_reward = {}
        for n_ in (name, tuned):
            mean_reward[n_] = float(np.mean([reward(r["prompt"], r["response"]) for r in rows if r["model"] == n_]))
        tuning[name] = {
            "intra_base": pm[name]["intra_similarity"], "intra_tuned": pm[tuned]["intra_similarity"],
            "vendi_base": pm[name]["vendi"], "vendi_tuned": pm[tuned]["vendi"],
            "distinct_2_base": pm[name]["distinct_2"], "distinct_2_tuned": pm[tuned]["distinct_2"],
            "reward_base": mean_reward[name], "reward_tuned": mean_reward[tuned],
            "intra_test": _sign_test(d_intra), "vendi_test": _sign_test([-x for x in d_vendi]),
        }
    cross_rt = _sign_test([_cross(emb, groups[("A-s0+RT", p)], groups[("B-s0+RT", p)])
                           - _cross(emb, groups[("A-s0", p)], groups[("B-s0", p)]) for p in pids])
    cross_rt.update(base=float(np.mean([_cross(emb, groups[("A-s0", p)], groups[("B-s0", p)]) for p in pids])),
                    tuned=float(np.mean([_cross(emb, groups[("A-s0+RT", p)], groups[("B-s0+RT", p)]) for p in pids])))
    bigger = [n for n in a_models if n != "A-small"]
    size = _sign_test([np.mean([_intra(emb, groups[(n, p)]) for n in bigger]) - _intra(emb, groups[("A-small", p)])
                       for p in pids])
    size.update(intra_small=report["per_model"]["A-small"]["intra_similarity"],
                intra_larger=float(np.mean([report["per_model"][n]["intra_similarity"] for n in bigger])))
    vs_data = _sign_test([np.mean([_intra(emb, groups[(n, p)]) for n in a_models if n != "A-small"])
                          - _intra(emb, groups[("data-A", p)]) for p in pids])
    vs_data.update(intra_models=size["intra_larger"], intra_data=report["per_model"]["data-A"]["intra_similarity"])

    plot_intra_histogram(report, out_dir / "intra_model_histogram.png")
    plot_inter_matrix(report, out_dir / "inter_model_matrix.png")
    first = [i for i, r in enumerate(rows) if r["prompt_id"] == pids[0] and not r["model"].startswith("data-")]
    plot_response_map(emb[first], [rows[i]["model"] for i in first], [rows[i]["response"] for i in first],
                      f'"{prompts[0][1]}": {len(first)} samples of our LMs, PCA of {emb_model.name} embeddings',
                      out_dir / "response_map.png", k=4, seed=cfg.seed)

    base_names = a_models + b_models
    base_intra = [report["per_model"][n]["intra_similarity"] for n in base_names]
    return {
        "report": report,
        "n_parameters": {n: int(sum(p.numel() for p in m.parameters())) for n, m in models.items()},
        "floor": report["overall"]["floor_unrelated_similarity"],
        "base_models": {
            "intra_similarity": float(np.mean(base_intra)),
            "share_above_threshold": float(np.mean([report["per_model"][n][f"share_above_{cfg.threshold}"]
                                                     for n in base_names])),
            "inter_similarity_same_data": same_vs_diff["same_data"],
        },
        "same_vs_different_data": same_vs_diff,
        "reward_tuning": tuning,
        "reward_tuning_cross_model": cross_rt,
        "size": size,
        "models_vs_data": vs_data,
        "examples": {n: [r["response"] for r in rows if r["model"] == n and r["prompt_id"] == pids[0]][:3]
                     for n in [*models, "data-A", "data-B"]},
    }
