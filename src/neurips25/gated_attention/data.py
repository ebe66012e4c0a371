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
from functools import lru_cache

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
        """(batch, seq_len) token ids. No two triggers are adjacent (by induction from BOS).

        The uniforms come from one ``rng.random`` call: the same stream (and samples) as one
        call per position, with the table built once per task rather than once per batch
        (this sampler ran once per training step and cost about a tenth of a 1-layer step)."""
        cum, is_trig = _tables(self)
        u = rng.random((self.seq_len - 1, batch))
        out = np.zeros((batch, self.seq_len), dtype=np.int64)
        out[:, 0] = BOS
        for t in range(1, self.seq_len):
            cur = out[:, t - 1]
            nxt = (cum[cur] < u[t - 1][:, None]).sum(1)
            nxt = np.minimum(nxt, self.vocab_size - 1)
            if t >= 2:
                nxt = np.where(is_trig[cur], out[:, t - 2], nxt)
            out[:, t] = nxt
        return torch.from_numpy(out)

    def copy_mask(self, tokens: torch.Tensor) -> torch.Tensor:
        """(B, T-1) bool: next-token predictions that are back-copies (input is a trigger)."""
        return torch.isin(tokens[:, :-1], torch.from_numpy(self.triggers).to(tokens.device))


@lru_cache(maxsize=16)
def _tables(task: BackcopyTask) -> tuple[np.ndarray, np.ndarray]:
    """(cumulative transition table, is-trigger mask) of ``task``, read-only (shared)."""
    cum = np.cumsum(task.transition(), axis=1)
    is_trig = np.zeros(task.vocab_size, dtype=bool)
    is_trig[task.triggers] = True
    cum.flags.writeable = False
    is_trig.flags.writeable = False
    return cum, is_trig
