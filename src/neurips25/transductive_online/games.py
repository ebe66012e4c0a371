"""The two online games, playable by any deterministic learner against any adversary.

Standard game: each round the adversary picks a point, the learner predicts, the
adversary reveals a label that some hypothesis still agrees with (realizable).
Transductive game: the adversary announces the whole sequence first (the learner sees
it), then labels it round by round the same way. Deterministic play suffices for both
values (research notes, "Standard game"). The game keeps the version space and passes
it to both players: it is a function of the history, given as a convenience.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from neurips25.transductive_online.classes import ConceptClass
from neurips25.transductive_online.littlestone import (
    combine,
    distinct_splits,
    halving_predict,
    soa_predict,
    standard_value,
)
from neurips25.transductive_online.transductive import RankTable, Round


class Learner(Protocol):
    def reset(self, cls: ConceptClass, sequence: Sequence[int] | None) -> None:
        """A new game; ``sequence`` is the announced sequence (None in the standard game)."""

    def predict(self, v: int, t: int, x: int) -> int: ...


class StandardAdversary(Protocol):
    def next_point(self, cls: ConceptClass, v: int, t: int) -> int | None:
        """The next point, or None to stop."""

    def label(self, v: int, t: int, x: int, prediction: int) -> int: ...


class TransductiveAdversary(Protocol):
    def choose_sequence(self, cls: ConceptClass) -> tuple[int, ...]: ...

    def label(self, v: int, t: int, x: int, prediction: int) -> int: ...


@dataclass
class GameRecord:
    rounds: list[Round] = field(default_factory=list)
    version_space: int = 0

    @property
    def mistakes(self) -> int:
        return sum(r.mistake for r in self.rounds)


def _play_round(cls: ConceptClass, record: GameRecord, learner: Learner, adversary,
                t: int, x: int) -> None:
    v = record.version_space
    p = int(learner.predict(v, t, x))
    y = int(adversary.label(v, t, x, p))
    after = v & (cls.ones[x] if y else cls.zeros[x])
    if p not in (0, 1) or y not in (0, 1):
        raise ValueError(f"round {t}: prediction {p} / label {y} is not 0 or 1")
    if not after:
        raise ValueError(f"round {t}: label {y} for point {x} is not realizable")
    record.rounds.append(Round(x, p, y))
    record.version_space = after


def play_standard(cls: ConceptClass, learner: Learner, adversary: StandardAdversary,
                  max_rounds: int = 10_000) -> GameRecord:
    """Play the standard game until the adversary stops (or ``max_rounds``)."""
    record = GameRecord(version_space=cls.full)
    learner.reset(cls, None)
    for t in range(max_rounds):
        x = adversary.next_point(cls, record.version_space, t)
        if x is None:
            break
        _play_round(cls, record, learner, adversary, t, x)
    return record


def play_transductive(cls: ConceptClass, learner: Learner,
                      adversary: TransductiveAdversary) -> GameRecord:
    """Play the transductive game: sequence announced first, then labelled round by round."""
    seq = tuple(adversary.choose_sequence(cls))
    record = GameRecord(version_space=cls.full)
    learner.reset(cls, seq)
    for t, x in enumerate(seq):
        _play_round(cls, record, learner, adversary, t, x)
    return record


# ---- learners ---------------------------------------------------------------------------

class SOALearner:
    """Littlestone's Standard Optimal Algorithm: at most LD mistakes in either game."""

    def reset(self, cls: ConceptClass, sequence: Sequence[int] | None) -> None:
        self.cls = cls

    def predict(self, v: int, t: int, x: int) -> int:
        return soa_predict(self.cls, v, x)


class HalvingLearner:
    """Majority vote of the version space: at most floor(log2|H|) mistakes."""

    def reset(self, cls: ConceptClass, sequence: Sequence[int] | None) -> None:
        self.cls = cls

    def predict(self, v: int, t: int, x: int) -> int:
        return halving_predict(self.cls, v, x)


class RankLearner:
    """The optimal transductive learner: predicts the side of larger rank on what is left."""

    def reset(self, cls: ConceptClass, sequence: Sequence[int] | None) -> None:
        if sequence is None:
            raise ValueError("the rank learner needs the announced sequence")
        self.table = RankTable(cls, sequence)

    def predict(self, v: int, t: int, x: int) -> int:
        return self.table.predict(v, t)


@dataclass
class ConstantLearner:
    """Always predicts the same label (a baseline that ignores everything)."""

    value: int = 0

    def reset(self, cls: ConceptClass, sequence: Sequence[int] | None) -> None:
        pass

    def predict(self, v: int, t: int, x: int) -> int:
        return self.value


# ---- adversaries ------------------------------------------------------------------------

class OptimalStandardAdversary:
    """Picks the point of largest game value, then the label that costs the learner most."""

    def next_point(self, cls: ConceptClass, v: int, t: int) -> int | None:
        self.cls = cls
        best = max(((combine(standard_value(cls, v0), standard_value(cls, v1)), -x)
                    for x, v0, v1 in distinct_splits(cls, v)), default=None)
        return None if best is None else -best[1]

    def label(self, v: int, t: int, x: int, prediction: int) -> int:
        sides = self.cls.split(v, x)
        gain = [(y != prediction) + standard_value(self.cls, s) if s else -1
                for y, s in enumerate(sides)]
        return int(gain[1] > gain[0]) if gain[0] != gain[1] else 1 - prediction


@dataclass
class RankAdversary:
    """Announces ``sequence`` (default: a certificate of M_tr) and labels by the rank."""

    sequence: tuple[int, ...] | None = None

    def choose_sequence(self, cls: ConceptClass) -> tuple[int, ...]:
        if self.sequence is None:
            from neurips25.transductive_online.solver import transductive_mistake_bound

            self.sequence = transductive_mistake_bound(cls).sequence
        self.table = RankTable(cls, self.sequence)
        return self.sequence

    def label(self, v: int, t: int, x: int, prediction: int) -> int:
        return self.table.adversary_label(v, t, prediction)
