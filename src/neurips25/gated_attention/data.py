"""Bigram-Backcopy (Guo et al. 2024, arXiv 2410.13835): a task on which a
dormant attention head — and with it an attention sink on the BOS token — forms fast.

Each sequence is BOS followed by a Markov chain over symbols and a few *trigger*
tokens. After a trigger the next token is a copy of the token *before* the trigger
(only attention can do that); everywhere else the next token follows the bigram table,
which the MLP path learns without attention. The head thus has nothing to do at most
positions, and a softmax head parks that attention on BOS.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

BOS = 0


@dataclass(frozen=True)
class BackcopyTask:
    n_symbols: int = 64
    n_triggers: int = 3
    seq_len: int = 64  # including BOS
    alpha: float = 0.3  # Dirichlet concentration of each bigram row (smaller: peakier)
    seed: int = 0  # fixes the bigram table (the "language"), not the samples

    @property
    def vocab_size(self) -> int:
        return 1 + self.n_symbols + self.n_triggers

    @property
    def triggers(self) -> np.ndarray:
        return np.arange(1 + self.n_symbols, self.vocab_size)

    def transition(self) -> np.ndarray:
        """(V, V) row-stochastic bigram table; BOS is never a target, triggers never
        follow BOS (so a trigger always has a symbol before it)."""
        rng = np.random.default_rng(self.seed)
        n = self.n_symbols + self.n_triggers
        table = np.zeros((self.vocab_size, self.vocab_size))
        table[:, 1:] = rng.dirichlet(np.full(n, self.alpha), size=self.vocab_size)
        table[BOS, 1 + self.n_symbols :] = 0.0
        return table / table.sum(1, keepdims=True)

    def sample(self, batch: int, rng: np.random.Generator) -> torch.Tensor:
        """(batch, seq_len) token ids. No two triggers are adjacent (by induction from BOS)."""
        cum = np.cumsum(self.transition(), axis=1)
        is_trig = np.zeros(self.vocab_size, dtype=bool)
        is_trig[self.triggers] = True
        out = np.zeros((batch, self.seq_len), dtype=np.int64)
        out[:, 0] = BOS
        for t in range(1, self.seq_len):
            cur = out[:, t - 1]
            nxt = (cum[cur] < rng.random(batch)[:, None]).sum(1)
            nxt = np.minimum(nxt, self.vocab_size - 1)
            if t >= 2:
                nxt = np.where(is_trig[cur], out[:, t - 2], nxt)
            out[:, t] = nxt
        return torch.from_numpy(out)

    def copy_mask(self, tokens: torch.Tensor) -> torch.Tensor:
        """(B, T-1) bool: next-token predictions that are back-copies (input is a trigger)."""
        return torch.isin(tokens[:, :-1], torch.from_numpy(self.triggers).to(tokens.device))
