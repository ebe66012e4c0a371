"""``--cache-file``: the global cache survives a restart and drafts the same afterwards."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from serve_helpers import client, running

from neurips25.serve import cache_store
from neurips25.serve.engine import DecodeOptions, Engine

PROMPTS = ["### request\nweather in lima on 2024-07-09\n### call\n",
           "### request\ncount users from rome who joined after 2024-02-11\n### call\n",
           "### request\nweather in lima on 2024-07-10\n### call\n"]


def _engine(model_dir, method="suffix"):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
    return Engine(model, DecodeOptions(method=method), [model.config.eos_token_id or 0])


def test_save_restore_gives_the_same_drafts(models, tokenizer, tmp_path):
    a = _engine(models["noeos"])
    for p in PROMPTS:
        a.generate(tokenizer(p)["input_ids"], 30)
    identity = cache_store.model_identity(models["noeos"], a.vocab_size)
    path = cache_store.save(tmp_path / "cache.json", identity, a.cached_requests())
    b = _engine(models["noeos"])
    assert b.restore(cache_store.load(path, identity)) == len(PROMPTS)
    assert b.cached_requests() == a.cached_requests()
    # the same contexts draft the same tokens from both caches
    probe = tokenizer(PROMPTS[0])["input_ids"]
    a.cache.start_request("probe", probe)
    b.cache.start_request("probe", probe)
    for _, resp in a.cached_requests():
        for cut in range(1, len(resp), 3):
            ctx = probe + resp[:cut]
            da, db = a.cache.speculate("probe", ctx, 16), b.cache.speculate("probe", ctx, 16)
            assert (da.token_ids, da.parents, da.score) == (db.token_ids, db.parents, db.score)
    a.cache.stop_request("probe")
    b.cache.stop_request("probe")
    # and a new request decodes identically, with the same drafting work
    ra = a.generate(tokenizer(PROMPTS[2])["input_ids"], 30)
    rb = b.generate(tokenizer(PROMPTS[2])["input_ids"], 30)
    assert (ra.tokens, ra.steps, ra.drafted, ra.accepted) == (rb.tokens, rb.steps, rb.drafted,
                                                               rb.accepted)
    assert ra.accepted > 0


def test_fifo_limit_applies_on_restore(models, tokenizer, tmp_path):
    a = _engine(models["noeos"])
    for p in PROMPTS:
        a.generate(tokenizer(p)["input_ids"], 5)
    b = Engine(a.model, DecodeOptions(), [], cache_requests=2)
    assert b.restore(a.cached_requests()) == 2
    assert b.cached_requests() == a.cached_requests()[-2:]
    assert len(b.cache.cached_requests) == 2


def test_fifo_limit_applies_while_serving(models, tokenizer):
    """Beyond ``cache_requests`` the oldest response leaves the cache and the saved history."""
    a = _engine(models["noeos"])
    e = Engine(a.model, DecodeOptions(), [], cache_requests=2)
    ids = [tokenizer(p)["input_ids"] for p in PROMPTS]
    for p in ids:
        e.generate(p, 5)
    assert [prompt for prompt, _ in e.cached_requests()] == ids[1:]
    assert len(e.cache.cached_requests) == 2
    none = Engine(a.model, DecodeOptions(), [], cache_requests=0)  # 0 = no global cache
    none.generate(ids[0], 5)
    assert none.cached_requests() == [] and len(none.cache.cached_requests) == 0


def _metric(url: str, name: str) -> float:
    with urllib.request.urlopen(url.removesuffix("/v1") + "/metrics") as resp:
        for line in resp.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(name)


def test_cli_saves_on_sigterm_and_restores(models, tmp_path):
    """The real command in a subprocess: SIGTERM shuts down gracefully and saves."""
    cache = tmp_path / "agent-cache.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "neurips25.cli", "serve", "--model", str(models["noeos"]),
         "--port", "0", "--cache-file", str(cache), "--log-level", "warning"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url, deadline = None, time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            m = re.search(r"at (http://\S+/v1)", line)
            url = m.group(1) if m else None
            assert line or proc.poll() is None, "server exited"
        assert url and "(0 cached requests restored)" in line
        from openai import OpenAI

        api = OpenAI(base_url=url, api_key="x", max_retries=0, timeout=60)
        for p in PROMPTS[:2]:
            api.completions.create(model="noeos", prompt=p, max_tokens=20, temperature=0)
        _wait_ready(url)
        proc.send_signal(signal.SIGTERM)
        err = proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "saved 2 cached requests" in err
    body = json.loads(cache.read_text())
    assert body["format"] == cache_store.FORMAT and len(body["requests"]) == 2
    with running(models["noeos"], "--cache-file", cache) as served:
        assert _metric(served.url, "neurips25_serve_cached_requests") == 2
        client(served).completions.create(model="noeos", prompt=PROMPTS[0], max_tokens=20,
                                          temperature=0)
        # the restored history drafts the repeated request: most tokens come from drafts
        assert _metric(served.url, "neurips25_serve_accepted_tokens_total") >= 10
    assert len(json.loads(cache.read_text())["requests"]) == 3  # saved again at shutdown


def _wait_ready(url: str) -> None:
    with urllib.request.urlopen(url.removesuffix("/v1") + "/health") as resp:
        assert resp.status == 200


@pytest.mark.parametrize("method", ["greedy", "prompt-lookup"])
def test_engine_without_cache_refuses_restore(models, method):
    e = _engine(models["noeos"], method)
    with pytest.raises(ValueError, match="keeps no suffix cache"):
        e.restore([([1], [2])])
