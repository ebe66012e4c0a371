"""ArcticInference API parity: same method names, arguments and defaults; same results.

The signature check always runs (against ArcticInference 0.3.0's API, written out
here). The side-by-side checks run only where ``arctic_inference`` imports (an
optional sdist with a C++ build; never a dependency) and skip cleanly otherwise.

Known, documented differences: ArcticInference tries match lengths 1 .. len(context) - 1,
the paper (and we) also the whole context, so contexts here are longer than the tree
depth (then both stop at depth - 1 with a non-empty draft); it keeps probabilities as a
float32 chain of products, we as one float64 division (equal to float32 precision);
equal-count (path) and equal-probability (tree) picks may differ.
"""
from __future__ import annotations

import inspect
import random

import pytest

from neurips25.suffix_decoding import SuffixDecodingCache, arctic_available

ARCTIC_0_3_0 = {  # method -> parameters (name, default) after self
    "__init__": [("max_tree_depth", 64), ("max_cached_requests", -1)],
    "start_request": [("req_id", None), ("prompt_token_ids", None)],
    "stop_request": [("req_id", None)],
    "add_active_response": [("req_id", None), ("token_ids", None)],
    "evict_cached_response": [("req_id", None)],
    "speculate": [("req_id", None), ("context", None), ("max_spec_tokens", None),
                  ("max_spec_factor", 1.0), ("max_spec_offset", 0.0), ("min_token_prob", 0.1),
                  ("use_tree_spec", False)],
}
needs_arctic = pytest.mark.skipif(not arctic_available(),
                                  reason="arctic_inference is optional (C++ peer, sdist build)")


def test_same_methods_arguments_and_defaults_as_arctic_inference():
    for name, want in ARCTIC_0_3_0.items():
        params = list(inspect.signature(getattr(SuffixDecodingCache, name)).parameters.values())
        got = [(p.name, None if p.default is inspect.Parameter.empty else p.default)
               for p in params[1:] if p.kind is not p.KEYWORD_ONLY]
        assert got == want, name
    for prop in ("active_requests", "cached_requests", "max_tree_depth", "max_cached_requests"):
        assert isinstance(getattr(SuffixDecodingCache, prop), property)


def _pair(depth: int, limit: int):
    from arctic_inference.suffix_decoding import SuffixDecodingCache as Arctic

    return SuffixDecodingCache(depth, limit), Arctic(depth, limit)


def _tie_on_path(tree, ctx, p) -> bool:
    """Does the most-frequent chain after ctx[-p:] meet two children of equal count?"""
    found = tree.match_node(list(ctx[-p:]))
    if found is None:
        return False
    node, _ = found
    while node.children:
        counts = sorted((c.count for c in node.children.values()), reverse=True)
        if len(counts) > 1 and counts[0] == counts[1]:
            return True
        node = max(node.children.values(), key=lambda c: (c.count, c.stamp))
    return False


@needs_arctic
@pytest.mark.parametrize("vocab", [4, 12])
def test_same_calls_same_results(vocab):
    rng = random.Random(vocab)
    depth = 8
    ours, theirs = _pair(depth, 3)
    same_path = n_path = 0
    for rid in range(10):
        rid = rid % 7  # some ids come back while still cached (their response is replaced)
        prompt = [rng.randrange(vocab) for _ in range(rng.randrange(5, 40))]
        for c in (ours, theirs):
            c.start_request(rid, prompt)
        assert set(ours.active_requests) == set(theirs.active_requests)
        assert set(ours.cached_requests) == set(theirs.cached_requests)
        out = []
        for _ in range(6):
            new = [rng.randrange(vocab) for _ in range(rng.randrange(1, 8))]
            out += new
            for c in (ours, theirs):
                c.add_active_response(rid, new)
            for alpha, tau in [(1.0, 0.1), (2.0, 0.0), (4.0, 0.3)]:
                ctx = (prompt + out)[-(depth + 4):]
                if rng.random() < 0.3:
                    ctx = [rng.randrange(vocab) for _ in range(depth + 4)]
                a = ours.speculate(rid, ctx, 8, alpha, 0.0, tau, True)
                b = theirs.speculate(rid, ctx, 8, alpha, 0.0, tau, True)
                assert a.score == pytest.approx(b.score, rel=1e-5, abs=1e-6)
                assert sorted(a.probs) == pytest.approx(sorted(b.probs), rel=1e-5)
                if a.score > 0:
                    assert a.match_len == b.match_len
                a = ours.speculate(rid, ctx, 8, alpha, 0.0, tau, False)
                b = theirs.speculate(rid, ctx, 8, alpha, 0.0, tau, False)
                n_path += 1
                if list(a.token_ids) == list(b.token_ids):
                    same_path += 1
                    assert a.score == pytest.approx(b.score, rel=1e-5, abs=1e-6)
                else:  # only a count tie on some drafting path may explain a difference
                    trees = (ours._local_trees[rid], ours.global_tree)
                    assert any(_tie_on_path(t, ctx[-depth:], p) for t in trees
                               for p in range(1, depth + 1))
        for c in (ours, theirs):
            c.stop_request(rid)
        if rng.random() < 0.3 and rid in ours.cached_requests:
            for c in (ours, theirs):
                c.evict_cached_response(rid)
    assert same_path >= 0.6 * n_path


@needs_arctic
def test_same_errors():
    for c in _pair(8, 2):
        c.start_request("r", [1, 2, 3])
        for call in (lambda c=c: c.start_request("r", [1]), lambda c=c: c.stop_request("x"),
                     lambda c=c: c.add_active_response("x", [1]),
                     lambda c=c: c.speculate("x", [1, 2], 4),
                     lambda c=c: c.evict_cached_response("x")):
            with pytest.raises(ValueError):
                call()


@needs_arctic
def test_decoder_runs_on_arctic_cache():
    """The C++ cache is a drop-in speed-up path: same greedy output, drafts accepted."""
    from arctic_inference.suffix_decoding import SuffixDecodingCache as Arctic

    from neurips25.suffix_decoding import SpeculativeDecoder, greedy_reference, make_proposer
    from neurips25.suffix_decoding.demo.tiny import tiny_random_model

    model = tiny_random_model("llama", "sdpa", vocab=40, seed=2)
    dec = SpeculativeDecoder(model, make_proposer("suffix", cache=Arctic(16, 100),
                                                  max_spec_factor=2.0, min_token_prob=0.0),
                             max_spec_tokens=12, eos_token_ids=[])
    prompts = [[random.Random(i).randrange(40) for _ in range(6)] for i in range(3)]
    steps = []
    for _ in range(2):
        for p in prompts:
            got, st = dec.generate(p, 16)
            assert got == greedy_reference(model, p, 16)
            steps.append(st.steps)
    assert sum(steps[3:]) < sum(steps[:3])  # the second round drafts from the first
