"""``neurips25 hivemind collect`` against ``neurips25 serve``: killed midway, resumed, exact.

The collector (official ``openai`` client, chat completions with ``n``) runs as its own
process and is SIGKILLed once some rows are on disk; the rerun fills in the rest and
every (model, prompt) ends with exactly ``n`` samples.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter

from serve_helpers import running

from neurips25.cli import main

N = 4
PROMPTS = [(f"p{i}", f"### note on topic {i}, keywords: river light") for i in range(10)]


def test_collect_killed_midway_resumes_exactly_once(models, tmp_path, capsys):
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text("".join(json.dumps({"prompt_id": p, "prompt": t}) + "\n"
                               for p, t in PROMPTS))
    out = tmp_path / "run"
    rows_file = out / "responses.jsonl"
    with running(models["tiny"], "--method", "suffix") as served:
        argv = ["hivemind", "collect", "--out", str(out), "--base-url", served.url,
                "--model", "tiny", "--n", str(N), "--prompts", str(prompts),
                "--max-tokens", "40", "--retries", "3", "--backoff", "0"]
        proc = subprocess.Popen([sys.executable, "-m", "neurips25", *argv],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None and (
                    not rows_file.exists() or rows_file.read_bytes().count(b"\n") < N):
                time.sleep(0.05)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        first = rows_file.read_bytes().count(b"\n")
        assert N <= first < N * len(PROMPTS), "the kill did not land mid-run"
        assert main(argv) == 0
    capsys.readouterr()
    rows = [json.loads(line) for line in rows_file.read_text().splitlines()]
    counts = Counter((r["model"], r["prompt_id"]) for r in rows)
    assert counts == {("tiny", p): N for p, _ in PROMPTS}
    assert all(isinstance(r["response"], str) for r in rows)
