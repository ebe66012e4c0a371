"""Real text for the byte-level arm: Python standard-library source shipped with Python.

Token ids are byte + 1 so that 0 stays free for BOS (vocab 257). Nothing is downloaded.
"""
from __future__ import annotations

import functools
import sysconfig
from pathlib import Path

import numpy as np

from neurips25.common.errors import UserError

STDLIB = "stdlib"
VOCAB_SIZE = 257
_STDLIB_FILES = ("argparse.py", "difflib.py", "textwrap.py", "inspect.py", "typing.py",
                 "dataclasses.py", "collections/__init__.py", "json/decoder.py")


@functools.cache
def load_bytes(source: str = STDLIB) -> np.ndarray:
    """uint8 array of the text: ``"stdlib"`` (a fixed set of stdlib modules) or a file path."""
    if source == STDLIB:
        root = Path(sysconfig.get_paths()["stdlib"])
        paths = [root / f for f in _STDLIB_FILES if (root / f).is_file()]
        if not paths:
            raise UserError(f"no Python standard-library sources found under {root}")
    else:
        paths = [Path(source)]
        if not paths[0].is_file():
            raise UserError(f"{source}: no such file")
    data = b"\n".join(p.read_bytes() for p in paths)
    if len(data) < 1024:
        raise UserError(f"{source}: need at least 1 KiB of text, got {len(data)} bytes")
    return np.frombuffer(data, dtype=np.uint8)


def encode(text: str) -> list[int]:
    """BOS + byte ids (the arm's tokenization)."""
    return [0] + [b + 1 for b in text.encode("utf-8")]
