"""One call from loaded models to numbers + figures, shared by the CLI and the toy experiment."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from neurips25.rlvr_passk.coverage import accuracy_histogram, coverage
from neurips25.rlvr_passk.estimators import majority_at_k
from neurips25.rlvr_passk.io import ModelCounts
from neurips25.rlvr_passk.stats import Band, Comparison, compare, curve


def pow2_ks(k_max: int) -> list[int]:
    """1, 2, 4, ... up to k_max, plus k_max itself."""
    ks = [2**i for i in range(int(np.log2(k_max)) + 1)]
    return ks if ks[-1] == k_max else [*ks, k_max]


def resolve_kmax(models: list[ModelCounts], k_max: int | None) -> int:
    from neurips25.common.errors import UserError

    low = min(int(m.n.min()) for m in models)
    if k_max is None:
        return low
    if not 1 <= k_max <= low:
        raise UserError(f"--k-max {k_max} is out of range: every problem needs k <= n, "
                        f"and the smallest n is {low}")
    return k_max


def majority_curve(m: ModelCounts, ks: list[int], seed: int = 0,
                   draws: int = 200) -> list[float] | None:
    """Dataset majority@k at the given k (needs sample texts), else None."""
    if m.answers is None:
        return None
    rng = np.random.default_rng(seed)
    out = []
    for k in ks:
        vals = [majority_at_k([a for a, _ in s], [ok for _, ok in s], k, rng, draws)
                for s in m.answers.values() if len(s) >= k]
        out.append(float(np.mean(vals)) if vals else float("nan"))
    return out


def curves_report(models: list[ModelCounts], k_max: int, n_boot: int, seed: int,
                  out: Path | None) -> tuple[dict[str, Band], dict[str, Any]]:
    bands = {m.name: curve(m.n, m.c, k_max, n_boot, seed) for m in models}
    ks = pow2_ks(k_max)
    table = {name: {str(k): [b.at(k), float(b.lo[k - 1]), float(b.hi[k - 1])] for k in ks}
             for name, b in bands.items()}
    data = {"k_max": k_max, "problems": {m.name: len(m.problem_ids) for m in models},
            "pass_at_k": table, "curves": {n: b.to_dict() for n, b in bands.items()}}
    if out is not None:
        from neurips25.rlvr_passk.plots import curves_figure

        curves_figure(bands, out / "passk_curves.png")
    return bands, data


def compare_report(base: ModelCounts, rl: ModelCounts, k_max: int, n_boot: int, seed: int,
                   out: Path | None, names: tuple[str, str] = ("base", "RL"),
                   prefix: str = "") -> tuple[Comparison, dict[str, Any]]:
    """Paired comparison, coverage and histograms of two aligned models; figures into ``out``."""
    comp = compare(base.n, base.c, rl.n, rl.c, k_max, n_boot, seed)
    cov = coverage(base.problem_ids, base.c, rl.c)
    hists = {names[0]: accuracy_histogram(base.n, base.c), names[1]: accuracy_histogram(rl.n, rl.c)}
    data: dict[str, Any] = {
        **comp.summary(),
        "coverage": cov.counts(),
        "rl_subset_fraction": cov.rl_subset_fraction,
        "rl_only_problems": cov.rl_only[:50],
        "accuracy_histogram": {k: v.tolist() for k, v in hists.items()},
        "curves": {names[0]: comp.base.to_dict(), names[1]: comp.rl.to_dict(),
                   "diff": comp.diff.to_dict()},
    }
    if out is not None:
        from neurips25.rlvr_passk import plots

        plots.curves_figure({names[0]: comp.base, names[1]: comp.rl},
                            out / f"{prefix}passk_curves.png", comp.k_star)
        plots.diff_figure(comp.diff, out / f"{prefix}passk_diff.png", comp.k_star)
        plots.coverage_figure(cov.counts(), out / f"{prefix}coverage_venn.png", names)
        plots.histogram_figure(hists, out / f"{prefix}accuracy_hist.png")
    return comp, data
