"""The style rules hold for the whole tree: ruff (line length 100 included) and no function
longer than ~80 lines, so a regression shows up in `make test`, not only in `make lint`."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TREES = ("src", "tests", "benchmarks")
MAX_FUNCTION_LINES = 80


def test_ruff_is_clean():
    pytest.importorskip("ruff")
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", *TREES], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-1000:]


def long_functions(paths: list[Path], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """``path:line name (n lines)`` for every function or method longer than ``limit``."""
    out = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > limit:
                    out.append(f"{path}:{node.lineno} {node.name} ({n} lines)")
    return out


def test_no_function_is_longer_than_the_limit():
    paths = [p for tree in TREES for p in (ROOT / tree).rglob("*.py")]
    assert len(paths) > 100
    assert long_functions(paths) == []


def test_the_length_check_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "m.py").write_text(f"def too_long():\n{body}\n", encoding="utf-8")
    assert long_functions([tmp_path / "m.py"]) == [f"{tmp_path / 'm.py'}:1 too_long (81 lines)"]
    assert long_functions([tmp_path / "m.py"], limit=81) == []
