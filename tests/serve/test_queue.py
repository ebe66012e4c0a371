"""Bounded queue (503 + Retry-After) and clients that go away (their generation stops)."""
from __future__ import annotations

import threading
import time
import urllib.request

import pytest
from serve_helpers import client, running

LONG = 1500  # tokens: seconds of generation for the tiny model, unless cancelled


def _metric(served, name: str) -> float:
    with urllib.request.urlopen(served.url.removesuffix("/v1") + "/metrics") as resp:
        for line in resp.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(name)


def _wait_for(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def long_server(models):
    with running(models["long"], "--method", "greedy", "--max-queue", 1) as served:
        yield served


def test_full_queue_answers_503_with_retry_after(long_server):
    import openai

    api = client(long_server)
    results: list = [None] * 6

    def call(i: int) -> None:
        try:
            r = api.completions.create(model="long", prompt=f"request {i}", max_tokens=150,
                                       temperature=0)
            results[i] = r.usage.completion_tokens
        except openai.APIStatusError as exc:
            results[i] = (exc.status_code, exc.response.headers.get("retry-after"),
                          exc.body.get("code") if isinstance(exc.body, dict) else None)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    rejected = [r for r in results if isinstance(r, tuple)]
    served = [r for r in results if isinstance(r, int)]
    assert rejected and served, results
    assert all(r == (503, "1", "queue_full") for r in rejected), results
    assert all(n == 150 for n in served)  # one running + one waiting: both complete
    assert len(served) + len(rejected) == 6
    assert _metric(long_server, "neurips25_serve_rejected_requests_total") == len(rejected)


def test_closed_stream_stops_its_generation(long_server):
    api = client(long_server)
    stream = api.completions.create(model="long", prompt="tell me", max_tokens=LONG,
                                    temperature=0, stream=True)
    chunks = iter(stream)
    for _ in range(3):
        next(chunks)
    stream.close()
    _wait_for(lambda: _metric(long_server, "neurips25_serve_cancelled_requests_total") == 1)
    done = _metric(long_server, "neurips25_serve_completion_tokens_total")
    assert 3 <= done < LONG / 2
    # the model thread is free again: a short request is answered at once
    assert api.completions.create(model="long", prompt="hi", max_tokens=3).usage


def test_timed_out_request_stops_its_generation(long_server):
    import openai

    impatient = client(long_server, timeout=0.5)
    with pytest.raises(openai.APITimeoutError):
        impatient.completions.create(model="long", prompt="tell me", max_tokens=LONG,
                                     temperature=0)
    _wait_for(lambda: _metric(long_server, "neurips25_serve_cancelled_requests_total") == 1)
    assert _metric(long_server, "neurips25_serve_completion_tokens_total") < LONG / 2
