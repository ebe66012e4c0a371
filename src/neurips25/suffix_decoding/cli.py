"""``neurips25 generate``: suffix decoding over a JSONL of prompts on a local HF model.

Imported on every CLI start: nothing heavy at module level (torch/transformers load in
the handler), and nothing from this package's ``__init__``.

Fail early: every flag, every input row and the output path are checked (against the
model's config and tokenizer) before the weights load and before any generation.
Output scheme: finished rows stream into a temp file beside ``--out`` (one flushed line
per row) that is renamed onto ``--out`` when the run ends, on success and on failure
alike, so ``--out`` only ever holds whole rows and a late failure keeps what was done.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

METHODS = ("suffix", "suffix-tree", "prompt-lookup", "greedy")
OUT_NAME = "generations.jsonl"


def register(subparsers: Any) -> None:
    from neurips25.common import args as A

    p = subparsers.add_parser(
        "generate", help="generation with suffix decoding on a local Hugging Face model",
        description="Greedy output token-for-token (or sampled output, --temperature > 0), "
                    "drafted by a suffix tree over the prompt and earlier responses (or prompt "
                    "lookup / no drafts) and verified by the model.")
    p.add_argument("--model", required=True, help="local Hugging Face model folder (config.json)")
    p.add_argument("--prompts", required=True,
                   help='JSONL, one object per line: {"prompt": "text"} or {"input_ids": [..]}, '
                        'optional "id" and "max_new_tokens"')
    p.add_argument("--method", choices=METHODS, default="suffix", help="(default: suffix)")
    p.add_argument("--out", metavar="DIR",
                   help=f"folder (created if missing) for DIR/{OUT_NAME}, one row per prompt; "
                        "rows go to a temp file as they finish, which replaces "
                        f"DIR/{OUT_NAME} at the end (also when the run stops early, so "
                        "finished rows are kept). Default: the JSONL on stdout")
    add_decode_flags(p)
    p.add_argument("--max-new-tokens", type=A.nonneg_int, default=128,
                   help="per row unless the row says; capped by the model's context "
                        "(default: 128)")
    p.add_argument("--temperature", type=A.float_range(0.0, 100.0), default=0.0,
                   help="0 = greedy, identical to the model's greedy output (default: 0)")
    p.add_argument("--top-p", type=A.float_range(0.0, 1.0, lo_open=True), default=1.0,
                   help="nucleus sampling (default: 1.0 = off)")
    p.add_argument("--top-k", type=A.nonneg_int, default=0, help="(default: 0 = off)")
    p.add_argument("--seed", type=A.seed, default=0, help="sampling seed (default: 0)")
    p.set_defaults(func=_cmd_generate)


def add_decode_flags(p: Any) -> None:
    """Drafting and model flags shared by ``generate`` and ``serve``, checked by argparse."""
    from neurips25.common import args as A

    p.add_argument("--max-spec-tokens", type=A.nonneg_int, default=32,
                   help="draft size cap per step (default: 32)")
    p.add_argument("--spec-factor", type=A.nonneg_float, default=1.0,
                   help="alpha: draft <= alpha * match length (default: 1.0)")
    p.add_argument("--min-token-prob", type=A.unit_float, default=0.1,
                   help="tau in [0, 1]: drop draft tokens less likely than this (default: 0.1)")
    p.add_argument("--pld-k", type=A.positive_int, default=8,
                   help="prompt-lookup draft length (default: 8)")
    p.add_argument("--eos", action="append", metavar="ID_OR_TOKEN",
                   help="extra stop token (repeatable), added to the model's own stop tokens "
                        "(generation_config.json, else config.json)")
    p.add_argument("--threads", type=A.positive_int, default=1, help="torch threads (default: 1)")


def decode_options(args: argparse.Namespace) -> Any:
    from neurips25.serve.engine import DecodeOptions

    return DecodeOptions(method=args.method, max_spec_tokens=args.max_spec_tokens,
                         spec_factor=args.spec_factor, min_token_prob=args.min_token_prob,
                         pld_k=args.pld_k)


def _cmd_generate(args: argparse.Namespace) -> int:
    from neurips25.common.threads import threads
    from neurips25.serve.loading import inspect_model, load_weights, resolve_eos

    rows = read_prompts(args.prompts)
    out_file = check_out(args.out)
    info = inspect_model(args.model)
    eos = resolve_eos(info, args.eos)
    prompts = tokenize(rows, info, args.prompts, args.model, args.max_new_tokens)
    model = load_weights(info)
    with threads(args.threads), RowWriter(out_file) as out:
        _generate_rows(args, model, info.tokenizer, eos, rows, prompts, out)
    return 0


def _generate_rows(args: argparse.Namespace, model: Any, tok: Any, eos: list[int],
                   rows: list[dict], prompts: list[tuple[list[int], int]], out: Any) -> None:
    from neurips25.serve.engine import Engine, Sampling

    engine = Engine(model, decode_options(args), eos, cache_requests=10_000)
    sampling = Sampling(args.temperature, args.top_p, args.top_k)
    tokens = steps = 0
    seconds = 0.0
    for n, (row, (ids, budget)) in enumerate(zip(rows, prompts, strict=True), start=1):
        res = engine.generate(ids, budget, sampling=sampling, seed=(args.seed, n))
        tokens, steps, seconds = tokens + len(res.tokens), steps + res.steps, seconds + res.total_s
        rec = {"id": row.get("id", n), "completion_ids": res.tokens, "model_calls": res.steps,
               "tokens_per_step": round(len(res.tokens) / max(res.steps, 1), 3),
               "seconds": round(res.total_s, 4), "speculation_seconds": round(res.spec_s, 4)}
        if tok is not None:
            rec["completion"] = tok.decode(res.tokens)
        out.write(rec)
    print(f"{args.method}: {len(rows)} prompts, {tokens} tokens in {steps} model calls "
          f"({tokens / max(steps, 1):.2f} tokens/call), {seconds:.2f} s"
          + (f" -> {Path(args.out) / OUT_NAME}" if args.out else ""), file=sys.stderr)


# ------------------------------------------------------------------ input and output
def read_prompts(path: str) -> list[dict[str, Any]]:
    """Every row of the prompts file, checked; UserError naming the first bad row."""
    from neurips25.common.errors import UserError
    from neurips25.common.jsonl import iter_jsonl

    if Path(path).is_dir():
        raise UserError(f"{path}: is a folder; --prompts takes a JSONL file")
    rows = []
    try:
        for n, row in enumerate(iter_jsonl(path), start=1):
            rows.append(_check_row(path, n, row))
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start} of a line)") from None
    if not rows:
        raise UserError(f"{path}: no prompts")
    return rows


def _check_row(path: str, n: int, row: dict[str, Any]) -> dict[str, Any]:
    from neurips25.common.errors import UserError

    has_text, has_ids = isinstance(row.get("prompt"), str), "input_ids" in row
    if has_text == has_ids:
        raise UserError(f"{path}: row {n}: give exactly one of \"prompt\" (a string) or "
                        f"\"input_ids\" (a list of ints)")
    if has_ids:
        ids = row["input_ids"]
        if not (isinstance(ids, list) and ids and all(type(t) is int and t >= 0 for t in ids)):
            raise UserError(f"{path}: row {n}: input_ids must be a non-empty list of ints >= 0")
    mnt = row.get("max_new_tokens")
    if mnt is not None and not (type(mnt) is int and mnt >= 0):
        raise UserError(f"{path}: row {n}: max_new_tokens must be an int >= 0")
    return row


def tokenize(rows: list[dict[str, Any]], info: Any, prompts_path: str, model_path: str,
             max_new_tokens: int) -> list[tuple[list[int], int]]:
    """(token ids, new-token budget) per row, checked against the vocabulary; the budget is
    capped by the room left in the model's context."""
    from neurips25.common.errors import UserError

    out = []
    for n, row in enumerate(rows, start=1):
        where = f"{prompts_path}: row {n}"
        if "input_ids" in row:
            ids = row["input_ids"]
        elif info.tokenizer is None:
            raise UserError(f"{where}: text prompt but {model_path} has no tokenizer; give "
                            "input_ids instead")
        else:
            ids = info.tokenizer(row["prompt"])["input_ids"]
        if not ids:
            raise UserError(f"{where}: the prompt is empty after tokenization")
        if max(ids) >= info.vocab_size:
            raise UserError(f"{where}: token id {max(ids)} >= vocab {info.vocab_size}")
        budget = row.get("max_new_tokens", max_new_tokens)
        if info.positions is not None:
            if len(ids) >= info.positions:
                raise UserError(f"{where}: the prompt ({len(ids)} tokens) leaves no room in the "
                                f"model's {info.positions} positions")
            budget = min(budget, info.positions - len(ids))
        out.append((list(ids), budget))
    return out


def check_out(out: str | None) -> Path | None:
    """``--out DIR``: a folder or creatable as one (nothing created yet); the output file."""
    from neurips25.common.errors import UserError
    from neurips25.common.io import check_out_dir

    if out is None:
        return None
    if not out.strip():
        raise UserError("--out is empty; give a folder (or leave it out for stdout)")
    target = check_out_dir(out) / OUT_NAME
    if target.exists() and not target.is_file():
        raise UserError(f"--out {out}: {target} exists and is not a regular file")
    return target


class RowWriter:
    """Rows to stdout (flushed each), or into a temp file renamed onto ``out`` at the end.

    The rename happens on success and on failure alike (if any row finished), so a late
    failure keeps the finished rows and ``out`` never holds a partial line.
    """

    def __init__(self, out: Path | None) -> None:
        self.out, self.rows, self._fh, self._tmp = out, 0, None, None
        self._made: list[Path] = []  # folders this run created, deepest first

    def __enter__(self) -> RowWriter:
        if self.out is not None:
            from neurips25.common.io import ensure_dir

            path = self.out
            self._made = [d for d in (path.parent, *path.parent.parents) if not d.exists()]
            ensure_dir(path.parent)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            self._tmp, self._fh = tmp, os.fdopen(fd, "w", encoding="utf-8")
        return self

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record) + "\n"
        fh = self._fh if self._fh is not None else sys.stdout
        fh.write(line)
        fh.flush()
        self.rows += 1

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        from neurips25.common.io import default_file_mode

        if self._fh is None:
            return
        self._fh.close()
        if exc_type is not None and self.rows == 0:
            os.unlink(self._tmp)  # nothing finished: leave --out as it was
            for folder in self._made:  # and remove the folders this run created, if empty
                try:
                    folder.rmdir()
                except OSError:
                    break
            return
        os.chmod(self._tmp, default_file_mode())  # mkstemp's own mode is 0600
        os.replace(self._tmp, self.out)
        if exc_type is not None:
            print(f"generate: stopped early; {self.rows} finished rows kept in {self.out}",
                  file=sys.stderr)
