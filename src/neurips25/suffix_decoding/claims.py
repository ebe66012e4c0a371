"""SuffixDecoding's claims as checks: part 1 on the trace simulation, part 2 end to end.

Paper: arXiv 2411.04975v3 (abstract: up to 5.3x over vanilla decoding, 2.8x over
EAGLE-2/3, 1.9x over Token Recycling); the NeurIPS 2025 proceedings abstract reports
3.9x / 2.2x / 1.6x for the same comparisons. Bars were fixed before the runs and say
where they come from (``Claim.bar``). Tokens per verification step (accepted + bonus)
is what the paper's trace simulations report; where a verification step costs about
one decode step (a GPU at small batch), the throughput ratio of two methods equals
their tokens-per-step ratio.
"""
from __future__ import annotations

from collections.abc import Callable

from neurips25.study import (
    NOT_MEASURABLE,
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    Claim,
    Metrics,
    not_measurable,
)

AGENTIC = ("code_edit", "sql_tools", "self_refine")
PLD_GAIN = 1.63  # ArcticInference docs, SWE-Bench: suffix 286 vs n-gram 175 tok/s
Check = Callable[[Metrics], tuple[str, str, str]]


def _tps(m: Metrics, workload: str, method: str) -> float:
    return float(m["main"][workload][method]["tokens_per_step"])


def _pld(m: Metrics, workload: str, ks: set[int] | None = None) -> tuple[int, float]:
    """(k, tokens/step) of the best prompt lookup among ``ks`` (all if None)."""
    rows = {int(k.removeprefix("prompt-lookup-k")): v["tokens_per_step"]
            for k, v in m["main"][workload].items() if k.startswith("prompt-lookup-k")}
    rows = {k: v for k, v in rows.items() if ks is None or k in ks}
    k = max(rows, key=rows.get)  # type: ignore[arg-type]
    return k, float(rows[k])


def _grade(measured: str, reproduced: tuple[bool, str], partly: tuple[bool, str],
           otherwise: str) -> tuple[str, str, str]:
    """(measured, verdict, why): reproduced if its test holds, else partly if its does."""
    if reproduced[0]:
        return measured, REPRODUCED, reproduced[1]
    if partly[0]:
        return measured, PARTLY, partly[1]
    return measured, NOT_REPRODUCED, otherwise


def check_beats_prompt_lookup(m: Metrics) -> tuple[str, str, str]:
    """Default caps (suffix 24 vs prompt lookup's usual k in pld_ks) and equal caps."""
    cfg = m.get("config_caps") or {"suffix": 24, "pld_ks": [4, 8], "equal": 8}
    work = [w for w in AGENTIC if w in m["main"]]
    if not work:
        return "n/a", NOT_MEASURABLE, "no agentic workload was run"
    cap, eq = cfg["suffix"], cfg["equal"]
    default, at_eq, at_cap, parts = {}, {}, {}, []
    for w in work:
        k, pld = _pld(m, w, set(cfg["pld_ks"]))
        default[w] = _tps(m, w, "suffix") / pld
        at_eq[w] = _tps(m, w, f"suffix-cap{eq}") / _pld(m, w, {eq})[1]
        at_cap[w] = _tps(m, w, "suffix") / _pld(m, w, {cap})[1]
        parts.append(f"{w} {default[w]:.2f}x (vs k={k}); equal cap {eq}: {at_eq[w]:.2f}x; "
                     f"equal cap {cap}: {at_cap[w]:.2f}x")
    measured = "suffix / prompt-lookup tokens per step: " + "; ".join(parts)
    everywhere = all(default[w] >= PLD_GAIN and at_eq[w] > 1 and at_cap[w] > 1 for w in work)
    if everywhere:
        return measured, REPRODUCED, (f">= {PLD_GAIN}x at each method's usual cap and ahead "
                                      "at equal caps on every agentic workload")
    ahead = [w for w in work if default[w] >= 1.10]
    behind = [w for w in work if at_cap[w] < 1 or at_eq[w] < 1]
    if ahead:
        why = f"ahead by >= 1.10x at the usual caps on {', '.join(ahead)}"
        if behind:
            why += (f"; at an equal cap prompt lookup drafts as far or further on "
                    f"{', '.join(behind)} (a fixed long draft copies in-request repeats; the "
                    "suffix budget alpha·p stops at the match length)")
        return measured, PARTLY, why
    return measured, NOT_REPRODUCED, ("suffix decoding is not >= 1.10x prompt lookup on any "
                                      "agentic workload")


def check_global_tree(m: Metrics) -> tuple[str, str, str]:
    w = "sql_tools"
    on, off = _tps(m, w, "suffix"), _tps(m, w, "suffix-no-global")
    others = [f"{x} {_tps(m, x, 'suffix') / _tps(m, x, 'suffix-no-global'):.2f}x"
              for x in ("code_edit", "self_refine") if x in m["main"]]
    measured = (f"{w}: {on:.2f} with vs {off:.2f} without global tree = {on / off:.2f}x "
                f"(intra-request workloads: {', '.join(others)})")
    return _grade(measured, (on >= 1.5 * off, "the global tree multiplies tokens/step where "
                                              "repetition is across requests"),
                  (on >= 1.1 * off, "the global tree helps on cross-request repetition, but "
                                    "by less than 1.5x"),
                  "the global tree does not raise tokens/step by >= 1.1x on templated tool calls")


def check_more_cached(m: Metrics) -> tuple[str, str, str]:
    sweeps = m.get("cached_sweep") or {}
    if not sweeps:
        return "n/a", NOT_MEASURABLE, "no cached-responses sweep was run"
    parts, good, weak = [], [], []
    for w, rows in sweeps.items():
        ys = [r["tokens_per_step"] for r in rows]
        gain = ys[-1] / ys[0]
        running, monotone = ys[0], True
        for y in ys[1:]:
            monotone &= y >= 0.95 * running
            running = max(running, y)
        steps = " -> ".join(f"{r['cached']}:{r['tokens_per_step']:.2f}" for r in rows)
        parts.append(f"{w}: {steps}")
        (good if gain >= 1.2 and monotone else weak).append(
            f"{w} {gain:.2f}x{'' if monotone else ' with a dip > 5%'}")
    measured = "; ".join(parts) + " (cached responses: tokens/step)"
    return _grade(measured, (not weak, f"tokens/step rises >= 1.2x with no dip > 5%: "
                                       f"{', '.join(good)}"),
                  (bool(good), f"rises >= 1.2x on {', '.join(good)}; not on {', '.join(weak)}"),
                  f"no >= 1.2x monotone rise: {', '.join(weak)}")


def check_alpha(m: Metrics) -> tuple[str, str, str]:
    sweeps = m.get("alpha_sweep") or {}
    if not sweeps:
        return "n/a", NOT_MEASURABLE, "no alpha sweep was run"
    parts, ok = [], []
    for w, rows in sweeps.items():
        tau = max(r["tau"] for r in rows)
        sel = sorted((r for r in rows if r["tau"] == tau), key=lambda r: r["alpha"])
        lo, hi = sel[0], sel[-1]
        parts.append(f"{w} (tau={tau:g}) alpha {lo['alpha']:g}->{hi['alpha']:g}: tokens/step "
                     f"{lo['tokens_per_step']:.2f}->{hi['tokens_per_step']:.2f}, drafted/step "
                     f"{lo['drafted_per_step']:.2f}->{hi['drafted_per_step']:.2f}, acceptance "
                     f"{lo['acceptance_rate']:.2f}->{hi['acceptance_rate']:.2f}")
        ok.append(hi["tokens_per_step"] > lo["tokens_per_step"]
                  and hi["drafted_per_step"] > lo["drafted_per_step"]
                  and hi["acceptance_rate"] < lo["acceptance_rate"])
    return _grade("; ".join(parts), (all(ok), "larger alpha: more tokens/step for more drafted "
                                              "tokens at a lower acceptance rate"),
                  (any(ok), "the alpha trade-off shows on some swept workloads only"),
                  "larger alpha does not trade acceptance rate for tokens/step")


def check_open_ended(m: Metrics) -> tuple[str, str, str]:
    if "open_ended" not in m["main"]:
        return "n/a", NOT_MEASURABLE, "the open-ended control was not run"
    open_tps = _tps(m, "open_ended", "suffix")
    agentic = [_tps(m, w, "suffix") for w in AGENTIC if w in m["main"]]
    mean = sum(agentic) / len(agentic)
    _, pld = _pld(m, "open_ended")
    measured = (f"open-ended {open_tps:.2f} tokens/step (best prompt lookup {pld:.2f}) vs "
                f"agentic mean {mean:.2f}: ratio {open_tps / mean:.2f}")
    return _grade(measured, (open_tps <= 0.5 * mean, "little reuse, little gain: open-ended "
                                                     "tokens/step <= half the agentic mean"),
                  (open_tps <= 0.8 * mean, "the open-ended gain is smaller, but more than half "
                                           "the agentic gain"),
                  "open-ended text gains as much as agentic work here")


CLAIMS = (
    Claim("suffix_beats_prompt_lookup",
          "Adaptive suffix-tree drafting accepts more tokens per step than fixed-k prompt lookup "
          "on agentic workloads.",
          "ArcticInference docs, SWE-Bench: 75.8 / 175 / 286 tok/s (none / n-gram / suffix) = "
          "1.63x over n-gram",
          check_beats_prompt_lookup,
          bar=f"paper: {PLD_GAIN}x over n-gram (ArcticInference docs, SWE-Bench); at equal "
              "per-step cost that is the tokens/step ratio. Reproduced: >= 1.63x at each "
              "method's usual cap and ahead at equal caps on every agentic workload; partly: "
              ">= 1.10x somewhere"),
    Claim("global_tree_cross_request",
          "The global tree of previous responses is what captures repetition across requests.",
          "arXiv 2411.04975v3 Sec. 3.1/4: global + per-request trees; AgenticSQL gains come from "
          "cross-request patterns",
          check_global_tree,
          bar="a priori: >= 1.5x tokens/step with vs without the global tree on templated tool "
              "calls (partly >= 1.1x); the paper reports several-fold AgenticSQL speedups"),
    Claim("more_cached_more_acceptance",
          "More cached responses in the global tree raise acceptance.",
          "arXiv 2411.04975v3 Sec. 4: speedup grows with the number of cached requests",
          check_more_cached,
          bar="a priori: >= 1.2x rise in tokens/step over the sweep, no dip > 5%"),
    Claim("alpha_tradeoff",
          "A larger max_spec_factor alpha gives more tokens per step at the cost of more drafted "
          "tokens.",
          "arXiv 2411.04975v3 Sec. 3.2/4: adaptive budget alpha·p trades acceptance rate for "
          "tokens per step",
          check_alpha,
          bar="a priori: the direction (alpha 1 -> 4: tokens/step and drafted/step up, acceptance "
              "rate down)"),
    Claim("open_ended_control",
          "On open-ended output with little reuse, suffix decoding gains little (honest lower "
          "bound).",
          "ArcticInference docs, ShareGPT: 76.0 / 91.2 / 113 tok/s = 1.49x vs 3.77x on SWE-Bench",
          check_open_ended,
          bar="paper: ShareGPT's speedup is 0.39 of SWE-Bench's (1.49x vs 3.77x); bar: open-ended "
              "tokens/step <= 0.5 of the agentic mean (partly <= 0.8)"),
    Claim("vs_eagle",
          "SuffixDecoding is up to 2.8x faster than EAGLE-2/3 on agentic workloads.",
          "2.8x (arXiv 2411.04975v3 abstract); 2.2x (NeurIPS 2025 proceedings abstract)",
          not_measurable("EAGLE needs a trained draft head on a large target model; not "
                         "implemented in this CPU study"),
          bar="none: not measured here"),
    Claim("vs_token_recycling",
          "SuffixDecoding is up to 1.9x faster than Token Recycling.",
          "1.9x (arXiv 2411.04975v3 abstract); 1.6x (NeurIPS 2025 proceedings abstract)",
          not_measurable("Token Recycling needs a target model's top-k adjacency matrix; not "
                         "implemented in this CPU study"),
          bar="none: not measured here"),
)


# ------------------------------------------------------------- part 2: end to end
def _needs_e2e(check: Check) -> Check:
    """A part-2 check on the end-to-end metrics (as returned, or nested under "e2e" by the
    study); not measurable when the study ran without the end-to-end part."""

    def checked(m: Metrics) -> tuple[str, str, str]:
        if "e2e" not in m and "per_kind" not in m:
            return "n/a", NOT_MEASURABLE, "end-to-end part not run (Config.e2e is None)"
        return check(m.get("e2e", m))

    return checked


def _lossless(m: Metrics) -> tuple[str, str, str]:
    ours = ("prompt-lookup", "suffix", "suffix-tree")
    same = total = 0
    for by in m["per_kind"].values():
        for meth in ours:
            same += by[meth]["identical_to_greedy"]
            total += by[meth]["requests"]
    hf = sum(by["hf-prompt-lookup"]["identical_to_greedy"] for by in m["per_kind"].values())
    n = sum(by["greedy"]["requests"] for by in m["per_kind"].values())
    measured = f"{same}/{total} outputs identical to greedy (HF prompt lookup: {hf}/{n})"
    if total == 0:
        return measured, NOT_MEASURABLE, "no evaluation requests"
    if same == total:
        return measured, REPRODUCED, ("every speculative output equals vanilla greedy, token for "
                                      "token")
    return measured, NOT_REPRODUCED, "some speculative outputs differ from greedy: a verifier bug"


def _faster_than_greedy(m: Metrics) -> tuple[str, str, str]:
    s, ag = m["speedup"], m["agentic"]
    best = s["agentic_best_suffix_vs_greedy"]
    measured = (f"{best:.2f}x tokens/CPU-s over greedy (path {s['agentic_suffix_vs_greedy']:.2f}x, "
                f"tree {s['agentic_suffix_tree_vs_greedy']:.2f}x; "
                f"{ag['suffix']['tokens_per_step']:.2f} tokens/call)")
    why = ("CPU forward cost grows with draft size, so tokens/call do not all turn into speed "
           f"(see e2e_cost_curve.png); wall-clock ratio {s['agentic_suffix_vs_greedy_wall']:.2f}x")
    ref = m.get("reference_cost_curve")
    if ref:
        why += (f"; the same acceptance on a {ref['params'] / 1e6:.0f}M-param model's CPU cost "
                f"curve predicts {ref['predicted_speedup_vs_greedy']['suffix']:.2f}x")
    return _grade(measured, (best >= 2.0, "meets the >= 2x target on agentic requests; " + why),
                  (best > 1.1, "faster than greedy but below the 2x target; " + why),
                  "no real speedup at this scale; " + why)


def _faster_than_pld(m: Metrics) -> tuple[str, str, str]:
    best, ag = m["speedup"]["agentic_best_suffix_vs_prompt_lookup"], m["agentic"]
    measured = (f"{best:.2f}x tokens/CPU-s over prompt lookup (k={m['config']['pld_k']}); "
                f"tokens/call {ag['suffix']['tokens_per_step']:.2f} vs "
                f"{ag['prompt-lookup']['tokens_per_step']:.2f}")
    return _grade(measured, (best >= 1.25, "meets the >= 1.25x target: the global tree drafts "
                                           "templates prompt lookup cannot see"),
                  (best > 1.02, "faster than prompt lookup, below the 1.25x target"),
                  "not faster than prompt lookup here")


def _control(m: Metrics) -> tuple[str, str, str]:
    s = m["speedup"]
    chat, ag = s["chat_suffix_vs_greedy"], s["agentic_best_suffix_vs_greedy"]
    g = m["per_kind"]["chat"]["greedy"]
    measured = (f"open-ended {chat:.2f}x vs agentic {ag:.2f}x over greedy "
                f"({g['distinct_outputs']}/{g['requests']} distinct open-ended greedy outputs)")
    why = ("a small model's greedy open-ended text is repetitive (few distinct outputs, "
           "loops), which any suffix drafter predicts; real chat models vary far more")
    half = chat < ag and (ag - 1) >= 2 * max(chat - 1, 0.0)
    return _grade(measured, (half, "the gain on open-ended text is at most half the agentic gain"),
                  (chat < ag, "smaller gain on open-ended text, but not by much: " + why),
                  "open-ended text gains as much as agentic work: " + why)


def _overhead(m: Metrics) -> tuple[str, str, str]:
    ag = m["agentic"]
    f = max(ag["suffix"]["spec_fraction"], ag["suffix-tree"]["spec_fraction"])
    idx = max(ag["suffix"]["index_fraction"], ag["suffix-tree"]["index_fraction"])
    measured = (f"speculation {100 * f:.1f}% of decode time, of which tree indexing "
                f"(prompt + new tokens) {100 * idx:.1f}% (pure-Python suffix tree)")
    return _grade(measured, (f <= 0.05, "within the 5% target"),
                  (f <= 0.15, "above the 5% target: a pure-Python tree vs a tiny model's fast "
                              "forward"),
                  "speculation is a large share of step time with this tiny model")


E2E_CLAIMS: tuple[Claim, ...] = (
    Claim("e2e-lossless", "Suffix decoding's output is token-for-token the greedy output.",
          "lossless by construction (arXiv 2411.04975v3 Sec. 3, greedy verification)",
          _needs_e2e(_lossless),
          bar="a priori: lossless by construction, so every output must equal greedy's"),
    Claim("e2e-speedup-vs-greedy",
          "Suffix decoding is much faster than vanilla decoding on agentic requests.",
          "up to 5.3x on AgenticSQL (arXiv 2411.04975v3 abstract; 3.9x in the NeurIPS 2025 "
          "proceedings abstract); ArcticInference docs SWE-Bench 75.8 -> 286 tok/s (3.8x)",
          _needs_e2e(_faster_than_greedy),
          bar="project target: >= 2x tokens per CPU-second on a 2-core CPU (partly > 1.1x)"),
    Claim("e2e-speedup-vs-prompt-lookup",
          "Suffix decoding beats prompt-lookup (n-gram) decoding on agentic requests.",
          "ArcticInference docs SWE-Bench ngram 175 vs suffix 286 tok/s (1.63x)",
          _needs_e2e(_faster_than_pld),
          bar="project target: >= 1.25x tokens per CPU-second (partly > 1.02x)"),
    Claim("e2e-open-ended-control", "On open-ended text the gain is small (honest control).",
          "ArcticInference docs ShareGPT 76.0 -> 113 tok/s (1.49x) vs SWE-Bench 3.8x",
          _needs_e2e(_control),
          bar="a priori: the open-ended gain (speedup - 1) at most half the agentic gain"),
    Claim("e2e-speculation-overhead", "Suffix-tree speculation is cheap next to the model forward.",
          "CPU-side tree lookup of microseconds (arXiv 2411.04975v3 Sec. 3; C++ ~10 us)",
          _needs_e2e(_overhead),
          bar="project target: speculation <= 5% of decode time (partly <= 15%)"),
)
