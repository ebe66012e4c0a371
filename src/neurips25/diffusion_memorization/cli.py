"""``neurips25 memorization SAMPLES TRAIN [--held-out FILE]``: score generated samples for
memorization (d1/d2 < k against the training set) with a bootstrap CI and the held-out
baseline. Files: .npy, .npz (first array) or .csv/.txt (one flattened sample per row)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from neurips25.common import args as A
from neurips25.common.errors import UserError


def load_points(path: str) -> Any:
    import numpy as np

    p = Path(path)
    if p.is_dir():
        raise UserError(f"{p}: is a directory, expected a file of points")
    if not p.is_file():
        raise UserError(f"{p}: no such file")
    try:
        if p.suffix == ".npy":
            a = np.load(p, allow_pickle=False)
        elif p.suffix == ".npz":
            with np.load(p, allow_pickle=False) as z:
                if not z.files:
                    raise UserError(f"{p}: empty .npz")
                a = z[z.files[0]]
        elif p.suffix in (".csv", ".txt"):
            a = np.loadtxt(p, delimiter="," if p.suffix == ".csv" else None, ndmin=2)
        else:
            raise UserError(
                f"{p}: unsupported file type {p.suffix!r} (use .npy, .npz, .csv or .txt)"
            )
    except (ValueError, OSError) as exc:
        raise UserError(f"{p}: cannot read points ({exc})") from None
    if a.dtype.kind not in "biuf":
        raise UserError(f"{p}: expected real numbers, got an array of dtype {a.dtype}")
    if a.ndim < 2 or len(a) == 0 or a.size == 0:
        raise UserError(f"{p}: expected an array of shape (N, ...) with N >= 1, got {a.shape}")
    a = a.reshape(len(a), -1).astype("float64", copy=False)
    if not np.isfinite(a).all():
        raise UserError(f"{p}: contains NaN or inf")
    return a


def _cmd_memorization(args: argparse.Namespace) -> int:
    from neurips25.common.threads import threads
    from neurips25.diffusion_memorization.metrics import memorization_fraction

    samples, train = load_points(args.samples), load_points(args.train)
    if samples.shape[1] != train.shape[1]:
        raise UserError(
            f"samples have {samples.shape[1]} values per point, train has {train.shape[1]}"
        )
    if len(train) < 2:
        raise UserError("the training set needs at least 2 points")
    with threads(args.threads):
        score = memorization_fraction(samples, train, k=args.k, seed=args.seed)
    out = {
        "f_mem": score.fraction,
        "ci95": [score.lo, score.hi],
        "n_samples": score.n_samples,
        "k": args.k,
    }
    if args.held_out:
        held = load_points(args.held_out)
        if held.shape[1] != train.shape[1]:
            raise UserError(
                f"held-out points have {held.shape[1]} values per point, train has {train.shape[1]}"
            )
        with threads(args.threads):
            base = memorization_fraction(held, train, k=args.k, seed=args.seed)
        out["held_out_baseline"] = base.fraction
        out["memorizing"] = score.lo > base.fraction
    if args.json:
        print(json.dumps(out))
        return 0
    print(
        f"f_mem = {score.fraction:.3f}  (95% CI {score.lo:.3f}-{score.hi:.3f}, "
        f"{score.n_samples} samples, d1/d2 < {args.k:.3g})"
    )
    if args.held_out:
        verdict = "MEMORIZING" if out["memorizing"] else "not memorizing"
        print(
            f"held-out baseline = {out['held_out_baseline']:.3f}  ->  {verdict} "
            "(CI lower bound vs baseline)"
        )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "memorization", help="share of generated samples that copy a training point (d1/d2 < k)"
    )
    p.add_argument("samples", help="generated samples (.npy/.npz/.csv/.txt, one per row)")
    p.add_argument("train", help="the training set, same format and size per point")
    p.add_argument("--held-out", help="real data never trained on: the false-positive baseline")
    p.add_argument(
        "--k",
        type=A.float_range(0.0, 1.0, lo_open=True, hi_open=True),
        default=1 / 3,
        help="ratio threshold in (0, 1) (default 1/3, the paper's)",
    )
    p.add_argument("--seed", type=A.seed, default=0, help="bootstrap seed (0 <= seed < 2**32)")
    p.add_argument(
        "--threads",
        type=A.int_range(1, 1024),
        default=None,
        help="torch threads for the distance search (default: torch's own choice; "
        "1 is fastest on a busy machine)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_cmd_memorization)
