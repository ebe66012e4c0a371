"""One report from result folders: ``report.html`` (figures embedded), ``summary.md``,
and a terminal table. Paper figure, measured figure and verdict side by side."""
from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

from neurips25.common.io import atomic_write_text, ensure_dir
from neurips25.runner import load_results

VERDICT_COLOURS = {
    "reproduced": "#1a7f37",
    "partly": "#9a6700",
    "not reproduced": "#cf222e",
    "not measurable here": "#57606a",
    "crashed": "#8250df",
}


def claim_rows(results: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Flatten results into summary rows, one per claim (one per crashed study)."""
    rows = []
    for r in results:
        if r.get("status") != "ok":
            err = r.get("error") or {}
            rows.append(
                {
                    "study": r["study"],
                    "id": "-",
                    "paper_figure": "-",
                    "measured": "-",
                    "verdict": "crashed",
                    "reason": f"{err.get('type', 'Error')}: {err.get('message', '')}"[:300],
                }
            )
            continue
        for c in r.get("claims", []):
            rows.append({"study": r["study"], **{k: str(c.get(k, "")) for k in
                         ("id", "paper_figure", "measured", "verdict", "reason")}})
    return rows


def verdict_counts(results: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in claim_rows(results):
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    return counts


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "# neurips25 — reproduction summary",
        "",
        "| study | claim | paper | measured | verdict | reason |",
        "|---|---|---|---|---|---|",
    ]
    for row in claim_rows(results):
        lines.append(
            "| " + " | ".join(_md_cell(row[k]) for k in
                              ("study", "id", "paper_figure", "measured", "verdict", "reason")) + " |"
        )
    lines += ["", "| study | preset | seed | wall s | cpu s | status |", "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['study']} | {r.get('preset')} | {r.get('seed')} | {r.get('wall_seconds')} "
            f"| {r.get('cpu_seconds')} | {r.get('status')} |"
        )
    return "\n".join(lines) + "\n"


def _verdict_badge(verdict: str) -> str:
    colour = VERDICT_COLOURS.get(verdict, "#57606a")
    return f'<span class="badge" style="background:{colour}">{html.escape(verdict)}</span>'


def _figure_tags(result: dict[str, Any]) -> str:
    tags = []
    folder = Path(result.get("_dir", "."))
    for name in result.get("figures", []):
        path = folder / name
        if not path.is_file():
            continue
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        tags.append(
            f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(name)}</figcaption></figure>"
        )
    return "\n".join(tags)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1200px;margin:2em auto;
padding:0 1em;color:#1f2328;line-height:1.45}
table{border-collapse:collapse;width:100%;margin:1em 0;font-size:0.9em}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
.badge{color:#fff;border-radius:10px;padding:1px 8px;font-size:0.85em;white-space:nowrap}
figure{display:inline-block;margin:0.5em;max-width:48%}
figure img{max-width:100%;border:1px solid #d0d7de}
figcaption{font-size:0.8em;color:#57606a}
pre{background:#f6f8fa;padding:0.6em;overflow:auto;font-size:0.8em}
details{margin:0.5em 0}
"""


def render_html(results: list[dict[str, Any]]) -> str:
    esc = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        "<title>neurips25 reproduction report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>neurips25 — reproduction report</h1>",
        "<p>Each row puts a paper's headline claim beside what this machine measured. "
        "<em>not reproduced</em> is an honest outcome, not an error.</p>",
        "<table><tr><th>study</th><th>claim</th><th>paper</th><th>measured</th>"
        "<th>verdict</th><th>reason</th></tr>",
    ]
    for row in claim_rows(results):
        parts.append(
            f"<tr><td><a href='#{esc(row['study'])}'>{esc(row['study'])}</a></td>"
            f"<td>{esc(row['id'])}</td><td>{esc(row['paper_figure'])}</td>"
            f"<td>{esc(row['measured'])}</td><td>{_verdict_badge(row['verdict'])}</td>"
            f"<td>{esc(row['reason'])}</td></tr>"
        )
    parts.append("</table>")
    for r in results:
        parts.append(f"<h2 id='{esc(r['study'])}'>{esc(r['study'])}: {esc(r.get('title', ''))}</h2>")
        parts.append(
            f"<p>arXiv {esc(str(r.get('arxiv', '')))} — {esc(r.get('finding', ''))}<br>"
            f"preset <b>{esc(str(r.get('preset')))}</b>, seed {esc(str(r.get('seed')))}, "
            f"wall {esc(str(r.get('wall_seconds')))} s, CPU {esc(str(r.get('cpu_seconds')))} s, "
            f"status <b>{esc(str(r.get('status')))}</b>, started {esc(str(r.get('started_at')))}</p>"
        )
        if r.get("status") != "ok":
            err = r.get("error") or {}
            parts.append(f"<pre>{esc(err.get('traceback') or err.get('message', ''))}</pre>")
        for c in r.get("claims", []):
            parts.append(
                f"<p><b>{esc(c.get('id', ''))}</b> {_verdict_badge(c.get('verdict', ''))} "
                f"<i>{esc(c.get('sentence', ''))}</i><br>paper: {esc(c.get('paper_figure', ''))}"
                f" · measured: {esc(c.get('measured', ''))} · {esc(c.get('reason', ''))}</p>"
            )
        parts.append(_figure_tags(r))
        parts.append("<details><summary>config, environment and metrics</summary><pre>")
        meta = {k: r.get(k) for k in ("config", "versions", "git_commit", "machine", "metrics")}
        parts.append(esc(json.dumps(meta, indent=2, default=str)))
        parts.append("</pre></details>")
    parts.append("</body></html>")
    return "\n".join(parts)


def print_table(results: list[dict[str, Any]]) -> None:
    """The summary table on the terminal (stdout)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="neurips25: paper vs this machine", show_lines=False)
    for col in ("study", "claim", "paper", "measured", "verdict"):
        table.add_column(col, overflow="fold")
    for row in claim_rows(results):
        colour = VERDICT_COLOURS.get(row["verdict"], "white")
        table.add_row(row["study"], row["id"], row["paper_figure"], row["measured"],
                      f"[{colour}]{row['verdict']}[/]")
    Console().print(table)


def build_report(root: str | Path, quiet: bool = False, out_dir: str | Path | None = None) -> Path:
    """Write ``report.html`` and ``summary.md`` into ``out_dir`` (default ``root``); return
    the HTML path. Every result is read and checked before anything is written."""
    root = Path(root)
    results = load_results(root)
    dest = ensure_dir(out_dir if out_dir is not None else root)
    atomic_write_text(dest / "summary.md", render_markdown(results))
    out = atomic_write_text(dest / "report.html", render_html(results))
    if not quiet:
        print_table(results)
    return out
