"""Plain brute force, straight from the definitions, to test the fast solvers against.

No memo, no pruning beyond what the definitions give; exponential, for classes on a few
points only (N <= 6 or so).
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from neurips25.transductive_online.classes import ConceptClass


def _labels(cls: ConceptClass, v: int, x: int) -> Iterator[tuple[int, int]]:
    """(label, version space) for the labels some hypothesis of ``v`` gives to x."""
    for y, m in ((0, cls.zeros[x]), (1, cls.ones[x])):
        if v & m:
            yield y, v & m


def game_value_fixed(cls: ConceptClass, seq: Sequence[int], v: int | None = None) -> int:
    """Transductive game on a fixed sequence: min over predictions, max over labels."""
    v = cls.full if v is None else v
    if not seq:
        return 0
    x, rest = seq[0], seq[1:]
    after = [(y, game_value_fixed(cls, rest, u)) for y, u in _labels(cls, v, x)]
    return min(max((p != y) + val for y, val in after) for p in (0, 1))


def standard_game_value(cls: ConceptClass, v: int | None = None) -> int:
    """Standard game: the adversary picks each point after seeing the labels so far."""
    v = cls.full if v is None else v
    best = 0
    for x in range(cls.n_points):
        if not cls.splits(v, x):
            continue  # a point the version space agrees on gains the adversary nothing
        after = [(y, standard_game_value(cls, u)) for y, u in _labels(cls, v, x)]
        best = max(best, min(max((p != y) + val for y, val in after) for p in (0, 1)))
    return best


def ordered_subsets(n_points: int, max_len: int | None = None) -> Iterator[tuple[int, ...]]:
    """Every sequence of distinct points, shortest first."""
    top = n_points if max_len is None else min(max_len, n_points)
    for length in range(top + 1):
        yield from itertools.permutations(range(n_points), length)


def mistake_bound_brute(cls: ConceptClass, max_len: int | None = None
                        ) -> tuple[int, tuple[int, ...]]:
    """max over ordered subsets (optionally of length <= max_len) of the game value."""
    best, arg = -1, ()
    for seq in ordered_subsets(cls.n_points, max_len):
        val = game_value_fixed(cls, seq)
        if val > best:
            best, arg = val, seq
    return best, arg


def mistake_bound_with_repeats(cls: ConceptClass, length: int) -> int:
    """max over all N^length sequences, repeats allowed (to show repeats never help)."""
    return max(game_value_fixed(cls, seq)
               for seq in itertools.product(range(cls.n_points), repeat=length))


def shatters_tree_of_depth(cls: ConceptClass, k: int, v: int | None = None) -> bool:
    """Definition of LD >= k: some complete depth-k tree has all 2^k paths realised."""
    v = cls.full if v is None else v
    if k == 0:
        return bool(v)
    if v.bit_count() < 1 << k:
        return False  # 2^k realised paths need 2^k distinct hypotheses
    return any(shatters_tree_of_depth(cls, k - 1, v & cls.zeros[x])
               and shatters_tree_of_depth(cls, k - 1, v & cls.ones[x])
               for x in range(cls.n_points))


def ld_by_trees(cls: ConceptClass) -> int:
    """The largest depth of a shattered tree (Littlestone's definition)."""
    k = 0
    while shatters_tree_of_depth(cls, k + 1):
        k += 1
    return k
