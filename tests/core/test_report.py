from neurips25.common.io import atomic_write_json
from neurips25.report import build_report, claim_rows, render_markdown, verdict_counts


def synthetic_result(study="toy", status="ok"):
    return {
        "schema_version": 1, "study": study, "title": "Toy <paper>", "arxiv": "1234.5678",
        "finding": "x", "preset": "quick", "seed": 0, "config": {"a": 1}, "status": status,
        "error": None if status == "ok" else {"type": "ValueError", "message": "bad | pipe"},
        "wall_seconds": 1.5, "cpu_seconds": 2.0, "versions": {}, "git_commit": None,
        "metrics": {"v": 1},
        "claims": [{"id": "c1", "sentence": "s", "paper_figure": "0.5 (Fig. 2)",
                    "measured": "0.49", "verdict": "reproduced", "reason": "close"},
                   {"id": "c2", "sentence": "s", "paper_figure": "2x",
                    "measured": "1.1x", "verdict": "not reproduced", "reason": "CPU"}],
        "figures": [],
    }


def test_report_builds_from_synthetic_results(tmp_path):
    atomic_write_json(tmp_path / "toy" / "result.json", synthetic_result())
    atomic_write_json(tmp_path / "bad" / "result.json", synthetic_result("bad", "crashed"))
    html_path = build_report(tmp_path, quiet=True)
    html = html_path.read_text()
    assert "Toy &lt;paper&gt;" in html  # escaped
    assert "0.5 (Fig. 2)" in html and "0.49" in html and "not reproduced" in html
    assert "ValueError" in html
    md = (tmp_path / "summary.md").read_text()
    assert "bad \\| pipe" in md  # table cells escaped


def test_claim_rows_and_counts():
    results = [synthetic_result(), synthetic_result("b", "crashed")]
    rows = claim_rows(results)
    assert [r["verdict"] for r in rows] == ["reproduced", "not reproduced", "crashed"]
    assert verdict_counts(results) == {"reproduced": 1, "not reproduced": 1, "crashed": 1}
    assert render_markdown(results).count("\n| toy |") == 3  # two claims + runtime row
