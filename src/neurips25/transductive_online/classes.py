"""Finite concept classes over N points, with bitmask internals.

A hypothesis h is an int whose bit x is h(x) (points 0..N-1). A version space is an int
whose bit i says hypothesis i is still consistent, so splitting a version space V on a
point x is two ANDs: ``V & ones[x]`` and ``V & zeros[x]``. Everything in this package
works on those masks; ``ConceptClass`` holds the tables and validates its input.
"""
from __future__ import annotations

import functools
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from neurips25.common.errors import UserError


class InvalidClassError(UserError, ValueError):
    """The rows given do not describe a concept class (ragged, non-0/1, duplicates, empty)."""


def _row_to_int(row: Sequence[int], width: int, index: int) -> int:
    if len(row) != width:
        raise InvalidClassError(f"ragged rows: row {index} has {len(row)} labels, "
                                f"row 0 has {width}")
    h = 0
    for x, v in enumerate(row):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v not in (0, 1):
            raise InvalidClassError(f"row {index}, point {x}: label {v!r} is not 0 or 1")
        if v:
            h |= 1 << x
    return h


@dataclass(frozen=True)
class ConceptClass:
    """Distinct hypotheses over ``n_points`` points; ``hyps[i]`` has bit x = h_i(x)."""

    n_points: int
    hyps: tuple[int, ...]
    ones: tuple[int, ...] = field(init=False, repr=False, compare=False)
    zeros: tuple[int, ...] = field(init=False, repr=False, compare=False)
    full: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.hyps:
            raise InvalidClassError("empty class: at least one hypothesis is needed")
        if self.n_points < 0:
            raise InvalidClassError("the number of points must be >= 0")
        if any(h < 0 or h >> self.n_points for h in self.hyps):
            raise InvalidClassError(f"a hypothesis has labels beyond the {self.n_points} points")
        if len(set(self.hyps)) != len(self.hyps):
            first = next(i for i, h in enumerate(self.hyps) if self.hyps.index(h) != i)
            raise InvalidClassError(f"duplicate hypotheses: row {first} repeats "
                                    f"row {self.hyps.index(self.hyps[first])}")
        full = (1 << len(self.hyps)) - 1
        ones = tuple(sum(1 << i for i, h in enumerate(self.hyps) if h >> x & 1)
                     for x in range(self.n_points))
        object.__setattr__(self, "full", full)
        object.__setattr__(self, "ones", ones)
        object.__setattr__(self, "zeros", tuple(full & ~m for m in ones))

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[int]]) -> ConceptClass:
        """Build from 0/1 rows (one per hypothesis, one column per point); validates."""
        rows = [list(r) for r in rows]
        if not rows:
            raise InvalidClassError("empty class: at least one hypothesis is needed")
        width = len(rows[0])
        return cls(width, tuple(_row_to_int(r, width, i) for i, r in enumerate(rows)))

    @property
    def size(self) -> int:
        return len(self.hyps)

    def __len__(self) -> int:
        return len(self.hyps)

    @functools.cached_property
    def table(self) -> np.ndarray:
        """Labels as a uint8 array, one row per point, one column per hypothesis."""
        return np.array([[h >> x & 1 for h in self.hyps] for x in range(self.n_points)],
                        dtype=np.uint8).reshape(self.n_points, len(self.hyps))

    def rows(self) -> list[list[int]]:
        return [[h >> x & 1 for x in range(self.n_points)] for h in self.hyps]

    def label(self, i: int, x: int) -> int:
        """h_i(x)."""
        return self.hyps[i] >> x & 1

    def split(self, v: int, x: int) -> tuple[int, int]:
        """(V0, V1): the hypotheses of version space ``v`` labelling x with 0 and with 1."""
        return v & self.zeros[x], v & self.ones[x]

    def splits(self, v: int, x: int) -> bool:
        """Whether x splits ``v`` into two non-empty parts."""
        return bool(v & self.ones[x]) and bool(v & self.zeros[x])

    def members(self, v: int) -> list[int]:
        """Indices of the hypotheses in version space ``v``."""
        return [i for i in range(len(self.hyps)) if v >> i & 1]

    def subclass(self, v: int) -> ConceptClass:
        """The hypotheses of ``v`` as a class of their own (same points)."""
        return ConceptClass(self.n_points, tuple(self.hyps[i] for i in self.members(v)))


def version_space(cls: ConceptClass, labelled: Iterable[tuple[int, int]],
                  start: int | None = None) -> int:
    """The hypotheses (of ``start``, default all) consistent with (point, label) pairs."""
    v = cls.full if start is None else start
    for x, y in labelled:
        v &= cls.ones[x] if y else cls.zeros[x]
    return v


def disjoint_product(a: ConceptClass, b: ConceptClass) -> ConceptClass:
    """{(h, g)} on the disjoint union of the two domains: a's points first, then b's."""
    return ConceptClass(a.n_points + b.n_points,
                        tuple(h | g << a.n_points for h in a.hyps for g in b.hyps))


def log2_floor(n: int) -> int:
    """floor(log2 n) for n >= 1: the Halving bound for a class of n hypotheses."""
    return n.bit_length() - 1
