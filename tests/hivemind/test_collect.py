"""The collection harness against a fake OpenAI-compatible server on 127.0.0.1."""
from __future__ import annotations

import json
import os
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
from neurips25.hivemind.collect import OpenAIBackend, collect, read_collected  # noqa: E402

PROMPTS = [("p1", "Name a bakery."), ("p2", "Describe winter."), ("p3", "Tell a joke.")]


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _check_complete(path: Path, models: list[str], n: int) -> None:
    rows = _rows(path)
    keys = Counter((r["model"], r["prompt_id"], r["sample"]) for r in rows)
    assert max(keys.values()) == 1, "duplicate samples"
    assert sorted(keys) == sorted((m, p, s) for m in models for p, _ in PROMPTS for s in range(n))


@pytest.mark.parametrize("one_choice", [False, True])
def test_collects_n_samples_per_prompt_per_model(tmp_path, one_choice):
    out = tmp_path / "r.jsonl"
    with FakeServer(one_choice=one_choice) as srv:
        backends = [OpenAIBackend(srv.url, m) for m in ("alpha", "beta")]
        s = collect(PROMPTS, backends, 5, out, retries=0, backoff=0)
    _check_complete(out, ["alpha", "beta"], 5)
    assert s.written == 30 and not s.failures
    body = srv.requests[0]
    assert (
        body["top_p"] == 0.9
        and body["temperature"] == 1.0
        and body["messages"][0]["role"] == "user"
    )
    assert len(srv.requests) == (30 if one_choice else 6)


def test_resume_repairs_a_cut_line_and_asks_only_for_what_is_missing(tmp_path):
    out = tmp_path / "r.jsonl"
    done = [
        {"prompt_id": "p1", "prompt": "x", "model": "alpha", "sample": i, "response": f"old {i}"}
        for i in range(3)
    ]
    out.write_text("".join(json.dumps(r) + "\n" for r in done) + '{"prompt_id": "p1", "mod')
    with FakeServer() as srv:
        s = collect(PROMPTS, [OpenAIBackend(srv.url, "alpha")], 4, out, retries=0, backoff=0)
    _check_complete(out, ["alpha"], 4)
    assert s.already == 3 and s.written == 9
    assert srv.requests[0]["n"] == 1  # p1 only needed its 4th sample
    assert [r["response"] for r in _rows(out)[:3]] == ["old 0", "old 1", "old 2"]


def test_a_killed_run_resumes_without_duplicates(tmp_path):
    out, prompts = tmp_path / "responses.jsonl", tmp_path / "prompts.jsonl"
    prompts.write_text(
        "".join(json.dumps({"prompt_id": p, "prompt": t}) + "\n" for p, t in PROMPTS)
    )
    with FakeServer(delay=0.8) as srv:  # slow enough to kill it mid-run, even on a loaded machine
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
            "0",
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            deadline = time.time() + 60
            while time.time() < deadline and (
                not out.exists() or len(out.read_text().splitlines()) < 6
            ):
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
        before = len(_rows(out)) if out.read_text().endswith("\n") else None
        assert before is None or 6 <= before < 18
        prompts_before = len(srv.requests)
        collect(
            PROMPTS,
            [OpenAIBackend(srv.url, m) for m in ("alpha", "beta")],
            3,
            out,
            retries=0,
            backoff=0,
        )
    _check_complete(out, ["alpha", "beta"], 3)
    assert len(srv.requests) - prompts_before < 6  # the collected part was not asked again


@pytest.mark.parametrize(
    "mode,needle",
    [
        ("dead", "503"),
        ("malformed", "not JSON"),
        ("nochoices", "choices"),
        ("badmessage", "not an object"),
        ("truncated", "RemoteProtocolError"),
    ],
)
def test_bad_endpoint_is_retried_then_reported_and_nothing_is_lost(tmp_path, mode, needle):
    out = tmp_path / "r.jsonl"
    out.write_text(
        json.dumps(
            {"prompt_id": "p1", "prompt": "x", "model": "alpha", "sample": 0, "response": "kept"}
        )
        + "\n"
    )
    with FakeServer(mode=mode) as srv:
        s = collect(
            PROMPTS,
            [OpenAIBackend(srv.url, "alpha")],
            2,
            out,
            retries=2,
            backoff=0,
            max_consecutive_failures=10,
        )
    assert len(srv.requests) == 3 * 3  # 1 try + 2 retries for each prompt
    assert len(s.failures) == 3 and needle in s.failures[0]["error"]
    assert _rows(out)[0]["response"] == "kept" and len(_rows(out)) == 1


def test_client_errors_are_not_retried(tmp_path):
    with FakeServer(mode="notfound") as srv:
        s = collect(
            PROMPTS, [OpenAIBackend(srv.url, "nope")], 2, tmp_path / "r.jsonl", retries=5, backoff=0
        )
    assert len(srv.requests) == 3 and "404" in s.failures[0]["error"]


def test_unreachable_endpoint_is_reported(tmp_path):
    s = collect(
        PROMPTS[:1],
        [OpenAIBackend("http://127.0.0.1:9/v1", "alpha", timeout=2)],
        2,
        tmp_path / "r.jsonl",
        retries=1,
        backoff=0,
    )
    assert len(s.failures) == 1


def test_a_corrupt_line_in_the_middle_is_a_file_line_error(tmp_path):
    out = tmp_path / "r.jsonl"
    out.write_text(
        '{"prompt_id": "p1", "model": "a", "response": "x"}\nnot json\n{"prompt_id": "p1"}\n'
    )
    with pytest.raises(UserError, match=r"r.jsonl:2: malformed JSON"):
        read_collected(out)


def test_cli_collect_exit_codes(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["hivemind", "collect", "--out", str(out), "--model", "m"]) == 2
    assert "--base-url" in capsys.readouterr().err
    with FakeServer(mode="dead") as srv:
        rc = main(
            [
                "hivemind",
                "collect",
                "--out",
                str(out),
                "--base-url",
                srv.url,
                "--model",
                "m",
                "--limit",
                "1",
                "--n",
                "2",
                "--retries",
                "0",
                "--backoff",
                "0",
            ]
        )
    assert rc == 1 and "rerun the same command" in capsys.readouterr().err
    with FakeServer() as srv:
        rc = main(
            [
                "hivemind",
                "collect",
                "--out",
                str(out),
                "--base-url",
                srv.url,
                "--model",
                "m",
                "--limit",
                "2",
                "--n",
                "2",
            ]
        )
    assert rc == 0 and len(_rows(out / "responses.jsonl")) == 4
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"prompt_id": "a", "prompt": "x"}\n{"prompt_id": "a", "prompt": "y"}\n')
    assert (
        main(
            [
                "hivemind",
                "collect",
                "--out",
                str(out),
                "--base-url",
                "http://127.0.0.1:9/v1",
                "--model",
                "m",
                "--prompts",
                str(prompts),
            ]
        )
        == 2
    )
    assert "duplicate prompt_id" in capsys.readouterr().err


def test_a_whole_last_row_without_newline_is_kept(tmp_path):
    out = tmp_path / "r.jsonl"
    rows = [
        {"prompt_id": "p1", "prompt": "x", "model": "alpha", "sample": i, "response": f"r{i}"}
        for i in range(2)
    ]
    out.write_text(json.dumps(rows[0]) + "\n" + json.dumps(rows[1]))  # no trailing newline
    assert read_collected(out) == rows
    assert out.read_text().endswith("\n") and len(_rows(out)) == 2
