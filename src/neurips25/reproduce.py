"""``neurips25 reproduce``: every study in turn into ``OUT/STUDY/``, then one report.

A study with ``prepare`` work (the suffix demo model's training) gets it started at once in
a one-thread background process and runs last: the job fills the core the other studies
leave idle, instead of holding both cores at the study's turn.

The report is written whatever happens to a study: a crash is recorded in its result, a
study that rejects its input (UserError) or an interrupt still leaves a report of the
studies that finished.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from neurips25.common.background import BackgroundJob
from neurips25.common.errors import UserError
from neurips25.common.executor import keep_pools
from neurips25.common.speed import record_machine


def _run_one(name: str, root: Path, i: int, total: int, preset: str, seed: int | None,
             seeds: int | None, fresh: bool, console, device: str | None = None,
             executor: str | None = None, job: BackgroundJob | None = None) -> str | None:
    """Run (or reuse) one study; returns an error line when it did not finish."""
    from neurips25.common.progress import RichProgress
    from neurips25.registry import get_study
    from neurips25.runner import run_study

    study = get_study(name)
    console.rule(f"[{i}/{total}] {name} — {study.title} ({study.quick_runtime} quick)")
    seeds = seeds if study.takes_seeds else None  # one-seed studies ignore --seeds
    device = device if study.takes_device else None  # so do CPU-only studies --device
    if job is not None and job.running():
        console.print(f"{name}: waiting for its background preparation "
                      f"(running for {job.started_ago():.0f} s)")
    try:
        result = run_study(study, root / name, preset=preset, seed=seed, seeds=seeds,
                           device=device, executor=executor,
                           progress=RichProgress(f"[{name}] "), reuse=not fresh,
                           wait_for=job.wait if job is not None else None)
    except UserError as exc:
        console.print(f"[red]{name} did not run: {exc}[/]")
        return f"{name}: {exc}"
    if result.get("reused"):
        console.print(f"{name}: finished result with this config found, reused")
    elif result["status"] != "ok":
        console.print(f"[red]{name} crashed: {result['error']['type']}: "
                      f"{result['error']['message']}[/]")
        return f"{name} crashed"
    else:
        console.print(f"{name}: done in {result['wall_seconds']} s")
    return None


def _start_background(jobs: dict[str, BackgroundJob], names: list[str], root: Path,
                      preset: str, seed: int | None, seeds: int | None, fresh: bool,
                      device: str | None, executor: str | None, console) -> None:
    """Start each selected study's ``prepare`` work in its own one-thread process, on a
    local machine with >= 2 cores, unless the study's finished result will be reused.
    Each job enters ``jobs`` as it starts, so a Ctrl-C in between still stops it."""
    from neurips25.common.executor import default_backend
    from neurips25.common.threads import cpu_count
    from neurips25.registry import get_study
    from neurips25.runner import finished_result

    if cpu_count() < 2 or (executor or default_backend()) != "local":
        return
    for name in names:
        study = get_study(name)
        if study.prepare is None:
            continue
        cfg = study.config(preset, seed, seeds if study.takes_seeds else None,
                           device if study.takes_device else None)
        if not fresh and finished_result(root / name, cfg, preset) is not None:
            continue
        fn = study.prepare(cfg)
        if fn is not None:
            console.print(f"{name}: its preparation starts now in the background (one core); "
                          "the study runs last")
            jobs[name] = BackgroundJob(f"{name} preparation", fn)
            jobs[name].start()


def _write_report(root: Path, t0: float) -> None:
    from neurips25.report import build_report

    try:
        html = build_report(root)
    except UserError as exc:  # nothing finished yet, or a result that cannot be shown
        print(f"neurips25: no report: {exc}", file=sys.stderr)
        return
    print(f"report: {html}  summary: {root / 'summary.md'}  ({time.perf_counter() - t0:.0f} s)")


def reproduce(names: list[str], root: Path, preset: str, seed: int | None,
              seeds: int | None, fresh: bool = False, device: str | None = None,
              executor: str | None = None) -> int:
    """Exit code: 0 when every study finished, 1 when one crashed or did not run."""
    from rich.console import Console

    from neurips25.registry import get_study
    from neurips25.runner import ensure_writable

    if device is not None:  # checked even if no study selected here takes a device
        from neurips25.common.device import check_device

        check_device(device)
    for name in names:  # every config is checked before the first study starts
        study = get_study(name)
        study.config(preset, seed, seeds if study.takes_seeds else None,
                     device if study.takes_device else None)
    root = ensure_writable(root)
    record_machine(root)  # before any study or job loads the machine
    console = Console(stderr=True)
    failed: list[str] = []
    t0 = time.perf_counter()
    jobs: dict[str, BackgroundJob] = {}
    try:
        _start_background(jobs, names, root, preset, seed, seeds, fresh, device, executor,
                          console)
        order = [n for n in names if n not in jobs] + [n for n in names if n in jobs]
        with keep_pools():  # one set of local pool workers for every study
            for i, name in enumerate(order, 1):
                err = _run_one(name, root, i, len(order), preset, seed, seeds, fresh, console,
                               device, executor, jobs.get(name))
                if err:
                    failed.append(err)
    finally:  # also on Ctrl-C: the report shows what finished
        for job in jobs.values():
            job.stop()
        _write_report(root, t0)
    if failed:
        print(f"neurips25: did not finish: {'; '.join(failed)}", file=sys.stderr)
        return 1
    return 0
