"""The collector against a flaky loopback server: every kind of bad reply is retried, a
prompt that keeps failing is reported while the others go on, a run killed midway resumes,
two collectors cannot duplicate, and hopeless requests fail fast. Every sample once."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from hivemind_fake_server import FakeServer  # noqa: E402

from neurips25.cli import main  # noqa: E402
from neurips25.common.errors import UserError  # noqa: E402
from neurips25.hivemind.collect import OpenAIBackend, collect, locked  # noqa: E402

PROMPTS = [(f"p{i}", f"Prompt number {i}.") for i in range(4)]
FAULTS = ["truncated", "badstatus", "drop", "malformed", "nochoices", "badmessage", "nocontent",
          "overloaded", "error", "dead", "hang"]


def _exactly_once(path: Path, models: list[str], n: int, prompts=PROMPTS) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    keys = Counter((r["model"], r["prompt_id"], r["sample"]) for r in rows)
    assert max(keys.values()) == 1, "duplicate samples"
    assert set(keys) == {(m, p, s) for m in models for p, _ in prompts for s in range(n)}


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_is_retried_and_every_sample_lands_once(tmp_path, fault):
    out = tmp_path / "r.jsonl"
    with FakeServer(script=[fault, fault], hang_s=3) as srv:
        s = collect(PROMPTS, [OpenAIBackend(srv.url, "alpha", timeout=0.5)], 3, out,
                    retries=2, backoff=0)
    assert not s.failures and s.retried == 2
    assert srv.modes[:3] == [fault, fault, "ok"]
    _exactly_once(out, ["alpha"], 3)


def test_a_prompt_that_keeps_failing_is_reported_and_the_others_go_on(tmp_path):
    out = tmp_path / "r.jsonl"
    with FakeServer(script=["badmessage"] * 3) as srv:  # 1 try + 2 retries of p0, then fine
        s = collect(PROMPTS, [OpenAIBackend(srv.url, "alpha")], 2, out, retries=2, backoff=0)
    assert [f["prompt_id"] for f in s.failures] == ["p0"]
    assert "not an object" in s.failures[0]["error"]
    _exactly_once(out, ["alpha"], 2, PROMPTS[1:])


def test_a_dead_model_is_given_up_after_three_prompts_in_a_row(tmp_path):
    with FakeServer(mode="error") as srv:
        s = collect(PROMPTS, [OpenAIBackend(srv.url, "alpha")], 2, tmp_path / "r.jsonl",
                    retries=1, backoff=0)
    assert len(srv.requests) == 3 * 2  # three prompts tried (1 + 1 retry), the fourth skipped
    assert len(s.failures) == 4 and "skipped" in s.failures[-1]["error"]


def test_flaky_server_killed_midway_then_resumed_gives_every_sample_once(tmp_path):
    rng = random.Random(0)
    script = [rng.choice(FAULTS[:-1]) if rng.random() < 0.4 else "ok" for _ in range(200)]
    out, prompts = tmp_path / "responses.jsonl", tmp_path / "prompts.jsonl"
    prompts.write_text(
        "".join(json.dumps({"prompt_id": p, "prompt": t}) + "\n" for p, t in PROMPTS)
    )
    with FakeServer(script=script, delay=0.3) as srv:
        cmd = [
            sys.executable,
            "-m",
            "neurips25",
            "hivemind",
            "collect",
            "--out",
            str(tmp_path),
            "--base-url",
            srv.url,
            "--model",
            "alpha",
            "--model",
            "beta",
            "--n",
            "3",
            "--prompts",
            str(prompts),
            "--retries",
            "20",
            "--backoff",
            "0",
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 60
            while time.time() < deadline and (not out.exists() or out.stat().st_size < 400):
                time.sleep(0.05)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        backends = [OpenAIBackend(srv.url, m) for m in ("alpha", "beta")]
        s = collect(PROMPTS, backends, 3, out, retries=20, backoff=0)
    assert not s.failures and 0 < s.already < 24
    _exactly_once(out, ["alpha", "beta"], 3)


def test_two_collectors_on_one_file_cannot_duplicate(tmp_path):
    out = tmp_path / "responses.jsonl"
    with FakeServer(delay=0.2) as srv:
        cmd = [
            sys.executable,
            "-m",
            "neurips25",
            "hivemind",
            "collect",
            "--out",
            str(tmp_path),
            "--base-url",
            srv.url,
            "--model",
            "alpha",
            "--n",
            "2",
            "--limit",
            "4",
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        procs = [
            subprocess.Popen(
                cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
            )
            for _ in range(2)
        ]
        results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2])  # the second one either waited its turn or refused
    refused = [err for code, err in results if code == 2]
    assert all("another collector" in err for err in refused)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 8 and len({(r["prompt_id"], r["sample"]) for r in rows}) == 8


def test_a_held_lock_is_refused_in_process(tmp_path):
    out = tmp_path / "r.jsonl"
    with locked(out), pytest.raises(UserError, match="another collector"):
        collect(PROMPTS, [OpenAIBackend("http://127.0.0.1:9/v1", "a")], 1, out)


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8000/v1", "ftp://host/v1", "http:///v1", "http://host:port/v1"]
)
def test_a_url_that_can_never_work_fails_before_any_request(tmp_path, capsys, url):
    t0 = time.perf_counter()
    rc = main(
        ["hivemind", "collect", "--out", str(tmp_path / "o"), "--base-url", url, "--model", "m"]
    )
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("neurips25: error: --base-url") and err.count("\n") == 1
    assert time.perf_counter() - t0 < 5 and not (tmp_path / "o").exists()
