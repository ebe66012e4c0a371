"""Search for the smallest M_tr at each Littlestone dimension, at the sizes we can solve.

The paper's question, in miniature: how far below LD = d can M_tr go? Asymptotically
Theta(sqrt d) (arXiv 2512.12567); the best earlier construction gave (2/3)d. Here we
look, exactly, at small d: random classes, local search (flip a label, add or drop a
hypothesis, keep LD fixed, never let M_tr rise), and disjoint products of the best
classes found (LD and M_tr add). An illustration, not a test of the asymptotic bounds.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from neurips25.transductive_online.classes import ConceptClass, disjoint_product
from neurips25.transductive_online.families import random_class
from neurips25.transductive_online.littlestone import littlestone_dimension
from neurips25.transductive_online.solver import SearchTimeout, transductive_mistake_bound


@dataclass(frozen=True)
class Found:
    """A class with its LD and M_tr; ``exact`` False means M_tr is a sum over factors."""

    ld: int
    m_tr: int
    source: str
    cls: ConceptClass
    exact: bool = True

    def better_than(self, other: Found | None) -> bool:
        if other is None:
            return True
        return (self.m_tr, not self.exact, self.cls.size) < \
            (other.m_tr, not other.exact, other.cls.size)

    def summary(self) -> dict:
        return {"ld": self.ld, "m_tr": self.m_tr, "source": self.source, "exact": self.exact,
                "n_points": self.cls.n_points, "size": self.cls.size,
                "rows": [format(h, f"0{self.cls.n_points}b")[::-1] for h in self.cls.hyps]
                if self.cls.size <= 64 else None}


def solve(cls: ConceptClass, source: str, max_states: int) -> Found | None:
    """Exact (LD, M_tr), or None past the search budget (deterministic, not wall time)."""
    try:
        b = transductive_mistake_bound(cls, max_states=max_states)
    except SearchTimeout:
        return None
    return Found(b.littlestone, b.value, source, cls)


def best_per_ld(found: Iterable[Found]) -> dict[int, Found]:
    """The smallest M_tr per LD (ties: exact first, then fewer hypotheses)."""
    best: dict[int, Found] = {}
    for f in found:
        if f.better_than(best.get(f.ld)):
            best[f.ld] = f
    return dict(sorted(best.items()))


def random_pool(rng: np.random.Generator, n_points: Iterable[int], per_size: int,
                max_states: int) -> list[Found]:
    """Random classes of every size 2..2^N on each N (``per_size`` draws per size)."""
    out = []
    for n in n_points:
        for size in range(2, (1 << n) + 1, max(1, (1 << n) // 16)):
            for _ in range(per_size):
                f = solve(random_class(n, size, rng), f"random N={n}", max_states)
                if f is not None:
                    out.append(f)
    return out


def _mutate(cls: ConceptClass, rng: np.random.Generator) -> ConceptClass | None:
    hyps = list(cls.hyps)
    move = rng.integers(3)
    if move == 0:  # flip one label of one hypothesis
        i, x = int(rng.integers(len(hyps))), int(rng.integers(cls.n_points))
        hyps[i] ^= 1 << x
    elif move == 1 and len(hyps) > 2:
        hyps.pop(int(rng.integers(len(hyps))))
    else:
        hyps.append(int(rng.integers(1 << cls.n_points)))
    if len(set(hyps)) != len(hyps):
        return None
    return ConceptClass(cls.n_points, tuple(hyps))


def local_search(start: Found, rng: np.random.Generator, steps: int, max_states: int
                 ) -> Found:
    """Random moves that keep LD and never raise M_tr; returns the best class visited."""
    cur = best = start
    for _ in range(steps):
        cand = _mutate(cur.cls, rng)
        if cand is None or littlestone_dimension(cand) != start.ld:
            continue
        f = solve(cand, "local search", max_states)
        if f is None or f.m_tr > cur.m_tr:
            continue
        cur = f
        if f.better_than(best):
            best = f
    return best


def product_pool(best: dict[int, Found], max_ld: int, exact_max_size: int, max_states: int,
                 seen: set[tuple[ConceptClass, ConceptClass]] | None = None) -> list[Found]:
    """Disjoint products of two best-so-far classes; solved exactly when small enough.

    Pairs in ``seen`` are skipped (and new ones added), so repeated rounds only build
    products that involve a newly found class.
    """
    seen = set() if seen is None else seen
    out = []
    items = sorted(best.values(), key=lambda f: f.ld)
    for i, a in enumerate(items):
        for b in items[i:]:
            if a.ld + b.ld > max_ld or a.ld == 0 or b.ld == 0 or (a.cls, b.cls) in seen:
                continue
            seen.add((a.cls, b.cls))
            prod = disjoint_product(a.cls, b.cls)
            name = f"product (LD {a.ld} x LD {b.ld})"
            f = None
            if prod.size <= exact_max_size and a.exact and b.exact:
                f = solve(prod, name, max_states)
            if f is None:  # M_tr adds over disjoint products (the adversary concatenates)
                f = Found(a.ld + b.ld, a.m_tr + b.m_tr, name, prod, exact=False)
            out.append(f)
    return out
