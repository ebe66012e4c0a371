"""Drafting from a ``SuffixTree``: match the context, then draft by frequency.

SuffixDecoding (arXiv 2411.04975, Sec. 3.2): for every length p such that the last p
context tokens occur in the tree, draft up to min(max_spec_tokens, floor(alpha·p +
offset)) tokens, each with probability D(child) = D(parent)·C(child)/C(parent) (Eq. 1),
kept while D >= tau, as a path (most frequent child) or a tree (best-first by D); the
draft with the highest score Σ D wins, ties to the longer match.
"""
from __future__ import annotations

import functools
import heapq
import math
from dataclasses import dataclass, field

from neurips25.suffix_decoding.nodes import _Node, _rank


@dataclass(slots=True)
class Draft:
    """A speculated continuation: a path (``parents[i] == i-1``) or a tree.

    ``parents[i]`` is the index of token i's parent in ``token_ids`` (-1: the context).
    ``probs[i]`` is the estimated probability D of token i (paper Eq. 1: D(child) =
    D(parent)·C(child)/C(parent)); ``score`` = Σ probs = expected accepted tokens;
    ``match_len`` is the length p of the context suffix the draft continues.
    """

    token_ids: list[int] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)
    score: float = 0.0
    match_len: int = 0


def _budget(p: int, max_spec_tokens: int, alpha: float, offset: float) -> int:
    """Draft size for a match of length p: min(max_spec_tokens, floor(alpha·p + offset))."""
    return max(0, min(max_spec_tokens, int(alpha * p + offset + 1e-6)))


@functools.lru_cache(maxsize=256)
def _plan(depth: int, n: int, max_spec_tokens: int, alpha: float,
          offset: float) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """Budgets by match length p = 1..n and the p in decreasing order of score bound.

    Both depend on the settings only, not on the tree, so each decode step reuses them.
    """
    budgets = (0,) + tuple(_budget(p, max_spec_tokens, alpha, offset) for p in range(1, n + 1))
    order = sorted(((min(budgets[p], depth - p), p) for p in range(1, n + 1)), reverse=True)
    return budgets, tuple(order)


class DraftingMixin:
    """``speculate`` for ``SuffixTree``; reads its ``_root``, ``_seqs``, ``_active`` and
    ``max_depth`` and never changes the tree (except the cached ``best`` child of a node,
    a pure function of the tree)."""

    max_depth: int
    _root: _Node
    _seqs: dict[int, list[int]]
    _active: dict[int, list[_Node]]

    def _match(self, pattern: list[int]) -> tuple[_Node, int] | None:
        """The node where ``pattern`` ends and how many of its run's tokens it covers."""
        node, idx, i, n = self._root, 0, 0, len(pattern)
        seqs = self._seqs
        while i < n:
            kids = node.children
            if kids is None:
                return None
            ch = kids.get(pattern[i])
            if ch is None:
                return None
            r, L = ch.ref_idx, ch.length
            take = L if L <= n - i else n - i
            if take > 1 and seqs[ch.ref_seq][r + 1:r + take] != pattern[i + 1:i + take]:
                return None
            node, idx, i = ch, take, i + take
        return node, idx

    def speculate(self, context: list[int], max_spec_tokens: int, max_spec_factor: float = 1.0,
                  max_spec_offset: float = 0.0, min_token_prob: float = 0.1,
                  use_tree: bool = False, beat: float = -1.0,
                  live_seq: int | None = None) -> Draft:
        """Best draft over all matched context suffixes (paper Sec. 3.2).

        For every p such that context[-p:] occurs: draft up to
        min(max_spec_tokens, floor(alpha·p + offset)) tokens; the highest score
        (Σ D) wins, ties to the longer match. Same result as trying every p in turn,
        but faster: the longest match L is found by bisection (matches are nested), and
        p is tried in decreasing order of its score bound min(budget(p), depth - p),
        stopping once no remaining p can beat the best score.

        ``beat``: the caller only wants a draft scoring strictly above it (a
        ``SuffixCache`` asks the global tree to beat the local tree's draft); p whose
        bound cannot exceed it are skipped, and an empty Draft is returned if none does.

        ``live_seq``: a stored sequence the context may end with (the request being
        decoded); the matches of the suffixes they share are then read off that
        sequence's active nodes instead of walked from the root (same nodes).
        """
        context = list(context[-self.max_depth:])
        depth = self.max_depth
        budgets, order = _plan(depth, len(context), max_spec_tokens, max_spec_factor,
                               max_spec_offset)
        if not order or order[0][0] <= beat:
            return Draft()  # skip even the matching: no p could beat ``beat``
        live, k = self._live_window(live_seq, context)  # match of context[-p:], p <= k: live[-p]
        found: dict[int, tuple[_Node, int]] = {}
        lo, hi = k, len(context)  # matches are nested: every p <= k occurs
        while lo < hi:  # the longest p whose suffix context[-p:] occurs
            mid = (lo + hi + 1) // 2
            m = self._match(context[-mid:])
            if m is None:
                hi = mid - 1
            else:
                found[mid] = m
                lo = mid
        best: Draft | None = Draft()
        best_score, best_p = beat, depth + 1  # a draft must beat ``beat``; ties with it lose
        draft_fn = self._draft_tree if use_tree else self._draft_path
        for bound, p in order:
            if p > lo:
                continue  # context[-p:] does not occur
            if bound < best_score:
                break  # no remaining p can reach the best score
            if bound == best_score and p < best_p:
                continue  # could at most tie, and ties go to the longer match
            if p <= k:
                node = live[-p]
                idx = node.length
            else:
                node, idx = found.get(p) or self._match(context[-p:])  # type: ignore[misc]
            if node.children is None and node.length - idx < bound:
                bound = node.length - idx  # a leaf: at most its remaining run, each D <= 1
                if bound < best_score or (bound == best_score and p < best_p):
                    continue
                if bound == 0:  # nothing follows: an empty draft, and it wins (score 0)
                    best, best_score, best_p = None, 0.0, p
                    continue
            # a draft that provably ends below the best (by more than rounding) is dropped
            draft = draft_fn(node, idx, budgets[p], min_token_prob, best_score - 1e-9)
            if draft is None:
                continue
            if draft.score > best_score or (draft.score == best_score and p > best_p):
                best, best_score, best_p = draft, draft.score, p
                best.match_len = p
        return Draft(match_len=best_p) if best is None else best

    def _live_window(self, seq_id: int | None, context: list[int]) -> tuple[list[_Node], int]:
        """Active nodes of ``seq_id`` and how many trailing tokens ``context`` shares with it.

        The active nodes of a stored sequence are where its last min(n, depth) suffixes
        end, each at the end of its node's run (``active[-p]`` ends the length-p one); so
        while the context ends with that sequence, the match of context[-p:] for p up to
        the shared length is read off instead of walked from the root (same node).
        """
        seq = self._seqs.get(seq_id) if seq_id is not None else None
        if seq is None:
            return [], 0
        active = self._active[seq_id]  # type: ignore[index]
        k = min(len(context), len(active))
        if k == 0 or seq[-k:] != context[-k:]:
            return [], 0
        return active, k

    def _draft_path(self, node: _Node, idx: int, budget: int, tau: float,
                    floor: float = -1.0) -> Draft | None:
        """Follow the most frequent child while D >= tau (paper Sec. 3.2, path mode).

        None once the score cannot exceed ``floor``: D never grows along a path, so
        the tokens so far plus D for every slot left bound the final score.
        """
        seqs = self._seqs
        tokens: list[int] = []
        probs: list[float] = []
        prob, total = 1.0, 0.0
        while len(tokens) < budget and prob >= tau:
            if idx < node.length:
                take = min(node.length - idx, budget - len(tokens))
                r = node.ref_idx + idx
                tokens.extend(seqs[node.ref_seq][r:r + take])
                probs.extend([prob] * take)
                total += prob * take
                idx += take
            else:
                kids = node.children
                if not kids:
                    break
                ch = node.best
                if ch is None:
                    ch = node.best = max(kids.values(), key=_rank)
                prob *= ch.count / node.count
                if total + prob * (budget - len(tokens)) < floor:
                    return None
                node, idx = ch, 0
        if total < floor:
            return None
        return Draft(tokens, list(range(-1, len(tokens) - 1)), probs, math.fsum(probs), 0)

    def _draft_tree(self, node: _Node, idx: int, budget: int, tau: float,
                    floor: float = -1.0) -> Draft | None:
        """Best-first expansion by D: the top-``budget`` continuations (tree mode).

        None once the score cannot exceed ``floor`` (D pops in non-increasing order).
        """
        seqs = self._seqs
        draft = Draft()
        tick, total = 0, 0.0
        heap: list[tuple[float, int, _Node, int, int]] = [(-1.0, 0, node, idx, -1)]
        while heap and len(draft.token_ids) < budget:
            if total - heap[0][0] * (budget - len(draft.token_ids)) < floor:
                return None
            neg, _, node, idx, parent = heapq.heappop(heap)
            if idx < node.length:
                # emit the run while nothing else on the heap is as likely (a pushed-back
                # continuation would pop next anyway): same order, fewer heap operations
                seq, r = seqs[node.ref_seq], node.ref_idx
                n = len(draft.token_ids)
                stop = min(node.length, idx + budget - n)
                if heap and heap[0][0] <= neg:
                    stop = idx + 1
                draft.token_ids.extend(seq[r + idx:r + stop])
                draft.parents.extend(range(n - 1, n + stop - idx - 1))
                draft.parents[n] = parent
                draft.probs.extend([-neg] * (stop - idx))
                total -= neg * (stop - idx)
                tick += 1
                heapq.heappush(heap, (neg, tick, node, stop, len(draft.token_ids) - 1))
            elif node.children:
                kids = node.children.values()
                for ch in (kids if len(kids) == 1 else sorted(kids, key=_rank, reverse=True)):
                    prob = -neg * (ch.count / node.count)
                    if prob < tau:
                        break  # the rest are no more frequent
                    tick += 1
                    heapq.heappush(heap, (-prob, tick, ch, 0, parent))
        if total < floor:
            return None
        draft.score = math.fsum(draft.probs)
        return draft
