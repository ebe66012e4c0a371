"""The lower-bound adversary of arXiv 2512.12567, Theorem B.1 (Algorithms 1 and 2).

Algorithm 1 (labels): with r_t the share of the version space labelling x_t with 1,
force a mistake (answer the opposite of the prediction) when r_t lies in [eps, 1 - eps],
else answer the majority label; eps = 2^(-sqrt(d)/2). Each branch forces at most
M = sqrt(d)/10 mistakes.

Algorithm 2 (the sequence, fixed before play) simulates every branch of Algorithm 1's
answers along a shattered (Littlestone) tree of depth d: each branch follows its tree
path, and a child node is queued only if the point lies on the path of every function in
that branch. This module rebuilds Algorithm 2 from the research notes' summary of the
paper (no code was published): branches are processed breadth-first; each new point is
labelled by every live branch (splitting it when Algorithm 1 would force a mistake); a
branch moves to the child node only if all of its functions agree with the tree path
there, else it stops asking for points.

The paper's proof needs d >= 800, where M >= 2.8; at the sizes run here sqrt(d)/10 < 1,
so ``max_splits`` and ``eps`` are parameters (defaults: the paper's formulas, M >= 1).
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from neurips25.transductive_online.classes import ConceptClass
from neurips25.transductive_online.littlestone import (
    TreeNode,
    littlestone_dimension,
    littlestone_tree,
)


def paper_eps(d: int) -> float:
    """eps = 2^(-sqrt(d)/2) (Algorithm 1)."""
    return 2.0 ** (-math.sqrt(d) / 2)


def paper_max_splits(d: int) -> int:
    """M = sqrt(d)/10 mistakes per branch (Theorem B.1), at least 1 here."""
    return max(1, int(math.sqrt(d) / 10))


def forces(cls: ConceptClass, v: int, x: int, eps: float) -> bool:
    """Algorithm 1's test: the share r of V labelling x with 1 lies in [eps, 1 - eps]."""
    r = (v & cls.ones[x]).bit_count() / v.bit_count()
    return eps <= r <= 1 - eps


def majority(cls: ConceptClass, v: int, x: int) -> int:
    """The label most of V gives x (ties: 1)."""
    ones = (v & cls.ones[x]).bit_count()
    return int(2 * ones >= v.bit_count())


@dataclass
class _Branch:
    v: int
    node: TreeNode | None
    splits: int
    path: list[tuple[int, int]]  # (point, label) of the tree path followed so far


def _advance(cls: ConceptClass, b: _Branch, x: int, y: int) -> None:
    """After b answers y on x: move to the tree child if every function agrees with it."""
    if b.node is None or b.node.point != x:
        return
    path = [*b.path, (x, y)]
    child = b.node.child1 if y else b.node.child0
    agree = all(b.v & (cls.ones[p] if lab else cls.zeros[p]) == b.v for p, lab in path)
    b.node, b.path = (child, path) if agree else (None, path)


def algorithm2_sequence(cls: ConceptClass, d: int, eps: float, max_splits: int,
                        max_length: int = 4096) -> tuple[int, ...]:
    """The adversary's sequence: Algorithm 2 as rebuilt here (see the module docstring)."""
    tree = littlestone_tree(cls, depth=min(d, littlestone_dimension(cls)))
    branches = [_Branch(cls.full, tree, 0, [])]
    seq: list[int] = []
    queue = deque(branches)
    while queue and len(seq) < max_length:
        b = queue.popleft()
        if b.node is None or b.node.point in seq:
            continue
        x = b.node.point
        seq.append(x)
        nxt: list[_Branch] = []
        for br in branches:  # every live branch labels the new point
            if not cls.splits(br.v, x):
                y = int(bool(br.v & cls.ones[x]))
                _advance(cls, br, x, y)
                nxt.append(br)
            elif forces(cls, br.v, x, eps) and br.splits < max_splits:
                for y in (0, 1):
                    child = _Branch(br.v & (cls.ones[x] if y else cls.zeros[x]), br.node,
                                    br.splits + 1, list(br.path))
                    _advance(cls, child, x, y)
                    nxt.append(child)
            else:
                y = majority(cls, br.v, x)
                br.v &= cls.ones[x] if y else cls.zeros[x]
                _advance(cls, br, x, y)
                nxt.append(br)
        branches = nxt
        queue = deque(br for br in branches if br.node is not None)
    return tuple(seq)


@dataclass
class PaperAdversary:
    """Algorithms 1 and 2 as a transductive adversary; parameters default to the paper's."""

    d: int | None = None  # default: LD of the class
    eps: float | None = None  # default 2^(-sqrt(d)/2)
    max_splits: int | None = None  # default max(1, sqrt(d)/10)
    max_length: int = 4096
    _splits: dict[int, int] = field(default_factory=dict, repr=False)

    def params(self, cls: ConceptClass) -> tuple[int, float, int]:
        d = littlestone_dimension(cls) if self.d is None else self.d
        return (d, paper_eps(d) if self.eps is None else self.eps,
                paper_max_splits(d) if self.max_splits is None else self.max_splits)

    def choose_sequence(self, cls: ConceptClass) -> tuple[int, ...]:
        self.cls = cls
        d, self._eps, self._m = self.params(cls)
        self._splits = {cls.full: 0}
        return algorithm2_sequence(cls, d, self._eps, self._m, self.max_length)

    def label(self, v: int, t: int, x: int, prediction: int) -> int:
        """Algorithm 1: force a mistake on a balanced split while the budget lasts."""
        cls, used = self.cls, self._splits.get(v, 0)
        if cls.splits(v, x) and forces(cls, v, x, self._eps) and used < self._m:
            y = 1 - prediction
            used += 1
        elif cls.splits(v, x):
            y = majority(cls, v, x)
        else:
            y = int(bool(v & cls.ones[x]))
        self._splits[v & (cls.ones[x] if y else cls.zeros[x])] = used
        return y


def forced_mistakes(cls: ConceptClass, seq: tuple[int, ...], eps: float, max_splits: int
                    ) -> int:
    """Mistakes Algorithm 1 forces on ``seq`` against the learner that minimises them.

    Where Algorithm 1 forces, either prediction costs one mistake and the learner picks
    the cheaper side; elsewhere it predicts the majority and pays nothing.
    """
    memo: dict[tuple[int, int, int], int] = {}

    def f(v: int, t: int, used: int) -> int:
        while t < len(seq) and not cls.splits(v, seq[t]):
            t += 1
        if t == len(seq):
            return 0
        key = (v, t, used)
        if key not in memo:
            x = seq[t]
            v0, v1 = cls.split(v, x)
            if forces(cls, v, x, eps) and used < max_splits:
                memo[key] = 1 + min(f(v0, t + 1, used + 1), f(v1, t + 1, used + 1))
            else:
                memo[key] = f(v1 if majority(cls, v, x) else v0, t + 1, used)
        return memo[key]

    return f(cls.full, 0, 0)
