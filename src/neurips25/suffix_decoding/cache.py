"""SuffixDecodingCache: the per-request and global suffix trees (arXiv 2411.04975v3, Sec. 3).

Same method names, arguments and defaults as ArcticInference's
``arctic_inference.suffix_decoding.SuffixDecodingCache`` (the cache vLLM's suffix
speculator drives), so code written against theirs runs on ours unchanged and the
decoder accepts either. A *global* tree holds the responses of earlier requests (FIFO
eviction beyond ``max_cached_requests``; -1 = no limit, 0 = no global tree); each active
request also has a *local* tree over its prompt and response so far. ``speculate`` asks
both and keeps the higher score (the local tree wins ties). A response enters the global
tree token by token while it is generated, so later requests can use it at once.
"""
from __future__ import annotations

import operator
from array import array
from collections.abc import Hashable, Iterable, KeysView, Sequence

from neurips25.suffix_decoding.proposers import Draft
from neurips25.suffix_decoding.tree import MAX_TOKEN_ID, SuffixTree

__all__ = ["SuffixDecodingCache", "arctic_available", "check_token_ids", "warm_cache"]


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
                raise ValueError(f"{what} must be integers, got {type(bad).__name__} "
                                 f"{bad!r}") from None
        out = [operator.index(t) for t in ids]  # beyond 64 bits: the range check names it
    if out:
        limit = MAX_TOKEN_ID if vocab_size is None else vocab_size - 1
        lo, hi = min(out), max(out)
        if lo < 0:
            raise ValueError(f"{what} must be >= 0, got {lo}")
        if hi > limit:
            raise ValueError(f"{what} must be <= {limit}, got {hi}")
    return out


def arctic_available() -> bool:
    """True if ArcticInference's C++ cache imports (optional; never a dependency)."""
    try:
        import arctic_inference.suffix_decoding  # noqa: F401
    except Exception:  # ImportError, or a broken native build
        return False
    return True


class SuffixDecodingCache:
    """Model-free drafter over suffix trees: context in, draft (path or tree) out.

    Args:
        max_tree_depth: longest suffix kept in the trees (ArcticInference's default 64;
            vLLM configures 24).
        max_cached_requests: responses kept in the global tree, FIFO beyond it;
            -1 keeps all, 0 disables the global tree.
        vocab_size: (extension) if given, token ids must lie in [0, vocab_size).
    """

    def __init__(self, max_tree_depth: int = 64, max_cached_requests: int = -1, *,
                 vocab_size: int | None = None) -> None:
        if max_cached_requests > 0x7FFFFFFF or max_cached_requests < -1:
            raise ValueError(f"max_cached_requests must be -1 (no limit) or in [0, 2^31), "
                             f"got {max_cached_requests}")
        self._max_tree_depth = max_tree_depth
        self._max_cached_requests = max_cached_requests
        self.vocab_size = vocab_size
        self._global_tree = SuffixTree(max_tree_depth)
        self._local_trees: dict[Hashable, SuffixTree] = {}
        self._req_to_seq_id: dict[Hashable, int] = {}  # cached responses, FIFO order
        self._next_seq_id = 0

    @property
    def max_tree_depth(self) -> int:
        return self._max_tree_depth

    @property
    def max_cached_requests(self) -> int:
        return self._max_cached_requests

    @property
    def active_requests(self) -> KeysView:
        """Requests started and not yet stopped (their prompts are indexed)."""
        return self._local_trees.keys()

    @property
    def cached_requests(self) -> KeysView:
        """Requests whose responses are in the global tree."""
        return self._req_to_seq_id.keys()

    @property
    def global_tree(self) -> SuffixTree:
        return self._global_tree

    def _local(self, req_id: Hashable) -> SuffixTree:
        tree = self._local_trees.get(req_id)
        if tree is None:
            raise ValueError(f"Request {req_id!r} is not active: call start_request first")
        return tree

    # ------------------------------------------------------------------ lifecycle
    def start_request(self, req_id: Hashable, prompt_token_ids: Sequence[int]) -> None:
        """Index the prompt and reserve the response's slot in the global tree.

        A cached response under the same id is evicted first; beyond
        ``max_cached_requests`` the oldest cached response goes (FIFO).
        """
        if req_id in self._local_trees:
            raise ValueError(f"Request {req_id!r} is already active")
        prompt = check_token_ids(prompt_token_ids, "prompt ids", self.vocab_size)
        tree = SuffixTree(self._max_tree_depth)
        tree.extend(0, prompt)
        self._local_trees[req_id] = tree
        if self._max_cached_requests != 0:
            if req_id in self._req_to_seq_id:
                self.evict_cached_response(req_id)
            self._req_to_seq_id[req_id] = self._next_seq_id
            self._next_seq_id += 1
            limit = self._max_cached_requests
            while limit > 0 and len(self._req_to_seq_id) > limit:
                self.evict_cached_response(next(r for r in self._req_to_seq_id if r != req_id))

    def add_active_response(self, req_id: Hashable, token_ids: Sequence[int]) -> None:
        """Append generated tokens to the request's local tree and its global slot."""
        tree = self._local(req_id)
        tokens = check_token_ids(token_ids, "response ids", self.vocab_size)
        tree.extend(0, tokens)
        seq = self._req_to_seq_id.get(req_id)
        if seq is not None:
            self._global_tree.extend(seq, tokens)

    def stop_request(self, req_id: Hashable) -> None:
        """Drop the request's local tree; its response stays in the global tree."""
        self._local(req_id)
        del self._local_trees[req_id]

    def evict_cached_response(self, req_id: Hashable) -> None:
        """Remove a cached response from the global tree."""
        seq = self._req_to_seq_id.pop(req_id, None)
        if seq is None:
            raise ValueError(f"Request {req_id!r} is not cached")
        if seq in self._global_tree:
            self._global_tree.remove(seq)

    # ---------------------------------------------------------------- speculation
    def speculate(self, req_id: Hashable, context: Sequence[int],
                  max_spec_tokens: int | None = None, max_spec_factor: float = 1.0,
                  max_spec_offset: float = 0.0, min_token_prob: float = 0.1,
                  use_tree_spec: bool = False) -> Draft:
        """Draft the continuation of ``context`` for an active request (paper Sec. 3.2).

        Budget per match length p: min(max_spec_tokens, floor(max_spec_factor·p +
        max_spec_offset)) tokens, kept while their probability >= min_token_prob;
        ``max_spec_tokens`` None means the tree depth.
        """
        tree = self._local(req_id)
        if len(context) == 0:
            raise ValueError("context is empty: speculation needs at least one token")
        if max_spec_tokens is None:
            max_spec_tokens = self._max_tree_depth
        if max_spec_tokens < 0:
            raise ValueError(f"max_spec_tokens must be >= 0, got {max_spec_tokens}")
        ctx = check_token_ids(context[-self._max_tree_depth:], "context ids", self.vocab_size)
        args = (max_spec_tokens, max_spec_factor, max_spec_offset, min_token_prob, use_tree_spec)
        best = tree.speculate(ctx, *args, live_seq=0)
        if self._global_tree.num_tokens:
            # the local draft wins ties, so the global tree only has to beat its score
            other = self._global_tree.speculate(ctx, *args, beat=best.score,
                                                live_seq=self._req_to_seq_id.get(req_id))
            if other.score > best.score:
                best = other
        return best


def warm_cache(cache: SuffixDecodingCache, responses: Iterable[Sequence[int]],
               prefix: str = "history") -> int:
    """Put earlier responses in the global tree, as a server has after serving them."""
    n = 0
    for n, out in enumerate(responses, 1):
        rid = f"{prefix}-{n}"
        cache.start_request(rid, [])
        cache.add_active_response(rid, out)
        cache.stop_request(rid)
    return n
