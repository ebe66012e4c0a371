"""Module-level arm functions for the executor tests (arms must be picklable)."""
from __future__ import annotations

import os
from pathlib import Path


def noisy_mean(seed: int, n: int = 2000) -> dict:
    """A seeded computation whose result depends on the seed only."""
    import numpy as np
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    return {"seed": seed, "torch": float(torch.randn(n).mean()),
            "numpy": float(rng.normal(size=n).mean()), "threads": torch.get_num_threads()}


def counted(seed: int, log_dir: str, poison: str = "") -> dict:
    """Log this call (to count runs across processes); seed 2 fails while ``poison`` exists."""
    Path(log_dir, f"{seed}.{os.getpid()}.{os.urandom(4).hex()}").write_text("")
    if seed == 2 and poison and Path(poison).exists():
        raise RuntimeError(f"arm {seed} failed")
    return {"seed": seed, "square": seed * seed}


def where(seed: int) -> dict:
    """Which process ran this call, and with how many torch threads."""
    import torch

    return {"seed": seed, "pid": os.getpid(), "threads": torch.get_num_threads()}


def write_after(path: str, delay_s: float = 0.0) -> None:
    """A background job: wait, then write ``path`` with this process's torch thread count."""
    import time

    import torch

    time.sleep(delay_s)
    Path(path).write_text(str(torch.get_num_threads()))


def clean_up_on_stop(started: str, cleaned: str) -> None:
    """A long job or arm that marks its start (with its pid), and its clean-up when stopped."""
    import os
    import time

    Path(started).write_text(str(os.getpid()))
    try:
        time.sleep(60)
    finally:
        Path(cleaned).write_text("")


def fail_job() -> None:
    raise ValueError("no room in the cache")


def burn(seconds: float) -> float:
    """Spend ``seconds`` of CPU time in this process; returns the CPU time spent."""
    import time

    start = time.process_time()
    while time.process_time() - start < seconds:
        sum(range(1000))
    return time.process_time() - start


def slow_clean_up(started: str, cleaned: str) -> None:
    """A long job whose clean-up itself takes a second (a second Ctrl-C can land in it)."""
    import time

    Path(started).write_text("1")
    try:
        time.sleep(60)
    finally:
        time.sleep(1.0)
        Path(cleaned).write_text("")


def wait_for_files(paths: list[Path], timeout: float = 60.0, nonempty: bool = False) -> None:
    """Poll until every path exists (and, with ``nonempty``, has content: a pid to read)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(
            p.exists() and (not nonempty or p.read_text()) for p in paths):
        time.sleep(0.05)
