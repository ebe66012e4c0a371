"""The contract every CLI tool keeps under bad input, as one reusable assertion.

``assert_user_error(capsys, argv, watch=DIR)`` runs ``neurips25 ARGV`` in-process and
asserts: exit code 2, stderr is exactly one line starting ``neurips25: error:``, no
traceback, and every file under ``watch`` (the user's files, the output folder) is
byte-for-byte as before, with nothing added (no half-written or temp files).
Tool owners put their table-driven cases in ``tests/cli/test_<tool>.py``.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from neurips25.cli import main


def snapshot(root: Path | None) -> dict[str, str]:
    if root is None or not root.exists():
        return {}
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest()
                                       if p.is_file() else "dir")
            for p in sorted(root.rglob("*"))}


def run_main(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse exits; anything else propagates as a failure
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return int(code or 0), out.out, out.err


def assert_user_error(capsys, argv: list[str], watch: Path | None = None,
                      match: str | None = None) -> str:
    """Run the CLI, check the bad-input contract, return the error line."""
    before = snapshot(watch)
    code, _, err = run_main(capsys, argv)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err, err
    assert code == 2, f"exit {code}, stderr: {err}"
    assert len(lines) == 1, f"want one line, got: {err!r}"
    assert lines[0].startswith("neurips25: error:"), lines[0]
    if match is not None:
        assert match in lines[0], lines[0]
    assert snapshot(watch) == before, "a user file was changed, or a file was left behind"
    return lines[0]


@pytest.fixture
def user_error(capsys):
    """``user_error(argv, watch=None, match=None)`` with capsys bound."""
    return lambda argv, watch=None, match=None: assert_user_error(capsys, argv, watch, match)


def _fake_studies():
    """tests/core/fake_studies.py, loaded once (tests/core's conftest may have done so)."""
    import importlib.util
    import sys

    if "fake_studies" not in sys.modules:
        path = Path(__file__).parents[1] / "core" / "fake_studies.py"
        spec = importlib.util.spec_from_file_location("fake_studies", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["fake_studies"] = module
        spec.loader.exec_module(module)
    return sys.modules["fake_studies"]


@pytest.fixture
def fake_registry(monkeypatch):
    """The study registry replaced by two fast fake studies (fake_ok, fake_crash)."""
    from neurips25 import registry

    fakes = _fake_studies()
    studies = {"fake_ok": fakes.OK_STUDY, "fake_crash": fakes.CRASH_STUDY}
    monkeypatch.setattr(registry, "STUDY_NAMES", tuple(studies))
    monkeypatch.setattr(registry, "_load", lambda name: studies.get(name))
    fakes.CALLS.clear()
    return fakes


_PEAK_WRAPPER = """
import atexit, sys

def _peak():
    with open("/proc/self/status") as f:
        kb = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    sys.stderr.write(f"\\nPEAK_RSS_KB {kb}\\n")

atexit.register(_peak)
sys.argv = ["neurips25", *sys.argv[1:]]
from neurips25.cli import main
sys.exit(main())
"""


def peak_rss_mb(argv: list[str], timeout: float = 300) -> tuple[int, float, str]:
    """Run ``neurips25 ARGV`` in a child; (exit code, peak RSS in MiB, stderr).

    The peak is the child's own VmHWM, read at its exit. ``ru_maxrss`` from ``wait4`` is not
    used: Linux carries the parent's high-water mark over fork/exec into it, so under a large
    pytest process it reports pytest's peak, not the command's."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _PEAK_WRAPPER, *map(str, argv)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=timeout)
    err, _, tail = proc.stderr.rpartition("\nPEAK_RSS_KB ")
    assert tail.strip().isdigit(), f"the child did not report its peak: {proc.stderr[-500:]}"
    return proc.returncode, int(tail) / 1024, err


@pytest.fixture
def cli(capsys):
    """``cli(argv) -> (exit code, stdout, stderr)``: the CLI in-process, any outcome."""
    return lambda argv: run_main(capsys, argv)


@pytest.fixture
def tree_snapshot():
    """``snapshot(folder)``: every file under it with its hash (compare before/after)."""
    return snapshot


@pytest.fixture
def peak_rss():
    """``peak_rss(argv) -> (exit code, peak RSS MiB, stderr)`` of ``neurips25 ARGV`` in a child."""
    return peak_rss_mb
