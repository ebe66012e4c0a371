"""Tree verification: masked logits = sequential logits, greedy acceptance, KV compaction."""
from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from neurips25.suffix_decoding.demo.tiny import tiny_random_model
from neurips25.suffix_decoding.proposers import greedy_accept
from neurips25.suffix_decoding.verify import (
    ancestor_matrix,
    build_tree_inputs,
    cache_length,
    compact_cache,
    forward_tokens,
    forward_tree,
    full_parents,
    is_path,
    new_cache,
    step_inputs,
)

CONFIGS = [(k, a) for k in ("llama", "gpt2") for a in ("eager", "sdpa")]


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda c: f"{c[0]}-{c[1]}")
def model(request):
    kind, attn = request.param
    return tiny_random_model(kind, attn, seed=7)


def random_tree(rng: random.Random, n: int, vocab: int) -> tuple[list[int], list[int]]:
    parents = [rng.randrange(-1, i) for i in range(n)]
    return [rng.randrange(vocab) for _ in range(n)], parents


def root_path(parents_full: list[int], i: int) -> list[int]:
    path = []
    while i >= 0:
        path.append(i)
        i = parents_full[i]
    return path[::-1]


def test_tree_logits_equal_sequential_logits(model):
    rng = random.Random(0)
    vocab = model.config.vocab_size
    worst = 0.0
    for _ in range(4):
        prefix = [rng.randrange(vocab) for _ in range(rng.randint(1, 12))]
        draft, parents = random_tree(rng, rng.randint(1, 14), vocab)
        cache = new_cache(model)
        if len(prefix) > 1:
            forward_tokens(model, cache, prefix[:-1], 0)
        tree_logits = forward_tree(model, cache, prefix[-1], draft, parents)
        nodes = [prefix[-1], *draft]
        pf = full_parents(parents)
        with torch.no_grad():
            for i in range(len(nodes)):
                seq = prefix[:-1] + [nodes[j] for j in root_path(pf, i)]
                ref = model(input_ids=torch.tensor([seq])).logits[0, -1]
                worst = max(worst, float((ref - tree_logits[i]).abs().max()))
    assert worst <= 1e-4, worst


def test_mask_is_needed(model):
    """Sanity of the test above: without the tree mask sibling branches see each other."""
    prefix, draft, parents = [3, 4, 5], [6, 7, 8], [-1, -1, 1]
    cache = new_cache(model)
    forward_tokens(model, cache, prefix[:-1], 0)
    tree = forward_tree(model, cache, prefix[-1], draft, parents)[-1]
    with torch.no_grad():
        causal = model(input_ids=torch.tensor([prefix + draft])).logits[0, -1]
        ref = model(input_ids=torch.tensor([prefix + [7, 8]])).logits[0, -1]
    assert float((tree - ref).abs().max()) <= 1e-4
    assert float((causal - ref).abs().max()) > 1e-3


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_tree_inputs_match_definition(data):
    n = data.draw(st.integers(0, 12))
    parents = [data.draw(st.integers(-1, i - 1)) for i in range(n)]
    prefix_len = data.draw(st.integers(0, 6))
    ti = build_tree_inputs(1, list(range(n)), parents, prefix_len)
    pf = full_parents(parents)
    visible = ti.attention_mask[0, 0] == 0
    assert visible.shape == (n + 1, prefix_len + n + 1)
    assert bool(visible[:, :prefix_len].all())
    for i in range(n + 1):
        path = set(root_path(pf, i))
        for j in range(n + 1):
            assert bool(visible[i, prefix_len + j]) == (j in path)
        assert int(ti.position_ids[0, i]) == prefix_len + len(path) - 1


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_greedy_accept_is_longest_matching_path(data):
    n = data.draw(st.integers(0, 10))
    vocab = 3
    parents = [data.draw(st.integers(-1, i - 1)) for i in range(n)]
    tokens = [data.draw(st.integers(0, vocab - 1)) for _ in range(n)]
    argmax = [data.draw(st.integers(0, vocab - 1)) for _ in range(n + 1)]
    path = [k + 1 for k in greedy_accept(tokens, parents, argmax)]  # root+draft indices
    bonus = argmax[path[-1] if path else 0]
    pf = full_parents(parents)
    # brute force: every node whose whole root path agrees with argmax is acceptable
    ok = [True] + [False] * n
    for i in range(1, n + 1):
        ok[i] = ok[pf[i]] and tokens[i - 1] == argmax[pf[i]]
    depth = [len(root_path(pf, i)) - 1 for i in range(n + 1)]
    best = max((depth[i] for i in range(n + 1) if ok[i]), default=0)
    assert len(path) == best
    assert all(ok[i] for i in path)
    assert path == root_path(pf, path[-1])[1:] if path else True
    assert bonus == argmax[path[-1] if path else 0]


def test_ancestor_matrix_is_transitive():
    anc = ancestor_matrix([-1, 0, 1, 0, 3, 2])
    a = anc.astype(int)
    assert np.array_equal((a @ a > 0), anc)  # closed under composition
    assert anc.diagonal().all() and anc[:, 0].all()


def test_compaction_equals_recomputation(model):
    rng = random.Random(1)
    vocab = model.config.vocab_size
    for _ in range(3):
        prefix = [rng.randrange(vocab) for _ in range(rng.randint(2, 10))]
        draft, parents = random_tree(rng, 10, vocab)
        cache = new_cache(model)
        forward_tokens(model, cache, prefix[:-1], 0)
        p = len(prefix) - 1
        forward_tree(model, cache, prefix[-1], draft, parents)
        leaf = rng.randrange(1, len(draft) + 1)
        keep = root_path(full_parents(parents), leaf)  # starts with the root (0)
        compact_cache(cache, p, keep)
        kept = prefix[:-1] + [([prefix[-1]] + draft)[j] for j in keep]
        ref = new_cache(model)
        forward_tokens(model, ref, kept, 0)
        assert cache_length(cache) == cache_length(ref) == len(kept)
        for a, b in zip(cache.layers, ref.layers, strict=True):
            assert torch.allclose(a.keys, b.keys, atol=1e-5)
            assert torch.allclose(a.values, b.values, atol=1e-5)
        nxt = rng.randrange(vocab)
        got = forward_tokens(model, cache, [nxt], len(kept))
        want = forward_tokens(model, ref, [nxt], len(kept))
        assert float((got - want).abs().max()) <= 1e-4


def test_path_drafts_skip_the_tree_mask(model):
    """A chain is a causal continuation: no 4D mask, same logits as the masked form."""
    prefix, draft = [3, 4, 5], [6, 7, 8]
    inputs = step_inputs(model, len(prefix) - 1, prefix[-1], draft, [-1, 0, 1])
    assert "attention_mask" not in inputs and is_path([-1, 0, 1]) and not is_path([-1, -1])
    cache = new_cache(model)
    forward_tokens(model, cache, prefix[:-1], 0)
    chain = forward_tree(model, cache, prefix[-1], draft, [-1, 0, 1])
    ti = build_tree_inputs(prefix[-1], draft, [-1, 0, 1], len(prefix) - 1)
    ref = new_cache(model)
    forward_tokens(model, ref, prefix[:-1], 0)
    with torch.no_grad():
        masked = model(input_ids=ti.input_ids, position_ids=ti.position_ids,
                       attention_mask=ti.attention_mask, cache=ref).logits[0]
    assert float((chain - masked).abs().max()) <= 1e-4


def test_bad_parents_are_rejected():
    with pytest.raises(ValueError, match="earlier node"):
        full_parents([-1, 1])
    with pytest.raises(ValueError, match="draft tokens"):
        build_tree_inputs(0, [1, 2], [-1], 0)
