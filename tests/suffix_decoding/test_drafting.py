"""Drafting: the plain reference against brute force, the fast path against the reference."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ngram_oracle import build, ops_st

from neurips25.suffix_decoding.reference import speculate_reference
from neurips25.suffix_decoding.tree import SuffixTree


@settings(max_examples=150, deadline=None)
@given(depth=st.integers(1, 6), ops=ops_st,
       ctx=st.lists(st.integers(0, 3), min_size=1, max_size=10), k=st.integers(0, 8),
       alpha=st.sampled_from([0.5, 1.0, 2.0, 4.0]), offset=st.sampled_from([0.0, 1.0]),
       tau=st.sampled_from([0.0, 0.1, 0.4]))
def test_reference_path_draft_matches_brute_force(depth, ops, ctx, k, alpha, offset, tau):
    tree, oracle = build(depth, ops)
    d = speculate_reference(tree, ctx, k, alpha, offset, tau, use_tree=False)
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
@given(depth=st.integers(1, 6), ops=ops_st,
       ctx=st.lists(st.integers(0, 3), min_size=1, max_size=10), k=st.integers(0, 10),
       alpha=st.sampled_from([1.0, 2.0, 4.0]), tau=st.sampled_from([0.0, 0.1, 0.3]))
def test_reference_tree_draft_is_top_k_by_probability(depth, ops, ctx, k, alpha, tau):
    tree, oracle = build(depth, ops)
    d = speculate_reference(tree, ctx, k, alpha, 0.0, tau, use_tree=True)
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


def test_example_probabilities():
    tree = SuffixTree(6)
    tree.extend(0, [5, 6, 7, 5, 6, 8, 5, 6, 7])
    # after [5, 6]: 7 twice, 8 once -> D(7) = 2/3; then 5 follows 7 once of twice -> 2/3·1/2
    d = tree.speculate([5, 6], 4, max_spec_factor=4.0, min_token_prob=0.0)
    # p=1 ([6]) scores the same 5/3 as p=2: the tie goes to the longer match
    assert d.match_len == 2 and d.token_ids == [7, 5, 6, 8]
    assert d.probs == pytest.approx([2 / 3, 1 / 3, 1 / 3, 1 / 3])
    assert tree.count([5, 6]) == 3 and tree.count([5, 6, 7, 5, 6, 8, 5]) == 0  # deeper than depth


def fields(d):
    return d.token_ids, d.parents, d.probs, d.score, d.match_len


@settings(max_examples=300, deadline=None)
@given(depth=st.integers(1, 7), ops=ops_st,
       ctx=st.lists(st.integers(0, 3), min_size=1, max_size=10), k=st.integers(0, 12),
       alpha=st.sampled_from([0.5, 1.0, 2.0, 4.0]), offset=st.sampled_from([0.0, 1.0, 2.5]),
       tau=st.sampled_from([0.0, 0.1, 0.25, 0.5]),
       use_tree=st.booleans(), live=st.booleans())
def test_fast_path_equals_reference(depth, ops, ctx, k, alpha, offset, tau, use_tree, live):
    tree, _ = build(depth, ops)
    if live and tree.seq_ids():  # the context continues a stored sequence (the live request)
        sid = tree.seq_ids()[-1]
        ctx = tree.sequence(sid)[-len(ctx):]
    else:
        sid = None
    want = speculate_reference(tree, ctx, k, alpha, offset, tau, use_tree)
    got = tree.speculate(ctx, k, alpha, offset, tau, use_tree, live_seq=sid)
    assert fields(got) == fields(want)
    beat = want.score if want.score > 0 else 0.5
    better = tree.speculate(ctx, k, alpha, offset, tau, use_tree, beat=beat, live_seq=sid)
    assert fields(better) == (fields(want) if want.score > beat else ([], [], [], 0.0, 0))


@pytest.mark.parametrize("use_tree", [False, True])
def test_differential_fuzz_fast_vs_reference(use_tree):
    """Larger random trees than hypothesis draws: 150 trees x 12 contexts, seeded."""
    rng = random.Random(1234 + use_tree)
    checked = nonempty = 0
    for _ in range(150):
        depth, vocab = rng.randint(2, 12), rng.choice((2, 3, 5, 8))
        tree = SuffixTree(depth)
        for sid in range(rng.randint(1, 5)):
            base = [rng.randrange(vocab) for _ in range(rng.randint(1, 12))]
            tree.extend(sid, (base * rng.randint(1, 6))[: rng.randint(1, 60)])  # repeats
        if rng.random() < 0.3 and len(tree.seq_ids()) > 1:
            tree.remove(rng.choice(tree.seq_ids()))
        for _ in range(12):
            ctx = [rng.randrange(vocab) for _ in range(rng.randint(1, 16))]
            args = (rng.randint(0, 24), rng.choice((0.5, 1.0, 2.0, 4.0)),
                    rng.choice((0.0, 1.0)), rng.choice((0.0, 0.05, 0.1, 0.3)), use_tree)
            want = speculate_reference(tree, ctx, *args)
            assert fields(tree.speculate(ctx, *args)) == fields(want), (ctx, args)
            checked += 1
            nonempty += bool(want.token_ids)
    assert nonempty >= checked // 3  # most queries draft something


def test_probability_is_one_division_so_exact_ties_stay():
    """count(node) / count(match) = 1/5 = 0.2 exactly; the chained 3/5 * 1/3 would give
    0.19999999999999998 and drop below tau = 0.2 (ArcticInference keeps the token)."""
    tree = SuffixTree(8)
    tree.extend(0, [1, 2, 5, 1, 2, 6, 1, 2, 7, 1, 3, 1, 4])  # [1] x 5, [1, 2] x 3
    assert 3 / 5 * (1 / 3) < 0.2
    assert tree.count([1]) == 5 and tree.count([1, 2]) == 3 and tree.count([1, 2, 6]) == 1
    for use_tree in (False, True):
        d = tree.speculate([1], 5, max_spec_factor=5.0, min_token_prob=0.2, use_tree=use_tree)
        ref = speculate_reference(tree, [1], 5, max_spec_factor=5.0, min_token_prob=0.2,
                                  use_tree=use_tree)
        assert fields(d) == fields(ref)
        assert 0.2 in d.probs  # kept at exactly tau
