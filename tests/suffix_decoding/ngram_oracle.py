"""Brute-force n-gram oracle of a suffix tree: counts, recency stamps and drafts by enumeration."""
from __future__ import annotations

import math
from collections import defaultdict

from hypothesis import strategies as st

from neurips25.suffix_decoding.nodes import node_rank
from neurips25.suffix_decoding.tree import SuffixTree, budget


class Oracle:
    """Count every n-gram (n <= depth) of every sequence; draft by explicit enumeration."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.seqs: dict[int, list[int]] = {}
        self.clocks: dict[int, list[int]] = {}
        self.clock = 0

    def extend(self, seq_id: int, tokens: list[int]) -> None:
        for t in tokens:
            self.seqs.setdefault(seq_id, []).append(t)
            self.clocks.setdefault(seq_id, []).append(self.clock)
            self.clock += 1

    def remove(self, seq_id: int) -> None:
        del self.seqs[seq_id], self.clocks[seq_id]

    def table(self) -> dict[tuple[int, ...], tuple[int, int]]:
        count: dict[tuple[int, ...], int] = defaultdict(int)
        stamp: dict[tuple[int, ...], int] = defaultdict(lambda: -1)
        for sid, seq in self.seqs.items():
            for i in range(len(seq)):
                for n in range(1, min(self.depth, len(seq) - i) + 1):
                    g = tuple(seq[i:i + n])
                    count[g] += 1
                    stamp[g] = max(stamp[g], self.clocks[sid][i])
        return {g: (c, stamp[g]) for g, c in count.items()}

    def speculate(self, context, max_spec_tokens, alpha, offset, tau, use_tree):
        tab = self.table()
        kids: dict[tuple[int, ...], list[tuple[int, ...]]] = defaultdict(list)
        for g in tab:
            kids[g[:-1]].append(g)
        best, best_score, best_p = [], -1.0, 0
        context = list(context[-self.depth:])
        for p in range(1, len(context) + 1):
            pat = tuple(context[-p:])
            if pat not in tab:
                break
            n_max = budget(p, max_spec_tokens, alpha, offset)
            if use_tree:  # all continuations with D >= tau, best `budget` of them
                found, frontier = [], [(pat, 1.0)]
                while frontier:
                    g, prob = frontier.pop()
                    for ch in kids.get(g, []):
                        d = tab[ch][0] / tab[pat][0]  # one division: C(node) / C(match)
                        if d >= tau:
                            found.append(d)
                            frontier.append((ch, d))
                probs = sorted(found, reverse=True)[:n_max]
            else:  # argmax chain, ties to the most recent
                probs, toks, g = [], [], pat
                while len(probs) < n_max and g in kids:
                    ch = max(kids[g], key=lambda h: tab[h])
                    d = tab[ch][0] / tab[pat][0]
                    if d < tau:
                        break
                    probs.append(d)
                    toks.append(ch[-1])
                    g = ch
                best_toks = toks
            score = math.fsum(probs)
            if score >= best_score:
                best, best_score, best_p = probs, score, p
                if not use_tree:
                    best_chain = best_toks
        return (best_chain if not use_tree and best_p else None), best, best_score, best_p


def build(depth, ops):
    tree, oracle = SuffixTree(depth), Oracle(depth)
    for op in ops:
        if op[0] == "add":
            _, sid, toks = op
            tree.extend(sid, toks)
            oracle.extend(sid, toks)
        elif op[1] in oracle.seqs:
            tree.remove(op[1])
            oracle.remove(op[1])
    return tree, oracle


tokens = st.lists(st.integers(0, 3), min_size=1, max_size=14)
op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 3), tokens),
    st.tuples(st.just("del"), st.integers(0, 3)),
)
ops_st = st.lists(op, min_size=1, max_size=12)


# ---- views of a SuffixTree for the tests (they read its internals)
def ngram_counts(self: SuffixTree) -> dict[tuple[int, ...], tuple[int, int]]:
    """Every stored n-gram -> (count, stamp), expanded from the compressed nodes (tests)."""
    out: dict[tuple[int, ...], tuple[int, int]] = {}
    stack: list = [(self._root, ())]
    while stack:
        node, prefix = stack.pop()
        if node is not self._root:
            run = self._seqs[node.ref_seq][node.ref_idx:node.ref_idx + node.length]
            for t in run:
                prefix = prefix + (t,)
                out[prefix] = (node.count, node.stamp)
        for ch in (node.children or {}).values():
            stack.append((ch, prefix))
    return out

def check_integrity(self: SuffixTree) -> None:
    """Raise AssertionError if a structural invariant is broken (tests, debugging)."""
    stack = [self._root]
    while stack:
        node = stack.pop()
        kids = node.children or {}
        assert kids or node is self._root or node.endpoints, "leaf without endpoints"
        assert sum(c.count for c in kids.values()) <= node.count, "children outnumber parent"
        if node is not self._root:
            assert node.count > 0 and node.length > 0, "empty node"
            assert node.ref_seq in self._seqs, "reference to a removed sequence"
            seq = self._seqs[node.ref_seq]
            assert 0 <= node.ref_idx and node.ref_idx + node.length <= len(seq), "bad run"
            assert seq[node.ref_idx] == node.token, "first token differs from key"
            assert node.parent.children[node.token] is node, "parent link"  # type: ignore[union-attr]
            if len(kids) == 1:
                (only,) = kids.values()
                assert only.count < node.count, "mergeable chain left unmerged"
        if node.best is not None:
            assert node.best is max(kids.values(), key=node_rank), "stale cached best child"
        for ch in kids.values():
            assert ch.parent is node, "child's parent pointer"
            assert ch.count <= node.count, "child count above parent"
            stack.append(ch)
    for seq_id, active in self._active.items():
        n = len(self._seqs[seq_id])
        assert len(active) == min(n, self.max_depth), "active window size"
