"""The one thread policy: set torch (and BLAS) threads for a block, restore them after.

Nothing else in the project calls ``torch.set_num_threads``: a library call (a study's
``run``, ``neurips25 generate``, the decoder) must leave the caller's process as it found
it. On a busy 2-core machine one thread per process is often several times faster than
two (threads spin while waiting for a busy core), so workers use ``threads(1)``.
"""
from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator


def cpu_count() -> int:
    """Cores this process may use (affinity-aware where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _cpu_times() -> tuple[float, float] | None:
    """(idle, total) jiffies of all CPUs from /proc/stat, or None where there is none."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [float(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return fields[3] + (fields[4] if len(fields) > 4 else 0.0), sum(fields)


def idle_cores(window: float = 0.3, sample: Callable[[], tuple[float, float] | None] = _cpu_times,
               sleep: Callable[[float], None] = time.sleep) -> float | None:
    """How many cores sat idle during the last ``window`` seconds (None if unknown).

    Unlike the 1-minute load average this sees *now*: in ``reproduce`` the study before
    keeps the load average above 1 for a minute after its workers have exited."""
    first = sample()
    sleep(window)
    second = sample()
    if first is None or second is None or second[1] <= first[1]:
        return None
    share = (second[0] - first[0]) / (second[1] - first[1])
    return share * (os.cpu_count() or 1)


@contextlib.contextmanager
def threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` torch intra-op threads and ``n`` BLAS threads.

    ``None`` leaves everything as it is. torch is only touched if it is already imported
    (a block that imports torch itself gets the limit through BLAS and is restored too).
    """
    if n is None:
        yield
        return
    if n < 1:
        raise ValueError(f"thread count must be >= 1, got {n}")
    with contextlib.ExitStack() as stack:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
            pass
        else:
            stack.enter_context(threadpool_limits(limits=n))
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(n)
        try:
            yield
        finally:
            torch.set_num_threads(before)


@contextlib.contextmanager
def threads_restored() -> Iterator[None]:
    """Whatever the block does to torch's thread count is undone when it ends."""
    import torch

    before = torch.get_num_threads()
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


_THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def pin_process_threads(n: int) -> None:
    """For a worker process the project owns (a pool worker): ``n`` threads for good.

    Sets the environment before torch/numpy load their thread pools (a fresh worker has
    not imported torch yet, so this costs no torch import), and torch itself if loaded.
    Never call this in a user's process: use ``threads(n)`` there.
    """
    import sys

    if n < 1:
        raise ValueError(f"thread count must be >= 1, got {n}")
    for name in _THREAD_ENV:
        os.environ[name] = str(n)
    try:  # a BLAS already loaded (numpy comes in while the worker unpickles) ignores the env
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        pass
    else:
        threadpool_limits(limits=n)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
