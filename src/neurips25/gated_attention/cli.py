"""``neurips25 diagnose --model PATH [--text FILE]``: sinks and massive activations.

PATH is a Hugging Face model folder (config.json; loaded with eager attention, output
gates restored) or a TinyLM checkpoint written by this study (``*.pt``). Prints a
per-layer table and writes a heatmap of first-token attention per layer and head.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from neurips25.common.errors import UserError

DEFAULT_TEXT = (
    "The quick brown fox jumps over the lazy dog. Attention sinks appear when a head has "
    "nothing to attend to and parks its probability mass on the first token of the sequence."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "diagnose", help="attention sinks and massive activations of a model (gated_attention)")
    p.add_argument("--model", required=True, help="HF model folder or TinyLM checkpoint (.pt)")
    p.add_argument("--text", help="UTF-8 text file to run (default: a built-in sentence)")
    p.add_argument("--max-tokens", type=int, default=256, help="truncate the input (default 256)")
    p.add_argument("--threshold", type=float, default=0.3, help="sink threshold eps (default 0.3)")
    p.add_argument("--out", default="diagnose_heatmap.png", help="heatmap PNG path")
    p.add_argument("--json", help="also write the full diagnosis as JSON here")
    p.set_defaults(func=_cmd_diagnose)


def _read_text(path: str | None) -> str:
    if path is None:
        return DEFAULT_TEXT
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{path}: no such file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    if not text.strip():
        raise UserError(f"{path}: empty text")
    return text


def _tinylm_ids(model, extra: dict, text: str | None, max_tokens: int):
    import torch

    from neurips25.gated_attention.text import encode

    if text is None and extra.get("example_ids"):
        ids = torch.tensor(extra["example_ids"][:1])
    else:
        if model.cfg.vocab_size < 257:
            raise UserError(f"this TinyLM has a {model.cfg.vocab_size}-token task vocabulary, not "
                            "bytes: run it without --text (it carries example inputs)")
        ids = torch.tensor([encode(text or DEFAULT_TEXT)])
    return ids[:, : min(max_tokens, model.cfg.max_len)]


def _hf_ids(path: Path, model, text: str, max_tokens: int):
    import torch

    try:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(path)
        ids = tok(text, return_tensors="pt")["input_ids"]
        if tok.bos_token_id is not None and ids[0, 0] != tok.bos_token_id:
            ids = torch.cat([torch.tensor([[tok.bos_token_id]]), ids], 1)
    except (OSError, ValueError, TypeError):  # no tokenizer files: bytes modulo the vocabulary
        print(f"note: no tokenizer in {path}; using UTF-8 bytes modulo the vocabulary as ids")
        vocab = model.config.vocab_size
        ids = torch.tensor([[b % vocab for b in text.encode("utf-8")]])
    return ids[:, :max_tokens]


def load_and_diagnose(model_path: str, text_path: str | None, max_tokens: int, threshold: float):
    """(Diagnosis, model description) for a HF folder or a TinyLM checkpoint."""
    path = Path(model_path)
    text = _read_text(text_path) if text_path else None
    if max_tokens < 2:
        raise UserError("--max-tokens must be at least 2")
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise UserError(f"{path}: no config.json (not a Hugging Face model folder)")
        from neurips25.gated_attention.hf import diagnose_hf, load_gated

        try:
            model = load_gated(path, attn_implementation="eager")
        except (OSError, ValueError, KeyError) as exc:
            raise UserError(f"{path}: cannot load model ({exc})") from None
        ids = _hf_ids(path, model, text or DEFAULT_TEXT, max_tokens)
        if ids.shape[1] < 2:
            raise UserError("the text gives fewer than 2 tokens")
        try:
            diag = diagnose_hf(model, ids, threshold)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        return diag, f"{type(model).__name__} from {path}"
    if path.is_file():
        from neurips25.gated_attention.diagnostics import diagnose_tinylm
        from neurips25.gated_attention.model import load_checkpoint

        model, extra = load_checkpoint(path)
        ids = _tinylm_ids(model, extra, text, max_tokens)
        gate = model.cfg.gate
        desc = f"TinyLM ({'gate ' + gate.position + ' ' + gate.granularity if gate else 'no gate'})"
        return diagnose_tinylm(model, ids, threshold), desc
    raise UserError(f"{path}: no such file or folder")


def _heatmap(diag, title: str, out: Path) -> None:
    import numpy as np

    from neurips25.common.plotting import plt, save_figure

    mat = np.array(diag.share_matrix())
    fig, ax = plt.subplots(figsize=(max(3.6, 1.5 + 0.45 * mat.shape[1]),
                                    max(2.8, 1.2 + 0.35 * mat.shape[0])))
    im = ax.imshow(mat, cmap="magma", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(mat.shape[1]))
    ax.set_yticks(range(mat.shape[0]))
    if mat.size <= 64:
        for (r, c), v in np.ndenumerate(mat):
            ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if v < 0.5 else "black")
    ax.set_xlabel("head")
    ax.set_ylabel("layer")
    ax.grid(False)
    ax.set_title(f"{title}\nfirst-token attention (uniform {diag.uniform:.3f})", fontsize=8)
    fig.colorbar(im, ax=ax)
    save_figure(fig, out)


def _cmd_diagnose(args: argparse.Namespace) -> int:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from neurips25.common.io import atomic_write_json

    diag, desc = load_and_diagnose(args.model, args.text, args.max_tokens, args.threshold)
    table = Table(box=box.SIMPLE_HEAD, title=f"{desc}: {diag.seq_len} tokens, uniform first-token share {diag.uniform:.3f}")
    for col in ("layer", "first", "x unif", f">{args.threshold:g}", "max|h|", "top-3 |h|",
                "max/med", "|v0|/|v|", "gate", "gate<.1"):
        table.add_column(col, justify="right")
    for layer in diag.layers:
        n_sink = sum(s > args.threshold for s in layer.first_token_share)
        vn = (f"{layer.value_norm_first / layer.value_norm_rest:.2f}"
              if layer.value_norm_first is not None and layer.value_norm_rest else "-")
        table.add_row(
            str(layer.layer), f"{layer.mean_share:.3f}", f"{layer.mean_share / diag.uniform:.1f}",
            f"{n_sink}/{len(layer.first_token_share)}", f"{layer.max_activation:.2f}",
            ",".join(f"{v:.3g}" for v in layer.top3_activation),
            f"{layer.max_activation / max(layer.median_activation, 1e-12):.0f}", vn,
            "-" if layer.gate_mean is None else f"{layer.gate_mean:.3f}",
            "-" if layer.gate_sparsity is None else f"{100 * layer.gate_sparsity:.0f}%",
        )
    import sys

    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(table)
    s = diag.summary()
    console.print(f"first-token share {s['first_token_share']:.3f} ({s['share_over_uniform']:.1f}x "
                  f"uniform), sink rate {s['sink_rate']:.2f}, max activation {s['max_activation']:.2f}")
    out = Path(args.out)
    try:
        _heatmap(diag, desc, out)
        if args.json:
            atomic_write_json(args.json, diag.to_dict())
    except OSError as exc:
        raise UserError(f"cannot write output: {exc}") from None
    console.print(f"heatmap: {out}")
    return 0
