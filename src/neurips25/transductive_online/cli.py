"""``neurips25 mistake-bound FILE``: exact mistake bounds of your own finite class."""
from __future__ import annotations

import argparse
import json

MAX_HYPOTHESES = 1024  # beyond these the exact search can take hours; --force to try
MAX_POINTS = 256


def register(subparsers: argparse._SubParsersAction) -> None:
    from neurips25.common.args import float_range, int_range

    p = subparsers.add_parser(
        "mistake-bound",
        help="exact standard (LD) and transductive (M_tr) mistake bounds of a finite class",
        description="Reads a class (JSON list of 0/1 rows, or CSV; one row per hypothesis, "
                    "one column per point) and prints its Littlestone dimension, its exact "
                    "transductive mistake bound M_tr with the adversary's optimal sequence, "
                    "and the optimal learner's first predictions against it.")
    p.add_argument("file", help="the class: .json ([[0,1,...], ...]) or CSV rows of 0/1")
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    p.add_argument("--rounds", type=int_range(0, 100_000), default=10,
                   help="rounds of optimal play to show (default 10)")
    p.add_argument("--timeout", type=float_range(0, 7 * 86400, lo_open=True), default=120.0,
                   help="seconds allowed for the exact search (default 120)")
    p.add_argument("--force", action="store_true",
                   help=f"solve classes beyond {MAX_HYPOTHESES} hypotheses or {MAX_POINTS} "
                        "points anyway")
    p.set_defaults(func=_cmd_mistake_bound)


def _check_size(args: argparse.Namespace, size: int, n_points: int) -> None:
    from neurips25.common.errors import UserError

    if not args.force and (size > MAX_HYPOTHESES or n_points > MAX_POINTS):
        raise UserError(f"class too large to solve exactly in reasonable time ({size} "
                        f"hypotheses on {n_points} points; limit {MAX_HYPOTHESES} and "
                        f"{MAX_POINTS}); pass --force to try anyway")


def _cmd_mistake_bound(args: argparse.Namespace) -> int:
    from neurips25.common.errors import UserError
    from neurips25.transductive_online.classes import log2_floor
    from neurips25.transductive_online.loading import load_class
    from neurips25.transductive_online.solver import SearchTimeout, transductive_mistake_bound
    from neurips25.transductive_online.transductive import optimal_play

    cls = load_class(args.file)
    _check_size(args, cls.size, cls.n_points)
    try:
        bound = transductive_mistake_bound(cls, timeout=args.timeout)
    except SearchTimeout:
        raise UserError(f"the exact search ran past --timeout {args.timeout:g} s; M_tr is "
                        "not known exactly (raise --timeout)") from None
    play = optimal_play(cls, bound.sequence)[:args.rounds]
    out = {
        "file": args.file, "hypotheses": cls.size, "points": cls.n_points,
        "littlestone_dimension": bound.littlestone, "transductive_mistake_bound": bound.value,
        "halving_bound": log2_floor(cls.size), "adversary_sequence": list(bound.sequence),
        "optimal_play": [{"point": r.point, "prediction": r.prediction, "label": r.label,
                          "mistake": r.mistake} for r in play],
        "seconds": round(bound.seconds, 3), "search_states": bound.states,
    }
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"class: {cls.size} hypotheses on {cls.n_points} points ({args.file})")
    print(f"Littlestone dimension LD (standard game optimum): {bound.littlestone}")
    print(f"transductive mistake bound M_tr (sequence known in advance): {bound.value}")
    print(f"Halving bound floor(log2 |H|): {log2_floor(cls.size)}")
    seq = " ".join(f"x{x}" for x in bound.sequence) or "(none: one hypothesis)"
    print(f"adversary's optimal sequence ({len(bound.sequence)} points): {seq}")
    if play:
        print("optimal learner against the optimal adversary on that sequence:")
    for t, r in enumerate(play, 1):
        tag = "mistake" if r.mistake else "correct"
        print(f"  round {t}: x{r.point}  learner predicts {r.prediction}, "
              f"adversary answers {r.label}  ({tag})")
    print(f"solved exactly in {bound.seconds:.2f} s ({bound.states} search states)")
    return 0
