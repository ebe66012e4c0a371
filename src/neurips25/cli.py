"""``neurips25``: list, run and reproduce the studies, and rebuild the report.

Studies may add their own tool commands (``generate``, ``diagnose``, ``passk`` ...) by
shipping a ``cli`` module with ``register(subparsers)``; missing modules are skipped.
Bad input is a one-line ``neurips25: error: ...`` on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from neurips25.common.errors import UserError
from neurips25.study import PRESETS

# tool commands contributed by study packages (module must define register(subparsers))
STUDY_COMMAND_MODULES = (
    "neurips25.suffix_decoding.cli",
    "neurips25.gated_attention.cli",
    "neurips25.diffusion_memorization.cli",
    "neurips25.hivemind.cli",
    "neurips25.rlvr_passk.cli",
    "neurips25.superposition.cli",
    "neurips25.deep_crl.cli",
    "neurips25.oak.cli",
)


def _cmd_list(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from neurips25.registry import STUDY_NAMES, available_studies

    found = {s.name: s for s in available_studies()}
    table = Table(title="neurips25 studies")
    for col in ("study", "paper", "finding", "quick run"):
        table.add_column(col, overflow="fold")
    for name in STUDY_NAMES:
        s = found.get(name)
        if s is None:
            table.add_row(name, "-", "[dim]not implemented yet[/]", "-")
        else:
            table.add_row(name, f"{s.title} (arXiv {s.arxiv})", s.finding, s.quick_runtime)
    Console().print(table)
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from neurips25.common.progress import RichProgress
    from neurips25.registry import get_study
    from neurips25.report import print_table
    from neurips25.runner import run_study

    study = get_study(args.study)
    out = Path(args.out or f"results/{study.name}")
    result = run_study(study, out, preset=args.preset, seed=args.seed, seeds=args.seeds,
                       progress=RichProgress(f"[{study.name}] "))
    result["_dir"] = str(out)
    print_table([result])
    print(f"result: {out / 'result.json'}  ({result['wall_seconds']} s wall)")
    if result["status"] != "ok":
        print(f"neurips25: study {study.name} crashed: {result['error']['message']}", file=sys.stderr)
        return 1
    return 0


def _parse_only(only: str | None) -> list[str]:
    from neurips25.registry import STUDY_NAMES, available_studies, get_study

    if not only:
        return [s.name for s in available_studies()]
    names = [n.strip() for n in only.split(",") if n.strip()]
    for n in names:
        if n not in STUDY_NAMES:
            raise UserError(f"unknown study {n!r}; choose from {', '.join(STUDY_NAMES)}")
        get_study(n)
    return names


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from rich.console import Console

    from neurips25.common.progress import RichProgress
    from neurips25.registry import get_study
    from neurips25.report import build_report
    from neurips25.runner import ensure_writable, run_study

    names = _parse_only(args.only)
    root = ensure_writable(Path(args.out))
    console = Console(stderr=True)
    crashed = []
    t0 = time.perf_counter()
    for i, name in enumerate(names, 1):
        study = get_study(name)
        console.rule(f"[{i}/{len(names)}] {name} — {study.title} ({study.quick_runtime} quick)")
        seeds = args.seeds if study.takes_seeds else None  # one-seed studies ignore --seeds
        result = run_study(study, root / name, preset=args.preset, seed=args.seed, seeds=seeds,
                           progress=RichProgress(f"[{name}] "), reuse=not args.fresh)
        if result.get("reused"):
            console.print(f"{name}: finished result with this config found, reused")
        elif result["status"] != "ok":
            crashed.append(name)
            console.print(f"[red]{name} crashed: {result['error']['type']}: "
                          f"{result['error']['message']}[/]")
        else:
            console.print(f"{name}: done in {result['wall_seconds']} s")
    html = build_report(root)
    print(f"report: {html}  summary: {root / 'summary.md'}  "
          f"({time.perf_counter() - t0:.0f} s)")
    if crashed:
        print(f"neurips25: crashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from neurips25.report import build_report

    print(f"report: {build_report(Path(args.dir))}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    import runpy

    bench = Path(__file__).resolve().parents[2] / "benchmarks" / "__main__.py"
    if not bench.is_file():
        raise UserError("benchmarks/ is only available in a source checkout")
    sys.argv = [str(bench), *args.names]
    runpy.run_path(str(bench), run_name="__main__")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neurips25",
        description="NeurIPS 2025 award papers as tested code, with CPU-scale reproductions.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("list", help="studies, papers, findings, expected quick runtime")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("run", help="run one study and write its result.json and figures")
    p.add_argument("study", help="study name, e.g. superposition")
    p.add_argument("--preset", choices=PRESETS, default="quick")
    p.add_argument("--out", help="output folder (default results/STUDY)")
    p.add_argument("--seed", type=int, default=None, help="override the preset's seed")
    p.add_argument("--seeds", type=int, default=None,
                   help="number of seeds the study's arms run for (default: the preset's)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("reproduce", help="run every study and write one report")
    p.add_argument("--preset", choices=PRESETS, default="quick")
    p.add_argument("--only", help="comma-separated study names (default: all)")
    p.add_argument("--out", default="results", help="output folder (default results)")
    p.add_argument("--seed", type=int, default=None, help="override every preset's seed")
    p.add_argument("--seeds", type=int, default=None,
                   help="seeds per study that runs several (one-seed studies ignore it)")
    p.add_argument("--fresh", action="store_true", help="rerun studies with a finished result")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser("report", help="rebuild report.html and summary.md from result folders")
    p.add_argument("dir", help="folder holding STUDY/result.json")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("bench", help="run the speed/memory benchmarks (source checkout)")
    p.add_argument("names", nargs="*", help="benchmark names (default: all)")
    p.set_defaults(func=_cmd_bench)

    for module_name in STUDY_COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that study has no command (yet)
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"neurips25: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("neurips25: interrupted; finished results are kept, rerun to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
