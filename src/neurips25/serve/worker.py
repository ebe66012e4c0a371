"""The model thread: one forward at a time, jobs from a bounded queue.

On a CPU, two requests decoded at once only split the same cores (and a speculative
step is one forward over the draft anyway), so the server runs one generation at a time
and lets the others wait in a bounded queue; a full queue is refused at once (503)
instead of growing without limit. Results go back as events through ``job.emit``,
which the HTTP side hands over to its event loop.
"""
from __future__ import annotations

import queue
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neurips25.common.threads import threads
from neurips25.serve.engine import Engine, Sampling, random_seed
from neurips25.serve.textstream import TextStream


class QueueFull(Exception):
    """The wait queue is full: the client should retry later."""


@dataclass(frozen=True)
class Delta:
    index: int  # choice index
    text: str


@dataclass(frozen=True)
class Done:
    index: int
    finish_reason: str  # "stop" (EOS or a stop string) or "length"
    completion_tokens: int


@dataclass(frozen=True)
class End:
    """Every choice of the job is done (or it was cancelled)."""

    cancelled: bool = False


@dataclass(frozen=True)
class Failed:
    message: str


Event = Delta | Done | End | Failed


@dataclass
class Job:
    """One HTTP request: ``n`` choices for each prompt, generated one after another."""

    prompts: list[list[int]]
    max_tokens: int
    sampling: Sampling
    emit: Callable[[Event], None]
    n: int = 1
    seed: int | None = None
    stop: tuple[str, ...] = ()
    stream: bool = True  # text as it is generated; False: one Delta per choice at the end
    cancelled: threading.Event = field(default_factory=threading.Event)


class Worker:
    """Runs jobs on ``engine`` in one thread with ``n_threads`` torch threads."""

    def __init__(self, engine: Engine, tokenizer: Any, metrics: Any, *, max_queue: int = 64,
                 n_threads: int = 1) -> None:
        self.engine, self.tokenizer, self.metrics = engine, tokenizer, metrics
        self.n_threads = n_threads
        self._queue: queue.Queue[Job | None] = queue.Queue(maxsize=max_queue)
        self._thread: threading.Thread | None = None
        self._current: Job | None = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self.metrics.cached_requests.set(len(self.engine.cached_requests()))
        self._thread = threading.Thread(target=self._loop, name="neurips25-model", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue ``job`` or raise ``QueueFull`` (never blocks)."""
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            self.metrics.rejected.inc()
            raise QueueFull from None
        self.metrics.queue_depth.set(self._queue.qsize())

    def stop(self, timeout: float = 30.0) -> None:
        """Cancel the running job, fail the waiting ones, end the thread."""
        current = self._current
        if current is not None:
            current.cancelled.set()
        while True:  # fail the waiting jobs, then queue the sentinel (retry if one slipped in)
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                try:
                    self._queue.put_nowait(None)
                    break
                except queue.Full:
                    continue
            if job is not None:
                _safe_emit(job, Failed("the server is shutting down"))
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        with threads(self.n_threads):
            while True:
                job = self._queue.get()
                self.metrics.queue_depth.set(self._queue.qsize())
                if job is None:
                    return
                self._current = job
                try:
                    self._run(job)
                except Exception as exc:  # a bug must not kill the model thread
                    traceback.print_exc(file=sys.stderr)
                    _safe_emit(job, Failed(f"generation failed: {type(exc).__name__}: {exc}"))
                finally:
                    self._current = None

    def _run(self, job: Job) -> None:
        seed = random_seed() if job.seed is None else job.seed
        for p, prompt in enumerate(job.prompts):
            for j in range(job.n):
                if job.cancelled.is_set():
                    self.metrics.cancelled.inc()
                    _safe_emit(job, End(cancelled=True))
                    return
                self._choice(job, p * job.n + j, prompt, seed)
        self.metrics.cached_requests.set(len(self.engine.cached_requests()))
        _safe_emit(job, End(cancelled=job.cancelled.is_set()))
        if job.cancelled.is_set():
            self.metrics.cancelled.inc()

    def _choice(self, job: Job, index: int, prompt: list[int], seed: int) -> None:
        eos = self.engine.eos_ids
        # Text is decoded step by step only when someone needs it early (a stream, or stop
        # strings to watch); otherwise once at the end: same text, no per-step decoding
        # and no per-step wake-up of the event loop.
        stream = TextStream(self.tokenizer, job.stop) if job.stream or job.stop else None

        def on_tokens(ids: list[int]) -> bool:
            if stream is None:
                return job.cancelled.is_set()
            text, hit = stream.push([t for t in ids if t not in eos])  # EOS is never text
            if text:
                _safe_emit(job, Delta(index, text))
            return hit or job.cancelled.is_set()

        out = self.engine.generate(prompt, job.max_tokens, sampling=job.sampling,
                                   seed=(seed, index), on_tokens=on_tokens)
        if stream is None:
            tail = self.tokenizer.decode([t for t in out.tokens if t not in eos],
                                         skip_special_tokens=True)
        else:
            tail = stream.finish()
        if tail:
            _safe_emit(job, Delta(index, tail))
        self.metrics.observe(out)
        reason = "stop" if (stream is not None and stream.stopped) or out.hit_eos else "length"
        _safe_emit(job, Done(index, reason, len(out.tokens)))


def _safe_emit(job: Job, event: Event) -> None:
    """Deliver an event; a client whose loop is gone just stops listening."""
    try:
        job.emit(event)
    except RuntimeError:  # event loop closed (shutdown)
        job.cancelled.set()
