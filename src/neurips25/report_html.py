"""``report.html``: an at-a-glance overview first (per study: a stacked bar of its verdicts,
preset, seeds, time, a link to its section), then the claim table, then one section per
study with its figures embedded. Self-contained: no scripts, no external files."""
from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

from neurips25.common.speed import machine_line
from neurips25.report import (
    ALL_VERDICTS,
    VERDICT_COLOURS,
    claim_rows,
    study_counts,
    verdict_counts,
)

esc = html.escape
# an interval inside a measured string: "[0.1, 0.3]" (optionally with "95% CI, 3 seeds")
_INTERVAL = re.compile(r"\[[^\[\]]*,[^\[\]]*\](?:\s*\([^()]*(?:CI|seed)[^()]*\))?")

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1200px;margin:2em auto;
padding:0 1em;color:#1f2328;line-height:1.45}
table{border-collapse:collapse;width:100%;margin:1em 0;font-size:0.9em}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
.badge{color:#fff;border-radius:10px;padding:1px 8px;font-size:0.85em;white-space:nowrap}
.ci{color:#57606a;white-space:nowrap;font-size:0.92em}
.bar{display:flex;width:220px;height:14px;border-radius:3px;overflow:hidden;background:#eaeef2}
.bar span{display:block;height:100%}
.legend span{display:inline-block;margin-right:1em;font-size:0.85em}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.src{color:#57606a;font-size:0.85em}
figure{display:inline-block;margin:0.5em;max-width:48%}
figure img{max-width:100%;border:1px solid #d0d7de}
figcaption{font-size:0.8em;color:#57606a}
pre{background:#f6f8fa;padding:0.6em;overflow:auto;font-size:0.8em}
details{margin:0.5em 0}
"""


def _badge(verdict: str) -> str:
    colour = VERDICT_COLOURS.get(verdict, "#57606a")
    return f'<span class="badge" style="background:{colour}">{esc(verdict)}</span>'


def measured_html(measured: str) -> str:
    """The measured string, escaped, with each interval marked so it reads beside its value."""
    out, last = [], 0
    for m in _INTERVAL.finditer(measured):
        out += [esc(measured[last:m.start()]), f'<span class="ci">{esc(m.group(0))}</span>']
        last = m.end()
    out.append(esc(measured[last:]))
    return "".join(out)


def _stacked_bar(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return '<div class="bar" title="no claims"></div>'
    parts = [f'<span style="width:{100 * n / total:.2f}%;background:{VERDICT_COLOURS[v]}" '
             f'title="{n} {esc(v)}"></span>' for v in ALL_VERDICTS if (n := counts.get(v, 0))]
    title = ", ".join(f"{counts[v]} {v}" for v in ALL_VERDICTS if counts.get(v))
    return f'<div class="bar" title="{esc(title)}">{"".join(parts)}</div>'


def _overview(results: list[dict[str, Any]]) -> list[str]:
    per = study_counts(results)
    totals = verdict_counts(results)
    legend = "".join(f'<span><i style="background:{VERDICT_COLOURS[v]}"></i>{esc(v)} '
                     f'<b>{totals.get(v, 0)}</b></span>' for v in ALL_VERDICTS)
    parts = ["<h2>At a glance</h2>", f'<p class="legend">{legend}</p>',
             "<table><tr><th>study</th><th>verdicts</th><th>claims</th><th>preset</th>"
             "<th>seeds</th><th>wall s</th><th>CPU s</th><th>started</th></tr>"]
    for r in results:
        name, counts = r["study"], per[r["study"]]
        summary = ", ".join(f"{counts[v]} {v}" for v in ALL_VERDICTS if counts.get(v))
        parts.append(
            f"<tr><td><a href='#{esc(name)}'>{esc(name)}</a></td>"
            f"<td>{_stacked_bar(counts)}</td><td>{esc(summary)}</td>"
            f"<td>{esc(str(r.get('preset', '')))}</td><td>{esc(str(r.get('seeds', 1)))}</td>"
            f"<td>{esc(str(r.get('wall_seconds', '')))}</td>"
            f"<td>{esc(str(r.get('cpu_seconds', '')))}</td>"
            f"<td>{esc(str(r.get('started_at', '')))}</td></tr>")
    parts.append("</table>")
    return parts


def _claim_table(results: list[dict[str, Any]]) -> list[str]:
    parts = ["<h2>Claims</h2>",
             "<table><tr><th>study</th><th>claim</th><th>paper</th><th>measured</th>"
             "<th>verdict</th><th>bar from</th><th>reason</th></tr>"]
    for row in claim_rows(results):
        parts.append(
            f"<tr><td><a href='#{esc(row['study'])}'>{esc(row['study'])}</a></td>"
            f"<td>{esc(row['id'])}</td><td>{esc(row['paper_figure'])}</td>"
            f"<td>{measured_html(row['measured'])}</td><td>{_badge(row['verdict'])}</td>"
            f"<td class='src'>{esc(row['bar'])}</td><td>{esc(row['reason'])}</td></tr>")
    parts.append("</table>")
    return parts


def _figure_tags(result: dict[str, Any]) -> str:
    tags = []
    folder = Path(result.get("_dir", "."))
    for name in result.get("figures", []):
        path = folder / name
        if not path.is_file():
            continue
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        tags.append(f'<figure><img alt="{esc(name)}" src="data:image/png;base64,{data}">'
                    f"<figcaption>{esc(name)}</figcaption></figure>")
    return "\n".join(tags)


def _study_section(r: dict[str, Any]) -> list[str]:
    name = r["study"]
    parts = [f"<h2 id='{esc(name)}'>{esc(name)}: {esc(str(r.get('title', '')))}</h2>",
             f"<p>arXiv {esc(str(r.get('arxiv', '')))} — {esc(str(r.get('finding', '')))}<br>"
             f"preset <b>{esc(str(r.get('preset')))}</b>, seed {esc(str(r.get('seed')))}, "
             f"seeds {esc(str(r.get('seeds', 1)))}, wall {esc(str(r.get('wall_seconds')))} s, "
             f"CPU {esc(str(r.get('cpu_seconds')))} s, status <b>{esc(str(r.get('status')))}"
             f"</b>, started {esc(str(r.get('started_at')))}</p>"]
    if r.get("status") != "ok":
        err = r.get("error") or {}
        parts.append(f"<pre>{esc(str(err.get('traceback') or err.get('message', '')))}</pre>")
    for c in r.get("claims", []):
        bar = f"<br><span class='src'>bar: {esc(str(c['bar']))}</span>" if c.get("bar") else ""
        parts.append(
            f"<p><b>{esc(str(c.get('id', '')))}</b> {_badge(str(c.get('verdict', '')))} "
            f"<i>{esc(str(c.get('sentence', '')))}</i><br>paper: "
            f"{esc(str(c.get('paper_figure', '')))} · measured: "
            f"{measured_html(str(c.get('measured', '')))} · {esc(str(c.get('reason', '')))}"
            f"{bar}</p>")
    if r.get("figures_note"):
        parts.append(f"<p class='src'>figures: {esc(str(r['figures_note']))}</p>")
    parts.append(_figure_tags(r))
    meta = {k: r.get(k) for k in ("config", "versions", "git_commit", "machine", "metrics")}
    parts += ["<details><summary>config, environment and metrics</summary><pre>",
              esc(json.dumps(meta, indent=2, default=str)), "</pre></details>",
              "<p><a href='#top'>back to the overview</a></p>"]
    return parts


def render_html(results: list[dict[str, Any]], machine: dict[str, Any] | None = None) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        "<title>neurips25 reproduction report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1 id='top'>neurips25 — reproduction report</h1>",
        "<p>Each row puts a paper's headline claim beside what this machine measured. "
        "<em>not reproduced</em> is an honest outcome, not an error; <em>check failed</em> "
        "and <em>crashed</em> are errors of this project, counted apart.</p>",
        *([f"<p class='machine'>{esc(machine_line(machine))}</p>"] if machine else []),
        *_overview(results),
        *_claim_table(results),
    ]
    for r in results:
        parts += _study_section(r)
    parts.append("</body></html>")
    return "\n".join(parts)
