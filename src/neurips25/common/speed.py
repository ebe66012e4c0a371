"""How fast this machine is on a fixed one-thread workload, recorded beside a reproduction.

Run times are only comparable between machines (or between days on one cloud VM type,
which drift by a fifth and more) next to a measure of the machine itself. Two small
workloads shaped like this project's: float32 products of the sizes its CPU models train
with (the torch studies), and a pure-Python loop over dicts and lists (the suffix tree
simulations). A run's time divided by the machine's reference seconds is the number to
compare across machines; lower reference seconds mean a faster machine.
"""
from __future__ import annotations

import datetime
import statistics
import time
from pathlib import Path
from typing import Any

REFERENCE_VERSION = 1  # bump when a workload changes: old figures stop being comparable
MACHINE_FILE = "machine.json"


def _matmul_workload(reps: int) -> None:
    import torch

    g = torch.Generator().manual_seed(0)
    x = torch.randn(800, 160, generator=g)
    w = torch.randn(160, 432, generator=g)
    for _ in range(reps):  # 2 x 800 x 160 x 432 = 0.11 GFLOP a product
        torch.mm(x, w)


def _python_workload(reps: int) -> None:
    counts: dict[int, int] = {}
    seq: list[int] = []
    for i in range(reps):
        key = (i * 7919) % 1021
        counts[key] = counts.get(key, 0) + 1
        seq.append(key)
        if len(seq) > 64:
            seq.pop(0)


def reference_seconds(scale: float = 1.0, repeats: int = 3) -> dict[str, Any]:
    """Median seconds of each workload over ``repeats``, on one torch thread (restored
    after). ``scale`` multiplies the work (tests); the recorded figure uses 1."""
    from neurips25.common.threads import threads

    def median_time(fn, reps: int) -> float:
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn(reps)
            times.append(time.perf_counter() - t0)
        return round(statistics.median(times), 4)

    with threads(1):
        _matmul_workload(5)  # warm-up: first-call allocation and kernel dispatch
        return {"matmul_s": median_time(_matmul_workload, max(1, round(100 * scale))),
                "python_s": median_time(_python_workload, max(1, round(300_000 * scale))),
                "threads": 1, "repeats": repeats, "version": REFERENCE_VERSION}


def record_machine(root: Path) -> dict[str, Any]:
    """Measure this machine now and write ``root/machine.json`` (atomically)."""
    from neurips25.common.environment import machine
    from neurips25.common.io import atomic_write_json

    info = {**machine(), "reference": reference_seconds(),
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
    atomic_write_json(Path(root) / MACHINE_FILE, info)
    return info


def read_machine(root: Path) -> dict[str, Any] | None:
    """``root/machine.json`` if present and well-formed, else None (a report never fails
    on it: it only adds a line)."""
    from neurips25.common.errors import UserError
    from neurips25.common.io import read_json

    path = Path(root) / MACHINE_FILE
    if not path.is_file():
        return None
    try:
        info = read_json(path)
    except UserError:
        return None
    ref = info.get("reference") if isinstance(info, dict) else None
    if not isinstance(ref, dict) or not all(
            isinstance(ref.get(k), int | float) and not isinstance(ref.get(k), bool)
            for k in ("matmul_s", "python_s")):
        return None
    return info


def machine_line(info: dict[str, Any]) -> str:
    """One sentence for a report: the machine and its reference seconds."""
    ref = info["reference"]
    return (f"Machine: {info.get('cpus', '?')} CPUs ({info.get('processor', '?')}); "
            f"reference workload on one thread, measured before the run: "
            f"matmul {ref['matmul_s']:.3f} s, Python {ref['python_s']:.3f} s "
            f"(v{ref.get('version', '?')}; lower is faster; compare run times across "
            f"machines relative to these).")
