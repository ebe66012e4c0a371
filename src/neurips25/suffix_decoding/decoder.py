"""One speculative greedy decoding loop; proposers differ, the loop does not.

A *proposer* is a narrow interface (vLLM's proposer style): context in, draft tokens
and their parents out, plus request lifecycle hooks so a suffix cache can index the
prompt and, after the request, add the response to its global tree. Vanilla greedy is
the proposer that never drafts, so greedy / prompt lookup / suffix decoding run the
very same loop and comparisons differ only in the proposer (SuffixDecoding §4 setup).
"""
from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch

from neurips25.suffix_decoding.verify import cache_length, forward_tokens, new_cache, verify_step


@dataclass(frozen=True)
class Proposal:
    """A draft tree: ``parents[i]`` is an earlier index or -1 (child of the context end)."""

    tokens: list[int]
    parents: list[int]


EMPTY = Proposal([], [])


class Proposer(Protocol):
    name: str

    def begin(self, request_id: int, prompt: Sequence[int]) -> None: ...

    def propose(self, request_id: int, context: Sequence[int], max_tokens: int) -> Proposal: ...

    def extend(self, request_id: int, new_tokens: Sequence[int]) -> None: ...

    def end(self, request_id: int) -> None: ...


class GreedyProposer:
    """Vanilla greedy decoding: never drafts."""

    name = "greedy"

    def begin(self, request_id: int, prompt: Sequence[int]) -> None:
        pass

    def propose(self, request_id: int, context: Sequence[int], max_tokens: int) -> Proposal:
        return EMPTY

    def extend(self, request_id: int, new_tokens: Sequence[int]) -> None:
        pass

    def end(self, request_id: int) -> None:
        pass


class PromptLookupProposer:
    """vLLM-style n-gram prompt lookup (``baselines.prompt_lookup``): a path of up to k tokens."""

    name = "prompt-lookup"

    def __init__(self, k: int = 8, min_n: int = 1, max_n: int = 4) -> None:
        self.k, self.min_n, self.max_n = k, min_n, max_n

    def begin(self, request_id: int, prompt: Sequence[int]) -> None:
        pass

    def propose(self, request_id: int, context: Sequence[int], max_tokens: int) -> Proposal:
        from neurips25.suffix_decoding.baselines import prompt_lookup

        toks, _ = prompt_lookup(context, min(self.k, max_tokens), self.min_n, self.max_n)
        return Proposal(toks, list(range(-1, len(toks) - 1)))

    def extend(self, request_id: int, new_tokens: Sequence[int]) -> None:
        pass

    def end(self, request_id: int) -> None:
        pass


class SuffixProposer:
    """SuffixDecoding drafts from a ``SuffixCache`` (per-request + global trees, §3).

    The prompt opens a request, accepted tokens extend it (and the global tree), and the
    response stays in the global tree after the request, so later requests benefit.
    """

    def __init__(self, cache: Any, *, max_spec_factor: float = 1.0,
                 max_spec_offset: float = 0.0, min_token_prob: float = 0.1,
                 use_tree: bool = False) -> None:
        self.cache = cache
        self.kw = dict(max_spec_factor=max_spec_factor, max_spec_offset=max_spec_offset,
                       min_token_prob=min_token_prob, use_tree=use_tree)
        self.name = "suffix-tree" if use_tree else "suffix"

    def begin(self, request_id: int, prompt: Sequence[int]) -> None:
        self.cache.start_request(request_id, prompt)

    def propose(self, request_id: int, context: Sequence[int], max_tokens: int) -> Proposal:
        d = self.cache.speculate(request_id, context, max_spec_tokens=max_tokens, **self.kw)
        return Proposal(list(d.token_ids), list(d.parents))

    def extend(self, request_id: int, new_tokens: Sequence[int]) -> None:
        self.cache.add_response_tokens(request_id, list(new_tokens))

    def end(self, request_id: int) -> None:
        self.cache.stop_request(request_id)


def prune_depth(p: Proposal, max_depth: int) -> Proposal:
    """Drop draft nodes deeper than ``max_depth`` (root children have depth 1); reindex."""
    if max_depth <= 0:
        return EMPTY
    depth: list[int] = []
    new_index: dict[int, int] = {}
    toks, pars = [], []
    for i, (t, par) in enumerate(zip(p.tokens, p.parents, strict=True)):
        d = 1 if par < 0 else depth[par] + 1
        depth.append(d)
        if d <= max_depth and (par < 0 or par in new_index):
            new_index[i] = len(toks)
            toks.append(int(t))
            pars.append(-1 if par < 0 else new_index[par])
    return Proposal(toks, pars)


@dataclass
class GenStats:
    """Per-request accounting: steps = model calls after prefill."""

    steps: int = 0
    accepted: list[int] = field(default_factory=list)  # draft tokens accepted per step
    drafted: list[int] = field(default_factory=list)  # draft tokens verified per step
    emitted: int = 0
    spec_s: float = 0.0  # time inside the proposer (propose + extend + begin/end)
    index_s: float = 0.0  # the part of spec_s spent indexing tokens (begin/extend/end)
    forward_s: float = 0.0  # verification forward + acceptance + KV compaction + bookkeeping
    prefill_s: float = 0.0
    total_s: float = 0.0

    @property
    def tokens_per_step(self) -> float:
        return self.emitted / max(self.steps, 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": self.steps, "emitted": self.emitted,
            "accepted_per_step": self.accepted, "drafted_per_step": self.drafted,
            "tokens_per_step": self.tokens_per_step, "spec_s": self.spec_s, "index_s": self.index_s,
            "forward_s": self.forward_s, "prefill_s": self.prefill_s, "total_s": self.total_s,
        }


def _max_positions(config: Any) -> int | None:
    for name in ("max_position_embeddings", "n_positions"):
        v = getattr(config, name, None)
        if isinstance(v, int) and v > 0:
            return v
    return None


_REQUEST_IDS = itertools.count()  # unique across decoders that share one suffix cache


class SpeculativeDecoder:
    """Greedy decoding of one request at a time with drafts from ``proposer``.

    ``max_spec_tokens`` caps the draft size per step (CPU verification cost grows with it).
    ``clock`` times the stats (wall clock by default).
    """

    def __init__(self, model: torch.nn.Module, proposer: Proposer | None = None, *,
                 max_spec_tokens: int = 32, eos_token_ids: Iterable[int] | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        if max_spec_tokens < 0:
            raise ValueError(f"max_spec_tokens must be >= 0, got {max_spec_tokens}")
        self.model = model.eval()
        self.proposer: Proposer = proposer if proposer is not None else GreedyProposer()
        self.max_spec_tokens = max_spec_tokens
        self.clock = clock  # time.process_time: CPU time, robust to a loaded machine
        if eos_token_ids is None:
            eos = getattr(model.config, "eos_token_id", None)
            eos_token_ids = [] if eos is None else ([eos] if isinstance(eos, int) else eos)
        self.eos_ids = frozenset(int(e) for e in eos_token_ids)

    @torch.no_grad()
    def generate(self, input_ids: Sequence[int] | torch.Tensor, max_new_tokens: int,
                 request_id: int | None = None) -> tuple[list[int], GenStats]:
        """Greedy continuation of one prompt (ids, or a (1, T) tensor): (new tokens, stats)."""
        prompt = _as_list(input_ids)
        if not prompt:
            raise ValueError("prompt must hold at least one token")
        if max_new_tokens < 0:
            raise ValueError(f"max_new_tokens must be >= 0, got {max_new_tokens}")
        limit = _max_positions(self.model.config)
        if limit is not None and len(prompt) + max_new_tokens > limit:
            raise ValueError(f"prompt ({len(prompt)}) + max_new_tokens ({max_new_tokens}) "
                             f"exceeds the model's {limit} positions")
        rid = next(_REQUEST_IDS) if request_id is None else request_id
        stats, out = GenStats(), []
        t_start = self.clock()
        if max_new_tokens == 0:
            return out, stats
        t = self.clock()
        self.proposer.begin(rid, prompt)
        stats.index_s += self.clock() - t
        t = self.clock()
        cache = new_cache(self.model)
        if len(prompt) > 1:
            forward_tokens(self.model, cache, prompt[:-1], 0)
        stats.prefill_s = self.clock() - t
        context, root = list(prompt), prompt[-1]
        clock = self.clock
        t = clock()  # one reading ends a phase and starts the next: the CPU clock is a syscall
        try:
            while True:
                remaining = max_new_tokens - len(out)
                k = min(self.max_spec_tokens, remaining - 1)
                draft = self.proposer.propose(rid, context, k) if k > 0 else EMPTY
                draft = _cap(draft, k, remaining - 1)
                now = clock()
                stats.spec_s += now - t
                t = now
                step = verify_step(self.model, cache, root, draft.tokens, draft.parents,
                                   budget=remaining, eos_ids=self.eos_ids)
                stats.steps += 1
                stats.accepted.append(step.accepted)
                stats.drafted.append(len(draft.tokens))
                out.extend(step.tokens)
                context.extend(step.tokens)
                root = step.tokens[-1]
                now = clock()
                stats.forward_s += now - t  # (with the step's bookkeeping, as for greedy)
                t = now
                self.proposer.extend(rid, step.tokens)
                now = clock()
                stats.index_s += now - t
                t = now
                if step.finished:
                    break
        finally:
            self.proposer.end(rid)
            stats.index_s += clock() - t
            stats.spec_s += stats.index_s
        assert cache_length(cache) == len(prompt) + len(out) - 1
        stats.emitted = len(out)
        stats.total_s = self.clock() - t_start
        return out, stats


def _cap(draft: Proposal, max_tokens: int, max_depth: int) -> Proposal:
    """Enforce the size and depth budgets whatever the proposer returned."""
    if not draft.tokens or max_tokens <= 0:
        return EMPTY
    if len(draft.tokens) > max_tokens:  # parents precede children: a prefix stays a tree
        draft = Proposal(list(draft.tokens[:max_tokens]), list(draft.parents[:max_tokens]))
    if len(draft.tokens) <= max_depth:  # no node can be deeper than the tree's size
        return draft
    return prune_depth(draft, max_depth)


def _as_list(ids: Sequence[int] | torch.Tensor) -> list[int]:
    if isinstance(ids, torch.Tensor):
        if ids.dim() == 2:
            if ids.shape[0] != 1:
                raise ValueError(f"one request at a time: got a batch of {ids.shape[0]}")
            ids = ids[0]
        return [int(x) for x in ids.tolist()]
    return [int(x) for x in ids]


def greedy_reference(model: torch.nn.Module, prompt: Sequence[int], max_new_tokens: int,
                     eos_token_ids: Iterable[int] = ()) -> list[int]:
    """Greedy decoding by full recomputation, no cache: the oracle for losslessness."""
    eos = set(eos_token_ids)
    seq, out = list(prompt), []
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=torch.tensor([seq], device=model.device)).logits[0, -1]
            tok = int(logits.argmax())
            out.append(tok)
            seq.append(tok)
            if tok in eos:
                break
    return out


def SuffixDecoder(model: torch.nn.Module, cache: Any = None, *, max_spec_tokens: int = 32,
                  max_spec_factor: float = 1.0, max_spec_offset: float = 0.0,
                  min_token_prob: float = 0.1, use_tree: bool = False,
                  eos_token_ids: Iterable[int] | None = None) -> SpeculativeDecoder:
    """Suffix decoding on ``model`` with ``cache`` (a new ``SuffixCache`` if None)."""
    if cache is None:
        from neurips25.suffix_decoding.cache import SuffixCache

        cache = SuffixCache()
    proposer = SuffixProposer(cache, max_spec_factor=max_spec_factor,
                              max_spec_offset=max_spec_offset,
                              min_token_prob=min_token_prob, use_tree=use_tree)
    return SpeculativeDecoder(model, proposer, max_spec_tokens=max_spec_tokens,
                              eos_token_ids=eos_token_ids)
