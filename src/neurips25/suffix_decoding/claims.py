"""The paper's workload claims as checks over the simulation metrics.

Thresholds were fixed before the first full run and are not tuned. Tokens per
verification step (accepted + bonus) is the quantity the paper's trace simulations
report; on a GPU, where a verification step costs about one decode step, it bounds the
wall-clock speedup from above.
"""
from __future__ import annotations

from neurips25.study import (
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    Claim,
    Metrics,
    not_measurable,
)

AGENTIC = ("code_edit", "sql_tools", "self_refine")


def _tps(m: Metrics, workload: str, method: str) -> float:
    return float(m["main"][workload][method]["tokens_per_step"])


def _best_pld(m: Metrics, workload: str) -> tuple[str, float]:
    rows = {k: v["tokens_per_step"] for k, v in m["main"][workload].items() if k.startswith("prompt-lookup")}
    name = max(rows, key=rows.get)  # type: ignore[arg-type]
    return name.removeprefix("prompt-lookup-"), float(rows[name])


def check_beats_prompt_lookup(m: Metrics) -> tuple[str, str, str]:
    ratios = {}
    for w in AGENTIC:
        if w in m["main"]:
            k, pld = _best_pld(m, w)
            ratios[w] = (_tps(m, w, "suffix"), pld, k)
    if not ratios:
        return "n/a", NOT_REPRODUCED, "no agentic workload was run"
    measured = "; ".join(f"{w} {s:.2f} vs {p:.2f} ({k}) = {s / p:.2f}x" for w, (s, p, k) in ratios.items())
    wins = [w for w, (s, p, _) in ratios.items() if s >= 1.10 * p]
    if len(wins) == len(ratios):
        return measured, REPRODUCED, "suffix (path) yields >= 1.10x the tokens/step of the best fixed-k prompt lookup on every agentic workload"
    if wins:
        return measured, PARTLY, f">= 1.10x only on {', '.join(wins)}"
    return measured, NOT_REPRODUCED, "suffix decoding is not >= 1.10x prompt lookup on any agentic workload"


def check_global_tree(m: Metrics) -> tuple[str, str, str]:
    w = "sql_tools"
    on, off = _tps(m, w, "suffix"), _tps(m, w, "suffix-no-global")
    others = [f"{x} {_tps(m, x, 'suffix') / _tps(m, x, 'suffix-no-global'):.2f}x"
              for x in ("code_edit", "self_refine") if x in m["main"]]
    measured = f"{w}: {on:.2f} with vs {off:.2f} without global tree = {on / off:.2f}x (intra-request workloads: {', '.join(others)})"
    if on >= 1.5 * off:
        return measured, REPRODUCED, "the global tree multiplies tokens/step where repetition is across requests (threshold 1.5x)"
    if on >= 1.1 * off:
        return measured, PARTLY, "the global tree helps on cross-request repetition, but by less than 1.5x"
    return measured, NOT_REPRODUCED, "the global tree does not raise tokens/step by >= 1.1x on templated tool calls"


def check_more_cached(m: Metrics) -> tuple[str, str, str]:
    sweeps = m.get("cached_sweep") or {}
    if not sweeps:
        return "n/a", NOT_REPRODUCED, "no cached-responses sweep was run"
    parts, good, weak = [], [], []
    for w, rows in sweeps.items():
        ys = [r["tokens_per_step"] for r in rows]
        gain = ys[-1] / ys[0]
        running, monotone = ys[0], True
        for y in ys[1:]:
            monotone &= y >= 0.95 * running
            running = max(running, y)
        parts.append(f"{w}: " + " -> ".join(f"{r['cached']}:{r['tokens_per_step']:.2f}" for r in rows))
        (good if gain >= 1.2 and monotone else weak).append(
            f"{w} {gain:.2f}x{'' if monotone else ' with a dip > 5%'}")
    measured = "; ".join(parts) + " (cached responses: tokens/step)"
    if not weak:
        return measured, REPRODUCED, f"tokens/step rises >= 1.2x with no dip > 5%: {', '.join(good)}"
    if good:
        intra = all(x.split()[0] in ("code_edit", "self_refine") for x in weak)
        why = " (their reuse is within the request: the global cache adds little)" if intra else ""
        return measured, PARTLY, f"rises >= 1.2x on {', '.join(good)}; not on {', '.join(weak)}{why}"
    return measured, NOT_REPRODUCED, f"no >= 1.2x monotone rise: {', '.join(weak)}"


def check_alpha(m: Metrics) -> tuple[str, str, str]:
    sweeps = m.get("alpha_sweep") or {}
    if not sweeps:
        return "n/a", NOT_REPRODUCED, "no alpha sweep was run"
    parts, ok = [], []
    for w, rows in sweeps.items():
        tau = max(r["tau"] for r in rows)
        sel = sorted((r for r in rows if r["tau"] == tau), key=lambda r: r["alpha"])
        lo, hi = sel[0], sel[-1]
        parts.append(f"{w} (tau={tau:g}) alpha {lo['alpha']:g}->{hi['alpha']:g}: tokens/step "
                     f"{lo['tokens_per_step']:.2f}->{hi['tokens_per_step']:.2f}, drafted/step "
                     f"{lo['drafted_per_step']:.2f}->{hi['drafted_per_step']:.2f}, acceptance "
                     f"{lo['acceptance_rate']:.2f}->{hi['acceptance_rate']:.2f}")
        ok.append(hi["tokens_per_step"] > lo["tokens_per_step"] and hi["drafted_per_step"] > lo["drafted_per_step"])
    measured = "; ".join(parts)
    if all(ok):
        return measured, REPRODUCED, "larger alpha gives more tokens/step for more drafted tokens on every swept workload"
    if any(ok):
        return measured, PARTLY, "the alpha trade-off shows on some swept workloads only"
    return measured, NOT_REPRODUCED, "larger alpha does not give more tokens/step"


def check_open_ended(m: Metrics) -> tuple[str, str, str]:
    if "open_ended" not in m["main"]:
        return "n/a", NOT_REPRODUCED, "the open-ended control was not run"
    open_tps = _tps(m, "open_ended", "suffix")
    agentic = [_tps(m, w, "suffix") for w in AGENTIC if w in m["main"]]
    mean = sum(agentic) / len(agentic)
    _, pld = _best_pld(m, "open_ended")
    measured = (f"open-ended {open_tps:.2f} tokens/step (best prompt lookup {pld:.2f}) vs "
                f"agentic mean {mean:.2f}: ratio {open_tps / mean:.2f}")
    if open_tps <= 0.5 * mean:
        return measured, REPRODUCED, "little reuse, little gain: open-ended tokens/step <= half the agentic mean"
    if open_tps <= 0.8 * mean:
        return measured, PARTLY, "the open-ended gain is smaller, but more than half the agentic gain"
    return measured, NOT_REPRODUCED, "open-ended text gains as much as agentic work here"


CLAIMS = (
    Claim("suffix_beats_prompt_lookup",
          "Adaptive suffix-tree drafting accepts more tokens per step than fixed-k prompt lookup on agentic workloads.",
          "up to 5.3x over vanilla decoding on AgenticSQL (abstract); ArcticInference docs, SWE-Bench: 75.8 / 175 / 286 tok/s (none / n-gram / suffix) = 1.63x over n-gram",
          check_beats_prompt_lookup),
    Claim("global_tree_cross_request",
          "The global tree of previous responses is what captures repetition across requests.",
          "paper Sec. 3.1/4: global + per-request trees; AgenticSQL gains come from cross-request patterns",
          check_global_tree),
    Claim("more_cached_more_acceptance",
          "More cached responses in the global tree raise acceptance.",
          "paper Sec. 4: speedup grows with the number of cached requests",
          check_more_cached),
    Claim("alpha_tradeoff",
          "A larger max_spec_factor alpha gives more tokens per step at the cost of more drafted tokens.",
          "paper Sec. 3.2/4: adaptive budget alpha·p trades acceptance rate for tokens per step",
          check_alpha),
    Claim("open_ended_control",
          "On open-ended output with little reuse, suffix decoding gains little (honest lower bound).",
          "ArcticInference docs, ShareGPT: 76.0 / 91.2 / 113 tok/s (none / n-gram / suffix) = 1.49x vs 3.8x on SWE-Bench",
          check_open_ended),
    Claim("vs_eagle",
          "SuffixDecoding is up to 2.8x faster than EAGLE-2/3 on agentic workloads.",
          "2.8x over EAGLE-2/3 (abstract)",
          not_measurable("EAGLE needs a trained draft head on a large target model; not implemented in this CPU study")),
    Claim("vs_token_recycling",
          "SuffixDecoding is up to 1.9x faster than Token Recycling.",
          "1.9x over Token Recycling (abstract)",
          not_measurable("Token Recycling needs a target model's top-k adjacency matrix; not implemented in this CPU study")),
)
