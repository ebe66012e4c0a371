"""``neurips25 generate``: lossless greedy generation with suffix decoding on a local HF model.

Imported on every CLI start: nothing heavy at module level (torch/transformers load in
the handler), and nothing from this package's ``__init__``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

METHODS = ("suffix", "suffix-tree", "prompt-lookup", "greedy")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "generate", help="greedy generation with suffix decoding on a local Hugging Face model",
        description="Token-for-token greedy output, drafted by a suffix tree over the prompt and "
                    "earlier responses (or prompt lookup / no drafts), verified by the model.")
    p.add_argument("--model", required=True, help="local Hugging Face model folder (config.json)")
    p.add_argument("--prompts", required=True,
                   help='JSONL, one object per line: {"prompt": "text"} or {"input_ids": [..]}, '
                        'optional "id" and "max_new_tokens"')
    p.add_argument("--method", choices=METHODS, default="suffix")
    p.add_argument("--out", help="output JSONL (default: stdout); written atomically")
    p.add_argument("--max-new-tokens", type=int, default=128)
    p.add_argument("--max-spec-tokens", type=int, default=32, help="draft size cap per step")
    p.add_argument("--spec-factor", type=float, default=1.0, help="alpha: draft <= alpha * match")
    p.add_argument("--min-token-prob", type=float, default=0.1, help="tau")
    p.add_argument("--pld-k", type=int, default=8, help="prompt-lookup draft length")
    p.set_defaults(func=_cmd_generate)


def _read_prompts(path: str) -> list[dict[str, Any]]:
    from neurips25.common.errors import UserError
    from neurips25.common.jsonl import iter_jsonl

    rows = []
    for n, row in enumerate(iter_jsonl(path), start=1):
        has_text, has_ids = isinstance(row.get("prompt"), str), "input_ids" in row
        if has_text == has_ids:
            raise UserError(f"{path}: row {n}: give exactly one of \"prompt\" (a string) or "
                            f"\"input_ids\" (a list of ints)")
        if has_ids:
            ids = row["input_ids"]
            if not (isinstance(ids, list) and ids and all(isinstance(t, int) and not
                                                         isinstance(t, bool) and t >= 0 for t in ids)):
                raise UserError(f"{path}: row {n}: input_ids must be a non-empty list of ints >= 0")
        mnt = row.get("max_new_tokens")
        if mnt is not None and not (isinstance(mnt, int) and mnt >= 0):
            raise UserError(f"{path}: row {n}: max_new_tokens must be an int >= 0")
        rows.append(row)
    if not rows:
        raise UserError(f"{path}: no prompts")
    return rows


def _load_model(path: str) -> tuple[Any, Any]:
    """(model, tokenizer or None) from a local folder, never downloading."""
    from neurips25.common.errors import UserError

    folder = Path(path)
    if not folder.is_dir():
        raise UserError(f"{path}: no such model folder")
    if not (folder / "config.json").is_file():
        raise UserError(f"{path}: not a Hugging Face model folder (no config.json)")
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # keep stderr to one line per outcome
    try:
        config = AutoConfig.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: unreadable config.json ({str(exc).splitlines()[0]})") from None
    try:
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
    except ValueError:
        raise UserError(f"{path}: not a causal language model (model_type "
                        f"{getattr(config, 'model_type', '?')!r})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot load weights ({str(exc).splitlines()[0]})") from None
    try:
        tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError, TypeError):
        tok = None
    return model.eval(), tok


def _decoder(model: Any, args: argparse.Namespace, eos: list[int]) -> Any:
    from neurips25.suffix_decoding.cache import SuffixCache
    from neurips25.suffix_decoding.decoder import (
        GreedyProposer,
        PromptLookupProposer,
        SpeculativeDecoder,
        SuffixProposer,
    )

    if args.method == "greedy":
        proposer, k = GreedyProposer(), 0
    elif args.method == "prompt-lookup":
        proposer, k = PromptLookupProposer(args.pld_k), args.pld_k
    else:
        proposer = SuffixProposer(SuffixCache(vocab_size=model.config.vocab_size),
                                  max_spec_factor=args.spec_factor,
                                  min_token_prob=args.min_token_prob,
                                  use_tree=args.method == "suffix-tree")
        k = args.max_spec_tokens
    return SpeculativeDecoder(model, proposer, max_spec_tokens=k, eos_token_ids=eos)


def _cmd_generate(args: argparse.Namespace) -> int:
    from neurips25.common.errors import UserError
    from neurips25.common.io import atomic_write_text

    if args.max_new_tokens < 0 or args.max_spec_tokens < 0 or args.pld_k < 1:
        raise UserError("--max-new-tokens and --max-spec-tokens must be >= 0, --pld-k >= 1")
    rows = _read_prompts(args.prompts)
    if args.out and Path(args.out).is_dir():
        raise UserError(f"{args.out}: is a folder; --out takes a file name")
    model, tok = _load_model(args.model)
    import torch

    torch.set_num_threads(1)
    eos = getattr(model.config, "eos_token_id", None)
    eos = [] if eos is None else ([eos] if isinstance(eos, int) else list(eos))
    dec = _decoder(model, args, eos)
    vocab = model.config.vocab_size
    lines, total_tokens, total_steps, total_s = [], 0, 0, 0.0
    for n, row in enumerate(rows, start=1):
        if "input_ids" in row:
            ids = row["input_ids"]
        elif tok is None:
            raise UserError(f"{args.prompts}: row {n}: text prompt but {args.model} has no "
                            "tokenizer; give input_ids instead")
        else:
            ids = tok(row["prompt"])["input_ids"]
        if not ids or max(ids) >= vocab:
            raise UserError(f"{args.prompts}: row {n}: empty prompt or token id >= vocab {vocab}")
        try:
            out, st = dec.generate(ids, row.get("max_new_tokens", args.max_new_tokens))
        except ValueError as exc:
            raise UserError(f"{args.prompts}: row {n}: {exc}") from None
        total_tokens, total_steps, total_s = total_tokens + len(out), total_steps + st.steps, total_s + st.total_s
        rec = {"id": row.get("id", n), "completion_ids": out, "model_calls": st.steps,
               "tokens_per_step": round(st.tokens_per_step, 3),
               "seconds": round(st.total_s, 4), "speculation_seconds": round(st.spec_s, 4)}
        if tok is not None:
            rec["completion"] = tok.decode(out)
        lines.append(json.dumps(rec))
    text = "\n".join(lines) + "\n"
    if args.out:
        atomic_write_text(args.out, text)
    else:
        sys.stdout.write(text)
    print(f"{args.method}: {len(rows)} prompts, {total_tokens} tokens in {total_steps} model calls "
          f"({total_tokens / max(total_steps, 1):.2f} tokens/call), {total_s:.2f} s"
          + (f" -> {args.out}" if args.out else ""), file=sys.stderr)
    return 0
