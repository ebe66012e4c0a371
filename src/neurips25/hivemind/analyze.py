"""Analyse a pool of responses: rows ``{prompt_id, prompt, model, response}`` in, a
JSON-able report of intra-/inter-model homogeneity and diversity out.

This is what ``neurips25 hivemind analyze`` runs on a user's file and what the
experiment runs on samples of the models it trains.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.errors import UserError
from neurips25.common.jsonl import iter_jsonl_numbered
from neurips25.common.progress import NullProgress, Progress
from neurips25.hivemind import metrics as M
from neurips25.hivemind.embed import Embedder

FIELDS = ("prompt_id", "prompt", "model", "response")


def read_responses(path: str | Path) -> list[dict[str, str]]:
    """Rows of a responses JSONL (or of ``DIR/responses.jsonl`` when given the folder
    ``hivemind collect --out DIR`` wrote); a malformed line is a ``file:line`` UserError."""
    path = Path(path)
    if path.is_dir() and (path / "responses.jsonl").is_file():
        path = path / "responses.jsonl"
    rows = []
    for lineno, row in iter_jsonl_numbered(path, required=FIELDS):
        for k in FIELDS:
            if isinstance(row[k], bool) or not isinstance(row[k], str | int):
                raise UserError(f"{path}:{lineno}: field {k!r} must be a string")
            row[k] = str(row[k])
        rows.append(row)
    if not rows:
        raise UserError(f"{path}: no responses")
    return rows


def _nanmean(values: Sequence[float]) -> float:
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=np.float64)
    return float(v.mean()) if v.size else float("nan")


def pool_metrics(texts: Sequence[str], emb: np.ndarray,
                 similarity: bool = True) -> dict[str, float]:
    """Diversity of one pool (one model's answers to one prompt, or all models' pooled).
    ``similarity=False`` leaves out the mean pairwise cosine (for callers that have it)."""
    sim = {"mean_similarity": M.mean_pairwise_cosine(emb) if len(texts) > 1 else float("nan")}
    return {
        **(sim if similarity else {}),
        "vendi": M.vendi_score_embeddings(emb),
        "distinct_1": M.distinct_n(texts, 1),
        "distinct_2": M.distinct_n(texts, 2),
        "compression_ratio": M.compression_ratio(texts),
        "unique_fraction": len(set(texts)) / len(texts),
    }


def encode_with_progress(embedder: Embedder, texts: Sequence[str], progress: Progress,
                         batch: int = 1024) -> np.ndarray:
    """``embedder.encode(texts)`` in batches, with a progress bar on long inputs."""
    if len(texts) <= batch:
        return embedder.encode(texts)
    starts = range(0, len(texts), batch)
    parts = [embedder.encode(texts[i:i + batch])
             for i in progress.track(starts, "embedding", total=len(starts))]
    return np.concatenate(parts)


def _per_model(names, texts, models, intra, groups, emb, uniq, threshold, neighbours):
    per_model: dict[str, Any] = {}
    for m in names:
        vals = [v for (mm, _p), v in intra.items() if mm == m]
        pools = [pool_metrics([texts[i] for i in idx], emb[idx], similarity=False)
                 for (mm, _p), idx in groups.items() if mm == m]  # intra is computed above
        counts, _ = M.similarity_histogram(vals)
        mask = np.asarray(models) == m
        per_model[m] = {
            "n_responses": int(mask.sum()),
            "intra_similarity": _nanmean(vals),
            f"share_above_{threshold}": M.share_above(vals, threshold),
            "intra_histogram": counts.tolist(),
            **{k: _nanmean([p[k] for p in pools]) for k in pools[0]},
            f"unique_models_at_{neighbours}": float(uniq[mask].mean()),
        }
    return per_model


def _per_prompt(prompt_ids, texts, models, prompts, intra, groups, emb, uniq, neighbours,
                progress: Progress):
    per_prompt: dict[str, Any] = {}
    by_prompt = M.group_indices(prompts)
    for p in progress.track(prompt_ids, "per-prompt metrics", total=len(prompt_ids)):
        idx = by_prompt[(p,)]
        pooled = pool_metrics([texts[i] for i in idx], emb[idx], similarity=False)
        p_models = list(dict.fromkeys(models[i] for i in idx))
        cross = []
        for a in range(len(p_models)):
            for b in range(a + 1, len(p_models)):
                ia, ib = groups[(p_models[a], p)], groups[(p_models[b], p)]
                cross.append(float((emb[ia] @ emb[ib].T).mean()))
        per_prompt[p] = {
            "n_responses": int(idx.size),
            "n_models": len(p_models),
            "intra_similarity": _nanmean([intra.get((m, p), np.nan) for m in p_models]),
            "inter_similarity": _nanmean(cross),
            "pooled_vendi": pooled["vendi"],
            "pooled_distinct_2": pooled["distinct_2"],
            f"unique_models_at_{neighbours}": float(uniq[idx].mean()),
        }
    return per_prompt


def _overall(intra: dict, inter: np.ndarray, uniq: np.ndarray, models: list[str],
             prompts: list[str], floor: float, threshold: float,
             neighbours: int) -> dict[str, Any]:
    """Pool-level numbers over every model and prompt, beside the unrelated floor."""
    off = inter[~np.eye(len(inter), dtype=bool)] if len(inter) > 1 else np.array([])
    all_intra = list(intra.values())
    counts, edges = M.similarity_histogram(all_intra)
    return {
        "threshold": threshold,
        "floor_unrelated_similarity": floor,
        "intra_similarity": _nanmean(all_intra),
        f"share_above_{threshold}": M.share_above(all_intra, threshold),
        "intra_histogram": counts.tolist(),
        "histogram_edges": edges.tolist(),
        "inter_similarity": _nanmean(off.tolist()),
        f"unique_models_at_{neighbours}": float(uniq.mean()),
        f"unique_models_at_{neighbours}_if_random": float(
            M.unique_models_random_baseline(models, prompts, neighbours).mean()),
    }


def analyze(
    rows: Sequence[dict[str, str]],
    embedder: Embedder,
    threshold: float = 0.8,
    neighbours: int = 5,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[dict[str, Any], np.ndarray]:
    """Metrics per model, per prompt and overall; also returns the embeddings.

    Every threshold share is reported beside ``floor``, the mean cosine of responses to
    different prompts under the same embedder (what "unrelated" looks like).
    """
    if not rows:
        raise UserError("no responses to analyse")
    progress = progress or NullProgress()
    texts = [r["response"] for r in rows]
    models = [r["model"] for r in rows]
    prompts = [r["prompt_id"] for r in rows]
    emb = encode_with_progress(embedder, texts, progress)
    names = list(dict.fromkeys(models))
    prompt_ids = list(dict.fromkeys(prompts))

    progress.log(f"pairwise metrics over {len(rows)} responses")
    intra = M.intra_model_similarity(emb, models, prompts)
    groups = M.group_indices(models, prompts)
    floor = M.unrelated_floor(emb, prompts, seed=seed)
    uniq = M.unique_models_at_n(emb, models, prompts, neighbours)
    inter_names, inter = M.inter_model_matrix(emb, models, prompts)
    per_model = _per_model(names, texts, models, intra, groups, emb, uniq, threshold,
                           neighbours)
    per_prompt = _per_prompt(prompt_ids, texts, models, prompts, intra, groups, emb, uniq,
                             neighbours, progress)

    overall = {
        "n_responses": len(rows), "n_models": len(names), "n_prompts": len(prompt_ids),
        "embedder": getattr(embedder, "name", type(embedder).__name__),
        **_overall(intra, inter, uniq, models, prompts, floor, threshold, neighbours),
    }
    report = {
        "overall": overall,
        "per_model": per_model,
        "per_prompt": per_prompt,
        "inter_model": {"models": inter_names, "matrix": inter.tolist()},
    }
    return report, emb
