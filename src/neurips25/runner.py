"""Run one study into a folder: config, timing, environment, claims -> ``result.json``.

A finished result is reused when its config matches and every file it names is there
(resume after an interrupt). A study that raises is recorded as ``status: crashed`` with
the error, so a report can show it.

A run removes only files it wrote itself: ``.neurips25-manifest.json`` in the folder lists
the top-level files the last run there wrote (with size and mtime), and the next run
deletes those (if unchanged since) before it starts. A user's own files in the folder are
never touched; sub-folders (a study's arm cache, checkpoints) belong to the study.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import resource
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from neurips25.common.environment import git_commit, machine, package_versions
from neurips25.common.errors import UserError
from neurips25.common.executor import default_backend, use_executor
from neurips25.common.io import atomic_write_json, ensure_dir, read_json, to_jsonable
from neurips25.common.progress import NullProgress, Progress
from neurips25.common.seeding import seed_everything
from neurips25.common.threads import threads_restored
from neurips25.study import CHECK_FAILED, VERDICTS, Study

SCHEMA_VERSION = 1
RESULT_FILE = "result.json"
MANIFEST_FILE = ".neurips25-manifest.json"


def _cpu_seconds() -> float:
    """This process, its reaped children, and the pool workers kept alive between studies."""
    from neurips25.common.executor import kept_workers_cpu_seconds

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
            + kept_workers_cpu_seconds())


def config_dict(config: Any) -> dict[str, Any]:
    return to_jsonable(dataclasses.asdict(config))


def ensure_writable(out_dir: Path, flag: str = "--out") -> Path:
    """The output folder, created and proven writable (a UserError otherwise)."""
    return ensure_dir(out_dir, flag)


Snapshot = dict[str, list[int]]  # top-level file name -> [size, mtime_ns]


def _snapshot(out_dir: Path) -> Snapshot:
    """Visible top-level files (hidden ones are ours: manifest, temp files)."""
    snap = {}
    for p in out_dir.iterdir():
        if p.name.startswith(".") or not p.is_file():
            continue
        st = p.stat()
        snap[p.name] = [st.st_size, st.st_mtime_ns]
    return snap


def _read_manifest(out_dir: Path) -> Snapshot:
    try:
        data = read_json(out_dir / MANIFEST_FILE)
    except UserError:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return {}
    return {k: v for k, v in data["files"].items() if isinstance(v, list)}


def _write_manifest(out_dir: Path, files: Snapshot) -> None:
    atomic_write_json(out_dir / MANIFEST_FILE, {
        "about": "files the last neurips25 run wrote here; the next run removes only these",
        "files": dict(sorted(files.items())),
    })


def remove_own_outputs(out_dir: Path) -> list[str]:
    """Delete the files the manifest says an earlier run wrote, if unchanged since then.

    Returns the names removed. Anything else in the folder stays."""
    removed = []
    for name, key in _read_manifest(out_dir).items():
        path = out_dir / name
        if "/" in name or name.startswith("."):
            continue  # not something a run writes: never follow it
        if path.is_file() and [path.stat().st_size, path.stat().st_mtime_ns] == key:
            path.unlink()
            removed.append(name)
    _write_manifest(out_dir, {})
    return removed


def _record_outputs(out_dir: Path, before: Snapshot) -> Snapshot:
    """Put every top-level file created or changed since ``before`` into the manifest."""
    written = {n: k for n, k in _snapshot(out_dir).items() if before.get(n) != k}
    _write_manifest(out_dir, written)
    return written


def finished_result(out_dir: Path, config: Any, preset: str) -> dict[str, Any] | None:
    """The saved result in ``out_dir`` if it finished with this exact config, else None."""
    path = out_dir / RESULT_FILE
    if not path.is_file():
        return None
    try:
        saved = read_json(path)
    except UserError:
        return None
    if not isinstance(saved, dict):
        return None
    named = saved.get("figures", [])
    if not isinstance(named, list) or not all(isinstance(n, str) for n in named):
        return None
    same = (
        saved.get("schema_version") == SCHEMA_VERSION
        and saved.get("status") == "ok"
        and saved.get("preset") == preset
        and saved.get("config") == config_dict(config)
        # an interrupted rerun may have removed its figures: then it is not finished
        and all((out_dir / name).is_file() for name in named)
    )
    return saved if same else None


def run_study(
    study: Study,
    out_dir: str | Path,
    preset: str = "quick",
    seed: int | None = None,
    progress: Progress | None = None,
    config: Any | None = None,
    reuse: bool = False,
    seeds: int | None = None,
    device: str | None = None,
    executor: str | None = None,
    wait_for: Callable[[], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Run ``study`` and write ``out_dir/result.json``; returns the result dict.

    ``executor`` picks where the study's arms run (``common.executor``: serial, local
    pool, ray); it never changes results, so it is not part of the config. The caller's
    torch thread setting is the same after the run as before. Exceptions inside the study
    are caught and recorded (``status: crashed``); KeyboardInterrupt propagates, leaving
    any previous result untouched. ``wait_for``: the background job of this study's
    ``prepare`` work (``reproduce``); its CPU time (measured in the job) and the wait for
    it count as this study's, and what it reports is kept as ``background``.
    """
    out_dir = ensure_writable(Path(out_dir))
    config = config if config is not None else study.config(preset, seed, seeds, device)
    if reuse and (saved := finished_result(out_dir, config, preset)) is not None:
        saved["reused"] = True
        return saved
    progress = progress or NullProgress()
    remove_own_outputs(out_dir)  # the folder now holds only what this run makes (and the user's)
    before = _snapshot(out_dir)
    seed_everything(config.seed)
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    background = wait_for() if wait_for is not None else None  # reaped before the clocks
    wall0 = time.perf_counter() - (background["waited_seconds"] if background else 0.0)
    cpu0 = _cpu_seconds() - (background["cpu_seconds"] if background else 0.0)
    status, error, metrics, claims = "ok", None, {}, []
    try:
        with use_executor(executor), threads_restored():
            metrics = study.run(config, out_dir, progress) or {}
        claims = study.check_claims(metrics)
    except UserError:
        _record_outputs(out_dir, before)
        raise
    except Exception as exc:  # recorded so the other studies and the report go on
        status = "crashed"
        error = {"type": type(exc).__name__, "message": str(exc),
                 "traceback": traceback.format_exc(limit=20)}
    except BaseException:  # an interrupt: what it wrote so far is removed by the next run
        _record_outputs(out_dir, before)
        raise
    written = _record_outputs(out_dir, before)
    result = {
        "schema_version": SCHEMA_VERSION,
        "study": study.name,
        "title": study.title,
        "arxiv": study.arxiv,
        "finding": study.finding,
        "preset": preset,
        "seed": config.seed,
        "seeds": getattr(config, "seeds", 1),
        "executor": executor or default_backend(),
        "config": config_dict(config),
        "status": status,
        "error": error,
        "started_at": started,
        "wall_seconds": round(time.perf_counter() - wall0, 2),
        "cpu_seconds": round(_cpu_seconds() - cpu0, 2),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "machine": machine(),
        "metrics": metrics,
        "claims": claims,
        "figures": sorted(n for n in written if n.endswith(".png")),
        "figures_note": study.figures_note,
        "outputs": sorted([*written, RESULT_FILE]),
    } | ({"background": background} if background is not None else {})
    atomic_write_json(out_dir / RESULT_FILE, result)
    _record_outputs(out_dir, {n: k for n, k in before.items() if n != RESULT_FILE})
    return result


_TEXT = (str, int, float, type(None))  # a field shown as text in the report


def check_result(data: Any, path: Path) -> None:
    """A UserError naming the file and field when ``data`` is not a result the report can
    show (a hand-edited ``result.json`` with wrong types)."""
    def bad(field: str, want: str) -> UserError:
        return UserError(f"{path}: field {field!r} must be {want}")

    if not isinstance(data, dict) or not isinstance(data.get("study"), str):
        raise UserError(f"{path}: not a neurips25 result (no 'study' string)")
    for key in ("title", "arxiv", "finding", "preset", "status", "started_at", "seed", "seeds",
                "wall_seconds", "cpu_seconds", "git_commit"):
        if not isinstance(data.get(key), _TEXT) or isinstance(data.get(key), bool):
            raise bad(key, "a string or a number")
    if not isinstance(data.get("error"), dict | type(None)):
        raise bad("error", "an object or null")
    for key in ("config", "metrics", "versions", "machine"):
        if not isinstance(data.get(key, {}), dict):
            raise bad(key, "an object")
    figures = data.get("figures", [])
    if not isinstance(figures, list) or not all(
            isinstance(n, str) and n == Path(n).name and not n.startswith(".") for n in figures):
        raise bad("figures", "a list of file names in the result's folder")
    claims = data.get("claims", [])
    if not isinstance(claims, list):
        raise bad("claims", "a list")
    for i, claim in enumerate(claims):
        if not isinstance(claim, dict):
            raise bad(f"claims[{i}]", "an object")
        for key, value in claim.items():
            if not isinstance(value, _TEXT):
                raise bad(f"claims[{i}].{key}", "a string or a number")
        if claim.get("verdict") not in (*VERDICTS, CHECK_FAILED):
            raise bad(f"claims[{i}].verdict", f"one of {', '.join((*VERDICTS, CHECK_FAILED))}")


def load_results(root: str | Path) -> list[dict[str, Any]]:
    """Every ``*/result.json`` under ``root`` (or ``root/result.json`` itself)."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise UserError(f"{root}: is a file; give the folder holding STUDY/result.json")
    if not root.is_dir():
        raise UserError(f"{root}: no such directory")
    paths = [root / RESULT_FILE] if (root / RESULT_FILE).is_file() else []
    paths += sorted(root.glob(f"*/{RESULT_FILE}"))
    results = []
    for path in paths:
        data = read_json(path)
        check_result(data, path)
        data["_dir"] = str(path.parent)
        results.append(data)
    if not results:
        raise UserError(f"{root}: no result.json found (run `neurips25 run STUDY --out {root}`)")
    from neurips25.registry import STUDY_NAMES

    order = {name: i for i, name in enumerate(STUDY_NAMES)}
    return sorted(results, key=lambda r: order.get(r["study"], len(order)))
