import re

from neurips25.common.io import atomic_write_json
from neurips25.report import build_report, claim_rows, render_markdown, study_counts, verdict_counts
from neurips25.report_html import measured_html, render_html


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
    # totals row + two claims + runtime row
    assert render_markdown(results).count("\n| toy |") == 4


def _with_check_failed(study="toy"):
    r = synthetic_result(study)
    r["claims"].append({"id": "c3", "sentence": "s", "paper_figure": "p", "measured": "n/a",
                        "verdict": "check failed", "reason": "check raised KeyError: 'x'",
                        "bar": ""})
    r["claims"].append({"id": "c4", "sentence": "s", "paper_figure": "p", "measured": "n/a",
                        "verdict": "not measurable here", "reason": "no GPU", "bar": "none"})
    r["claims"][0]["bar"] = "paper: Fig. 2 spread 0.12"
    r["claims"][0]["measured"] = "0.49 [0.41, 0.57] (95% CI, 3 seeds)"
    return r


def test_check_failed_is_counted_apart_everywhere(tmp_path, capsys):
    results = [_with_check_failed(), synthetic_result("b", "crashed")]
    counts = study_counts(results)["toy"]
    assert counts["check failed"] == 1 and counts["not measurable here"] == 1
    md = render_markdown(results)
    header = md.splitlines()[2]
    assert "check failed" in header and "crashed" in header
    # the all row: 1 reproduced, 0 partly, 1 not reproduced, 1 NM, 1 check failed, 1 crashed
    assert "| **all** | 1 | 0 | 1 | 1 | 1 | 1 |" in md
    atomic_write_json(tmp_path / "toy" / "result.json", _with_check_failed())
    build_report(tmp_path)
    assert "1 check failed" in capsys.readouterr().out


def test_html_opens_with_an_overview_and_shows_bars_and_intervals():
    results = [_with_check_failed(), synthetic_result("b", "crashed")]
    page = render_html(results)
    glance, claims = page.index("At a glance"), page.index("<h2>Claims</h2>")
    assert glance < claims < page.index("<h2 id='toy'>")
    overview = page[glance:claims]
    assert "href='#toy'" in overview and "href='#b'" in overview
    assert overview.count('class="bar"') == 2 and "quick" in overview
    # the toy bar has four coloured parts, one per verdict it holds, widths summing to 100%
    toy_bar = re.search(r'<div class="bar" title="[^"]*">(.*?)</div>', overview).group(1)
    widths = [float(w) for w in re.findall(r"width:([\d.]+)%", toy_bar)]
    assert len(widths) == 4 and abs(sum(widths) - 100) < 0.05
    assert "paper: Fig. 2 spread 0.12" in page  # where the bar comes from
    assert '<span class="ci">[0.41, 0.57] (95% CI, 3 seeds)</span>' in page


def test_measured_html_marks_every_interval_and_escapes():
    assert measured_html("a <b> [1, 2], c [3, 4]") == (
        'a &lt;b&gt; <span class="ci">[1, 2]</span>, c <span class="ci">[3, 4]</span>')
    assert measured_html("no interval") == "no interval"
