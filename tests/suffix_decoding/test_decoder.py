"""Greedy losslessness of the speculative loop over 200+ random prompts on random tiny models."""
from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
import torch

from neurips25.suffix_decoding.decoder import SpeculativeDecoder, greedy_reference
from neurips25.suffix_decoding.demo.tiny import tiny_random_model
from neurips25.suffix_decoding.proposers import Draft, make_proposer


class NoisyOracle:
    """Drafts the true greedy continuation, corrupted at random, with decoy branches.

    It ignores ``max_tokens`` on purpose (the loop must enforce budgets) and its chain
    runs past EOS and past ``max_new_tokens`` (the loop must cut there).
    """

    name = "oracle"

    def __init__(self, rng: random.Random, vocab: int) -> None:
        self.rng, self.vocab = rng, vocab
        self.truth: list[int] = []
        self.prompt_len = 0
        self.calls = 0

    def begin(self, request_id: int, prompt: Sequence[int]) -> None:
        self.prompt_len = len(prompt)

    def propose(self, request_id: int, context: Sequence[int], max_tokens: int) -> Draft:
        self.calls += 1
        r = self.rng
        pos = len(context) - self.prompt_len
        chain = self.truth[pos: pos + r.randint(0, 12)]
        if chain and r.random() < 0.5:  # corrupt one position
            chain[r.randrange(len(chain))] = r.randrange(self.vocab)
        tokens: list[int] = []
        parents: list[int] = []
        prev = -1
        for tok in chain:
            for _ in range(r.choice((0, 0, 1, 2))):  # decoy siblings before/after
                tokens.append(r.randrange(self.vocab))
                parents.append(prev)
            tokens.append(tok)
            parents.append(prev)
            prev = len(tokens) - 1
        if r.random() < 0.2:  # a random decoy subtree hanging anywhere
            for _ in range(r.randint(1, 4)):
                parents.append(r.randrange(-1, len(tokens)))
                tokens.append(r.randrange(self.vocab))
        return Draft(tokens, parents, [1.0] * len(tokens))

    def extend(self, request_id: int, new_tokens: Sequence[int]) -> None:
        pass

    def end(self, request_id: int) -> None:
        pass


CONFIGS = [(k, a) for k in ("llama", "gpt2") for a in ("eager", "sdpa")]


@pytest.mark.parametrize("kind,attn", CONFIGS)
def test_lossless_over_random_prompts(kind, attn):
    """50 prompts per config, 200 in all: EOS inside drafts, max_new_tokens 0..14."""
    vocab = 24  # small vocab: EOS is hit often
    model = tiny_random_model(kind, attn, vocab=vocab, seed=11)
    rng = random.Random(CONFIGS.index((kind, attn)))
    oracle = NoisyOracle(rng, vocab)
    dec = SpeculativeDecoder(model, oracle, max_spec_tokens=rng.choice((4, 16)))
    eos_hits = multi_accept = 0
    for i in range(50):
        prompt = [rng.randrange(vocab) for _ in range(rng.randint(1, 10))]
        max_new = rng.randint(0, 14)
        truth = greedy_reference(model, prompt, max_new + 4)  # the oracle drafts past the end
        eos = rng.choice(truth) if rng.random() < 0.5 else rng.randrange(vocab)
        want = truth[:max_new]
        if eos in want:
            want = want[: want.index(eos) + 1]
        oracle.truth = truth
        dec.eos_ids = frozenset({eos})
        dec.max_spec_tokens = rng.choice((1, 3, 16))
        got, stats = dec.generate(prompt, max_new, request_id=i)
        assert got == want, (kind, attn, i, prompt, max_new, eos)
        assert stats.emitted == len(got) == sum(stats.accepted) + stats.steps
        assert all(d <= dec.max_spec_tokens for d in stats.drafted)
        eos_hits += bool(want) and want[-1] == eos and len(want) < max_new
        multi_accept += any(a >= 2 for a in stats.accepted)
    assert eos_hits >= 5 and multi_accept >= 5  # the edge cases really were exercised


def test_greedy_proposer_matches_hf_generate():
    model = tiny_random_model("llama", "sdpa", seed=3)
    prompt = [5, 9, 2, 7]
    got, stats = SpeculativeDecoder(model, make_proposer("greedy")).generate(prompt, 12)
    want = model.generate(torch.tensor([prompt]), max_new_tokens=12, min_new_tokens=12,
                          do_sample=False)[0, len(prompt):].tolist()
    assert got == want and stats.steps == 12 and sum(stats.drafted) == 0


def test_eos_from_generation_config_first_then_config():
    """Like ``generate``: the generation config's EOS ids (a list) win over the config's."""
    model = tiny_random_model("llama", "sdpa", vocab=24, seed=3)
    prompt = [5, 9, 2, 7]
    free = greedy_reference(model, prompt, 16)
    stop, other = free[5], next(t for t in free[:5] if t != free[5])
    model.config.eos_token_id = other
    assert SpeculativeDecoder(model).generate(prompt, 16)[0] == free[:free.index(other) + 1]
    model.generation_config.eos_token_id = [stop, 23]
    got = SpeculativeDecoder(model).generate(prompt, 16)[0]
    assert got == free[:free.index(stop) + 1]
    assert other in got[:-1]  # the config's id no longer stops it


def test_bad_requests_are_rejected():
    model = tiny_random_model("gpt2", "eager", positions=16)
    dec = SpeculativeDecoder(model)
    with pytest.raises(ValueError, match="at least one token"):
        dec.generate([], 3)
    with pytest.raises(ValueError, match="positions"):
        dec.generate([1] * 10, 10)
    with pytest.raises(ValueError, match="max_new_tokens"):
        dec.generate([1], -1)
    with pytest.raises(ValueError, match="one prompt at a time"):
        dec.generate(torch.ones(2, 3, dtype=torch.long), 2)
    assert dec.generate([1, 2], 0)[0] == []


@pytest.mark.parametrize("use_tree", [False, True])
def test_suffix_decoder_lossless_and_learns_across_requests(use_tree):
    """Real SuffixDecodingCache drafts: output equals greedy; repeated requests get long accepts."""
    from neurips25.suffix_decoding.cache import SuffixDecodingCache

    model = tiny_random_model("llama", "sdpa", vocab=40, seed=2)
    proposer = make_proposer("suffix-tree" if use_tree else "suffix",
                             cache=SuffixDecodingCache(max_tree_depth=16),
                             max_spec_factor=2.0, min_token_prob=0.0)
    dec = SpeculativeDecoder(model, proposer, max_spec_tokens=12, eos_token_ids=[])
    rng = random.Random(5)
    prompts = [[rng.randrange(40) for _ in range(6)] for _ in range(4)]
    steps = {0: 0, 1: 0}
    for rep in range(2):
        for p in prompts:
            got, stats = dec.generate(p, 20)
            assert got == greedy_reference(model, p, 20)
            steps[rep] += stats.steps
    # second time round the whole output is in the global tree (alpha=2 still needs a
    # few short drafts to grow the match); the first pass is already helped by the prompt
    assert steps[1] <= 4 * 6 and steps[1] < steps[0] < 4 * 20, steps
