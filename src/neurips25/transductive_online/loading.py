"""Read a concept class from a file: a JSON list of 0/1 rows, or CSV rows of 0/1.

One row per hypothesis, one column per point. Every problem is a ``UserError`` with a
one-line message, raised before any solving starts.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from neurips25.common.errors import UserError
from neurips25.transductive_online.classes import ConceptClass, InvalidClassError

MAX_FILE_BYTES = 16 * 1024 * 1024


def _parse_json(text: str, name: str) -> list[list]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{name}: invalid JSON (line {exc.lineno}, column {exc.colno}): "
                        f"{exc.msg}") from None
    if not isinstance(data, list) or not all(isinstance(r, list) for r in data):
        raise UserError(f"{name}: expected a JSON list of rows of 0/1 labels, "
                        "e.g. [[0, 1], [1, 1]]")
    return data


def _parse_csv(text: str, name: str) -> list[list]:
    rows = []
    for i, fields in enumerate(csv.reader(io.StringIO(text)), 1):
        if not fields or all(not f.strip() for f in fields):
            continue
        row = []
        for f in fields:
            f = f.strip()
            if f not in ("0", "1"):
                raise UserError(f"{name}: line {i}: label {f!r} is not 0 or 1")
            row.append(int(f))
        rows.append(row)
    return rows


def load_class(path: str | Path) -> ConceptClass:
    """The class in ``path`` (JSON if it ends in .json or starts with '[', else CSV)."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise UserError(f"no such file: {name}")
    if path.is_dir():
        raise UserError(f"{name} is a directory, not a class file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UserError(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; "
                        "classes that big cannot be solved exactly")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{name} is not UTF-8 text") from None
    except OSError as exc:
        raise UserError(f"cannot read {name}: {exc.strerror}") from None
    if not text.strip():
        raise UserError(f"{name} is empty: a class needs at least one hypothesis")
    is_json = path.suffix.lower() == ".json" or text.lstrip().startswith("[")
    rows = _parse_json(text, name) if is_json else _parse_csv(text, name)
    try:
        return ConceptClass.from_rows(rows)
    except InvalidClassError as exc:
        raise UserError(f"{name}: {exc}") from None
