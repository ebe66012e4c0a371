"""The toy's figures, from problems pooled over seeds (each seed's problems kept apart by id)."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

LABELS = {"base": "base", "rl": "RL, no-carry prompts", "rl_edge": "RL, edge prompts",
          "distill": "distilled"}


def _pooled(results: Sequence[dict[str, Any]], key: str, name: str) -> np.ndarray:
    return np.concatenate([np.asarray(r[key][name]) for r in results])


def pooled_figures(results: Sequence[dict[str, Any]], cfg: Any, out_dir: Path,
                   ids: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Base-vs-RL comparison figures (curves, difference, coverage, histograms), every arm's
    curves, the RL-steps trajectory, the base model's reach by carry count and perplexity
    histograms. Returns the pooled base-vs-RL summary (``analysis.compare_report``)."""
    from neurips25.rlvr_passk import analysis, plots
    from neurips25.rlvr_passk.io import ModelCounts
    from neurips25.rlvr_passk.stats import curve

    flat_ids = [i for seed_ids in ids for i in seed_ids]
    n = np.full(len(flat_ids), cfg.n_samples)
    counts = {name: _pooled(results, "counts", name) for name in results[0]["counts"]}
    base, rl = (ModelCounts(m, flat_ids, n, counts[m]) for m in ("base", "rl"))
    _, main = analysis.compare_report(base, rl, cfg.n_samples, cfg.n_boot, cfg.seed, out_dir,
                                      ("base", "RL (GRPO)"))
    bands = {name: curve(n, c, cfg.n_samples, cfg.n_boot, cfg.seed) for name, c in counts.items()}
    seeds = f"{len(results)} seed(s) pooled"
    plots.curves_figure({LABELS[k]: bands[k] for k in LABELS}, out_dir / "passk_all_arms.png",
                        title=f"pass@k of every arm (95% CI, {seeds})")
    steps = {f"RL {s} steps": bands[f"rl@{s}"] for s in cfg.rl_checkpoints}
    plots.curves_figure({"base": bands["base"], **steps, f"RL {cfg.rl_steps} steps": bands["rl"]},
                        out_dir / "passk_rl_steps.png", title="longer RL: pass@k by RL steps")
    carries = np.concatenate([np.asarray(r["carries"]) for r in results])
    plots.reach_figure(carries, {LABELS[k]: counts[k] for k in LABELS}, cfg.n_samples,
                       out_dir / "reach_by_carries.png")
    ppl = {f"{k} samples": _pooled(results, "ppl", k) for k in ("base", "rl", "distill")}
    plots.perplexity_figure(ppl, out_dir / "perplexity_hist.png")
    main.pop("curves", None)  # the figures hold them; keep result.json small
    return main
