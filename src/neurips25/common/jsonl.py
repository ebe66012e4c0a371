"""JSON-lines reading with ``file:line`` errors instead of tracebacks.

Lines are decoded one by one, so a file with a non-UTF-8 byte names the line it is on.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurips25.common.errors import UserError


def open_input(path: str | Path):
    """Open an input file for binary reading; a folder, a missing or unreadable path is a
    UserError that says which."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: is a directory, expected a file")
    if not path.exists():
        raise UserError(f"{path}: no such file")
    try:
        return path.open("rb")
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None


def decode_line(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{where}: not UTF-8 text (byte {exc.start} of the line)") from None


def parse_line(line: str, where: str) -> Any:
    """One JSON value; malformed JSON or a number too large for a float is a UserError."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise UserError(f"{where}: malformed JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer with too many digits
        raise UserError(f"{where}: unreadable JSON ({exc})") from None


def iter_jsonl_numbered(
    path: str | Path, required: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, dict)`` per non-blank line; UserError naming ``file:line``."""
    path = Path(path)
    with open_input(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            where = f"{path}:{lineno}"
            line = decode_line(raw, where)
            if not line.strip():
                continue
            row = parse_line(line, where)
            if not isinstance(row, dict):
                raise UserError(f"{where}: expected a JSON object, got {type(row).__name__}")
            missing = [k for k in required if k not in row]
            if missing:
                raise UserError(f"{where}: missing field(s) {', '.join(missing)}")
            yield lineno, row


def iter_jsonl(path: str | Path, required: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
    """Yield one dict per non-blank line; raise UserError naming ``file:line`` on bad input."""
    for _, row in iter_jsonl_numbered(path, required):
        yield row


def read_jsonl(path: str | Path, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return list(iter_jsonl(path, required))
