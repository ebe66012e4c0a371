"""The measurements behind each claim, one function per claim; each returns JSON-able data.

Kept apart from ``experiment.py`` (which only orchestrates) so each can be tested alone.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from neurips25.transductive_online import families, reference
from neurips25.transductive_online.classes import ConceptClass, disjoint_product, log2_floor
from neurips25.transductive_online.enumeration import class_from_mask, orbit_representatives
from neurips25.transductive_online.littlestone import littlestone_dimension, standard_value
from neurips25.transductive_online.paper_adversary import (
    algorithm2_sequence,
    forced_mistakes,
    paper_eps,
    paper_max_splits,
)
from neurips25.transductive_online.search import Found, solve
from neurips25.transductive_online.solver import transductive_mistake_bound
from neurips25.transductive_online.transductive import transductive_rank


def small_random_classes(rng: np.random.Generator, count: int, max_points: int
                         ) -> list[ConceptClass]:
    """``count`` random classes on 1..max_points points, every size equally likely."""
    out = []
    for _ in range(count):
        n = int(rng.integers(1, max_points + 1))
        size = int(rng.integers(1, (1 << n) + 1))
        out.append(families.random_class(n, size, rng))
    return out


def littlestone_theorem(classes: Iterable[ConceptClass], definitional_max_points: int
                        ) -> dict:
    """LD (Ldim recursion) vs the standard game's minimax value, class by class.

    On classes with at most ``definitional_max_points`` points also against the plain
    game recursion and the shattered-tree definition (reference.py).
    """
    n = plain = 0
    bad: list[dict] = []
    for cls in classes:
        ld, w = littlestone_dimension(cls), standard_value(cls)
        row = {"ld": ld, "minimax": w}
        if cls.n_points <= definitional_max_points:
            plain += 1
            row.update(plain_game=reference.standard_game_value(cls),
                       shattered_tree=reference.ld_by_trees(cls))
        n += 1
        if len(set(row.values())) != 1:
            bad.append({**row, "rows": cls.rows()})
    return {"classes": n, "checked_by_definition": plain, "mismatches": bad[:5],
            "n_mismatches": len(bad)}


def exhaustive(n_points: int) -> dict:
    """(LD, M_tr) over every class on ``n_points`` points (<= 4), via symmetry orbits."""
    reps, sizes = orbit_representatives(n_points)
    counts: Counter[tuple[int, int]] = Counter()
    sizes_at_gap: Counter[int] = Counter()
    found = []
    for mask, weight in zip(reps.tolist(), sizes.tolist(), strict=True):
        cls = class_from_mask(mask, n_points)
        f = solve(cls, f"all classes on {n_points} points", max_states=10**6)
        counts[(f.ld, f.m_tr)] += weight
        if f.m_tr < f.ld:
            sizes_at_gap[cls.size] += weight
        found.append(f)
    return {"n_points": n_points, "classes": int(sizes.sum()), "orbits": len(reps),
            "pairs": {f"{a},{b}": c for (a, b), c in sorted(counts.items())},
            "gap_classes": sum(c for (a, b), c in counts.items() if b < a),
            "gap_class_sizes": dict(sorted(sizes_at_gap.items())), "_found": found}


def bounds(found: Iterable[Found]) -> dict:
    """M_tr <= LD (M_tr <= M_std = LD) and M_tr <= floor(log2|H|) (Halving)."""
    items = [f for f in found if f.exact]
    over_ld = [f.summary() for f in items if f.m_tr > f.ld]
    over_halving = [f.summary() for f in items if f.m_tr > log2_floor(f.cls.size)]
    return {"classes": len(items), "n_over_ld": len(over_ld), "n_over_halving": len(over_halving),
            "examples": (over_ld + over_halving)[:3],
            "n_strict": sum(f.m_tr < f.ld for f in items)}


def family_values(kind: str, params: Iterable[int], max_states: int) -> dict:
    """Exact (LD, M_tr, certificate length, seconds) for a family over its parameter."""
    make = {"all_functions": families.all_functions, "thresholds": families.thresholds,
            "minimal_tree": families.tree_class, "singletons": families.singletons}[kind]
    out = {}
    for p in params:
        cls = make(p)
        b = transductive_mistake_bound(cls, max_states=max_states)
        out[str(p)] = {"ld": b.littlestone, "m_tr": b.value, "length": len(b.sequence),
                       "seconds": round(b.seconds, 3), "sequence": list(b.sequence)[:64]}
        if kind == "minimal_tree":  # points are numbered breadth-first (footnote 12's order)
            out[str(p)]["bfs_rank"] = transductive_rank(cls, range(cls.n_points))
    return out


def theorem_c2(classes: Iterable[ConceptClass], tight: Iterable[tuple[str, ConceptClass]]
               ) -> dict:
    """Theorem C.2: if M mistakes can be forced, some sequence of length <= 2^M - 1 does.

    Brute force (all ordered subsets): max rank over sequences of length <= 2^M - 1 vs
    over all sequences. ``tight``: classes where no shorter sequence should do.
    """
    n = 0
    bad = []
    for cls in classes:
        m_all, _ = reference_max(cls, None)
        m_short, _ = reference_max(cls, (1 << m_all) - 1)
        n += 1
        if m_short < m_all:
            bad.append({"rows": cls.rows(), "m_tr": m_all, "within_bound": m_short})
    tight_rows = {}
    for name, cls in tight:
        m_all, _ = reference_max(cls, None)
        shortest = next(length for length in range(cls.n_points + 1)
                        if reference_max(cls, length)[0] == m_all)
        tight_rows[name] = {"m_tr": m_all, "shortest": shortest, "bound": (1 << m_all) - 1}
    return {"classes": n, "n_violations": len(bad), "violations": bad[:3], "tight": tight_rows}


def reference_max(cls: ConceptClass, max_len: int | None) -> tuple[int, tuple[int, ...]]:
    """max over ordered subsets (length <= max_len) of the fixed-sequence rank."""
    best, arg = 0, ()
    for seq in reference.ordered_subsets(cls.n_points, max_len):
        r = transductive_rank(cls, seq)
        if r > best:
            best, arg = r, seq
    return best, arg


def products(factors: int, pairs: Iterable[tuple[ConceptClass, ConceptClass]],
             max_states: int) -> dict:
    """Powers of the 4-point gap class (exact), and additivity of LD, M_tr on pairs."""
    base = families.four_point_gap()
    powers, found = {}, []
    for k in range(1, factors + 1):
        f = solve(families.power(base, k), f"4-point class ^{k}", max_states)
        powers[str(k)] = None if f is None else {"ld": f.ld, "m_tr": f.m_tr,
                                                 "size": f.cls.size}
        found += [] if f is None else [f]
    add_bad = []
    n = 0
    for a, b in pairs:
        fa, fb = solve(a, "a", max_states), solve(b, "b", max_states)
        fp = solve(disjoint_product(a, b), "a x b", max_states)
        if None in (fa, fb, fp):
            continue
        n += 1
        if (fp.ld, fp.m_tr) != (fa.ld + fb.ld, fa.m_tr + fb.m_tr):
            add_bad.append({"a": a.rows(), "b": b.rows(), "product": [fp.ld, fp.m_tr]})
    return {"powers": powers, "additivity_pairs": n, "additivity_failures": add_bad[:3],
            "n_additivity_failures": len(add_bad), "_found": found}


def tree_classes(depths: Iterable[int], draws: int, rng: np.random.Generator,
                 max_states: int, grid: Iterable[tuple[float, int]]
                 ) -> tuple[list[dict], list[Found]]:
    """Lemma D.2 classes (p = 2^-sqrt(D)): exact M_tr and the paper's adversary on them."""
    grid = list(grid)
    rows, found = [], []
    for depth in depths:
        for draw in range(draws):
            cls = families.tree_class(depth, 2.0 ** -np.sqrt(depth), rng)
            b = None
            try:
                b = transductive_mistake_bound(cls, max_states=max_states)
            except RuntimeError:
                pass
            d = depth + 1
            default = forced_mistakes(cls, algorithm2_sequence(cls, d, paper_eps(d),
                                                               paper_max_splits(d)),
                                      paper_eps(d), paper_max_splits(d))
            tuned = max((forced_mistakes(cls, algorithm2_sequence(cls, d, e, m), e, m), e, m)
                        for e, m in grid)
            rows.append({"depth": depth, "draw": draw, "ld": littlestone_dimension(cls),
                         "m_tr": None if b is None else b.value,
                         "seconds": None if b is None else round(b.seconds, 2),
                         "paper_adversary_default": default,
                         "paper_adversary_tuned": tuned[0],
                         "tuned_eps_m": [tuned[1], tuned[2]]})
            if b is not None:
                found.append(Found(b.littlestone, b.value, "random tree (Lemma D.2)", cls))
    return rows, found
