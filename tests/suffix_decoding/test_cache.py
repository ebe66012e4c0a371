"""SuffixDecodingCache: local vs global trees, FIFO eviction, errors on bad input."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurips25.suffix_decoding.cache import SuffixDecodingCache
from neurips25.suffix_decoding.proposers import Draft
from neurips25.suffix_decoding.tree import SuffixTree

seq = st.lists(st.integers(0, 4), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None)
@given(history=st.lists(st.tuples(seq, seq), min_size=1, max_size=6), prompt=seq, out=seq,
       ctx=st.lists(st.integers(0, 4), min_size=1, max_size=12), limit=st.integers(0, 4),
       use_tree=st.booleans())
def test_cache_equals_best_of_local_and_rebuilt_global(history, prompt, out, ctx, limit, use_tree):
    cache = SuffixDecodingCache(max_tree_depth=5, max_cached_requests=limit)
    for i, (p, r) in enumerate(history):
        cache.start_request(i, p)
        cache.add_active_response(i, r[:3])
        cache.add_active_response(i, r[3:])
        cache.stop_request(i)
    cache.start_request("live", prompt)
    cache.add_active_response("live", out)
    # reference: the last `limit` responses (incl. the live one) in a fresh global tree
    kept = [r for _, r in history] + [out]
    kept = kept[-limit:] if limit else []
    assert len(cache.cached_requests) == len(kept)
    glob = SuffixTree(5)
    for i, r in enumerate(kept):
        glob.extend(i, r)
    local = SuffixTree(5)
    local.extend(0, prompt + out)
    args = (6, 2.0, 1.0, 0.1, use_tree)
    want = local.speculate(ctx, *args)
    if kept:
        g = glob.speculate(ctx, *args)
        if g.score > want.score:
            want = g
    got = cache.speculate("live", ctx, 6, 2.0, 1.0, 0.1, use_tree)
    assert isinstance(got, Draft)
    assert ((got.score, got.match_len, sorted(got.probs))
            == (want.score, want.match_len, sorted(want.probs)))


def test_fifo_eviction_keeps_newest():
    cache = SuffixDecodingCache(max_tree_depth=4, max_cached_requests=2)
    for rid in ["a", "b", "c"]:
        cache.start_request(rid, [1, 2])
        cache.add_active_response(rid, [7, 8, 9])
        cache.stop_request(rid)
    assert list(cache.cached_requests) == ["b", "c"]
    assert cache.global_tree.num_tokens == 6


def test_global_tree_serves_later_requests_and_can_be_disabled():
    for limit, expect in [(10, [8, 9, 10]), (0, [])]:
        cache = SuffixDecodingCache(max_tree_depth=8, max_cached_requests=limit)
        cache.start_request(0, [1, 2, 3])
        cache.add_active_response(0, [5, 6, 7, 8, 9, 10])
        cache.stop_request(0)
        cache.start_request(1, [4])
        d = cache.speculate(1, [6, 7], max_spec_tokens=3, max_spec_factor=4.0)
        assert d.token_ids == expect


def test_accepts_numpy_ids_and_single_ints():
    cache = SuffixDecodingCache()
    cache.start_request("r", np.array([3, 4, 3, 4], dtype=np.int64))
    cache.add_active_response("r", [3])
    d = cache.speculate("r", np.array([4, 3]), max_spec_tokens=2, max_spec_factor=2.0)
    assert d.token_ids == [4, 3]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda c: c.start_request("x", [1, -2]), "must be >= 0"),
        (lambda c: c.start_request("x", [1, 2**31]), "must be <= "),
        (lambda c: c.start_request("x", [1, 2.5]), "must be integers"),
        (lambda c: c.add_active_response("nope", [1]), "'nope' is not active"),
        (lambda c: c.speculate("nope", [1]), "is not active"),
        (lambda c: c.stop_request("nope"), "is not active"),
        (lambda c: c.speculate("r", []), "context is empty"),
        (lambda c: c.speculate("r", [1], max_spec_tokens=-1), "max_spec_tokens"),
        (lambda c: c.start_request("r", [1]), "already active"),
        (lambda c: c.add_active_response("r", [99]), "must be <= 9"),
    ],
)
def test_bad_input_is_a_clear_error(call, match):
    cache = SuffixDecodingCache(vocab_size=10)
    cache.start_request("r", [1, 2, 3])
    with pytest.raises(ValueError, match=match):
        call(cache)


def test_bad_cache_limit_rejected():
    for bad in (-2, 2**31):
        with pytest.raises(ValueError, match="max_cached_requests"):
            SuffixDecodingCache(max_cached_requests=bad)
