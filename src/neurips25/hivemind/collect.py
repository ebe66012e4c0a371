"""Resumable collection of N samples per prompt per model into a JSONL file.

Backends (``backends.py``): any OpenAI-compatible ``/chat/completions`` endpoint through
the official ``openai`` client (vLLM, llama.cpp, gateways...) or a local Hugging Face
model folder. The paper samples with top-p 0.9, T = 1.0 (the defaults here).

Exactly once: each reply's rows are appended with one write + fsync; on restart, rows
already on disk are counted per (model, prompt) and only the missing samples are
requested. A last line torn by a kill does not parse and is dropped; a whole one is kept.
The output file is locked (``flock``) for the whole run, so a second collector on the
same file stops at once instead of writing duplicates.

Faults: every failed or malformed reply is retried with exponential backoff, then that
(model, prompt) is reported and the others go on; HTTP 4xx and bad input are not retried;
after ``max_consecutive_failures`` prompts in a row fail, the model's remaining prompts
are reported as skipped rather than each waiting out its retries.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from neurips25.common.errors import UserError
from neurips25.common.progress import NullProgress, Progress
from neurips25.hivemind.backends import (
    Backend,
    FatalRequestError,
    HFBackend,
    OpenAIBackend,
    ReplyError,
)

__all__ = ["Backend", "CollectSummary", "FatalRequestError", "HFBackend", "OpenAIBackend",
           "ReplyError", "collect", "load_prompts", "read_collected"]
MAX_BACKOFF_S = 60.0


def load_prompts(path: str | Path) -> list[tuple[str, str]]:
    """``(prompt_id, prompt)`` pairs from a JSONL of ``{prompt_id, prompt}`` rows."""
    from neurips25.common.jsonl import iter_jsonl_numbered

    out = []
    for lineno, r in iter_jsonl_numbered(path, ("prompt_id", "prompt")):
        if not isinstance(r["prompt"], str) or not isinstance(r["prompt_id"], str | int):
            raise UserError(f"{path}:{lineno}: prompt must be a string and prompt_id a "
                            "string or integer")
        out.append((str(r["prompt_id"]), r["prompt"]))
    if not out:
        raise UserError(f"{path}: no prompts")
    dup = [k for k, c in Counter(p for p, _ in out).items() if c > 1]
    if dup:
        raise UserError(f"{path}: duplicate prompt_id {dup[0]!r}")
    return out


def _parse_row(line: bytes, where: str) -> dict:
    from neurips25.common.jsonl import decode_line, parse_line

    row = parse_line(decode_line(line, where), where)
    if not isinstance(row, dict) or not {"prompt_id", "model", "response"} <= row.keys():
        raise UserError(f"{where}: not a collected row (needs prompt_id, model, response)")
    return row


def read_collected(path: Path) -> list[dict]:
    """Rows already collected. A last line without a newline is kept when it is a whole row
    (the newline is added) and cut when it does not parse (a write torn by a kill); a
    malformed line elsewhere is a ``file:line`` UserError. Call it holding the lock."""
    path = Path(path)
    if not path.exists():
        return []
    if not path.is_file():
        raise UserError(f"{path}: is a directory, expected the responses file")
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
        try:
            _parse_row(data[keep:], "")
            torn = False
        except UserError:
            torn = True
        with path.open("r+b") as fh:
            if torn:
                fh.truncate(keep)
            else:
                fh.seek(0, os.SEEK_END)
                fh.write(b"\n")
        data = data[:keep] if torn else data + b"\n"
    rows = []
    for lineno, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            rows.append(_parse_row(line, f"{path}:{lineno}"))
    return rows


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) or raise UserError."""
    if path.is_dir():
        raise UserError(f"{path}: is a directory, expected the responses file")
    try:
        fh = path.open("ab")
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from None
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"{path}: another collector is writing this file; wait for it "
                            "to finish or use another --out") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _append(path: Path, rows: list[dict]) -> None:
    """One write per batch, flushed to disk, so a kill loses at most a partial last line."""
    blob = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    with path.open("ab") as fh:
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())


@dataclass
class CollectSummary:
    requested: int = 0
    written: int = 0
    already: int = 0
    retried: int = 0
    failures: list[dict] = field(default_factory=list)


def _fill(backend: Backend, pid: str, text: str, done: int, n: int, out_path: Path,
          retries: int, backoff: float, summary: CollectSummary) -> tuple[int, str | None]:
    """Request until ``n`` samples of one (model, prompt) are on disk; (count, error)."""
    attempt = 0
    while done < n:
        summary.requested += 1
        try:
            got = backend.generate(text, n - done)
            if not got:
                raise ReplyError("no samples in reply")
        except FatalRequestError as exc:
            return done, str(exc)
        except ReplyError as exc:
            attempt += 1
            if attempt > retries:
                return done, f"{exc} (after {retries} retries)"
            summary.retried += 1
            time.sleep(min(backoff * 2 ** (attempt - 1), MAX_BACKOFF_S))
            continue
        attempt = 0
        rows = [{"prompt_id": pid, "prompt": text, "model": backend.model, "sample": done + j,
                 "response": r} for j, r in enumerate(got[: n - done])]
        _append(out_path, rows)
        done += len(rows)
        summary.written += len(rows)
    return done, None


def collect(
    prompts: Sequence[tuple[str, str]],
    backends: Sequence[Backend],
    n: int,
    out_path: str | Path,
    retries: int = 3,
    backoff: float = 1.0,
    progress: Progress | None = None,
    max_consecutive_failures: int = 3,
) -> CollectSummary:
    """Fill ``out_path`` up to ``n`` samples for every (model, prompt); resumable."""
    if n < 1:
        raise UserError(f"--n must be >= 1, got {n}")
    if retries < 0 or not backoff >= 0:
        raise UserError(f"--retries and --backoff must be >= 0, got {retries} and {backoff}")
    progress = progress or NullProgress()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    for b in backends:  # a model that cannot load fails now, not once per prompt
        getattr(b, "load", lambda: None)()
    with locked(out_path):
        have = Counter((r["model"], str(r["prompt_id"])) for r in read_collected(out_path))
        summary = CollectSummary(already=sum(have.values()))
        jobs = [(b, pid, text) for b in backends for pid, text in prompts]
        streak: Counter[str] = Counter()
        for backend, pid, text in progress.track(jobs, "collecting", total=len(jobs)):
            key = (backend.model, pid)
            if have[key] >= n:
                continue
            if streak[backend.model] >= max_consecutive_failures:
                summary.failures.append({"model": backend.model, "prompt_id": pid, "error":
                                         f"skipped: {streak[backend.model]} prompts in a row "
                                         "failed for this model"})
                continue
            have[key], error = _fill(backend, pid, text, have[key], n, out_path, retries,
                                     backoff, summary)
            if error is None:
                streak[backend.model] = 0
            else:
                streak[backend.model] += 1
                summary.failures.append({"model": backend.model, "prompt_id": pid,
                                         "error": error})
    return summary
