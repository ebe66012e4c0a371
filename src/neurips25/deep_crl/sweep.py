"""Run a preset's arms without the report (``python -m neurips25.deep_crl.sweep --out D``).

The long online sweep can be started (or moved to another machine, ``--device cuda``) on
its own; each finished arm lands in ``D/arms/<name>.json`` and a later
``neurips25 run deep_crl --preset full`` into the same folder reuses it. Re-running this
command resumes: finished arms are skipped, an interrupted online arm resumes from its
checkpoint.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from neurips25.common.progress import NullProgress
from neurips25.deep_crl.experiment import Config


class _Log(NullProgress):
    def log(self, message: str) -> None:
        print(time.strftime("%H:%M:%S"), message, flush=True)


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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m neurips25.deep_crl.sweep",
                                description=__doc__.splitlines()[0])
    p.add_argument("--preset", choices=("quick", "full"), default="full")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--part", choices=("online", "stitch", "all"), default="online")
    p.add_argument("--device", default=None, help="cpu (default) or cuda")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--status", action="store_true", help="list the finished arms and stop")
    args = p.parse_args(argv)
    if args.status:
        print(status(args.out))
        return 0
    from neurips25.deep_crl.arms import run_arms

    cfg = getattr(Config, args.preset)()
    given = {"device": args.device, "workers": args.workers}
    cfg = dataclasses.replace(cfg, **{k: v for k, v in given.items() if v is not None})
    tasks, follow = cfg.plan(args.part)
    log = _Log()
    t0 = time.perf_counter()
    log.log(f"{len(tasks)}+ arms into {args.out / 'arms'}, {cfg.workers} at a time")
    done = run_arms(tasks, args.out, cfg.workers, log, "arms", follow=follow)
    log.log(f"all {len(done)} arms done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
