"""Run a preset's arms without the report (``python -m neurips25.deep_crl.sweep --out D``).

The long online sweep can be started (or moved to another machine, ``--device cuda``, or a
Ray cluster, ``--executor ray``) on its own; each finished arm lands in ``D/arms/<name>.json``
and a later ``neurips25 run deep_crl --preset full`` whose study folder is ``D`` (``--out``
one level up) reuses it. Re-running this command resumes: finished arms are skipped, an
interrupted online arm resumes from its checkpoint. ``--status`` lists the finished arms;
``--partial P`` judges the claims on the finished arms alone (figures and ``partial.json``
in P) while the sweep goes on.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from neurips25.common.progress import NullProgress
from neurips25.deep_crl.experiment import PARTS, Config

T = TypeVar("T")


class _Log(NullProgress):
    """Timestamped lines on stdout (the sweep runs for hours in the background)."""

    def log(self, message: str) -> None:
        print(time.strftime("%H:%M:%S"), message, flush=True)

    def track(self, items: Iterable[T], description: str, total: int | None = None
              ) -> Iterator[T]:
        for i, item in enumerate(items, 1):
            self.log(f"{description}: {i}/{total} finished")
            yield item


def status(out: Path) -> str:
    """One line per finished arm (online: late far-goal time and success; stitching: scores)."""
    from neurips25.deep_crl.summary import late_mean

    lines = []
    for path in sorted((out / "arms").glob("*.json")):
        r = json.loads(path.read_text())
        topo = r["topology"]["score"]
        if "history" in r:
            h = {k: late_mean(r["history"], k)
                 for k in ("time_at_goal_far", "success_far", "success_near")}
            lines.append(f"{r['name']:<16} time at far goal {h['time_at_goal_far']:5.1f}  "
                         f"far success "
                         f"{h['success_far']:.2f}  near success {h['success_near']:.2f}  topology "
                         f"{topo:+.2f}  {r['cpu_seconds']:.0f} CPU-s")
        else:
            loss = r["val_loss"] if r["val_loss"] is not None else float("nan")
            lines.append(f"{r['name']:<44} far {r['far_accuracy']:.3f}  topology {topo:+.2f}  "
                         f"val loss {loss:.3f}")
    running = sorted(p.stem for p in (out / "arms").glob("*.pt"))
    return "\n".join(lines + [f"{len(lines)} arms done; online arms with a checkpoint: {running}"])


def finished_arms(cfg: Config, out: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The preset's arms finished in ``out`` (same identity), and the names still missing.

    The plain net's other seeds are known only once its sweep is complete; until then they
    count as one missing entry.
    """
    from neurips25.deep_crl.arms import finished, online_task, stitch_task

    first = cfg.first_round("all")
    done = {t.name: r for t in first if (r := finished(t.path(out), t.identity)) is not None}
    swept = [stitch_task(a).name for a in cfg.plain_sweep_arms()]
    if all(n in done for n in swept):
        second = cfg.second_round("all", done)
        unknown = []
    else:
        second = [online_task(a) for a in cfg.online_arms()]
        unknown = [f"plain-d{cfg.plain_depth} seeds {cfg.plain_sweep_seeds}.. (after its sweep)"]
    done |= {t.name: r for t in second if (r := finished(t.path(out), t.identity)) is not None}
    missing = [t.name for t in (*first, *second) if t.name not in done] + unknown
    return list(done.values()), missing


def partial_config(cfg: Config, results: list[dict[str, Any]]) -> tuple[Config, list[dict]]:
    """The config restricted to the depths that hold finished arms (>= 2 per part), and the
    results it can summarise (the plain net only with its whole sweep)."""
    stitch = [r for r in results if "history" not in r]
    online = [r for r in results if "history" in r]
    base = sorted({r["depth"] for r in stitch if r["kind"] == "res"
                   and r["batch_size"] == cfg.stitch_batch and r["obs_dim"] == 2})
    if len(base) < 2:
        raise ValueError("fewer than 2 stitching depths have finished: nothing to compare yet")
    swept = {(r["seed"], r["lr"], r.get("init", "paper")) for r in stitch if r["kind"] == "plain"
             and r["seed"] < cfg.seed + cfg.plain_sweep_seeds}
    if len(swept) < cfg.plain_sweep_seeds * len(cfg.plain_lrs) * len(cfg.plain_inits):
        stitch = [r for r in stitch if r["kind"] != "plain"]
    on_depths = sorted({r["depth"] for r in online})
    if len(on_depths) < 2:
        online, on_depths = [], list(cfg.depths)
    levers = tuple(d for d in cfg.lever_depths if d in base)
    new = dataclasses.replace(cfg, stitch_depths=tuple(base), depths=tuple(on_depths),
                              online=bool(online), lever_depths=levers,
                              plain_depth=cfg.plain_depth if cfg.plain_depth in base else 0)
    return new, stitch + online


def partial(cfg: Config, out: Path, dest: Path) -> dict[str, Any]:
    """Judge the claims on the finished arms alone; write figures and ``partial.json`` to dest."""
    results, missing = finished_arms(cfg, out)
    sub, usable = partial_config(cfg, results)
    return write_partial(sub, usable, results, missing, dest)


def write_partial(sub: Config, usable: list[dict[str, Any]], results: list[dict[str, Any]],
                  missing: list[str], dest: Path) -> dict[str, Any]:
    from neurips25.common.io import atomic_write_json
    from neurips25.deep_crl import STUDY
    from neurips25.deep_crl.experiment import summarise

    dest.mkdir(parents=True, exist_ok=True)
    metrics = summarise(usable, sub, dest)
    report = {"partial": True, "arms_done": sorted(r["name"] for r in results),
              "arms_missing": missing, "judged_config": dataclasses.asdict(sub),
              "wall_seconds_in_arms": sum(r.get("wall_seconds") or 0.0 for r in results),
              "cpu_seconds_in_arms": sum(r.get("cpu_seconds") or 0.0 for r in results),
              "metrics": metrics, "claims": STUDY.check_claims(metrics)}
    atomic_write_json(dest / "partial.json", report)
    return report


def _parse(argv: list[str] | None) -> argparse.Namespace:
    from neurips25.common.executor import BACKENDS

    p = argparse.ArgumentParser(prog="python -m neurips25.deep_crl.sweep",
                                description=__doc__.splitlines()[0])
    p.add_argument("--preset", choices=("quick", "full"), default="full")
    p.add_argument("--out", type=Path, required=True, help="the study folder (holds arms/)")
    p.add_argument("--part", choices=PARTS, default="online")
    p.add_argument("--device", default=None, help="cpu (default) or cuda")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--executor", choices=BACKENDS, default=None)
    p.add_argument("--status", action="store_true", help="list the finished arms and stop")
    p.add_argument("--partial", type=Path, default=None, metavar="DIR",
                   help="judge the claims on the finished arms; write figures to DIR and stop")
    return p.parse_args(argv)


def _error(message: str) -> int:
    print(f"neurips25: error: {' '.join(message.split())}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.status:
        print(status(args.out))
        return 0
    from neurips25.common.executor import use_executor
    from neurips25.deep_crl.experiment import run_plan

    cfg = getattr(Config, args.preset)()
    given = {"device": args.device, "workers": args.workers}
    try:  # bad values fail here, before any work
        cfg = dataclasses.replace(cfg, **{k: v for k, v in given.items() if v is not None})
        if args.device is not None:
            from neurips25.deep_crl.device import resolve_device

            resolve_device(args.device)
        if args.partial is not None:
            results, missing = finished_arms(cfg, args.out)
            sub, usable = partial_config(cfg, results)
    except ValueError as exc:
        return _error(str(exc))
    if args.partial is not None:
        report = write_partial(sub, usable, results, missing, args.partial)
        for c in report["claims"]:
            print(f"{c['id']:<28} {c['verdict']:<20} {c['measured']}")
        print(f"{len(report['arms_done'])} arms done, {len(report['arms_missing'])} missing: "
              f"{', '.join(report['arms_missing']) or '-'}")
        return 0
    log = _Log()
    t0 = time.perf_counter()
    log.log(f"{args.preset} preset, part {args.part}, into {args.out / 'arms'}")
    with use_executor(args.executor):
        done = run_plan(cfg, args.part, args.out, log)
    log.log(f"all {len(done)} arms done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
