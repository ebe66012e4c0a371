"""`neurips25 passk curves | compare` under bad input (table-driven), and bounded memory
with n = 10^6 samples per problem (the default k-max is capped, --boot is capped)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest


def _counts(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.fixture
def home(tmp_path) -> Path:
    _counts(tmp_path / "base.jsonl", [{"problem_id": f"p{i}", "n": 64, "c": i} for i in range(8)])
    _counts(tmp_path / "short.jsonl", [{"problem_id": f"p{i}", "n": 64, "c": 1} for i in range(3)])
    _counts(tmp_path / "two_models.jsonl", [{"problem_id": "p", "n": 4, "c": 1, "model": m}
                                            for m in "ab"])
    (tmp_path / "n_huge_int.jsonl").write_text(f'{{"problem_id": "a", "n": {10**29}, "c": 1}}\n')
    (tmp_path / "n_float.jsonl").write_text('{"problem_id": "a", "n": 1e29, "c": 1}\n')
    (tmp_path / "c_over_n.jsonl").write_text('{"problem_id": "a", "n": 4, "c": 5}\n')
    (tmp_path / "digits.jsonl").write_text(f'{{"problem_id": "a", "n": {"9" * 5000}, "c": 1}}\n')
    (tmp_path / "mixed.jsonl").write_text('{"problem_id": "a", "n": 4, "c": 1}\n'
                                          '{"problem_id": "b", "correct": true}\n')
    (tmp_path / "flag.jsonl").write_text('{"problem_id": "a", "correct": "yes"}\n')
    (tmp_path / "unknown.jsonl").write_text('{"id": "a"}\n')
    (tmp_path / "latin1.jsonl").write_bytes(b'{"problem_id": "caf\xe9", "correct": true}\n')
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "a_folder").mkdir()
    return tmp_path


CURVES = ["passk", "curves"]
CASES = [
    (CURVES + ["{h}/nope.jsonl"], "no such file"),
    (CURVES + ["{h}/a_folder"], "is a directory"),
    (CURVES + ["{h}/latin1.jsonl"], "latin1.jsonl:1: not UTF-8"),
    (CURVES + ["{h}/n_huge_int.jsonl"], "more samples than this tool takes"),
    (CURVES + ["{h}/n_float.jsonl"], "field 'n' must be a non-negative integer"),
    (CURVES + ["{h}/digits.jsonl"], "digits.jsonl:1:"),
    (CURVES + ["{h}/c_over_n.jsonl"], "need n >= 1 and 0 <= c <= n"),
    (CURVES + ["{h}/mixed.jsonl"], ":2: samples record in a file of counts records"),
    (CURVES + ["{h}/flag.jsonl"], "field 'correct' must be true/false"),
    (CURVES + ["{h}/unknown.jsonl"], "unknown record"),
    (CURVES + ["{h}/empty.jsonl"], "no records"),
    (CURVES + ["{h}/base.jsonl", "{h}/base.jsonl"], "already loaded"),
    (CURVES + ["{h}/base.jsonl", "--k-max", "65"], "--k-max 65 is out of range"),
    (CURVES + ["{h}/base.jsonl", "--k-max", "0"], "argument --k-max: must be in >= 1"),
    (CURVES + ["{h}/base.jsonl", "--boot", "5"], "argument --boot: must be in 10..10000"),
    (CURVES + ["{h}/base.jsonl", "--boot", str(10**9)], "argument --boot"),
    (CURVES + ["{h}/base.jsonl", "--seed", "-1"], "argument --seed"),
    (CURVES + ["{h}/base.jsonl", "--seed", str(2**70)], "argument --seed"),
    (CURVES + ["{h}/base.jsonl", "--out", "{h}/a_file"], "is a file; --out takes a folder"),
    (CURVES + ["{h}/base.jsonl", "--out", "{h}/a_file/sub"], "a_file is a file"),
    (CURVES + ["{h}/base.jsonl", "--out", "/proc/neurips25-test"], "cannot write there"),
    (["passk", "compare", "--base", "{h}/base.jsonl", "--rl", "{h}/short.jsonl"], "--intersect"),
    (["passk", "compare", "--base", "{h}/two_models.jsonl", "--rl", "{h}/base.jsonl"],
     "holds 2 models"),
    (["passk", "compare", "--base", "{h}/base.jsonl"], "required: --rl"),
]


@pytest.mark.parametrize("argv,needle", CASES, ids=[f"#{i}" for i in range(len(CASES))])
def test_bad_input_is_one_line_exit_2_and_touches_nothing(user_error, home, argv, needle):
    user_error([a.format(h=home) for a in argv], watch=home, match=needle)


def test_default_k_max_is_capped_and_said_so(cli, tmp_path):
    _counts(tmp_path / "big.jsonl", [{"problem_id": "a", "n": 2 * 10**9, "c": 3}])
    code, out, _ = cli(["passk", "curves", tmp_path / "big.jsonl", "--boot", "10"])
    assert code == 0 and "pass@1024" in out and "pass@2048" not in out
    _, help_text, _ = cli(["passk", "curves", "--help"])
    assert "capped at 1024" in " ".join(help_text.split())


def test_n_of_a_million_runs_in_bounded_memory(tmp_path, peak_rss):
    rows = [{"problem_id": f"p{i}", "n": 10**6, "c": (i * 7919) % 1000} for i in range(200)]
    _counts(tmp_path / "base.jsonl", rows)
    _counts(tmp_path / "rl.jsonl", [{**r, "c": r["c"] // 2} for r in rows])
    code, rss, err = peak_rss(["passk", "compare", "--base", tmp_path / "base.jsonl",
                                  "--rl", tmp_path / "rl.jsonl", "--out", tmp_path / "o"])
    assert code == 0, err
    # before: k-max = n = 10^6 -> a (1000 x 10^6) bootstrap matrix per curve (8 GB each)
    assert rss < 300, f"peak RSS {rss:.0f} MiB"  # measured ~110 MiB
