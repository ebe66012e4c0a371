"""The homogenization comparisons: per seed, one paired difference per prompt; over seeds,
the pooled paired tests the claims read (``paired.paired_cells``)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from neurips25.hivemind.embed import Embedder
from neurips25.hivemind.paired import paired_cells

Pairs = list[tuple[str, str]]


def _cross(emb: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> float:
    return float((emb[ia] @ emb[ib].T).mean())


class _Seed:
    """Embeddings and group indices of one seed's pool, with the pairwise helpers."""

    def __init__(self, emb: np.ndarray, rows: Sequence[dict[str, str]]) -> None:
        from neurips25.hivemind.metrics import group_indices

        self.emb = emb
        self.groups = group_indices([r["model"] for r in rows], [r["prompt_id"] for r in rows])
        self.pids = list(dict.fromkeys(r["prompt_id"] for r in rows))

    def cross(self, a: str, b: str, p: str) -> float:
        return _cross(self.emb, self.groups[(a, p)], self.groups[(b, p)])

    def pair_mean(self, pairs: Pairs, p: str) -> float:
        return float(np.mean([self.cross(a, b, p) for a, b in pairs]))

    def intra(self, name: str, p: str) -> float:
        from neurips25.hivemind.metrics import mean_pairwise_cosine

        return mean_pairwise_cosine(self.emb[self.groups[(name, p)]])

    def vendi(self, name: str, p: str) -> float:
        from neurips25.hivemind.metrics import vendi_score_embeddings

        return vendi_score_embeddings(self.emb[self.groups[(name, p)]])


def _model_sets(names: Sequence[str]) -> tuple[list[str], list[str], Pairs, Pairs]:
    a = [n for n in names if n.startswith("A-") and "+RT" not in n]
    b = [n for n in names if n.startswith("B-") and "+RT" not in n]
    same = [(x, y) for grp in (a, b) for i, x in enumerate(grp) for y in grp[i + 1:]]
    return a, b, same, [(x, y) for x in a for y in b]


def _tuning(s: _Seed, pm: dict[str, Any], rewards: dict[str, float],
            diffs: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Base vs reward-tuned, per tuned model: levels; per-prompt differences into ``diffs``."""
    levels = {}
    for tuned in [n for n in pm if n.endswith("+RT")]:
        base = tuned[: -len("+RT")]
        diffs[f"{base}/intra"] = [s.intra(tuned, p) - s.intra(base, p) for p in s.pids]
        diffs[f"{base}/vendi"] = [s.vendi(base, p) - s.vendi(tuned, p) for p in s.pids]
        levels[base] = {"intra_base": pm[base]["intra_similarity"],
                        "intra_tuned": pm[tuned]["intra_similarity"],
                        "vendi_base": pm[base]["vendi"], "vendi_tuned": pm[tuned]["vendi"],
                        "distinct_2_base": pm[base]["distinct_2"],
                        "distinct_2_tuned": pm[tuned]["distinct_2"],
                        "reward_base": rewards[base], "reward_tuned": rewards[tuned]}
    return levels


def seed_comparisons(
    cfg: Any, seed: int, rows: Sequence[dict[str, str]], embedder: Embedder,
    rewards: dict[str, float],
) -> tuple[dict[str, Any], dict[str, Any], np.ndarray]:
    """Analyse one seed's pool; returns (summary with per-prompt differences, report, emb)."""
    from neurips25.hivemind.analyze import analyze

    report, emb = analyze(rows, embedder, cfg.threshold, cfg.neighbours, seed)
    s = _Seed(emb, rows)
    pm = report["per_model"]
    a_models, b_models, same, diff = _model_sets(list(pm))
    bigger = [n for n in a_models if n != "A-small"]
    d: dict[str, list[float]] = {
        "same_vs_different": [s.pair_mean(same, p) - s.pair_mean(diff, p) for p in s.pids],
        "cross_rt": [s.cross("A-s0+RT", "B-s0+RT", p) - s.cross("A-s0", "B-s0", p)
                     for p in s.pids],
        "size": [float(np.mean([s.intra(n, p) for n in bigger])) - s.intra("A-small", p)
                 for p in s.pids],
        "models_vs_data": [float(np.mean([s.intra(n, p) for n in bigger]))
                           - s.intra("data-A", p) for p in s.pids],
    }
    tuning = _tuning(s, pm, rewards, d)
    base_names = a_models + b_models
    levels = {
        "same_data": float(np.mean([s.pair_mean(same, p) for p in s.pids])),
        "different_data": float(np.mean([s.pair_mean(diff, p) for p in s.pids])),
        "cross_base": float(np.mean([s.cross("A-s0", "B-s0", p) for p in s.pids])),
        "cross_tuned": float(np.mean([s.cross("A-s0+RT", "B-s0+RT", p) for p in s.pids])),
        "intra_small": pm["A-small"]["intra_similarity"],
        "intra_larger": float(np.mean([pm[n]["intra_similarity"] for n in bigger])),
        "intra_data": pm["data-A"]["intra_similarity"],
        "base_intra": float(np.mean([pm[n]["intra_similarity"] for n in base_names])),
        "base_share_above": float(np.mean([pm[n][f"share_above_{cfg.threshold}"]
                                           for n in base_names])),
    }
    summary = {"seed": seed, "floor": report["overall"]["floor_unrelated_similarity"],
               "levels": levels, "tuning": tuning, "diffs": d,
               "same_pairs": [list(x) for x in same], "different_pairs": [list(x) for x in diff]}
    return summary, report, emb


def pool_seeds(per_seed: list[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
    """Paired tests over every (seed, prompt) cell, with the levels averaged over seeds."""
    def test(key: str) -> dict[str, Any]:
        return paired_cells({s["seed"]: s["diffs"][key] for s in per_seed}, seed)

    def level(key: str) -> float:
        return float(np.mean([s["levels"][key] for s in per_seed]))

    tuning = {}
    for name in per_seed[0]["tuning"]:
        lv = {k: float(np.mean([s["tuning"][name][k] for s in per_seed]))
              for k in per_seed[0]["tuning"][name]}
        tuning[name] = {**lv, "intra_test": test(f"{name}/intra"),
                        "vendi_test": test(f"{name}/vendi")}
    return {
        "floor": float(np.mean([s["floor"] for s in per_seed])),
        "base_models": {"intra_similarity": level("base_intra"),
                        "share_above_threshold": level("base_share_above"),
                        "inter_similarity_same_data": level("same_data")},
        "same_vs_different_data": {**test("same_vs_different"), "same_data": level("same_data"),
                                   "different_data": level("different_data"),
                                   "same_pairs": per_seed[0]["same_pairs"],
                                   "different_pairs": per_seed[0]["different_pairs"]},
        "reward_tuning": tuning,
        "reward_tuning_cross_model": {**test("cross_rt"), "base": level("cross_base"),
                                      "tuned": level("cross_tuned")},
        "size": {**test("size"), "intra_small": level("intra_small"),
                 "intra_larger": level("intra_larger")},
        "models_vs_data": {**test("models_vs_data"), "intra_models": level("intra_larger"),
                           "intra_data": level("intra_data")},
        "per_seed": per_seed,
    }
