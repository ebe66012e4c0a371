"""``neurips25``: list, run and reproduce the studies, and rebuild the report.

Tool commands (``generate``, ``diagnose``, ``passk`` ...) are plug-ins: every study in
``registry.STUDY_NAMES`` may ship ``neurips25.<study>.cli`` with ``register(subparsers)``,
and non-study tools are listed in ``TOOL_COMMAND_MODULES``. A plug-in module that does not
exist is skipped; one that fails to import is a bug and fails loudly.

Conventions every command follows (tool owners: keep to these):

- ``--out DIR`` is always a **folder**, created if missing (never a file path). A command
  writes fixed file names inside it and says which in its ``--help``: ``run STUDY --out DIR``
  and ``reproduce --out DIR`` both write ``DIR/STUDY/`` (default ``results``);
  ``hivemind collect`` writes ``DIR/responses.jsonl``, ``generate`` ``DIR/generations.jsonl``,
  and so on. A command without ``--out`` writes no file (it prints). Output paths are
  checked (``common.io.check_out_dir``) before any expensive work, and files are written
  atomically (``common.io``) or appended whole-row-at-a-time.
- Bad input of any kind is one line ``neurips25: error: ...`` on stderr and exit code 2,
  with no file written or changed: raise ``common.errors.UserError``, or use the checked
  ``type=`` converters in ``common.args`` (seeds, ranges) so argparse rejects a bad flag.
- ``--help`` shows every default; library progress bars and warnings stay off stderr
  unless ``neurips25 -v`` is given.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import warnings
from pathlib import Path
from typing import NoReturn

from neurips25.common import args as A
from neurips25.common.errors import UserError
from neurips25.study import PRESETS

# non-study tools (study tools are found from the registry: neurips25.<study>.cli)
TOOL_COMMAND_MODULES: tuple[str, ...] = (
    "neurips25.serve.cli",
)
PRESET_HELP = "quick: minutes on 2 cores; full: the longer sweep (see README for times)"


def command_modules() -> list[str]:
    """Plug-in modules: ``neurips25.<study>.cli`` for every registered study, then tools."""
    from neurips25.registry import STUDY_NAMES

    return [f"neurips25.{name}.cli" for name in STUDY_NAMES] + list(TOOL_COMMAND_MODULES)


def _module_exists(name: str) -> bool:
    """True when ``name`` can be found; a missing module or package is False."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError as exc:  # the parent package itself is absent
        if exc.name and name.startswith(exc.name + "."):
            return False
        raise


class HelpFormatter(argparse.HelpFormatter):
    """Shows ``(default: X)`` after every option that has a default and does not say it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if ("default" in text.lower() or default in (None, False, argparse.SUPPRESS)
                or not action.option_strings):
            return text
        return f"{text} (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error (``neurips25: error: ...``, exit 2), also in subcommands."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        command = self.prog.split(" ", 1)[1] if " " in self.prog else ""
        where = f"{command}: " if command else ""
        self.exit(2, f"neurips25: error: {where}{message} (see --help)\n")


def _cmd_list(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from neurips25.registry import STUDY_NAMES, available_studies

    found = {s.name: s for s in available_studies()}
    table = Table(title="neurips25 studies")
    for col in ("study", "paper", "finding", "quick run (2 cores)"):
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
    from neurips25.common.io import check_out_dir
    from neurips25.common.progress import RichProgress
    from neurips25.registry import get_study
    from neurips25.report import print_table
    from neurips25.runner import run_study

    study = get_study(args.study)
    out = check_out_dir(Path(args.out)) / study.name
    # a bad --seeds or --device fails before any work
    study.config(args.preset, args.seed, args.seeds, args.device)
    result = run_study(study, out, preset=args.preset, seed=args.seed, seeds=args.seeds,
                       device=args.device, executor=args.executor,
                       progress=RichProgress(f"[{study.name}] "))
    result["_dir"] = str(out)
    print_table([result])
    print(f"result: {out / 'result.json'}  ({result['wall_seconds']} s wall)")
    if result["status"] != "ok":
        print(f"neurips25: study {study.name} crashed: {result['error']['message']}",
              file=sys.stderr)
        return 1
    return 0


def _parse_only(only: str | None) -> list[str]:
    from neurips25.registry import STUDY_NAMES, available_studies, get_study

    if only is None:
        return [s.name for s in available_studies()]
    names = list(dict.fromkeys(n.strip() for n in only.split(",") if n.strip()))
    if not names:
        raise UserError("--only names no study")
    for n in names:
        if n not in STUDY_NAMES:
            raise UserError(f"unknown study {n!r}; choose from {', '.join(STUDY_NAMES)}")
        get_study(n)
    return names


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from neurips25.reproduce import reproduce

    return reproduce(_parse_only(args.only), Path(args.out), args.preset, args.seed,
                     args.seeds, fresh=args.fresh, device=args.device, executor=args.executor)


def _cmd_report(args: argparse.Namespace) -> int:
    from neurips25.common.io import check_out_dir
    from neurips25.report import build_report

    out = check_out_dir(args.out) if args.out else None
    print(f"report: {build_report(Path(args.dir), out_dir=out)}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    import runpy

    bench = Path(__file__).resolve().parents[2] / "benchmarks" / "__main__.py"
    if not bench.is_file():
        raise UserError("benchmarks/ is only available in a source checkout")
    known = {p.stem for p in bench.parent.glob("*.py") if not p.name.startswith("_")}
    unknown = sorted({n.removesuffix(".py") for n in args.names} - known)
    if unknown:
        raise UserError(f"unknown benchmark(s) {', '.join(unknown)}; "
                        f"choose from {', '.join(sorted(known))}")
    sys.argv = [str(bench), *args.names]
    runpy.run_path(str(bench), run_name="__main__")
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("neurips25")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown"


def _add_core_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="studies, papers, findings, expected quick runtime")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("run", help="run one study; writes DIR/STUDY/result.json and figures")
    p.add_argument("study", help="study name, e.g. superposition (see `neurips25 list`)")
    p.add_argument("--preset", choices=PRESETS, default="quick", help=PRESET_HELP)
    p.add_argument("--out", default="results", metavar="DIR",
                   help="folder; the study writes DIR/STUDY/ (as reproduce does)")
    p.add_argument("--seed", type=A.seed, default=None,
                   help="override the preset's seed (0 <= seed < 2**32)")
    p.add_argument("--seeds", type=A.int_range(1, 100), default=None,
                   help="number of seeds the study's arms run for (default: the preset's)")
    _add_scale_flags(p)
    p.set_defaults(func=_cmd_run, resume_hint="rerun the same command to resume")

    p = sub.add_parser("reproduce", help="run every study and write one report")
    p.add_argument("--preset", choices=PRESETS, default="quick", help=PRESET_HELP)
    p.add_argument("--only", help="comma-separated study names (default: all)")
    p.add_argument("--out", default="results", metavar="DIR",
                   help="folder; writes DIR/STUDY/ per study, DIR/report.html, DIR/summary.md")
    p.add_argument("--seed", type=A.seed, default=None,
                   help="override every preset's seed (0 <= seed < 2**32)")
    p.add_argument("--seeds", type=A.int_range(1, 100), default=None,
                   help="seeds per study that runs several (one-seed studies ignore it)")
    p.add_argument("--fresh", action="store_true", help="rerun studies with a finished result")
    _add_scale_flags(p)
    p.set_defaults(func=_cmd_reproduce, resume_hint="rerun the same command to resume")

    p = sub.add_parser("report", help="rebuild report.html and summary.md from result folders")
    p.add_argument("dir", help="folder holding STUDY/result.json")
    p.add_argument("--out", help="folder for report.html and summary.md (default: DIR)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("bench", help="run the speed/memory benchmarks (source checkout)")
    p.add_argument("names", nargs="*", help="benchmark names (default: all)")
    p.set_defaults(func=_cmd_bench)


def _add_scale_flags(p: argparse.ArgumentParser) -> None:
    """Where arms run and on what device: the same code on a laptop, a GPU or a cluster."""
    from neurips25.common.executor import BACKENDS

    p.add_argument("--executor", choices=BACKENDS, default=None,
                   help="where a study's arms run: serial (this process), local (a process "
                        "pool, one thread per worker, workers = cores) or ray (needs the "
                        "[ray] extra; the cluster at RAY_ADDRESS, else a local one). "
                        "Default: ray if RAY_ADDRESS is set, else local")
    p.add_argument("--device", default=None,
                   help="torch device for the studies that train models: cpu, cuda, cuda:N "
                        "(default: the preset's, cpu); studies without torch models ignore it")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="neurips25",
        description="NeurIPS 2025 award papers as tested code, with CPU-scale reproductions.",
    )
    parser.add_argument("--version", action="version", version=f"neurips25 {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show library progress bars and warnings (model loading, fonts)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    _add_core_commands(sub)
    for module_name in command_modules():
        if _module_exists(module_name):
            importlib.import_module(module_name).register(sub)
    return parser


def quiet_libraries() -> None:
    """Keep model-loading progress bars and font warnings off stderr (``-v`` shows them)."""
    for key, value in (("HF_HUB_DISABLE_PROGRESS_BARS", "1"), ("TRANSFORMERS_VERBOSITY", "error"),
                       ("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1"),
                       ("TOKENIZERS_PARALLELISM", "false")):
        os.environ.setdefault(key, value)
    warnings.filterwarnings("ignore", message=r"Glyph .* missing from")
    warnings.filterwarnings("ignore", message=r".*findfont.*")
    import logging

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.verbose:
        quiet_libraries()
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"neurips25: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        hint = getattr(args, "resume_hint", None)
        print(
            "neurips25: interrupted" + (f"; finished work is kept, {hint}" if hint else ""),
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
