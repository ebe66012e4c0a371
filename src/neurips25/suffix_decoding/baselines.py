"""Peers of the suffix cache: prompt-lookup decoding and (if installed) arctic_inference.

``prompt_lookup`` follows vLLM's n-gram proposer: find the longest n-gram in
[min_n, max_n] that ends the context and also occurs earlier in it (earliest
occurrence on ties) and propose the (up to) k tokens that followed it. Fixed k, one
request's own tokens only: the baseline SuffixDecoding compares against (paper Sec. 4).

``ArcticSuffixCache`` wraps Snowflake's C++ ``SuffixDecodingCache`` with this package's
``SuffixCache`` API, for cross-checks and side-by-side benchmarks. It is only usable
when ``arctic_inference`` is importable; it is never a dependency.
"""
from __future__ import annotations

from array import array
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from neurips25.suffix_decoding.cache import check_token_ids
from neurips25.suffix_decoding.tree import Draft

__all__ = ["ArcticSuffixCache", "PromptLookup", "arctic_available", "prompt_lookup"]


def _find_aligned(hay: bytes, needle: bytes) -> int:
    """Token index of the earliest occurrence of ``needle`` in ``hay`` (4 bytes/token), or -1."""
    i = hay.find(needle)
    while i != -1 and i % 4:
        i = hay.find(needle, i + 1)
    return -1 if i == -1 else i // 4


def prompt_lookup(context: Sequence[int], k: int, min_n: int = 1, max_n: int = 4) -> tuple[list[int], int]:
    """(draft tokens, matched n) by prompt lookup; ([], 0) when no n-gram recurs."""
    if not 1 <= min_n <= max_n:
        raise ValueError(f"need 1 <= min_n <= max_n, got min_n={min_n}, max_n={max_n}")
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    ctx = list(context)
    L = len(ctx)
    if k == 0 or L < min_n + 1:
        return [], 0
    buf = array("i", ctx).tobytes()
    for n in range(min(max_n, L - 1), min_n - 1, -1):
        needle = buf[(L - n) * 4:]
        # an occurrence must end before the last token, so something follows it
        start = _find_aligned(buf[:(L - 1) * 4], needle)
        if start != -1:
            return ctx[start + n:start + n + k], n
    return [], 0


@dataclass(frozen=True)
class PromptLookup:
    """vLLM-style n-gram proposer with a fixed draft length ``k``."""

    k: int = 4
    min_n: int = 1
    max_n: int = 4

    def speculate(self, context: Sequence[int]) -> Draft:
        tokens, n = prompt_lookup(context, self.k, self.min_n, self.max_n)
        m = len(tokens)
        return Draft(tokens, list(range(-1, m - 1)), [1.0] * m, float(m), n)


def arctic_available() -> bool:
    try:
        import arctic_inference.suffix_decoding  # noqa: F401
    except Exception:  # ImportError, or a broken native build
        return False
    return True


class ArcticSuffixCache:
    """``SuffixCache``-shaped adapter over ``arctic_inference``'s SuffixDecodingCache."""

    def __init__(self, max_depth: int = 24, max_cached_requests: int | None = 10_000) -> None:
        if not arctic_available():
            raise RuntimeError("arctic_inference is not installed (it is optional: pip install "
                               "arctic-inference builds it from source)")
        from arctic_inference.suffix_decoding import SuffixDecodingCache

        limit = -1 if max_cached_requests is None else max_cached_requests
        self.max_depth = max_depth
        self._cache = SuffixDecodingCache(max_tree_depth=max_depth, max_cached_requests=limit)

    def start_request(self, req_id: Hashable, prompt_ids: Sequence[int]) -> None:
        self._cache.start_request(req_id, check_token_ids(prompt_ids, "prompt ids"))

    def add_response_tokens(self, req_id: Hashable, ids: Sequence[int] | int) -> None:
        ids = check_token_ids([ids] if isinstance(ids, int) else ids, "response ids")
        self._cache.add_active_response(req_id, ids)

    def stop_request(self, req_id: Hashable) -> None:
        self._cache.stop_request(req_id)

    def speculate(self, req_id: Hashable, context: Sequence[int], max_spec_tokens: int = 24,
                  max_spec_factor: float = 1.0, max_spec_offset: float = 0.0,
                  min_token_prob: float = 0.1, use_tree: bool = False) -> Draft:
        d = self._cache.speculate(req_id, check_token_ids(context, "context ids"),
                                  max_spec_tokens=max_spec_tokens, max_spec_factor=max_spec_factor,
                                  max_spec_offset=max_spec_offset, min_token_prob=min_token_prob,
                                  use_tree_spec=use_tree)
        return Draft(list(d.token_ids), list(d.parents), list(d.probs), float(d.score),
                     int(d.match_len))
