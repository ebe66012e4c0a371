"""Which drafted tokens the model accepts: greedy matching or lossless rejection sampling.

Both rules walk the draft tree from the root (the last committed token). At each node
the target distribution comes from that node's logits after the logits processors, fed
the node's own prefix (prompt + output + the path to the node), exactly as plain
decoding would see it there.

- Greedy: accept the child equal to the argmax; the first mismatch ends the walk and
  the argmax there is the bonus token. Output = greedy decoding, token for token.
- Sampling (recursive rejection sampling over a deterministic draft tree, as SpecInfer's
  multi-draft verification with point-mass drafts): at a node, try its children in
  order and accept child x with probability p'(x), where p' is the target distribution
  renormalised after removing the children already rejected; if all are rejected,
  sample from what remains. Then P(output y) = (1 - sum of the rejected mass) · p'(y) =
  p(y) for every y, so the output is distributed exactly as plain sampling.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from neurips25.suffix_decoding.proposers import greedy_accept

__all__ = ["GreedyRule", "SamplingRule", "Sampling"]


@dataclass(frozen=True)
class Sampling:
    """Sampling settings, applied as transformers' warpers in generate's order.

    ``temperature`` > 0 (use greedy decoding, ``sampling=None``, for temperature 0);
    ``top_p`` in (0, 1] (1 = off); ``top_k`` >= 0 (0 = off). Note plain
    ``model.generate(do_sample=True)`` also applies the generation config's top_k
    (50 unless the model says otherwise).
    """

    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0

    def __post_init__(self) -> None:
        t, p, k = self.temperature, self.top_p, self.top_k
        if isinstance(t, bool) or not isinstance(t, int | float) or not math.isfinite(t) or t <= 0:
            raise ValueError(f"temperature must be a finite number > 0, got {t!r} "
                             "(for greedy decoding pass sampling=None)")
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 < p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {p!r}")
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise ValueError(f"top_k must be an int >= 0, got {k!r}")

    def processors(self) -> list:
        """transformers' temperature / top-k / top-p warpers (generate's order)."""
        from transformers.generation.logits_process import (
            TemperatureLogitsWarper,
            TopKLogitsWarper,
            TopPLogitsWarper,
        )

        out: list = []
        if self.temperature != 1.0:
            out.append(TemperatureLogitsWarper(self.temperature))
        if self.top_k:
            out.append(TopKLogitsWarper(self.top_k))
        if self.top_p < 1.0:
            out.append(TopPLogitsWarper(self.top_p))
        return out


def _row_wise(processors: Sequence) -> bool:
    """True if every processor maps each row of scores on its own, ignoring input ids
    (the sampling warpers): then all tree nodes are processed in one call."""
    from transformers.generation import logits_process as lp

    kinds = tuple(getattr(lp, n) for n in ("TemperatureLogitsWarper", "TopKLogitsWarper",
                                           "TopPLogitsWarper", "MinPLogitsWarper")
                  if hasattr(lp, n))
    return all(type(p) in kinds for p in processors)


class _Scores:
    """Processed scores of the tree's nodes; per node on first use unless row-wise."""

    def __init__(self, logits: torch.Tensor, processors: Sequence, row: list[int],
                 tokens: Sequence[int], parents: Sequence[int]) -> None:
        self.logits, self.processors, self.row = logits.float(), processors, row
        self.tokens, self.parents = tokens, parents
        self.all = None
        if processors and _row_wise(processors):
            ids = torch.zeros((logits.shape[0], 1), dtype=torch.long, device=logits.device)
            scores = self.logits
            for proc in processors:
                scores = proc(ids, scores)
            self.all = scores

    def __call__(self, node: int) -> torch.Tensor:
        """Scores after draft node ``node`` (-1: after the root), shape (1, V), float32."""
        if self.all is not None:
            return self.all[node + 1:node + 2]
        scores = self.logits[node + 1:node + 2]
        if not self.processors:
            return scores
        path, k = [], node
        while k >= 0:
            path.append(self.tokens[k])
            k = self.parents[k]
        ids = torch.tensor([self.row + path[::-1]], dtype=torch.long, device=scores.device)
        for proc in self.processors:
            scores = proc(ids, scores)
        return scores


class GreedyRule:
    """Accept the longest root path that equals the (processed) argmax; add the bonus token."""

    def __init__(self, processors: Sequence = ()) -> None:
        self.processors = list(processors)

    def __call__(self, logits: torch.Tensor, tokens: Sequence[int], parents: Sequence[int],
                 row: list[int]) -> tuple[list[int], int]:
        """(accepted draft nodes, next token) for one verified tree; ``row`` = ids so far."""
        if not self.processors:  # one argmax over every node
            argmax = logits.argmax(-1).tolist()
            path = greedy_accept(tokens, parents, argmax)
            return path, argmax[path[-1] + 1 if path else 0]
        scores = _Scores(logits, self.processors, row, tokens, parents)
        memo: dict[int, int] = {}

        def nxt(node: int) -> int:
            if node not in memo:
                memo[node] = int(scores(node).argmax(-1))
            return memo[node]

        path = greedy_accept(tokens, parents, nxt)
        return path, nxt(path[-1] if path else -1)


class SamplingRule:
    """Recursive rejection sampling over the draft tree (lossless in distribution)."""

    def __init__(self, processors: Sequence = (), generator: torch.Generator | None = None) -> None:
        self.processors = list(processors)
        self.generator = generator

    def _uniform(self) -> float:
        return float(torch.rand((), generator=self.generator, dtype=torch.float64))

    def __call__(self, logits: torch.Tensor, tokens: Sequence[int], parents: Sequence[int],
                 row: list[int]) -> tuple[list[int], int]:
        scores = _Scores(logits, self.processors, row, tokens, parents)
        kids: dict[int, list[int]] = {}
        for i, p in enumerate(parents):
            kids.setdefault(p, []).append(i)
        path: list[int] = []
        node = -1
        while True:
            w = torch.softmax(scores(node)[0].double(), -1).cpu()  # target p at this node
            total = 1.0  # mass not yet rejected (w keeps the unnormalised remainder)
            for c in kids.get(node, ()):
                x = tokens[c]
                px = float(w[x])
                if px > 0.0 and self._uniform() * total < px:  # accept with p'(x) = px / total
                    path.append(c)
                    node = c
                    break
                total -= px
                w[x] = 0.0
            else:  # every child rejected (or a leaf): sample from what remains
                if total <= 0.0 or float(w.sum()) <= 0.0:  # only rounding can get here
                    w = torch.softmax(scores(node)[0].double(), -1).cpu()
                y = int(torch.multinomial(w, 1, generator=self.generator))
                return path, y
