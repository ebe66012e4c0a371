"""The paper's headline claims (Jiang et al., arXiv 2510.22954v1) as checks on ``experiment.run``.

Frontier-model levels (79% of intra-model pools above 0.8 with top-p 0.9, T 1.0) need 70+
chat models and OpenAI embeddings: not measurable here; we report our own level beside its
floor. Two figures quoted in this project's planning notes, "inter-model 0.71-0.82" and
"Qwen2.5-0.5B 24% > 0.8", were not found in the paper text reachable offline (the first is
repeated by third-party write-ups): they are marked unverified. What we can check is the
direction: shared data and shared reward tuning homogenize LMs trained here, the metrics
move with planted sharing. Each comparison is tested over every (seed, prompt) cell
(Wilcoxon signed-rank) and its per-seed means must agree (t interval over seeds above 0).
Each reason says which part holds by construction of the toy and which part is measured.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from neurips25.study import NOT_MEASURABLE, NOT_REPRODUCED, PARTLY, REPRODUCED, Claim, Metrics

ALPHA = 0.05


def _seed_lo(t: Mapping[str, Any]) -> float:
    ci = t.get("seed_mean_ci") or {}
    lo = ci.get("lo")
    return -math.inf if lo is None else float(lo)


def _test_text(t: Mapping[str, Any]) -> str:
    ci = t.get("seed_mean_ci") or {}
    seeds = (f"per-seed means {ci['mean']:+.3f} [{_seed_lo(t):+.3f}, {ci['hi']:+.3f}]"
             if ci.get("n", 1) > 1 and ci.get("hi") is not None else "1 seed")
    return (f"{t['share_positive']:.0%} of {t['n']} (seed, prompt) cells positive, "
            f"Wilcoxon p={t['p_wilcoxon']:.2g}, {seeds}")


def _holds(t: Mapping[str, Any]) -> bool:
    """Positive, significant over cells, and the per-seed means agree (t interval above 0)."""
    return t["mean_diff"] > 0 and t["p_wilcoxon"] < ALPHA and _seed_lo(t) > 0


def _paired_verdict(t: Mapping[str, Any], measured: str, yes: str, weak: str, no: str,
                    construction: str) -> tuple[str, str, str]:
    """Reproduced when ``_holds``; partly when only positive on average; else not."""
    if _holds(t):
        return measured, REPRODUCED, f"{yes}. {construction}"
    if t["mean_diff"] > 0:
        return measured, PARTLY, f"{weak}. {construction}"
    return measured, NOT_REPRODUCED, f"{no}. {construction}"


def _metrics_validated(m: Metrics) -> tuple[str, str, str]:
    mono = m["validation"]["monotone"]
    ok = [k for k, v in mono.items() if v]
    measured = f"{len(ok)}/{len(mono)} metrics strictly monotone in their planted knob"
    bad = [k for k, v in mono.items() if not v]
    if not bad:
        return measured, REPRODUCED, ("intra, inter, Vendi, unique-models@N, distinct-2, "
                                      "compression all follow the planted knob")
    verdict = PARTLY if len(ok) >= len(mono) / 2 else NOT_REPRODUCED
    note = ""
    if "unique_models" in bad:
        s = m["validation"]["sweeps"]["sharing"]
        note = (f"; unique-models@N peaks at {max(s['unique_models']):.2f} against a "
                f"random-mixing ceiling of {s['unique_models_if_random'][-1]:.2f}: it saturates "
                "once most answers are shared")
    return measured, verdict, f"not strictly monotone: {', '.join(bad)}{note}"


def _intra_level(m: Metrics) -> tuple[str, str, str]:
    b = m["base_models"]
    measured = (f"ours: {b['share_above_threshold']:.0%} of pools > 0.8, mean intra "
                f"{b['intra_similarity']:.2f} (unrelated floor {m['floor']:.2f}, "
                f"{m['report']['overall']['embedder']})")
    return measured, NOT_MEASURABLE, ("needs the paper's 70+ chat models and OpenAI embeddings; "
                                       "our LMs are toys")


def _inter_level(m: Metrics) -> tuple[str, str, str]:
    s = m["same_vs_different_data"]
    measured = (f"ours: same-data pairs {s['same_data']:.2f}, different-data "
                f"{s['different_data']:.2f} (floor {m['floor']:.2f})")
    return measured, NOT_MEASURABLE, "needs frontier models; the level depends on the embedder"


def _shared_data(m: Metrics) -> tuple[str, str, str]:
    s = m["same_vs_different_data"]
    measured = (f"inter-model similarity, same data {s['same_data']:.3f} vs different "
                f"{s['different_data']:.3f}; {_test_text(s)}")
    return _paired_verdict(
        s, measured, "models trained on one corpus answer alike across seeds and sizes",
        "same-data pairs are closer on average, not significantly or not in every seed",
        "same-data pairs are not closer than different-data pairs",
        "By construction the corpora share one language but draw ideas from different banks; "
        "measured: whether LMs trained from different seeds and sizes carry that into their "
        "samples beyond seed noise")


def _reward_narrows(m: Metrics) -> tuple[str, str, str]:
    rt = m["reward_tuning"]
    parts, held, right = [], 0, 0
    for name, r in rt.items():
        for test in ("intra_test", "vendi_test"):
            right += r[test]["mean_diff"] > 0
            held += _holds(r[test])
        parts.append(f"{name}: intra {r['intra_base']:.2f}->{r['intra_tuned']:.2f} "
                     f"(p={r['intra_test']['p_wilcoxon']:.2g}), Vendi {r['vendi_base']:.1f}->"
                     f"{r['vendi_tuned']:.1f} (p={r['vendi_test']['p_wilcoxon']:.2g}), reward "
                     f"{r['reward_base']:.2f}->{r['reward_tuned']:.2f}")
    measured = "; ".join(parts)
    total = 2 * len(rt)
    construction = ("By construction the reward is hand-made (fixed idea weights) and tuning is "
                    "GRPO without KL, whose optimum is one best idea per prompt; measured: how far "
                    f"{m.get('rl_steps', 'the')} tuning steps move the sampled answers")
    if total and held == total:
        return measured, REPRODUCED, ("reward tuning raises intra-model similarity and lowers "
                                      f"Vendi in every tuned model. {construction}")
    if right > 0:
        return measured, PARTLY, (f"{right}/{total} changes go the claimed way, {held}/{total} "
                                  f"significant and consistent over seeds. {construction}")
    return measured, NOT_REPRODUCED, f"reward tuning did not narrow diversity. {construction}"


def _reward_cross(m: Metrics) -> tuple[str, str, str]:
    c = m["reward_tuning_cross_model"]
    measured = f"A vs B: {c['base']:.3f} base -> {c['tuned']:.3f} both tuned; {_test_text(c)}"
    return _paired_verdict(
        c, measured, "one reward model pulls models trained on different data together",
        "closer after tuning on average, not significantly or not in every seed",
        "reward tuning did not bring different-data models together",
        "By construction both are tuned against the same hand-made reward, over ideas built from "
        "one shared word stock, with GRPO and no KL; measured: whether the tuned models' samples "
        "actually converge")


def _small_diverse(m: Metrics) -> tuple[str, str, str]:
    s = m["size"]
    measured = (f"intra: small {s['intra_small']:.3f} vs larger {s['intra_larger']:.3f}; "
                f"{_test_text(s)}")
    return _paired_verdict(
        s, measured, "the smallest model repeats itself least",
        "the smallest model is more diverse on average, not significantly or not in every seed",
        "the smallest model is not more diverse here",
        "By construction the small model has 1 layer, 16 dims and the same training budget; "
        "measured: the spread of its samples")


def _judges(_m: Metrics) -> tuple[str, str, str]:
    return ("n/a", NOT_MEASURABLE, "needs Infinity-Chat's 25 human ratings per item; "
                                   "annotations.py implements the analysis")


_PAIRED_BAR = ("a priori: mean paired difference > 0 with Wilcoxon p < 0.05 over all (seed, "
               "prompt) cells, and the t interval of the per-seed means above 0")

CLAIMS = (
    Claim("metrics_validated", "Diversity metrics track homogeneity (validated on planted pools).",
          "method: diversity metrics (no paper number)", _metrics_validated,
          bar="a priori: every metric strictly monotone in the knob it measures"),
    Claim("intra_model_repetition", "A single model keeps generating similar answers to "
          "open-ended prompts.", "79% of intra-model pools have mean similarity > 0.8 at top-p "
          "0.9, T 1.0 (arXiv v1, intra-model repetition section)", _intra_level,
          bar="none: not measurable without the paper's models and embedder"),
    Claim("inter_model_homogeneity", "Different models produce strikingly similar answers.",
          "inter-model similarity heat map (arXiv v1); the range 0.71-0.82 quoted in planning "
          "notes is unverified (not found in the paper text reachable here)", _inter_level,
          bar="none: not measurable without the paper's models and embedder"),
    Claim("shared_data_homogenizes", "Models sharing training data answer alike (a cause of the "
          "hivemind).", "discussion: overlapping training data as a suspected cause (no number)",
          _shared_data, bar=_PAIRED_BAR),
    Claim("reward_tuning_narrows", "Alignment / reward tuning narrows output diversity.",
          "discussion: alignment as a suspected cause (no number)", _reward_narrows,
          bar=_PAIRED_BAR + ", for intra similarity and Vendi of every tuned model"),
    Claim("shared_reward_homogenizes", "A shared reward model pulls different models towards "
          "the same answers.", "discussion: shared alignment recipes (no number)", _reward_cross,
          bar=_PAIRED_BAR),
    Claim("smallest_most_diverse", "The smallest models are the most diverse.",
          "unverified: planning notes quote Qwen2.5-0.5B at 24% of pools > 0.8 vs 79% overall; "
          "not found in the paper text reachable here", _small_diverse, bar=_PAIRED_BAR),
    Claim("judges_miscalibrated", "LM judges and reward models track humans worse on "
          "similar-quality, high-disagreement items.", "Spearman with humans drops on "
          "similar-quality / high-disagreement subsets (arXiv v1)", _judges,
          bar="none: not measurable without Infinity-Chat's human ratings"),
)
