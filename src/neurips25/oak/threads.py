"""One BLAS thread: the study does thousands of tiny (104 x 104) solves and products.

On a shared 2-core machine a multi-threaded BLAS makes each of them up to ~1000x slower
(threads spin while waiting for busy cores), so experiments, tests and benchmarks run
inside ``single_blas_thread()``. threadpoolctl ships with scikit-learn; without it this
is a no-op.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        yield
        return
    with threadpool_limits(limits=1):
        yield
