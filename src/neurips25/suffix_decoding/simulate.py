"""Trace-driven acceptance simulation: the paper's own method for its ablations.

A request's known (greedy) output is "decoded" step by step: at each step the method
drafts from the context (prompt + output so far), the verifier accepts the longest draft
path that equals the true next tokens, and the model adds one token of its own (the
bonus). So a step costs one model call and yields accepted + 1 tokens. No model runs:
what is measured is how many tokens each verification step would yield.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from neurips25.suffix_decoding.baselines import PromptLookup
from neurips25.suffix_decoding.cache import SuffixCache
from neurips25.suffix_decoding.tree import Draft
from neurips25.suffix_decoding.workloads import Request


@dataclass(frozen=True)
class Method:
    """A drafting method. ``kind`` is "suffix" or "prompt_lookup"."""

    name: str
    kind: str = "suffix"
    use_tree: bool = False
    alpha: float = 1.0  # max_spec_factor
    tau: float = 0.1  # min_token_prob
    max_spec_tokens: int = 24  # suffix: cap on draft size; prompt lookup: fixed k
    use_global: bool = True
    min_n: int = 1
    max_n: int = 4

    def __post_init__(self) -> None:
        if self.kind not in ("suffix", "prompt_lookup"):
            raise ValueError(f"unknown method kind {self.kind!r}")


@dataclass
class Stats:
    requests: int = 0
    tokens: int = 0
    steps: int = 0  # = model calls (verification steps)
    drafted: int = 0
    accepted: int = 0
    spec_seconds: float = 0.0

    def add(self, other: Stats) -> None:
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)

    def summary(self) -> dict[str, float]:
        steps = max(self.steps, 1)
        return {
            "requests": self.requests,
            "tokens": self.tokens,
            "steps": self.steps,
            "tokens_per_step": self.tokens / steps,
            "accepted_per_step": self.accepted / steps,
            "drafted_per_step": self.drafted / steps,
            "acceptance_rate": self.accepted / max(self.drafted, 1),
            "spec_us_per_step": 1e6 * self.spec_seconds / steps,
        }


def accepted_length(draft: Draft, target: list[int]) -> int:
    """Longest root path of the draft (path or tree) that equals ``target``'s prefix."""
    kids: dict[int, list[tuple[int, int]]] = {}
    for i, (tok, par) in enumerate(zip(draft.token_ids, draft.parents, strict=True)):
        kids.setdefault(par, []).append((tok, i))
    best, stack = 0, [(-1, 0)]
    while stack:
        node, n = stack.pop()
        best = max(best, n)
        if n < len(target):
            stack.extend((i, n + 1) for tok, i in kids.get(node, ()) if tok == target[n])
    return best


def simulate_request(req: Request, method: Method, cache: SuffixCache | None, req_id: object) -> Stats:
    """Decode one request's known output with ``method``; update ``cache`` as we go."""
    out, prompt = req.output, req.prompt
    stats = Stats(requests=1, tokens=len(out))
    pld = PromptLookup(method.max_spec_tokens, method.min_n, method.max_n)
    if method.kind == "suffix":
        assert cache is not None
        cache.start_request(req_id, prompt)
    context = list(prompt)
    i = 0
    while i < len(out):
        t0 = time.perf_counter()
        if method.kind == "suffix":
            draft = cache.speculate(req_id, context, method.max_spec_tokens, method.alpha,  # type: ignore[union-attr]
                                    0.0, method.tau, method.use_tree)
        else:
            draft = pld.speculate(context)
        stats.spec_seconds += time.perf_counter() - t0
        acc = accepted_length(draft, out[i:])
        step = min(acc + 1, len(out) - i)
        new = out[i:i + step]
        stats.steps += 1
        stats.drafted += len(draft.token_ids)
        stats.accepted += min(acc, step)
        context.extend(new)
        if method.kind == "suffix":
            cache.add_response_tokens(req_id, new)  # type: ignore[union-attr]
        i += step
    if method.kind == "suffix":
        cache.stop_request(req_id)  # type: ignore[union-attr]
    return stats


def warm_cache(cache: SuffixCache, history: Iterable[Request], prefix: str = "h") -> int:
    """Put history responses into the global tree (as finished earlier requests)."""
    n = 0
    for n, req in enumerate(history, 1):
        rid = (prefix, n)
        cache.start_request(rid, [])
        cache.add_response_tokens(rid, req.output)
        cache.stop_request(rid)
    return n


def simulate(requests: Iterable[Request], method: Method, cache: SuffixCache | None = None,
             max_depth: int = 24) -> dict[str, float]:
    """Simulate every request; each evaluation response is evicted afterwards, so all
    requests see the same cached history (no evaluation output leaks into another).

    Eviction restores counts exactly; recency stamps (tie-breaks) may keep a trace, which
    changed nothing on the workloads checked (tests: a fresh cache per request gives the
    same steps)."""
    if method.kind == "suffix":
        if cache is None or not method.use_global:
            cache = SuffixCache(max_depth=max_depth, max_cached_requests=0 if not method.use_global
                                else 10_000)
    total = Stats()
    for j, req in enumerate(requests):
        rid = ("eval", j)
        total.add(simulate_request(req, method, cache, rid))
        if cache is not None and rid in cache.cached_requests:
            cache.evict(rid)
    return total.summary()
