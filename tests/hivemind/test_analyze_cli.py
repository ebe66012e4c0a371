"""``neurips25 hivemind analyze`` end to end on planted pools (TF-IDF), and its errors."""
from __future__ import annotations

import json

import numpy as np
import pytest

from neurips25.cli import main
from neurips25.common.errors import UserError
from neurips25.hivemind.analyze import analyze, read_responses
from neurips25.hivemind.embed import CachedEmbedder, TfidfEmbedder
from neurips25.hivemind.synthetic import planted_pool


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_analyze_writes_json_and_figures(tmp_path, capsys):
    src = _write(
        tmp_path / "responses.jsonl", planted_pool(0.3, 0.3, n_models=3, n_prompts=3, per_model=8)
    )
    out = tmp_path / "out"
    assert main(["hivemind", "analyze", str(src), "--out", str(out), "--embedder", "tfidf"]) == 0
    report = json.loads((out / "hivemind.json").read_text())
    assert set(report) >= {"overall", "per_model", "per_prompt", "inter_model", "figures"}
    o = report["overall"]
    assert o["n_responses"] == 72 and o["n_models"] == 3 and o["n_prompts"] == 3
    assert sum(o["intra_histogram"]) == 9  # one entry per (model, prompt) pool
    assert 0 <= o["floor_unrelated_similarity"] < o["intra_similarity"]
    for name in ("intra_model_histogram.png", "inter_model_matrix.png", "response_map.png"):
        assert (out / name).stat().st_size > 1000
    assert "unrelated-pairs floor" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content,needle",
    [
        (
            '{"prompt_id": "a", "prompt": "x", "model": "m", "response": "r"}\n{oops\n',
            ":2: malformed JSON",
        ),
        ('{"prompt_id": "a", "prompt": "x", "model": "m"}\n', ":1: missing field(s) response"),
        ("[1, 2]\n", ":1: expected a JSON object"),
        (
            '{"prompt_id": "a", "prompt": "x", "model": "m", "response": null}\n',
            ":1: field 'response' must be a string",
        ),
        ("\n\n", "no responses"),
    ],
)
def test_malformed_input_is_file_line_error_exit_2(tmp_path, capsys, content, needle):
    src = tmp_path / "bad.jsonl"
    src.write_text(content)
    assert (
        main(["hivemind", "analyze", str(src), "--out", str(tmp_path / "o"), "--embedder", "tfidf"])
        == 2
    )
    err = capsys.readouterr().err
    assert (
        err.startswith("neurips25: error: ")
        and needle in err
        and len(err.strip().splitlines()) == 1
    )
    assert not (tmp_path / "o" / "hivemind.json").exists()


def test_missing_file_and_bad_options(tmp_path, capsys):
    assert main(["hivemind", "analyze", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["hivemind", "analyze", "x.jsonl", "--out", "o", "--threshold", "1.5"])
    assert exc.value.code == 2


def test_analyze_report_is_consistent_with_metrics():
    rows = planted_pool(0.0, 1.0, n_models=3, n_prompts=2, per_model=6)
    emb = CachedEmbedder(TfidfEmbedder(lsa_dim=None).fit([r["response"] for r in rows]))
    report, x = analyze(rows, emb, neighbours=3)
    assert x.shape[0] == len(rows)
    # a full hive: every pool's answers are the same idea and template, only tails differ
    assert report["overall"]["inter_similarity"] > 0.6
    mat = np.array(report["inter_model"]["matrix"])
    np.testing.assert_allclose(mat, mat.T)
    with pytest.raises(UserError):
        read_responses("/nonexistent/file.jsonl")


class _Recorder:
    def __init__(self):
        self.tracked, self.logs = [], []

    def track(self, items, description, total=None):
        self.tracked.append((description, total))
        yield from items

    def log(self, message):
        self.logs.append(message)


def test_long_analysis_reports_progress():
    rows = planted_pool(0.3, 0.3, n_models=3, n_prompts=10, per_model=40)  # 1200 responses
    emb = CachedEmbedder(TfidfEmbedder().fit([r["response"] for r in rows]))
    progress = _Recorder()
    analyze(rows, emb, progress=progress)
    assert ("embedding", 2) in progress.tracked  # 1200 texts in batches of 1024
    assert ("per-prompt metrics", 10) in progress.tracked
    assert any("1200 responses" in m for m in progress.logs)


def test_progress_prefix_is_printed_as_text(capsys):
    from neurips25.common.progress import RichProgress

    RichProgress("[hivemind] ").log("step [1/2] done")
    assert "[hivemind] step [1/2] done" in capsys.readouterr().err
