"""Save and restore the global suffix cache as the requests it holds.

The file is JSON: a format name and version, the identity of the model it was built
for (tokenizer and config fingerprints, vocabulary size), and the cached requests as
(prompt ids, response ids) in FIFO order. Restoring replays them into a fresh cache, so
the file does not depend on the tree's internals. The whole file is validated before
anything is replayed: a corrupt or foreign file is refused with one line, never
half-loaded. Writes are atomic (temp file + rename).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from neurips25.common.errors import UserError
from neurips25.common.io import atomic_write_text

FORMAT = "neurips25-suffix-cache"
VERSION = 1
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "merges.txt", "vocab.txt")
_VOLATILE_CONFIG_KEYS = ("transformers_version", "_name_or_path", "torch_dtype", "dtype")

Requests = list[tuple[list[int], list[int]]]


def model_identity(model_dir: str | Path, vocab_size: int) -> dict[str, Any]:
    """Fingerprints that change when token ids would mean something else."""
    folder = Path(model_dir)
    h = hashlib.sha256()
    for name in _TOKENIZER_FILES:
        f = folder / name
        if f.is_file():
            h.update(name.encode() + b"\0" + f.read_bytes())
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    for key in _VOLATILE_CONFIG_KEYS:
        config.pop(key, None)
    blob = json.dumps(config, sort_keys=True).encode()
    return {"tokenizer_sha256": h.hexdigest(), "config_sha256": hashlib.sha256(blob).hexdigest(),
            "vocab_size": int(vocab_size)}


def save(path: str | Path, identity: dict[str, Any],
         requests: Sequence[tuple[Sequence[int], Sequence[int]]]) -> Path:
    """Write the cache file atomically."""
    body = {"format": FORMAT, "version": VERSION, "model": identity,
            "requests": [{"prompt": list(p), "response": list(r)} for p, r in requests]}
    return atomic_write_text(path, json.dumps(body, separators=(",", ":")) + "\n")


def load(path: str | Path, identity: dict[str, Any]) -> Requests:
    """The cached requests in ``path`` for the model ``identity``; UserError if unusable.

    A missing file is an empty cache (the first run creates it at shutdown).
    """
    path = Path(path)
    if not path.exists():
        return []
    if not path.is_file():
        raise UserError(f"{path}: --cache-file is a folder or not a regular file")
    try:
        body = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UserError(f"{path}: corrupt cache file ({type(exc).__name__}); delete it or "
                        "choose another --cache-file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the cache file ({exc.strerror})") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise UserError(f"{path}: not a neurips25 suffix cache file")
    if body.get("version") != VERSION:
        raise UserError(f"{path}: cache file version {body.get('version')!r}; this neurips25 "
                        f"reads version {VERSION}")
    if body.get("model") != identity:
        raise UserError(f"{path}: the cache was built for a different model or tokenizer; "
                        "refusing to load it")
    return _requests(path, body.get("requests"), identity["vocab_size"])


def _requests(path: Path, raw: Any, vocab: int) -> Requests:
    if not isinstance(raw, list):
        raise UserError(f"{path}: corrupt cache file ('requests' is not a list)")
    out: Requests = []
    for i, row in enumerate(raw):
        if not isinstance(row, dict):
            raise UserError(f"{path}: corrupt cache file (request {i} is not an object)")
        pair = []
        for key in ("prompt", "response"):
            ids = row.get(key)
            ok = isinstance(ids, list) and all(type(t) is int and 0 <= t < vocab for t in ids)
            if not ok or (key == "prompt" and not ids):
                raise UserError(f"{path}: corrupt cache file (request {i}: {key} must be a "
                                f"{'non-empty ' if key == 'prompt' else ''}list of token ids "
                                f"in [0, {vocab}))")
            pair.append(ids)
        out.append((pair[0], pair[1]))
    return out
