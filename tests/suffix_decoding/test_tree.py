"""SuffixTree against a brute-force n-gram counting oracle (counts, stamps, drafts)."""
from __future__ import annotations

import math
from collections import defaultdict

import pytest
from hypothesis import given, settings
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
                probs, toks, g, prob = [], [], pat, 1.0
                while len(probs) < n_max and g in kids:
                    ch = max(kids[g], key=lambda h: tab[h])
                    d = tab[ch][0] / tab[pat][0]
                    if d < tau:
                        break
                    probs.append(d)
                    toks.append(ch[-1])
                    g, prob = ch, d
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


@settings(max_examples=150, deadline=None)
@given(depth=st.integers(1, 6), ops=ops_st)
def test_counts_and_stamps_match_oracle(depth, ops):
    tree, oracle = build(depth, ops)
    tree.check_integrity()
    got = tree.ngram_counts()
    want = oracle.table()
    assert {g: c for g, (c, _) in got.items()} == {g: c for g, (c, _) in want.items()}
    assert tree.num_tokens == sum(len(s) for s in oracle.seqs.values())
    if not any(o[0] == "del" and o[1] in {x[1] for x in ops if x[0] == "add"} for o in ops):
        assert got == want  # stamps exact while nothing was removed


@settings(max_examples=150, deadline=None)
@given(depth=st.integers(1, 6), ops=ops_st, ctx=st.lists(st.integers(0, 3), min_size=1, max_size=10),
       k=st.integers(0, 8), alpha=st.sampled_from([0.5, 1.0, 2.0, 4.0]),
       offset=st.sampled_from([0.0, 1.0]), tau=st.sampled_from([0.0, 0.1, 0.4]))
def test_path_draft_matches_oracle(depth, ops, ctx, k, alpha, offset, tau):
    tree, oracle = build(depth, ops)
    d = tree.speculate(ctx, k, alpha, offset, tau, use_tree=False)
    toks, probs, score, p = oracle.speculate(ctx, k, alpha, offset, tau, False)
    assert d.parents == list(range(-1, len(d.token_ids) - 1))
    if not any(o[0] == "del" for o in ops):
        assert d.score == score if p else d.score == 0.0
        assert d.match_len == p
        assert d.probs == probs
        if p:
            assert d.token_ids == toks  # tie-break (most recent) is exact without removals
    else:  # removal keeps stale recency stamps, so an equal-count tie may go either way:
        _assert_argmax_chain(oracle.table(), ctx, depth, d)  # any most-frequent chain
    assert len(d.token_ids) <= min(k, int(alpha * max(p, 0) + offset + 1e-6))
    assert p + len(d.token_ids) <= depth
    assert all(x >= tau for x in d.probs)


def _assert_argmax_chain(tab, ctx, depth, d) -> None:
    """``d`` follows a most frequent child at every step, with D = the count ratios."""
    p = d.match_len
    g = tuple(list(ctx[-depth:])[-p:]) if p else ()
    if not d.token_ids:
        return
    assert g in tab
    prob = 1.0
    for tok, got in zip(d.token_ids, d.probs, strict=True):
        kids = [h for h in tab if len(h) == len(g) + 1 and h[:-1] == g]
        ch = g + (tok,)
        assert ch in kids and tab[ch][0] == max(tab[h][0] for h in kids)
        prob *= tab[ch][0] / tab[g][0]
        assert got == pytest.approx(prob)
        g = ch


@settings(max_examples=150, deadline=None)
@given(depth=st.integers(1, 6), ops=ops_st, ctx=st.lists(st.integers(0, 3), min_size=1, max_size=10),
       k=st.integers(0, 10), alpha=st.sampled_from([1.0, 2.0, 4.0]), tau=st.sampled_from([0.0, 0.1, 0.3]))
def test_tree_draft_is_top_k_by_probability(depth, ops, ctx, k, alpha, tau):
    tree, oracle = build(depth, ops)
    d = tree.speculate(ctx, k, alpha, 0.0, tau, use_tree=True)
    _, probs, score, p = oracle.speculate(ctx, k, alpha, 0.0, tau, True)
    assert d.match_len == p
    assert sorted(d.probs, reverse=True) == probs
    assert d.score == score if p else d.score == 0.0
    # the draft is a tree: parents come first, and each token continues its parent's path
    tab = oracle.table()
    pat = tuple(list(ctx[-depth:])[-p:]) if p else ()
    paths: list[tuple[int, ...]] = []
    for tok, par, prob in zip(d.token_ids, d.parents, d.probs, strict=True):
        assert -1 <= par < len(paths)
        base = pat if par == -1 else paths[par]
        path = base + (tok,)
        assert path in tab and len(path) <= depth
        assert prob == pytest.approx(tab[path][0] / tab[pat][0])
        paths.append(path)
    assert len(set(paths)) == len(paths)


@settings(max_examples=100, deadline=None)
@given(depth=st.integers(1, 6), seqs=st.lists(tokens, min_size=2, max_size=5), data=st.data())
def test_removal_equals_rebuild_without(depth, seqs, data):
    drop = data.draw(st.integers(0, len(seqs) - 1))
    tree = SuffixTree(depth)
    for i, s in enumerate(seqs):
        tree.extend(i, s)
    tree.remove(drop)
    tree.check_integrity()
    fresh = SuffixTree(depth)
    for i, s in enumerate(seqs):
        if i != drop:
            fresh.extend(i, s)
    counts = {g: c for g, (c, _) in tree.ngram_counts().items()}
    assert counts == {g: c for g, (c, _) in fresh.ngram_counts().items()}
    assert tree.num_nodes() == fresh.num_nodes()  # same canonical compressed shape


def test_live_append_after_removal_stays_consistent():
    tree, oracle = build(3, [("add", 0, [1, 2, 1, 2, 3]), ("add", 1, [1, 2, 1]), ("del", 0),
                             ("add", 1, [2, 3, 1, 2]), ("add", 2, [2, 3])])
    tree.check_integrity()
    assert {g: c for g, (c, _) in tree.ngram_counts().items()} == {
        g: c for g, (c, _) in oracle.table().items()}


def test_example_probabilities():
    tree = SuffixTree(6)
    tree.extend(0, [5, 6, 7, 5, 6, 8, 5, 6, 7])
    # after [5, 6]: 7 twice, 8 once -> D(7) = 2/3; then 5 follows 7 once of twice -> 2/3·1/2
    d = tree.speculate([5, 6], 4, max_spec_factor=4.0, min_token_prob=0.0)
    # p=1 ([6]) scores the same 5/3 as p=2: the tie goes to the longer match
    assert d.match_len == 2 and d.token_ids == [7, 5, 6, 8]
    assert d.probs == pytest.approx([2 / 3, 1 / 3, 1 / 3, 1 / 3])
    assert tree.count([5, 6]) == 3 and tree.count([5, 6, 7, 5, 6, 8, 5]) == 0  # deeper than depth


def test_bad_depth_and_unknown_removal():
    with pytest.raises(ValueError, match="max_depth"):
        SuffixTree(0)
    with pytest.raises(KeyError):
        SuffixTree(3).remove(7)


@settings(max_examples=100, deadline=None)
@given(depth=st.integers(1, 6), ops=st.lists(st.one_of(op, st.tuples(st.just("spec"), tokens)),
                                            min_size=1, max_size=16),
       ctx=st.lists(st.integers(0, 3), min_size=1, max_size=8))
def test_cached_best_child_never_goes_stale(depth, ops, ctx):
    queried, fresh = SuffixTree(depth), SuffixTree(depth)
    for o in ops:
        if o[0] == "spec":
            queried.speculate(o[1], 8, 2.0, 0.0, 0.0)
            queried.check_integrity()
            continue
        for t in (queried, fresh):
            if o[0] == "add":
                t.extend(o[1], o[2])
            elif o[1] in t:
                t.remove(o[1])
        queried.check_integrity()
    a = queried.speculate(ctx, 8, 2.0, 0.0, 0.0)
    b = fresh.speculate(ctx, 8, 2.0, 0.0, 0.0)
    assert (a.token_ids, a.probs, a.match_len) == (b.token_ids, b.probs, b.match_len)


@settings(max_examples=100, deadline=None)
@given(depth=st.integers(1, 6), ops=ops_st, data=st.data())
def test_chunked_extend_equals_token_by_token(depth, ops, data):
    """Suffix-major extend (a whole step's tokens per call) builds the very same tree."""
    chunked, single = SuffixTree(depth), SuffixTree(depth)
    for o in ops:
        if o[0] == "add":
            toks = o[2]
            cut = sorted(data.draw(st.sets(st.integers(1, max(1, len(toks) - 1)), max_size=3)))
            for a, b in zip([0, *cut], [*cut, len(toks)], strict=True):
                chunked.extend(o[1], toks[a:b])
            for t in toks:
                single.append(o[1], t)
        elif o[1] in single:
            chunked.remove(o[1])
            single.remove(o[1])
        chunked.check_integrity()
    assert chunked.ngram_counts() == single.ngram_counts()  # counts and recency stamps
    assert chunked.num_nodes() == single.num_nodes()
    for sid in single.seq_ids():
        ctx = single.sequence(sid)
        for use_tree in (False, True):
            a = chunked.speculate(ctx, 8, 2.0, 0.0, 0.0, use_tree, live_seq=sid)
            b = single.speculate(ctx, 8, 2.0, 0.0, 0.0, use_tree, live_seq=sid)
            assert (a.token_ids, a.parents, a.probs, a.match_len) == (
                b.token_ids, b.parents, b.probs, b.match_len)
