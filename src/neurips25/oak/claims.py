"""The STOMP/Oak claims as checks on the metrics of ``experiment.run``.

The STOMP paper (Sutton et al., "Reward-respecting subtasks for model-based reinforcement
learning", arXiv 2202.03466v4, 2023) states its four-rooms findings
qualitatively; no number of it is used here, so every bar is a priori and says so. Claims
that compare conditions judge seeds (independent behaviour streams) or draws of random
features with a 95% t interval. Each check can fail (tests/oak/test_claims.py).
"""
from __future__ import annotations

from neurips25.common.stats import paired_diff_ci
from neurips25.oak.experiment import LEARNED
from neurips25.study import NOT_REPRODUCED, PARTLY, REPRODUCED, Claim, Metrics

SPEEDUP = 3.0  # "several times fewer sweeps"
VALUE_TOL = 0.02  # "plans as well": greedy value at k=2 within 0.02 (2.8% of v*)
USAGE_X = 2.0  # "more useful": planner usage at least twice that of random cells


def _planning_speed(m: Metrics) -> tuple[str, str, str]:
    k_prim = m["sweeps_to_near_optimal"]["primitives"]
    k_opt = [r["sweeps_learned"] for r in m["per_seed"]]
    measured = (f"sweeps to 95% of v*: primitives {k_prim}, learned options+models "
                f"{k_opt} ({len(k_opt)} seeds); value at k=2 {m['value_at'][LEARNED]['2']:.3f} "
                f"vs primitives {m['value_at']['primitives']['2']:.3f}")
    if any(k is None for k in k_opt):
        return measured, NOT_REPRODUCED, "learned option models never reach 95% of v* (a seed)"
    if k_prim is None:
        return measured, REPRODUCED, "primitives never reach 95% of v* within the sweeps run"
    # small integer counts: every seed must clear the bar (a t interval on 3 ratios of
    # integers says little)
    ratios = [k_prim / max(k, 1) for k in k_opt]
    if min(ratios) >= SPEEDUP:
        return measured, REPRODUCED, (f"{min(ratios):.1f}x-{max(ratios):.1f}x fewer sweeps with "
                                      f"learned option models, every seed >= {SPEEDUP:g}x")
    if sum(ratios) / len(ratios) > 1:
        return measured, PARTLY, (f"{min(ratios):.1f}x-{max(ratios):.1f}x fewer sweeps; not "
                                  f"every seed reaches {SPEEDUP:g}x")
    return measured, NOT_REPRODUCED, "options need as many sweeps as primitives"


def _avoid_penalty(m: Metrics) -> tuple[str, str, str]:
    """Exact options: deterministic, no seeds needed."""
    rr, sp = m["penalty_entries_mean"]["rr"], m["penalty_entries_mean"]["sp"]
    start = m["penalty_entries_per_option_from_start"]
    worst = max(start, key=lambda h: start[h]["sp"])
    measured = (f"discounted penalty entries per option run (mean over states): RR {rr:.3f} vs "
                f"SP {sp:.3f}; from start, option {worst}: RR {start[worst]['rr']:.2f} vs "
                f"SP {start[worst]['sp']:.2f}")
    if rr <= 0.5 * sp:
        return measured, REPRODUCED, (f"reward-respecting options enter the penalty "
                                      f"{sp / max(rr, 1e-12):.1f}x less")
    if rr < sp:
        return measured, PARTLY, "fewer penalty entries, but less than half as many is not met"
    return measured, NOT_REPRODUCED, "reward-respecting options enter the penalty region as often"


def _learned_models(m: Metrics) -> tuple[str, str, str]:
    seeds = m["per_seed"]
    shrinks = all(r["model_error_last"][k] < r["model_error_first"][k]
                  for r in seeds for k in ("reward_rmse", "transition_rmse"))
    diff = paired_diff_ci([r["value_at_2_learned"] for r in seeds],
                          [r["value_at_2_learned_exact_models"] for r in seeds])
    trace = m["model_error_trace"]
    measured = (f"model RMSE reward {trace[0]['reward_rmse']:.3f}->{trace[-1]['reward_rmse']:.3f}, "
                f"transition {trace[0]['transition_rmse']:.3f}->{trace[-1]['transition_rmse']:.3f}"
                f" (seed mean); greedy value at k=2, learned - exact models: {diff.fmt(3)}")
    close = diff.lo >= -VALUE_TOL and diff.hi <= VALUE_TOL
    if shrinks and close:
        return measured, REPRODUCED, (f"errors shrink on every seed; value difference within "
                                      f"±{VALUE_TOL} (interval)")
    if shrinks and abs(diff.mean) <= VALUE_TOL:
        return measured, PARTLY, f"errors shrink; mean value gap within ±{VALUE_TOL}, interval not"
    if shrinks or close:
        return measured, PARTLY, ("errors shrink but planning value differs by more than "
                                  f"{VALUE_TOL}" if shrinks else
                                  "planning value close but errors do not shrink on every seed")
    return measured, NOT_REPRODUCED, "learned models neither improve nor plan like exact ones"


def _feature_utility(m: Metrics) -> tuple[str, str, str]:
    """Units: draws of random cells (hallway features are fixed; their usage depends on
    which random options compete with them)."""
    u = m["utility"]
    usage = paired_diff_ci(u["usage_hallway"], u["usage_random"])
    gain = paired_diff_ci(u["gain_hallway"], u["gain_random"])
    mu = m["utility_mean"]

    def fmt(ci) -> str:
        return ci.fmt(2).replace(" seeds)", " draws)")

    ratio = mu["usage_hallway"] / max(mu["usage_random"], 1e-12)
    measured = (f"planner usage hallway {mu['usage_hallway']:.3f} vs random "
                f"{mu['usage_random']:.3f} ({ratio:.1f}x; diff {fmt(usage)}); value added "
                f"alone hallway {mu['gain_hallway']:.3f} vs random {mu['gain_random']:.3f} "
                f"(diff {fmt(gain)}; draws of random cells)")
    by_usage = usage.above(0.0) and ratio >= USAGE_X
    by_gain = gain.above(0.0)
    if by_usage and by_gain:
        return measured, REPRODUCED, "hallway features win on both utility measures (intervals)"
    if by_usage or by_gain:
        which = "usage" if by_usage else "value added alone"
        return measured, PARTLY, (f"hallways ahead only by {which}; the other measure misses "
                                  f"its bar (usage >= {USAGE_X:g}x and interval above 0)")
    return measured, NOT_REPRODUCED, "hallway features are not more useful than random cells"


NO_FIGURE = "no paper figure"
CLAIMS = (
    Claim(
        "planning_speed",
        "Planning with learned option models reaches near-optimal value in several times "
        "fewer sweeps than planning with primitive actions.",
        f"{NO_FIGURE}: reward-respecting option models are 'much more likely to be useful in "
        "planning' (STOMP abstract, arXiv 2202.03466v4)",
        _planning_speed,
        bar=f"a priori: 'several times' read as >= {SPEEDUP:g}x fewer sweeps to 95% of v*, "
            "on every seed",
    ),
    Claim(
        "avoid_penalty",
        "Reward-respecting options avoid the penalty region that shortest-path (bottleneck) "
        "options cross.",
        f"{NO_FIGURE}: qualitative (STOMP paper, reward-respecting vs bottleneck options in "
        "the four-rooms world)",
        _avoid_penalty,
        bar="a priori: at most half the penalty entries of shortest-path options (exact options, "
            "deterministic)",
    ),
    Claim(
        "learned_models",
        "Option models learned off-policy by intra-option TD approach the exact models and "
        "plan as well.",
        f"{NO_FIGURE}: options and models 'can all be learned online and off-policy' (STOMP "
        "abstract, arXiv 2202.03466v4)",
        _learned_models,
        bar=f"a priori: errors shrink on every seed and the greedy value at k=2 is within "
            f"±{VALUE_TOL} of planning with exact models (interval over seeds)",
    ),
    Claim(
        "feature_utility",
        "Hallway features give more useful subproblems than random cell features (Oak: keep "
        "the subproblems the planner uses).",
        f"{NO_FIGURE}: Oak talk (Sutton, NeurIPS 2025), qualitative",
        _feature_utility,
        bar=f"a priori: hallway usage >= {USAGE_X:g}x random with the paired interval above 0, "
            "and value added alone above random (paired interval over draws)",
    ),
)
