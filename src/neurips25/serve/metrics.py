"""Prometheus metrics of one server (its own registry, so several can live in one process).

Counters accumulate; the ratios a reader wants (tokens per forward, acceptance,
speculation share) are also exported as gauges over the server's lifetime so a plain
``curl /metrics`` shows them without PromQL.
"""
from __future__ import annotations

from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)

__all__ = ["CONTENT_TYPE", "Metrics"]

_P = "neurips25_serve_"


class Metrics:
    """Request, token and drafting counters for ``/metrics``."""

    def __init__(self, method: str) -> None:
        r = self.registry = CollectorRegistry()
        ProcessCollector(registry=r)  # process_resident_memory_bytes, cpu seconds, ...
        self.requests = Counter(_P + "requests", "HTTP requests by endpoint and status code",
                                ["endpoint", "status"], registry=r)
        self.rejected = Counter(_P + "rejected_requests", "requests refused with 503 (queue full)",
                                registry=r)
        self.cancelled = Counter(_P + "cancelled_requests",
                                 "generations stopped because the client went away", registry=r)
        self.prompt_tokens = Counter(_P + "prompt_tokens", "prompt tokens processed", registry=r)
        self.completion_tokens = Counter(_P + "completion_tokens", "tokens generated", registry=r)
        self.forwards = Counter(_P + "forward_passes", "decode model calls (prefill excluded)",
                                registry=r)
        self.drafted = Counter(_P + "draft_tokens", "draft tokens verified", registry=r)
        self.accepted = Counter(_P + "accepted_tokens", "draft tokens accepted", registry=r)
        self.spec_seconds = Counter(_P + "speculation_seconds", "time spent drafting and indexing",
                                    registry=r)
        self.gen_seconds = Counter(_P + "generation_seconds", "time spent generating", registry=r)
        self.latency = Histogram(_P + "request_seconds", "request latency (queue + generation)",
                                 ["endpoint"], registry=r,
                                 buckets=(0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100))
        self.queue_depth = Gauge(_P + "queue_depth", "requests waiting for the model", registry=r)
        self.cached_requests = Gauge(_P + "cached_requests",
                                     "requests whose responses are in the global suffix cache",
                                     registry=r)
        self.tokens_per_forward = Gauge(_P + "tokens_per_forward",
                                        "generated tokens per decode model call (lifetime)",
                                        registry=r)
        self.acceptance = Gauge(_P + "acceptance_rate", "accepted / drafted tokens (lifetime)",
                                registry=r)
        self.spec_share = Gauge(_P + "speculation_share",
                                "share of generation time spent drafting (lifetime)", registry=r)
        Gauge(_P + "info", "the served model's decoding method", ["method"],
              registry=r).labels(method=method).set(1)
        self._totals: dict[str, float] = {}

    def observe(self, outcome: Any) -> None:
        """Add one generation (an ``engine.Outcome``) and refresh the lifetime ratios."""
        t = self._totals
        for key, value in (("tokens", len(outcome.tokens)), ("forwards", outcome.steps),
                           ("drafted", outcome.drafted), ("accepted", outcome.accepted),
                           ("spec", outcome.spec_s), ("gen", outcome.total_s)):
            t[key] = t.get(key, 0) + value
        self.completion_tokens.inc(len(outcome.tokens))
        self.forwards.inc(outcome.steps)
        self.drafted.inc(outcome.drafted)
        self.accepted.inc(outcome.accepted)
        self.spec_seconds.inc(outcome.spec_s)
        self.gen_seconds.inc(outcome.total_s)
        self.tokens_per_forward.set(t["tokens"] / t["forwards"] if t["forwards"] else 0.0)
        self.acceptance.set(t["accepted"] / t["drafted"] if t["drafted"] else 0.0)
        self.spec_share.set(t["spec"] / t["gen"] if t["gen"] else 0.0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
