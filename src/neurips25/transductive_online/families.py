"""Concept-class families with known or paper-given mistake bounds.

* thresholds on N points: LD = M_tr = floor(log2(N + 1)) (Halving is optimal);
* singletons: LD = M_tr = 1;
* all functions on d points: LD = M_tr = d (arXiv 2512.12567, footnote 10);
* the tree classes of Lemma D.2: domain = the 2^(D+1) - 1 nodes of the binary tree T_D
  (depth D), one hypothesis h_b per b in {0,1}^(D+1), labelling its own path by b and
  every off-path node by an independent Bernoulli(p); LD = D + 1. p = 0 is the
  "minimal" class, where breadth-first order forces one mistake per level (footnote 12);
* the 4-point class with LD 3 and M_tr 2, whose disjoint powers give the (2/3)d family of
  Ben-David, Kushilevitz and Mansour (1997) that the paper improves on.
"""
from __future__ import annotations

import numpy as np

from neurips25.transductive_online.classes import ConceptClass, disjoint_product


def thresholds(n_points: int) -> ConceptClass:
    """h_t(x) = [x >= t] for t = 0..N: N + 1 hypotheses."""
    return ConceptClass(n_points, tuple(((1 << n_points) - 1) & ~((1 << t) - 1)
                                        for t in range(n_points + 1)))


def singletons(n_points: int, with_empty: bool = False) -> ConceptClass:
    """Indicators of single points (and the all-zero function if ``with_empty``)."""
    hyps = tuple(1 << x for x in range(n_points))
    return ConceptClass(n_points, ((0,) if with_empty else ()) + hyps)


def all_functions(d: int) -> ConceptClass:
    """Every labelling of d points."""
    return ConceptClass(d, tuple(range(1 << d)))


def tree_nodes(depth: int) -> list[tuple[int, ...]]:
    """Nodes of T_depth as bit-string prefixes, breadth-first: () then (0,), (1,), ..."""
    return [tuple(int(c) for c in format(i, f"0{length}b")) if length else ()
            for length in range(depth + 1) for i in range(1 << length)]


def tree_class(depth: int, p: float = 0.0, rng: np.random.Generator | None = None
               ) -> ConceptClass:
    """The class of Lemma D.2 on T_depth (points numbered breadth-first), LD = depth + 1.

    h_b(b_<=i) = b_(i+1) on its path; each off-path label is Bernoulli(p), i.i.d. per
    (hypothesis, node). p = 0 gives the minimal class.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if p > 0 and rng is None:
        raise ValueError("a random tree class (p > 0) needs an rng")
    nodes = tree_nodes(depth)
    index = {u: i for i, u in enumerate(nodes)}
    hyps = []
    for code in range(1 << (depth + 1)):
        b = tuple(int(c) for c in format(code, f"0{depth + 1}b"))
        labels = (rng.random(len(nodes)) < p).astype(int) if p > 0 else np.zeros(len(nodes), int)
        for i in range(depth + 1):
            labels[index[b[:i]]] = b[i]
        hyps.append(sum(int(v) << x for x, v in enumerate(labels)))
    return ConceptClass(len(nodes), tuple(hyps))


FOUR_POINT_ROWS = ((0, 0, 0, 0), (1, 0, 0, 0), (0, 1, 0, 0), (1, 1, 0, 0),
                   (0, 0, 1, 0), (1, 0, 1, 0), (0, 1, 0, 1), (1, 0, 1, 1))


def four_point_gap() -> ConceptClass:
    """8 hypotheses on 4 points (columns x0..x3) with LD 3 but M_tr 2 (research notes)."""
    return ConceptClass.from_rows(FOUR_POINT_ROWS)


def power(cls: ConceptClass, k: int) -> ConceptClass:
    """The k-fold disjoint product of ``cls`` with itself."""
    if k < 1:
        raise ValueError("k must be >= 1")
    out = cls
    for _ in range(k - 1):
        out = disjoint_product(out, cls)
    return out


def random_class(n_points: int, size: int, rng: np.random.Generator) -> ConceptClass:
    """``size`` distinct hypotheses drawn uniformly from {0,1}^N."""
    if not 1 <= size <= 1 << n_points:
        raise ValueError(f"size must be in 1..2^{n_points}")
    if n_points <= 20:
        hyps = rng.choice(1 << n_points, size=size, replace=False)
        return ConceptClass(n_points, tuple(int(h) for h in hyps))
    seen: set[int] = set()
    while len(seen) < size:
        seen.add(int.from_bytes(rng.bytes((n_points + 7) // 8), "little") >> (
            8 * ((n_points + 7) // 8) - n_points))
    return ConceptClass(n_points, tuple(sorted(seen)))
