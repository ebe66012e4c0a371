"""What ``neurips25 diagnose`` feeds a Hugging Face folder: the model and token ids.

Loading is quiet (no progress bars or library warnings unless verbose) and any way a
checkpoint can be broken (truncated or fake safetensors, bad config) is one UserError.
Token ids come from the folder's tokenizer, or from UTF-8 bytes when there is none or it is
degenerate: transformers 5 silently builds a tokenizer with no regular tokens for a folder
without tokenizer files, so a text then encodes to nothing or to special tokens only.
Inputs longer than the model's positions are cut to fit, with a notice.
"""
from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from neurips25.common.errors import UserError

_POSITION_KEYS = ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length")


def notice(message: str) -> None:
    """One line on stderr: something the user should know, not an error."""
    print(f"neurips25: note: {message}", file=sys.stderr)


@contextlib.contextmanager
def quiet_transformers(verbose: bool = False) -> Iterator[None]:
    """Silence transformers' logging, progress bars and Python warnings (restored after)."""
    if verbose:
        yield
        return
    from transformers.utils import logging as hf_logging

    level, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def load_model(path: Path, verbose: bool = False) -> Any:
    """The causal LM in ``path`` with eager attention and any added output gates restored."""
    from neurips25.gated_attention.hf import load_gated

    try:
        with quiet_transformers(verbose):
            return load_gated(path, attn_implementation="eager")
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a user's checkpoint can fail in many library-specific ways
        raise UserError(f"{path}: cannot load model ({type(exc).__name__}: {_one_line(exc)})") \
            from None


def max_positions(config: Any) -> int | None:
    """The longest input the model's position table covers, when it declares one."""
    for key in _POSITION_KEYS:
        value = getattr(config, key, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def _tokenizer_ids(path: Path, text: str, vocab: int) -> tuple[list[int] | None, str]:
    """(ids, "") from the folder's tokenizer, or (None, why it cannot be used)."""
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(path)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None, "no tokenizer files"
    special = set(tok.all_special_ids)
    if len(tok) <= len(special):
        return None, f"its tokenizer has no regular tokens (vocabulary of {len(tok)})"
    ids = tok(text, add_special_tokens=False)["input_ids"]
    if not ids or all(i in special for i in ids):
        return None, "its tokenizer encodes the text to nothing but special tokens"
    if max(ids) >= vocab:
        raise UserError(f"{path}: the tokenizer gives id {max(ids)} but the model has only "
                        f"{vocab} embeddings")
    bos = tok.bos_token_id
    return ([bos] if bos is not None and bos < vocab else []) + list(ids), ""


def token_ids(path: Path, model: Any, text: str, max_tokens: int,
              verbose: bool = False) -> torch.Tensor:
    """(1, T) ids for ``text``: tokenizer (BOS first) or UTF-8 bytes modulo the vocabulary."""
    vocab = model.config.vocab_size
    with quiet_transformers(verbose):
        ids, why = _tokenizer_ids(path, text, vocab)
    if ids is None:
        notice(f"{path}: {why}; using UTF-8 bytes modulo the vocabulary ({vocab}) as token ids")
        ids = [b % vocab for b in text.encode("utf-8")]
    limit = max_positions(model.config)
    if limit is not None and len(ids) > limit and max_tokens > limit:
        notice(f"the input has {len(ids)} tokens; cut to the model's {limit} positions")
        max_tokens = limit
    return torch.tensor([ids[:max_tokens]])
