"""The one adapter between the server (and ``generate``) and the suffix-decoding library.

``Engine`` owns a model, a ``SpeculativeDecoder`` for one method and, for the suffix
methods, the global ``SuffixDecodingCache`` shared by every request. It records the
cached requests (prompt and response ids, FIFO, as the cache evicts them) so
``cache_store`` can save them and replay them into a fresh cache without depending on
the tree's internals.

Greedy requests run the library's ``generate``. Sampled requests run its decoding loop
with ``coupled.CoupledSampling`` as the acceptance rule: lossless like the library's
rejection sampling, and in addition the output depends only on the seed, never on the
drafts, so a seeded request gives the same text whatever the cache holds and whatever
the method.
"""
from __future__ import annotations

import itertools
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from neurips25.serve.coupled import CoupledSampling

METHODS = ("suffix", "suffix-tree", "prompt-lookup", "greedy")
SUFFIX_METHODS = ("suffix", "suffix-tree")

OnTokens = Callable[[list[int]], "bool | None"]


@dataclass(frozen=True)
class Sampling:
    """Sampling settings; temperature 0 is greedy (token for token the model's argmax)."""

    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0


GREEDY = Sampling(temperature=0.0)


@dataclass(frozen=True)
class DecodeOptions:
    """The drafting method and its knobs (the ``generate`` / ``serve`` flags)."""

    method: str = "suffix"
    max_spec_tokens: int = 32
    spec_factor: float = 1.0
    min_token_prob: float = 0.1
    pld_k: int = 8
    max_depth: int = 24


@dataclass
class Outcome:
    """One generation: the tokens and what it cost (for usage and /metrics)."""

    tokens: list[int]
    steps: int = 0  # model calls after the prompt's prefill
    drafted: int = 0
    accepted: int = 0
    spec_s: float = 0.0
    total_s: float = 0.0
    stopped: bool = False  # on_tokens asked to stop (stop string, client gone)
    hit_eos: bool = False


def max_positions(config: Any) -> int | None:
    """The model's context length (None if its config does not say)."""
    for name in ("max_position_embeddings", "n_positions"):
        v = getattr(config, name, None)
        if isinstance(v, int) and v > 0:
            return v
    return None


def random_seed() -> int:
    return secrets.randbits(63)


class Engine:
    """One model, one method, one global suffix cache; ``generate`` runs one request."""

    def __init__(self, model: torch.nn.Module, options: DecodeOptions, eos_ids: Sequence[int],
                 cache_requests: int = 10_000) -> None:
        from neurips25.suffix_decoding.decoder import SpeculativeDecoder

        if options.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {options.method!r}")
        if cache_requests < 0:
            raise ValueError(f"cache_requests must be >= 0, got {cache_requests}")
        self.model, self.options = model.eval(), options
        self.eos_ids = frozenset(int(e) for e in eos_ids)
        self.vocab_size = int(model.config.vocab_size)
        self.positions = max_positions(model.config)
        self.cache_requests = cache_requests
        self.cache = self._new_cache() if options.method in SUFFIX_METHODS else None
        k = {"greedy": 0, "prompt-lookup": options.pld_k}.get(options.method,
                                                                options.max_spec_tokens)
        self.decoder = SpeculativeDecoder(model, self._proposer(self.cache), max_spec_tokens=k,
                                          eos_token_ids=sorted(self.eos_ids))
        self._history: OrderedDict[str, tuple[list[int], list[int]]] = OrderedDict()
        self._ids = itertools.count()

    @property
    def method(self) -> str:
        return self.options.method

    def _new_cache(self) -> Any:
        from neurips25.suffix_decoding.cache import SuffixDecodingCache

        return SuffixDecodingCache(self.options.max_depth, self.cache_requests,
                                   vocab_size=self.vocab_size)

    def _proposer(self, cache: Any) -> Any:
        from neurips25.suffix_decoding.proposers import make_proposer

        o = self.options
        if o.method == "greedy":
            return make_proposer("greedy")
        if o.method == "prompt-lookup":
            return make_proposer("prompt-lookup", k=o.pld_k)
        return make_proposer(o.method, cache=cache, max_spec_factor=o.spec_factor,
                             min_token_prob=o.min_token_prob)

    def generate(self, prompt: Sequence[int], max_new_tokens: int, *,
                 sampling: Sampling = GREEDY, seed: int | Sequence[int] | None = None,
                 on_tokens: OnTokens | None = None) -> Outcome:
        """Continue ``prompt`` by up to ``max_new_tokens``; ``on_tokens`` sees every step.

        ``on_tokens(new_ids)`` returning True stops after that step (tokens so far are
        kept). Greedy output is token-identical across methods; sampled output is a
        function of ``seed`` (an int or a tuple of ints; random if None).
        """
        from neurips25.suffix_decoding.acceptance import Sampling as LibSampling

        prompt = [int(t) for t in prompt]
        rid = f"req-{next(self._ids)}"
        stopped = False

        def tap(ids: list[int]) -> bool:
            nonlocal stopped
            stopped = bool(on_tokens is not None and on_tokens(ids))
            return stopped

        t0 = time.perf_counter()
        if sampling.greedy:
            tokens, st = self.decoder.generate(prompt, max_new_tokens, request_id=rid,
                                               on_tokens=tap)
        else:
            lib = LibSampling(sampling.temperature, sampling.top_p, sampling.top_k)
            rule = CoupledSampling(lib.processors(), random_seed() if seed is None else seed)
            tokens, st = self.decoder.run(prompt, max_new_tokens, rule, request_id=rid,
                                          on_tokens=tap)
        out = Outcome(tokens, steps=st.steps, drafted=sum(st.drafted), accepted=sum(st.accepted),
                      spec_s=st.spec_s, total_s=time.perf_counter() - t0, stopped=stopped,
                      hit_eos=bool(tokens) and tokens[-1] in self.eos_ids)
        self._remember(rid, prompt, tokens)
        return out

    # ------------------------------------------------------------ cached requests
    def _remember(self, rid: str, prompt: list[int], response: list[int]) -> None:
        if self.cache is None or self.cache_requests == 0:
            return
        self._history[rid] = (prompt, list(response))
        while len(self._history) > self.cache_requests:
            self._history.popitem(last=False)

    def cached_requests(self) -> list[tuple[list[int], list[int]]]:
        """(prompt ids, response ids) of the requests in the global cache, oldest first."""
        return list(self._history.values())

    def restore(self, requests: Sequence[tuple[Sequence[int], Sequence[int]]]) -> int:
        """Replay cached requests into a fresh cache (the newest ``cache_requests`` kept).

        The new cache is built aside and swapped in only when the replay finished, so a
        failure leaves the engine as it was. Returns the number of requests replayed.
        """
        if self.cache is None:
            raise ValueError(f"method {self.method!r} keeps no suffix cache")
        keep = list(requests)[-self.cache_requests:] if self.cache_requests else []
        cache, history = self._new_cache(), OrderedDict()
        for i, (prompt, response) in enumerate(keep):
            rid = f"restored-{i}"
            cache.start_request(rid, list(prompt))
            cache.add_active_response(rid, list(response))
            cache.stop_request(rid)
            history[rid] = (list(prompt), list(response))
        self.cache, self._history = cache, history
        self.decoder.proposer = self._proposer(cache)
        return len(keep)
