"""The fast path of ``SuffixTree.speculate``: same drafts as ``reference.py``, less work.

Same definition as the paper's loop (arXiv 2411.04975v3, Sec. 3.2; see
``speculate_reference``); tested equal to it by property tests and a differential fuzz.
What makes it faster, each safe because it cannot change the result:

- matches are nested (if context[-p:] occurs, so does every shorter suffix), so the
  longest match is found by bisection, and the suffixes the context shares with the
  live request are read off that request's active nodes instead of walked;
- match lengths are tried in decreasing order of the best score they could reach,
  min(budget(p), depth - p) (each probability is <= 1), stopping once none can beat the
  best draft so far; a draft is abandoned as soon as it provably ends below it;
- ``beat``: the cache asks the global tree only for drafts strictly better than the
  local tree's, so most match lengths are skipped there.
"""
from __future__ import annotations

import functools
import heapq
import math
from typing import TYPE_CHECKING

from neurips25.suffix_decoding.nodes import Node, node_rank
from neurips25.suffix_decoding.proposers import Draft

if TYPE_CHECKING:
    from neurips25.suffix_decoding.tree import SuffixTree


def budget(p: int, max_spec_tokens: int, alpha: float, offset: float) -> int:
    """Draft size for a match of length p: min(max_spec_tokens, floor(alpha·p + offset)).

    (+1e-6 so that e.g. 0.1·30 = 3.0000000000000004 or 2.9999999999999996 floor to 3.)
    """
    return max(0, min(max_spec_tokens, int(alpha * p + offset + 1e-6)))


@functools.lru_cache(maxsize=256)
def _plan(depth: int, n: int, max_spec_tokens: int, alpha: float,
          offset: float) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """Budgets by match length p = 1..n, and (score bound, p) by decreasing bound."""
    budgets = (0,) + tuple(budget(p, max_spec_tokens, alpha, offset) for p in range(1, n + 1))
    order = sorted(((min(budgets[p], depth - p), p) for p in range(1, n + 1)), reverse=True)
    return budgets, tuple(order)


def speculate(tree: SuffixTree, context: list[int], max_spec_tokens: int,
              max_spec_factor: float = 1.0, max_spec_offset: float = 0.0,
              min_token_prob: float = 0.1, use_tree: bool = False, beat: float = -1.0,
              live_seq: int | None = None) -> Draft:
    """Best draft over all matched context suffixes; see ``SuffixTree.speculate``."""
    depth = tree.max_depth
    context = list(context[-depth:])
    budgets, order = _plan(depth, len(context), max_spec_tokens, max_spec_factor,
                           max_spec_offset)
    if not order or order[0][0] <= beat:
        return Draft()  # no p could beat ``beat``: skip even the matching
    live, k = _live_window(tree, live_seq, context)  # match of context[-p:], p <= k: live[-p]
    found: dict[int, tuple[Node, int]] = {}
    lo, hi = k, len(context)
    while lo < hi:  # bisection for the longest p whose suffix context[-p:] occurs
        mid = (lo + hi + 1) // 2
        m = tree.match_node(context[-mid:])
        if m is None:
            hi = mid - 1
        else:
            found[mid] = m
            lo = mid
    best, best_score, best_p = Draft(), beat, depth + 1  # must beat ``beat``; ties lose
    grow = _draft_tree if use_tree else _draft_path
    for bound, p in order:
        if p > lo:
            continue  # context[-p:] does not occur
        if bound < best_score:
            break  # no remaining p can reach the best score
        if bound == best_score and p < best_p:
            continue  # could at most tie, and ties go to the longer match
        node, idx = (live[-p], live[-p].length) if p <= k else (
            found.get(p) or tree.match_node(context[-p:]))  # type: ignore[misc]
        if node.children is None:  # a leaf: at most its remaining run, each prob <= 1
            bound = min(bound, node.length - idx)
            if bound < best_score or (bound == best_score and p < best_p):
                continue
        # a draft that provably ends below the best (by more than rounding) is dropped
        draft = grow(tree, node, idx, budgets[p], min_token_prob, best_score - 1e-9)
        if draft is not None and (draft.score > best_score
                                  or (draft.score == best_score and p > best_p)):
            best, best_score, best_p = draft, draft.score, p
            best.match_len = p
    return best


def _live_window(tree: SuffixTree, seq_id: int | None,
                 context: list[int]) -> tuple[list[Node], int]:
    """Active nodes of ``seq_id`` and how many trailing tokens ``context`` shares with it.

    A stored sequence's active nodes are where its last min(n, depth) suffixes end, each
    at the end of its node's run (``active[-p]`` ends the length-p one); while the
    context ends with that sequence, they are the matches of context[-p:].
    """
    seq = tree.token_lists.get(seq_id) if seq_id is not None else None
    if seq is None:
        return [], 0
    active = tree.active_nodes(seq_id)  # type: ignore[arg-type]
    k = min(len(context), len(active))
    if k == 0 or seq[-k:] != context[-k:]:
        return [], 0
    return active, k


def _draft_path(tree: SuffixTree, node: Node, idx: int, budget: int, tau: float,
                floor: float = -1.0) -> Draft | None:
    """Follow the most frequent child while count / count(match) >= tau (path mode).

    None once the score cannot exceed ``floor``: probabilities never grow along a
    path, so the tokens so far plus the current one for every slot left bound it.
    """
    seqs, base = tree.token_lists, node.count
    tokens: list[int] = []
    probs: list[float] = []
    prob, total = 1.0, 0.0
    while len(tokens) < budget and prob >= tau:
        if idx < node.length:  # inside a run: same suffixes, same probability
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
                ch = node.best = max(kids.values(), key=node_rank)
            prob = ch.count / base
            if total + prob * (budget - len(tokens)) < floor:
                return None
            node, idx = ch, 0
    if total < floor:
        return None
    return Draft(tokens, list(range(-1, len(tokens) - 1)), probs, math.fsum(probs), 0)


def _draft_tree(tree: SuffixTree, node: Node, idx: int, budget: int, tau: float,
                floor: float = -1.0) -> Draft | None:
    """The ``budget`` most probable continuations, best first (tree mode).

    Heap entries are (-prob, tick, node, idx, parent): a run is emitted token by token
    in heap order (equal probabilities: the earlier tick first); a node's children are
    pushed, in rank order, when the end of its run pops. None once the score cannot
    exceed ``floor`` (probabilities pop in non-increasing order).
    """
    seqs, base = tree.token_lists, node.count
    draft = Draft()
    tick, total = 0, 0.0
    heap: list[tuple[float, int, Node, int, int]] = [(-1.0, 0, node, idx, -1)]
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
            for ch in (kids if len(kids) == 1 else sorted(kids, key=node_rank, reverse=True)):
                prob = ch.count / base
                if prob < tau:
                    break  # the rest are no more frequent
                tick += 1
                heapq.heappush(heap, (-prob, tick, ch, 0, parent))
    if total < floor:
        return None
    draft.score = math.fsum(draft.probs)
    return draft
