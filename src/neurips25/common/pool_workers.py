"""The local backend's worker processes: spawned, one thread each, and stoppable at once.

A terminal's Ctrl-C reaches every process of the group. Left alone, each pool worker
got a KeyboardInterrupt of its own: an idle worker printed a traceback, and a busy one
went on to the next queued arm, so the command took the length of an arm (~30 s) to
exit, and a second Ctrl-C could leave it hanging. So workers ignore SIGINT; the parent,
which owns the interrupt, stops them with SIGTERM (``stop_pool``). A worker inside an arm
turns SIGTERM into a KeyboardInterrupt, so the arm's ``finally`` clean-ups (temp files of
atomic writes) run, and then exits; an idle worker just exits.
"""
from __future__ import annotations

import os
import signal
from typing import Any

from neurips25.common.threads import pin_process_threads

STOP_GRACE_S = 10.0  # how long a stopped worker may take to clean up before it is killed
_in_arm = False  # set while this worker runs an arm


def _on_sigterm(_signum: int, _frame: Any) -> None:
    if _in_arm:
        raise KeyboardInterrupt  # unwind the arm's clean-ups; ``call`` then exits
    os._exit(1)  # idle: nothing to clean up, and no traceback from the queue's read


def init_worker(n_threads: int) -> None:
    """Pool initializer: the worker process is the pool's, so its thread limit stays set."""
    pin_process_threads(n_threads)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)


def call(arm: Any) -> Any:
    """Run ``arm`` in a worker; a SIGTERM during it ends the process after the arm's
    clean-ups instead of letting the pool start the next queued arm."""
    global _in_arm
    _in_arm = True
    try:
        return arm()
    except KeyboardInterrupt:  # only SIGTERM raises it here: SIGINT is ignored
        os._exit(1)
    finally:
        _in_arm = False


def new_pool(workers: int, n_threads: int) -> Any:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a fresh interpreter per worker (fork after torch has started threads can hang)
    return ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"),
                               initializer=init_worker, initargs=(n_threads,))


def pool_processes(pool: Any) -> dict[int, Any]:
    """The pool's live worker processes by pid. ``ProcessPoolExecutor`` keeps them in a
    private attribute (CPython 3.8+); this is the one place that reads it."""
    return dict(getattr(pool, "_processes", None) or {})


def stop_pool(pool: Any) -> None:
    """Cancel what has not started and stop the workers now (SIGTERM, then SIGKILL after
    ``STOP_GRACE_S``), instead of waiting for their current arms to finish."""
    procs = list(pool_processes(pool).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(STOP_GRACE_S)
        if proc.is_alive():
            proc.kill()
            proc.join()
