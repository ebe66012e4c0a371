"""argparse ``type=`` checkers shared by every command, so each flag is validated before
any work starts and a bad value is one line ``neurips25: error: argument --x: ...``.

Each factory returns a converter; ``argparse`` turns its ``ArgumentTypeError`` into that
one-line error (see ``neurips25.cli.Parser``).
"""
from __future__ import annotations

import argparse
import math
from collections.abc import Callable

SEED_LIMIT = 2**32


def _number(text: str, kind: type) -> float | int:
    try:
        value = kind(text)
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def int_range(lo: int | None = None, hi: int | None = None) -> Callable[[str], int]:
    """An integer with lo <= value <= hi (either bound may be open)."""
    def convert(text: str) -> int:
        value = int(_number(text, int))
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise argparse.ArgumentTypeError(f"must be in {_span(lo, hi)}, got {value}")
        return value

    convert.__name__ = "integer"
    return convert


def float_range(lo: float | None = None, hi: float | None = None, lo_open: bool = False,
                hi_open: bool = False) -> Callable[[str], float]:
    """A finite float within [lo, hi] (``lo_open``/``hi_open`` exclude an end)."""
    def convert(text: str) -> float:
        value = float(_number(text, float))
        low_bad = lo is not None and (value <= lo if lo_open else value < lo)
        high_bad = hi is not None and (value >= hi if hi_open else value > hi)
        if low_bad or high_bad:
            left = "(" if lo_open else "["
            right = ")" if hi_open else "]"
            raise argparse.ArgumentTypeError(
                f"must be in {left}{_fmt(lo, '-inf')}, {_fmt(hi, 'inf')}{right}, got {text}")
        return value

    convert.__name__ = "number"
    return convert


def _fmt(v: float | None, open_end: str) -> str:
    return open_end if v is None else f"{v:g}"


def _span(lo: int | None, hi: int | None) -> str:
    if hi is None:
        return f">= {lo}"
    if lo is None:
        return f"<= {hi}"
    return f"{lo}..{hi}"


positive_int = int_range(1)
nonneg_int = int_range(0)
seed = int_range(0, SEED_LIMIT - 1)  # NumPy, torch and Python all take 0 <= seed < 2**32
unit_float = float_range(0.0, 1.0)
nonneg_float = float_range(0.0)
positive_float = float_range(0.0, lo_open=True)
