"""Replay request traces against an OpenAI-compatible endpoint with concurrent clients.

Used by the load test and ``benchmarks/serve.py``. Each client is a thread with its own
official ``openai`` client that sends its share of the trace one request after another;
every answer is kept with its (client, index) so a test can check that none was lost,
duplicated or crossed. A deadline bounds the whole run.
"""
from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


def scrape_metrics(base_url: str, timeout: float = 30) -> dict[str, float]:
    """The server's Prometheus ``/metrics`` as {sample name with labels: value}."""
    import urllib.request

    with urllib.request.urlopen(base_url.removesuffix("/v1") + "/metrics",
                                timeout=timeout) as resp:
        body = resp.read().decode()
    out = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def agentic_prompts(n: int, seed: int = 0, split: str = "eval") -> list[str]:
    """``n`` prompts of the demo's agentic kinds (tool calls and code edits), interleaved."""
    from neurips25.suffix_decoding.demo.tasks import make_requests

    tools = make_requests("tool", (n + 1) // 2, seed, split)
    edits = make_requests("edit", n // 2, seed, split)
    out = []
    for i in range(n):
        src = tools if i % 2 == 0 else edits
        out.append(src[i // 2].prompt)
    return out


@dataclass
class LoadResult:
    """Per request: latency and text (None if it failed); errors as strings."""

    texts: dict[tuple[int, int], str | None] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    completion_tokens: int = 0
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1]


def run_load(base_url: str, model: str, traces: Sequence[Sequence[str]], *,
             max_tokens: int = 16, temperature: float = 0.0, api_key: str = "none",
             deadline_s: float = 600.0, timeout_s: float = 120.0) -> LoadResult:
    """Client c sends ``traces[c]`` in order; returns every answer and latency."""
    from openai import OpenAI

    result, lock = LoadResult(), threading.Lock()
    stop_at = time.monotonic() + deadline_s

    def client(c: int, prompts: Sequence[str]) -> None:
        api = OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout_s)
        for i, prompt in enumerate(prompts):
            if time.monotonic() > stop_at:
                with lock:
                    result.errors.append(f"client {c} request {i}: deadline passed")
                    result.texts[(c, i)] = None
                continue
            t0 = time.perf_counter()
            try:
                r = api.completions.create(model=model, prompt=prompt, max_tokens=max_tokens,
                                           temperature=temperature)
                text, tokens, err = r.choices[0].text, r.usage.completion_tokens, None
            except Exception as exc:  # every failure is counted, none stops the run
                text, tokens, err = None, 0, f"client {c} request {i}: {type(exc).__name__}: {exc}"
            dt = time.perf_counter() - t0
            with lock:
                result.texts[(c, i)] = text
                if err is None:
                    result.latencies.append(dt)
                    result.completion_tokens += tokens
                else:
                    result.errors.append(err)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(c, list(t)), daemon=True)
               for c, t in enumerate(traces)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, stop_at - time.monotonic()) + timeout_s)
    result.wall_s = time.perf_counter() - t0
    return result
