"""Median timing for benchmarks: machines are noisy, so report medians of repeats."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_seconds(
    fn: Callable[[], Any],
    repeats: int = 5,
    warmup: int = 0,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Median over ``repeats`` calls of ``fn`` (after ``warmup`` untimed calls), in seconds.

    Pass ``clock=time.process_time`` to count this process's CPU time instead of wall time.
    """
    if repeats < 1:
        raise ValueError("repeats must be >= 1")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)
