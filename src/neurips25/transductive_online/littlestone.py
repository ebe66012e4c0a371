"""Standard online learning on a finite class: Littlestone dimension, minimax value, SOA.

Littlestone (1988): the optimal mistake bound of the standard game, where the adversary
picks each point adaptively, equals the Littlestone dimension LD. We compute both sides
separately so the theorem is a check, not an assumption:

* ``littlestone_dimension``: LD(V) = max over points x splitting V into non-empty V0, V1
  of 1 + min(LD(V0), LD(V1)); LD = 0 for one hypothesis (notes, "Ldim recursion").
* ``standard_value``: the game value W(V) = max_x c(W(V0), W(V1)) with
  c(a, b) = max(a, b) + [a == b] (the learner predicts, the adversary answers).
"""
from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from neurips25.transductive_online.classes import ConceptClass, log2_floor

_MEMO: weakref.WeakKeyDictionary[ConceptClass, dict[str, dict[int, int]]] = \
    weakref.WeakKeyDictionary()


def _memo(cls: ConceptClass, name: str) -> dict[int, int]:
    tables = _MEMO.setdefault(cls, {})
    return tables.setdefault(name, {})


def combine(a: int, b: int) -> int:
    """Value of a split whose sides are worth a and b: the learner loses one more on a tie."""
    return max(a, b) + (a == b)


def distinct_splits(cls: ConceptClass, v: int, points: Sequence[int] | None = None
                    ) -> list[tuple[int, int, int]]:
    """(x, V0, V1) for the points splitting ``v``, one point per distinct (unordered) split.

    ``points`` narrows the points to look at: a point that does not split V splits no
    subset of V, and two points that split V alike split every subset alike.
    """
    seen: set[int] = set()
    out = []
    ones = cls.ones
    for x in range(cls.n_points) if points is None else points:
        v1 = v & ones[x]
        if not v1 or v1 == v:
            continue
        v0 = v ^ v1
        key = v1 if v1 < v0 else v0
        if key not in seen:
            seen.add(key)
            out.append((x, v0, v1))
    return out


def littlestone_dimension(cls: ConceptClass, v: int | None = None) -> int:
    """LD of version space ``v`` (default: the whole class); -1 for the empty one."""
    v = cls.full if v is None else v
    return ld_cached(cls, v, _memo(cls, "ld"))


def ld_memo(cls: ConceptClass) -> dict[int, int]:
    """The per-class LD memo, for callers that query LD in a hot loop."""
    return _memo(cls, "ld")


def ld_cached(cls: ConceptClass, v: int, memo: dict[int, int],
              points: Sequence[int] | None = None) -> int:
    """LD(v) with ``memo``; ``points`` (if given) includes every point that splits v."""
    got = memo.get(v)
    if got is not None:
        return got
    n = v.bit_count()
    if n <= 1:
        return n - 1
    top, best = log2_floor(n), 0  # LD <= log2|V|: stop once reached
    splits = distinct_splits(cls, v, points)
    inner = [x for x, _, _ in splits]
    for _, v0, v1 in splits:
        small, big = (v0, v1) if v0.bit_count() <= v1.bit_count() else (v1, v0)
        if log2_floor(small.bit_count()) < best:
            continue  # 1 + min(...) cannot beat best
        a = ld_cached(cls, small, memo, inner)
        if a < best:
            continue
        best = max(best, 1 + min(a, ld_cached(cls, big, memo, inner)))
        if best == top:
            break
    memo[v] = best
    return best


def standard_value(cls: ConceptClass, v: int | None = None) -> int:
    """Minimax mistakes of the standard game on ``v``: adversary picks points adaptively.

    Branch and bound: a split whose sides' Halving bounds cannot beat the best value so
    far is skipped, and the search stops at floor(log2|V|).
    """
    v = cls.full if v is None else v
    return _std(cls, v, _memo(cls, "std"), None)


def _std(cls: ConceptClass, v: int, memo: dict[int, int], points: Sequence[int] | None
         ) -> int:
    got = memo.get(v)
    if got is not None:
        return got
    top, best = log2_floor(max(v.bit_count(), 1)), 0
    splits = distinct_splits(cls, v, points)
    inner = [x for x, _, _ in splits]
    for _, v0, v1 in splits:
        if combine(log2_floor(v0.bit_count()), log2_floor(v1.bit_count())) <= best:
            continue
        best = max(best, combine(_std(cls, v0, memo, inner), _std(cls, v1, memo, inner)))
        if best == top:
            break
    memo[v] = best
    return best


def soa_predict(cls: ConceptClass, v: int, x: int) -> int:
    """Littlestone's SOA: predict the label whose version space has the larger LD (tie: 1)."""
    v0, v1 = cls.split(v, x)
    if not v0 or not v1:
        return int(bool(v1))
    return int(littlestone_dimension(cls, v1) >= littlestone_dimension(cls, v0))


def halving_predict(cls: ConceptClass, v: int, x: int) -> int:
    """Halving: predict the majority label of the version space (tie: 1).

    Every mistake halves the version space, so Halving errs at most floor(log2|H|) times
    in either game: the bound M_tr <= M_std <= floor(log2|H|).
    """
    v0, v1 = cls.split(v, x)
    return int(v1.bit_count() >= v0.bit_count())


@dataclass(frozen=True)
class TreeNode:
    """A node of a mistake tree: a point and the subtrees after labels 0 and 1."""

    point: int
    child0: TreeNode | None
    child1: TreeNode | None


def littlestone_tree(cls: ConceptClass, v: int | None = None,
                     depth: int | None = None) -> TreeNode | None:
    """A complete mistake tree of the given depth (default LD) shattered by ``v``."""
    v = cls.full if v is None else v
    depth = littlestone_dimension(cls, v) if depth is None else depth
    if depth <= 0:
        return None
    for x, v0, v1 in distinct_splits(cls, v):
        if min(littlestone_dimension(cls, v0), littlestone_dimension(cls, v1)) >= depth - 1:
            return TreeNode(x, littlestone_tree(cls, v0, depth - 1),
                            littlestone_tree(cls, v1, depth - 1))
    raise ValueError(f"the version space does not shatter a tree of depth {depth}")


def tree_is_shattered(cls: ConceptClass, tree: TreeNode | None, v: int | None = None) -> bool:
    """Definition check: every root-to-leaf labelled path is realised by some hypothesis."""
    v = cls.full if v is None else v
    if not v:
        return False
    if tree is None:
        return True
    v0, v1 = cls.split(v, tree.point)
    return (tree_is_shattered(cls, tree.child0, v0)
            and tree_is_shattered(cls, tree.child1, v1))


def tree_depth(tree: TreeNode | None) -> int:
    """Depth of a complete tree (0 for a leaf)."""
    return 0 if tree is None else 1 + tree_depth(tree.child0)
