"""One way to run an experiment's arms: in process, on a local process pool, or on Ray.

An *arm* is one independent unit of work (a width, a depth, a seed ...): a module-level
function and its arguments, named by a key. ``run_arms`` fans them out and gathers the
results by key, with progress as they finish. With ``cache_dir`` each finished arm is
saved atomically as ``cache_dir/<key>.json`` together with a fingerprint of its function
and arguments, so an interrupted sweep resumes without re-running finished arms, on any
backend, and a changed config never reuses a stale arm.

Backends (same results for the same seeds; arms must be deterministic by their args):
- ``serial``: in this process (tests, debugging, one core);
- ``local``: a process pool, one worker per core, one torch/BLAS thread per worker;
- ``ray``: ``ray.init()`` (a local cluster, or the cluster at ``RAY_ADDRESS``), one CPU per
  arm. Optional extra ``[ray]``.
The default comes from ``use_executor`` (the CLI's ``--executor``), else ``RAY_ADDRESS``
(ray if set), else ``local``.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neurips25.common.io import atomic_write_json
from neurips25.common.pool_workers import call, new_pool, pool_processes, stop_pool
from neurips25.common.progress import NullProgress, Progress
from neurips25.common.threads import cpu_count, threads

BACKENDS = ("serial", "local", "ray")
_KEY = re.compile(r"^[A-Za-z0-9_.=+-]+(/[A-Za-z0-9_.=+-]+)*$")
_chosen: list[str] = []  # stack set by use_executor


@dataclass(frozen=True)
class Arm:
    """``fn(*args, **kwargs)`` under the name ``key`` (letters, digits, ``_.=+-``, ``/``)."""

    key: str
    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _KEY.match(self.key) or ".." in self.key:
            raise ValueError(f"arm key {self.key!r} must be a relative name of [A-Za-z0-9_.=+-/]")
        if getattr(self.fn, "__qualname__", "").count("<locals>"):
            raise ValueError(f"arm {self.key}: fn must be a module-level function (picklable)")

    def fingerprint(self) -> str:
        """Hash of the function's name and its arguments: a changed config changes it."""
        blob = json.dumps([f"{self.fn.__module__}.{self.fn.__qualname__}",
                           _canonical(self.args), _canonical(self.kwargs)], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def __call__(self) -> Any:
        return self.fn(*self.args, **self.kwargs)


def _canonical(obj: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {"__dataclass__": type(obj).__qualname__, **_canonical(dataclasses.asdict(obj))}
    if isinstance(obj, dict):
        return {str(k): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_canonical(v) for v in obj]
    if isinstance(obj, float | int | str | bool) or obj is None:
        return obj
    return repr(obj)


@contextlib.contextmanager
def use_executor(name: str | None) -> Iterator[None]:
    """Make ``name`` the default backend of ``run_arms`` inside the block (None: unchanged)."""
    if name is not None and name not in BACKENDS:
        raise ValueError(f"unknown executor {name!r}; choose from {', '.join(BACKENDS)}")
    if name is None:
        yield
        return
    _chosen.append(name)
    try:
        yield
    finally:
        _chosen.pop()


def default_backend() -> str:
    if _chosen:
        return _chosen[-1]
    return "ray" if os.environ.get("RAY_ADDRESS") else "local"


def run_arms(arms: Sequence[Arm], *, backend: str | None = None, workers: int | None = None,
             threads_per_worker: int = 1, cache_dir: str | Path | None = None,
             progress: Progress | None = None, description: str = "arms") -> dict[str, Any]:
    """Run every arm and return ``{key: result}`` in the arms' order.

    Finished arms found in ``cache_dir`` (same fingerprint) are not run again. Results must
    be JSON-able when ``cache_dir`` is given (numpy values are converted on save).
    """
    keys = [a.key for a in arms]
    if len(set(keys)) != len(keys):
        raise ValueError("arm keys must be unique")
    backend = backend or default_backend()
    if backend not in BACKENDS:
        raise ValueError(f"unknown executor {backend!r}; choose from {', '.join(BACKENDS)}")
    progress = progress or NullProgress()
    store = _Store(Path(cache_dir)) if cache_dir is not None else None
    done: dict[str, Any] = {}
    todo = []
    for arm in arms:
        hit = store.load(arm) if store else _MISS
        if hit is _MISS:
            todo.append(arm)
        else:
            done[arm.key] = hit
    if todo:
        run = {"serial": _run_serial, "local": _run_local, "ray": _run_ray}[backend]
        finished = run(todo, workers or min(cpu_count(), len(todo)), threads_per_worker)
        for arm, result in progress.track(finished, description, total=len(todo)):
            if store:
                result = store.save(arm, result)
            done[arm.key] = result
    return {k: done[k] for k in keys}


_MISS = object()


class _Store:
    """``root/<key>.json`` = {"fingerprint", "key", "result"}, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, arm: Arm) -> Path:
        return self.root / f"{arm.key}.json"

    def load(self, arm: Arm) -> Any:
        path = self.path(arm)
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return _MISS
        if not isinstance(saved, dict) or saved.get("fingerprint") != arm.fingerprint():
            return _MISS
        return saved.get("result")

    def save(self, arm: Arm, result: Any) -> Any:
        path = self.path(arm)
        atomic_write_json(path, {"key": arm.key, "fingerprint": arm.fingerprint(),
                                 "result": result})
        return json.loads(path.read_text(encoding="utf-8"))["result"]  # same form as a reload


def _run_serial(arms: list[Arm], workers: int, n_threads: int) -> Iterator[tuple[Arm, Any]]:
    with threads(n_threads):
        for arm in arms:
            yield arm, arm()


_kept_pools: dict[tuple[int, int], Any] = {}  # (workers, threads) -> pool, in keep_pools()
_keeping: list[bool] = []


@contextlib.contextmanager
def keep_pools() -> Iterator[None]:
    """Inside the block the local backend keeps its worker processes from one ``run_arms``
    call to the next, instead of a new pool per call: ``reproduce`` runs every study on
    the same workers (a worker's start imports torch: ~3.5 CPU-s and as many seconds
    before the first arm, per worker and study). Arms never depend on their process's
    past (a pool already runs several arms per worker), so results are the same."""
    _keeping.append(True)
    try:
        yield
    finally:
        _keeping.pop()
        if not _keeping:
            while _kept_pools:
                _kept_pools.popitem()[1].shutdown(cancel_futures=True)


def kept_workers_cpu_seconds() -> float:
    """CPU seconds so far of the live workers that ``keep_pools`` keeps (Linux ``/proc``;
    0 elsewhere). A process's CPU reaches RUSAGE_CHILDREN only once it is reaped, which
    for kept workers is after the last study: a study's CPU time adds this in, and the
    sum of both stays continuous when a worker is reaped."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    for pool in _kept_pools.values():
        for pid in pool_processes(pool):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


@contextlib.contextmanager
def _pool(workers: int, n_threads: int) -> Iterator[Any]:
    """A pool for one ``run_arms`` call: the kept one inside ``keep_pools``, else a new one."""
    if not _keeping:
        pool = new_pool(workers, n_threads)
        try:
            yield pool
        except BaseException:  # failed or interrupted: stop the workers, do not wait
            stop_pool(pool)
            raise
        pool.shutdown()
        return
    key = (workers, n_threads)
    if key not in _kept_pools:
        _kept_pools[key] = new_pool(workers, n_threads)
    try:
        yield _kept_pools[key]
    except BaseException:  # a failed or interrupted call may leave a broken or busy pool
        stop_pool(_kept_pools.pop(key))
        raise


def _run_local(arms: list[Arm], workers: int, n_threads: int) -> Iterator[tuple[Arm, Any]]:
    if workers <= 1 or len(arms) == 1:
        yield from _run_serial(arms, workers, n_threads)
        return
    from concurrent.futures import as_completed

    with _pool(workers, n_threads) as pool:  # on any exit by exception it stops the pool
        futures = {pool.submit(call, arm): arm for arm in arms}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


def run_beside(arm: Arm, work: Callable[[], Any], threads_per_worker: int = 1
               ) -> tuple[Any, Any]:
    """``(arm(), work())`` with the arm in a second local process (spawned, its threads
    pinned like a pool worker's) while ``work`` runs here: for a study whose two parts are
    independent and each keep about one core busy. If either side raises, the arm's
    process is stopped at once (``pool_workers.stop_pool``)."""
    pool = new_pool(1, threads_per_worker)
    try:
        future = pool.submit(call, arm)
        here = work()
        result = future.result()
    except BaseException:  # either side failed, or Ctrl-C: stop the arm, do not wait
        stop_pool(pool)
        raise
    pool.shutdown()
    return result, here


def _run_ray(arms: list[Arm], workers: int, n_threads: int) -> Iterator[tuple[Arm, Any]]:
    try:
        import ray
    except ImportError:
        from neurips25.common.errors import UserError

        raise UserError("the ray executor needs the [ray] extra: "
                        "pip install 'neurips25[ray]'") from None
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 **({} if address else {"num_cpus": max(workers, 1)}))
    remote = ray.remote(num_cpus=n_threads)(_ray_call)
    pending = {remote.remote(arm, n_threads): arm for arm in arms}
    try:
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            ref = ready[0]
            yield pending.pop(ref), ray.get(ref)
    except BaseException:
        for ref in pending:
            ray.cancel(ref, force=True)
        raise


def _ray_call(arm: Arm, n_threads: int) -> Any:
    with threads(n_threads):
        return arm()
