"""Exact mistake bounds on finite classes: the checks of arXiv 2512.12567 that fit here.

Everything is exact (no sampling noise): Littlestone's theorem on enumerated classes,
the Halving and LD bounds, the families' values (footnotes 10, 12), Theorem C.2 by brute
force, strict gaps on 4 points, the (2/3)d family by products, the lower-bound adversary
(Algorithms 1, 2) on Lemma D.2 tree classes, and a search for the smallest M_tr per LD.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.errors import UserError
from neurips25.common.progress import Progress
from neurips25.transductive_online import families, measure, search
from neurips25.transductive_online.classes import ConceptClass
from neurips25.transductive_online.search import Found

PAPER = "arXiv 2512.12567v1"


@dataclass(frozen=True)
class Config:
    seed: int = 0
    random_classes: int = 300  # random classes on <= 6 points (Littlestone, bounds)
    definitional_max_points: int = 4  # plain game / shattered-tree definitions up to here
    c2_classes: int = 150  # random classes on <= 5 points for the Theorem C.2 brute force
    all_functions_max: int = 6
    thresholds_max_ld: int = 5  # thresholds on 2^k - 1 points, k <= this
    minimal_tree_max_depth: int = 5
    random_tree_max_depth: int = 5
    random_tree_draws: int = 2
    product_factors: int = 2  # powers of the 4-point gap class solved exactly
    additivity_pairs: int = 20
    additivity_max_size: int = 64  # |A| |B| of the random products checked
    search_points: tuple[int, ...] = (3, 4, 5)
    search_per_size: int = 1
    local_steps: int = 60
    local_lds: tuple[int, ...] = (3, 4, 5)
    search_max_ld: int = 10
    product_exact_max_size: int = 32
    max_states: int = 20_000  # search budget per exact solve (states, not seconds)

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(random_classes=1000, c2_classes=400, all_functions_max=7,
                   thresholds_max_ld=6, minimal_tree_max_depth=6, random_tree_max_depth=6,
                   random_tree_draws=3, product_factors=3, additivity_pairs=60,
                   additivity_max_size=256,
                   search_points=(3, 4, 5, 6), search_per_size=2, local_steps=300,
                   local_lds=(3, 4, 5, 6), product_exact_max_size=512, max_states=200_000)

    def __post_init__(self) -> None:
        if self.random_classes < 1 or self.c2_classes < 1 or self.max_states < 1:
            raise UserError("need random_classes >= 1, c2_classes >= 1 and max_states >= 1")
        if not 1 <= self.all_functions_max <= 10 or self.product_factors < 2:
            raise UserError("need 1 <= all_functions_max <= 10 and product_factors >= 2")


def _family_found(values: dict, make, source: str) -> list[Found]:
    return [Found(v["ld"], v["m_tr"], source, make(int(p))) for p, v in values.items()]


def _run_search(cfg: Config, rng: np.random.Generator, seeds: list[Found],
                progress: Progress) -> tuple[dict[int, Found], list[Found]]:
    """Random pool + local search + products; returns the best per LD and all found."""
    pool = seeds + search.random_pool(rng, cfg.search_points, cfg.search_per_size, cfg.max_states)
    best = search.best_per_ld(pool)
    for d in progress.track(cfg.local_lds, "local search per LD"):
        if d in best:
            pool.append(search.local_search(best[d], rng, cfg.local_steps, cfg.max_states))
    best = search.best_per_ld(pool)
    seen: set = set()
    for _ in range(2):  # products of products reach the larger LDs
        pool += search.product_pool(best, cfg.search_max_ld, cfg.product_exact_max_size,
                                    cfg.max_states, seen)
        best = search.best_per_ld(pool)
    return best, pool


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    from neurips25.transductive_online import plots

    cfg, out_dir = config, Path(out_dir)
    rng = np.random.default_rng(cfg.seed)
    t0 = time.perf_counter()
    randoms = measure.small_random_classes(rng, cfg.random_classes, 6)
    progress.log(f"transductive_online: {len(randoms)} random classes, 4-point enumeration")
    ex3, ex4 = measure.exhaustive(3), measure.exhaustive(4)
    named = {"all_functions": (range(1, cfg.all_functions_max + 1), families.all_functions),
             "thresholds": ([(1 << k) - 1 for k in range(1, cfg.thresholds_max_ld + 1)],
                            families.thresholds),
             "minimal_tree": (range(1, cfg.minimal_tree_max_depth + 1), families.tree_class)}
    fam = {k: measure.family_values(k, ps, cfg.max_states)
           for k, (ps, _) in progress.track(named.items(), "families")}
    found = [f for k, (_, make) in named.items() for f in _family_found(fam[k], make, k)]
    found += [search.solve(c, "random N<=6", cfg.max_states) for c in randoms]
    found = [f for f in found if f is not None] + ex3.pop("_found") + ex4.pop("_found")
    lt = measure.littlestone_theorem([f.cls for f in found], cfg.definitional_max_points)
    c2 = measure.theorem_c2(
        measure.small_random_classes(rng, cfg.c2_classes, 5) + [f.cls for f in found
                                                                if f.cls.n_points <= 4],
        [("thresholds N=3", families.thresholds(3)), ("thresholds N=7", families.thresholds(7)),
         ("minimal tree depth 2", families.tree_class(2))])
    pairs = [(a, b) for a, b in zip(randoms[::2], randoms[1::2], strict=False)
             if a.size * b.size <= cfg.additivity_max_size][:cfg.additivity_pairs]
    prods = measure.products(cfg.product_factors, pairs, cfg.max_states)
    trees, tree_found = measure.tree_classes(
        range(1, cfg.random_tree_max_depth + 1), cfg.random_tree_draws, rng, cfg.max_states,
        [(e, m) for e in (0.5, 0.25, 0.1) for m in (1, 2, 3, 4, 5, 6)])
    found += prods.pop("_found")
    best, pool = _run_search(cfg, rng, found, progress)  # tree classes: too big to mutate
    found += tree_found
    metrics = {
        "paper": PAPER, "littlestone": lt, "bounds": measure.bounds(found + pool),
        "families": fam, "exhaustive": {"3": ex3, "4": ex4}, "theorem_c2": c2,
        "products": prods, "tree_classes": trees,
        "smallest_found": {str(d): f.summary() for d, f in best.items()},
        "solve_seconds": round(time.perf_counter() - t0, 2),
    }
    plots.mtr_vs_ld(found + pool, best, out_dir / "mtr_vs_ld.png")
    plots.paper_adversary(trees, out_dir / "paper_adversary.png")
    return metrics


def found_classes(metrics: dict[str, Any]) -> list[ConceptClass]:
    """The smallest-M_tr classes of a finished run, rebuilt from their rows."""
    out = []
    for row in metrics["smallest_found"].values():
        if row["rows"] is not None:
            out.append(ConceptClass.from_rows([[int(c) for c in r] for r in row["rows"]]))
    return out
