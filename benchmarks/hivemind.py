"""hivemind: speed of the analyser's hot spots against the obvious baseline, same run.

- Vendi score via the d x d dual (X^T X / n) vs the n x n primal kernel eigendecomposition;
- the text-hash embedding cache vs embedding every response, on a pool where half the
  answers repeat (sampled LM pools are repetitive: that is the paper's point);
- unique-models@N vs a pure-Python nearest-neighbour loop.
Prints medians of repeats and ratios (> 1: ours faster).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from neurips25.common.timing import median_seconds
from neurips25.hivemind import metrics as M
from neurips25.hivemind.embed import CachedEmbedder, TfidfEmbedder
from neurips25.hivemind.synthetic import planted_pool

_median_time = partial(median_seconds, repeats=3)

def _brute_unique(emb, models, n):
    out = []
    for i in range(len(emb)):
        sims = sorted(((float(emb[i] @ emb[j]), j) for j in range(len(emb)) if j != i),
                      reverse=True)
        out.append(len({models[j] for _s, j in sims[:n]}))
    return out


def main() -> None:
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(1500, 384))
    t_dual = _median_time(lambda: M.vendi_score_embeddings(emb))
    t_primal = _median_time(lambda: M.vendi_score(M.cosine_matrix(emb)))
    print(f"vendi n=1500 d=384: dual {t_dual * 1e3:.1f} ms, primal {t_primal * 1e3:.1f} ms, "
          f"ratio {t_primal / t_dual:.1f}x")

    rows = planted_pool(0.5, 0.3, n_models=4, n_prompts=6, per_model=50, seed=0)
    texts = [r["response"] for r in rows]
    print(f"pool: {len(texts)} responses, {len(set(texts))} distinct")
    try:
        from neurips25.hivemind.embed import MiniLMEmbedder

        inner = MiniLMEmbedder()
        inner.encode(texts[:4])  # load once, outside the timing
        label = "minilm"
    except Exception as exc:  # noqa: BLE001 - the benchmark still runs with TF-IDF
        print(f"(MiniLM unavailable: {exc}; using TF-IDF)")
        inner, label = TfidfEmbedder().fit(texts), "tfidf"
    repeats = 1 if label == "minilm" else 3
    t_raw = _median_time(lambda: inner.encode(texts), repeats=repeats)
    t_cached = _median_time(lambda: CachedEmbedder(inner).encode(texts), repeats=repeats)
    print(f"embedding ({label}): all {t_raw:.2f} s, hash-cached {t_cached:.2f} s, "
          f"ratio {t_raw / t_cached:.1f}x")

    sub = TfidfEmbedder().fit(texts).encode(texts[:300])
    models = [r["model"] for r in rows[:300]]
    t_ours = _median_time(lambda: M.unique_models_at_n(sub, models, ["p"] * 300, 5))
    t_loop = _median_time(lambda: _brute_unique(sub, models, 5), repeats=1)
    print(f"unique-models@5 n=300: ours {t_ours * 1e3:.1f} ms, python loop {t_loop * 1e3:.1f} ms, "
          f"ratio {t_loop / t_ours:.1f}x")


if __name__ == "__main__":
    main()
