"""SuffixDecoding end to end on the demo Llama: tokens per CPU-second, side by side.

Greedy, HF prompt lookup, our prompt-lookup loop and suffix decoding (path, tree) on the
same held-out agentic requests (and the open-ended control), request-major, in one
process with one thread. Every repeat rebuilds and re-warms the suffix caches, so no
repeat sees an earlier repeat's outputs. Prints the medians over repeats of the ratios
against greedy and against prompt lookup, the tokens per model call, the speculation
share of decode time, and the CPU cost of a verification forward vs draft size.

Targets (issue 4): >= 2.0x over greedy, >= 1.25x over prompt lookup, speculation <= 5%.
Usage: python benchmarks/suffix_e2e.py [--repeats 3] [--full]
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys

from neurips25.common.progress import NullProgress
from neurips25.suffix_decoding.e2e import METHODS, E2EConfig, cost_curve, evaluate


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="suffix_e2e")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="full preset's model and request counts")
    args = ap.parse_args(argv)

    import torch

    from neurips25.suffix_decoding.demo.model import load_or_train

    torch.set_num_threads(1)
    cfg = E2EConfig.full() if args.full else E2EConfig.quick()
    model, tok, info = load_or_train(cfg.model_config(), NullProgress())
    print(f"demo model {info['params'] / 1e6:.2f}M params ({'cached' if info['cached'] else 'trained'}); "
          f"{cfg.eval_requests} eval requests/kind, {cfg.history_requests} history/kind, "
          f"{args.repeats} repeats; 1 thread, CPU-time throughput")
    runs = [evaluate(model, tok, dataclasses.replace(cfg, seed=cfg.seed), NullProgress())
            for _ in range(args.repeats)]

    def med(group: str, m: str, key: str) -> float:
        vals = [(r["agentic"] if group == "agentic" else r["per_kind"][group])[m].get(key)
                for r in runs]
        return statistics.median(v for v in vals if v is not None) if vals[0] is not None else float("nan")

    for group in ("agentic", "chat"):
        print(f"\n{group} requests (medians over {args.repeats} repeats)")
        print(f"{'method':18s} {'tok/CPU-s':>10s} {'vs greedy':>10s} {'vs PLD':>8s} "
              f"{'tok/call':>9s} {'calls/req':>10s} {'spec %':>7s} {'== greedy':>10s}")
        for m in METHODS:
            ratios_g = [_r(r, group, m, "greedy") for r in runs]
            ratios_p = [_r(r, group, m, "prompt-lookup") for r in runs]
            same = min(_g(r, group)[m]["identical_to_greedy"] for r in runs)
            n = _g(runs[0], group)[m]["requests"]
            print(f"{m:18s} {med(group, m, 'tokens_per_cpu_s'):10.1f} "
                  f"{statistics.median(ratios_g):9.2f}x {statistics.median(ratios_p):7.2f}x "
                  f"{med(group, m, 'tokens_per_step'):9.2f} {med(group, m, 'model_calls'):10.1f} "
                  f"{100 * med(group, m, 'spec_fraction'):6.1f}% {same:>6d}/{n}")
    cc = cost_curve(model, cfg)
    base = cc["forward_cpu_ms"][0]
    print("\nverification forward, CPU ms (median) vs draft tokens; ratio to a plain step:")
    print("  " + "  ".join(f"q={q}: {ms:.2f} ({ms / base:.2f}x)"
                           for q, ms in zip(cc["draft_tokens"], cc["forward_cpu_ms"], strict=True)))
    best_g = max(statistics.median(_r(r, "agentic", m, "greedy") for r in runs)
                 for m in ("suffix", "suffix-tree"))
    best_p = max(statistics.median(_r(r, "agentic", m, "prompt-lookup") for r in runs)
                 for m in ("suffix", "suffix-tree"))
    print(f"\nagentic: best suffix {best_g:.2f}x over greedy (target 2.0x), "
          f"{best_p:.2f}x over prompt lookup (target 1.25x)")
    return 0


def _g(run: dict, group: str) -> dict:
    return run["agentic"] if group == "agentic" else run["per_kind"][group]


def _r(run: dict, group: str, a: str, b: str) -> float:
    g = _g(run, group)
    return g[a]["tokens_per_cpu_s"] / g[b]["tokens_per_cpu_s"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
