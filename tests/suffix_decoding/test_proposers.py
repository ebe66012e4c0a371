"""Proposers: prompt lookup against a brute-force scan, the factory, draft capping."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurips25.suffix_decoding.proposers import (
    Draft,
    PromptLookup,
    cap_draft,
    make_proposer,
    prompt_lookup,
)


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
    d = PromptLookup(k=2, max_n=3).propose("r", [9, 1, 2, 3, 9, 1, 2], 8)
    assert d.token_ids == [3, 9] and d.match_len == 3 and d.score == 2.0


def test_prompt_lookup_rejects_bad_n():
    with pytest.raises(ValueError, match="min_n"):
        prompt_lookup([1, 2], 2, min_n=3, max_n=2)


def test_make_proposer_names_and_options():
    names = ["greedy", "prompt-lookup", "suffix", "suffix-tree"]
    assert [make_proposer(n).name for n in names] == names
    assert make_proposer("prompt-lookup", k=3).k == 3
    with pytest.raises(ValueError, match="unknown method 'suffix_path'"):
        make_proposer("suffix_path")
    with pytest.raises(ValueError, match="takes no option.*max_spec_factor"):
        make_proposer("prompt-lookup", max_spec_factor=2.0)
    with pytest.raises(ValueError, match="uses no suffix cache"):
        make_proposer("greedy", cache=object())
    with pytest.raises(ValueError, match="k must be >= 1"):
        make_proposer("prompt-lookup", k=0)


def test_cap_draft_keeps_an_ancestor_closed_tree():
    d = Draft([10, 11, 12, 13, 14], [-1, 0, 1, -1, 3], [0.9, 0.8, 0.7, 0.6, 0.5], 3.5, 2)
    q = cap_draft(d, 5, 2)
    assert (q.token_ids, q.parents, q.probs) == (
        [10, 11, 13, 14], [-1, 0, -1, 2], [0.9, 0.8, 0.6, 0.5])
    assert q.match_len == 2 and q.score == pytest.approx(2.8)
    assert cap_draft(d, 2, 9).token_ids == [10, 11]
    assert cap_draft(d, 5, 0).token_ids == [] and cap_draft(d, 0, 5).token_ids == []
