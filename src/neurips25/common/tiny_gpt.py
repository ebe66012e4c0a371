"""A small causal transformer (nanoGPT-shaped) for studies that train their own LM.

Pre-norm blocks, learned positions, tied embeddings, SDPA attention. ``sample`` draws
with temperature / top-p, batched, and returns per-token log-probs (for RL and scoring).
``forward_cached`` is the same forward split at a position, with keys and values of the
earlier positions cached: the one incremental path the studies' fast samplers share.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

KVCache = list[tuple[torch.Tensor, torch.Tensor]]  # per layer: keys, values (B, heads, T, dim)


@dataclass(frozen=True)
class GPTConfig:
    vocab_size: int
    block_size: int = 64
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    dropout: float = 0.0


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        if cfg.n_embd % cfg.n_head:
            raise ValueError(f"n_embd={cfg.n_embd} must be divisible by n_head={cfg.n_head}")
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)
        self.dropout = cfg.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(
            q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0
        )
        return self.proj(y.transpose(1, 2).reshape(b, t, c))

    def forward_cached(self, x: torch.Tensor, cache: tuple[torch.Tensor, torch.Tensor] | None
                       ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """``forward`` (eval mode) for new positions ``x`` after the cached keys and values;
        ``cache`` None: ``x`` is the whole prefix, attended causally. With a cache, ``x`` is
        one new position, which sees every cached one. Returns the output and the grown
        cache."""
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=cache is None)
        return self.proj(y.transpose(1, 2).reshape(b, t, c)), (k, v)


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.n_embd)
        self.attn = CausalSelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.n_embd, 4 * cfg.n_embd), nn.GELU(), nn.Linear(4 * cfg.n_embd, cfg.n_embd)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class TinyGPT(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.pos = nn.Embedding(cfg.block_size, cfg.n_embd)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        self.head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.head.weight = self.tok.weight  # weight tying
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear | nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """Logits of shape (B, T, vocab) for token ids of shape (B, T), T <= block_size."""
        t = idx.shape[1]
        if t > self.cfg.block_size:
            raise ValueError(f"sequence length {t} exceeds block_size {self.cfg.block_size}")
        x = self.tok(idx) + self.pos(torch.arange(t, device=idx.device))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))

    @torch.no_grad()
    def forward_cached(self, idx: torch.Tensor, start: int, cache: KVCache | None
                       ) -> tuple[torch.Tensor, KVCache]:
        """Logits (B, vocab) of the next token after ``idx`` (B, T) placed at positions
        ``start``.., given ``cache`` (keys/values of positions < start, one row per row of
        ``idx``; None when start == 0), and the cache extended by ``idx``: ``forward`` split
        at ``start``, same modules. Positions never slide: start + T <= block_size."""
        t = idx.shape[1]
        if start + t > self.cfg.block_size:
            raise ValueError(f"position {start + t} exceeds block_size {self.cfg.block_size}")
        x = self.tok(idx) + self.pos(torch.arange(start, start + t, device=idx.device))
        grown: KVCache = []
        for i, block in enumerate(self.blocks):
            a, kv = block.attn.forward_cached(block.ln1(x), None if cache is None else cache[i])
            grown.append(kv)
            x = x + a
            x = x + block.mlp(block.ln2(x))
        return self.head(self.ln_f(x[:, -1])), grown

    def loss(
        self, idx: torch.Tensor, targets: torch.Tensor, ignore_index: int = -100
    ) -> torch.Tensor:
        logits = self(idx)
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=ignore_index)

    @torch.no_grad()
    def sample(
        self,
        prompt: torch.Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_p: float = 1.0,
        generator: torch.Generator | None = None,
        eos_id: int | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Sample continuations of a (B, T) prompt batch.

        Returns (tokens (B, max_new_tokens), logprobs (B, max_new_tokens)); after EOS a row
        keeps emitting ``eos_id`` with log-prob 0. ``temperature=0`` is greedy.
        """
        idx = prompt
        out_tok, out_lp = [], []
        done = torch.zeros(prompt.shape[0], dtype=torch.bool, device=prompt.device)
        for _ in range(max_new_tokens):
            logits = self(idx[:, -self.cfg.block_size :])[:, -1, :]
            logp = torch.log_softmax(logits.float(), dim=-1)
            nxt = draw_next(logits, temperature, top_p, generator)
            lp = logp.gather(-1, nxt[:, None]).squeeze(-1)
            if eos_id is not None:
                nxt = torch.where(done, torch.full_like(nxt, eos_id), nxt)
                lp = torch.where(done, torch.zeros_like(lp), lp)
                done = done | (nxt == eos_id)
            out_tok.append(nxt)
            out_lp.append(lp)
            idx = torch.cat([idx, nxt[:, None]], dim=1)
            if eos_id is not None and bool(done.all()):
                break
        return torch.stack(out_tok, 1), torch.stack(out_lp, 1)


def draw_next(logits: torch.Tensor, temperature: float, top_p: float,
              generator: torch.Generator | None) -> torch.Tensor:
    """One token per row of (B, vocab) ``logits``: greedy at ``temperature`` 0, else
    softmax(logits / T) cut to the top-p nucleus (a token is kept while the mass before it
    is < top_p), drawn from ``generator``."""
    if temperature == 0:
        return logits.argmax(-1)
    probs = torch.softmax(logits / temperature, dim=-1)
    if top_p < 1.0:
        sp, si = probs.sort(dim=-1, descending=True)
        sp = sp * (sp.cumsum(-1) - sp < top_p)
        probs = torch.zeros_like(probs).scatter(-1, si, sp)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)
