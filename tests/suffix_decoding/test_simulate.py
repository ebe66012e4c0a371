"""Trace-driven simulation: accounting, isolation of evaluation requests (the acceptance rule,
``greedy_accept``, is tested in test_verify)."""
from __future__ import annotations

import pytest

from neurips25.suffix_decoding.cache import SuffixDecodingCache, warm_cache
from neurips25.suffix_decoding.simulate import Method, simulate
from neurips25.suffix_decoding.workloads import Request


def test_repeated_output_is_decoded_in_few_steps():
    out = [1, 2, 3, 4, 5, 6, 7, 8] * 6
    req = Request(prompt=out[:8], output=out)
    r = simulate([req], Method("s", alpha=4.0, max_spec_tokens=8))
    assert r["tokens"] == len(out)
    # budgets grow with the match (alpha·p); then 8 drafted + the bonus token per step
    assert len(out) / 9 <= r["steps"] <= len(out) / 9 + 3
    p = simulate([req], Method("p", proposer="prompt-lookup", max_spec_tokens=4))
    assert len(out) / 5 <= p["steps"] <= len(out) / 5 + 2
    none = simulate([Request([9], [1, 2, 3])], Method("s"))
    assert none["tokens_per_step"] == 1.0 and none["drafted_per_step"] == 0.0


def test_accounting_and_isolation():
    hist = [Request([0], [5, 6, 7, 8, 9, 5, 6, 7]) for _ in range(3)]
    ev = [Request([1], [5, 6, 7, 8, 9, 1, 2]), Request([2], [6, 7, 8, 9])]
    cache = SuffixDecodingCache(max_tree_depth=6, max_cached_requests=-1)
    assert warm_cache(cache, [r.output for r in hist]) == 3
    before = (list(cache.cached_requests), cache.global_tree.num_tokens)
    a = simulate(ev, Method("s", alpha=2.0), cache)
    assert (list(cache.cached_requests), cache.global_tree.num_tokens) == before  # eval evicted
    b = simulate(ev, Method("s", alpha=2.0), cache)
    assert a["tokens_per_step"] == b["tokens_per_step"]
    assert a["tokens"] == sum(len(r.output) for r in ev)
    assert a["accepted_per_step"] == pytest.approx(a["tokens_per_step"] - 1)
    off = simulate(ev, Method("s", alpha=2.0, use_global=False), cache)
    assert a["tokens_per_step"] > off["tokens_per_step"]  # the history helps


def test_unknown_method_kind():
    with pytest.raises(ValueError, match="unknown proposer"):
        Method("x", proposer="eagle")


def test_shared_cache_equals_a_fresh_cache_per_request():
    """Evicting each evaluation response leaves no trace that changes later drafts."""
    from neurips25.suffix_decoding.simulate import simulate_request
    from neurips25.suffix_decoding.stats import GenStats
    from neurips25.suffix_decoding.workloads import build_workloads

    wls, _ = build_workloads(seed=5, n_history=30, n_eval=4, sql_history=30, max_output_tokens=150)
    m = Method("s", alpha=2.0)
    for name in ("code_edit", "sql_tools"):
        wl = wls[name]
        history = [r.output for r in wl.history]
        cache = SuffixDecodingCache(24, -1)
        warm_cache(cache, history)
        shared = simulate(wl.evaluation, m, cache)
        fresh = GenStats()
        for j, req in enumerate(wl.evaluation):
            c = SuffixDecodingCache(24, -1)
            warm_cache(c, history)
            fresh.add(simulate_request(req, m.make(c), m.max_spec_tokens, ("e", j)))
        assert shared["steps"] == fresh.steps, name
