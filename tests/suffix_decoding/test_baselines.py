"""Prompt lookup against a brute-force scan, and the optional arctic_inference adapter."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurips25.suffix_decoding.baselines import (
    ArcticSuffixCache,
    PromptLookup,
    arctic_available,
    prompt_lookup,
)
from neurips25.suffix_decoding.cache import SuffixCache


def brute_force(ctx, k, min_n, max_n):
    L = len(ctx)
    for n in range(min(max_n, L - 1), min_n - 1, -1):
        for s in range(0, L - n):  # earliest occurrence that ends before the last token
            if ctx[s:s + n] == ctx[L - n:]:
                return ctx[s + n:s + n + k], n
    return [], 0


@settings(max_examples=300, deadline=None)
@given(ctx=st.lists(st.integers(0, 5), max_size=30), k=st.integers(0, 6),
       min_n=st.integers(1, 3), extra=st.integers(0, 3))
def test_prompt_lookup_matches_brute_force(ctx, k, min_n, extra):
    got = prompt_lookup(ctx, k, min_n, min_n + extra)
    want = brute_force(ctx, k, min_n, min_n + extra) if k else ([], 0)
    assert got == want


def test_vllm_examples():
    # the cases vLLM documents for its n-gram proposer
    assert prompt_lookup([1, 2, 3, 4, 1, 2, 3, 5, 6], k=2, min_n=2, max_n=2) == ([], 0)
    assert prompt_lookup([1, 2, 3, 4, 1, 2, 3], k=3, min_n=2, max_n=2) == ([4, 1, 2], 2)
    assert prompt_lookup([1, 2, 3, 4, 1, 2, 3], k=3, min_n=1, max_n=1)[0] == [4, 1, 2]
    d = PromptLookup(k=2, max_n=3).speculate([9, 1, 2, 3, 9, 1, 2])
    assert d.token_ids == [3, 9] and d.match_len == 3 and d.score == 2.0


def test_prompt_lookup_rejects_bad_n():
    with pytest.raises(ValueError, match="min_n"):
        prompt_lookup([1, 2], 2, min_n=3, max_n=2)


def test_arctic_adapter_is_optional():
    if not arctic_available():
        with pytest.raises(RuntimeError, match="not installed"):
            ArcticSuffixCache()
        return
    import random

    rng = random.Random(0)
    ours, theirs = SuffixCache(max_depth=8), ArcticSuffixCache(max_depth=8)
    for rid in range(5):
        prompt = [rng.randrange(6) for _ in range(30)]
        out = [rng.randrange(6) for _ in range(30)]
        for c in (ours, theirs):
            c.start_request(rid, prompt)
            c.add_response_tokens(rid, out)
        for _ in range(20):
            ctx = [rng.randrange(6) for _ in range(12)]
            a = ours.speculate(rid, ctx, 8, 1.0, 0.0, 0.1)
            b = theirs.speculate(rid, ctx, 8, 1.0, 0.0, 0.1)
            assert a.score == pytest.approx(b.score, rel=1e-5)
            assert a.match_len == b.match_len or a.score == pytest.approx(b.score)
        for c in (ours, theirs):
            c.stop_request(rid)
