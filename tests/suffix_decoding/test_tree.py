"""SuffixTree index maintenance against a brute-force n-gram oracle (counts, stamps, shape)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ngram_oracle import build, check_integrity, ngram_counts, op, ops_st, tokens

from neurips25.suffix_decoding.tree import SuffixTree


@settings(max_examples=150, deadline=None)
@given(depth=st.integers(1, 6), ops=ops_st)
def test_counts_and_stamps_match_oracle(depth, ops):
    tree, oracle = build(depth, ops)
    check_integrity(tree)
    got = ngram_counts(tree)
    want = oracle.table()
    assert {g: c for g, (c, _) in got.items()} == {g: c for g, (c, _) in want.items()}
    assert tree.num_tokens == sum(len(s) for s in oracle.seqs.values())
    if not any(o[0] == "del" and o[1] in {x[1] for x in ops if x[0] == "add"} for o in ops):
        assert got == want  # stamps exact while nothing was removed


@settings(max_examples=100, deadline=None)
@given(depth=st.integers(1, 6), seqs=st.lists(tokens, min_size=2, max_size=5), data=st.data())
def test_removal_equals_rebuild_without(depth, seqs, data):
    drop = data.draw(st.integers(0, len(seqs) - 1))
    tree = SuffixTree(depth)
    for i, s in enumerate(seqs):
        tree.extend(i, s)
    tree.remove(drop)
    check_integrity(tree)
    fresh = SuffixTree(depth)
    for i, s in enumerate(seqs):
        if i != drop:
            fresh.extend(i, s)
    counts = {g: c for g, (c, _) in ngram_counts(tree).items()}
    assert counts == {g: c for g, (c, _) in ngram_counts(fresh).items()}
    assert tree.num_nodes() == fresh.num_nodes()  # same canonical compressed shape


def test_live_append_after_removal_stays_consistent():
    tree, oracle = build(3, [("add", 0, [1, 2, 1, 2, 3]), ("add", 1, [1, 2, 1]), ("del", 0),
                             ("add", 1, [2, 3, 1, 2]), ("add", 2, [2, 3])])
    check_integrity(tree)
    assert {g: c for g, (c, _) in ngram_counts(tree).items()} == {
        g: c for g, (c, _) in oracle.table().items()}


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
            check_integrity(queried)
            continue
        for t in (queried, fresh):
            if o[0] == "add":
                t.extend(o[1], o[2])
            elif o[1] in t:
                t.remove(o[1])
        check_integrity(queried)
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
        check_integrity(chunked)
    assert ngram_counts(chunked) == ngram_counts(single)  # counts and recency stamps
    assert chunked.num_nodes() == single.num_nodes()
    for sid in single.seq_ids():
        ctx = single.sequence(sid)
        for use_tree in (False, True):
            a = chunked.speculate(ctx, 8, 2.0, 0.0, 0.0, use_tree, live_seq=sid)
            b = single.speculate(ctx, 8, 2.0, 0.0, 0.0, use_tree, live_seq=sid)
            assert (a.token_ids, a.parents, a.probs, a.match_len) == (
                b.token_ids, b.parents, b.probs, b.match_len)
