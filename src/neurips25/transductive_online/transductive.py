"""The transductive game on a fixed sequence: its value (rank) and the optimal learner.

In the transductive game the adversary announces x_1..x_n first, then labels them one by
one (realizably) after each prediction. For a fixed sequence the minimax value follows
from the game tree (research notes, "Fixed sequence"; consistent with the tree-rank
characterisation of Ben-David, Kushilevitz and Mansour 1997 that arXiv 2512.12567 cites):

    rank(V, x_t..x_n) = rank(V, x_{t+1}..x_n)                 if x_t does not split V,
                      = c(rank(V0, rest), rank(V1, rest))       otherwise,

with c(a, b) = max(a, b) + [a == b] and rank(V, empty) = 0. The version spaces met at
step t partition the class, so memoising on (V, t) costs O(|H| n). The optimal learner
predicts the side of larger rank; on a tie it loses one either way.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from neurips25.transductive_online.classes import ConceptClass
from neurips25.transductive_online.littlestone import combine


def _check_sequence(cls: ConceptClass, seq: Sequence[int]) -> tuple[int, ...]:
    seq = tuple(int(x) for x in seq)
    bad = [x for x in seq if not 0 <= x < cls.n_points]
    if bad:
        raise ValueError(f"point {bad[0]} is not one of the {cls.n_points} points")
    return seq


class RankTable:
    """rank(V, seq[t:]) for one sequence, memoised; answers the optimal learner's questions."""

    def __init__(self, cls: ConceptClass, seq: Sequence[int]) -> None:
        self.cls = cls
        self.seq = _check_sequence(cls, seq)
        self._memo: dict[tuple[int, int], int] = {}

    def rank(self, v: int, t: int = 0) -> int:
        """Minimax mistakes on seq[t:] starting from version space ``v``."""
        cls, seq = self.cls, self.seq
        while t < len(seq) and not cls.splits(v, seq[t]):
            t += 1  # a point that does not split V costs the learner nothing
        if t == len(seq) or not v:
            return 0
        key = (v, t)
        got = self._memo.get(key)
        if got is None:
            v0, v1 = cls.split(v, seq[t])
            got = combine(self.rank(v0, t + 1), self.rank(v1, t + 1))
            self._memo[key] = got
        return got

    def predict(self, v: int, t: int) -> int:
        """The optimal learner's label for seq[t] in version space ``v``.

        The side with the larger remaining rank (a mistake there would cost more); on a
        tie the larger version space, then 1.
        """
        v0, v1 = self.cls.split(v, self.seq[t])
        if not v0 or not v1:
            return int(bool(v1))
        r0, r1 = self.rank(v0, t + 1), self.rank(v1, t + 1)
        if r0 != r1:
            return int(r1 > r0)
        return int(v1.bit_count() >= v0.bit_count())

    def adversary_label(self, v: int, t: int, prediction: int) -> int:
        """The label that maximises mistakes now plus the rank of what is left."""
        v0, v1 = self.cls.split(v, self.seq[t])
        if not v0 or not v1:
            return int(bool(v1))
        wrong = 1 - prediction
        gain_wrong = 1 + self.rank((v0, v1)[wrong], t + 1)
        gain_right = self.rank((v0, v1)[prediction], t + 1)
        return wrong if gain_wrong >= gain_right else prediction


def transductive_rank(cls: ConceptClass, seq: Sequence[int], v: int | None = None) -> int:
    """Minimax mistakes of the transductive game on the fixed sequence ``seq``."""
    return RankTable(cls, seq).rank(cls.full if v is None else v)


@dataclass(frozen=True)
class Round:
    point: int
    prediction: int
    label: int

    @property
    def mistake(self) -> bool:
        return self.prediction != self.label


def optimal_play(cls: ConceptClass, seq: Sequence[int]) -> list[Round]:
    """The optimal learner against the rank-maximising adversary on ``seq``, round by round.

    The number of mistakes equals ``transductive_rank(cls, seq)``.
    """
    table, v, rounds = RankTable(cls, seq), cls.full, []
    for t, x in enumerate(table.seq):
        p = table.predict(v, t)
        y = table.adversary_label(v, t, p)
        rounds.append(Round(x, p, y))
        v &= cls.ones[x] if y else cls.zeros[x]
    return rounds
