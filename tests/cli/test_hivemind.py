"""`neurips25 hivemind analyze | collect | prompts` under bad input (table-driven).

Each case: exit 2, one line `neurips25: error: ...`, no traceback, nothing written or
changed under the user's folder (no PNG before a late failure, no output folder created).
No case reaches the network: every one fails on its input before the first request.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

URL = "http://127.0.0.1:9/v1"  # never contacted: each case fails before any request
ROW = {"prompt_id": "a", "prompt": "x", "model": "m", "response": "r"}


@pytest.fixture
def home(tmp_path) -> Path:
    def jsonl(name: str, rows: list) -> None:
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows))

    jsonl("responses.jsonl", [{**ROW, "prompt_id": p, "model": m, "response": f"{m} {p} {i}"}
                              for p in "ab" for m in ("m1", "m2") for i in range(3)])
    jsonl("missing_field.jsonl", [{k: v for k, v in ROW.items() if k != "response"}])
    jsonl("wrong_type.jsonl", [{**ROW, "response": ["not", "text"]}])
    jsonl(
        "prompts_dup.jsonl", [{"prompt_id": "a", "prompt": "x"}, {"prompt_id": "a", "prompt": "y"}]
    )
    jsonl("prompts_type.jsonl", [{"prompt_id": "a", "prompt": {"text": "x"}}])
    (tmp_path / "malformed.jsonl").write_text(json.dumps(ROW) + "\n{oops\n")
    (tmp_path / "latin1.jsonl").write_bytes(json.dumps(ROW).encode() + b'\n{"prompt": "caf\xe9"}\n')
    (tmp_path / "empty.jsonl").write_text("\n")
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "a_folder").mkdir()
    (tmp_path / "corrupt").mkdir()
    (tmp_path / "corrupt" / "responses.jsonl").write_text(
        json.dumps(ROW) + "\nnot json\n" + json.dumps(ROW) + "\n"
    )
    (tmp_path / "dir_in_place" / "responses.jsonl").mkdir(parents=True)
    return tmp_path


ANALYZE = ["hivemind", "analyze", "--embedder", "tfidf"]
COLLECT = ["hivemind", "collect", "--base-url", URL, "--model", "m"]
CASES = [
    (ANALYZE + ["{h}/nope.jsonl", "--out", "{h}/o"], "no such file"),
    (ANALYZE + ["{h}/a_folder", "--out", "{h}/o"], "is a directory"),
    (ANALYZE + ["{h}/latin1.jsonl", "--out", "{h}/o"], "latin1.jsonl:2: not UTF-8"),
    (ANALYZE + ["{h}/malformed.jsonl", "--out", "{h}/o"], "malformed.jsonl:2: malformed JSON"),
    (ANALYZE + ["{h}/missing_field.jsonl", "--out", "{h}/o"], ":1: missing field(s) response"),
    (ANALYZE + ["{h}/wrong_type.jsonl", "--out", "{h}/o"], "field 'response' must be a string"),
    (ANALYZE + ["{h}/empty.jsonl", "--out", "{h}/o"], "no responses"),
    (
        ANALYZE + ["{h}/responses.jsonl", "--out", "{h}/o", "--prompt", "bogus"],
        "--prompt 'bogus' is not a prompt_id",
    ),
    (
        ANALYZE + ["{h}/responses.jsonl", "--out", "{h}/o", "--threshold", "1.5"],
        "argument --threshold: must be in [0, 1]",
    ),
    (
        ANALYZE + ["{h}/responses.jsonl", "--out", "{h}/o", "--threshold", "nan"],
        "expected a finite number",
    ),
    (ANALYZE + ["{h}/responses.jsonl", "--out", "{h}/o", "--neighbours", "0"], "--neighbours"),
    (ANALYZE + ["{h}/responses.jsonl", "--out", "{h}/o", "--clusters", "-1"], "--clusters"),
    (ANALYZE + ["{h}/responses.jsonl", "--out", "{h}/a_file"], "is a file; --out takes a folder"),
    (ANALYZE + ["{h}/responses.jsonl", "--out", "{h}/a_file/sub"], "a_file is a file"),
    (ANALYZE + ["{h}/responses.jsonl"], "required: --out"),
    (
        ["hivemind", "analyze", "{h}/responses.jsonl", "--out", "{h}/o", "--embedder", "bert"],
        "argument --embedder: invalid choice",
    ),
    (["hivemind", "collect", "--out", "{h}/o"], "give --model NAME"),
    (["hivemind", "collect", "--out", "{h}/o", "--model", "m"], "--model needs --base-url"),
    (["hivemind", "collect", "--out", "{h}/o", "--base-url", URL], "needs at least one --model"),
    (
        [
            "hivemind",
            "collect",
            "--out",
            "{h}/o",
            "--base-url",
            "127.0.0.1:8000/v1",
            "--model",
            "m",
        ],
        "need http:// or https://",
    ),
    (
        [
            "hivemind",
            "collect",
            "--out",
            "{h}/o",
            "--base-url",
            URL,
            "--model",
            "m",
            "--model",
            "m",
        ],
        "given twice",
    ),
    (COLLECT + ["--out", "{h}/o", "--backoff", "-1"], "argument --backoff: must be in [0, 600]"),
    (COLLECT + ["--out", "{h}/o", "--retries", "-1"], "argument --retries"),
    (COLLECT + ["--out", "{h}/o", "--timeout", "0"], "argument --timeout"),
    (COLLECT + ["--out", "{h}/o", "--top-p", "0"], "argument --top-p"),
    (COLLECT + ["--out", "{h}/o", "--temperature", "-1"], "argument --temperature"),
    (COLLECT + ["--out", "{h}/o", "--n", "0"], "argument --n"),
    (COLLECT + ["--out", "{h}/o", "--n", "lots"], "expected an integer"),
    (COLLECT + ["--out", "{h}/o", "--prompts", "{h}/nope.jsonl"], "no such file"),
    (COLLECT + ["--out", "{h}/o", "--prompts", "{h}/latin1.jsonl"], "not UTF-8"),
    (COLLECT + ["--out", "{h}/o", "--prompts", "{h}/prompts_dup.jsonl"], "duplicate prompt_id"),
    (COLLECT + ["--out", "{h}/o", "--prompts", "{h}/prompts_type.jsonl"], "must be a string"),
    (COLLECT + ["--out", "{h}/o", "--api-key-env", "NEURIPS25_TEST_UNSET"], "is not set"),
    (COLLECT + ["--out", "{h}/a_file"], "is a file; --out takes a folder"),
    (COLLECT + ["--out", "{h}/corrupt"], "responses.jsonl:2: malformed JSON"),
    (COLLECT + ["--out", "{h}/dir_in_place"], "is a directory"),
    (["hivemind", "collect", "--out", "{h}/o", "--hf-model", "{h}/no_model"], "not a model folder"),
    (["hivemind", "prompts", "--out", "{h}/a_file"], "is a file"),
    (["hivemind", "prompts", "--out", "{h}/a_file/sub"], "a_file is a file"),
    (["hivemind", "prompts", "--out", "/proc/neurips25-test"], "cannot write there"),
    (["hivemind", "bogus"], "invalid choice: 'bogus'"),
]


@pytest.mark.parametrize(
    "argv,needle", CASES, ids=[" ".join(a[1:4]) + f" #{i}" for i, (a, _) in enumerate(CASES)]
)
def test_bad_input_is_one_line_exit_2_and_touches_nothing(user_error, home, argv, needle):
    user_error([a.format(h=home) for a in argv], watch=home, match=needle)


def test_help_states_the_out_folder_and_defaults(cli):
    for tool in ("analyze", "collect", "prompts"):
        code, out, _ = cli(["hivemind", tool, "--help"])
        assert code == 0 and "DIR" in out
    _, out, _ = cli(["hivemind", "collect", "--help"])
    text = " ".join(out.split())
    assert "DIR/responses.jsonl" in text and "(default: 50)" in text and "(default: 1.0)" in text


def test_prompts_out_writes_the_fixed_name_in_the_folder(cli, tmp_path):
    code, out, _ = cli(["hivemind", "prompts", "--out", tmp_path / "p"])
    assert code == 0 and (tmp_path / "p" / "prompts.jsonl").is_file()
    assert len((tmp_path / "p" / "prompts.jsonl").read_text().splitlines()) > 10


def test_analyze_reads_the_folder_collect_wrote(cli, home):
    code, out, _ = cli(ANALYZE + [home, "--out", home / "o"])  # home holds responses.jsonl
    assert code == 0 and "12 responses" in out and (home / "o" / "hivemind.json").is_file()


def test_an_out_folder_the_os_refuses_fails_before_the_analysis(user_error, home, monkeypatch):
    import neurips25.hivemind.analyze as analyze_module

    def never(*args, **kwargs):
        raise AssertionError("analysis ran before the output folder was made")

    monkeypatch.setattr(analyze_module, "analyze", never)
    user_error(
        ANALYZE + [home / "responses.jsonl", "--out", "/proc/neurips25-test"],
        watch=home,
        match="cannot write there",
    )


def test_model_loading_bars_stay_off_stderr(home):
    """MiniLM loads through transformers, which draws a progress bar per load unless the
    CLI quiets it (``neurips25 -v`` shows it again)."""
    import subprocess
    import sys

    argv = [sys.executable, "-m", "neurips25", "hivemind", "analyze",
            str(home / "responses.jsonl"), "--out", str(home / "o")]
    quiet = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0, quiet.stderr
    assert "it/s" not in quiet.stderr and "Loading" not in quiet.stderr, quiet.stderr
