"""Coupled (Gumbel-max, per-position noise) sampling: exact distribution, draft-invariant."""
from __future__ import annotations

import hashlib

import pytest
import torch

from neurips25.serve.coupled import CoupledSampling
from neurips25.suffix_decoding.acceptance import Sampling

V = 6


def fake_logits(prefix: list[int]) -> torch.Tensor:
    """A deterministic 'model': logits as a function of the whole prefix."""
    h = int.from_bytes(hashlib.sha256(repr(prefix).encode()).digest()[:8], "little")
    return torch.randn(V, generator=torch.Generator().manual_seed(h)) * 2


def tree_logits(row: list[int], tokens: list[int], parents: list[int]) -> torch.Tensor:
    rows = [fake_logits(row)]
    for i in range(len(tokens)):
        path, k = [], i
        while k >= 0:
            path.append(tokens[k])
            k = parents[k]
        rows.append(fake_logits(row + path[::-1]))
    return torch.stack(rows)


def sequential(rule: CoupledSampling, row: list[int], n: int) -> list[int]:
    out = []
    for _ in range(n):
        out.append(rule.choose(fake_logits(row + out), row + out))
    return out


@pytest.mark.parametrize("sampling", [Sampling(1.0), Sampling(0.7, top_k=4, top_p=0.8)])
def test_first_token_follows_the_warped_softmax(sampling):
    logits = torch.tensor([2.0, 1.0, 0.5, 0.0, -1.0, -3.0])
    procs = sampling.processors()
    scores = logits[None]
    for p in procs:
        scores = p(torch.tensor([[0]]), scores)
    want = torch.softmax(scores[0].double(), -1)
    n = 2500
    counts = torch.zeros(V, dtype=torch.float64)
    for seed in range(n):
        counts[CoupledSampling(procs, seed).choose(logits, [0])] += 1
    freq = counts / n
    # 4.5 standard errors per token: fails only if the sampler is biased
    se = torch.sqrt(want * (1 - want) / n)
    assert torch.all((freq - want).abs() <= 4.5 * se + 1e-12), (freq, want)
    assert torch.all(freq[want == 0] == 0)  # filtered tokens never come out


def test_draft_never_changes_the_output():
    row = [1, 2, 3]
    gen = torch.Generator().manual_seed(0)
    for seed in range(60):
        rule = CoupledSampling(Sampling(0.9).processors(), (seed, 1))
        want = sequential(rule, row, 8)
        # a draft tree that follows the true path for a while, plus random siblings
        depth = int(torch.randint(0, 6, (1,), generator=gen))
        tokens, parents = [], []
        for d in range(depth):
            tokens.append(want[d])
            parents.append(d * 2 - 2 if d else -1)
            tokens.append(int(torch.randint(0, V, (1,), generator=gen)))
            parents.append(d * 2 - 2 if d else -1)
        path, nxt = rule(tree_logits(row, tokens, parents), tokens, parents, row)
        got = [tokens[i] for i in path] + [nxt]
        assert got == want[:len(got)]
        assert len(path) >= depth  # the true path is always accepted in full


def test_different_seeds_and_positions_differ():
    a = CoupledSampling((), 1).noise(5, 100)
    assert torch.equal(a, CoupledSampling((), 1).noise(5, 100))
    assert not torch.equal(a, CoupledSampling((), 2).noise(5, 100))
    assert not torch.equal(a, CoupledSampling((), 1).noise(6, 100))
    assert not torch.equal(CoupledSampling((), (1, 0)).noise(5, 100),
                           CoupledSampling((), (1, 1)).noise(5, 100))
