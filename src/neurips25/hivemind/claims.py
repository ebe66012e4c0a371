"""The paper's headline claims as checks on the metrics of ``experiment.run``.

Frontier-model numbers (79% of intra-model cases above 0.8; inter-model 0.71-0.82) need
70+ chat models and OpenAI embeddings: not measurable here; we report our own level
beside its floor. What we can check is the direction: shared data and shared reward
tuning homogenize, and the metrics themselves move with planted sharing.
"""
from __future__ import annotations

from neurips25.study import NOT_MEASURABLE, NOT_REPRODUCED, PARTLY, REPRODUCED, Claim, Metrics

ALPHA = 0.05


def _sign_test_verdict(stats: Metrics, measured: str, yes: str, weak: str, no: str) -> tuple[str, str, str]:
    """Reproduced when the effect is positive and the per-prompt sign test significant;
    partly when only positive; else not reproduced."""
    if stats["mean_diff"] > 0 and stats["p_sign"] < ALPHA:
        return measured, REPRODUCED, yes
    if stats["mean_diff"] > 0:
        return measured, PARTLY, weak
    return measured, NOT_REPRODUCED, no


def _metrics_validated(m: Metrics) -> tuple[str, str, str]:
    mono = m["validation"]["monotone"]
    ok = [k for k, v in mono.items() if v]
    measured = f"{len(ok)}/{len(mono)} metrics strictly monotone in their planted knob"
    bad = [k for k, v in mono.items() if not v]
    if not bad:
        return measured, REPRODUCED, "intra, inter, Vendi, unique-models@N, distinct-2, compression all follow the planted knob"
    verdict = PARTLY if len(ok) >= len(mono) / 2 else NOT_REPRODUCED
    note = ""
    if "unique_models" in bad:
        s = m["validation"]["sweeps"]["sharing"]
        note = (f"; unique-models@N peaks at {max(s['unique_models']):.2f} against a random-mixing "
                f"ceiling of {s['unique_models_if_random'][-1]:.2f}: it saturates once most answers are shared")
    return measured, verdict, f"not strictly monotone: {', '.join(bad)}{note}"


def _intra_level(m: Metrics) -> tuple[str, str, str]:
    b = m["base_models"]
    measured = (f"ours: {b['share_above_threshold']:.0%} of pools > 0.8, mean intra {b['intra_similarity']:.2f} "
                f"(unrelated floor {m['floor']:.2f}, {m['report']['overall']['embedder']})")
    return measured, NOT_MEASURABLE, "needs the paper's 70+ chat models and OpenAI embeddings; our LMs are toys"


def _inter_level(m: Metrics) -> tuple[str, str, str]:
    s = m["same_vs_different_data"]
    measured = (f"ours: same-data pairs {s['same_data']:.2f}, different-data {s['different_data']:.2f} "
                f"(floor {m['floor']:.2f})")
    return measured, NOT_MEASURABLE, "needs frontier models; the level depends on the embedder"


def _shared_data(m: Metrics) -> tuple[str, str, str]:
    s = m["same_vs_different_data"]
    measured = (f"same data {s['same_data']:.2f} vs different {s['different_data']:.2f}; "
                f"{s['share_positive']:.0%} of {s['n']} prompts, sign test p={s['p_sign']:.3g}")
    return _sign_test_verdict(
        s, measured, "models trained on one corpus answer alike across seeds and sizes",
        "same-data pairs are closer, but not on significantly many prompts",
        "same-data pairs are not closer than different-data pairs")


def _reward_narrows(m: Metrics) -> tuple[str, str, str]:
    rt = m["reward_tuning"]
    parts, sig, right = [], 0, 0
    for name, r in rt.items():
        for test, moved in (("intra_test", r["intra_tuned"] > r["intra_base"]),
                            ("vendi_test", r["vendi_tuned"] < r["vendi_base"])):
            right += moved
            sig += moved and r[test]["p_sign"] < ALPHA
        parts.append(f"{name}: intra {r['intra_base']:.2f}->{r['intra_tuned']:.2f}, "
                     f"Vendi {r['vendi_base']:.1f}->{r['vendi_tuned']:.1f}")
    measured = "; ".join(parts)
    total = 2 * len(rt)
    if sig == total:
        return measured, REPRODUCED, "reward tuning raises intra-model similarity and lowers Vendi (per-prompt sign tests)"
    if right > 0:
        return measured, PARTLY, f"{right}/{total} changes go the claimed way, {sig}/{total} significant"
    return measured, NOT_REPRODUCED, "reward tuning did not narrow diversity"


def _reward_cross(m: Metrics) -> tuple[str, str, str]:
    c = m["reward_tuning_cross_model"]
    measured = f"A vs B: {c['base']:.2f} base -> {c['tuned']:.2f} both tuned (p={c['p_sign']:.3g})"
    return _sign_test_verdict(
        c, measured, "one reward model pulls models trained on different data together",
        "closer after tuning, but not on significantly many prompts",
        "reward tuning did not bring different-data models together")


def _small_diverse(m: Metrics) -> tuple[str, str, str]:
    s = m["size"]
    measured = f"intra: small {s['intra_small']:.2f} vs larger {s['intra_larger']:.2f} (p={s['p_sign']:.3g})"
    return _sign_test_verdict(
        s, measured, "the smallest model repeats itself least",
        "the smallest model is more diverse, not on significantly many prompts",
        "the smallest model is not more diverse here")


def _judges(_m: Metrics) -> tuple[str, str, str]:
    return ("n/a", NOT_MEASURABLE,
            "needs Infinity-Chat's 25 human ratings per item; annotations.py implements the analysis")


CLAIMS = (
    Claim("metrics_validated", "Diversity metrics track homogeneity (validated on planted pools).",
          "method: diversity metrics (no paper number)", _metrics_validated),
    Claim("intra_model_repetition", "A single model keeps generating similar answers to open-ended prompts.",
          "79% of intra-model cases have mean sim > 0.8 (intra-model repetition figure)", _intra_level),
    Claim("inter_model_homogeneity", "Different models produce strikingly similar answers.",
          "pairwise inter-model sim 0.71-0.82 (inter-model similarity heat map)", _inter_level),
    Claim("shared_data_homogenizes", "Models sharing training data answer alike (a cause of the hivemind).",
          "discussion: shared pretraining data as a suspected cause (no number)", _shared_data),
    Claim("reward_tuning_narrows", "Alignment / reward tuning narrows output diversity.",
          "discussion: alignment as a suspected cause (no number)", _reward_narrows),
    Claim("shared_reward_homogenizes", "A shared reward model pulls different models towards the same answers.",
          "discussion: shared alignment recipes (no number)", _reward_cross),
    Claim("smallest_most_diverse", "The smallest models are the most diverse.",
          "Qwen2.5-0.5B: 24% of cases > 0.8 vs 79% overall", _small_diverse),
    Claim("judges_miscalibrated", "LM judges and reward models track humans worse on similar-quality, "
          "high-disagreement items.", "Spearman with humans drops on similar-quality / high-disagreement subsets", _judges),
)
