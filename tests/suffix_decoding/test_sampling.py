"""Sampling is lossless in distribution: suffix sampling vs plain ``generate(do_sample=True)``.

Pre-registered test (fixed before the first run, not tuned): the first 3 generated
tokens of N = 20,000 seeded samples from each side; a two-sample chi-square test of
homogeneity over the 3-token sequences (sequences with a pooled count below 10 merged
into one cell); the sides agree if p >= 1e-3. A deliberately wrong verifier that
accepts every drafted token must fail the same test (p < 1e-3).

Cost: each suffix sample is a full ``SpeculativeDecoder.run`` (drafting, caps, the
acceptance rule, cuts, KV compaction), but the model forward of an input it has already
seen (same cache contents, same ids/positions/mask) is replayed from a memo together
with the cache it left: the forward is deterministic, and the test checks that the
replay gives bit-identical samples to real forwards before it relies on it. Without the
memo the 40,000 samples cost ~3 CPU-minutes on a tiny model (one forward each).
"""
from __future__ import annotations

import copy
import random
from collections import Counter
from collections.abc import Hashable, Sequence

import pytest
import torch

from neurips25.common.threads import threads
from neurips25.suffix_decoding import Sampling, SpeculativeDecoder, SuffixTree, decoder
from neurips25.suffix_decoding.acceptance import SamplingRule, _Scores
from neurips25.suffix_decoding.demo.tiny import tiny_random_model
from neurips25.suffix_decoding.proposers import Draft
from neurips25.suffix_decoding.verify import _kv_slots

N = 20_000
ALPHA = 1e-3
PROMPT = [2]
SETTINGS = Sampling(temperature=0.8, top_p=0.95)
VOCAB = 5


class AcceptAll(SamplingRule):
    """Wrong on purpose: every first child is taken, then the model samples at the leaf."""

    def __call__(self, logits: torch.Tensor, tokens: Sequence[int], parents: Sequence[int],
                 row: list[int]) -> tuple[list[int], int]:
        path, node = [], -1
        while (child := next((i for i, p in enumerate(parents) if p == node), None)) is not None:
            path.append(child)
            node = child
        scores = _Scores(logits, self.processors, row, tokens, parents)(node)
        y = int(torch.multinomial(torch.softmax(scores[0].double(), -1), 1,
                                  generator=self.generator))
        return path, y


class HistoryTree:
    """A suffix-tree proposer over a fixed history (tree drafts; responses not added)."""

    name = "suffix-tree"

    def __init__(self, history: list[int]) -> None:
        self.tree = SuffixTree(8)
        self.tree.extend(0, history)
        self.drafts: dict[tuple[tuple[int, ...], int], Draft] = {}  # the tree never changes

    def begin(self, request_id: Hashable, prompt: Sequence[int]) -> None:
        pass

    def propose(self, request_id: Hashable, context: Sequence[int], max_tokens: int) -> Draft:
        key = (tuple(context), max_tokens)
        if key not in self.drafts:
            self.drafts[key] = self.tree.speculate(list(context), max_tokens, 30.0, 0.0, 0.0,
                                                   use_tree=True)
        d = self.drafts[key]
        return Draft(list(d.token_ids), list(d.parents), list(d.probs), d.score, d.match_len)

    def extend(self, request_id: Hashable, new_tokens: Sequence[int]) -> None:
        pass

    def end(self, request_id: Hashable) -> None:
        pass


class ForwardMemo:
    """decoder.forward_step, replayed for inputs already seen (with the cache it left)."""

    def __init__(self) -> None:
        self.real = decoder.forward_step
        self.memo: dict[tuple, tuple[torch.Tensor, list]] = {}

    def __call__(self, model, cache, inputs) -> torch.Tensor:
        state = tuple(get().numpy().tobytes() for get, _ in _kv_slots(cache)
                      if get() is not None)
        key = (state, tuple((n, t.numpy().tobytes()) for n, t in sorted(inputs.items())))
        if key not in self.memo:
            logits = self.real(model, cache, inputs)
            self.memo[key] = (logits, [copy.copy(layer) for layer in cache.layers])
            return logits
        logits, layers = self.memo[key]
        # tensors are never changed in place (appends and compaction make new ones)
        cache.layers = [copy.copy(layer) for layer in layers]
        return logits


def homogeneity_p(a: Counter, b: Counter) -> float:
    """p-value of the pre-registered chi-square test of homogeneity (rare cells merged)."""
    from scipy.stats import chi2_contingency

    pooled = a + b
    keys = [k for k in pooled if pooled[k] >= 10]
    rows = [[c[k] for k in keys] + [sum(v for k, v in c.items() if pooled[k] < 10)]
            for c in (a, b)]
    if rows[0][-1] + rows[1][-1] == 0:
        rows = [r[:-1] for r in rows]
    return float(chi2_contingency(rows)[1])


@pytest.fixture(scope="module")
def setup():
    model = tiny_random_model("llama", "sdpa", vocab=VOCAB, seed=4, init_std=1.0, width=8,
                              layers=1, positions=16)
    torch.manual_seed(123)
    x = torch.tensor([PROMPT]).repeat(N, 1)
    with threads(1):
        plain = model.generate(x, attention_mask=torch.ones_like(x), do_sample=True,
                               temperature=SETTINGS.temperature, top_p=SETTINGS.top_p, top_k=0,
                               max_new_tokens=3, min_new_tokens=3, pad_token_id=0)
    return model, Counter(tuple(r) for r in plain[:, len(PROMPT):].tolist())


def suffix_samples(model, rule_cls, n: int = N, seed: int = 7) -> tuple[list, int, int]:
    """n samples of 3 tokens with tree drafts from a suffix tree over random history."""
    rng = random.Random(0)
    proposer = HistoryTree([rng.randrange(VOCAB) for _ in range(400)])
    dec = SpeculativeDecoder(model, proposer, max_spec_tokens=24, eos_token_ids=[])
    rule = rule_cls(SETTINGS.processors(), torch.Generator().manual_seed(seed))
    samples, accepted, drafted = [], 0, 0
    with threads(1):
        for _ in range(n):
            out, st = dec.run(PROMPT, 3, rule)
            samples.append(tuple(out))
            accepted += sum(st.accepted)
            drafted += sum(st.drafted)
    return samples, accepted, drafted


@pytest.fixture(scope="module")
def memo_forward(setup):
    """Install the forward memo once it reproduces real forwards bit for bit."""
    model, _ = setup
    real, _, _ = suffix_samples(model, SamplingRule, n=300, seed=11)
    memo = ForwardMemo()
    mp = pytest.MonkeyPatch()
    mp.setattr(decoder, "forward_step", memo)
    replayed, _, _ = suffix_samples(model, SamplingRule, n=300, seed=11)
    assert replayed == real and len(memo.memo) < 100  # same samples; replay really used
    yield memo
    mp.undo()


@pytest.mark.slow
def test_suffix_sampling_is_distributed_as_plain_sampling(setup, memo_forward):
    model, plain = setup
    samples, accepted, drafted = suffix_samples(model, SamplingRule)
    ours = Counter(samples)
    assert len(samples) == N and len(plain) >= 15  # a spread-out distribution
    assert accepted >= N and drafted > 3 * accepted  # drafts were used, and often rejected
    assert homogeneity_p(ours, plain) >= ALPHA


@pytest.mark.slow
def test_a_wrong_verifier_fails_the_same_test(setup, memo_forward):
    model, plain = setup
    wrong, _, _ = suffix_samples(model, AcceptAll)
    assert homogeneity_p(Counter(wrong), plain) < ALPHA


def test_rejection_rule_alone_matches_the_target():
    """No model: fixed logits and a fixed tree, 20,000 draws of the first token vs p."""
    from scipy.stats import chisquare

    g = torch.Generator().manual_seed(0)
    logits = torch.randn(4, 6, generator=g)  # root + 3 draft nodes, vocab 6
    tokens, parents = [3, 1, 3], [-1, -1, 0]  # two children of the root, one grandchild
    rule = SamplingRule([], torch.Generator().manual_seed(1))
    first = Counter()
    for _ in range(N):
        path, nxt = rule(logits, tokens, parents, [0])
        first[tokens[path[0]] if path else nxt] += 1
    p = torch.softmax(logits[0].double(), -1).tolist()
    p_value = chisquare([first[t] for t in range(6)], [N * q for q in p]).pvalue
    assert p_value >= ALPHA


def test_sampling_settings_are_validated():
    for bad in ({"temperature": 0}, {"temperature": float("nan")}, {"top_p": 0.0},
                {"top_p": 1.5}, {"top_k": -1}, {"top_k": 2.5}):
        with pytest.raises(ValueError):
            Sampling(**bad)
    assert [type(p).__name__ for p in Sampling(0.5, 0.9, 3).processors()] == [
        "TemperatureLogitsWarper", "TopKLogitsWarper", "TopPLogitsWarper"]
    assert Sampling().processors() == []
