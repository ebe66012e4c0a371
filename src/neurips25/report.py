"""One report from result folders: ``report.html`` (figures embedded), ``summary.md``,
and a terminal table. Paper figure, measured figure and verdict side by side.

Verdicts are counted per study and in total; ``check failed`` (a check that raised) and
``crashed`` (a study that raised) are counted apart from the honest verdicts, so a crash
never hides among ``not measurable here``. Each claim row says where its pass bar comes
from (``bar``; empty in results written before claims carried one).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from neurips25.common.io import atomic_write_text, ensure_dir
from neurips25.common.speed import machine_line, read_machine
from neurips25.runner import load_results
from neurips25.study import CHECK_FAILED, VERDICTS

CRASHED = "crashed"
# every verdict a row can carry, in the order tables and bars show them
ALL_VERDICTS = (*VERDICTS, CHECK_FAILED, CRASHED)
VERDICT_COLOURS = {
    "reproduced": "#1a7f37",
    "partly": "#9a6700",
    "not reproduced": "#cf222e",
    "not measurable here": "#57606a",
    CHECK_FAILED: "#bc4c00",
    CRASHED: "#8250df",
}
ROW_KEYS = ("study", "id", "paper_figure", "measured", "verdict", "bar", "reason")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def claim_rows(results: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Flatten results into summary rows, one per claim (one per crashed study)."""
    rows = []
    for r in results:
        if r.get("status") != "ok":
            err = r.get("error") or {}
            rows.append({"study": r["study"], "id": "-", "paper_figure": "-", "measured": "-",
                         "verdict": CRASHED, "bar": "",
                         "reason": f"{_text(err.get('type', 'Error'))}: "
                                   f"{_text(err.get('message', ''))}"[:300]})
            continue
        for c in r.get("claims", []):
            rows.append({"study": r["study"], **{k: _text(c.get(k, "")) for k in ROW_KEYS[1:]}})
    return rows


def verdict_counts(results: list[dict[str, Any]]) -> dict[str, int]:
    """How many rows carry each verdict (only verdicts that occur)."""
    counts: dict[str, int] = {}
    for row in claim_rows(results):
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    return counts


def study_counts(results: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per study, the count of every verdict in ``ALL_VERDICTS`` (zeros included)."""
    out: dict[str, dict[str, int]] = {r["study"]: dict.fromkeys(ALL_VERDICTS, 0) for r in results}
    for row in claim_rows(results):
        counts = out[row["study"]]
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    return out


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _seconds(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def render_totals_markdown(results: list[dict[str, Any]]) -> list[str]:
    """The per-study verdict table with an ``all`` row (as the README shows it)."""
    per = study_counts(results)
    head = ["study", *ALL_VERDICTS, "preset", "seeds", "wall s", "CPU s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        c = per[r["study"]]
        lines.append("| " + " | ".join([r["study"], *(str(c[v]) for v in ALL_VERDICTS),
                                        _text(r.get("preset")), _text(r.get("seeds", 1)),
                                        _text(r.get("wall_seconds")),
                                        _text(r.get("cpu_seconds"))]) + " |")
    total = {v: sum(c[v] for c in per.values()) for v in ALL_VERDICTS}
    wall = sum(_seconds(r.get("wall_seconds")) for r in results)
    cpu = sum(_seconds(r.get("cpu_seconds")) for r in results)
    lines.append("| **all** | " + " | ".join(str(total[v]) for v in ALL_VERDICTS)
                 + f" | | | {wall:.0f} | {cpu:.0f} |")
    return lines


def render_markdown(results: list[dict[str, Any]], machine: dict[str, Any] | None = None) -> str:
    lines = ["# neurips25 — reproduction summary", ""]
    if machine:
        lines += [machine_line(machine), ""]
    lines += [*render_totals_markdown(results), "",
             "| study | claim | paper | measured | verdict | bar from | reason |",
             "|---|---|---|---|---|---|---|"]
    for row in claim_rows(results):
        lines.append("| " + " | ".join(_md_cell(row[k]) for k in ROW_KEYS) + " |")
    lines += ["", "| study | preset | seed | seeds | wall s | cpu s | status |",
              "|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['study']} | {_text(r.get('preset'))} | {_text(r.get('seed'))} | "
                     f"{_text(r.get('seeds', 1))} | {_text(r.get('wall_seconds'))} | "
                     f"{_text(r.get('cpu_seconds'))} | {_text(r.get('status'))} |")
    return "\n".join(lines) + "\n"


def print_table(results: list[dict[str, Any]]) -> None:
    """The summary table and the verdict totals on the terminal (stdout)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="neurips25: paper vs this machine", show_lines=False)
    for col in ("study", "claim", "paper", "measured", "verdict"):
        table.add_column(col, overflow="fold")
    for row in claim_rows(results):
        colour = VERDICT_COLOURS.get(row["verdict"], "white")
        table.add_row(row["study"], row["id"], row["paper_figure"], row["measured"],
                      f"[{colour}]{row['verdict']}[/]")
    console = Console()
    console.print(table)
    counts = verdict_counts(results)
    console.print("totals: " + ", ".join(f"{counts[v]} {v}" for v in ALL_VERDICTS if v in counts))


def build_report(root: str | Path, quiet: bool = False, out_dir: str | Path | None = None) -> Path:
    """Write ``report.html`` and ``summary.md`` into ``out_dir`` (default ``root``); return
    the HTML path. Every result is read and checked before anything is written."""
    from neurips25.report_html import render_html

    root = Path(root)
    results = load_results(root)
    machine = read_machine(root)
    dest = ensure_dir(out_dir if out_dir is not None else root)
    atomic_write_text(dest / "summary.md", render_markdown(results, machine))
    out = atomic_write_text(dest / "report.html", render_html(results, machine))
    if not quiet:
        print_table(results)
    return out
