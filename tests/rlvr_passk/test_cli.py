"""`neurips25 passk curves|compare` end to end: output, files, exit code 2 on bad input."""
import json

import numpy as np
import pytest

from neurips25.cli import main


def write_counts(path, cs, n=64, model=None):
    rows = [{"problem_id": f"p{i}", "n": n, "c": int(c), **({"model": model} if model else {})}
            for i, c in enumerate(cs)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def pair(tmp_path):
    """RL: 40% of problems always solved; base: every problem solved once in 64 -> cross at 26."""
    rl = write_counts(tmp_path / "rl.jsonl", [64] * 20 + [0] * 30)
    base = write_counts(tmp_path / "base.jsonl", [1] * 50)
    return base, rl


def test_compare_reports_crossover(pair, tmp_path, capsys):
    base, rl = pair
    out = tmp_path / "out"
    assert main(["passk", "compare", "--base", str(base), "--rl", str(rl), "--out", str(out),
                 "--boot", "100"]) == 0
    text = capsys.readouterr().out
    assert "crossover k*: 26" in text
    data = json.loads((out / "compare.json").read_text())
    assert data["k_star"] == 26 and data["coverage"]["rl_only"] == 0
    for name in ("passk_curves.png", "passk_diff.png", "coverage_venn.png", "accuracy_hist.png"):
        assert (out / name).stat().st_size > 1000


def test_curves_with_samples_prints_majority(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = [{"problem_id": f"q{p}", "correct": bool(a == 1), "sample": str(a)}
            for p in range(5) for a in rng.integers(0, 3, 16)]
    f = tmp_path / "s.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["passk", "curves", str(f), "--k-max", "8", "--boot", "50"]) == 0
    text = capsys.readouterr().out
    assert "pass@8" in text and "maj@8" in text and "pass@16" not in text


@pytest.mark.parametrize("args, needle", [
    (["passk", "curves", "{bad}"], "bad.jsonl:2:"),
    (["passk", "curves", "{base}", "--k-max", "65"], "--k-max 65"),
    (["passk", "compare", "--base", "{base}", "--rl", "{short}"], "--intersect"),
    (["passk", "curves", "{missing}"], "no such file"),
])
def test_bad_input_exits_2(pair, tmp_path, capsys, args, needle):
    base, _ = pair
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"problem_id": "a", "n": 2, "c": 1}\n{"problem_id": "b", "n": 2}\n')
    short = write_counts(tmp_path / "short.jsonl", [1] * 10)
    paths = {"bad": bad, "base": base, "short": short, "missing": tmp_path / "missing.jsonl"}
    argv = [a.format(**paths) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("neurips25: error:") and needle in err and "Traceback" not in err


def test_compare_intersect(pair, tmp_path, capsys):
    base, _ = pair
    short = write_counts(tmp_path / "short.jsonl", [2] * 10)
    assert main(["passk", "compare", "--base", str(base), "--rl", str(short), "--intersect",
                 "--boot", "50"]) == 0
    assert "10 problems" in capsys.readouterr().out
