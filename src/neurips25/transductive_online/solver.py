"""Exact transductive mistake bound M_tr(H) by a decision search, with a certificate.

M_tr(H) = max over sequences of rank(H, seq). Subsets and order matter (adding a point
can lower the rank), so we do not enumerate sequences. Instead we ask: "is there one
sequence meeting every requirement {(V_j, k_j)}", i.e. rank(V_j, seq) >= k_j for all j?
The sequence is shared by all requirements: that is what makes the game transductive.

Choosing the next point x turns each requirement (V, k) that x splits into one of
  * a forced mistake: {(V0, k-1), (V1, k-1)}  (both sides must still reach k-1),
  * a commitment to one side: {(V0, k)} or {(V1, k)},
because c(a, b) >= k iff a >= k, b >= k, or both >= k-1 (research notes, "A decision
search"). Reductions, each sound:
  * appending points never lowers a rank, so (V, 1) with |V| >= 2 always holds in the
    end (append every point) and is dropped; (V, 2) then has one move per split: a
    forced mistake if both sides keep >= 2 hypotheses (it then disappears, which
    dominates committing), else a commitment to the big side;
  * k <= min(LD(V), floor(log2|V|)) (rank <= M_std = LD, and Halving); the size test
    prunes moves, LD is checked only when a requirement set is entered;
  * every chosen point forces at least one mistake: a point that only commits can be
    dropped, since rank is monotone under taking subsets of V (this is also why a
    certificate needs at most 2^M - 1 mistake points: Theorem C.2);
  * a move that only removes requirements is taken without trying others;
  * points with the same unordered split of every requirement are tried once;
  * failed requirement sets are memoised (feasibility depends on the set alone).
M_tr is the largest k that succeeds; the certificate is re-checked by ``rank``.
"""
from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from neurips25.transductive_online.classes import ConceptClass, log2_floor
from neurips25.transductive_online.littlestone import (
    distinct_splits,
    ld_cached,
    ld_memo,
    littlestone_dimension,
)
from neurips25.transductive_online.transductive import RankTable

Requirement = tuple[int, int]  # (version space mask, k >= 2)
State = tuple[Requirement, ...]  # sorted
Option = tuple[bool, tuple[Requirement, ...]]  # (forces a mistake, requirements left)


class SearchTimeout(RuntimeError):
    """The search ran past its time budget (the value is then not known exactly)."""


class _Restart(Exception):
    """The current depth-first pass used up its share of states (see ``_solve_restarting``)."""


RESTART_UNIT = 100  # states per unit of the Luby restart schedule
RESTART_NOISE = 1.0  # restarts multiply each point's score by 1 + RESTART_NOISE * U(0, 1)


@dataclass(frozen=True)
class TransductiveBound:
    """M_tr(H) with the adversary's certificate: ``rank(H, sequence) == value``."""

    value: int
    sequence: tuple[int, ...]
    littlestone: int
    states: int  # requirement sets expanded (search effort)
    seconds: float


@dataclass
class _Search:
    cls: ConceptClass
    deadline: float | None = None
    max_states: int | None = None
    clock: Callable[[], float] = time.perf_counter
    restart_at: int | None = None
    noise: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    failed: set[State] = field(default_factory=set)
    fails_alone: dict[int, int] = field(default_factory=dict)  # V -> smallest k known to fail
    expanded: int = 0
    visits: int = 0  # calls of ``solve`` (expanded or not), for the deadline checks

    def __post_init__(self) -> None:
        self._ld_memo = ld_memo(self.cls)

    def may_reach(self, v: int, k: int) -> bool:
        """Cheap test: False when rank(V, seq) >= k is impossible by size alone.

        rank <= floor(log2|V|) (Halving), and a requirement that failed on its own fails
        for every k at least as large. LD (rank <= M_std = LD) is checked when a
        requirement set is entered (``solve``), so children never visited cost nothing.
        """
        return v.bit_count() >= 1 << k and self.fails_alone.get(v, k + 1) > k

    def below_ld(self, state: State) -> bool:
        """Whether some requirement asks for more than its version space's LD."""
        return any(ld_cached(self.cls, v, self._ld_memo) < k for v, k in state)

    def options(self, v: int, k: int, x: int) -> list[Option]:
        """The ways requirement (v, k >= 2) can go when x (which splits v) comes next."""
        v0, v1 = self.cls.split(v, x)
        if k == 2:
            if v0.bit_count() >= 2 and v1.bit_count() >= 2:
                return [(True, ())]  # both sides reach 1 by appending: requirement met
            big = v0 if v0.bit_count() >= 2 else v1
            return [(False, ((big, 2),))] if self.may_reach(big, 2) else []
        out: list[Option] = []
        if self.may_reach(v0, k - 1) and self.may_reach(v1, k - 1):
            out.append((True, ((v0, k - 1), (v1, k - 1))))
        out += [(False, ((side, k),)) for side in (v0, v1) if self.may_reach(side, k)]
        return out

    def candidates(self, state: State) -> list[int]:
        """Points splitting some requirement, one per distinct effect, best-looking first.

        Two points with the same unordered split of every requirement lead to the same
        children, so only the first is kept (each split is oriented so that the cell's
        lowest hypothesis is on side 0). Points that split the demanding requirements
        evenly come first: they find certificates sooner.
        """
        cells = [(v, v & -v, v.bit_count(), k) for v, k in state]
        seen: set[tuple[int, ...]] = set()
        scored = []
        for x, m in enumerate(self.cls.ones):
            key = tuple([(v & m) ^ v if m & low else v & m for v, low, _, _ in cells])
            if key in seen or not any(key):
                continue
            seen.add(key)
            score = 0.0
            for (_, _, n, k), part in zip(cells, key, strict=True):
                if part:
                    a = part.bit_count()
                    score += k * min(a, n - a) / n
            if self.noise:
                score *= 1 + self.noise * self.rng.random()
            scored.append((-score, x))
        scored.sort()
        return [x for _, x in scored]

    def children(self, state: State, x: int) -> Iterator[State]:
        """Requirement sets reachable by playing x next, each forcing >= 1 mistake.

        LD is not checked here but on entry (``solve``), after the memo of failed sets:
        checking every option's LD up front computed LDs of large version spaces that
        the memo makes unnecessary (a tree class on 255 points then ran 34 s under a 3 s
        timeout). The price is a product that can be huge (~100 split requirements), so
        ``solve`` counts every visit, expanded or not, for its deadline.
        """
        fixed: list[Requirement] = []
        choices: list[list[Option]] = []
        ones = self.cls.ones[x]
        for v, k in state:
            if v & ones and v & ones != v:
                opts = self.options(v, k, x)
                if not opts:
                    return
                choices.append(opts)
            else:
                fixed.append((v, k))
        for combo in itertools.product(*choices):  # mistakes come first in each list
            if any(m for m, _ in combo):
                yield tuple(sorted(fixed + [r for _, rs in combo for r in rs]))

    def pure(self, state: State, x: int) -> bool:
        """Whether x only meets k = 2 requirements (it removes them, changes nothing else)."""
        hit = False
        for v, k in state:
            v1 = v & self.cls.ones[x]
            if v1 and v1 != v:
                if k != 2 or v1.bit_count() < 2 or (v ^ v1).bit_count() < 2:
                    return False
                hit = True
        return hit

    def solve(self, state: State) -> list[int] | None:
        """A sequence meeting every requirement of ``state``, or None if none exists."""
        if not state:
            return []
        self.visits += 1  # every call, even cheap failures: the deadline must be honoured
        if self.deadline is not None and self.visits % 256 == 0 \
                and self.clock() > self.deadline:
            raise SearchTimeout("transductive search ran out of time")
        if state in self.failed:
            return None
        if self.below_ld(state):
            self.failed.add(state)
            return None
        self.expanded += 1
        if self.max_states is not None and self.expanded > self.max_states:
            raise SearchTimeout(f"transductive search passed {self.max_states} states")
        if self.restart_at is not None and self.expanded > self.restart_at:
            raise _Restart
        points = self.candidates(state)
        pure = next((x for x in points if self.pure(state, x)), None)
        for x in [pure] if pure is not None else points:
            for child in self.children(state, x):
                rest = self.solve(child)
                if rest is not None:
                    return [x, *rest]
        self.failed.add(state)
        if len(state) == 1:
            v, k = state[0]
            self.fails_alone[v] = min(k, self.fails_alone.get(v, k))
        return None


@dataclass
class _FastSearch(_Search):
    """The same search, same trace, less work per state (the default).

    Measured on depth-6 Lemma D.2 tree classes (127 points, 128 hypotheses), the plain
    search spent its time on two things that change no decision:
      * ~98% of the candidate points yield no child at all (some requirement they split
        has no option by size, or none forces a mistake), yet each went through
        ``children``; here the size test runs inside the candidate loop and such points
        are dropped. Every point is still scored and drawn for the restart noise in the
        same order, so the random stream, the order of the kept points and hence the
        states expanded are those of ``_Search`` (tests compare them);
      * the entry test LD(V) >= k computed the exact LD of every version space; here a
        decision procedure stops at the first split whose sides both reach k - 1, and
        memoises the bounds it proves (``ld_lo``, ``ld_hi``).
    """

    ld_lo: dict[int, int] = field(default_factory=dict)  # V -> k with LD(V) >= k proved
    ld_hi: dict[int, int] = field(default_factory=dict)  # V -> k with LD(V) <= k proved

    def ld_at_least(self, v: int, k: int, points: list[int] | None = None) -> bool:
        """Whether LD(v) >= k; ``points`` (if given) includes every point splitting v."""
        n = v.bit_count()
        if k <= 1:
            return n > k  # LD >= 1 iff two hypotheses, LD >= 0 iff one
        if n < 1 << k:
            return False  # Halving
        if self.ld_lo.get(v, 0) >= k:
            return True
        if self.ld_hi.get(v, n) < k:
            return False
        exact = self._ld_memo.get(v)
        if exact is not None:
            return exact >= k
        half = 1 << (k - 1)
        splits = distinct_splits(self.cls, v, points)
        inner = [x for x, _, _ in splits]
        ok = any(v0.bit_count() >= half and v1.bit_count() >= half
                 and self.ld_at_least(v0, k - 1, inner) and self.ld_at_least(v1, k - 1, inner)
                 for _, v0, v1 in splits)
        if ok:
            self.ld_lo[v] = k
        else:
            self.ld_hi[v] = k - 1
        return ok

    def below_ld(self, state: State) -> bool:
        return any(not self.ld_at_least(v, k) for v, k in state)

    def candidates(self, state: State) -> list[int]:
        """``_Search.candidates`` without the points that cannot yield a child.

        A split requirement (V, k) with sides of a and b hypotheses has a mistake option
        only if min(a, b) >= 2^(k-1) and a commitment only if max(a, b) >= 2^k (this also
        holds for k = 2; ``options`` adds the memo of failures on top). A point with no
        option for some requirement, or no mistake anywhere, yields no child.
        """
        cells = [(v, v & -v, v.bit_count(), k, 1 << (k - 1), 1 << k) for v, k in state]
        seen: set[tuple[int, ...]] = set()
        scored = []
        noise, rand = self.noise, self.rng.random
        for x, m in enumerate(self.cls.ones):
            key = tuple([(v & m) ^ v if m & low else v & m for v, low, _, _, _, _ in cells])
            if key in seen or not any(key):
                continue
            seen.add(key)
            score, viable, mistake = 0.0, True, False
            for (_, _, n, k, half, full), part in zip(cells, key, strict=True):
                if part:
                    a = part.bit_count()
                    low_side = min(a, n - a)
                    score += k * low_side / n  # the same float sum as _Search.candidates
                    if low_side >= half:
                        mistake = True
                    elif n - low_side < full:
                        viable = False
            if noise:
                score *= 1 + noise * rand()  # drawn for every point, kept or not
            if viable and mistake:
                scored.append((-score, x))
        scored.sort()
        return [x for _, x in scored]


def _complete(cls: ConceptClass, core: list[int]) -> tuple[int, ...]:
    """Append points for the dropped (V, 1) requirements.

    ``core`` meets every requirement with k >= 2. A dropped (V, 1) not split within the
    core is a cell of the partition of H by the core's labels, with >= 2 hypotheses; one
    appended point splitting it meets it, and appending never lowers a rank. Points are
    picked greedily, each splitting as many such cells as possible.
    """
    cells: dict[int, int] = {}
    for i, h in enumerate(cls.hyps):
        key = tuple(h >> x & 1 for x in core)
        cells[key] = cells.get(key, 0) | 1 << i
    todo = [v for v in cells.values() if v.bit_count() >= 2]
    tail: list[int] = []
    while todo:
        x = max(range(cls.n_points), key=lambda p: sum(cls.splits(v, p) for v in todo))
        tail.append(x)
        todo = [v for v in todo if not cls.splits(v, x)]
    return (*core, *tail)


def _decide(search: _Search, k: int) -> tuple[int, ...] | None:
    """A sequence forcing >= k mistakes from the whole class, or None."""
    cls = search.cls
    if k <= 0:
        return ()
    if not search.may_reach(cls.full, k) or search.below_ld(((cls.full, k),)):
        return None
    core = [] if k == 1 else _solve_restarting(search, ((cls.full, k),))
    return None if core is None else _complete(cls, core)


def luby(i: int) -> int:
    """The i-th term (i >= 1) of the Luby sequence 1, 1, 2, 1, 1, 2, 4, 1, 1, 2, ..."""
    k = 1
    while (1 << k) - 1 < i:
        k += 1
    return 1 << (k - 1) if i == (1 << k) - 1 else luby(i - (1 << (k - 1)) + 1)


def _solve_restarting(search: _Search, state: State) -> list[int] | None:
    """Depth-first search, restarted on the Luby schedule with a perturbed point order.

    Finding a certificate is heavy-tailed: a poor first choice can cost tens of
    thousands of states. Restarts (Luby, Sinclair, Zuckerman 1993) cut that tail; every
    failure found is a fact and is kept, and the caps grow without bound, so the search
    stays exact and complete. Deterministic: the order comes from a seeded generator.
    """
    i = 1
    while True:
        search.noise = 0.0 if i == 1 else RESTART_NOISE
        search.restart_at = search.expanded + RESTART_UNIT * luby(i)
        try:
            return search.solve(state)
        except _Restart:
            i += 1
        finally:
            search.restart_at = None


def _new_search(cls: ConceptClass, timeout: float | None, max_states: int | None,
                clock: Callable[[], float] = time.perf_counter, plain: bool = False
                ) -> _Search:
    deadline = None if timeout is None else clock() + timeout
    return (_Search if plain else _FastSearch)(cls, deadline, max_states, clock)


def can_force(cls: ConceptClass, k: int, timeout: float | None = None,
              max_states: int | None = None, plain: bool = False) -> tuple[int, ...] | None:
    """A sequence on which the adversary forces >= k mistakes, or None if none exists."""
    return _decide(_new_search(cls, timeout, max_states, plain=plain), k)


def transductive_mistake_bound(cls: ConceptClass, timeout: float | None = None,
                               max_states: int | None = None,
                               clock: Callable[[], float] = time.perf_counter,
                               plain: bool = False) -> TransductiveBound:
    """Exact M_tr(H) and an optimal sequence for the adversary (the certificate).

    Raises ``SearchTimeout`` past ``timeout`` seconds of wall time or ``max_states``
    expanded requirement sets (a budget that does not depend on machine load); ``clock``
    measures the timeout (``time.process_time`` for CPU seconds). The certificate is re-checked with
    the rank recurrence before returning. ``plain`` runs the reference implementation of
    the search (``_Search``); the default (``_FastSearch``) expands the same states in the
    same order and returns the same value, sequence and state count, only faster.
    """
    t0 = time.perf_counter()
    search = _new_search(cls, timeout, max_states, clock, plain)
    value, best = 0, ()
    top = min(littlestone_dimension(cls), log2_floor(cls.size))
    for k in range(1, top + 1):
        seq = _decide(search, k)
        if seq is None:
            break
        value, best = k, seq
    check = RankTable(cls, best).rank(cls.full)
    if check != value:  # a search bug must never pass silently
        raise AssertionError(f"certificate re-checks to {check}, search said {value}")
    return TransductiveBound(value, best, littlestone_dimension(cls), search.expanded,
                             time.perf_counter() - t0)
