"""One job beside the main work: a one-thread child process, started early, awaited late.

``neurips25 reproduce`` uses it for a study's ``prepare`` work (training the suffix demo
model): the job fills the cores the other studies leave idle between and inside their
arms, instead of holding both cores alone at the study's turn. The job may only fill a
cache the study would fill itself, so the study's result does not depend on it: if the
job fails or is stopped, the study does the work on its own turn.
"""
from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


class BackgroundJob:
    """``fn()`` in a child interpreter pinned to one torch/BLAS thread.

    A plain subprocess, not a ``multiprocessing`` child: multiprocessing reaps finished
    children whenever it starts another process (a study's pool), which would drop the
    job's CPU time into whichever study happened to be running. This child is reaped only
    here, between studies, and reports its own CPU time."""

    def __init__(self, name: str, fn: Callable[[], Any]) -> None:
        self.name, self.fn = name, fn
        self._proc: Any = None
        self._report = ""
        self._t0 = 0.0

    def start(self) -> BackgroundJob:
        fd, self._report = tempfile.mkstemp(prefix="neurips25-job-", suffix=".json")
        os.close(fd)
        payload = pickle.dumps((self.name, self.fn, self._report))
        self._t0 = time.perf_counter()
        with _sigint_ignored():  # inherited: the child ignores Ctrl-C from its first moment
            self._proc = subprocess.Popen(
                [sys.executable, "-c", "from neurips25.common.background import _job_main; "
                 "_job_main()"], stdin=subprocess.PIPE)
        self._proc.stdin.write(payload)
        self._proc.stdin.close()
        return self

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def started_ago(self) -> float:
        return time.perf_counter() - self._t0

    def wait(self) -> dict[str, Any]:
        """Block until the job ends (reaping it); what it was and what it cost, measured in
        the job itself: its CPU seconds, its own wall time, and how long this call waited."""
        waited = time.perf_counter()
        code = self._proc.wait()
        done = time.perf_counter()
        own = self._read_report()
        return {"task": self.name, "ok": code == 0,
                "cpu_seconds": round(own.get("cpu_seconds", 0.0), 2),
                "wall_seconds": round(own.get("wall_seconds", done - self._t0), 2),
                "waited_seconds": round(done - waited, 2)}

    def stop(self) -> None:
        """Ask a still-running job to stop (it cleans up as on Ctrl-C), then reap it.
        A second Ctrl-C meanwhile is ignored: it would leave the job's report file behind."""
        with _sigint_ignored():
            if self._proc is not None and self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            self._read_report()

    def _read_report(self) -> dict[str, Any]:
        """The child's own cost report (and the temp file this job created, removed)."""
        path, self._report = self._report, ""
        if not path:
            return {}
        try:
            return json.loads(Path(path).read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}
        finally:
            Path(path).unlink(missing_ok=True)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored for the block, in the main thread (elsewhere: unchanged)."""
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: the child sets SIG_IGN itself, a bit later
        yield
        return
    try:
        yield
    finally:  # None: a handler set outside Python, which Python cannot put back
        signal.signal(signal.SIGINT, signal.SIG_DFL if old is None else old)


_orphaned = threading.Event()


def _stop_when_orphaned(parent: int, every_s: float = 0.5) -> None:
    """Send this process SIGTERM once ``parent`` is gone (it is re-parented)."""
    while os.getppid() == parent:
        time.sleep(every_s)
    _orphaned.set()
    os.kill(os.getpid(), signal.SIGTERM)


def _stop_on_sigterm(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # so ``finally`` and ``except BaseException`` clean-ups run


def _job_main() -> None:
    """The child: read (name, fn, report path) from stdin, run fn, write its cost.

    A terminal's Ctrl-C reaches the whole process group, but it belongs to the parent,
    which stops the job with SIGTERM (``stop``): the child ignores SIGINT (from birth,
    see ``start``), turns SIGTERM into a clean-up wherever it arrives, and stops itself
    the same way when its parent dies without stopping it (killed, or a timeout)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    threading.Thread(target=_stop_when_orphaned, args=(os.getppid(),), daemon=True).start()
    from neurips25.common.threads import pin_process_threads

    cpu0, wall0 = time.process_time(), time.perf_counter()
    name, report = "job", ""
    code = 0
    try:
        payload = sys.stdin.buffer.read()
        pin_process_threads(1)  # before unpickling imports torch
        name, fn, report = pickle.loads(payload)
        fn()
    except KeyboardInterrupt:
        code = 1
    except Exception as exc:  # one line, no traceback: the study will redo the work itself
        print(f"neurips25: background {name} failed ({type(exc).__name__}: {exc}); "
              "the study will do it on its turn", file=sys.stderr)
        code = 1
    if report and _orphaned.is_set():  # nobody is left to read (and remove) it
        Path(report).unlink(missing_ok=True)
    elif report:
        Path(report).write_text(json.dumps({"cpu_seconds": time.process_time() - cpu0,
                                            "wall_seconds": time.perf_counter() - wall0}),
                                encoding="utf-8")
    sys.exit(code)
