"""Brute-force n-gram oracle of a suffix tree: counts, recency stamps and drafts by enumeration."""
from __future__ import annotations

import math
from collections import defaultdict

from hypothesis import strategies as st

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
