"""A local Hugging Face model folder for ``generate`` and ``serve``: checked, then loaded.

``inspect_model`` reads only the small files (config, generation config, tokenizer) so
every flag and prompt can be validated against the model before the weights load and
before any generation; ``load_weights`` turns every way a checkpoint can be broken
(truncated safetensors, a fake file, a missing shard) into one ``UserError`` line.
Nothing is ever downloaded (``local_files_only``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurips25.common.errors import UserError


@dataclass
class ModelInfo:
    folder: Path
    config: Any
    tokenizer: Any | None
    vocab_size: int
    positions: int | None
    eos_ids: list[int]  # generation_config's stop tokens (else config's), like transformers


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # keep stderr to one line per outcome
    hf_logging.set_verbosity_error()


def inspect_model(path: str, need_tokenizer: bool = False) -> ModelInfo:
    """Config, stop tokens and tokenizer of a local model folder (weights not loaded)."""
    from neurips25.serve.engine import max_positions

    folder = Path(path)
    if not folder.exists():
        raise UserError(f"{path}: no such model folder")
    if not folder.is_dir():
        raise UserError(f"{path}: is a file; --model takes a Hugging Face model folder")
    if not (folder / "config.json").is_file():
        raise UserError(f"{path}: not a Hugging Face model folder (no config.json)")
    _quiet_transformers()
    from transformers import AutoConfig, AutoTokenizer, GenerationConfig

    try:
        config = AutoConfig.from_pretrained(folder, local_files_only=True)
    except Exception as exc:  # malformed JSON, unknown model_type, wrong field types
        raise UserError(f"{path}: unreadable config.json ({_first_line(exc)})") from None
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    if getattr(config, "model_type", None) not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        raise UserError(f"{path}: not a causal language model (model_type "
                        f"{getattr(config, 'model_type', '?')!r})")
    vocab = getattr(config, "vocab_size", None)
    if not isinstance(vocab, int) or vocab < 1:
        raise UserError(f"{path}: config.json has no usable vocab_size")
    try:
        gen = (GenerationConfig.from_pretrained(folder, local_files_only=True)
               if (folder / "generation_config.json").is_file()
               else GenerationConfig.from_model_config(config))
    except Exception as exc:
        raise UserError(f"{path}: unreadable generation_config.json ({_first_line(exc)})") from None
    eos = (gen.eos_token_id if gen.eos_token_id is not None
           else getattr(config, "eos_token_id", None))
    eos_ids = [] if eos is None else [eos] if isinstance(eos, int) else list(eos)
    try:
        tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except Exception as exc:
        if need_tokenizer:
            raise UserError(f"{path}: no usable tokenizer ({_first_line(exc)})") from None
        tok = None
    return ModelInfo(folder, config, tok, vocab, max_positions(config),
                     [int(e) for e in eos_ids if isinstance(e, int) and 0 <= e < vocab])


def resolve_eos(info: ModelInfo, extra: Sequence[str] | None) -> list[int]:
    """The model's stop tokens plus ``--eos`` items (token ids, or token strings)."""
    ids = list(info.eos_ids)
    for item in extra or ():
        text = item.strip()
        if text.lstrip("-").isdigit():
            tid = int(text)
        elif info.tokenizer is not None:
            tid = info.tokenizer.convert_tokens_to_ids(text)
            if tid is None or tid == getattr(info.tokenizer, "unk_token_id", object()) or (
                    info.tokenizer.convert_ids_to_tokens(tid) != text):
                raise UserError(f"--eos {item!r}: not a single token of this tokenizer")
        else:
            raise UserError(f"--eos {item!r}: give a token id (the model has no tokenizer)")
        if not 0 <= tid < info.vocab_size:
            raise UserError(f"--eos {item!r}: token id outside the vocabulary "
                            f"[0, {info.vocab_size})")
        if tid not in ids:
            ids.append(tid)
    return ids


def load_weights(info: ModelInfo) -> Any:
    """The causal LM in ``info.folder``, in eval mode; UserError if it cannot load."""
    _quiet_transformers()
    from transformers import AutoModelForCausalLM

    path = info.folder
    try:
        model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
    except ValueError as exc:
        if "Unrecognized configuration class" in str(exc):
            raise UserError(f"{path}: not a causal language model (model_type "
                            f"{getattr(info.config, 'model_type', '?')!r})") from None
        raise UserError(f"{path}: cannot load weights ({_first_line(exc)})") from None
    except Exception as exc:  # OSError (missing), SafetensorError (truncated), struct.error ...
        raise UserError(f"{path}: cannot load weights ({_first_line(exc)})") from None
    return model.eval()
