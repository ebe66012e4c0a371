"""``neurips25 diagnose --model PATH [--text FILE] [--out DIR]``: sinks, activations, gates.

PATH is a Hugging Face model folder (config.json; loaded with eager attention, added output
gates restored, native gates such as Qwen3-Next's read from the forward) or a TinyLM
checkpoint written by this study (``*.pt``). Prints one row per decoder layer. With
``--out DIR`` it also writes DIR/diagnose_heatmap.png and DIR/diagnosis.json (the
project's convention: ``--out`` is always a folder); without it nothing is written.
Everything the user gives is checked before the model is loaded.
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from neurips25.common import args as A
from neurips25.common.errors import UserError

DEFAULT_TEXT = (
    "The quick brown fox jumps over the lazy dog. Attention sinks appear when a head has "
    "nothing to attend to and parks its probability mass on the first token of the sequence."
)
HEATMAP, JSON_FILE = "diagnose_heatmap.png", "diagnosis.json"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "diagnose", help="attention sinks, massive activations and gates of a model "
                         "(gated_attention)")
    p.add_argument("--model", required=True, help="HF model folder or TinyLM checkpoint (.pt)")
    p.add_argument("--text", help="UTF-8 text file to run (default: a built-in sentence)")
    p.add_argument("--max-tokens", type=A.int_range(2), default=256,
                   help="truncate the input; inputs longer than the model's positions are cut "
                        "to fit, with a notice (default: 256)")
    p.add_argument("--threshold", type=A.unit_float, default=0.3,
                   help="sink threshold eps on a head's first-token share (default: 0.3)")
    p.add_argument("--out", metavar="DIR",
                   help=f"folder for {HEATMAP} and {JSON_FILE}, created if missing "
                        f"(default: none, only the table is printed)")
    p.set_defaults(func=_cmd_diagnose)


def _check_out(value: str | None) -> Path | None:
    """The output folder, checked before any work (creating nothing), or None."""
    from neurips25.common.io import check_out_dir

    if value is None:
        return None
    if not value.strip():
        raise UserError("--out: empty path")
    out = Path(value)
    if not out.exists() and out.suffix.lower() in (".png", ".json"):
        raise UserError(f"--out {out}: looks like a file name; --out takes a folder "
                        f"(writes {HEATMAP} and {JSON_FILE} inside)")
    return check_out_dir(out)


def _read_text(path: str | None) -> str | None:
    if path is None:
        return None
    p = Path(path)
    if p.is_dir():
        raise UserError(f"--text {path}: is a folder, expected a text file")
    if not p.is_file():
        raise UserError(f"--text {path}: no such file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"--text {path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UserError(f"--text {path}: cannot read ({exc.strerror or exc})") from None
    if not text.strip():
        raise UserError(f"--text {path}: empty text")
    return text


def _tinylm_ids(model, extra: dict, text: str | None, max_tokens: int):
    import torch

    from neurips25.gated_attention.hf_input import notice
    from neurips25.gated_attention.text import encode

    if text is None and extra.get("example_ids"):
        ids = torch.tensor(extra["example_ids"][:1])
    else:
        if model.cfg.vocab_size < 257:
            raise UserError(f"this TinyLM has a {model.cfg.vocab_size}-token task vocabulary, not "
                            "bytes: run it without --text (it carries example inputs)")
        ids = torch.tensor([encode(text or DEFAULT_TEXT)])
    if ids.shape[1] > model.cfg.max_len and max_tokens > model.cfg.max_len:
        notice(f"the input has {ids.shape[1]} tokens; cut to the model's {model.cfg.max_len} "
               f"positions")
    return ids[:, : min(max_tokens, model.cfg.max_len)]


def _diagnose_folder(path: Path, text: str | None, max_tokens: int, threshold: float,
                     verbose: bool):
    from neurips25.gated_attention.hf_diagnose import diagnose_hf
    from neurips25.gated_attention.hf_input import load_model, quiet_transformers, token_ids

    if not (path / "config.json").is_file():
        raise UserError(f"{path}: no config.json (not a Hugging Face model folder)")
    model = load_model(path, verbose)
    ids = token_ids(path, model, text or DEFAULT_TEXT, max_tokens, verbose)
    if ids.shape[1] < 2:
        raise UserError("the text gives fewer than 2 tokens")
    try:
        with quiet_transformers(verbose):
            diag = diagnose_hf(model, ids, threshold)
    except ValueError as exc:
        raise UserError(f"{path}: {exc}") from None
    return diag, f"{type(model).__name__} from {path}"


def _diagnose_checkpoint(path: Path, text: str | None, max_tokens: int, threshold: float):
    from neurips25.gated_attention.diagnostics import diagnose_tinylm
    from neurips25.gated_attention.model import load_checkpoint

    try:
        model, extra = load_checkpoint(path)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:  # a hand-edited checkpoint
        raise UserError(f"{path}: not a usable TinyLM checkpoint ({type(exc).__name__})") from None
    ids = _tinylm_ids(model, extra, text, max_tokens)
    gate = model.cfg.gate
    desc = f"TinyLM ({'gate ' + gate.position + ' ' + gate.granularity if gate else 'no gate'})"
    return diagnose_tinylm(model, ids, threshold), desc


def load_and_diagnose(model_path: str, text_path: str | None, max_tokens: int,
                      threshold: float, verbose: bool = False):
    """(Diagnosis, model description) for a HF folder or a TinyLM checkpoint."""
    path = Path(model_path)
    text = _read_text(text_path)
    if path.is_dir():
        return _diagnose_folder(path, text, max_tokens, threshold, verbose)
    if path.is_file():
        return _diagnose_checkpoint(path, text, max_tokens, threshold)
    raise UserError(f"{path}: no such file or folder")


def _cmd_diagnose(args: argparse.Namespace) -> int:
    from neurips25.common.io import atomic_write_json
    from neurips25.gated_attention.diagnose_view import heatmap, print_report

    out = _check_out(args.out)
    verbose = bool(getattr(args, "verbose", False))
    diag, desc = load_and_diagnose(args.model, args.text, args.max_tokens, args.threshold,
                                   verbose)
    print_report(diag, desc)
    if out is None:
        return 0
    try:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_json(out / JSON_FILE, {"model": desc, **diag.to_dict()})
        with warnings.catch_warnings():
            if not verbose:  # a model path in a script the font lacks: not the user's problem
                warnings.filterwarnings("ignore", message=r"Glyph .* missing from")
            heatmap(diag, desc, out / HEATMAP)
    except OSError as exc:
        raise UserError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    print(f"wrote {out / HEATMAP} and {out / JSON_FILE}")
    return 0
