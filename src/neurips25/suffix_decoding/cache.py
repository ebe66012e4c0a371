"""SuffixCache: the per-request and global suffix trees of SuffixDecoding (Sec. 3.1-3.2).

A *global* tree holds the responses of earlier requests (the oldest is evicted first
beyond ``max_cached_requests``); each active request also has a *local* tree over its
prompt and its response so far. ``speculate`` asks both and keeps the higher score
(the local tree wins ties). As in the reference system, a response enters the global
tree token by token while it is generated, so later requests can use it at once.
"""
from __future__ import annotations

import operator
from array import array
from collections.abc import Hashable, Iterable, Sequence

from neurips25.suffix_decoding.tree import MAX_TOKEN_ID, Draft, SuffixTree

__all__ = ["Draft", "SuffixCache", "check_token_ids"]


def check_token_ids(ids: Iterable[int], what: str = "token ids",
                    vocab_size: int | None = None) -> list[int]:
    """``ids`` as a list of ints, or ValueError naming the first bad one.

    The conversion runs in C (``array('q')`` takes ints and anything with
    ``__index__``, nothing else): it sits on the per-step decoding path.
    """
    try:
        out = array("q", ids).tolist()
    except (TypeError, OverflowError):
        ids = list(ids)
        for bad in ids:
            if not hasattr(bad, "__index__"):
                raise ValueError(f"{what} must be integers, got {type(bad).__name__} {bad!r}") from None
        out = [operator.index(t) for t in ids]  # beyond 64 bits: the range check names it
    if out:
        limit = MAX_TOKEN_ID if vocab_size is None else vocab_size - 1
        lo, hi = min(out), max(out)
        if lo < 0:
            raise ValueError(f"{what} must be >= 0, got {lo}")
        if hi > limit:
            raise ValueError(f"{what} must be <= {limit}, got {hi}")
    return out


class SuffixCache:
    """Model-free drafter: context in, draft (path or tree) out.

    Args:
        max_depth: longest suffix kept in the trees (paper: 24 in vLLM's default).
        max_cached_requests: responses kept in the global tree, FIFO beyond it;
            0 disables the global tree, None keeps everything.
        vocab_size: if given, token ids must lie in [0, vocab_size).
    """

    def __init__(self, max_depth: int = 24, max_cached_requests: int | None = 10_000,
                 vocab_size: int | None = None) -> None:
        if max_cached_requests is not None and max_cached_requests < 0:
            raise ValueError(f"max_cached_requests must be >= 0 or None, got {max_cached_requests}")
        self.max_depth = max_depth
        self.max_cached_requests = max_cached_requests
        self.vocab_size = vocab_size
        self.global_tree = SuffixTree(max_depth)
        self._local: dict[Hashable, SuffixTree] = {}
        self._seq_of: dict[Hashable, int] = {}  # request id -> global seq id (FIFO order)
        self._next_seq = 0

    # ------------------------------------------------------------------ lifecycle
    @property
    def active_requests(self) -> list[Hashable]:
        return list(self._local)

    @property
    def cached_requests(self) -> list[Hashable]:
        return list(self._seq_of)

    def _tree_of(self, req_id: Hashable) -> SuffixTree:
        tree = self._local.get(req_id)
        if tree is None:
            raise ValueError(f"unknown request id {req_id!r}: call start_request first")
        return tree

    def start_request(self, req_id: Hashable, prompt_ids: Sequence[int]) -> None:
        """Open a request: index its prompt and reserve its slot in the global tree."""
        if req_id in self._local:
            raise ValueError(f"request {req_id!r} is already active")
        prompt = check_token_ids(prompt_ids, "prompt ids", self.vocab_size)
        tree = SuffixTree(self.max_depth)
        tree.extend(0, prompt)
        self._local[req_id] = tree
        if self.max_cached_requests != 0:
            if req_id in self._seq_of:
                self.evict(req_id)
            self._seq_of[req_id] = self._next_seq
            self._next_seq += 1
            self._evict_overflow(keep=req_id)

    def add_response_tokens(self, req_id: Hashable, ids: Sequence[int] | int) -> None:
        """Append generated tokens to the request's local tree and its global slot."""
        tree = self._tree_of(req_id)
        tokens = check_token_ids([ids] if isinstance(ids, int) else ids, "response ids",
                                 self.vocab_size)
        tree.extend(0, tokens)
        seq = self._seq_of.get(req_id)
        if seq is not None:
            self.global_tree.extend(seq, tokens)

    def stop_request(self, req_id: Hashable) -> None:
        """Close a request: drop its local tree; its response stays in the global tree."""
        self._tree_of(req_id)
        del self._local[req_id]

    def evict(self, req_id: Hashable) -> None:
        """Remove a cached response from the global tree."""
        seq = self._seq_of.pop(req_id, None)
        if seq is None:
            raise ValueError(f"request {req_id!r} has no cached response")
        if seq in self.global_tree:
            self.global_tree.remove(seq)

    def _evict_overflow(self, keep: Hashable) -> None:
        limit = self.max_cached_requests
        if limit is None:
            return
        while len(self._seq_of) > limit:
            oldest = next(r for r in self._seq_of if r != keep)
            self.evict(oldest)

    # ---------------------------------------------------------------- speculation
    def speculate(self, req_id: Hashable, context: Sequence[int], max_spec_tokens: int = 24,
                  max_spec_factor: float = 1.0, max_spec_offset: float = 0.0,
                  min_token_prob: float = 0.1, use_tree: bool = False) -> Draft:
        """Draft the continuation of ``context`` for an active request (paper Sec. 3.2).

        Budget per match length p: min(max_spec_tokens, floor(max_spec_factor·p +
        max_spec_offset)); tokens kept while their probability D >= min_token_prob.
        """
        tree = self._tree_of(req_id)
        if len(context) == 0:
            raise ValueError("context is empty: speculation needs at least one token")
        if max_spec_tokens < 0:
            raise ValueError(f"max_spec_tokens must be >= 0, got {max_spec_tokens}")
        ctx = check_token_ids(context[-self.max_depth:], "context ids", self.vocab_size)
        args = (max_spec_tokens, max_spec_factor, max_spec_offset, min_token_prob, use_tree)
        best = tree.speculate(ctx, *args, live_seq=0)
        if self.global_tree.num_tokens:
            # the local draft wins ties, so the global tree only needs to look for a
            # strictly better score: that lets it skip most match lengths
            other = self.global_tree.speculate(ctx, *args, beat=best.score,
                                               live_seq=self._seq_of.get(req_id))
            if other.score > best.score:
                best = other
        return best
