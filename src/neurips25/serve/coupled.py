"""Seeded sampling that speculation cannot change: Gumbel-max with noise fixed per position.

The token at output position t is ``argmax(scores_t + g_t)``, where ``scores_t`` are the
model's logits after the warpers (temperature, top-k, top-p; filtered tokens at -inf)
and ``g_t`` is i.i.d. Gumbel(0, 1) noise drawn from a generator seeded by (seed, t).
By the Gumbel-max trick each token is an exact draw from ``softmax(scores_t)``, so the
output is distributed as plain sampling. Because the noise depends only on the seed
and the position, the sampled sequence is a deterministic function of (model, prompt,
seed): a draft tree only lets the verifier check several positions in one forward,
exactly as in greedy verification, and cannot change what comes out. The same seeded
request therefore gives the same text whatever the suffix cache holds and whatever the
drafting method, which plain rejection sampling cannot promise (its random draws depend
on the drafts).
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

import torch

from neurips25.suffix_decoding.proposers import greedy_accept


def _key(seed: int | Sequence[int]) -> bytes:
    parts = [seed] if isinstance(seed, int) else list(seed)
    return b"".join(int(p).to_bytes(16, "little", signed=True) for p in parts)


class CoupledSampling:
    """An acceptance rule for ``SpeculativeDecoder.run``: (logits, draft, row) -> (path, next)."""

    def __init__(self, processors: Sequence = (), seed: int | Sequence[int] = 0) -> None:
        self.processors = list(processors)
        self._key = _key(seed)
        self._gen = torch.Generator()  # reseeded per position

    def noise(self, position: int, vocab: int) -> torch.Tensor:
        """Gumbel(0, 1) noise for output ``position`` (float64, shape (vocab,))."""
        digest = hashlib.blake2b(self._key + position.to_bytes(8, "little"),
                                 digest_size=8).digest()
        self._gen.manual_seed(int.from_bytes(digest, "little"))
        u = torch.rand(vocab, generator=self._gen, dtype=torch.float64)
        tiny = torch.finfo(torch.float64).tiny
        return -torch.log(-torch.log(u.clamp(min=tiny, max=1.0 - 2**-53)))

    def choose(self, logits: torch.Tensor, row: list[int]) -> int:
        """The token after ``row`` (position ``len(row)``) given that position's logits."""
        scores = logits[None].float()
        if self.processors:
            ids = torch.tensor([row], dtype=torch.long, device=logits.device)
            for proc in self.processors:
                scores = proc(ids, scores)
        scores = scores[0].double().cpu()
        return int(torch.argmax(scores + self.noise(len(row), scores.numel())))

    def __call__(self, logits: torch.Tensor, tokens: Sequence[int], parents: Sequence[int],
                 row: list[int]) -> tuple[list[int], int]:
        memo: dict[int, int] = {}

        def nxt(node: int) -> int:
            if node not in memo:
                path, k = [], node
                while k >= 0:
                    path.append(tokens[k])
                    k = parents[k]
                memo[node] = self.choose(logits[node + 1], row + path[::-1])
            return memo[node]

        path = greedy_accept(tokens, parents, nxt)
        return path, nxt(path[-1] if path else -1)
