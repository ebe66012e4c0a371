"""Run one study into a folder: config, timing, environment, claims -> ``result.json``.

A finished result is reused when its config matches (resume after an interrupt). A study
that raises is recorded as ``status: crashed`` with the error, so a report can show it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import resource
import shutil
import time
import traceback
from pathlib import Path
from typing import Any

from neurips25.common.environment import git_commit, machine, package_versions
from neurips25.common.errors import UserError
from neurips25.common.io import _to_jsonable, atomic_write_json, read_json
from neurips25.common.progress import NullProgress, Progress
from neurips25.common.seeding import seed_everything
from neurips25.study import Study

SCHEMA_VERSION = 1
RESULT_FILE = "result.json"


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def config_dict(config: Any) -> dict[str, Any]:
    return _to_jsonable(dataclasses.asdict(config))


def ensure_writable(out_dir: Path) -> Path:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".write-probe"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UserError(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    return out_dir


def finished_result(out_dir: Path, config: Any, preset: str) -> dict[str, Any] | None:
    """The saved result in ``out_dir`` if it finished with this exact config, else None."""
    path = out_dir / RESULT_FILE
    if not path.is_file():
        return None
    try:
        saved = read_json(path)
    except UserError:
        return None
    same = (
        saved.get("schema_version") == SCHEMA_VERSION
        and saved.get("status") == "ok"
        and saved.get("preset") == preset
        and saved.get("config") == config_dict(config)
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
) -> dict[str, Any]:
    """Run ``study`` and write ``out_dir/result.json``; returns the result dict.

    Exceptions inside the study are caught and recorded (``status: crashed``);
    KeyboardInterrupt propagates, leaving any previous result untouched.
    """
    out_dir = ensure_writable(Path(out_dir))
    config = config if config is not None else study.config(preset, seed, seeds)
    if reuse and (saved := finished_result(out_dir, config, preset)) is not None:
        saved["reused"] = True
        return saved
    progress = progress or NullProgress()
    # clear figures of an earlier run so the folder only holds what this run made
    for old in out_dir.glob("*.png"):
        old.unlink()
    seed_everything(config.seed)
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    wall0, cpu0 = time.perf_counter(), _cpu_seconds()
    status, error, metrics, claims = "ok", None, {}, []
    try:
        metrics = study.run(config, out_dir, progress) or {}
        claims = study.check_claims(metrics)
    except (KeyboardInterrupt, SystemExit):
        raise
    except UserError:
        raise
    except Exception as exc:  # recorded so the other studies and the report go on
        status = "crashed"
        error = {
            "type": type(exc).__name__,
            "message": str(exc),
            "traceback": traceback.format_exc(limit=20),
        }
    result = {
        "schema_version": SCHEMA_VERSION,
        "study": study.name,
        "title": study.title,
        "arxiv": study.arxiv,
        "finding": study.finding,
        "preset": preset,
        "seed": config.seed,
        "seeds": getattr(config, "seeds", 1),
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
        "figures": sorted(p.name for p in out_dir.glob("*.png")),
    }
    atomic_write_json(out_dir / RESULT_FILE, result)
    return result


def load_results(root: str | Path) -> list[dict[str, Any]]:
    """Every ``*/result.json`` under ``root`` (or ``root/result.json`` itself)."""
    root = Path(root)
    if not root.is_dir():
        raise UserError(f"{root}: no such directory")
    paths = [root / RESULT_FILE] if (root / RESULT_FILE).is_file() else []
    paths += sorted(root.glob(f"*/{RESULT_FILE}"))
    results = []
    for path in paths:
        data = read_json(path)
        if not isinstance(data, dict) or "study" not in data:
            raise UserError(f"{path}: not a neurips25 result (no 'study' field)")
        data["_dir"] = str(path.parent)
        results.append(data)
    if not results:
        raise UserError(f"{root}: no result.json found (run `neurips25 run STUDY --out {root}/STUDY`)")
    from neurips25.registry import STUDY_NAMES

    order = {name: i for i, name in enumerate(STUDY_NAMES)}
    return sorted(results, key=lambda r: order.get(r["study"], len(order)))


def clean_dir(out_dir: Path) -> None:
    """Remove a study folder entirely (``--fresh``)."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    os.makedirs(out_dir, exist_ok=True)
