"""One speculative decoding loop for any local Hugging Face causal LM; proposers differ.

The API is stable (``neurips25 serve`` builds on it). ``proposer`` comes from
``make_proposer`` (None = no drafts). ``eos_token_ids`` None takes the model's
``generation_config`` EOS ids, else its config's. ``sampling`` None is greedy (token for
token what greedy decoding gives); a ``Sampling`` samples, lossless in distribution
(``acceptance.py``), reproducibly with ``generator``. ``on_tokens(new_tokens)`` is called
after every step; returning True ends generation after that step (stop strings, client
gone). The call never touches the caller's torch thread settings.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import torch

from neurips25.suffix_decoding.acceptance import GreedyRule, Sampling, SamplingRule
from neurips25.suffix_decoding.proposers import (
    Draft,
    NoDraft,
    Proposer,
    cap_draft,
    next_request_id,
)
from neurips25.suffix_decoding.stats import GenStats
from neurips25.suffix_decoding.verify import (
    cache_length,
    compact_cache,
    forward_step,
    forward_tokens,
    new_cache,
    step_inputs,
)

__all__ = ["GenStats", "Sampling", "SpeculativeDecoder", "greedy_reference"]

Rule = Callable[[torch.Tensor, Sequence[int], Sequence[int], list[int]], tuple[list[int], int]]
# a step's emitted tokens -> how many of them to keep before stopping (None: go on)
StopFn = Callable[[list[int], list[int]], int | None]


def default_eos_ids(model: torch.nn.Module) -> list[int]:
    """EOS ids of the model's generation_config, else of its config ([] if none)."""
    for cfg in (getattr(model, "generation_config", None), model.config):
        eos = getattr(cfg, "eos_token_id", None)
        if eos is not None:
            return [eos] if isinstance(eos, int) else [int(e) for e in eos]
    return []


def _max_positions(config: Any) -> int | None:
    for name in ("max_position_embeddings", "n_positions"):
        v = getattr(config, name, None)
        if isinstance(v, int) and v > 0:
            return v
    return None


def as_token_list(ids: Sequence[int] | torch.Tensor) -> list[int]:
    """One prompt as a list of ints (a 1D tensor, a (1, T) tensor or a sequence)."""
    if isinstance(ids, torch.Tensor):
        if ids.dim() == 2:
            if ids.shape[0] != 1:
                raise ValueError(f"one prompt at a time: got a batch of {ids.shape[0]} "
                                 "(model.generate(custom_generate=suffix_generate) takes batches)")
            ids = ids[0]
        return [int(x) for x in ids.tolist()]
    return [int(x) for x in ids]


class SpeculativeDecoder:
    """Decode one request at a time with drafts from ``proposer``, verified by ``model``.

    ``max_spec_tokens`` caps the draft size per step (CPU verification cost grows with
    it). ``clock`` times the stats (``time.process_time`` = CPU time, robust to load).
    """

    def __init__(self, model: torch.nn.Module, proposer: Proposer | None = None, *,
                 max_spec_tokens: int = 32, eos_token_ids: Iterable[int] | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        if max_spec_tokens < 0:
            raise ValueError(f"max_spec_tokens must be >= 0, got {max_spec_tokens}")
        self.model = model.eval()
        self.proposer: Proposer = proposer if proposer is not None else NoDraft()
        self.max_spec_tokens = max_spec_tokens
        self.clock = clock
        ids = default_eos_ids(model) if eos_token_ids is None else eos_token_ids
        self.eos_ids = frozenset(int(e) for e in ids)

    def generate(self, prompt_ids: Sequence[int] | torch.Tensor, max_new_tokens: int, *,
                 request_id: Hashable | None = None, sampling: Sampling | None = None,
                 generator: torch.Generator | None = None,
                 on_tokens: Callable[[list[int]], bool | None] | None = None,
                 ) -> tuple[list[int], GenStats]:
        """Continue one prompt: (new tokens, stats). Greedy unless ``sampling`` is given."""
        if sampling is not None and not isinstance(sampling, Sampling):
            raise ValueError(f"sampling must be a Sampling or None, got {type(sampling).__name__}")
        rule: Rule = (GreedyRule() if sampling is None
                      else SamplingRule(sampling.processors(), generator))
        return self.run(as_token_list(prompt_ids), max_new_tokens, rule,
                        request_id=request_id, on_tokens=on_tokens)

    def check_request(self, prompt: list[int], max_new_tokens: int) -> None:
        """ValueError for a request this model cannot run (before any work)."""
        if not prompt:
            raise ValueError("prompt must hold at least one token")
        if max_new_tokens < 0:
            raise ValueError(f"max_new_tokens must be >= 0, got {max_new_tokens}")
        vocab = getattr(self.model.config, "vocab_size", None)
        if vocab is not None and (min(prompt) < 0 or max(prompt) >= vocab):
            raise ValueError(f"prompt token ids must lie in [0, {vocab})")
        limit = _max_positions(self.model.config)
        if limit is not None and len(prompt) + max_new_tokens > limit:
            raise ValueError(f"prompt ({len(prompt)}) + max_new_tokens ({max_new_tokens}) "
                             f"exceeds the model's {limit} positions")

    @torch.no_grad()
    def run(self, prompt: list[int], max_new_tokens: int, rule: Rule, *,
            request_id: Hashable | None = None, row_prefix: Sequence[int] = (),
            stop: StopFn | None = None,
            on_tokens: Callable[[list[int]], bool | None] | None = None,
            ) -> tuple[list[int], GenStats]:
        """The decoding loop with an acceptance ``rule``.

        ``row_prefix``: ids the logits processors and ``stop`` see before the prompt
        (generate's left padding). ``stop(out, step)`` may end the request inside a step.
        """
        self.check_request(prompt, max_new_tokens)
        clock, stats, out = self.clock, GenStats(), []
        t_start = clock()
        if max_new_tokens == 0:
            return out, stats
        rid = next_request_id() if request_id is None else request_id
        proposer, model = self.proposer, self.model
        proposer.begin(rid, prompt)
        t = clock()
        stats.index_s += t - t_start
        try:
            cache = new_cache(model)
            if len(prompt) > 1:
                forward_tokens(model, cache, prompt[:-1], 0)
            context, root, prefix = list(prompt), prompt[-1], list(row_prefix)
            now = clock()
            stats.prefill_s, t = now - t, now
            while True:
                remaining = max_new_tokens - len(out)
                k = self.max_spec_tokens if remaining > 1 else 0  # nodes; depth < remaining
                draft = proposer.propose(rid, context, k) if k > 0 else Draft()
                draft = cap_draft(draft, k, remaining - 1)
                toks, pars = draft.token_ids, draft.parents
                now = clock()
                stats.spec_s, t = stats.spec_s + now - t, now
                prefix_len = cache_length(cache)
                inputs = step_inputs(model, prefix_len, root, toks, pars)
                now = clock()
                stats.mask_s, t = stats.mask_s + now - t, now
                logits = forward_step(model, cache, inputs)
                now = clock()
                stats.forward_s, t = stats.forward_s + now - t, now
                path, nxt = rule(logits, toks, pars, prefix + context)
                now = clock()
                stats.accept_s, t = stats.accept_s + now - t, now
                step = [toks[i] for i in path] + [nxt]
                step, finished = self._cut(step, out, remaining, stop)
                path = path[:len(step) - 1]
                compact_cache(cache, prefix_len, [0, *(i + 1 for i in path)])
                now = clock()
                stats.compact_s, t = stats.compact_s + now - t, now
                stats.steps += 1
                stats.accepted.append(len(path))
                stats.drafted.append(len(toks))
                out += step
                context += step
                root = step[-1]
                proposer.extend(rid, step)
                now = clock()
                stats.index_s += now - t
                stats.spec_s, t = stats.spec_s + now - t, now
                if on_tokens is not None and on_tokens(step) is True:
                    finished = True
                if finished:
                    break
        finally:
            t_end = clock()
            proposer.end(rid)
            now = clock()
            stats.index_s += now - t_end
            stats.spec_s += now - t_end
        stats.emitted = len(out)
        stats.total_s = clock() - t_start
        return out, stats

    def _cut(self, step: list[int], out: list[int], remaining: int,
             stop: StopFn | None) -> tuple[list[int], bool]:
        """Cut a step's tokens at EOS, at the budget, or where ``stop`` says."""
        finished = False
        for j, tok in enumerate(step):
            if tok in self.eos_ids:
                step, finished = step[:j + 1], True
                break
        if len(step) >= remaining:
            step, finished = step[:remaining], True
        if stop is not None:
            keep = stop(out, step)
            if keep is not None:
                step, finished = step[:max(1, keep)], True
        return step, finished


@torch.no_grad()
def greedy_reference(model: torch.nn.Module, prompt: Sequence[int], max_new_tokens: int,
                     eos_token_ids: Iterable[int] = ()) -> list[int]:
    """Greedy decoding by full recomputation, no cache: the oracle for losslessness."""
    eos = set(eos_token_ids)
    seq, out = list(prompt), []
    for _ in range(max_new_tokens):
        logits = model(input_ids=torch.tensor([seq], device=model.device)).logits[0, -1]
        tok = int(logits.argmax())
        out.append(tok)
        seq.append(tok)
        if tok in eos:
            break
    return out
