"""Draft proposers: one protocol, one draft type, one factory. Torch-free.

A proposer is vLLM's narrow interface: context in, draft out, plus request lifecycle
hooks so a suffix cache can index the prompt and keep the response in its global tree.
Vanilla decoding is the proposer that never drafts, so "greedy", "prompt-lookup",
"suffix" (path drafts) and "suffix-tree" (tree drafts) run the very same decoding loop
and differ only here (SuffixDecoding, arXiv 2411.04975v3, Sec. 4 setup).
"""
from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["METHODS", "Draft", "NoDraft", "PromptLookup", "Proposer", "SuffixDecodingDraft",
           "SuffixProposer", "cap_draft", "greedy_accept", "make_proposer", "next_request_id",
           "prompt_lookup"]

METHODS = ("greedy", "prompt-lookup", "suffix", "suffix-tree")


@dataclass(slots=True)
class Draft:
    """A speculated continuation: a path (``parents[i] == i - 1``) or a tree.

    ``parents[i]`` is the index of token i's parent in ``token_ids`` (-1: the context
    end; parents precede children). ``probs[i]`` is the estimated probability of token i
    (suffix trees: count(node) / count(match), the telescoped Eq. 1 of the paper),
    ``score`` = sum of probs = expected accepted tokens, ``match_len`` = the length of
    the context suffix the draft continues. Field names follow ArcticInference's
    ``SuffixDecodingDraft``.
    """

    token_ids: list[int] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)
    score: float = 0.0
    match_len: int = 0


SuffixDecodingDraft = Draft  # ArcticInference's name for the same record

_request_ids = itertools.count()


def next_request_id() -> str:
    """A request id unique in this process (decoders sharing one cache never collide)."""
    return f"req-{next(_request_ids)}"


class Proposer(Protocol):
    """Context in, draft out; ``begin``/``extend``/``end`` follow one request."""

    name: str

    def begin(self, request_id: Hashable, prompt: Sequence[int]) -> None: ...

    def propose(self, request_id: Hashable, context: Sequence[int], max_tokens: int) -> Draft: ...

    def extend(self, request_id: Hashable, new_tokens: Sequence[int]) -> None: ...

    def end(self, request_id: Hashable) -> None: ...


class _Stateless:
    """Request hooks of a proposer that keeps no state across steps."""

    def begin(self, request_id: Hashable, prompt: Sequence[int]) -> None:
        pass

    def extend(self, request_id: Hashable, new_tokens: Sequence[int]) -> None:
        pass

    def end(self, request_id: Hashable) -> None:
        pass


class NoDraft(_Stateless):
    """Vanilla decoding: never drafts (method "greedy", also under sampling)."""

    name = "greedy"

    def propose(self, request_id: Hashable, context: Sequence[int], max_tokens: int) -> Draft:
        return Draft()


def _find_aligned(hay: bytes, needle: bytes) -> int:
    """Token index of the earliest occurrence of ``needle`` in ``hay`` (4 bytes/token), or -1."""
    i = hay.find(needle)
    while i != -1 and i % 4:
        i = hay.find(needle, i + 1)
    return -1 if i == -1 else i // 4


def prompt_lookup(context: Sequence[int], k: int, min_n: int = 1,
                  max_n: int = 4) -> tuple[list[int], int]:
    """(draft, matched n): vLLM's n-gram proposer.

    The longest n-gram in [min_n, max_n] that ends the context and also occurs earlier
    in it (earliest occurrence) proposes the (up to) k tokens that followed it; ([], 0)
    when none recurs.
    """
    if not 1 <= min_n <= max_n:
        raise ValueError(f"need 1 <= min_n <= max_n, got min_n={min_n}, max_n={max_n}")
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    ctx = list(context)
    n_ctx = len(ctx)
    if k == 0 or n_ctx < min_n + 1:
        return [], 0
    buf = array("i", ctx).tobytes()
    for n in range(min(max_n, n_ctx - 1), min_n - 1, -1):
        # an occurrence must end before the last token, so something follows it
        start = _find_aligned(buf[:(n_ctx - 1) * 4], buf[(n_ctx - n) * 4:])
        if start != -1:
            return ctx[start + n:start + n + k], n
    return [], 0


class PromptLookup(_Stateless):
    """Prompt-lookup decoding with a fixed draft length ``k`` (the paper's n-gram baseline)."""

    name = "prompt-lookup"

    def __init__(self, k: int = 8, min_n: int = 1, max_n: int = 4) -> None:
        if k < 1:
            raise ValueError(f"prompt-lookup k must be >= 1, got {k}")
        prompt_lookup([], 1, min_n, max_n)  # validates n
        self.k, self.min_n, self.max_n = k, min_n, max_n

    def propose(self, request_id: Hashable, context: Sequence[int], max_tokens: int) -> Draft:
        toks, n = prompt_lookup(context, min(self.k, max_tokens), self.min_n, self.max_n)
        m = len(toks)
        return Draft(toks, list(range(-1, m - 1)), [1.0] * m, float(m), n)


class SuffixProposer:
    """SuffixDecoding drafts from a suffix cache (per-request + global trees, Sec. 3).

    ``cache`` is this package's ``SuffixDecodingCache`` or ArcticInference's (same API).
    The prompt opens a request, accepted tokens extend it (and the global tree), and the
    response stays in the global tree afterwards, so later requests benefit.
    """

    def __init__(self, cache: Any, *, use_tree: bool = False, max_spec_factor: float = 1.0,
                 max_spec_offset: float = 0.0, min_token_prob: float = 0.1) -> None:
        self.cache = cache
        self.use_tree = use_tree
        self.max_spec_factor = max_spec_factor
        self.max_spec_offset = max_spec_offset
        self.min_token_prob = min_token_prob
        self.name = "suffix-tree" if use_tree else "suffix"

    def begin(self, request_id: Hashable, prompt: Sequence[int]) -> None:
        self.cache.start_request(request_id, list(prompt))

    def propose(self, request_id: Hashable, context: Sequence[int], max_tokens: int) -> Draft:
        if max_tokens <= 0:
            return Draft()
        d = self.cache.speculate(request_id, context, max_tokens, self.max_spec_factor,
                                 self.max_spec_offset, self.min_token_prob, self.use_tree)
        if isinstance(d, Draft):
            return d
        return Draft(list(d.token_ids), list(d.parents), list(d.probs), float(d.score),
                     int(d.match_len))  # ArcticInference's record

    def extend(self, request_id: Hashable, new_tokens: Sequence[int]) -> None:
        self.cache.add_active_response(request_id, list(new_tokens))

    def end(self, request_id: Hashable) -> None:
        self.cache.stop_request(request_id)


_OPTIONS = {
    "greedy": (),
    "prompt-lookup": ("k", "min_n", "max_n"),
    "suffix": ("max_spec_factor", "max_spec_offset", "min_token_prob"),
    "suffix-tree": ("max_spec_factor", "max_spec_offset", "min_token_prob"),
}


def make_proposer(name: str, cache: Any = None, **options: Any) -> Proposer:
    """The proposer for method ``name`` (one of ``METHODS``), with its options.

    "suffix" / "suffix-tree" draft from ``cache`` (default: a fresh
    ``SuffixDecodingCache(max_tree_depth=24, max_cached_requests=10_000)``, vLLM's
    defaults); options ``max_spec_factor`` (alpha), ``max_spec_offset``,
    ``min_token_prob`` (tau). "prompt-lookup" takes ``k``, ``min_n``, ``max_n``.
    """
    if name not in _OPTIONS:
        raise ValueError(f"unknown method {name!r}; choose from {', '.join(METHODS)}")
    unknown = sorted(set(options) - set(_OPTIONS[name]))
    if unknown:
        allowed = ", ".join(_OPTIONS[name]) or "none"
        raise ValueError(f"method {name!r} takes no option(s) {', '.join(unknown)} "
                         f"(its options: {allowed})")
    if cache is not None and not name.startswith("suffix"):
        raise ValueError(f"method {name!r} uses no suffix cache")
    if name == "greedy":
        return NoDraft()
    if name == "prompt-lookup":
        return PromptLookup(**options)
    if cache is None:
        from neurips25.suffix_decoding.cache import SuffixDecodingCache

        cache = SuffixDecodingCache(max_tree_depth=24, max_cached_requests=10_000)
    return SuffixProposer(cache, use_tree=name == "suffix-tree", **options)


# ------------------------------------------------------------------ draft utilities
def cap_draft(draft: Draft, max_tokens: int, max_depth: int) -> Draft:
    """The draft within ``max_tokens`` nodes and ``max_depth`` levels (root children: 1).

    Parents precede children, so a prefix of the node list is still a tree; nodes deeper
    than ``max_depth`` (and their descendants) are dropped and the rest reindexed.
    """
    if max_tokens <= 0 or max_depth <= 0 or not draft.token_ids:
        return Draft(match_len=draft.match_len)
    if len(draft.token_ids) <= min(max_tokens, max_depth):
        return draft  # no node can be deeper than the draft's size
    toks, pars, probs = draft.token_ids[:max_tokens], draft.parents[:max_tokens], draft.probs
    depth: list[int] = []
    index: dict[int, int] = {}
    out = Draft(match_len=draft.match_len)
    for i, (t, par) in enumerate(zip(toks, pars, strict=True)):
        d = 1 if par < 0 else depth[par] + 1
        depth.append(d)
        if d <= max_depth and (par < 0 or par in index):
            index[i] = len(out.token_ids)
            out.token_ids.append(int(t))
            out.parents.append(-1 if par < 0 else index[par])
            out.probs.append(float(probs[i]) if i < len(probs) else 0.0)
    out.score = sum(out.probs)
    return out


def greedy_accept(token_ids: Sequence[int], parents: Sequence[int],
                  next_token: Callable[[int], int] | Sequence[int]) -> list[int]:
    """Accepted draft nodes (root-to-leaf, indices into ``token_ids``) under greedy rules.

    ``next_token(k)`` is the verifier's next token after draft node k, k = -1 for the
    context end (a model's argmax; in simulation the true next token). The deepest root
    path whose every token equals the verifier's choice is accepted; the bonus token is
    ``next_token(path[-1])`` (or ``next_token(-1)`` for an empty path).
    """
    nxt = next_token if callable(next_token) else (lambda k: next_token[k + 1])
    kids: dict[int, list[int]] = {}
    for i, p in enumerate(parents):
        if not -1 <= p < i:
            raise ValueError(f"draft parent {p} of node {i} must be -1 or an earlier node index")
        kids.setdefault(p, []).append(i)

    def longest(node: int) -> list[int]:  # duplicate siblings: take the deepest match
        want, best = nxt(node), []
        for c in kids.get(node, ()):
            if token_ids[c] == want:
                cand = [c, *longest(c)]
                if len(cand) > len(best):
                    best = cand
        return best

    return longest(-1)
