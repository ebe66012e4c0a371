"""What a result was measured with: package versions, git commit, machine."""
from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

_PACKAGES = (
    "neurips25",
    "torch",
    "numpy",
    "scipy",
    "matplotlib",
    "scikit-learn",
    "transformers",
    "sentence-transformers",
)


def package_versions() -> dict[str, str]:
    out: dict[str, str] = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_commit(cwd: str | Path | None = None) -> str | None:
    """The HEAD commit of the checkout the package runs from, or None outside git."""
    cwd = Path(cwd) if cwd else Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def machine() -> dict[str, str | int]:
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count() or 0,
    }
