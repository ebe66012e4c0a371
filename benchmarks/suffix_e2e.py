"""SuffixDecoding end to end on the demo Llama: tokens per CPU-second, and where the time goes.

Held-out agentic requests (and the open-ended control), request-major, one process, one
thread, CPU time (robust to other people's load). Every repeat rebuilds the suffix
caches and warms each with the same history responses, so no method sees another's
output. Rows:

- greedy decoding of every method (token-identical outputs): speedup over greedy and
  over prompt lookup (targets 2.0x and 1.25x), tokens per forward, and efficiency =
  speedup / tokens per forward (1.0 = free drafts and a flat verification cost; target
  0.8), with a per-step breakdown of where each method's step time goes (draft forward,
  mask/position building, acceptance, KV compaction, speculation, Python glue) next to
  greedy's plain step;
- sampling (temperature 0.7, top_p 0.9): tokens/CPU-s and tokens per forward;
- ``model.generate(custom_generate=suffix_generate)`` vs the direct loop (target: within
  5%);
- suffix decoding on ArcticInference's C++ cache when it imports.

Usage: python benchmarks/suffix_e2e.py [--repeats 3] [--requests N] [--full] [--model DIR]

``--model DIR`` benchmarks a saved demo model folder (say an earlier cached one) instead of
the one the config keys (which is trained first when it is not cached).
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from typing import Any

PHASES = ("forward_s", "mask_s", "accept_s", "compact_s", "spec_s", "glue_s")
SAMPLING = {"temperature": 0.7, "top_p": 0.9}


def _decoders(model: Any, cfg: Any, eos: int, history: list[list[int]]) -> dict[str, Any]:
    """Every row's decoder; suffix caches fresh and warmed with the history responses."""
    from neurips25.suffix_decoding.cache import SuffixDecodingCache, arctic_available, warm_cache
    from neurips25.suffix_decoding.decoder import SpeculativeDecoder
    from neurips25.suffix_decoding.e2e import decoders
    from neurips25.suffix_decoding.proposers import make_proposer

    decs = decoders(model, cfg, eos)
    opts = dict(max_spec_factor=cfg.spec_factor, min_token_prob=cfg.min_token_prob)
    caches = {"custom-generate": SuffixDecodingCache(24, 10_000)}
    for name in ("suffix", "suffix-tree"):
        c = SuffixDecodingCache(24, 10_000)
        decs[f"sample {name}"] = SpeculativeDecoder(
            model, make_proposer(name, cache=c, **opts), max_spec_tokens=cfg.max_spec_tokens,
            eos_token_ids=[eos], clock=time.process_time)
    decs["sample greedy"] = decs["greedy"]
    if arctic_available():
        from arctic_inference.suffix_decoding import SuffixDecodingCache as Arctic

        decs["suffix (Arctic C++ cache)"] = SpeculativeDecoder(
            model, make_proposer("suffix", cache=Arctic(24, 10_000), **opts),
            max_spec_tokens=cfg.max_spec_tokens, eos_token_ids=[eos], clock=time.process_time)
    for name, dec in decs.items():
        cache = getattr(dec.proposer, "cache", None)
        if cache is not None and name != "sample greedy":
            warm_cache(cache, history)
    warm_cache(caches["custom-generate"], history)
    return {"decoders": decs, "caches": caches}


def _custom_generate(model: Any, ids: list[int], cfg: Any, eos: int, cache: Any) -> list[int]:
    import torch

    from neurips25.suffix_decoding import suffix_generate

    x = torch.tensor([ids])
    out = model.generate(x, attention_mask=torch.ones_like(x), custom_generate=suffix_generate,
                         suffix_cache=cache, do_sample=False, max_new_tokens=cfg.max_new_tokens,
                         eos_token_id=eos, pad_token_id=eos, max_spec_tokens=cfg.max_spec_tokens,
                         max_spec_factor=cfg.spec_factor, min_token_prob=cfg.min_token_prob)
    return out[0, len(ids):].tolist()


def one_repeat(model: Any, tok: Any, cfg: Any, history: list[list[int]],
               order: list[tuple[str, list[int]]], seed: int) -> dict[str, dict[str, dict]]:
    """{group: {row: totals}} for one pass over the requests (request-major)."""
    import torch

    from neurips25.suffix_decoding import Sampling
    from neurips25.suffix_decoding.stats import GenStats

    eos = tok.eos_token_id
    built = _decoders(model, cfg, eos, history)
    decs, caches = built["decoders"], built["caches"]
    out: dict[str, dict[str, dict]] = {}
    sampling = Sampling(**SAMPLING)
    for i, (group, ids) in enumerate(order):
        rows = out.setdefault(group, {})
        ref = None
        for name, dec in [*decs.items(), ("custom-generate", None)]:
            r = rows.setdefault(name, {"tokens": 0, "cpu": 0.0, "same": 0, "n": 0,
                                       "stats": GenStats()})
            c0 = time.process_time()
            if dec is None:
                toks, st = _custom_generate(model, ids, cfg, eos, caches[name]), None
            elif name.startswith("sample"):
                g = torch.Generator().manual_seed(seed * 100_003 + i)
                toks, st = dec.generate(ids, cfg.max_new_tokens, sampling=sampling, generator=g)
            else:
                toks, st = dec.generate(ids, cfg.max_new_tokens)
            r["cpu"] += time.process_time() - c0
            ref = toks if name == "greedy" else ref
            r["tokens"] += len(toks)
            r["n"] += 1
            r["same"] += toks == ref
            if st is not None:
                r["stats"].add(st)
    return out


def _table(runs: list[dict], group: str) -> None:
    rows = list(runs[0][group])
    med = lambda f: statistics.median(f(r[group]) for r in runs)  # noqa: E731
    tps = lambda g, n: g[n]["tokens"] / g[n]["cpu"]  # noqa: E731
    tpf = lambda g, n: g[n]["tokens"] / max(g[n]["stats"].steps, 1)  # noqa: E731
    print(f"\n{group} requests, medians over {len(runs)} repeats (CPU time, 1 thread)")
    print(f"{'row':28s} {'tok/CPU-s':>9s} {'vs greedy':>9s} {'vs PLD':>7s} {'tok/fwd':>7s} "
          f"{'effic.':>6s} {'== greedy':>9s}")
    for n in rows:
        base = "sample greedy" if n.startswith("sample") else "greedy"
        vs_g = med(lambda g, n=n, b=base: tps(g, n) / tps(g, b))
        vs_p = med(lambda g, n=n: tps(g, n) / tps(g, "prompt-lookup"))
        has = runs[0][group][n]["stats"].steps > 0
        f = med(lambda g, n=n: tpf(g, n)) if has else float("nan")
        same = (f"{min(r[group][n]['same'] for r in runs)}/{runs[0][group][n]['n']}"
                if not n.startswith("sample") else "sampled")
        print(f"{n:28s} {med(lambda g, n=n: tps(g, n)):9.1f} {vs_g:8.2f}x {vs_p:6.2f}x "
              f"{f:7.2f} {vs_g / f if has else float('nan'):6.2f} {same:>9s}")


def _breakdown(runs: list[dict], group: str) -> None:
    """Per-step milliseconds of each phase, and what a method's step costs beyond greedy's.

    The prefill (same prompt, same work for every method) is a per-request cost; spread
    over a method's steps it weighs more the fewer steps a method takes, so it is shown
    apart: ``effic.`` compares decode steps, ``+prefill`` what the throughput table sees.
    """
    print(f"\n{group}: CPU ms per step (median over repeats); efficiency = greedy step / step")
    print(f"{'row':28s} {'drafted':>7s} " + " ".join(f"{p[:-2]:>7s}" for p in PHASES)
          + f" {'step':>7s} {'effic.':>6s} {'prefill':>7s} {'+prefill':>8s}")
    per_step = {}
    for n in runs[0][group]:
        if runs[0][group][n]["stats"].steps == 0:
            continue
        per_step[n] = {p: statistics.median(1e3 * getattr(r[group][n]["stats"], p)
                                            / r[group][n]["stats"].steps for r in runs)
                       for p in (*PHASES, "prefill_s")}
        per_step[n]["drafted"] = statistics.median(
            sum(r[group][n]["stats"].drafted) / r[group][n]["stats"].steps for r in runs)
    for n, vals in per_step.items():
        base = per_step["sample greedy" if n.startswith("sample") else "greedy"]
        step, gstep = (sum(v[p] for p in PHASES) for v in (vals, base))
        print(f"{n:28s} {vals['drafted']:7.2f} " + " ".join(f"{vals[p]:7.3f}" for p in PHASES)
              + f" {step:7.3f} {gstep / step:6.2f} {vals['prefill_s']:7.3f} "
              f"{(gstep + base['prefill_s']) / (step + vals['prefill_s']):8.2f}")


def _forward_costs(model: Any, prompt: list[int], reps: int = 60) -> None:
    """CPU ms of one verification pass (a path draft) by positions, root + drafted, in
    random order: the marginal cost of drafting on a CPU is a jump from 1 to 2 positions
    (matrix-vector to matrix-matrix products, a masked attention) plus a small slope per
    drafted token, so a rejected drafted token costs little and the jump is paid anyway."""
    import random

    import torch

    from neurips25.suffix_decoding.verify import (
        compact_cache,
        forward_step,
        forward_tokens,
        new_cache,
        step_inputs,
    )

    cache = new_cache(model)
    forward_tokens(model, cache, prompt[:-1], 0)
    n0, sizes = len(prompt) - 1, (1, 2, 4, 8, 16)
    times: dict[int, list[float]] = {t: [] for t in sizes}
    rng = random.Random(0)
    with torch.no_grad():
        for _ in range(reps):
            for t in rng.sample(sizes, len(sizes)):
                c0 = time.process_time()
                forward_step(model, cache, step_inputs(model, n0, prompt[-1], [5] * (t - 1),
                                                       list(range(-1, t - 2))))
                times[t].append(time.process_time() - c0)
                compact_cache(cache, n0, [])
    med = {t: 1e3 * statistics.median(v) for t, v in times.items()}
    print(f"\nforward CPU ms by positions (context {len(prompt)}, median of {reps}): "
          + "; ".join(f"{t}: {med[t]:.2f}" for t in sizes)
          + f"; jump 1->2 {med[2] - med[1]:.2f}, slope {(med[16] - med[2]) / 14:.3f} per token")


def _load_folder(path: str) -> tuple[Any, Any, dict]:
    """A saved model folder (no training, no download); exit 2 if it holds none."""
    from pathlib import Path

    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

    if not (Path(path) / "config.json").is_file():
        print(f"neurips25: error: no saved model in {path}", file=sys.stderr)
        sys.exit(2)
    model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True).eval()
    tok = PreTrainedTokenizerFast.from_pretrained(path, local_files_only=True)
    return model, tok, {"params": sum(p.numel() for p in model.parameters())}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="suffix_e2e")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--requests", type=int, default=None, help="eval requests per kind")
    ap.add_argument("--full", action="store_true", help="full preset's model and request counts")
    ap.add_argument("--model", default=None, help="a saved demo model folder to use instead")
    args = ap.parse_args(argv)
    if args.repeats < 1 or (args.requests is not None and args.requests < 1):
        ap.error("--repeats and --requests must be >= 1")

    from neurips25.common.progress import NullProgress
    from neurips25.common.threads import threads
    from neurips25.suffix_decoding.demo.model import load_or_train
    from neurips25.suffix_decoding.e2e import AGENTIC, E2EConfig, decoders, requests

    cfg = E2EConfig.full() if args.full else E2EConfig.quick()
    if args.requests:
        cfg = dataclasses.replace(cfg, eval_requests=args.requests)
    if args.model:
        model, tok, info = _load_folder(args.model)
    else:
        model, tok, info = load_or_train(cfg.model_config(), NullProgress())
    with threads(1):
        h_prompts, evals = requests(tok, cfg)
        suffix = decoders(model, cfg, tok.eos_token_id)["suffix"]
        history = [suffix.generate(p, cfg.max_new_tokens)[0] for p in h_prompts]
        order = [("agentic" if k in AGENTIC else "open-ended", tok(q.prompt)["input_ids"])
                 for i in range(cfg.eval_requests) for k, qs in evals.items() if i < len(qs)
                 for q in [qs[i]]]
        print(f"demo model {info['params'] / 1e6:.2f}M params; {len(order)} eval requests, "
              f"{len(history)} history responses, {args.repeats} repeats")
        one_repeat(model, tok, cfg, history, order[:3], 0)  # untimed warm-up
        runs = [one_repeat(model, tok, cfg, history, order, r) for r in range(args.repeats)]
        _forward_costs(model, max((ids for _, ids in order), key=len))
    for group in ("agentic", "open-ended"):
        _table(runs, group)
        _breakdown(runs, group)
    g = runs[0]["agentic"]
    best = max(("suffix", "suffix-tree"),
               key=lambda n: statistics.median(r["agentic"][n]["tokens"] / r["agentic"][n]["cpu"]
                                               for r in runs))
    ratio = lambda a, b: statistics.median(  # noqa: E731
        (r["agentic"][a]["tokens"] / r["agentic"][a]["cpu"])
        / (r["agentic"][b]["tokens"] / r["agentic"][b]["cpu"]) for r in runs)
    cg = ratio("custom-generate", "suffix")
    print(f"\nagentic, best suffix row ({best}): {ratio(best, 'greedy'):.2f}x over greedy "
          f"(target 2.0x), {ratio(best, 'prompt-lookup'):.2f}x over prompt lookup (target 1.25x); "
          f"custom_generate / direct loop = {cg:.3f} (target >= 0.95; outputs identical: "
          f"{g['custom-generate']['same']}/{g['custom-generate']['n']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
