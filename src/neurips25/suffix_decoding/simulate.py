"""Trace-driven acceptance simulation: the paper's own method for its ablations.

A request's known (greedy) output is "decoded" step by step: at each step the method
drafts from the context (prompt + output so far), the verifier accepts the longest draft
path that equals the true next tokens, and the model adds one token of its own (the
bonus). So a step costs one model call and yields accepted + 1 tokens. No model runs:
what is measured is how many tokens each verification step would yield. Every method
comes from ``make_proposer``, exactly as in the decoder.
"""
from __future__ import annotations

import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from neurips25.suffix_decoding.cache import SuffixDecodingCache
from neurips25.suffix_decoding.proposers import Proposer, greedy_accept, make_proposer
from neurips25.suffix_decoding.stats import GenStats
from neurips25.suffix_decoding.workloads import Request


@dataclass(frozen=True)
class Method:
    """A drafting method of the simulation: a ``make_proposer`` name and its settings."""

    name: str  # row label in the metrics
    proposer: str = "suffix"  # "suffix", "suffix-tree" or "prompt-lookup"
    max_spec_tokens: int = 24  # draft cap per step (prompt lookup: its fixed k)
    alpha: float = 1.0  # max_spec_factor
    tau: float = 0.1  # min_token_prob
    use_global: bool = True  # suffix: keep responses in the global tree

    def __post_init__(self) -> None:
        if self.proposer not in ("suffix", "suffix-tree", "prompt-lookup"):
            raise ValueError(f"unknown proposer {self.proposer!r}")

    def make(self, cache: SuffixDecodingCache | None) -> Proposer:
        if self.proposer == "prompt-lookup":
            return make_proposer("prompt-lookup", k=self.max_spec_tokens)
        return make_proposer(self.proposer, cache=cache, max_spec_factor=self.alpha,
                             min_token_prob=self.tau)


def simulate_request(req: Request, proposer: Proposer, max_spec_tokens: int,
                     req_id: Hashable) -> GenStats:
    """Decode one request's known output with ``proposer`` (which updates its cache)."""
    out, stats = list(req.output), GenStats()
    proposer.begin(req_id, req.prompt)
    context, i = list(req.prompt), 0
    while i < len(out):
        t0 = time.perf_counter()
        draft = proposer.propose(req_id, context, max_spec_tokens)
        stats.spec_s += time.perf_counter() - t0
        depth = [0] * len(draft.parents)
        for k, par in enumerate(draft.parents):
            depth[k] = 1 if par < 0 else depth[par] + 1
        truth = out[i:]

        def next_token(k: int, truth: list[int] = truth, depth: list[int] = depth) -> int:
            d = 0 if k < 0 else depth[k]
            return truth[d] if d < len(truth) else -1  # past the end nothing matches

        acc = len(greedy_accept(draft.token_ids, draft.parents, next_token))
        step = min(acc + 1, len(out) - i)
        new = out[i:i + step]
        stats.steps += 1
        stats.drafted.append(len(draft.token_ids))
        stats.accepted.append(min(acc, step))
        context.extend(new)
        proposer.extend(req_id, new)
        i += step
    proposer.end(req_id)
    stats.emitted = len(out)
    return stats


def simulate(requests: Iterable[Request], method: Method,
             cache: SuffixDecodingCache | None = None, max_depth: int = 24) -> dict[str, float]:
    """Simulate every request; each evaluation response is evicted afterwards, so all
    requests see the same cached history (no evaluation output leaks into another).

    Eviction restores counts exactly; recency stamps (tie-breaks) may keep a trace, which
    changed nothing on the workloads checked (tests: a fresh cache per request gives the
    same steps)."""
    if method.proposer != "prompt-lookup" and (cache is None or not method.use_global):
        cache = SuffixDecodingCache(max_depth,
                                    max_cached_requests=10_000 if method.use_global else 0)
    proposer = method.make(cache)
    total, n = GenStats(), 0
    for n, req in enumerate(requests, 1):
        rid = f"eval-{n - 1}"
        total.add(simulate_request(req, proposer, method.max_spec_tokens, rid))
        if cache is not None and rid in cache.cached_requests:
            cache.evict_cached_response(rid)
    return {"requests": n, "tokens": total.emitted, "steps": total.steps, **total.rates(),
            "spec_us_per_step": 1e6 * total.spec_s / max(total.steps, 1)}
