"""One job beside the main work: a spawned one-thread process, started early, awaited late.

``neurips25 reproduce`` uses it for a study's ``prepare`` work (training the suffix demo
model): the job fills the cores the other studies leave idle between and inside their
arms, instead of holding both cores alone at the study's turn. The job may only fill a
cache the study would fill itself, so the study's result does not depend on it: if the
job fails or is stopped, the study does the work on its own turn.
"""
from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from typing import Any


class BackgroundJob:
    """``fn()`` in a spawned process pinned to one torch/BLAS thread."""

    def __init__(self, name: str, fn: Callable[[], Any]) -> None:
        self.name, self.fn = name, fn
        self._proc: Any = None
        self._conn: Any = None
        self._t0 = 0.0

    def start(self) -> BackgroundJob:
        import multiprocessing as mp

        # spawn: a fork after torch has started threads can hang (see common.executor)
        ctx = mp.get_context("spawn")
        self._conn, child_end = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_job_main, args=(self.name, self.fn, child_end),
                                 name=f"neurips25-{self.name}")
        self._t0 = time.perf_counter()
        self._proc.start()
        child_end.close()
        return self

    def running(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    def started_ago(self) -> float:
        return time.perf_counter() - self._t0

    def wait(self) -> dict[str, Any]:
        """Block until the job ends (reaping it); what it was and what it cost, measured in
        the job itself: its CPU seconds, its own wall time, and how long this call waited."""
        waited = time.perf_counter()
        self._proc.join()
        done = time.perf_counter()
        own = self._conn.recv() if self._conn.poll() else {}
        return {"task": self.name, "ok": self._proc.exitcode == 0,
                "cpu_seconds": round(own.get("cpu_seconds", 0.0), 2),
                "wall_seconds": round(own.get("wall_seconds", done - self._t0), 2),
                "waited_seconds": round(done - waited, 2)}

    def stop(self) -> None:
        """Ask a still-running job to stop (it cleans up as on Ctrl-C), then reap it."""
        if self._proc is None or self._proc.exitcode is not None:
            if self._proc is not None:
                self._proc.join()
            return
        self._proc.terminate()
        self._proc.join(timeout=30)
        if self._proc.exitcode is None:
            self._proc.kill()
            self._proc.join()


def _stop_on_sigterm(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # so ``finally`` and ``except BaseException`` clean-ups run


def _job_main(name: str, fn: Callable[[], Any], report: Any) -> None:
    from neurips25.common.threads import pin_process_threads

    cpu0, wall0 = time.process_time(), time.perf_counter()
    pin_process_threads(1)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    code = 0
    try:
        fn()
    except KeyboardInterrupt:
        code = 1
    except Exception as exc:  # one line, no traceback: the study will redo the work itself
        print(f"neurips25: background {name} failed ({type(exc).__name__}: {exc}); "
              "the study will do it on its turn", file=sys.stderr)
        code = 1
    report.send({"cpu_seconds": time.process_time() - cpu0,
                 "wall_seconds": time.perf_counter() - wall0})
    sys.exit(code)
