"""Bounded load on loopback: 8 concurrent clients x 50 requests of the agentic demo trace.

Zero errors; every answer is the one its own prompt gets alone (no lost, duplicated or
crossed responses); the server counted exactly the requests sent; p50/p99 latency and
the server's RSS before and after are printed (``pytest -s``). The server stops itself.
"""
from __future__ import annotations

from serve_helpers import client, running

from neurips25.serve.loadgen import agentic_prompts, run_load, scrape_metrics

CLIENTS, PER_CLIENT, DISTINCT, MAX_TOKENS = 8, 50, 25, 4


def test_concurrent_agentic_load(models):
    prompts = agentic_prompts(DISTINCT, seed=1)
    traces = [[prompts[(c * 7 + i) % DISTINCT] for i in range(PER_CLIENT)]
              for c in range(CLIENTS)]
    with running(models["tiny"], "--method", "suffix", "--max-queue", 2 * CLIENTS) as served:
        api = client(served)
        alone = {p: api.completions.create(model="tiny", prompt=p, max_tokens=MAX_TOKENS,
                                           temperature=0).choices[0].text for p in prompts}
        before = scrape_metrics(served.url)
        res = run_load(served.url, "tiny", traces, max_tokens=MAX_TOKENS, deadline_s=240)
        after = scrape_metrics(served.url)
    assert res.errors == []
    assert len(res.texts) == CLIENTS * PER_CLIENT
    for (c, i), text in res.texts.items():
        assert text == alone[traces[c][i]], (c, i)
    key = 'neurips25_serve_requests_total{endpoint="/v1/completions",status="200"}'
    assert after[key] - before.get(key, 0) == CLIENTS * PER_CLIENT
    assert after["neurips25_serve_rejected_requests_total"] == 0
    rss0, rss1 = before["process_resident_memory_bytes"], after["process_resident_memory_bytes"]
    print(f"\nload: {CLIENTS} clients x {PER_CLIENT} requests in {res.wall_s:.1f} s, "
          f"p50 {1000 * res.percentile(50):.0f} ms, p99 {1000 * res.percentile(99):.0f} ms, "
          f"RSS {rss0 / 2**20:.0f} -> {rss1 / 2**20:.0f} MiB")
    assert rss1 - rss0 < 300 * 2**20  # no runaway growth over 400 requests
